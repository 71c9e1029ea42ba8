//! POSTIDENT webhooks with ids that are not well-formed (issue 9 item 13) over real HTTP through
//! the webhook server router: a caseId with a newline, an escape sequence or 100,000 characters,
//! or a referenceId with a control character, is answered 400 and never resolved; a notice with
//! the documented shape is answered 200. And the sandbox, told the receiver's Basic auth
//! credentials through its control API (issue 14 item 9), gets its deliveries accepted.

use crate::support::connect_verifying_webhooks;
use crate::support::webhook_listener::serve_webhooks;
use kyc::webhook::basic_auth_header;
use kyc::{KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USER: &str = "postident";
const PASSWORD: &str = "webhook-ids-test-password";

async fn serve(provider: Arc<dyn KycProvider>) -> (String, WebhookReceiver) {
    let receiver = WebhookReceiver::new(provider);
    let (url, _task) = serve_webhooks(&receiver, "/hooks/postident").await;
    (url, receiver)
}

fn provider(sandbox: &Sandbox) -> Arc<dyn KycProvider> {
    connect_verifying_webhooks(
        &sandbox.postident_config_toml(None),
        "postident",
        (USER, PASSWORD),
        "127.0.0.1",
    )
}

#[tokio::test]
async fn ill_formed_ids_are_answered_400_and_well_formed_ones_200() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let (url, receiver) = serve(provider(&sandbox)).await;
    let http = reqwest::Client::new();
    let post = |body: String| {
        http.post(&url)
            .header("authorization", basic_auth_header(USER, PASSWORD))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let bad = [
        r#"{"caseId":"YR9W91GEZK24\nresolved YR9W91GEZK24 approved"}"#.to_string(),
        r#"{"caseId":"YR9W91GEZK24\u001b[31m"}"#.to_string(),
        format!(r#"{{"caseId":"{}"}}"#, "A".repeat(100_000)),
        r#"{"caseId":"YR9W91GEZK24","referenceId":"r\r\nx"}"#.to_string(),
    ];
    for body in bad {
        let r = post(body.clone()).await.expect("answer");
        assert_eq!(r.status(), 400, "{:.60}", body);
    }
    let r = post(r#"{"caseId":"YR9W91GEZK24","referenceId":"ref-1"}"#.into())
        .await
        .expect("answer");
    assert_eq!(r.status(), 200);
    // Only the well-formed notice went on to resolution (it fails there: the sandbox does not
    // know that case).
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.failures().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let failures = receiver.failures();
    assert!(!failures.is_empty());
    assert!(
        failures
            .iter()
            .all(|(c, _)| c.case_id.as_deref() == Some("YR9W91GEZK24")),
        "nothing ill-formed reached resolution: {failures:?}"
    );
}

#[tokio::test]
async fn the_sandbox_sends_the_receivers_credentials_once_told_through_its_control_api() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let postident = provider(&sandbox);
    let (url, receiver) = serve(postident.clone()).await;
    let http = reqwest::Client::new();
    let r = http
        .put(format!(
            "{}/webhook-credentials",
            sandbox.postident().control_url()
        ))
        .json(&serde_json::json!({"username": USER, "password": PASSWORD}))
        .send()
        .await
        .expect("control API");
    assert_eq!(r.status(), 200);
    let mut new_case = NewCase::new("hook-creds");
    new_case.webhook_url = Some(url.parse().unwrap());
    let handle = postident.create_case(&new_case).await.expect("create");
    sandbox
        .postident()
        .complete(
            handle.case_ref.case_id.as_deref().unwrap(),
            kyc_sandbox::postident::Method::Eid,
            &kyc_sandbox::postident::Outcome::Success,
        )
        .expect("outcome");
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver
        .case(&handle.case_ref)
        .is_none_or(|c| !c.status.is_final())
    {
        assert!(Instant::now() < deadline, "{:?}", receiver.failures());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = sandbox.postident().webhook_deliveries();
    assert!(log.iter().all(|d| d.http_status == Some(200)), "{log:?}");
}
