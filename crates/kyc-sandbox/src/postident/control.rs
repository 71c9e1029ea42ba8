//! The control API under `{root}/postident/__control/...` (JSON over HTTP, mirrored by methods
//! on [`super::PostidentSandbox`]): moves identifications through the documented states, plays
//! whole outcomes as the user page does, expires cases, shows the webhook log and queues faults.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::api::ApiError;
use super::codes::{IdentStatus, Method};
use super::faults::Fault;
use super::machine::{self, DueWebhook};
use super::render::{self, View};
use super::state::{Case, Shared};

/// Why a control request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    /// No case with that id (HTTP 404).
    NotFound(String),
    /// The state machine does not allow it now, e.g. the case is closed (HTTP 409).
    Conflict(String),
    /// The request is not valid: undocumented status or code, bad field (HTTP 400).
    Invalid(String),
}

impl ControlError {
    pub(crate) fn from_api(e: ApiError) -> ControlError {
        match e.status {
            StatusCode::CONFLICT => ControlError::Conflict(e.message),
            StatusCode::NOT_FOUND => ControlError::NotFound(e.message),
            _ => ControlError::Invalid(e.message),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ControlError::NotFound(_) => StatusCode::NOT_FOUND,
            ControlError::Conflict(_) => StatusCode::CONFLICT,
            ControlError::Invalid(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlError::NotFound(m) => write!(f, "not found: {m}"),
            ControlError::Conflict(m) => write!(f, "conflict: {m}"),
            ControlError::Invalid(m) => write!(f, "invalid: {m}"),
        }
    }
}

impl std::error::Error for ControlError {}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match self {
            ControlError::NotFound(m) | ControlError::Conflict(m) | ControlError::Invalid(m) => m,
        };
        (
            status,
            Json(json!({"status": status.as_u16(), "message": message})),
        )
            .into_response()
    }
}

/// Sets a photo record's validation status (section 4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordValidation {
    /// Record type, e.g. `idfrontside`, `userface`, `dlbackside`.
    #[serde(rename = "type")]
    pub record_type: String,
    /// `unchecked`, `valid` or `invalid`.
    pub validation_status: String,
    /// With `invalid`: one of the documented sub-statuses, e.g. `too blurry`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_sub_status: Option<String>,
    /// Free text of the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_remark: Option<String>,
}

/// One state change of the identification of `method` in a case. The identification is created
/// when the case has none for that method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    /// The method whose identification changes.
    #[serde(with = "method_serde")]
    pub method: Method,
    /// The new identification status.
    #[serde(with = "status_serde")]
    pub status: IdentStatus,
    /// subStatus code (must be documented for the method and status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status: Option<u16>,
    /// subStatusReason code (must belong to the subStatus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status_reason: Option<u16>,
    /// Values the identification found differently from what was provided (status `change`):
    /// keys `firstName`, `lastName`, `birthName`, `birthDate`, `birthPlace`, `nationality`,
    /// `number`, `dateIssued`, `dateOfExpiry`, `authority`, `placeOfIssue`, `countryOfDocument`,
    /// `type`, `address.streetAddress`, `address.postalCode`, `address.city`, `address.country`,
    /// `address.appendix`, `email`, `mobilePhone`, `drivingLicence.<field>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub changed_fields: BTreeMap<String, String>,
    /// Photo record validation statuses to set (by record type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordValidation>,
    /// Skip every check against the documented tables (for testing clients with unknown values).
    #[serde(default)]
    pub undocumented: bool,
}

impl Transition {
    /// A transition to `status` without subStatus.
    pub fn new(method: Method, status: IdentStatus) -> Transition {
        Transition {
            method,
            status,
            sub_status: None,
            sub_status_reason: None,
            changed_fields: BTreeMap::new(),
            records: Vec::new(),
            undocumented: false,
        }
    }

    /// Sets the subStatus code.
    pub fn sub_status(mut self, code: u16) -> Transition {
        self.sub_status = Some(code);
        self
    }

    /// Sets the subStatusReason code.
    pub fn reason(mut self, code: u16) -> Transition {
        self.sub_status_reason = Some(code);
        self
    }

    /// Adds a changed field (see [`Transition::changed_fields`]).
    pub fn changed(mut self, key: &str, value: &str) -> Transition {
        self.changed_fields.insert(key.to_owned(), value.to_owned());
        self
    }
}

mod method_serde {
    use super::Method;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.as_str())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Method, D::Error> {
        let s = String::deserialize(d)?;
        Method::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown method {s:?}: one of autoid, basic, eid, photo, video"
            ))
        })
    }
}

