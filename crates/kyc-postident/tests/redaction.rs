//! What the typed client returns holds the decrypted result: its `Debug` (as a `{:?}` in a log
//! line would print it) shows no personal value. Against the sandbox over real HTTP.

use crate::common;

use kyc_postident::{GetCaseOptions, ListQuery, PostidentError};
use kyc_sandbox::postident::Method;

/// Values of `common::new_case` and of the sandbox's identified person.
const PERSONAL: &[&str] = &["Erika", "Mustermann", "Heidestr", "51147", "1964", "erika@"];

fn assert_no_personal_value(shown: &str) {
    for value in PERSONAL {
        assert!(!shown.contains(value), "{value} shown: {shown}");
    }
}

#[tokio::test]
async fn answers_of_the_typed_client_print_no_personal_value() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let handle = common::closed_case(&sandbox, &postident, "redact-1", Method::Video).await;
    let case_id = common::case_id(&handle);

    let client = postident.client();
    let case = client
        .get_case(&case_id, GetCaseOptions::everything())
        .await
        .unwrap();
    let raw = case.raw.to_string();
    assert!(
        raw.contains("Mustermann"),
        "the answer does hold personal data"
    );
    let shown = format!("{case:?}");
    assert!(shown.contains(&case_id), "names the case: {shown}");
    assert_no_personal_value(&shown);

    let list = client.list_cases(&ListQuery::default()).await.unwrap();
    assert_eq!(list.cases.len(), 1);
    assert_no_personal_value(&format!("{list:?}"));
}

#[test]
fn the_adapters_error_prints_bodies_as_their_length_only() {
    let body = br#"{"caseId":"X","contactData":{"firstName":"Erika","lastName":"Mustermann"}}"#;
    let errors = [
        PostidentError::MalformedBody {
            operation: "get case",
            detail: "JSON of an unexpected shape at line 1 column 9".into(),
            body: bytes::Bytes::from_static(body),
        },
        PostidentError::Http {
            operation: "create case",
            status: 400,
            body: bytes::Bytes::from_static(body),
            retry_after: None,
            encrypted_request: false,
        },
    ];
    for e in errors {
        let shown = format!("{e:?}");
        assert!(shown.contains(&format!("{} bytes", body.len())), "{shown}");
        assert_no_personal_value(&shown);
    }
}
