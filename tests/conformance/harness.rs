//! One test environment per provider: the sandbox, the adapter built from a TOML configuration
//! (exactly as users build it), a webhook listener feeding a `WebhookReceiver`, and a way to
//! play the user's side. Scenarios only see this neutral surface.

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use kyc::webhook::WebhookRequest;
use kyc::{Case, CaseHandle, CaseRef, CaseStatus, KycProvider, NewCase, Provider, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a scenario waits for a webhook-driven state before failing.
const WAIT: Duration = Duration::from_secs(15);

/// A webhook as our listener received it, kept for replay.
#[derive(Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub peer: SocketAddr,
}

pub struct Env {
    pub kind: Provider,
    pub sandbox: Sandbox,
    pub provider: Arc<dyn KycProvider>,
    pub receiver: WebhookReceiver,
    pub received: Arc<Mutex<Vec<Received>>>,
    webhook_url: url::Url,
    listener: tokio::task::JoinHandle<()>,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The providers the suite runs for, from `KYC_CONFORMANCE_PROVIDERS` (comma-separated) or all.
pub fn providers() -> Vec<Provider> {
    match std::env::var("KYC_CONFORMANCE_PROVIDERS") {
        Ok(list) => list
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect(),
        Err(_) => Provider::all().to_vec(),
    }
}

/// The configuration a user would write for `kind` against this sandbox.
fn config_toml(kind: Provider, sandbox: &Sandbox) -> String {
    let provider_part = match kind {
        Provider::Idnow => sandbox.idnow_config_toml(),
        Provider::Postident => {
            // Results come JWE-encrypted, as production demands.
            let key = kyc::kyc_postident::PrivateKey::generate().expect("RSA key");
            let pem = key.to_pkcs8_pem().expect("PEM");
            sandbox.postident_config_toml(Some(pem.expose()))
        }
        other => panic!("no conformance setup for {other}"),
    };
    format!("{provider_part}\n[http]\nmax_retries = 1\nretry_base_delay_ms = 10\n")
}

impl Env {
    pub async fn start(kind: Provider) -> Env {
        let sandbox = Sandbox::start(SandboxOptions {
            time_scale: 50.0,
            ..SandboxOptions::default()
        })
        .await
        .expect("sandbox starts");
        let config = kyc::Config::from_toml(&config_toml(kind, &sandbox)).expect("config parses");
        let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
        let receiver = WebhookReceiver::new(provider.clone());
        let received = Arc::new(Mutex::new(Vec::new()));

        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let webhook_url: url::Url = format!("http://{addr}/webhooks/{}", kind.name())
            .parse()
            .unwrap();
        let app = axum::Router::new()
            .fallback(axum::routing::post(receive))
            .with_state((receiver.clone(), received.clone()));
        let listener = tokio::spawn(async move {
            let _ = axum::serve(tcp, app.into_make_service_with_connect_info::<SocketAddr>()).await;
        });
        if kind == Provider::Idnow {
            // IDnow configures the webhook URL per account, not per ident.
            sandbox
                .idnow()
                .set_webhook(
                    sandbox.idnow().company_id(),
                    Some(kyc_sandbox::idnow::WebhookTarget {
                        url: webhook_url.clone(),
                        basic_auth: None,
                    }),
                )
                .expect("webhook target");
        }
        Env {
            kind,
            sandbox,
            provider,
            receiver,
            received,
            webhook_url,
            listener,
        }
    }

    /// A new case with a unique reference valid for every provider (≤ 14 chars, IDnow charset).
    pub fn new_case(&self) -> NewCase {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let mut person =
            kyc::PersonInput::new("Erika", "Mustermann").with_nationality(kyc::Country::GERMANY);
        person.birth_date = chrono_date(1964, 8, 12);
        NewCase::new(format!("conf-{}-{n:04}", std::process::id() % 1000))
            .with_person(person)
            .with_address(
                kyc::AddressInput::default()
                    .with_street("Heidestrasse")
                    .with_street_number("17")
                    .with_postal_code("51147")
                    .with_city("Koeln")
                    .with_country(kyc::Country::GERMANY),
            )
            .with_contact(
                kyc::ContactInput::default()
                    .with_email("erika@example.org")
                    .with_mobile_phone("+491701234567"),
            )
            .with_webhook_url(self.webhook_url.clone())
    }

