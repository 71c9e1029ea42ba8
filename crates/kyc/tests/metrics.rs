//! The metrics `docs/observability.md` documents are recorded, with their labels, by real
//! operations against the sandbox: `metrics-util`'s debugging recorder is installed
//! process-wide, then both providers run what an application runs — create, the user's
//! identification, the webhook through the webhook server (and a forged one), background
//! resolution, get with a transient failure that is retried, a POSTIDENT answer that cannot be
//! decrypted, and a notice resolved by the journal's worker.
//!
//! One test function: the recorder is global, so it has this process to itself.

#[path = "support/webhook_listener.rs"]
mod webhook_listener;

use kyc::kyc_journal::{Intake, Journal, Worker};
use kyc::webhook::basic_auth_header;
use kyc::{telemetry, CaseRef, Config, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use webhook_listener::{idnow_webhooks_to, serve_router, serve_webhooks};

const HOOK_USER: &str = "hooks";
const HOOK_PASSWORD: &str = "metrics-test-webhook-password";
const HTTP: &str = "[http]\nmax_retries = 2\nretry_base_delay_ms = 10\n";

/// One recorded series: name, labels, and whether it holds a count or samples.
#[derive(Debug)]
struct Series {
    name: String,
    labels: BTreeMap<String, String>,
    count: u64,
}

fn series(snapshotter: &metrics_util::debugging::Snapshotter) -> Vec<Series> {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| Series {
            name: key.key().name().to_string(),
            labels: key
                .key()
                .labels()
                .map(|l| (l.key().to_string(), l.value().to_string()))
                .collect(),
            count: match value {
                DebugValue::Counter(n) => n,
                DebugValue::Histogram(samples) => samples.len() as u64,
                DebugValue::Gauge(_) => 1,
            },
        })
        .collect()
}

/// The series named `name` whose labels include every pair of `labels`, summed.
fn total(all: &[Series], name: &str, labels: &[(&str, &str)]) -> u64 {
    all.iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.count)
        .sum()
}

fn webhook_section(provider: &str) -> String {
    format!(
        "[{provider}.webhook]\nusername = \"{HOOK_USER}\"\npassword = \"{HOOK_PASSWORD}\"\n\
         allowed_ips = [\"127.0.0.1\"]\n"
    )
}

