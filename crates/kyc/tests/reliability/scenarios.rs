//! Each scenario once, for the provider the fixture names. Where a provider adds something of
//! its own (IDnow's cause codes, POSTIDENT's count of creates), the scenario says so; the
//! scenarios that exist for one provider only are at the end, under its name.

use super::fixture::{assert_approved, Fault, Kind, On, Setup, HTTP};
use kyc::{CaseHandle, CaseRef, ErrorKind};
use std::time::{Duration, Instant};

// ── Reads: retried on transient failures ───────────────────────────────────────────────────

pub async fn server_errors_on_a_read_are_retried_and_it_succeeds(kind: Kind) {
    let (s, got, _) =
        Setup::read_with_faults(kind, "rel-5xx-ok", Fault::Status { status: 503 }, 2).await;
    assert_approved(&got.expect("retried to success"));
    assert_eq!(s.faults_left().await, 0, "both 503 answers were consumed");
}

pub async fn server_errors_beyond_the_retry_budget_are_transient_with_status_and_body(kind: Kind) {
    let (s, got, _) =
        Setup::read_with_faults(kind, "rel-5xx-fail", Fault::Status { status: 502 }, 5).await;
    let e = got.expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(502));
    if let Some(cause) = kind.server_error_cause() {
        assert_eq!(e.cause_code(), Some(cause));
    }
    let body = e.raw_body().expect("raw body kept").to_string_lossy();
    assert!(body.contains(kind.server_error_body_contains()), "{body}");
    assert_eq!(
        s.faults_left().await,
        2,
        "exactly 1 + max_retries (2) = 3 tries were made"
    );
}

pub async fn throttling_on_a_read_waits_for_retry_after_then_succeeds(kind: Kind) {
    let fault = Fault::TooManyRequests {
        retry_after_secs: 1,
    };
    let (s, got, took) = Setup::read_with_faults(kind, "rel-429-ok", fault, 1).await;
    assert_approved(&got.expect("retried"));
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After: 1 honoured, waited {took:?}"
    );
    assert_eq!(s.faults_left().await, 0);
}

pub async fn a_retry_after_beyond_the_limit_is_returned_at_once_as_throttled(kind: Kind) {
    let fault = Fault::TooManyRequests {
        retry_after_secs: 120,
    };
    let (s, got, took) = Setup::read_with_faults(kind, "rel-429-long", fault, 2).await;
    let e = got.expect_err("throttled");
    assert!(took < Duration::from_secs(5), "not waited out");
    assert_eq!(e.kind(), ErrorKind::Throttled, "{e}");
    assert_eq!(e.http_status(), Some(429));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
    if let Some(cause) = kind.throttled_cause() {
        assert_eq!(e.cause_code(), Some(cause));
    }
    assert!(e.is_retryable());
    assert_eq!(s.faults_left().await, 1, "no second try within the call");
}

pub async fn a_reset_connection_on_a_read_is_retried_and_it_succeeds(kind: Kind) {
    let (s, got, _) = Setup::read_with_faults(kind, "rel-reset", Fault::ConnectionReset, 2).await;
    assert_approved(&got.expect("retried"));
    assert_eq!(s.faults_left().await, 0);
}

pub async fn a_read_slower_than_the_timeout_is_abandoned_and_retried(kind: Kind) {
    let (_s, got, took) =
        Setup::read_with_faults(kind, "rel-slow", Fault::Delay { millis: 3_000 }, 1).await;
    assert_approved(&got.expect("retried"));
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_millis(2_500),
        "the first try was cut at request_timeout_ms = 800, not waited out: {took:?}"
    );
}

pub async fn a_truncated_body_on_a_read_is_retried_and_it_succeeds(kind: Kind) {
    let (s, got, _) = Setup::read_with_faults(kind, "rel-trunc", Fault::TruncatedBody, 1).await;
    assert_approved(&got.expect("retried"));
    assert_eq!(s.faults_left().await, 0);
}

// ── Reads: answers that cannot be understood are errors that keep the raw body ─────────────

pub async fn malformed_json_is_an_error_keeping_the_raw_body_and_is_not_retried(kind: Kind) {
    let (s, got, _) = Setup::read_with_faults(kind, "rel-malformed", Fault::MalformedJson, 2).await;
    let e = got.expect_err("unreadable");
    assert_eq!(e.kind(), kind.unreadable_answer(), "{e}");
    assert_eq!(
        e.raw_body().expect("raw body kept").as_bytes(),
        kind.malformed_body()
    );
    if kind == Kind::Idnow {
        // IDnow's errors also keep the status and say what was wrong with the JSON.
        assert_eq!(e.http_status(), Some(200));
        assert!(e.to_string().contains("truncated JSON"), "{e}");
    }
    assert_eq!(s.faults_left().await, 1, "a 200 is an answer, not retried");
}

