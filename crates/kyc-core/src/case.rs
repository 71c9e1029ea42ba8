//! A KYC case as the provider-neutral model sees it: how to refer to it, how to send the user to
//! it, where it stands, what was verified, the attempts, the files, and the provider's raw JSON.
//!
//! # JSON form
//!
//! [`Case`] serialises to a stable snake_case JSON object (documented in `docs/case-json.md`):
//!
//! ```json
//! {
//!   "provider": "idnow", "case_id": "TST-ABCDE", "reference": "order-4711",
//!   "status": "approved", "fraud_suspected": false, "data_changed": true,
//!   "provider_status": "SUCCESS_DATA_CHANGED",
//!   "reasons": [{"category": "other", "code": "...", "description": "...", "source": "idnow_reason"}],
//!   "identity": {"person": {"first_name": {"value": "ERIKA", "check": "match"}, "...": {}}},
//!   "attempts": [], "artifacts": [], "custom_fields": {"custom1": "..."},
//!   "created_at": "2024-01-02T10:00:00+01:00", "modified_at": null, "decided_at": null,
//!   "valid_until": null, "archived": false, "raw": {}
//! }
//! ```
//!
//! # Building values
//!
//! The data types that will grow ([`Case`], [`CaseHandle`], [`AppLink`], [`Attempt`],
//! [`Artifact`]) are `#[non_exhaustive]`: adding a field is not a breaking change, and outside
//! this crate they are built with their `new` constructor and the chained `with_*` setters
//! rather than struct literals. The fields stay public for reading and assignment.
//!
//! [`CaseRef`] stays exhaustive: it is the key of a case (`Eq`, `Hash`), and its three parts are
//! the whole identity of a case at both providers. A new part would change which references are
//! equal, a breaking change that `#[non_exhaustive]` could not hide.

use crate::details::{Accounting, AttemptDetails, ProofOfAddress, ReviewTrail, SigningResult};
use crate::identity::VerifiedIdentity;
use crate::provider::Provider;
use crate::raw_json::RawJson;
use crate::redact::presence;
use crate::setters::setters;
use crate::status::{CaseStatus, Reason};
use bytes::Bytes;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A timestamp with the offset the provider sent (`2024-01-02T10:00:00+01:00`).
pub type Timestamp = DateTime<FixedOffset>;

/// How to refer to a case: the provider, the provider's id and/or the caller's reference.
///
/// * IDnow: `case_id` is the IdentID shown to the user (`TST-ABCDE`), `reference` is the
///   caller's transaction number (the key IDnow's API is addressed by).
/// * POSTIDENT: `case_id` is the caseId (the key the API is addressed by), `reference` is the
///   caller's referenceId (defaults to the caseId).
///
/// Either may be absent; adapters say which one they need for which operation and answer an
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error naming the missing one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseRef {
    /// The provider that runs the case.
    pub provider: Provider,
    /// The provider's id of the case.
    pub case_id: Option<String>,
    /// The caller's reference for the case.
    pub reference: Option<String>,
}

impl CaseRef {
    /// A reference with both ids (either may be `None`).
    pub fn new(provider: Provider, case_id: Option<String>, reference: Option<String>) -> Self {
        CaseRef {
            provider,
            case_id,
            reference,
        }
    }
    /// A reference by the provider's case id.
    pub fn by_case_id(provider: Provider, case_id: impl Into<String>) -> Self {
        CaseRef::new(provider, Some(case_id.into()), None)
    }
    /// A reference by the caller's reference.
    pub fn by_reference(provider: Provider, reference: impl Into<String>) -> Self {
        CaseRef::new(provider, None, Some(reference.into()))
    }
    /// The provider's case id, or an invalid-input error saying the operation needs it.
    pub fn require_case_id(&self) -> crate::Result<&str> {
        self.case_id.as_deref().ok_or_else(|| {
            crate::Error::invalid_input(vec![crate::FieldViolation::new(
                "case_ref.case_id",
                format!("present ({} addresses cases by case id)", self.provider),
            )])
        })
    }
    /// The caller's reference, or an invalid-input error saying the operation needs it.
    pub fn require_reference(&self) -> crate::Result<&str> {
        self.reference.as_deref().ok_or_else(|| {
            crate::Error::invalid_input(vec![crate::FieldViolation::new(
                "case_ref.reference",
                format!("present ({} addresses cases by reference)", self.provider),
            )])
        })
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.provider)?;
        match (&self.case_id, &self.reference) {
            (Some(id), Some(r)) => write!(f, "{id} (ref {r})"),
            (Some(id), None) => f.write_str(id),
            (None, Some(r)) => write!(f, "ref {r}"),
            (None, None) => f.write_str("?"),
        }
    }
}

