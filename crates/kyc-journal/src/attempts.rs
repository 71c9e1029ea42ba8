//! The attempt trail of a case, as the bank API in `solaris-idnow-attempts.md` shows it: every
//! attempt with a stable id, its result and reasons, times, and the payload that reported it.
//!
//! * **IDnow** reports only the latest attempt of an ident, so the trail is built from what the
//!   webhooks (and reconciliation's reads) said. Each distinct event is kept once in
//!   `kyc_events`, keyed by the provider's result, reason and `identificationtime` (a
//!   redelivered webhook is the same event). The events, ordered by time (the provider's
//!   `identificationtime`, else the whole second in which the journal first saw the event), then
//!   arrival, are cut
//!   into *passes* of the user by [`passes`]: ABORTED and CANCELED end a pass and the ident is
//!   reused for the next; a REALTIME preliminary result and the FINAL that follows are one pass;
//!   a FINAL or CANCELED right after a FINAL is a re-review of that pass. Each pass is one
//!   attempt; its payload is the body of the event that reported its current result, and every
//!   body of the pass is listed in its `payloads`.
//! * **POSTIDENT** reports every identification of a case in its full result: each is an attempt
//!   (one per method), stored with the case version that reported it.
//!
//! Attempt ids are derived, not counted: IDnow `sha256(provider:case id, key of the pass's
//! first-received event)`, POSTIDENT `sha256(provider:case id, method)`, so every instance
//! computes the same id and a late event never renames an attempt that already had one.

use crate::error::{JournalError, Result};
use crate::intake::sha256_hex;
use crate::store::{now_micros, to_timestamp, Journal};
use kyc_core::webhook::{WebhookEvent, WebhookNotice};
use kyc_core::{Attempt, Case, IdentMethod, RawJson};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// One event for `kyc_events`.
#[derive(Debug, Clone)]
pub(crate) struct EventRecord {
    pub key: String,
    pub kind: String,
    pub time: Option<i64>,
    pub attempt_json: String,
}

/// The kind of an IDnow event, as the trail needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The user started a pass (START).
    Started,
    /// A preliminary result (REALTIME: REVIEW_PENDING, CHECK_PENDING, FRAUD_SUSPICION_PENDING).
    Realtime,
    /// The user aborted (ABORTED).
    Aborted,
    /// The attempt was cancelled (CANCELED).
    Canceled,
    /// A final result (FINAL), also a re-review.
    Final,
    /// Anything else.
    Other,
}

impl EventKind {
    fn name(self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::Realtime => "realtime",
            EventKind::Aborted => "aborted",
            EventKind::Canceled => "canceled",
            EventKind::Final => "final",
            EventKind::Other => "other",
        }
    }

    fn from_name(name: &str) -> EventKind {
        match name {
            "started" => EventKind::Started,
            "realtime" => EventKind::Realtime,
            "aborted" => EventKind::Aborted,
            "canceled" => EventKind::Canceled,
            "final" => EventKind::Final,
            _ => EventKind::Other,
        }
    }

    fn from_webhook(event: &WebhookEvent) -> EventKind {
        match event {
            WebhookEvent::Started => EventKind::Started,
            WebhookEvent::Realtime => EventKind::Realtime,
            WebhookEvent::Aborted => EventKind::Aborted,
            WebhookEvent::Canceled => EventKind::Canceled,
            WebhookEvent::Final => EventKind::Final,
            _ => EventKind::Other,
        }
    }

    /// The kind of an IDnow result word, for bodies read rather than pushed.
    pub(crate) fn from_result_word(word: &str) -> EventKind {
        match word.to_ascii_uppercase().as_str() {
            "START" => EventKind::Started,
            "ABORTED" => EventKind::Aborted,
            "CANCELED" | "CANCELLED" => EventKind::Canceled,
            "REVIEW_PENDING" | "CHECK_PENDING" | "FRAUD_SUSPICION_PENDING" => EventKind::Realtime,
            "SUCCESS" | "SUCCESS_DATA_CHANGED" | "FRAUD_SUSPICION_CONFIRMED" => EventKind::Final,
            _ => EventKind::Other,
        }
    }
}

/// The event an IDnow webhook reports, or `None` when it carries no case.
pub(crate) fn idnow_event(notice: &WebhookNotice) -> Option<EventRecord> {
    let case = notice.case().ok().flatten()?;
    Some(event_of(case, EventKind::from_webhook(&notice.event)))
}

