//! Shared helpers of the IDnow sandbox tests: start a sandbox, log in, call the API over real
//! HTTP with reqwest, and receive webhooks on a small local server.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kyc_sandbox::idnow::{IdnowOptions, DEFAULT_API_KEY, DEFAULT_COMPANY};
use kyc_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::{json_of, send, text_of};

pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
}

pub async fn start(time_scale: f64) -> Env {
    start_with(time_scale, IdnowOptions::default()).await
}

/// A sandbox at time scale 1 and a login token of the default company.
pub async fn start_logged_in() -> (Env, String) {
    let env = start(1.0).await;
    let token = env.login().await;
    (env, token)
}

/// A sandbox at time scale 1, a login token of the default company and an ident `txn` of
/// [`erika`] created over HTTP: (env, token, IdentID).
pub async fn start_with_ident(txn: &str) -> (Env, String, String) {
    let (env, token) = start_logged_in().await;
    let id = env.create_ok(&token, txn, erika()).await;
    (env, token, id)
}

/// A sandbox at `time_scale` whose default company sends its webhooks to a new [`receiver`]
/// (answering 200), and a login token.
pub async fn start_with_webhooks(time_scale: f64) -> (Env, Receiver, String) {
    start_with_webhook_answers(time_scale, IdnowOptions::default(), &[]).await
}

/// A sandbox at `time_scale` with `idnow` options whose default company sends its webhooks to a
/// new [`receiver`] that answers `statuses` first, then 200; and a login token.
pub async fn start_with_webhook_answers(
    time_scale: f64,
    idnow: IdnowOptions,
    statuses: &[u16],
) -> (Env, Receiver, String) {
    let env = start_with(time_scale, idnow).await;
    let hooks = receiver(statuses).await;
    configure_webhook(&env, &hooks.url, None).await;
    let token = env.login().await;
    (env, hooks, token)
}

pub async fn start_with(time_scale: f64, idnow: IdnowOptions) -> Env {
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale,
        idnow,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env { sandbox, http }
}

impl Env {
    pub fn base(&self) -> String {
        base_url(&self.sandbox)
    }

    /// `{base}/api/v1/{company}`
    pub fn api(&self, company: &str) -> String {
        format!("{}/api/v1/{company}", self.base())
    }

    pub fn control(&self) -> String {
        format!("{}/__control", self.base())
    }

    pub async fn login_as(&self, company: &str, api_key: &str) -> String {
        login_over_http(&self.http, &self.api(company), api_key).await
    }

    /// `POST {api of company}/login` with `api_key`, whatever the answer.
    pub async fn try_login(&self, company: &str, api_key: &str) -> reqwest::Response {
        login_request(&self.http, &self.api(company), api_key).await
    }

    pub async fn login(&self) -> String {
        self.login_as(DEFAULT_COMPANY, DEFAULT_API_KEY).await
    }

    pub async fn create(&self, token: &str, txn: &str, body: Value) -> reqwest::Response {
        create_ident(&self.http, &self.api(DEFAULT_COMPANY), token, txn, body).await
    }

    /// Creates an ident and returns its IdentID.
    pub async fn create_ok(&self, token: &str, txn: &str, body: Value) -> String {
        create_ident_ok(&self.http, &self.api(DEFAULT_COMPANY), token, txn, body).await
    }

    /// Creates an ident of [`erika`] with a test-robot scenario (e.g. `X-MANUALTEST-HAPPYPATH`)
    /// in `field`, where the robot looks for it; returns its IdentID.
    pub async fn create_robot(
        &self,
        token: &str,
        txn: &str,
        field: &str,
        scenario: &str,
    ) -> String {
        self.create_ok(token, txn, erika_with(field, json!(scenario)))
            .await
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.get_as(DEFAULT_COMPANY, token, path).await
    }

    /// The body of [`Env::get`] as bytes, whatever the status.
    pub async fn get_bytes(&self, token: &str, path: &str) -> Vec<u8> {
        self.get(token, path).await.bytes().await.unwrap().to_vec()
    }

