//! The IDnow adapter under every fault the sandbox can inject, configured exactly as users do
//! (TOML through `kyc::connect`), over real HTTP. Each test asserts the outcome documented in
//! `docs/reliability.md`: retried and succeeded, or the right `ErrorKind` with the HTTP status
//! and the raw body.
//!
//! Retries are counted through the sandbox's fault queue (`GET {base}/__control/faults`): a
//! fault for `count` answers is consumed one answer at a time, so what is left over tells how
//! many requests reached the sandbox.

use kyc::{Case, CaseRef, CaseStatus, ErrorKind, KycProvider, NewCase};
use kyc_sandbox::idnow::{Fault, FaultKind};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::time::{Duration, Instant};

/// The `[http]` section every test uses unless it says otherwise: three tries in all, short
/// backoff, a total timeout per try of 800 ms.
const HTTP: &str = "[http]\nconnect_timeout_ms = 1000\nrequest_timeout_ms = 800\n\
                    max_retries = 2\nretry_base_delay_ms = 20\n";

struct Setup {
    sandbox: Sandbox,
    provider: Box<dyn KycProvider>,
}

impl Setup {
    async fn start() -> Setup {
        Setup::with_http(HTTP).await
    }

    async fn with_http(http: &str) -> Setup {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox");
        let toml = format!("{}\n{http}", sandbox.idnow_config_toml());
        let config = kyc::Config::from_toml(&toml).expect("config");
        let provider = kyc::connect(&config).expect("connect");
        Setup { sandbox, provider }
    }

    /// A case the user has finished successfully (the adapter is logged in afterwards).
    async fn approved_case(&self, reference: &str) -> CaseRef {
        let mut new_case = NewCase::new(reference);
        new_case.person.first_name = Some("Erika".into());
        new_case.person.last_name = Some("Mustermann".into());
        let handle = self.provider.create_case(&new_case).await.expect("create");
        self.sandbox
            .play(
                &SimulatedCase::Idnow {
                    transaction_number: reference.into(),
                },
                UserOutcome::Approve,
            )
            .expect("play");
        let case = self.provider.get_case(&handle.case_ref).await.expect("get");
        assert_approved(&case);
        handle.case_ref
    }

    /// A fault for the next `count` GETs of one ident.
    fn fault_on_get(&self, kind: FaultKind, count: u32, case: &CaseRef) {
        let mut fault = Fault::new(kind, count);
        fault.method = Some("GET".into());
        fault.path_contains = Some(format!(
            "/identifications/{}",
            case.reference.as_deref().expect("reference")
        ));
        self.sandbox.idnow().inject_fault(fault);
    }

    /// How many answers of the queued faults are still to be spoiled.
    async fn faults_left(&self) -> u64 {
        let url = format!(
            "{}/__control/faults",
            self.sandbox
                .idnow()
                .base_url()
                .as_str()
                .trim_end_matches('/')
        );
        let body: serde_json::Value = reqwest::get(url)
            .await
            .expect("control API")
            .json()
            .await
            .expect("JSON");
        body["faults"]
            .as_array()
            .expect("faults list")
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum()
    }
}

fn assert_approved(case: &Case) {
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        },
        "{}",
        case.provider_status
    );
}

#[tokio::test]
async fn server_errors_are_retried_and_the_read_succeeds() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-5xx-ok").await;
    s.fault_on_get(FaultKind::Status { status: 503 }, 2, &case);
    let got = s
        .provider
        .get_case(&case)
        .await
        .expect("retried to success");
    assert_approved(&got);
    assert_eq!(s.faults_left().await, 0, "both 503 answers were consumed");
}

#[tokio::test]
async fn server_errors_beyond_the_retry_budget_are_transient_with_status_and_body() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-5xx-fail").await;
    s.fault_on_get(FaultKind::Status { status: 502 }, 5, &case);
    let e = s
        .provider
        .get_case(&case)
        .await
        .expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(502));
    assert_eq!(e.cause_code(), Some("INTERNAL_SERVER_ERROR"));
    let body = e.raw_body().expect("raw body kept").to_string_lossy();
    assert!(body.contains("INTERNAL_SERVER_ERROR"), "{body}");
    assert_eq!(
        s.faults_left().await,
        2,
        "exactly 1 + max_retries (2) = 3 tries were made"
    );
}