/// A way to open the identification in a provider's mobile app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppLink {
    /// `ios` or `android` (or another platform word the provider uses).
    pub platform: String,
    /// The deep link URL or URL scheme.
    pub url_or_scheme: String,
    /// The app's package or bundle name, when the provider gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

impl AppLink {
    /// A link for `platform` (`ios`, `android`) with its URL or URL scheme; no package name.
    pub fn new(platform: impl Into<String>, url_or_scheme: impl Into<String>) -> Self {
        AppLink {
            platform: platform.into(),
            url_or_scheme: url_or_scheme.into(),
            package: None,
        }
    }
}

setters!(AppLink {
    some with_package => package: String,
});

/// What `create_case` returns: the case's reference and where to send the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseHandle {
    /// The new case's ids.
    pub case_ref: CaseRef,
    /// The URL that starts the identification in a browser.
    pub user_url: url::Url,
    /// App deep links, where the provider has them.
    #[serde(default)]
    pub app_links: Vec<AppLink>,
    /// When the start link stops working, where the provider says so.
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
}

impl CaseHandle {
    /// A handle with the case's ids and the URL to send the user to; no app links, no expiry.
    pub fn new(case_ref: CaseRef, user_url: url::Url) -> Self {
        CaseHandle {
            case_ref,
            user_url,
            app_links: Vec::new(),
            expires_at: None,
        }
    }
}

setters!(CaseHandle {
    some with_expires_at => expires_at: Timestamp,
    exact with_app_links => app_links: Vec<AppLink>,
});

/// How the user identified, in neutral words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdentMethod {
    /// Automated document + selfie check (IDnow AutoIdent, POSTIDENT `autoid`).
    AutoIdent,
    /// Video call with an agent (POSTIDENT `video`).
    Video,
    /// German eID (online ID card function, POSTIDENT `eid`).
    Eid,
    /// In person at a post office (POSTIDENT `basic`).
    PostOffice,
    /// Uploaded photos reviewed by an agent (POSTIDENT `photo`).
    Photo,
    /// A method this library does not know yet, verbatim.
    Unknown(String),
}

/// One identification attempt in a case: an IDnow attempt of the same ident, or a POSTIDENT
/// identification with one method. Build it with [`Attempt::new`] and the `with_*` setters.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Attempt {
    /// A stable id of the attempt, when known: the provider's own id where it has one, else one
    /// the recorder of the attempt assigned (the journal). `None` for an attempt read straight
    /// from a provider that gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The method used.
    pub method: IdentMethod,
    /// Where this attempt stands (flattened: `status`, `fraud_suspected`, `data_changed`).
    #[serde(flatten)]
    pub status: CaseStatus,
    /// The provider's own status words for the attempt.
    pub provider_status: String,
    /// Why the attempt stands where it does.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// When the attempt started.
    #[serde(default)]
    pub started_at: Option<Timestamp>,
    /// When the attempt ended.
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    /// Where, by whom and through which channel the attempt ran, when the provider says.
    #[serde(default, skip_serializing_if = "AttemptDetails::is_empty")]
    pub details: AttemptDetails,
    /// The provider's payload for this attempt, verbatim (the text as received; it reads as a
    /// `serde_json::Value` on demand, see [`RawJson`]).
    #[serde(default)]
    pub raw: RawJson,
}

impl Attempt {
    /// An attempt with a method, status and the provider's words; everything else empty.
    pub fn new(
        method: IdentMethod,
        status: CaseStatus,
        provider_status: impl Into<String>,
    ) -> Self {
        Attempt {
            id: None,
            method,
            status,
            provider_status: provider_status.into(),
            reasons: Vec::new(),
            started_at: None,
            finished_at: None,
            details: AttemptDetails::default(),
            raw: RawJson::null(),
        }
    }
}

setters!(Attempt {
    some with_id => id: String,
    some with_started_at => started_at: Timestamp,
    some with_finished_at => finished_at: Timestamp,
    set with_details => details: AttemptDetails,
    set with_raw => raw: RawJson,
    exact with_reasons => reasons: Vec<Reason>,
});

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("status", &self.status)
            .field("provider_status", &self.provider_status)
            .field("reasons", &self.reasons)
            .field("started_at", &self.started_at)
            .field("finished_at", &self.finished_at)
            .field("details", &self.details)
            .field("raw", &"[redacted]")
            .finish()
    }
}

