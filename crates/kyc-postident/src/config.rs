//! How to reach a POSTIDENT account: environment or base URL, client id, API credentials,
//! result encryption, webhook verification and HTTP limits.

use crate::crypto::PrivateKey;
use kyc_core::webhook::WebhookAuth;
use kyc_core::{Error, HttpOptions, Secret};
use std::fmt;
use std::str::FromStr;
use url::Url;

/// The production host. Encryption is mandatory there.
pub const PRODUCTION_HOST: &str = "postident.deutschepost.de";
/// The integration ("ITU") host, issued on demand.
pub const INTEGRATION_HOST: &str = "postident-itu.deutschepost.de";

/// A POSTIDENT environment. Displays as its configuration name (`production`, `integration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Environment {
    /// `https://postident.deutschepost.de/api`: real identifications; encryption mandatory.
    Production,
    /// `https://postident-itu.deutschepost.de/api`: integration tests, completed by hand in the
    /// POSTIDENT test app; encryption optional.
    Integration,
}

impl Environment {
    /// The API base URL (the path `scr/v1/{clientId}/cases` is appended).
    pub fn base_url(self) -> Url {
        let url = match self {
            Environment::Production => "https://postident.deutschepost.de/api",
            Environment::Integration => "https://postident-itu.deutschepost.de/api",
        };
        Url::parse(url).expect("static URL")
    }

    /// The configuration name: `production` or `integration`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Environment {
    type Err = Error;

    /// Reads `production` or `integration` (case-insensitive; `prod`, `itu` accepted).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use Environment::{Integration, Production};
        let names = [
            ("production", Production),
            ("prod", Production),
            ("integration", Integration),
            ("itu", Integration),
        ];
        one_of(&names, s).ok_or_else(|| {
            Error::configuration(
                "postident.environment",
                "must be \"production\" or \"integration\"",
            )
        })
    }
}

/// The value whose configuration name is `word` (trimmed, case-insensitive).
fn one_of<T: Copy>(names: &[(&str, T)], word: &str) -> Option<T> {
    let word = word.trim();
    names
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|(_, value)| *value)
}

/// Whether result bodies are encrypted to our key.
#[derive(Clone, Debug)]
pub enum Encryption {
    /// Results come as plain JSON. Only allowed where POSTIDENT makes encryption optional
    /// (integration, the sandbox); refused for the production host.
    Disabled,
    /// Results come as JWE encrypted to `private_key`'s public key.
    Enabled {
        /// Our RSA key (its public half travels in `x-scr-key`).
        private_key: PrivateKey,
        /// The data password Deutsche Post issued with the account (keys `x-scr-keyhash`).
        data_password: Secret,
    },
}

impl Encryption {
    /// True for `Enabled`.
    pub fn is_enabled(&self) -> bool {
        matches!(self, Encryption::Enabled { .. })
    }
}

/// Which side of POSTIDENT's client–partner constellation (result guide section 9) the
/// credentials belong to.
///
/// A client may let a *partner* (e.g. a comparison portal) run the identification front end:
/// the partner creates the cases for the client's clientId, receives webhooks at its own
/// `webHookUrlPartner`, and reads **status data only** — never result data. The client reads
/// results as usual.
///
/// Displays as its configuration name (`client`, `partner`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, strum::Display, strum::IntoStaticStr,
)]
#[strum(serialize_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The business customer: creates cases, reads result data, archives. The default.
    #[default]
    Client,
    /// A partner acting for the client: creates cases (the neutral `webhook_url` becomes
    /// `webHookUrlPartner`), reads the status endpoints only (`get_case` and `list_cases` carry
    /// status, reasons and attempts but no identity or files); archiving and file downloads
    /// answer [`kyc_core::ErrorKind::Unsupported`].
    Partner,
}

impl Role {
    /// The configuration name: `client` or `partner`.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Role {
    type Err = Error;

    /// Reads `client` or `partner` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        one_of(&[("client", Role::Client), ("partner", Role::Partner)], s).ok_or_else(|| {
            Error::configuration("postident.role", "must be \"client\" or \"partner\"")
        })
    }
}

/// Everything the adapter needs to talk to one POSTIDENT account.
#[derive(Clone)]
pub struct PostidentConfig {
    /// The API base, e.g. `https://postident.deutschepost.de/api` (see [`Environment`]), or the
    /// sandbox's `http://127.0.0.1:PORT/postident/api`. HTTPS, or plain HTTP on loopback only.
    pub base_url: Url,
    /// The clientId Deutsche Post issued: ASCII letters and digits (documented as uppercase).
    pub client_id: String,
    /// The API user name (HTTP Basic).
    pub username: String,
    /// The API password (HTTP Basic).
    pub password: Secret,
    /// Result encryption.
    pub encryption: Encryption,
    /// How incoming webhooks are verified. See [`crate::webhook::default_allowlist`] for the
    /// documented source addresses.
    pub webhook: WebhookAuth,
    /// Timeouts and retry limits.
    pub http: HttpOptions,
    /// Client (default) or partner credentials (result guide section 9).
    pub role: Role,
}

