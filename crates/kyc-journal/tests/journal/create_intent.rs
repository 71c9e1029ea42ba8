//! POSTIDENT create without duplicates: the sandbox creates the case and then cuts the answer
//! (`truncated_body` on the POST). The journal recorded the intent before sending, finds the case
//! by reference, and never lets a second create go out silently.

use crate::harness::*;
use kyc_core::{CaseRef, ErrorKind, KycProvider, Provider};
use kyc_journal::{IntentRecord, Journal, JournaledProvider, Reconciler};
use kyc_sandbox::postident::{Fault, FaultKind};

pub(crate) async fn lost_create(db: Db) {
    let (sandbox, bare, journal, provider) = journaled(&db, Provider::Postident, "intent").await;
    let p = sandbox.postident();

    // 1. The answer is lost after the case was created; the lookup finds it at once.
    let reference = unique("lc");
    p.inject_fault(Fault::new(FaultKind::TruncatedBody, 1).for_method("POST"));
    let e = create_error(&provider, &reference).await;
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(p.case_ids().len(), 1, "the sandbox did create the case");
    let created = p.case_ids()[0].clone();
    assert!(
        e.to_string().contains(&created),
        "the error names the case found: {e}"
    );
    let intents = journal.intents(None).await.unwrap();
    assert_eq!(intents[0].state, "found");
    assert_eq!(intents[0].case_id.as_deref(), Some(created.as_str()));
    // The journal knows the case: the reference alone reads it.
    let case = provider
        .get_case(&CaseRef::by_reference(Provider::Postident, &reference))
        .await
        .unwrap();
    assert_eq!(case.case_ref.case_id.as_deref(), Some(created.as_str()));
    // Creating again is answered by POSTIDENT's duplicate check, not by a second case.
    let again = create_error(&provider, &reference).await;
    assert_eq!(again.kind(), ErrorKind::Conflict, "{again}");
    assert_eq!(p.case_ids().len(), 1);

    // 2. The answer is lost and the lookup fails too: the intent stays unknown, and another
    //    create for the reference is refused without a request.
    let reference = unique("lu");
    p.inject_fault(Fault::new(FaultKind::TruncatedBody, 1).for_method("POST"));
    p.inject_fault(Fault::new(FaultKind::Status { status: 503 }, 3).for_method("GET"));
    let e = create_error(&provider, &reference).await;
    assert!(e.to_string().contains("keeps looking"), "{e}");
    let posts = p.create_request_count();
    let refused = create_error(&provider, &reference).await;
    assert_eq!(refused.kind(), ErrorKind::Conflict, "{refused}");
    assert!(refused.to_string().contains("unresolved"), "{refused}");
    assert_eq!(p.create_request_count(), posts, "no second create was sent");
    assert_eq!(p.case_ids().len(), 2);
    // Reconciliation looks again and finds it.
    let report = Reconciler::new(journal.clone(), bare.clone())
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.intents, 1);
    let intent = intent_for(&journal, &reference).await;
    assert_eq!(intent.state, "found");
    assert_eq!(intent.case_id.as_deref(), Some(p.case_ids()[1].as_str()));

    // 3. The connection is reset before the request is processed: nothing was created, and
    //    the journal says creating again is safe.
    let reference = unique("lr");
    p.inject_fault(Fault::new(FaultKind::ConnectionReset, 1).for_method("POST"));
    let e = create_error(&provider, &reference).await;
    assert!(e.to_string().contains("safe"), "{e}");
    let handle = provider
        .create_case(&new_case(&reference, None))
        .await
        .unwrap();
    assert_eq!(p.case_ids().len(), 3);
    assert_eq!(
        handle.case_ref.reference.as_deref(),
        Some(reference.as_str())
    );

    // 4. Nothing listens at the provider's address: the request never left, so the intent is
    //    closed as failed at once, without a lookup.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut unreachable = p.base_url().clone();
    unreachable
        .set_port(Some(closed.local_addr().unwrap().port()))
        .unwrap();
    drop(closed);
    let mut config = kyc_postident::PostidentConfig::new(
        unreachable,
        p.client_id(),
        p.username(),
        p.password(),
        kyc_postident::Encryption::Disabled,
    );
    config.http.max_retries = 0;
    let offline = JournaledProvider::new(
        std::sync::Arc::new(kyc_postident::PostidentProvider::new(config).unwrap()),
        journal.clone(),
    );
    let reference = unique("lx");
    let e = create_error(&offline, &reference).await;
    assert_eq!(e.stage(), Some(kyc_core::FailureStage::Connect), "{e:?}");
    let intent = intent_for(&journal, &reference).await;
    assert_eq!(
        intent.state, "failed",
        "a request that never left created nothing"
    );
}

/// Sends a create for `reference` through `provider` and returns the error it ends in; fails the
/// test if the create succeeds.
async fn create_error(provider: &JournaledProvider, reference: &str) -> kyc_core::Error {
    provider
        .create_case(&new_case(reference, None))
        .await
        .unwrap_err()
}

/// The journal's create intent for `reference`; fails the test if there is none.
async fn intent_for(journal: &Journal, reference: &str) -> IntentRecord {
    journal
        .intents(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.reference == reference)
        .unwrap()
}