/// What a file of a case shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ArtifactKind {
    /// The result as PDF.
    ResultPdf,
    /// The result as XML.
    ResultXml,
    /// The signature over the XML result.
    ResultSignature,
    /// The front side of the identity document.
    DocumentFront,
    /// The back side of the identity document.
    DocumentBack,
    /// Another image of an identity document (photo page, driving licence side, ...).
    DocumentImage,
    /// The user's face (selfie).
    Selfie,
    /// The user's handwritten signature or the document's signature field.
    Signature,
    /// An image of a security feature (hologram).
    SecurityFeature,
    /// A document signed with a qualified electronic signature.
    SignedDocument,
    /// A contract or document to be signed.
    ContractDocument,
    /// A video or video log.
    Video,
    /// Proof of address (utility bill, bank statement).
    ProofOfAddress,
    /// Structured result data delivered as a file.
    ResultData,
    /// Another file, with the provider's name for its kind.
    Other(String),
}

/// Where an artifact's bytes come from; [`crate::KycProvider::fetch_artifact`] reads this.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ArtifactSource {
    /// The bytes came with the result (POSTIDENT `documentData` with `includeBinaryData`).
    /// Serialised as standard Base64.
    Inline {
        /// The file's bytes.
        #[serde(with = "base64_bytes")]
        data: Bytes,
    },
    /// A file inside the provider's result archive (IDnow result ZIP).
    ResultArchive {
        /// The entry name in the archive.
        entry: String,
    },
    /// A file the provider serves on its own path.
    Download {
        /// The provider path, relative to the adapter's base URL.
        path: String,
    },
}

impl fmt::Debug for ArtifactSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArtifactSource::Inline { data } => write!(f, "Inline({} bytes)", data.len()),
            ArtifactSource::ResultArchive { entry } => write!(f, "ResultArchive({entry:?})"),
            ArtifactSource::Download { path } => write!(f, "Download({path:?})"),
        }
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(data))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map(Bytes::from)
            .map_err(serde::de::Error::custom)
    }
}

/// A file that belongs to a case: result PDF, images, signed documents, ...
/// Build it with [`Artifact::new`] and [`Artifact::with_mime_type`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Artifact {
    /// What the file shows.
    pub kind: ArtifactKind,
    /// The provider's file name.
    pub name: String,
    /// The MIME type, when known (`image/jpeg`, `application/pdf`).
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Where its bytes come from.
    pub source: ArtifactSource,
}

impl Artifact {
    /// A file of `kind` named `name` whose bytes come from `source`; MIME type unknown.
    pub fn new(kind: ArtifactKind, name: impl Into<String>, source: ArtifactSource) -> Self {
        Artifact {
            kind,
            name: name.into(),
            mime_type: None,
            source,
        }
    }
}

setters!(Artifact {
    some with_mime_type => mime_type: String,
});

/// A KYC case: everything a provider reports about one user's identification, in neutral form,
/// with the provider's payload kept verbatim in [`Case::raw`].
///
/// A final status may still change later (an IDnow supervisor's re-review, a preliminary result
/// cancelled); see [`Case::supersedes`] for which of two versions of a case to keep.
///
/// Adapters build cases from provider payloads; a caller builds one (for a test double of
/// [`KycProvider`](crate::KycProvider), say) with [`Case::new`] and the `with_*` setters:
///
/// ```
/// use kyc_core::{Case, CaseRef, CaseStatus, Provider};
///
/// let decided = "2024-01-02T10:05:00+01:00".parse().unwrap();
/// let case = Case::new(
///     CaseRef::new(Provider::Idnow, Some("TST-ABCDE".into()), Some("order-4711".into())),
///     CaseStatus::Approved { data_changed: false },
///     "SUCCESS",
///     serde_json::Value::Null,
/// )
/// .with_decided_at(decided)
/// .with_custom_field("custom1", "campaign-7");
/// assert!(case.status.is_final());
/// assert_eq!(case.last_changed(), Some(decided));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Case {
    /// Provider, case id, reference (flattened into the JSON object).
    #[serde(flatten)]
    pub case_ref: CaseRef,
    /// Where the case stands (flattened: `status`, `fraud_suspected`, `data_changed`).
    #[serde(flatten)]
    pub status: CaseStatus,
    /// The provider's own status words, verbatim (`SUCCESS_DATA_CHANGED`, `closed/success`).
    pub provider_status: String,
    /// Why the case stands where it does.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// What was verified, when the provider reports identity data.
    #[serde(default)]
    pub identity: Option<VerifiedIdentity>,
    /// Every identification attempt the provider reports, oldest first where known.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// Files of the case.
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
    /// The caller's custom fields as echoed by the provider (`custom1` .. `custom5`).
    #[serde(default)]
    pub custom_fields: BTreeMap<String, String>,
    /// When the case was created.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When the provider last changed the case.
    #[serde(default)]
    pub modified_at: Option<Timestamp>,
    /// When the current decision (or identification) was made.
    #[serde(default)]
    pub decided_at: Option<Timestamp>,
    /// Until when the case can be started or continued.
    #[serde(default)]
    pub valid_until: Option<Timestamp>,
    /// Whether the provider has archived the case.
    #[serde(default)]
    pub archived: bool,
    /// The proof-of-address check, when the account has it enabled (IDnow `poaresult`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_of_address: Option<ProofOfAddress>,
    /// The qualified electronic signing that ran in the identification (IDnow `esigning`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<SigningResult>,
    /// How the decision was reached: the preliminary result before it, who changed data.
    #[serde(default, skip_serializing_if = "ReviewTrail::is_empty")]
    pub review: ReviewTrail,
    /// What the provider invoices the case under (POSTIDENT `accountingData`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting: Option<Accounting>,
    /// The provider's payload this case was read from, verbatim (decrypted where encrypted): the
    /// text as received, which reads as a `serde_json::Value` on demand ([`RawJson`]).
    #[serde(default)]
    pub raw: RawJson,
}

