//! The webhook pattern both providers require, done once: verify, answer at once, resolve in the
//! background, keep the newest decision.
//!
//! POSTIDENT expects a 200 within 2 seconds and sends only ids, so the case must be fetched
//! *after* answering; IDnow retries and reorders notices. [`WebhookReceiver::accept`] verifies a
//! request synchronously (call it in your HTTP handler and answer 200 when it returns `Ok`),
//! then resolves the notice on a background task and stores the case only if it
//! [supersedes](kyc_core::Case::supersedes) what is stored: a late preliminary notice never
//! overwrites a decision, and the same notice delivered twice changes nothing.
//!
//! Resolving reads the provider, so the receiver is careful with it: at most
//! [`MAX_CONCURRENT_RESOLVES`] resolutions run at once, and notices for a case that is being
//! resolved right now are merged into one more resolution after it (every resolution reads the
//! current state, so nothing is lost, and a burst of retried or duplicated notices costs the
//! provider a few reads, not one per notice).
//!
//! `examples/webhook_server.rs` and [`crate::webhook_server`] wire it into an axum server.
//!
//! **In memory, for demos, tests and `kyc webhook listen`.** The receiver keeps at most
//! [`DEFAULT_CAPACITY`] cases (the oldest are forgotten first) and the last [`MAX_FAILURES`]
//! failures, and it acknowledges a webhook before resolving it: a crash or a failed resolution
//! loses the notice. A backend that must not lose decisions runs the journal instead
//! ([`kyc_journal::Intake`], `kyc serve`, `docs/journal.md`): it stores each notice before
//! answering 200 and retries resolutions until they succeed.

use kyc_core::webhook::{WebhookNotice, WebhookRequest};
use kyc_core::{telemetry, Case, CaseRef, KycProvider, Provider, Result};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{Notify, Semaphore};

/// How many notices are resolved (read from the provider) at the same time, at most.
pub const MAX_CONCURRENT_RESOLVES: usize = 16;

/// How many cases a receiver keeps by default; beyond that the oldest are forgotten.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// How many failures a receiver keeps (the most recent).
pub const MAX_FAILURES: usize = 1_000;

/// A notice waiting for the running resolution of its case, and when the first notice it
/// stands for was received (the resolution lag counts from there).
type Pending = (WebhookNotice, Instant);

