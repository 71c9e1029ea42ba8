//! What every journal test needs: a fresh database on either engine, the sandbox, adapters built
//! for it, running instances, and waiting for the journal to settle.

use kyc_core::{CaseRef, CaseStatus, KycProvider, NewCase, Provider};
use kyc_journal::{
    AttemptRecord, Journal, JournalOptions, JournaledProvider, Page, RetryPolicy, Service,
    ServiceConfig,
};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The engines the suite runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The environment variable that names the PostgreSQL server for the tests.
pub const POSTGRES_URL_VAR: &str = "KYC_TEST_POSTGRES_URL";

/// A fresh, empty database: a file in a temporary directory (SQLite) or a new database on the
/// test server (PostgreSQL). `None` (with a SKIPPED line on stderr) when PostgreSQL is not
/// configured; under `CI=true` that is a failure instead.
pub struct Db {
    pub engine: Engine,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}{}{n:03}", std::process::id() % 10_000)
}

pub async fn database(engine: Engine, test: &str) -> Option<Db> {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}", dir.path().join("kyc.db").display());
            Some(Db {
                engine,
                url,
                _dir: Some(dir),
            })
        }
        Engine::Postgres => {
            let Ok(server) = std::env::var(POSTGRES_URL_VAR) else {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{test}: {POSTGRES_URL_VAR} is not set, but CI=true requires the PostgreSQL tests to run (.ci/run starts a server)");
                }
                eprintln!("SKIPPED {test} on PostgreSQL: set {POSTGRES_URL_VAR} (e.g. eval \"$(.ci/postgres.sh)\") to run it");
                return None;
            };
            sqlx::any::install_default_drivers();
            let name = format!("kyc_{}", unique("t")).to_ascii_lowercase();
            let mut admin = sqlx::AnyConnection::connect(&server)
                .await
                .expect("connect to the PostgreSQL test server");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            let _ = admin.close().await;
            let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
            Some(Db {
                engine,
                url: format!("{base}/{name}"),
                _dir: None,
            })
        }
    }
}

/// Runs `scenario` on a fresh database of `engine` (see [`database`]; `test` names it in the
/// SKIPPED line), or skips it.
pub async fn on_fresh_database<F>(engine: Engine, test: &str, scenario: impl FnOnce(Db) -> F)
where
    F: std::future::Future<Output = ()>,
{
    if let Some(db) = database(engine, test).await {
        scenario(db).await;
    }
}

/// Options for tests: short leases and polls, fast retries.
pub fn fast_options(instance: &str) -> JournalOptions {
    let mut o = JournalOptions::default();
    o.instance = instance.to_string();
    o.lease = Duration::from_secs(2);
    o.poll_interval = Duration::from_millis(50);
    o.retry = RetryPolicy::new(Duration::from_millis(100), Duration::from_secs(1), 60);
    o.reconcile_interval = Duration::from_secs(3600);
    o.reconcile_every = Duration::ZERO;
    o
}

pub async fn open(db: &Db, instance: &str) -> Journal {
    Journal::open_with(&db.url, fast_options(instance))
        .await
        .expect("journal opens")
}

/// The sandbox these tests run against: documented delays 100 times faster, except the time a
/// webhook receiver has to answer. The documented 2 s would shrink to the 250 ms floor, and a
/// loaded 2-core CI machine storing 100 simultaneous webhooks in SQLite (one connection,
/// `synchronous = FULL`) answers some of them later than that; the sandbox then waits its
/// scaled retry delays (9 s, 36 s) and a test waits for nothing it is about. The receiver gets
/// 10 s here (1,000 s documented, scaled); its speed is measured by the benches.
pub async fn sandbox() -> Sandbox {
    let mut options = SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    };
    options.postident.webhook_timeout = Duration::from_secs(1_000);
    Sandbox::start(options).await.expect("sandbox starts")
}

fn http() -> kyc_core::HttpOptions {
    let mut h = kyc_core::HttpOptions::default();
    h.max_retries = 2;
    h.retry_base_delay = Duration::from_millis(20);
    h
}

