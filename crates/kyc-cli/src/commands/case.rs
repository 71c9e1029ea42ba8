//! `kyc case create|get|list|archive`: the trait's operations against any configured provider.

use crate::output::{print_case, print_handle, print_json, summary_line};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use kyc::{CaseFilter, CaseRef, Country, NewCase};
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
    /// Archive cases at the provider.
    #[command(
        after_help = "Example:\n  kyc case archive --config kyc.toml --case-id 123456789ABC --case-id 23456789ABCD"
    )]
    Archive(ArchiveArgs),
}

/// Options every `kyc case` command shares.
#[derive(Debug, Args)]
pub struct Common {
    /// The configuration file (see docs/configuration.md).
    #[arg(long, default_value = "kyc.toml")]
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
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
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
    #[arg(long)]
    webhook_url: Option<url::Url>,
}

/// Which case: by the provider's id or by your reference.
#[derive(Debug, Args)]
pub struct CaseSelector {
    /// The provider's case id (POSTIDENT caseId, IDnow IdentID).
    #[arg(long, required_unless_present = "reference")]
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
    /// Include archived cases.
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

/// Runs a `kyc case` command.
pub async fn run(command: CaseCommand) -> Result<(), String> {
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
            let handle = provider
                .create_case(&new_case)
                .await
                .map_err(|e| e.to_string())?;
            print_handle(&handle, a.common.json)
        }
        CaseCommand::Get(a) => {
            let provider = super::connect(&a.common.config)?;
            let case_ref = CaseRef::new(provider.provider(), a.case.case_id, a.case.reference);
            let case = provider
                .get_case(&case_ref)
                .await
                .map_err(|e| e.to_string())?;
            print_case(&case, a.common.json)
        }
        CaseCommand::List(a) => {
            let provider = super::connect(&a.common.config)?;
            let filter = CaseFilter {
                unfinished: a.unfinished,
                retryable: a.retryable,
                finished: !a.no_finished,
                archived: a.archived,
                max_results: a.max_results,
                ..CaseFilter::default()
            };
            let spinner = progress_spinner("listing cases", a.common.json);
            let list = provider
                .list_cases(&filter)
                .await
                .map_err(|e| e.to_string())?;
            spinner.finish_and_clear();
            if a.common.json {
                return print_json(&list);
            }
            let bar = progress_bar(list.cases.len() as u64, "cases", false);
            for case in &list.cases {
                bar.println(summary_line(case));
                bar.inc(1);
            }
            bar.finish_and_clear();
            println!(
                "{} case(s){}",
                list.cases.len(),
                if list.partial {
                    "; the provider has more (partial delivery)"
                } else {
                    ""
                }
            );
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
                return Err("nothing to archive: give --case-id or --reference".into());
            }
            let bar = progress_bar(refs.len() as u64, "archived", a.common.json);
            let mut outcome = kyc::ArchiveOutcome::default();
            // Chunks keep the progress bar moving; adapters split further as their API needs.
            for chunk in refs.chunks(1_000) {
                let part = provider
                    .archive_cases(chunk)
                    .await
                    .map_err(|e| e.to_string())?;
                bar.inc(chunk.len() as u64);
                outcome.archived.extend(part.archived);
                outcome.not_archived.extend(part.not_archived);
            }
            bar.finish_and_clear();
            if a.common.json {
                return print_json(&outcome);
            }
            for r in &outcome.archived {
                println!("archived      {r}");
            }
            for (r, why) in &outcome.not_archived {
                println!("not archived  {r}: {why}");
            }
            Ok(())
        }
    }
}

fn progress_spinner(message: &'static str, hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn progress_bar(len: u64, unit: &'static str, hidden: bool) -> ProgressBar {
    if hidden || len < 50 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(unit);
    bar
}