#[tokio::test]
async fn throttling_waits_for_retry_after_then_succeeds() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-429-ok").await;
    s.fault_on_get(
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
        &case,
    );
    let started = Instant::now();
    let got = s.provider.get_case(&case).await.expect("retried");
    assert_approved(&got);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 honoured, waited {:?}",
        started.elapsed()
    );
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_at_once_as_throttled() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-429-long").await;
    s.fault_on_get(
        FaultKind::TooManyRequests {
            retry_after_secs: 120,
        },
        2,
        &case,
    );
    let started = Instant::now();
    let e = s.provider.get_case(&case).await.expect_err("throttled");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(e.kind(), ErrorKind::Throttled, "{e}");
    assert_eq!(e.http_status(), Some(429));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(e.cause_code(), Some("TOO_MANY_REQUESTS"));
    assert!(e.is_retryable());
    assert_eq!(s.faults_left().await, 1, "no second try within the call");
}

#[tokio::test]
async fn a_reset_connection_is_retried_and_the_read_succeeds() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-reset").await;
    s.fault_on_get(FaultKind::ConnectionReset, 2, &case);
    let got = s.provider.get_case(&case).await.expect("retried");
    assert_approved(&got);
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn resets_beyond_the_retry_budget_are_transient_without_status() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-reset-fail").await;
    s.fault_on_get(FaultKind::ConnectionReset, 3, &case);
    let e = s
        .provider
        .get_case(&case)
        .await
        .expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), None);
    assert!(e.to_string().contains("no answer from IDnow"), "{e}");
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_abandoned_and_retried() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-slow").await;
    s.fault_on_get(FaultKind::Delay { millis: 3_000 }, 1, &case);
    let started = Instant::now();
    let got = s.provider.get_case(&case).await.expect("retried");
    assert_approved(&got);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_millis(2_500),
        "the first try was cut at request_timeout_ms = 800, not waited out: {took:?}"
    );
}

#[tokio::test]
async fn responses_slower_than_the_timeout_on_every_try_are_a_transient_timeout() {
    let s = Setup::with_http(
        "[http]\nrequest_timeout_ms = 500\nmax_retries = 1\nretry_base_delay_ms = 10\n",
    )
    .await;
    let case = s.approved_case("rel-slow-fail").await;
    s.fault_on_get(FaultKind::Delay { millis: 4_000 }, 2, &case);
    let started = Instant::now();
    let e = s.provider.get_case(&case).await.expect_err("timed out");
    assert!(
        started.elapsed() < Duration::from_millis(3_000),
        "two tries of 500 ms, not the 4 s delay: {:?}",
        started.elapsed()
    );
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");
    assert_eq!(e.http_status(), None);
}

#[tokio::test]
async fn a_truncated_body_is_retried_and_the_read_succeeds() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-trunc").await;
    s.fault_on_get(FaultKind::TruncatedBody, 1, &case);
    let got = s.provider.get_case(&case).await.expect("retried");
    assert_approved(&got);
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn truncated_bodies_beyond_the_retry_budget_are_transient() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-trunc-fail").await;
    s.fault_on_get(FaultKind::TruncatedBody, 3, &case);
    let e = s
        .provider
        .get_case(&case)
        .await
        .expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(e.to_string().contains("broke off"), "{e}");
}

#[tokio::test]
async fn malformed_json_is_a_provider_error_keeping_status_and_raw_body_and_is_not_retried() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-malformed").await;
    s.fault_on_get(FaultKind::MalformedJson, 2, &case);
    let e = s.provider.get_case(&case).await.expect_err("unreadable");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert_eq!(e.http_status(), Some(200));
    assert_eq!(
        e.raw_body().expect("raw body").as_bytes(),
        b"{\"identificationprocess\": {\"result\": \"SUCC"
    );
    assert!(e.to_string().contains("truncated JSON"), "{e}");
    assert_eq!(s.faults_left().await, 1, "a 200 is an answer, not retried");
}

#[tokio::test]
async fn an_empty_body_is_a_provider_error_not_an_empty_case() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-empty").await;
    s.fault_on_get(FaultKind::EmptyBody, 2, &case);
    let e = s.provider.get_case(&case).await.expect_err("unreadable");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert_eq!(e.http_status(), Some(200));
    assert!(e.raw_body().expect("raw body").as_bytes().is_empty());
    assert_eq!(s.faults_left().await, 1, "not retried");
}

