//! Login and the token cache against the sandbox: one login reused, one re-login on an expired
//! token however many tasks hit it, clear errors for bad credentials and server failures.

use crate::common;

use kyc_core::ErrorKind;
use kyc_idnow::wire::CreateIdentRequest;
use kyc_idnow::{Client, IdnowConfig};
use kyc_sandbox::idnow::FaultKind;
use std::sync::Arc;

#[tokio::test]
async fn the_token_is_reused_across_calls() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    for _ in 0..5 {
        client
            .create_ident(&common::txn("reuse"), &CreateIdentRequest::default())
            .await
            .unwrap();
    }
    assert_eq!(sb.idnow().login_count(), 1);
    assert_eq!(client.login_count(), 1);
}

#[tokio::test]
async fn an_expired_token_triggers_one_login_for_many_concurrent_tasks() {
    let sb = common::sandbox(1.0).await;
    let client = Arc::new(common::client(&sb));
    client.login().await.unwrap();
    assert_eq!(sb.idnow().login_count(), 1);
    sb.idnow().expire_tokens();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.create_ident(
                &common::txn(&format!("conc{i}")),
                &CreateIdentRequest::default(),
            )
            .await
        }));
    }
    for t in tasks {
        t.await
            .unwrap()
            .expect("every task succeeds after the one re-login");
    }
    assert_eq!(sb.idnow().login_count(), 2, "exactly one re-login");
}

#[tokio::test]
async fn a_wrong_api_key_is_an_authentication_error_without_the_key() {
    let sb = common::sandbox(1.0).await;
    let mut config = common::config(&sb);
    config.api_key = kyc_core::Secret::new("wrong-key-123");
    let client = Client::new(config).unwrap();
    let e = client.login().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.http_status(), Some(401));
    assert!(!e.to_string().contains("wrong-key-123"));
    assert!(!format!("{e:?}").contains("wrong-key-123"));
    assert!(!format!("{client:?}").contains("wrong-key-123"));
    assert!(
        e.to_string()
            .ends_with("; check idnow.api_key and idnow.company_id: IDnow answers 401 to a wrong API key and to a wrong shortname alike"),
        "{e}"
    );
    assert_eq!(e.to_string().matches("HTTP 401").count(), 1, "{e}");
}

#[tokio::test]
async fn an_unknown_shortname_is_rejected() {
    let sb = common::sandbox(1.0).await;
    let mut config = common::config(&sb);
    config.company_id = "nosuchcompany".into();
    let e = Client::new(config).unwrap().login().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert!(e.hint().unwrap().contains("idnow.company_id"), "{e}");
}

#[tokio::test]
async fn login_500_is_retried_then_reported_as_transient() {
    let sb = common::sandbox(1.0).await;
    common::fail_next_at(&sb, "/login", FaultKind::Status { status: 500 }, 1);
    let client = common::client(&sb);
    client.login().await.expect("one 500 is retried");
    common::fail_next_at(&sb, "/login", FaultKind::Status { status: 500 }, 10);
    let e = client.login().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert_eq!(e.http_status(), Some(500));
    assert_eq!(e.cause_code(), Some("INTERNAL_SERVER_ERROR"));
    sb.idnow().clear_faults();
}

#[tokio::test]
async fn plain_http_is_refused_except_on_loopback() {
    // Plain HTTP to a remote host, and an empty company id.
    for (base_url, company) in [
        ("http://gateway.idnow.de", "democompany"),
        ("https://gateway.idnow.de", ""),
    ] {
        let config = IdnowConfig::new(url::Url::parse(base_url).unwrap(), company, "key");
        let e = Client::new(config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration, "{base_url} {company:?}");
    }
    let config = IdnowConfig::new(url::Url::parse("http://127.0.0.1:9").unwrap(), "x", "key");
    assert!(Client::new(config).is_ok());
}
