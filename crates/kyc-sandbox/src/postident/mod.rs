//! The POSTIDENT SCR-Ident simulator.
//!
//! Serves the SCR result API (`{root}/postident/api/scr/v1/{clientId}/cases...`), case creation,
//! archiving, JWE-encrypted answers, webhooks with the documented retry schedule, a control API
//! under `{root}/postident/__control/...` that plays the user's and the agent's side, a small user
//! page per case under `{root}/postident/user/start/?caseId=...`, and fault injection.
//!
//! Everything lives in memory. `docs/sandbox/postident.md` describes every endpoint and each
//! assumption made where the provider documents are silent.
//!
//! Module map: `state` holds the cases, [`codes`] the documented status tables, `machine` the
//! state machine, `render` turns a case into result JSON, `create` validates new cases, `api`
//! serves the SCR endpoints, `crypto` does the key hash check and JWE, `webhooks` delivers
//! notifications, `control` is the control API, `user_page` the HTML page and `faults` the
//! fault injection.

mod api;
pub mod codes;
mod control;
mod control_api;
mod create;
mod crypto;
mod faults;
mod machine;
mod records;
mod render;
mod state;
mod user_page;
mod webhooks;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::Clock;

pub use codes::{IdentStatus, Method, StatusType};
pub use control::{ControlError, Outcome, RecordValidation, Transition};
pub use faults::{Fault, FaultKind};
pub use webhooks::WebhookDelivery;

/// The client id of the default sandbox account.
pub const DEFAULT_CLIENT_ID: &str = "SANDBOX01";
/// The API user name of the default sandbox account.
pub const DEFAULT_USERNAME: &str = "sandbox";
/// The API password of the default sandbox account.
pub const DEFAULT_PASSWORD: &str = "sandbox-password";
/// The data password (key hash secret) of the default sandbox account.
pub const DEFAULT_DATA_PASSWORD: &str = "sandbox-data-password";

/// The user name of the default account's partner (result guide section 9).
pub const DEFAULT_PARTNER_USERNAME: &str = "sandbox-partner";
/// The password of the default account's partner.
pub const DEFAULT_PARTNER_PASSWORD: &str = "sandbox-partner-password";
/// The data password of the default account's partner (keys its `x-scr-keyhash`).
pub const DEFAULT_PARTNER_DATA_PASSWORD: &str = "sandbox-partner-data-password";

/// Regulatory class of an account: decides which images are delivered as binary data
/// (result guide section 8.6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegulatoryClass {
    /// German Anti-Money Laundering Act: all images delivered.
    GwG,
    /// Telecommunication law: document images (blackened), no user face.
    Tkg,
    /// eIDAS: treated like Standard for images.
    Eidas,
    /// No special regulation: no document or face images.
    Standard,
    /// Like Standard, plus driving licence images in method photo.
    Mobility,
}

/// Credentials of one more client account (besides the default one in [`PostidentOptions`]).
#[derive(Clone)]
pub struct PostidentAccount {
    /// Client id (path segment of every API call).
    pub client_id: String,
    /// API user name (HTTP Basic).
    pub username: String,
    /// API password (HTTP Basic).
    pub password: String,
    /// Data password that keys the `x-scr-keyhash` HMAC.
    pub data_password: String,
}

redacted_debug!(PostidentAccount {
    client_id,
    username,
    password(secret),
    data_password(secret),
});

/// A partner of a client account (result guide section 9): it creates cases for the client's
/// clientId with its own credentials, receives webhooks at `webHookUrlPartner`, and reads the
/// status endpoints of the cases it created — never result data (403), never archives (403).
#[derive(Clone)]
pub struct PostidentPartner {
    /// The client account it works for; `None` is the default account.
    pub client_id: Option<String>,
    /// API user name (HTTP Basic).
    pub username: String,
    /// API password (HTTP Basic).
    pub password: String,
    /// Data password that keys its `x-scr-keyhash`.
    pub data_password: String,
}

redacted_debug!(PostidentPartner {
    client_id,
    username,
    password(secret),
    data_password(secret),
});

impl Default for PostidentPartner {
    /// The default account's partner: [`DEFAULT_PARTNER_USERNAME`],
    /// [`DEFAULT_PARTNER_PASSWORD`], [`DEFAULT_PARTNER_DATA_PASSWORD`].
    fn default() -> Self {
        PostidentPartner {
            client_id: None,
            username: DEFAULT_PARTNER_USERNAME.to_owned(),
            password: DEFAULT_PARTNER_PASSWORD.to_owned(),
            data_password: DEFAULT_PARTNER_DATA_PASSWORD.to_owned(),
        }
    }
}

