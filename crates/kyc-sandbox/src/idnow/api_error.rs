//! IDnow's error body: `{"errors":[{"cause","errorType","id","key","message","translationKey"}]}`
//! with the HTTP status codes of the document's "HTTP Responses" section.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API error answered in IDnow's documented shape.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub cause: &'static str,
    pub key: Option<String>,
    pub message: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, cause: &'static str) -> ApiError {
        ApiError {
            status,
            cause,
            key: None,
            message: None,
        }
    }

    pub fn with_key(mut self, key: impl Into<String>) -> ApiError {
        self.key = Some(key.into());
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> ApiError {
        self.message = Some(message.into());
        self
    }

    /// 401 `INVALID_LOGIN_TOKEN` (missing/wrong token, wrong API key, unknown shortname).
    pub fn invalid_login_token() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "INVALID_LOGIN_TOKEN")
    }

    /// 401 `TOKEN_EXPIRED` (a token idle for longer than the documented 60 minutes).
    pub fn token_expired() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED")
    }

    /// 401 `SECURITY_VIOLATION` (a valid token of another company).
    pub fn security_violation() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "SECURITY_VIOLATION")
    }

    /// 400 `BAD_REQUEST` naming the offending field in `key`.
    pub fn bad_request(key: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST")
            .with_key(key)
            .with_message(message)
    }

    /// 400 `UNRECOGNIZED_FIELD`.
    pub fn unrecognized_field(field: &str) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "UNRECOGNIZED_FIELD")
            .with_key(field)
            .with_message(format!("Unrecognized field \"{field}\""))
    }

    /// 400 `UNPARSEABLE_JSON`.
    pub fn unparseable_json(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "UNPARSEABLE_JSON").with_message(detail)
    }

    /// 400 `MISSING_TRANSACTION_TOKEN` (empty transaction number in the URL).
    pub fn missing_transaction_token() -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "MISSING_TRANSACTION_TOKEN")
            .with_key("transactionnumber")
            .with_message("The transaction number is missing in the URL")
    }

    /// 404 `OBJECT_NOT_FOUND` with the given key.
    pub fn not_found(key: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND").with_key(key)
    }

    /// 409 `EXISTING_IDENTIFICATION`.
    pub fn existing_identification() -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "EXISTING_IDENTIFICATION")
    }

    /// 412 `PRECONDITION_FAILED`.
    pub fn precondition_failed(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PRECONDITION_FAILED, "PRECONDITION_FAILED").with_message(message)
    }

    /// 403 `FORBIDDEN` (copying without permission).
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN").with_message(message)
    }

    /// 500 `INTERNAL_SERVER_ERROR` as the login sample shows it.
    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR")
            .with_message("An internal server error has occured")
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "errors": [{
                "cause": self.cause,
                "errorType": null,
                "id": error_id(),
                "key": self.key,
                "message": self.message,
                "translationKey": null,
            }]
        })
    }
}

/// An eight-digit error id like `"83243697"`.
pub(crate) fn error_id() -> String {
    format!("{:08}", rand::random::<u32>() % 100_000_000)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// A JSON response with IDnow's content type.
pub(crate) fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    response
}
