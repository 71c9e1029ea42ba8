//! `kyc sandbox --postident-webhook-user NAME`: POSTIDENT webhooks delivered by the sandbox carry
//! HTTP Basic auth, the password read from an environment variable (never the command line).
//! The binary runs as a person would run it; a small axum server is the webhook receiver.

use crate::support;

use serde_json::json;
use support::{fails, SandboxProcess};

/// `hook-user:s3cret-from-env` in Base64, the `Authorization: Basic` value HTTP Basic gives.
const EXPECTED_AUTHORIZATION: &str = "Basic aG9vay11c2VyOnMzY3JldC1mcm9tLWVudg==";

/// A webhook receiver on a free loopback port: its URL, and the `Authorization` header of each
/// request it received (`None` for a request without one), in order.
async fn webhook_receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<Option<String>>) {
    let (seen, received) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/postident-hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let seen = seen.clone();
            async move {
                let authorization = headers
                    .get(axum::http::header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let _ = seen.send(authorization);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/postident-hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postident_webhooks_from_kyc_sandbox_carry_the_configured_basic_auth() {
    let (hook_url, mut received) = webhook_receiver().await;
    let sandbox = SandboxProcess::start(
        &[
            "--port",
            "0",
            "--postident-webhook-user",
            "hook-user",
            "--postident-webhook-password-env",
            "SANDBOX_TEST_HOOK_PASSWORD",
        ],
        &[("SANDBOX_TEST_HOOK_PASSWORD", "s3cret-from-env")],
    )
    .await;
    let (root, printed) = (sandbox.root(), &sandbox.banner);
    assert!(
        printed.contains("webhooks:      sent with HTTP Basic auth as user \"hook-user\""),
        "the banner says webhooks carry Basic auth: {printed}"
    );
    assert!(
        !printed.contains("s3cret-from-env"),
        "the password is never printed: {printed}"
    );

    let http = reqwest::Client::new();
    let created = http
        .post(format!("{root}/postident/api/scr/v1/SANDBOX01/cases"))
        .basic_auth("sandbox", Some("sandbox-password"))
        .json(&json!({
            "processData": {
                "targetCountry": "DEU",
                "referenceId": "HOOK-AUTH-1",
                "webHookUrl": hook_url,
            },
            "contactDataProvided": {
                "firstName": "Erika",
                "lastName": "Mustermann",
                "email": "erika@example.org",
            }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let case: serde_json::Value = created.json().await.unwrap();
    let case_id = case["caseId"].as_str().expect("caseId");
    let played = http
        .post(format!(
            "{root}/postident/__control/cases/{case_id}/outcome"
        ))
        .json(&json!({"method": "eid", "outcome": "success"}))
        .send()
        .await
        .unwrap();
    assert!(played.status().is_success(), "{}", played.status());

    // A guard against a hang, not a measurement: the first webhook comes at once.
    let authorization = tokio::time::timeout(std::time::Duration::from_secs(60), received.recv())
        .await
        .expect("a webhook arrives")
        .expect("the receiver runs");
    assert_eq!(authorization.as_deref(), Some(EXPECTED_AUTHORIZATION));
}

#[tokio::test]
async fn a_webhook_user_without_its_password_variable_is_a_clear_error() {
    let err = fails(
        &[
            "sandbox",
            "--port",
            "0",
            "--postident-webhook-user",
            "hook-user",
            "--postident-webhook-password-env",
            "SANDBOX_TEST_UNSET_PASSWORD",
        ],
        &[],
        1,
    )
    .await;
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("SANDBOX_TEST_UNSET_PASSWORD"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn a_webhook_user_http_basic_cannot_carry_is_refused() {
    let err = fails(
        &["sandbox", "--port", "0", "--postident-webhook-user", "a:b"],
        &[("POSTIDENT_WEBHOOK_PASSWORD", "pw")],
        1,
    )
    .await;
    assert!(err.contains("--postident-webhook-user"), "{err}");
}

#[tokio::test]
async fn a_password_variable_without_a_webhook_user_is_a_usage_error() {
    fails(
        &[
            "sandbox",
            "--port",
            "0",
            "--postident-webhook-password-env",
            "SOME_VAR",
        ],
        &[],
        2,
    )
    .await;
}
