//! Shared set-up: the fixture files, and the sandbox, adapter and client for the tests that
//! talk to the sandbox over real HTTP.
#![allow(dead_code)]

use kyc_idnow::{Client, IdnowConfig, IdnowProvider};
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

/// Plays the user's side of `txn` in the sandbox's default company: starts the
/// identification, then ends it with `outcome`.
pub fn start_and_finish(sandbox: &Sandbox, txn: &str, outcome: &kyc_sandbox::idnow::Outcome) {
    let idnow = sandbox.idnow();
    let company = idnow.company_id();
    idnow
        .user_start(company, txn, &kyc_sandbox::idnow::UserStart::default())
        .expect("user starts");
    idnow
        .set_result(company, txn, outcome)
        .expect("identification ends");
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
