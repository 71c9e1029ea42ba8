//! `kyc webhook listen`: a small server that verifies incoming notices with the library, answers
//! at once, and prints each notice; with `--resolve`, the library's [`kyc::WebhookReceiver`]
//! resolves them (at most a few provider reads at a time, duplicate notices for a case merged)
//! and each resolved case is printed.
//!
//! Everything printed from a request (ids, the provider's words) has its control characters
//! escaped, so a body cannot forge a line of output.

use crate::failure::CliResult;
use crate::output::{json_word, status_words, summary_line};
use crate::printable::line;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use clap::{Args, Subcommand};
use kyc::webhook::{client_address, IpAllowlist, WebhookNotice, WebhookRequest};
use kyc::{KycProvider, WebhookReceiver};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The `kyc webhook` subcommands.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Listen for webhooks, verify them (Basic auth, source IP) and print each notice.
    #[command(
        after_help = "Example:\n  kyc webhook listen --config kyc.toml --port 8088 --resolve\n\
        Then point the provider's webhook URL at http(s)://<this host>:8088/ (any path)."
    )]
    Listen(ListenArgs),
}

/// `kyc webhook listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The configuration file (its provider's webhook section is used for verification).
    #[arg(long, env = "KYC_CONFIG", default_value = "kyc.toml")]
    config: PathBuf,
    /// The port to listen on.
    #[arg(long, default_value_t = 8088)]
    port: u16,
    /// The address to bind (default: all interfaces, so the provider can reach it).
    #[arg(long, default_value = "0.0.0.0")]
    bind: std::net::IpAddr,
    /// Also fetch and print the current case for each notice (through the library's webhook
    /// receiver: a bounded number of reads at a time, duplicates merged).
    #[arg(long)]
    resolve: bool,
}

/// The listener's state: which proxies to believe, and what happens to a verified notice.
struct Listening {
    /// The configured `webhook.trusted_proxies`: behind them, the client address comes from
    /// their `Forwarded` / `X-Forwarded-For` headers (the allowlist checks that address).
    trusted_proxies: IpAllowlist,
    intake: Intake,
}

/// What happens to a verified notice.
enum Intake {
    /// Printed only.
    VerifyOnly(Arc<dyn KycProvider>),
    /// Printed, then resolved in the background by the receiver.
    Resolve(WebhookReceiver),
}

/// Runs `kyc webhook listen` until interrupted.
pub async fn run(command: WebhookCommand) -> CliResult {
    let WebhookCommand::Listen(args) = command;
    let (provider, trusted_proxies) = super::connect_for_webhooks(&args.config)?;
    let provider: Arc<dyn KycProvider> = Arc::from(provider);
    let intake = if args.resolve {
        Intake::Resolve(WebhookReceiver::new(Arc::new(PrintResolved {
            inner: provider,
        })))
    } else {
        Intake::VerifyOnly(provider)
    };
    let app = axum::Router::new()
        .fallback(axum::routing::post(receive))
        .with_state(Arc::new(Listening {
            trusted_proxies,
            intake,
        }));
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
    .map_err(|e| e.to_string())?;
    Ok(())
}

async fn receive(
    State(listening): State<Arc<Listening>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let client = client_address(peer.ip(), &headers, &listening.trusted_proxies);
    let request = WebhookRequest::new(headers, body, Some(client));
    let verified = match &listening.intake {
        Intake::VerifyOnly(provider) => provider.verify_webhook(&request),
        Intake::Resolve(receiver) => receiver.accept(&request),
    };
    match verified {
        Ok(notice) => {
            line(notice_line(&notice));
            StatusCode::OK
        }
        Err(e) => {
            line(format!("rejected a webhook from {client}: {e}"));
            match e.kind() {
                kyc::ErrorKind::Authentication => StatusCode::UNAUTHORIZED,
                _ => StatusCode::BAD_REQUEST,
            }
        }
    }
}

fn notice_line(notice: &WebhookNotice) -> String {
    format!(
        "notice {} for {}{}",
        json_word(&notice.event),
        notice.case_ref,
        notice
            .case()
            .ok()
            .flatten()
            .map(|c| format!(" status {}", status_words(&c.status)))
            .unwrap_or_default()
    )
}

/// The configured provider, printing each resolution the receiver makes.
struct PrintResolved {
    inner: Arc<dyn KycProvider>,
}

#[kyc::async_trait]
impl KycProvider for PrintResolved {
    fn provider(&self) -> kyc::Provider {
        self.inner.provider()
    }

    fn capabilities(&self) -> kyc::Capabilities {
        self.inner.capabilities()
    }

    async fn create_case(&self, new_case: &kyc::NewCase) -> kyc::Result<kyc::CaseHandle> {
        self.inner.create_case(new_case).await
    }

    async fn get_case(&self, case: &kyc::CaseRef) -> kyc::Result<kyc::Case> {
        self.inner.get_case(case).await
    }

    async fn list_cases(&self, filter: &kyc::CaseFilter) -> kyc::Result<kyc::CaseList> {
        self.inner.list_cases(filter).await
    }

    async fn archive_cases(&self, cases: &[kyc::CaseRef]) -> kyc::Result<kyc::ArchiveOutcome> {
        self.inner.archive_cases(cases).await
    }

    async fn fetch_artifact(
        &self,
        case: &kyc::CaseRef,
        artifact: &kyc::Artifact,
    ) -> kyc::Result<Bytes> {
        self.inner.fetch_artifact(case, artifact).await
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> kyc::Result<WebhookNotice> {
        self.inner.verify_webhook(request)
    }

    fn parse_webhook(&self, body: &Bytes) -> kyc::Result<WebhookNotice> {
        self.inner.parse_webhook(body)
    }

    async fn resolve_webhook(&self, notice: &WebhookNotice) -> kyc::Result<kyc::Case> {
        let resolved = self.inner.resolve_webhook(notice).await;
        match &resolved {
            Ok(case) => line(format!("  resolved: {}", summary_line(case))),
            Err(e) => line(format!("  could not resolve {}: {e}", notice.case_ref)),
        }
        resolved
    }
}
