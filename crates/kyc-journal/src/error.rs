//! The journal's error type, mapped into [`kyc_core::Error`] so that callers of the journaled
//! provider see one error type.

use kyc_core::ErrorKind;

/// A `Result` whose error is [`JournalError`].
pub type Result<T, E = JournalError> = std::result::Result<T, E>;

/// What went wrong in the journal. Messages never contain personal data or secrets (database
/// errors name the operation; the database URL's password is never printed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The database refused or failed an operation (connection lost, disk full, constraint).
    #[error("journal database: {operation} failed: {source}")]
    Database {
        /// What the journal was doing.
        operation: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The schema migrations could not be applied.
    #[error("journal database: migrations failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The journal URL is not one the journal can open.
    #[error("journal.url: {0}")]
    Url(String),
    /// A stored value could not be read back (a JSON column written by another version).
    #[error("journal: stored {what} cannot be read: {detail}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Why (never the value itself).
        detail: String,
    },
    /// The provider answered an error.
    #[error(transparent)]
    Provider(#[from] kyc_core::Error),
}

impl JournalError {
    pub(crate) fn db(operation: &'static str) -> impl FnOnce(sqlx::Error) -> JournalError {
        move |source| JournalError::Database { operation, source }
    }

    pub(crate) fn corrupt(what: &'static str, e: impl std::fmt::Display) -> JournalError {
        JournalError::Corrupt {
            what,
            detail: e.to_string(),
        }
    }
}

impl From<JournalError> for kyc_core::Error {
    /// Database and migration failures become [`ErrorKind::Transient`] (retry later; a webhook
    /// intake answers 503), a bad URL [`ErrorKind::Configuration`], provider errors stay as they
    /// were.
    fn from(e: JournalError) -> kyc_core::Error {
        match e {
            JournalError::Provider(e) => e,
            JournalError::Url(_) => kyc_core::Error::new(ErrorKind::Configuration, e.to_string()),
            JournalError::Corrupt { .. } => {
                kyc_core::Error::new(ErrorKind::Provider, e.to_string())
            }
            other => {
                let message = other.to_string();
                kyc_core::Error::new(ErrorKind::Transient, message).with_source(other)
            }
        }
    }
}
