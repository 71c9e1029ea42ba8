//! The HTTP routes of the control API under `{root}/postident/__control/...`: each handler
//! reads the request, calls the operation in [`super::control`] and answers JSON (or redirects
//! back to the user page for its form posts).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::codes::Method;
use super::control::*;
use super::faults::Fault;
use super::state::{Case, Shared};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__control", get(index))
        .route("/__control/account", get(account))
        .route("/__control/cases", get(list_cases).post(create_case))
        .route("/__control/cases/{case_id}", get(get_case))
        .route(
            "/__control/cases/{case_id}/identifications",
            post(post_transition),
        )
        .route("/__control/cases/{case_id}/outcome", post(post_outcome))
        .route("/__control/cases/{case_id}/expire", post(post_expire))
        .route(
            "/__control/cases/{case_id}/webhook",
            post(post_webhook).delete(delete_case_webhook),
        )
        .route(
            "/__control/webhooks",
            get(get_webhooks).delete(delete_webhooks),
        )
        .route(
            "/__control/webhook-credentials",
            get(get_webhook_credentials)
                .put(put_webhook_credentials)
                .delete(delete_webhook_credentials),
        )
        .route(
            "/__control/faults",
            get(get_faults).post(post_fault).delete(delete_faults),
        )
        .with_state(shared)
}

async fn index(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let base = shared.control_url();
    Json(json!({
        "endpoints": [
            format!("GET {base}/account"),
            format!("GET|POST {base}/cases"),
            format!("GET {base}/cases/{{caseId}}"),
            format!("POST {base}/cases/{{caseId}}/identifications"),
            format!("POST {base}/cases/{{caseId}}/outcome"),
            format!("POST {base}/cases/{{caseId}}/expire"),
            format!("POST|DELETE {base}/cases/{{caseId}}/webhook"),
            format!("GET|DELETE {base}/webhooks"),
            format!("GET|PUT|DELETE {base}/webhook-credentials"),
            format!("GET|POST|DELETE {base}/faults"),
        ]
    }))
}

async fn account(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let o = &shared.options;
    Json(json!({
        "baseUrl": shared.base_url.as_str(),
        "casesUrl": shared.cases_url(&o.client_id).as_str(),
        "clientId": o.client_id,
        "username": o.username,
        "password": o.password,
        "dataPassword": o.data_password,
        "partners": o.partners.iter().map(|p| json!({
            "clientId": p.client_id.as_deref().unwrap_or(&o.client_id),
            "username": p.username,
            "password": p.password,
            "dataPassword": p.data_password,
        })).collect::<Vec<_>>(),
        "methods": o.methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "caseStartLimit": o.case_start_limit,
        "encryptionRequired": o.encryption_required,
        "jweEnc": o.jwe_enc,
    }))
}

async fn list_cases(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let cases = shared.lock_cases();
    let mut all: Vec<&Case> = cases.values().flat_map(|m| m.values()).collect();
    all.sort_by_key(|c| c.seq);
    Json(Value::Array(
        all.into_iter()
            .map(|c| {
                json!({
                    "caseId": c.case_id,
                    "referenceId": c.reference_id,
                    "status": c.state.as_str(),
                    "archived": c.archived,
                    "starts": c.starts,
                    "createdByPartner": c.created_by_partner,
                    "primary": c.primary().map(|p| json!({
                        "method": p.method.as_str(),
                        "status": p.status.as_str(),
                    })),
                })
            })
            .collect(),
    ))
}

async fn create_case(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return ControlError::Invalid(format!("body: {e}")).into_response(),
    };
    let client_id = shared.options.client_id.clone();
    match super::create::create_case(&shared, &client_id, &value, None) {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => ControlError::from_api(e).into_response(),
    }
}

async fn get_case(State(shared): State<Arc<Shared>>, Path(case_id): Path<String>) -> Response {
    expire_due_cases(&shared);
    match case_json(&shared, None, &case_id) {
        Some(v) => Json(v).into_response(),
        None => ControlError::NotFound(format!("case {case_id}")).into_response(),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| ControlError::Invalid(format!("body: {e}")))
}

