//! Webhook intake: verify (the adapter, no I/O), append the notice durably, then answer 200.
//! Nothing is acknowledged that is not stored: when the append fails the answer is 503 and the
//! provider delivers again.
//!
//! [`webhook_router`] is the HTTP endpoint (axum) for any [`WebhookSink`]: the journal's
//! [`Intake`], or `kyc::WebhookReceiver` (in memory, for demos and tests).
//!
//! | the sink answered | HTTP answer |
//! |---|---|
//! | `Ok` (verified **and stored**) | `200 OK`, empty body |
//! | an [`ErrorKind::Authentication`](kyc_core::ErrorKind::Authentication) error (Basic auth, source address) | `401 Unauthorized` |
//! | an [`ErrorKind::Transient`](kyc_core::ErrorKind::Transient) error (the journal could not store it) | `503 Service Unavailable` |
//! | any other error (a body the adapter cannot read) | `400 Bad Request` |
//!
//! Request bodies are never logged (they hold personal data); log lines name the case.
//!
//! Behind reverse proxies (a load balancer, an ingress) the connection's peer is the proxy;
//! [`webhook_router_behind_proxies`] takes the networks of the proxies whose `Forwarded` /
//! `X-Forwarded-For` headers are believed (`trusted_proxies` in the configuration's webhook
//! section, see `docs/security.md`). By default nobody is trusted.

use crate::attempts::{idnow_event, EventRecord};
use crate::error::{JournalError, Result};
use crate::store::{commit, now_micros, Journal};
use axum::Router;
use kyc_core::webhook::{IpAllowlist, WebhookEvent, WebhookNotice, WebhookRequest};
use kyc_core::{KycProvider, Provider};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::net::IpAddr;
use std::sync::Arc;

/// The endpoint lives in `kyc_core` so that `kyc` serves it without the journal.
pub use kyc_core::webhook_endpoint::{webhook_router, webhook_router_behind_proxies, WebhookSink};

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The notice's id in the journal.
    pub notice_id: i64,
    /// The journal's row of the case.
    pub case_row: i64,
    /// True when this was a redelivery of a notice still waiting: recorded once (its
    /// `deliveries` count went up), no new notice.
    pub redelivery: bool,
}

/// The journal's webhook intake for one provider: verifies with the adapter, appends, answers.
#[derive(Clone)]
pub struct Intake {
    journal: Journal,
    provider: Arc<dyn KycProvider>,
}

impl Intake {
    /// An intake that verifies with `provider` and appends to `journal`.
    pub fn new(journal: Journal, provider: Arc<dyn KycProvider>) -> Self {
        Intake { journal, provider }
    }

    /// The HTTP endpoint for this intake (see [`webhook_router`]).
    pub fn router(&self) -> Router {
        webhook_router(self.clone())
    }

    /// The HTTP endpoint for this intake behind reverse proxies (see
    /// [`webhook_router_behind_proxies`]).
    pub fn router_behind_proxies(&self, trusted_proxies: IpAllowlist) -> Router {
        webhook_router_behind_proxies(self.clone(), trusted_proxies)
    }
}

#[async_trait::async_trait]
impl WebhookSink for Intake {
    async fn receive(&self, request: WebhookRequest) -> kyc_core::Result<WebhookNotice> {
        let notice = self.provider.verify_webhook(&request)?;
        // The case a body carries (IDnow) is read now: its attempt is recorded with the notice,
        // and a body whose ids read but whose ident does not is refused before it is stored.
        notice.case()?;
        let appended = self.journal.append(&notice, &request).await?;
        tracing::info!(
            case = %notice.case_ref,
            event = ?notice.event,
            notice = appended.notice_id,
            redelivery = appended.redelivery,
            "webhook stored"
        );
        Ok(notice)
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The word stored for an event.
pub(crate) fn event_name(event: &WebhookEvent) -> String {
    match event {
        WebhookEvent::Unknown(raw) => format!("unknown:{raw}"),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "unknown".to_string()),
    }
}

impl Journal {
    /// Appends a verified webhook: the raw body exactly as received, the receive time, the peer
    /// address, the provider, the case ids and the event. A redelivery of a notice that is
    /// still waiting for resolution is recorded once (see `docs/journal.md`, "Dedupe key").
    /// Returns once the append is committed.
    pub async fn append(
        &self,
        notice: &WebhookNotice,
        request: &WebhookRequest,
    ) -> Result<Appended> {
        let event = if notice.provider == Provider::Idnow {
            idnow_event(notice)
        } else {
            None
        };
        let appended = self
            .append_body(notice, &request.body, request.peer, "webhook", event)
            .await?;
        self.inner.appended.notify_waiters();
        Ok(appended)
    }

    pub(crate) async fn append_body(
        &self,
        notice: &WebhookNotice,
        body: &[u8],
        peer: Option<IpAddr>,
        source: &str,
        event: Option<EventRecord>,
    ) -> Result<Appended> {
        let now = now_micros();
        let sha = sha256_hex(body);
        let mut tx = self.begin("begin append").await?;
        let case_row = self.case_row(&mut tx, &notice.case_ref).await?;
        let state = if source == "webhook" {
            "pending"
        } else {
            "done"
        };
        let row = sqlx::query(
            "INSERT INTO kyc_notices (case_row, provider, case_id, reference, source, event, body, \
             body_sha256, body_len, peer, received_at, last_received_at, deliveries, state, tries, \
             next_attempt_at, resolved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1, $12, 0, $11, $13) \
             ON CONFLICT (case_row, body_sha256) WHERE state IN ('pending', 'retry') \
             DO UPDATE SET deliveries = kyc_notices.deliveries + 1, \
             last_received_at = excluded.last_received_at \
             RETURNING id, deliveries",
        )
        .bind(case_row)
        .bind(notice.provider.name())
        .bind(notice.case_ref.case_id.clone())
        .bind(notice.case_ref.reference.clone())
        .bind(source)
        .bind(event_name(&notice.event))
        .bind(body.to_vec())
        .bind(sha)
        .bind(body.len() as i64)
        .bind(peer.map(|p| p.to_string()))
        .bind(now)
        .bind(state)
        .bind((state == "done").then_some(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(JournalError::db("append notice"))?;
        let notice_id: i64 = row.get("id");
        let deliveries: i64 = row.get("deliveries");
        if let Some(event) = event {
            sqlx::query(
                "INSERT INTO kyc_events (case_row, event_key, kind, event_time, seen_at, \
                 attempt_json, notice_id) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (case_row, event_key) DO NOTHING",
            )
            .bind(case_row)
            .bind(event.key)
            .bind(event.kind)
            .bind(event.time)
            .bind(now)
            .bind(event.attempt_json)
            .bind(notice_id)
            .execute(&mut *tx)
            .await
            .map_err(JournalError::db("append event"))?;
        }
        commit(tx, "commit append").await?;
        Ok(Appended {
            notice_id,
            case_row,
            redelivery: deliveries > 1,
        })
    }
}
