//! Company login (`POST /api/v1/{company}/login`) and the `X-API-LOGIN-TOKEN` check with the
//! documented 60-minute idle expiry (scaled by the sandbox clock).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::json;

use super::api_error::{json_response, ApiError};
use super::state::TokenInfo;
use super::Shared;

/// `POST /api/v1/{company}/login` with `{"apiKey": ...}` -> `{"authToken": ...}`.
pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    Path(company): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::unparseable_json(format!("Could not parse the JSON body: {e}")))?;
    let api_key = value
        .get("apiKey")
        .and_then(|v| v.as_str())
        .ok_or_else(ApiError::invalid_login_token)?;
    let mut store = shared.store();
    let known = store
        .companies
        .get(&company)
        .is_some_and(|c| openssl::memcmp::eq_len(c.setup.api_key.as_bytes(), api_key.as_bytes()));
    if !known {
        return Err(ApiError::invalid_login_token());
    }
    let token = new_token(&company);
    store.tokens.insert(
        token.clone(),
        TokenInfo {
            company: company.clone(),
            last_used: Instant::now(),
            force_expired: false,
        },
    );
    store.login_count += 1;
    if let Some(c) = store.companies.get_mut(&company) {
        c.logins += 1;
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({ "authToken": token }),
    ))
}

mod openssl {
    pub mod memcmp {
        /// Constant-time comparison of two byte strings (length leaks, content does not).
        pub fn eq_len(a: &[u8], b: &[u8]) -> bool {
            a.len() == b.len() && ::openssl::memcmp::eq(a, b)
        }
    }
}

/// A JWT-shaped opaque token (header.payload.random), as IDnow's tokens look.
fn new_token(company: &str) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
    let payload = engine.encode(
        json!({"sub": company, "aud": "de.idnow.sandbox", "jti": rand::random::<u64>()})
            .to_string(),
    );
    let random: [u8; 32] = rand::random();
    format!("{header}.{payload}.{}", engine.encode(random))
}

/// What an API handler of one company starts from: the shared state, the URL's `{company}`,
/// `{txn}` and `{definition}` segments (empty on routes without them) and the request headers.
/// Extracting it checks nothing; the handler authorizes ([`ApiCall::authorize`],
/// [`ApiCall::authorize_ident`]) where that check is due among its others.
pub(crate) struct ApiCall {
    pub shared: Arc<Shared>,
    pub company: String,
    pub txn: String,
    pub definition: String,
    pub headers: HeaderMap,
}

impl FromRequestParts<Arc<Shared>> for ApiCall {
    type Rejection = PathRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let Path(mut segments) =
            Path::<HashMap<String, String>>::from_request_parts(parts, shared).await?;
        let mut segment = |name: &str| segments.remove(name).unwrap_or_default();
        Ok(ApiCall {
            shared: shared.clone(),
            company: segment("company"),
            txn: segment("txn"),
            definition: segment("definition"),
            headers: parts.headers.clone(),
        })
    }
}

impl ApiCall {
    /// [`authorize`] for the URL's company.
    pub fn authorize(&self) -> Result<(), ApiError> {
        authorize(&self.shared, &self.company, &self.headers)
    }

    /// [`authorize`] for a route about one ident: the token first, then the transaction number
    /// of the URL.
    pub fn authorize_ident(&self) -> Result<(), ApiError> {
        self.authorize()?;
        super::validation::check_transaction_number(&self.txn)
    }

    /// The shared state, `{company}` and `{txn}`, for a handler that works on them.
    pub fn into_parts(self) -> (Arc<Shared>, String, String) {
        (self.shared, self.company, self.txn)
    }
}

/// Checks `X-API-LOGIN-TOKEN` for `company` and refreshes its idle timer.
pub(crate) fn authorize(
    shared: &Shared,
    company: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let token = headers
        .get("x-api-login-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::invalid_login_token)?;
    let idle = shared.clock.scaled(shared.options.token_idle_timeout);
    let mut store = shared.store();
    if !store.companies.contains_key(company) {
        return Err(ApiError::invalid_login_token());
    }
    let info = store
        .tokens
        .get_mut(token)
        .ok_or_else(ApiError::invalid_login_token)?;
    if info.force_expired || info.last_used.elapsed() >= idle {
        store.tokens.remove(token);
        return Err(ApiError::token_expired());
    }
    if info.company != company {
        return Err(ApiError::security_violation());
    }
    info.last_used = Instant::now();
    Ok(())
}

/// Like [`authorize`], but also accepts the API key itself in `X-API-KEY` (older documentation
/// of the create call).
pub(crate) fn authorize_start(
    shared: &Shared,
    company: &str,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if headers.contains_key("x-api-login-token") {
        return authorize(shared, company, headers);
    }
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::invalid_login_token)?;
    let store = shared.store();
    match store.companies.get(company) {
        Some(c) if openssl::memcmp::eq_len(c.setup.api_key.as_bytes(), key.as_bytes()) => Ok(()),
        _ => Err(ApiError::invalid_login_token()),
    }
}

/// Makes every token handed out so far expired.
pub(crate) fn expire_all(shared: &Shared) {
    let mut store = shared.store();
    for info in store.tokens.values_mut() {
        info.force_expired = true;
    }
}
