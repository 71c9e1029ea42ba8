//! `kyc sandbox --postident-webhook-user NAME`: POSTIDENT webhooks delivered by the sandbox carry
//! HTTP Basic auth, the password read from an environment variable (never the command line).
//! The binary runs as a person would run it; a small axum server is the webhook receiver.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::json;
use support::{kyc, pipe, text};

/// `hook-user:s3cret-from-env` in Base64, the `Authorization: Basic` value HTTP Basic gives.
const EXPECTED_AUTHORIZATION: &str = "Basic aG9vay11c2VyOnMzY3JldC1mcm9tLWVudg==";

/// Stops the sandbox process also when an assertion fails first.
struct RunningSandbox(Child);

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let mut child = kyc()
        .args([
            "sandbox",
            "--port",
            "0",
            "--postident-webhook-user",
            "hook-user",
            "--postident-webhook-password-env",
            "SANDBOX_TEST_HOOK_PASSWORD",
        ])
        .env("SANDBOX_TEST_HOOK_PASSWORD", "s3cret-from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _running = RunningSandbox(child);
    let (root, printed) = tokio::task::spawn_blocking(move || {
        let mut printed = String::new();
        let mut root = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(url) = line.strip_prefix("kyc sandbox at ") {
                root = Some(url.trim().trim_end_matches('/').to_string());
            }
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("See docs/sandbox.md") {
                break;
            }
        }
        (root.expect("the root URL is printed"), printed)
    })
    .await
    .unwrap();
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
    let out = pipe(
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
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("SANDBOX_TEST_UNSET_PASSWORD"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn a_webhook_user_http_basic_cannot_carry_is_refused() {
    let out = pipe(
        &["sandbox", "--port", "0", "--postident-webhook-user", "a:b"],
        &[("POSTIDENT_WEBHOOK_PASSWORD", "pw")],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--postident-webhook-user"));
}

#[tokio::test]
async fn a_password_variable_without_a_webhook_user_is_a_usage_error() {
    let out = pipe(
        &[
            "sandbox",
            "--port",
            "0",
            "--postident-webhook-password-env",
            "SOME_VAR",
        ],
        &[],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
