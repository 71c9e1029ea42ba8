//! The in-memory state of the IDnow simulator: companies, login tokens, idents, document
//! definitions. Everything here is plain data; the rules that change it live in `lifecycle.rs`
//! (user and agent side) and the route modules (API side).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};

use super::CompanySetup;

/// Where the simulator delivers the webhooks of one company.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The URL every webhook of the company is POSTed to.
    pub url: url::Url,
    /// Optional HTTP Basic credentials (`username`, `password`) sent with every delivery.
    pub basic_auth: Option<(String, String)>,
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url.as_str())
            .field(
                "basic_auth",
                &self
                    .basic_auth
                    .as_ref()
                    .map(|(user, _)| (user, "[redacted]")),
            )
            .finish()
    }
}

/// One login token handed out by `POST /login`.
pub(crate) struct TokenInfo {
    pub company: String,
    pub last_used: Instant,
    /// Set by the control API's "expire all tokens".
    pub force_expired: bool,
}

/// The whole simulator state behind one mutex.
#[derive(Default)]
pub(crate) struct Store {
    pub companies: BTreeMap<String, Company>,
    pub tokens: HashMap<String, TokenInfo>,
    /// IdentID -> (company, lower-cased transaction number).
    pub ident_ids: HashMap<String, (String, String)>,
    pub login_count: u64,
}

impl Store {
    /// Finds an ident by company and transaction number (case-insensitive).
    pub fn ident_mut(&mut self, company: &str, txn: &str) -> Option<&mut Ident> {
        self.companies
            .get_mut(company)?
            .idents
            .get_mut(&txn.to_ascii_lowercase())
    }

    /// Finds an ident by company and transaction number (case-insensitive).
    pub fn ident(&self, company: &str, txn: &str) -> Option<&Ident> {
        self.companies
            .get(company)?
            .idents
            .get(&txn.to_ascii_lowercase())
    }

    /// Finds `(company, transaction number key)` of an IdentID.
    pub fn locate_ident_id(&self, ident_id: &str) -> Option<(String, String)> {
        self.ident_ids.get(&ident_id.to_ascii_uppercase()).cloned()
    }
}

/// One company (IDnow "shortname"): its configuration and what happened to it.
pub(crate) struct Company {
    /// As configured, with the create fields beyond the documented table lower-cased.
    pub setup: CompanySetup,
    pub logins: u64,
    /// Lower-cased transaction number -> ident (deleted idents are removed from here).
    pub idents: BTreeMap<String, Ident>,
    /// Every lower-cased transaction number ever used, deleted ones included.
    pub used_transaction_numbers: HashSet<String>,
    pub webhook: Option<WebhookTarget>,
    /// Document definitions in display order (sortOrder = position + 1).
    pub definitions: Vec<DocumentDefinition>,
}

impl Company {
    /// A company as `setup` configures it, with no logins, idents, webhook target or document
    /// definitions yet.
    pub fn new(setup: &CompanySetup) -> Company {
        let mut setup = setup.clone();
        for field in &mut setup.extra_create_fields {
            field.make_ascii_lowercase();
        }
        Company {
            setup,
            logins: 0,
            idents: BTreeMap::new(),
            used_transaction_numbers: HashSet::new(),
            webhook: None,
            definitions: Vec::new(),
        }
    }
}

/// A QES/eSign document definition of a company.
#[derive(Clone)]
pub(crate) struct DocumentDefinition {
    pub identifier: String,
    pub name: String,
    pub optional: bool,
    pub mime_type: String,
    pub view_policy: String,
}

/// A document uploaded for signing.
#[derive(Clone)]
pub(crate) struct UploadedDocument {
    pub bytes: bytes::Bytes,
    pub sha256_hex: String,
}

/// Where an ident stands. The words are IDnow's `identificationprocess.result` values; `Created`
/// has none (the API answers `OBJECT_NOT_FOUND`), `Started` is the sandbox's word for "the user
/// is in the flow" (see docs/sandbox/idnow.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Created,
    Started,
    Aborted,
    CheckPending,
    ReviewPending,
    FraudSuspicionPending,
    Success,
    SuccessDataChanged,
    FraudSuspicionConfirmed,
    Canceled,
    /// Any other result word set through the control API (kept verbatim, treated as retryable).
    Other(String),
}

impl Status {
    /// Parses a result word (as the control API receives it).
    pub fn from_result_word(word: &str) -> Status {
        match word.trim().to_ascii_uppercase().as_str() {
            "START" | "STARTED" => Status::Started,
            "ABORTED" => Status::Aborted,
            "CHECK_PENDING" => Status::CheckPending,
            "REVIEW_PENDING" => Status::ReviewPending,
            "FRAUD_SUSPICION_PENDING" => Status::FraudSuspicionPending,
            "SUCCESS" => Status::Success,
            "SUCCESS_DATA_CHANGED" => Status::SuccessDataChanged,
            "FRAUD_SUSPICION_CONFIRMED" => Status::FraudSuspicionConfirmed,
            "CANCELED" | "CANCELLED" => Status::Canceled,
            "CREATED" => Status::Created,
            _ => Status::Other(word.trim().to_string()),
        }
    }

