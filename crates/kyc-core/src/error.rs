//! The one error type every adapter returns, classified so that a caller can decide what to do:
//! fix the input, fix the credentials, retry later, or report a provider bug.
//!
//! Errors never carry secrets or personal data in their `Display` or `Debug` output. The raw
//! response body, which may contain personal data, is kept for diagnosis but only reachable
//! through [`Error::raw_body`]; `Debug` shows its length only.

use crate::provider::Provider;
use crate::validation::FieldViolation;
use bytes::Bytes;
use std::fmt;
use std::time::Duration;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is, and so what the caller can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's input breaks a documented rule (see [`Error::violations`]), or the
    /// provider answered 400. Fix the input; retrying the same request will fail again.
    InvalidInput,
    /// Credentials, login token or webhook authentication were rejected (HTTP 401/403).
    Authentication,
    /// The provider does not know the case (HTTP 404).
    NotFound,
    /// The request conflicts with the case's state: duplicate reference, finished ident (HTTP 409).
    Conflict,
    /// A temporary failure: timeout, connection reset, HTTP 5xx. Safe to retry when the
    /// operation is idempotent.
    Transient,
    /// The provider asked us to slow down (HTTP 429); see [`Error::retry_after`].
    Throttled,
    /// The provider answered something we cannot understand or that contradicts its
    /// documentation (malformed body, unexpected status). Keeps the raw body.
    Provider,
    /// An encrypted result could not be decrypted (wrong key, corrupt JWE, or a plain body
    /// where encryption was requested).
    Decryption,
    /// The operation or option is not offered by this provider (see `Capabilities`).
    Unsupported,
    /// The library's configuration is incomplete or wrong.
    Configuration,
}

impl ErrorKind {
    /// The snake_case name (`invalid_input`, `transient`, ...), as in logs and metric labels.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// True for kinds where trying again later (with backoff) may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Transient | ErrorKind::Throttled)
    }
}

/// How far a failed request got, and so whether the provider may have acted on it: the question
/// that decides whether a call that is not idempotent (a POSTIDENT create) may be sent again.
///
/// Set by the HTTP layer on every transport failure ([`Error::stage`]); an error with an HTTP
/// status was answered by the provider and has no stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum FailureStage {
    /// The request could not be built (a bad URL, a body that does not serialise). Nothing was
    /// sent.
    Construction,
    /// No connection could be established (refused, unreachable, TLS handshake failed). Nothing
    /// was sent.
    Connect,
    /// The connection failed while the request was being sent or its answer awaited. The
    /// provider may have received and processed it.
    Dispatch,
    /// No answer came within the timeout. The provider may have received and processed it.
    Timeout,
    /// The provider answered, but its body broke off or could not be read. It received the
    /// request.
    Response,
}

impl FailureStage {
    /// True when the provider may have received the request (and so acted on it): dispatch,
    /// timeout and response failures. False when nothing left this process or no connection
    /// was made.
    pub fn may_have_been_sent(self) -> bool {
        !matches!(self, FailureStage::Construction | FailureStage::Connect)
    }
}

/// The error details a provider put in its error body (IDnow `errors[]`; POSTIDENT has no
/// documented error body, so only `message` may be filled from plain text).
///
/// `Debug` shows `message` only as present or absent: a provider message may repeat what was
/// sent, which can be personal data.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderErrorDetail {
    /// Machine-readable cause, e.g. `INVALID_LOGIN_TOKEN`, `BAD_REQUEST`, `OBJECT_NOT_FOUND`.
    pub cause: Option<String>,
    /// The field or entity the error is about, e.g. `birthday`.
    pub key: Option<String>,
    /// The provider's human-readable message.
    pub message: Option<String>,
    /// The provider's error type, e.g. IDnow `errorType`.
    pub error_type: Option<String>,
    /// The provider's error id, for support requests.
    pub id: Option<String>,
    /// The provider's translation key.
    pub translation_key: Option<String>,
}

impl ProviderErrorDetail {
    /// A detail with only a cause, for tests and simple adapters.
    pub fn with_cause(cause: impl Into<String>) -> Self {
        ProviderErrorDetail {
            cause: Some(cause.into()),
            ..Default::default()
        }
    }
}

impl fmt::Debug for ProviderErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderErrorDetail")
            .field("cause", &self.cause)
            .field("key", &self.key)
            .field("message", &crate::redact::presence(&self.message))
            .field("error_type", &self.error_type)
            .field("id", &self.id)
            .field("translation_key", &self.translation_key)
            .finish()
    }
}

/// A response body kept for diagnosis. It may contain personal data, so `Debug` prints only its
/// length; read it deliberately with [`RawBody::as_bytes`] or [`RawBody::to_string_lossy`].
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody(Bytes);

