//! `Debug` of what the client hands back (an application logs it with `{:?}`) shows the shape
//! and the codes, never a personal datum of the user or the agent's name.

use crate::common;

use kyc_idnow::wire::CreateIdentRequest;
use kyc_sandbox::idnow::Outcome;

/// What the test user gives, and what the identification adds.
const FIRST_NAME: &str = "Quirinella";
const LAST_NAME: &str = "Zwetschkenbaum";
const BIRTH_PLACE: &str = "Nebelhofstadt";
const STREET: &str = "Ypsilonallee";
const EMAIL: &str = "quirinella@example.org";
const AGENT: &str = "Agent Kasimir Brombeerhain";

#[tokio::test]
async fn debug_of_fetched_idents_shows_no_personal_data() {
    let request = CreateIdentRequest {
        firstname: Some(FIRST_NAME.into()),
        lastname: Some(LAST_NAME.into()),
        birthplace: Some(BIRTH_PLACE.into()),
        street: Some(STREET.into()),
        email: Some(EMAIL.into()),
        ..CreateIdentRequest::default()
    };
    let (sb, client, txn) = common::sandbox_with_ident("redact", &request).await;
    let mut outcome = Outcome::new("SUCCESS", None);
    outcome.agent_name = Some(AGENT.into());
    outcome.document_type = Some("DRIVERS_LICENSE".into());
    common::set_result(&sb, &txn, &outcome);

    let fetched = client.get_ident(&txn).await.expect("get");
    // IDnow reports names as printed on the document (upper case): compare ignoring case.
    let raw = fetched.raw.to_string().to_lowercase();
    for value in [FIRST_NAME, LAST_NAME, BIRTH_PLACE, STREET, EMAIL, AGENT] {
        assert!(
            raw.contains(&value.to_lowercase()),
            "the raw JSON keeps {value}"
        );
    }
    let listed = client
        .list_idents(kyc_idnow::IdentListFilter::Successful)
        .await
        .expect("list");
    for shown in [
        format!("{fetched:?}"),
        format!("{fetched:#?}"),
        format!("{listed:?}"),
    ] {
        let lower = shown.to_lowercase();
        for value in [FIRST_NAME, LAST_NAME, BIRTH_PLACE, STREET, EMAIL, AGENT] {
            assert!(
                !lower.contains(&value.to_lowercase()),
                "Debug shows {value}: {shown}"
            );
        }
        assert!(
            lower.contains("success"),
            "the result stays visible: {shown}"
        );
    }
}
