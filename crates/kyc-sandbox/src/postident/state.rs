//! In-memory state of the POSTIDENT simulator: accounts, cases per clientId, identifications,
//! records, and the shared handles (clock, HTTP client for webhooks, fault queue, delivery log).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use serde_json::{Map, Value};

use super::codes::{Code, IdentStatus, Method};
use super::faults::FaultKind;
use super::webhooks::WebhookDelivery;
use super::PostidentOptions;
use crate::faults::FaultQueue;
use crate::Clock;

/// A timestamp as the sandbox keeps it (whole seconds, the configured offset).
pub type Timestamp = DateTime<FixedOffset>;

/// Formats a timestamp the way the guide writes them: `2016-07-05T18:23:15+02:00`.
pub fn format_ts(ts: &Timestamp) -> String {
    ts.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// HTTP Basic credentials and the data password of one API user.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub username: String,
    pub password: String,
    pub data_password: String,
}

/// One client account: its own credentials and those of its partners (result guide section 9).
#[derive(Clone)]
pub(crate) struct Account {
    pub client: Credentials,
    pub partners: Vec<Credentials>,
}

/// Who is calling: the client itself or one of its partners.
#[derive(Clone)]
pub(crate) struct Caller {
    /// The data password that keys this caller's `x-scr-keyhash`.
    pub data_password: String,
    /// The partner's user name, for a partner; `None` for the client.
    pub partner: Option<String>,
}

/// The status of a case (`caseStatus.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    /// `new`: no identification yet.
    New,
    /// `in progress`.
    InProgress,
    /// `closed`.
    Closed,
}

impl CaseState {
    /// Wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::InProgress => "in progress",
            CaseState::Closed => "closed",
        }
    }
}

/// Which binary asset a record carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Asset {
    Pdf,
    Jpeg,
}

/// One record (file) of an identification.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub record_id: String,
    pub belongs_to: &'static str,
    pub record_type: String,
    pub mime_type: &'static str,
    pub file_name: String,
    pub asset: Asset,
    /// Whether the regulatory class allows delivering the bytes.
    pub binary_allowed: bool,
    pub validation_status: Option<String>,
    pub validation_sub_status: Option<String>,
    pub validation_remark: Option<String>,
}

/// One identification (attempt with one method).
#[derive(Debug, Clone)]
pub(crate) struct Identification {
    pub method: Method,
    pub status: IdentStatus,
    pub sub_status: Option<Code>,
    pub sub_status_reason: Option<Code>,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub identification_time: Option<Timestamp>,
    /// `identificationDocument` without records.
    pub document: Option<Map<String, Value>>,
    /// `drivingLicence` without records.
    pub driving_licence: Option<Map<String, Value>>,
    /// `contactData` produced by this identification.
    pub contact_data: Option<Map<String, Value>>,
    /// `additionalDataBasic` / `additionalDataEid` / `additionalDataVideo`.
    pub additional: Option<(&'static str, Map<String, Value>)>,
    pub records: Vec<Record>,
    /// Creation order inside the case (tie-break for the primary identification).
    pub seq: u32,
}

/// One case.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub case_id: String,
    pub seq: u64,
    pub reference_id: String,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub valid_until: Timestamp,
    /// Real instant at which the case expires (validity scaled by the clock).
    pub expires_at: tokio::time::Instant,
    pub closed_at: Option<Timestamp>,
    pub archived: bool,
    pub state: CaseState,
    /// `orderData` as sent at creation (referenceId filled in).
    pub order: Map<String, Value>,
    pub identifications: Vec<Identification>,
    /// How often an identification was started or restarted through the case URL (new
    /// identification, resume after `incomplete`, `started` again): the "case URL started too
    /// often" of subStatus 12.
    pub starts: u32,
    /// The partner that created the case (result guide section 9), by user name.
    pub created_by_partner: Option<String>,
}

impl Case {
    /// The identification with the most progress (ties: the most recently modified, then the
    /// latest created).
    pub fn primary(&self) -> Option<&Identification> {
        self.identifications
            .iter()
            .max_by_key(|i| (i.status.progress(), i.modified, i.seq))
    }

    /// Webhook URLs of the case (`webHookUrl`, `webHookUrlPartner`).
    pub fn webhook_urls(&self) -> Vec<String> {
        let Some(Value::Object(pd)) = self.order.get("processData") else {
            return Vec::new();
        };
        ["webHookUrl", "webHookUrlPartner"]
            .iter()
            .filter_map(|k| pd.get(*k).and_then(Value::as_str).map(str::to_owned))
            .collect()
    }

    /// The `customData` object, if any.
    pub fn custom_data(&self) -> Option<&Map<String, Value>> {
        match self.order.get("customData") {
            Some(Value::Object(m)) if !m.is_empty() => Some(m),
            _ => None,
        }
    }
}