/// The event an IDnow case read from the API reports (reconciliation).
pub(crate) fn idnow_event_of_read(case: &Case) -> Option<EventRecord> {
    if case.raw.is_null() {
        return None;
    }
    Some(event_of(
        case,
        EventKind::from_result_word(&case.provider_status),
    ))
}

fn event_of(case: &Case, kind: EventKind) -> EventRecord {
    let reasons: Vec<&str> = case.reasons.iter().map(|r| r.code.as_str()).collect();
    let time = case.last_changed();
    let key_text = format!(
        "{}|{}|{}",
        case.provider_status,
        reasons.join(","),
        time.map(|t| t.to_rfc3339()).unwrap_or_default()
    );
    let mut attempt = case.attempts.first().cloned().unwrap_or_else(|| {
        let mut a = Attempt::new(
            IdentMethod::AutoIdent,
            case.status.clone(),
            case.provider_status.clone(),
        );
        a.reasons = case.reasons.clone();
        a.finished_at = time;
        a
    });
    attempt.raw = RawJson::null();
    attempt.id = None;
    EventRecord {
        key: sha256_hex(key_text.as_bytes()),
        kind: kind.name().to_string(),
        time: time.map(|t| t.timestamp_micros()),
        attempt_json: serde_json::to_string(&attempt).unwrap_or_default(),
    }
}

/// One event of an IDnow ident, as [`passes`] reads it.
#[derive(Debug, Clone)]
pub struct TrailEvent {
    /// The event's identity (result, reason, time).
    pub key: String,
    /// What it was.
    pub kind: EventKind,
    /// Its time: the provider's, else when the journal first saw it (Unix microseconds).
    pub time: i64,
    /// Arrival order: the id of the notice that first brought it.
    pub seq: i64,
}

/// One pass of the user: indices into the sorted events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    /// The events of the pass, in order.
    pub events: Vec<usize>,
    /// The kind of the event that ended it, while it is ended.
    pub ended_by: Option<EventKind>,
}

/// Sorts `events` by time, then arrival, and cuts them into passes (see the module docs); an
/// attempt is a pass that produced a result, so START events belong to none. Returns the sorted
/// events and the passes as indices into them.
pub fn passes(mut events: Vec<TrailEvent>) -> (Vec<TrailEvent>, Vec<Pass>) {
    events.sort_by_key(|e| (e.time, e.seq));
    let mut passes: Vec<Pass> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if e.kind == EventKind::Started {
            // Every START of an ident has the same body (no time, no result): one event for all
            // passes, so it cannot tell passes apart. The user being in a pass right now shows
            // in the case's status (`in_progress`), not as an attempt.
            continue;
        }
        let open = passes.last().is_some_and(|p| p.ended_by.is_none());
        let after_final = passes
            .last()
            .is_some_and(|p| p.ended_by == Some(EventKind::Final));
        let ends = matches!(
            e.kind,
            EventKind::Aborted | EventKind::Canceled | EventKind::Final
        );
        let revision = matches!(e.kind, EventKind::Canceled | EventKind::Final) && after_final;
        if open || revision {
            let p = passes.last_mut().expect("a last pass exists");
            p.events.push(i);
            if ends {
                p.ended_by = Some(e.kind);
            }
        } else {
            passes.push(Pass {
                events: vec![i],
                ended_by: ends.then_some(e.kind),
            });
        }
    }
    (events, passes)
}

/// A payload that reported something about an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadRef {
    /// The journal's id of the notice (webhook, or read by reconciliation) that carried it.
    pub notice_id: i64,
    /// What it reported (`started`, `realtime`, `aborted`, `canceled`, `final`).
    pub event: String,
    /// The provider's result word in it.
    pub result: String,
    /// When the journal first received it.
    pub received_at: kyc_core::Timestamp,
}

/// `case` names the case (`provider:case id`, else the journal's row): ids are unique across
/// journals, not only within one.
fn attempt_id(case: &str, anchor: &str) -> String {
    let h = sha256_hex(format!("{case}|{anchor}").as_bytes());
    format!("att_{}", &h[..24])
}

fn case_key(provider: &str, case_id: Option<&str>, case_row: i64) -> String {
    match case_id {
        Some(id) => format!("{provider}:{id}"),
        None => format!("{provider}:row{case_row}"),
    }
}

