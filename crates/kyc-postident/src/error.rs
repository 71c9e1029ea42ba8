//! What can go wrong talking to POSTIDENT, and how it maps into [`kyc_core::Error`].
//!
//! No variant's message contains a secret or personal data: bodies are kept as raw bytes
//! (reachable through [`kyc_core::Error::raw_body`]), never formatted, and JSON parse errors
//! report only where the body broke, not what it said.

use bytes::Bytes;
use kyc_core::{Error, ErrorKind, Provider, ProviderErrorDetail};
use std::time::Duration;

/// The adapter's own failures. Every public function returns [`kyc_core::Error`]; this enum is
/// the source kept inside it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostidentError {
    /// POSTIDENT answered a non-success HTTP status.
    #[error("{operation} answered HTTP {status}")]
    Http {
        /// What we asked (`get case`, `archive cases`, ...).
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The response body.
        body: Bytes,
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },
    /// The request did not get an answer (connection refused, reset, timeout).
    #[error("{operation} failed before an answer arrived: {kind}")]
    Transport {
        /// What we asked.
        operation: &'static str,
        /// `timeout`, `connect` or `request`.
        kind: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The answer could not be understood (not JSON, or JSON of the wrong shape).
    #[error("{operation}: the answer is not the documented JSON ({detail})")]
    MalformedBody {
        /// What we asked.
        operation: &'static str,
        /// Where parsing failed (line, column, category; never the data).
        detail: String,
        /// The (decrypted) body.
        body: Bytes,
    },
    /// A plain (unencrypted) body arrived although the request asked for encryption.
    #[error(
        "the answer is plain JSON although encryption was requested (is encryption switched on \
         for this clientId? POSTIDENT enables it per account)"
    )]
    PlainBody,
    /// The JWE's content key was not encrypted to our public key.
    #[error(
        "the result was encrypted to a different public key (ours has SHA-256 prefix \
         {fingerprint}); check the private key configured"
    )]
    WrongKey {
        /// Our public key's fingerprint, to compare with the key POSTIDENT was given.
        fingerprint: String,
    },
    /// The body is not a well-formed compact JWE, or its content fails authentication.
    #[error("the encrypted answer is corrupt: {detail}")]
    CorruptJwe {
        /// What is wrong with it.
        detail: String,
    },
    /// The JWE uses an algorithm we do not decrypt.
    #[error("the encrypted answer uses an unsupported algorithm: {detail}")]
    UnsupportedJwe {
        /// Which one.
        detail: String,
    },
    /// The private key or the data password is unusable.
    #[error("encryption key: {0}")]
    Key(String),
}

impl PostidentError {
    /// The [`ErrorKind`] of this failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PostidentError::Http { status, .. } => Error::kind_for_status(*status),
            PostidentError::Transport { .. } => ErrorKind::Transient,
            PostidentError::MalformedBody { .. } => ErrorKind::Provider,
            PostidentError::PlainBody
            | PostidentError::WrongKey { .. }
            | PostidentError::CorruptJwe { .. }
            | PostidentError::UnsupportedJwe { .. } => ErrorKind::Decryption,
            PostidentError::Key(_) => ErrorKind::Configuration,
        }
    }
}

/// Reads the error details POSTIDENT might put in an error body. The body shape is not
/// documented; we look for the usual JSON keys and otherwise keep the body raw only.
fn detail_from_body(body: &[u8]) -> Option<ProviderErrorDetail> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let obj = value.as_object()?;
    let text = |keys: &[&str]| {
        keys.iter().find_map(|k| obj.get(*k)).and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let mut detail = ProviderErrorDetail::default();
    detail.cause = text(&["cause", "errorCode", "code", "error"]);
    detail.key = text(&["key", "field"]);
    detail.message = text(&["message", "errorMessage", "error_description", "detail"]);
    detail.id = text(&["id", "errorId", "traceId"]);
    (detail != ProviderErrorDetail::default()).then_some(detail)
}

impl From<PostidentError> for Error {
    fn from(e: PostidentError) -> Error {
        let kind = e.kind();
        let message = e.to_string();
        let mut error = Error::new(kind, message).with_provider(Provider::Postident);
        match &e {
            PostidentError::Http {
                status,
                body,
                retry_after,
                ..
            } => {
                error = error.with_http_status(*status).with_raw_body(body.clone());
                if let Some(d) = detail_from_body(body) {
                    error = error.with_detail(d);
                }
                if let Some(r) = retry_after {
                    error = error.with_retry_after(*r);
                }
            }
            PostidentError::MalformedBody { body, .. } => {
                error = error.with_raw_body(body.clone());
            }
            _ => {}
        }
        error.with_source(e)
    }
}

/// A JSON parse failure described without quoting the data (serde messages may contain values).
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    let category = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "JSON of an unexpected shape",
        serde_json::error::Category::Eof => "JSON ends too early",
    };
    format!("{category} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_errors_keep_status_detail_and_body_but_print_neither_body_nor_secrets() {
        let e: Error = PostidentError::Http {
            operation: "create case",
            status: 409,
            body: Bytes::from_static(
                br#"{"message":"referenceId exists","code":"DUPLICATE","firstName":"Erika"}"#,
            ),
            retry_after: None,
        }
        .into();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert_eq!(e.http_status(), Some(409));
        assert_eq!(e.cause_code(), Some("DUPLICATE"));
        assert_eq!(
            e.provider_detail().and_then(|d| d.message.as_deref()),
            Some("referenceId exists")
        );
        assert!(e.raw_body().unwrap().to_string_lossy().contains("Erika"));
        assert!(!e.to_string().contains("Erika"), "{e}");
        assert!(!format!("{e:?}").contains("Erika"));
    }

    #[test]
    fn json_errors_do_not_quote_the_data() {
        let err = serde_json::from_str::<u32>("\"Mustermann\"").unwrap_err();
        assert!(
            err.to_string().contains("Mustermann"),
            "serde quotes values"
        );
        let described = describe_json_error(&err);
        assert!(!described.contains("Mustermann"), "{described}");
    }
}