    /// [`Env::get`] read as JSON, whatever the status.
    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        self.get(token, path).await.json().await.unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: Option<Value>) -> reqwest::Response {
        self.post_as(DEFAULT_COMPANY, token, path, body).await
    }

    /// `POST {api of company}{path}` with `token` and an optional JSON body.
    pub async fn post_as(
        &self,
        company: &str,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}{path}", self.api(company)))
            .header("X-API-LOGIN-TOKEN", token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        send(request).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> reqwest::Response {
        let url = format!("{}{path}", self.api(DEFAULT_COMPANY));
        send(self.http.delete(url).header("X-API-LOGIN-TOKEN", token)).await
    }

    /// The text of a plain `GET url` (a user page), whatever the status.
    pub async fn page(&self, url: &str) -> String {
        text_of(self.http.get(url)).await
    }

    /// POST to the control API for an ident of the default company.
    pub async fn act(&self, txn: &str, action: &str, body: Value) -> reqwest::Response {
        let path = format!("/companies/{DEFAULT_COMPANY}/identifications/{txn}/{action}");
        self.control_post(&path, Some(body)).await
    }

    pub async fn act_ok(&self, txn: &str, action: &str, body: Value) {
        let response = self.act(txn, action, body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "control {action} failed: {text}");
    }

    /// Sets the ident's `result` (e.g. SUCCESS, REVIEW_PENDING) through the control API.
    pub async fn play_result(&self, txn: &str, result: &str) {
        self.act_ok(txn, "result", json!({ "result": result }))
            .await;
    }

    /// Creates an ident of [`erika`] and starts it through the control API, as the user would;
    /// returns its IdentID.
    pub async fn create_started(&self, token: &str, txn: &str) -> String {
        let id = self.create_ok(token, txn, erika()).await;
        self.act_ok(txn, "start", json!({})).await;
        id
    }

    /// Creates an ident of [`erika`] and finishes it with SUCCESS through the control API;
    /// returns its IdentID.
    pub async fn create_succeeded(&self, token: &str, txn: &str) -> String {
        let id = self.create_ok(token, txn, erika()).await;
        self.play_result(txn, "SUCCESS").await;
        id
    }

    /// `GET {api of company}{path}` with `token` ([`Env::get`] is this for the default company).
    pub async fn get_as(&self, company: &str, token: &str, path: &str) -> reqwest::Response {
        send(
            self.http
                .get(format!("{}{path}", self.api(company)))
                .header("X-API-LOGIN-TOKEN", token),
        )
        .await
    }

    /// `GET {control}{path}` read as JSON.
    pub async fn control_json(&self, path: &str) -> Value {
        json_of(self.http.get(format!("{}{path}", self.control()))).await
    }

    /// `POST {control}{path}` with an optional JSON body, whatever the status.
    pub async fn control_post(&self, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.http.post(format!("{}{path}", self.control()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        send(request).await
    }

    /// `DELETE {control}{path}`, whatever the status.
    pub async fn control_delete(&self, path: &str) -> reqwest::Response {
        send(self.http.delete(format!("{}{path}", self.control()))).await
    }

    /// `PUT {control}/companies/{DEFAULT_COMPANY}/webhook` with `body`, whatever the status.
    pub async fn put_webhook(&self, body: Value) -> reqwest::Response {
        let url = format!("{}/companies/{DEFAULT_COMPANY}/webhook", self.control());
        send(self.http.put(url).json(&body)).await
    }

    /// The status word the sandbox holds for an ident of the default company.
    pub fn status_of(&self, txn: &str) -> String {
        self.sandbox
            .idnow()
            .ident(DEFAULT_COMPANY, txn)
            .expect("the sandbox knows the ident")
            .status
    }

    /// The webhook types (START, REALTIME, FINAL, ...) of every delivery so far, in order.
    pub fn webhook_types(&self) -> Vec<String> {
        self.sandbox
            .idnow()
            .webhook_deliveries()
            .iter()
            .map(|d| d.webhook_type.clone())
            .collect()
    }

    /// The sandbox's webhook delivery log once it holds `n` entries (or what it holds after
    /// 5 s): a receiver sees a webhook before the sandbox has logged its answer.
    pub async fn deliveries(&self, n: usize) -> Vec<kyc_sandbox::idnow::WebhookDelivery> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let log = self.sandbox.idnow().webhook_deliveries();
            if log.len() >= n || std::time::Instant::now() > deadline {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the sandbox reports `status` for the ident.
    pub async fn wait_for_status(&self, txn: &str, status: &str) {
        for _ in 0..500 {
            if let Some(s) = self.sandbox.idnow().ident(DEFAULT_COMPANY, txn) {
                if s.status == status {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("ident {txn} never reached {status}");
    }
}

/// The IDnow base URL of a running sandbox (`{root}/idnow`), without a trailing slash.
pub fn base_url(sandbox: &Sandbox) -> String {
    sandbox
        .idnow()
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

/// `POST {api}/login` (`api` is `{base}/api/v1/{company}`); checks the 200, returns the token.
pub async fn login_over_http(http: &reqwest::Client, api: &str, api_key: &str) -> String {
    let response = login_request(http, api, api_key).await;
    assert_eq!(response.status(), 200, "login works");
    let body: Value = response.json().await.unwrap();
    body["authToken"].as_str().expect("authToken").to_string()
}

/// `POST {api}/login` with `api_key`, whatever the answer.
pub async fn login_request(http: &reqwest::Client, api: &str, api_key: &str) -> reqwest::Response {
    send(
        http.post(format!("{api}/login"))
            .json(&json!({ "apiKey": api_key })),
    )
    .await
}

/// `POST {api}/identifications/{txn}/start` with `body`.
pub async fn create_ident(
    http: &reqwest::Client,
    api: &str,
    token: &str,
    txn: &str,
    body: Value,
) -> reqwest::Response {
    http.post(format!("{api}/identifications/{txn}/start"))
        .header("X-API-LOGIN-TOKEN", token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// [`create_ident`], checks the 201, returns the IdentID.
pub async fn create_ident_ok(
    http: &reqwest::Client,
    api: &str,
    token: &str,
    txn: &str,
    body: Value,
) -> String {
    let response = create_ident(http, api, token, txn, body).await;
    assert_eq!(response.status(), 201, "ident created");
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().expect("id").to_string()
}

/// The `identificationprocess` object of an ident (a GET answer or a webhook body).
pub fn process(ident: &Value) -> &Value {
    &ident["identificationprocess"]
}

/// The first error of an IDnow error body.
pub async fn first_error(response: reqwest::Response) -> Value {
    let body: Value = response.json().await.expect("error body is JSON");
    let error = body["errors"][0].clone();
    for key in [
        "cause",
        "errorType",
        "id",
        "key",
        "message",
        "translationKey",
    ] {
        assert!(error.get(key).is_some(), "error body has {key}: {body}");
    }
    error
}

/// Checks that `response` is an IDnow error with `status` and `cause`; returns that error.
pub async fn expect_error(response: reqwest::Response, status: u16, cause: &str) -> Value {
    assert_eq!(response.status(), status);
    let error = first_error(response).await;
    assert_eq!(error["cause"], cause);
    error
}

/// A webhook received by the test server.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
}

/// A local webhook endpoint; answers with the queued statuses first, then 200.
pub struct Receiver {
    pub url: String,
    pub rx: mpsc::UnboundedReceiver<Received>,
    pub statuses: Arc<Mutex<VecDeque<u16>>>,
}

#[derive(Clone)]
struct ReceiverState {
    tx: mpsc::UnboundedSender<Received>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let _ = state.tx.send(Received { headers, body });
    let status = state.statuses.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

pub async fn receiver(statuses: &[u16]) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let statuses = Arc::new(Mutex::new(
        statuses.iter().copied().collect::<VecDeque<_>>(),
    ));
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(ReceiverState {
            tx,
            statuses: statuses.clone(),
        });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver {
        url: format!("http://{addr}/hook"),
        rx,
        statuses,
    }
}

impl Receiver {
    /// The next webhook (fails after 5 s).
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(5), self.rx.recv())
            .await
            .expect("a webhook arrives in time")
            .expect("receiver open")
    }

    /// The `identificationprocess.result` of the next webhook.
    pub async fn next_result(&mut self) -> String {
        let hook = self.next().await;
        process(&hook.body)["result"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// Points the default company's webhooks at `url` through the HTTP control API.
pub async fn configure_webhook(env: &Env, url: &str, basic: Option<(&str, &str)>) {
    let mut body = json!({ "url": url });
    if let Some((user, password)) = basic {
        body["username"] = json!(user);
        body["password"] = json!(password);
    }
    assert_eq!(env.put_webhook(body).await.status(), 200);
}

/// [`erika`] with `field` set to `value`.
pub fn erika_with(field: &str, value: Value) -> Value {
    let mut body = erika();
    body[field] = value;
    body
}

/// A typical create body (the document's example).
pub fn erika() -> Value {
    json!({
        "birthday": "1987-05-23",
        "birthplace": "London",
        "custom1": "Eg. Employer name",
        "email": "hello@democompany.org",
        "firstname": "Erika",
        "gender": "FEMALE",
        "lastname": "Musterman",
        "mobilephone": "+49175310960",
        "nationality": "DE",
        "zipcode": "80469",
        "country": "DE",
        "city": "Munich",
        "street": "High Street",
        "streetnumber": "100"
    })
}
