//! The caller's own `reqwest::Client` (custom CA, proxy, middleware): every request of the
//! adapter goes through it. Shown with a client that sends through an HTTP proxy, a small
//! forwarding proxy in front of the sandbox that counts what passes.

use crate::common;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use kyc_core::{KycProvider, NewCase};
use kyc_idnow::{Client, IdnowConfig, IdnowProvider};
use kyc_sandbox::Sandbox;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What the proxy saw, and the client it forwards with (no proxy of its own).
struct Proxy {
    forwarded: AtomicUsize,
    paths: std::sync::Mutex<Vec<String>>,
    upstream: reqwest::Client,
}

/// Forwards one request in absolute form (`GET http://127.0.0.1:port/... HTTP/1.1`, as a
/// client sends it to a proxy) to its target and hands the answer back.
async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    proxy.forwarded.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    proxy
        .paths
        .lock()
        .unwrap()
        .push(parts.uri.path().to_string());
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .expect("request body");
    let mut headers = parts.headers.clone();
    headers.remove("proxy-connection");
    let answer = proxy
        .upstream
        .request(parts.method, parts.uri.to_string())
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status();
    let mut headers = answer.headers().clone();
    headers.remove("transfer-encoding");
    headers.remove("connection");
    let bytes = answer.bytes().await.expect("answer body");
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// Starts the proxy on the loopback; returns its URL and its record.
async fn start_proxy() -> (String, Arc<Proxy>) {
    let proxy = Arc::new(Proxy {
        forwarded: AtomicUsize::new(0),
        paths: Default::default(),
        upstream: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("upstream client"),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, proxy)
}

fn through(proxy_url: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(proxy_url).expect("proxy URL"))
        .build()
        .expect("the caller's client")
}

/// Starts the proxy and builds the adapter's `Client` or `IdnowProvider` (`build`, their
/// `with_http_client`) for the sandbox's default company with the caller's own client, which
/// sends everything through that proxy; returns it and the proxy's record.
async fn built_through_a_proxy<T, E: std::fmt::Debug>(
    sb: &Sandbox,
    build: fn(IdnowConfig, reqwest::Client) -> Result<T, E>,
) -> (T, Arc<Proxy>) {
    let (proxy_url, proxy) = start_proxy().await;
    let built = build(common::config(sb), through(&proxy_url))
        .expect("built with the caller's reqwest client");
    (built, proxy)
}

#[tokio::test]
async fn every_request_goes_through_the_callers_client() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let (client, proxy) = built_through_a_proxy(&sb, Client::with_http_client).await;
    let txn = common::txn("own-client");

    client
        .create_ident(&txn, &Default::default())
        .await
        .expect("create through the proxy");
    common::set_success(&sb, &txn);
    let fetched = client.get_ident(&txn).await.expect("get through the proxy");
    assert_eq!(
        fetched.ident.process().transactionnumber.as_deref(),
        Some(txn.as_str())
    );

    let paths = proxy.paths.lock().unwrap().clone();
    assert_eq!(
        paths.len(),
        3,
        "login, create and get, all through the caller's client: {paths:?}"
    );
    assert!(paths[0].ends_with("/login"), "{paths:?}");
    assert!(paths[1].ends_with(&format!("/{txn}/start")), "{paths:?}");
    assert!(
        paths[2].ends_with(&format!("/identifications/{txn}")),
        "{paths:?}"
    );
    assert!(format!("{client:?}").contains("the caller's"), "{client:?}");
}

#[tokio::test]
async fn the_provider_takes_the_callers_client_too() {
    let sb = common::sandbox(1.0).await;
    let (provider, proxy) = built_through_a_proxy(&sb, IdnowProvider::with_http_client).await;
    let handle = provider
        .create_case(&NewCase::new(common::txn("own-client-provider")))
        .await
        .expect("create through the proxy");
    let case = provider
        .get_case(&handle.case_ref)
        .await
        .expect("get through the proxy");
    assert_eq!(case.case_ref.reference, handle.case_ref.reference);
    assert!(
        proxy.forwarded.load(Ordering::SeqCst) >= 3,
        "login, create and get went through the proxy"
    );
}
