//! A ready-made HTTP endpoint for provider webhooks: an [`axum::Router`] around a
//! [`WebhookSink`]: the journal's durable [`kyc_journal::Intake`] (each notice is stored before
//! the 200; what `kyc serve` runs, see `docs/journal.md`) or the in-memory
//! [`crate::WebhookReceiver`] (demos and tests).
//!
//! Every `POST`, whatever its path, becomes a `WebhookRequest` (headers, body and the peer
//! address from `ConnectInfo<SocketAddr>`) and goes to [`WebhookSink::receive`], which verifies
//! it (no I/O) and stores it. The handler answers before the case is fetched from the provider,
//! as POSTIDENT's 2-second limit requires:
//!
//! | the sink returned | answer |
//! |---|---|
//! | `Ok` | `200 OK`, empty body |
//! | an `ErrorKind::Authentication` error (Basic auth, source address) | `401 Unauthorized` |
//! | an `ErrorKind::Transient` error (the journal could not store it) | `503 Service Unavailable` |
//! | any other error (a body the adapter cannot read) | `400 Bad Request` |
//!
//! Other methods answer `405`; bodies above axum's default limit (2 MB, far above any notice)
//! answer `413`. Request bodies are never logged (they hold personal data); a
//! rejected request is logged at `warn` with the error's message only.
//!
//! Serve the router with `into_make_service_with_connect_info::<SocketAddr>()`, otherwise the
//! peer address is unknown and a configured source-IP allowlist rejects every request. Behind
//! a reverse proxy, build it with [`router_behind_proxies`] and the proxies' networks
//! (`trusted_proxies` in the webhook section): only their `X-Forwarded-For` / `Forwarded`
//! headers are believed.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::net::SocketAddr;
//! use std::sync::Arc;
//! use kyc::kyc_journal::{Intake, Shutdown, Worker};
//!
//! let config = kyc::Config::load("kyc.toml")?;
//! let provider: Arc<dyn kyc::KycProvider> = Arc::from(kyc::connect(&config)?);
//! let journal = kyc::open_journal(&config).await?; // [journal] url; SQLite file by default
//! let app = kyc::webhook_server::router(Intake::new(journal.clone(), provider.clone()));
//! // The worker resolves what the intake stored (retries, parks what keeps failing).
//! tokio::spawn(Worker::new(journal.clone(), provider).run(Shutdown::new()));
//!
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! axum::serve(
//!     listener,
//!     app.into_make_service_with_connect_info::<SocketAddr>(),
//! )
//! .await?;
//! // Elsewhere: `journal.case(provider, "order-4711")` is the newest resolved state of a case.
//! # Ok(()) }
//! ```
//!
//! `kyc serve` runs all of this (plus reconciliation and the read API) from `kyc.toml`;
//! `examples/webhook_server.rs` runs the in-memory receiver against the sandbox.

pub use kyc_core::webhook_endpoint::{webhook_router, webhook_router_behind_proxies, WebhookSink};

use kyc_core::webhook::IpAllowlist;

/// The router: every `POST` (any path) is a webhook for `sink` — a [`crate::WebhookReceiver`]
/// (in memory) or the journal's [`kyc_journal::Intake`] (stored before 200). See the
/// [module documentation](self) for the answers and how to serve it. The source address is the
/// connection's peer; behind a reverse proxy use [`router_behind_proxies`].
pub fn router<S: WebhookSink>(sink: S) -> axum::Router {
    webhook_router(sink)
}

/// Like [`router`], behind reverse proxies: a connection from one of `trusted_proxies` is
/// checked with the client address it reports in `Forwarded` / `X-Forwarded-For`; a connection
/// from anywhere else keeps its own address, whatever it sends. Take the networks from the
/// configuration with [`crate::Config::trusted_proxies`] (`trusted_proxies` in the provider's
/// webhook section).
pub fn router_behind_proxies<S: WebhookSink>(
    sink: S,
    trusted_proxies: IpAllowlist,
) -> axum::Router {
    webhook_router_behind_proxies(sink, trusted_proxies)
}
