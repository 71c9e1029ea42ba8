//! The read side: cases, one case, its attempts and its notices, with cursor pagination.

use crate::attempts::PayloadRef;
use crate::error::{JournalError, Result};
use crate::store::{to_timestamp, Journal};
use kyc_core::{Attempt, Case, CaseStatus, Provider, Reason, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::str::FromStr;

/// At most this many items per page.
pub const MAX_PAGE: u32 = 500;

/// One page of a list, and the cursor of the next page (absent on the last one).
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass this as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Which cases [`Journal::cases`] lists. `Default`: every case, oldest first, 50 per page.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct CaseQuery {
    /// Only this provider's cases.
    pub provider: Option<Provider>,
    /// Only cases in this status (`approved`, `review_pending`, …).
    pub status: Option<String>,
    /// Only cases that have a parked notice.
    #[serde(default)]
    pub parked: bool,
    /// The page size (default 50, at most [`MAX_PAGE`]).
    pub limit: Option<u32>,
    /// Where to continue (the previous page's `next_cursor`).
    pub cursor: Option<String>,
}

/// What the journal knows about a case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    /// The provider.
    pub provider: Provider,
    /// The provider's case id.
    pub case_id: Option<String>,
    /// The caller's reference.
    pub reference: Option<String>,
    /// The current status (flattened: `status`, `fraud_suspected`, `data_changed`).
    #[serde(flatten)]
    pub status: CaseStatus,
    /// The provider's own status words of the current version.
    pub provider_status: String,
    /// Why the case stands where it does.
    pub reasons: Vec<Reason>,
    /// The current version (0: known from a notice or a create, not resolved yet).
    pub version: i64,
    /// When the journal first heard of the case.
    pub first_seen_at: Timestamp,
    /// When the journal last stored something about it.
    pub updated_at: Timestamp,
    /// When the provider last changed it.
    pub last_changed_at: Option<Timestamp>,
    /// Notices of the case waiting for resolution (pending or retrying).
    pub waiting_notices: i64,
    /// Notices of the case that are parked (see `kyc journal replay`).
    pub parked_notices: i64,
    /// When the personal data of this case was purged (retention or erasure).
    pub purged_at: Option<Timestamp>,
    /// The current version as the provider reported it; `None` before the first version and
    /// after a purge. Holds personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
}

/// One attempt of a case, in the shape of the bank API in `solaris-idnow-attempts.md`
/// (`id`, `result`, `reason`, `payload`) plus the neutral view. Its `Debug` shows no payload
/// (personal data): only whether there is one.
#[derive(Clone, Serialize)]
pub struct AttemptRecord {
    /// The attempt's stable id.
    pub id: String,
    /// The provider's result word (`SUCCESS`, `ABORTED`, `closed/success` …).
    pub result: String,
    /// The provider's reason code, when the attempt has one.
    pub reason: Option<String>,
    /// The payload that reported the attempt's current result, verbatim (IDnow: the webhook
    /// body; POSTIDENT: the identification of the full result). `None` after a purge.
    pub payload: Option<serde_json::Value>,
    /// Every payload of the attempt, oldest first (IDnow: e.g. the REALTIME preliminary result
    /// and the FINAL), by notice.
    pub payloads: Vec<PayloadRef>,
    /// The position in the case's trail (0 = the first attempt).
    pub ordinal: i64,
    /// The neutral attempt (method, status, reasons, times, details). Its `raw` is the payload.
    pub attempt: Attempt,
}

kyc_core::redacted_debug!(AttemptRecord {
    shown: [id, result, reason, payloads, ordinal, attempt],
    redacted: [payload],
});

