//! Intake (append before 200, redeliveries recorded once, 503 when the append fails), the IDnow
//! attempt trail (aborted, cancelled, then approved: three attempts with their payloads), the
//! read API and the journaled provider's memory.

use crate::harness::*;
use kyc_core::{CaseRef, CaseStatus, KycProvider, Provider};
use kyc_journal::{JournaledProvider, Worker};
use kyc_sandbox::UserOutcome;
use std::time::Duration;

pub(crate) async fn intake_stores_before_answering(db: Db) {
    // Intake only: nothing resolves, so what is stored is what the intake appended.
    let (sandbox, provider, journal, service) = idnow_intake_only(&db, "intake").await;
    let txn = unique("in-");
    provider.create_case(&new_case(&txn, None)).await.unwrap();
    sandbox
        .play(&simulated_idnow(&txn), UserOutcome::Start)
        .unwrap();
    let delivery = wait_delivered(&sandbox, &txn, "START", 1).await;

    let pending = journal
        .notices(Some("pending"), None, None)
        .await
        .unwrap()
        .items;
    assert_eq!(
        pending.len(),
        1,
        "the START webhook is stored before it is answered"
    );
    let stored = journal.notice_body(pending[0].id).await.unwrap().unwrap();
    let stored: serde_json::Value = serde_json::from_slice(&stored).unwrap();
    assert_eq!(
        stored, delivery.body,
        "the body is kept exactly as received"
    );
    assert_eq!(pending[0].event, "started");
    assert!(pending[0]
        .peer
        .as_deref()
        .is_some_and(|p| p.starts_with("127.")));

    // The same notice again while it waits: recorded once, with two deliveries.
    assert!(sandbox.idnow().redeliver_webhook(delivery.id));
    wait_for(|| async {
        journal
            .notices(Some("pending"), None, None)
            .await
            .unwrap()
            .items[0]
            .deliveries
            == 2
    })
    .await;
    assert_eq!(
        journal.notices(None, None, None).await.unwrap().items.len(),
        1
    );

    // Resolved, then the identical body once more: a new trigger, but no new attempt.
    let worker = Worker::new(journal.clone(), provider.clone());
    worker.drain().await.unwrap();
    assert!(sandbox.idnow().redeliver_webhook(delivery.id));
    wait_for(|| async { journal.notices(None, None, None).await.unwrap().items.len() == 2 }).await;
    worker.drain().await.unwrap();
    let record = case_record(&journal, Provider::Idnow, &txn).await;
    assert_eq!(record.status, CaseStatus::InProgress);
    let attempts = attempt_page(&journal, Provider::Idnow, &txn).await;
    assert!(
        attempts.items.is_empty(),
        "a start alone is no attempt: {:?}",
        attempts.items
    );

    // A journal that cannot store answers 503, so the provider delivers again.
    journal.close().await;
    let status = reqwest::Client::new()
        .post(webhook_url(&service))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&delivery.body).unwrap())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 503);
    service.stop().await;
}