/// HTTP Basic credentials the sandbox sends with each webhook delivery.
#[derive(Clone)]
pub struct WebhookCredentials {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}

redacted_debug!(WebhookCredentials {
    username,
    password(secret),
});

/// Options of the POSTIDENT simulator. The behaviour flags apply to every account.
#[derive(Clone)]
pub struct PostidentOptions {
    /// Client id of the default account ([`DEFAULT_CLIENT_ID`]).
    pub client_id: String,
    /// API user name of the default account ([`DEFAULT_USERNAME`]).
    pub username: String,
    /// API password of the default account ([`DEFAULT_PASSWORD`]).
    pub password: String,
    /// Data password of the default account ([`DEFAULT_DATA_PASSWORD`]).
    pub data_password: String,
    /// More accounts, each with its own cases.
    pub extra_accounts: Vec<PostidentAccount>,
    /// Partners of the accounts (default: one for the default account,
    /// [`PostidentPartner::default`]).
    pub partners: Vec<PostidentPartner>,
    /// Identification methods configured for the accounts (default: all five). A method that is
    /// not configured cannot be started; a case closes after `cancelled` only when every
    /// configured method is cancelled.
    pub methods: Vec<Method>,
    /// Regulatory class (default GwG): decides which records carry binary data.
    pub regulatory_class: RegulatoryClass,
    /// Refuse result requests without `x-scr-key` / `x-scr-keyhash` (production behaviour).
    /// Default false (integration behaviour: encryption optional).
    pub encryption_required: bool,
    /// JWE content encryption (`enc`) of encrypted answers. Default `A256GCM`; any value josekit
    /// supports (`A128GCM`, `A192GCM`, `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`).
    pub jwe_enc: String,
    /// How long a case id stays valid after creation, in documented (unscaled) time. Default
    /// 90 days; the real wait is scaled by the [`Clock`].
    pub case_validity: Duration,
    /// Whether the result PDF feature is activated for the accounts (default true).
    pub result_pdf: bool,
    /// Which status types trigger a webhook (default: all four). Empty disables webhooks.
    pub webhook_status_types: Vec<StatusType>,
    /// Whether the webhook body carries the referenceId (default true).
    pub webhook_includes_reference_id: bool,
    /// HTTP Basic credentials sent with every webhook delivery (default none), so that a
    /// receiver configured with `[postident.webhook]` credentials can be tried against the
    /// sandbox. Changeable at run time: `PUT /__control/webhook-credentials`,
    /// [`PostidentSandbox::set_webhook_credentials`].
    pub webhook_credentials: Option<WebhookCredentials>,
    /// How long the receiver may take to answer 200 (documented: 2 s; scaled, at least 250 ms).
    pub webhook_timeout: Duration,
    /// Waits before each retry in documented time (default: 0 s, 900 s, 3,600 s).
    pub webhook_retry_delays: Vec<Duration>,
    /// Maximum number of cases per list answer (documented: 1,000).
    pub list_limit: usize,
    /// Maximum number of caseIds per archive request (documented: 10,000).
    pub archive_limit: usize,
    /// UTC offset of every timestamp the sandbox writes (default +01:00).
    pub utc_offset: chrono::FixedOffset,
    /// How often the case URL may start an identification (a new one, a resume after
    /// `incomplete`, `started` again) before the next start is declined with subStatus 12
    /// "case URL started too often" and the case closes. Default `Some(10)` (POSTIDENT does not
    /// publish its limit); `None` never declines.
    pub case_start_limit: Option<u32>,
    /// The optional postal address check (result guide 8.6.6, "has to be configured"): results
    /// carry `addressMatch` for German addresses. Default false.
    pub address_check: bool,
}

impl Default for PostidentOptions {
    fn default() -> Self {
        PostidentOptions {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            username: DEFAULT_USERNAME.to_owned(),
            password: DEFAULT_PASSWORD.to_owned(),
            data_password: DEFAULT_DATA_PASSWORD.to_owned(),
            extra_accounts: Vec::new(),
            partners: vec![PostidentPartner::default()],
            methods: Method::ALL.to_vec(),
            regulatory_class: RegulatoryClass::GwG,
            encryption_required: false,
            jwe_enc: "A256GCM".to_owned(),
            case_validity: Duration::from_secs(90 * 24 * 3600),
            result_pdf: true,
            webhook_status_types: StatusType::ALL.to_vec(),
            webhook_includes_reference_id: true,
            webhook_credentials: None,
            webhook_timeout: Duration::from_secs(2),
            webhook_retry_delays: vec![
                Duration::from_secs(0),
                Duration::from_secs(900),
                Duration::from_secs(3600),
            ],
            list_limit: 1000,
            archive_limit: 10_000,
            utc_offset: chrono::FixedOffset::east_opt(3600).expect("valid offset"),
            case_start_limit: Some(10),
            address_check: false,
        }
    }
}

