//! Local simulators of IDnow AutoIdent and Deutsche Post POSTIDENT (SCR-Ident), served over real
//! HTTP on the loopback, in memory, the way stripe-mock serves Stripe users.
//!
//! One [`Sandbox`] serves both providers from one port:
//!
//! * IDnow under `{base}/idnow` (API at `{base}/idnow/api/v1/{company}/...`),
//! * POSTIDENT under `{base}/postident` (API at `{base}/postident/api/scr/v1/{clientId}/...`).
//!
//! Each half has a control API that plays the user's side and a small user page per case; the
//! root (`{base}/`) is an overview page listing the cases of both, refreshed live
//! ([`Sandbox::overview_url`]).
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
//!
//! **For clients that take only a host.** Clients written against the providers' documents put
//! the documented paths under a host themselves (`/api/v1/{company}/...` for IDnow,
//! `/api/scr/v1/{clientId}/...` for POSTIDENT). [`SandboxOptions::idnow_bind`] and
//! [`SandboxOptions::postident_bind`] serve each simulator also at the root of a listener of
//! its own, so such a client needs only `http://127.0.0.1:8081` or `http://127.0.0.1:8082`:
//!
//! ```no_run
//! # async fn run() -> Result<(), kyc_sandbox::SandboxError> {
//! use std::net::SocketAddr;
//! let sandbox = kyc_sandbox::Sandbox::start(kyc_sandbox::SandboxOptions {
//!     idnow_bind: Some(SocketAddr::from(([127, 0, 0, 1], 8081))),
//!     postident_bind: Some(SocketAddr::from(([127, 0, 0, 1], 8082))),
//!     ..Default::default()
//! })
//! .await?;
//! // POST http://127.0.0.1:8081/api/v1/sandboxco/login
//! // GET  http://127.0.0.1:8082/api/scr/v1/SANDBOX01/cases
//! println!("{:?} {:?}", sandbox.idnow_root_url(), sandbox.postident_root_url());
//! # Ok(()) }
//! ```
//!
//! The sandbox listens on loopback addresses only, unless
//! [`SandboxOptions::allow_non_loopback`] says otherwise (a container beside a test suite): its
//! credentials are published and it speaks plain HTTP.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

/// Writes a `Debug` impl that shows the listed fields in order, as `derive(Debug)` would,
/// except that a field marked `(secret)` shows as `"[redacted]"` and an `Option` field marked
/// `(secret_if_set)` as `Some("[redacted]")` or `None`. A trailing `..` ends the output with
/// `..` (`finish_non_exhaustive`) for types with fields left out.
macro_rules! redacted_debug {
    ($ty:ident { $($field:ident $(($how:ident))?),* $(,)? }) => {
        redacted_debug!(@impl $ty, finish, $($field $(($how))?),*);
    };
    ($ty:ident { $($field:ident $(($how:ident))?,)* .. }) => {
        redacted_debug!(@impl $ty, finish_non_exhaustive, $($field $(($how))?),*);
    };
    (@impl $ty:ident, $finish:ident, $($field:ident $(($how:ident))?),*) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), redacted_debug!(@value self, $field $($how)?)))*
                    .$finish()
            }
        }
    };
    (@value $s:tt, $field:ident) => {
        &$s.$field
    };
    (@value $s:tt, $field:ident secret) => {
        &"[redacted]"
    };
    (@value $s:tt, $field:ident secret_if_set) => {
        &$s.$field.as_ref().map(|_| "[redacted]")
    };
}

pub mod clock;
pub mod faults;
pub mod idnow;
mod overview;
pub mod postident;
pub mod scenario;

pub use clock::Clock;
pub use scenario::{ScenarioError, SimulatedCase, UserOutcome};

