//! The control API under `{root}/idnow/__control`: plays the user's and the agent's side,
//! configures webhooks, reads counters and the webhook log, queues faults. JSON in and out;
//! the action endpoints also take HTML form posts (from the user page) and then redirect back.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::faults::Fault;
use super::lifecycle::{self, ControlError};
use super::state::WebhookTarget;
use super::Shared;

pub(crate) fn router() -> Router<Arc<Shared>> {
    let ident = "/__control/companies/{company}/identifications/{txn}";
    Router::new()
        .route("/__control", get(info))
        .route("/__control/counters", get(counters))
        .route("/__control/tokens/expire", post(expire_tokens))
        .route(
            "/__control/companies/{company}/webhook",
            axum::routing::put(set_webhook).delete(remove_webhook),
        )
        .route(ident, get(ident_view))
        .route(&format!("{ident}/start"), action(lifecycle::user_start))
        .route(
            &format!("{ident}/abort"),
            action(|shared, company, txn, body: &AbortBody| {
                lifecycle::user_abort(shared, company, txn, body.reason.as_deref())
            }),
        )
        .route(&format!("{ident}/result"), action(lifecycle::set_result))
        .route(&format!("{ident}/review"), action(lifecycle::review))
        .route("/__control/webhooks", get(webhook_log))
        .route("/__control/webhooks/{id}/redeliver", post(redeliver))
        .route(
            "/__control/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
}

fn error_status(error: &ControlError) -> StatusCode {
    match error {
        ControlError::UnknownCompany(_) | ControlError::UnknownIdent(_) => StatusCode::NOT_FOUND,
        ControlError::InvalidState(_) => StatusCode::CONFLICT,
        ControlError::InvalidInput(_) => StatusCode::BAD_REQUEST,
    }
}

fn error_response(error: &ControlError) -> Response {
    (
        error_status(error),
        axum::Json(json!({ "error": error.to_string() })),
    )
        .into_response()
}

fn bad_input(message: impl Into<String>) -> Response {
    error_response(&ControlError::InvalidInput(message.into()))
}

/// A parsed action body and, for form posts, where to send the browser afterwards.
struct ActionBody<T> {
    value: T,
    redirect: Option<String>,
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// JSON bodies as they are; form bodies become JSON: `change.<field>=value` (or the pair
/// `change_field`/`change_value`) go into `changes`, `nfc=true` becomes a boolean, empty values
/// are dropped, `redirect` is taken out.
fn parse_action<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ActionBody<T>, Box<Response>> {
    if !is_form(headers) {
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice::<Value>(body)
                .map_err(|e| Box::new(bad_input(format!("body is not JSON: {e}"))))?
        };
        let value =
            serde_json::from_value(value).map_err(|e| Box::new(bad_input(e.to_string())))?;
        return Ok(ActionBody {
            value,
            redirect: None,
        });
    }
    let mut object = Map::new();
    let mut changes = BTreeMap::new();
    let mut redirect = None;
    let mut pair_field = None;
    let mut pair_value = None;
    for (key, value) in url::form_urlencoded::parse(body) {
        let (key, value) = (key.into_owned(), value.trim().to_string());
        if value.is_empty() {
            continue;
        }
        if key == "redirect" {
            redirect = Some(value);
        } else if let Some(field) = key.strip_prefix("change.") {
            changes.insert(field.to_string(), value);
        } else if key == "change_field" {
            pair_field = Some(value);
        } else if key == "change_value" {
            pair_value = Some(value);
        } else if key == "nfc" {
            object.insert(key, json!(value == "true"));
        } else {
            object.insert(key, json!(value));
        }
    }
    if let (Some(field), Some(value)) = (pair_field, pair_value) {
        changes.insert(field, value);
    }
    if !changes.is_empty() {
        object.insert("changes".into(), json!(changes));
    }
    let value = serde_json::from_value(Value::Object(object))
        .map_err(|e| Box::new(bad_input(e.to_string())))?;
    Ok(ActionBody { value, redirect })
}

/// After an action: JSON with the ident's new state, or a redirect for form posts.
fn action_done(
    shared: &Shared,
    company: &str,
    txn: &str,
    outcome: Result<(), ControlError>,
    redirect: Option<String>,
) -> Response {
    if let Some(target) = redirect.filter(|r| r.starts_with('/') && !r.starts_with("//")) {
        let location = match &outcome {
            Ok(()) => target,
            Err(e) => {
                let message: String =
                    url::form_urlencoded::byte_serialize(e.to_string().as_bytes()).collect();
                format!("{target}?error={message}")
            }
        };
        return Redirect::to(&location).into_response();
    }
    match outcome {
        Ok(()) => axum::Json(json!({
            "ok": true,
            "ident": lifecycle::snapshot(shared, company, txn),
        }))
        .into_response(),
        Err(e) => error_response(&e),
    }
}

async fn info(State(shared): State<Arc<Shared>>) -> Response {
    let companies: Vec<Value> = shared
        .options
        .companies
        .iter()
        .map(|c| {
            json!({
                "companyid": c.company_id,
                "apiKey": c.api_key,
                "esigning": c.esigning,
                "copyTargets": c.copy_targets,
                "archiveEnabled": c.archive_enabled,
            })
        })
        .collect();
    axum::Json(json!({
        "baseUrl": shared.base_url.as_str(),
        "apiUrl": format!("{}/api/v1", shared.base_url.as_str().trim_end_matches('/')),
        "userUrlBase": shared.user_url_base(),
        "companies": companies,
        "timeScale": shared.clock.time_scale(),
        "xmlSignaturePublicKeyPem": super::result_files::signing_public_key_pem(),
    }))
    .into_response()
}

async fn counters(State(shared): State<Arc<Shared>>) -> Response {
    let (logins, by_company, idents) = {
        let store = shared.store();
        let by_company: BTreeMap<String, u64> = store
            .companies
            .values()
            .map(|c| (c.setup.company_id.clone(), c.logins))
            .collect();
        let idents: usize = store.companies.values().map(|c| c.idents.len()).sum();
        (store.login_count, by_company, idents)
    };
    let deliveries = shared.deliveries.lock().unwrap_or_else(|e| e.into_inner());
    let attempts: u32 = deliveries.iter().map(|d| d.attempts).sum();
    axum::Json(json!({
        "logins": logins,
        "loginsByCompany": by_company,
        "idents": idents,
        "webhookDeliveries": deliveries.len(),
        "webhookAttempts": attempts,
    }))
    .into_response()
}

async fn expire_tokens(State(shared): State<Arc<Shared>>) -> Response {
    super::auth::expire_all(&shared);
    axum::Json(json!({"ok": true})).into_response()
}

async fn set_webhook(
    State(shared): State<Arc<Shared>>,
    Path(company): Path<String>,
    body: Bytes,
) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_input(format!("body is not JSON: {e}")),
    };
    let Some(url) = value.get("url").and_then(Value::as_str) else {
        return bad_input("\"url\" is required");
    };
    let url = match url::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => u,
        _ => return bad_input("\"url\" must be an http(s) URL"),
    };
    let username = value.get("username").and_then(Value::as_str);
    let password = value.get("password").and_then(Value::as_str);
    let basic_auth = match (username, password) {
        (Some(u), Some(p)) => Some((u.to_string(), p.to_string())),
        (None, None) => None,
        _ => return bad_input("Basic auth needs both \"username\" and \"password\""),
    };
    match lifecycle::set_webhook(&shared, &company, Some(WebhookTarget { url, basic_auth })) {
        Ok(()) => axum::Json(json!({"ok": true})).into_response(),
        Err(e) => error_response(&e),
    }
}

