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
//!
//! Exit codes are listed in [`failure`]; environment variables in docs/cli.md.

mod commands;
mod failure;
mod logging;
mod output;
mod printable;

use clap::{Parser, Subcommand};
use failure::CliError;
use std::process::ExitCode;

/// Identity verification through IDnow or POSTIDENT, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "kyc",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  kyc demo                                  the whole flow against the embedded sandbox\n  \
                  kyc sandbox --port 8080                   both simulators for your own tests\n  \
                  kyc case list --config kyc.toml           cases at the configured provider\n\n\
                  Exit codes: 0 done, 1 failed, 2 wrong command line, 3 not every case archived.\n\
                  Environment: KYC_LOG (log filter), KYC_CONFIG (configuration file), \
                  KYC_PROVIDER and KYC_<SECTION>__<KEY> (configuration overrides, see docs/configuration.md)."
)]
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
    #[command(after_help = "Examples:\n  kyc demo\n  kyc demo --provider postident --json")]
    Demo(commands::demo::DemoArgs),
    /// Run the sandbox (both providers) for your own integration tests.
    #[command(
        after_help = "Examples:\n  kyc sandbox --port 8080 --time-scale 100\n  \
        kyc sandbox --idnow-port 8081 --postident-port 8082      each provider at the root of its own port\n  \
        kyc sandbox --bind 0.0.0.0 --allow-non-loopback --public-url http://kyc-sandbox:8080   in a container"
    )]
    Sandbox(commands::sandbox::SandboxArgs),
    /// Create, read, list or archive cases at the configured provider.
    #[command(
        subcommand,
        after_help = "Examples:\n  kyc case create --config kyc.toml --reference order-4711 --first-name Erika --last-name Mustermann\n  \
        kyc case get --config kyc.toml --reference order-4711\n  \
        kyc case list --config kyc.toml --unfinished --retryable\n  \
        kyc case archive --config kyc.toml --case-id 123456789ABC\n\n\
        `kyc case archive` exits with 3 when a case was not archived."
    )]
    Case(commands::case::CaseCommand),
    /// Read one raw provider payload on stdin and print the neutral case JSON on stdout.
    #[command(
        after_help = "Examples:\n  kyc normalize --provider idnow < ident.json\n  \
        kyc normalize --provider idnow < result.xml\n  \
        kyc normalize --provider postident --private-key key.pem < body.jwe"
    )]
    Normalize(commands::normalize::NormalizeArgs),
    /// Write an RSA 3072 key pair (PKCS#8) for POSTIDENT result encryption and print the
    /// x-scr-key and x-scr-keyhash header values.
    #[command(
        after_help = "Example:\n  kyc keygen --data-password \"$POSTIDENT_DATA_PASSWORD\" --out keys/\n  \
        KYC_DATA_PASSWORD=... kyc keygen --out keys/"
    )]
    Keygen(commands::keygen::KeygenArgs),
    /// Receive provider webhooks.
    #[command(
        subcommand,
        after_help = "Example:\n  kyc webhook listen --config kyc.toml --port 8088 --resolve"
    )]
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
    // Usage errors exit with clap's 2, `--help` with 0 (see `failure`).
    let cli = Cli::parse();
    logging::init(&cli.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return CliError::new(format!("cannot start the async runtime: {e}")).report();
        }
    };
    // Commands return `CliResult`; those that report failures as text are converted.
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(args) => commands::demo::run(args).await.map_err(CliError::from),
            Command::Sandbox(args) => commands::sandbox::run(args).await,
            Command::Case(cmd) => commands::case::run(cmd).await,
            Command::Normalize(args) => commands::normalize::run(args).await,
            Command::Keygen(args) => commands::keygen::run(args).map_err(CliError::from),
            Command::Webhook(cmd) => commands::webhook::run(cmd).await,
            Command::Serve(args) => commands::serve::run(args).await.map_err(CliError::from),
            Command::Journal(cmd) => commands::journal::run(cmd).await.map_err(CliError::from),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
