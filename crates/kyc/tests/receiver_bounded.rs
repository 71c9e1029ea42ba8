//! The in-memory WebhookReceiver is bounded: beyond its capacity the oldest cases are forgotten,
//! so a long-running listener does not grow without limit. (The journal is the durable store.)

use kyc::webhook::WebhookRequest;
use kyc::{CaseRef, KycProvider, NewCase, Provider, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_its_capacity_the_receiver_forgets_the_oldest_cases() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let config = kyc::Config::from_toml(&sandbox.postident_config_toml(None)).unwrap();
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).unwrap());
    let receiver = WebhookReceiver::with_capacity(provider.clone(), 2);
    let mut ids = Vec::new();
    for n in 0..3 {
        let reference = format!("bounded-{n}");
        let handle = provider
            .create_case(&NewCase::new(&reference))
            .await
            .unwrap();
        let case_id = handle.case_ref.case_id.clone().unwrap();
        let body = format!(r#"{{"caseId":"{case_id}","referenceId":"{reference}"}}"#);
        receiver
            .accept(&WebhookRequest::new(
                http::HeaderMap::new(),
                body.into_bytes(),
                None,
            ))
            .unwrap();
        receiver.wait_idle().await;
        ids.push(case_id);
    }
    assert_eq!(receiver.cases().len(), 2);
    assert!(receiver
        .case(&CaseRef::by_case_id(Provider::Postident, &ids[0]))
        .is_none());
    assert!(receiver
        .case(&CaseRef::by_case_id(Provider::Postident, &ids[2]))
        .is_some());
}
