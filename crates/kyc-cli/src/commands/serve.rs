//! `kyc serve`: one instance of the journal service from `kyc.toml`: webhook intake (stored
//! before 200), a worker, reconciliation and, when configured, the read API. Ctrl-C (or SIGTERM)
//! stops it gracefully: no new webhooks are accepted, claimed notices are finished.

use clap::Args;
use kyc::kyc_journal::{Service, ServiceConfig};
use kyc::KycProvider;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// `kyc serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The configuration file (provider and `[journal]`, see docs/journal.md).
    #[arg(long, default_value = "kyc.toml")]
    config: PathBuf,
    /// Where the webhook intake listens.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// Where the read API listens (overrides `[journal] read_api`). It has no authentication:
    /// keep it on the loopback or behind your own proxy.
    #[arg(long)]
    read_api: Option<SocketAddr>,
    /// Intake only: no worker, no reconciliation (another instance resolves).
    #[arg(long)]
    intake_only: bool,
}

/// Runs `kyc serve` until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> Result<(), String> {
    let config = kyc::Config::load(&args.config).map_err(|e| e.to_string())?;
    let adapter: Arc<dyn KycProvider> =
        Arc::from(kyc::connect(&config).map_err(|e| e.to_string())?);
    let journal = kyc::open_journal(&config)
        .await
        .map_err(|e| e.to_string())?;
    let section = config.journal.clone().unwrap_or_default();
    let read_api = match args.read_api {
        Some(a) => Some(a),
        None => section.read_api_addr().map_err(|e| e.to_string())?,
    };
    let mut service_config = ServiceConfig::new(args.listen);
    service_config.read_api_addr = read_api;
    service_config.worker = !args.intake_only;
    service_config.reconcile = !args.intake_only;
    service_config.trusted_proxies = config.trusted_proxies().map_err(|e| e.to_string())?;
    let service = Service::start(journal.clone(), adapter, service_config)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "kyc serve: {} webhooks on http://{}/ ; journal on {:?}{}",
        config_provider_name(&config),
        service.webhook_addr,
        journal.backend(),
        service
            .read_api_addr
            .map(|a| format!(" ; read API on http://{a}/cases"))
            .unwrap_or_default()
    );
    let shutdown = service.shutdown();
    tokio::spawn(async move {
        wait_for_signal().await;
        eprintln!("kyc serve: stopping (finishing claimed notices)");
        shutdown.trigger();
    });
    service.wait().await;
    journal.close().await;
    println!("kyc serve: stopped");
    Ok(())
}

fn config_provider_name(config: &kyc::Config) -> &'static str {
    match config.provider {
        kyc::Provider::Idnow => "IDnow",
        _ => "POSTIDENT",
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
