//! The POSTIDENT adapter under every fault the sandbox can inject (including a truncated JWE),
//! configured exactly as users do (TOML through `kyc::connect`), over real HTTP.
//!
//! The rule that matters most: a create is never sent twice after a failure that may have
//! reached POSTIDENT (a second POST could open a second case). The sandbox counts the creates
//! that reached its handler (`create_request_count()`); faults that answer without reaching the
//! handler (status, 429, reset, malformed, empty) are not counted there, so a retry after them
//! shows up as one more counted create. The fault queue (`GET {root}/postident/__control/faults`)
//! tells how many faulty answers were served.

use kyc::{CaseRef, CaseStatus, ErrorKind, KycProvider, NewCase};
use kyc_sandbox::postident::{Fault, FaultKind};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HTTP: &str = "[http]\nconnect_timeout_ms = 1000\nrequest_timeout_ms = 800\n\
                    max_retries = 2\nretry_base_delay_ms = 20\n";

/// One RSA key for the whole file (generating a 3072-bit key takes a while).
fn key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        let key = kyc::kyc_postident::PrivateKey::generate().expect("RSA key");
        key.to_pkcs8_pem().expect("PEM").expose().to_string()
    })
}

struct Setup {
    sandbox: Sandbox,
    provider: Box<dyn KycProvider>,
}

impl Setup {
    /// Results JWE-encrypted, as production demands.
    async fn encrypted() -> Setup {
        Setup::start(true).await
    }

    async fn start(encrypted: bool) -> Setup {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox");
        let pem = encrypted.then(key_pem);
        let toml = format!("{}\n{HTTP}", sandbox.postident_config_toml(pem));
        let config = kyc::Config::from_toml(&toml).expect("config");
        let provider = kyc::connect(&config).expect("connect");
        Setup { sandbox, provider }
    }

    fn new_case(reference: &str) -> NewCase {
        let mut c = NewCase::new(reference);
        c.person.first_name = Some("Erika".into());
        c.person.last_name = Some("Mustermann".into());
        c.contact.email = Some("erika@example.org".into());
        c
    }

    /// A case the user finished successfully.
    async fn approved_case(&self, reference: &str) -> CaseRef {
        let handle = self
            .provider
            .create_case(&Setup::new_case(reference))
            .await
            .expect("create");
        self.sandbox
            .play(
                &SimulatedCase::Postident {
                    case_id: handle.case_ref.case_id.clone().expect("case id"),
                },
                UserOutcome::Approve,
            )
            .expect("play");
        let case = self.provider.get_case(&handle.case_ref).await.expect("get");
        assert!(
            matches!(case.status, CaseStatus::Approved { .. }),
            "{}",
            case.provider_status
        );
        handle.case_ref
    }

    fn fault(&self, kind: FaultKind, count: u32, method: &str, path: Option<&str>) {
        let mut fault = Fault::new(kind, count).for_method(method);
        fault.path_contains = path.map(str::to_string);
        self.sandbox.postident().inject_fault(fault);
    }

    fn fault_on_get(&self, kind: FaultKind, count: u32, case: &CaseRef) {
        self.fault(kind, count, "GET", case.case_id.as_deref());
    }

    fn fault_on_create(&self, kind: FaultKind) {
        self.fault(kind, 1, "POST", Some("/cases"));
    }

    async fn faults_left(&self) -> u64 {
        let url = self.sandbox.postident().control_url().to_string() + "/faults";
        let body: serde_json::Value = reqwest::get(url)
            .await
            .expect("control API")
            .json()
            .await
            .expect("JSON");
        body.as_array()
            .expect("fault list")
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum()
    }

    fn creates(&self) -> u64 {
        self.sandbox.postident().create_request_count()
    }

    fn case_count(&self) -> usize {
        self.sandbox.postident().case_ids().len()
    }
}

fn approved(status: &CaseStatus) -> bool {
    matches!(status, CaseStatus::Approved { .. })
}

// ── Reads: retried on transient failures ───────────────────────────────────────────────────

