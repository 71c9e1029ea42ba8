//! The tables of the configuration file and how each becomes an adapter's settings.

use super::secret_source::SecretSource;
#[cfg(any(feature = "idnow", feature = "postident"))]
use super::secret_source::{present, require};
use kyc_core::webhook::{BasicCredentials, IpAllowlist, WebhookAuth};
use kyc_core::{Error, HttpOptions, Provider, Result};
use serde::{Deserialize, Deserializer};
#[cfg(any(feature = "idnow", feature = "postident"))]
use std::str::FromStr;
use std::time::Duration;

/// Reads the top-level `provider` key into the neutral [`Provider`]: `"idnow"` or
/// `"postident"`, case and surrounding spaces ignored.
pub(crate) fn provider_name<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Provider, D::Error> {
    let name = String::deserialize(deserializer)?;
    match name.trim().to_ascii_lowercase().as_str() {
        "idnow" => Ok(Provider::Idnow),
        "postident" => Ok(Provider::Postident),
        _ => Err(serde::de::Error::custom(format!(
            "provider: unknown provider {name:?}; valid choices: \"idnow\", \"postident\""
        ))),
    }
}

/// `[http]`: timeouts and retries for provider requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSection {
    /// Milliseconds allowed to connect (default 10,000).
    pub connect_timeout_ms: u64,
    /// Milliseconds allowed for a whole request (default 30,000).
    pub request_timeout_ms: u64,
    /// Milliseconds allowed between two reads of a response (default 15,000).
    pub read_timeout_ms: u64,
    /// Retries of a retryable request (default 2).
    pub max_retries: u32,
    /// First backoff delay in milliseconds, doubled per retry, with jitter (default 200).
    pub retry_base_delay_ms: u64,
}

impl Default for HttpSection {
    fn default() -> Self {
        let d = HttpOptions::default();
        HttpSection {
            connect_timeout_ms: d.connect_timeout.as_millis() as u64,
            request_timeout_ms: d.request_timeout.as_millis() as u64,
            read_timeout_ms: d.read_timeout.as_millis() as u64,
            max_retries: d.max_retries,
            retry_base_delay_ms: d.retry_base_delay.as_millis() as u64,
        }
    }
}

impl HttpSection {
    /// The options every adapter takes.
    pub fn to_options(&self) -> HttpOptions {
        let mut options = HttpOptions::default();
        options.connect_timeout = Duration::from_millis(self.connect_timeout_ms);
        options.request_timeout = Duration::from_millis(self.request_timeout_ms);
        options.read_timeout = Duration::from_millis(self.read_timeout_ms);
        options.max_retries = self.max_retries;
        options.retry_base_delay = Duration::from_millis(self.retry_base_delay_ms);
        options
    }
}

/// `allowed_ips`: `"default"` (the provider's documented source addresses) or a list of
/// addresses and CIDR networks.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AllowedIps {
    /// `"default"`.
    Keyword(String),
    /// `["213.95.145.0/27", ...]`.
    List(Vec<String>),
}

/// `[idnow.webhook]` / `[postident.webhook]`: how incoming webhooks are verified.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSection {
    /// Expected Basic auth user name (requires `password`).
    pub username: Option<String>,
    /// Expected Basic auth password.
    pub password: Option<SecretSource>,
    /// Allowed source addresses: `"default"` or a list; absent = no address check.
    pub allowed_ips: Option<AllowedIps>,
    /// The reverse proxies (addresses or CIDR networks) in front of the webhook endpoint whose
    /// `Forwarded` / `X-Forwarded-For` headers are believed: a request from one of them is
    /// checked against `allowed_ips` with the client address they report. Absent or empty:
    /// nobody is trusted and the connection's peer address is checked.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

/// Whether building an adapter's settings reads the webhook password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WebhookSecrets {
    /// Read it: the provider verifies webhooks.
    Resolve,
    /// Do not read it: the provider only calls the API, and rejects every webhook.
    Skip,
}

