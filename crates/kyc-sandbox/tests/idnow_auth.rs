//! IDnow sandbox: company login, login token idle expiry and the documented 401 bodies.

use std::time::Duration;

use crate::support::idnow::*;
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
    let counters: Value = env
        .http
        .get(format!("{}/counters", env.control()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
        let response = env
            .http
            .post(format!("{}/login", env.api(company)))
            .json(&json!({ "apiKey": key }))
            .send()
            .await
            .unwrap();
        expect_error(response, 401, "INVALID_LOGIN_TOKEN").await;
    }
    assert_eq!(env.sandbox.idnow().login_count(), 0);
}

#[tokio::test]
async fn missing_or_unknown_token_is_401_invalid_login_token() {
    let env = start(1.0).await;
    let response = env
        .http
        .get(format!("{}/identifications/x", env.api(DEFAULT_COMPANY)))
        .send()
        .await
        .unwrap();
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
    let response = env.get(&idle, "/identifications").await;
    assert_eq!(response.status(), 401);
    let fresh = env.login().await;
    assert_eq!(env.get(&fresh, "/identifications").await.status(), 200);
}

#[tokio::test]
async fn control_api_expires_all_tokens() {
    let (env, token) = start_logged_in().await;
    assert_eq!(env.get(&token, "/identifications").await.status(), 200);
    let response = env
        .http
        .post(format!("{}/tokens/expire", env.control()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
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
    let response = env
        .http
        .post(format!(
            "{}/identifications/older-1/start",
            env.api(DEFAULT_COMPANY)
        ))
        .header("X-API-KEY", env.sandbox.idnow().api_key())
        .json(&json!({"firstname": "Erika"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let response = env
        .http
        .post(format!(
            "{}/identifications/older-2/start",
            env.api(DEFAULT_COMPANY)
        ))
        .header("X-API-KEY", "wrong")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