pub(crate) async fn three_attempts(db: Db) {
    let (sandbox, bare, journal, provider, service) =
        journaled_service(&db, Provider::Idnow, "trail").await;
    let txn = unique("tr-");
    let handle = provider.create_case(&new_case(&txn, None)).await.unwrap();
    let sim = simulated_idnow(&txn);
    for (outcome, webhook) in [
        (UserOutcome::Start, "START"),
        (UserOutcome::Abort, "ABORTED"),
        (UserOutcome::Cancel, "CANCELED"),
        (UserOutcome::Approve, "FINAL"),
    ] {
        sandbox.play(&sim, outcome).unwrap();
        // One change at a time, as a user would: each webhook arrives before the next step.
        wait_delivered(&sandbox, &txn, webhook, 1).await;
    }
    let record = wait_approved(&journal, &handle.case_ref).await;
    assert_eq!(record.status, truth(&bare, &handle.case_ref).await);

    let page = attempt_page(&journal, Provider::Idnow, &txn).await;
    let results: Vec<&str> = page.items.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(
        results,
        ["ABORTED", "CANCELED", "SUCCESS"],
        "{:#?}",
        page.items
    );
    assert_eq!(page.items[0].attempt.status, CaseStatus::Retryable);
    assert_eq!(page.items[1].attempt.status, CaseStatus::Retryable);
    assert!(matches!(
        page.items[2].attempt.status,
        CaseStatus::Approved { .. }
    ));
    assert_eq!(
        page.items[0].reason.as_deref(),
        Some("USER_CANCELLATION_IDENTIFY_LATER")
    );
    assert_eq!(page.items[1].reason.as_deref(), Some("ID_BLURRY"));
    // Each attempt's payload is the webhook body that reported it, verbatim.
    for (attempt, kind) in page.items.iter().zip(["ABORTED", "CANCELED", "FINAL"]) {
        let delivered = deliveries(&sandbox, &txn, kind);
        assert_eq!(attempt.payload.as_ref(), Some(&delivered[0].body), "{kind}");
    }
    // The payloads hold personal data; `Debug` (what ends up in logs) does not show it.
    let payload_text = page.items[2].payload.as_ref().unwrap().to_string();
    assert!(payload_text.to_lowercase().contains("mustermann"));
    let shown = format!("{:?}", page.items).to_lowercase();
    assert!(
        !shown.contains("mustermann") && !shown.contains("erika"),
        "{shown}"
    );
    let ids: Vec<String> = page.items.iter().map(|a| a.id.clone()).collect();
    let unique_ids: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique_ids.len(), 3);

    // A redelivered ABORTED adds nothing, and the ids stay.
    let aborted = deliveries(&sandbox, &txn, "ABORTED")[0].id;
    assert!(sandbox.idnow().redeliver_webhook(aborted));
    wait_delivered(&sandbox, &txn, "ABORTED", 2).await;
    wait_settled(&journal, &handle.case_ref, "approved", |s| s.is_final()).await;
    let again = attempt_page(&journal, Provider::Idnow, &txn).await;
    let again_ids: Vec<String> = again.items.iter().map(|a| a.id.clone()).collect();
    assert_eq!(
        again_ids, ids,
        "a redelivered webhook does not add a fourth attempt"
    );

    // The read API: paginated by cursor, the bank API's fields, its error shape.
    let read = format!("http://{}", service.read_api_addr.unwrap());
    let http = reqwest::Client::new();
    // A GET of `path` on the read API.
    let get = |path: String| http.get(format!("{read}{path}")).send();
    let first = get(format!("/cases/idnow/{txn}/attempts?limit=2"))
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let link = first.headers()["link"].to_str().unwrap().to_string();
    let cursor = first.headers()["x-next-cursor"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        link.contains("rel=\"next\"") && link.contains(&cursor),
        "{link}"
    );
    let items: Vec<serde_json::Value> = first.json().await.unwrap();
    assert_eq!(items.len(), 2);
    for field in ["id", "result", "reason", "payload"] {
        assert!(
            items[0].get(field).is_some(),
            "{field} in {:?}",
            items[0].as_object().map(|o| o.keys().collect::<Vec<_>>())
        );
    }
    assert_eq!(items[0]["id"], serde_json::json!(ids[0]));
    let rest = get(format!(
        "/cases/idnow/{txn}/attempts?limit=2&cursor={cursor}"
    ))
    .await
    .unwrap();
    assert!(rest.headers().get("link").is_none());
    let rest: Vec<serde_json::Value> = rest.json().await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["result"], "SUCCESS");
    let case_id = handle.case_ref.case_id.clone().unwrap();
    let by_ident = get(format!("/cases/idnow/{case_id}")).await.unwrap();
    assert_eq!(by_ident.status().as_u16(), 200);
    let case: serde_json::Value = by_ident.json().await.unwrap();
    assert_eq!(case["status"], "approved");
    let missing = get("/cases/idnow/nope".into()).await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let error: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(error["status"], "404");
    assert_eq!(error["code"], "case_not_found");
    for field in ["id", "title", "detail"] {
        assert!(error[field].is_string(), "{field}: {error}");
    }
    let bad = get("/cases/acme/x".into()).await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);

    // Another instance's adapter knows nothing; through the journal a case id alone suffices.
    let elsewhere = JournaledProvider::new(idnow(&sandbox), journal.clone());
    let by_id = CaseRef::by_case_id(Provider::Idnow, handle.case_ref.case_id.clone().unwrap());
    let read_back = elsewhere.get_case(&by_id).await.unwrap();
    assert!(matches!(read_back.status, CaseStatus::Approved { .. }));
    service.stop().await;
}

pub(crate) async fn reconciliation_catches_up(db: Db) {
    let (sandbox, bare, journal, provider) = journaled(&db, Provider::Idnow, "reconcile").await;
    // No webhooks at all.
    let txn = unique("rc-");
    let handle = provider.create_case(&new_case(&txn, None)).await.unwrap();
    let record = case_record(&journal, Provider::Idnow, &txn).await;
    assert_eq!(record.version, 0, "known from the create, not resolved yet");
    assert_eq!(record.case_id, handle.case_ref.case_id);
    sandbox
        .play(&simulated_idnow(&txn), UserOutcome::Approve)
        .unwrap();
    let report = kyc_journal::Reconciler::new(journal.clone(), bare.clone())
        .run_once()
        .await
        .unwrap();
    assert_eq!((report.read, report.changed, report.failed), (1, 1, 0));
    let record = case_record(&journal, Provider::Idnow, &txn).await;
    assert!(matches!(record.status, CaseStatus::Approved { .. }));
    let attempts = attempt_page(&journal, Provider::Idnow, &txn).await;
    assert_eq!(
        attempts.items.len(),
        1,
        "the read's body is an event of the trail"
    );
    assert_eq!(attempts.items[0].result, "SUCCESS");
}

pub async fn wait_for<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
