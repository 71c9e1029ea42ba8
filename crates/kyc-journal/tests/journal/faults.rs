//! The two failures that used to lose decisions for good (the listener answered 200, the case
//! stayed `review_pending`): three 503s in a row on the read of a POSTIDENT final decision, and a
//! 12-second outage of provider reads while 100 final webhooks arrive. Both end with every case
//! in the provider's true state.

use crate::harness::*;
use kyc_core::{CaseHandle, CaseStatus, KycProvider, Provider};
use kyc_journal::Service;
use kyc_sandbox::postident::{Fault, FaultKind};
use kyc_sandbox::UserOutcome;
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn three_503s(db: Db) {
    let (sandbox, bare, journal, provider, service) =
        journaled_service(&db, Provider::Postident, "faults").await;
    let handle = create_notifying(&provider, &service, "f3-").await;
    let sim = simulated_postident(&handle.case_ref);
    sandbox.play(&sim, UserOutcome::ReviewPending).unwrap();
    wait_settled(&journal, &handle.case_ref, "review pending", |s| {
        s.is_preliminary()
    })
    .await;

    // The adapter tries a read three times (two retries): all three answer 503.
    sandbox
        .postident()
        .inject_fault(Fault::new(FaultKind::Status { status: 503 }, 3).for_method("GET"));
    sandbox.play(&sim, UserOutcome::Approve).unwrap();
    let record = wait_approved(&journal, &handle.case_ref).await;
    assert_eq!(record.status, truth(&bare, &handle.case_ref).await);
    let retried = journal
        .notices(Some("done"), None, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.tries > 1)
        .count();
    assert!(retried >= 1, "the final notice was retried after the 503s");
    let case_id = handle.case_ref.case_id.as_deref().unwrap();
    let attempts = attempt_page(&journal, Provider::Postident, case_id).await;
    assert_eq!(attempts.items.len(), 1);
    assert!(
        attempts.items[0].payload.is_some(),
        "the identification, verbatim"
    );
    service.stop().await;
}

pub(crate) async fn read_outage(db: Db) {
    let (sandbox, bare, journal, provider, service) =
        journaled_service(&db, Provider::Postident, "outage").await;
    let mut handles: Vec<CaseHandle> = Vec::new();
    for _ in 0..100 {
        handles.push(create_notifying(&provider, &service, "o-").await);
    }
    // Every provider read fails from now on, for 12 seconds.
    sandbox
        .postident()
        .inject_fault(Fault::new(FaultKind::Status { status: 503 }, 1_000_000).for_method("GET"));
    let outage = tokio::time::Instant::now();
    for h in &handles {
        sandbox
            .play(&simulated_postident(&h.case_ref), UserOutcome::Approve)
            .unwrap();
    }
    // The final webhooks arrive and are stored during the outage, none resolved.
    let finals = || {
        sandbox
            .postident()
            .webhook_deliveries()
            .iter()
            .filter(|d| d.status_type == "final" && d.http_status == Some(200))
            .count()
    };
    // The outage lasts until every final is acknowledged and at least 12 s: the deadline is
    // generous because a loaded 2-core machine delivers the 100 notices slowly.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while finals() < 100 {
        if tokio::time::Instant::now() >= deadline {
            let failures: std::collections::BTreeSet<String> = sandbox
                .postident()
                .webhook_deliveries()
                .iter()
                .filter_map(|d| d.error.clone().or(d.http_status.map(|s| s.to_string())))
                .filter(|e| e != "200")
                .collect();
            panic!(
                "only {} final webhooks acknowledged; failed attempts: {failures:?}",
                finals()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counts = journal.notice_counts().await.unwrap();
    assert_eq!(
        counts.get("done"),
        None,
        "nothing can be resolved during the outage: {counts:?}"
    );
    tokio::time::sleep(Duration::from_secs(12).saturating_sub(outage.elapsed())).await;
    sandbox.postident().clear_faults();

    wait_all_settled(&journal, Duration::from_secs(60)).await;
    for h in &handles {
        let record = case_record(
            &journal,
            h.case_ref.provider,
            h.case_ref.case_id.as_deref().unwrap(),
        )
        .await;
        assert_eq!(
            record.status,
            truth(&bare, &h.case_ref).await,
            "{}",
            h.case_ref
        );
        assert!(matches!(record.status, CaseStatus::Approved { .. }));
    }
    assert_eq!(journal.notice_counts().await.unwrap().get("parked"), None);
    service.stop().await;
}

pub(crate) async fn parked_and_replayed(db: Db) {
    let (sandbox, bare, journal, provider, service) =
        journaled_service(&db, Provider::Postident, "parked").await;
    let handle = create_notifying(&provider, &service, "pk-").await;
    // Reads answer 401 for a while: retrying cannot fix that, so the notice is parked at once.
    sandbox
        .postident()
        .inject_fault(Fault::new(FaultKind::Status { status: 401 }, 1_000).for_method("GET"));
    let sim = simulated_postident(&handle.case_ref);
    sandbox.play(&sim, UserOutcome::Approve).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let parked = loop {
        let parked = journal
            .notices(Some("parked"), None, None)
            .await
            .unwrap()
            .items;
        let finals_delivered = sandbox
            .postident()
            .webhook_deliveries()
            .iter()
            .any(|d| d.status_type == "final" && d.http_status == Some(200));
        if finals_delivered
            && !parked.is_empty()
            && !journal
                .notice_counts()
                .await
                .unwrap()
                .contains_key("pending")
        {
            break parked;
        }
        assert!(tokio::time::Instant::now() < deadline, "no notice parked");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        parked[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("401")),
        "{parked:?}"
    );
    let listed = journal
        .cases(&{
            let mut q = kyc_journal::CaseQuery::default();
            q.parked = true;
            q
        })
        .await
        .unwrap();
    assert_eq!(
        listed.items.len(),
        1,
        "the case with a parked notice is listed"
    );
    assert!(listed.items[0].parked_notices >= 1);

    // The credentials are fixed; `kyc journal replay` puts the notices back to work.
    sandbox.postident().clear_faults();
    assert!(journal.replay(&[]).await.unwrap() >= 1);
    let record = wait_approved(&journal, &handle.case_ref).await;
    assert_eq!(record.status, truth(&bare, &handle.case_ref).await);
    assert_eq!(record.parked_notices, 0);
    service.stop().await;
}

/// Creates a case (reference `prefix` + a counter) through `provider` whose webhooks go to
/// `service`.
async fn create_notifying(
    provider: &Arc<dyn KycProvider>,
    service: &Service,
    prefix: &str,
) -> CaseHandle {
    provider
        .create_case(&new_case(&unique(prefix), Some(webhook_url(service))))
        .await
        .unwrap()
}
