//! Local simulators of IDnow AutoIdent and Deutsche Post POSTIDENT (SCR-Ident), served over real
//! HTTP on the loopback, in memory, the way stripe-mock serves Stripe users.
//!
//! One [`Sandbox`] serves both providers from one port:
//!
//! * IDnow under `{base}/idnow` (API at `{base}/idnow/api/v1/{company}/...`),
//! * POSTIDENT under `{base}/postident` (API at `{base}/postident/api/scr/v1/{clientId}/...`).
//!
//! Each half has a control API that plays the user's side and a small user page per case.
//! `docs/sandbox.md` lists what is simulated and every assumption made where the provider
//! documents are silent.
//!
//! ```no_run
//! # async fn run() -> Result<(), kyc_sandbox::SandboxError> {
//! let sandbox = kyc_sandbox::Sandbox::start(kyc_sandbox::SandboxOptions::default()).await?;
//! println!("IDnow at {}", sandbox.idnow().base_url());
//! println!("POSTIDENT at {}", sandbox.postident().base_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod clock;
pub mod idnow;
pub mod postident;
pub mod scenario;

pub use clock::Clock;
pub use scenario::{ScenarioError, SimulatedCase, UserOutcome};

use std::net::SocketAddr;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to start a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen. Defaults to `127.0.0.1:0` (a free port on the loopback).
    pub bind: SocketAddr,
    /// How much faster than real time documented delays run (see [`Clock`]).
    pub time_scale: f64,
    /// Options of the IDnow half.
    pub idnow: idnow::IdnowOptions,
    /// Options of the POSTIDENT half.
    pub postident: postident::PostidentOptions,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            time_scale: 1.0,
            idnow: idnow::IdnowOptions::default(),
            postident: postident::PostidentOptions::default(),
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The sandbox refuses to listen anywhere but on the loopback.
    #[error("the sandbox listens on loopback addresses only, not on {0}")]
    NotLoopback(SocketAddr),
}

/// A running sandbox. Dropping it stops the server; [`Sandbox::shutdown`] waits for it.
pub struct Sandbox {
    base_url: url::Url,
    idnow: idnow::IdnowSandbox,
    postident: postident::PostidentSandbox,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts both simulators on `options.bind` and returns once the port accepts connections.
    pub async fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        if !options.bind.ip().is_loopback() {
            return Err(SandboxError::NotLoopback(options.bind));
        }
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: options.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: options.bind,
            source,
        })?;
        let base_url = url::Url::parse(&format!("http://{addr}")).expect("socket address is a URL");
        let clock = Clock::new(options.time_scale);
        let (idnow_router, idnow) = idnow::build(&options.idnow, clock, &base_url);
        let (postident_router, postident) = postident::build(&options.postident, clock, &base_url);
        let app = axum::Router::new()
            .nest("/idnow", idnow_router)
            .nest("/postident", postident_router);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        tracing::info!(%base_url, "sandbox listening");
        Ok(Sandbox {
            base_url,
            idnow,
            postident,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The root URL of the sandbox, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// The IDnow half: its base URL, credentials and in-process controls.
    pub fn idnow(&self) -> &idnow::IdnowSandbox {
        &self.idnow
    }

    /// The POSTIDENT half: its base URL, credentials and in-process controls.
    pub fn postident(&self) -> &postident::PostidentSandbox {
        &self.postident
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Sandbox {
    /// A `kyc.toml` that points the library's IDnow adapter at this sandbox.
    pub fn idnow_config_toml(&self) -> String {
        format!(
            "provider = \"idnow\"\n\n[idnow]\nbase_url = \"{}\"\ncompany_id = \"{}\"\napi_key = \"{}\"\n",
            self.idnow.base_url().as_str().trim_end_matches('/'),
            self.idnow.company_id(),
            self.idnow.api_key()
        )
    }

    /// A `kyc.toml` that points the library's POSTIDENT adapter at this sandbox. With
    /// `private_key_pem` (RSA, PKCS#8) results are requested JWE-encrypted, keyed with the
    /// sandbox's data password; without it they come as plain JSON.
    pub fn postident_config_toml(&self, private_key_pem: Option<&str>) -> String {
        let p = &self.postident;
        let mut text = format!(
            "provider = \"postident\"\n\n[postident]\nbase_url = \"{}\"\nclient_id = \"{}\"\n\
             username = \"{}\"\npassword = \"{}\"\n",
            p.base_url().as_str().trim_end_matches('/'),
            p.client_id(),
            p.username(),
            p.password()
        );
        match private_key_pem {
            Some(pem) => text.push_str(&format!(
                "encryption = true\ndata_password = \"{}\"\nprivate_key = \"\"\"\n{}\"\"\"\n",
                p.data_password(),
                pem.trim_end()
            )),
            None => text.push_str("encryption = false\n"),
        }
        text
    }
}
