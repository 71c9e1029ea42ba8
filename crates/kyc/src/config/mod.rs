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
//! A relative `{ file = ... }` path is taken relative to the folder of the configuration file
//! ([`Config::load`]), the usual convention, so `private_key = { file = "keys/key.pem" }` next to
//! `kyc.toml` works from any working directory.
//!
//! Environment overrides: `KYC_PROVIDER` and `KYC_<SECTION>__<KEY>` (SECTION = `HTTP`, `IDNOW`,
//! `POSTIDENT` or `JOURNAL`) set `section.key`, e.g. `KYC_PROVIDER=postident`, `KYC_IDNOW__API_KEY=...`,
//! `KYC_POSTIDENT__WEBHOOK__PASSWORD=...`. Every other `KYC_*` variable (`KYC_LOG`,
//! `KYC_CONFIG`, `KYC_DATA_PASSWORD`, ...) is not configuration and is left alone. The full
//! reference is in `docs/configuration.md`.
//!
//! What can be checked without reading a secret is checked when the file is loaded (the provider
//! section, names, URLs, `allowed_ips`); secrets are read by [`connect`], and the webhook
//! password only when webhooks are verified (not by [`connect_api_only`]).

// Without a provider feature the configuration still parses (and refuses the provider it
// names); what only builds adapters is unused then.
#![cfg_attr(not(any(feature = "idnow", feature = "postident")), allow(dead_code))]

mod env_overrides;
mod journal;
mod secret_source;
mod sections;

pub use env_overrides::{override_key, NOT_CONFIGURATION};
#[cfg(feature = "journal")]
pub use journal::open_journal;
pub use journal::{JournalSection, DEFAULT_JOURNAL_URL};
pub use secret_source::SecretSource;
pub use sections::{HttpSection, IdnowSection, PostidentSection, ProviderChoice, WebhookSection};

use kyc_core::webhook::IpAllowlist;
use kyc_core::{Error, ErrorKind, Result};
#[cfg(any(feature = "idnow", feature = "postident"))]
use kyc_core::{Instrumented, KycProvider, Provider};
#[cfg(any(feature = "idnow", feature = "postident"))]
use sections::WebhookSecrets;
use serde::Deserialize;
use std::path::{Path, PathBuf};
#[cfg(any(feature = "idnow", feature = "postident"))]
use std::sync::Arc;

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
    /// environment. Relative `{ file = ... }` paths are resolved against the file's folder.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::new(
                ErrorKind::Configuration,
                format!("cannot read configuration file {}: {e}", path.display()),
            )
        })?;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let config = Config::parse(&text, std::env::vars(), Some(path))?;
        Ok(config.with_base_dir(&folder))
    }

    /// Parses TOML text without looking at the environment.
    pub fn from_toml(text: &str) -> Result<Config> {
        Config::from_toml_with_env(text, std::iter::empty())
    }

    /// Parses TOML text and applies overrides from `env` (pairs of name and value; only
    /// `KYC_PROVIDER` and `KYC_<SECTION>__<KEY>` names are used, see the module documentation).
    /// Relative `{ file = ... }` paths stay relative to the working directory.
    pub fn from_toml_with_env(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config> {
        Config::parse(text, env, None)
    }

    /// Makes every relative `{ file = ... }` secret path relative to `dir`.
    pub fn with_base_dir(mut self, dir: &Path) -> Config {
        let mut sources: Vec<&mut SecretSource> = Vec::new();
        if let Some(s) = self.idnow.as_mut() {
            sources.extend(s.api_key.as_mut());
            sources.extend(s.webhook.password.as_mut());
        }
        if let Some(s) = self.postident.as_mut() {
            sources.extend(s.password.as_mut());
            sources.extend(s.private_key.as_mut());
            sources.extend(s.data_password.as_mut());
            sources.extend(s.webhook.password.as_mut());
        }
        for source in sources {
            source.relative_to(dir);
        }
        self
    }

    /// Checks what can be checked without reading a secret: the chosen provider's section
    /// exists, its environment or base URL, its ids, that each required secret is given, and
    /// its webhook section. [`Config::load`] and the `from_toml*` constructors call it.
    ///
    /// A provider whose cargo feature (`idnow`, `postident`) this build leaves out is refused
    /// here, naming the feature.
    pub fn validate(&self) -> Result<()> {
        match self.provider {
            #[cfg(feature = "idnow")]
            ProviderChoice::Idnow => self.idnow_section()?.check(),
            #[cfg(feature = "postident")]
            ProviderChoice::Postident => self.postident_section()?.check(),
            #[allow(unreachable_patterns)]
            other => Err(left_out(other)),
        }
    }

    fn parse(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
        file: Option<&Path>,
    ) -> Result<Config> {
        let place = |span: Option<std::ops::Range<usize>>| -> String {
            let mut place = match file {
                Some(f) => format!("configuration file {}", f.display()),
                None => "configuration".to_string(),
            };
            if let Some((line, column)) = span.map(|s| line_and_column(text, s.start)) {
                place.push_str(&format!(", line {line}, column {column}"));
            }
            place
        };
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::new(
                ErrorKind::Configuration,
                format!(
                    "{}: not valid TOML: {}",
                    place(e.span()),
                    e.message().trim()
                ),
            )
        })?;
        let overrides = env_overrides::collect(env)?;
        env_overrides::apply(&mut table, &overrides)?;
        let config = match Config::deserialize(toml::Value::Table(table)) {
            Ok(config) => config,
            Err(merged) => {
                // Where in the file? Deserializing the text itself gives the position; with
                // overrides the file alone may differ (it may lack `provider`, say).
                let span = match toml::from_str::<Config>(text) {
                    Err(alone) if alone.message() == merged.message() => alone.span(),
                    _ => None,
                };
                return Err(Error::new(
                    ErrorKind::Configuration,
                    format!("{}: {}", place(span), merged.message().trim()),
                ));
            }
        };
        config.validate()?;
        Ok(config)
    }

    /// The reverse proxies trusted to report the client address of a webhook: the configured
    /// provider's `webhook.trusted_proxies` (empty: nobody). Pass it to
    /// [`crate::webhook_server::router_behind_proxies`].
    pub fn trusted_proxies(&self) -> Result<IpAllowlist> {
        match self.provider {
            ProviderChoice::Idnow => self.idnow_section()?.webhook.proxies("idnow.webhook"),
            ProviderChoice::Postident => self
                .postident_section()?
                .webhook
                .proxies("postident.webhook"),
        }
    }

    fn idnow_section(&self) -> Result<&IdnowSection> {
        self.idnow.as_ref().ok_or_else(|| {
            Error::configuration(
                "idnow",
                "section missing: provider = \"idnow\" needs an [idnow] table",
            )
        })
    }

    fn postident_section(&self) -> Result<&PostidentSection> {
        self.postident.as_ref().ok_or_else(|| {
            Error::configuration(
                "postident",
                "section missing: provider = \"postident\" needs a [postident] table",
            )
        })
    }
}

