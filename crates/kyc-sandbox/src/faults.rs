//! Fault injection, one layer for both simulated providers: the next N matching API responses
//! fail in a chosen way (server error, throttling, delay, connection reset, truncated body,
//! malformed JSON, truncated JWE, empty body). The control API and the user pages are never
//! affected: the layer sits on the API routes only.
//!
//! What is shared: the queued [`Fault`] (count, method and path filters), the queue, the JSON of
//! the control API (`POST {provider}/__control/faults`) and the middleware. What each provider
//! brings (the private `FaultTarget` trait): its error bodies for `status` and
//! `too_many_requests`, its malformed JSON and JSON content type, and how a connection reset
//! looks (see below). Its Rust kind type ([`crate::idnow::FaultKind`],
//! [`crate::postident::FaultKind`]) keeps the field names its callers have always used.
//!
//! # Control API JSON
//!
//! One object per fault; `kind` says what happens. One canonical spelling per field (snake_case,
//! as the kinds are); the other spelling, used by the POSTIDENT half before both shared this
//! module, is accepted too. Lists of queued faults are written in the canonical spelling.
//!
//! | field | canonical | also accepted | meaning |
//! |---|---|---|---|
//! | kind | `kind` | | `status`, `too_many_requests`, `delay`, `connection_reset`, `truncated_body`, `malformed_json`, `truncated_jwe` (POSTIDENT only), `empty_body` |
//! | count | `count` | | how many responses (default 1) |
//! | method | `method` | | only this HTTP method (any when absent) |
//! | path filter | `path_contains` | `pathContains` | only paths containing this text (any when absent) |
//! | status | `status` | | with `status`: the HTTP status (default 503) |
//! | Retry-After | `retry_after_secs` | `retryAfter` | with `too_many_requests`: seconds (default 1) |
//! | delay | `millis` | `delayMs` | with `delay`: real milliseconds, not scaled |
//!
//! # Where the providers differ
//!
//! * `connection_reset`: IDnow sends a head (`Content-Length: 100`) and then drops the
//!   connection; POSTIDENT drops it without writing anything (the request is not processed).
//!   Both adapters' tests rely on what they see today, so the difference stays.
//! * `truncated_jwe` exists for POSTIDENT only (IDnow answers are never encrypted); the IDnow
//!   control API refuses it (400) like any unknown kind.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// A fault for the next `count` matching API responses of one provider.
///
/// `K` is the provider's kind type; use this through [`crate::idnow::Fault`] and
/// [`crate::postident::Fault`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault<K> {
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: K,
    /// How many responses it affects (default 1).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Only requests with this HTTP method (e.g. `GET`, `POST`); any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path contains this text (e.g. `/login`, `/cases/`); any when absent.
    #[serde(
        default,
        alias = "pathContains",
        skip_serializing_if = "Option::is_none"
    )]
    pub path_contains: Option<String>,
}

fn default_count() -> u32 {
    1
}

impl<K> Fault<K> {
    /// A fault of `kind` for the next `count` API responses of any method and path.
    pub fn new(kind: K, count: u32) -> Fault<K> {
        Fault {
            kind,
            count,
            method: None,
            path_contains: None,
        }
    }

    /// Restricts the fault to one HTTP method.
    pub fn for_method(mut self, method: &str) -> Fault<K> {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Restricts the fault to paths containing `text`.
    pub fn for_path(mut self, text: &str) -> Fault<K> {
        self.path_contains = Some(text.to_string());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }
}

/// What a fault does, whichever provider: the one list the middleware acts on, and the JSON
/// both control APIs read and write. Each provider's kind type converts from it
/// ([`crate::postident::FaultKind`] always, [`crate::idnow::FaultKind`] except `TruncatedJwe`),
/// so tests that run against both providers can name a fault once.
///
/// `#[non_exhaustive]`: the simulators may learn more faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Effect {
    /// Answer with this HTTP status (default 503) and the provider's error body.
    Status {
        /// The HTTP status.
        #[serde(default = "default_status")]
        status: u16,
    },
    /// Answer 429 with `Retry-After: {retry_after_secs}` (default 1).
    TooManyRequests {
        /// Seconds in the `Retry-After` header.
        #[serde(default = "default_retry_after", alias = "retryAfter")]
        retry_after_secs: u64,
    },
    /// Wait this many real milliseconds (not scaled), then answer normally.
    Delay {
        /// Real milliseconds.
        #[serde(alias = "delayMs")]
        millis: u64,
    },
    /// Drop the connection (how, see the module documentation).
    ConnectionReset,
    /// Send the real answer's head and half its body, then drop the connection.
    TruncatedBody,
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// POSTIDENT only: the real answer (a JWE) cut to two thirds.
    TruncatedJwe,
    /// Answer 200 with an empty body.
    EmptyBody,
}

fn default_status() -> u16 {
    503
}

