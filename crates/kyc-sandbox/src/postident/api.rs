//! The SCR-Ident REST API: `{root}/postident/api/scr/v1/{clientId}/cases...` with HTTP Basic
//! auth, single-case and list reads (primary / full / status), the list filters, the 1,000-case
//! page with `X-PARTIAL-DELIVERY`, archiving, and JWE answers when the key headers are sent.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, MethodRouter};
use axum::Router;
use base64::Engine as _;
use chrono::DateTime;
use serde_json::{json, Value};

use super::crypto;
use super::render::{self, View};
use super::state::{format_ts, Caller, CaseState, Credentials, Shared, Timestamp};

/// An error answer of the SCR API. Body shape (undocumented by POSTIDENT, chosen to look like a
/// Spring Boot error): `{"timestamp", "status", "error", "message"}`, the timestamp written like
/// every other POSTIDENT timestamp (whole seconds, `±hh:mm`). Turn it into a response with
/// [`ApiError::respond`], which knows the sandbox's clock and offset.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "wrong or missing username or password, or client id not configured for SCR",
        )
    }
    pub fn partner_forbidden(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "{what} is not available to a partner: a partner reads status data only \
                 (.../cases/{{caseId}}/status, .../cases/status)"
            ),
        )
    }
    pub fn not_found(case_id: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("case {case_id} not found"))
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The error answer, stamped with the sandbox's time.
    pub fn respond(self, shared: &Shared) -> Response {
        error_response(shared, self.status, &self.message, &[])
    }
}

/// Runs a handler's `body` and answers its error, if any, with [`ApiError::respond`].
fn respond(shared: &Shared, body: impl FnOnce() -> Result<Response, ApiError>) -> Response {
    body().unwrap_or_else(|e| e.respond(shared))
}

/// An error answer with the sandbox's body shape; `headers` are added (e.g. `Retry-After`).
pub(crate) fn error_response(
    shared: &Shared,
    status: StatusCode,
    message: &str,
    headers: &[(header::HeaderName, HeaderValue)],
) -> Response {
    let body = json!({
        "timestamp": format_ts(&shared.now()),
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    let mut resp = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"SCR-Ident\""),
        );
    }
    for (name, value) in headers {
        resp.headers_mut().insert(name.clone(), value.clone());
    }
    resp
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    // Path after `.../cases`, its handler, and whether it is served with a trailing `/` too.
    let routes: [(&str, MethodRouter<Arc<Shared>>, bool); 9] = [
        ("", list_view(Detail::Primary).post(create), true),
        ("/full", list_view(Detail::Full), true),
        ("/status", list_view(Detail::Status), true),
        ("/status/full", list_view(Detail::StatusFull), true),
        ("/archive", patch(archive), true),
        ("/{case_id}", case_view(Detail::Primary), true),
        ("/{case_id}/full", case_view(Detail::Full), false),
        ("/{case_id}/status", case_view(Detail::Status), false),
        (
            "/{case_id}/status/full",
            case_view(Detail::StatusFull),
            false,
        ),
    ];
    let mut router = Router::new();
    for (suffix, handler, with_slash) in routes {
        let path = format!("/api/scr/v1/{{client_id}}/cases{suffix}");
        if with_slash {
            router = router.route(&format!("{path}/"), handler.clone());
        }
        router = router.route(&path, handler);
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            crate::faults::inject::<Shared>,
        ))
        .with_state(shared)
}

/// Checks HTTP Basic credentials against the account of `client_id` and its partners (401 for
/// an unknown client id as well, as the guide's error table says).
pub(crate) fn authorize(
    shared: &Shared,
    client_id: &str,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    shared.api_requests.fetch_add(1, Ordering::SeqCst);
    let account = shared
        .accounts
        .get(client_id)
        .ok_or_else(ApiError::unauthorized)?;
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::unauthorized)?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or_else(ApiError::unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(ApiError::unauthorized());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| ApiError::unauthorized())?;
    let matches = |c: &Credentials| {
        let expected = format!("{}:{}", c.username, c.password);
        decoded.len() == expected.len() && openssl::memcmp::eq(&decoded, expected.as_bytes())
    };
    if matches(&account.client) {
        return Ok(Caller {
            data_password: account.client.data_password.clone(),
            partner: None,
        });
    }
    account
        .partners
        .iter()
        .find(|p| matches(p))
        .map(|p| Caller {
            data_password: p.data_password.clone(),
            partner: Some(p.username.clone()),
        })
        .ok_or_else(ApiError::unauthorized)
}

/// A partner sees the cases it created, nothing else (result guide section 9: the partner
/// creates the identifications and follows their status).
fn visible_to(caller: &Caller, case: &super::state::Case) -> bool {
    caller.partner.is_none() || caller.partner == case.created_by_partner
}

