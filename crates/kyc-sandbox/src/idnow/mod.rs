//! The IDnow AutoIdent simulator.
//!
//! Served under `{root}/idnow`:
//!
//! * the API at `{root}/idnow/api/v1/{companyid}/...` (login, idents, files, QES/eSign) and the
//!   health check at `{root}/idnow/system_check`,
//! * the user pages at `{root}/idnow/go/{companyid}/identifications/{txn}` and
//!   `{root}/idnow/go/{IdentID}`,
//! * the control API at `{root}/idnow/__control/...`, mirrored by methods on [`IdnowSandbox`].
//!
//! `docs/sandbox/idnow.md` lists everything simulated and every assumption made where the
//! IDnow document is silent.

mod api_error;
mod auth;
mod control;
mod faults;
mod ident_json;
mod lifecycle;
mod result_files;
mod robot;
mod routes_esign;
mod routes_idents;
mod state;
mod user_page;
mod validation;
mod webhooks;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::Clock;

pub use faults::{Fault, FaultKind};
pub use lifecycle::{ControlError, IdentSnapshot, Outcome, UserStart};
pub use robot::Scenario;
pub use state::WebhookTarget;
pub use webhooks::{DeliveryOutcome, WebhookDelivery};

/// The shortname (`companyid`) of the default sandbox company.
pub const DEFAULT_COMPANY: &str = "sandboxco";
/// The API key of [`DEFAULT_COMPANY`].
pub const DEFAULT_API_KEY: &str = "sandbox-api-key";
/// A second company, target of `copy`, without QES/eSign (its eSign calls answer 412).
pub const SECOND_COMPANY: &str = "sandboxco2";
/// The API key of [`SECOND_COMPANY`].
pub const SECOND_API_KEY: &str = "sandbox-api-key-2";

/// One company (IDnow "shortname") the simulator knows.
#[derive(Clone)]
pub struct CompanySetup {
    /// The shortname used in URLs and returned as `companyid`.
    pub company_id: String,
    /// The API key `POST /login` accepts.
    pub api_key: String,
    /// Whether the company is a QES/eSign customer (otherwise eSign calls answer 412).
    pub esigning: bool,
    /// Companies this one may copy idents to (others answer 403).
    pub copy_targets: Vec<String>,
    /// Whether the archive feature is enabled (otherwise archive answers 412).
    pub archive_enabled: bool,
    /// Create fields beyond the document's Create Ident table that this account accepts
    /// (any of `birthname`, `title`, `preferredLang`; case-insensitive). The document lists
    /// birthday, birthplace, custom1–5, email, firstname, gender, lastname, mobilephone,
    /// nationality, zipcode, city, street, streetnumber and country; anything else answers 400
    /// `UNRECOGNIZED_FIELD` unless named here. `preferredLang` is what QES accounts with the
    /// Namirial TSP send. Default: none.
    pub extra_create_fields: Vec<String>,
}

redacted_debug!(CompanySetup {
    company_id,
    api_key(secret),
    esigning,
    copy_targets,
    archive_enabled,
    extra_create_fields,
});

/// Options of the IDnow simulator. Durations are documented provider time; the sandbox's
/// [`Clock`] scales them.
#[derive(Debug, Clone)]
pub struct IdnowOptions {
    /// The companies served. Default: [`DEFAULT_COMPANY`] (QES/eSign with the Namirial TSP, so
    /// it accepts `preferredLang`; may copy to [`SECOND_COMPANY`]) and [`SECOND_COMPANY`] (no
    /// eSign, the documented create fields only).
    pub companies: Vec<CompanySetup>,
    /// Idle time after which a login token expires (documented: 60 minutes).
    pub token_idle_timeout: Duration,
    /// How long the test robot takes to finish an ident (documented: about 1-2 minutes;
    /// default 90 s).
    pub robot_delay: Duration,
    /// Whether the simulated user starts a test-robot ident by itself right after it is created
    /// (default `true`; with `false` the robot waits until the user starts via the control API
    /// or the user page).
    pub robot_autostart: bool,
    /// First webhook retry delay (documented: 1 s, doubling each time).
    pub webhook_first_retry: Duration,
    /// When webhook retries give up (documented: 1 day).
    pub webhook_max_retry_time: Duration,
    /// Real-time timeout of one webhook delivery attempt (not scaled).
    pub webhook_request_timeout: Duration,
    /// Prefix of generated IdentIDs (`TST` gives `TST-ABCDE`).
    pub ident_id_prefix: String,
    /// With `false` (default, as the document says) `GET /identifications/{txn}` answers 404
    /// `OBJECT_NOT_FOUND` until an attempt has ended: before the user starts and while the
    /// user is in the flow. With `true` it answers the START webhook's body (`"result":
    /// "START"`) while the user is in the flow: the sandbox's behaviour before, kept for tests
    /// of clients that met it.
    pub answer_start_while_in_flow: bool,
    /// A user in the flow who does nothing for this long is aborted (ABORTED webhook, no
    /// reason): IDnow aborts ident requests after about 30 minutes of inactivity (public
    /// facts). `None` never aborts.
    pub inactivity_timeout: Option<Duration>,
    /// How long an ident lives before it is deleted, whatever its state (documented: 90 days
    /// unless the account's retention says otherwise). `None` keeps idents forever.
    pub ident_lifetime: Option<Duration>,
}

