//! `kyc::connect_typed`: from the same configuration as `kyc::connect`, the neutral trait
//! and the typed client of whichever provider is configured, sharing one adapter — checked
//! against the sandbox over real HTTP for both providers.

use kyc::kyc_idnow::wire::DocumentDefinition;
use kyc::{Config, ConfiguredProvider, NewCase, Provider};
use kyc_sandbox::{Sandbox, SandboxOptions};

fn new_case(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c
}

#[tokio::test]
async fn idnow_reaches_the_esign_api_of_the_typed_client_and_shares_its_login() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let config = Config::from_toml(&sandbox.idnow_config_toml()).expect("config");
    let configured = kyc::connect_typed(&config).expect("connect");
    assert_eq!(configured.provider(), Provider::Idnow);
    assert!(configured.postident().is_none());
    let idnow = configured.idnow().expect("IDnow is configured");

    // The neutral trait ...
    let provider = configured.as_dyn();
    let handle = provider
        .create_case(&new_case("typed-idnow"))
        .await
        .expect("create");
    assert_eq!(handle.case_ref.provider, Provider::Idnow);
    // ... and what only IDnow has: eSign document definitions, on the typed client.
    let client = idnow.client();
    client
        .create_document_definition(&DocumentDefinition::pdf("contract", "Contract"))
        .await
        .expect("create a document definition");
    let definitions = client
        .list_document_definitions()
        .await
        .expect("list definitions");
    assert!(definitions
        .iter()
        .any(|d| d.identifier.as_deref() == Some("contract")));
    // One adapter behind both: the login the trait made is the typed client's.
    assert_eq!(client.login_count(), 1, "one login for both ways in");

    // `kyc::connect` is `connect_typed` behind the trait: same behaviour.
    let boxed = kyc::connect(&config).expect("connect");
    let case = boxed.get_case(&handle.case_ref).await.expect("get");
    assert_eq!(case.case_ref.reference.as_deref(), Some("typed-idnow"));
}

#[tokio::test]
async fn postident_reaches_the_status_call_of_the_typed_client() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let config = Config::from_toml(&sandbox.postident_config_toml(None)).expect("config");
    let configured = kyc::connect_typed(&config).expect("connect");
    assert!(matches!(configured, ConfiguredProvider::Postident(_)));
    assert!(configured.idnow().is_none());
    let handle = configured
        .as_dyn()
        .create_case(&new_case("typed-post"))
        .await
        .expect("create");
    let case_id = handle.case_ref.case_id.clone().expect("case id");
    // What only POSTIDENT has: the status call (without the identification data).
    let status = configured
        .postident()
        .expect("POSTIDENT is configured")
        .client()
        .get_case_status(&case_id, false)
        .await
        .expect("status");
    assert_eq!(status.raw["caseId"].as_str(), Some(case_id.as_str()));
}

#[test]
fn connect_api_only_is_at_the_crate_root() {
    let config = Config::from_toml(
        "provider = \"idnow\"\n[idnow]\nbase_url = \"http://127.0.0.1:9/idnow\"\n\
         company_id = \"co\"\napi_key = \"k\"\n",
    )
    .expect("config");
    let provider = kyc::connect_api_only(&config).expect("connect");
    assert_eq!(provider.provider(), Provider::Idnow);
}
