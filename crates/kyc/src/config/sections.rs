//! The tables of the configuration file and how each becomes an adapter's settings.

use super::secret_source::{require, SecretSource};
use kyc_core::webhook::{BasicCredentials, IpAllowlist, WebhookAuth};
use kyc_core::{Error, HttpOptions, Result};
use serde::{Deserialize, Deserializer};
use std::str::FromStr;
use std::time::Duration;

/// The value of the top-level `provider` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProviderChoice {
    /// `provider = "idnow"`.
    Idnow,
    /// `provider = "postident"`.
    Postident,
}

impl<'de> Deserialize<'de> for ProviderChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.trim().to_ascii_lowercase().as_str() {
            "idnow" => Ok(ProviderChoice::Idnow),
            "postident" => Ok(ProviderChoice::Postident),
            _ => Err(serde::de::Error::custom(format!(
                "provider: unknown provider {name:?}; valid choices: \"idnow\", \"postident\""
            ))),
        }
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
}

impl WebhookSection {
    /// Builds the verifier; `prefix` is the section path named in errors, `defaults` the
    /// provider's documented source networks.
    pub fn to_auth(&self, prefix: &str, defaults: &[&str]) -> Result<WebhookAuth> {
        let basic = match (&self.username, &self.password) {
            (None, None) => None,
            (Some(u), Some(p)) => Some(BasicCredentials::new(
                u.clone(),
                p.resolve(&format!("{prefix}.password"))?,
            )),
            (Some(_), None) => {
                return Err(Error::configuration(
                    &format!("{prefix}.password"),
                    "missing; username and password go together",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::configuration(
                    &format!("{prefix}.username"),
                    "missing; username and password go together",
                ))
            }
        };
        let allowlist = match &self.allowed_ips {
            None => None,
            Some(AllowedIps::Keyword(k)) if k == "default" => Some(IpAllowlist::parse(defaults)?),
            Some(AllowedIps::Keyword(other)) => {
                return Err(Error::configuration(
                    &format!("{prefix}.allowed_ips"),
                    format!("unknown value {other:?}; valid: \"default\" or a list of addresses"),
                ))
            }
            Some(AllowedIps::List(list)) => Some(IpAllowlist::parse(list)?),
        };
        Ok(WebhookAuth { basic, allowlist })
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
    /// Webhook verification.
    #[serde(default)]
    pub webhook: WebhookSection,
}

impl IdnowSection {
    /// The adapter's settings; errors name the key at fault.
    pub fn to_adapter_config(&self, http: &HttpSection) -> Result<kyc_idnow::IdnowConfig> {
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
        let company_id = self
            .company_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::configuration("idnow.company_id", "missing"))?;
        let api_key = require(&self.api_key, "idnow.api_key")?;
        let defaults = environment
            .map(|e| e.webhook_source_networks())
            .unwrap_or_default();
        let webhook = self.webhook.to_auth("idnow.webhook", defaults)?;
        Ok(kyc_idnow::IdnowConfig {
            base_url,
            company_id,
            api_key,
            webhook,
            http: http.to_options(),
            account: kyc_idnow::AccountSetup::default(),
        })
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
    /// Webhook verification.
    #[serde(default)]
    pub webhook: WebhookSection,
}

impl PostidentSection {
    /// The adapter's settings; errors name the key at fault.
    pub fn to_adapter_config(&self, http: &HttpSection) -> Result<kyc_postident::PostidentConfig> {
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
        let webhook = self.webhook.to_auth(
            "postident.webhook",
            &kyc_postident::webhook::DOCUMENTED_SOURCE_IPS,
        )?;
        Ok(kyc_postident::PostidentConfig {
            base_url,
            client_id,
            username,
            password,
            encryption,
            webhook,
            http: http.to_options(),
        })
    }
}