/// The error for a provider whose cargo feature this build leaves out.
#[cfg_attr(all(feature = "idnow", feature = "postident"), allow(dead_code))]
fn left_out(provider: ProviderChoice) -> Error {
    let feature = match provider {
        ProviderChoice::Idnow => "idnow",
        ProviderChoice::Postident => "postident",
    };
    Error::configuration(
        "provider",
        format!(
            "\"{feature}\" is not built in: enable the `{feature}` feature of the kyc crate \
             (it is on by default)"
        ),
    )
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

#[cfg(any(feature = "idnow", feature = "postident"))]
/// Builds the configured provider's adapter, ready to use, wrapped in
/// [`kyc_core::Instrumented`]: every operation gets a `kyc.operation` span and metrics (see
/// `docs/observability.md`).
///
/// Fails with [`ErrorKind::Configuration`] naming the key at fault: a missing provider section,
/// a missing credential, an unreadable secret file, an unknown environment name, a base URL that
/// is not HTTPS (plain HTTP is accepted on loopback only, for the sandbox).
///
/// To also reach what only one provider offers (IDnow eSign documents, POSTIDENT status lists),
/// use [`connect_typed`].
pub fn connect(config: &Config) -> Result<Box<dyn KycProvider>> {
    Ok(Box::new(connect_typed(config)?.instrumented()))
}

#[cfg(any(feature = "idnow", feature = "postident"))]
/// Like [`connect`], for tools that only call the provider's API (create, get, list, archive):
/// the webhook sections are checked but their password is not read, so it need not be
/// available, and the provider's `verify_webhook` rejects every request.
pub fn connect_api_only(config: &Config) -> Result<Box<dyn KycProvider>> {
    Ok(Box::new(
        connect_with(config, WebhookSecrets::Skip)?.instrumented(),
    ))
}

#[cfg(any(feature = "idnow", feature = "postident"))]
/// Like [`connect`], but keeps the adapter's type: the neutral trait through
/// [`ConfiguredProvider::as_dyn`], and the typed client of whichever provider is configured
/// through [`ConfiguredProvider::idnow`] / [`ConfiguredProvider::postident`] (or a `match`), all
/// from the same configuration and sharing one connection pool and login token.
///
/// ```no_run
/// # async fn run() -> kyc::Result<()> {
/// let config = kyc::Config::load("kyc.toml")?;
/// let configured = kyc::connect_typed(&config)?;
/// let provider = configured.as_dyn(); // Arc<dyn KycProvider>, instrumented
/// if let Some(idnow) = configured.idnow() {
///     // What only IDnow has, e.g. its eSign documents, on the typed client.
///     let _client: &kyc::kyc_idnow::Client = idnow.client();
/// }
/// # let _ = provider; Ok(()) }
/// ```
pub fn connect_typed(config: &Config) -> Result<ConfiguredProvider> {
    connect_with(config, WebhookSecrets::Resolve)
}

#[cfg(any(feature = "idnow", feature = "postident"))]
/// The configured provider's adapter, typed: what [`connect_typed`] returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ConfiguredProvider {
    /// `provider = "idnow"`: the IDnow AutoIdent adapter.
    #[cfg(feature = "idnow")]
    Idnow(Arc<kyc_idnow::IdnowProvider>),
    /// `provider = "postident"`: the POSTIDENT SCR-Ident adapter.
    #[cfg(feature = "postident")]
    Postident(Arc<kyc_postident::PostidentProvider>),
}

