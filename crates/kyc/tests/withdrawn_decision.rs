//! A decision IDnow takes back, end to end: the sandbox (driven through its HTTP control API)
//! delivers the webhooks over HTTP to `kyc::webhook_server`, whose `WebhookReceiver` resolves
//! each notice through the IDnow adapter and keeps what supersedes. The receiver must end up
//! holding the provider's later word:
//!
//! * a `SUCCESS` (or a preliminary `REVIEW_PENDING`) later `CANCELED` (public facts: the
//!   personal data is then deleted, the user may try again) is `Retryable`, not `Approved`;
//! * a supervisor's re-review of a final result replaces it;
//! * an old notice delivered again afterwards changes nothing.

use crate::support::idnow_verifying_webhooks;
use crate::support::webhook_listener::serve_webhooks;
use kyc::{Case, CaseRef, CaseStatus, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::Sandbox;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USER: &str = "idnow-hooks";
const PASSWORD: &str = "withdrawn-decision-secret";

struct Env {
    sandbox: Sandbox,
    provider: Arc<dyn KycProvider>,
    receiver: WebhookReceiver,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Env {
        let (sandbox, provider) = idnow_verifying_webhooks((USER, PASSWORD), "127.0.0.1").await;
        let receiver = WebhookReceiver::new(provider.clone());
        let (url, _task) = serve_webhooks(&receiver, "/webhooks/idnow").await;
        let env = Env {
            sandbox,
            provider,
            receiver,
            http: reqwest::Client::new(),
        };
        let response = env
            .http
            .put(format!("{}/webhook", env.company_control()))
            .json(&json!({"url": url, "username": USER, "password": PASSWORD}))
            .send()
            .await
            .expect("control API");
        assert_eq!(response.status(), 200);
        env
    }

    fn company_control(&self) -> String {
        let idnow = self.sandbox.idnow();
        format!(
            "{}/__control/companies/{}",
            idnow.base_url().as_str().trim_end_matches('/'),
            idnow.company_id()
        )
    }

    async fn create(&self, reference: &str) -> CaseRef {
        let mut new_case = NewCase::new(reference);
        new_case.person.first_name = Some("Erika".into());
        new_case.person.last_name = Some("Mustermann".into());
        self.provider
            .create_case(&new_case)
            .await
            .expect("create")
            .case_ref
    }

    /// The agent (`result`) or a supervisor (`review`) acts, through the HTTP control API.
    async fn act(&self, case: &CaseRef, action: &str, body: Value) {
        let txn = case.reference.as_deref().unwrap();
        let response = self
            .http
            .post(format!(
                "{}/identifications/{txn}/{action}",
                self.company_control()
            ))
            .json(&body)
            .send()
            .await
            .expect("control API");
        let status = response.status();
        assert_eq!(status, 200, "{action}: {}", response.text().await.unwrap());
    }

    /// Waits until the receiver holds the case in a status matching `want`.
    async fn held(&self, case: &CaseRef, what: &str, want: impl Fn(&CaseStatus) -> bool) -> Case {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.receiver.wait_idle().await;
            if let Some(held) = self.receiver.case(case) {
                if want(&held.status) {
                    return held;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the receiver never held {what} for {case}: holds {:?}, failures {:?}",
                self.receiver.case(case).map(|c| c.status),
                self.receiver.failures()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The agent or a supervisor ([`Env::act`]'s `action`) answers `CANCELED` with `reason`;
    /// waits until the receiver holds the case as retryable, and returns it.
    async fn withdraw(&self, case: &CaseRef, action: &str, reason: &str) -> Case {
        self.act(
            case,
            action,
            json!({"result": "CANCELED", "reason": reason}),
        )
        .await;
        self.held(case, "retryable", |s| *s == CaseStatus::Retryable)
            .await
    }

    /// Sends every webhook delivered so far for `case` again (oldest first), through the
    /// control API's redelivery.
    async fn redeliver_all(&self, case: &CaseRef) {
        let txn = case.reference.as_deref().unwrap();
        let idnow = self.sandbox.idnow();
        let ids: Vec<u64> = idnow
            .webhook_deliveries()
            .iter()
            .filter(|d| d.transaction_number == txn)
            .map(|d| d.id)
            .collect();
        assert!(ids.len() >= 2, "{ids:?}");
        let control = format!(
            "{}/__control/webhooks",
            idnow.base_url().as_str().trim_end_matches('/')
        );
        for id in ids {
            let response = self
                .http
                .post(format!("{control}/{id}/redeliver"))
                .send()
                .await
                .expect("control API");
            assert_eq!(response.status(), 202);
        }
        // Let the redeliveries arrive, then their resolutions finish.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.receiver.wait_idle().await;
    }
}

fn approved(s: &CaseStatus) -> bool {
    matches!(s, CaseStatus::Approved { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_cancelled_afterwards_is_retryable_and_stays_so() {
    let env = Env::start().await;
    let case = env.create("withdrawn-success").await;
    env.act(&case, "result", json!({"result": "SUCCESS"})).await;
    let success = env.held(&case, "approved", approved).await;
    assert!(success.identity.is_some());

    let withdrawn = env.withdraw(&case, "review", "IDENT_OTHER").await;
    assert_eq!(withdrawn.provider_status, "CANCELED");
    assert_eq!(withdrawn.reasons[0].code, "IDENT_OTHER");
    assert!(withdrawn.status.can_resume());
    assert!(withdrawn.last_changed() > success.last_changed());

    // The old FINAL and START notices again: the withdrawal stands.
    env.redeliver_all(&case).await;
    let held = env.receiver.case(&case).unwrap();
    assert_eq!(
        held.status,
        CaseStatus::Retryable,
        "{}",
        held.provider_status
    );
    assert!(
        env.receiver.failures().is_empty(),
        "{:?}",
        env.receiver.failures()
    );

    // The user tries again with the same ident and succeeds.
    env.act(&case, "start", json!({})).await;
    env.held(&case, "in progress", |s| *s == CaseStatus::InProgress)
        .await;
    env.act(&case, "result", json!({"result": "SUCCESS"})).await;
    let again = env.held(&case, "approved again", approved).await;
    assert_eq!(again.case_ref.case_id, case.case_id, "the same IdentID");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preliminary_review_pending_cancelled_afterwards_is_retryable() {
    let env = Env::start().await;
    let case = env.create("withdrawn-pending").await;
    env.act(&case, "result", json!({"result": "REVIEW_PENDING"}))
        .await;
    env.held(&case, "review pending", CaseStatus::is_preliminary)
        .await;
    let withdrawn = env.withdraw(&case, "result", "ID_BLURRY").await;
    assert_eq!(withdrawn.reasons[0].code, "ID_BLURRY");
    assert_eq!(
        withdrawn.review.previous_provider_status.as_deref(),
        Some("REVIEW_PENDING"),
        "the CANCELED says what it replaced"
    );
    env.redeliver_all(&case).await;
    assert_eq!(
        env.receiver.case(&case).unwrap().status,
        CaseStatus::Retryable
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisors_re_review_replaces_a_final_result() {
    let env = Env::start().await;
    let case = env.create("re-reviewed").await;
    env.act(
        &case,
        "result",
        json!({"result": "FRAUD_SUSPICION_CONFIRMED", "reason": "WARNING_FRAUD_OTHER"}),
    )
    .await;
    env.held(&case, "declined", |s| *s == CaseStatus::Declined)
        .await;
    // The customer objects; a supervisor reviews again and approves.
    env.act(&case, "review", json!({"result": "SUCCESS"})).await;
    let reviewed = env.held(&case, "approved", approved).await;
    assert!(reviewed.reasons.is_empty(), "{:?}", reviewed.reasons);
    env.redeliver_all(&case).await;
    assert!(approved(&env.receiver.case(&case).unwrap().status));
}
