//! The send loop against real sockets: what is retried, what is not, and what a failure says.

use axum::http::StatusCode;
use axum::routing::any;
use axum::Router;
use kyc_core::{ErrorKind, FailureStage, HttpOptions, Provider};
use kyc_http::{build_client, Idempotency, Transport};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn options() -> HttpOptions {
    let mut o = HttpOptions::default();
    o.max_retries = 2;
    o.retry_base_delay = Duration::from_millis(5);
    o.request_timeout = Duration::from_millis(500);
    o
}

fn transport() -> Transport {
    let o = options();
    Transport::new(Provider::Idnow, build_client(&o).unwrap(), &o)
}

/// One idempotent GET of `url` through `t`.
async fn get(t: &Transport, url: &url::Url) -> kyc_core::Result<kyc_http::Reply> {
    t.send("get", Idempotency::Idempotent, url, |c| c.get(url.clone()))
        .await
}

/// One non-idempotent POST of `url` through `t` (a create).
async fn create(t: &Transport, url: &url::Url) -> kyc_core::Result<kyc_http::Reply> {
    t.send("create", Idempotency::NotIdempotent, url, |c| {
        c.post(url.clone())
    })
    .await
}

/// A server that answers each request with the next status of `statuses` (the last one repeats),
/// counting requests.
async fn server(statuses: Vec<(u16, Option<&'static str>)>) -> (url::Url, Arc<AtomicU32>) {
    let count = Arc::new(AtomicU32::new(0));
    let seen = count.clone();
    let app = Router::new().route(
        "/{*path}",
        any(move || {
            let seen = seen.clone();
            let statuses = statuses.clone();
            async move {
                let n = seen.fetch_add(1, Ordering::SeqCst) as usize;
                let (status, retry_after) = statuses[n.min(statuses.len() - 1)];
                let mut response = axum::response::Response::new(axum::body::Body::from("{}"));
                *response.status_mut() = StatusCode::from_u16(status).unwrap();
                if let Some(r) = retry_after {
                    response
                        .headers_mut()
                        .insert("retry-after", r.parse().unwrap());
                }
                response
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (
        format!("http://{addr}/api/x?token=t").parse().unwrap(),
        count,
    )
}

#[tokio::test]
async fn a_read_is_retried_through_transient_answers() {
    let (url, count) = server(vec![(503, None), (502, None), (200, None)]).await;
    let t = transport();
    let reply = get(&t, &url).await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_create_is_not_repeated_after_a_server_error_but_is_after_429() {
    let (url, count) = server(vec![(500, None), (200, None)]).await;
    let t = transport();
    let reply = create(&t, &url).await.unwrap();
    assert_eq!(reply.status, 500, "the last answer goes back to the caller");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let (url, count) = server(vec![(429, Some("0")), (201, None)]).await;
    let reply = create(&t, &url).await.unwrap();
    assert_eq!(reply.status, 201, "a 429 was refused unprocessed");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_in_the_past_retries_at_once_and_a_long_one_is_not_waited_out()
{
    let (url, count) = server(vec![
        (503, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
        (200, None),
    ])
    .await;
    let t = transport();
    let reply = get(&t, &url).await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 2);

    let (url, count) = server(vec![(429, Some("3600"))]).await;
    let reply = get(&t, &url).await.unwrap();
    assert_eq!(reply.status, 429);
    assert_eq!(reply.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_connection_was_never_sent_and_names_the_url_without_its_query() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url: url::Url = format!("http://{addr}/api/v1/cases?secret=x")
        .parse()
        .unwrap();
    let e = transport()
        .send("create case", Idempotency::NotIdempotent, &url, |c| {
            c.post(url.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert_eq!(e.stage(), Some(FailureStage::Connect));
    assert!(!e.may_have_been_sent());
    let shown = e.to_string();
    assert!(
        shown.contains(&format!("http://{addr}/api/v1/cases")),
        "{shown}"
    );
    assert!(!shown.contains("secret"), "{shown}");
    assert!(
        std::error::Error::source(&e).is_some(),
        "the reqwest error is kept"
    );
}

/// Accepts connections, reads the request, and closes without answering.
async fn silent_closer() -> (url::Url, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicU32::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{addr}/cases").parse().unwrap(), count)
}

#[tokio::test]
async fn a_connection_closed_after_sending_may_have_been_sent_and_a_create_is_not_repeated() {
    let (url, count) = silent_closer().await;
    let t = transport();
    let e = t
        .send("create case", Idempotency::NotIdempotent, &url, |c| {
            c.post(url.clone()).body("{}")
        })
        .await
        .unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1, "sent once only");
    assert!(e.may_have_been_sent(), "{e:?}");
    assert!(
        matches!(
            e.stage(),
            Some(FailureStage::Dispatch | FailureStage::Response)
        ),
        "{e:?}"
    );

    let e = t
        .send("get case", Idempotency::Idempotent, &url, |c| {
            c.get(url.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(
        count.load(Ordering::SeqCst),
        4,
        "a read is tried 1 + 2 times"
    );
    assert!(e.is_retryable());
}