/// Serialises `value` and encrypts it when the caller sent a verified key.
fn answer(
    shared: &Shared,
    key: Option<crypto::CallerKey>,
    value: &Value,
    extra: Option<(&'static str, &'static str)>,
) -> Result<Response, ApiError> {
    let json = serde_json::to_vec(value).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut resp = match key {
        None => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
            json,
        )
            .into_response(),
        Some(key) => {
            let jwe = crypto::encrypt(&key, &shared.options.jwe_enc, &json)?;
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/jose")],
                jwe,
            )
                .into_response()
        }
    };
    if let Some((name, value)) = extra {
        resp.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    Ok(resp)
}

/// Parses the query string (percent-decoded; `+` is a space as in any form encoding).
fn query_map(raw: Option<String>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn bool_param(q: &HashMap<String, String>, name: &str, default: bool) -> Result<bool, ApiError> {
    match q.get(name).map(|s| s.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(s) if s == "true" => Ok(true),
        Some(s) if s == "false" => Ok(false),
        Some(_) => Err(ApiError::bad_request(format!(
            "parameter {name}: must be true or false"
        ))),
    }
}

fn date_param(q: &HashMap<String, String>, name: &str) -> Result<Option<Timestamp>, ApiError> {
    match q.get(name) {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s.trim()).map(Some).map_err(|_| {
            ApiError::bad_request(format!(
                "parameter {name}: not an ISO 8601 date-time with offset (e.g. 2016-12-26T00:00:00+02:00; encode '+' as %2B)"
            ))
        }),
    }
}

#[derive(Clone, Copy)]
enum Detail {
    Primary,
    Full,
    Status,
    StatusFull,
}

impl Detail {
    fn status_only(self) -> bool {
        matches!(self, Detail::Status | Detail::StatusFull)
    }

    fn view(self, include_pdf: bool, include_binary: bool) -> View {
        View {
            full: matches!(self, Detail::Full | Detail::StatusFull),
            status_only: matches!(self, Detail::Status | Detail::StatusFull),
            include_pdf,
            include_binary,
        }
    }
}

/// The checks of a read in view `detail`: the caller's credentials (401), a partner only for the
/// status views (403), then the encryption the headers ask for; returns the caller
/// and the key to encrypt the answer with.
fn authorize_read(
    shared: &Shared,
    client_id: &str,
    headers: &HeaderMap,
    detail: Detail,
) -> Result<(Caller, Option<crypto::CallerKey>), ApiError> {
    let caller = authorize(shared, client_id, headers)?;
    if caller.partner.is_some() && !detail.status_only() {
        return Err(ApiError::partner_forbidden("result data"));
    }
    let key = crypto::negotiate(
        headers,
        &caller.data_password,
        shared.options.encryption_required,
    )?;
    Ok((caller, key))
}

/// `GET` of one case in one of the four views of section 7 (one handler for all four).
fn case_view(detail: Detail) -> MethodRouter<Arc<Shared>> {
    get(move |s, p, q, h| get_case(s, p, q, h, detail))
}