impl RawBody {
    /// Wraps body bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        RawBody(bytes.into())
    }
    /// The bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The body as text, with invalid UTF-8 replaced.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes, redacted)", self.0.len())
    }
}

/// The error returned by every operation of this library.
///
/// Inspect [`Error::kind`] to decide what to do, [`Error::http_status`] and
/// [`Error::provider_detail`] for the provider's words, [`Error::violations`] for input rules that
/// were broken, and [`Error::raw_body`] for the untouched response.
pub struct Error(Box<Inner>);

/// The fields of an [`Error`], boxed so that `Result<T, Error>` stays small.
struct Inner {
    kind: ErrorKind,
    message: String,
    provider: Option<Provider>,
    http_status: Option<u16>,
    detail: Option<ProviderErrorDetail>,
    raw_body: Option<RawBody>,
    violations: Vec<FieldViolation>,
    retry_after: Option<Duration>,
    stage: Option<FailureStage>,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message that must not contain secrets or personal data.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            provider: None,
            http_status: None,
            detail: None,
            raw_body: None,
            violations: Vec::new(),
            retry_after: None,
            stage: None,
            hint: None,
            source: None,
        }))
    }

    /// An [`ErrorKind::InvalidInput`] error listing every broken rule.
    pub fn invalid_input(violations: Vec<FieldViolation>) -> Self {
        let message = match violations.as_slice() {
            [] => "invalid input".to_string(),
            [one] => format!("invalid input: {one}"),
            [first, rest @ ..] => format!("invalid input: {first} (and {} more)", rest.len()),
        };
        let mut e = Error::new(ErrorKind::InvalidInput, message);
        e.0.violations = violations;
        e
    }

    /// An [`ErrorKind::Configuration`] error naming the configuration key at fault.
    pub fn configuration(key: &str, problem: impl fmt::Display) -> Self {
        Error::new(ErrorKind::Configuration, format!("{key}: {problem}"))
    }

    /// An [`ErrorKind::Unsupported`] error for `operation` on `provider`.
    pub fn unsupported(provider: Provider, operation: &str) -> Self {
        Error::new(
            ErrorKind::Unsupported,
            format!("{operation} is not supported by {provider}"),
        )
        .with_provider(provider)
    }

    /// Classifies an HTTP status into an [`ErrorKind`], the way every adapter does.
    pub fn kind_for_status(status: u16) -> ErrorKind {
        match status {
            400 | 413 | 415 | 422 => ErrorKind::InvalidInput,
            401 | 403 => ErrorKind::Authentication,
            404 | 410 => ErrorKind::NotFound,
            409 | 412 => ErrorKind::Conflict,
            429 => ErrorKind::Throttled,
            408 | 500..=599 => ErrorKind::Transient,
            _ => ErrorKind::Provider,
        }
    }

    /// Sets the provider the error came from.
    pub fn with_provider(mut self, provider: Provider) -> Self {
        self.0.provider = Some(provider);
        self
    }
    /// Sets the HTTP status the provider answered.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.0.http_status = Some(status);
        self
    }
    /// Sets the provider's error detail (cause, key, message, ...).
    pub fn with_detail(mut self, detail: ProviderErrorDetail) -> Self {
        self.0.detail = Some(detail);
        self
    }
    /// Keeps the raw response body.
    pub fn with_raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.0.raw_body = Some(RawBody::new(body));
        self
    }
    /// Sets the delay the provider asked for before a retry.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.0.retry_after = Some(delay);
        self
    }
    /// Sets how far a failed request got (transport failures only).
    pub fn with_stage(mut self, stage: FailureStage) -> Self {
        self.0.stage = Some(stage);
        self
    }
    /// Adds a hint: what the user most likely has to do about this error, in our own words
    /// (e.g. "check `data_password`"). Shown after the message; must not contain secrets or
    /// personal data.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }
    /// Attaches the underlying error (it must not format secrets or personal data).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The message, free of secrets and personal data.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The provider the error came from, when it came from one.
    pub fn provider(&self) -> Option<Provider> {
        self.0.provider
    }
    /// The HTTP status the provider answered, when there was a response.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }
    /// The provider's error detail, when its body had one.
    pub fn provider_detail(&self) -> Option<&ProviderErrorDetail> {
        self.0.detail.as_ref()
    }
    /// The provider's error cause (`INVALID_LOGIN_TOKEN`, ...), when there is one.
    pub fn cause_code(&self) -> Option<&str> {
        self.0.detail.as_ref().and_then(|d| d.cause.as_deref())
    }
    /// The raw response body, when there was one. May contain personal data: do not log it.
    pub fn raw_body(&self) -> Option<&RawBody> {
        self.0.raw_body.as_ref()
    }
    /// The input rules that were broken, for [`ErrorKind::InvalidInput`] raised before sending.
    pub fn violations(&self) -> &[FieldViolation] {
        &self.0.violations
    }
    /// How long the provider asked us to wait, when it said so.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// How far a failed request got, for transport failures (no answer from the provider).
    pub fn stage(&self) -> Option<FailureStage> {
        self.0.stage
    }
    /// True when the provider may have received the request this error is about: it answered
    /// (an HTTP status), or the transport failed after the request may have left
    /// ([`FailureStage::may_have_been_sent`]). False for invalid input, configuration errors and
    /// failures before sending. A create that failed with this true may have created the case:
    /// look it up before creating again.
    pub fn may_have_been_sent(&self) -> bool {
        self.0.http_status.is_some() || self.0.stage.is_some_and(FailureStage::may_have_been_sent)
    }
    /// What the user most likely has to do about this error, when the library can tell.
    pub fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }
    /// True when trying again later may succeed (transient or throttled).
    pub fn is_retryable(&self) -> bool {
        self.0.kind.is_retryable()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.0.provider {
            write!(f, "{p}: ")?;
        }
        f.write_str(&self.0.message)?;
        if let Some(status) = self.0.http_status {
            write!(f, " (HTTP {status}")?;
            if let Some(d) = &self.0.detail {
                if let Some(c) = &d.cause {
                    write!(f, ", cause {c}")?;
                }
                if let Some(k) = &d.key {
                    write!(f, ", key {k}")?;
                }
            }
            f.write_str(")")?;
        }
        if let Some(hint) = &self.0.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("provider", &self.0.provider)
            .field("http_status", &self.0.http_status)
            .field("detail", &self.0.detail)
            .field("raw_body", &self.0.raw_body)
            .field("violations", &self.0.violations)
            .field("retry_after", &self.0.retry_after)
            .field("stage", &self.0.stage)
            .field("hint", &self.0.hint)
            .field("source", &self.0.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// For the adapters' differential tests, which run a new code path against the former one on the
/// same input: both values when both succeeded; `None` when both failed with the same error as a
/// caller sees it (kind, message, raw body); a panic naming `name` otherwise. Not part of the
/// public API.
#[doc(hidden)]
pub fn both_ok_or_same_error<T>(name: &str, old: Result<T>, new: Result<T>) -> Option<(T, T)> {
    match (old, new) {
        (Ok(old), Ok(new)) => Some((old, new)),
        (Err(old), Err(new)) => {
            assert_eq!(old.kind(), new.kind(), "{name}");
            assert_eq!(old.to_string(), new.to_string(), "{name}");
            assert!(old.raw_body() == new.raw_body(), "{name}: body differs");
            None
        }
        (old, new) => panic!("{name}: {:?} vs {:?}", old.err(), new.err()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_are_classified_for_retry() {
        assert_eq!(Error::kind_for_status(400), ErrorKind::InvalidInput);
        assert_eq!(Error::kind_for_status(401), ErrorKind::Authentication);
        assert_eq!(Error::kind_for_status(404), ErrorKind::NotFound);
        assert_eq!(Error::kind_for_status(409), ErrorKind::Conflict);
        assert_eq!(Error::kind_for_status(429), ErrorKind::Throttled);
        assert_eq!(Error::kind_for_status(503), ErrorKind::Transient);
        assert!(Error::kind_for_status(502).is_retryable());
        assert!(!Error::kind_for_status(409).is_retryable());
    }

    #[test]
    fn display_names_status_and_cause_but_never_the_raw_body() {
        let e = Error::new(ErrorKind::InvalidInput, "create ident rejected")
            .with_provider(Provider::Idnow)
            .with_http_status(400)
            .with_detail(ProviderErrorDetail {
                cause: Some("BAD_REQUEST".into()),
                key: Some("birthday".into()),
                message: Some("Erika's birthday 1964-08-12 is invalid".into()),
                ..Default::default()
            })
            .with_raw_body(&b"{\"firstname\":\"Erika\"}"[..]);
        let shown = e.to_string();
        assert_eq!(
            shown,
            "idnow: create ident rejected (HTTP 400, cause BAD_REQUEST, key birthday)"
        );
        let debug = format!("{e:?}");
        assert!(!debug.contains("Erika"), "{debug}");
        assert!(
            !debug.contains("1964"),
            "provider messages are not printed: {debug}"
        );
        assert!(debug.contains("21 bytes"), "{debug}");
        assert_eq!(
            e.raw_body().unwrap().to_string_lossy(),
            "{\"firstname\":\"Erika\"}"
        );
        assert_eq!(e.cause_code(), Some("BAD_REQUEST"));
    }
}