/// Verifies, resolves and stores incoming webhooks for one provider.
#[derive(Clone)]
pub struct WebhookReceiver {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn KycProvider>,
    cases: Mutex<HashMap<(Provider, String), Case>>,
    /// The keys of each stored case, oldest first (for forgetting beyond `capacity`).
    order: Mutex<VecDeque<Vec<(Provider, String)>>>,
    capacity: usize,
    failures: Mutex<VecDeque<(CaseRef, kyc_core::Error)>>,
    /// Cases being resolved now, with the latest notice that arrived meanwhile (resolved once
    /// more when the current resolution ends) and when the first of those arrived.
    resolving: Mutex<HashMap<(Provider, String), Option<Pending>>>,
    limiter: Semaphore,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl WebhookReceiver {
    /// A receiver that verifies and resolves with `provider`, keeping at most
    /// [`DEFAULT_CAPACITY`] cases.
    pub fn new(provider: Arc<dyn KycProvider>) -> Self {
        WebhookReceiver::with_capacity(provider, DEFAULT_CAPACITY)
    }

    /// A receiver that keeps at most `capacity` cases (at least one); the oldest are forgotten
    /// first.
    pub fn with_capacity(provider: Arc<dyn KycProvider>, capacity: usize) -> Self {
        WebhookReceiver {
            inner: Arc::new(Inner {
                provider,
                cases: Mutex::new(HashMap::new()),
                order: Mutex::new(VecDeque::new()),
                capacity: capacity.max(1),
                failures: Mutex::new(VecDeque::new()),
                resolving: Mutex::new(HashMap::new()),
                limiter: Semaphore::new(MAX_CONCURRENT_RESOLVES),
                in_flight: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
        }
    }

    /// Verifies and parses `request` (no I/O), then resolves it on a background task. Answer the
    /// provider 200 when this returns `Ok`; answer 401 for an
    /// [`ErrorKind::Authentication`](kyc_core::ErrorKind::Authentication) error and 400
    /// otherwise. Must be called within a Tokio runtime.
    pub fn accept(&self, request: &WebhookRequest) -> Result<WebhookNotice> {
        let received = Instant::now();
        let notice = self.inner.provider.verify_webhook(request)?;
        let Some(key) = case_key(&notice.case_ref) else {
            return Err(kyc_core::Error::new(
                kyc_core::ErrorKind::Provider,
                "the webhook names no case (neither a case id nor a reference)",
            )
            .with_provider(notice.provider)
            .with_raw_body(request.body.clone()));
        };
        {
            let mut resolving = lock(&self.inner.resolving);
            if let Some(pending) = resolving.get_mut(&key) {
                // A resolution of this case is running: one more follows it. Its lag counts
                // from the first notice it stands for.
                let since = pending.take().map_or(received, |(_, since)| since);
                *pending = Some((notice.clone(), since));
                return Ok(notice);
            }
            resolving.insert(key.clone(), None);
        }
        self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
        let inner = self.inner.clone();
        let first = notice.clone();
        tokio::spawn(async move {
            let mut next = Some((first, received));
            while let Some((notice, received)) = next.take() {
                inner.resolve(&notice, received).await;
                let mut resolving = lock(&inner.resolving);
                match resolving.get_mut(&key).and_then(Option::take) {
                    Some(pending) => next = Some(pending),
                    None => {
                        resolving.remove(&key);
                    }
                }
            }
            if inner.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
                inner.idle.notify_waiters();
            }
        });
        Ok(notice)
    }

    /// The stored case for `case_ref` (looked up by case id, then by reference).
    pub fn case(&self, case_ref: &CaseRef) -> Option<Case> {
        let cases = lock(&self.inner.cases);
        [&case_ref.case_id, &case_ref.reference]
            .into_iter()
            .flatten()
            .find_map(|k| cases.get(&(case_ref.provider, k.clone())).cloned())
    }

    /// Every stored case (one per case id).
    pub fn cases(&self) -> Vec<Case> {
        let cases = lock(&self.inner.cases);
        let mut seen = std::collections::HashSet::new();
        cases
            .values()
            .filter(|c| seen.insert((c.case_ref.case_id.clone(), c.case_ref.reference.clone())))
            .cloned()
            .collect()
    }

    /// Notices that could not be resolved (the provider was unreachable, say), with the error.
    /// A later notice for the same case resolves it again.
    pub fn failures(&self) -> Vec<(CaseRef, String)> {
        lock(&self.inner.failures)
            .iter()
            .map(|(r, e)| (r.clone(), e.to_string()))
            .collect()
    }

    /// Waits until every accepted notice has been resolved (or has failed).
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            if self.inner.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Inner {
    async fn resolve(&self, notice: &WebhookNotice, received: Instant) {
        let _permit = self.limiter.acquire().await;
        match self.provider.resolve_webhook(notice).await {
            Ok(case) => {
                self.store(case);
                telemetry::record_resolution_lag(notice.provider, "receiver", received.elapsed());
            }
            Err(e) => {
                tracing::warn!(case = %notice.case_ref, error = %e, "webhook could not be resolved");
                let mut failures = lock(&self.failures);
                if failures.len() >= MAX_FAILURES {
                    failures.pop_front();
                }
                failures.push_back((notice.case_ref.clone(), e));
            }
        }
    }

    fn store(&self, case: Case) {
        let provider = case.case_ref.provider;
        let keys: Vec<String> = [&case.case_ref.case_id, &case.case_ref.reference]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let mut cases = lock(&self.cases);
        let stored = keys.iter().find_map(|k| cases.get(&(provider, k.clone())));
        if let Some(stored) = stored {
            if !case.supersedes(stored) {
                tracing::debug!(case = %case.case_ref, new = %case.status, kept = %stored.status, "stale webhook ignored");
                return;
            }
        }
        let keys: Vec<(Provider, String)> = keys.into_iter().map(|k| (provider, k)).collect();
        let known = keys.iter().any(|k| cases.contains_key(k));
        for k in &keys {
            cases.insert(k.clone(), case.clone());
        }
        let mut order = lock(&self.order);
        if !known {
            order.push_back(keys);
        }
        while order.len() > self.capacity {
            if let Some(oldest) = order.pop_front() {
                for k in oldest {
                    cases.remove(&k);
                }
            }
        }
    }
}

/// The key a notice's case is tracked under: provider and case id (or reference).
fn case_key(case_ref: &CaseRef) -> Option<(Provider, String)> {
    case_ref
        .case_id
        .clone()
        .or_else(|| case_ref.reference.clone())
        .map(|k| (case_ref.provider, k))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[async_trait::async_trait]
#[cfg(feature = "webhook-server")]
impl kyc_core::webhook_endpoint::WebhookSink for WebhookReceiver {
    /// Verifies and accepts the request; "stored" means held in memory (see the module docs).
    async fn receive(&self, request: WebhookRequest) -> Result<WebhookNotice> {
        self.accept(&request)
    }
}
