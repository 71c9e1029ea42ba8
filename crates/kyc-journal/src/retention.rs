//! Personal data: raw payloads and identity data are kept for the retention period
//! (GwG-style: 5 years by default), then purged; the status trail and the reasons stay. One
//! person's data can be erased on request.
//!
//! What a purge removes, per case: the stored `Case` of every version (identity, raw payload),
//! the body of every notice, the payload and the circumstances (`details`) of every attempt.
//! What stays: ids, statuses, the provider's status words and reason codes, times, the event of
//! each notice, the order and results of the attempts.

use crate::error::{JournalError, Result};
use crate::store::{commit, micros, now_micros, Journal};
use kyc_core::{Attempt, Provider, RawJson};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Empties the stored `Case` of the case row `$2` and stamps it purged at `$1`.
const PURGE_CASE: &str = "UPDATE kyc_cases SET case_json = NULL, purged_at = $1 WHERE id = $2";

/// Empties the bodies of the notices of the case row `$2`, stamping them purged at `$1`.
const PURGE_NOTICES: &str =
    "UPDATE kyc_notices SET body = NULL, purged_at = $1 WHERE case_row = $2 AND body IS NOT NULL";

/// What a purge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReport {
    /// Cases whose personal data was removed.
    pub cases: u64,
    /// Notice bodies removed.
    pub notices: u64,
    /// Attempt payloads removed.
    pub attempts: u64,
}

impl Journal {
    /// Purges the personal data of every case whose last change is older than the retention
    /// period ([`JournalOptions::retention`](crate::JournalOptions)), keeping the status trail
    /// and the reasons. Cases with notices still waiting are left for later.
    pub async fn purge_expired(&self) -> Result<PurgeReport> {
        let cutoff = now_micros() - micros(self.options().retention);
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT c.id FROM kyc_cases c WHERE c.purged_at IS NULL AND c.updated_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM kyc_notices n WHERE n.case_row = c.id \
             AND n.state IN ('pending', 'retry', 'resolving'))",
        )
        .bind(cutoff)
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("select cases to purge"))?;
        let mut report = PurgeReport::default();
        for r in rows {
            let one = self.purge_case_row(r.get("id")).await?;
            report.cases += one.cases;
            report.notices += one.notices;
            report.attempts += one.attempts;
        }
        Ok(report)
    }

    /// Erases the personal data of one case now (a person's request), by case id or reference;
    /// the status trail stays. `None` when the journal does not know the case.
    pub async fn erase(&self, provider: Provider, key: &str) -> Result<Option<PurgeReport>> {
        match self.find_case_row(provider, key).await? {
            Some(row) => self.purge_case_row(row).await.map(Some),
            None => Ok(None),
        }
    }

    async fn purge_case_row(&self, case_row: i64) -> Result<PurgeReport> {
        let now = now_micros();
        let mut tx = self.begin("begin purge").await?;
        let cases = stamp_purged(&mut tx, PURGE_CASE, now, case_row, "purge case").await?;
        sqlx::query("UPDATE kyc_case_versions SET case_json = NULL WHERE case_row = $1")
            .bind(case_row)
            .execute(&mut *tx)
            .await
            .map_err(JournalError::db("purge case versions"))?;
        let notices = stamp_purged(&mut tx, PURGE_NOTICES, now, case_row, "purge notices").await?;
        let mut attempts =
            attempts_without_details(&mut tx, "kyc_attempts", "id", case_row, "read attempts")
                .await?;
        for (id, attempt) in &mut attempts {
            attempt.raw = RawJson::null();
            sqlx::query("UPDATE kyc_attempts SET payload = NULL, attempt_json = $1 WHERE id = $2")
                .bind(serde_json::to_string(&attempt).unwrap_or_default())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(JournalError::db("purge attempt"))?;
        }
        let events =
            attempts_without_details(&mut tx, "kyc_events", "event_key", case_row, "read events")
                .await?;
        for (event_key, attempt) in &events {
            sqlx::query(
                "UPDATE kyc_events SET attempt_json = $1 WHERE case_row = $2 AND event_key = $3",
            )
            .bind(serde_json::to_string(attempt).unwrap_or_default())
            .bind(case_row)
            .bind(event_key.as_str())
            .execute(&mut *tx)
            .await
            .map_err(JournalError::db("purge event"))?;
        }
        commit(tx, "commit purge").await?;
        tracing::info!(
            case_row,
            notices,
            attempts = attempts.len(),
            "personal data purged"
        );
        Ok(PurgeReport {
            cases,
            notices,
            attempts: attempts.len() as u64,
        })
    }
}

/// Runs `update` (such as [`PURGE_CASE`]) with `$1` the purge time `now` and `$2` the case row;
/// the number of rows it changed. `what` names the update in errors.
async fn stamp_purged(
    conn: &mut AnyConnection,
    update: &'static str,
    now: i64,
    case_row: i64,
    what: &'static str,
) -> Result<u64> {
    Ok(sqlx::query(update)
        .bind(now)
        .bind(case_row)
        .execute(&mut *conn)
        .await
        .map_err(JournalError::db(what))?
        .rows_affected())
}

/// The attempts (`attempt_json`) that the rows of `table` for `case_row` hold, each with the
/// row's `key` column and stripped of its circumstances (`details`); `what` names the read in
/// errors.
async fn attempts_without_details(
    conn: &mut AnyConnection,
    table: &'static str,
    key: &'static str,
    case_row: i64,
    what: &'static str,
) -> Result<Vec<(String, Attempt)>> {
    let rows: Vec<AnyRow> = sqlx::query(&format!(
        "SELECT {key}, attempt_json FROM {table} WHERE case_row = $1"
    ))
    .bind(case_row)
    .fetch_all(&mut *conn)
    .await
    .map_err(JournalError::db(what))?;
    rows.iter()
        .map(|row| {
            let mut attempt: Attempt = serde_json::from_str(&row.get::<String, _>("attempt_json"))
                .map_err(|e| JournalError::corrupt("attempt", e))?;
            attempt.details = Default::default();
            Ok((row.get::<String, _>(key), attempt))
        })
        .collect()
}