impl WebhookSection {
    /// Builds the verifier; `prefix` is the section path named in errors, `defaults` the
    /// provider's documented source networks (empty when none are documented for the chosen
    /// endpoint, in which case `allowed_ips = "default"` is an error).
    pub fn to_auth(&self, prefix: &str, defaults: &[&str]) -> Result<WebhookAuth> {
        let basic = self.basic(prefix, WebhookSecrets::Resolve)?;
        let allowlist = self.allowlist(prefix, defaults)?;
        let mut auth = WebhookAuth::default();
        auth.basic = basic;
        auth.allowlist = allowlist;
        Ok(auth)
    }

    /// Checks everything but the password's value: both credentials or none, a usable
    /// `allowed_ips`.
    pub(crate) fn check(&self, prefix: &str, defaults: &[&str]) -> Result<()> {
        self.basic(prefix, WebhookSecrets::Skip)?;
        self.allowlist(prefix, defaults)?;
        self.proxies(prefix)?;
        Ok(())
    }

    /// The trusted reverse proxies (`trusted_proxies`); `prefix` is the section path named in
    /// errors.
    pub fn proxies(&self, prefix: &str) -> Result<IpAllowlist> {
        IpAllowlist::parse(&self.trusted_proxies)
            .map_err(|e| Error::configuration(&format!("{prefix}.trusted_proxies"), e.message()))
    }

    fn auth(
        &self,
        prefix: &str,
        defaults: &[&str],
        secrets: WebhookSecrets,
    ) -> Result<WebhookAuth> {
        match secrets {
            WebhookSecrets::Resolve => self.to_auth(prefix, defaults),
            WebhookSecrets::Skip => {
                self.check(prefix, defaults)?;
                // Nothing may pass a verifier whose secret was never read.
                Ok(WebhookAuth::default().with_allowlist(IpAllowlist::parse::<&str>(&[])?))
            }
        }
    }

    fn basic(&self, prefix: &str, secrets: WebhookSecrets) -> Result<Option<BasicCredentials>> {
        match (&self.username, &self.password) {
            (None, None) => Ok(None),
            (Some(u), Some(p)) => match secrets {
                WebhookSecrets::Resolve => Ok(Some(BasicCredentials::new(
                    u.clone(),
                    p.resolve(&format!("{prefix}.password"))?,
                ))),
                WebhookSecrets::Skip => Ok(None),
            },
            (Some(_), None) => Err(Error::configuration(
                &format!("{prefix}.password"),
                "missing; username and password go together",
            )),
            (None, Some(_)) => Err(Error::configuration(
                &format!("{prefix}.username"),
                "missing; username and password go together",
            )),
        }
    }

    fn allowlist(&self, prefix: &str, defaults: &[&str]) -> Result<Option<IpAllowlist>> {
        let key = format!("{prefix}.allowed_ips");
        match &self.allowed_ips {
            None => Ok(None),
            Some(AllowedIps::Keyword(k)) if k == "default" => {
                if defaults.is_empty() {
                    let section = prefix.split('.').next().unwrap_or(prefix);
                    return Err(Error::configuration(
                        &key,
                        format!(
                            "\"default\" means the source ranges documented for \
                             {section}.environment, and none are documented when \
                             {section}.base_url is set; list the addresses your webhooks come \
                             from instead (allowed_ips = [\"203.0.113.0/24\"]), or remove \
                             allowed_ips"
                        ),
                    ));
                }
                IpAllowlist::parse(defaults).map(Some)
            }
            Some(AllowedIps::Keyword(other)) => Err(Error::configuration(
                &key,
                format!("unknown value {other:?}; valid: \"default\" or a list of addresses"),
            )),
            Some(AllowedIps::List(list)) => IpAllowlist::parse(list)
                .map(Some)
                .map_err(|e| Error::configuration(&key, e.message())),
        }
    }
}

