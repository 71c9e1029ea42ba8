//! The HTTP endpoint for provider webhooks, as an [`axum::Router`] around a [`WebhookSink`]
//! (feature `axum`). Both the journal's durable intake (`kyc_journal::Intake`) and the in-memory
//! `kyc::WebhookReceiver` are sinks; the router is the same for both.
//!
//! Every `POST`, whatever its path, becomes a [`WebhookRequest`] (headers, body and the peer
//! address from `ConnectInfo<SocketAddr>`) and goes to [`WebhookSink::receive`]:
//!
//! | the sink answered | HTTP answer |
//! |---|---|
//! | `Ok` (verified and kept) | `200 OK`, empty body |
//! | an [`ErrorKind::Authentication`] error (Basic auth, source address) | `401 Unauthorized` |
//! | an [`ErrorKind::Transient`] error (the sink could not keep it) | `503 Service Unavailable` |
//! | any other error (a body the adapter cannot read) | `400 Bad Request` |
//!
//! Other methods answer `405`. Request bodies are never logged (they hold personal data); a
//! rejected request is logged at `warn` with the error's message only.
//!
//! Behind reverse proxies (a load balancer, an ingress) the connection's peer is the proxy;
//! [`webhook_router_behind_proxies`] takes the networks of the proxies whose `Forwarded` /
//! `X-Forwarded-For` headers are believed. By default nobody is trusted.

use crate::webhook::{client_address, IpAllowlist, WebhookNotice, WebhookRequest};
use crate::ErrorKind;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Extension, Router};
use std::net::SocketAddr;
use std::sync::Arc;

/// Where the webhook endpoint hands a request: verify it and keep it, then say so.
#[async_trait::async_trait]
pub trait WebhookSink: Clone + Send + Sync + 'static {
    /// Verifies `request` and stores it (durably, for the journal). `Ok` means the provider
    /// may be told 200. See the [module documentation](self) for how errors become answers.
    async fn receive(&self, request: WebhookRequest) -> crate::Result<WebhookNotice>;
}

/// The webhook endpoint: every `POST` (any path) goes to `sink`. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so the peer address is known (an
/// allowlist rejects requests whose address is unknown). The source address is the
/// connection's peer; `X-Forwarded-For` and `Forwarded` are ignored (see
/// [`webhook_router_behind_proxies`]).
pub fn webhook_router<S: WebhookSink>(sink: S) -> Router {
    webhook_router_behind_proxies(sink, IpAllowlist::empty())
}

/// Like [`webhook_router`], for a server behind reverse proxies: when the connection comes from
/// one of `trusted_proxies`, the source address the allowlist checks is the client address
/// the proxies report (`Forwarded: for=`, else `X-Forwarded-For`), computed by
/// [`client_address`]; a connection from any other address keeps its own address, whatever
/// headers it sends, so it cannot pretend to be the provider.
pub fn webhook_router_behind_proxies<S: WebhookSink>(
    sink: S,
    trusted_proxies: IpAllowlist,
) -> Router {
    let endpoint = Endpoint {
        sink,
        trusted_proxies: Arc::new(trusted_proxies),
    };
    Router::new()
        .route("/", post(receive::<S>))
        .route("/{*path}", post(receive::<S>))
        .with_state(endpoint)
}

/// The router's state: where requests go and whose forwarding headers are believed.
#[derive(Clone)]
struct Endpoint<S> {
    sink: S,
    trusted_proxies: Arc<IpAllowlist>,
}

async fn receive<S: WebhookSink>(
    State(Endpoint {
        sink,
        trusted_proxies,
    }): State<Endpoint<S>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let source = peer
        .map(|Extension(ConnectInfo(addr))| client_address(addr.ip(), &headers, &trusted_proxies));
    let request = WebhookRequest::new(headers, body, source);
    match sink.receive(request).await {
        Ok(notice) => {
            tracing::debug!(case = %notice.case_ref, event = ?notice.event, "webhook accepted");
            StatusCode::OK
        }
        Err(e) if e.kind() == ErrorKind::Authentication => {
            tracing::warn!(error = %e, "webhook rejected: authentication failed");
            StatusCode::UNAUTHORIZED
        }
        Err(e) if e.kind() == ErrorKind::Transient => {
            tracing::error!(error = %e, "webhook not stored; answering 503 so the provider delivers again");
            StatusCode::SERVICE_UNAVAILABLE
        }
        Err(e) => {
            tracing::warn!(error = %e, "webhook rejected: unreadable notice");
            StatusCode::BAD_REQUEST
        }
    }
}
