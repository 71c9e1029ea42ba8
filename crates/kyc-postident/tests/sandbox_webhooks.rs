//! Webhooks from the sandbox to a small local receiver over HTTP: verified (Basic auth, source
//! address), answered 200 at once, resolved afterwards into the current case.

use crate::common;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use kyc_core::webhook::{
    BasicCredentials, IpAllowlist, WebhookAuth, WebhookNotice, WebhookRequest,
};
use kyc_core::{CaseStatus, ErrorKind, KycProvider};
use kyc_postident::webhook::{default_allowlist, DOCUMENTED_SOURCE_IPS};
use kyc_postident::PostidentProvider;
use kyc_sandbox::postident::{Method, Outcome, WebhookCredentials};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

type Notices = mpsc::UnboundedSender<Result<WebhookNotice, kyc_core::Error>>;

/// The receiver: verify without I/O, queue, answer 200 (401 when verification fails).
async fn receive(
    State((postident, notices)): State<(Arc<PostidentProvider>, Notices)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let request = WebhookRequest::new(headers, body, Some(peer.ip()));
    let verified = postident.verify_webhook(&request);
    let status = if verified.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    let _ = notices.send(verified);
    status
}

/// What the receiver verified (or refused), in the order it came.
type Receiver = mpsc::UnboundedReceiver<Result<WebhookNotice, kyc_core::Error>>;

async fn receiver(postident: Arc<PostidentProvider>) -> (url::Url, Receiver) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/postident/hook", axum::routing::post(receive))
        .with_state((postident, tx));
    let addr = common::serve_with_peer_addresses(app).await;
    (format!("http://{addr}/postident/hook").parse().unwrap(), rx)
}

/// A sandbox that sends its webhooks with Basic credentials `postident` / `hook-secret`.
async fn sandbox_sending_credentials() -> kyc_sandbox::Sandbox {
    common::sandbox_with(|o| {
        o.webhook_credentials = Some(WebhookCredentials {
            username: "postident".into(),
            password: "hook-secret".into(),
        })
    })
    .await
}

/// The adapter checking webhooks with `auth`, and the receiver it verifies them in: its URL
/// and the notices it verified (or refused).
async fn provider_receiving_webhooks(
    sandbox: &kyc_sandbox::Sandbox,
    auth: WebhookAuth,
) -> (Arc<PostidentProvider>, url::Url, Receiver) {
    let postident = Arc::new(common::provider_where(sandbox, |c| c.webhook = auth));
    let (hook_url, notices) = receiver(postident.clone()).await;
    (postident, hook_url, notices)
}

/// Creates a case whose webhooks go to `hook_url`.
async fn create_with_webhook(
    postident: &PostidentProvider,
    reference: &str,
    hook_url: url::Url,
) -> kyc_core::CaseHandle {
    let mut new_case = common::new_case(reference);
    new_case.webhook_url = Some(hook_url);
    postident.create_case(&new_case).await.unwrap()
}

#[tokio::test]
async fn webhooks_are_verified_answered_and_resolved_to_the_current_case() {
    let sandbox = sandbox_sending_credentials().await;
    let auth = WebhookAuth::default()
        .with_basic(BasicCredentials::new("postident", "hook-secret"))
        .with_allowlist(IpAllowlist::parse(&["127.0.0.1"]).unwrap());
    let (postident, hook_url, mut notices) = provider_receiving_webhooks(&sandbox, auth).await;
    let handle = create_with_webhook(&postident, "hook-1", hook_url).await;
    let case_id = common::case_id(&handle);
    common::complete(&sandbox, &case_id, Method::Video, &Outcome::Success);

    // Notices come for the preliminary and the final result; resolve each (order not trusted).
    let mut final_seen = false;
    while !final_seen {
        let notice = tokio::time::timeout(Duration::from_secs(10), notices.recv())
            .await
            .expect("a webhook arrives")
            .unwrap()
            .expect("verified");
        assert_eq!(notice.case_ref.case_id.as_deref(), Some(case_id.as_str()));
        assert_eq!(notice.case_ref.reference.as_deref(), Some("hook-1"));
        assert!(!notice.carries_case());
        let case = postident.resolve_webhook(&notice).await.unwrap();
        final_seen = matches!(case.status, CaseStatus::Approved { .. });
    }
    let deliveries = sandbox
        .postident()
        .wait_for_webhook_deliveries(2, Duration::from_secs(5))
        .await;
    assert!(deliveries
        .iter()
        .all(|d| d.delivered && d.http_status == Some(200)));
    assert!(
        deliveries.iter().all(|d| d.attempt == 1),
        "answered in time: no retries"
    );
}

