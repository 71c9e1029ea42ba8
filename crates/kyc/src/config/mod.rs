//! Configuration: one TOML file, environment-variable overrides, secrets from the environment or
//! files, and [`connect`], which turns it into a ready `Box<dyn KycProvider>`.
//!
//! ```toml
//! provider = "idnow"            # or "postident": the only line that changes to switch
//!
//! [idnow]
//! environment = "test-de"       # live-de, live-ch, live-ae, test-de, test-ch, test-ae
//! company_id = "mycompany"
//! api_key = { env = "IDNOW_API_KEY" }
//! ```
//!
//! Every secret (`api_key`, `password`, `data_password`, `private_key`, webhook passwords) may be
//! written three ways: inline text (`"..."`), `{ env = "VAR" }` (read from that environment
//! variable) or `{ file = "/run/secrets/x" }` (read from that file, trailing newline removed).
//!
//! Environment overrides: `KYC_<SECTION>__<KEY>` sets `section.key`, e.g. `KYC_PROVIDER=postident`,
//! `KYC_IDNOW__API_KEY=...`, `KYC_POSTIDENT__WEBHOOK__PASSWORD=...`. The full reference is in
//! `docs/configuration.md`.

mod env_overrides;
mod journal;
mod secret_source;
mod sections;

pub use journal::{open_journal, JournalSection, DEFAULT_JOURNAL_URL};
pub use secret_source::SecretSource;
pub use sections::{HttpSection, IdnowSection, PostidentSection, ProviderChoice, WebhookSection};

use kyc_core::{Error, ErrorKind, KycProvider, Result};
use serde::Deserialize;
use std::path::Path;

/// The whole configuration of the library.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Which provider [`connect`] builds: `"idnow"` or `"postident"`.
    pub provider: ProviderChoice,
    /// Timeouts and retries for every provider request.
    #[serde(default)]
    pub http: HttpSection,
    /// IDnow settings; required when `provider = "idnow"`.
    #[serde(default)]
    pub idnow: Option<IdnowSection>,
    /// POSTIDENT settings; required when `provider = "postident"`.
    #[serde(default)]
    pub postident: Option<PostidentSection>,
    /// The case journal (`[journal]`); absent: the SQLite file `kyc.db`.
    #[serde(default)]
    pub journal: Option<JournalSection>,
}

impl Config {
    /// Reads a TOML file and applies `KYC_*` environment overrides from the process
    /// environment.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::Configuration,
                format!("cannot read configuration file {}: {e}", path.display()),
            )
        })?;
        Config::from_toml_with_env(&text, std::env::vars())
    }

    /// Parses TOML text without looking at the environment.
    pub fn from_toml(text: &str) -> Result<Config> {
        Config::from_toml_with_env(text, std::iter::empty())
    }

    /// Parses TOML text and applies overrides from `env` (pairs of name and value; only names
    /// starting with `KYC_` are used).
    pub fn from_toml_with_env(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config> {
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::new(
                ErrorKind::Configuration,
                format!("configuration is not valid TOML: {}", e.message()),
            )
        })?;
        env_overrides::apply(&mut table, env)?;
        Config::deserialize(toml::Value::Table(table)).map_err(|e| {
            Error::new(
                ErrorKind::Configuration,
                format!("configuration: {}", e.message()),
            )
        })
    }
}

/// Builds the configured provider's adapter, ready to use.
///
/// Fails with [`ErrorKind::Configuration`] naming the key at fault: a missing provider section,
/// a missing credential, an unreadable secret file, an unknown environment name, a base URL that
/// is not HTTPS (plain HTTP is accepted on loopback only, for the sandbox).
pub fn connect(config: &Config) -> Result<Box<dyn KycProvider>> {
    match config.provider {
        ProviderChoice::Idnow => {
            let section = config.idnow.as_ref().ok_or_else(|| {
                Error::configuration(
                    "idnow",
                    "section missing: provider = \"idnow\" needs an [idnow] table",
                )
            })?;
            let adapter_config = section.to_adapter_config(&config.http)?;
            Ok(Box::new(kyc_idnow::IdnowProvider::new(adapter_config)?))
        }
        ProviderChoice::Postident => {
            let section = config.postident.as_ref().ok_or_else(|| {
                Error::configuration(
                    "postident",
                    "section missing: provider = \"postident\" needs a [postident] table",
                )
            })?;
            let adapter_config = section.to_adapter_config(&config.http)?;
            Ok(Box::new(kyc_postident::PostidentProvider::new(
                adapter_config,
            )?))
        }
    }
}