    pub async fn create(&self) -> CaseHandle {
        let new_case = self.new_case();
        let handle = self
            .provider
            .create_case(&new_case)
            .await
            .expect("create_case");
        assert_eq!(handle.case_ref.provider, self.kind);
        assert_eq!(
            handle.case_ref.reference.as_deref(),
            Some(new_case.reference.as_str())
        );
        handle
    }

    fn simulated(&self, handle: &CaseHandle) -> SimulatedCase {
        match self.kind {
            Provider::Idnow => SimulatedCase::Idnow {
                transaction_number: handle.case_ref.reference.clone().unwrap(),
            },
            _ => SimulatedCase::Postident {
                case_id: handle.case_ref.case_id.clone().unwrap(),
            },
        }
    }

    /// The user (and the provider's agents) do `outcome`.
    pub fn play(&self, handle: &CaseHandle, outcome: UserOutcome) {
        self.sandbox
            .play(&self.simulated(handle), outcome)
            .unwrap_or_else(|e| panic!("{}: playing {outcome:?}: {e}", self.kind));
    }

    pub async fn get(&self, case_ref: &CaseRef) -> Case {
        self.provider.get_case(case_ref).await.expect("get_case")
    }

    /// Waits until the webhook-driven store holds the case in a status matching `pred`.
    pub async fn wait_for_webhook(
        &self,
        case_ref: &CaseRef,
        what: &str,
        pred: impl Fn(&CaseStatus) -> bool,
    ) -> Case {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(c) = self.receiver.case(case_ref) {
                if pred(&c.status) {
                    return c;
                }
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "{}: no webhook brought {case_ref} to {what} within {WAIT:?}; stored: {:?}; failures: {:?}",
                    self.kind,
                    self.receiver.case(case_ref).map(|c| c.status),
                    self.receiver.failures()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `get_case` reports a status matching `pred` (the provider may apply a step
    /// asynchronously).
    pub async fn wait_for_status(
        &self,
        case_ref: &CaseRef,
        what: &str,
        pred: impl Fn(&CaseStatus) -> bool,
    ) -> Case {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let case = self.get(case_ref).await;
            if pred(&case.status) {
                return case;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "{}: {case_ref} never reached {what}; last: {}",
                    self.kind, case.status
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `get_case` or the webhook-driven store reports a status matching `pred`.
    /// For states a provider reports only through a webhook: IDnow keeps no data while the user
    /// is in the flow (its read answers 404 until the attempt ends), so only the START webhook
    /// says "in progress".
    pub async fn wait_for_status_or_webhook(
        &self,
        case_ref: &CaseRef,
        what: &str,
        pred: impl Fn(&CaseStatus) -> bool,
    ) -> Case {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(c) = self.receiver.case(case_ref).filter(|c| pred(&c.status)) {
                return c;
            }
            let case = self.get(case_ref).await;
            if pred(&case.status) {
                return case;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!(
                    "{}: neither a read nor a webhook brought {case_ref} to {what}; read: {}, \
                     stored: {:?}",
                    self.kind,
                    case.status,
                    self.receiver.case(case_ref).map(|c| c.status)
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Webhooks received so far for the case, as received.
    pub fn received_for(&self, handle: &CaseHandle) -> Vec<Received> {
        let needles: Vec<String> = [&handle.case_ref.case_id, &handle.case_ref.reference]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| {
                let body = String::from_utf8_lossy(&r.body);
                needles.iter().any(|n| body.contains(n.as_str()))
            })
            .cloned()
            .collect()
    }

    /// Says visibly that a scenario does not apply to this provider.
    ///
    /// Written straight to the process's stderr, which the test harness does not capture, so
    /// the line shows in every `cargo test` run, passing or not.
    pub fn skip(&self, scenario: &str, why: &str) {
        use std::io::Write;
        let line = format!("SKIPPED {scenario} for {}: {why}\n", self.kind);
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

fn chrono_date(y: i32, m: u32, d: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}

async fn receive(
    State((receiver, received)): State<(WebhookReceiver, Arc<Mutex<Vec<Received>>>)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    received.lock().unwrap().push(Received {
        headers: headers.clone(),
        body: body.clone(),
        peer,
    });
    match receiver.accept(&WebhookRequest::new(headers, body, Some(peer.ip()))) {
        Ok(_) => StatusCode::OK,
        Err(e) if e.kind() == kyc::ErrorKind::Authentication => StatusCode::UNAUTHORIZED,
        Err(_) => StatusCode::BAD_REQUEST,
    }
}
