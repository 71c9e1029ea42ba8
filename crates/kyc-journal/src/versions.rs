//! The current state of a case with compare-and-set: a resolved [`Case`] becomes a new version
//! only if it supersedes the stored one, atomically, so instances resolving notices of one case
//! in any order converge on the same state.

use crate::error::{JournalError, Result};
use crate::store::{commit, now_micros, status_json, to_timestamp, Journal};
use kyc_core::{Case, CaseRef, CaseStatus, Provider};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// What storing a case did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    /// Stored as this new version.
    Stored {
        /// The new version number (1 = the first).
        version: i64,
    },
    /// The stored version is the same case; nothing written.
    Unchanged,
    /// The stored version supersedes this one (a late or preliminary notice); kept as it was.
    Stale,
}

/// Where a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Resolving a webhook.
    Webhook,
    /// Reconciliation re-read the case.
    Reconcile,
    /// `create_case` through the journaled provider.
    Create,
    /// `get_case` through the journaled provider.
    Read,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Webhook => "webhook",
            Source::Reconcile => "reconcile",
            Source::Create => "create",
            Source::Read => "read",
        }
    }
}

/// True when `new` should replace `stored` in the journal: [`Case::supersedes`], except that a
/// provider's "no data yet" (`Created` without a payload, what IDnow reports before the user
/// starts) never replaces what webhooks already told the journal.
pub fn journal_supersedes(new: &Case, stored: &Case) -> bool {
    if new.status == CaseStatus::Created
        && new.raw.is_null()
        && stored.status != CaseStatus::Created
    {
        return false;
    }
    new.supersedes(stored)
}

pub(crate) fn stored_case(row: &AnyRow, provider: Provider) -> Result<Option<Case>> {
    let version: i64 = row.get("version");
    if version == 0 {
        return Ok(None);
    }
    if let Some(json) = row.get::<Option<String>, _>("case_json") {
        return serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| JournalError::corrupt("case", e));
    }
    // Purged: the status and times are still there, which is all `supersedes` reads.
    let status: serde_json::Value = serde_json::from_str(&row.get::<String, _>("status_json"))
        .map_err(|e| JournalError::corrupt("status", e))?;
    let parsed: CaseStatus =
        serde_json::from_value(status.clone()).map_err(|e| JournalError::corrupt("status", e))?;
    let mut case = Case::new(
        CaseRef::new(provider, row.get("case_id"), row.get("reference")),
        parsed,
        status["provider_status"].as_str().unwrap_or_default(),
        serde_json::Value::Null,
    );
    case.modified_at = row
        .get::<Option<i64>, _>("last_changed_at")
        .map(to_timestamp);
    case.decided_at = row.get::<Option<i64>, _>("decided_at").map(to_timestamp);
    Ok(Some(case))
}

impl Journal {
    /// Stores `case` as a new version when it supersedes the stored one; in one transaction with
    /// the case row locked (PostgreSQL `SELECT … FOR UPDATE`; SQLite has one writer).
    pub async fn store_case(&self, case: &Case, source: Source) -> Result<StoreOutcome> {
        self.store_case_from(case, source, None).await
    }

    pub(crate) async fn store_case_from(
        &self,
        case: &Case,
        source: Source,
        notice_id: Option<i64>,
    ) -> Result<StoreOutcome> {
        let mut tx = self.begin("begin store").await?;
        let case_row = self.case_row(&mut tx, &case.case_ref).await?;
        let outcome = self
            .store_locked(&mut tx, case_row, case, source, notice_id)
            .await?;
        commit(tx, "commit store").await?;
        Ok(outcome)
    }

    pub(crate) async fn store_locked(
        &self,
        conn: &mut AnyConnection,
        case_row: i64,
        case: &Case,
        source: Source,
        notice_id: Option<i64>,
    ) -> Result<StoreOutcome> {
        let row: AnyRow = sqlx::query(&format!(
            "SELECT version, case_json, status_json, case_id, reference, last_changed_at, \
             decided_at FROM kyc_cases WHERE id = $1{}",
            self.for_update()
        ))
        .bind(case_row)
        .fetch_one(&mut *conn)
        .await
        .map_err(JournalError::db("lock case"))?;
        let version: i64 = row.get("version");
        let new_json = serde_json::to_string(case).map_err(|e| JournalError::corrupt("case", e))?;
        if let Some(stored) = stored_case(&row, case.case_ref.provider)? {
            if row.get::<Option<String>, _>("case_json").as_deref() == Some(new_json.as_str()) {
                return Ok(StoreOutcome::Unchanged);
            }
            if !journal_supersedes(case, &stored) {
                tracing::debug!(case = %case.case_ref, new = %case.status, kept = %stored.status, "older case version ignored");
                return Ok(StoreOutcome::Stale);
            }
        }
        let now = now_micros();
        let status = status_json(&case.status, &case.provider_status, &case.reasons);
        let updated = sqlx::query(
            "UPDATE kyc_cases SET version = version + 1, status = $1, status_json = $2, \
             case_json = $3, is_final = $4, last_changed_at = $5, decided_at = $6, updated_at = $7, \
             purged_at = NULL WHERE id = $8 AND version = $9",
        )
        .bind(case.status.name())
        .bind(status.clone())
        .bind(new_json.clone())
        .bind(i64::from(case.status.is_final()))
        .bind(case.last_changed().map(|t| t.timestamp_micros()))
        .bind(case.decided_at.map(|t| t.timestamp_micros()))
        .bind(now)
        .bind(case_row)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map_err(JournalError::db("store case"))?;
        if updated.rows_affected() != 1 {
            // Only reachable without the row lock; the caller's transaction is rolled back.
            return Err(JournalError::corrupt(
                "case version",
                "changed concurrently; retry",
            ));
        }
        let new_version = version + 1;
        sqlx::query(
            "INSERT INTO kyc_case_versions (case_row, version, status, status_json, case_json, \
             source, notice_id, stored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_row)
        .bind(new_version)
        .bind(case.status.name())
        .bind(status)
        .bind(new_json)
        .bind(source.name())
        .bind(notice_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(JournalError::db("store case version"))?;
        if case.case_ref.provider != Provider::Idnow {
            self.store_reported_attempts(conn, case_row, case).await?;
        }
        tracing::info!(case = %case.case_ref, status = %case.status, version = new_version, "case version stored");
        Ok(StoreOutcome::Stored {
            version: new_version,
        })
    }
}
