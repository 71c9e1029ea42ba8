//! Reconciliation: a periodic job that re-reads cases that may still change and records what
//! changed, so a webhook that never arrived is caught up. It re-reads
//!
//! * cases that are not final,
//! * cases with parked notices (the read settles them),
//! * final cases decided within [`JournalOptions::reconcile_window`](crate::JournalOptions)
//!   (IDnow supervisors re-review; a preliminary result may be cancelled),
//!
//! each at most once per `reconcile_every`, and resolves create intents whose answer was lost.

use crate::attempts::idnow_event_of_read;
use crate::error::{JournalError, Result};
use crate::shutdown::Shutdown;
use crate::store::{commit, micros, now_micros, Journal};
use crate::versions::{Source, StoreOutcome};
use kyc_core::webhook::{WebhookEvent, WebhookNotice};
use kyc_core::{CaseRef, KycProvider, Provider};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

/// Re-reads the cases of one provider that may still change.
#[derive(Clone)]
pub struct Reconciler {
    journal: Journal,
    provider: Arc<dyn KycProvider>,
}

/// What one reconciliation round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Cases re-read.
    pub read: usize,
    /// Cases whose stored version changed.
    pub changed: usize,
    /// Reads that failed (tried again next round).
    pub failed: usize,
    /// Parked notices settled by a successful read.
    pub unparked: u64,
    /// Create intents resolved.
    pub intents: usize,
}

impl Reconciler {
    /// Reconciliation of `provider`'s cases in `journal`.
    pub fn new(journal: Journal, provider: Arc<dyn KycProvider>) -> Self {
        Reconciler { journal, provider }
    }

    /// Runs a round every `reconcile_interval` until `shutdown`.
    pub async fn run(self, shutdown: Shutdown) {
        let interval = self.journal.options().reconcile_interval;
        loop {
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = tokio::time::sleep(interval) => {}
            }
            match self.run_once().await {
                Ok(r) => tracing::info!(
                    read = r.read,
                    changed = r.changed,
                    failed = r.failed,
                    unparked = r.unparked,
                    "reconciliation round"
                ),
                Err(e) => tracing::warn!(error = %e, "reconciliation round failed"),
            }
        }
    }

    /// One round.
    pub async fn run_once(&self) -> Result<ReconcileReport> {
        let options = self.journal.options();
        let now = now_micros();
        let mut report = ReconcileReport::default();
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT c.id, c.case_id, c.reference FROM kyc_cases c WHERE c.provider = $1 \
             AND c.purged_at IS NULL AND (c.reconciled_at IS NULL OR c.reconciled_at <= $2) AND ( \
               c.is_final = 0 \
               OR EXISTS (SELECT 1 FROM kyc_notices p WHERE p.case_row = c.id AND p.state = 'parked') \
               OR COALESCE(c.decided_at, c.last_changed_at, c.updated_at) >= $3) \
             ORDER BY COALESCE(c.reconciled_at, 0), c.id LIMIT $4",
        )
        .bind(self.provider.provider().name())
        .bind(now - micros(options.reconcile_every))
        .bind(now - micros(options.reconcile_window))
        .bind(options.reconcile_batch as i64)
        .fetch_all(&self.journal.inner.pool)
        .await
        .map_err(JournalError::db("select cases to reconcile"))?;
        let provider = self.provider.provider();
        for row in rows {
            let case_row: i64 = row.get("id");
            let case_ref = CaseRef::new(provider, row.get("case_id"), row.get("reference"));
            report.read += 1;
            match self.reconcile_case(case_row, &case_ref).await {
                Ok((changed, unparked)) => {
                    report.changed += usize::from(changed);
                    report.unparked += unparked;
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(case = %case_ref, error = %e, "reconciliation: read failed");
                }
            }
            sqlx::query("UPDATE kyc_cases SET reconciled_at = $1 WHERE id = $2")
                .bind(now_micros())
                .bind(case_row)
                .execute(&self.journal.inner.pool)
                .await
                .map_err(JournalError::db("mark reconciled"))?;
        }
        report.intents = self.journal.resolve_intents(&*self.provider).await?;
        Ok(report)
    }

    async fn reconcile_case(&self, case_row: i64, case_ref: &CaseRef) -> Result<(bool, u64)> {
        let covered: Option<i64> =
            sqlx::query("SELECT MAX(id) AS m FROM kyc_notices WHERE case_row = $1")
                .bind(case_row)
                .fetch_one(&self.journal.inner.pool)
                .await
                .map_err(JournalError::db("read notices"))?
                .get("m");
        let case = self.provider.get_case(case_ref).await?;
        if case.case_ref.provider == Provider::Idnow {
            // The body read is an event of the trail like a webhook's.
            if let Some(event) = idnow_event_of_read(&case) {
                let known: Option<AnyRow> = sqlx::query(
                    "SELECT 1 AS k FROM kyc_events WHERE case_row = $1 AND event_key = $2",
                )
                .bind(case_row)
                .bind(event.key.clone())
                .fetch_optional(&self.journal.inner.pool)
                .await
                .map_err(JournalError::db("read events"))?;
                if known.is_none() {
                    let notice = WebhookNotice::new(
                        case.case_ref.clone(),
                        WebhookEvent::Unknown("read".into()),
                    );
                    let body = serde_json::to_vec(&case.raw).unwrap_or_default();
                    self.journal
                        .append_body(&notice, &body, None, "read", Some(event))
                        .await?;
                }
            }
        }
        let mut tx = self.journal.begin("begin reconcile").await?;
        let outcome = self
            .journal
            .store_locked(&mut tx, case_row, &case, Source::Reconcile, None)
            .await?;
        if case.case_ref.provider == Provider::Idnow {
            self.journal
                .rebuild_idnow_attempts(&mut tx, case_row)
                .await?;
        }
        let unparked = match covered {
            Some(max) => sqlx::query(
                "UPDATE kyc_notices SET state = 'done', resolved_at = $1 \
                 WHERE case_row = $2 AND id <= $3 AND state = 'parked'",
            )
            .bind(now_micros())
            .bind(case_row)
            .bind(max)
            .execute(&mut *tx)
            .await
            .map_err(JournalError::db("settle parked notices"))?
            .rows_affected(),
            None => 0,
        };
        commit(tx, "commit reconcile").await?;
        Ok((matches!(outcome, StoreOutcome::Stored { .. }), unparked))
    }
}