/// Everything the routes and the handle share.
pub(crate) struct Shared {
    pub options: PostidentOptions,
    pub clock: Clock,
    pub root_url: url::Url,
    pub base_url: url::Url,
    pub accounts: HashMap<String, Account>,
    pub cases: Mutex<HashMap<String, HashMap<String, Case>>>,
    pub next_seq: AtomicU64,
    pub next_record_id: AtomicU64,
    pub faults: FaultQueue<FaultKind>,
    pub deliveries: Arc<Mutex<Vec<WebhookDelivery>>>,
    pub http: reqwest::Client,
    pub runtime: Option<tokio::runtime::Handle>,
    pub api_requests: AtomicU64,
    pub create_requests: AtomicU64,
    /// HTTP Basic credentials sent with webhooks (options, then the control API).
    pub webhook_credentials: Mutex<Option<super::WebhookCredentials>>,
    /// Per caseId, how often its webhook was removed: a delivery started before stops.
    pub webhook_epochs: Arc<Mutex<HashMap<String, u64>>>,
}

impl Shared {
    pub fn new(options: PostidentOptions, clock: Clock, root: &url::Url) -> Shared {
        let root_url = root.join("postident/").expect("static path");
        let base_url = root.join("postident/api").expect("static path");
        let mut accounts = HashMap::new();
        accounts.insert(
            options.client_id.clone(),
            Account {
                client: Credentials {
                    username: options.username.clone(),
                    password: options.password.clone(),
                    data_password: options.data_password.clone(),
                },
                partners: Vec::new(),
            },
        );
        for extra in &options.extra_accounts {
            accounts.insert(
                extra.client_id.clone(),
                Account {
                    client: Credentials {
                        username: extra.username.clone(),
                        password: extra.password.clone(),
                        data_password: extra.data_password.clone(),
                    },
                    partners: Vec::new(),
                },
            );
        }
        for partner in &options.partners {
            let client_id = partner.client_id.as_ref().unwrap_or(&options.client_id);
            match accounts.get_mut(client_id) {
                Some(account) => account.partners.push(Credentials {
                    username: partner.username.clone(),
                    password: partner.password.clone(),
                    data_password: partner.data_password.clone(),
                }),
                None => tracing::warn!(
                    client_id = %client_id,
                    "sandbox: a partner of an unknown client id is ignored"
                ),
            }
        }
        let cases = accounts
            .keys()
            .map(|k| (k.clone(), HashMap::new()))
            .collect();
        Shared {
            clock,
            root_url,
            base_url,
            accounts,
            cases: Mutex::new(cases),
            next_seq: AtomicU64::new(1),
            next_record_id: AtomicU64::new(63_351_998),
            faults: FaultQueue::default(),
            deliveries: Arc::new(Mutex::new(Vec::new())),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
            runtime: tokio::runtime::Handle::try_current().ok(),
            api_requests: AtomicU64::new(0),
            create_requests: AtomicU64::new(0),
            webhook_credentials: Mutex::new(options.webhook_credentials.clone()),
            webhook_epochs: Arc::new(Mutex::new(HashMap::new())),
            options,
        }
    }

    /// Now, in whole seconds, at the configured offset.
    pub fn now(&self) -> Timestamp {
        Utc::now()
            .trunc_subsecs(0)
            .with_timezone(&self.options.utc_offset)
    }

    pub fn lock_cases(&self) -> MutexGuard<'_, HashMap<String, HashMap<String, Case>>> {
        self.cases.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn control_url(&self) -> url::Url {
        self.root_url.join("__control").expect("static path")
    }

    pub fn cases_url(&self, client_id: &str) -> url::Url {
        let mut u = self.base_url.clone();
        u.path_segments_mut()
            .expect("http URL")
            .extend(["scr", "v1", client_id, "cases"]);
        u
    }

    pub fn user_url(&self, case_id: &str) -> url::Url {
        let mut u = self.root_url.join("user/start/").expect("static path");
        u.query_pairs_mut().append_pair("caseId", case_id);
        u
    }

    pub fn case_ids(&self, client_id: &str) -> Vec<String> {
        let cases = self.lock_cases();
        let Some(client) = cases.get(client_id) else {
            return Vec::new();
        };
        let mut v: Vec<&Case> = client.values().collect();
        v.sort_by_key(|c| c.seq);
        v.into_iter().map(|c| c.case_id.clone()).collect()
    }

    pub fn webhook_credentials(&self) -> Option<super::WebhookCredentials> {
        self.webhook_credentials
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_webhook_credentials(&self, credentials: Option<super::WebhookCredentials>) {
        *self
            .webhook_credentials
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = credentials;
    }

    /// Stops every delivery to `case_id` that has not been made yet (its webhook was removed).
    pub fn cancel_webhooks(&self, case_id: &str) {
        *self
            .webhook_epochs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(case_id.to_owned())
            .or_default() += 1;
    }

    pub fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn next_record_id(&self) -> String {
        self.next_record_id
            .fetch_add(1, Ordering::SeqCst)
            .to_string()
    }

    /// Spawns a future on the sandbox's runtime (no-op outside a runtime).
    pub fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if let Ok(h) = tokio::runtime::Handle::try_current() {
            h.spawn(fut);
        } else if let Some(h) = &self.runtime {
            h.spawn(fut);
        } else {
            tracing::warn!("no Tokio runtime: sandbox background work skipped");
        }
    }
}

/// Declines every case whose validity has passed. Runs until the sandbox is dropped.
pub(crate) fn spawn_expiry_sweeper(shared: &Arc<Shared>) {
    let weak: Weak<Shared> = Arc::downgrade(shared);
    shared.spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let Some(shared) = weak.upgrade() else {
                return;
            };
            super::control::expire_due_cases(&shared);
        }
    });
}