use std::net::SocketAddr;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How to start a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen for both providers (under `/idnow` and `/postident`). Defaults to
    /// `127.0.0.1:0` (a free port on the loopback).
    pub bind: SocketAddr,
    /// Also serve the IDnow simulator at the root of a listener of its own
    /// (`http://{addr}/api/v1/{company}/...`, control API at `/__control`), for clients that
    /// take only a host. Port 0 picks a free one; see [`Sandbox::idnow_root_url`].
    pub idnow_bind: Option<SocketAddr>,
    /// Also serve the POSTIDENT simulator at the root of a listener of its own
    /// (`http://{addr}/api/scr/v1/{clientId}/cases...`, control API at `/__control`, user pages
    /// at `/user/start/`). Port 0 picks a free one; see [`Sandbox::postident_root_url`].
    pub postident_bind: Option<SocketAddr>,
    /// Allow listening on addresses other than the loopback (`0.0.0.0` in a container beside a
    /// bank's test suite). Off by default: the sandbox's credentials are published and it
    /// speaks plain HTTP, so it must not be reachable from a network by accident.
    pub allow_non_loopback: bool,
    /// The URL under which clients reach `bind`, used in every URL the sandbox hands out (the
    /// POSTIDENT `caseURL`, user pages, control API, the printed configuration), e.g.
    /// `http://kyc-sandbox:8080` in a container network. Default: `http://{bound address}`,
    /// with an unspecified address (`0.0.0.0`, `::`) replaced by the loopback.
    pub public_url: Option<url::Url>,
    /// How much faster than real time documented delays run (see [`Clock`]); a finite number
    /// above 0.
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
            idnow_bind: None,
            postident_bind: None,
            allow_non_loopback: false,
            public_url: None,
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
    /// The sandbox refuses to listen anywhere but on the loopback unless allowed.
    #[error(
        "the sandbox listens on loopback addresses only, not on {0}: its credentials are \
         published and it speaks plain HTTP; to serve a container network anyway, allow it \
         explicitly (SandboxOptions::allow_non_loopback, `kyc sandbox --allow-non-loopback`)"
    )]
    NotLoopback(SocketAddr),
    /// An option has a value the sandbox cannot work with.
    #[error("{option}: {problem}")]
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// What is wrong with its value.
        problem: String,
    },
}

/// A running sandbox. Dropping it stops the server; [`Sandbox::shutdown`] waits for it.
pub struct Sandbox {
    base_url: url::Url,
    idnow_root: Option<url::Url>,
    postident_root: Option<url::Url>,
    idnow: idnow::IdnowSandbox,
    postident: postident::PostidentSandbox,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Binds `addr` after checking it is allowed.
async fn listen(
    addr: SocketAddr,
    allow_non_loopback: bool,
) -> Result<(tokio::net::TcpListener, SocketAddr), SandboxError> {
    if !addr.ip().is_loopback() && !allow_non_loopback {
        return Err(SandboxError::NotLoopback(addr));
    }
    let bind_error = |source| SandboxError::Bind { addr, source };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

/// The URL clients use for a listener at `local`, with the host of `public` when given.
fn reachable_url(local: SocketAddr, public: Option<&url::Url>) -> url::Url {
    let mut url = match public {
        Some(p) => p.clone(),
        None => {
            let ip = if local.ip().is_unspecified() {
                match local {
                    SocketAddr::V4(_) => std::net::IpAddr::from([127, 0, 0, 1]),
                    SocketAddr::V6(_) => std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
                }
            } else {
                local.ip()
            };
            let url = format!("http://{}", SocketAddr::new(ip, local.port()));
            url::Url::parse(&url).expect("socket address is a URL")
        }
    };
    if public.is_some() {
        let _ = url.set_port(Some(local.port()));
        url.set_path("/");
    }
    url
}

/// True when `url`'s path has a `__control` segment (also percent-encoded): the sandbox's control
/// API (of either provider), whatever host alias or port is used to reach it. A webhook sent there could make the
/// sandbox deliver again (`.../webhook` redelivers) and loop for ever.
pub(crate) fn targets_control_api(url: &url::Url) -> bool {
    url.path_segments().is_some_and(|mut segments| {
        segments.any(|s| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .is_some_and(|(_, decoded)| decoded.eq_ignore_ascii_case("__control"))
        })
    })
}

/// Serves `app` on `listener` until `stop` changes.
fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.changed().await;
        })
        .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    })
}

