//! Shared helpers for the sandbox tests: start the POSTIDENT sandbox in process and build the
//! adapter against it over real HTTP on the loopback.
#![allow(dead_code)]

use kyc_core::{CaseRef, Country, HttpOptions, NewCase, Provider, Secret};
use kyc_postident::{Encryption, PostidentConfig, PostidentProvider, PrivateKey};
use kyc_sandbox::postident::{Fault, FaultKind, PostidentOptions};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::path::PathBuf;
use std::time::Duration;

/// The RSA key of `tests/fixtures/test-only-rsa-3072.pkcs8.pem`.
pub fn fixed_key() -> PrivateKey {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/test-only-rsa-3072.pkcs8.pem");
    PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A sandbox with the given POSTIDENT options (time runs 10,000 times faster).
pub async fn sandbox_with(postident: PostidentOptions) -> Sandbox {
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
    sandbox_with(PostidentOptions::default()).await
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

/// The adapter configuration for the sandbox's default account, encrypted with the fixed key.
pub fn config(sandbox: &Sandbox) -> PostidentConfig {
    let p = sandbox.postident();
    let mut c = PostidentConfig::new(
        p.base_url().clone(),
        p.client_id(),
        p.username(),
        Secret::new(p.password()),
        Encryption::Enabled {
            private_key: fixed_key(),
            data_password: Secret::new(p.data_password()),
        },
    );
    c.http = http();
    c
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
    sandbox
        .postident()
        .inject_fault(Fault::new(FaultKind::ConnectionReset, 1).for_method("POST"));
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
        let answer = relay
            .http
            .request(parts.method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap();
        relayed(answer).await
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
