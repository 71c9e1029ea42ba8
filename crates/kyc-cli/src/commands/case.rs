//! `kyc case create|get|list|archive`: the trait's operations against any configured provider.

use crate::failure::{CliError, CliResult, EXIT_NOT_ALL_ARCHIVED};
use crate::output::{print_case, print_handle, print_json, summary_line};
use crate::printable::{line, word};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use kyc::{CaseFilter, CaseRef, Country, NewCase, Provider};
use std::io::IsTerminal;
use std::path::PathBuf;

/// The `kyc case` subcommands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case and print where to send the user.
    #[command(
        after_help = "Example:\n  kyc case create --config kyc.toml --reference order-4711 \\\n    --first-name Erika --last-name Mustermann --email erika@example.org"
    )]
    Create(CreateArgs),
    /// Print the current state of a case.
    #[command(
        after_help = "Examples:\n  kyc case get --config kyc.toml --reference order-4711   (IDnow)\n  kyc case get --config kyc.toml --case-id 123456789ABC   (POSTIDENT)"
    )]
    Get(GetArgs),
    /// List cases (finished ones by default).
    #[command(
        after_help = "Example:\n  kyc case list --config kyc.toml --unfinished --retryable --json"
    )]
    List(ListArgs),
    /// Archive cases at the provider (exit code 3 when any case was not archived).
    #[command(
        after_help = "Example:\n  kyc case archive --config kyc.toml --case-id 123456789ABC --case-id 23456789ABCD\n\n\
        Exit codes: 0 every case archived, 3 at least one not archived (each is listed with the\n\
        provider's reason), 1 the request failed."
    )]
    Archive(ArchiveArgs),
}

/// Options every `kyc case` command shares.
#[derive(Debug, Args)]
pub struct Common {
    /// The configuration file (see docs/configuration.md).
    #[arg(long, env = "KYC_CONFIG", default_value = "kyc.toml")]
    config: PathBuf,
    /// Print JSON for machines instead of a summary.
    #[arg(long)]
    json: bool,
}

/// `kyc case create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    common: Common,
    /// Your reference (IDnow transaction number, POSTIDENT referenceId).
    #[arg(long)]
    reference: String,
    /// Given name(s).
    #[arg(long)]
    first_name: Option<String>,
    /// Family name.
    #[arg(long)]
    last_name: Option<String>,
    /// Date of birth, YYYY-MM-DD (e.g. 1964-08-12).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_birth_date)]
    birth_date: Option<chrono::NaiveDate>,
    /// Nationality (alpha-2 or alpha-3).
    #[arg(long)]
    nationality: Option<Country>,
    /// E-mail address.
    #[arg(long)]
    email: Option<String>,
    /// Mobile phone number (+49...).
    #[arg(long)]
    mobile_phone: Option<String>,
    /// Webhook URL (POSTIDENT; IDnow configures it per account).
    #[arg(long, value_name = "URL", value_parser = parse_webhook_url)]
    webhook_url: Option<url::Url>,
}

/// Which case: by the provider's id or by your reference (at least one).
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct CaseSelector {
    /// The provider's case id (POSTIDENT caseId, IDnow IdentID).
    #[arg(long)]
    case_id: Option<String>,
    /// Your reference (IDnow transaction number, POSTIDENT referenceId).
    #[arg(long)]
    reference: Option<String>,
}

/// `kyc case get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    case: CaseSelector,
}

/// `kyc case list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    common: Common,
    /// Include cases the user has not finished.
    #[arg(long)]
    unfinished: bool,
    /// Include cases that can be resumed.
    #[arg(long)]
    retryable: bool,
    /// Leave out finished cases (listed by default).
    #[arg(long)]
    no_finished: bool,
    /// Include archived cases (POSTIDENT; IDnow cannot list archived idents).
    #[arg(long)]
    archived: bool,
    /// At most this many cases.
    #[arg(long)]
    max_results: Option<u32>,
}

/// `kyc case archive`.
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    #[command(flatten)]
    common: Common,
    /// Provider case ids to archive (repeatable).
    #[arg(long = "case-id")]
    case_ids: Vec<String>,
    /// References to archive (repeatable; IDnow addresses idents by reference).
    #[arg(long = "reference")]
    references: Vec<String>,
}

/// `--birth-date`: ISO 8601, the format both providers' documents use; anything else says so.
fn parse_birth_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "expected a date as YYYY-MM-DD, e.g. 1964-08-12".to_string())
}

