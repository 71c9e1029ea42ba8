//! Shared set-up: the fixture files, and the sandbox, adapter and client for the tests that
//! talk to the sandbox over real HTTP.
#![allow(dead_code)]

use kyc_idnow::{Client, IdnowConfig, IdnowProvider};
use kyc_sandbox::idnow::{Fault, FaultKind, Outcome, UserStart};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The path of a file in `tests/fixtures/` (their provenance is in its README).
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The bytes of a file in `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A JSON file in `tests/fixtures/`, parsed.
pub fn fixture_json<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Personal values of `sample_9_proof_of_address.json` that no `Debug` output may show.
pub const SAMPLE_9_PERSONAL_VALUES: &[&str] = &[
    "ERIKA",
    "MUSTERMANN",
    "1964-08-12",
    "hello@democompany.org",
    "C01X00T47",
    "HIGH STREET",
];

/// Starts a sandbox whose documented delays run `scale` times faster.
pub async fn sandbox(scale: f64) -> Sandbox {
    let options = SandboxOptions {
        time_scale: scale,
        ..SandboxOptions::default()
    };
    Sandbox::start(options).await.expect("sandbox starts")
}

/// Like [`sandbox`], with the robot waiting until the user starts.
pub async fn sandbox_without_autostart(scale: f64) -> Sandbox {
    let mut options = SandboxOptions {
        time_scale: scale,
        ..SandboxOptions::default()
    };
    options.idnow.robot_autostart = false;
    Sandbox::start(options).await.expect("sandbox starts")
}

/// The adapter configuration for the sandbox's default company.
pub fn config(sandbox: &Sandbox) -> IdnowConfig {
    let idnow = sandbox.idnow();
    let mut config = IdnowConfig::new(
        idnow.base_url().clone(),
        idnow.company_id(),
        idnow.api_key(),
    );
    config.http.retry_base_delay = Duration::from_millis(10);
    config.http.request_timeout = Duration::from_secs(10);
    config
}

/// A typed client for the sandbox's default company.
pub fn client(sandbox: &Sandbox) -> Client {
    Client::new(config(sandbox)).expect("client")
}

/// The provider for the sandbox's default company.
pub fn provider(sandbox: &Sandbox) -> IdnowProvider {
    IdnowProvider::new(config(sandbox)).expect("provider")
}

/// A sandbox whose robot waits for the user, a client for its default company, and an ident
/// created there with `request` under a fresh transaction number `prefix-…` (returned).
pub async fn sandbox_with_ident(
    prefix: &str,
    request: &kyc_idnow::wire::CreateIdentRequest,
) -> (Sandbox, Client, String) {
    let sb = sandbox_without_autostart(1.0).await;
    let client = client(&sb);
    let txn = txn(prefix);
    client
        .create_ident(&txn, request)
        .await
        .expect("ident created");
    (sb, client, txn)
}

/// Plays the user's side of `txn` in the sandbox's default company: starts the
/// identification, then ends it with `outcome`.
pub fn start_and_finish(sandbox: &Sandbox, txn: &str, outcome: &Outcome) {
    user_start(sandbox, txn);
    set_result(sandbox, txn, outcome);
}

/// The user opens the identification of `txn` in the sandbox's default company.
pub fn user_start(sandbox: &Sandbox, txn: &str) {
    let idnow = sandbox.idnow();
    idnow
        .user_start(idnow.company_id(), txn, &UserStart::default())
        .expect("user starts");
}

/// The user leaves the identification of `txn` in the sandbox's default company (with the
/// abort reason they chose, if any).
pub fn user_abort(sandbox: &Sandbox, txn: &str, reason: Option<&str>) {
    let idnow = sandbox.idnow();
    idnow
        .user_abort(idnow.company_id(), txn, reason)
        .expect("user aborts");
}

/// Ends the identification of `txn` in the sandbox's default company with `outcome` (started
/// or not), as IDnow records a result.
pub fn set_result(sandbox: &Sandbox, txn: &str, outcome: &Outcome) {
    let idnow = sandbox.idnow();
    idnow
        .set_result(idnow.company_id(), txn, outcome)
        .expect("identification ends");
}

/// Ends the identification of `txn` in the sandbox's default company with `SUCCESS`.
pub fn set_success(sandbox: &Sandbox, txn: &str) {
    set_result(sandbox, txn, &Outcome::new("SUCCESS", None));
}

/// Queues a fault for the sandbox's next `count` answers to `method` requests (`GET`, ...).
pub fn fail_next(sandbox: &Sandbox, method: &str, kind: FaultKind, count: u32) {
    let mut fault = Fault::new(kind, count);
    fault.method = Some(method.into());
    sandbox.idnow().inject_fault(fault);
}

/// Queues a fault for the sandbox's next `count` answers to requests whose path contains
/// `path` (`/login`, ...).
pub fn fail_next_at(sandbox: &Sandbox, path: &str, kind: FaultKind, count: u32) {
    let mut fault = Fault::new(kind, count);
    fault.path_contains = Some(path.into());
    sandbox.idnow().inject_fault(fault);
}

/// Asserts an error's kind and the HTTP status it came with (`None`: no answer).
#[track_caller]
pub fn assert_error(e: &kyc_core::Error, kind: kyc_core::ErrorKind, http_status: Option<u16>) {
    assert_eq!(e.kind(), kind, "{e}");
    assert_eq!(e.http_status(), http_status, "{e}");
}

/// A fresh transaction number.
pub fn txn(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", N.fetch_add(1, Ordering::Relaxed))
}

/// Polls `f` until it returns `Some`, for at most `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not reached in {secs}s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The case's first artifact of `kind`; a panic naming the kind when it has none.
pub fn artifact(case: &kyc_core::Case, kind: kyc_core::ArtifactKind) -> &kyc_core::Artifact {
    case.artifacts
        .iter()
        .find(|a| a.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} artifact"))
}