mod status_serde {
    use super::IdentStatus;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(st: &IdentStatus, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(st.as_str())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<IdentStatus, D::Error> {
        Ok(IdentStatus::parse(&String::deserialize(d)?))
    }
}

/// A documented outcome played in one call (the user page buttons). Each runs through the
/// method's intermediate states, skipping those the identification already passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The user opens the method: `started`.
    Start,
    /// Basic: the user requests a coupon (`coupon requested`).
    CouponRequested,
    /// The user finished; an agent / the post office still has to decide (`review pending`).
    Review,
    /// Identified, all data as provided.
    Success,
    /// Identified, the address found differs from the provided one (status `change`).
    DataChanged,
    /// Declined for fraud suspicion (subStatus 11 with the method's typical reason).
    Fraud,
    /// Declined for abuse (subStatus 15; autoid, photo, video).
    Abuse,
    /// The attempt ended without a result; the user may resume (`incomplete`).
    Incomplete {
        /// subStatus (default: the method's "cancellation by user" or equivalent).
        #[serde(default, rename = "subStatus", skip_serializing_if = "Option::is_none")]
        sub_status: Option<u16>,
        /// subStatusReason.
        #[serde(
            default,
            rename = "subStatusReason",
            skip_serializing_if = "Option::is_none"
        )]
        sub_status_reason: Option<u16>,
    },
    /// AutoID only: the method is cancelled (94/900); the case closes when no method remains.
    Cancel,
}

/// The subStatus and subStatusReason an `incomplete` outcome gets when none is chosen: the
/// method's "cancellation by user" (photo, which has none, "document or person not clearly
/// identifiable"). The user page pre-selects the same codes.
pub(crate) fn default_incomplete_codes(method: Method) -> (u16, Option<u16>) {
    match method {
        Method::Autoid => (97, Some(800)),
        Method::Basic => (97, None),
        Method::Eid => (97, Some(975)),
        Method::Photo => (33, None),
        Method::Video => (97, Some(972)),
    }
}

fn has_review(method: Method) -> bool {
    !matches!(method, Method::Eid)
}

/// The transitions an outcome stands for, in order.
fn outcome_steps(method: Method, outcome: &Outcome) -> Result<Vec<Transition>, ControlError> {
    use IdentStatus as S;
    let t = |st: IdentStatus| Transition::new(method, st);
    let mut lead_in = vec![t(S::Started)];
    if method == Method::Basic {
        lead_in.push(t(S::CouponRequested));
    }
    let unsupported = |what: &str| {
        Err(ControlError::Invalid(format!(
            "outcome {what} is not documented for method {method}"
        )))
    };
    let steps = match outcome {
        Outcome::Start => vec![t(S::Started)],
        Outcome::CouponRequested => {
            if method != Method::Basic {
                return unsupported("coupon_requested");
            }
            lead_in
        }
        Outcome::Review => {
            if !has_review(method) {
                return unsupported("review");
            }
            lead_in.push(t(S::ReviewPending));
            lead_in
        }
        Outcome::Success | Outcome::DataChanged => {
            if has_review(method) {
                lead_in.push(t(S::ReviewPending));
            }
            let mut fin = t(S::Success);
            if *outcome == Outcome::DataChanged {
                fin = fin
                    .changed("address.streetAddress", "Neue Str. 5")
                    .changed("address.postalCode", "53113")
                    .changed("address.city", "Bonn");
            }
            lead_in.push(fin);
            lead_in
        }
        Outcome::Fraud => {
            match method {
                Method::Video => lead_in.push(t(S::ReviewPending).sub_status(11)),
                Method::Eid => {}
                _ => lead_in.push(t(S::ReviewPending)),
            }
            let fin = t(S::Declined).sub_status(11);
            lead_in.push(match method {
                Method::Autoid | Method::Video => fin.reason(110),
                Method::Basic => fin.reason(116),
                Method::Eid => fin.reason(122),
                Method::Photo => fin,
            });
            lead_in
        }
        Outcome::Abuse => {
            let fin = t(S::Declined).sub_status(15);
            match method {
                Method::Autoid => {
                    lead_in.push(t(S::ReviewPending));
                    lead_in.push(fin.reason(815));
                }
                Method::Photo => {
                    lead_in.push(t(S::ReviewPending));
                    lead_in.push(fin);
                }
                Method::Video => {
                    lead_in.push(t(S::ReviewPending).sub_status(15));
                    lead_in.push(fin);
                }
                _ => return unsupported("abuse"),
            }
            lead_in
        }
        Outcome::Incomplete {
            sub_status,
            sub_status_reason,
        } => {
            let (default_sub, default_reason) = default_incomplete_codes(method);
            let mut step = t(S::Incomplete).sub_status(sub_status.unwrap_or(default_sub));
            step.sub_status_reason = match (sub_status, sub_status_reason) {
                (_, Some(r)) => Some(*r),
                (None, None) => default_reason,
                (Some(_), None) => None,
            };
            lead_in.push(step);
            lead_in
        }
        Outcome::Cancel => {
            if method != Method::Autoid {
                return unsupported("cancel");
            }
            vec![t(S::Started), t(S::Cancelled).sub_status(94).reason(900)]
        }
    };
    Ok(steps)
}

