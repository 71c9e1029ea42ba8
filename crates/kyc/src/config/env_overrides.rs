//! Environment variables that override the TOML file, kept apart from every other `KYC_*`
//! variable.
//!
//! A variable is a configuration override when its name is
//!
//! * `KYC_PROVIDER`, or
//! * `KYC_<SECTION>__<KEY>` (more `__<KEY>` for nested tables) where `<SECTION>` is `HTTP`,
//!   `IDNOW`, `POSTIDENT` or `JOURNAL`: `KYC_POSTIDENT__WEBHOOK__PASSWORD` sets
//!   `postident.webhook.password`.
//!
//! Every other `KYC_*` variable is not configuration and is ignored here: `KYC_LOG` (the `kyc`
//! tool's log filter), `KYC_CONFIG` (its configuration file), `KYC_DATA_PASSWORD` (its
//! `keygen`/`normalize` option), `KYC_TRACE_DUMP` (a test's output file), and whatever else an
//! application names that way. An override of a key that does not exist, or with a value of the
//! wrong type, is an error naming the variable.
//!
//! Values are strings, except booleans (`true`/`false`, also `1`/`0`, `yes`/`no`), whole
//! numbers for the `http.*` keys, `allowed_ips` (a comma-separated list, or `default`) and
//! `trusted_proxies` (a comma-separated list).

use kyc_core::{Error, ErrorKind, Result};

/// The prefix of every override variable.
pub const PREFIX: &str = "KYC_";

/// The top-level tables an override may address (`KYC_<SECTION>__<KEY>`).
pub const SECTIONS: &[&str] = &["http", "idnow", "postident", "journal"];

/// `KYC_*` variables this project uses that are not configuration: the `kyc` tool's own and the
/// tests'. Any name outside the override pattern is left alone, listed here or not.
pub const NOT_CONFIGURATION: &[&str] = &[
    "KYC_LOG",
    "KYC_CONFIG",
    "KYC_DATA_PASSWORD",
    "KYC_TRACE_DUMP",
];

/// What a key's value is, so an override can be checked and typed before it is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Any text (names, ids, secrets).
    Text,
    /// An absolute URL.
    Url,
    /// `true` / `false`.
    Bool,
    /// A whole number that is not negative.
    Count,
    /// `idnow` or `postident`.
    Provider,
    /// `default` or a comma-separated list of addresses and networks.
    AddressList,
}

/// Every key of the configuration file and its kind. A unit test checks this list against the
/// fields the tables accept, so it cannot fall behind.
pub(crate) const KEYS: &[(&str, Kind)] = &[
    ("provider", Kind::Provider),
    ("http.connect_timeout_ms", Kind::Count),
    ("http.request_timeout_ms", Kind::Count),
    ("http.read_timeout_ms", Kind::Count),
    ("http.max_retries", Kind::Count),
    ("http.retry_base_delay_ms", Kind::Count),
    ("idnow.environment", Kind::Text),
    ("idnow.base_url", Kind::Url),
    ("idnow.company_id", Kind::Text),
    ("idnow.api_key", Kind::Text),
    ("idnow.send_birthname_and_title", Kind::Bool),
    ("idnow.send_preferred_lang", Kind::Bool),
    ("idnow.ident_lifetime_days", Kind::Count),
    ("idnow.webhook.username", Kind::Text),
    ("idnow.webhook.password", Kind::Text),
    ("idnow.webhook.allowed_ips", Kind::AddressList),
    ("idnow.webhook.trusted_proxies", Kind::AddressList),
    ("postident.environment", Kind::Text),
    ("postident.base_url", Kind::Url),
    ("postident.client_id", Kind::Text),
    ("postident.username", Kind::Text),
    ("postident.password", Kind::Text),
    ("postident.encryption", Kind::Bool),
    ("postident.private_key", Kind::Text),
    ("postident.data_password", Kind::Text),
    ("postident.role", Kind::Text),
    ("postident.webhook.username", Kind::Text),
    ("postident.webhook.password", Kind::Text),
    ("postident.webhook.allowed_ips", Kind::AddressList),
    ("postident.webhook.trusted_proxies", Kind::AddressList),
    ("journal.url", Kind::Text),
    ("journal.retention_years", Kind::Count),
    ("journal.reconcile_interval_secs", Kind::Count),
    ("journal.reconcile_window_days", Kind::Count),
    ("journal.reconcile_every_secs", Kind::Count),
    ("journal.max_tries", Kind::Count),
    ("journal.lease_secs", Kind::Count),
    ("journal.concurrency", Kind::Count),
    ("journal.read_api", Kind::Text),
];