/// One stored notice, without its body.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeRecord {
    /// The notice's id.
    pub id: i64,
    /// The provider.
    pub provider: Provider,
    /// The case id the notice named.
    pub case_id: Option<String>,
    /// The reference the notice named.
    pub reference: Option<String>,
    /// `webhook` or `read` (a body reconciliation read).
    pub source: String,
    /// The event (`started`, `final`, `status_changed`, …).
    pub event: String,
    /// `pending`, `resolving`, `retry`, `done`, `parked` or `merged`.
    pub state: String,
    /// How often it was delivered (redeliveries while it waited are counted here).
    pub deliveries: i64,
    /// Resolution tries so far.
    pub tries: i64,
    /// The last resolution error, if any.
    pub last_error: Option<String>,
    /// When it was first received.
    pub received_at: Timestamp,
    /// The peer address it came from.
    pub peer: Option<String>,
    /// The body's length in bytes (the body itself: [`Journal::notice_body`]).
    pub body_len: i64,
}

fn page_size(limit: Option<u32>) -> i64 {
    i64::from(limit.unwrap_or(50).clamp(1, MAX_PAGE))
}

fn cursor_value(cursor: &Option<String>) -> Result<i64> {
    match cursor.as_deref() {
        None | Some("") => Ok(-1),
        Some(c) => c
            .strip_prefix('c')
            .and_then(|n| n.parse::<i64>().ok())
            .ok_or_else(|| {
                JournalError::Provider(kyc_core::Error::invalid_input(vec![
                    kyc_core::FieldViolation::new("cursor", "a cursor this journal returned"),
                ]))
            }),
    }
}

fn cursor_of(last: i64) -> String {
    format!("c{last}")
}

/// One page from `rows`, fetched with `LIMIT limit + 1`: the first `limit` rows as items, and
/// when the extra row came, the cursor of the last item (its `cursor_column`).
fn page<T>(
    rows: Vec<AnyRow>,
    limit: i64,
    cursor_column: &str,
    item: impl FnMut(&AnyRow) -> Result<T>,
) -> Result<Page<T>> {
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_cursor = more
        .then(|| rows.last().map(|r| cursor_of(r.get(cursor_column))))
        .flatten();
    Ok(Page {
        items: rows.iter().map(item).collect::<Result<_>>()?,
        next_cursor,
    })
}

