//! Load: 10,000 IDnow webhooks — 2,500 cases × (REVIEW_PENDING, FINAL), each delivered twice,
//! shuffled — POSTed concurrently (64 in flight, loopback only) with Basic auth to the webhook
//! server router (`kyc::webhook_server::router`, served with the peer address, behind a source
//! allowlist). Every request must be answered 200, every case must end in its right final state
//! (approved, approved with changed data, or declined, as the sandbox decided it) and none may
//! be lost; the whole delivery must finish within a bound.
//!
//! The bodies are the ident JSON the sandbox would have sent at each step (read from its
//! in-process snapshot right after each result was set), so they are real IDnow webhooks.

use crate::support::idnow_verifying_webhooks;
use crate::support::webhook_listener::serve_webhooks;
use futures::StreamExt;
use kyc::webhook::basic_auth_header;
use kyc::{CaseHandle, CaseStatus, NewCase, WebhookReceiver};
use kyc_sandbox::idnow::Outcome;
use std::time::{Duration, Instant};

const CASES: usize = 2_500;
const IN_FLIGHT: usize = 64;
/// The delivery of all 10,000 webhooks and their resolution must end within this (debug
/// build, 2 shared cores).
const DELIVERY_BOUND: Duration = Duration::from_secs(90);
const HOOK_USER: &str = "idnow-hooks";
const HOOK_PASSWORD: &str = "load-test-hook-password";

/// The decision each case ends with, by index.
fn final_outcome(i: usize) -> (Outcome, CaseStatus) {
    match i % 3 {
        0 => (
            Outcome::new("SUCCESS", None),
            CaseStatus::Approved {
                data_changed: false,
            },
        ),
        1 => (
            Outcome::new("SUCCESS_DATA_CHANGED", None),
            CaseStatus::Approved { data_changed: true },
        ),
        _ => (
            Outcome::new(
                "FRAUD_SUSPICION_CONFIRMED",
                Some("WARNING_FAKED_MANIPULATED_ID"),
            ),
            CaseStatus::Declined,
        ),
    }
}

/// A small deterministic shuffle (xorshift64*), so a failure can be replayed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        let r = seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
        items.swap(i, (r % (i as u64 + 1)) as usize);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_duplicated_reordered_webhooks_end_in_the_right_final_states() {
    let (sandbox, provider) =
        idnow_verifying_webhooks((HOOK_USER, HOOK_PASSWORD), "127.0.0.1/32").await;

    // 2,500 idents, each taken through REVIEW_PENDING to its decision; keep both webhook bodies.
    let setup_started = Instant::now();
    let handles: Vec<CaseHandle> = futures::stream::iter(0..CASES)
        .map(|i| {
            let provider = provider.clone();
            async move {
                let mut new_case = NewCase::new(format!("load-hook-{i:05}"));
                new_case.person.first_name = Some("Erika".into());
                new_case.person.last_name = Some("Mustermann".into());
                provider.create_case(&new_case).await.expect("create")
            }
        })
        .buffered(16)
        .collect()
        .await;
    let idnow = sandbox.idnow();
    let company = idnow.company_id().to_string();
    let mut deliveries: Vec<Vec<u8>> = Vec::with_capacity(CASES * 4);
    for (i, handle) in handles.iter().enumerate() {
        let txn = handle.case_ref.reference.as_deref().expect("txn");
        let body_after = |outcome: &Outcome| {
            idnow.set_result(&company, txn, outcome).expect("result");
            let body = idnow
                .ident(&company, txn)
                .and_then(|s| s.body)
                .expect("ident JSON");
            serde_json::to_vec(&body).expect("JSON")
        };
        let preliminary = body_after(&Outcome::new("REVIEW_PENDING", None));
        let decision = body_after(&final_outcome(i).0);
        deliveries.extend([preliminary.clone(), preliminary, decision.clone(), decision]);
    }
    shuffle(&mut deliveries, 0x5eed_cafe_f00d_0001);
    assert_eq!(deliveries.len(), 10_000);
    eprintln!(
        "setup: {CASES} idents and {} bodies in {:?}",
        deliveries.len(),
        setup_started.elapsed()
    );

    // The webhook server, as an application would run it.
    let receiver = WebhookReceiver::new(provider.clone());
    let (url, server) = serve_webhooks(&receiver, "/webhooks/idnow").await;

    let client = reqwest::Client::new();
    let auth = basic_auth_header(HOOK_USER, HOOK_PASSWORD);
    let started = Instant::now();
    let delivered = tokio::time::timeout(DELIVERY_BOUND, async {
        let statuses: Vec<u16> = futures::stream::iter(deliveries)
            .map(|body| {
                let request = client
                    .post(&url)
                    .header("Authorization", &auth)
                    .header("Content-Type", "application/json")
                    .body(body);
                async move {
                    request
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let answered = started.elapsed();
        receiver.wait_idle().await;
        (statuses, answered)
    })
    .await;
    let (statuses, answered) = delivered.expect("delivered and resolved within the bound");
    eprintln!(
        "10,000 webhooks answered in {answered:?}, all resolved after {:?}",
        started.elapsed()
    );
    server.abort();

    let not_ok = statuses.iter().filter(|s| **s != 200).count();
    assert_eq!(not_ok, 0, "every webhook answered 200");
    assert!(
        receiver.failures().is_empty(),
        "resolution failures: {:?}",
        receiver.failures().first()
    );
    assert_eq!(receiver.cases().len(), CASES, "no case lost, none doubled");
    for (i, handle) in handles.iter().enumerate() {
        let stored = receiver
            .case(&handle.case_ref)
            .unwrap_or_else(|| panic!("case {i} lost"));
        let (outcome, want) = final_outcome(i);
        assert_eq!(stored.status, want, "case {i}");
        assert_eq!(stored.provider_status, outcome.result, "case {i}");
    }
}
