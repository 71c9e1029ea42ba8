//! Crashes and several instances: an intake killed after the append and before resolution (and
//! a worker killed after its claim), and two intake+worker instances on one database receiving
//! 10,000 webhooks with duplicates and reordering, one of them stopped in the middle.

use crate::harness::*;
use bytes::Bytes;
use kyc_core::webhook::{WebhookNotice, WebhookRequest};
use kyc_core::{
    ArchiveOutcome, Artifact, Capabilities, Case, CaseFilter, CaseHandle, CaseList, CaseRef,
    KycProvider, NewCase, Provider,
};
use kyc_sandbox::UserOutcome;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) async fn crash_and_restart(db: Db) {
    // 1. Killed after the append, before any resolution.
    let (sandbox, bare, journal, doomed) = idnow_intake_only(&db, "crashing").await;
    let txn = unique("cr-");
    let handle = bare.create_case(&new_case(&txn, None)).await.unwrap();
    sandbox
        .play(&simulated_idnow(&txn), UserOutcome::Approve)
        .unwrap();
    wait_delivered(&sandbox, &txn, "FINAL", 1).await;
    doomed.kill();
    journal.close().await;

    // 2. A worker that claimed the notices and died holding them (its resolution never ends).
    let journal = open(&db, "stuck").await;
    let stuck = service(&journal, Arc::new(Stuck(bare.clone())), true).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = journal.notice_counts().await.unwrap();
    assert!(
        counts.get("resolving").copied().unwrap_or(0) >= 1,
        "claimed: {counts:?}"
    );
    stuck.kill();
    journal.close().await;

    // Restart: the claims' lease passes and the new instance resolves everything.
    let journal = open(&db, "restarted").await;
    let restarted = service(&journal, bare.clone(), true).await;
    let record = wait_approved(&journal, &handle.case_ref).await;
    assert_eq!(record.status, truth(&bare, &handle.case_ref).await);
    let attempts = attempt_page(&journal, Provider::Idnow, &txn).await;
    assert_eq!(attempts.items.len(), 1);
    restarted.stop().await;
}

/// A provider whose resolutions never finish: a worker that claims with it holds its claims
/// until it is killed.
struct Stuck(Arc<dyn KycProvider>);

#[async_trait::async_trait]
impl KycProvider for Stuck {
    fn provider(&self) -> Provider {
        self.0.provider()
    }
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    async fn create_case(&self, c: &NewCase) -> kyc_core::Result<CaseHandle> {
        self.0.create_case(c).await
    }
    async fn get_case(&self, c: &CaseRef) -> kyc_core::Result<Case> {
        self.0.get_case(c).await
    }
    async fn list_cases(&self, f: &CaseFilter) -> kyc_core::Result<CaseList> {
        self.0.list_cases(f).await
    }
    async fn archive_cases(&self, c: &[CaseRef]) -> kyc_core::Result<ArchiveOutcome> {
        self.0.archive_cases(c).await
    }
    async fn fetch_artifact(&self, c: &CaseRef, a: &Artifact) -> kyc_core::Result<Bytes> {
        self.0.fetch_artifact(c, a).await
    }
    fn verify_webhook(&self, r: &WebhookRequest) -> kyc_core::Result<WebhookNotice> {
        self.0.verify_webhook(r)
    }
    fn parse_webhook(&self, b: &Bytes) -> kyc_core::Result<WebhookNotice> {
        self.0.parse_webhook(b)
    }
    async fn resolve_webhook(&self, _: &WebhookNotice) -> kyc_core::Result<Case> {
        std::future::pending().await
    }
}

/// What each ident goes through, with the attempts the journal must list for it.
const PATTERNS: [(&[UserOutcome], usize); 4] = [
    (&[UserOutcome::Start, UserOutcome::Approve], 1),
    (
        &[UserOutcome::Start, UserOutcome::Abort, UserOutcome::Approve],
        2,
    ),
    (
        &[
            UserOutcome::Start,
            UserOutcome::Abort,
            UserOutcome::Cancel,
            UserOutcome::ReviewPending,
            UserOutcome::Approve,
        ],
        3,
    ),
    (&[UserOutcome::Start, UserOutcome::Decline], 1),
];

const IDENTS: usize = 240;
const WEBHOOKS: usize = 10_000;

