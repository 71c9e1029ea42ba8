//! Error messages as a person reads them: what failed, the HTTP status once, where a request
//! went when it got no answer, input that did not come from IDnow described as such, rules in
//! plain words, and a hint where the cause is common.

use crate::common;

use kyc_core::ErrorKind;
use kyc_idnow::wire::{CreateIdentRequest, DocumentDefinition};
use kyc_idnow::{Client, IdnowConfig};
use std::time::Duration;

#[test]
fn input_that_did_not_come_from_idnow_is_not_called_an_answer() {
    let e = kyc_idnow::normalize::case_from_json(b"{\"identificationprocess\": ").unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.starts_with("idnow: ident JSON: not an IDnow ident this library can read ("),
        "{shown}"
    );
    assert!(
        !shown.contains("answered") && !shown.contains("HTTP"),
        "{shown}"
    );
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert_eq!(e.http_status(), None);
    assert!(e.raw_body().is_some(), "the input is kept");
}

#[tokio::test]
async fn rules_read_as_sentences() {
    let config = IdnowConfig::new("http://127.0.0.1:9/idnow".parse().unwrap(), "co", "key");
    let client = Client::new(config).unwrap();
    let e = client
        .create_ident("", &CreateIdentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "idnow: invalid input: transaction_number must be present (1 to 255 characters)"
    );
    let mut definition = DocumentDefinition::pdf("contract", "Contract");
    definition.optional = Some(true);
    definition.mime_type = Some("image/png".into());
    let e = client
        .create_document_definition(&definition)
        .await
        .unwrap_err();
    let rules: Vec<String> = e.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(
        rules,
        [
            "optional must be false (documents to sign are mandatory)",
            "mimeType must be application/pdf (the only supported type)"
        ]
    );
    for rule in &rules {
        assert!(!rule.contains("must be must") && !rule.contains("must be required"));
    }
}

#[tokio::test]
async fn no_answer_names_where_the_request_went() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut config = IdnowConfig::new(
        format!("http://127.0.0.1:{port}/idnow").parse().unwrap(),
        "co",
        "key",
    );
    config.http.max_retries = 0;
    config.http.connect_timeout = Duration::from_secs(2);
    let client = Client::new(config).unwrap();
    let e = client.login().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert_eq!(
        e.to_string(),
        format!(
            "idnow: login: no answer from IDnow at http://127.0.0.1:{port} (connection failed)"
        )
    );
    assert!(!e.to_string().contains("/idnow/api"), "no path: {e}");
}

#[tokio::test]
async fn a_create_that_got_no_answer_says_it_is_safe_to_repeat() {
    let sb = common::sandbox(1.0).await;
    let mut config = common::config(&sb);
    config.http.max_retries = 0;
    let client = Client::new(config).unwrap();
    client.login().await.unwrap();
    let reset = kyc_sandbox::idnow::FaultKind::ConnectionReset;
    common::fail_next_at(&sb, "/start", reset, 1);
    let e = client
        .create_ident(&common::txn("reset"), &CreateIdentRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(
        e.hint()
            .unwrap()
            .contains("may or may not have been created"),
        "{e}"
    );
}
