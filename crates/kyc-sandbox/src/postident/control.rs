//! The control API under `{root}/postident/__control/...` (JSON over HTTP, mirrored by methods
//! on [`super::PostidentSandbox`]): moves identifications through the documented states, plays
//! whole outcomes as the user page does, expires cases, shows the webhook log and queues faults.

use std::collections::BTreeMap;
use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::api::ApiError;
use super::codes::{IdentStatus, Method};
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