#[tokio::test]
async fn create_is_retried_after_a_server_error_and_makes_one_ident() {
    let s = Setup::start().await;
    let mut fault = Fault::new(FaultKind::Status { status: 500 }, 1);
    fault.method = Some("POST".into());
    fault.path_contains = Some("/identifications/rel-create/start".into());
    s.sandbox.idnow().inject_fault(fault);
    let handle = s
        .provider
        .create_case(&NewCase::new("rel-create"))
        .await
        .expect("create retried (idempotent per transaction number)");
    assert_eq!(handle.case_ref.reference.as_deref(), Some("rel-create"));
    assert_eq!(s.faults_left().await, 0);
    let snapshot = s
        .sandbox
        .idnow()
        .ident(s.sandbox.idnow().company_id(), "rel-create")
        .expect("ident exists");
    assert!(snapshot.ident_id.starts_with("TST-"));
}

#[tokio::test]
async fn create_is_retried_after_a_reset_connection_and_makes_one_ident() {
    let s = Setup::start().await;
    let mut fault = Fault::new(FaultKind::TruncatedBody, 1);
    fault.method = Some("POST".into());
    fault.path_contains = Some("/identifications/rel-create2/start".into());
    s.sandbox.idnow().inject_fault(fault);
    let handle = s
        .provider
        .create_case(&NewCase::new("rel-create2"))
        .await
        .expect("create retried");
    let snapshot = s
        .sandbox
        .idnow()
        .ident(s.sandbox.idnow().company_id(), "rel-create2")
        .expect("one ident");
    assert_eq!(
        handle.case_ref.case_id.as_deref(),
        Some(snapshot.ident_id.as_str()),
        "the retried create answered 200 for the ident the first try created"
    );
}

#[tokio::test]
async fn archive_is_never_retried() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-archive").await;
    let mut fault = Fault::new(FaultKind::Status { status: 503 }, 2);
    fault.method = Some("POST".into());
    fault.path_contains = Some("/archive".into());
    s.sandbox.idnow().inject_fault(fault);
    let e = s
        .provider
        .archive_cases(std::slice::from_ref(&case))
        .await
        .expect_err("a transient failure of archive is returned");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(503));
    assert_eq!(s.faults_left().await, 1, "archive was sent once");
}

#[tokio::test]
async fn login_failures_are_retried() {
    let s = Setup::start().await;
    let mut fault = Fault::new(FaultKind::Status { status: 503 }, 1);
    fault.path_contains = Some("/login".into());
    s.sandbox.idnow().inject_fault(fault);
    let before = s.sandbox.idnow().login_count();
    s.provider
        .create_case(&NewCase::new("rel-login"))
        .await
        .expect("login retried, then create");
    assert_eq!(s.sandbox.idnow().login_count(), before + 1);
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn a_refused_connection_is_transient_after_bounded_retries() {
    // A port nothing listens on: bind one, note it, close it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let toml = format!(
        "provider = \"idnow\"\n[idnow]\nbase_url = \"http://127.0.0.1:{port}/idnow\"\n\
         company_id = \"sandboxco\"\napi_key = \"k\"\n{HTTP}"
    );
    let provider = kyc::connect(&kyc::Config::from_toml(&toml).expect("config")).expect("connect");
    let started = Instant::now();
    let e = provider
        .get_case(&CaseRef::by_reference(kyc::Provider::Idnow, "rel-refused"))
        .await
        .expect_err("nobody listens");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(e.to_string().contains("connection failed"), "{e}");
}

#[tokio::test]
async fn archive_is_retried_after_throttling_because_nothing_was_done() {
    let s = Setup::start().await;
    let case = s.approved_case("rel-archive-429").await;
    let mut fault = Fault::new(
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
        1,
    );
    fault.method = Some("POST".into());
    fault.path_contains = Some("/archive".into());
    s.sandbox.idnow().inject_fault(fault);
    let outcome = s
        .provider
        .archive_cases(std::slice::from_ref(&case))
        .await
        .expect("retried after Retry-After");
    assert_eq!(outcome.archived.len(), 1, "{:?}", outcome.not_archived);
    assert_eq!(s.faults_left().await, 0);
}
