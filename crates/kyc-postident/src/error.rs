//! What can go wrong talking to POSTIDENT, and how it maps into [`kyc_core::Error`].
//!
//! No variant's message contains a secret or personal data: bodies are kept as raw bytes
//! (reachable through [`kyc_core::Error::raw_body`]), never formatted, and JSON parse errors
//! report only where the body broke, not what it said.

use bytes::Bytes;
use kyc_core::{Error, ErrorKind, Provider, ProviderErrorDetail};
use std::fmt;
use std::time::Duration;

/// The adapter's own failures. Every public function returns [`kyc_core::Error`]; this enum is
/// the source kept inside it.
///
/// `Debug` prints a body only as its length: it may be a decrypted result full of personal data.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum PostidentError {
    /// POSTIDENT answered a non-success HTTP status. The message says what the status means for
    /// this operation; [`kyc_core::Error`]'s `Display` adds `(HTTP nnn, cause ...)` once.
    #[error("{operation}: {}", http_summary(operation, *status))]
    Http {
        /// What we asked (`get case`, `archive cases`, ...).
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The response body.
        body: Bytes,
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// Whether the request carried the `x-scr-*` encryption headers (a 400 to such a read
        /// is most likely about them).
        encrypted_request: bool,
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
    #[error("the encrypted result is corrupt: {detail}")]
    CorruptJwe {
        /// What is wrong with it.
        detail: String,
    },
    /// The JWE uses an algorithm we do not decrypt.
    #[error("the encrypted result uses an unsupported algorithm: {detail}")]
    UnsupportedJwe {
        /// Which one.
        detail: String,
    },
    /// The private key or the data password is unusable.
    #[error("encryption key: {0}")]
    Key(String),
}

impl fmt::Debug for PostidentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = |b: &Bytes| format!("{} bytes, redacted", b.len());
        match self {
            PostidentError::Http {
                operation,
                status,
                body: b,
                retry_after,
                encrypted_request,
            } => f
                .debug_struct("Http")
                .field("operation", operation)
                .field("status", status)
                .field("body", &format_args!("{}", body(b)))
                .field("retry_after", retry_after)
                .field("encrypted_request", encrypted_request)
                .finish(),
            PostidentError::MalformedBody {
                operation,
                detail,
                body: b,
            } => f
                .debug_struct("MalformedBody")
                .field("operation", operation)
                .field("detail", detail)
                .field("body", &format_args!("{}", body(b)))
                .finish(),
            PostidentError::PlainBody => f.write_str("PlainBody"),
            PostidentError::WrongKey { fingerprint } => f
                .debug_struct("WrongKey")
                .field("fingerprint", fingerprint)
                .finish(),
            PostidentError::CorruptJwe { detail } => f
                .debug_struct("CorruptJwe")
                .field("detail", detail)
                .finish(),
            PostidentError::UnsupportedJwe { detail } => f
                .debug_struct("UnsupportedJwe")
                .field("detail", detail)
                .finish(),
            PostidentError::Key(detail) => f.debug_tuple("Key").field(detail).finish(),
        }
    }
}

impl PostidentError {
    /// The [`ErrorKind`] of this failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PostidentError::Http { status, .. } => Error::kind_for_status(*status),
            PostidentError::MalformedBody { .. } => ErrorKind::Provider,
            PostidentError::PlainBody
            | PostidentError::WrongKey { .. }
            | PostidentError::CorruptJwe { .. }
            | PostidentError::UnsupportedJwe { .. } => ErrorKind::Decryption,
            PostidentError::Key(_) => ErrorKind::Configuration,
        }
    }
}

/// What an HTTP error status means for one operation, in words (the status number itself is
/// added by [`kyc_core::Error`]'s `Display`, once).
fn http_summary(operation: &str, status: u16) -> &'static str {
    let about_a_case = operation.contains("case") && !operation.starts_with("list");
    match status {
        400 => "POSTIDENT refused the request as invalid",
        401 => "POSTIDENT did not accept the credentials",
        403 => "POSTIDENT refused access to this operation",
        404 if about_a_case => "POSTIDENT does not know this caseId",
        404 => "POSTIDENT does not know this address",
        409 if operation == "create case" => "the referenceId is already used by another case",
        409 => "POSTIDENT reports a conflict",
        429 => "POSTIDENT asks to slow down",
        500..=599 => "POSTIDENT failed on its side",
        _ => "POSTIDENT answered with an unexpected status",
    }
}