#[cfg(any(feature = "idnow", feature = "postident"))]
impl ConfiguredProvider {
    /// Which provider this is.
    pub fn provider(&self) -> Provider {
        match self {
            #[cfg(feature = "idnow")]
            ConfiguredProvider::Idnow(_) => Provider::Idnow,
            #[cfg(feature = "postident")]
            ConfiguredProvider::Postident(_) => Provider::Postident,
        }
    }

    /// The adapter behind the neutral trait, instrumented like [`connect`]'s (spans and
    /// metrics). Cheap: every call shares the one adapter.
    pub fn as_dyn(&self) -> Arc<dyn KycProvider> {
        Arc::new(self.instrumented())
    }

    /// The adapter behind the neutral trait without spans or metrics of its own (the adapters'
    /// HTTP requests are still measured).
    pub fn as_dyn_uninstrumented(&self) -> Arc<dyn KycProvider> {
        match self {
            #[cfg(feature = "idnow")]
            ConfiguredProvider::Idnow(p) => p.clone(),
            #[cfg(feature = "postident")]
            ConfiguredProvider::Postident(p) => p.clone(),
        }
    }

    /// The IDnow adapter (its typed client is [`kyc_idnow::IdnowProvider::client`]), when
    /// IDnow is configured.
    #[cfg(feature = "idnow")]
    pub fn idnow(&self) -> Option<&kyc_idnow::IdnowProvider> {
        match self {
            #[cfg(feature = "idnow")]
            ConfiguredProvider::Idnow(p) => Some(p),
            #[cfg(feature = "postident")]
            ConfiguredProvider::Postident(_) => None,
        }
    }

    /// The POSTIDENT adapter (its typed client is
    /// [`kyc_postident::PostidentProvider::client`]), when POSTIDENT is configured.
    #[cfg(feature = "postident")]
    pub fn postident(&self) -> Option<&kyc_postident::PostidentProvider> {
        match self {
            #[cfg(feature = "postident")]
            ConfiguredProvider::Postident(p) => Some(p),
            #[cfg(feature = "idnow")]
            ConfiguredProvider::Idnow(_) => None,
        }
    }

    fn instrumented(&self) -> Instrumented {
        Instrumented::new(self.as_dyn_uninstrumented())
    }
}

#[cfg(any(feature = "idnow", feature = "postident"))]
fn connect_with(config: &Config, webhook: WebhookSecrets) -> Result<ConfiguredProvider> {
    match config.provider {
        #[cfg(feature = "idnow")]
        ProviderChoice::Idnow => {
            let adapter_config = config.idnow_section()?.build(&config.http, webhook)?;
            Ok(ConfiguredProvider::Idnow(Arc::new(
                kyc_idnow::IdnowProvider::new(adapter_config)?,
            )))
        }
        #[cfg(feature = "postident")]
        ProviderChoice::Postident => {
            let adapter_config = config.postident_section()?.build(&config.http, webhook)?;
            Ok(ConfiguredProvider::Postident(Arc::new(
                kyc_postident::PostidentProvider::new(adapter_config)?,
            )))
        }
        #[allow(unreachable_patterns)]
        other => Err(left_out(other)),
    }
}

/// Run by `.ci/run` in a build with IDnow only (`--no-default-features --features idnow,config`).
#[cfg(all(test, feature = "idnow", not(feature = "postident")))]
mod provider_left_out {
    use super::Config;

    #[test]
    fn a_configuration_naming_a_provider_the_build_leaves_out_is_refused_naming_the_feature() {
        let toml =
            "provider = \"postident\"\n[postident]\nenvironment = \"test\"\nclient_id = \"ACME\"\n";
        let error = Config::from_toml(toml).unwrap_err();
        assert_eq!(error.kind(), kyc_core::ErrorKind::Configuration);
        let message = error.to_string();
        assert!(message.contains("provider"), "{message}");
        assert!(message.contains("`postident` feature"), "{message}");
    }

    #[test]
    fn the_provider_that_is_built_in_still_loads() {
        let toml = "provider = \"idnow\"\n[idnow]\nenvironment = \"test-de\"\ncompany_id = \"acme\"\napi_key = \"k\"\n";
        Config::from_toml(toml).unwrap();
    }
}