impl Default for IdnowOptions {
    fn default() -> Self {
        IdnowOptions {
            companies: vec![
                CompanySetup {
                    company_id: DEFAULT_COMPANY.to_string(),
                    api_key: DEFAULT_API_KEY.to_string(),
                    esigning: true,
                    copy_targets: vec![SECOND_COMPANY.to_string()],
                    archive_enabled: true,
                    // A QES customer signing with the Namirial TSP sends `preferredLang`.
                    extra_create_fields: vec!["preferredLang".to_string()],
                },
                CompanySetup {
                    company_id: SECOND_COMPANY.to_string(),
                    api_key: SECOND_API_KEY.to_string(),
                    esigning: false,
                    copy_targets: Vec::new(),
                    archive_enabled: true,
                    extra_create_fields: Vec::new(),
                },
            ],
            token_idle_timeout: Duration::from_secs(60 * 60),
            robot_delay: Duration::from_secs(90),
            robot_autostart: true,
            webhook_first_retry: Duration::from_secs(1),
            webhook_max_retry_time: Duration::from_secs(24 * 60 * 60),
            webhook_request_timeout: Duration::from_secs(10),
            ident_id_prefix: "TST".to_string(),
            answer_start_while_in_flow: false,
            inactivity_timeout: Some(Duration::from_secs(30 * 60)),
            ident_lifetime: Some(Duration::from_secs(90 * 24 * 60 * 60)),
        }
    }
}

/// Everything the routes, the robot and the webhook sender share.
pub(crate) struct Shared {
    pub options: IdnowOptions,
    pub clock: Clock,
    pub base_url: url::Url,
    store: Mutex<state::Store>,
    pub http: reqwest::Client,
    pub deliveries: Mutex<Vec<WebhookDelivery>>,
    pub webhook_queue: tokio::sync::mpsc::UnboundedSender<webhooks::Job>,
    pub faults: crate::faults::FaultQueue<FaultKind>,
}

impl Shared {
    /// Locks the state (a panic elsewhere never makes the sandbox unusable).
    pub fn store(&self) -> MutexGuard<'_, state::Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `{root}/idnow/go`, where the user pages live.
    pub fn user_url_base(&self) -> String {
        format!("{}/go", self.base_url.as_str().trim_end_matches('/'))
    }
}

/// Handle to the running IDnow simulator: base URLs, credentials, counters and the in-process
/// twin of the control API.
#[derive(Clone)]
pub struct IdnowSandbox {
    base_url: url::Url,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for IdnowSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdnowSandbox")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

impl IdnowSandbox {
    /// The base URL to configure the IDnow adapter with (`{root}/idnow`); the API lives at
    /// `{base}/api/v1/{companyid}/...`.
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// Where the user pages live (`{root}/idnow/go`), the sandbox's `go.idnow.de`.
    pub fn user_url_base(&self) -> String {
        self.shared.user_url_base()
    }

    /// The user URL by transaction number: `{root}/idnow/go/{company}/identifications/{txn}`.
    pub fn user_url(&self, company: &str, transaction_number: &str) -> String {
        format!(
            "{}/{company}/identifications/{transaction_number}",
            self.user_url_base()
        )
    }

    /// The short user URL by IdentID: `{root}/idnow/go/{IdentID}`.
    pub fn user_url_by_ident_id(&self, ident_id: &str) -> String {
        format!("{}/{ident_id}", self.user_url_base())
    }

