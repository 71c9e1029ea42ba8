//! Fault injection for the SCR API: the next N matching responses fail in a chosen way
//! (server error, throttling, delay, connection reset, truncated body, malformed JSON,
//! truncated JWE, empty body). Control API and user pages are never affected.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::state::Shared;

/// How a response fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this HTTP status (e.g. 500, 502, 503) and a short JSON error body.
    Status {
        /// The status code (default 503).
        #[serde(default = "default_status")]
        status: u16,
    },
    /// Answer 429 with a `Retry-After` header in seconds.
    TooManyRequests {
        /// Value of `Retry-After` (default 1).
        #[serde(default = "default_retry_after", rename = "retryAfter")]
        retry_after: u64,
    },
    /// Wait this long (real milliseconds, not scaled) before answering normally.
    Delay {
        /// Milliseconds.
        #[serde(rename = "delayMs")]
        delay_ms: u64,
    },
    /// Close the connection without any response.
    ConnectionReset,
    /// Send the status line, headers with the full `Content-Length`, half the body, then close.
    TruncatedBody,
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// Answer normally but cut the body (a JWE when the request was encrypted) to two thirds,
    /// with a matching `Content-Length`.
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

/// One queued fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// What goes wrong.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many responses it affects (default 1).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Only requests with this HTTP method (e.g. `GET`, `POST`); any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path contains this text; any when absent.
    #[serde(
        default,
        rename = "pathContains",
        skip_serializing_if = "Option::is_none"
    )]
    pub path_contains: Option<String>,
}

fn default_count() -> u32 {
    1
}

impl Fault {
    /// A fault for the next `count` API responses of any method and path.
    pub fn new(kind: FaultKind, count: u32) -> Fault {
        Fault {
            kind,
            count,
            method: None,
            path_contains: None,
        }
    }

    /// Restricts the fault to one HTTP method.
    pub fn for_method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_ascii_uppercase());
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

/// The queue of pending faults.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    pub fn push(&self, fault: Fault) {
        if fault.count > 0 {
            self.lock().push(fault);
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn pending(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    /// Takes one use of the first fault matching the request.
    fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut q = self.lock();
        let idx = q.iter().position(|f| f.matches(method, path))?;
        q[idx].count -= 1;
        let kind = q[idx].kind.clone();
        if q[idx].count == 0 {
            q.remove(idx);
        }
        Some(kind)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Middleware on the SCR API router.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let Some(kind) = shared.faults.take(&method, &path) else {
        return next.run(req).await;
    };
    tracing::debug!(?kind, %method, %path, "sandbox fault injected");
    match kind {
        FaultKind::Status { status } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            super::api::error_response(&shared, code, "sandbox fault injection", &[])
        }
        FaultKind::TooManyRequests { retry_after } => super::api::error_response(
            &shared,
            StatusCode::TOO_MANY_REQUESTS,
            "sandbox fault injection",
            &[(header::RETRY_AFTER, HeaderValue::from(retry_after))],
        ),
        FaultKind::Delay { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            next.run(req).await
        }
        FaultKind::ConnectionReset => {
            // Unwinding out of the connection task makes the server drop the socket without
            // writing a response. `resume_unwind` does not run the panic hook, so nothing is
            // printed.
            std::panic::resume_unwind(Box::new("sandbox fault: connection reset"))
        }
        FaultKind::TruncatedBody => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(bytes.len().max(2)),
            );
            // Send the head and the first half, give the server time to flush them, then fail
            // the body so the connection closes short of Content-Length.
            let first = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
            let fail = futures::stream::once(async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "sandbox fault: truncated body",
                ))
            });
            let stream = futures::StreamExt::chain(first, fail);
            Response::from_parts(parts, Body::from_stream(stream))
        }
        FaultKind::MalformedJson => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"caseId\": \"SANDBOX\", \"caseStatus\": {\"status\": \"closed\",, ]",
        )
            .into_response(),
        FaultKind::TruncatedJwe => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() * 2 / 3);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
        FaultKind::EmptyBody => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "",
        )
            .into_response(),
    }
}
