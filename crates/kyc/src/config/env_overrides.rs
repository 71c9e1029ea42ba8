//! `KYC_<SECTION>__<KEY>=value` environment variables override the TOML file.
//!
//! The name after `KYC_` is split on `__` into a key path and lower-cased:
//! `KYC_POSTIDENT__WEBHOOK__PASSWORD` sets `postident.webhook.password`. Values are strings,
//! except for the keys listed in [`TYPED_KEYS`] (booleans, integers) and `allowed_ips`
//! (a comma-separated list).

use kyc_core::{Error, ErrorKind, Result};

/// The prefix of every override variable.
pub const PREFIX: &str = "KYC_";

/// Keys whose override value is not a string.
const TYPED_KEYS: &[(&str, Kind)] = &[
    ("postident.encryption", Kind::Bool),
    ("http.connect_timeout_ms", Kind::Integer),
    ("http.request_timeout_ms", Kind::Integer),
    ("http.read_timeout_ms", Kind::Integer),
    ("http.max_retries", Kind::Integer),
    ("http.retry_base_delay_ms", Kind::Integer),
];

#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Integer,
}

/// The environment variable that overrides `key` (`idnow.api_key` → `KYC_IDNOW__API_KEY`).
pub fn variable_for(key: &str) -> String {
    format!("{PREFIX}{}", key.replace('.', "__").to_ascii_uppercase())
}

/// Applies every `KYC_*` pair of `env` to `table`.
pub fn apply(
    table: &mut toml::Table,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<()> {
    let mut pairs: Vec<(String, String)> = env
        .into_iter()
        .filter(|(name, _)| name.starts_with(PREFIX) && name.len() > PREFIX.len())
        .collect();
    pairs.sort();
    for (name, value) in pairs {
        let path: Vec<String> = name[PREFIX.len()..]
            .split("__")
            .map(|s| s.to_ascii_lowercase())
            .collect();
        if path.iter().any(String::is_empty) {
            return Err(Error::configuration(
                &name,
                "malformed override name: use KYC_SECTION__KEY",
            ));
        }
        let key = path.join(".");
        let typed = typed_value(&key, &name, value)?;
        set(table, &path, typed, &name)?;
    }
    Ok(())
}

fn typed_value(key: &str, var: &str, value: String) -> Result<toml::Value> {
    if key.ends_with("allowed_ips") && value.trim() != "default" {
        return Ok(toml::Value::Array(
            value
                .split(',')
                .map(|s| toml::Value::String(s.trim().to_string()))
                .filter(|v| v.as_str() != Some(""))
                .collect(),
        ));
    }
    match TYPED_KEYS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t) {
        Some(Kind::Bool) => match value.trim() {
            "true" | "1" | "yes" => Ok(toml::Value::Boolean(true)),
            "false" | "0" | "no" => Ok(toml::Value::Boolean(false)),
            _ => Err(Error::configuration(var, "must be true or false")),
        },
        Some(Kind::Integer) => value
            .trim()
            .parse::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| Error::configuration(var, "must be a whole number")),
        None => Ok(toml::Value::String(value)),
    }
}

fn set(table: &mut toml::Table, path: &[String], value: toml::Value, var: &str) -> Result<()> {
    let (last, parents) = path.split_last().expect("path is not empty");
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
                    format!("{var}: cannot override inside {segment}, which is not a table"),
                ))
            }
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}
