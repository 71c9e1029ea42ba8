//! Fault injection for the API routes (not the control API, not the user pages): the next N
//! matching responses become a 5xx, a 429 with `Retry-After`, a delayed answer, a dropped
//! connection, a truncated body, malformed JSON or an empty body.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::api_error::{json_response, ApiError};
use super::Shared;

/// What an injected fault does to a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status (default 503) and IDnow's `INTERNAL_SERVER_ERROR` body.
    Status {
        /// The HTTP status, e.g. 500, 502, 503.
        #[serde(default = "default_status")]
        status: u16,
    },
    /// Answer 429 with `Retry-After: {retry_after_secs}`.
    TooManyRequests {
        /// Seconds in the `Retry-After` header.
        #[serde(default = "default_retry_after")]
        retry_after_secs: u64,
    },
    /// Wait this many real milliseconds (not scaled), then answer normally.
    Delay {
        /// Real milliseconds.
        millis: u64,
    },
    /// Drop the connection without a complete response.
    ConnectionReset,
    /// Send the real response's headers and half its body, then drop the connection.
    TruncatedBody,
    /// Answer 200 with a JSON content type and a body that is not valid JSON.
    MalformedJson,
    /// Answer 200 with a JSON content type and an empty body.
    EmptyBody,
}

fn default_status() -> u16 {
    503
}

fn default_retry_after() -> u64 {
    1
}

/// A fault for the next `count` matching API responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many responses it affects (default 1).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Only requests whose path contains this text (e.g. `/login`, `/identifications/`).
    #[serde(default)]
    pub path_contains: Option<String>,
    /// Only requests with this method (e.g. `GET`).
    #[serde(default)]
    pub method: Option<String>,
}

fn default_count() -> u32 {
    1
}

impl Fault {
    /// A fault of `kind` for the next `count` API responses.
    pub fn new(kind: FaultKind, count: u32) -> Fault {
        Fault {
            kind,
            count,
            path_contains: None,
            method: None,
        }
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

pub(crate) fn push(shared: &Shared, fault: Fault) {
    shared
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(fault);
}

pub(crate) fn clear(shared: &Shared) {
    shared
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clear();
}

pub(crate) fn list(shared: &Shared) -> Vec<Fault> {
    shared
        .faults
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

fn take(shared: &Shared, method: &str, path: &str) -> Option<FaultKind> {
    let mut faults = shared.faults.lock().unwrap_or_else(|e| e.into_inner());
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let kind = faults[index].kind.clone();
    faults[index].count -= 1;
    if faults[index].count == 0 {
        faults.remove(index);
    }
    Some(kind)
}

fn broken_stream(first: Option<Bytes>) -> Body {
    use futures::StreamExt;
    let head: Vec<Result<Bytes, std::io::Error>> = first.into_iter().map(Ok).collect();
    let has_head = !head.is_empty();
    let tail = futures::stream::once(async move {
        if has_head {
            // Let the headers and the first part reach the client before the connection drops.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault injection: connection dropped",
        ))
    });
    Body::from_stream(futures::stream::iter(head).chain(tail))
}

/// The middleware applying queued faults.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let Some(kind) = take(&shared, &method, &path) else {
        return next.run(request).await;
    };
    tracing::debug!(?kind, %path, "sandbox IDnow fault injected");
    match kind {
        FaultKind::Status { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut error = ApiError::internal();
            error.status = status;
            error.into_response()
        }
        FaultKind::TooManyRequests { retry_after_secs } => {
            let body = serde_json::json!({"errors": [{
                "cause": "TOO_MANY_REQUESTS", "errorType": null, "id": super::api_error::error_id(),
                "key": null, "message": "Rate limit exceeded", "translationKey": null}]});
            let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Delay { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        FaultKind::ConnectionReset => {
            let mut response = Response::new(broken_stream(None));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("100"));
            response
        }
        FaultKind::TruncatedBody => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let full = bytes.len().max(2);
            let half = bytes.slice(..bytes.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
            Response::from_parts(parts, broken_stream(Some(half)))
        }
        FaultKind::MalformedJson => {
            let mut response = (
                StatusCode::OK,
                "{\"identificationprocess\": {\"result\": \"SUCC",
            )
                .into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=UTF-8"),
            );
            response
        }
        FaultKind::EmptyBody => {
            let mut response = StatusCode::OK.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=UTF-8"),
            );
            response
        }
    }
}
