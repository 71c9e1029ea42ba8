//! Where a secret comes from: the TOML text, an environment variable, or a file.

use kyc_core::{Error, Result, Secret};
use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;

/// A secret as written in the configuration: `"inline"`, `{ env = "VAR" }` or
/// `{ file = "path" }`. Resolved (read) only by [`SecretSource::resolve`]; `Debug` never shows an
/// inline value.
#[derive(Clone, Deserialize)]
#[serde(untagged)]
pub enum SecretSource {
    /// The secret itself, written in the TOML text.
    Inline(Secret),
    /// The name of an environment variable holding the secret.
    Env {
        /// The variable's name.
        env: String,
    },
    /// A file holding the secret (one trailing newline is removed). A relative path is taken
    /// relative to the configuration file's folder when the configuration was read with
    /// [`Config::load`](crate::Config::load), else relative to the working directory.
    File {
        /// The file's path.
        file: PathBuf,
    },
}

impl SecretSource {
    /// Makes a relative `{ file = ... }` path relative to `dir` (the configuration file's
    /// folder); other sources are unchanged.
    pub fn relative_to(&mut self, dir: &std::path::Path) {
        if let SecretSource::File { file } = self {
            if file.is_relative() {
                *file = dir.join(&*file);
            }
        }
    }

    /// Reads the secret. `key` is the configuration key (`idnow.api_key`) named in errors.
    pub fn resolve(&self, key: &str) -> Result<Secret> {
        let secret = match self {
            SecretSource::Inline(s) => s.clone(),
            SecretSource::Env { env } => match std::env::var(env) {
                Ok(v) => Secret::new(v),
                Err(_) => {
                    return Err(Error::configuration(
                        key,
                        format!("environment variable {env} is not set"),
                    ))
                }
            },
            SecretSource::File { file } => match std::fs::read_to_string(file) {
                Ok(v) => Secret::new(
                    v.strip_suffix("\r\n")
                        .or_else(|| v.strip_suffix('\n'))
                        .unwrap_or(&v)
                        .to_string(),
                ),
                Err(e) => {
                    return Err(Error::configuration(
                        key,
                        format!("cannot read secret file {}: {e}", file.display()),
                    ))
                }
            },
        };
        if secret.is_empty() {
            return Err(Error::configuration(key, "is empty"));
        }
        Ok(secret)
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Inline(_) => f.write_str("Inline([redacted])"),
            SecretSource::Env { env } => write!(f, "Env({env})"),
            SecretSource::File { file } => write!(f, "File({})", file.display()),
        }
    }
}

/// Resolves an optional secret that is required: a missing one is an error naming the key and
/// the three ways to give it.
pub(crate) fn require(source: &Option<SecretSource>, key: &str) -> Result<Secret> {
    match source {
        Some(s) => s.resolve(key),
        None => Err(missing(key)),
    }
}

/// Checks that a required secret is given, without reading it.
pub(crate) fn present(source: &Option<SecretSource>, key: &str) -> Result<()> {
    match source {
        Some(_) => Ok(()),
        None => Err(missing(key)),
    }
}

fn missing(key: &str) -> Error {
    Error::configuration(
        key,
        format!(
            "missing; write it as \"value\", {{ env = \"VAR\" }} or {{ file = \"path\" }}, \
             or set {}",
            crate::config::env_overrides::variable_for(key)
        ),
    )
}