/// The environment variable that overrides `key` (`idnow.api_key` → `KYC_IDNOW__API_KEY`).
pub fn variable_for(key: &str) -> String {
    format!("{PREFIX}{}", key.replace('.', "__").to_ascii_uppercase())
}

/// The configuration key a variable overrides (`KYC_IDNOW__API_KEY` → `idnow.api_key`), or
/// `None` when the variable is not an override: only `KYC_PROVIDER` and
/// `KYC_<SECTION>__<KEY>` with SECTION `HTTP`, `IDNOW`, `POSTIDENT` or `JOURNAL` are. Whether the key
/// exists is checked when the configuration is loaded.
pub fn override_key(variable: &str) -> Option<String> {
    let rest = variable.strip_prefix(PREFIX)?;
    if rest == "PROVIDER" {
        return Some("provider".to_string());
    }
    let (section, tail) = rest.split_once("__")?;
    let section = section.to_ascii_lowercase();
    if !SECTIONS.contains(&section.as_str()) {
        return None;
    }
    Some(format!(
        "{section}.{}",
        tail.split("__")
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
            .join(".")
    ))
}

/// One override found in the environment.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    /// The variable's name, for errors.
    pub variable: String,
    /// The key path, e.g. `["idnow", "api_key"]`.
    pub path: Vec<String>,
    /// The typed value.
    pub value: toml::Value,
}

/// The overrides among `env`, sorted by name, each checked: the key exists and the value has
/// its kind. Errors name the variable.
pub(crate) fn collect(env: impl IntoIterator<Item = (String, String)>) -> Result<Vec<Override>> {
    let mut found: Vec<(String, String, String)> = env
        .into_iter()
        .filter_map(|(name, value)| override_key(&name).map(|key| (name, key, value)))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(variable, key, value)| {
            let kind = KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, kind)| *kind)
                .ok_or_else(|| unknown_key(&variable, &key))?;
            let value = typed_value(kind, &variable, &key, value)?;
            Ok(Override {
                path: key.split('.').map(str::to_string).collect(),
                variable,
                value,
            })
        })
        .collect()
}

/// Applies checked overrides to the parsed file.
pub(crate) fn apply(table: &mut toml::Table, overrides: &[Override]) -> Result<()> {
    for o in overrides {
        set(table, &o.path, o.value.clone(), &o.variable)?;
    }
    Ok(())
}

fn unknown_key(variable: &str, key: &str) -> Error {
    let section = key.split('.').next().unwrap_or_default();
    let valid: Vec<String> = KEYS
        .iter()
        .filter(|(k, _)| k.split('.').next() == Some(section))
        .map(|(k, _)| variable_for(k))
        .collect();
    Error::new(
        ErrorKind::Configuration,
        format!(
            "environment variable {variable}: {key} is not a configuration key; the [{section}] \
             overrides are {}",
            valid.join(", ")
        ),
    )
}

fn invalid(variable: &str, key: &str, rule: &str) -> Error {
    Error::new(
        ErrorKind::Configuration,
        format!("environment variable {variable} (sets {key}): {rule}"),
    )
}

