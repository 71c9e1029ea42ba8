//! One module per `kyc` subcommand.

pub mod case;
pub mod demo;
pub mod journal;
pub mod keygen;
pub mod normalize;
pub mod sandbox;
pub mod serve;
pub mod webhook;

use crate::failure::{CliError, CliResult};

/// Loads the configuration file and connects to its provider for API calls (create, get, list,
/// archive). The webhook password is not read: these commands do not need it.
pub fn connect(config: &std::path::Path) -> CliResult<Box<dyn kyc::KycProvider>> {
    let config = load(config)?;
    Ok(kyc::config::connect_api_only(&config)?)
}

/// Loads the configuration file and connects to its provider, webhook verification included.
pub fn connect_for_webhooks(
    config: &std::path::Path,
) -> CliResult<(Box<dyn kyc::KycProvider>, kyc::webhook::IpAllowlist)> {
    let config = load(config)?;
    let trusted_proxies = config.trusted_proxies()?;
    Ok((kyc::connect(&config)?, trusted_proxies))
}

fn load(path: &std::path::Path) -> CliResult<kyc::Config> {
    if !path.exists() {
        return Err(
            CliError::new(format!("configuration file {} not found", path.display())).with_hint(
                "give --config PATH or set KYC_CONFIG; `kyc sandbox` prints a kyc.toml for the \
             sandbox, docs/configuration.md describes every key",
            ),
        );
    }
    Ok(kyc::Config::load(path)?)
}
