//! Everything one instance runs, started together and stopped gracefully: the webhook intake
//! (HTTP), a worker, reconciliation and, when asked, the read API on its own address. `kyc
//! serve` is this; tests start several of these on one database.

use crate::error::{JournalError, Result};
use crate::intake::Intake;
use crate::read_api::read_router;
use crate::reconcile::Reconciler;
use crate::shutdown::Shutdown;
use crate::store::Journal;
use crate::worker::Worker;
use kyc_core::webhook::IpAllowlist;
use kyc_core::KycProvider;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// What an instance runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServiceConfig {
    /// Where the webhook intake listens (`0.0.0.0:8080`; port 0 picks a free one).
    pub webhook_addr: SocketAddr,
    /// Where the read API listens, if at all. It has no authentication of its own: keep it on
    /// the loopback or behind your own proxy.
    pub read_api_addr: Option<SocketAddr>,
    /// Run a worker (resolution). Off: intake only.
    pub worker: bool,
    /// Run reconciliation.
    pub reconcile: bool,
    /// The reverse proxies in front of the webhook intake whose `Forwarded` /
    /// `X-Forwarded-For` headers are believed (see
    /// [`crate::intake::webhook_router_behind_proxies`]); empty by default: nobody.
    pub trusted_proxies: IpAllowlist,
}

impl ServiceConfig {
    /// Intake on `webhook_addr`, a worker and reconciliation, no read API.
    pub fn new(webhook_addr: SocketAddr) -> Self {
        ServiceConfig {
            webhook_addr,
            read_api_addr: None,
            worker: true,
            reconcile: true,
            trusted_proxies: IpAllowlist::empty(),
        }
    }
}

/// A running instance.
pub struct Service {
    /// The address the webhook intake listens on.
    pub webhook_addr: SocketAddr,
    /// The address the read API listens on, when it runs.
    pub read_api_addr: Option<SocketAddr>,
    shutdown: Shutdown,
    tasks: Vec<JoinHandle<()>>,
}

impl Service {
    /// Starts an instance: binds the listeners, then runs until [`Service::stop`].
    pub async fn start(
        journal: Journal,
        provider: Arc<dyn KycProvider>,
        config: ServiceConfig,
    ) -> Result<Service> {
        let shutdown = Shutdown::new();
        let mut tasks = Vec::new();
        let intake = Intake::new(journal.clone(), provider.clone());
        let listener = bind(config.webhook_addr).await?;
        let webhook_addr = listener
            .local_addr()
            .map_err(|e| io_error("webhook listener", e))?;
        let app = intake.router_behind_proxies(config.trusted_proxies.clone());
        let stop = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            let served = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move { stop.wait().await })
            .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "webhook intake stopped");
            }
        }));
        let mut read_api_addr = None;
        if let Some(addr) = config.read_api_addr {
            let listener = bind(addr).await?;
            read_api_addr = Some(
                listener
                    .local_addr()
                    .map_err(|e| io_error("read API listener", e))?,
            );
            let app = read_router(journal.clone());
            let stop = shutdown.clone();
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move { stop.wait().await })
                    .await;
            }));
        }
        if config.worker {
            let worker = Worker::new(journal.clone(), provider.clone());
            tasks.push(tokio::spawn(worker.run(shutdown.clone())));
        }
        if config.reconcile {
            let reconciler = Reconciler::new(journal.clone(), provider.clone());
            tasks.push(tokio::spawn(reconciler.run(shutdown.clone())));
        }
        tracing::info!(%webhook_addr, read_api = ?read_api_addr, instance = %journal.options().instance, "journal service started");
        Ok(Service {
            webhook_addr,
            read_api_addr,
            shutdown,
            tasks,
        })
    }

    /// The shutdown switch (trigger it from a signal handler).
    pub fn shutdown(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Stops gracefully: stops accepting, finishes requests in flight and the notices already
    /// claimed, then returns.
    pub async fn stop(self) {
        self.shutdown.trigger();
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Waits until the instance stopped (after [`Shutdown::trigger`]).
    pub async fn wait(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Stops at once, as a crash would: open requests are dropped, claims stay until their
    /// lease passes. For tests of what survives a crash.
    pub fn kill(self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| io_error("bind", e))
}

fn io_error(what: &str, e: std::io::Error) -> JournalError {
    JournalError::Provider(kyc_core::Error::new(
        kyc_core::ErrorKind::Configuration,
        format!("{what}: {e}"),
    ))
}
