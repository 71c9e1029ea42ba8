//! The state machine: applies a [`Transition`] to a case (validated against the documented
//! tables in [`super::codes`]), recomputes the case status (closed on a final result, or when
//! every configured method is cancelled, or on expiry), produces result data and records for
//! final results, and reports which webhooks are due.

use serde_json::{json, Map};

use super::codes::{self, IdentStatus, Method, StatusType};
use super::control::{ControlError, Transition};
use super::records::{
    add_records, default_photo_validation, fill_result_data, new_identification,
    validate_record_validation,
};
use super::state::{Case, CaseState, Identification, Shared, Timestamp};

/// A webhook that a state change made due (sent after the case lock is released).
#[derive(Debug, Clone)]
pub(crate) struct DueWebhook {
    pub case_id: String,
    pub reference_id: String,
    pub urls: Vec<String>,
    pub status: String,
    /// `notification`, `preliminary`, `final`, `cancelled`, or `resent` (control API).
    pub status_type: &'static str,
}

impl DueWebhook {
    /// The webhook of `case` reporting `status` with `status_type`; None when the case has no
    /// webhook URL.
    fn of(case: &Case, status: String, status_type: &'static str) -> Option<DueWebhook> {
        let urls = case.webhook_urls();
        if urls.is_empty() {
            return None;
        }
        Some(DueWebhook {
            case_id: case.case_id.clone(),
            reference_id: case.reference_id.clone(),
            urls,
            status,
            status_type,
        })
    }
}

fn due(
    shared: &Shared,
    case: &Case,
    ident: &Identification,
    st: Option<StatusType>,
) -> Option<DueWebhook> {
    let st = st?;
    if !shared.options.webhook_status_types.contains(&st) {
        return None;
    }
    DueWebhook::of(case, ident.status.as_str().to_owned(), st.as_str())
}

/// Applies `t` to `case`. On success returns the webhook that became due, if any.
pub(crate) fn apply(
    shared: &Shared,
    case: &mut Case,
    t: &Transition,
    now: Timestamp,
) -> Result<Option<DueWebhook>, ControlError> {
    let strict = !t.undocumented;
    if strict && case.state == CaseState::Closed {
        return Err(ControlError::Conflict(format!(
            "case {} is closed and cannot be restarted",
            case.case_id
        )));
    }
    if strict && !shared.options.methods.contains(&t.method) {
        return Err(ControlError::Conflict(format!(
            "method {} is not configured for this account",
            t.method
        )));
    }
    let existing = case
        .identifications
        .iter()
        .rposition(|i| i.method == t.method);
    if strict {
        if let Some(idx) = existing {
            let cur = &case.identifications[idx].status;
            if cur.is_final() || *cur == IdentStatus::Cancelled {
                return Err(ControlError::Conflict(format!(
                    "the {} identification is '{}' and cannot change any more",
                    t.method,
                    cur.as_str()
                )));
            }
        }
    }
    let documented = match codes::lookup(t.method, &t.status, t.sub_status, t.sub_status_reason) {
        Ok(d) => d,
        Err(e) if strict => return Err(ControlError::Invalid(e)),
        Err(_) => codes::DocumentedState {
            status_type: match t.status {
                IdentStatus::Success | IdentStatus::Declined => Some(StatusType::Final),
                IdentStatus::Cancelled => Some(StatusType::Cancelled),
                _ => None,
            },
            sub_status: t
                .sub_status
                .map(|c| (c, codes::describe(t.method, c).unwrap_or("undocumented"))),
            reason: t
                .sub_status_reason
                .map(|c| (c, codes::describe(t.method, c).unwrap_or("undocumented"))),
            result_data: t.status.is_final(),
        },
    };
    for r in &t.records {
        validate_record_validation(r)?;
    }

    // Each (re)start through the case URL counts: a new identification, a resume after
    // `incomplete`, `started` again. One start too many declines with subStatus 12.
    let previous = existing.map(|idx| case.identifications[idx].status.clone());
    let is_start = match &previous {
        None => true,
        Some(IdentStatus::Incomplete) => true,
        Some(IdentStatus::Started) => t.status == IdentStatus::Started,
        Some(_) => false,
    };
    if strict && is_start {
        case.starts += 1;
        if shared
            .options
            .case_start_limit
            .is_some_and(|limit| case.starts > limit)
        {
            return Ok(decline_started_too_often(
                shared, case, t.method, existing, now,
            ));
        }
    }

    let idx = existing.unwrap_or_else(|| add_identification(case, t.method, now));
    let class = shared.options.regulatory_class;
    let order = case.order.clone();
    let case_id = case.case_id.clone();
    {
        let ident = &mut case.identifications[idx];
        ident.status = t.status.clone();
        ident.sub_status = documented.sub_status;
        ident.sub_status_reason = documented.reason;
        ident.modified = now;
        if t.status.is_final() {
            ident.identification_time = Some(now);
        }
        if t.status == IdentStatus::CouponRequested {
            let mut basic = Map::new();
            basic.insert("couponDownloadCount".into(), json!(1));
            basic.insert(
                "couponDownloadLastTimestamp".into(),
                json!(super::state::format_ts(&now)),
            );
            ident.additional = Some(("additionalDataBasic", basic));
        }
        if documented.result_data {
            fill_result_data(
                ident,
                &order,
                &t.changed_fields,
                class,
                shared.options.address_check,
                now,
            );
            add_records(shared, ident, &case_id, class, true);
        } else if t.method == Method::Photo
            && matches!(
                t.status,
                IdentStatus::ReviewPending | IdentStatus::Incomplete
            )
        {
            add_records(shared, ident, &case_id, class, false);
        }
        if t.method == Method::Photo {
            default_photo_validation(ident);
            for r in &t.records {
                for rec in ident
                    .records
                    .iter_mut()
                    .filter(|rec| rec.record_type == r.record_type)
                {
                    rec.validation_status = Some(r.validation_status.clone());
                    rec.validation_sub_status = r.validation_sub_status.clone();
                    rec.validation_remark = r.validation_remark.clone();
                }
            }
        }
    }
    recompute_case_state(shared, case, now);
    let ident = &case.identifications[idx];
    Ok(due(shared, case, ident, documented.status_type))
}