impl Case {
    /// A case with the given reference, status and raw payload; everything else empty.
    pub fn new(
        case_ref: CaseRef,
        status: CaseStatus,
        provider_status: impl Into<String>,
        raw: impl Into<RawJson>,
    ) -> Self {
        Case {
            case_ref,
            status,
            provider_status: provider_status.into(),
            reasons: Vec::new(),
            identity: None,
            attempts: Vec::new(),
            artifacts: Vec::new(),
            custom_fields: BTreeMap::new(),
            created_at: None,
            modified_at: None,
            decided_at: None,
            valid_until: None,
            archived: false,
            proof_of_address: None,
            signing: None,
            review: ReviewTrail::default(),
            accounting: None,
            raw: raw.into(),
        }
    }

    /// Adds one custom field as the provider echoes it (`custom1` .. `custom5`).
    #[must_use]
    pub fn with_custom_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom_fields.insert(name.into(), value.into());
        self
    }

    /// True when `self` (learned later) should replace `stored` in the caller's records.
    ///
    /// Webhooks arrive late, twice and out of order, and a provider may take back what it said:
    /// IDnow cancels a preliminary `SUCCESS` or `REVIEW_PENDING` (the personal data is then
    /// deleted), and a supervisor may re-review a final result. So the rule is:
    ///
    /// 1. **The provider's later word wins.** When both cases carry a change time
    ///    ([`Case::last_changed`]) and the times differ, the newer one wins, whatever the
    ///    statuses: a cancellation after an approval replaces it, a delayed copy of an older
    ///    decision cannot undo a re-review.
    /// 2. **Without an order, a decision stands.** When either time is missing or both are
    ///    equal, [`CaseStatus::may_replace`] decides: a preliminary, in-progress or retryable
    ///    case never replaces a final one; a final one may replace another final one.
    ///
    /// The same case seen twice supersedes itself (idempotent).
    pub fn supersedes(&self, stored: &Case) -> bool {
        match (self.last_changed(), stored.last_changed()) {
            (Some(new), Some(old)) if new != old => new > old,
            _ => self.status.may_replace(&stored.status),
        }
    }

    /// When the provider last changed the case: `modified_at`, else `decided_at`.
    pub fn last_changed(&self) -> Option<Timestamp> {
        self.modified_at.or(self.decided_at)
    }
}

setters!(Case {
    some with_identity => identity: VerifiedIdentity,
    some with_created_at => created_at: Timestamp,
    some with_modified_at => modified_at: Timestamp,
    some with_decided_at => decided_at: Timestamp,
    some with_valid_until => valid_until: Timestamp,
    some with_proof_of_address => proof_of_address: ProofOfAddress,
    some with_signing => signing: SigningResult,
    some with_accounting => accounting: Accounting,
    set with_review => review: ReviewTrail,
    exact with_reasons => reasons: Vec<Reason>,
    exact with_attempts => attempts: Vec<Attempt>,
    exact with_artifacts => artifacts: Vec<Artifact>,
    exact with_custom_fields => custom_fields: BTreeMap<String, String>,
    exact with_archived => archived: bool,
});

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("case_ref", &self.case_ref)
            .field("status", &self.status)
            .field("provider_status", &self.provider_status)
            .field("reasons", &self.reasons)
            .field("identity", &self.identity)
            .field("attempts", &self.attempts)
            .field("artifacts", &self.artifacts)
            .field(
                "custom_fields",
                &self
                    .custom_fields
                    .keys()
                    .map(|k| (k.as_str(), presence(&Some(()))))
                    .collect::<BTreeMap<_, _>>(),
            )
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("decided_at", &self.decided_at)
            .field("valid_until", &self.valid_until)
            .field("archived", &self.archived)
            .field("proof_of_address", &self.proof_of_address)
            .field("signing", &self.signing)
            .field("review", &self.review)
            .field("accounting", &self.accounting)
            .field("raw", &"[redacted]")
            .finish()
    }
}
