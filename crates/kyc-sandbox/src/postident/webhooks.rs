//! Webhook delivery (result guide section 5): `POST {"caseId", "referenceId"}` to the case's
//! `webHookUrl` (and `webHookUrlPartner`) on each status change whose status type is configured;
//! the receiver must answer 200 within 2 s, otherwise up to three retries follow: immediately,
//! 900 s after the first retry, 3,600 s after the second (all scaled by the [`crate::Clock`]).

use std::sync::{Arc, Mutex};
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
    for url in &due.urls {
        let job = Job {
            http: shared.http.clone(),
            log: shared.deliveries.clone(),
            credentials: shared
                .options
                .webhook_credentials
                .as_ref()
                .map(|c| (c.username.clone(), c.password.clone())),
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
    credentials: Option<(String, String)>,
    url: String,
    body: String,
    timeout: Duration,
    delays: Vec<Duration>,
    due: DueWebhook,
    offset: chrono::FixedOffset,
}

impl Job {
    async fn run(self) {
        let attempts = self.delays.len() + 1;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(self.delays[attempt - 1]).await;
            }
            let sent_at = chrono::Utc::now().with_timezone(&self.offset);
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
                    sent_at: format_ts(&sent_at.with_timezone(&self.offset)),
                    http_status,
                    error,
                    delivered,
                });
            if delivered {
                return;
            }
        }
    }
}