fn find_case<'a>(
    cases: &'a mut std::collections::HashMap<String, std::collections::HashMap<String, Case>>,
    client: Option<&str>,
    case_id: &str,
) -> Result<&'a mut Case, ControlError> {
    let found = match client {
        Some(c) => cases.get_mut(c).and_then(|m| m.get_mut(case_id)),
        None => cases.values_mut().find_map(|m| m.get_mut(case_id)),
    };
    found.ok_or_else(|| ControlError::NotFound(format!("case {case_id}")))
}

const FULL_VIEW: View = View {
    full: true,
    status_only: false,
    include_pdf: true,
    include_binary: false,
};

/// Applies several transitions under one lock, then sends the due webhooks.
fn apply_all(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
    steps: &[Transition],
    skip_passed: bool,
) -> Result<Value, ControlError> {
    expire_due_cases(shared);
    let now = shared.now();
    let mut hooks: Vec<DueWebhook> = Vec::new();
    let result = (|| {
        let mut cases = shared.lock_cases();
        let case = find_case(&mut cases, client, case_id)?;
        let last = steps.len().saturating_sub(1);
        for (n, step) in steps.iter().enumerate() {
            if skip_passed && n < last {
                let current = case
                    .identifications
                    .iter()
                    .rev()
                    .find(|i| i.method == step.method)
                    .map(|i| i.status.progress());
                if current.is_some_and(|p| p >= step.status.progress()) {
                    continue;
                }
            }
            hooks.extend(machine::apply(shared, case, step, now)?);
            // A step that closed the case (the case URL was started too often) ends the
            // outcome: nothing can follow a closed case.
            if case.state == super::state::CaseState::Closed && n < last {
                break;
            }
        }
        Ok(render::case(shared, case, FULL_VIEW))
    })();
    // Steps applied before a refused one stay applied: their webhooks are still due.
    for h in hooks {
        super::webhooks::send(shared, h);
    }
    result
}

pub(crate) fn apply_transition(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
    t: &Transition,
) -> Result<Value, ControlError> {
    apply_all(shared, client, case_id, std::slice::from_ref(t), false)
}

pub(crate) fn apply_outcome(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
    method: Method,
    outcome: &Outcome,
) -> Result<Value, ControlError> {
    let steps = outcome_steps(method, outcome)?;
    apply_all(shared, client, case_id, &steps, true)
}

pub(crate) fn expire_now(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
) -> Result<Value, ControlError> {
    let now = shared.now();
    let (value, hooks) = {
        let mut cases = shared.lock_cases();
        let case = find_case(&mut cases, client, case_id)?;
        if case.state == super::state::CaseState::Closed {
            return Err(ControlError::Conflict(format!(
                "case {case_id} is already closed"
            )));
        }
        case.valid_until = now;
        case.expires_at = tokio::time::Instant::now();
        let hooks = machine::expire(shared, case, now);
        (render::case(shared, case, FULL_VIEW), hooks)
    };
    for h in hooks {
        super::webhooks::send(shared, h);
    }
    Ok(value)
}

/// Declines every case whose validity has passed (called before each read and by the sweeper).
pub(crate) fn expire_due_cases(shared: &Shared) {
    let now_real = tokio::time::Instant::now();
    let now = shared.now();
    let mut hooks = Vec::new();
    {
        let mut cases = shared.lock_cases();
        for client in cases.values_mut() {
            for case in client.values_mut() {
                if case.state != super::state::CaseState::Closed && case.expires_at <= now_real {
                    hooks.extend(machine::expire(shared, case, now));
                }
            }
        }
    }
    for h in hooks {
        super::webhooks::send(shared, h);
    }
}

/// Sends the case's webhook again now (the same `{caseId, referenceId}` body).
pub(crate) fn resend_webhook(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
) -> Result<(), ControlError> {
    let due = {
        let mut cases = shared.lock_cases();
        let case = find_case(&mut cases, client, case_id)?;
        machine::resend(case)
            .ok_or_else(|| ControlError::Conflict(format!("case {case_id} has no webHookUrl")))?
    };
    super::webhooks::send(shared, due);
    Ok(())
}

/// Removes the case's webhook URLs and stops the deliveries to them not made yet.
pub(crate) fn remove_webhook(
    shared: &Shared,
    client: Option<&str>,
    case_id: &str,
) -> Result<(), ControlError> {
    {
        let mut cases = shared.lock_cases();
        let case = find_case(&mut cases, client, case_id)?;
        if let Some(Value::Object(pd)) = case.order.get_mut("processData") {
            pd.remove("webHookUrl");
            pd.remove("webHookUrlPartner");
        }
    }
    shared.cancel_webhooks(case_id);
    Ok(())
}

pub(crate) fn case_json(shared: &Shared, client: Option<&str>, case_id: &str) -> Option<Value> {
    let mut cases = shared.lock_cases();
    let case = find_case(&mut cases, client, case_id).ok()?;
    Some(render::case(
        shared,
        case,
        View {
            include_binary: true,
            ..FULL_VIEW
        },
    ))
}

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
    let result =
        parse_json::<Transition>(&body).and_then(|t| apply_transition(&shared, None, &case_id, &t));
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
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
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
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
    match expire_now(&shared, None, &case_id) {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
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