fn default_retry_after() -> u64 {
    1
}

/// Writes the conversions between a provider's `FaultKind` and [`Effect`] from one list of
/// variant pairs, `KindVariant {..} <=> EffectVariant {..}`, each side written so that it reads
/// both as a pattern and as a value (`Delay { delay_ms } <=> Delay { millis: delay_ms }`). It
/// writes `From<FaultKind> for Effect` and `From<Effect> for FaultKind`; with `unsupported: {
/// EffectVariant => "why", .. }` after the list, `TryFrom<Effect>` instead, which refuses those
/// effects with [`UnsupportedKind`].
macro_rules! effect_conversions {
    ($kind:ident { $($k:ident $({ $($kf:tt)* })? <=> $e:ident $({ $($ef:tt)* })?),* $(,)? }
     unsupported: { $($u:ident => $why:expr),* $(,)? }) => {
        $crate::faults::effect_conversions!(@to_effect $kind { $($k $({ $($kf)* })? <=> $e $({ $($ef)* })?),* });
        impl TryFrom<$crate::faults::Effect> for $kind {
            type Error = $crate::faults::UnsupportedKind;

            fn try_from(effect: $crate::faults::Effect) -> Result<$kind, Self::Error> {
                use $crate::faults::{Effect, UnsupportedKind};
                Ok(match effect {
                    $(Effect::$e $({ $($ef)* })? => $kind::$k $({ $($kf)* })?,)*
                    $(Effect::$u => return Err(UnsupportedKind($why)),)*
                })
            }
        }
    };
    ($kind:ident { $($k:ident $({ $($kf:tt)* })? <=> $e:ident $({ $($ef:tt)* })?),* $(,)? }) => {
        $crate::faults::effect_conversions!(@to_effect $kind { $($k $({ $($kf)* })? <=> $e $({ $($ef)* })?),* });
        impl From<$crate::faults::Effect> for $kind {
            fn from(effect: $crate::faults::Effect) -> $kind {
                use $crate::faults::Effect;
                match effect {
                    $(Effect::$e $({ $($ef)* })? => $kind::$k $({ $($kf)* })?,)*
                }
            }
        }
    };
    (@to_effect $kind:ident { $($k:ident $({ $($kf:tt)* })? <=> $e:ident $({ $($ef:tt)* })?),* }) => {
        impl From<$kind> for $crate::faults::Effect {
            fn from(kind: $kind) -> $crate::faults::Effect {
                use $crate::faults::Effect;
                match kind {
                    $($kind::$k $({ $($kf)* })? => Effect::$e $({ $($ef)* })?,)*
                }
            }
        }
    };
}
pub(crate) use effect_conversions;

/// A kind the provider does not simulate (e.g. `truncated_jwe` on IDnow): why.
#[derive(Debug)]
pub struct UnsupportedKind(pub &'static str);

impl fmt::Display for UnsupportedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for UnsupportedKind {}

/// The queue of pending faults of one provider.
#[derive(Debug)]
pub(crate) struct FaultQueue<K> {
    faults: Mutex<Vec<Fault<K>>>,
}

impl<K> Default for FaultQueue<K> {
    fn default() -> Self {
        FaultQueue {
            faults: Mutex::new(Vec::new()),
        }
    }
}

impl<K: Clone> FaultQueue<K> {
    /// Queues a fault (one for no response at all is dropped).
    pub fn push(&self, fault: Fault<K>) {
        if fault.count > 0 {
            self.lock().push(fault);
        }
    }

    /// Removes every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The queued faults with what is left of their counts.
    pub fn pending(&self) -> Vec<Fault<K>> {
        self.lock().clone()
    }

    /// Takes one use of the first fault matching the request.
    fn take(&self, method: &str, path: &str) -> Option<K> {
        let mut queue = self.lock();
        let index = queue.iter().position(|f| f.matches(method, path))?;
        queue[index].count -= 1;
        let kind = queue[index].kind.clone();
        if queue[index].count == 0 {
            queue.remove(index);
        }
        Some(kind)
    }

    /// Locks the queue (a panic elsewhere never makes the sandbox unusable).
    fn lock(&self) -> MutexGuard<'_, Vec<Fault<K>>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How a `connection_reset` looks to the client.
pub(crate) enum ResetStyle {
    /// A head (`Content-Length: 100`), then the connection drops.
    AfterHead,
    /// The connection closes without anything written.
    NoResponse,
}

/// What a provider brings to the shared middleware.
pub(crate) trait FaultTarget: Send + Sync + 'static {
    /// The provider's kind type.
    type Kind: Clone + Into<Effect> + fmt::Debug + Send;
    /// The provider's name in logs.
    const PROVIDER: &'static str;
    /// The content type of `malformed_json` and `empty_body` answers.
    const JSON_CONTENT_TYPE: &'static str;
    /// The body of a `malformed_json` answer: the start of a plausible answer, broken.
    const MALFORMED_JSON: &'static str;
    /// How a `connection_reset` looks.
    const RESET: ResetStyle;

    /// The queue of pending faults.
    fn fault_queue(&self) -> &FaultQueue<Self::Kind>;
    /// The provider's error answer with this status.
    fn error_response(&self, status: StatusCode) -> Response;
    /// The provider's 429 answer with `Retry-After: {retry_after_secs}`.
    fn too_many_requests(&self, retry_after_secs: u64) -> Response;
}

/// The middleware applying queued faults, layered on a provider's API routes.
pub(crate) async fn inject<T: FaultTarget>(
    State(target): State<Arc<T>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let Some(kind) = target.fault_queue().take(&method, &path) else {
        return next.run(request).await;
    };
    tracing::debug!(provider = T::PROVIDER, ?kind, %method, %path, "sandbox fault injected");
    match kind.into() {
        Effect::Status { status } => target.error_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
        ),
        Effect::TooManyRequests { retry_after_secs } => target.too_many_requests(retry_after_secs),
        Effect::Delay { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        Effect::ConnectionReset => match T::RESET {
            ResetStyle::AfterHead => {
                let mut response = Response::new(broken_stream(None));
                response
                    .headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from_static("100"));
                response
            }
            // Unwinding out of the connection task makes the server drop the socket without
            // writing a response. `resume_unwind` does not run the panic hook, so nothing is
            // printed.
            ResetStyle::NoResponse => {
                std::panic::resume_unwind(Box::new("sandbox fault: connection reset"))
            }
        },
        Effect::TruncatedBody => {
            let (mut parts, bytes) = real_answer(request, next).await;
            parts.headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(bytes.len().max(2)),
            );
            let half = bytes.slice(..bytes.len() / 2);
            Response::from_parts(parts, broken_stream(Some(half)))
        }
        Effect::TruncatedJwe => {
            let (mut parts, bytes) = real_answer(request, next).await;
            let cut = bytes.slice(..bytes.len() * 2 / 3);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        Effect::MalformedJson => json_ok::<T>(T::MALFORMED_JSON),
        Effect::EmptyBody => json_ok::<T>(""),
    }
}

