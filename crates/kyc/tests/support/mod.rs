//! Helpers shared by the modules of the `integration` binary. (`log_capture.rs` beside this file
//! belongs to the log-capturing binaries, which include it by `#[path]`.)

pub mod webhook_listener;

use kyc::KycProvider;
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::sync::Arc;

/// The adapter of `provider` ("idnow" or "postident") connected through `kyc::connect` with
/// `provider_toml` (its sandbox configuration) and a `[{provider}.webhook]` section: webhooks
/// must carry Basic auth `user`/`password` and come from `allowed_ip`.
pub fn connect_verifying_webhooks(
    provider_toml: &str,
    provider: &str,
    (user, password): (&str, &str),
    allowed_ip: &str,
) -> Arc<dyn KycProvider> {
    let toml = format!(
        "{provider_toml}\n[{provider}.webhook]\nusername = \"{user}\"\npassword = \"{password}\"\n\
         allowed_ips = [\"{allowed_ip}\"]\n"
    );
    Arc::from(kyc::connect(&kyc::Config::from_toml(&toml).expect("config")).expect("connect"))
}

/// A sandbox (default options) and its IDnow adapter, connected by
/// [`connect_verifying_webhooks`] with `credentials` and `allowed_ip`.
pub async fn idnow_verifying_webhooks(
    credentials: (&str, &str),
    allowed_ip: &str,
) -> (Sandbox, Arc<dyn KycProvider>) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let provider = connect_verifying_webhooks(
        &sandbox.idnow_config_toml(),
        "idnow",
        credentials,
        allowed_ip,
    );
    (sandbox, provider)
}