/// Reads the error details POSTIDENT might put in an error body (never result data: this runs
/// on error answers only). The body shape is not documented; we look for the usual JSON keys
/// and otherwise keep the body raw only.
fn detail_from_body(body: &[u8]) -> Option<ProviderErrorDetail> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return detail_from_text(body);
    };
    let obj = value.as_object()?;
    let text = |keys: &[&str]| {
        keys.iter().find_map(|k| obj.get(*k)).and_then(|v| match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
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

/// A short plain-text error body (not HTML, not JSON) is the provider's message itself.
fn detail_from_text(body: &[u8]) -> Option<ProviderErrorDetail> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() || text.len() > 500 || text.starts_with('<') {
        return None;
    }
    let mut detail = ProviderErrorDetail::default();
    detail.message = Some(text.to_string());
    Some(detail)
}

/// What the user most likely has to do about an HTTP error, in our words (shown after the
/// message). `said` is the provider's own explanation, when its body had one: it is read to tell
/// the common 400 causes apart, never printed here.
fn http_hint(
    operation: &str,
    status: u16,
    encrypted_request: bool,
    said: Option<&str>,
) -> Option<String> {
    let said = said.unwrap_or_default().to_ascii_lowercase();
    let hint = match status {
        400 if said.contains("keyhash") || said.contains("key hash") => {
            "the key hash does not match the public key and the data password: check \
             `postident.data_password` (the one Deutsche Post issued for this clientId) and \
             `postident.private_key`"
        }
        400 if said.contains("x-scr-key") || said.contains("public key") => {
            "POSTIDENT cannot use the public key sent: check `postident.private_key` (an RSA key \
             of at least 2048 bits, PKCS#8)"
        }
        400 if said.contains("encryption") => {
            "this clientId requires encrypted results: set `postident.encryption = true` with \
             `private_key` and `data_password`"
        }
        400 if encrypted_request => {
            "a read with encryption headers was refused; the usual cause is a key hash that does \
             not match the public key and the data password: check `postident.data_password` \
             and `postident.private_key`"
        }
        400 => return None,
        401 => {
            "check `postident.username`, `postident.password` and `postident.client_id` \
             (a clientId that is not set up for SCR-Ident is refused the same way)"
        }
        403 => {
            "these credentials may not use this operation (a partner account reads status \
             data only): check `postident.role` and the credentials"
        }
        404 if operation.contains("case") && !operation.starts_with("list") => {
            "check the caseId; POSTIDENT deletes cases after the account's retention period \
             (at most 150 days)"
        }
        409 if operation == "create case" => {
            "use a new reference, or look up the case that already has this referenceId"
        }
        _ => return None,
    };
    Some(hint.to_string())
}

impl From<PostidentError> for Error {
    fn from(e: PostidentError) -> Error {
        let kind = e.kind();
        let message = e.to_string();
        let mut error = Error::new(kind, message).with_provider(Provider::Postident);
        match &e {
            PostidentError::Http {
                operation,
                status,
                body,
                retry_after,
                encrypted_request,
            } => {
                error = error.with_http_status(*status).with_raw_body(body.clone());
                let detail = detail_from_body(body);
                let said = detail.as_ref().and_then(|d| d.message.clone());
                if let Some(hint) =
                    http_hint(operation, *status, *encrypted_request, said.as_deref())
                {
                    error = error.with_hint(hint);
                }
                if let Some(d) = detail {
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
            encrypted_request: false,
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

    fn http(operation: &'static str, status: u16, body: &'static [u8], encrypted: bool) -> Error {
        PostidentError::Http {
            operation,
            status,
            body: Bytes::from_static(body),
            retry_after: None,
            encrypted_request: encrypted,
        }
        .into()
    }

    #[test]
    fn the_status_is_said_once_and_the_common_causes_read_differently() {
        let wrong_key = http(
            "get case",
            400,
            br#"{"timestamp":"2024-01-01T10:00:00+01:00","status":400,"error":"Bad Request","message":"header x-scr-keyhash: does not match x-scr-key and the data password of this client"}"#,
            true,
        );
        let shown = wrong_key.to_string();
        assert_eq!(shown.matches("HTTP 400").count(), 1, "{shown}");
        assert!(shown.contains("data_password"), "{shown}");
        assert!(
            wrong_key
                .provider_detail()
                .and_then(|d| d.message.as_deref())
                .is_some_and(|m| m.contains("does not match")),
            "the provider's own explanation is kept"
        );
        let credentials = http("get case", 401, b"", false);
        let unknown = http("get case", 404, br#"{"message":"case X not found"}"#, false);
        let duplicate = http("create case", 409, b"", false);
        let texts: Vec<String> = [&wrong_key, &credentials, &unknown, &duplicate]
            .iter()
            .map(|e| e.to_string())
            .collect();
        for (i, a) in texts.iter().enumerate() {
            assert_eq!(a.matches("HTTP ").count(), 1, "{a}");
            for b in &texts[i + 1..] {
                assert_ne!(a.split(" (HTTP").next(), b.split(" (HTTP").next());
            }
        }
        assert!(credentials.hint().unwrap().contains("postident.username"));
        assert!(unknown.to_string().contains("does not know this caseId"));
        assert!(duplicate
            .to_string()
            .contains("referenceId is already used"));
        // A 400 to an encrypted read without a recognisable explanation still points at the key.
        let bare = http("get case", 400, b"", true);
        assert!(bare.hint().unwrap().contains("data_password"));
        // A plain-text error body is the provider's message.
        let text = http("list cases", 503, b"maintenance until 06:00", false);
        assert_eq!(
            text.provider_detail().and_then(|d| d.message.as_deref()),
            Some("maintenance until 06:00")
        );
        assert!(text.hint().is_none());
    }
}
