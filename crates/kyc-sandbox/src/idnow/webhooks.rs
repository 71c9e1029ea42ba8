//! Webhook delivery as IDnow documents it: the body is the GET ident JSON, success is any 2xx,
//! 3xx/4xx/5xx and transport errors are retried after 1 s, 2 s, 4 s, 8 s, ... (time-scaled)
//! until one day has passed, optional HTTP Basic auth, and a retry is dropped when the ident
//! changed in the meantime ("Retries for changed Ident"). Removing (or changing) a company's
//! webhook drops what is still pending for the old target.
//!
//! First attempts go out one at a time in the order the changes happened (one dispatcher
//! task); retries run in their own tasks.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedReceiver;

use super::state::WebhookTarget;
use super::Shared;

/// One webhook to deliver.
pub(crate) struct Job {
    pub company: String,
    pub transaction_key: String,
    pub transaction_number: String,
    pub ident_id: String,
    pub webhook_type: String,
    pub result: Option<String>,
    pub version: u64,
    pub body: serde_json::Value,
    pub target: WebhookTarget,
    /// `false` for a redelivery requested through the control API: one attempt, no retries,
    /// no outdated check (tests use it to deliver an old webhook again, out of order).
    pub retry: bool,
}

/// What became of a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Not delivered yet; retries are scheduled.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// A retry was dropped because the ident changed after the webhook was queued.
    DroppedOutdated,
    /// The maximum retry time passed without a 2xx answer.
    GaveUp,
    /// Not (or no longer) sent because the company's webhook was removed or pointed elsewhere
    /// before it went out.
    DroppedWebhookRemoved,
}

/// One webhook delivery (with all its attempts), as the control API reports it.
#[derive(Clone, Serialize)]
pub struct WebhookDelivery {
    /// Sequence number, starting at 1.
    pub id: u64,
    /// The shortname.
    pub company: String,
    /// The transaction number of the ident.
    pub transaction_number: String,
    /// The IdentID.
    pub ident_id: String,
    /// START, REALTIME, ABORTED, FINAL or CANCELED.
    pub webhook_type: String,
    /// `identificationprocess.result` in the body.
    pub result: Option<String>,
    /// The URL delivered to.
    pub url: String,
    /// How many requests were made.
    pub attempts: u32,
    /// HTTP status of each attempt (`None` for a transport error).
    pub statuses: Vec<Option<u16>>,
    /// Where the delivery stands.
    pub outcome: DeliveryOutcome,
    /// The body sent (the GET ident JSON).
    pub body: serde_json::Value,
}

redacted_debug!(WebhookDelivery {
    id,
    ident_id,
    webhook_type,
    result,
    attempts,
    statuses,
    outcome,
    ..
});

/// Queues a webhook (first attempt in order of queuing).
pub(crate) fn enqueue(shared: &Arc<Shared>, job: Job) {
    let _ = shared.webhook_queue.send(job);
}

/// Starts the task that makes first attempts in order. It ends when the sandbox is dropped.
pub(crate) fn spawn_dispatcher(shared: Weak<Shared>, mut receiver: UnboundedReceiver<Job>) {
    tokio::spawn(async move {
        while let Some(job) = receiver.recv().await {
            let Some(strong) = shared.upgrade() else {
                break;
            };
            let id = record_new(&strong, &job);
            if job.retry && !still_configured(&strong, &job) {
                update(&strong, id, |e| {
                    e.outcome = DeliveryOutcome::DroppedWebhookRemoved
                });
                continue;
            }
            let delivered = attempt(&strong, id, &job).await;
            if !delivered && job.retry {
                tokio::spawn(retry_loop(strong.clone(), id, job));
            } else if !delivered {
                update(&strong, id, |e| e.outcome = DeliveryOutcome::GaveUp);
            }
        }
    });
}

/// Whether the company's webhook still points where the job was meant to go. A removed (or
/// changed) webhook stops what is pending for the old target.
fn still_configured(shared: &Shared, job: &Job) -> bool {
    shared
        .store()
        .companies
        .get(&job.company)
        .and_then(|c| c.webhook.as_ref())
        .is_some_and(|t| t == &job.target)
}

