//! A read API a bank can mount in its back office (axum):
//!
//! | route | answer |
//! |---|---|
//! | `GET /cases?provider=&status=&parked=&limit=&cursor=` | JSON array of cases (without personal data) |
//! | `GET /cases/{provider}/{case_id}` | one case with its current version (`case_id` or reference) |
//! | `GET /cases/{provider}/{case_id}/attempts?limit=&cursor=` | its attempts: `id`, `result`, `reason`, `payload` as in the bank API of `solaris-idnow-attempts.md`, plus the neutral attempt |
//!
//! Lists are paginated by cursor: when more items follow, the answer carries
//! `Link: <…?cursor=…&limit=…>; rel="next"` and `X-Next-Cursor`. Errors are JSON of the bank
//! API's shape: `{"id", "status", "code", "title", "detail"}`.
//!
//! **Authentication is the embedding application's**: the router checks nothing. Mount it
//! behind your own layer (see `examples/journal_postgres.rs`), never on a public port as it is.

use crate::error::JournalError;
use crate::read::CaseQuery;
use crate::store::Journal;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kyc_core::{ErrorKind, Provider};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The read API's router over `journal`. See the [module documentation](self).
pub fn read_router(journal: Journal) -> Router {
    Router::new()
        .route("/cases", get(list_cases))
        .route("/cases/{provider}/{case_id}", get(one_case))
        .route("/cases/{provider}/{case_id}/attempts", get(attempts))
        .with_state(journal)
}

/// An error answer in the bank API's shape.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApiError {
    /// A unique id of this occurrence (quote it in support requests; it is in the log line).
    pub id: String,
    /// The HTTP status, as a string.
    pub status: String,
    /// A stable machine-readable code.
    pub code: String,
    /// A short summary.
    pub title: String,
    /// What happened, in our words (no personal data).
    pub detail: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Self {
        let id = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            rand::random::<u32>(),
            rand::random::<u16>(),
            rand::random::<u16>() & 0x0fff | 0x4000,
            rand::random::<u16>() & 0x3fff | 0x8000,
            rand::random::<u64>() & 0xffff_ffff_ffff
        );
        ApiError {
            id,
            status: status.as_u16().to_string(),
            code: code.to_string(),
            title: title.to_string(),
            detail: detail.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self
            .status
            .parse::<u16>()
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(error_id = %self.id, code = %self.code, detail = %self.detail, "read API error");
        }
        (status, Json(self)).into_response()
    }
}

impl From<JournalError> for ApiError {
    fn from(e: JournalError) -> Self {
        match &e {
            JournalError::Provider(p) if p.kind() == ErrorKind::InvalidInput => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid request.",
                p.to_string(),
            ),
            _ => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "journal_unavailable",
                "The journal cannot answer right now.",
                e.to_string(),
            ),
        }
    }
}

fn provider(name: &str) -> Result<Provider, ApiError> {
    Provider::from_str(name).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_provider",
            "Unknown provider.",
            format!("provider must be one of: idnow, postident (got {name:?})"),
        )
    })
}

fn not_found(provider: Provider, key: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "case_not_found",
        "Case not found.",
        format!("the journal has no {provider} case with id or reference {key:?}"),
    )
}

fn paginated<T: Serialize>(
    items: T,
    next: Option<String>,
    uri: &axum::http::Uri,
    limit: Option<u32>,
) -> Response {
    let mut headers = HeaderMap::new();
    if let Some(cursor) = next {
        let mut link = format!("<{}?cursor={cursor}", uri.path());
        if let Some(l) = limit {
            link.push_str(&format!("&limit={l}"));
        }
        link.push_str(">; rel=\"next\"");
        if let Ok(v) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, v);
        }
        if let Ok(v) = HeaderValue::from_str(&cursor) {
            headers.insert("x-next-cursor", v);
        }
    }
    (headers, Json(items)).into_response()
}

#[derive(Debug, Deserialize)]
struct ListParams {
    provider: Option<String>,
    status: Option<String>,
    #[serde(default)]
    parked: bool,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list_cases(
    State(journal): State<Journal>,
    OriginalUri(uri): OriginalUri,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let query = CaseQuery {
        provider: params.provider.as_deref().map(provider).transpose()?,
        status: params.status,
        parked: params.parked,
        limit: params.limit,
        cursor: params.cursor,
    };
    let page = journal.cases(&query).await?;
    Ok(paginated(page.items, page.next_cursor, &uri, params.limit))
}

async fn one_case(
    State(journal): State<Journal>,
    Path((provider_name, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let p = provider(&provider_name)?;
    match journal.case(p, &key).await? {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(not_found(p, &key)),
    }
}

#[derive(Debug, Deserialize)]
struct PageParams {
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn attempts(
    State(journal): State<Journal>,
    OriginalUri(uri): OriginalUri,
    Path((provider_name, key)): Path<(String, String)>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    let p = provider(&provider_name)?;
    match journal
        .attempts(p, &key, params.cursor, params.limit)
        .await?
    {
        Some(page) => Ok(paginated(page.items, page.next_cursor, &uri, params.limit)),
        None => Err(not_found(p, &key)),
    }
}
