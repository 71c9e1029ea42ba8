//! The webhook server router (`kyc::webhook_server::router`) over real HTTP: the sandbox's own
//! webhook deliveries reach it and resolve cases; it answers at once even when the provider is
//! slow (POSTIDENT's 2-second limit); it answers 401 to bad credentials or a foreign source
//! address, 400 to a body it cannot read, 405 to other methods.

use crate::support::webhook_listener::{idnow_webhooks_to, serve_webhooks};
use crate::support::{connect_verifying_webhooks, idnow_verifying_webhooks};
use kyc::webhook::basic_auth_header;
use kyc::{CaseRef, CaseStatus, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USER: &str = "hooks";
const PASSWORD: &str = "webhook-server-test-password";

struct Server {
    url: String,
    receiver: WebhookReceiver,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(provider: Arc<dyn KycProvider>) -> Server {
    let receiver = WebhookReceiver::new(provider);
    let (url, task) = serve_webhooks(&receiver, "/hooks/kyc").await;
    Server {
        url,
        receiver,
        task,
    }
}

async fn wait_for(receiver: &WebhookReceiver, case: &CaseRef, pred: impl Fn(&CaseStatus) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if receiver.case(case).is_some_and(|c| pred(&c.status)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not resolved: {:?} / {:?}",
            receiver.case(case).map(|c| c.status),
            receiver.failures()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn idnow_deliveries_reach_the_router_and_resolve_the_case() {
    let (sandbox, provider) = idnow_verifying_webhooks((USER, PASSWORD), "127.0.0.1").await;
    let server = serve(provider.clone()).await;
    idnow_webhooks_to(&sandbox, server.url.parse().expect("url"), (USER, PASSWORD));
    let handle = provider
        .create_case(&NewCase::new("ws-idnow"))
        .await
        .expect("create");
    sandbox
        .play(
            &SimulatedCase::Idnow {
                transaction_number: "ws-idnow".into(),
            },
            UserOutcome::Approve,
        )
        .expect("play");
    wait_for(&server.receiver, &handle.case_ref, |s| {
        *s == CaseStatus::Approved {
            data_changed: false,
        }
    })
    .await;
}

#[tokio::test]
async fn postident_is_answered_at_once_while_the_case_is_fetched_in_the_background() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let provider = connect_verifying_webhooks(
        &format!(
            "{}\n[http]\nrequest_timeout_ms = 10000",
            sandbox.postident_config_toml(None)
        ),
        "postident",
        (USER, PASSWORD),
        "127.0.0.0/8",
    );
    let server = serve(provider.clone()).await;
    let mut new_case = NewCase::new("ws-post");
    new_case.webhook_url = Some(server.url.parse().expect("url"));
    let handle = provider.create_case(&new_case).await.expect("create");
    let case_id = handle.case_ref.case_id.clone().expect("case id");
    // POSTIDENT is slow to answer the case (3 s, beyond its own 2 s webhook limit).
    let mut fault = kyc_sandbox::postident::Fault::new(
        kyc_sandbox::postident::FaultKind::Delay { delay_ms: 3_000 },
        1,
    )
    .for_method("GET");
    fault.path_contains = Some(case_id.clone());
    sandbox.postident().inject_fault(fault);

    let body = serde_json::json!({"caseId": case_id, "referenceId": "ws-post"}).to_string();
    let started = Instant::now();
    let status = reqwest::Client::new()
        .post(&server.url)
        .header("Authorization", basic_auth_header(USER, PASSWORD))
        .body(body)
        .send()
        .await
        .expect("answered")
        .status();
    let answered_in = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        answered_in < Duration::from_millis(1_000),
        "answered before the case was fetched: {answered_in:?}"
    );
    server.receiver.wait_idle().await;
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "resolved after the slow fetch"
    );
    assert!(server.receiver.case(&handle.case_ref).is_some());
}

#[tokio::test]
async fn bad_credentials_get_401_unreadable_bodies_400_other_methods_405() {
    let (_sandbox, provider) = idnow_verifying_webhooks((USER, PASSWORD), "127.0.0.1").await;
    let server = serve(provider).await;
    let client = reqwest::Client::new();
    let post = |auth: Option<String>, body: &'static str| {
        let mut r = client.post(&server.url).body(body);
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        async move { r.send().await.expect("answered").status().as_u16() }
    };
    assert_eq!(post(None, "{}").await, 401);
    assert_eq!(
        post(Some(basic_auth_header(USER, "guessed")), "{}").await,
        401
    );
    assert_eq!(
        post(Some(basic_auth_header(USER, PASSWORD)), "not json").await,
        400
    );
    assert_eq!(
        post(Some(basic_auth_header(USER, PASSWORD)), "{\"x\": 1}").await,
        400
    );
    let get = client.get(&server.url).send().await.expect("answered");
    assert_eq!(get.status(), 405);
    assert!(server.receiver.cases().is_empty());
}

#[tokio::test]
async fn a_source_address_outside_the_allowlist_gets_401() {
    let (_sandbox, provider) = idnow_verifying_webhooks((USER, PASSWORD), "213.95.145.0/27").await;
    let server = serve(provider).await;
    let status = reqwest::Client::new()
        .post(&server.url)
        .header("Authorization", basic_auth_header(USER, PASSWORD))
        .body("{}")
        .send()
        .await
        .expect("answered")
        .status();
    assert_eq!(status, 401, "127.0.0.1 is not an IDnow address");
}
