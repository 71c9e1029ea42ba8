//! POSTIDENT's side of fault injection: its kind type and what its faulty answers look like.
//! The queue, the matching, the control API JSON and the middleware are [`crate::faults`].

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::state::Shared;
use crate::faults::{Effect, FaultQueue, FaultTarget, ResetStyle};

/// A fault for the next `count` matching SCR API responses.
pub type Fault = crate::faults::Fault<FaultKind>;

/// How an SCR API response fails. In JSON: [`crate::faults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Effect", into = "Effect")]
pub enum FaultKind {
    /// Answer with this HTTP status (e.g. 500, 502, 503; default 503) and a short JSON error
    /// body.
    Status {
        /// The status code.
        status: u16,
    },
    /// Answer 429 with a `Retry-After` header in seconds.
    TooManyRequests {
        /// Value of `Retry-After` (default 1).
        retry_after: u64,
    },
    /// Wait this long (real milliseconds, not scaled) before answering normally.
    Delay {
        /// Milliseconds.
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

crate::faults::effect_conversions!(FaultKind {
    Status { status } <=> Status { status },
    TooManyRequests { retry_after } <=> TooManyRequests { retry_after_secs: retry_after },
    Delay { delay_ms } <=> Delay { millis: delay_ms },
    ConnectionReset <=> ConnectionReset,
    TruncatedBody <=> TruncatedBody,
    MalformedJson <=> MalformedJson,
    TruncatedJwe <=> TruncatedJwe,
    EmptyBody <=> EmptyBody,
});

impl FaultTarget for Shared {
    type Kind = FaultKind;
    const PROVIDER: &'static str = "POSTIDENT";
    const JSON_CONTENT_TYPE: &'static str = "application/json";
    const MALFORMED_JSON: &'static str =
        "{\"caseId\": \"SANDBOX\", \"caseStatus\": {\"status\": \"closed\",, ]";
    const RESET: ResetStyle = ResetStyle::NoResponse;

    fn fault_queue(&self) -> &FaultQueue<FaultKind> {
        &self.faults
    }

    fn error_response(&self, status: StatusCode) -> Response {
        super::api::error_response(self, status, "sandbox fault injection", &[])
    }

    fn too_many_requests(&self, retry_after_secs: u64) -> Response {
        super::api::error_response(
            self,
            StatusCode::TOO_MANY_REQUESTS,
            "sandbox fault injection",
            &[(header::RETRY_AFTER, HeaderValue::from(retry_after_secs))],
        )
    }
}
