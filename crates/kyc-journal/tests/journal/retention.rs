//! Personal data: a purge removes raw payloads and identity data but keeps the status trail and
//! the reasons; one person's data can be erased on request.

use crate::harness::*;
use kyc_core::{CaseStatus, Provider};
use kyc_journal::Journal;
use kyc_sandbox::UserOutcome;
use std::time::Duration;

pub(crate) async fn purge_and_erase(db: Db) {
    let (sandbox, _bare, journal, provider, service) =
        journaled_service(&db, Provider::Idnow, "retention").await;
    let mut refs = Vec::new();
    for _ in 0..2 {
        let txn = unique("pe-");
        let handle = provider.create_case(&new_case(&txn, None)).await.unwrap();
        let sim = simulated_idnow(&txn);
        sandbox.play(&sim, UserOutcome::Start).unwrap();
        sandbox.play(&sim, UserOutcome::Abort).unwrap();
        wait_delivered(&sandbox, &txn, "ABORTED", 1).await;
        sandbox.play(&sim, UserOutcome::Approve).unwrap();
        wait_approved(&journal, &handle.case_ref).await;
        refs.push(txn);
    }
    service.stop().await;
    let personal = |text: &str| text.contains("ERIKA") || text.contains("erika@example.org");

    // Erasure of one person: their data goes, the other case keeps everything.
    let report = journal
        .erase(Provider::Idnow, &refs[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.cases, 1);
    assert!(report.notices >= 2 && report.attempts == 2, "{report:?}");
    let erased = case_record(&journal, Provider::Idnow, &refs[0]).await;
    assert!(erased.case.is_none() && erased.purged_at.is_some());
    assert!(
        matches!(erased.status, CaseStatus::Approved { .. }),
        "the status stays"
    );
    let trail = attempt_page(&journal, Provider::Idnow, &refs[0])
        .await
        .items;
    let results: Vec<&str> = trail.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(
        results,
        ["ABORTED", "SUCCESS"],
        "the trail and the reasons stay"
    );
    assert_eq!(
        trail[0].reason.as_deref(),
        Some("USER_CANCELLATION_IDENTIFY_LATER")
    );
    assert!(trail.iter().all(|a| a.payload.is_none()));
    assert!(
        !personal(&dump(&journal, &refs[0]).await),
        "no personal data left for the erased case"
    );
    let kept = case_record(&journal, Provider::Idnow, &refs[1]).await;
    assert!(kept.case.is_some());
    assert!(personal(&dump(&journal, &refs[1]).await));

    // Retention: with a retention of zero everything is past it; the purge keeps the trail.
    journal.close().await;
    let mut options = fast_options("retention");
    options.retention = Duration::ZERO;
    let journal = Journal::open_with(&db.url, options).await.unwrap();
    let report = journal.purge_expired().await.unwrap();
    assert_eq!(report.cases, 1, "the erased case was purged already");
    let purged = case_record(&journal, Provider::Idnow, &refs[1]).await;
    assert!(purged.case.is_none());
    assert!(matches!(purged.status, CaseStatus::Approved { .. }));
    assert!(!personal(&dump(&journal, &refs[1]).await));
    assert_eq!(
        attempt_page(&journal, Provider::Idnow, &refs[1])
            .await
            .items
            .len(),
        2
    );
}

/// Everything the journal holds about a case, as text.
async fn dump(journal: &Journal, txn: &str) -> String {
    let mut out = String::new();
    out.push_str(
        &serde_json::to_string(&journal.case(Provider::Idnow, txn).await.unwrap()).unwrap(),
    );
    out.push_str(
        &serde_json::to_string(
            &journal
                .attempts(Provider::Idnow, txn, None, None)
                .await
                .unwrap(),
        )
        .unwrap(),
    );
    for n in journal.notices(None, None, Some(500)).await.unwrap().items {
        if n.reference.as_deref() == Some(txn) {
            if let Some(body) = journal.notice_body(n.id).await.unwrap() {
                out.push_str(&String::from_utf8_lossy(&body));
            }
        }
    }
    let versions: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT v.case_json FROM kyc_case_versions v JOIN kyc_cases c ON c.id = v.case_row WHERE c.reference = $1",
    )
    .bind(txn)
    .fetch_all(journal.pool())
    .await
    .unwrap();
    for v in versions.into_iter().flatten() {
        out.push_str(&v);
    }
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT e.attempt_json FROM kyc_events e JOIN kyc_cases c ON c.id = e.case_row WHERE c.reference = $1",
    )
    .bind(txn)
    .fetch_all(journal.pool())
    .await
    .unwrap();
    out.push_str(&events.concat());
    out
}
