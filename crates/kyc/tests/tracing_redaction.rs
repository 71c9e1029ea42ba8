//! Everything the library logs at TRACE level during full flows of both providers — create,
//! the user's identification, the webhook through the webhook server, background resolution,
//! get, list, fetch of every artifact, archive, and error paths (unknown case, a provider
//! failing, an unreadable answer holding personal data, bad input) — is captured, together with
//! the errors' `Display` and `Debug` and the `Debug` of the cases, handles and configuration,
//! as an application would log them, and every span with its fields when it closes (the
//! `kyc.operation` spans of `kyc::connect`'s instrumentation and the adapters' `kyc.http`
//! spans, see `docs/observability.md`). None of it may contain a secret (API key, password, data
//! password, webhook passwords, the Basic auth header, the private key, the IDnow login token)
//! or a personal datum of the test user (what we sent and what the provider verified).
//!
//! One test function: the subscriber is process-global (so output of every thread and of `log`
//! records is captured), and both providers run in it one after the other.

#[path = "support/log_capture.rs"]
mod log_capture;

#[path = "support/webhook_listener.rs"]
mod webhook_listener;

use kyc::webhook::basic_auth_header;
use kyc::{
    AddressInput, Case, CaseFilter, CaseHandle, CaseRef, ContactInput, Country, KycProvider,
    NewCase, PersonInput, WebhookReceiver,
};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use log_capture::Captured;
use std::sync::Arc;
use std::time::{Duration, Instant};
use webhook_listener::{idnow_webhooks_to, serve_webhooks};

// The test user: distinctive values that cannot occur by chance.
const FIRST_NAME: &str = "Zyrafina";
const LAST_NAME: &str = "Quorvathsky";
const BIRTH_PLACE: &str = "Wolkenheimstadt";
const STREET: &str = "Xylophonweg";
// Above 65,535 so that no port number, and no other number in the log, is this one by chance.
const POSTAL_CODE: &str = "99423";
const CITY: &str = "Quellbrunnhausen";
const EMAIL: &str = "zyrafina.quorvathsky@example.org";
const PHONE: &str = "+491709876543";
const BAD_EMAIL: &str = "zyrafina-at-nowhere";

const IDNOW_HOOK_PASSWORD: &str = "idnow-hook-pw-0d1f9a";
const POSTIDENT_HOOK_PASSWORD: &str = "postident-hook-pw-77c2e4";
const HOOK_USER: &str = "hooks";
/// The base64url header every sandbox login token starts with (`{"alg":"HS512","typ":"JWT"}`).
const TOKEN_HEADER: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9";

fn new_case(reference: &str, webhook_url: &url::Url) -> NewCase {
    NewCase::new(reference)
        .with_person(
            PersonInput::new(FIRST_NAME, LAST_NAME)
                .with_birth_date(chrono::NaiveDate::from_ymd_opt(1971, 3, 29).unwrap())
                .with_birth_place(BIRTH_PLACE)
                .with_nationality(Country::GERMANY),
        )
        .with_address(
            AddressInput::default()
                .with_street(STREET)
                .with_street_number("17")
                .with_postal_code(POSTAL_CODE)
                .with_city(CITY)
                .with_country(Country::GERMANY),
        )
        .with_contact(
            ContactInput::default()
                .with_email(EMAIL)
                .with_mobile_phone(PHONE),
        )
        .with_webhook_url(webhook_url.clone())
}

