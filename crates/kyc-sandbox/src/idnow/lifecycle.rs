//! The user's and the agent's side of an ident: start, abort, results, re-review. The control
//! API, the user page and the test robot all go through these functions, and each state change
//! queues the matching webhook (START, ABORTED, REALTIME, FINAL, CANCELED).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::ident_json;
use super::state::{FieldChange, Ident, Status, Store, WebhookTarget};
use super::validation::{ADDRESS_FIELDS, USER_FIELDS};
use super::webhooks::{self, Job};
use super::Shared;

/// Why a control action was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// The company is not configured.
    #[error("unknown company {0:?}")]
    UnknownCompany(String),
    /// No ident with this transaction number (or it was deleted).
    #[error("no ident with transaction number {0:?}")]
    UnknownIdent(String),
    /// The ident is not in a state that allows the action.
    #[error("{0}")]
    InvalidState(String),
    /// The request itself is wrong (unknown field, bad URL, ...).
    #[error("{0}")]
    InvalidInput(String),
}

/// How the user starts the identification.
#[derive(Clone, Default, Deserialize, Serialize)]
pub struct UserStart {
    /// `WEB` (default) or `APP`: the channel reported in `identificationprocess.type`.
    #[serde(rename = "type", default)]
    pub channel: Option<String>,
    /// A binding key the SDK sends; later served by `GET .../bindingKey`.
    #[serde(rename = "bindingKey", alias = "binding_key", default)]
    pub binding_key: Option<String>,
    /// Whether the document chip was read by NFC (reported as `wasnfcused`).
    #[serde(default)]
    pub nfc: Option<bool>,
}

redacted_debug!(UserStart {
    channel,
    binding_key(secret_if_set),
    nfc,
});

/// A result set by the agent, the reviewer or the robot.
#[derive(Clone, Default, Deserialize, Serialize)]
pub struct Outcome {
    /// The result word: SUCCESS, SUCCESS_DATA_CHANGED, REVIEW_PENDING, CHECK_PENDING,
    /// FRAUD_SUSPICION_PENDING, FRAUD_SUSPICION_CONFIRMED, CANCELED, ABORTED (or any other word,
    /// kept verbatim).
    pub result: String,
    /// The reason code (fraud, cancel or abort reason), verbatim.
    #[serde(default)]
    pub reason: Option<String>,
    /// Changed user data: field name (`firstname`, `birthday`, `street`, ...) -> new value.
    #[serde(default)]
    pub changes: BTreeMap<String, String>,
    /// `identificationprocess.agentname` (the robot uses `TROBOT`).
    #[serde(default, rename = "agentname", alias = "agent_name")]
    pub agent_name: Option<String>,
    /// Proof-of-address result (`poaresult`: SUCCESS, SUCCESS_DATA_CHANGED or CANCELED); adds
    /// `additionaldocuments` (a utility bill with the address sent) and its image.
    #[serde(default, rename = "poaresult", alias = "poa_result")]
    pub poa_result: Option<String>,
    /// The document the user showed: IDCARD (default), PASSPORT, DRIVERS_LICENSE (adds
    /// `driverlicenses`) or RESIDENCE_PERMIT.
    #[serde(default, rename = "documenttype", alias = "document_type")]
    pub document_type: Option<String>,
    /// `identificationdocument` fields (`number`, `validuntil`, `issuedby`, `dateissued`,
    /// `country`) to report with status `REDACTION` and no value.
    #[serde(default)]
    pub redact: Vec<String>,
}

