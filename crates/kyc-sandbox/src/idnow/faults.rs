//! IDnow's side of fault injection: its kind type and what its faulty answers look like. The
//! queue, the matching, the control API JSON and the middleware are [`crate::faults`].

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::api_error::{error_id, json_response, ApiError};
use super::Shared;
use crate::faults::{Effect, FaultQueue, FaultTarget, ResetStyle};

/// A fault for the next `count` matching IDnow API responses.
pub type Fault = crate::faults::Fault<FaultKind>;

/// What an injected fault does to an IDnow response. In JSON: [`crate::faults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Effect", into = "Effect")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status (default 503) and IDnow's `INTERNAL_SERVER_ERROR` body.
    Status {
        /// The HTTP status, e.g. 500, 502, 503.
        status: u16,
    },
    /// Answer 429 with `Retry-After: {retry_after_secs}` (default 1) and cause
    /// `TOO_MANY_REQUESTS`.
    TooManyRequests {
        /// Seconds in the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// Wait this many real milliseconds (not scaled), then answer normally.
    Delay {
        /// Real milliseconds.
        millis: u64,
    },
    /// Send a head, then drop the connection without a complete response.
    ConnectionReset,
    /// Send the real response's headers and half its body, then drop the connection.
    TruncatedBody,
    /// Answer 200 with a JSON content type and a body that is not valid JSON.
    MalformedJson,
    /// Answer 200 with a JSON content type and an empty body.
    EmptyBody,
}

crate::faults::effect_conversions!(FaultKind {
    Status { status } <=> Status { status },
    TooManyRequests { retry_after_secs } <=> TooManyRequests { retry_after_secs },
    Delay { millis } <=> Delay { millis },
    ConnectionReset <=> ConnectionReset,
    TruncatedBody <=> TruncatedBody,
    MalformedJson <=> MalformedJson,
    EmptyBody <=> EmptyBody,
} unsupported: {
    TruncatedJwe => "truncated_jwe is a POSTIDENT fault: IDnow answers are not encrypted",
});

impl FaultTarget for Shared {
    type Kind = FaultKind;
    const PROVIDER: &'static str = "IDnow";
    const JSON_CONTENT_TYPE: &'static str = "application/json; charset=UTF-8";
    const MALFORMED_JSON: &'static str = "{\"identificationprocess\": {\"result\": \"SUCC";
    const RESET: ResetStyle = ResetStyle::AfterHead;

    fn fault_queue(&self) -> &FaultQueue<FaultKind> {
        &self.faults
    }

    fn error_response(&self, status: StatusCode) -> Response {
        let mut error = ApiError::internal();
        error.status = status;
        error.into_response()
    }

    fn too_many_requests(&self, retry_after_secs: u64) -> Response {
        let body = serde_json::json!({"errors": [{
            "cause": "TOO_MANY_REQUESTS", "errorType": null, "id": error_id(),
            "key": null, "message": "Rate limit exceeded", "translationKey": null}]});
        let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        response
    }
}