/// The answer the route gives, its body read whole.
async fn real_answer(request: Request, next: Next) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = next.run(request).await.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

/// 200 with the provider's JSON content type and `body`.
fn json_ok<T: FaultTarget>(body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, T::JSON_CONTENT_TYPE)],
        body,
    )
        .into_response()
}

/// A body that sends `first` (if any), gives the server time to flush it with the head, then
/// fails, so the connection closes short of `Content-Length`.
fn broken_stream(first: Option<Bytes>) -> Body {
    use futures::StreamExt;
    let head: Vec<Result<Bytes, std::io::Error>> = first.into_iter().map(Ok).collect();
    let has_head = !head.is_empty();
    let tail = futures::stream::once(async move {
        if has_head {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault injection: connection dropped",
        ))
    });
    Body::from_stream(futures::stream::iter(head).chain(tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_a_field_read_the_same() {
        let cases = [
            (
                r#"{"kind":"too_many_requests","retryAfter":7}"#,
                r#"{"kind":"too_many_requests","retry_after_secs":7}"#,
            ),
            (
                r#"{"kind":"delay","delayMs":700}"#,
                r#"{"kind":"delay","millis":700}"#,
            ),
            (
                r#"{"kind":"empty_body","pathContains":"/cases/"}"#,
                r#"{"kind":"empty_body","path_contains":"/cases/"}"#,
            ),
        ];
        for (old, canonical) in cases {
            let old: Fault<Effect> = serde_json::from_str(old).unwrap();
            let canonical: Fault<Effect> = serde_json::from_str(canonical).unwrap();
            assert_eq!(old, canonical);
        }
    }

    #[test]
    fn faults_are_written_in_the_canonical_spelling() {
        let fault = Fault::new(Effect::Delay { millis: 5 }, 2).for_path("/x");
        assert_eq!(
            serde_json::to_value(&fault).unwrap(),
            serde_json::json!({"kind": "delay", "millis": 5, "count": 2, "path_contains": "/x"})
        );
    }

    #[test]
    fn a_fault_is_used_up_after_count_matching_requests() {
        let queue = FaultQueue::default();
        queue.push(Fault::new(Effect::EmptyBody, 2).for_method("get"));
        queue.push(Fault::new(Effect::MalformedJson, 0));
        assert_eq!(
            queue.pending().len(),
            1,
            "a fault for no response is dropped"
        );
        assert_eq!(queue.take("POST", "/a"), None);
        assert_eq!(queue.take("GET", "/a"), Some(Effect::EmptyBody));
        assert_eq!(queue.take("GET", "/b"), Some(Effect::EmptyBody));
        assert_eq!(queue.take("GET", "/c"), None);
        assert!(queue.pending().is_empty());
    }
}
