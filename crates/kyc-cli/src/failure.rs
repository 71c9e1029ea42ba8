//! How a command fails: the message, what the provider said, what to do about it, and the exit
//! code a script can rely on.
//!
//! | exit code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | failed (the error is on stderr) |
//! | 2 | the command line is wrong (unknown option, a value in the wrong format; clap's code) |
//! | 3 | `kyc case archive`: at least one case was not archived (each is listed) |

use crate::printable::{escape, word};
use std::fmt;
use std::process::ExitCode;

/// Exit code: the command failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: `kyc case archive` did not archive every case it was given.
pub const EXIT_NOT_ALL_ARCHIVED: u8 = 3;

/// Why a command did not finish as asked.
#[derive(Debug)]
pub struct CliError {
    message: String,
    provider_said: Option<String>,
    hint: Option<String>,
    code: u8,
}

impl CliError {
    /// A failure with exit code [`EXIT_FAILED`].
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            provider_said: None,
            hint: None,
            code: EXIT_FAILED,
        }
    }

    /// The same failure with another exit code.
    pub fn with_code(mut self, code: u8) -> Self {
        self.code = code;
        self
    }

    /// Adds what the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prints the failure on stderr (`error: ...`, then the provider's words and the hint on
    /// lines of their own, every piece escaped) and gives the exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("error: {}", escape(&self.message));
        if let Some(said) = &self.provider_said {
            eprintln!("  the provider said: {said}");
        }
        if let Some(hint) = &self.hint {
            eprintln!("  hint: {}", escape(hint));
        }
        ExitCode::from(self.code)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(said) = &self.provider_said {
            write!(f, "; the provider said: {said}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::new(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        CliError::new(message)
    }
}

/// Lets code that reports failures as text call code that returns a `CliError`.
impl From<CliError> for String {
    fn from(e: CliError) -> Self {
        e.to_string()
    }
}

impl From<kyc::Error> for CliError {
    /// The library's error as a person reads it: the message with the HTTP status and the
    /// provider's cause, the provider's own message (escaped, cut) and the library's hint, each
    /// once.
    fn from(e: kyc::Error) -> Self {
        let mut message = String::new();
        if let Some(p) = e.provider() {
            message.push_str(&format!("{p}: "));
        }
        message.push_str(e.message());
        if let Some(status) = e.http_status() {
            if !e.message().contains(&format!("HTTP {status}")) {
                message.push_str(&format!(" (HTTP {status})"));
            }
        }
        let detail = e.provider_detail();
        let mut extras = Vec::new();
        if let Some(cause) = detail.and_then(|d| d.cause.as_deref()) {
            if !e.message().contains(cause) {
                extras.push(format!("cause {cause}"));
            }
        }
        if let Some(key) = detail.and_then(|d| d.key.as_deref()) {
            extras.push(format!("key {key}"));
        }
        if !extras.is_empty() {
            message.push_str(&format!(" [{}]", extras.join(", ")));
        }
        let provider_said = detail
            .and_then(|d| d.message.as_deref())
            .map(str::trim)
            .filter(|m| !m.is_empty() && !e.message().contains(*m))
            .map(word);
        CliError {
            message,
            provider_said,
            hint: e.hint().map(str::to_string),
            code: EXIT_FAILED,
        }
    }
}

/// `Result` of a command.
pub type CliResult<T = ()> = Result<T, CliError>;