impl Outcome {
    /// An outcome with a result and a reason.
    pub fn new(result: &str, reason: Option<&str>) -> Outcome {
        Outcome {
            result: result.to_string(),
            reason: reason.map(str::to_string),
            ..Outcome::default()
        }
    }
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outcome")
            .field("result", &self.result)
            .field("reason", &self.reason)
            .field("changed_fields", &self.changes.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The simulator's view of one ident.
#[derive(Clone, Serialize)]
pub struct IdentSnapshot {
    /// The IdentID (`TST-ABCDE`).
    pub ident_id: String,
    /// The transaction number as the company sent it.
    pub transaction_number: String,
    /// The shortname.
    pub company: String,
    /// `CREATED` before the user started, otherwise the `identificationprocess.result` word.
    pub status: String,
    /// The reason code of the current result.
    pub reason: Option<String>,
    /// How many attempts the user started.
    pub attempts: u32,
    /// Whether the ident was archived.
    pub archived: bool,
    /// The mobile number as IDnow dials it (for the SMS step): the number sent with `+49`
    /// assumed when it has no country code (Create Ident, `mobilePhone`). `contactdata` keeps
    /// the number as sent.
    pub mobile_number_dialled: Option<String>,
    /// Bumped on every change.
    pub version: u64,
    /// The GET ident JSON (absent before the user started).
    pub body: Option<serde_json::Value>,
}

redacted_debug!(IdentSnapshot {
    ident_id,
    status,
    reason,
    attempts,
    archived,
    mobile_number_dialled(secret_if_set),
    version,
    ..
});

pub(crate) fn now() -> chrono::DateTime<FixedOffset> {
    Utc::now().fixed_offset()
}

pub(crate) fn snapshot(shared: &Shared, company: &str, txn: &str) -> Option<IdentSnapshot> {
    let store = shared.store();
    let ident = store.ident(company, txn)?;
    let definitions = &store.companies.get(company)?.definitions;
    Some(IdentSnapshot {
        ident_id: ident.ident_id.clone(),
        transaction_number: ident.transaction_number.clone(),
        company: ident.company.clone(),
        status: ident.status.result_word().unwrap_or("CREATED").to_string(),
        reason: ident.reason.clone(),
        attempts: ident.attempts,
        archived: ident.archived,
        mobile_number_dialled: ident
            .data
            .get("mobilephone")
            .map(|m| super::validation::dialled_number(m)),
        version: ident.version,
        body: ident
            .status
            .result_word()
            .map(|_| ident_json::render_json(ident, definitions)),
    })
}

/// Refuses webhook targets inside a control API: a webhook posted to
/// `/__control/webhooks/{id}/redeliver` would deliver itself again, forever.
fn check_webhook_target(target: &WebhookTarget) -> Result<(), ControlError> {
    // Percent-encoded too (`/%5F%5Fcontrol/...`), one rule with the POSTIDENT half: a proxy in
    // front of the sandbox may decode it.
    if crate::targets_control_api(&target.url) {
        return Err(ControlError::InvalidInput(
            "the webhook URL points into a sandbox control API (/__control/...); webhooks must \
             go to the receiver under test"
                .to_string(),
        ));
    }
    Ok(())
}

pub(crate) fn set_webhook(
    shared: &Shared,
    company: &str,
    target: Option<WebhookTarget>,
) -> Result<(), ControlError> {
    if let Some(t) = &target {
        check_webhook_target(t)?;
    }
    let mut store = shared.store();
    let c = store
        .companies
        .get_mut(company)
        .ok_or_else(|| ControlError::UnknownCompany(company.to_string()))?;
    c.webhook = target;
    Ok(())
}

/// Finds the ident, applies `change`, and queues the webhook of the new state.
fn change_ident(
    shared: &Arc<Shared>,
    company: &str,
    txn: &str,
    change: impl FnOnce(&mut Ident) -> Result<Vec<Status>, ControlError>,
) -> Result<(), ControlError> {
    let mut jobs = Vec::new();
    let robot_to_schedule;
    let in_flow_version;
    {
        let mut store = shared.store();
        if !store.companies.contains_key(company) {
            return Err(ControlError::UnknownCompany(company.to_string()));
        }
        let ident = store
            .ident_mut(company, txn)
            .ok_or_else(|| ControlError::UnknownIdent(txn.to_string()))?;
        let visited = change(ident)?;
        // Each status reached gets its webhook; the body shows the state at that moment.
        let final_ident = ident.clone();
        let needs_robot = matches!(final_ident.status, Status::Started)
            && !final_ident.robot_scheduled
            && final_ident.robot_scenario().is_some();
        if needs_robot {
            if let Some(i) = store.ident_mut(company, txn) {
                i.robot_scheduled = true;
            }
        }
        robot_to_schedule = needs_robot;
        in_flow_version = (final_ident.status == Status::Started).then_some(final_ident.version);
        jobs.extend(webhook_jobs(&store, &final_ident, visited));
    }
    for job in jobs {
        webhooks::enqueue(shared, job);
    }
    if robot_to_schedule {
        super::robot::schedule(shared, company, txn, false);
    }
    if let Some(version) = in_flow_version {
        schedule_inactivity_abort(shared, company, txn, version);
    }
    Ok(())
}

/// After `IdnowOptions::inactivity_timeout` (scaled) without any change, a user still in the
/// flow is aborted: ABORTED webhook, no reason (the user chose none). Any change in between
/// (a result, an abort, another start) bumps the version and cancels this one.
fn schedule_inactivity_abort(shared: &Arc<Shared>, company: &str, txn: &str, version: u64) {
    let Some(timeout) = shared.options.inactivity_timeout else {
        return;
    };
    let weak = Arc::downgrade(shared);
    let clock = shared.clock;
    let (company, txn) = (company.to_string(), txn.to_string());
    tokio::spawn(async move {
        clock.sleep(timeout).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let _ = change_ident(&shared, &company, &txn, |ident| {
            if ident.status != Status::Started || ident.version != version {
                return Err(ControlError::InvalidState(
                    "the user acted meanwhile".into(),
                ));
            }
            enter(ident, Status::Aborted, None);
            Ok(vec![Status::Aborted])
        });
    });
}

/// After `IdnowOptions::ident_lifetime` (scaled) from its creation the ident is deleted,
/// whatever its state: reads answer 404 like for a deleted ident, the transaction number stays
/// used. No webhook is sent.
pub(crate) fn schedule_expiry(shared: &Arc<Shared>, company: &str, txn: &str, ident_id: &str) {
    let Some(lifetime) = shared.options.ident_lifetime else {
        return;
    };
    let weak = Arc::downgrade(shared);
    let clock = shared.clock;
    let (company, key, ident_id) = (
        company.to_string(),
        txn.to_ascii_lowercase(),
        ident_id.to_string(),
    );
    tokio::spawn(async move {
        clock.sleep(lifetime).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let mut store = shared.store();
        let same = store
            .companies
            .get(&company)
            .and_then(|c| c.idents.get(&key))
            .is_some_and(|i| i.ident_id == ident_id);
        if same {
            if let Some(c) = store.companies.get_mut(&company) {
                c.idents.remove(&key);
            }
            store.ident_ids.remove(&ident_id);
            tracing::debug!(%ident_id, "sandbox IDnow ident reached its lifetime and was deleted");
        }
    });
}

/// The webhook jobs for an ident that went through `visited` (last = current state).
fn webhook_jobs(store: &Store, ident: &Ident, visited: Vec<Status>) -> Vec<Job> {
    let Some(company) = store.companies.get(&ident.company) else {
        return Vec::new();
    };
    let Some(target) = company.webhook.clone() else {
        return Vec::new();
    };
    let count = visited.len();
    visited
        .into_iter()
        .enumerate()
        .map(|(i, status)| {
            let mut view = ident.clone();
            if i + 1 < count {
                // An intermediate state (e.g. the implicit START before a result).
                view.status = status.clone();
                view.reason = None;
                view.previous_result = None;
                view.identification_time = None;
                view.version = ident.version - (count - 1 - i) as u64;
            }
            Job {
                company: ident.company.clone(),
                transaction_key: ident.key(),
                transaction_number: ident.transaction_number.clone(),
                ident_id: ident.ident_id.clone(),
                webhook_type: status.webhook_type().to_string(),
                result: status.result_word().map(str::to_string),
                version: view.version,
                body: ident_json::render_json(&view, &company.definitions),
                target: target.clone(),
                retry: true,
            }
        })
        .collect()
}

/// Moves an ident to `status`, bumping its version. A result gets an `identificationtime`
/// after every earlier one of the ident (at least one second later, the precision IDnow
/// reports), so that a withdrawal or re-review is ordered after what it replaces.
fn enter(ident: &mut Ident, status: Status, reason: Option<String>) {
    let timed = !matches!(status, Status::Started | Status::Aborted | Status::Created);
    ident.status = status;
    ident.reason = reason;
    ident.identification_time = if timed {
        // Whole seconds: what the JSON reports, so that two results never report one time.
        let now = chrono::Timelike::with_nanosecond(&now(), 0).unwrap_or_else(now);
        let time = match ident.last_identification_time {
            Some(last) if now <= last => last + chrono::Duration::seconds(1),
            _ => now,
        };
        ident.last_identification_time = Some(time);
        Some(time)
    } else {
        None
    };
    ident.version += 1;
}

fn start_attempt(ident: &mut Ident, start: &UserStart) -> Result<(), ControlError> {
    if !ident.status.user_may_start() {
        let why = match &ident.status {
            Status::Started => "the user is already in the identification flow".to_string(),
            s if s.is_pending() => {
                "the ident is under review; the user cannot start another attempt".to_string()
            }
            s => format!(
                "the ident is finished ({}); it cannot be started again",
                s.result_word().unwrap_or_default()
            ),
        };
        return Err(ControlError::InvalidState(why));
    }
    let channel = start
        .channel
        .as_deref()
        .unwrap_or("WEB")
        .to_ascii_uppercase();
    if channel != "WEB" && channel != "APP" {
        return Err(ControlError::InvalidInput(
            "type must be WEB or APP".to_string(),
        ));
    }
    ident.channel = channel;
    if start.binding_key.is_some() {
        ident.binding_key = start.binding_key.clone();
    }
    if start.nfc.is_some() {
        ident.nfc_used = start.nfc;
    }
    ident.attempts += 1;
    ident.previous_result = None;
    ident.changes.clear();
    ident.reviewed = false;
    ident.agent_name = None;
    ident.poa_result = None;
    ident.document_type = None;
    ident.redacted.clear();
    enter(ident, Status::Started, None);
    Ok(())
}

pub(crate) fn user_start(
    shared: &Arc<Shared>,
    company: &str,
    txn: &str,
    start: &UserStart,
) -> Result<(), ControlError> {
    change_ident(shared, company, txn, |ident| {
        start_attempt(ident, start)?;
        Ok(vec![Status::Started])
    })
}

pub(crate) fn user_abort(
    shared: &Arc<Shared>,
    company: &str,
    txn: &str,
    reason: Option<&str>,
) -> Result<(), ControlError> {
    change_ident(shared, company, txn, |ident| {
        if ident.status != Status::Started {
            return Err(ControlError::InvalidState(
                "only an ident the user is in (START) can be aborted".to_string(),
            ));
        }
        let reason = reason
            .unwrap_or("USER_CANCELLATION_IDENTIFY_LATER")
            .to_string();
        enter(ident, Status::Aborted, Some(reason));
        Ok(vec![Status::Aborted])
    })
}

const POA_RESULTS: &[&str] = &["SUCCESS", "SUCCESS_DATA_CHANGED", "CANCELED"];
const REDACTABLE: &[&str] = &["number", "validuntil", "issuedby", "dateissued", "country"];
const DOCUMENT_TYPES: &[&str] = &["IDCARD", "PASSPORT", "DRIVERS_LICENSE", "RESIDENCE_PERMIT"];

/// Checks an outcome's fields before anything changes.
fn check_outcome(outcome: &Outcome) -> Result<(), ControlError> {
    for field in outcome.changes.keys() {
        if !USER_FIELDS.contains(&field.as_str()) && !ADDRESS_FIELDS.contains(&field.as_str()) {
            return Err(ControlError::InvalidInput(format!(
                "cannot change {field:?}: changeable fields are {} and {}",
                USER_FIELDS.join(", "),
                ADDRESS_FIELDS.join(", ")
            )));
        }
    }
    // Words compared in upper case: `name` must be one of `allowed` when given.
    let one_of = |name: &str, value: &Option<String>, allowed: &[&str]| match value {
        Some(v) if !allowed.contains(&v.to_ascii_uppercase().as_str()) => Err(
            ControlError::InvalidInput(format!("{name} is one of {}", allowed.join(", "))),
        ),
        _ => Ok(()),
    };
    one_of("poaresult", &outcome.poa_result, POA_RESULTS)?;
    one_of("documenttype", &outcome.document_type, DOCUMENT_TYPES)?;
    for field in &outcome.redact {
        if !REDACTABLE.contains(&field.as_str()) {
            return Err(ControlError::InvalidInput(format!(
                "redact names identificationdocument fields: {}",
                REDACTABLE.join(", ")
            )));
        }
    }
    Ok(())
}

/// Takes over the agent name, proof-of-address result and document type of a checked outcome.
fn apply_readout(ident: &mut Ident, outcome: &Outcome) {
    if outcome.agent_name.is_some() {
        ident.agent_name = outcome.agent_name.clone();
    }
    if let Some(poa) = &outcome.poa_result {
        ident.poa_result = Some(poa.to_ascii_uppercase());
    }
    if let Some(kind) = &outcome.document_type {
        ident.document_type = Some(kind.to_ascii_uppercase());
    }
    if !outcome.redact.is_empty() {
        ident.redacted = outcome.redact.clone();
    }
}

/// The value the ident currently reports for a field (after earlier changes).
fn current_value(ident: &Ident, field: &str) -> Option<String> {
    ident
        .changes
        .get(field)
        .map(|c| c.value.clone())
        .or_else(|| ident.data.get(field).cloned())
}

fn apply_changes(ident: &mut Ident, changes: &BTreeMap<String, String>, in_review: bool) {
    for (field, value) in changes {
        let before_review = if in_review {
            Some(current_value(ident, field).unwrap_or_default())
        } else {
            None
        };
        ident.changes.insert(
            field.clone(),
            FieldChange {
                value: value.clone(),
                before_review,
            },
        );
    }
}

/// SUCCESS_DATA_CHANGED without explicit changes: the last name gets a corrected spelling.
fn default_changes(ident: &Ident) -> BTreeMap<String, String> {
    let lastname = ident
        .data
        .get("lastname")
        .cloned()
        .unwrap_or_else(|| "MUSTERMAN".to_string());
    BTreeMap::from([(
        "lastname".to_string(),
        format!("{}N", lastname.to_uppercase()),
    )])
}

/// The status an outcome asks for: its result word, where SUCCESS with changes is
/// SUCCESS_DATA_CHANGED ("If a field is marked with CHANGE, the result will always be
/// SUCCESS_DATA_CHANGED").
fn target_status(outcome: &Outcome) -> Result<Status, ControlError> {
    check_outcome(outcome)?;
    let target = Status::from_result_word(&outcome.result);
    if target == Status::Success && !outcome.changes.is_empty() {
        return Ok(Status::SuccessDataChanged);
    }
    Ok(target)
}

pub(crate) fn set_result(
    shared: &Arc<Shared>,
    company: &str,
    txn: &str,
    outcome: &Outcome,
) -> Result<(), ControlError> {
    let target = target_status(outcome)?;
    if target == Status::Created {
        return Err(ControlError::InvalidInput(
            "CREATED is not a result".to_string(),
        ));
    }
    if target == Status::Started {
        return user_start(shared, company, txn, &UserStart::default());
    }
    if target == Status::Aborted {
        return user_abort(shared, company, txn, outcome.reason.as_deref());
    }
    change_ident(shared, company, txn, |ident| {
        if ident.status.is_finished() {
            return Err(ControlError::InvalidState(
                "the ident is finished; use review to change a final result".to_string(),
            ));
        }
        let mut visited = Vec::new();
        if ident.status.user_may_start() {
            start_attempt(ident, &UserStart::default())?;
            visited.push(Status::Started);
        }
        let in_review = ident.status.is_pending();
        let previous = match ident.status {
            Status::ReviewPending | Status::FraudSuspicionPending => {
                ident.status.result_word().map(str::to_string)
            }
            _ => None,
        };
        let changes = if target == Status::SuccessDataChanged && outcome.changes.is_empty() {
            default_changes(ident)
        } else {
            outcome.changes.clone()
        };
        apply_changes(ident, &changes, in_review);
        if in_review {
            ident.reviewed = true;
        }
        if target.is_finished() || target == Status::Canceled {
            ident.previous_result = previous;
        }
        apply_readout(ident, outcome);
        if matches!(target, Status::Success | Status::SuccessDataChanged)
            && !ident.documents.is_empty()
        {
            ident.documents_signed = true;
        }
        enter(ident, target.clone(), outcome.reason.clone());
        visited.push(target);
        Ok(visited)
    })
}

pub(crate) fn review(
    shared: &Arc<Shared>,
    company: &str,
    txn: &str,
    outcome: &Outcome,
) -> Result<(), ControlError> {
    let target = target_status(outcome)?;
    if !target.is_finished() && target != Status::Canceled {
        return Err(ControlError::InvalidInput(
            "a re-review sets SUCCESS, SUCCESS_DATA_CHANGED, FRAUD_SUSPICION_CONFIRMED or CANCELED"
                .to_string(),
        ));
    }
    change_ident(shared, company, txn, |ident| {
        if !ident.status.is_finished() {
            return Err(ControlError::InvalidState(
                "only a finished ident can be re-reviewed; use result".to_string(),
            ));
        }
        let changes = if target == Status::SuccessDataChanged
            && outcome.changes.is_empty()
            && ident.changes.is_empty()
        {
            default_changes(ident)
        } else {
            outcome.changes.clone()
        };
        apply_changes(ident, &changes, true);
        if target == Status::Success {
            ident.changes.clear();
        }
        ident.reviewed = true;
        apply_readout(ident, outcome);
        enter(ident, target.clone(), outcome.reason.clone());
        Ok(vec![target])
    })
}