impl PostidentConfig {
    /// A configuration with default webhook verification (none) and HTTP options.
    pub fn new(
        base_url: Url,
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
        encryption: Encryption,
    ) -> Self {
        PostidentConfig {
            base_url,
            client_id: client_id.into(),
            username: username.into(),
            password: password.into(),
            encryption,
            webhook: WebhookAuth::default(),
            http: HttpOptions::default(),
            role: Role::Client,
        }
    }

    /// True when the base URL points at the production host.
    pub fn is_production(&self) -> bool {
        self.base_url
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case(PRODUCTION_HOST))
    }

    /// Checks every rule; each failure is a [`kyc_core::ErrorKind::Configuration`] error naming
    /// the configuration key.
    pub fn validate(&self) -> kyc_core::Result<()> {
        kyc_core::net::require_secure_base_url("postident.base_url", &self.base_url)?;
        if self.base_url.cannot_be_a_base() {
            return Err(Error::configuration(
                "postident.base_url",
                "must be a base URL such as https://postident.deutschepost.de/api",
            ));
        }
        if self.base_url.query().is_some() || self.base_url.fragment().is_some() {
            return Err(Error::configuration(
                "postident.base_url",
                "must not carry a query string or fragment",
            ));
        }
        if self.client_id.is_empty() || !self.client_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::configuration(
                "postident.client_id",
                "must be non-empty ASCII letters and digits (the clientId Deutsche Post issued)",
            ));
        }
        if self.client_id.chars().any(|c| c.is_ascii_lowercase()) {
            tracing::warn!(
                client_id = %self.client_id,
                "POSTIDENT documents clientIds as uppercase and case-sensitive; check this one"
            );
        }
        if self.username.is_empty() || self.username.contains(':') {
            return Err(Error::configuration(
                "postident.username",
                "must be non-empty and free of ':' (HTTP Basic)",
            ));
        }
        if self.password.is_empty() {
            return Err(Error::configuration(
                "postident.password",
                "must not be empty",
            ));
        }
        match &self.encryption {
            Encryption::Disabled if self.is_production() => {
                return Err(Error::configuration(
                    "postident.encryption",
                    "must be enabled for the production host (POSTIDENT requires encrypted \
                     results in production); configure private_key and data_password",
                ));
            }
            Encryption::Disabled => {}
            Encryption::Enabled { data_password, .. } => {
                if data_password.is_empty() {
                    return Err(Error::configuration(
                        "postident.data_password",
                        "must not be empty when encryption is enabled",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for PostidentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostidentConfig")
            .field("base_url", &self.base_url.as_str())
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("encryption", &self.encryption)
            .field("webhook", &self.webhook)
            .field("http", &self.http)
            .field("role", &self.role)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str, encryption: Encryption) -> PostidentConfig {
        PostidentConfig::new(
            Url::parse(url).unwrap(),
            "SANDBOX01",
            "sandbox",
            "sandbox-password",
            encryption,
        )
    }

    #[test]
    fn production_refuses_plain_results() {
        let prod = config(
            Environment::Production.base_url().as_str(),
            Encryption::Disabled,
        );
        let e = prod.validate().unwrap_err();
        assert_eq!(e.kind(), kyc_core::ErrorKind::Configuration);
        assert!(e.to_string().contains("postident.encryption"), "{e}");
        config(
            Environment::Integration.base_url().as_str(),
            Encryption::Disabled,
        )
        .validate()
        .unwrap();
    }

    #[test]
    fn plain_http_only_on_loopback() {
        config("http://127.0.0.1:9/postident/api", Encryption::Disabled)
            .validate()
            .unwrap();
        let e = config("http://postident.example/api", Encryption::Disabled)
            .validate()
            .unwrap_err();
        assert!(e.to_string().contains("postident.base_url"), "{e}");
    }

    #[test]
    fn client_id_and_credentials_are_checked_and_never_printed() {
        let mut c = config(
            "https://postident-itu.deutschepost.de/api",
            Encryption::Disabled,
        );
        c.client_id = "ABC/../X".into();
        assert!(c.validate().unwrap_err().to_string().contains("client_id"));
        c.client_id = "ABC".into();
        c.password = Secret::new("");
        assert!(c.validate().unwrap_err().to_string().contains("password"));
        c.password = Secret::new("hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn environment_names() {
        assert_eq!(
            "production".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert_eq!(
            "Integration".parse::<Environment>().unwrap(),
            Environment::Integration
        );
        assert!("staging".parse::<Environment>().is_err());
        assert_eq!("Partner".parse::<Role>().unwrap(), Role::Partner);
        assert_eq!(Role::default(), Role::Client);
        assert!("reseller"
            .parse::<Role>()
            .unwrap_err()
            .to_string()
            .contains("postident.role"));
        assert_eq!(
            Environment::Production.base_url().as_str(),
            "https://postident.deutschepost.de/api"
        );
    }
}
