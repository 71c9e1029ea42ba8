//! Workers: claim pending notices, re-parse each stored body with
//! [`KycProvider::parse_webhook`], resolve it through the provider, store the case version and
//! the attempts, and retry transient failures with bounded backoff and jitter; a notice that
//! keeps failing is parked with its last error (visible and replayable).
//!
//! Claims: PostgreSQL `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)` with a lease, so
//! several instances share the work and the claims of a stopped instance are taken over once
//! their lease has passed; SQLite has one process and one connection.
//!
//! Notices of one case claimed together are resolved with **one** provider read, and that read
//! also settles every other waiting notice of the case that was stored before it began (each
//! notice is a trigger; the read returns the state it announced or a later one).

use crate::error::{JournalError, Result};
use crate::options::RetryDecision;
use crate::shutdown::Shutdown;
use crate::store::{commit, micros, now_micros, Backend, Journal};
use crate::versions::{Source, StoreOutcome};
use bytes::Bytes;
use futures::StreamExt;
use kyc_core::webhook::{WebhookEvent, WebhookNotice};
use kyc_core::{telemetry, CaseRef, CaseStatus, KycProvider, Provider};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// One claimed notice.
#[derive(Debug, Clone)]
struct Claimed {
    id: i64,
    case_row: i64,
    case_ref: CaseRef,
    body: Option<Vec<u8>>,
    tries: i64,
    /// When the notice was received (microseconds since the epoch).
    received_at: i64,
}

/// Resolves the notices of one provider from a journal. Cheap to clone.
#[derive(Clone)]
pub struct Worker {
    journal: Journal,
    provider: Arc<dyn KycProvider>,
}

/// What one round of a worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Notices claimed.
    pub claimed: usize,
    /// Cases resolved and stored (or found unchanged).
    pub resolved: usize,
    /// Cases whose resolution failed (their notices retry or are parked).
    pub failed: usize,
}

impl Worker {
    /// A worker resolving `provider`'s notices in `journal`.
    pub fn new(journal: Journal, provider: Arc<dyn KycProvider>) -> Self {
        Worker { journal, provider }
    }

