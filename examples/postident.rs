//! POSTIDENT end to end, offline: `cargo run --example postident`.
//!
//! 1. starts the POSTIDENT sandbox in this process (real HTTP on 127.0.0.1),
//! 2. generates an RSA 3072 key so results come back JWE-encrypted, as production demands,
//! 3. starts a small webhook receiver that verifies each notice and answers 200 at once,
//! 4. creates a case and plays the user through the sandbox's control API (video, success),
//! 5. resolves the webhook by fetching and decrypting the current case,
//! 6. prints the neutral case, fetches the result PDF, and archives the case.
//!
//! Against the real POSTIDENT, only the configuration changes (see `docs/postident.md`).

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use kyc_postident::kyc_core::webhook::{
    BasicCredentials, IpAllowlist, WebhookAuth, WebhookNotice, WebhookRequest,
};
use kyc_postident::kyc_core::{
    ArtifactKind, ContactInput, Country, KycProvider, NewCase, PersonInput, Secret,
};
use kyc_postident::{Encryption, PostidentConfig, PostidentProvider, PrivateKey};
use kyc_sandbox::postident::{Method, Outcome, PostidentOptions, WebhookCredentials};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

type Shared = (Arc<PostidentProvider>, mpsc::UnboundedSender<WebhookNotice>);

/// The webhook endpoint: verify (no I/O), queue, answer 200 within POSTIDENT's 2 seconds.
/// The case is fetched afterwards, outside the request.
async fn webhook(
    State((postident, queue)): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> StatusCode {
    let request = WebhookRequest::new(headers, body, Some(peer.ip()));
    match postident.verify_webhook(&request) {
        Ok(notice) => {
            let _ = queue.send(notice);
            StatusCode::OK
        }
        Err(e) => {
            eprintln!("webhook refused: {e}");
            StatusCode::UNAUTHORIZED
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();

    // 1. The sandbox, sending webhooks with Basic auth. Documented waits run 100x faster.
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        postident: PostidentOptions {
            webhook_credentials: Some(WebhookCredentials {
                username: "postident".into(),
                password: "webhook-secret".into(),
            }),
            ..Default::default()
        },
        ..Default::default()
    })
    .await?;
    let p = sandbox.postident();
    println!("POSTIDENT sandbox at {}", p.base_url());

    // 2. The adapter, with encrypted results. Production: load the key with
    //    PrivateKey::from_pkcs8_pem and use Environment::Production.base_url().
    println!("generating an RSA 3072 key for result encryption ...");
    let mut config = PostidentConfig::new(
        p.base_url().clone(),
        p.client_id(),
        p.username(),
        Secret::new(p.password()),
        Encryption::Enabled {
            private_key: PrivateKey::generate()?,
            data_password: Secret::new(p.data_password()),
        },
    );
    // Production: allowlist kyc_postident::webhook::default_allowlist() (POSTIDENT's addresses).
    config.webhook = WebhookAuth::default()
        .with_basic(BasicCredentials::new("postident", "webhook-secret"))
        .with_allowlist(IpAllowlist::parse(&["127.0.0.1"])?);
    let postident = Arc::new(PostidentProvider::new(config)?);

    // 3. The webhook receiver.
    let (queue, mut notices) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/postident/webhook", axum::routing::post(webhook))
        .with_state((postident.clone(), queue));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let webhook_url = format!("http://{}/postident/webhook", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    println!("webhook receiver at {webhook_url}");

    // 4. Create a case and play the user's side.
    let new_case = NewCase::new("example-0001")
        .with_person(PersonInput::new("Erika", "Mustermann").with_nationality(Country::GERMANY))
        .with_contact(ContactInput::default().with_email("erika.mustermann@example.org"))
        .with_custom_field("order-4711")
        .with_webhook_url(webhook_url.parse()?);
    let handle = postident.create_case(&new_case).await?;
    let case_id = handle
        .case_ref
        .case_id
        .clone()
        .ok_or("the sandbox answered without a caseId")?;
    println!(
        "created case {case_id}; the user would open {}",
        handle.user_url
    );
    p.complete(&case_id, Method::Video, &Outcome::Success)?;
    println!("the user finished a video identification (sandbox control API)");

    // 5. Resolve webhooks until the case is final (a preliminary notice comes first).
    let case = loop {
        let notice = tokio::time::timeout(Duration::from_secs(30), notices.recv())
            .await?
            .ok_or("webhook receiver stopped")?;
        let case = postident.resolve_webhook(&notice).await?;
        println!("webhook for {} → {}", notice.case_ref, case.status);
        if case.status.is_final() {
            break case;
        }
    };

    // 6. The neutral case (without the raw provider JSON, which is also kept in `case.raw`).
    let mut shown = serde_json::to_value(&case)?;
    if let Some(o) = shown.as_object_mut() {
        o.remove("raw");
        if let Some(attempts) = o.get_mut("attempts").and_then(|a| a.as_array_mut()) {
            for a in attempts {
                if let Some(a) = a.as_object_mut() {
                    a.remove("raw");
                }
            }
        }
    }
    println!("{}", serde_json::to_string_pretty(&shown)?);
    if let Some(pdf) = case
        .artifacts
        .iter()
        .find(|a| a.kind == ArtifactKind::ResultPdf)
    {
        let bytes = postident.fetch_artifact(&case.case_ref, pdf).await?;
        println!("result PDF {}: {} bytes", pdf.name, bytes.len());
    }
    let outcome = postident
        .archive_cases(std::slice::from_ref(&case.case_ref))
        .await?;
    println!(
        "archived: {} case(s), not archived: {}",
        outcome.archived.len(),
        outcome.not_archived.len()
    );
    sandbox.shutdown().await;
    Ok(())
}
