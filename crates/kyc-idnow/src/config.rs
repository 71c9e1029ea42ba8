//! Where and as whom the adapter talks to IDnow: gateway hosts per environment, the account's
//! shortname and API key, webhook authentication, HTTP limits, what IDnow set up for the
//! account ([`AccountSetup`]), and the user-facing URLs.

use kyc_core::webhook::{IpAllowlist, WebhookAuth};
use kyc_core::{Error, HttpOptions, Result, Secret};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use url::Url;

/// IDnow's documented data centres, live and test.
///
/// Use CH only in Switzerland and AE only in the UAE; DE serves every other country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// `https://gateway.idnow.de`.
    LiveDe,
    /// `https://gateway.online-ident.ch`.
    LiveCh,
    /// `https://gateway.idnow.ae`.
    LiveAe,
    /// `https://gateway.test.idnow.de`.
    TestDe,
    /// `https://gateway.test.online-ident.ch`.
    TestCh,
    /// `https://gateway.test.idnow.ae`.
    TestAe,
}

impl Environment {
    /// All environments.
    pub const ALL: [Environment; 6] = [
        Environment::LiveDe,
        Environment::LiveCh,
        Environment::LiveAe,
        Environment::TestDe,
        Environment::TestCh,
        Environment::TestAe,
    ];

    /// The configuration name: `live-de`, `live-ch`, `live-ae`, `test-de`, `test-ch`, `test-ae`.
    pub fn name(self) -> &'static str {
        match self {
            Environment::LiveDe => "live-de",
            Environment::LiveCh => "live-ch",
            Environment::LiveAe => "live-ae",
            Environment::TestDe => "test-de",
            Environment::TestCh => "test-ch",
            Environment::TestAe => "test-ae",
        }
    }

    fn domain(self) -> &'static str {
        match self {
            Environment::LiveDe => "idnow.de",
            Environment::LiveCh => "online-ident.ch",
            Environment::LiveAe => "idnow.ae",
            Environment::TestDe => "test.idnow.de",
            Environment::TestCh => "test.online-ident.ch",
            Environment::TestAe => "test.idnow.ae",
        }
    }

    /// The API gateway (`https://gateway.{domain}`).
    pub fn base_url(self) -> Url {
        Url::parse(&format!("https://gateway.{}", self.domain())).expect("static URL")
    }

    /// The host users are sent to (`https://go.{domain}`).
    pub fn user_base_url(self) -> Url {
        Url::parse(&format!("https://go.{}", self.domain())).expect("static URL")
    }

    /// True for the test environments.
    pub fn is_test(self) -> bool {
        matches!(
            self,
            Environment::TestDe | Environment::TestCh | Environment::TestAe
        )
    }

    /// The documented source addresses of webhooks (section "IP Addresses"). Live AE is not
    /// documented (empty); the document's row "Test" is applied to test DE and test AE, its row
    /// "Test CH" to test CH.
    pub fn webhook_source_networks(self) -> &'static [&'static str] {
        match self {
            Environment::LiveDe => &["213.95.145.0/27"],
            Environment::LiveCh => &["193.169.187.168/32"],
            Environment::LiveAe => &[],
            Environment::TestDe | Environment::TestAe => &["52.30.27.5/32", "52.48.216.0/32"],
            Environment::TestCh => &["52.18.79.87/32"],
        }
    }

    /// The documented webhook sources as a ready allowlist (`None` where none is documented).
    pub fn webhook_allowlist(self) -> Option<IpAllowlist> {
        let networks = self.webhook_source_networks();
        if networks.is_empty() {
            return None;
        }
        IpAllowlist::parse(networks).ok()
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Environment::ALL
            .into_iter()
            .find(|e| e.name() == wanted)
            .ok_or_else(|| {
                Error::configuration(
                    "idnow.environment",
                    "must be one of live-de, live-ch, live-ae, test-de, test-ch, test-ae",
                )
            })
    }
}

/// Everything the adapter needs to talk to one IDnow account (shortname).
///
/// `Debug` never shows the API key.
#[derive(Clone)]
pub struct IdnowConfig {
    /// The gateway: [`Environment::base_url`], a white-label host, or the sandbox
    /// (plain `http://` is accepted on loopback addresses only).
    pub base_url: Url,
    /// The shortname (`{CUSTOMER}` in request URLs, `companyid` in results).
    pub company_id: String,
    /// The API key issued at account setup.
    pub api_key: Secret,
    /// How incoming webhooks are authenticated (Basic auth, source-IP allowlist).
    pub webhook: WebhookAuth,
    /// Timeouts and retry limits.
    pub http: HttpOptions,
    /// What IDnow set up for this account beyond the documented defaults.
    pub account: AccountSetup,
}