pub fn idnow(sandbox: &Sandbox) -> Arc<dyn KycProvider> {
    let mut c = kyc_idnow::IdnowConfig::new(
        sandbox.idnow().base_url().clone(),
        sandbox.idnow().company_id(),
        sandbox.idnow().api_key(),
    );
    c.http = http();
    Arc::new(kyc_idnow::IdnowProvider::new(c).expect("IDnow adapter"))
}

pub fn postident(sandbox: &Sandbox) -> Arc<dyn KycProvider> {
    let p = sandbox.postident();
    let mut c = kyc_postident::PostidentConfig::new(
        p.base_url().clone(),
        p.client_id(),
        p.username(),
        p.password(),
        kyc_postident::Encryption::Disabled,
    );
    c.http = http();
    Arc::new(kyc_postident::PostidentProvider::new(c).expect("POSTIDENT adapter"))
}

/// Starts an instance on a free loopback port.
pub async fn service(journal: &Journal, provider: Arc<dyn KycProvider>, worker: bool) -> Service {
    let mut config = ServiceConfig::new("127.0.0.1:0".parse().unwrap());
    config.worker = worker;
    config.reconcile = false;
    config.read_api_addr = Some("127.0.0.1:0".parse().unwrap());
    Service::start(journal.clone(), provider, config)
        .await
        .expect("service starts")
}

/// What [`journaled_service`] starts: `(sandbox, bare adapter, journal, journaled adapter,
/// service)`.
pub type JournaledService = (
    Sandbox,
    Arc<dyn KycProvider>,
    Journal,
    Arc<dyn KycProvider>,
    Service,
);

/// The sandbox, the bare adapter of `provider`, the journal on `db` opened as `instance`, and the
/// adapter journaled by it; no instance runs (nothing receives webhooks or resolves them).
pub async fn journaled(
    db: &Db,
    provider: Provider,
    instance: &str,
) -> (Sandbox, Arc<dyn KycProvider>, Journal, JournaledProvider) {
    let sandbox = sandbox().await;
    let bare = match provider {
        Provider::Idnow => idnow(&sandbox),
        Provider::Postident => postident(&sandbox),
        other => panic!("no sandbox adapter for {other:?}"),
    };
    let journal = open(db, instance).await;
    let journaled = JournaledProvider::new(bare.clone(), journal.clone());
    (sandbox, bare, journal, journaled)
}

/// The journal as an application runs it, on `db`: [`journaled`], and an intake+worker instance
/// (for IDnow with the sandbox's webhooks pointed at it; POSTIDENT cases name their webhook URL
/// at create).
pub async fn journaled_service(db: &Db, provider: Provider, instance: &str) -> JournaledService {
    let (sandbox, bare, journal, journaled) = journaled(db, provider, instance).await;
    let journaled: Arc<dyn KycProvider> = Arc::new(journaled);
    let service = service(&journal, journaled.clone(), true).await;
    if provider == Provider::Idnow {
        idnow_webhooks_to(&sandbox, Some(webhook_url(&service)));
    }
    (sandbox, bare, journal, journaled, service)
}

/// The sandbox, its bare IDnow adapter, the journal on `db` opened as `instance`, and an
/// intake-only instance (no worker: nothing is resolved) that the sandbox's IDnow webhooks go to.
pub async fn idnow_intake_only(
    db: &Db,
    instance: &str,
) -> (Sandbox, Arc<dyn KycProvider>, Journal, Service) {
    let sandbox = sandbox().await;
    let bare = idnow(&sandbox);
    let journal = open(db, instance).await;
    let service = service(&journal, bare.clone(), false).await;
    idnow_webhooks_to(&sandbox, Some(webhook_url(&service)));
    (sandbox, bare, journal, service)
}

pub fn webhook_url(service: &Service) -> url::Url {
    format!("http://{}/webhooks", service.webhook_addr)
        .parse()
        .unwrap()
}

/// Points the sandbox's IDnow webhooks at `url`.
pub fn idnow_webhooks_to(sandbox: &Sandbox, url: Option<url::Url>) {
    sandbox
        .idnow()
        .set_webhook(
            sandbox.idnow().company_id(),
            url.map(|url| kyc_sandbox::idnow::WebhookTarget {
                url,
                basic_auth: None,
            }),
        )
        .expect("webhook target");
}

