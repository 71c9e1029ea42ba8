//! `kyc demo`: the project's main job. Starts the sandbox in process and, for each provider,
//! runs the whole KYC flow through the same `Box<dyn KycProvider>` code: create a case, send the
//! simulated user through it, receive the webhook on an embedded listener, resolve and print the
//! neutral result, fetch a result file, list and archive. No configuration, loopback only.

use crate::output::{print_case, summary_line};
use clap::{Args, ValueEnum};
use kyc::{CaseFilter, CaseStatus, KycProvider, NewCase, Provider, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which providers the demo runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoProvider {
    /// Both, one after the other.
    All,
    /// IDnow AutoIdent only.
    Idnow,
    /// POSTIDENT only.
    Postident,
}

/// `kyc demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Which provider(s) to run.
    #[arg(long, value_enum, default_value_t = DemoProvider::All)]
    provider: DemoProvider,
    /// Print each resolved case as the neutral JSON too.
    #[arg(long)]
    json: bool,
}

/// Runs the demo.
pub async fn run(args: DemoArgs) -> Result<(), String> {
    let started = Instant::now();
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await
    .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!(
        "sandbox running at {} (in this process)\n",
        sandbox.base_url()
    );
    let providers: Vec<Provider> = match args.provider {
        DemoProvider::All => vec![Provider::Idnow, Provider::Postident],
        DemoProvider::Idnow => vec![Provider::Idnow],
        DemoProvider::Postident => vec![Provider::Postident],
    };
    for provider in providers {
        run_one(&sandbox, provider, args.json).await?;
    }
    if args.provider != DemoProvider::Postident {
        crate::commands::journal::demo(&sandbox).await?;
    }
    sandbox.shutdown().await;
    println!("demo finished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn step(n: u32, text: &str) {
    println!("  {n}. {text}");
}

async fn run_one(sandbox: &Sandbox, kind: Provider, json: bool) -> Result<(), String> {
    let title = match kind {
        Provider::Idnow => "IDnow AutoIdent",
        _ => "Deutsche Post POSTIDENT (SCR), results JWE-encrypted",
    };
    println!("== {title}");

    // The same kyc.toml a user writes, pointing at the sandbox; only this differs per provider.
    let toml = match kind {
        Provider::Idnow => sandbox.idnow_config_toml(),
        _ => {
            let key = kyc::kyc_postident::PrivateKey::generate().map_err(|e| e.to_string())?;
            let pem = key.to_pkcs8_pem().map_err(|e| e.to_string())?;
            sandbox.postident_config_toml(Some(pem.expose()))
        }
    };
    let config = kyc::Config::from_toml(&toml).map_err(|e| e.to_string())?;
    let provider: Arc<dyn KycProvider> =
        Arc::from(kyc::connect(&config).map_err(|e| e.to_string())?);
    step(
        1,
        &format!("connected from kyc.toml: provider = \"{}\"", kind.name()),
    );

    let receiver = WebhookReceiver::new(provider.clone());
    let (webhook_url, listener) = listen(receiver.clone()).await?;
    if kind == Provider::Idnow {
        send_idnow_webhooks_to(sandbox, webhook_url.clone())?;
    }
    step(2, &format!("webhook listener at {webhook_url}"));

    let mut new_case = NewCase::new(format!("demo-{}", std::process::id() % 100_000));
    new_case.person.first_name = Some("Erika".into());
    new_case.person.last_name = Some("Mustermann".into());
    new_case.person.birth_date = chrono::NaiveDate::from_ymd_opt(1964, 8, 12);
    new_case.person.nationality = Some(kyc::Country::GERMANY);
    new_case.contact.email = Some("erika.mustermann@example.org".into());
    if kind == Provider::Postident {
        // POSTIDENT takes the webhook URL per case; IDnow per account (set above).
        new_case.webhook_url = Some(webhook_url);
    }
    let handle = provider
        .create_case(&new_case)
        .await
        .map_err(|e| e.to_string())?;
    step(3, &format!("created case {}", handle.case_ref));
    println!("     send the user to: {}", handle.user_url);

    let simulated = match kind {
        Provider::Idnow => SimulatedCase::Idnow {
            transaction_number: new_case.reference.clone(),
        },
        _ => SimulatedCase::Postident {
            case_id: handle.case_ref.case_id.clone().unwrap_or_default(),
        },
    };
    for outcome in [UserOutcome::Start, UserOutcome::Approve] {
        sandbox
            .play(&simulated, outcome)
            .map_err(|e| e.to_string())?;
    }
    step(4, "the simulated user identified successfully");

    let case = wait_for_final(&receiver, &handle.case_ref).await?;
    step(
        5,
        "webhook received, verified and resolved to the neutral case:",
    );
    print_case(&case, false)?;
    if json {
        crate::output::print_json(&case)?;
    }

    if let Some(artifact) = case.artifacts.first() {
        let bytes = provider
            .fetch_artifact(&case.case_ref, artifact)
            .await
            .map_err(|e| e.to_string())?;
        step(
            6,
            &format!("fetched artifact {} ({} bytes)", artifact.name, bytes.len()),
        );
    } else {
        step(6, "no artifacts reported");
    }

    let listed = provider
        .list_cases(&CaseFilter::default())
        .await
        .map_err(|e| e.to_string())?;
    step(
        7,
        &format!("{} finished case(s) listed:", listed.cases.len()),
    );
    for c in &listed.cases {
        crate::printable::line(format!("     {}", summary_line(c)));
    }
    let archived = provider
        .archive_cases(std::slice::from_ref(&case.case_ref))
        .await
        .map_err(|e| e.to_string())?;
    step(
        8,
        &format!(
            "archived {} case(s), {} not archived",
            archived.archived.len(),
            archived.not_archived.len()
        ),
    );
    listener.abort();
    println!();
    Ok(())
}

async fn wait_for_final(
    receiver: &WebhookReceiver,
    case_ref: &kyc::CaseRef,
) -> Result<kyc::Case, String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(c) = receiver.case(case_ref) {
            if c.status.is_final() {
                return Ok(c);
            }
        }
        if Instant::now() > deadline {
            let seen = receiver
                .case(case_ref)
                .map(|c| c.status)
                .unwrap_or(CaseStatus::Unknown("no webhook".into()));
            return Err(format!(
                "no final webhook for {case_ref} within 20 s (last: {seen}; failures: {:?})",
                receiver.failures()
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Sends the webhooks of the sandbox's IDnow company to `url`. IDnow configures the webhook URL
/// per account; in the sandbox through its control API.
pub(crate) fn send_idnow_webhooks_to(sandbox: &Sandbox, url: url::Url) -> Result<(), String> {
    let idnow = sandbox.idnow();
    let target = kyc_sandbox::idnow::WebhookTarget {
        url,
        basic_auth: None,
    };
    idnow
        .set_webhook(idnow.company_id(), Some(target))
        .map_err(|e| e.to_string())
}

/// Serves `receiver` on a free loopback port.
async fn listen(
    receiver: WebhookReceiver,
) -> Result<(url::Url, tokio::task::JoinHandle<()>), String> {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot open the webhook listener: {e}"))?;
    let addr = tcp.local_addr().map_err(|e| e.to_string())?;
    let app = kyc::webhook_server::router(receiver);
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            tcp,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let url = format!("http://{addr}/webhooks")
        .parse()
        .map_err(|e: url::ParseError| e.to_string())?;
    Ok((url, task))
}