pub(crate) async fn two_instances(db: Db) {
    let sandbox = sandbox().await;
    let bare = idnow(&sandbox);
    // The sandbox's own deliveries go to a sink; the test replays them to the instances.
    let sink = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_url = format!("http://{}/sink", sink.local_addr().unwrap());
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(|| async { "" });
        let _ = axum::serve(sink, app).await;
    });
    idnow_webhooks_to(&sandbox, Some(sink_url.parse().unwrap()));

    let mut idents = Vec::new();
    for i in 0..IDENTS {
        let txn = unique("mi-");
        let handle = bare.create_case(&new_case(&txn, None)).await.unwrap();
        idents.push((txn, handle.case_ref, i % PATTERNS.len()));
    }
    // Step by step for all idents at once, a second apart, as users would (IDnow times have
    // seconds precision).
    for step in 0..5 {
        for (txn, _, p) in &idents {
            if let Some(outcome) = PATTERNS[*p].0.get(step) {
                sandbox.play(&simulated_idnow(txn), *outcome).unwrap();
            }
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let bodies: Vec<Vec<u8>> = loop {
        let deliveries = sandbox.idnow().webhook_deliveries();
        if deliveries.iter().all(|d| d.statuses.contains(&Some(200))) {
            break deliveries
                .iter()
                .map(|d| serde_json::to_vec(&d.body).unwrap())
                .collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "sandbox deliveries did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // 10,000 deliveries: every webhook at least once, the rest duplicates, all shuffled.
    let mut rng = rand::rngs::StdRng::seed_from_u64(4711);
    let mut sends: Vec<Arc<Vec<u8>>> = bodies.iter().cloned().map(Arc::new).collect();
    while sends.len() < WEBHOOKS {
        let b = bodies[rng.random_range(0..bodies.len())].clone();
        sends.push(Arc::new(b));
    }
    sends.shuffle(&mut rng);

    let (journal_a, journal_b) = match db.engine {
        // SQLite is one process: both instances share the journal's single connection.
        Engine::Sqlite => {
            let j = open(&db, "both").await;
            (j.clone(), j)
        }
        Engine::Postgres => (open(&db, "instance-a").await, open(&db, "instance-b").await),
    };
    let a = service(&journal_a, bare.clone(), true).await;
    let b = service(&journal_b, bare.clone(), true).await;
    let urls = [webhook_url(&a), webhook_url(&b)];
    let a = Arc::new(Mutex::new(Some(a)));
    let acknowledged: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let queue = Arc::new(Mutex::new(
        sends.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut senders = Vec::new();
    for _ in 0..16 {
        let (queue, http, urls, acknowledged, sent, a) = (
            queue.clone(),
            http.clone(),
            urls.clone(),
            acknowledged.clone(),
            sent.clone(),
            a.clone(),
        );
        senders.push(tokio::spawn(async move {
            loop {
                let Some((i, body)) = queue.lock().unwrap().pop() else {
                    return;
                };
                // Half way through, instance A stops as a crash would.
                if sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == WEBHOOKS / 2 {
                    if let Some(a) = a.lock().unwrap().take() {
                        a.kill();
                    }
                }
                let mut target = i % 2;
                loop {
                    let answer = http
                        .post(urls[target].clone())
                        .header("content-type", "application/json; charset=UTF-8")
                        .body(body.to_vec())
                        .send()
                        .await;
                    match answer {
                        Ok(r) if r.status().as_u16() == 200 => break,
                        // Not acknowledged: the provider delivers again, here to the other one.
                        _ => target = 1 - target,
                    }
                }
                acknowledged.lock().unwrap().insert(sha(&body));
            }
        }));
    }
    for s in senders {
        s.await.unwrap();
    }
    let b_journal = journal_b.clone();
    wait_all_settled(&b_journal, Duration::from_secs(180)).await;

    // 0 notices lost: every acknowledged body is stored.
    let stored: BTreeSet<String> =
        sqlx::query_scalar::<_, String>("SELECT body_sha256 FROM kyc_notices")
            .fetch_all(b_journal.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(
        acknowledged.len(),
        bodies.iter().map(|b| sha(b)).collect::<BTreeSet<_>>().len()
    );
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged notices are not in the journal",
        lost.len()
    );
    assert_eq!(b_journal.notice_counts().await.unwrap().get("parked"), None);

    // 0 wrong final states, no duplicate attempts.
    let mut wrong = Vec::new();
    let mut attempt_counts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut all_ids = BTreeSet::new();
    for (txn, case_ref, p) in &idents {
        let record = case_record(&b_journal, Provider::Idnow, txn).await;
        let truth = truth(&bare, case_ref).await;
        if record.status != truth || !truth.is_final() {
            wrong.push((txn.clone(), record.status.clone(), truth));
        }
        let attempts = attempt_page(&b_journal, Provider::Idnow, txn).await.items;
        for a in &attempts {
            assert!(all_ids.insert(a.id.clone()), "attempt id {} twice", a.id);
        }
        attempt_counts.entry(*p).or_default().push(attempts.len());
    }
    assert!(wrong.is_empty(), "wrong final states: {wrong:?}");
    for (p, counts) in attempt_counts {
        let expected = PATTERNS[p].1;
        assert!(
            counts.iter().all(|c| *c == expected),
            "pattern {p}: expected {expected} attempts per ident, got {counts:?}"
        );
    }
    let a = a.lock().unwrap().take();
    if let Some(a) = a {
        a.stop().await;
    }
    b.stop().await;
    journal_a.close().await;
}

fn sha(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