#[tokio::test]
async fn server_errors_on_a_read_are_retried_and_it_succeeds() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-5xx").await;
    s.fault_on_get(FaultKind::Status { status: 503 }, 2, &case);
    let got = s.provider.get_case(&case).await.expect("retried");
    assert!(approved(&got.status));
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn server_errors_beyond_the_retry_budget_are_transient_with_status_and_body() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-5xx-fail").await;
    s.fault_on_get(FaultKind::Status { status: 500 }, 5, &case);
    let e = s.provider.get_case(&case).await.expect_err("exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(500));
    let body = e.raw_body().expect("raw body").to_string_lossy();
    assert!(body.contains("sandbox fault injection"), "{body}");
    assert_eq!(s.faults_left().await, 2, "1 + max_retries (2) tries");
}

#[tokio::test]
async fn throttling_on_a_read_waits_for_retry_after_then_succeeds() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-429").await;
    s.fault_on_get(FaultKind::TooManyRequests { retry_after: 1 }, 1, &case);
    let started = Instant::now();
    let got = s.provider.get_case(&case).await.expect("retried");
    assert!(approved(&got.status));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_at_once_as_throttled() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-429-long").await;
    s.fault_on_get(FaultKind::TooManyRequests { retry_after: 120 }, 2, &case);
    let started = Instant::now();
    let e = s.provider.get_case(&case).await.expect_err("throttled");
    assert!(started.elapsed() < Duration::from_secs(5), "not waited out");
    assert_eq!(e.kind(), ErrorKind::Throttled, "{e}");
    assert_eq!(e.http_status(), Some(429));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    assert!(e.is_retryable());
    assert_eq!(s.faults_left().await, 1, "no second try within the call");
}

#[tokio::test]
async fn a_reset_connection_on_a_read_is_retried_and_it_succeeds() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-reset").await;
    s.fault_on_get(FaultKind::ConnectionReset, 2, &case);
    let got = s.provider.get_case(&case).await.expect("retried");
    assert!(approved(&got.status));
    assert_eq!(s.faults_left().await, 0);
}

#[tokio::test]
async fn a_read_slower_than_the_timeout_is_abandoned_and_retried() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-slow").await;
    s.fault_on_get(FaultKind::Delay { delay_ms: 3_000 }, 1, &case);
    let started = Instant::now();
    let got = s.provider.get_case(&case).await.expect("retried");
    assert!(approved(&got.status));
    assert!(
        started.elapsed() < Duration::from_millis(2_500),
        "cut at the 800 ms timeout: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_truncated_body_on_a_read_is_retried_and_it_succeeds() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-trunc").await;
    s.fault_on_get(FaultKind::TruncatedBody, 1, &case);
    let got = s.provider.get_case(&case).await.expect("retried");
    assert!(approved(&got.status));
    assert_eq!(s.faults_left().await, 0);
}

// ── Reads: answers that cannot be understood are errors that keep the raw body ─────────────

#[tokio::test]
async fn a_truncated_jwe_is_a_decryption_error_keeping_the_raw_body() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-jwe").await;
    s.fault_on_get(FaultKind::TruncatedJwe, 2, &case);
    let e = s.provider.get_case(&case).await.expect_err("cut JWE");
    assert_eq!(e.kind(), ErrorKind::Decryption, "{e}");
    let raw = e.raw_body().expect("raw body kept");
    assert!(raw.as_bytes().starts_with(b"ey"), "the cut JWE is kept");
    assert_eq!(s.faults_left().await, 1, "a 200 is an answer, not retried");
}

#[tokio::test]
async fn malformed_json_with_encryption_on_is_a_decryption_error_keeping_the_raw_body() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-malf-enc").await;
    s.fault_on_get(FaultKind::MalformedJson, 1, &case);
    let e = s
        .provider
        .get_case(&case)
        .await
        .expect_err("plain, broken body");
    assert_eq!(e.kind(), ErrorKind::Decryption, "{e}");
    let raw = e.raw_body().expect("raw body").to_string_lossy();
    assert!(raw.contains("\"caseStatus\""), "{raw}");
}

#[tokio::test]
async fn malformed_json_without_encryption_is_a_provider_error_keeping_the_raw_body() {
    let s = Setup::start(false).await;
    let case = s.approved_case("rp-malf").await;
    s.fault_on_get(FaultKind::MalformedJson, 2, &case);
    let e = s.provider.get_case(&case).await.expect_err("broken JSON");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    let raw = e.raw_body().expect("raw body").to_string_lossy();
    assert!(raw.contains(",, ]"), "{raw}");
    assert_eq!(s.faults_left().await, 1, "not retried");
}

