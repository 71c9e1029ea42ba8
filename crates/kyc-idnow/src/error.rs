//! The adapter's own failures, and how each becomes a classified [`kyc_core::Error`] that keeps
//! the HTTP status, IDnow's error `cause`/`key`/`message` and the raw body.

use crate::wire::{ApiError, ErrorBody};
use bytes::Bytes;
use kyc_core::{Error, ErrorKind, FieldViolation, Provider, ProviderErrorDetail};
use std::fmt;

/// What went wrong inside the IDnow adapter. Converted into [`kyc_core::Error`] at the API
/// boundary; neither `Display` nor `Debug` prints bodies, secrets or personal data.
#[derive(thiserror::Error)]
pub enum IdnowError {
    /// IDnow answered with an error status.
    #[error("{operation} failed")]
    Api {
        /// The operation, e.g. `get ident`.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// IDnow's `errors[]`, when the body had them.
        errors: Vec<ApiError>,
        /// The body as received.
        body: Bytes,
        /// `Retry-After`, when sent.
        retry_after: Option<std::time::Duration>,
    },
    /// The request did not get an answer (connect, timeout, reset).
    #[error("{operation}: no answer from IDnow ({reason})")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// What happened, without URLs or bodies.
        reason: String,
    },
    /// IDnow answered success with a body we cannot understand.
    #[error("{operation}: IDnow answered a body this library cannot read ({reason})")]
    Malformed {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// What did not fit (parser message without content).
        reason: String,
        /// The body as received.
        body: Bytes,
    },
    /// The caller's input breaks a documented rule; nothing was sent.
    #[error("invalid input")]
    InvalidInput(Vec<FieldViolation>),
    /// A result file could not be read (ZIP, XML, signature).
    #[error("{0}")]
    ResultFile(String),
}

impl fmt::Debug for IdnowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdnowError::Api {
                operation,
                status,
                errors,
                body,
                ..
            } => f
                .debug_struct("Api")
                .field("operation", operation)
                .field("status", status)
                .field(
                    "causes",
                    &errors.iter().map(|e| &e.cause).collect::<Vec<_>>(),
                )
                .field("body", &format_args!("{} bytes, redacted", body.len()))
                .finish(),
            other => write!(f, "{other}"),
        }
    }
}

/// Reads IDnow's `{"errors": [...]}` body; anything else yields no entries.
pub fn parse_error_body(body: &[u8]) -> Vec<ApiError> {
    serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.errors)
        .unwrap_or_default()
}

fn detail_of(e: &ApiError) -> ProviderErrorDetail {
    let mut d = ProviderErrorDetail::default();
    d.cause = e.cause.clone();
    d.key = e.key.clone();
    d.message = e.message.clone();
    d.error_type = e.error_type.clone();
    d.id = e.id.clone();
    d.translation_key = e.translation_key.clone();
    d
}

impl From<IdnowError> for Error {
    fn from(e: IdnowError) -> Error {
        let message = e.to_string();
        match e {
            IdnowError::Api {
                status,
                errors,
                body,
                retry_after,
                ..
            } => {
                let first = errors.first();
                let cause = first.and_then(|e| e.cause.as_deref());
                let kind = match (status, cause) {
                    (409, _) | (_, Some("EXISTING_IDENTIFICATION")) => ErrorKind::Conflict,
                    // 412: a prerequisite (eSign document definition, account feature) is missing.
                    (412, _) => ErrorKind::Conflict,
                    (_, Some("OBJECT_NOT_FOUND")) => ErrorKind::NotFound,
                    (s, _) => Error::kind_for_status(s),
                };
                let mut err = Error::new(kind, message)
                    .with_provider(Provider::IdNow)
                    .with_http_status(status)
                    .with_raw_body(body);
                if let Some(first) = first {
                    err = err.with_detail(detail_of(first));
                }
                if let Some(d) = retry_after {
                    err = err.with_retry_after(d);
                }
                err
            }
            IdnowError::Transport { .. } => {
                Error::new(ErrorKind::Transient, message).with_provider(Provider::IdNow)
            }
            IdnowError::Malformed { status, body, .. } => Error::new(ErrorKind::Provider, message)
                .with_provider(Provider::IdNow)
                .with_http_status(status)
                .with_raw_body(body),
            IdnowError::InvalidInput(violations) => {
                Error::invalid_input(violations).with_provider(Provider::IdNow)
            }
            IdnowError::ResultFile(_) => {
                Error::new(ErrorKind::Provider, message).with_provider(Provider::IdNow)
            }
        }
    }
}
