//! IDnow sandbox: company login, login token idle expiry and the documented 401 bodies.

use std::time::Duration;

use crate::support::idnow::*;
use crate::support::send;
use kyc_sandbox::idnow::{DEFAULT_COMPANY, SECOND_API_KEY, SECOND_COMPANY};
use serde_json::{json, Value};

#[tokio::test]
async fn login_returns_a_token_that_opens_the_api_and_is_counted() {
    let env = start(1.0).await;
    assert_eq!(env.sandbox.idnow().login_count(), 0);
    let token = env.login().await;
    assert!(!token.is_empty());
    let response = env
        .create(&token, "auth-1", json!({"firstname": "Erika"}))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(env.sandbox.idnow().login_count(), 1);
    assert_eq!(env.sandbox.idnow().login_count_for(DEFAULT_COMPANY), 1);
    env.login().await;
    let counters = env.control_json("/counters").await;
    assert_eq!(counters["logins"], 2);
    assert_eq!(counters["loginsByCompany"][DEFAULT_COMPANY], 2);
}

#[tokio::test]
async fn wrong_api_key_or_unknown_company_is_401_invalid_login_token() {
    let env = start(1.0).await;
    for (company, key) in [
        (DEFAULT_COMPANY, "wrong"),
        ("nosuchcompany", "sandbox-api-key"),
    ] {
        let response = env.try_login(company, key).await;
        expect_error(response, 401, "INVALID_LOGIN_TOKEN").await;
    }
    assert_eq!(env.sandbox.idnow().login_count(), 0);
}

#[tokio::test]
async fn missing_or_unknown_token_is_401_invalid_login_token() {
    let env = start(1.0).await;
    let url = format!("{}/identifications/x", env.api(DEFAULT_COMPANY));
    let response = send(env.http.get(url)).await;
    expect_error(response, 401, "INVALID_LOGIN_TOKEN").await;
    let response = env.get("not-a-token", "/identifications/x").await;
    let error = expect_error(response, 401, "INVALID_LOGIN_TOKEN").await;
    assert_eq!(error["key"], Value::Null);
    assert_eq!(error["errorType"], Value::Null);
}

#[tokio::test]
async fn a_token_of_another_company_is_refused() {
    let env = start(1.0).await;
    let other = env.login_as(SECOND_COMPANY, SECOND_API_KEY).await;
    let response = env.get(&other, "/identifications/x").await;
    expect_error(response, 401, "SECURITY_VIOLATION").await;
}

#[tokio::test]
async fn an_idle_token_expires_after_sixty_scaled_minutes_and_use_keeps_it_alive() {
    // 60 documented minutes at time scale 6,000 are 600 ms.
    let env = start(6_000.0).await;
    let busy = env.login().await;
    let idle = env.login().await;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let response = env.get(&busy, "/identifications").await;
        assert_eq!(response.status(), 200, "a token in use stays valid");
    }
    let response = env.get(&idle, "/identifications").await;
    expect_error(response, 401, "TOKEN_EXPIRED").await;
    // An expired token stays unusable; a fresh login works again.
    assert_eq!(env.get(&idle, "/identifications").await.status(), 401);
    let fresh = env.login().await;
    assert_eq!(env.get(&fresh, "/identifications").await.status(), 200);
}

#[tokio::test]
async fn control_api_expires_all_tokens() {
    let (env, token) = start_logged_in().await;
    assert_eq!(env.get(&token, "/identifications").await.status(), 200);
    assert_eq!(env.control_post("/tokens/expire", None).await.status(), 200);
    let response = env.get(&token, "/identifications").await;
    expect_error(response, 401, "TOKEN_EXPIRED").await;
    // The in-process twin does the same.
    let token = env.login().await;
    env.sandbox.idnow().expire_tokens();
    assert_eq!(env.get(&token, "/identifications").await.status(), 401);
}

#[tokio::test]
async fn create_also_accepts_the_api_key_header_of_older_documentation() {
    let env = start(1.0).await;
    let create_with_api_key = |txn: &str, api_key: &str, body: Value| {
        let url = format!("{}/identifications/{txn}/start", env.api(DEFAULT_COMPANY));
        send(env.http.post(url).header("X-API-KEY", api_key).json(&body))
    };
    let api_key = env.sandbox.idnow().api_key();
    let response = create_with_api_key("older-1", api_key, json!({"firstname": "Erika"})).await;
    assert_eq!(response.status(), 201);
    let response = create_with_api_key("older-2", "wrong", json!({})).await;
    assert_eq!(response.status(), 401);
}