/// The sandbox's IDnow ident with the transaction number `txn`, for [`Sandbox::play`].
pub fn simulated_idnow(txn: &str) -> SimulatedCase {
    SimulatedCase::Idnow {
        transaction_number: txn.to_string(),
    }
}

/// The sandbox's POSTIDENT case of `case` (by its case id), for [`Sandbox::play`].
pub fn simulated_postident(case: &CaseRef) -> SimulatedCase {
    SimulatedCase::Postident {
        case_id: case
            .case_id
            .clone()
            .expect("a created POSTIDENT case has its id"),
    }
}

pub fn new_case(reference: &str, webhook: Option<url::Url>) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c.contact.email = Some("erika@example.org".into());
    c.webhook_url = webhook;
    c
}

/// Waits until the journal holds the case in a status matching `pred` with no notice waiting.
pub async fn wait_settled(
    journal: &Journal,
    case: &CaseRef,
    what: &str,
    pred: impl Fn(&CaseStatus) -> bool,
) -> kyc_journal::CaseRecord {
    let key = case
        .case_id
        .clone()
        .or_else(|| case.reference.clone())
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let record = journal.case(case.provider, &key).await.expect("read case");
        if let Some(r) = &record {
            if pred(&r.status) && r.waiting_notices == 0 {
                return record.unwrap();
            }
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "{case}: the journal did not reach {what} within 60 s: {:?}; notices: {:?}",
                record.map(|r| (r.status, r.waiting_notices, r.parked_notices)),
                journal.notice_counts().await
            );
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// [`wait_settled`] until the journal holds the case as approved.
pub async fn wait_approved(journal: &Journal, case: &CaseRef) -> kyc_journal::CaseRecord {
    wait_settled(journal, case, "approved", |s| {
        matches!(s, CaseStatus::Approved { .. })
    })
    .await
}

/// What the journal holds about the case `key`; fails the test if it does not know the case.
pub async fn case_record(
    journal: &Journal,
    provider: Provider,
    key: &str,
) -> kyc_journal::CaseRecord {
    journal
        .case(provider, key)
        .await
        .expect("read case")
        .expect("the journal knows the case")
}

/// The first page (default size) of the attempt trail the journal holds for the case `key`;
/// fails the test if the journal does not know the case.
pub async fn attempt_page(journal: &Journal, provider: Provider, key: &str) -> Page<AttemptRecord> {
    journal
        .attempts(provider, key, None, None)
        .await
        .expect("read attempts")
        .expect("the journal knows the case")
}

/// Waits until no notice of the journal waits for resolution.
pub async fn wait_all_settled(journal: &Journal, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let counts = journal.notice_counts().await.expect("count notices");
        let waiting: i64 = ["pending", "retry", "resolving"]
            .iter()
            .map(|s| counts.get(*s).copied().unwrap_or(0))
            .sum();
        if waiting == 0 {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("notices still waiting after {within:?}: {counts:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The provider's true state of a case, read straight from the adapter.
pub async fn truth(provider: &Arc<dyn KycProvider>, case: &CaseRef) -> CaseStatus {
    provider
        .get_case(case)
        .await
        .expect("read the truth")
        .status
}

/// The sandbox's IDnow webhook deliveries of `webhook_type` for `txn`.
pub fn deliveries(
    sandbox: &kyc_sandbox::Sandbox,
    txn: &str,
    webhook_type: &str,
) -> Vec<kyc_sandbox::idnow::WebhookDelivery> {
    sandbox
        .idnow()
        .webhook_deliveries()
        .into_iter()
        .filter(|d| d.transaction_number == txn && d.webhook_type == webhook_type)
        .collect()
}

/// Waits until `n` deliveries of `webhook_type` for `txn` were answered 200.
pub async fn wait_delivered(
    sandbox: &kyc_sandbox::Sandbox,
    txn: &str,
    webhook_type: &str,
    n: usize,
) -> kyc_sandbox::idnow::WebhookDelivery {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let done: Vec<_> = deliveries(sandbox, txn, webhook_type)
            .into_iter()
            .filter(|d| d.statuses.contains(&Some(200)))
            .collect();
        if done.len() >= n {
            return done[0].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{webhook_type} for {txn} not delivered {n} time(s): {:?}",
            deliveries(sandbox, txn, webhook_type)
                .iter()
                .map(|d| (&d.statuses, &d.outcome))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