fn method_name(method: &IdentMethod) -> String {
    match method {
        IdentMethod::Unknown(raw) => raw.clone(),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

impl Journal {
    /// Recomputes the IDnow attempt trail of a case from its events (inside the caller's
    /// transaction, with the case row locked).
    pub(crate) async fn rebuild_idnow_attempts(
        &self,
        conn: &mut AnyConnection,
        case_row: i64,
    ) -> Result<usize> {
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT event_key, kind, event_time, seen_at, attempt_json, notice_id \
             FROM kyc_events WHERE case_row = $1",
        )
        .bind(case_row)
        .fetch_all(&mut *conn)
        .await
        .map_err(JournalError::db("read events"))?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut attempts_json = std::collections::HashMap::new();
        let mut seen = std::collections::HashMap::new();
        let events: Vec<TrailEvent> = rows
            .iter()
            .map(|r| {
                let key: String = r.get("event_key");
                let event_time: Option<i64> = r.get("event_time");
                let seen_at: i64 = r.get("seen_at");
                attempts_json.insert(key.clone(), r.get::<String, _>("attempt_json"));
                seen.insert(key.clone(), seen_at);
                TrailEvent {
                    kind: EventKind::from_name(&r.get::<String, _>("kind")),
                    // The provider writes whole seconds: a time of our own is compared at the
                    // same precision, and arrival decides within the second.
                    time: event_time.unwrap_or(seen_at - seen_at.rem_euclid(1_000_000)),
                    seq: r.get("notice_id"),
                    key,
                }
            })
            .collect();
        let (events, passes) = passes(events);
        let ids: AnyRow = sqlx::query("SELECT provider, case_id FROM kyc_cases WHERE id = $1")
            .bind(case_row)
            .fetch_one(&mut *conn)
            .await
            .map_err(JournalError::db("read case"))?;
        let case_key = case_key(
            &ids.get::<String, _>("provider"),
            ids.get::<Option<String>, _>("case_id").as_deref(),
            case_row,
        );
        sqlx::query("DELETE FROM kyc_attempts WHERE case_row = $1")
            .bind(case_row)
            .execute(&mut *conn)
            .await
            .map_err(JournalError::db("replace attempts"))?;
        let now = now_micros();
        for (ordinal, pass) in passes.iter().enumerate() {
            let anchor = pass
                .events
                .iter()
                .map(|&i| &events[i])
                .min_by_key(|e| e.seq)
                .expect("a pass has events");
            let first = &events[pass.events[0]];
            let last = &events[*pass.events.last().expect("a pass has events")];
            let mut attempt: Attempt = serde_json::from_str(&attempts_json[&last.key])
                .map_err(|e| JournalError::corrupt("attempt", e))?;
            attempt.started_at = attempt.started_at.or(Some(to_timestamp(first.time)));
            if pass.ended_by.is_none() {
                attempt.finished_at = None;
            }
            let payloads: Vec<PayloadRef> = pass
                .events
                .iter()
                .map(|&i| {
                    let e = &events[i];
                    let a: Option<Attempt> = serde_json::from_str(&attempts_json[&e.key]).ok();
                    PayloadRef {
                        notice_id: e.seq,
                        event: e.kind.name().to_string(),
                        result: a.map(|a| a.provider_status).unwrap_or_default(),
                        received_at: to_timestamp(seen[&e.key]),
                    }
                })
                .collect();
            sqlx::query(
                "INSERT INTO kyc_attempts (id, case_row, ordinal, method, status, attempt_json, \
                 payload, payload_notice_id, payloads_json, started_at, finished_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10, $11)",
            )
            .bind(attempt_id(&case_key, &anchor.key))
            .bind(case_row)
            .bind(ordinal as i64)
            .bind(method_name(&attempt.method))
            .bind(attempt.status.name())
            .bind(serde_json::to_string(&attempt).unwrap_or_default())
            .bind(last.seq)
            .bind(serde_json::to_string(&payloads).unwrap_or_default())
            .bind(attempt.started_at.map(|t| t.timestamp_micros()))
            .bind(attempt.finished_at.map(|t| t.timestamp_micros()))
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(JournalError::db("store attempt"))?;
        }
        Ok(passes.len())
    }

    /// Stores the attempts a POSTIDENT case version reports (every identification of the full
    /// result), inside the caller's transaction.
    pub(crate) async fn store_reported_attempts(
        &self,
        conn: &mut AnyConnection,
        case_row: i64,
        case: &Case,
    ) -> Result<()> {
        if case.attempts.is_empty() {
            return Ok(());
        }
        let mut order: Vec<(usize, &Attempt)> = case.attempts.iter().enumerate().collect();
        order.sort_by_key(|(i, a)| (a.started_at.map(|t| t.timestamp_micros()), *i));
        sqlx::query("DELETE FROM kyc_attempts WHERE case_row = $1")
            .bind(case_row)
            .execute(&mut *conn)
            .await
            .map_err(JournalError::db("replace attempts"))?;
        let now = now_micros();
        let case_key = case_key(
            case.case_ref.provider.name(),
            case.case_ref.case_id.as_deref(),
            case_row,
        );
        for (ordinal, (_, attempt)) in order.into_iter().enumerate() {
            let method = method_name(&attempt.method);
            let id = attempt
                .id
                .clone()
                .unwrap_or_else(|| attempt_id(&case_key, &format!("method:{method}")));
            let mut stripped = attempt.clone();
            stripped.raw = RawJson::null();
            stripped.id = None;
            let payload = (!attempt.raw.is_null()).then(|| attempt.raw.as_str().to_owned());
            sqlx::query(
                "INSERT INTO kyc_attempts (id, case_row, ordinal, method, status, attempt_json, \
                 payload, payload_notice_id, payloads_json, started_at, finished_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, '[]', $8, $9, $10) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(case_row)
            .bind(ordinal as i64)
            .bind(method)
            .bind(attempt.status.name())
            .bind(serde_json::to_string(&stripped).unwrap_or_default())
            .bind(payload)
            .bind(attempt.started_at.map(|t| t.timestamp_micros()))
            .bind(attempt.finished_at.map(|t| t.timestamp_micros()))
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(JournalError::db("store attempt"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn ev(key: &str, kind: EventKind, time: i64, seq: i64) -> TrailEvent {
        TrailEvent {
            key: key.into(),
            kind,
            time,
            seq,
        }
    }

    fn shape(events: Vec<TrailEvent>) -> Vec<Vec<String>> {
        let (sorted, passes) = passes(events);
        passes
            .iter()
            .map(|p| p.events.iter().map(|&i| sorted[i].key.clone()).collect())
            .collect()
    }

    #[test]
    fn aborted_cancelled_then_succeeded_is_three_passes() {
        let got = shape(vec![
            ev("s1", Started, 10, 1),
            ev("a1", Aborted, 11, 2),
            ev("c1", Canceled, 30, 4),
            ev("r1", Realtime, 40, 5),
            ev("f1", Final, 50, 6),
        ]);
        assert_eq!(got, vec![vec!["a1"], vec!["c1"], vec!["r1", "f1"]]);
    }

    #[test]
    fn arrival_order_does_not_matter_when_times_are_known() {
        let a = shape(vec![
            ev("f1", Final, 50, 1),
            ev("r1", Realtime, 40, 2),
            ev("c1", Canceled, 30, 3),
            ev("a1", Aborted, 11, 4),
        ]);
        assert_eq!(a, vec![vec!["a1"], vec!["c1"], vec!["r1", "f1"]]);
    }

    #[test]
    fn a_re_review_or_cancellation_after_a_final_stays_in_its_pass() {
        let got = shape(vec![
            ev("f1", Final, 50, 1),
            ev("f2", Final, 60, 2),
            ev("c1", Canceled, 70, 3),
            ev("s2", Started, 80, 4),
            ev("f3", Final, 90, 5),
        ]);
        assert_eq!(got, vec![vec!["f1", "f2", "c1"], vec!["f3"]]);
    }

    #[test]
    fn a_start_alone_is_no_attempt_and_an_abort_after_a_final_is_a_new_pass() {
        assert!(shape(vec![ev("s1", Started, 10, 1)]).is_empty());
        let got = shape(vec![
            ev("f1", Final, 5, 1),
            ev("s1", Started, 9, 2),
            ev("a1", Aborted, 10, 3),
        ]);
        assert_eq!(got, vec![vec!["f1"], vec!["a1"]]);
    }

    #[test]
    fn ids_follow_the_first_received_event_of_a_pass() {
        assert_eq!(
            attempt_id("idnow:TST-A", "k"),
            attempt_id("idnow:TST-A", "k")
        );
        assert_ne!(
            attempt_id("idnow:TST-A", "k"),
            attempt_id("idnow:TST-B", "k")
        );
        assert!(attempt_id("idnow:TST-A", "k").starts_with("att_"));
    }
}