/// `[idnow]`: the IDnow AutoIdent account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdnowSection {
    /// One of `live-de`, `live-ch`, `live-ae`, `test-de`, `test-ch`, `test-ae`
    /// (ignored when `base_url` is set).
    pub environment: Option<String>,
    /// Any gateway URL instead (white-label hosts, the sandbox). HTTPS, or HTTP on loopback.
    pub base_url: Option<url::Url>,
    /// The company id (customer short name) IDnow issued.
    pub company_id: Option<String>,
    /// The API key.
    pub api_key: Option<SecretSource>,
    /// Send `birthname` and `title` at creation (not in the documented create fields; only for
    /// accounts IDnow set up to accept them). Default false.
    pub send_birthname_and_title: Option<bool>,
    /// Send `preferredLang` at creation (QES/eSign accounts with the Namirial TSP). Default false.
    pub send_preferred_lang: Option<bool>,
    /// How many days an ident lives before IDnow deletes it (default 90, the documented
    /// retention; 0 = unknown).
    pub ident_lifetime_days: Option<u32>,
    /// Webhook verification.
    #[serde(default)]
    pub webhook: WebhookSection,
}

#[cfg(feature = "idnow")]
impl IdnowSection {
    /// The adapter's settings; errors name the key at fault.
    pub fn to_adapter_config(&self, http: &HttpSection) -> Result<kyc_idnow::IdnowConfig> {
        self.build(http, WebhookSecrets::Resolve)
    }

    /// Checks what can be checked without reading a secret.
    pub(crate) fn check(&self) -> Result<()> {
        let (_, environment) = self.endpoint()?;
        self.company_id()?;
        present(&self.api_key, "idnow.api_key")?;
        self.webhook
            .check("idnow.webhook", Self::webhook_sources(environment))
    }

    pub(crate) fn build(
        &self,
        http: &HttpSection,
        secrets: WebhookSecrets,
    ) -> Result<kyc_idnow::IdnowConfig> {
        let (base_url, environment) = self.endpoint()?;
        let company_id = self.company_id()?;
        let api_key = require(&self.api_key, "idnow.api_key")?;
        let webhook =
            self.webhook
                .auth("idnow.webhook", Self::webhook_sources(environment), secrets)?;
        Ok(kyc_idnow::IdnowConfig {
            base_url,
            company_id,
            api_key,
            webhook,
            http: http.to_options(),
            account: self.account_setup(),
        })
    }

    fn account_setup(&self) -> kyc_idnow::AccountSetup {
        let defaults = kyc_idnow::AccountSetup::default();
        kyc_idnow::AccountSetup {
            send_birthname_and_title: self
                .send_birthname_and_title
                .unwrap_or(defaults.send_birthname_and_title),
            send_preferred_lang: self
                .send_preferred_lang
                .unwrap_or(defaults.send_preferred_lang),
            ident_lifetime: match self.ident_lifetime_days {
                None => defaults.ident_lifetime,
                Some(0) => None,
                Some(days) => Some(std::time::Duration::from_secs(u64::from(days) * 86_400)),
            },
        }
    }

    fn webhook_sources(environment: Option<kyc_idnow::Environment>) -> &'static [&'static str] {
        environment
            .map(|e| e.webhook_source_networks())
            .unwrap_or_default()
    }

    fn endpoint(&self) -> Result<(url::Url, Option<kyc_idnow::Environment>)> {
        let (base_url, environment) = match (&self.base_url, &self.environment) {
            (Some(url), _) => (url.clone(), None),
            (None, Some(name)) => {
                let env = kyc_idnow::Environment::from_str(name).map_err(|_| {
                    Error::configuration(
                        "idnow.environment",
                        format!(
                            "unknown environment {name:?}; valid choices: live-de, live-ch, \
                             live-ae, test-de, test-ch, test-ae (or set idnow.base_url)"
                        ),
                    )
                })?;
                (env.base_url(), Some(env))
            }
            (None, None) => {
                return Err(Error::configuration(
                    "idnow.environment",
                    "missing; set idnow.environment (live-de, live-ch, live-ae, test-de, \
                     test-ch, test-ae) or idnow.base_url",
                ))
            }
        };
        kyc_core::net::require_secure_base_url("idnow.base_url", &base_url)?;
        Ok((base_url, environment))
    }

    fn company_id(&self) -> Result<String> {
        self.company_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::configuration("idnow.company_id", "missing"))
    }
}