    /// The first configured company's shortname ([`DEFAULT_COMPANY`] unless
    /// `IdnowOptions::companies` says otherwise).
    pub fn company_id(&self) -> &str {
        self.shared
            .options
            .companies
            .first()
            .map_or(DEFAULT_COMPANY, |c| c.company_id.as_str())
    }

    /// The first configured company's API key ([`DEFAULT_API_KEY`] by default).
    pub fn api_key(&self) -> &str {
        self.shared
            .options
            .companies
            .first()
            .map_or(DEFAULT_API_KEY, |c| c.api_key.as_str())
    }

    /// All configured companies as `(companyid, api key)`.
    pub fn credentials(&self) -> Vec<(String, String)> {
        self.shared
            .options
            .companies
            .iter()
            .map(|c| (c.company_id.clone(), c.api_key.clone()))
            .collect()
    }

    /// How many successful logins all companies made since the start.
    pub fn login_count(&self) -> u64 {
        self.shared.store().login_count
    }

    /// How many successful logins one company made since the start.
    pub fn login_count_for(&self, company: &str) -> u64 {
        self.shared
            .store()
            .companies
            .get(company)
            .map(|c| c.logins)
            .unwrap_or(0)
    }

    /// Makes every login token handed out so far expire now (as after 60 idle minutes).
    pub fn expire_tokens(&self) {
        auth::expire_all(&self.shared);
    }

    /// The PEM public key (`-----BEGIN PUBLIC KEY-----`) that verifies the `.xml.sig` files:
    /// `openssl dgst -sha512 -verify key.pem -signature x.xml.sig x.xml`.
    pub fn signing_public_key_pem(&self) -> String {
        result_files::signing_public_key_pem()
    }

    /// Configures (or with `None` removes) where a company's webhooks go. A URL inside a
    /// control API (`/__control/`) is refused: a webhook must not drive the sandbox. Removing
    /// (or changing) the target drops the deliveries still pending for the old one.
    pub fn set_webhook(
        &self,
        company: &str,
        target: Option<WebhookTarget>,
    ) -> Result<(), ControlError> {
        lifecycle::set_webhook(&self.shared, company, target)
    }

    /// The user starts the identification (START webhook). Also resumes an ABORTED or
    /// CANCELED ident with the same IdentID.
    pub fn user_start(
        &self,
        company: &str,
        transaction_number: &str,
        start: &UserStart,
    ) -> Result<(), ControlError> {
        lifecycle::user_start(&self.shared, company, transaction_number, start)
    }

    /// The user aborts the flow with an abort reason (ABORTED webhook).
    pub fn user_abort(
        &self,
        company: &str,
        transaction_number: &str,
        reason: Option<&str>,
    ) -> Result<(), ControlError> {
        lifecycle::user_abort(&self.shared, company, transaction_number, reason)
    }

    /// Sets any result with any reason (REALTIME, FINAL, CANCELED or ABORTED webhook); an ident
    /// the user has not started is started first.
    pub fn set_result(
        &self,
        company: &str,
        transaction_number: &str,
        outcome: &Outcome,
    ) -> Result<(), ControlError> {
        lifecycle::set_result(&self.shared, company, transaction_number, outcome)
    }

    /// A supervisor re-reviews a finished ident and changes its final result.
    pub fn review(
        &self,
        company: &str,
        transaction_number: &str,
        outcome: &Outcome,
    ) -> Result<(), ControlError> {
        lifecycle::review(&self.shared, company, transaction_number, outcome)
    }

    /// The simulator's view of one ident, `None` when unknown or deleted.
    pub fn ident(&self, company: &str, transaction_number: &str) -> Option<IdentSnapshot> {
        lifecycle::snapshot(&self.shared, company, transaction_number)
    }

    /// Every webhook delivery so far (oldest first), with its attempts and outcome.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared
            .deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sends the body of an earlier webhook delivery (by its `id`) again: one attempt, no
    /// retries, no outdated check, so tests can deliver a webhook twice or out of order.
    /// `false` when there is no such delivery (or no URL to send it to).
    pub fn redeliver_webhook(&self, delivery_id: u64) -> bool {
        webhooks::redeliver(&self.shared, delivery_id).is_some()
    }