fn typed_value(kind: Kind, variable: &str, key: &str, value: String) -> Result<toml::Value> {
    let trimmed = value.trim();
    match kind {
        Kind::Text => Ok(toml::Value::String(value)),
        Kind::Url => match url::Url::parse(trimmed) {
            Ok(_) => Ok(toml::Value::String(trimmed.to_string())),
            Err(e) => Err(invalid(
                variable,
                key,
                &format!("must be an absolute URL such as https://host/path ({e})"),
            )),
        },
        Kind::Bool => match trimmed {
            "true" | "1" | "yes" => Ok(toml::Value::Boolean(true)),
            "false" | "0" | "no" => Ok(toml::Value::Boolean(false)),
            _ => Err(invalid(variable, key, "must be true or false")),
        },
        Kind::Count => trimmed
            .parse::<u32>()
            .map(|n| toml::Value::Integer(i64::from(n)))
            .map_err(|_| invalid(variable, key, "must be a whole number (0 or more)")),
        Kind::Provider => match trimmed.to_ascii_lowercase().as_str() {
            "idnow" | "postident" => Ok(toml::Value::String(trimmed.to_string())),
            _ => Err(invalid(
                variable,
                key,
                "unknown provider; valid choices: \"idnow\", \"postident\"",
            )),
        },
        Kind::AddressList if trimmed == "default" => Ok(toml::Value::String(trimmed.to_string())),
        Kind::AddressList => Ok(toml::Value::Array(
            trimmed
                .split(',')
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        )),
    }
}

fn set(table: &mut toml::Table, path: &[String], value: toml::Value, var: &str) -> Result<()> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut current = table;
    for segment in parents {
        let entry = current
            .entry(segment.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(t) => t,
            _ => {
                return Err(Error::new(
                    ErrorKind::Configuration,
                    format!(
                        "environment variable {var}: cannot override inside {segment}, which \
                         the file sets to a value, not a table"
                    ),
                ))
            }
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_names_are_overrides() {
        assert_eq!(override_key("KYC_PROVIDER").as_deref(), Some("provider"));
        assert_eq!(
            override_key("KYC_POSTIDENT__WEBHOOK__PASSWORD").as_deref(),
            Some("postident.webhook.password")
        );
        assert_eq!(
            override_key("KYC_HTTP__MAX_RETRIES").as_deref(),
            Some("http.max_retries")
        );
        for name in NOT_CONFIGURATION {
            assert_eq!(override_key(name), None, "{name}");
        }
        for name in [
            "KYC_IDNOW",
            "KYC_IDNOW_API_KEY",
            "KYC_",
            "KYC_FOO__BAR",
            "PATH",
        ] {
            assert_eq!(override_key(name), None, "{name}");
        }
    }

    /// The field names a table accepts, read from serde's "unknown field" error.
    fn accepted_fields<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let mut table = toml::Table::new();
        table.insert("zz_not_a_key".into(), toml::Value::Integer(1));
        let err = T::deserialize(toml::Value::Table(table)).unwrap_err();
        let msg = err.message().to_string();
        let list = msg
            .split_once("expected one of")
            .map(|(_, l)| l)
            .unwrap_or_else(|| panic!("{msg}"));
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_key_list_names_every_field_of_every_table() {
        use crate::config::sections::{HttpSection, IdnowSection, PostidentSection};
        use crate::config::JournalSection;
        use crate::config::{Config, WebhookSection};
        let listed: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        let mut expected = Vec::new();
        for f in accepted_fields::<Config>() {
            if !SECTIONS.contains(&f.as_str()) {
                expected.push(f);
            }
        }
        let webhook = accepted_fields::<WebhookSection>();
        for (section, fields) in [
            ("http", accepted_fields::<HttpSection>()),
            ("idnow", accepted_fields::<IdnowSection>()),
            ("postident", accepted_fields::<PostidentSection>()),
            ("journal", accepted_fields::<JournalSection>()),
        ] {
            for f in fields {
                if f == "webhook" {
                    for w in &webhook {
                        expected.push(format!("{section}.webhook.{w}"));
                    }
                } else {
                    expected.push(format!("{section}.{f}"));
                }
            }
        }
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        let mut listed_sorted: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
        listed_sorted.sort();
        assert_eq!(listed_sorted, expected_sorted);
    }
}