/// `[postident]`: the POSTIDENT SCR-Ident account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostidentSection {
    /// `production` or `integration` (ignored when `base_url` is set).
    pub environment: Option<String>,
    /// Any API base URL instead (the sandbox). HTTPS, or HTTP on loopback.
    pub base_url: Option<url::Url>,
    /// The client id Deutsche Post issued.
    pub client_id: Option<String>,
    /// The API user name.
    pub username: Option<String>,
    /// The API password.
    pub password: Option<SecretSource>,
    /// Whether results are requested encrypted (default true; mandatory in production).
    pub encryption: Option<bool>,
    /// The RSA private key (PKCS#8 PEM) results are encrypted to.
    pub private_key: Option<SecretSource>,
    /// The data password Deutsche Post issued with the account (keys the key hash).
    pub data_password: Option<SecretSource>,
    /// `client` (the default) or `partner` (creates cases, reads status data only).
    pub role: Option<String>,
    /// Webhook verification.
    #[serde(default)]
    pub webhook: WebhookSection,
}

#[cfg(feature = "postident")]
impl PostidentSection {
    /// The adapter's settings; errors name the key at fault.
    pub fn to_adapter_config(&self, http: &HttpSection) -> Result<kyc_postident::PostidentConfig> {
        self.build(http, WebhookSecrets::Resolve)
    }

    /// Checks what can be checked without reading a secret.
    pub(crate) fn check(&self) -> Result<()> {
        self.endpoint()?;
        self.account()?;
        self.role()?;
        present(&self.password, "postident.password")?;
        if self.encryption.unwrap_or(true) {
            present(&self.private_key, "postident.private_key")?;
            present(&self.data_password, "postident.data_password")?;
        }
        self.webhook.check(
            "postident.webhook",
            &kyc_postident::webhook::DOCUMENTED_SOURCE_IPS,
        )
    }

    pub(crate) fn build(
        &self,
        http: &HttpSection,
        secrets: WebhookSecrets,
    ) -> Result<kyc_postident::PostidentConfig> {
        let base_url = self.endpoint()?;
        let (client_id, username) = self.account()?;
        let password = require(&self.password, "postident.password")?;
        let encryption = if self.encryption.unwrap_or(true) {
            let pem = require(&self.private_key, "postident.private_key")?;
            let private_key = kyc_postident::PrivateKey::from_pkcs8_pem(pem.expose())
                .map_err(|e| Error::configuration("postident.private_key", e.message()))?;
            let data_password = require(&self.data_password, "postident.data_password")?;
            kyc_postident::Encryption::Enabled {
                private_key,
                data_password,
            }
        } else {
            kyc_postident::Encryption::Disabled
        };
        let webhook = self.webhook.auth(
            "postident.webhook",
            &kyc_postident::webhook::DOCUMENTED_SOURCE_IPS,
            secrets,
        )?;
        Ok(kyc_postident::PostidentConfig {
            base_url,
            client_id,
            username,
            password,
            encryption,
            webhook,
            http: http.to_options(),
            role: self.role()?,
        })
    }

    fn role(&self) -> Result<kyc_postident::Role> {
        self.role.as_deref().map_or(
            Ok(kyc_postident::Role::default()),
            kyc_postident::Role::from_str,
        )
    }

    fn endpoint(&self) -> Result<url::Url> {
        let base_url = match (&self.base_url, &self.environment) {
            (Some(url), _) => url.clone(),
            (None, Some(name)) => kyc_postident::Environment::from_str(name)
                .map_err(|_| {
                    Error::configuration(
                        "postident.environment",
                        format!(
                            "unknown environment {name:?}; valid choices: production, \
                             integration (or set postident.base_url)"
                        ),
                    )
                })?
                .base_url(),
            (None, None) => {
                return Err(Error::configuration(
                    "postident.environment",
                    "missing; set postident.environment (production, integration) or \
                     postident.base_url",
                ))
            }
        };
        kyc_core::net::require_secure_base_url("postident.base_url", &base_url)?;
        Ok(base_url)
    }

    fn account(&self) -> Result<(String, String)> {
        let client_id = self
            .client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::configuration("postident.client_id", "missing"))?;
        let username = self
            .username
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::configuration("postident.username", "missing"))?;
        Ok((client_id, username))
    }
}