    /// Queues a fault for the next matching API responses.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// Removes all queued faults.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }
}

/// Builds the router served under `/idnow` and its handle.
pub(crate) fn build(
    options: &IdnowOptions,
    clock: Clock,
    root: &url::Url,
) -> (axum::Router, IdnowSandbox) {
    let base_url = root.join("idnow").expect("static path");
    let mut store = state::Store::default();
    for setup in &options.companies {
        store
            .companies
            .insert(setup.company_id.clone(), state::Company::new(setup));
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.webhook_request_timeout)
        .build()
        .unwrap_or_default();
    let (queue, receiver) = tokio::sync::mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        options: options.clone(),
        clock,
        base_url: base_url.clone(),
        store: Mutex::new(store),
        http,
        deliveries: Mutex::new(Vec::new()),
        webhook_queue: queue,
        faults: Default::default(),
    });
    webhooks::spawn_dispatcher(Arc::downgrade(&shared), receiver);

    let ident = "/api/v1/{company}/identifications/{txn}";
    let api = Router::new()
        .route("/api/v1/{company}/login", post(auth::login))
        .route(
            "/api/v1/{company}/identifications",
            get(routes_idents::list),
        )
        .route(
            ident,
            get(routes_idents::get_ident).delete(routes_idents::delete),
        )
        .route(&format!("{ident}/start"), post(routes_idents::start))
        .route(&format!("{ident}/archive"), post(routes_idents::archive))
        .route(&format!("{ident}/copy"), post(routes_idents::copy))
        .route(
            &format!("{ident}/bindingKey"),
            get(routes_idents::binding_key),
        )
        .route(
            &format!("{ident}/documents"),
            get(routes_esign::list_documents),
        )
        .route(
            &format!("{ident}/documents/{{definition}}"),
            get(routes_esign::get_document),
        )
        .route(
            &format!("{ident}/documents/{{definition}}/data"),
            post(routes_esign::upload).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route(
            &format!("{ident}/documents/{{definition}}/signed"),
            get(routes_esign::signed_document),
        )
        .route(
            "/api/v1/{company}/documentdefinitions",
            get(routes_esign::list_definitions).post(routes_esign::create_definition),
        )
        .route(
            "/api/v1/{company}/documentdefinitions/{definition}",
            get(routes_esign::get_definition)
                .post(routes_esign::update_definition)
                .delete(routes_esign::delete_definition),
        )
        .route("/system_check", get(routes_idents::system_check))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            crate::faults::inject::<Shared>,
        ));
    let router = api
        .merge(control::router())
        .merge(user_page::router())
        .fallback(routes_idents::fallback)
        .with_state(shared.clone());
    (router, IdnowSandbox { base_url, shared })
}

impl IdnowSandbox {
    /// One JSON object per ident of every company, for the overview page (`/`): ids, status,
    /// reason, attempts, custom fields, webhook deliveries and the user page. Values are the
    /// caller's data verbatim; the page shows them as text.
    pub(crate) fn overview_cases(&self) -> Vec<serde_json::Value> {
        use serde_json::json;
        let deliveries = self.webhook_deliveries();
        let store = self.shared.store();
        let mut rows = Vec::new();
        for company in store.companies.values() {
            for ident in company.idents.values() {
                let own: Vec<&WebhookDelivery> = deliveries
                    .iter()
                    .filter(|d| {
                        d.company == company.setup.company_id && d.ident_id == ident.ident_id
                    })
                    .collect();
                let delivered = own
                    .iter()
                    .filter(|d| d.outcome == DeliveryOutcome::Delivered)
                    .count();
                let pending = own
                    .iter()
                    .filter(|d| d.outcome == DeliveryOutcome::Pending)
                    .count();
                let custom: Vec<&str> = (1..=5)
                    .filter_map(|i| ident.data.get(&format!("custom{i}")))
                    .map(String::as_str)
                    .collect();
                rows.push(json!({
                    "company": company.setup.company_id,
                    "caseId": ident.ident_id,
                    "reference": ident.transaction_number,
                    "status": ident.status.result_word().unwrap_or("CREATED"),
                    "reason": ident.reason,
                    "attempts": ident.attempts,
                    "archived": ident.archived,
                    "custom": custom,
                    "webhooks": {
                        "deliveries": own.len(),
                        "delivered": delivered,
                        "pending": pending,
                        "last": own.last().map(|d| d.webhook_type.clone()),
                    },
                    "userUrl": self.user_url(&company.setup.company_id, &ident.transaction_number),
                }));
            }
        }
        rows
    }
}
