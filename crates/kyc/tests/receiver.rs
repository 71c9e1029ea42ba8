//! WebhookReceiver: a burst of notices for one case costs the provider a few reads, not one per
//! notice, and the stored case is the current one.

use kyc::webhook::WebhookRequest;
use kyc::{CaseStatus, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
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
    assert!(reads >= 1, "the case was read");
    assert!(reads <= 3, "200 notices for one case cost {reads} reads");
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
