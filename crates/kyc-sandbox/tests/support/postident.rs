//! Shared helpers of the POSTIDENT sandbox tests: start a sandbox, talk to it with raw reqwest,
//! receive webhooks, make RSA keys. Nothing here calls sandbox internals: tests are black-box.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use kyc_sandbox::postident::{Method, PostidentOptions, RegulatoryClass};
use kyc_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

use super::{json_of, send};

/// The options of an account that offers only `methods` (the default offers all five).
pub fn only_methods(methods: &[Method]) -> PostidentOptions {
    PostidentOptions {
        methods: methods.to_vec(),
        ..PostidentOptions::default()
    }
}

/// The options of an account of regulatory class `class`.
pub fn of_class(class: RegulatoryClass) -> PostidentOptions {
    PostidentOptions {
        regulatory_class: class,
        ..PostidentOptions::default()
    }
}

pub async fn start(options: PostidentOptions) -> Sandbox {
    start_scaled(options, 1.0).await
}

pub async fn start_scaled(options: PostidentOptions, time_scale: f64) -> Sandbox {
    Sandbox::start(SandboxOptions {
        time_scale,
        postident: options,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts")
}

thread_local! {
    // One client per test thread (each #[tokio::test] runs its own runtime on its own thread);
    // building a client per request would reload the TLS roots every time.
    static HTTP: reqwest::Client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
}

pub fn http() -> reqwest::Client {
    HTTP.with(Clone::clone)
}

/// `{base}/scr/v1/{clientId}/cases` + suffix.
pub fn url(sb: &Sandbox, suffix: &str) -> String {
    format!("{}{}", sb.postident().cases_url(), suffix)
}

pub fn control(sb: &Sandbox, suffix: &str) -> String {
    format!("{}{}", sb.postident().control_url(), suffix)
}

pub fn authed(sb: &Sandbox, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    req.basic_auth(sb.postident().username(), Some(sb.postident().password()))
}

/// `GET {cases}{suffix}` with the account's Basic auth, whatever the answer.
pub async fn authed_get(sb: &Sandbox, suffix: &str) -> reqwest::Response {
    send(authed(sb, http().get(url(sb, suffix)))).await
}

/// `POST {cases}` of `body` with the account's Basic auth, whatever the answer.
pub async fn post_case(sb: &Sandbox, body: &Value) -> reqwest::Response {
    send(authed(sb, http().post(url(sb, ""))).json(body)).await
}

/// `PATCH {cases}/archive` of `case_ids` (any JSON, to try bodies that are not id arrays) with
/// the account's Basic auth, whatever the answer.
pub async fn archive(sb: &Sandbox, case_ids: &impl serde::Serialize) -> reqwest::Response {
    send(authed(sb, http().patch(url(sb, "/archive"))).json(case_ids)).await
}

/// The `message` of an error answer (empty when there is none).
pub async fn message_of(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["message"].as_str().unwrap_or_default().to_owned()
}

/// `GET {control}{suffix}` read as JSON.
pub async fn control_json(sb: &Sandbox, suffix: &str) -> Value {
    json_of(http().get(control(sb, suffix))).await
}

/// `POST {control}{suffix}` without a body, whatever the answer.
pub async fn control_post(sb: &Sandbox, suffix: &str) -> reqwest::Response {
    send(http().post(control(sb, suffix))).await
}

/// `DELETE {control}{suffix}`, whatever the answer.
pub async fn control_delete(sb: &Sandbox, suffix: &str) -> reqwest::Response {
    send(http().delete(control(sb, suffix))).await
}

pub async fn get_json(
    sb: &Sandbox,
    suffix: &str,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
    let resp = authed_get(sb, suffix).await;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (status, headers, value)
}

/// The guide's example order (Erika Mustermann in Köln) with `referenceId`, without
/// `customData`.
pub fn order(reference: &str) -> Value {
    json!({
        "processData": {
            "targetCountry": "DEU",
            "preferredLanguage": "DE_DE",
            "referenceId": reference,
        },
        "contactDataProvided": {
            "firstName": "Erika",
            "lastName": "Mustermann",
            "email": "erika@example.org",
            "mobilePhone": "+49160123456",
            "address": {
                "streetAddress": "Heidestr. 17",
                "postalCode": "51147",
                "city": "Köln",
                "country": "DEU"
            }
        }
    })
}

/// [`order`] with the guide's example `customData`.
pub fn sample_order(reference: &str) -> Value {
    super::with_fields(
        order(reference),
        json!({"customData": { "custom1": "REF_101485489", "custom2": "Kampagne A357" }}),
    )
}

/// Creates a case over HTTP and returns the response body.
pub async fn create(sb: &Sandbox, body: &Value) -> Value {
    let resp = post_case(sb, body).await;
    assert_eq!(resp.status(), 201, "create answered {}", resp.status());
    resp.json().await.unwrap()
}

/// Creates a case of `order` over HTTP and returns its caseId.
pub async fn create_case_id(sb: &Sandbox, order: &Value) -> String {
    create(sb, order).await["caseId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates a case of [`sample_order`] and returns its caseId.
pub async fn create_id(sb: &Sandbox, reference: &str) -> String {
    create_case_id(sb, &sample_order(reference)).await
}

/// A sandbox with the default options and one case of [`sample_order`] `reference`, created
/// over HTTP: (sandbox, caseId).
pub async fn sandbox_with_case(reference: &str) -> (Sandbox, String) {
    let sb = start(PostidentOptions::default()).await;
    let case_id = create_id(&sb, reference).await;
    (sb, case_id)
}

/// [`sample_order`] with `processData.webHookUrl` set to `hook`.
pub fn order_with_hook(reference: &str, hook: &str) -> Value {
    let mut order = sample_order(reference);
    order["processData"]["webHookUrl"] = json!(hook);
    order
}

/// A webhook receiver that answers 200 at once, a sandbox with `options`, and a case of
/// [`order_with_hook`] `reference` whose webhooks go to that receiver: (receiver, sandbox,
/// caseId).
pub async fn case_with_webhook_receiver(
    options: PostidentOptions,
    reference: &str,
) -> (Receiver, Sandbox, String) {
    let receiver = Receiver::start(200, Duration::ZERO).await;
    let sb = start(options).await;
    let case_id = create_case_id(&sb, &order_with_hook(reference, &receiver.url)).await;
    (receiver, sb, case_id)
}

/// Applies a transition through the HTTP control API; returns (status, body).
pub async fn transition(sb: &Sandbox, case_id: &str, body: Value) -> (u16, Value) {
    control_post_json(sb, &format!("/cases/{case_id}/identifications"), body).await
}

/// Plays an outcome through the HTTP control API; returns (status, body).
pub async fn outcome(sb: &Sandbox, case_id: &str, body: Value) -> (u16, Value) {
    control_post_json(sb, &format!("/cases/{case_id}/outcome"), body).await
}

/// [`outcome`] with a body of `method` and `outcome` only (e.g. "video", "success"): the user
/// plays that outcome with no codes chosen; returns (status, body).
pub async fn play(sb: &Sandbox, case_id: &str, method: &str, outcome_name: &str) -> (u16, Value) {
    let body = json!({"method": method, "outcome": outcome_name});
    outcome(sb, case_id, body).await
}

/// `POST {control}{suffix}` of JSON `body`; returns (status, body).
async fn control_post_json(sb: &Sandbox, suffix: &str, body: Value) -> (u16, Value) {
    let resp = send(http().post(control(sb, suffix)).json(&body)).await;
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// `primaryIdent.identificationStatus` of a case, e.g. `{"status": "success", ...}`.
pub fn primary_status(case: &Value) -> &Value {
    &case["primaryIdent"]["identificationStatus"]
}

/// One request the webhook receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: std::time::Instant,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
}

/// A webhook receiver on the loopback: answers `status` after `delay`.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(status: u16, delay: Duration) -> Receiver {
        use axum::routing::post;
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let rec = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let rec = rec.clone();
                    async move {
                        let h = |n: &str| {
                            headers
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_owned)
                        };
                        rec.lock().unwrap().push(Received {
                            at: std::time::Instant::now(),
                            authorization: h("authorization"),
                            content_type: h("content-type"),
                            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                        });
                        tokio::time::sleep(delay).await;
                        axum::http::StatusCode::from_u16(status).unwrap()
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            received,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// An RSA key pair for the encryption headers.
pub struct Keys {
    pub private_pem: Vec<u8>,
    pub spki_der: Vec<u8>,
}

impl Keys {
    pub fn generate() -> Keys {
        let rsa = openssl::rsa::Rsa::generate(3072).unwrap();
        let pkey = openssl::pkey::PKey::from_rsa(rsa).unwrap();
        Keys {
            private_pem: pkey.private_key_to_pem_pkcs8().unwrap(),
            spki_der: pkey.public_key_to_der().unwrap(),
        }
    }

    pub fn x_scr_key(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.spki_der)
    }

    pub fn x_scr_keyhash(&self, data_password: &str) -> String {
        let key = openssl::pkey::PKey::hmac(data_password.as_bytes()).unwrap();
        let mut signer =
            openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
        signer.update(&self.spki_der).unwrap();
        base64::engine::general_purpose::STANDARD.encode(signer.sign_to_vec().unwrap())
    }

    /// Adds the three encryption headers.
    pub fn headers(
        &self,
        req: reqwest::RequestBuilder,
        data_password: &str,
    ) -> reqwest::RequestBuilder {
        self.headers_with_keyhash(req, self.x_scr_keyhash(data_password))
    }

    /// Adds the three encryption headers with `keyhash` as given (made elsewhere, or wrong).
    pub fn headers_with_keyhash(
        &self,
        req: reqwest::RequestBuilder,
        keyhash: String,
    ) -> reqwest::RequestBuilder {
        req.header("x-scr-key", self.x_scr_key())
            .header("x-scr-keyhash", keyhash)
            .header("x-scr-alg", "RSA-OAEP-256")
    }

    /// `GET {cases}{suffix}` with Basic auth, this key and `keyhash` as given.
    pub async fn get_with_keyhash(
        &self,
        sb: &Sandbox,
        suffix: &str,
        keyhash: String,
    ) -> reqwest::Response {
        let req = authed(sb, http().get(url(sb, suffix)));
        send(self.headers_with_keyhash(req, keyhash)).await
    }

    /// `GET {cases}{suffix}` with Basic auth and the encryption headers, the key hash made with
    /// `data_password`.
    pub async fn get(&self, sb: &Sandbox, suffix: &str, data_password: &str) -> reqwest::Response {
        self.get_with_keyhash(sb, suffix, self.x_scr_keyhash(data_password))
            .await
    }

    /// [`Keys::get`] with the account's data password; the body as text.
    pub async fn get_encrypted(&self, sb: &Sandbox, suffix: &str) -> String {
        self.get(sb, suffix, sb.postident().data_password())
            .await
            .text()
            .await
            .unwrap()
    }

    /// Decrypts a compact JWE; returns (payload JSON, enc header).
    pub fn decrypt(&self, jwe: &str) -> (Value, String) {
        let decrypter = josekit::jwe::RSA_OAEP_256
            .decrypter_from_pem(&self.private_pem)
            .unwrap();
        let (payload, header) = josekit::jwe::deserialize_compact(jwe, &decrypter).unwrap();
        let enc = header.content_encryption().unwrap().to_owned();
        (serde_json::from_slice(&payload).unwrap(), enc)
    }
}

/// The sandbox's webhook delivery log once it holds `n` entries (or what it holds after 5 s):
/// the receiver sees a webhook before the sandbox has logged its answer.
pub async fn deliveries(sb: &Sandbox, n: usize) -> Vec<kyc_sandbox::postident::WebhookDelivery> {
    sb.postident()
        .wait_for_webhook_deliveries(n, Duration::from_secs(5))
        .await
}