/// The documented ident lifetime: 90 days, unless the account's retention says otherwise.
pub const DEFAULT_IDENT_LIFETIME: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// What IDnow configured for one account beyond the documented defaults. Each setting is agreed
/// with IDnow at account setup; the defaults are what the document describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSetup {
    /// Send `birthname` and `title` when creating an ident. They are not in the document's
    /// Create Ident table, and IDnow answers 400 `UNRECOGNIZED_FIELD` to fields an account does
    /// not accept; set this only when IDnow confirmed the account takes them. Default `false`:
    /// `NewCase::person.birth_name` and `title` are then not sent (a warning says so).
    pub send_birthname_and_title: bool,
    /// Send `preferredLang` (from `NewCase::language`) when creating an ident: the signing
    /// language that QES/eSign accounts with the Namirial trust service provider must send
    /// (section "Creating ident requests for AutoIdent with QES / eSign"). It does not change
    /// the language of IDnow's app. Default `false`.
    pub send_preferred_lang: bool,
    /// How long an ident lives before IDnow deletes it: the documented 90 days
    /// ([`DEFAULT_IDENT_LIFETIME`]) unless the account's retention was customised. Used for
    /// `CaseHandle::expires_at`; `None` leaves that unknown.
    pub ident_lifetime: Option<Duration>,
}

impl Default for AccountSetup {
    fn default() -> Self {
        AccountSetup {
            send_birthname_and_title: false,
            send_preferred_lang: false,
            ident_lifetime: Some(DEFAULT_IDENT_LIFETIME),
        }
    }
}

impl IdnowConfig {
    /// A configuration with no webhook authentication and default HTTP options.
    pub fn new(base_url: Url, company_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        IdnowConfig {
            base_url,
            company_id: company_id.into(),
            api_key: Secret::new(api_key.into()),
            webhook: WebhookAuth::default(),
            http: HttpOptions::default(),
            account: AccountSetup::default(),
        }
    }

    /// A configuration for a documented environment, with that environment's documented webhook
    /// source addresses as the allowlist.
    pub fn for_environment(
        environment: Environment,
        company_id: impl Into<String>,
        api_key: impl Into<String>,
    ) -> Self {
        let mut config = IdnowConfig::new(environment.base_url(), company_id, api_key);
        config.webhook.allowlist = environment.webhook_allowlist();
        config
    }

    /// Checks the configuration: secure base URL, shortname and API key present.
    pub fn validate(&self) -> Result<()> {
        kyc_core::net::require_secure_base_url("idnow.base_url", &self.base_url)?;
        if self.base_url.cannot_be_a_base() {
            return Err(Error::configuration(
                "idnow.base_url",
                "must be an absolute http(s) URL",
            ));
        }
        let id = self.company_id.trim();
        if id.is_empty() {
            return Err(Error::configuration(
                "idnow.company_id",
                "must not be empty",
            ));
        }
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Error::configuration(
                "idnow.company_id",
                "may contain only letters, digits, '_' and '-'",
            ));
        }
        if self.api_key.is_empty() {
            return Err(Error::configuration("idnow.api_key", "must not be empty"));
        }
        Ok(())
    }

    /// The host users open: `https://go.{domain}` for a documented gateway
    /// (`https://gateway.X` → `https://go.X`); `{base_url}/go` on the loopback (the sandbox's
    /// stand-in for `go.idnow.de`); for any other base URL (white label) the base URL itself.
    pub fn user_base_url(&self) -> Url {
        if kyc_core::net::is_loopback_host(&self.base_url) {
            return join(&self.base_url, &["go"]);
        }
        if let Some(host) = self.base_url.host_str() {
            if let Some(rest) = host.strip_prefix("gateway.") {
                let mut u = self.base_url.clone();
                if u.set_host(Some(&format!("go.{rest}"))).is_ok() {
                    u.set_path("");
                    return u;
                }
            }
        }
        self.base_url.clone()
    }
}

impl fmt::Debug for IdnowConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdnowConfig")
            .field("base_url", &self.base_url.as_str())
            .field("company_id", &self.company_id)
            .field("api_key", &"[redacted]")
            .field("webhook", &self.webhook)
            .field("http", &self.http)
            .field("account", &self.account)
            .finish()
    }
}

/// Joins `base` and path `segments` (each already validated as URL-safe).
pub(crate) fn join(base: &Url, segments: &[&str]) -> Url {
    let mut u = base.clone();
    let path = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        segments.join("/")
    );
    u.set_path(&path);
    u.set_query(None);
    u
}