redacted_debug!(PostidentOptions {
    client_id,
    username,
    password(secret),
    data_password(secret),
    extra_accounts,
    partners,
    methods,
    regulatory_class,
    encryption_required,
    jwe_enc,
    case_validity,
    result_pdf,
    webhook_status_types,
    webhook_includes_reference_id,
    webhook_credentials,
    webhook_timeout,
    webhook_retry_delays,
    list_limit,
    archive_limit,
    utc_offset,
    case_start_limit,
    address_check,
});

/// Handle to the running POSTIDENT simulator: URLs, credentials and in-process controls that
/// mirror the HTTP control API.
#[derive(Clone)]
pub struct PostidentSandbox {
    shared: Arc<state::Shared>,
}

impl fmt::Debug for PostidentSandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostidentSandbox")
            .field("base_url", &self.shared.base_url.as_str())
            .field("client_id", &self.shared.options.client_id)
            .finish_non_exhaustive()
    }
}

impl PostidentSandbox {
    /// The base URL to configure the POSTIDENT adapter with: `{root}/postident/api` (the API is
    /// at `{base}/scr/v1/{clientId}/cases...`, like `https://postident.deutschepost.de/api`).
    pub fn base_url(&self) -> &url::Url {
        &self.shared.base_url
    }

    /// `{root}/postident`: where the user pages and the control API live.
    pub fn root_url(&self) -> &url::Url {
        &self.shared.root_url
    }

    /// `{root}/postident/__control`: the HTTP control API.
    pub fn control_url(&self) -> url::Url {
        self.shared.control_url()
    }

    /// `{base}/scr/v1/{clientId}/cases` of the default account.
    pub fn cases_url(&self) -> url::Url {
        self.shared.cases_url(&self.shared.options.client_id)
    }

    /// Client id of the default account.
    pub fn client_id(&self) -> &str {
        &self.shared.options.client_id
    }

    /// API user name of the default account.
    pub fn username(&self) -> &str {
        &self.shared.options.username
    }

    /// API password of the default account.
    pub fn password(&self) -> &str {
        &self.shared.options.password
    }

    /// Data password of the default account (keys the `x-scr-keyhash`).
    pub fn data_password(&self) -> &str {
        &self.shared.options.data_password
    }

    /// User name of the default account's first partner (result guide section 9), when it has
    /// one.
    pub fn partner_username(&self) -> Option<&str> {
        self.default_partner().map(|p| p.username.as_str())
    }

    /// Password of the default account's first partner.
    pub fn partner_password(&self) -> Option<&str> {
        self.default_partner().map(|p| p.password.as_str())
    }

    /// Data password of the default account's first partner.
    pub fn partner_data_password(&self) -> Option<&str> {
        self.default_partner().map(|p| p.data_password.as_str())
    }

    fn default_partner(&self) -> Option<&PostidentPartner> {
        let o = &self.shared.options;
        o.partners
            .iter()
            .find(|p| p.client_id.as_ref().is_none_or(|c| c == &o.client_id))
    }

    /// Sets (or with `None` removes) the HTTP Basic credentials sent with every webhook from now
    /// on, as `PUT` / `DELETE /__control/webhook-credentials` do.
    pub fn set_webhook_credentials(&self, credentials: Option<WebhookCredentials>) {
        self.shared.set_webhook_credentials(credentials);
    }

    /// The user name of the HTTP Basic credentials webhooks carry now (set through
    /// [`PostidentOptions::webhook_credentials`] or the control API), `None` without. The
    /// password is never handed out.
    pub fn webhook_username(&self) -> Option<String> {
        self.shared.webhook_credentials().map(|c| c.username)
    }

    /// Removes a case's webhook URLs (`webHookUrl`, `webHookUrlPartner`) and stops every delivery
    /// to them that has not been made yet, as `DELETE /__control/cases/{caseId}/webhook` does.
    pub fn remove_webhook(&self, case_id: &str) -> Result<(), ControlError> {
        control::remove_webhook(&self.shared, None, case_id)
    }

    /// The user page of a case (what `webStart.caseURL` points at).
    pub fn user_url(&self, case_id: &str) -> url::Url {
        self.shared.user_url(case_id)
    }

    /// Creates a case for the default account as `POST .../cases` would, from the same JSON body.
    /// Returns the create response body.
    pub fn create_case(&self, body: &serde_json::Value) -> Result<serde_json::Value, ControlError> {
        let client_id = self.shared.options.client_id.clone();
        create::create_case(&self.shared, &client_id, body, None).map_err(ControlError::from_api)
    }

