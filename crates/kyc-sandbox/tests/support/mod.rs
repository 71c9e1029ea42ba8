//! The one test-support module of the sandbox's integration tests: what more than one test file
//! needs. Per provider: [`idnow`] (an `Env` that logs in and calls the API over HTTP, a webhook
//! receiver), [`postident`] (raw reqwest helpers, a webhook receiver, RSA keys) and [`browser`]
//! (headless Chromium through chromedriver); here, what any request needs ([`send`], [`json_of`],
//! [`text_of`]: a reqwest request sent, its answer read whatever the status). Tests are
//! black-box: nothing here calls sandbox internals.

#![allow(dead_code)]

pub mod browser;
pub mod idnow;
pub mod postident;

use serde_json::Value;

/// `base` with the fields of `extra` added (both JSON objects).
pub fn with_fields(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

/// Sends `request` and returns the response, whatever its status (fails the test only when
/// nothing came back).
pub async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    request.send().await.unwrap()
}

/// Sends `request` and reads the answer as JSON, whatever its status.
pub async fn json_of(request: reqwest::RequestBuilder) -> Value {
    send(request).await.json().await.unwrap()
}

/// Sends `request` and reads the answer as text, whatever its status.
pub async fn text_of(request: reqwest::RequestBuilder) -> String {
    send(request).await.text().await.unwrap()
}
