//! Observability for every provider, written once: [`Instrumented`] wraps any [`KycProvider`]
//! and gives each operation a `tracing` span and `metrics` measurements.
//!
//! The span is named `kyc.operation` and carries `provider`, `operation`, `case` (the case id
//! or reference, escaped — never a name, address or other personal datum), and, when the
//! operation ends, `outcome` (`ok` or the [`crate::ErrorKind`]), `http.status` (of a failed
//! operation whose error carries one) and `latency_ms`. Requests made
//! inside it (by the adapters' HTTP layer) are child spans, so a subscriber sees which HTTP
//! calls one `get_case` made, with their statuses and retries.
//!
//! Metrics (through the `metrics` facade; nothing is recorded until the application installs a
//! recorder, e.g. a Prometheus exporter):
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `kyc_operations_total` | counter | `provider`, `operation`, `outcome` |
//! | `kyc_operation_duration_seconds` | histogram | `provider`, `operation` |
//! | `kyc_webhooks_total` | counter | `provider`, `outcome` (`accepted`, `rejected_auth`, `rejected_body`) |
//!
//! `docs/observability.md` lists every metric of the library, including those of the HTTP layer
//! and the journal.

use crate::capabilities::Capabilities;
use crate::case::{Artifact, Case, CaseHandle, CaseRef};
use crate::listing::{ArchiveOutcome, CaseFilter, CaseList};
use crate::new_case::NewCase;
use crate::provider::Provider;
use crate::telemetry;
use crate::webhook::{WebhookNotice, WebhookRequest};
use crate::wire::printable;
use crate::{ErrorKind, KycProvider, Result};
use async_trait::async_trait;
use bytes::Bytes;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// A provider whose every operation is traced and measured. `kyc::connect` returns providers
/// wrapped in it; wrap your own with [`Instrumented::new`].
#[derive(Clone)]
pub struct Instrumented {
    inner: Arc<dyn KycProvider>,
}

impl std::fmt::Debug for Instrumented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumented")
            .field("provider", &self.inner.provider())
            .finish()
    }
}

impl Instrumented {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn KycProvider>) -> Self {
        Instrumented { inner }
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &Arc<dyn KycProvider> {
        &self.inner
    }

    async fn observe<T, F>(
        &self,
        operation: &'static str,
        case: Option<&CaseRef>,
        work: F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let provider = self.inner.provider();
        let span = tracing::info_span!(
            "kyc.operation",
            provider = %provider,
            operation,
            case = tracing::field::Empty,
            outcome = tracing::field::Empty,
            http.status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        if let Some(case) = case.filter(|_| !span.is_disabled()) {
            span.record("case", tracing::field::display(case_label(case)));
        }
        let started = Instant::now();
        let result = work.instrument(span.clone()).await;
        let elapsed = started.elapsed();
        let outcome = outcome(&result);
        span.record("outcome", outcome);
        if let Some(status) = result.as_ref().err().and_then(|e| e.http_status()) {
            span.record("http.status", status);
        }
        span.record("latency_ms", elapsed.as_secs_f64() * 1e3);
        let provider = provider.name();
        metrics::counter!(
            telemetry::OPERATIONS_TOTAL,
            "provider" => provider,
            "operation" => operation,
            "outcome" => outcome,
        )
        .increment(1);
        metrics::histogram!(
            telemetry::OPERATION_DURATION_SECONDS,
            "provider" => provider,
            "operation" => operation,
        )
        .record(elapsed.as_secs_f64());
        result
    }
}

/// The case as it may appear in logs: ids only, escaped and cut.
fn case_label(case: &CaseRef) -> String {
    match (&case.case_id, &case.reference) {
        (Some(id), Some(r)) => format!("{} (ref {})", printable(id, 64), printable(r, 64)),
        (Some(id), None) => printable(id, 64).to_string(),
        (None, Some(r)) => format!("ref {}", printable(r, 64)),
        (None, None) => "?".to_string(),
    }
}

fn outcome<T>(result: &Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.kind().as_str(),
    }
}

#[async_trait]
impl KycProvider for Instrumented {
    fn provider(&self) -> Provider {
        self.inner.provider()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn create_case(&self, new_case: &NewCase) -> Result<CaseHandle> {
        let case = CaseRef::by_reference(self.inner.provider(), new_case.reference.clone());
        self.observe("create_case", Some(&case), self.inner.create_case(new_case))
            .await
    }

    async fn get_case(&self, case: &CaseRef) -> Result<Case> {
        self.observe("get_case", Some(case), self.inner.get_case(case))
            .await
    }

    async fn list_cases(&self, filter: &CaseFilter) -> Result<CaseList> {
        self.observe("list_cases", None, self.inner.list_cases(filter))
            .await
    }

    async fn archive_cases(&self, cases: &[CaseRef]) -> Result<ArchiveOutcome> {
        self.observe("archive_cases", None, self.inner.archive_cases(cases))
            .await
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> Result<Bytes> {
        self.observe(
            "fetch_artifact",
            Some(case),
            self.inner.fetch_artifact(case, artifact),
        )
        .await
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> Result<WebhookNotice> {
        let result = self.inner.verify_webhook(request);
        let outcome = match &result {
            Ok(_) => "accepted",
            Err(e) if e.kind() == ErrorKind::Authentication => "rejected_auth",
            Err(_) => "rejected_body",
        };
        metrics::counter!(
            telemetry::WEBHOOKS_TOTAL,
            "provider" => self.inner.provider().name(),
            "outcome" => outcome,
        )
        .increment(1);
        match &result {
            Ok(notice) => tracing::debug!(
                provider = %notice.provider,
                case = %case_label(&notice.case_ref),
                event = ?notice.event,
                "webhook verified"
            ),
            Err(e) => {
                tracing::warn!(provider = %self.inner.provider(), error = %e, "webhook rejected")
            }
        }
        result
    }

    fn parse_webhook(&self, body: &Bytes) -> Result<WebhookNotice> {
        self.inner.parse_webhook(body)
    }

    async fn resolve_webhook(&self, notice: &WebhookNotice) -> Result<Case> {
        self.observe(
            "resolve_webhook",
            Some(&notice.case_ref),
            self.inner.resolve_webhook(notice),
        )
        .await
    }
}