/// Starts a new identification of `method` in the case; returns its index.
fn add_identification(case: &mut Case, method: Method, now: Timestamp) -> usize {
    let seq = case.identifications.len() as u32;
    case.identifications
        .push(new_identification(method, now, seq));
    case.identifications.len() - 1
}

/// Declines an identification with subStatus 12 "Operation valid time frame exceeded (case
/// ID)": the guide's code for an expired case id and for a case URL started too often.
fn decline_case_id_expired(ident: &mut Identification, now: Timestamp) {
    ident.status = IdentStatus::Declined;
    ident.sub_status = Some((12, "Operation valid time frame exceeded (case ID)"));
    ident.sub_status_reason = None;
    ident.modified = now;
    ident.identification_time = Some(now);
}

/// Closed when an identification is final or every configured method is cancelled.
fn recompute_case_state(shared: &Shared, case: &mut Case, now: Timestamp) {
    let any_final = case.identifications.iter().any(|i| i.status.is_final());
    let configured = &shared.options.methods;
    let all_cancelled = !configured.is_empty()
        && configured.iter().all(|m| {
            case.identifications
                .iter()
                .any(|i| i.method == *m && i.status == IdentStatus::Cancelled)
        });
    let new_state = if any_final || all_cancelled {
        CaseState::Closed
    } else if case.identifications.is_empty() {
        CaseState::New
    } else {
        CaseState::InProgress
    };
    if new_state == CaseState::Closed && case.state != CaseState::Closed {
        case.closed_at = Some(now);
    }
    case.state = new_state;
    case.modified = now;
}

/// A webhook for the case's current state, whatever the status type settings say (control
/// API: deliver the same notification again). None when the case has no webhook URL.
pub(crate) fn resend(case: &Case) -> Option<DueWebhook> {
    let status = case
        .primary()
        .map(|p| p.status.as_str().to_owned())
        .unwrap_or_else(|| case.state.as_str().to_owned());
    DueWebhook::of(case, status, "resent")
}

/// Declines every open identification with subStatus 12 (creating one with the first
/// configured, not cancelled method when the case has none) and closes the case.
pub(crate) fn expire(shared: &Shared, case: &mut Case, now: Timestamp) -> Vec<DueWebhook> {
    if case.state == CaseState::Closed {
        return Vec::new();
    }
    let mut open: Vec<usize> = case
        .identifications
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.status.is_final() && i.status != IdentStatus::Cancelled)
        .map(|(n, _)| n)
        .collect();
    if open.is_empty() {
        let method = shared
            .options
            .methods
            .iter()
            .copied()
            .find(|m| {
                !case
                    .identifications
                    .iter()
                    .any(|i| i.method == *m && i.status == IdentStatus::Cancelled)
            })
            .or_else(|| shared.options.methods.first().copied())
            .unwrap_or(Method::Video);
        open.push(add_identification(case, method, now));
    }
    let mut hooks = Vec::new();
    for idx in open {
        decline_case_id_expired(&mut case.identifications[idx], now);
    }
    recompute_case_state(shared, case, now);
    if let Some(primary) = case.primary() {
        hooks.extend(due(shared, case, primary, Some(StatusType::Final)));
    }
    hooks
}

/// The case URL was started once more than the account allows: the identification of `method`
/// (created if needed) is declined with subStatus 12 "Operation valid time frame exceeded (case
/// ID)" — the guide's code for an expired case id *or* a case URL started too often — and the
/// case closes.
fn decline_started_too_often(
    shared: &Shared,
    case: &mut Case,
    method: Method,
    existing: Option<usize>,
    now: Timestamp,
) -> Option<DueWebhook> {
    let idx = existing.unwrap_or_else(|| add_identification(case, method, now));
    decline_case_id_expired(&mut case.identifications[idx], now);
    recompute_case_state(shared, case, now);
    let ident = &case.identifications[idx];
    due(shared, case, ident, Some(StatusType::Final))
}
