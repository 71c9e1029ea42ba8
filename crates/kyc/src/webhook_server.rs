//! A ready-made HTTP endpoint for provider webhooks: an [`axum::Router`] around a
//! [`WebhookReceiver`].
//!
//! Every `POST`, whatever its path, becomes a [`WebhookRequest`] (headers, body and the peer
//! address from [`ConnectInfo<SocketAddr>`]) and goes to [`WebhookReceiver::accept`], which
//! verifies it synchronously and resolves the case in the background. The handler answers at
//! once, before the case is fetched, as POSTIDENT's 2-second limit requires:
//!
//! | `accept` returned | answer |
//! |---|---|
//! | `Ok` | `200 OK`, empty body |
//! | an [`ErrorKind::Authentication`] error (Basic auth, source address) | `401 Unauthorized` |
//! | any other error (a body the adapter cannot read) | `400 Bad Request` |
//!
//! Other methods answer `405`; bodies above axum's default limit (2 MB, far above any notice)
//! answer `413`. Request bodies are never logged (they hold personal data); a
//! rejected request is logged at `warn` with the error's message only.
//!
//! Serve the router with `into_make_service_with_connect_info::<SocketAddr>()`, otherwise the
//! peer address is unknown and a configured source-IP allowlist rejects every request:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::net::SocketAddr;
//! use std::sync::Arc;
//!
//! let config = kyc::Config::load("kyc.toml")?;
//! let provider: Arc<dyn kyc::KycProvider> = Arc::from(kyc::connect(&config)?);
//! let receiver = kyc::WebhookReceiver::new(provider);
//! let app = kyc::webhook_server::router(receiver.clone());
//!
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! axum::serve(
//!     listener,
//!     app.into_make_service_with_connect_info::<SocketAddr>(),
//! )
//! .await?;
//! // Elsewhere: `receiver.case(&case_ref)` is the newest resolved state of a case.
//! # Ok(()) }
//! ```
//!
//! `examples/webhook_server.rs` runs this against the sandbox.

use crate::WebhookReceiver;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Extension, Router};
use kyc_core::webhook::WebhookRequest;
use kyc_core::ErrorKind;
use std::net::SocketAddr;

/// The router: every `POST` (any path) is a webhook for `receiver`. See the
/// [module documentation](self) for the answers and how to serve it.
pub fn router(receiver: WebhookReceiver) -> Router {
    Router::new()
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(receiver)
}

/// Answers one webhook: 200 once verified (resolution continues in the background), 401 when
/// authentication failed, 400 when the body cannot be read.
async fn receive(
    State(receiver): State<WebhookReceiver>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let request = WebhookRequest::new(
        headers,
        body,
        peer.map(|Extension(ConnectInfo(addr))| addr.ip()),
    );
    match receiver.accept(&request) {
        Ok(notice) => {
            tracing::debug!(case = %notice.case_ref, event = ?notice.event, "webhook accepted");
            StatusCode::OK
        }
        Err(e) if e.kind() == ErrorKind::Authentication => {
            tracing::warn!(error = %e, "webhook rejected: authentication failed");
            StatusCode::UNAUTHORIZED
        }
        Err(e) => {
            tracing::warn!(error = %e, "webhook rejected: unreadable notice");
            StatusCode::BAD_REQUEST
        }
    }
}
