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
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let company = sb.idnow().company_id().to_string();
    let txn = common::txn("redact");
    let request = CreateIdentRequest {
        firstname: Some(FIRST_NAME.into()),
        lastname: Some(LAST_NAME.into()),
        birthplace: Some(BIRTH_PLACE.into()),
        street: Some(STREET.into()),
        email: Some(EMAIL.into()),
        ..CreateIdentRequest::default()
    };
    client.create_ident(&txn, &request).await.expect("create");
    let mut outcome = Outcome::new("SUCCESS", None);
    outcome.agent_name = Some(AGENT.into());
    outcome.document_type = Some("DRIVERS_LICENSE".into());
    sb.idnow()
        .set_result(&company, &txn, &outcome)
        .expect("result");

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