/// `--webhook-url`: an absolute URL.
fn parse_webhook_url(text: &str) -> Result<url::Url, String> {
    url::Url::parse(text.trim())
        .map_err(|_| "expected an absolute URL such as https://example.com/kyc/webhooks".into())
}

/// Runs a `kyc case` command.
pub async fn run(command: CaseCommand) -> CliResult {
    match command {
        CaseCommand::Create(a) => {
            let provider = super::connect(&a.common.config)?;
            let mut new_case = NewCase::new(a.reference);
            new_case.person.first_name = a.first_name;
            new_case.person.last_name = a.last_name;
            new_case.person.birth_date = a.birth_date;
            new_case.person.nationality = a.nationality;
            new_case.contact.email = a.email;
            new_case.contact.mobile_phone = a.mobile_phone;
            new_case.webhook_url = a.webhook_url;
            let handle = provider.create_case(&new_case).await?;
            print_handle(&handle, a.common.json)
        }
        CaseCommand::Get(a) => {
            let provider = super::connect(&a.common.config)?;
            let case_ref = CaseRef::new(provider.provider(), a.case.case_id, a.case.reference);
            let case = provider.get_case(&case_ref).await?;
            print_case(&case, a.common.json)
        }
        CaseCommand::List(a) => {
            let provider = super::connect(&a.common.config)?;
            let mut filter = CaseFilter::default()
                .with_unfinished(a.unfinished)
                .with_retryable(a.retryable)
                .with_finished(!a.no_finished)
                .with_archived(a.archived);
            filter.max_results = a.max_results;
            if a.archived && provider.provider() == Provider::Idnow {
                eprintln!(
                    "note: IDnow's API lists no archived idents, so none are included; look one \
                     up with `kyc case get --reference ...`"
                );
            }
            let spinner = progress_spinner("listing cases");
            let list = provider.list_cases(&filter).await;
            spinner.finish_and_clear();
            let list = list?;
            if a.common.json {
                return print_json(&list);
            }
            for case in &list.cases {
                line(summary_line(case));
            }
            line(format!(
                "{} case(s){}",
                list.cases.len(),
                if list.partial {
                    "; the provider has more (partial delivery)"
                } else {
                    ""
                }
            ));
            Ok(())
        }
        CaseCommand::Archive(a) => {
            let provider = super::connect(&a.common.config)?;
            let p = provider.provider();
            let refs: Vec<CaseRef> = a
                .case_ids
                .into_iter()
                .map(|id| CaseRef::by_case_id(p, id))
                .chain(
                    a.references
                        .into_iter()
                        .map(|r| CaseRef::by_reference(p, r)),
                )
                .collect();
            if refs.is_empty() {
                return Err(CliError::new("nothing to archive")
                    .with_hint("give --case-id or --reference (repeatable)"));
            }
            let bar = progress_bar(refs.len() as u64, "archived");
            let mut outcome = kyc::ArchiveOutcome::default();
            // Chunks keep the progress bar moving; adapters split further as their API needs.
            for chunk in refs.chunks(1_000) {
                let part = provider.archive_cases(chunk).await;
                let part = match part {
                    Ok(part) => part,
                    Err(e) => {
                        bar.finish_and_clear();
                        return Err(e.into());
                    }
                };
                bar.inc(chunk.len() as u64);
                outcome.archived.extend(part.archived);
                outcome.already_archived.extend(part.already_archived);
                outcome.not_archived.extend(part.not_archived);
            }
            bar.finish_and_clear();
            if a.common.json {
                print_json(&outcome)?;
            } else {
                for r in &outcome.archived {
                    line(format!("archived      {r}"));
                }
                for r in &outcome.already_archived {
                    line(format!("archived      {r} (already)"));
                }
                for (r, why) in &outcome.not_archived {
                    line(format!("not archived  {r}: {}", word(why)));
                }
            }
            if outcome.not_archived.is_empty() {
                Ok(())
            } else {
                Err(CliError::new(format!(
                    "{} of {} case(s) not archived",
                    outcome.not_archived.len(),
                    refs.len()
                ))
                .with_code(EXIT_NOT_ALL_ARCHIVED))
            }
        }
    }
}

/// A spinner on stderr while waiting, only when stderr is a terminal.
fn progress_spinner(message: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A progress bar on stderr for long runs, only when stderr is a terminal.
fn progress_bar(len: u64, unit: &'static str) -> ProgressBar {
    if len < 50 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(unit);
    bar
}
