//! An axum webhook server: verifies each notice with the library, answers 200 at once and
//! resolves the case in the background (POSTIDENT wants its answer within 2 seconds and sends
//! only ids; IDnow retries and reorders), keeping the newest decision per case.
//!
//! ```text
//! cargo run --example webhook_server -- kyc.toml [PORT]   # serve your provider on 0.0.0.0:PORT (8080)
//! cargo run --example webhook_server                      # demonstrate itself against the sandbox
//! ```
//!
//! Configure the webhook's Basic auth and source addresses in `kyc.toml`
//! (`[idnow.webhook]` / `[postident.webhook]`: `username`, `password`, `allowed_ips`). Stop the
//! server with Ctrl-C: it stops accepting, answers the requests in flight and finishes the
//! resolutions it started (graceful shutdown) before it exits.
//!
//! Without an argument the sandbox starts in this process; for each provider the example serves
//! the router on a loopback port, points the sandbox's webhooks at it, creates a case, plays
//! the user's approval and prints the case as the background resolution stored it.

use kyc::kyc_journal::Shutdown;
use kyc::{CaseRef, Config, KycProvider, NewCase, Provider, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const HOOK_USER: &str = "webhooks";
const HOOK_PASSWORD: &str = "example-webhook-password";

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kyc=debug".into()),
        )
        .init();
    let mut args = std::env::args().skip(1);
    match args.next() {
        Some(path) => {
            let port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(8080);
            serve_forever(&path, port).await
        }
        None => demonstrate().await,
    }
}

/// Starts the router on `listener` for `receiver`; returns the server task, which ends once
/// `stop` is triggered and the requests in flight are answered (graceful shutdown).
fn spawn_server(
    listener: tokio::net::TcpListener,
    receiver: WebhookReceiver,
    stop: Shutdown,
) -> tokio::task::JoinHandle<()> {
    let app = kyc::webhook_server::router(receiver);
    tokio::spawn(async move {
        // The peer address is what the source-IP allowlist checks.
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(async move { stop.wait().await })
            .await;
        if let Err(e) = served {
            eprintln!("webhook server stopped: {e}");
        }
    })
}

/// Graceful shutdown: stop accepting and answer the requests in flight, then let the
/// background resolutions of the notices already accepted finish.
async fn shut_down(
    stop: &Shutdown,
    server: tokio::task::JoinHandle<()>,
    receiver: &WebhookReceiver,
) {
    stop.trigger();
    if let Err(e) = server.await {
        eprintln!("webhook server task failed: {e}");
    }
    receiver.wait_idle().await;
}

async fn serve_forever(config_path: &str, port: u16) -> Result<()> {
    let config = Config::load(config_path)?;
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config)?);
    let receiver = WebhookReceiver::new(provider.clone());
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port)).await?;
    println!(
        "{} webhooks: listening on http://{} (any path, POST)",
        provider.provider(),
        listener.local_addr()?
    );
    let stop = Shutdown::new();
    let server = spawn_server(listener, receiver.clone(), stop.clone());

    // Report what the background resolution stores, every two seconds.
    let mut shown = std::collections::HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tick.tick() => {
                for case in receiver.cases() {
                    let now = case.status.to_string();
                    if shown.insert(case.case_ref.to_string(), now.clone()).as_ref() != Some(&now) {
                        println!("{} is {now} ({})", case.case_ref, case.provider_status);
                    }
                }
                for (case, error) in receiver.failures() {
                    eprintln!("{case}: could not be resolved: {error}");
                }
            }
        }
    }
    println!("stopping: answering the requests in flight, finishing the resolutions");
    shut_down(&stop, server, &receiver).await;
    Ok(())
}

async fn demonstrate() -> Result<()> {
    let mut options = SandboxOptions::default();
    // POSTIDENT sends Basic auth credentials configured with the account.
    options.postident.webhook_credentials = Some(kyc_sandbox::postident::WebhookCredentials {
        username: HOOK_USER.into(),
        password: HOOK_PASSWORD.into(),
    });
    let sandbox = Sandbox::start(options).await?;
    let key = kyc::kyc_postident::PrivateKey::generate()?;
    let pem = key.to_pkcs8_pem()?;
    for kind in [Provider::Idnow, Provider::Postident] {
        let provider_toml = match kind {
            Provider::Idnow => sandbox.idnow_config_toml(),
            _ => sandbox.postident_config_toml(Some(pem.expose())),
        };
        let section = kind.name();
        let toml = format!(
            "{provider_toml}\n[{section}.webhook]\nusername = \"{HOOK_USER}\"\n\
             password = \"{HOOK_PASSWORD}\"\nallowed_ips = [\"127.0.0.1\"]\n"
        );
        let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&Config::from_toml(&toml)?)?);
        let receiver = WebhookReceiver::new(provider.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url: url::Url =
            format!("http://{}/webhooks/{section}", listener.local_addr()?).parse()?;
        let stop = Shutdown::new();
        let server = spawn_server(listener, receiver.clone(), stop.clone());
        println!("== {kind}: webhook server at {url}");

        let mut new_case = NewCase::new(format!("hook-{section}"));
        new_case.person.first_name = Some("Erika".into());
        new_case.person.last_name = Some("Mustermann".into());
        let simulated = |case_ref: &CaseRef| match kind {
            Provider::Idnow => SimulatedCase::Idnow {
                transaction_number: case_ref.reference.clone().unwrap_or_default(),
            },
            _ => SimulatedCase::Postident {
                case_id: case_ref.case_id.clone().unwrap_or_default(),
            },
        };
        if kind == Provider::Idnow {
            // IDnow sends every webhook of an account to one configured URL.
            sandbox.idnow().set_webhook(
                sandbox.idnow().company_id(),
                Some(kyc_sandbox::idnow::WebhookTarget {
                    url: url.clone(),
                    basic_auth: Some((HOOK_USER.into(), HOOK_PASSWORD.into())),
                }),
            )?;
        } else {
            // POSTIDENT takes the URL per case.
            new_case.webhook_url = Some(url.clone());
        }
        let handle = provider.create_case(&new_case).await?;
        println!("created {}", handle.case_ref);
        sandbox.play(&simulated(&handle.case_ref), UserOutcome::Approve)?;
        println!("the simulated user identified; waiting for the webhook");

        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        let case = loop {
            match receiver.case(&handle.case_ref) {
                Some(case) if case.status.is_final() => break case,
                _ if tokio::time::Instant::now() > deadline => {
                    return Err(format!(
                        "no final webhook within 15 s; failures: {:?}",
                        receiver.failures()
                    )
                    .into())
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        receiver.wait_idle().await;
        println!(
            "resolved in the background: {} is {} ({})",
            case.case_ref, case.status, case.provider_status
        );
        shut_down(&stop, server, &receiver).await;
    }
    sandbox.shutdown().await;
    Ok(())
}