    /// Works until `shutdown` is triggered, then finishes the notices it has claimed and
    /// returns.
    pub async fn run(self, shutdown: Shutdown) {
        let poll = self.journal.options().poll_interval;
        loop {
            if shutdown.is_triggered() {
                return;
            }
            let appended = self.journal.inner.appended.notified();
            match self.run_once().await {
                Ok(report) if report.claimed > 0 => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "journal worker: round failed; trying again");
                }
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = appended => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Works until nothing is due right now (notices waiting for a retry later are left).
    pub async fn drain(&self) -> Result<RoundReport> {
        let mut total = RoundReport::default();
        loop {
            let r = self.run_once().await?;
            if r.claimed == 0 {
                return Ok(total);
            }
            total.claimed += r.claimed;
            total.resolved += r.resolved;
            total.failed += r.failed;
        }
    }

    /// One round: claims what is due and resolves it.
    pub async fn run_once(&self) -> Result<RoundReport> {
        let claimed = self.claim().await?;
        let mut report = RoundReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        let mut by_case: BTreeMap<i64, Vec<Claimed>> = BTreeMap::new();
        for c in claimed {
            by_case.entry(c.case_row).or_default().push(c);
        }
        let results: Vec<bool> = futures::stream::iter(by_case.into_values())
            .map(|group| self.process_case(group))
            .buffer_unordered(self.journal.options().concurrency.max(1))
            .collect()
            .await;
        for ok in results {
            if ok {
                report.resolved += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }

    async fn claim(&self) -> Result<Vec<Claimed>> {
        let options = self.journal.options();
        let now = now_micros();
        let skip_locked = match self.journal.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE kyc_notices SET state = 'resolving', claimed_by = $1, lease_until = $2, \
             tries = tries + 1 WHERE id IN (SELECT id FROM kyc_notices WHERE provider = $3 AND \
             ((state IN ('pending', 'retry') AND next_attempt_at <= $4) OR \
             (state = 'resolving' AND lease_until < $4)) ORDER BY next_attempt_at, id LIMIT $5{skip_locked}) \
             RETURNING id, case_row, case_id, reference, body, tries, received_at"
        );
        let rows: Vec<AnyRow> = sqlx::query(&sql)
            .bind(options.instance.clone())
            .bind(now + micros(options.lease))
            .bind(self.provider.provider().name())
            .bind(now)
            .bind(options.batch.max(1) as i64)
            .fetch_all(&self.journal.inner.pool)
            .await
            .map_err(JournalError::db("claim notices"))?;
        let provider = self.provider.provider();
        Ok(rows
            .iter()
            .map(|r| Claimed {
                id: r.get("id"),
                case_row: r.get("case_row"),
                case_ref: CaseRef::new(provider, r.get("case_id"), r.get("reference")),
                body: r.get("body"),
                tries: r.get("tries"),
                received_at: r.get("received_at"),
            })
            .collect())
    }

    /// Resolves one case for the notices claimed for it. True when the case was resolved.
    async fn process_case(&self, group: Vec<Claimed>) -> bool {
        let case_row = group[0].case_row;
        let latest = group
            .iter()
            .max_by_key(|c| c.id)
            .expect("a group is never empty");
        match self.resolve_case(case_row, latest).await {
            Ok(()) => {
                // The lag of the oldest notice this resolution settled.
                let received = group.iter().map(|c| c.received_at).min();
                let lag_micros = now_micros().saturating_sub(received.unwrap_or(i64::MAX));
                telemetry::record_resolution_lag(
                    self.provider.provider(),
                    "journal",
                    Duration::from_micros(u64::try_from(lag_micros).unwrap_or(0)),
                );
                true
            }
            Err(e) => {
                let e: kyc_core::Error = e.into();
                self.fail(&group, &e).await;
                false
            }
        }
    }

    async fn resolve_case(&self, case_row: i64, latest: &Claimed) -> Result<()> {
        let pool = &self.journal.inner.pool;
        // Everything stored up to here arrived before the read below begins.
        let covered: i64 = sqlx::query("SELECT MAX(id) AS m FROM kyc_notices WHERE case_row = $1")
            .bind(case_row)
            .fetch_one(pool)
            .await
            .map_err(JournalError::db("read notices"))?
            .get::<Option<i64>, _>("m")
            .unwrap_or(latest.id);
        if self.provider.provider() == Provider::Idnow {
            let mut tx = self.journal.begin("begin trail").await?;
            self.lock_case(&mut tx, case_row).await?;
            self.journal
                .rebuild_idnow_attempts(&mut tx, case_row)
                .await?;
            commit(tx, "commit trail").await?;
        }
        let notice = match &latest.body {
            Some(body) => self.provider.parse_webhook(&Bytes::from(body.clone()))?,
            None => WebhookNotice::new(latest.case_ref.clone(), WebhookEvent::StatusChanged),
        };
        let mut case = self.provider.resolve_webhook(&notice).await?;
        if case.status == CaseStatus::Created && case.raw.is_null() {
            // The provider has no data yet (IDnow before it saves the first result); the
            // notice itself knows better.
            if let Ok(Some(c)) = notice.into_case() {
                case = c;
            }
        }
        let mut tx = self.journal.begin("begin resolve").await?;
        let outcome = self
            .journal
            .store_locked(&mut tx, case_row, &case, Source::Webhook, Some(latest.id))
            .await?;
        let done = sqlx::query(
            "UPDATE kyc_notices SET state = 'done', resolved_at = $1, claimed_by = NULL, \
             lease_until = NULL WHERE case_row = $2 AND id <= $3 AND \
             (state IN ('pending', 'retry') OR (state = 'resolving' AND claimed_by = $4))",
        )
        .bind(now_micros())
        .bind(case_row)
        .bind(covered)
        .bind(self.journal.options().instance.clone())
        .execute(&mut *tx)
        .await
        .map_err(JournalError::db("settle notices"))?;
        commit(tx, "commit resolve").await?;
        if !matches!(outcome, StoreOutcome::Stale) {
            tracing::debug!(case = %case.case_ref, status = %case.status, settled = done.rows_affected(), "webhook resolved");
        }
        Ok(())
    }

    async fn lock_case(&self, conn: &mut sqlx::AnyConnection, case_row: i64) -> Result<()> {
        sqlx::query(&format!(
            "SELECT id FROM kyc_cases WHERE id = $1{}",
            self.journal.for_update()
        ))
        .bind(case_row)
        .fetch_one(&mut *conn)
        .await
        .map_err(JournalError::db("lock case"))?;
        Ok(())
    }

    async fn fail(&self, group: &[Claimed], error: &kyc_core::Error) {
        let policy = self.journal.options().retry;
        for notice in group {
            let tries = u32::try_from(notice.tries).unwrap_or(u32::MAX);
            let decision = policy.decide(
                tries,
                error.is_retryable(),
                error.retry_after(),
                rand::random::<f64>(),
            );
            let result = match decision {
                RetryDecision::RetryAfter(delay) => {
                    tracing::warn!(
                        case = %notice.case_ref, notice = notice.id, tries, error = %error,
                        retry_in_ms = delay.as_millis() as u64,
                        "webhook resolution failed; will retry"
                    );
                    self.schedule_retry(notice, delay, error).await
                }
                RetryDecision::Park => {
                    tracing::error!(
                        case = %notice.case_ref, notice = notice.id, tries, error = %error,
                        "webhook resolution keeps failing; notice parked (kyc journal replay)"
                    );
                    self.set_state(notice, "parked", None, error).await
                }
            };
            if let Err(e) = result {
                // The claim lapses with its lease and the notice is taken up again.
                tracing::warn!(case = %notice.case_ref, notice = notice.id, error = %e, "could not record the failure");
            }
        }
    }

    async fn schedule_retry(
        &self,
        notice: &Claimed,
        delay: Duration,
        error: &kyc_core::Error,
    ) -> Result<()> {
        // A redelivery of the same body may be waiting already: merge into it (recorded once).
        let pool = &self.journal.inner.pool;
        let twin: Option<AnyRow> = sqlx::query(
            "SELECT t.id FROM kyc_notices t, kyc_notices n WHERE n.id = $1 AND \
             t.case_row = n.case_row AND t.body_sha256 = n.body_sha256 AND t.id <> n.id AND \
             t.state IN ('pending', 'retry')",
        )
        .bind(notice.id)
        .fetch_optional(pool)
        .await
        .map_err(JournalError::db("find waiting twin"))?;
        if let Some(twin) = twin {
            let twin: i64 = twin.get("id");
            sqlx::query("UPDATE kyc_notices SET deliveries = deliveries + 1 WHERE id = $1")
                .bind(twin)
                .execute(pool)
                .await
                .map_err(JournalError::db("merge notice"))?;
            return self.set_state(notice, "merged", None, error).await;
        }
        match self
            .set_state(notice, "retry", Some(now_micros() + micros(delay)), error)
            .await
        {
            Ok(()) => Ok(()),
            // A twin arrived between the check and the update (unique index): merge.
            Err(_) => self.set_state(notice, "merged", None, error).await,
        }
    }

    async fn set_state(
        &self,
        notice: &Claimed,
        state: &str,
        next_attempt_at: Option<i64>,
        error: &kyc_core::Error,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE kyc_notices SET state = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
             last_error = $3, claimed_by = NULL, lease_until = NULL \
             WHERE id = $4 AND state = 'resolving' AND claimed_by = $5",
        )
        .bind(state)
        .bind(next_attempt_at)
        .bind(error.to_string())
        .bind(notice.id)
        .bind(self.journal.options().instance.clone())
        .execute(&self.journal.inner.pool)
        .await
        .map_err(JournalError::db("record failure"))?;
        Ok(())
    }
}