async fn remove_webhook(
    State(shared): State<Arc<Shared>>,
    Path(company): Path<String>,
) -> Response {
    match lifecycle::set_webhook(&shared, &company, None) {
        Ok(()) => axum::Json(json!({"ok": true})).into_response(),
        Err(e) => error_response(&e),
    }
}

async fn ident_view(
    State(shared): State<Arc<Shared>>,
    Path((company, txn)): Path<(String, String)>,
) -> Response {
    match lifecycle::snapshot(&shared, &company, &txn) {
        Some(snapshot) => axum::Json(snapshot).into_response(),
        None => error_response(&ControlError::UnknownIdent(txn)),
    }
}

#[derive(serde::Deserialize, Default)]
struct AbortBody {
    #[serde(default)]
    reason: Option<String>,
}

/// The route of one action on an ident (`start`, `abort`, `result`, `review`): the body (JSON or
/// form, see [`parse_action`]) read as `T`, `act` applied, then [`action_done`] answers.
fn action<T, F>(act: F) -> MethodRouter<Arc<Shared>>
where
    T: DeserializeOwned + 'static,
    F: Fn(&Arc<Shared>, &str, &str, &T) -> Result<(), ControlError> + Clone + Send + Sync + 'static,
{
    post(
        move |State(shared): State<Arc<Shared>>,
              Path((company, txn)): Path<(String, String)>,
              headers: HeaderMap,
              body: Bytes| async move {
            let parsed: ActionBody<T> = match parse_action(&headers, &body) {
                Ok(p) => p,
                Err(r) => return *r,
            };
            let outcome = act(&shared, &company, &txn, &parsed.value);
            action_done(&shared, &company, &txn, outcome, parsed.redirect)
        },
    )
}

async fn webhook_log(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let deliveries = shared.deliveries.lock().unwrap_or_else(|e| e.into_inner());
    let selected: Vec<&super::WebhookDelivery> = deliveries
        .iter()
        .filter(|d| query.get("company").is_none_or(|c| &d.company == c))
        .filter(|d| {
            query
                .get("transactionnumber")
                .is_none_or(|t| d.transaction_number.eq_ignore_ascii_case(t))
        })
        .collect();
    axum::Json(json!({ "deliveries": selected })).into_response()
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(json!({ "faults": shared.faults.pending() })).into_response()
}

async fn add_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(fault) => {
            shared.faults.push(fault);
            (StatusCode::CREATED, axum::Json(json!({"ok": true}))).into_response()
        }
        Err(e) => bad_input(format!("not a fault: {e}")),
    }
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.clear();
    axum::Json(json!({"ok": true})).into_response()
}

async fn redeliver(State(shared): State<Arc<Shared>>, Path(id): Path<u64>) -> Response {
    match super::webhooks::redeliver(&shared, id) {
        Some(_) => (StatusCode::ACCEPTED, axum::Json(json!({"ok": true}))).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": format!("no webhook delivery {id}")})),
        )
            .into_response(),
    }
}