    /// Moves the identification of `transition.method` in a case (of any account) to a new
    /// state (see [`Transition`]). Returns the full case as result JSON.
    pub fn apply(
        &self,
        case_id: &str,
        transition: &Transition,
    ) -> Result<serde_json::Value, ControlError> {
        control::apply_transition(&self.shared, None, case_id, transition)
    }

    /// Plays a documented outcome for `method` as the user page buttons do (several steps, e.g.
    /// video success goes through `started`, `review pending`, `success`).
    pub fn complete(
        &self,
        case_id: &str,
        method: Method,
        outcome: &Outcome,
    ) -> Result<serde_json::Value, ControlError> {
        control::apply_outcome(&self.shared, None, case_id, method, outcome)
    }

    /// Lets a case's `validUntil` pass now: the case is declined with subStatus 12.
    pub fn expire_now(&self, case_id: &str) -> Result<serde_json::Value, ControlError> {
        control::expire_now(&self.shared, None, case_id)
    }

    /// Sends the case's webhook (`{caseId, referenceId}`) again now, with the usual retries —
    /// for testing receivers against duplicate deliveries.
    pub fn resend_webhook(&self, case_id: &str) -> Result<(), ControlError> {
        control::resend_webhook(&self.shared, None, case_id)
    }

    /// The full result JSON of a case (all identifications, result PDF and binary data), plain.
    pub fn case_json(&self, case_id: &str) -> Option<serde_json::Value> {
        control::case_json(&self.shared, None, case_id)
    }

    /// The caseIds of the default account, oldest first.
    pub fn case_ids(&self) -> Vec<String> {
        self.shared.case_ids(&self.shared.options.client_id)
    }

    /// Every webhook delivery attempt so far, in the order they were made.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.deliveries()
    }

    /// Waits (real time) until at least `count` webhook attempts are logged or `timeout` passes;
    /// returns the log.
    pub async fn wait_for_webhook_deliveries(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Vec<WebhookDelivery> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let log = self.shared.deliveries();
            if log.len() >= count || tokio::time::Instant::now() >= deadline {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Queues a fault for the next matching API responses.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// How many requests reached the SCR API (all accounts, including refused ones).
    pub fn api_request_count(&self) -> u64 {
        self.shared
            .api_requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many `POST .../cases` requests reached the SCR API (including refused ones).
    pub fn create_request_count(&self) -> u64 {
        self.shared
            .create_requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Builds the router served under `/postident` and its handle.
pub(crate) fn build(
    options: &PostidentOptions,
    clock: Clock,
    root: &url::Url,
) -> (axum::Router, PostidentSandbox) {
    let shared = Arc::new(state::Shared::new(options.clone(), clock, root));
    state::spawn_expiry_sweeper(&shared);
    let router = axum::Router::new()
        .merge(api::router(shared.clone()))
        .merge(control_api::router(shared.clone()))
        .merge(user_page::router(shared.clone()));
    (router, PostidentSandbox { shared })
}

impl PostidentSandbox {
    /// One JSON object per case of every client, in creation order, for the overview page
    /// (`/`): ids, status, the primary identification, attempts, custom data, webhook
    /// deliveries and the user page. Values are the caller's data verbatim; the page shows them
    /// as text.
    pub(crate) fn overview_cases(&self) -> Vec<serde_json::Value> {
        use serde_json::json;
        let deliveries = self.shared.deliveries();
        let cases = self.shared.lock_cases();
        let mut all: Vec<&state::Case> = cases.values().flat_map(|m| m.values()).collect();
        all.sort_by_key(|c| c.seq);
        all.into_iter()
            .map(|case| {
                let own: Vec<&WebhookDelivery> = deliveries
                    .iter()
                    .filter(|d| d.case_id == case.case_id)
                    .collect();
                let primary = case.primary();
                let custom: Vec<String> = case
                    .custom_data()
                    .map(|m| {
                        m.values()
                            .map(|v| match v {
                                serde_json::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "caseId": case.case_id,
                    "reference": case.reference_id,
                    "status": case.state.as_str(),
                    "method": primary.map(|p| p.method.as_str()),
                    "identificationStatus": primary.map(|p| p.status.as_str()),
                    "subStatus": primary.and_then(|p| p.sub_status).map(|(code, _)| code),
                    "attempts": case.identifications.len(),
                    "archived": case.archived,
                    "custom": custom,
                    "webhooks": {
                        "deliveries": own.len(),
                        "delivered": own.iter().filter(|d| d.delivered).count(),
                        "pending": 0,
                        "last": own.last().map(|d| d.status.clone()),
                    },
                    "userUrl": self.shared.user_url(&case.case_id).as_str(),
                })
            })
            .collect()
    }
}