async fn wait_for_final(receiver: &WebhookReceiver, case: &CaseRef) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !receiver.case(case).is_some_and(|c| c.status.is_final()) {
        assert!(
            Instant::now() < deadline,
            "no final webhook; failures: {:?}",
            receiver.failures()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    receiver.wait_idle().await;
}

fn new_case(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_operations_record_every_documented_metric() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    let mut options = SandboxOptions::default();
    options.postident.webhook_credentials = Some(kyc_sandbox::postident::WebhookCredentials {
        username: HOOK_USER.into(),
        password: HOOK_PASSWORD.into(),
    });
    let sandbox = Sandbox::start(options).await.expect("sandbox");

    // ── IDnow: login, create, webhook, resolution, a retried read, a forged webhook ──
    let config = Config::from_toml(&format!(
        "{}\n{HTTP}\n{}",
        sandbox.idnow_config_toml(),
        webhook_section("idnow")
    ))
    .expect("config");
    let idnow: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let receiver = WebhookReceiver::new(idnow.clone());
    let (url, server) = serve_webhooks(&receiver, "/hooks").await;
    let url: url::Url = url.parse().expect("url");
    idnow_webhooks_to(&sandbox, url.clone(), (HOOK_USER, HOOK_PASSWORD));
    let handle = idnow
        .create_case(&new_case("metrics-idnow"))
        .await
        .expect("create");
    sandbox
        .play(
            &SimulatedCase::Idnow {
                transaction_number: "metrics-idnow".into(),
            },
            UserOutcome::Approve,
        )
        .expect("play");
    wait_for_final(&receiver, &handle.case_ref).await;
    let mut fault =
        kyc_sandbox::idnow::Fault::new(kyc_sandbox::idnow::FaultKind::Status { status: 503 }, 1);
    fault.method = Some("GET".into());
    sandbox.idnow().inject_fault(fault);
    idnow
        .get_case(&handle.case_ref)
        .await
        .expect("the second try succeeds");
    let forged = reqwest::Client::new()
        .post(url.clone())
        .header("authorization", basic_auth_header(HOOK_USER, "guessed"))
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 401);
    server.abort();

    // ── POSTIDENT: an answer that cannot be decrypted ──
    let key = kyc::kyc_postident::PrivateKey::generate().expect("RSA key");
    let pem = key.to_pkcs8_pem().expect("PEM");
    let config = Config::from_toml(&format!(
        "{}\n{HTTP}\n{}",
        sandbox.postident_config_toml(Some(pem.expose())),
        webhook_section("postident")
    ))
    .expect("config");
    let postident: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let created = postident
        .create_case(&new_case("metrics-post"))
        .await
        .expect("create");
    sandbox.postident().inject_fault(
        kyc_sandbox::postident::Fault::new(kyc_sandbox::postident::FaultKind::TruncatedJwe, 1)
            .for_method("GET"),
    );
    let e = postident
        .get_case(&created.case_ref)
        .await
        .expect_err("a truncated JWE");
    assert_eq!(e.kind(), kyc::ErrorKind::Decryption, "{e}");
    sandbox.postident().clear_faults();

    // ── The journal: a notice stored by the intake, resolved by a worker ──
    let journal = Journal::open("sqlite::memory:").await.expect("journal");
    let intake = Intake::new(journal.clone(), postident.clone());
    let (intake_url, intake_server) = serve_router(intake.router(), "/hooks").await;
    let case_id = created.case_ref.case_id.clone().expect("case id");
    let status = reqwest::Client::new()
        .post(&intake_url)
        .header("authorization", basic_auth_header(HOOK_USER, HOOK_PASSWORD))
        .body(serde_json::json!({"caseId": case_id, "referenceId": "metrics-post"}).to_string())
        .send()
        .await
        .expect("post")
        .status();
    assert_eq!(status, 200);
    let report = Worker::new(journal.clone(), postident.clone())
        .drain()
        .await
        .expect("worker");
    assert_eq!(report.resolved, 1, "{report:?}");
    intake_server.abort();

    // ── What was recorded ──
    let all = series(&snapshotter);
    // By provider: the series each must have recorded, by name and the labels besides
    // `provider`.
    type Expected<'a> = &'a [(&'a str, &'a [(&'a str, &'a str)])];
    let expectations: [(&str, Expected); 2] = [
        (
            "idnow",
            &[
                (
                    telemetry::OPERATIONS_TOTAL,
                    &[("operation", "create_case"), ("outcome", "ok")],
                ),
                (
                    telemetry::OPERATION_DURATION_SECONDS,
                    &[("operation", "get_case")],
                ),
                (telemetry::WEBHOOKS_TOTAL, &[("outcome", "accepted")]),
                (telemetry::WEBHOOKS_TOTAL, &[("outcome", "rejected_auth")]),
                (telemetry::HTTP_REQUESTS_TOTAL, &[("status", "200")]),
                (telemetry::HTTP_RETRIES_TOTAL, &[]),
                (telemetry::LOGINS_TOTAL, &[("outcome", "ok")]),
                (
                    telemetry::WEBHOOK_RESOLUTION_LAG_SECONDS,
                    &[("resolver", "receiver")],
                ),
            ],
        ),
        (
            "postident",
            &[
                (
                    telemetry::OPERATIONS_TOTAL,
                    &[("operation", "get_case"), ("outcome", "decryption")],
                ),
                (telemetry::WEBHOOKS_TOTAL, &[("outcome", "accepted")]),
                (telemetry::HTTP_REQUESTS_TOTAL, &[("status", "200")]),
                (telemetry::HTTP_REQUEST_DURATION_SECONDS, &[]),
                (telemetry::DECRYPTION_FAILURES_TOTAL, &[]),
                (
                    telemetry::WEBHOOK_RESOLUTION_LAG_SECONDS,
                    &[("resolver", "journal")],
                ),
            ],
        ),
    ];
    for (provider, expected) in expectations {
        for (name, others) in expected {
            let labels: Vec<(&str, &str)> = [("provider", provider)]
                .into_iter()
                .chain(others.iter().copied())
                .collect();
            assert!(
                total(&all, name, &labels) > 0,
                "{name} {labels:?} was not recorded; recorded: {:#?}",
                all.iter().map(|s| (&s.name, &s.labels)).collect::<Vec<_>>()
            );
        }
    }
    assert_eq!(
        total(&all, telemetry::DECRYPTION_FAILURES_TOTAL, &[]),
        1,
        "one undecryptable answer, counted once"
    );

    // The documentation and the recorder agree: every metric the library recorded is
    // documented, and every documented metric was recorded.
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/observability.md"
    ))
    .expect("docs/observability.md");
    let recorded: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.starts_with("kyc_"))
        .collect();
    let documented: std::collections::BTreeSet<&str> = doc
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.starts_with("kyc_") && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .filter(|w| w.ends_with("_total") || w.ends_with("_seconds"))
        .collect();
    assert_eq!(recorded, documented);
    // No label carries a case id, a reference or a name.
    for s in &all {
        for value in s.labels.values() {
            for private in [
                "metrics-idnow",
                "metrics-post",
                case_id.as_str(),
                "Erika",
                "Mustermann",
            ] {
                assert!(!value.contains(private), "{} has label {value}", s.name);
            }
        }
    }
    sandbox.shutdown().await;
}
