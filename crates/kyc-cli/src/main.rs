//! `kyc`: the command-line face of the library.
//!
//! * `kyc demo` runs the whole KYC flow for both providers against the embedded sandbox.
//! * `kyc sandbox` runs the sandbox for your own integration tests.
//! * `kyc case create|get|list|archive` talks to any configured provider.
//! * `kyc normalize` turns one raw provider payload into the neutral case JSON.
//! * `kyc keygen` makes a POSTIDENT encryption key pair and its header values.
//! * `kyc webhook listen` verifies and prints incoming notices.
//! * `kyc serve` runs the journal service (durable webhooks, workers, reconciliation, read API).
//! * `kyc journal cases|attempts|replay|…` reads and operates the case journal.

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Identity verification through IDnow or POSTIDENT, from the command line.
#[derive(Debug, Parser)]
#[command(name = "kyc", version, about, long_about = None, after_help = "Start with `kyc demo`.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log filter for diagnostics on stderr (e.g. `info`, `kyc_idnow=debug`). Logs never
    /// contain secrets or personal data.
    #[arg(long, global = true, env = "KYC_LOG", default_value = "warn")]
    log: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole KYC flow for both providers against the embedded sandbox.
    #[command(after_help = "Example:\n  kyc demo\n  kyc demo --provider postident")]
    Demo(commands::demo::DemoArgs),
    /// Run the sandbox (both providers) for your own integration tests.
    #[command(after_help = "Example:\n  kyc sandbox --port 8080 --time-scale 100")]
    Sandbox(commands::sandbox::SandboxArgs),
    /// Create, read, list or archive cases at the configured provider.
    #[command(subcommand)]
    Case(commands::case::CaseCommand),
    /// Read one raw provider payload on stdin and print the neutral case JSON on stdout.
    #[command(
        after_help = "Examples:\n  kyc normalize --provider idnow < ident.json\n  \
        kyc normalize --provider idnow < result.xml\n  \
        kyc normalize --provider postident --private-key key.pem --data-password PW < body.jwe"
    )]
    Normalize(commands::normalize::NormalizeArgs),
    /// Write an RSA 3072 key pair (PKCS#8) for POSTIDENT result encryption and print the
    /// x-scr-key and x-scr-keyhash header values.
    #[command(
        after_help = "Example:\n  kyc keygen --data-password \"$POSTIDENT_DATA_PASSWORD\" --out keys/"
    )]
    Keygen(commands::keygen::KeygenArgs),
    /// Receive provider webhooks.
    #[command(subcommand)]
    Webhook(commands::webhook::WebhookCommand),
    /// Run the journal service: webhook intake (stored before 200), workers, reconciliation, read API.
    #[command(
        after_help = "Example:\n  kyc serve --config kyc.toml --listen 0.0.0.0:8080 --read-api 127.0.0.1:8081"
    )]
    Serve(commands::serve::ServeArgs),
    /// Read and operate the case journal: cases, attempts, parked notices.
    #[command(subcommand)]
    Journal(commands::journal::JournalCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(args) => commands::demo::run(args).await,
            Command::Sandbox(args) => commands::sandbox::run(args).await,
            Command::Case(cmd) => commands::case::run(cmd).await,
            Command::Normalize(args) => commands::normalize::run(args).await,
            Command::Keygen(args) => commands::keygen::run(args),
            Command::Webhook(cmd) => commands::webhook::run(cmd).await,
            Command::Serve(args) => commands::serve::run(args).await,
            Command::Journal(cmd) => commands::journal::run(cmd).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