#[tokio::test]
async fn a_webhook_with_wrong_credentials_is_refused_and_retried_by_postident() {
    let sandbox = sandbox_sending_credentials().await;
    let auth =
        WebhookAuth::default().with_basic(BasicCredentials::new("postident", "another-secret"));
    let (postident, hook_url, mut notices) = provider_receiving_webhooks(&sandbox, auth).await;
    let handle = create_with_webhook(&postident, "hook-2", hook_url).await;
    common::complete(
        &sandbox,
        &common::case_id(&handle),
        Method::Eid,
        &Outcome::Success,
    );
    let refused = tokio::time::timeout(Duration::from_secs(10), notices.recv())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Authentication);
    assert!(!refused.to_string().contains("hook-secret"));
    // The sandbox retries as documented (immediately, 900 s, 3,600 s; scaled down here).
    let deliveries = sandbox
        .postident()
        .wait_for_webhook_deliveries(4, Duration::from_secs(10))
        .await;
    assert_eq!(deliveries.len(), 4, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.http_status == Some(401)));
}

#[test]
fn the_documented_source_addresses_are_the_default_allowlist() {
    let allow = default_allowlist();
    for ip in DOCUMENTED_SOURCE_IPS {
        assert!(allow.contains(ip.parse().unwrap()), "{ip}");
    }
    assert!(!allow.contains("127.0.0.1".parse().unwrap()));
    let auth = WebhookAuth::default().with_allowlist(allow);
    let body = r#"{"caseId":"YR9W91GEZK24"}"#;
    let from = |ip: &str| WebhookRequest::new(HeaderMap::new(), body, Some(ip.parse().unwrap()));
    assert!(kyc_postident::webhook::verify(&auth, &from("199.40.127.49")).is_ok());
    let e = kyc_postident::webhook::verify(&auth, &from("10.1.2.3")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert!(e.to_string().contains("10.1.2.3"));
}

#[test]
fn a_webhook_body_without_case_id_is_an_error_keeping_the_body() {
    for body in ["", "not json", r#"{"referenceId":"r"}"#, r#"{"caseId":""}"#] {
        let request = WebhookRequest::new(HeaderMap::new(), body, None);
        let e = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap_err();
        // The body came from whoever sent the request: invalid input, not a provider answer.
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{body}");
        assert!(!e.to_string().contains("answer"), "{e}");
        assert_eq!(e.raw_body().unwrap().as_bytes(), body.as_bytes());
    }
    // Without referenceId (the account may not send it) the notice still resolves by caseId.
    let request = WebhookRequest::new(HeaderMap::new(), r#"{"caseId":"ABC","extra":1}"#, None);
    let notice = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap();
    assert_eq!(notice.case_ref.reference, None);
}

#[test]
fn ill_formed_ids_are_refused_before_they_reach_a_log_or_a_url() {
    let huge = format!(r#"{{"caseId":"{}"}}"#, "A".repeat(100_000));
    for body in [
        r#"{"caseId":"YR9W91GEZK24\nresolved YR9W91GEZK24 approved"}"#.to_string(),
        r#"{"caseId":"ABC\u001b[2J"}"#.to_string(),
        r#"{"caseId":"../archive"}"#.to_string(),
        r#"{"caseId":" YR9W91GEZK24"}"#.to_string(),
        huge,
        r#"{"caseId":"YR9W91GEZK24","referenceId":"ref\napproved"}"#.to_string(),
        format!(
            r#"{{"caseId":"YR9W91GEZK24","referenceId":"{}"}}"#,
            "r".repeat(65)
        ),
    ] {
        let request = WebhookRequest::new(HeaderMap::new(), body.clone(), None);
        let e = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{body:.80}");
        let shown = e.to_string();
        assert!(shown.len() < 300, "the id is not quoted: {shown}");
        assert!(
            !shown.contains('\n') && !shown.contains('\u{1b}'),
            "{shown}"
        );
    }
    // The documented shape, and the longest one accepted, still pass.
    for id in ["YR9W91GEZK24".to_string(), "A".repeat(64)] {
        let body = format!(r#"{{"caseId":"{id}","referenceId":"order 4711"}}"#);
        let request = WebhookRequest::new(HeaderMap::new(), body, None);
        let notice = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap();
        assert_eq!(notice.case_ref.case_id.as_deref(), Some(id.as_str()));
    }
}
