//! The library inside an existing axum application: the webhook endpoint and the journal's
//! read API mounted under path prefixes of the application's own router, the application's
//! handlers reading the same journal through the application's state, the read API behind the
//! application's own authentication, and a graceful shutdown that finishes the work in flight.
//!
//! ```text
//! cargo run -p kyc --example axum_integration                 # against the embedded sandbox; stops by itself
//! cargo run -p kyc --example axum_integration -- kyc.toml     # your provider on 0.0.0.0:8080 until Ctrl-C
//! ```
//!
//! Routes of the application (see `docs/axum.md`):
//!
//! | route | who |
//! |---|---|
//! | `GET /health` | the application |
//! | `GET /orders/{reference}/kyc` | the application, reading the shared journal |
//! | `POST /kyc/webhooks` (any path below it) | the library's webhook intake: stored, then 200 |
//! | `GET /kyc/api/cases...` | the journal's read API, behind the application's bearer token |
//!
//! Without an argument the sandbox (IDnow) starts in this process; the example creates a case,
//! plays the user's approval, waits until the webhook was resolved, reads it through both the
//! application's route and the read API, then shuts down gracefully and exits.

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kyc::kyc_journal::{read_api, Intake, Journal, Shutdown, Worker};
use kyc::{Config, KycProvider, NewCase, Provider};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

const HOOK_USER: &str = "webhooks";
const HOOK_PASSWORD: &str = "example-webhook-password";

/// The application's state: its own things (here only the back office's token) and the
/// library's, shared by its handlers and the mounted routers.
#[derive(Clone)]
struct AppState {
    /// The journal: what the webhook intake stores and the read API and `order_kyc` read.
    journal: Journal,
    /// The configured provider (instrumented; see `docs/observability.md`).
    provider: Arc<dyn KycProvider>,
    /// The back office's bearer token. In a real application: your SSO, mTLS or API gateway.
    back_office_token: Arc<str>,
}

