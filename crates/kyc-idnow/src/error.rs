//! The adapter's own failures, and how each becomes a classified [`kyc_core::Error`] that keeps
//! the HTTP status, IDnow's error `cause`/`key`/`message` and the raw body.

use crate::wire::{ApiError, ErrorBody};
use bytes::Bytes;
use kyc_core::{Error, ErrorKind, FailureStage, FieldViolation, Provider, ProviderErrorDetail};
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
    /// The request did not get a complete answer: no connection, a timeout, a connection or a
    /// body that broke off ([`FailureStage`] says how far it got).
    #[error("{operation}: no answer from IDnow at {target} ({})", failure_words(*.stage))]
    Transport {
        /// The operation.
        operation: &'static str,
        /// Where the request went: scheme, host and port only (no path, which holds the
        /// shortname and transaction number).
        target: String,
        /// How far the request got; whether IDnow may have received it follows from it
        /// ([`FailureStage::may_have_been_sent`]).
        stage: FailureStage,
        /// The transport's error (from [`kyc_http`]), with the `reqwest` error as its source.
        source: Error,
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
    /// Input that did not come from an IDnow answer (a webhook body, a stored payload given to
    /// `kyc normalize`) is not an ident this library can read.
    #[error("{what}: not an IDnow ident this library can read ({reason})")]
    Unreadable {
        /// What was read, e.g. `webhook body`.
        what: &'static str,
        /// What did not fit (parser message without content).
        reason: String,
        /// The input as given.
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

impl IdnowError {
    /// The error for a request to `url` that got no complete answer, from the transport's
    /// `error` (which carries the [`FailureStage`]).
    pub(crate) fn transport(operation: &'static str, url: &url::Url, error: Error) -> IdnowError {
        IdnowError::Transport {
            operation,
            target: url.origin().ascii_serialization(),
            stage: error.stage().unwrap_or(FailureStage::Dispatch),
            source: error,
        }
    }
}

/// How far a request got, in the words of [`IdnowError::Transport`]'s message.
fn failure_words(stage: FailureStage) -> &'static str {
    match stage {
        FailureStage::Construction => "the request could not be built",
        FailureStage::Connect => "connection failed",
        FailureStage::Timeout => "timed out",
        FailureStage::Response => "the response body broke off",
        FailureStage::Dispatch => "the connection broke off before the answer",
        _ => "the request failed",
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

/// What the user most likely has to do about an error answer, in our words (see
/// [`kyc_core::Error::hint`]). `None` when the answer says nothing a hint could add to.
pub fn hint_for(
    operation: &str,
    status: u16,
    cause: Option<&str>,
    key: Option<&str>,
) -> Option<&'static str> {
    Some(match (status, cause) {
        (_, Some("SECURITY_VIOLATION")) => {
            "the ident belongs to another IDnow account (shortname); check idnow.company_id"
        }
        (401, _) => {
            "check idnow.api_key and idnow.company_id: IDnow answers 401 to a wrong API key and \
             to a wrong shortname alike"
        }
        (409, _) | (_, Some("EXISTING_IDENTIFICATION")) => {
            "the transaction number belongs to a finished (or deleted) ident; transaction numbers \
             can never be reused, so create the case with a new reference"
        }
        (400, Some("UNRECOGNIZED_FIELD")) => {
            "the account does not accept this field; birthname, title and preferredLang are sent \
             only when IDnow enabled them (IdnowConfig::account)"
        }
        (412, _) if operation.starts_with("archive") => {
            "the archive feature is not enabled for this IDnow account (IDnow enables it on request)"
        }
        (412, _) => {
            "a prerequisite is missing: the account is not a QES/eSign customer, or the document \
             definition does not exist"
        }
        (403, _) => "the IDnow account lacks the permission (copying needs IDnow to enable it)",
        (404, Some("OBJECT_NOT_FOUND"))
            if key.is_some_and(|k| crate::provider::ident_id_in_not_found_key(k).is_some()) =>
        {
            "the ident exists, but IDnow keeps no data until the user has finished an attempt"
        }
        _ => return None,
    })
}

impl From<IdnowError> for Error {
    fn from(e: IdnowError) -> Error {
        let message = e.to_string();
        match e {
            IdnowError::Api {
                operation,
                status,
                errors,
                body,
                retry_after,
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
                    .with_provider(Provider::Idnow)
                    .with_http_status(status)
                    .with_raw_body(body);
                if let Some(hint) = hint_for(
                    operation,
                    status,
                    cause,
                    first.and_then(|e| e.key.as_deref()),
                ) {
                    err = err.with_hint(hint);
                }
                if let Some(first) = first {
                    err = err.with_detail(detail_of(first));
                }
                if let Some(d) = retry_after {
                    err = err.with_retry_after(d);
                }
                err
            }
            IdnowError::Transport { stage, source, .. } => {
                // `Transient`, or `Configuration` for a request that could not be built.
                Error::new(source.kind(), message)
                    .with_provider(Provider::Idnow)
                    .with_stage(stage)
                    .with_source(source)
            }
            IdnowError::Malformed { status, body, .. } => Error::new(ErrorKind::Provider, message)
                .with_provider(Provider::Idnow)
                .with_http_status(status)
                .with_raw_body(body),
            // Not an answer (no HTTP status), but still something the provider's side produced
            // that this library cannot read: `Provider`, like a malformed answer.
            IdnowError::Unreadable { body, .. } => Error::new(ErrorKind::Provider, message)
                .with_provider(Provider::Idnow)
                .with_raw_body(body),
            IdnowError::InvalidInput(violations) => {
                Error::invalid_input(violations).with_provider(Provider::Idnow)
            }
            IdnowError::ResultFile(_) => {
                Error::new(ErrorKind::Provider, message).with_provider(Provider::Idnow)
            }
        }
    }
}