fn case_record(row: &AnyRow, with_case: bool) -> Result<CaseRecord> {
    let provider = Provider::from_str(&row.get::<String, _>("provider"))
        .map_err(|e| JournalError::corrupt("provider", e))?;
    let status_json: serde_json::Value = serde_json::from_str(&row.get::<String, _>("status_json"))
        .map_err(|e| JournalError::corrupt("status", e))?;
    let status: CaseStatus = serde_json::from_value(status_json.clone())
        .map_err(|e| JournalError::corrupt("status", e))?;
    let reasons: Vec<Reason> =
        serde_json::from_value(status_json["reasons"].clone()).unwrap_or_default();
    let case = if with_case {
        row.get::<Option<String>, _>("case_json")
            .map(|j| serde_json::from_str::<Case>(&j))
            .transpose()
            .map_err(|e| JournalError::corrupt("case", e))?
    } else {
        None
    };
    Ok(CaseRecord {
        provider,
        case_id: row.get("case_id"),
        reference: row.get("reference"),
        status,
        provider_status: status_json["provider_status"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        reasons,
        version: row.get("version"),
        first_seen_at: to_timestamp(row.get("created_at")),
        updated_at: to_timestamp(row.get("updated_at")),
        last_changed_at: row
            .get::<Option<i64>, _>("last_changed_at")
            .map(to_timestamp),
        waiting_notices: row.get("waiting"),
        parked_notices: row.get("parked"),
        purged_at: row.get::<Option<i64>, _>("purged_at").map(to_timestamp),
        case,
    })
}

fn attempt_record(r: &AnyRow) -> Result<AttemptRecord> {
    let mut attempt: Attempt = serde_json::from_str(&r.get::<String, _>("attempt_json"))
        .map_err(|e| JournalError::corrupt("attempt", e))?;
    let id: String = r.get("id");
    let payload: Option<serde_json::Value> = match (
        r.get::<Option<String>, _>("payload"),
        r.get::<Option<Vec<u8>>, _>("body"),
    ) {
        (Some(text), _) => serde_json::from_str(&text).ok(),
        (None, Some(body)) => serde_json::from_slice(&body).ok(),
        (None, None) => None,
    };
    attempt.id = Some(id.clone());
    attempt.raw = payload.clone().unwrap_or_default().into();
    Ok(AttemptRecord {
        id,
        result: attempt.provider_status.clone(),
        reason: attempt.reasons.first().map(|r| r.code.clone()),
        payload,
        payloads: serde_json::from_str(&r.get::<String, _>("payloads_json")).unwrap_or_default(),
        ordinal: r.get("ordinal"),
        attempt,
    })
}

fn notice_record(r: &AnyRow) -> Result<NoticeRecord> {
    Ok(NoticeRecord {
        id: r.get("id"),
        provider: Provider::from_str(&r.get::<String, _>("provider"))
            .map_err(|e| JournalError::corrupt("provider", e))?,
        case_id: r.get("case_id"),
        reference: r.get("reference"),
        source: r.get("source"),
        event: r.get("event"),
        state: r.get("state"),
        deliveries: r.get("deliveries"),
        tries: r.get("tries"),
        last_error: r.get("last_error"),
        received_at: to_timestamp(r.get("received_at")),
        peer: r.get("peer"),
        body_len: r.get("body_len"),
    })
}

const CASE_COLUMNS: &str = "c.id, c.provider, c.case_id, c.reference, c.status_json, c.version, \
    c.created_at, c.updated_at, c.last_changed_at, c.purged_at, c.case_json, \
    (SELECT COUNT(*) FROM kyc_notices n WHERE n.case_row = c.id AND n.state IN ('pending', 'retry', 'resolving')) AS waiting, \
    (SELECT COUNT(*) FROM kyc_notices n WHERE n.case_row = c.id AND n.state = 'parked') AS parked";

impl Journal {
    /// Lists cases, oldest first (by when the journal first heard of them).
    pub async fn cases(&self, query: &CaseQuery) -> Result<Page<CaseRecord>> {
        let limit = page_size(query.limit);
        let after = cursor_value(&query.cursor)?;
        let rows: Vec<AnyRow> = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM kyc_cases c WHERE c.id > $1 \
             AND ($2 IS NULL OR c.provider = $2) AND ($3 IS NULL OR c.status = $3) \
             AND ($4 = 0 OR EXISTS (SELECT 1 FROM kyc_notices p WHERE p.case_row = c.id AND p.state = 'parked')) \
             ORDER BY c.id LIMIT $5"
        ))
        .bind(after)
        .bind(query.provider.map(|p| p.name()))
        .bind(query.status.clone())
        .bind(i64::from(query.parked))
        .bind(limit + 1)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("list cases"))?;
        page(rows, limit, "id", |r| case_record(r, false))
    }

    /// One case by its case id or reference (`key` may be either), with its current version.
    pub async fn case(&self, provider: Provider, key: &str) -> Result<Option<CaseRecord>> {
        let Some(row_id) = self.find_case_row(provider, key).await? else {
            return Ok(None);
        };
        let row: AnyRow = sqlx::query(&format!(
            "SELECT {CASE_COLUMNS} FROM kyc_cases c WHERE c.id = $1"
        ))
        .bind(row_id)
        .fetch_one(&self.inner.pool)
        .await
        .map_err(JournalError::db("read case"))?;
        case_record(&row, true).map(Some)
    }

    /// The attempts of a case (by case id or reference), in order: time, then arrival.
    /// `None` when the journal does not know the case.
    pub async fn attempts(
        &self,
        provider: Provider,
        key: &str,
        cursor: Option<String>,
        limit: Option<u32>,
    ) -> Result<Option<Page<AttemptRecord>>> {
        let Some(case_row) = self.find_case_row(provider, key).await? else {
            return Ok(None);
        };
        let limit = page_size(limit);
        let after = cursor_value(&cursor)?;
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT a.id, a.ordinal, a.attempt_json, a.payload, a.payloads_json, n.body \
             FROM kyc_attempts a LEFT JOIN kyc_notices n ON n.id = a.payload_notice_id \
             WHERE a.case_row = $1 AND a.ordinal > $2 ORDER BY a.ordinal LIMIT $3",
        )
        .bind(case_row)
        .bind(after)
        .bind(limit + 1)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("list attempts"))?;
        page(rows, limit, "ordinal", attempt_record).map(Some)
    }

    /// Notices in a state (`parked`, `pending`, …; every state when `None`), oldest first.
    pub async fn notices(
        &self,
        state: Option<&str>,
        cursor: Option<String>,
        limit: Option<u32>,
    ) -> Result<Page<NoticeRecord>> {
        let limit = page_size(limit);
        let after = cursor_value(&cursor)?;
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT id, provider, case_id, reference, source, event, state, deliveries, tries, \
             last_error, received_at, peer, body_len FROM kyc_notices \
             WHERE id > $1 AND ($2 IS NULL OR state = $2) ORDER BY id LIMIT $3",
        )
        .bind(after)
        .bind(state.map(str::to_string))
        .bind(limit + 1)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("list notices"))?;
        page(rows, limit, "id", notice_record)
    }

    /// The body of a notice exactly as received (`None` after a purge). Holds personal data.
    pub async fn notice_body(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let row: Option<AnyRow> = sqlx::query("SELECT body FROM kyc_notices WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.inner.pool)
            .await
            .map_err(JournalError::db("read notice"))?;
        Ok(row.and_then(|r| r.get("body")))
    }

    /// Counts of notices per state, for health checks and tests.
    pub async fn notice_counts(&self) -> Result<std::collections::BTreeMap<String, i64>> {
        let rows: Vec<AnyRow> =
            sqlx::query("SELECT state, COUNT(*) AS n FROM kyc_notices GROUP BY state")
                .fetch_all(&self.inner.pool)
                .await
                .map_err(JournalError::db("count notices"))?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>("state"), r.get::<i64, _>("n")))
            .collect())
    }

    /// Puts parked notices back to work (all when `ids` is empty): they are tried again at
    /// once, with a fresh count of tries. Returns how many.
    pub async fn replay(&self, ids: &[i64]) -> Result<u64> {
        let now = crate::store::now_micros();
        let ids: Vec<i64> = if ids.is_empty() {
            sqlx::query_scalar("SELECT id FROM kyc_notices WHERE state = 'parked' ORDER BY id")
                .fetch_all(&self.inner.pool)
                .await
                .map_err(JournalError::db("list parked notices"))?
        } else {
            ids.to_vec()
        };
        let mut total = 0;
        // One at a time, oldest first: two parked notices with the same body for the same case
        // (a redelivery parked beside its twin) may not both wait (the dedupe index); the later
        // one is settled as a duplicate of the one that waits, whose resolution covers it.
        for id in ids {
            let revived = sqlx::query(
                "UPDATE kyc_notices SET state = 'retry', tries = 0, next_attempt_at = $1 \
                 WHERE state = 'parked' AND id = $2 AND NOT EXISTS (\
                   SELECT 1 FROM kyc_notices w WHERE w.case_row = kyc_notices.case_row \
                   AND w.body_sha256 = kyc_notices.body_sha256 \
                   AND w.state IN ('pending', 'retry'))",
            )
            .bind(now)
            .bind(id)
            .execute(&self.inner.pool)
            .await
            .map_err(JournalError::db("replay notice"))?
            .rows_affected();
            if revived == 0 {
                sqlx::query(
                    "UPDATE kyc_notices SET state = 'done', \
                     last_error = 'replayed: the same body for this case is already waiting' \
                     WHERE state = 'parked' AND id = $1",
                )
                .bind(id)
                .execute(&self.inner.pool)
                .await
                .map_err(JournalError::db("settle a duplicate parked notice"))?;
            }
            total += revived;
        }
        self.inner.appended.notify_waiters();
        Ok(total)
    }
}
