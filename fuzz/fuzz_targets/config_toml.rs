//! Configuration files: `kyc::Config::from_toml_with_env` then `kyc::connect`.
//!
//! Input: TOML text, optionally followed by a line `#ENV` and `NAME=value` lines used as the
//! environment (`KYC_*` overrides). Secrets written as `{ file = "..." }` are replaced by an
//! inline value before `connect`, so the fuzzer never reads files of this machine; `{ env =
//! "..." }` reads this process's environment (harmless).
//!
//! Besides "no panic": every failure is a `Configuration` error (the documented contract of
//! `connect`).
#![no_main]

use kyc::config::{SecretSource, WebhookSection};
use kyc::{Config, ErrorKind, Secret};
use libfuzzer_sys::fuzz_target;

fn neutralise(source: &mut Option<SecretSource>) {
    if matches!(source, Some(SecretSource::File { .. })) {
        *source = Some(SecretSource::Inline(Secret::new("from-a-file")));
    }
}

fn neutralise_webhook(section: &mut WebhookSection) {
    neutralise(&mut section.password);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (toml, env) = match text.split_once("\n#ENV\n") {
        Some((toml, env)) => (toml, env),
        None => (text, ""),
    };
    let env: Vec<(String, String)> = env
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut config = match Config::from_toml_with_env(toml, env) {
        Ok(config) => config,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
            kyc_fuzz::check_error(&e, None);
            return;
        }
    };
    let _ = format!("{config:?}");
    if let Some(idnow) = config.idnow.as_mut() {
        neutralise(&mut idnow.api_key);
        neutralise_webhook(&mut idnow.webhook);
    }
    if let Some(postident) = config.postident.as_mut() {
        neutralise(&mut postident.password);
        neutralise(&mut postident.private_key);
        neutralise(&mut postident.data_password);
        neutralise_webhook(&mut postident.webhook);
    }
    match kyc::connect(&config) {
        Ok(provider) => {
            let _ = (provider.provider(), provider.capabilities());
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
            kyc_fuzz::check_error(&e, None);
        }
    }
});
