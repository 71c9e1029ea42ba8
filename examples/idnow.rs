//! IDnow AutoIdent end to end, offline: starts the sandbox in this process, creates an ident
//! whose first name selects the test robot's happy path, waits for the FINAL webhook on a small
//! local listener, then fetches the result and the result ZIP and prints the neutral case and
//! the artifact list.
//!
//! Run: `cargo run --example idnow`

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use kyc_idnow::kyc_core::webhook::{
    BasicCredentials, IpAllowlist, WebhookAuth, WebhookEvent, WebhookRequest,
};
use kyc_idnow::kyc_core::{KycProvider, NewCase, PersonInput};
use kyc_idnow::{IdnowConfig, IdnowProvider};
use kyc_sandbox::idnow::WebhookTarget;
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;

const HOOK_USER: &str = "idnow-webhook";
const HOOK_PASSWORD: &str = "example-only-password";

/// Forwards every webhook request (headers, body, source address) to the main task.
async fn webhook(
    State(inbox): State<mpsc::UnboundedSender<WebhookRequest>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> &'static str {
    let _ = inbox.send(WebhookRequest::new(headers, body, Some(peer.ip())));
    "ok"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();

    // 1. The sandbox: documented delays (the robot's ~90 s) run 60 times faster.
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 60.0,
        ..SandboxOptions::default()
    })
    .await?;
    let idnow = sandbox.idnow();
    println!("IDnow sandbox at {}", idnow.base_url());

    // 2. A small webhook listener on the loopback; the sandbox posts there with Basic auth.
    let (inbox, mut webhooks) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/idnow-webhook", axum::routing::post(webhook))
        .with_state(inbox);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/idnow-webhook", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    idnow.set_webhook(
        idnow.company_id(),
        Some(WebhookTarget {
            url: hook_url.parse()?,
            basic_auth: Some((HOOK_USER.into(), HOOK_PASSWORD.into())),
        }),
    )?;

    // 3. The adapter, configured for the sandbox's default company.
    let mut config = IdnowConfig::new(
        idnow.base_url().clone(),
        idnow.company_id(),
        idnow.api_key(),
    );
    config.webhook = WebhookAuth::default()
        .with_basic(BasicCredentials::new(HOOK_USER, HOOK_PASSWORD))
        .with_allowlist(IpAllowlist::parse(&["127.0.0.1/32", "::1/128"])?);
    let provider = IdnowProvider::new(config)?;

    // 4. Create an ident; the test robot finishes it (X-MANUALTEST-HAPPYPATH → SUCCESS).
    let reference = format!("example-{}", std::process::id());
    let new_case = NewCase::new(reference.clone())
        .with_person(PersonInput::new("X-MANUALTEST-HAPPYPATH", "Mustermann"));
    let handle = provider.create_case(&new_case).await?;
    println!(
        "created {} — the user would open {}",
        handle.case_ref, handle.user_url
    );

    // 5. Wait for the FINAL webhook, verifying every notice on the way.
    let notice = loop {
        let request = tokio::time::timeout(Duration::from_secs(60), webhooks.recv())
            .await?
            .ok_or("webhook listener stopped")?;
        let notice = provider.verify_webhook(&request)?;
        println!("webhook: {:?} for {}", notice.event, notice.case_ref);
        if notice.event == WebhookEvent::Final {
            break notice;
        }
    };

    // 6. The current case (a webhook is a trigger; the adapter reads the ident again).
    let case = provider.resolve_webhook(&notice).await?;
    println!(
        "\nstatus: {} (IDnow: {})",
        case.status, case.provider_status
    );
    // `Case::raw` (and each attempt's `raw`) keeps IDnow's JSON verbatim; left out here.
    let mut shown = case.clone();
    shown.raw = kyc::RawJson::null();
    for attempt in &mut shown.attempts {
        attempt.raw = kyc::RawJson::null();
    }
    println!("neutral case:\n{}", serde_json::to_string_pretty(&shown)?);

    // 7. The result ZIP and its files.
    let zip = provider.client().download_zip(&reference).await?;
    let fetched = provider.client().get_ident(&reference).await?;
    let files = kyc_idnow::artifacts::artifacts_from_zip(&zip, Some(&fetched.ident))?;
    println!("\nresult ZIP ({} bytes):", zip.len());
    for artifact in &files {
        let size = match &artifact.source {
            kyc_idnow::kyc_core::ArtifactSource::Inline { data } => data.len(),
            _ => 0,
        };
        println!(
            "  {:<18} {:<45} {:<18} {:>7} bytes",
            format!("{:?}", artifact.kind),
            artifact.name,
            artifact.mime_type.as_deref().unwrap_or("-"),
            size
        );
    }
    let signed = kyc_idnow::artifacts::verify_result_archive(
        &zip,
        idnow.signing_public_key_pem().as_bytes(),
    )?;
    println!("XML result signature valid: {signed}");

    sandbox.shutdown().await;
    Ok(())
}