async fn post_transition(
    State(shared): State<Arc<Shared>>,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Response {
    parse_json::<Transition>(&body)
        .and_then(|t| apply_transition(&shared, None, &case_id, &t))
        .map(Json)
        .into_response()
}

/// Accepts JSON `{"method": "video", "outcome": "success"}` or, from the user page's HTML forms,
/// `application/x-www-form-urlencoded` with `method`, `outcome`, `subStatus`, `subStatusReason`
/// (answered with a redirect back to the page).
async fn post_outcome(
    State(shared): State<Arc<Shared>>,
    Path(case_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let parsed: Result<(Method, Outcome), ControlError> = if is_form {
        let form: BTreeMap<String, String> =
            url::form_urlencoded::parse(&body).into_owned().collect();
        form_outcome(&form)
    } else {
        parse_json::<Value>(&body).and_then(|v| {
            let method = v
                .get("method")
                .and_then(Value::as_str)
                .and_then(Method::parse)
                .ok_or_else(|| {
                    ControlError::Invalid(
                        "method: one of autoid, basic, eid, photo, video".to_owned(),
                    )
                })?;
            let outcome: Outcome = serde_json::from_value(v)
                .map_err(|e| ControlError::Invalid(format!("outcome: {e}")))?;
            Ok((method, outcome))
        })
    };
    let result = parsed.and_then(|(m, o)| apply_outcome(&shared, None, &case_id, m, &o));
    if is_form {
        let mut page = shared.user_url(&case_id);
        if let Err(e) = &result {
            page.query_pairs_mut().append_pair("error", &e.to_string());
        }
        return Redirect::to(page.as_str()).into_response();
    }
    result.map(Json).into_response()
}

fn form_outcome(form: &BTreeMap<String, String>) -> Result<(Method, Outcome), ControlError> {
    let method = form
        .get("method")
        .and_then(|m| Method::parse(m))
        .ok_or_else(|| {
            ControlError::Invalid("method: one of autoid, basic, eid, photo, video".into())
        })?;
    let code = |k: &str| -> Result<Option<u16>, ControlError> {
        match form.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| ControlError::Invalid(format!("{k}: must be a number"))),
        }
    };
    let outcome = match form.get("outcome").map(String::as_str) {
        Some("start") => Outcome::Start,
        Some("coupon_requested") => Outcome::CouponRequested,
        Some("review") => Outcome::Review,
        Some("success") => Outcome::Success,
        Some("data_changed") => Outcome::DataChanged,
        Some("fraud") => Outcome::Fraud,
        Some("abuse") => Outcome::Abuse,
        Some("incomplete") => Outcome::Incomplete {
            sub_status: code("subStatus")?,
            sub_status_reason: code("subStatusReason")?,
        },
        Some("cancel") => Outcome::Cancel,
        other => return Err(ControlError::Invalid(format!("outcome: unknown {other:?}"))),
    };
    Ok((method, outcome))
}

async fn post_expire(State(shared): State<Arc<Shared>>, Path(case_id): Path<String>) -> Response {
    expire_now(&shared, None, &case_id)
        .map(Json)
        .into_response()
}

async fn post_webhook(State(shared): State<Arc<Shared>>, Path(case_id): Path<String>) -> Response {
    match resend_webhook(&shared, None, &case_id) {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn delete_case_webhook(
    State(shared): State<Arc<Shared>>,
    Path(case_id): Path<String>,
) -> Response {
    match remove_webhook(&shared, None, &case_id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /__control/webhook-credentials`: the user name sent with webhooks (the password is not
/// shown, only whether one is set).
async fn get_webhook_credentials(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(match shared.webhook_credentials() {
        Some(c) => json!({"username": c.username, "passwordSet": !c.password.is_empty()}),
        None => Value::Null,
    })
}

/// `PUT /__control/webhook-credentials` with `{"username": ..., "password": ...}`: every webhook
/// from now on carries these HTTP Basic credentials.
async fn put_webhook_credentials(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    struct Body {
        username: String,
        password: String,
    }
    let parsed = parse_json::<Body>(&body).and_then(|b| {
        if b.username.is_empty() || b.username.contains(':') {
            return Err(ControlError::Invalid(
                "username: must be non-empty and free of ':' (HTTP Basic)".into(),
            ));
        }
        if b.username
            .chars()
            .chain(b.password.chars())
            .any(char::is_control)
        {
            return Err(ControlError::Invalid(
                "username, password: no control characters".into(),
            ));
        }
        Ok(b)
    });
    match parsed {
        Ok(b) => {
            shared.set_webhook_credentials(Some(super::WebhookCredentials {
                username: b.username.clone(),
                password: b.password,
            }));
            Json(json!({"username": b.username, "passwordSet": true})).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `DELETE /__control/webhook-credentials`: webhooks go out without credentials again.
async fn delete_webhook_credentials(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.set_webhook_credentials(None);
    StatusCode::NO_CONTENT
}

async fn get_webhooks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(serde_json::to_value(shared.deliveries()).unwrap_or(Value::Null))
}

async fn delete_webhooks(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared
        .deliveries
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clear();
    StatusCode::NO_CONTENT
}

async fn get_faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(serde_json::to_value(shared.faults.pending()).unwrap_or(Value::Null))
}

async fn post_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse_json::<Fault>(&body) {
        Ok(f) => {
            shared.faults.push(f);
            (
                StatusCode::CREATED,
                Json(serde_json::to_value(shared.faults.pending()).unwrap_or(Value::Null)),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn delete_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.faults.clear();
    StatusCode::NO_CONTENT
}