struct Hooks {
    url: url::Url,
    receiver: WebhookReceiver,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn webhook_server(provider: Arc<dyn KycProvider>, provider_name: &str) -> Hooks {
    let receiver = WebhookReceiver::new(provider);
    let (url, task) = serve_webhooks(&receiver, &format!("/hooks/{provider_name}")).await;
    let url = url.parse().expect("url");
    Hooks {
        url,
        receiver,
        task,
    }
}

async fn wait_for_final(hooks: &Hooks, case: &CaseRef) -> Case {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(c) = hooks.receiver.case(case) {
            if c.status.is_final() {
                return c;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no final webhook; failures: {:?}",
            hooks.receiver.failures()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Logs an error the way an application would: Display and Debug.
fn log_error(what: &str, e: &kyc::Error) {
    tracing::error!(what, error = %e, debug = ?e, "operation failed");
}

/// The whole flow through the neutral trait; returns the personal values the provider verified.
async fn full_flow(
    sandbox: &Sandbox,
    provider: Arc<dyn KycProvider>,
    hooks: &Hooks,
    reference: &str,
    simulated: impl Fn(&CaseHandle) -> SimulatedCase,
) -> Vec<String> {
    let handle = provider
        .create_case(&new_case(reference, &hooks.url))
        .await
        .expect("create");
    tracing::info!(?handle, "created");
    sandbox
        .play(&simulated(&handle), UserOutcome::ApproveWithChangedData)
        .expect("play");
    let from_webhook = wait_for_final(hooks, &handle.case_ref).await;
    tracing::info!(case = ?from_webhook, "resolved from webhook");

    let case = provider.get_case(&handle.case_ref).await.expect("get");
    tracing::info!(?case, "read");
    let identity = case.identity.clone().expect("verified identity");
    assert!(identity
        .person
        .first_name
        .value()
        .is_some_and(|v| v.eq_ignore_ascii_case(FIRST_NAME)));

    let list = provider
        .list_cases(&CaseFilter::default())
        .await
        .expect("list");
    tracing::info!(cases = list.cases.len(), ?list, "listed");
    assert!(!list.cases.is_empty());

    for artifact in &case.artifacts {
        match provider.fetch_artifact(&case.case_ref, artifact).await {
            Ok(bytes) => tracing::info!(?artifact, len = bytes.len(), "artifact"),
            Err(e) => log_error("fetch artifact", &e),
        }
    }
    let archived = provider
        .archive_cases(std::slice::from_ref(&case.case_ref))
        .await
        .expect("archive");
    tracing::info!(?archived, "archived");

    // Error paths.
    let unknown = CaseRef::new(
        case.case_ref.provider,
        Some("UNKNOWNCASE1".into()),
        Some("unknown-ref-1".into()),
    );
    if let Err(e) = provider.get_case(&unknown).await {
        log_error("get unknown", &e);
    }
    let mut bad = new_case(&format!("{reference}b"), &hooks.url);
    bad.contact.email = Some(BAD_EMAIL.into());
    let e = provider.create_case(&bad).await.expect_err("bad e-mail");
    log_error("create with bad input", &e);

    identity
        .fields()
        .into_iter()
        .filter(|(name, _)| {
            !name.ends_with("country")
                && !name.ends_with("nationality")
                && !name.ends_with("gender")
                && !name.ends_with("title")
        })
        .filter_map(|(_, checked)| checked.value().map(str::to_string))
        .filter(|v| v.len() >= 5)
        .collect()
}

/// Makes the next reads of `case_id` fail: a server error on every try, then an answer that is
/// not JSON but holds personal data (kept in the error's raw body, which must not be logged).
async fn failing_reads(provider: &dyn KycProvider, case: &CaseRef) {
    match provider.get_case(case).await {
        Ok(_) => panic!("the injected fault should fail the read"),
        Err(e) => log_error("get while failing", &e),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_flows_of_both_providers_log_no_secret_and_no_personal_datum() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        // Timestamps are digits that could spell a personal datum by chance; they are not tested.
        .without_time()
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(captured.make_writer())
        .finish();
    log_capture::install(subscriber);

    let mut options = SandboxOptions::default();
    options.postident.webhook_credentials = Some(kyc_sandbox::postident::WebhookCredentials {
        username: HOOK_USER.into(),
        password: POSTIDENT_HOOK_PASSWORD.into(),
    });
    let sandbox = Sandbox::start(options).await.expect("sandbox");
    let http = "[http]\nrequest_timeout_ms = 2000\nmax_retries = 1\nretry_base_delay_ms = 10\n";
    let mut personal: Vec<String> = [
        FIRST_NAME,
        LAST_NAME,
        BIRTH_PLACE,
        STREET,
        POSTAL_CODE,
        CITY,
        EMAIL,
        PHONE,
        BAD_EMAIL,
        "1971-03-29",
        "29.03.1971",
    ]
    .map(String::from)
    .to_vec();

    // ── IDnow ──
    let idnow_toml = format!(
        "{}\n{http}\n[idnow.webhook]\nusername = \"{HOOK_USER}\"\npassword = \
         \"{IDNOW_HOOK_PASSWORD}\"\nallowed_ips = [\"127.0.0.1\"]\n",
        sandbox.idnow_config_toml()
    );
    let config = kyc::Config::from_toml(&idnow_toml).expect("config");
    tracing::info!(?config, "IDnow configuration");
    let idnow: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let hooks = webhook_server(idnow.clone(), "idnow").await;
    idnow_webhooks_to(
        &sandbox,
        hooks.url.clone(),
        (HOOK_USER, IDNOW_HOOK_PASSWORD),
    );
    personal.extend(
        full_flow(&sandbox, idnow.clone(), &hooks, "redact-idnow", |h| {
            SimulatedCase::Idnow {
                transaction_number: h.case_ref.reference.clone().expect("txn"),
            }
        })
        .await,
    );
    let idnow_case = CaseRef::by_reference(kyc::Provider::Idnow, "redact-idnow");
    for kind in [
        kyc_sandbox::idnow::FaultKind::Status { status: 503 },
        kyc_sandbox::idnow::FaultKind::MalformedJson,
    ] {
        let mut fault = kyc_sandbox::idnow::Fault::new(kind, 2);
        fault.method = Some("GET".into());
        sandbox.idnow().inject_fault(fault);
        failing_reads(idnow.as_ref(), &idnow_case).await;
        sandbox.idnow().clear_faults();
    }
    // A body that holds personal data and breaks off.
    let mut fault = kyc_sandbox::idnow::Fault::new(kyc_sandbox::idnow::FaultKind::TruncatedBody, 2);
    fault.method = Some("GET".into());
    sandbox.idnow().inject_fault(fault);
    failing_reads(idnow.as_ref(), &idnow_case).await;
    hooks.receiver.wait_idle().await;
    hooks.task.abort();

    // ── POSTIDENT (results JWE-encrypted) ──
    let key = kyc::kyc_postident::PrivateKey::generate().expect("RSA key");
    let pem = key.to_pkcs8_pem().expect("PEM").expose().to_string();
    let postident_toml = format!(
        "{}\n{http}\n[postident.webhook]\nusername = \"{HOOK_USER}\"\npassword = \
         \"{POSTIDENT_HOOK_PASSWORD}\"\nallowed_ips = [\"127.0.0.1\"]\n",
        sandbox.postident_config_toml(Some(&pem))
    );
    let config = kyc::Config::from_toml(&postident_toml).expect("config");
    tracing::info!(?config, "POSTIDENT configuration");
    let postident: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let hooks = webhook_server(postident.clone(), "postident").await;
    personal.extend(
        full_flow(&sandbox, postident.clone(), &hooks, "redact-post", |h| {
            SimulatedCase::Postident {
                case_id: h.case_ref.case_id.clone().expect("case id"),
            }
        })
        .await,
    );
    let case_id = sandbox
        .postident()
        .case_ids()
        .first()
        .cloned()
        .expect("case");
    let postident_case = CaseRef::by_case_id(kyc::Provider::Postident, case_id);
    for kind in [
        kyc_sandbox::postident::FaultKind::Status { status: 500 },
        kyc_sandbox::postident::FaultKind::TruncatedJwe,
        kyc_sandbox::postident::FaultKind::MalformedJson,
    ] {
        sandbox
            .postident()
            .inject_fault(kyc_sandbox::postident::Fault::new(kind, 2).for_method("GET"));
        failing_reads(postident.as_ref(), &postident_case).await;
        sandbox.postident().clear_faults();
    }
    hooks.receiver.wait_idle().await;
    hooks.task.abort();

    // ── What was logged ──
    let log = captured.text();
    if let Ok(path) = std::env::var("KYC_TRACE_DUMP") {
        // For a human look at what was checked: KYC_TRACE_DUMP=/tmp/trace.log cargo test ...
        std::fs::write(path, &log).expect("dump");
    }
    assert!(
        log.contains("logged in to IDnow") && log.contains("webhook accepted"),
        "the capture works (it holds the library's debug output)"
    );
    for span_fields in [
        "kyc.operation{provider=idnow operation=\"create_case\" case=ref redact-idnow",
        "kyc.operation{provider=postident operation=\"resolve_webhook\"",
        "outcome=\"ok\"",
        "outcome=\"not_found\"",
        "latency_ms=",
        "kyc.http{provider=idnow operation=\"login\" attempts=1 http.status=200",
        "kyc.http{provider=postident operation=\"get case\"",
        "attempts=2",
        "http.status=503",
    ] {
        assert!(
            log.contains(span_fields),
            "the spans and their fields are captured too: {span_fields}"
        );
    }
    let mut secrets: Vec<(String, String)> = vec![
        ("IDnow API key".into(), sandbox.idnow().api_key().into()),
        (
            "POSTIDENT password".into(),
            sandbox.postident().password().into(),
        ),
        (
            "POSTIDENT data password".into(),
            sandbox.postident().data_password().into(),
        ),
        ("IDnow webhook password".into(), IDNOW_HOOK_PASSWORD.into()),
        (
            "POSTIDENT webhook password".into(),
            POSTIDENT_HOOK_PASSWORD.into(),
        ),
        ("IDnow login token".into(), TOKEN_HEADER.into()),
        ("IDnow login token field".into(), "authToken".into()),
        (
            "POSTIDENT Basic auth header".into(),
            basic_auth_header(
                sandbox.postident().username(),
                sandbox.postident().password(),
            )
            .trim_start_matches("Basic ")
            .into(),
        ),
        (
            "webhook Basic auth header".into(),
            basic_auth_header(HOOK_USER, IDNOW_HOOK_PASSWORD)
                .trim_start_matches("Basic ")
                .into(),
        ),
    ];
    for (i, line) in pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 32)
        .enumerate()
    {
        secrets.push((format!("private key PEM line {i}"), line[..32].to_string()));
    }
    for (what, secret) in &secrets {
        assert!(!log.contains(secret.as_str()), "{what} appears in the log");
    }
    // Providers change the case of names (IDnow writes them in capitals): compare ignoring it.
    let lower_log = log.to_lowercase();
    let mut personal: Vec<String> = personal.iter().map(|v| v.to_lowercase()).collect();
    personal.sort();
    personal.dedup();
    for value in &personal {
        // A number is looked for standing alone (not inside a longer number); words anywhere.
        let at = if value.bytes().all(|b| b.is_ascii_digit()) {
            find_standing_alone(&lower_log, value)
        } else {
            lower_log.find(value.as_str())
        };
        assert!(
            at.is_none(),
            "personal datum {value:?} appears in the log: …{}…",
            at.and_then(|i| lower_log.get(i.saturating_sub(200)..(i + 100).min(log.len())))
                .unwrap_or_default()
        );
    }
    eprintln!(
        "checked {} bytes of TRACE output for {} secrets and {} personal values",
        log.len(),
        secrets.len(),
        personal.len()
    );
}

/// Where `needle` occurs in `haystack` not glued to letters or digits on either side, so that a
/// number inside a longer number (a duration, an id) is not mistaken for the personal datum.
fn find_standing_alone(haystack: &str, needle: &str) -> Option<usize> {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    haystack.match_indices(needle).map(|(i, _)| i).find(|&i| {
        !glued(haystack[..i].chars().next_back())
            && !glued(haystack[i + needle.len()..].chars().next())
    })
}