#[tokio::test]
async fn an_empty_body_is_an_error_never_an_empty_case() {
    for encrypted in [true, false] {
        let s = Setup::start(encrypted).await;
        let case = s.approved_case("rp-empty").await;
        s.fault_on_get(FaultKind::EmptyBody, 1, &case);
        let e = s.provider.get_case(&case).await.expect_err("empty body");
        let want = if encrypted {
            ErrorKind::Decryption
        } else {
            ErrorKind::Provider
        };
        assert_eq!(e.kind(), want, "encrypted = {encrypted}: {e}");
        assert!(e.raw_body().is_none_or(|b| b.as_bytes().is_empty()));
    }
}

// ── Create: never sent twice after a failure that may have reached POSTIDENT ───────────────

#[tokio::test]
async fn create_after_a_reset_connection_is_not_retried() {
    let s = Setup::encrypted().await;
    let (creates, cases) = (s.creates(), s.case_count());
    s.fault_on_create(FaultKind::ConnectionReset);
    let e = s
        .provider
        .create_case(&Setup::new_case("rp-c-reset"))
        .await
        .expect_err("transport failure returned");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(s.creates(), creates, "no second POST reached the sandbox");
    assert_eq!(s.case_count(), cases);
}

#[tokio::test]
async fn create_after_a_timeout_is_not_retried() {
    let s = Setup::encrypted().await;
    let creates = s.creates();
    s.fault_on_create(FaultKind::Delay { delay_ms: 3_000 });
    let e = s
        .provider
        .create_case(&Setup::new_case("rp-c-slow"))
        .await
        .expect_err("timed out");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    // The abandoned request never reached the handler (the client hung up during the delay);
    // a retry would have.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.creates(), creates, "no second POST");
}

#[tokio::test]
async fn create_after_a_truncated_answer_is_not_retried_and_leaves_exactly_one_case() {
    let s = Setup::encrypted().await;
    let (creates, cases) = (s.creates(), s.case_count());
    s.fault_on_create(FaultKind::TruncatedBody);
    let e = s
        .provider
        .create_case(&Setup::new_case("rp-c-trunc"))
        .await
        .expect_err("answer broke off");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(s.creates(), creates + 1, "exactly one POST");
    assert_eq!(
        s.case_count(),
        cases + 1,
        "the case exists once; the caller looks it up by reference"
    );
}

#[tokio::test]
async fn create_after_a_server_error_is_not_retried() {
    let s = Setup::encrypted().await;
    let creates = s.creates();
    s.fault_on_create(FaultKind::Status { status: 502 });
    let e = s
        .provider
        .create_case(&Setup::new_case("rp-c-5xx"))
        .await
        .expect_err("502 returned");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(502));
    assert_eq!(s.creates(), creates, "no second POST");
}

#[tokio::test]
async fn create_after_throttling_is_retried_because_nothing_was_created() {
    let s = Setup::encrypted().await;
    let (creates, cases) = (s.creates(), s.case_count());
    s.fault_on_create(FaultKind::TooManyRequests { retry_after: 1 });
    let handle = s
        .provider
        .create_case(&Setup::new_case("rp-c-429"))
        .await
        .expect("retried after Retry-After");
    assert!(handle.case_ref.case_id.is_some());
    assert_eq!(s.creates(), creates + 1);
    assert_eq!(s.case_count(), cases + 1);
}

// ── Archive: idempotent, retried ────────────────────────────────────────────────────────────

#[tokio::test]
async fn archive_is_retried_after_a_server_error() {
    let s = Setup::encrypted().await;
    let case = s.approved_case("rp-archive").await;
    s.fault(
        FaultKind::Status { status: 503 },
        1,
        "PATCH",
        Some("/archive"),
    );
    let outcome = s
        .provider
        .archive_cases(std::slice::from_ref(&case))
        .await
        .expect("retried");
    assert_eq!(outcome.archived.len(), 1, "{:?}", outcome.not_archived);
    assert_eq!(s.faults_left().await, 0);
}
