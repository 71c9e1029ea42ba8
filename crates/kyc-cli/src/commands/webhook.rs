//! `kyc webhook listen`: a small server that verifies incoming notices with the library, answers
//! 200 at once, and prints each notice and the case it resolves to.

use crate::output::summary_line;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use clap::{Args, Subcommand};
use kyc::webhook::WebhookRequest;
use kyc::KycProvider;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The `kyc webhook` subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Listen for webhooks, verify them (Basic auth, source IP) and print each notice.
    #[command(
        after_help = "Example:\n  kyc webhook listen --config kyc.toml --port 8088\n\
        Then point the provider's webhook URL at http(s)://<this host>:8088/ (any path)."
    )]
    Listen(ListenArgs),
}

/// `kyc webhook listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The configuration file (its provider's webhook section is used for verification).
    #[arg(long, default_value = "kyc.toml")]
    config: PathBuf,
    /// The port to listen on.
    #[arg(long, default_value_t = 8088)]
    port: u16,
    /// The address to bind (default: all interfaces, so the provider can reach it).
    #[arg(long, default_value = "0.0.0.0")]
    bind: std::net::IpAddr,
    /// Also fetch and print the current case for each notice.
    #[arg(long)]
    resolve: bool,
}

struct Listener {
    provider: Box<dyn KycProvider>,
    resolve: bool,
}

/// Runs `kyc webhook listen` until interrupted.
pub async fn run(command: WebhookCommand) -> Result<(), String> {
    let WebhookCommand::Listen(args) = command;
    let provider = super::connect(&args.config)?;
    let state = Arc::new(Listener {
        provider,
        resolve: args.resolve,
    });
    let app = axum::Router::new()
        .fallback(axum::routing::post(receive))
        .with_state(state);
    let addr = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("listening for webhooks on {addr} (Ctrl-C stops)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

async fn receive(
    State(state): State<Arc<Listener>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let request = WebhookRequest::new(headers, body, Some(peer.ip()));
    match state.provider.verify_webhook(&request) {
        Ok(notice) => {
            println!(
                "notice {:?} for {}{}",
                notice.event,
                notice.case_ref,
                notice
                    .case
                    .as_ref()
                    .map(|c| format!(" status {}", c.status))
                    .unwrap_or_default()
            );
            if state.resolve {
                let state = state.clone();
                tokio::spawn(async move {
                    match state.provider.resolve_webhook(&notice).await {
                        Ok(case) => println!("  resolved: {}", summary_line(&case)),
                        Err(e) => println!("  could not resolve: {e}"),
                    }
                });
            }
            StatusCode::OK
        }
        Err(e) => {
            println!("rejected a webhook from {}: {e}", peer.ip());
            match e.kind() {
                kyc::ErrorKind::Authentication => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            }
        }
    }
}
