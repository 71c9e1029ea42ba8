//! Webhook delivery (result guide section 5): `POST {"caseId", "referenceId"}` to the case's
//! `webHookUrl` (and `webHookUrlPartner`) on each status change whose status type is configured;
//! the receiver must answer 200 within 2 s, otherwise up to three retries follow: immediately,
//! 900 s after the first retry, 3,600 s after the second (all scaled by the [`crate::Clock`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::SubsecRound;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use super::machine::DueWebhook;
use super::state::{format_ts, Shared};

/// One delivery attempt, as logged by the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    /// The case the notification is about.
    pub case_id: String,
    /// Its referenceId.
    pub reference_id: String,
    /// Where it was sent.
    pub url: String,
    /// 1 for the first attempt, 2 to 4 for the retries.
    pub attempt: u32,
    /// The identification status that triggered it (e.g. `success`).
    pub status: String,
    /// Its status type (`notification`, `preliminary`, `final`, `cancelled`; `resent` for a
    /// delivery asked for through the control API).
    pub status_type: String,
    /// The JSON body that was sent.
    pub body: String,
    /// When the attempt started (sandbox timestamp format).
    pub sent_at: String,
    /// HTTP status of the answer, if one came in time.
    pub http_status: Option<u16>,
    /// Transport error or timeout, if any.
    pub error: Option<String>,
    /// Whether the receiver answered 200 within the time limit.
    pub delivered: bool,
}

/// Sends a due webhook to every URL of the case in background tasks.
pub(crate) fn send(shared: &Shared, due: DueWebhook) {
    let mut body = serde_json::Map::new();
    body.insert("caseId".into(), json!(due.case_id));
    if shared.options.webhook_includes_reference_id {
        body.insert("referenceId".into(), json!(due.reference_id));
    }
    let body = serde_json::Value::Object(body).to_string();
    let timeout = shared
        .clock
        .scaled(shared.options.webhook_timeout)
        .max(Duration::from_millis(250));
    let delays: Vec<Duration> = shared
        .options
        .webhook_retry_delays
        .iter()
        .map(|d| shared.clock.scaled(*d))
        .collect();
    let credentials = shared
        .webhook_credentials()
        .map(|c| (c.username.clone(), c.password.clone()));
    let epoch = shared
        .webhook_epochs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&due.case_id)
        .copied()
        .unwrap_or_default();
    for url in &due.urls {
        let job = Job {
            http: shared.http.clone(),
            log: shared.deliveries.clone(),
            epochs: shared.webhook_epochs.clone(),
            epoch,
            credentials: credentials.clone(),
            url: url.clone(),
            body: body.clone(),
            timeout,
            delays: delays.clone(),
            due: due.clone(),
            offset: shared.options.utc_offset,
        };
        shared.spawn(job.run());
    }
}

struct Job {
    http: reqwest::Client,
    log: Arc<Mutex<Vec<WebhookDelivery>>>,
    /// The case's webhook removal count when the job started: a removal stops the job.
    epochs: Arc<Mutex<HashMap<String, u64>>>,
    epoch: u64,
    credentials: Option<(String, String)>,
    url: String,
    body: String,
    timeout: Duration,
    delays: Vec<Duration>,
    due: DueWebhook,
    offset: chrono::FixedOffset,
}

impl Job {
    /// True when the case's webhook was removed after this job started.
    fn cancelled(&self) -> bool {
        self.epochs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&self.due.case_id)
            .copied()
            .unwrap_or_default()
            != self.epoch
    }

    async fn run(self) {
        let attempts = self.delays.len() + 1;
        let into_control_api =
            url::Url::parse(&self.url).is_ok_and(|u| super::create::targets_control_api(&u));
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(self.delays[attempt - 1]).await;
            }
            if self.cancelled() {
                tracing::debug!(case_id = %self.due.case_id, "sandbox webhook removed: no more attempts");
                return;
            }
            let sent_at = chrono::Utc::now().with_timezone(&self.offset);
            if into_control_api {
                // Refused when the case was created; kept here too, so that no path leads to a
                // delivery loop through the control API.
                self.record(
                    attempt,
                    sent_at,
                    None,
                    Some("refused: the target is inside the sandbox's control API".to_owned()),
                );
                return;
            }
            let mut req = self
                .http
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .timeout(self.timeout)
                .body(self.body.clone());
            if let Some((user, password)) = &self.credentials {
                req = req.basic_auth(user, Some(password));
            }
            let (http_status, error) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    // Read the body within the same time limit; a receiver that stalls fails.
                    let read = tokio::time::timeout(self.timeout, resp.bytes()).await;
                    match read {
                        Ok(Ok(_)) => (Some(status), None),
                        Ok(Err(e)) => (Some(status), Some(format!("reading answer: {e}"))),
                        Err(_) => (Some(status), Some("answer body timed out".to_owned())),
                    }
                }
                Err(e) if e.is_timeout() => {
                    (None, Some("no answer within the time limit".to_owned()))
                }
                Err(e) => (None, Some(format!("transport error: {e}"))),
            };
            if self.record(attempt, sent_at, http_status, error) {
                return;
            }
        }
    }

    /// Logs one attempt; true when it was delivered.
    fn record(
        &self,
        attempt: usize,
        sent_at: chrono::DateTime<chrono::FixedOffset>,
        http_status: Option<u16>,
        error: Option<String>,
    ) -> bool {
        let delivered = http_status == Some(200) && error.is_none();
        tracing::debug!(
            case_id = %self.due.case_id,
            attempt = attempt + 1,
            ?http_status,
            delivered,
            "sandbox webhook attempt"
        );
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(WebhookDelivery {
                case_id: self.due.case_id.clone(),
                reference_id: self.due.reference_id.clone(),
                url: self.url.clone(),
                attempt: attempt as u32 + 1,
                status: self.due.status.clone(),
                status_type: self.due.status_type.to_owned(),
                body: self.body.clone(),
                sent_at: format_ts(&sent_at.with_timezone(&self.offset).trunc_subsecs(0)),
                http_status,
                error,
                delivered,
            });
        delivered
    }
}