impl Sandbox {
    /// Starts both simulators on `options.bind` (and on `idnow_bind` / `postident_bind` when
    /// given) and returns once every port accepts connections.
    pub async fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        if !(options.time_scale.is_finite() && options.time_scale > 0.0) {
            return Err(SandboxError::InvalidOption {
                option: "time_scale",
                problem: format!(
                    "must be a finite number above 0 (1 is real time, 100 a hundred times \
                     faster), not {}",
                    options.time_scale
                ),
            });
        }
        let public = match &options.public_url {
            Some(u) if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() => {
                return Err(SandboxError::InvalidOption {
                    option: "public_url",
                    problem: format!("must be an http:// URL with a host, not {u}"),
                })
            }
            Some(u) => {
                let mut u = u.clone();
                u.set_path("/");
                u.set_query(None);
                Some(u)
            }
            None => None,
        };
        let (listener, addr) = listen(options.bind, options.allow_non_loopback).await?;
        let base_url = match &public {
            Some(p) => p.clone(),
            None => reachable_url(addr, None),
        };
        let idnow_listener = match options.idnow_bind {
            Some(a) => Some(listen(a, options.allow_non_loopback).await?),
            None => None,
        };
        let postident_listener = match options.postident_bind {
            Some(a) => Some(listen(a, options.allow_non_loopback).await?),
            None => None,
        };
        let clock = Clock::new(options.time_scale);
        let (idnow_router, idnow) = idnow::build(&options.idnow, clock, &base_url);
        let (postident_router, postident) = postident::build(&options.postident, clock, &base_url);
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        // Serves one simulator at the root of its own listener, when it has one, and under its
        // prefix too, so that paths the pages write (`/idnow/__control/...`) work on that port.
        let mut serve_alone = |bound: Option<(tokio::net::TcpListener, SocketAddr)>,
                               prefix: &str,
                               router: &axum::Router| {
            bound.map(|(l, local)| {
                let app = axum::Router::new()
                    .nest(prefix, router.clone())
                    .merge(router.clone());
                tasks.push(serve(l, app, stopped.clone()));
                reachable_url(local, public.as_ref())
            })
        };
        let idnow_root = serve_alone(idnow_listener, "/idnow", &idnow_router);
        let postident_root = serve_alone(postident_listener, "/postident", &postident_router);
        let app = axum::Router::new()
            .nest("/idnow", idnow_router)
            .nest("/postident", postident_router)
            .merge(overview::router(idnow.clone(), postident.clone()));
        tasks.push(serve(listener, app, stopped));
        tracing::info!(%base_url, "sandbox listening");
        Ok(Sandbox {
            base_url,
            idnow_root,
            postident_root,
            idnow,
            postident,
            shutdown: stop,
            tasks,
        })
    }

    /// The root URL of the sandbox, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// The overview page a person can open in a browser: the cases of both providers, their
    /// status, attempts and webhook deliveries, refreshed every second, with links to the user
    /// pages. It lives at the root of the combined listener ([`SandboxOptions::bind`]), also
    /// when the providers have ports of their own; its data is at `{url}__control/overview`.
    pub fn overview_url(&self) -> &url::Url {
        &self.base_url
    }

    /// The IDnow simulator at the root of its own listener ([`SandboxOptions::idnow_bind`]),
    /// e.g. `http://127.0.0.1:8081/`: the API at `{url}api/v1/{company}/...`, the control API
    /// at `{url}__control`. `None` when not asked for.
    pub fn idnow_root_url(&self) -> Option<&url::Url> {
        self.idnow_root.as_ref()
    }

    /// The POSTIDENT simulator at the root of its own listener
    /// ([`SandboxOptions::postident_bind`]), e.g. `http://127.0.0.1:8082/`: the API at
    /// `{url}api/scr/v1/{clientId}/cases...`, the control API at `{url}__control`. `None` when
    /// not asked for.
    pub fn postident_root_url(&self) -> Option<&url::Url> {
        self.postident_root.as_ref()
    }

    /// The IDnow half: its base URL, credentials and in-process controls.
    pub fn idnow(&self) -> &idnow::IdnowSandbox {
        &self.idnow
    }

    /// The POSTIDENT half: its base URL, credentials and in-process controls.
    pub fn postident(&self) -> &postident::PostidentSandbox {
        &self.postident
    }

    /// Stops accepting connections and waits for the server tasks to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
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
