//! `kyc journal …`: read and operate the case journal named by `kyc.toml` (`[journal] url`,
//! SQLite file `kyc.db` by default), and the journal part of `kyc demo`.

use clap::{Args, Subcommand};
use kyc::kyc_journal::{CaseQuery, Journal, JournaledProvider, Service, ServiceConfig};
use kyc::{CaseStatus, KycProvider, NewCase, Provider};
use kyc_sandbox::{Sandbox, SimulatedCase, UserOutcome};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The `kyc journal` subcommands.
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// List the cases the journal knows.
    #[command(
        after_help = "Examples:\n  kyc journal cases\n  kyc journal cases --status review_pending --json\n  kyc journal cases --parked"
    )]
    Cases(CasesArgs),
    /// List the attempts of one case, with the payload that reported each.
    #[command(
        after_help = "Examples:\n  kyc journal attempts idnow order-4711\n  kyc journal attempts postident 123456789ABC --json"
    )]
    Attempts(AttemptsArgs),
    /// Put parked notices back to work (all of them, or those given with --id).
    #[command(
        after_help = "Examples:\n  kyc journal replay\n  kyc journal replay --id 17 --id 18"
    )]
    Replay(ReplayArgs),
    /// List stored notices (webhooks), by state.
    #[command(after_help = "Example:\n  kyc journal notices --state parked")]
    Notices(NoticesArgs),
    /// List create intents (POSTIDENT creates whose answer was lost, and what became of them).
    Intents(CommonArgs),
    /// Remove personal data past the retention period (keeps the status trail and reasons).
    Purge(CommonArgs),
    /// Erase one person's personal data now (keeps the status trail and reasons).
    #[command(after_help = "Example:\n  kyc journal erase idnow order-4711")]
    Erase(CaseArgs),
}

/// Options every `kyc journal` command shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The configuration file (see docs/journal.md).
    #[arg(long, default_value = "kyc.toml")]
    config: PathBuf,
    /// Print JSON for machines instead of a summary.
    #[arg(long)]
    json: bool,
}

/// `kyc journal cases`.
#[derive(Debug, Args)]
pub struct CasesArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Only cases in this status (`approved`, `review_pending`, …).
    #[arg(long)]
    status: Option<String>,
    /// Only cases with parked notices.
    #[arg(long)]
    parked: bool,
    /// How many (default 50).
    #[arg(long)]
    limit: Option<u32>,
    /// Continue after this cursor (printed at the end of a page).
    #[arg(long)]
    cursor: Option<String>,
}

/// One case.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// `idnow` or `postident`.
    provider: Provider,
    /// The provider's case id or your reference.
    case: String,
}

/// `kyc journal attempts`.
#[derive(Debug, Args)]
pub struct AttemptsArgs {
    #[command(flatten)]
    case: CaseArgs,
    /// Continue after this cursor.
    #[arg(long)]
    cursor: Option<String>,
}

/// `kyc journal replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Only these notices (default: every parked one).
    #[arg(long = "id")]
    ids: Vec<i64>,
}

/// `kyc journal notices`.
#[derive(Debug, Args)]
pub struct NoticesArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Only notices in this state (pending, retry, resolving, done, parked, merged).
    #[arg(long)]
    state: Option<String>,
    /// Continue after this cursor.
    #[arg(long)]
    cursor: Option<String>,
}

async fn open(common: &CommonArgs) -> Result<Journal, String> {
    let config = kyc::Config::load(&common.config).map_err(|e| e.to_string())?;
    kyc::open_journal(&config).await.map_err(|e| e.to_string())
}

