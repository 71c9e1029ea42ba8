//! WebhookReceiver: a burst of notices for one case costs the provider a few reads, not one per
//! notice, and the stored case is the current one.

use kyc::webhook::WebhookRequest;
use kyc::{CaseStatus, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{postident, Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_notices_for_one_case_is_merged_into_a_few_reads() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let config = kyc::Config::from_toml(&sandbox.postident_config_toml(None)).unwrap();
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).unwrap());
    let handle = provider
        .create_case(&NewCase::new("burst-1"))
        .await
        .unwrap();
    let case_id = handle.case_ref.case_id.clone().unwrap();
    sandbox
        .play(
            &SimulatedCase::Postident {
                case_id: case_id.clone(),
            },
            UserOutcome::Approve,
        )
        .unwrap();

    // The first read of the case is held for two seconds, far longer than the 200 notices take
    // to arrive: they all come while it runs, so they must merge into one more read after it.
    // (Without the hold, how many reads a burst costs depends on how fast the machine is.)
    let mut hold =
        postident::Fault::new(postident::FaultKind::Delay { delay_ms: 2_000 }, 1).for_method("GET");
    hold.path_contains = Some(case_id.clone());
    sandbox.postident().inject_fault(hold);

    let receiver = WebhookReceiver::new(provider.clone());
    let before = sandbox.postident().api_request_count();
    let body = format!(r#"{{"caseId":"{case_id}","referenceId":"burst-1"}}"#);
    for _ in 0..200 {
        receiver
            .accept(&WebhookRequest::new(
                http::HeaderMap::new(),
                body.clone().into_bytes(),
                None,
            ))
            .unwrap();
    }
    receiver.wait_idle().await;
    let reads = sandbox.postident().api_request_count() - before;
    assert_eq!(
        reads, 2,
        "200 notices for one case cost the read they started and one merged read after it"
    );
    let stored = receiver.case(&handle.case_ref).expect("stored");
    assert_eq!(
        stored.status,
        CaseStatus::Approved {
            data_changed: false
        }
    );
    assert!(receiver.failures().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_that_names_no_case_is_refused() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let config = kyc::Config::from_toml(&sandbox.postident_config_toml(None)).unwrap();
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).unwrap());
    let receiver = WebhookReceiver::new(provider);
    for body in [&b"{}"[..], b"not json", b"{\"referenceId\":\"\"}"] {
        let result = receiver.accept(&WebhookRequest::new(http::HeaderMap::new(), body, None));
        assert!(result.is_err(), "{:?}", String::from_utf8_lossy(body));
    }
    receiver.wait_idle().await;
    assert!(receiver.cases().is_empty());
}
