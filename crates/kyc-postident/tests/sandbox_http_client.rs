//! A caller's own `reqwest::Client` (here one with a proxy; a custom CA works the same way)
//! carries every request of the adapter, against the sandbox over real HTTP.

use crate::common;

use axum::extract::{Request, State};
use axum::response::Response;
use kyc_core::{CaseStatus, KycProvider};
use kyc_postident::{Client, GetCaseOptions, PostidentProvider};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A forward HTTP proxy on the loopback that counts the requests it carries.
#[derive(Clone)]
struct Proxy {
    carried: Arc<AtomicUsize>,
    direct: reqwest::Client,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    proxy.carried.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    // A proxied request carries the absolute URL as its target.
    let target = parts.uri.to_string();
    let mut headers = parts.headers.clone();
    headers.remove("host");
    headers.remove("proxy-connection");
    common::pass_on(&proxy.direct, parts.method, target, headers, body).await
}

/// Starts the proxy; returns its URL and its request counter.
async fn proxy() -> (url::Url, Arc<AtomicUsize>) {
    let state = Proxy {
        carried: Arc::new(AtomicUsize::new(0)),
        direct: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    let carried = state.carried.clone();
    let addr = common::serve(axum::Router::new().fallback(forward).with_state(state)).await;
    (format!("http://{addr}").parse().unwrap(), carried)
}

fn proxied_client(proxy: &url::Url) -> reqwest::Client {
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::http(proxy.as_str()).unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_request_goes_through_the_callers_client() {
    let sandbox = common::sandbox().await;
    let (proxy_url, carried) = proxy().await;
    let postident =
        PostidentProvider::with_http_client(common::config(&sandbox), proxied_client(&proxy_url))
            .unwrap();
    let before = sandbox.postident().api_request_count();

    let handle = postident
        .create_case(&common::new_case("own-client-1"))
        .await
        .unwrap();
    let case = postident.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Created);

    let reached = sandbox.postident().api_request_count() - before;
    assert!(reached >= 2, "create and read reached the sandbox");
    assert_eq!(
        carried.load(Ordering::SeqCst) as u64,
        reached,
        "every request that reached POSTIDENT went through the caller's proxy"
    );
}

#[tokio::test]
async fn the_typed_client_takes_the_callers_client_too_and_the_default_goes_direct() {
    let sandbox = common::sandbox().await;
    let (proxy_url, carried) = proxy().await;
    let created = common::provider(&sandbox)
        .create_case(&common::new_case("own-client-2"))
        .await
        .unwrap();
    assert_eq!(
        carried.load(Ordering::SeqCst),
        0,
        "the default client goes direct"
    );
    let case_id = created.case_ref.case_id.unwrap();

    let client =
        Client::with_http_client(common::config(&sandbox), proxied_client(&proxy_url)).unwrap();
    let answer = client
        .get_case(&case_id, GetCaseOptions::default())
        .await
        .unwrap();
    assert_eq!(answer.result.case_id.as_deref(), Some(case_id.as_str()));
    assert_eq!(carried.load(Ordering::SeqCst), 1);
}