async fn get_case(
    State(shared): State<Arc<Shared>>,
    Path((client_id, case_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    detail: Detail,
) -> Response {
    respond(&shared, || {
        let (caller, key) = authorize_read(&shared, &client_id, &headers, detail)?;
        let q = query_map(raw);
        let include_pdf = bool_param(&q, "includeResultPdf", false)?;
        let include_binary = bool_param(&q, "includeBinaryData", false)?;
        super::control::expire_due_cases(&shared);
        let value = {
            let cases = shared.lock_cases();
            let case = cases
                .get(&client_id)
                .and_then(|c| c.get(&case_id))
                .filter(|c| visible_to(&caller, c))
                .ok_or_else(|| ApiError::not_found(&case_id))?;
            render::case(&shared, case, detail.view(include_pdf, include_binary))
        };
        answer(&shared, key, &value, None)
    })
}

/// The list filters of section 7.5.
struct Filter {
    new: bool,
    in_progress: bool,
    closed: bool,
    archived: bool,
    created_from: Option<Timestamp>,
    created_until: Option<Timestamp>,
    closed_from: Option<Timestamp>,
    closed_until: Option<Timestamp>,
    max_results: Option<usize>,
}

impl Filter {
    fn parse(q: &HashMap<String, String>) -> Result<Filter, ApiError> {
        let max_results = match q.get("maxResults") {
            None => None,
            Some(s) => match s.trim().parse::<i64>() {
                Ok(n) if n >= 0 => Some(n as usize),
                _ => {
                    return Err(ApiError::bad_request(
                        "parameter maxResults: must be a non-negative integer",
                    ))
                }
            },
        };
        Ok(Filter {
            new: bool_param(q, "new", false)?,
            in_progress: bool_param(q, "inProgress", false)?,
            closed: bool_param(q, "closed", true)?,
            archived: bool_param(q, "archived", false)?,
            created_from: date_param(q, "createdFrom")?,
            created_until: date_param(q, "createdUntil")?,
            closed_from: date_param(q, "closedFrom")?,
            closed_until: date_param(q, "closedUntil")?,
            max_results,
        })
    }

    fn accepts(&self, case: &super::state::Case) -> bool {
        let state_ok = match case.state {
            CaseState::New => self.new,
            CaseState::InProgress => self.in_progress,
            CaseState::Closed => self.closed,
        };
        if !state_ok || (case.archived && !self.archived) {
            return false;
        }
        if self.created_from.is_some_and(|t| case.created < t)
            || self.created_until.is_some_and(|t| case.created > t)
        {
            return false;
        }
        if self.closed_from.is_some() || self.closed_until.is_some() {
            let Some(closed) = case.closed_at else {
                return false;
            };
            if self.closed_from.is_some_and(|t| closed < t)
                || self.closed_until.is_some_and(|t| closed > t)
            {
                return false;
            }
        }
        true
    }
}

/// `GET` of the case list in one of the four views of section 7 (one handler for all four).
fn list_view(detail: Detail) -> MethodRouter<Arc<Shared>> {
    get(move |s, p, q, h| list(s, p, q, h, detail))
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    detail: Detail,
) -> Response {
    respond(&shared, || {
        let (caller, key) = authorize_read(&shared, &client_id, &headers, detail)?;
        let filter = Filter::parse(&query_map(raw))?;
        super::control::expire_due_cases(&shared);
        let limit = filter
            .max_results
            .unwrap_or(usize::MAX)
            .min(shared.options.list_limit);
        let (items, partial) = {
            let cases = shared.lock_cases();
            let mut matching: Vec<&super::state::Case> = cases
                .get(&client_id)
                .map(|c| {
                    c.values()
                        .filter(|c| filter.accepts(c) && visible_to(&caller, c))
                        .collect()
                })
                .unwrap_or_default();
            matching.sort_by_key(|c| c.seq);
            let partial = matching.len() > limit;
            // Lists never carry binary data or the result PDF (section 7.5.1).
            let view = detail.view(false, false);
            let items: Vec<Value> = matching
                .into_iter()
                .take(limit)
                .map(|c| render::case(&shared, c, view))
                .collect();
            (items, partial)
        };
        let extra = partial.then_some(("x-partial-delivery", "true"));
        answer(&shared, key, &Value::Array(items), extra)
    })
}

async fn archive(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(&shared, || {
        let caller = authorize(&shared, &client_id, &headers)?;
        if caller.partner.is_some() {
            return Err(ApiError::partner_forbidden("archiving"));
        }
        let ids: Vec<Value> = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Array(ids)) => ids,
            _ => {
                return Err(ApiError::bad_request(
                    "body: expected a JSON array of caseIds",
                ))
            }
        };
        if ids.len() > shared.options.archive_limit {
            return Err(ApiError::bad_request(format!(
                "body: at most {} caseIds per request, got {}",
                shared.options.archive_limit,
                ids.len()
            )));
        }
        let mut ids_str = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            match id.as_str() {
                Some(s) => ids_str.push(s.to_owned()),
                None => {
                    return Err(ApiError::bad_request(format!(
                        "body[{i}]: caseId must be a string"
                    )))
                }
            }
        }
        super::control::expire_due_cases(&shared);
        let mut out = Vec::new();
        {
            let mut cases = shared.lock_cases();
            let Some(client) = cases.get_mut(&client_id) else {
                return Ok((StatusCode::OK, axum::Json(Value::Array(out))).into_response());
            };
            let mut seen = std::collections::HashSet::new();
            for id in ids_str {
                if !seen.insert(id.clone()) {
                    continue;
                }
                let Some(case) = client.get_mut(&id) else {
                    continue;
                };
                // Only closed cases are affected; already archived ones stay archived and are
                // not updated, so they are not in the answer either ("one status object for each
                // updated case", 7.6.1).
                if case.state != CaseState::Closed || case.archived {
                    continue;
                }
                case.archived = true;
                out.push(json!({
                    "caseId": case.case_id,
                    "caseStatus": render::case_status(case),
                }));
            }
        }
        Ok((StatusCode::OK, axum::Json(Value::Array(out))).into_response())
    })
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.create_requests.fetch_add(1, Ordering::SeqCst);
    respond(&shared, || {
        let caller = authorize(&shared, &client_id, &headers)?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("body: not valid JSON ({e})")))?;
        let created =
            super::create::create_case(&shared, &client_id, &value, caller.partner.as_deref())?;
        Ok((StatusCode::CREATED, axum::Json(created)).into_response())
    })
}
