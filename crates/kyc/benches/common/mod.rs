//! Shared set-up of the benchmarks: fixture paths, the fixed test key and the short criterion
//! configuration every bench uses (so that all four finish in a few minutes on two cores).
#![allow(dead_code)]

use criterion::Criterion;
use std::path::PathBuf;
use std::time::Duration;

/// `crates/kyc-idnow/tests/fixtures/{name}`.
pub fn idnow_fixture(name: &str) -> Vec<u8> {
    read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../kyc-idnow/tests/fixtures")
            .join(name),
    )
}

/// `crates/kyc-postident/tests/fixtures/{name}`.
pub fn postident_fixture(name: &str) -> Vec<u8> {
    read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../kyc-postident/tests/fixtures")
            .join(name),
    )
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The POSTIDENT case fixtures a list answer cycles through (guide samples and constructed
/// cases, each a whole `/full` case result).
pub const POSTIDENT_CASE_FIXTURES: &[&str] = &[
    "guide-7.4.1-case-video-success.json",
    "guide-7.4.2-status-video-success.json",
    "constructed-basic-success-post-office.json",
    "constructed-eid-declined-blocked.json",
    "constructed-full-autoid-cancelled-video-success.json",
    "constructed-new-thin.json",
    "constructed-photo-incomplete.json",
    "constructed-unknown-values.json",
    "constructed-video-declined-expired.json",
    "constructed-video-review-pending-fraud.json",
];

/// A decrypted POSTIDENT list answer: a JSON array of `cases` case objects cycling through
/// [`POSTIDENT_CASE_FIXTURES`], each with its own caseId (`{prefix}{n:07}`).
pub fn postident_list_json(prefix: &str, cases: usize) -> Vec<u8> {
    let templates: Vec<serde_json::Value> = POSTIDENT_CASE_FIXTURES
        .iter()
        .map(|f| serde_json::from_slice(&postident_fixture(f)).expect("fixture is JSON"))
        .collect();
    let cases: Vec<serde_json::Value> = (0..cases)
        .map(|i| {
            let mut case = templates[i % templates.len()].clone();
            case["caseId"] = serde_json::Value::String(format!("{prefix}{i:07}"));
            case
        })
        .collect();
    serde_json::to_vec(&cases).expect("serialises")
}

/// The RSA-3072 test key the POSTIDENT tests use (never a real key).
pub fn test_key_pem() -> String {
    String::from_utf8(postident_fixture("test-only-rsa-3072.pkcs8.pem")).expect("PEM is text")
}

/// The test key, loaded by the adapter.
pub fn test_key() -> kyc::kyc_postident::PrivateKey {
    kyc::kyc_postident::PrivateKey::from_pkcs8_pem(&test_key_pem()).expect("test key loads")
}

/// The same key as an openssl `PKey`, for the baselines.
pub fn test_key_openssl() -> openssl::pkey::PKey<openssl::pkey::Private> {
    openssl::pkey::PKey::private_key_from_pem(test_key_pem().as_bytes()).expect("test key loads")
}

/// IDnow fixtures wrap the ident in `{"identifications": [ident]}` (the list shape of the
/// documentation); a single `GET /identifications/{txn}` and a webhook carry the bare object.
pub fn unwrap_identifications(bytes: &[u8]) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_slice(bytes).expect("fixture is JSON");
    let inner = match value.get("identifications").and_then(|v| v.as_array()) {
        Some(list) if list.len() == 1 => list[0].clone(),
        _ => value,
    };
    serde_json::to_vec(&inner).expect("serialises")
}

/// Short measurements: 1 s warm-up, 3 s measurement, 50 samples.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .noise_threshold(0.05)
}

/// Decrypts a compact JWE (`RSA-OAEP-256` + `A256GCM`) with nothing but openssl: the minimal
/// work any reader of a POSTIDENT result must do.
pub fn openssl_decrypt_compact(
    key: &openssl::pkey::PKey<openssl::pkey::Private>,
    jwe: &[u8],
) -> Vec<u8> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let text = std::str::from_utf8(jwe).expect("ASCII");
    let mut parts = text.split('.');
    let (header, encrypted_key, iv, ciphertext, tag) = (
        parts.next().expect("header"),
        parts.next().expect("encrypted key"),
        parts.next().expect("iv"),
        parts.next().expect("ciphertext"),
        parts.next().expect("tag"),
    );
    let encrypted_key = URL_SAFE_NO_PAD.decode(encrypted_key).expect("b64");
    let mut ctx = openssl::pkey_ctx::PkeyCtx::new(key).expect("ctx");
    ctx.decrypt_init().expect("init");
    ctx.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP)
        .expect("oaep");
    ctx.set_rsa_oaep_md(openssl::md::Md::sha256())
        .expect("sha256");
    ctx.set_rsa_mgf1_md(openssl::md::Md::sha256())
        .expect("mgf1");
    let mut cek = Vec::new();
    ctx.decrypt_to_vec(&encrypted_key, &mut cek)
        .expect("unwrap");
    openssl::symm::decrypt_aead(
        openssl::symm::Cipher::aes_256_gcm(),
        &cek,
        Some(&URL_SAFE_NO_PAD.decode(iv).expect("b64")),
        header.as_bytes(),
        &URL_SAFE_NO_PAD.decode(ciphertext).expect("b64"),
        &URL_SAFE_NO_PAD.decode(tag).expect("b64"),
    )
    .expect("AES-GCM")
}

/// The tail of every criterion bench here: one group `benches` running `$target` with the short
/// configuration of [`criterion()`], and its `main`.
#[allow(unused_macros)]
macro_rules! criterion_main_short {
    ($target:path) => {
        criterion::criterion_group! {
            name = benches;
            config = crate::common::criterion();
            targets = $target
        }
        criterion::criterion_main!(benches);
    };
}
#[allow(unused_imports)]
pub(crate) use criterion_main_short;

/// Logs in to the IDnow API at `api` (`{base}/api/v1/{company}`) and returns the login token,
/// as the adapter's token cache does once.
pub async fn idnow_login(http: &reqwest::Client, api: &str, api_key: &str) -> String {
    let login: serde_json::Value = http
        .post(format!("{api}/login"))
        .json(&serde_json::json!({ "apiKey": api_key }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login JSON");
    login["authToken"].as_str().expect("authToken").to_string()
}
