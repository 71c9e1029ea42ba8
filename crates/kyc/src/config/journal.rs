//! `[journal]`: where the case journal lives and how its workers, reconciliation and retention
//! behave. Every key is optional; without the table the journal is the SQLite file `kyc.db` in
//! the working directory.
//!
//! ```toml
//! [journal]
//! url = { env = "KYC_JOURNAL_URL" }   # or "sqlite://kyc.db", "postgres://user:pw@host/db"
//! retention_years = 5                  # personal data kept this long after a case's last change
//! reconcile_interval_secs = 300        # how often reconciliation runs
//! reconcile_window_days = 30           # decided cases re-read this long (re-reviews)
//! max_tries = 12                       # resolution tries before a notice is parked
//! read_api = "127.0.0.1:8081"          # kyc serve: the read API's address (no authentication!)
//! ```
//!
//! `url` is a secret (a PostgreSQL URL holds a password): inline, `{ env = "VAR" }` or
//! `{ file = "path" }`; `KYC_JOURNAL__URL` overrides it. Numbers may be written as TOML
//! integers or, from environment overrides (`KYC_JOURNAL__RETENTION_YEARS=10`), as strings.

use super::secret_source::SecretSource;
use kyc_core::Result;
use serde::{Deserialize, Deserializer};

/// The journal URL used when `[journal]` gives none: a SQLite file in the working directory.
pub const DEFAULT_JOURNAL_URL: &str = "sqlite://kyc.db";

/// `[journal]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalSection {
    /// `sqlite://path.db`, `sqlite::memory:` or `postgres://...` (default [`DEFAULT_JOURNAL_URL`]).
    pub url: Option<SecretSource>,
    /// Years personal data is kept after a case's last change (default 5).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub retention_years: Option<u64>,
    /// Seconds between reconciliation rounds (default 300).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub reconcile_interval_secs: Option<u64>,
    /// Days after its decision a final case is still re-read (default 30).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub reconcile_window_days: Option<u64>,
    /// Seconds after its last re-read a case is re-read again (default 3,600).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub reconcile_every_secs: Option<u64>,
    /// Resolution tries of a notice before it is parked (default 12).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub max_tries: Option<u64>,
    /// Seconds a worker's claim holds before another instance may take it over (default 60).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub lease_secs: Option<u64>,
    /// Cases resolved at once per instance (default 16).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub concurrency: Option<u64>,
    /// Where `kyc serve` runs the read API (`127.0.0.1:8081`); absent: not at all.
    pub read_api: Option<String>,
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Text(String),
    }
    match Option::<Num>::deserialize(d)? {
        None => Ok(None),
        Some(Num::Int(n)) => Ok(Some(n)),
        Some(Num::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a whole number"))),
    }
}

impl JournalSection {
    /// The journal URL, resolved (errors name `journal.url`).
    pub fn url(&self) -> Result<String> {
        match &self.url {
            Some(source) => Ok(source.resolve("journal.url")?.expose().to_string()),
            None => Ok(DEFAULT_JOURNAL_URL.to_string()),
        }
    }