fn record_new(shared: &Shared, job: &Job) -> u64 {
    let mut log = shared.deliveries.lock().unwrap_or_else(|e| e.into_inner());
    let id = log.len() as u64 + 1;
    log.push(WebhookDelivery {
        id,
        company: job.company.clone(),
        transaction_number: job.transaction_number.clone(),
        ident_id: job.ident_id.clone(),
        webhook_type: job.webhook_type.clone(),
        result: job.result.clone(),
        url: job.target.url.to_string(),
        attempts: 0,
        statuses: Vec::new(),
        outcome: DeliveryOutcome::Pending,
        body: job.body.clone(),
    });
    id
}

fn update(shared: &Shared, id: u64, change: impl FnOnce(&mut WebhookDelivery)) {
    let mut log = shared.deliveries.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(entry) = log.iter_mut().find(|d| d.id == id) {
        change(entry);
    }
}

/// One POST; records it and says whether it was a 2xx.
async fn attempt(shared: &Shared, id: u64, job: &Job) -> bool {
    let mut request = shared
        .http
        .post(job.target.url.clone())
        .header("Content-Type", "application/json; charset=UTF-8")
        .body(job.body.to_string());
    if let Some((user, password)) = &job.target.basic_auth {
        request = request.basic_auth(user, Some(password));
    }
    let status = match request.send().await {
        Ok(response) => Some(response.status().as_u16()),
        Err(e) => {
            tracing::debug!(delivery = id, error = %e, "sandbox webhook attempt failed");
            None
        }
    };
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    update(shared, id, |entry| {
        entry.attempts += 1;
        entry.statuses.push(status);
        if delivered {
            entry.outcome = DeliveryOutcome::Delivered;
        }
    });
    delivered
}

/// Retries after 1 s, 2 s, 4 s, ... (documented time) until the maximum retry time.
async fn retry_loop(shared: Arc<Shared>, id: u64, job: Job) {
    let mut delay = shared
        .options
        .webhook_first_retry
        .max(Duration::from_millis(1));
    let mut waited = Duration::ZERO;
    loop {
        if waited.saturating_add(delay) > shared.options.webhook_max_retry_time {
            update(&shared, id, |e| e.outcome = DeliveryOutcome::GaveUp);
            return;
        }
        shared.clock.sleep(delay).await;
        waited = waited.saturating_add(delay);
        delay = delay.saturating_mul(2);
        if !still_configured(&shared, &job) {
            update(&shared, id, |e| {
                e.outcome = DeliveryOutcome::DroppedWebhookRemoved
            });
            return;
        }
        let current = shared
            .store()
            .companies
            .get(&job.company)
            .and_then(|c| c.idents.get(&job.transaction_key))
            .map(|i| i.version);
        if current != Some(job.version) {
            update(&shared, id, |e| {
                e.outcome = DeliveryOutcome::DroppedOutdated
            });
            return;
        }
        if attempt(&shared, id, &job).await {
            return;
        }
    }
}

/// Sends an earlier delivery's body again (one attempt, to the company's current webhook URL
/// or, without one, to the original URL). Returns the new delivery's id.
pub(crate) fn redeliver(shared: &Arc<Shared>, id: u64) -> Option<u64> {
    let original = {
        let log = shared.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().find(|d| d.id == id)?.clone()
    };
    let target = shared
        .store()
        .companies
        .get(&original.company)
        .and_then(|c| c.webhook.clone())
        .or_else(|| {
            url::Url::parse(&original.url)
                .ok()
                .map(|url| WebhookTarget {
                    url,
                    basic_auth: None,
                })
        })?;
    let next_id = shared
        .deliveries
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .len() as u64
        + 1;
    enqueue(
        shared,
        Job {
            company: original.company,
            transaction_key: original.transaction_number.to_ascii_lowercase(),
            transaction_number: original.transaction_number,
            ident_id: original.ident_id,
            webhook_type: original.webhook_type,
            result: original.result,
            version: 0,
            body: original.body,
            target,
            retry: false,
        },
    );
    Some(next_id)
}