fn json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn time(t: &kyc::Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Runs one `kyc journal` command.
pub async fn run(command: JournalCommand) -> Result<(), String> {
    match command {
        JournalCommand::Cases(args) => {
            let journal = open(&args.common).await?;
            let mut query = CaseQuery::default();
            query.status = args.status;
            query.parked = args.parked;
            query.limit = args.limit;
            query.cursor = args.cursor;
            let page = journal.cases(&query).await.map_err(|e| e.to_string())?;
            if args.common.json {
                return json(&page);
            }
            for c in &page.items {
                let id = format!(
                    "{}:{}",
                    c.provider,
                    c.case_id
                        .as_deref()
                        .or(c.reference.as_deref())
                        .unwrap_or("?")
                );
                println!(
                    "{id:<28} ref {:<20} {:<24} v{:<3} updated {}{}{}",
                    c.reference.as_deref().unwrap_or("-"),
                    c.status.to_string(),
                    c.version,
                    time(&c.updated_at),
                    if c.waiting_notices > 0 {
                        format!("  {} waiting", c.waiting_notices)
                    } else {
                        String::new()
                    },
                    if c.parked_notices > 0 {
                        format!("  {} PARKED", c.parked_notices)
                    } else {
                        String::new()
                    },
                );
            }
            println!("{} case(s)", page.items.len());
            if let Some(c) = page.next_cursor {
                println!("more: kyc journal cases --cursor {c}");
            }
            Ok(())
        }
        JournalCommand::Attempts(args) => {
            let journal = open(&args.case.common).await?;
            let page = journal
                .attempts(args.case.provider, &args.case.case, args.cursor, None)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!(
                        "the journal has no {} case {:?}",
                        args.case.provider, args.case.case
                    )
                })?;
            if args.case.common.json {
                return json(&page);
            }
            print_attempts(&page.items);
            if let Some(c) = page.next_cursor {
                println!("more: --cursor {c}");
            }
            Ok(())
        }
        JournalCommand::Replay(args) => {
            let journal = open(&args.common).await?;
            let n = journal.replay(&args.ids).await.map_err(|e| e.to_string())?;
            println!("{n} notice(s) put back to work; a running `kyc serve` resolves them now");
            Ok(())
        }
        JournalCommand::Notices(args) => {
            let journal = open(&args.common).await?;
            let page = journal
                .notices(args.state.as_deref(), args.cursor, None)
                .await
                .map_err(|e| e.to_string())?;
            if args.common.json {
                return json(&page);
            }
            for n in &page.items {
                println!(
                    "#{:<6} {} {}:{:<20} {:<14} {:<9} tries {:<2} deliveries {:<2} {}",
                    n.id,
                    time(&n.received_at),
                    n.provider,
                    n.case_id
                        .as_deref()
                        .or(n.reference.as_deref())
                        .unwrap_or("?"),
                    n.event,
                    n.state,
                    n.tries,
                    n.deliveries,
                    n.last_error.as_deref().unwrap_or("")
                );
            }
            if let Some(c) = page.next_cursor {
                println!("more: --cursor {c}");
            }
            Ok(())
        }
        JournalCommand::Intents(common) => {
            let journal = open(&common).await?;
            let intents = journal.intents(None).await.map_err(|e| e.to_string())?;
            if common.json {
                return json(&intents);
            }
            for i in &intents {
                println!(
                    "#{:<5} {} {} ref {:<16} {:<12} case {:<14} {}",
                    i.id,
                    time(&i.created_at),
                    i.provider,
                    i.reference,
                    i.state,
                    i.case_id.as_deref().unwrap_or("-"),
                    i.detail.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
        JournalCommand::Purge(common) => {
            let journal = open(&common).await?;
            let report = journal.purge_expired().await.map_err(|e| e.to_string())?;
            println!(
                "purged personal data of {} case(s): {} notice bodies, {} attempt payloads",
                report.cases, report.notices, report.attempts
            );
            Ok(())
        }
        JournalCommand::Erase(args) => {
            let journal = open(&args.common).await?;
            match journal
                .erase(args.provider, &args.case)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(r) => {
                    println!(
                        "erased: {} notice bodies, {} attempt payloads; the status trail stays",
                        r.notices, r.attempts
                    );
                    Ok(())
                }
                None => Err(format!(
                    "the journal has no {} case {:?}",
                    args.provider, args.case
                )),
            }
        }
    }
}

fn print_attempts(items: &[kyc::kyc_journal::AttemptRecord]) {
    for (n, a) in items.iter().enumerate() {
        println!(
            "     {}. {}  {:<18} {:<8} reason {:<34} {}",
            n + 1,
            a.id,
            a.attempt.status.to_string(),
            a.result,
            a.reason.as_deref().unwrap_or("-"),
            a.attempt.finished_at.as_ref().map(time).unwrap_or_default()
        );
        for p in &a.payloads {
            println!(
                "          payload #{:<5} {:<9} {:<24} received {}",
                p.notice_id,
                p.event,
                p.result,
                time(&p.received_at)
            );
        }
        if let Some(payload) = &a.payload {
            println!(
                "          payload (verbatim, {} bytes): {}",
                payload.to_string().len(),
                abbreviate(&payload.to_string(), 100)
            );
        }
    }
}

fn abbreviate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// The journal part of `kyc demo`: an IDnow case that is aborted once and then succeeds, listed
/// from the journal with both attempts and their payloads.
pub async fn demo(sandbox: &Sandbox) -> Result<(), String> {
    println!("== The case journal (SQLite in memory; `kyc serve` keeps it in kyc.db)");
    let mut options = kyc::kyc_journal::JournalOptions::default();
    options.poll_interval = Duration::from_millis(50);
    let journal = Journal::open_with("sqlite::memory:", options)
        .await
        .map_err(|e| e.to_string())?;
    let config = kyc::Config::from_toml(&sandbox.idnow_config_toml()).map_err(|e| e.to_string())?;
    let adapter: Arc<dyn KycProvider> =
        Arc::from(kyc::connect(&config).map_err(|e| e.to_string())?);
    let provider = JournaledProvider::new(adapter.clone(), journal.clone());
    let service = Service::start(
        journal.clone(),
        adapter,
        ServiceConfig::new(([127, 0, 0, 1], 0).into()),
    )
    .await
    .map_err(|e| e.to_string())?;
    let webhook_url = format!("http://{}/webhooks", service.webhook_addr)
        .parse()
        .map_err(|e: url::ParseError| e.to_string())?;
    super::demo::send_idnow_webhooks_to(sandbox, webhook_url)?;
    println!(
        "  1. journal service: webhooks on http://{}/ (stored before 200)",
        service.webhook_addr
    );
    let reference = format!("journal-{}", std::process::id() % 100_000);
    let mut new_case = NewCase::new(&reference);
    new_case.person.first_name = Some("Erika".into());
    new_case.person.last_name = Some("Mustermann".into());
    let handle = provider
        .create_case(&new_case)
        .await
        .map_err(|e| e.to_string())?;
    println!("  2. created case {}", handle.case_ref);
    let sim = SimulatedCase::Idnow {
        transaction_number: reference.clone(),
    };
    for (outcome, what) in [
        (UserOutcome::Start, "starts"),
        (UserOutcome::Abort, "aborts (identify later)"),
        (UserOutcome::Approve, "comes back and succeeds"),
    ] {
        sandbox.play(&sim, outcome).map_err(|e| e.to_string())?;
        println!("     the user {what}");
        // Steps a second apart, as a person's are (IDnow reports whole seconds).
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let record = journal
            .case(Provider::Idnow, &reference)
            .await
            .map_err(|e| e.to_string())?;
        if record.as_ref().is_some_and(|r| {
            matches!(r.status, CaseStatus::Approved { .. }) && r.waiting_notices == 0
        }) {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!(
                "the journal did not see {reference} approved within 20 s"
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let page = journal
        .attempts(Provider::Idnow, &reference, None, None)
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_else(|| kyc::kyc_journal::Page {
            items: Vec::new(),
            next_cursor: None,
        });
    println!(
        "  3. the journal lists {} attempts (kyc journal attempts idnow {reference}):",
        page.items.len()
    );
    print_attempts(&page.items);
    service.stop().await;
    println!();
    Ok(())
}