/// The application's own authentication, put in front of the journal's read API (which checks
/// nothing itself).
async fn require_back_office(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> std::result::Result<Response, StatusCode> {
    let expected = format!("Bearer {}", state.back_office_token);
    let sent = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if kyc::webhook::constant_time_eq(sent, expected.as_bytes()) {
        Ok(next.run(request).await)
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

async fn health() -> &'static str {
    "ok"
}

/// An application route that reads the journal from the shared state: the KYC status of an
/// order (the order number is the case's reference).
async fn order_kyc(State(state): State<AppState>, Path(reference): Path<String>) -> Response {
    match state
        .journal
        .case(state.provider.provider(), &reference)
        .await
    {
        Ok(Some(case)) => Json(serde_json::json!({
            "order": reference,
            "kyc_status": case.status.to_string(),
            "final": case.status.is_final(),
        }))
        .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            eprintln!("journal read failed: {e}");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The whole application: its own routes with its state, then the library's routers nested
/// under `/kyc/...`.
fn app(state: AppState, config: &Config) -> Result<Router> {
    let intake = Intake::new(state.journal.clone(), state.provider.clone());
    let read_api = read_api::read_router(state.journal.clone()).layer(
        middleware::from_fn_with_state(state.clone(), require_back_office),
    );
    Ok(Router::new()
        .route("/health", get(health))
        .route("/orders/{reference}/kyc", get(order_kyc))
        .with_state(state)
        // Webhooks: `trusted_proxies` from the configuration, when behind a load balancer.
        .nest(
            "/kyc/webhooks",
            intake.router_behind_proxies(config.trusted_proxies()?),
        )
        .nest("/kyc/api", read_api))
}

/// Serves the application on `listener` until `stop` resolves, then shuts down gracefully:
/// stops accepting, answers the requests in flight (a webhook being stored is stored and
/// answered), lets the worker finish the notices it claimed, and closes the journal.
async fn run(
    config: &Config,
    back_office_token: &str,
    listener: tokio::net::TcpListener,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(AppState, Shutdown, tokio::task::JoinHandle<Result<()>>)> {
    let configured = kyc::connect_typed(config)?;
    let provider = configured.as_dyn();
    let journal = kyc::open_journal(config).await?;
    let state = AppState {
        journal: journal.clone(),
        provider: provider.clone(),
        back_office_token: back_office_token.into(),
    };
    let app = app(state.clone(), config)?;
    let shutdown = Shutdown::new();
    // The worker resolves what the intake stored; on shutdown it finishes its claims and stops.
    let worker = tokio::spawn(Worker::new(journal.clone(), provider).run(shutdown.clone()));
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        stop.await;
        trigger.trigger();
    });
    let until = shutdown.clone();
    let server = tokio::spawn(async move {
        // The peer address is what the webhook source-address check uses.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move { until.wait().await })
        .await?;
        worker.await?;
        journal.close().await;
        Ok(())
    });
    Ok((state, shutdown, server))
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match std::env::args().nth(1) {
        Some(path) => serve_until_ctrl_c(&path).await,
        None => demonstrate().await,
    }
}

async fn serve_until_ctrl_c(config_path: &str) -> Result<()> {
    let config = Config::load(config_path)?;
    let token = std::env::var("BACK_OFFICE_TOKEN")
        .map_err(|_| "set BACK_OFFICE_TOKEN: the read API's bearer token")?;
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    println!("listening on http://{}", listener.local_addr()?);
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let (_, _, server) = run(&config, &token, listener, stop).await?;
    server.await??;
    println!("stopped gracefully");
    Ok(())
}

async fn demonstrate() -> Result<()> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    let toml = format!(
        "{}\n[idnow.webhook]\nusername = \"{HOOK_USER}\"\npassword = \"{HOOK_PASSWORD}\"\n\
         allowed_ips = [\"127.0.0.1\"]\n\n[journal]\nurl = \"sqlite::memory:\"\n",
        sandbox.idnow_config_toml()
    );
    let config = Config::from_toml(&toml)?;
    let token = "example-back-office-token";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    // The demonstration stops the application itself (below); a real one waits for a signal.
    let (state, shutdown, server) = run(&config, token, listener, std::future::pending()).await?;
    println!("application on {base}");

    // IDnow sends every webhook of an account to one URL: the mounted intake.
    sandbox.idnow().set_webhook(
        sandbox.idnow().company_id(),
        Some(kyc_sandbox::idnow::WebhookTarget {
            url: format!("{base}/kyc/webhooks/idnow").parse()?,
            basic_auth: Some((HOOK_USER.into(), HOOK_PASSWORD.into())),
        }),
    )?;
    let reference = "order-4711";
    let mut new_case = NewCase::new(reference);
    new_case.person.first_name = Some("Erika".into());
    new_case.person.last_name = Some("Mustermann".into());
    let handle = state.provider.create_case(&new_case).await?;
    println!("created {}; the user identifies", handle.case_ref);
    sandbox.play(
        &SimulatedCase::Idnow {
            transaction_number: reference.into(),
        },
        UserOutcome::Approve,
    )?;

    let http = reqwest::Client::new();
    let order_url = format!("{base}/orders/{reference}/kyc");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let order: serde_json::Value = loop {
        let answer = http.get(&order_url).send().await?;
        if answer.status().is_success() {
            let order: serde_json::Value = answer.json().await?;
            if order["final"] == serde_json::Value::Bool(true) {
                break order;
            }
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the webhook was not resolved within 20 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("GET /orders/{reference}/kyc (application route): {order}");

    let case_url = format!(
        "{base}/kyc/api/cases/{}/{reference}",
        Provider::Idnow.name()
    );
    let anonymous = http.get(&case_url).send().await?.status();
    println!("GET {case_url} without the token: {anonymous}");
    if anonymous != StatusCode::UNAUTHORIZED {
        return Err(format!("the read API answered {anonymous} without the token").into());
    }
    let authorised = http.get(&case_url).bearer_auth(token).send().await?;
    let status = authorised.status();
    let case: serde_json::Value = authorised.json().await?;
    println!(
        "GET {case_url} with the token: {status}, status {}",
        case["status"]
    );
    if !status.is_success() {
        return Err(format!("the read API answered {status}").into());
    }

    println!("shutting down gracefully");
    shutdown.trigger();
    server.await??;
    sandbox.shutdown().await;
    println!("stopped");
    Ok(())
}
