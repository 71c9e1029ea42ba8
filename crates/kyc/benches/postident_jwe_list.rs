//! (b) A POSTIDENT list answer of 1,000 cases, encrypted as POSTIDENT encrypts it (compact JWE,
//! `RSA-OAEP-256` + `A256GCM`, RSA-3072), → 1,000 neutral `Case`s, against decrypting it with
//! openssl directly (RSA-OAEP-256 unwrap of the content key + AES-256-GCM) and parsing the JSON
//! to a `serde_json::Value`: the minimal work.
//!
//! The adapter side is what `PostidentProvider::list_cases` does with the body
//! (`Client::send` decrypts with `PrivateKey::decrypt`, `Client::list_cases` reads the answer
//! with `client::read_list_answer`, `PostidentProvider::map` calls `mapping::case_from_result`). The 1,000 cases cycle through the ten case fixtures of
//! `crates/kyc-postident/tests/fixtures` (guide samples and constructed cases), each with its own
//! caseId.
//!
//! Two sub-measurements show where the time goes: decryption alone (adapter vs openssl) and
//! parsing + mapping alone (on the decrypted bytes, vs `from_slice::<Value>`).
//!
//! Run: `cargo bench -p kyc --bench postident_jwe_list`.

mod common;

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use kyc::kyc_postident::client::read_list_answer;
use kyc::kyc_postident::{crypto::encrypt_compact, mapping::case_from_result};
use std::hint::black_box;

const CASES: usize = 1_000;
const CLIENT_ID: &str = "SANDBOX01";

/// The decrypted list body: a JSON array of 1,000 case objects.
fn list_json() -> Vec<u8> {
    common::postident_list_json("BENCH", CASES)
}

/// Reading and mapping as `Client::list_cases` + `PostidentProvider::map` do it.
fn parse_and_map(plain: Bytes) -> Vec<kyc::Case> {
    read_list_answer(&plain)
        .expect("a list answer")
        .into_iter()
        .map(|c| case_from_result(&c.result, c.raw, CLIENT_ID).expect("maps"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let key = common::test_key();
    let openssl_key = common::test_key_openssl();
    let plain = list_json();
    let jwe = encrypt_compact(key.public_key_der(), &plain, "A256GCM").expect("encrypts");
    let jwe = jwe.into_bytes();
    // Both paths must agree before anything is timed.
    assert_eq!(key.decrypt(&jwe).expect("adapter decrypts"), plain);
    assert_eq!(common::openssl_decrypt_compact(&openssl_key, &jwe), plain);
    assert_eq!(parse_and_map(Bytes::from(plain.clone())).len(), CASES);

    let mut group = c.benchmark_group("b_postident_jwe_list_1000");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(5));
    group.throughput(Throughput::Elements(CASES as u64));
    group.bench_function("baseline", |b| {
        b.iter(|| {
            let plain = common::openssl_decrypt_compact(&openssl_key, black_box(&jwe));
            serde_json::from_slice::<serde_json::Value>(&plain).unwrap()
        })
    });
    group.bench_function("adapter", |b| {
        b.iter(|| {
            let plain = key.decrypt(black_box(&jwe)).unwrap();
            parse_and_map(Bytes::from(plain))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("b_postident_decrypt_only");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(4));
    group.bench_function("baseline", |b| {
        b.iter(|| common::openssl_decrypt_compact(&openssl_key, black_box(&jwe)))
    });
    group.bench_function("adapter", |b| {
        b.iter(|| key.decrypt(black_box(&jwe)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("b_postident_parse_map_only_1000");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(4));
    group.throughput(Throughput::Elements(CASES as u64));
    group.bench_function("baseline", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&plain)).unwrap())
    });
    let shared = Bytes::from(plain.clone());
    group.bench_function("adapter", |b| {
        b.iter(|| parse_and_map(black_box(&shared).clone()))
    });
    group.finish();
}

common::criterion_main_short!(bench);