pub async fn an_empty_body_is_an_error_never_an_empty_case(kind: Kind) {
    let (s, got, _) = Setup::read_with_faults(kind, "rel-empty", Fault::EmptyBody, 2).await;
    let e = got.expect_err("empty body");
    assert_eq!(e.kind(), kind.unreadable_answer(), "{e}");
    assert!(e.raw_body().is_none_or(|b| b.as_bytes().is_empty()));
    if kind == Kind::Idnow {
        // IDnow's error keeps the (empty) body and the status it came with.
        assert_eq!(e.http_status(), Some(200));
        assert!(e.raw_body().is_some(), "raw body kept");
    }
    assert_eq!(s.faults_left().await, 1, "not retried");
}

// ── Create: retried only where the provider's rules make it safe ────────────────────────────

/// What a create scenario saw before the create.
struct Before {
    creates_reached: Option<u64>,
    cases: usize,
}

fn before_create(s: &Setup, reference: &str) -> Before {
    Before {
        creates_reached: s.creates_reached(),
        cases: s.cases_for(reference),
    }
}

/// Starts `kind` against a sandbox, spoils the answer to the create of `reference` with
/// `fault`, sends the create, and, where the provider's rules resend it, checks that it
/// succeeded and made exactly one case; where they do not, checks that the failure came back as
/// a transient error. Returns the setup, what it saw before the create, and that error, for
/// the scenario to check further.
async fn create_after(
    kind: Kind,
    reference: &str,
    fault: Fault,
) -> (Setup, Before, Option<kyc::Error>) {
    let s = Setup::start(kind).await;
    let before = before_create(&s, reference);
    s.fault(fault, 1, On::Create(reference));
    let result = s.provider.create_case(&Setup::new_case(reference)).await;
    let returned = if s.kind.create_is_resent_after(fault) {
        let handle = result.expect("create retried");
        assert_made_once(&s, reference, &handle, &before).await;
        None
    } else {
        let e = result.expect_err("the failure is returned, not retried");
        assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
        Some(e)
    };
    (s, before, returned)
}

/// Asserts that `more` creates reached the sandbox's handler since `before`, where the sandbox
/// counts them (POSTIDENT); `what` says why.
fn assert_creates_reached_since(s: &Setup, before: &Before, more: u64, what: &str) {
    assert_eq!(
        s.creates_reached(),
        before.creates_reached.map(|n| n + more),
        "{what}"
    );
}

async fn assert_made_once(s: &Setup, reference: &str, handle: &CaseHandle, before: &Before) {
    assert_eq!(handle.case_ref.reference.as_deref(), Some(reference));
    assert!(handle.case_ref.case_id.is_some());
    assert_eq!(s.faults_left().await, 0);
    assert_eq!(s.cases_for(reference), before.cases + 1, "exactly one case");
    if let Some(creates) = before.creates_reached {
        // POSTIDENT: the spoiled answer was given before the handler; one POST reached it.
        assert_eq!(s.creates_reached(), Some(creates + 1), "exactly one POST");
    }
    if s.kind == Kind::Idnow {
        let snapshot = s
            .sandbox
            .idnow()
            .ident(s.sandbox.idnow().company_id(), reference)
            .expect("ident exists");
        assert!(snapshot.ident_id.starts_with("TST-"));
        assert_eq!(
            handle.case_ref.case_id.as_deref(),
            Some(snapshot.ident_id.as_str()),
            "the retried create answered for the ident the first try created"
        );
    }
}

pub async fn create_after_a_server_error(kind: Kind) {
    let (s, before, returned) = create_after(kind, "rc-5xx", Fault::Status { status: 502 }).await;
    if let Some(e) = returned {
        assert_eq!(e.http_status(), Some(502));
        assert_creates_reached_since(&s, &before, 0, "no second POST");
    }
}

pub async fn create_after_a_reset_connection(kind: Kind) {
    let (s, before, returned) = create_after(kind, "rc-reset", Fault::ConnectionReset).await;
    if returned.is_some() {
        assert_creates_reached_since(&s, &before, 0, "no second POST reached the sandbox");
        assert_eq!(s.cases_for("rc-reset"), before.cases);
    }
}

pub async fn create_after_a_timeout(kind: Kind) {
    let (s, before, returned) = create_after(kind, "rc-slow", Fault::Delay { millis: 3_000 }).await;
    if returned.is_some() {
        // The abandoned request never reached the handler (the client hung up during the
        // delay); a retry would have.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_creates_reached_since(&s, &before, 0, "no second POST");
    }
}

