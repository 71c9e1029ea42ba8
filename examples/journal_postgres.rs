//! The journal on PostgreSQL, the way a bank deploys it: every instance of the backend runs the
//! same code against one database; webhooks are stored before they are answered, workers resolve
//! them, and the back office reads cases and attempts through the read API behind the bank's own
//! authentication.
//!
//! ```sh
//! eval "$(.ci/postgres.sh)"                      # a throw-away PostgreSQL on the loopback
//! KYC_JOURNAL_URL="$KYC_TEST_POSTGRES_URL" cargo run -p kyc --example journal_postgres
//! ```
//!
//! Without `KYC_JOURNAL_URL` it runs on an in-memory SQLite journal. The provider is the
//! embedded sandbox (IDnow); the user aborts once, then succeeds.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use kyc::kyc_journal::{read_api, Service, ServiceConfig};
use kyc::{CaseStatus, Config, KycProvider, NewCase, PersonInput, Provider};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The back office's token. In a real deployment: your SSO, mTLS or API gateway.
const BACK_OFFICE_TOKEN: &str = "example-back-office-token";

/// Authentication is the embedding application's: the journal's read API checks nothing, so it
/// is mounted behind this layer.
async fn require_token(request: Request, next: Next) -> Result<Response, StatusCode> {
    let expected = format!("Bearer {BACK_OFFICE_TOKEN}");
    let sent = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if kyc::webhook::constant_time_eq(sent, expected.as_bytes()) {
        Ok(next.run(request).await)
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await?;
    // The kyc.toml of this instance: the provider, and the journal URL from the environment (a
    // PostgreSQL URL holds a password: keep it out of the file).
    let journal_url = match std::env::var("KYC_JOURNAL_URL") {
        Ok(_) => "{ env = \"KYC_JOURNAL_URL\" }",
        Err(_) => "\"sqlite::memory:\"",
    };
    let toml = format!(
        "{}\n[journal]\nurl = {journal_url}\nreconcile_interval_secs = 60\n",
        sandbox.idnow_config_toml()
    );
    let config = Config::from_toml(&toml)?;
    let journal = kyc::open_journal(&config).await?;
    println!("journal: {:?}", journal.backend());

    let adapter: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config)?);
    // Through the journaled provider, every instance knows every case created by any of them.
    let provider: Arc<dyn KycProvider> = Arc::new(kyc::JournaledProvider::new(
        adapter.clone(),
        journal.clone(),
    ));

    // Two instances on the same journal, as behind a load balancer.
    let mut services = Vec::new();
    for _ in 0..2 {
        let config = ServiceConfig::new("127.0.0.1:0".parse()?);
        services.push(Service::start(journal.clone(), adapter.clone(), config).await?);
    }
    let webhook_url = format!("http://{}/webhooks/idnow", services[0].webhook_addr).parse()?;
    sandbox.idnow().set_webhook(
        sandbox.idnow().company_id(),
        Some(kyc_sandbox::idnow::WebhookTarget {
            url: webhook_url,
            basic_auth: None,
        }),
    )?;

    // The back office: the read API under /kyc, behind the bank's authentication.
    let back_office = axum::Router::new()
        .nest("/kyc", read_api::read_router(journal.clone()))
        .layer(middleware::from_fn(require_token));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let back_office_addr: SocketAddr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, back_office).await;
    });

    let reference = format!("example-{}", std::process::id());
    let new_case = NewCase::new(&reference).with_person(PersonInput::new("Erika", "Mustermann"));
    let handle = provider.create_case(&new_case).await?;
    println!("created {}", handle.case_ref);
    let sim = SimulatedCase::Idnow {
        transaction_number: reference.clone(),
    };
    for outcome in [UserOutcome::Start, UserOutcome::Abort, UserOutcome::Approve] {
        sandbox.play(&sim, outcome)?;
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let record = journal.case(Provider::Idnow, &reference).await?;
        if record.as_ref().is_some_and(|r| {
            matches!(r.status, CaseStatus::Approved { .. }) && r.waiting_notices == 0
        }) {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the case did not reach approved in 20 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let http = reqwest::Client::new();
    let url = format!("http://{back_office_addr}/kyc/cases/idnow/{reference}/attempts");
    let denied = http.get(&url).send().await?.status();
    println!("back office without a token: {denied}");
    let attempts: Vec<serde_json::Value> = http
        .get(&url)
        .bearer_auth(BACK_OFFICE_TOKEN)
        .send()
        .await?
        .json()
        .await?;
    println!("back office with its token: {} attempts", attempts.len());
    for a in &attempts {
        println!(
            "  {}  {:<8} reason {:<34} payload {} bytes",
            a["id"].as_str().unwrap_or_default(),
            a["result"].as_str().unwrap_or_default(),
            a["reason"].as_str().unwrap_or("-"),
            a["payload"].to_string().len()
        );
    }
    for s in services {
        s.stop().await;
    }
    sandbox.shutdown().await;
    Ok(())
}
