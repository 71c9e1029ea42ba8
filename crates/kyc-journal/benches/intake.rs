//! Webhooks appended per second: [`Journal::append`] (the intake's durable step: find or record
//! the case, insert the raw notice with its dedupe key, record the IDnow event, commit) next to
//! a bare `INSERT` of the same bytes through the same driver and pool (autocommit), on SQLite (a
//! file, WAL, `synchronous = FULL`) and on PostgreSQL (the server named by
//! `KYC_TEST_POSTGRES_URL`; skipped with a line on stderr without it).
//!
//! Each append is a *new* webhook (a distinct case and body), as in production; the body is the
//! IDnow success sample (3.7 kB), whose notice the adapter parsed once outside the timing.
//!
//! Run: `cargo bench -p kyc-journal --bench intake`; ratios: `python3 crates/kyc/benches/ratios.py`
//! (groups `journal_append_*`, `adapter` = the journal, `baseline` = the bare insert).

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kyc_core::webhook::{WebhookNotice, WebhookRequest};
use kyc_core::KycProvider;
use kyc_journal::Journal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The IDnow success sample as a webhook body (the ident, unwrapped from its list).
fn sample() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kyc-idnow/tests/fixtures/sample_1_success.repaired.json"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("fixture is JSON");
    let ident = value["identifications"][0].clone();
    serde_json::to_vec(&ident).expect("serialises")
}

fn template() -> (String, WebhookNotice) {
    let body = sample();
    let config = kyc_idnow::IdnowConfig::new(
        "http://127.0.0.1:1/".parse().unwrap(),
        "benchco",
        "bench-key",
    );
    let provider = kyc_idnow::IdnowProvider::new(config).expect("adapter");
    let notice = provider
        .parse_webhook(&Bytes::from(body.clone()))
        .expect("sample parses");
    (String::from_utf8(body).expect("UTF-8"), notice)
}

/// The n-th distinct webhook: the sample with its ident id and transaction number made unique.
fn webhook(text: &str, notice: &WebhookNotice, n: u64) -> (WebhookNotice, WebhookRequest) {
    let id = format!("BEN-{n:08}");
    let txn = format!("bench{n:012}");
    let mut notice = notice.clone();
    let old_id = notice.case_ref.case_id.clone().unwrap_or_default();
    let old_txn = notice.case_ref.reference.clone().unwrap_or_default();
    notice.case_ref.case_id = Some(id.clone());
    notice.case_ref.reference = Some(txn.clone());
    let body = text.replace(&old_id, &id).replace(&old_txn, &txn);
    let request = WebhookRequest::new(
        http::HeaderMap::new(),
        Bytes::from(body),
        Some("127.0.0.1".parse().unwrap()),
    );
    (notice, request)
}

fn bench_engine(c: &mut Criterion, name: &str, url: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let journal: Journal = runtime.block_on(async {
        let j = Journal::open(url).await.expect("journal opens");
        let blob = match j.backend() {
            kyc_journal::Backend::Postgres => "BYTEA",
            _ => "BLOB",
        };
        sqlx::query(&format!(
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT, body {blob})"
        ))
        .execute(j.pool())
        .await
        .expect("baseline table");
        j
    });
    let (text, notice) = template();
    let counter = AtomicU64::new(runtime.block_on(async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM kyc_notices")
            .fetch_one(journal.pool())
            .await
            .unwrap() as u64
            * 10
            + 1
    }));
    let mut group = c.benchmark_group(format!("journal_append_{name}"));
    group.throughput(Throughput::Elements(1));
    group.bench_function("adapter", |b| {
        b.to_async(&runtime).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let (notice, request) = webhook(&text, &notice, n);
            let journal = journal.clone();
            async move {
                journal.append(&notice, &request).await.expect("append");
            }
        })
    });
    group.bench_function("baseline", |b| {
        b.to_async(&runtime).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let (_, request) = webhook(&text, &notice, n);
            let pool = journal.pool().clone();
            async move {
                sqlx::query("INSERT INTO bench_raw (id, body) VALUES ($1, $2)")
                    .bind(n as i64)
                    .bind(request.body.to_vec())
                    .execute(&pool)
                    .await
                    .expect("insert");
            }
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench_engine(c, "sqlite", &sqlite);
    match std::env::var("KYC_TEST_POSTGRES_URL") {
        Ok(url) => bench_engine(c, "postgres", &url),
        Err(_) => eprintln!(
            "SKIPPED journal_append_postgres: set KYC_TEST_POSTGRES_URL to bench PostgreSQL"
        ),
    }
}

criterion_group! {
    name = intake;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(50);
    targets = benches
}
criterion_main!(intake);