    /// The journal's options from this table (defaults for what it leaves out).
    #[cfg(feature = "journal")]
    pub fn to_options(&self) -> Result<kyc_journal::JournalOptions> {
        use std::time::Duration;
        let mut o = kyc_journal::JournalOptions::default();
        let secs = Duration::from_secs;
        if let Some(y) = self.retention_years {
            o.retention = secs(y.saturating_mul(365 * 24 * 3600));
        }
        if let Some(s) = self.reconcile_interval_secs {
            o.reconcile_interval = secs(at_least_one("journal.reconcile_interval_secs", s)?);
        }
        if let Some(d) = self.reconcile_window_days {
            o.reconcile_window = secs(d.saturating_mul(24 * 3600));
        }
        if let Some(s) = self.reconcile_every_secs {
            o.reconcile_every = secs(s);
        }
        if let Some(n) = self.max_tries {
            let n = at_least_one("journal.max_tries", n)?;
            o.retry.max_tries = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(s) = self.lease_secs {
            o.lease = secs(at_least_one("journal.lease_secs", s)?);
        }
        if let Some(n) = self.concurrency {
            o.concurrency = usize::try_from(n).unwrap_or(usize::MAX).max(1);
        }
        Ok(o)
    }

    /// The read API's address for `kyc serve`, when configured.
    pub fn read_api_addr(&self) -> Result<Option<std::net::SocketAddr>> {
        self.read_api
            .as_deref()
            .map(|a| {
                a.parse().map_err(|_| {
                    kyc_core::Error::configuration(
                        "journal.read_api",
                        format!("{a:?} is not an address like 127.0.0.1:8081"),
                    )
                })
            })
            .transpose()
    }
}

/// `value` of the key `key`, or the configuration error a 0 there is.
#[cfg(feature = "journal")]
fn at_least_one(key: &str, value: u64) -> Result<u64> {
    if value == 0 {
        return Err(kyc_core::Error::configuration(key, "must be at least 1"));
    }
    Ok(value)
}

/// Opens the journal `config` names (`[journal] url`, SQLite file `kyc.db` by default) with its
/// options, migrating the schema. Database failures are [`kyc_core::ErrorKind::Transient`].
#[cfg(feature = "journal")]
pub async fn open_journal(config: &super::Config) -> Result<kyc_journal::Journal> {
    let section = config.journal.clone().unwrap_or_default();
    let url = section.url()?;
    let options = section.to_options()?;
    Ok(kyc_journal::Journal::open_with(&url, options).await?)
}

#[cfg(all(test, feature = "journal", feature = "idnow"))]
mod tests {
    use crate::Config;

    const BASE: &str = "provider = \"idnow\"\n[idnow]\nenvironment = \"test-de\"\n\
                        company_id = \"x\"\napi_key = \"k\"\n";

    /// The `[journal]` table with `keys` in it, read from a configuration around it.
    fn journal_table(keys: &str) -> super::JournalSection {
        Config::from_toml(&format!("{BASE}[journal]\n{keys}"))
            .unwrap()
            .journal
            .expect("[journal]")
    }

    #[test]
    fn defaults_to_a_sqlite_file_and_reads_every_key() {
        let c = Config::from_toml(BASE).unwrap();
        assert!(c.journal.is_none());
        let j = journal_table(
            "url = \"postgres://kyc:pw@127.0.0.1/kyc\"\nretention_years = 10\n\
             reconcile_interval_secs = 60\nmax_tries = 3\nread_api = \"127.0.0.1:8081\"\n",
        );
        assert_eq!(j.url().unwrap(), "postgres://kyc:pw@127.0.0.1/kyc");
        let o = j.to_options().unwrap();
        assert_eq!(o.retention.as_secs(), 10 * 365 * 24 * 3600);
        assert_eq!(o.reconcile_interval.as_secs(), 60);
        assert_eq!(o.retry.max_tries, 3);
        assert_eq!(j.read_api_addr().unwrap().unwrap().port(), 8081);
        assert!(
            !format!("{:?}", j.url).contains("pw"),
            "the URL is a secret"
        );
    }

    #[test]
    fn environment_overrides_reach_the_journal() {
        let env = vec![
            (
                "KYC_JOURNAL__URL".to_string(),
                "sqlite::memory:".to_string(),
            ),
            ("KYC_JOURNAL__RETENTION_YEARS".to_string(), "7".to_string()),
        ];
        let c = Config::from_toml_with_env(BASE, env).unwrap();
        let j = c.journal.unwrap();
        assert_eq!(j.url().unwrap(), "sqlite::memory:");
        assert_eq!(
            j.to_options().unwrap().retention.as_secs(),
            7 * 365 * 24 * 3600
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        for key in ["reconcile_interval_secs", "max_tries", "lease_secs"] {
            let e = journal_table(&format!("{key} = 0\n"))
                .to_options()
                .unwrap_err();
            assert!(e.to_string().contains(&format!("journal.{key}")), "{e}");
        }
        let e = journal_table("read_api = \"here\"\n")
            .read_api_addr()
            .unwrap_err();
        assert!(e.to_string().contains("journal.read_api"), "{e}");
        let e = Config::from_toml(&format!("{BASE}[journal]\nretention_years = \"ten\"\n"))
            .unwrap_err();
        assert!(e.to_string().contains("ten"), "{e}");
    }
}
