//! Shared helpers for the sandbox tests: start the POSTIDENT sandbox in process and build the
//! adapter against it over real HTTP on the loopback.
#![allow(dead_code)]

use kyc_core::{CaseHandle, CaseRef, Country, ErrorKind, HttpOptions, KycProvider, NewCase};
use kyc_core::{Provider, Secret};
use kyc_postident::{Encryption, PostidentConfig, PostidentProvider, PrivateKey};
use kyc_sandbox::postident::{Fault, FaultKind, Method, Outcome, PostidentOptions};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::path::PathBuf;
use std::time::Duration;

/// The RSA key of `tests/fixtures/test-only-rsa-3072.pkcs8.pem`.
pub fn fixed_key() -> PrivateKey {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/test-only-rsa-3072.pkcs8.pem");
    PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A sandbox whose POSTIDENT options are the defaults as `change` leaves them (time runs
/// 10,000 times faster), e.g. `sandbox_with(|o| o.list_limit = 2)`.
pub async fn sandbox_with(change: impl FnOnce(&mut PostidentOptions)) -> Sandbox {
    let mut postident = PostidentOptions::default();
    change(&mut postident);
    Sandbox::start(SandboxOptions {
        time_scale: 10_000.0,
        postident,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts")
}

/// A sandbox with default options.
pub async fn sandbox() -> Sandbox {
    sandbox_with(|_| {}).await
}

/// Fast HTTP options for tests (short backoff).
pub fn http() -> HttpOptions {
    let mut o = HttpOptions::default();
    o.connect_timeout = Duration::from_secs(2);
    o.request_timeout = Duration::from_secs(5);
    o.read_timeout = Duration::from_secs(5);
    o.max_retries = 2;
    o.retry_base_delay = Duration::from_millis(10);
    o
}

/// The adapter configuration for the sandbox's account logged in as `username` with `password`,
/// with the fast [`http`] options.
pub fn config_as(
    sandbox: &Sandbox,
    username: &str,
    password: &str,
    encryption: Encryption,
) -> PostidentConfig {
    let p = sandbox.postident();
    let mut c = PostidentConfig::new(
        p.base_url().clone(),
        p.client_id(),
        username,
        Secret::new(password),
        encryption,
    );
    c.http = http();
    c
}

/// The adapter configuration for the sandbox's default account, encrypted with the fixed key.
pub fn config(sandbox: &Sandbox) -> PostidentConfig {
    let p = sandbox.postident();
    let encryption = Encryption::Enabled {
        private_key: fixed_key(),
        data_password: Secret::new(p.data_password()),
    };
    config_as(sandbox, p.username(), p.password(), encryption)
}

/// The same without encryption.
pub fn plain_config(sandbox: &Sandbox) -> PostidentConfig {
    let mut c = config(sandbox);
    c.encryption = Encryption::Disabled;
    c
}

/// The adapter for the sandbox's default account (encrypted).
pub fn provider(sandbox: &Sandbox) -> PostidentProvider {
    PostidentProvider::new(config(sandbox)).expect("valid config")
}

/// The adapter for a configuration a test changed.
pub fn provider_with(config: PostidentConfig) -> PostidentProvider {
    PostidentProvider::new(config).expect("valid config")
}

/// The adapter for the sandbox's default account with `change` made to its configuration,
/// e.g. `provider_where(&sandbox, |c| c.password = Secret::new("wrong"))`.
pub fn provider_where(
    sandbox: &Sandbox,
    change: impl FnOnce(&mut PostidentConfig),
) -> PostidentProvider {
    let mut config = config(sandbox);
    change(&mut config);
    provider_with(config)
}

/// The adapter for the sandbox's default account without encryption.
pub fn plain_provider(sandbox: &Sandbox) -> PostidentProvider {
    provider_with(plain_config(sandbox))
}

/// Creates [`new_case`]`(reference)` through the adapter; the create must succeed.
pub async fn create(postident: &PostidentProvider, reference: &str) -> CaseHandle {
    postident
        .create_case(&new_case(reference))
        .await
        .expect("the case is created")
}

/// Creates [`new_case`]`(reference)` through the adapter; the create must fail: its error.
pub async fn create_fails(postident: &PostidentProvider, reference: &str) -> kyc_core::Error {
    postident
        .create_case(&new_case(reference))
        .await
        .expect_err("the create fails")
}

/// Creates [`new_case`]`(reference)` twice: the second create's error.
pub async fn create_twice(postident: &PostidentProvider, reference: &str) -> kyc_core::Error {
    create(postident, reference).await;
    create_fails(postident, reference).await
}

/// The caseId POSTIDENT gave a case the adapter created.
pub fn case_id(handle: &CaseHandle) -> String {
    handle.case_ref.case_id.clone().expect("a caseId")
}

/// Plays `outcome` of `method` for the case in the sandbox, as the user page's buttons do.
pub fn complete(sandbox: &Sandbox, case_id: &str, method: Method, outcome: &Outcome) {
    sandbox
        .postident()
        .complete(case_id, method, outcome)
        .expect("the sandbox plays the outcome");
}

/// Creates [`new_case`]`(reference)` and lets its `method` identification succeed in the
/// sandbox: a closed case.
pub async fn closed_case(
    sandbox: &Sandbox,
    postident: &PostidentProvider,
    reference: &str,
    method: Method,
) -> CaseHandle {
    let handle = create(postident, reference).await;
    complete(sandbox, &case_id(&handle), method, &Outcome::Success);
    handle
}

/// Queues a fault for the sandbox's next `count` answers to `method` (`GET`, `POST`, ...).
pub fn fail_next(sandbox: &Sandbox, method: &str, kind: FaultKind, count: u32) {
    sandbox
        .postident()
        .inject_fault(Fault::new(kind, count).for_method(method));
}

/// Reads the case while the sandbox answers the next GET with `fault`; the read must fail.
pub async fn read_failing(
    sandbox: &Sandbox,
    postident: &PostidentProvider,
    case: &CaseRef,
    fault: FaultKind,
) -> kyc_core::Error {
    fail_next(sandbox, "GET", fault, 1);
    postident
        .get_case(case)
        .await
        .expect_err("the read meets the fault")
}

/// Asserts an error's kind and the HTTP status it came with (`None`: no answer).
#[track_caller]
pub fn assert_error(e: &kyc_core::Error, kind: ErrorKind, http_status: Option<u16>) {
    assert_eq!(e.kind(), kind, "{e}");
    assert_eq!(e.http_status(), http_status, "{e}");
}

/// Whether the error kept the answer's body and it contains `text`.
pub fn raw_body_contains(e: &kyc_core::Error, text: &str) -> bool {
    e.raw_body()
        .is_some_and(|body| body.to_string_lossy().contains(text))
}

/// A complete new case.
pub fn new_case(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c.person.birth_date = chrono::NaiveDate::from_ymd_opt(1964, 8, 12);
    c.person.birth_place = Some("Berlin".into());
    c.person.nationality = Some(Country::GERMANY);
    c.contact.email = Some("erika@example.org".into());
    c.contact.mobile_phone = Some("+4915112345678".into());
    c.address = Some(
        kyc_core::new_case::AddressInput::default()
            .with_street("Heidestr.")
            .with_street_number("17")
            .with_postal_code("51147")
            .with_city("Köln")
            .with_country(Country::GERMANY),
    );
    c.custom_fields = vec!["order-4711".into(), "campaign A".into()];
    c
}

/// A case reference POSTIDENT does not know.
pub fn unknown_case() -> CaseRef {
    CaseRef::new(Provider::Postident, Some("UNKNOWNCASE1".into()), None)
}

/// Cuts the connection of the next create after it arrived (the fault answers before the
/// sandbox's handler counts the create): a case may exist, as far as the adapter can tell.
pub fn reset_next_create(sandbox: &Sandbox) {
    fail_next(sandbox, "POST", FaultKind::ConnectionReset, 1);
}

/// The sandbox's configuration pointed at a loopback port nothing listens on; returns it and
/// the port.
pub fn unreachable_config(sandbox: &Sandbox) -> (PostidentConfig, u16) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = config(sandbox);
    config.base_url = format!("http://127.0.0.1:{port}/postident/api")
        .parse()
        .unwrap();
    (config, port)
}

/// Serves `app` on a loopback port; returns its address.
pub async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Serves `app` on a loopback port with each request's peer address at hand
/// (`ConnectInfo<SocketAddr>`); returns its address.
pub async fn serve_with_peer_addresses(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// What a relay or proxy hands back of the answer it got: status, body, and the headers the
/// adapter reads.
pub async fn relayed(answer: reqwest::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = answer.status();
    let headers = answer.headers().clone();
    let mut response = (status, answer.bytes().await.unwrap()).into_response();
    for name in ["content-type", "x-partial-delivery"] {
        if let Some(v) = headers.get(name) {
            response.headers_mut().insert(name, v.clone());
        }
    }
    response
}

/// Sends a request on with `http` (method, target, headers, body as given) and hands back
/// what was answered, as a relay or proxy does.
pub async fn pass_on(
    http: &reqwest::Client,
    method: reqwest::Method,
    target: impl reqwest::IntoUrl,
    headers: reqwest::header::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let answer = http
        .request(method, target)
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    relayed(answer).await
}

/// The adapter for the sandbox's default account, talking to it through a
/// [`key_rewriting_relay`].
pub async fn provider_behind_relay(sandbox: &Sandbox, rewrite: KeyRewrite) -> PostidentProvider {
    let relay = key_rewriting_relay(sandbox, rewrite).await;
    provider_where(sandbox, |c| c.base_url = relay)
}

/// How the relay changes the `x-scr-*` headers on their way to the sandbox.
#[derive(Clone)]
pub enum KeyRewrite {
    /// Replace our key headers with those of another key (the sandbox encrypts to that key).
    OtherKey(kyc_postident::crypto::ScrKeyHeaders),
    /// Drop the key headers (the sandbox answers plain JSON).
    Strip,
}

/// A relay on the loopback that forwards every request to the sandbox, rewriting the `x-scr-*`
/// headers: what a misconfigured account or a key registered with the wrong party looks like
/// from the adapter's side. Returns the base URL to configure the adapter with.
pub async fn key_rewriting_relay(sandbox: &Sandbox, rewrite: KeyRewrite) -> url::Url {
    use axum::body::Bytes;
    use axum::extract::{Request, State};
    use axum::response::Response;

    #[derive(Clone)]
    struct Relay {
        target: url::Url,
        rewrite: KeyRewrite,
        http: reqwest::Client,
    }

    async fn forward(State(relay): State<Relay>, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let mut url = relay.target.clone();
        url.set_path(parts.uri.path());
        url.set_query(parts.uri.query());
        let mut headers = parts.headers.clone();
        headers.remove("host");
        headers.remove("x-scr-key");
        headers.remove("x-scr-keyhash");
        if let KeyRewrite::OtherKey(h) = &relay.rewrite {
            if parts.headers.contains_key("x-scr-key") {
                headers.insert("x-scr-key", h.key.parse().unwrap());
                headers.insert("x-scr-keyhash", h.key_hash.parse().unwrap());
            }
        } else {
            headers.remove("x-scr-alg");
        }
        pass_on(&relay.http, parts.method, url, headers, body).await
    }

    let relay = Relay {
        target: sandbox.base_url().clone(),
        rewrite,
        http: reqwest::Client::new(),
    };
    let addr = serve(axum::Router::new().fallback(forward).with_state(relay)).await;
    let mut base = sandbox.postident().base_url().clone();
    base.set_port(Some(addr.port())).unwrap();
    base
}

/// The case's first artifact of `kind`; a panic naming the kind when it has none.
pub fn artifact(case: &kyc_core::Case, kind: kyc_core::ArtifactKind) -> &kyc_core::Artifact {
    case.artifacts
        .iter()
        .find(|a| a.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} artifact"))
}