pub async fn create_after_a_truncated_answer(kind: Kind) {
    let (s, before, returned) = create_after(kind, "rc-trunc", Fault::TruncatedBody).await;
    if returned.is_some() {
        assert_creates_reached_since(&s, &before, 1, "exactly one POST");
        assert_eq!(
            s.cases_for("rc-trunc"),
            before.cases + 1,
            "the case exists once; the caller looks it up by reference"
        );
    }
}

pub async fn create_after_throttling_is_retried_because_nothing_was_created(kind: Kind) {
    let fault = Fault::TooManyRequests {
        retry_after_secs: 1,
    };
    assert!(kind.create_is_resent_after(fault), "a 429 created nothing");
    let e = create_after(kind, "rc-429", fault).await.2;
    assert!(e.is_none(), "retried after Retry-After: {e:?}");
}

// ── Archive ─────────────────────────────────────────────────────────────────────────────────

pub async fn archive_after_a_server_error(kind: Kind) {
    let s = Setup::start(kind).await;
    let case = s.approved_case("rel-archive").await;
    s.fault(Fault::Status { status: 503 }, 2, On::Archive);
    let result = s.provider.archive_cases(std::slice::from_ref(&case)).await;
    if kind.archive_is_resent_after_a_server_error() {
        let outcome = result.expect("retried");
        assert_eq!(outcome.archived.len(), 1, "{:?}", outcome.not_archived);
        assert_eq!(s.faults_left().await, 0);
    } else {
        let e = result.expect_err("a transient failure of archive is returned");
        assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
        assert_eq!(e.http_status(), Some(503));
        assert_eq!(s.faults_left().await, 1, "archive was sent once");
    }
}

pub async fn archive_is_retried_after_throttling_because_nothing_was_done(kind: Kind) {
    let s = Setup::start(kind).await;
    let case = s.approved_case("rel-arch-429").await;
    let fault = Fault::TooManyRequests {
        retry_after_secs: 1,
    };
    s.fault(fault, 1, On::Archive);
    let outcome = s
        .provider
        .archive_cases(std::slice::from_ref(&case))
        .await
        .expect("retried after Retry-After");
    assert_eq!(outcome.archived.len(), 1, "{:?}", outcome.not_archived);
    assert_eq!(s.faults_left().await, 0);
}

// ── IDnow only ──────────────────────────────────────────────────────────────────────────────

pub async fn resets_beyond_the_retry_budget_are_transient_without_status(kind: Kind) {
    let (s, got, _) =
        Setup::read_with_faults(kind, "rel-reset-fail", Fault::ConnectionReset, 3).await;
    let e = got.expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), None);
    assert!(e.to_string().contains("no answer from IDnow"), "{e}");
    assert_eq!(s.faults_left().await, 0);
}

pub async fn reads_slower_than_the_timeout_on_every_try_are_a_transient_timeout(kind: Kind) {
    let s = Setup::with_http(
        kind,
        "[http]\nrequest_timeout_ms = 500\nmax_retries = 1\nretry_base_delay_ms = 10\n",
    )
    .await;
    let case = s.approved_case("rel-slow-fail").await;
    s.fault(Fault::Delay { millis: 4_000 }, 2, On::Get(&case));
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

pub async fn truncated_bodies_beyond_the_retry_budget_are_transient(kind: Kind) {
    let (_s, got, _) =
        Setup::read_with_faults(kind, "rel-trunc-fail", Fault::TruncatedBody, 3).await;
    let e = got.expect_err("budget exhausted");
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(e.to_string().contains("broke off"), "{e}");
}

pub async fn login_failures_are_retried(kind: Kind) {
    let s = Setup::start(kind).await;
    s.fault(Fault::Status { status: 503 }, 1, On::Login);
    let before = s.sandbox.idnow().login_count();
    s.provider
        .create_case(&Setup::new_case("rel-login"))
        .await
        .expect("login retried, then create");
    assert_eq!(s.sandbox.idnow().login_count(), before + 1);
    assert_eq!(s.faults_left().await, 0);
}

pub async fn a_refused_connection_is_transient_after_bounded_retries(kind: Kind) {
    assert_eq!(kind, Kind::Idnow, "the configuration below is IDnow's");
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

// ── POSTIDENT only ──────────────────────────────────────────────────────────────────────────

pub async fn a_truncated_jwe_is_a_decryption_error_keeping_the_raw_body(kind: Kind) {
    let (s, got, _) = Setup::read_with_faults(kind, "rel-jwe", Fault::TruncatedJwe, 2).await;
    let e = got.expect_err("cut JWE");
    assert_eq!(e.kind(), ErrorKind::Decryption, "{e}");
    let raw = e.raw_body().expect("raw body kept");
    assert!(raw.as_bytes().starts_with(b"ey"), "the cut JWE is kept");
    assert_eq!(s.faults_left().await, 1, "a 200 is an answer, not retried");
}
