//! IDnow sandbox: fault injection for the next N API responses (5xx, 429 with Retry-After,
//! delay, dropped connection, truncated body, malformed JSON, empty body).

use std::time::Duration;

use crate::support::idnow::*;
use crate::support::send;
use kyc_sandbox::idnow::{Fault, FaultKind};
use serde_json::{json, Value};

#[tokio::test]
async fn status_faults_hit_the_next_n_responses_then_stop() {
    let (env, token) = start_logged_in().await;
    let fault =
        json!({"kind": "status", "status": 502, "count": 2, "path_contains": "/identifications"});
    assert_eq!(env.control_post("/faults", Some(fault)).await.status(), 201);
    for _ in 0..2 {
        let response = env.get(&token, "/identifications").await;
        expect_error(response, 502, "INTERNAL_SERVER_ERROR").await;
    }
    assert_eq!(env.get(&token, "/identifications").await.status(), 200);
}

#[tokio::test]
async fn faults_only_match_their_path_and_method() {
    let env = start(1.0).await;
    env.sandbox.idnow().inject_fault(Fault {
        method: Some("POST".into()),
        path_contains: Some("/login".into()),
        ..Fault::new(FaultKind::Status { status: 500 }, 1)
    });
    let response = send(env.http.get(format!("{}/system_check", env.base()))).await;
    assert_eq!(response.status(), 200, "other paths are untouched");
    let response = env.try_login("sandboxco", "sandbox-api-key").await;
    assert_eq!(response.status(), 500);
    env.login().await;
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let (env, token) = start_logged_in().await;
    env.sandbox.idnow().inject_fault(Fault::new(
        FaultKind::TooManyRequests {
            retry_after_secs: 7,
        },
        1,
    ));
    let response = env.get(&token, "/identifications").await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn delay_makes_a_client_timeout_fire() {
    let (env, token) = start_logged_in().await;
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::Delay { millis: 500 }, 1));
    let result = env
        .http
        .get(format!("{}/identifications", env.api("sandboxco")))
        .header("X-API-LOGIN-TOKEN", &token)
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn connection_reset_and_truncated_body_fail_the_read() {
    let (env, token) = start_logged_in().await;
    env.create_succeeded(&token, "fault-1").await;
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::ConnectionReset, 1));
    let outcome = match env
        .http
        .get(format!("{}/identifications/fault-1", env.api("sandboxco")))
        .header("X-API-LOGIN-TOKEN", &token)
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "a dropped connection is an error");
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::TruncatedBody, 1));
    let response = env.get(&token, "/identifications/fault-1").await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err(), "the body ends early");
    let response = env.get(&token, "/identifications/fault-1").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn malformed_and_empty_bodies_do_not_parse() {
    let (env, token) = start_logged_in().await;
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::MalformedJson, 1));
    let response = env.get(&token, "/identifications").await;
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.is_err());
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::EmptyBody, 1));
    let response = env.get(&token, "/identifications").await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
    // Clearing removes queued faults.
    env.sandbox
        .idnow()
        .inject_fault(Fault::new(FaultKind::EmptyBody, 5));
    assert_eq!(env.control_delete("/faults").await.status(), 200);
    let list: Value = env.get_json(&token, "/identifications").await;
    assert!(list["identifications"].is_array());
}

#[tokio::test]
async fn fault_json_takes_either_spelling_lists_the_canonical_one_and_refuses_truncated_jwe() {
    let env = start(1.0).await;
    let fault =
        json!({"kind": "too_many_requests", "retryAfter": 7, "pathContains": "/identifications"});
    assert_eq!(env.control_post("/faults", Some(fault)).await.status(), 201);
    let listed = env.control_json("/faults").await;
    assert_eq!(
        listed["faults"],
        json!([{"kind": "too_many_requests", "retry_after_secs": 7, "count": 1,
                "path_contains": "/identifications"}])
    );
    // IDnow answers are never encrypted: a truncated JWE is a POSTIDENT fault only.
    let response = env
        .control_post("/faults", Some(json!({"kind": "truncated_jwe"})))
        .await;
    assert_eq!(response.status(), 400);
}