    /// The `identificationprocess.result` word, `None` before the user started.
    pub fn result_word(&self) -> Option<&str> {
        Some(match self {
            Status::Created => return None,
            Status::Started => "START",
            Status::Aborted => "ABORTED",
            Status::CheckPending => "CHECK_PENDING",
            Status::ReviewPending => "REVIEW_PENDING",
            Status::FraudSuspicionPending => "FRAUD_SUSPICION_PENDING",
            Status::Success => "SUCCESS",
            Status::SuccessDataChanged => "SUCCESS_DATA_CHANGED",
            Status::FraudSuspicionConfirmed => "FRAUD_SUSPICION_CONFIRMED",
            Status::Canceled => "CANCELED",
            Status::Other(word) => word,
        })
    }

    /// `Finished` in IDnow's words: SUCCESS, SUCCESS_DATA_CHANGED, FRAUD_SUSPICION_CONFIRMED.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            Status::Success | Status::SuccessDataChanged | Status::FraudSuspicionConfirmed
        )
    }

    /// A preliminary result waiting for an agent (of these, `pending=true` lists REVIEW_PENDING).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Status::CheckPending | Status::ReviewPending | Status::FraudSuspicionPending
        )
    }

    /// Whether the user may start (another attempt of) this ident.
    pub fn user_may_start(&self) -> bool {
        matches!(
            self,
            Status::Created | Status::Aborted | Status::Canceled | Status::Other(_)
        )
    }

    /// The webhook type IDnow sends when an ident reaches this status.
    pub fn webhook_type(&self) -> &'static str {
        match self {
            Status::Created => "NONE",
            Status::Started => "START",
            Status::Aborted => "ABORTED",
            Status::CheckPending | Status::ReviewPending | Status::FraudSuspicionPending => {
                "REALTIME"
            }
            Status::Success | Status::SuccessDataChanged | Status::FraudSuspicionConfirmed => {
                "FINAL"
            }
            Status::Canceled => "CANCELED",
            Status::Other(_) => "FINAL",
        }
    }

    /// Bodies without readout data: user data as `ORIGINAL` only, no document, no attachments
    /// (IDnow: "Webhooks with Status Canceled and Check_Pending").
    pub fn has_thin_body(&self) -> bool {
        matches!(
            self,
            Status::Started | Status::Aborted | Status::CheckPending | Status::Canceled
        )
    }
}

/// A field changed by the agent or the reviewer.
#[derive(Clone, Debug)]
pub(crate) struct FieldChange {
    /// The value after the change.
    pub value: String,
    /// Set when the reviewer changed it: the value the identification had before the review.
    pub before_review: Option<String>,
}

/// One ident (identification request).
#[derive(Clone)]
pub(crate) struct Ident {
    pub ident_id: String,
    pub transaction_number: String,
    pub company: String,
    /// The data sent with create/update, keyed by lower-case field name.
    pub data: BTreeMap<String, String>,
    pub status: Status,
    pub reason: Option<String>,
    pub previous_result: Option<String>,
    pub identification_time: Option<DateTime<FixedOffset>>,
    /// The latest `identificationtime` this ident ever reported: a later result always reports
    /// a later time (a withdrawal or re-review is ordered after what it replaces).
    pub last_identification_time: Option<DateTime<FixedOffset>>,
    /// `WEB` or `APP`.
    pub channel: String,
    pub agent_name: Option<String>,
    pub nfc_used: Option<bool>,
    /// Fields whose verified value differs from what was sent (or was changed in review).
    pub changes: BTreeMap<String, FieldChange>,
    pub reviewed: bool,
    pub archived: bool,
    pub binding_key: Option<String>,
    /// Document definition identifier -> uploaded document.
    pub documents: BTreeMap<String, UploadedDocument>,
    pub documents_signed: bool,
    /// `identificationprocess.poaresult` when the proof-of-address add-on ran.
    pub poa_result: Option<String>,
    /// `identificationdocument.type` (default IDCARD).
    pub document_type: Option<String>,
    /// `identificationdocument` fields reported with status REDACTION and no value.
    pub redacted: Vec<String>,
    /// Bumped on every change; an outdated webhook retry carries an older version.
    pub version: u64,
    pub robot_scheduled: bool,
    /// How many attempts the user started.
    pub attempts: u32,
}

impl Ident {
    /// A fresh ident in status `Created`.
    pub fn new(
        ident_id: String,
        transaction_number: String,
        company: String,
        data: BTreeMap<String, String>,
    ) -> Ident {
        Ident {
            ident_id,
            transaction_number,
            company,
            data,
            status: Status::Created,
            reason: None,
            previous_result: None,
            identification_time: None,
            last_identification_time: None,
            channel: "WEB".to_string(),
            agent_name: None,
            nfc_used: None,
            changes: BTreeMap::new(),
            reviewed: false,
            archived: false,
            binding_key: None,
            documents: BTreeMap::new(),
            documents_signed: false,
            poa_result: None,
            document_type: None,
            redacted: Vec::new(),
            version: 0,
            robot_scheduled: false,
            attempts: 0,
        }
    }

    /// Lower-cased transaction number (the map key).
    pub fn key(&self) -> String {
        self.transaction_number.to_ascii_lowercase()
    }

    /// The test-robot scenario named in firstname, lastname or custom1..5, if any.
    pub fn robot_scenario(&self) -> Option<super::robot::Scenario> {
        [
            "firstname",
            "lastname",
            "custom1",
            "custom2",
            "custom3",
            "custom4",
            "custom5",
        ]
        .iter()
        .filter_map(|field| self.data.get(*field))
        .find_map(|value| super::robot::Scenario::parse(value))
    }
}
