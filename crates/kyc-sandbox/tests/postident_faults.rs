//! POSTIDENT sandbox, fault injection through the control API: the next N API responses fail
//! as asked (5xx, 429, delay, connection reset, truncated body, malformed JSON, truncated JWE,
//! empty body), then the API answers normally again.

use std::time::{Duration, Instant};

use crate::support::postident::*;
use crate::support::send;
use kyc_sandbox::postident::{Fault, FaultKind, PostidentOptions};
use serde_json::{json, Value};

/// `POST {control}/faults` of `fault` (the fault JSON), whatever the answer.
async fn post_fault(sb: &kyc_sandbox::Sandbox, fault: &Value) -> reqwest::Response {
    send(http().post(control(sb, "/faults")).json(fault)).await
}

/// Injects `fault` through the control API and checks the 201.
async fn inject(sb: &kyc_sandbox::Sandbox, fault: Value) {
    assert_eq!(post_fault(sb, &fault).await.status(), 201, "{fault}");
}

#[tokio::test]
async fn server_errors_for_the_next_n_responses() {
    let sb = start(PostidentOptions::default()).await;
    inject(&sb, json!({"kind": "status", "status": 502, "count": 2})).await;
    for _ in 0..2 {
        assert_eq!(authed_get(&sb, "").await.status(), 502);
    }
    assert_eq!(authed_get(&sb, "").await.status(), 200);
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after() {
    let sb = start(PostidentOptions::default()).await;
    inject(&sb, json!({"kind": "too_many_requests", "retryAfter": 7})).await;
    let r = authed_get(&sb, "").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
}

#[tokio::test]
async fn delay_holds_the_answer_back() {
    let sb = start(PostidentOptions::default()).await;
    inject(&sb, json!({"kind": "delay", "delayMs": 700})).await;
    let t = Instant::now();
    assert_eq!(authed_get(&sb, "").await.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(700));
    // A client with a shorter timeout gives up.
    inject(&sb, json!({"kind": "delay", "delayMs": 1500})).await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = authed(&sb, impatient.get(url(&sb, "")))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}

#[tokio::test]
async fn connection_reset_closes_without_an_answer_and_only_for_the_chosen_method() {
    let sb = start(PostidentOptions::default()).await;
    sb.postident()
        .inject_fault(Fault::new(FaultKind::ConnectionReset, 1).for_method("POST"));
    // A GET is not affected.
    assert_eq!(authed_get(&sb, "").await.status(), 200);
    let fresh = reqwest::Client::new();
    let err = authed(&sb, fresh.post(url(&sb, "")))
        .json(&sample_order("RESET-1"))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    assert!(
        sb.postident().case_ids().is_empty(),
        "the create did not happen"
    );
    // The server still serves.
    create(&sb, &sample_order("RESET-2")).await;
}

#[tokio::test]
async fn truncated_body_breaks_off_mid_answer() {
    let (sb, id) = sandbox_with_case("TRUNC-1").await;
    inject(&sb, json!({"kind": "truncated_body"})).await;
    let fresh = reqwest::Client::new();
    let r = send(authed(&sb, fresh.get(url(&sb, &format!("/{id}"))))).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.bytes().await.is_err(),
        "the body ends before Content-Length"
    );
}

#[tokio::test]
async fn malformed_and_empty_bodies() {
    let (sb, id) = sandbox_with_case("BAD-1").await;
    inject(&sb, json!({"kind": "malformed_json"})).await;
    inject(&sb, json!({"kind": "empty_body"})).await;
    let r = authed_get(&sb, &format!("/{id}")).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let r = authed_get(&sb, &format!("/{id}")).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn truncated_jwe_cannot_be_decrypted() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let id = create_id(&sb, "JWE-1").await;
    inject(
        &sb,
        json!({"kind": "truncated_jwe", "pathContains": "/cases/"}),
    )
    .await;
    let r = keys
        .get(&sb, &format!("/{id}"), sb.postident().data_password())
        .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let decrypter = josekit::jwe::RSA_OAEP_256
        .decrypter_from_pem(&keys.private_pem)
        .unwrap();
    assert!(josekit::jwe::deserialize_compact(&body, &decrypter).is_err());
}

#[tokio::test]
async fn faults_can_be_listed_and_cleared_and_never_touch_the_control_api() {
    let sb = start(PostidentOptions::default()).await;
    inject(
        &sb,
        json!({"kind": "status", "status": 500, "count": 3, "method": "GET"}),
    )
    .await;
    let pending = control_json(&sb, "/faults").await;
    assert_eq!(pending[0]["kind"], "status");
    assert_eq!(pending[0]["count"], 3);
    // The control API and the user page are not affected.
    assert_eq!(send(http().get(control(&sb, "/cases"))).await.status(), 200);
    assert_eq!(control_delete(&sb, "/faults").await.status(), 204);
    assert_eq!(authed_get(&sb, "").await.status(), 200);
    let r = post_fault(&sb, &json!({"kind": "gremlins"})).await;
    assert_eq!(r.status(), 400);
}
