//! POSTIDENT status codes → the neutral [`CaseStatus`] and [`ReasonCategory`].
//!
//! This one file holds every code the result guide documents (section 4, all five methods, and
//! the photo record validation of 4.4.1) and how each maps. Read it top to bottom:
//!
//! 1. **The status rules** ([`neutral_status`]): how an identification's `status` (plus its
//!    `subStatus` and the case's own status) becomes a [`CaseStatus`].
//! 2. **The code tables** ([`CODES`]): every `subStatus` and `subStatusReason` per method and
//!    status, with the guide's description and our [`ReasonCategory`].
//! 3. **Photo record validation** ([`VALIDATION_STATUSES`], [`VALIDATION_SUB_STATUSES`]).
//! 4. **Lookups** that turn a payload's codes into [`Reason`]s.
//!
//! `tests/status_mapping.rs` reads the tables of the result guide at test time and fails when a
//! documented code is missing here or described differently; it also keeps
//! `docs/status-mapping.md` in step with [`CODES`].
//!
//! # The status rules
//!
//! | identification `status` | neutral status |
//! |---|---|
//! | *(no identification)*, case `new` | `Created` |
//! | *(no identification)*, case `in progress` | `InProgress` |
//! | *(no identification)*, case `closed` | `Closed` |
//! | `started` | `InProgress` (the user chose a method and may be working on it) |
//! | `coupon requested` (basic) | `InProgress` (the user still has to visit a post office) |
//! | `incomplete` | `Retryable` (the guide: "can be restarted by the user") |
//! | `review pending` | `ReviewPending`, `fraud_suspected` when subStatus is 11 or 15 (video) |
//! | `cancelled` (autoid) | `Retryable` while another method remains (case not `closed`), otherwise `Closed` |
//! | `success` | `Approved`, `data_changed` when any delivered field has status `change` |
//! | `declined` with subStatus 12 | `Expired` (case id expired or case URL started too often) |
//! | `declined`, any other subStatus | `Declined` |
//! | anything else | `Unknown(raw)` |
//!
//! And one rule over all of them: a case whose `caseStatus.status` is `closed` cannot be resumed,
//! so a resumable result (`InProgress`, `Retryable`) of a closed case becomes `Closed`.

use crate::wire::{
    CaseProgress, IdentStatus, IdentificationMethod, IdentificationStatus, RecordResult,
    ValidationStatus, ValidationSubStatus,
};
use kyc_core::{CaseStatus, Reason, ReasonCategory, ReasonSource};
use ReasonCategory::*;

// ───────────────────────────────────────────────────────────────────────────────────────────────
// 1. The status rules
// ───────────────────────────────────────────────────────────────────────────────────────────────

/// The identification statuses each method documents (section 4), as `(method, status)`.
pub const DOCUMENTED_STATUSES: &[(&str, &str)] = &[
    ("autoid", "started"),
    ("autoid", "review pending"),
    ("autoid", "incomplete"),
    ("autoid", "cancelled"),
    ("autoid", "success"),
    ("autoid", "declined"),
    ("basic", "started"),
    ("basic", "coupon requested"),
    ("basic", "incomplete"),
    ("basic", "review pending"),
    ("basic", "success"),
    ("basic", "declined"),
    ("eid", "started"),
    ("eid", "incomplete"),
    ("eid", "success"),
    ("eid", "declined"),
    ("photo", "started"),
    ("photo", "review pending"),
    ("photo", "incomplete"),
    ("photo", "success"),
    ("photo", "declined"),
    ("video", "started"),
    ("video", "incomplete"),
    ("video", "review pending"),
    ("video", "success"),
    ("video", "declined"),
];

/// The `subStatus` that turns a `declined` into an expiry: "Operation valid time frame exceeded
/// (case ID)" — the case id expired or the case URL was started too often.
pub const SUB_STATUS_EXPIRED: u32 = 12;

/// The `subStatus` codes that make a `review pending` a fraud suspicion (video: 11 "Fraud
/// suspicion", 15 "Abuse").
pub const SUB_STATUSES_FRAUD_SUSPECTED: &[u32] = &[11, 15];

/// The neutral status of one identification.
///
/// * `case_progress`: the case's `caseStatus.status`, when known. It decides whether a cancelled
///   method closes the case, and a closed case is never resumable.
/// * `data_changed`: whether any delivered field carries status `change` (only used for
///   `success`).
pub fn neutral_status(
    ident: &IdentificationStatus,
    case_progress: Option<&CaseProgress>,
    data_changed: bool,
) -> CaseStatus {
    let case_closed = matches!(case_progress, Some(CaseProgress::Closed));
    let sub_status = ident.sub_status_code();
    let status = match &ident.status {
        None => return case_without_identification(case_progress),
        Some(IdentStatus::Started) | Some(IdentStatus::CouponRequested) => CaseStatus::InProgress,
        Some(IdentStatus::Incomplete) => CaseStatus::Retryable,
        Some(IdentStatus::ReviewPending) => CaseStatus::ReviewPending {
            fraud_suspected: sub_status.is_some_and(|c| SUB_STATUSES_FRAUD_SUSPECTED.contains(&c)),
        },
        // "If other identification methods remain available ... the case remains in progress
        // ... If no further identification method remains, the case is closed." Only the case
        // status tells which: POSTIDENT does not report the account's configured methods.
        Some(IdentStatus::Cancelled) if case_closed => CaseStatus::Closed,
        Some(IdentStatus::Cancelled) => CaseStatus::Retryable,
        Some(IdentStatus::Success) => CaseStatus::Approved { data_changed },
        Some(IdentStatus::Declined) if sub_status == Some(SUB_STATUS_EXPIRED) => {
            CaseStatus::Expired
        }
        Some(IdentStatus::Declined) => CaseStatus::Declined,
        Some(IdentStatus::Unknown(raw)) => CaseStatus::Unknown(raw.to_string()),
    };
    if case_closed && status.can_resume() {
        CaseStatus::Closed
    } else {
        status
    }
}

/// The neutral status of a case that has no identification (yet).
pub fn case_without_identification(case_progress: Option<&CaseProgress>) -> CaseStatus {
    match case_progress {
        Some(CaseProgress::New) | None => CaseStatus::Created,
        Some(CaseProgress::InProgress) => CaseStatus::InProgress,
        Some(CaseProgress::Closed) => CaseStatus::Closed,
        Some(CaseProgress::Unknown(raw)) => CaseStatus::Unknown(raw.to_string()),
    }
}

/// The provider's own status words for [`kyc_core::Case::provider_status`]:
/// `"<case status>/<method>:<status>[/<subStatus>[/<subStatusReason>]]"`, e.g.
/// `"closed/video:declined/11/110"` or `"new"`.
pub fn provider_status_words(
    case_progress: Option<&CaseProgress>,
    method: Option<&IdentificationMethod>,
    ident: Option<&IdentificationStatus>,
) -> String {
    let mut words = case_progress
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "?".to_string());
    if let Some(ident) = ident {
        words.push('/');
        words.push_str(method.map(|m| m.as_str()).unwrap_or("?"));
        words.push(':');
        words.push_str(ident.status.as_ref().map(|s| s.as_str()).unwrap_or("?"));
        if let Some(code) = ident.sub_status.as_ref().and_then(|c| c.code.as_deref()) {
            words.push('/');
            words.push_str(code);
            if let Some(reason) = ident
                .sub_status_reason
                .as_ref()
                .and_then(|c| c.code.as_deref())
            {
                words.push('/');
                words.push_str(reason);
            }
        }
    }
    words
}

// ───────────────────────────────────────────────────────────────────────────────────────────────
// 2. The code tables
// ───────────────────────────────────────────────────────────────────────────────────────────────

/// Whether a code is a `subStatus` (level 2) or a `subStatusReason` (level 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLevel {
    /// `identificationStatus.subStatus.code`.
    SubStatus,
    /// `identificationStatus.subStatusReason.code`, with the parent subStatus when the guide
    /// pairs them (one subStatus in the row), `None` when the row lists several.
    SubStatusReason {
        /// The parent `subStatus` code.
        parent: Option<u32>,
    },
}

/// One documented code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeEntry {
    /// The method (`autoid`, `basic`, `eid`, `photo`, `video`).
    pub method: &'static str,
    /// The identification status the code belongs to.
    pub status: &'static str,
    /// Level 2 or level 3.
    pub level: CodeLevel,
    /// The code.
    pub code: u32,
    /// The guide's description.
    pub description: &'static str,
    /// Our neutral reading.
    pub category: ReasonCategory,
    /// Deprecated by POSTIDENT (still parsed).
    pub deprecated: bool,
}

const fn sub(
    method: &'static str,
    status: &'static str,
    code: u32,
    description: &'static str,
    category: ReasonCategory,
) -> CodeEntry {
    CodeEntry {
        method,
        status,
        level: CodeLevel::SubStatus,
        code,
        description,
        category,
        deprecated: false,
    }
}

const fn reason(
    method: &'static str,
    status: &'static str,
    parent: Option<u32>,
    code: u32,
    description: &'static str,
    category: ReasonCategory,
) -> CodeEntry {
    CodeEntry {
        method,
        status,
        level: CodeLevel::SubStatusReason { parent },
        code,
        description,
        category,
        deprecated: false,
    }
}

const fn deprecated(entry: CodeEntry) -> CodeEntry {
    CodeEntry {
        deprecated: true,
        ..entry
    }
}

/// Every `subStatus` and `subStatusReason` of the result guide, section 4, in the guide's order.
#[rustfmt::skip]
pub const CODES: &[CodeEntry] = &[
    // ── 4.1 AutoID ─────────────────────────────────────────────────────────────────────────────
    // incomplete: the user may restart (e.g. with another document).
    sub("autoid", "incomplete", 80, "Problem with recordings", DocumentUnreadable),
    sub("autoid", "incomplete", 81, "Problem with document", DocumentUnreadable),
    sub("autoid", "incomplete", 82, "Problem with result data", DataProblem),
    sub("autoid", "incomplete", 83, "Incomplete other", Other),
    sub("autoid", "incomplete", 85, "Abort due to technical problem", TechnicalProblem),
    sub("autoid", "incomplete", 86, "Abort due to connection problem", ConnectionProblem),
    sub("autoid", "incomplete", 87, "Problem with person", SelfieOrLiveness),
    sub("autoid", "incomplete", 97, "Cancellation by user", UserCancelled),
    reason("autoid", "incomplete", None, 800, "User has cancelled", UserCancelled),
    reason("autoid", "incomplete", None, 801, "Recordings not complete", DocumentMissing),
    reason("autoid", "incomplete", None, 802, "Quality of one or more recordings too poor", DocumentUnreadable),
    reason("autoid", "incomplete", None, 803, "Document not recognized", DocumentUnreadable),
    reason("autoid", "incomplete", None, 804, "Document not supported", DocumentUnsupported),
    reason("autoid", "incomplete", None, 805, "Document damaged", DocumentDamaged),
    reason("autoid", "incomplete", None, 806, "Document covered", DocumentUnreadable),
    reason("autoid", "incomplete", None, 807, "Document expired", DocumentExpired),
    reason("autoid", "incomplete", None, 808, "Address not complete", DataProblem),
    reason("autoid", "incomplete", None, 809, "Other technical problem during identification attempt", TechnicalProblem),
    reason("autoid", "incomplete", None, 810, "Ident/case already finished", Other),
    reason("autoid", "incomplete", None, 811, "Incomplete other reason", Other),
    reason("autoid", "incomplete", None, 817, "Technical problem with recorded files", TechnicalProblem),
    reason("autoid", "incomplete", None, 818, "Backend cannot finish identification attempt", TechnicalProblem),
    reason("autoid", "incomplete", None, 819, "Problem with WebSocket connection", ConnectionProblem),
    reason("autoid", "incomplete", None, 820, "Data fields from document not complete", DocumentUnreadable),
    reason("autoid", "incomplete", None, 821, "Problem with agent result", TechnicalProblem),
    reason("autoid", "incomplete", None, 822, "Cancelled by automatic cleanup", Timeout),
    reason("autoid", "incomplete", None, 823, "Liveness check not sufficient", SelfieOrLiveness),
    reason("autoid", "incomplete", None, 824, "Security features not recognisable well enough", DocumentUnreadable),
    reason("autoid", "incomplete", None, 825, "Once no serious attempt to identify", Abuse),
    reason("autoid", "incomplete", None, 826, "No document captured", DocumentMissing),
    reason("autoid", "incomplete", None, 827, "Wrong document page captured", DocumentUnreadable),
    reason("autoid", "incomplete", None, 828, "Device moved instead of document", DocumentUnreadable),
    reason("autoid", "incomplete", None, 829, "Device moved instead of person", SelfieOrLiveness),
    reason("autoid", "incomplete", None, 831, "Problem with review result", Other),
    reason("autoid", "incomplete", None, 832, "Residence permit no ID card substitute", DocumentUnsupported),
    reason("autoid", "incomplete", None, 833, "More than one document captured", DocumentUnreadable),
    reason("autoid", "incomplete", None, 834, "Timeout during machine phase", Timeout),
    reason("autoid", "incomplete", None, 973, "Timeout at user", Timeout),
    reason("autoid", "incomplete", None, 974, "Timeout in app because in background", Timeout),
    // cancelled: this method is gone; the case closes when no other method remains.
    sub("autoid", "cancelled", 94, "Cancellation by this ident", UserCancelled),
    reason("autoid", "cancelled", Some(94), 900, "Maximum number of cancellations by user exceeded", UserCancelled),
    // declined (final).
    sub("autoid", "declined", 11, "Fraud suspicion", FraudOther),
    reason("autoid", "declined", Some(11), 830, "Identification document from copy instead of original", FraudForgedDocument),
    reason("autoid", "declined", Some(11), 110, "Identification document possibly forged", FraudForgedDocument),
    reason("autoid", "declined", Some(11), 111, "Person does not match photo", FraudPersonMismatch),
    reason("autoid", "declined", Some(11), 113, "Multiple persons present", FraudMultipleIdentities),
    reason("autoid", "declined", Some(11), 119, "Other reason for fraud suspicion", FraudOther),
    sub("autoid", "declined", 15, "Abuse", Abuse),
    reason("autoid", "declined", Some(15), 815, "Inappropriate content in recordings", Abuse),
    sub("autoid", "declined", 84, "Declined other", Other),
    reason("autoid", "declined", Some(84), 814, "Repeatedly no serious attempt to identify", Abuse),
    reason("autoid", "declined", Some(84), 816, "Declined other reason", Other),
    sub("autoid", "declined", 12, "Operation valid time frame exceeded (case ID)", ValidityExpired),
    // ── 4.2 Basic (post office) ────────────────────────────────────────────────────────────────
    sub("basic", "incomplete", 53, "Identification document has expired", DocumentExpired),
    sub("basic", "incomplete", 54, "Unsupported identification document", DocumentUnsupported),
    sub("basic", "incomplete", 70, "Error in the printed form data", DataProblem),
    sub("basic", "incomplete", 71, "User rejects document scan", ConsentRefused),
    sub("basic", "incomplete", 97, "Cancellation by user", UserCancelled),
    sub("basic", "incomplete", 98, "Cancellation for technical reasons", TechnicalProblem),
    sub("basic", "declined", 11, "Fraud suspicion", FraudOther),
    deprecated(reason("basic", "declined", Some(11), 115, "No matching signature", FraudPersonMismatch)),
    reason("basic", "declined", Some(11), 116, "No matching photo", FraudPersonMismatch),
    sub("basic", "declined", 16, "Identification with abnormalities", FraudOther),
    reason("basic", "declined", Some(16), 114, "Document shows abnormalities", FraudForgedDocument),
    reason("basic", "declined", Some(16), 117, "Inconsistencies with date of expiry", FraudForgedDocument),
    reason("basic", "declined", Some(16), 112, "Multiple identity checks for single person", FraudMultipleIdentities),
    reason("basic", "declined", Some(16), 113, "Multiple persons present", FraudMultipleIdentities),
    reason("basic", "declined", Some(16), 123, "Multiple identity checks for single person over longer period of time", FraudMultipleIdentities),
    sub("basic", "declined", 17, "Identification with unrecoverable data problem in identification document", TechnicalProblem),
    reason("basic", "declined", Some(17), 118, "Images of document not received", TechnicalProblem),
    sub("basic", "declined", 12, "Operation valid time frame exceeded (case ID)", ValidityExpired),
    // ── 4.3 eID ────────────────────────────────────────────────────────────────────────────────
    sub("eid", "incomplete", 53, "Identification document has expired", DocumentExpired),
    sub("eid", "incomplete", 54, "Identification document not supported", DocumentUnsupported),
    sub("eid", "incomplete", 59, "Identification document invalid", DocumentUnsupported),
    sub("eid", "incomplete", 60, "eID unknown error", TechnicalProblem),
    sub("eid", "incomplete", 61, "eID problem with authentication / PIN", Other),
    sub("eid", "incomplete", 62, "eID problem reading card", TechnicalProblem),
    sub("eid", "incomplete", 63, "eID problem with eID server", TechnicalProblem),
    sub("eid", "incomplete", 64, "Problem with custom step", TechnicalProblem),
    sub("eid", "incomplete", 97, "Cancellation by user", UserCancelled),
    sub("eid", "incomplete", 98, "Cancellation for technical reasons", TechnicalProblem),
    sub("eid", "incomplete", 99, "Cancellation for other reasons", Other),
    reason("eid", "incomplete", None, 591, "ID card with invalid certificate (e.g. test ID card)", DocumentUnsupported),
    reason("eid", "incomplete", None, 592, "ID card does not provide all of the required data", DocumentUnsupported),
    reason("eid", "incomplete", None, 600, "eCardAPI reports unknown error", TechnicalProblem),
    reason("eid", "incomplete", None, 610, "Error in eID client", TechnicalProblem),
    reason("eid", "incomplete", None, 611, "Incomplete data from PIN or card", TechnicalProblem),
    reason("eid", "incomplete", None, 612, "Authentication failed", Other),
    reason("eid", "incomplete", None, 613, "PIN entered incorrectly too often", Other),
    reason("eid", "incomplete", None, 614, "PIN deactivated", Other),
    reason("eid", "incomplete", None, 620, "Error in communication between Ecard client (browser) and card reader", TechnicalProblem),
    reason("eid", "incomplete", None, 621, "Error in communication between eID client (app) and card", TechnicalProblem),
    reason("eid", "incomplete", None, 622, "Chip card error", TechnicalProblem),
    reason("eid", "incomplete", None, 623, "Card slipped / not readable / removed", TechnicalProblem),
    reason("eid", "incomplete", None, 630, "eID server not operational", TechnicalProblem),
    reason("eid", "incomplete", None, 631, "eID client cannot communicate with eID server", ConnectionProblem),
    reason("eid", "incomplete", None, 640, "Document image upload step cannot start", TechnicalProblem),
    reason("eid", "incomplete", None, 973, "Timeout at user", Timeout),
    reason("eid", "incomplete", None, 974, "Timeout in app because in background", Timeout),
    reason("eid", "incomplete", None, 975, "User cancelled eID attempt", UserCancelled),
    reason("eid", "incomplete", None, 996, "Ident/case already finished", Other),
    reason("eid", "incomplete", None, 998, "Other reason for cancellation", Other),
    sub("eid", "declined", 11, "Fraud suspicion", FraudOther),
    reason("eid", "declined", Some(11), 122, "Identification document blocked by authorities", FraudOther),
    sub("eid", "declined", 12, "Operation valid time frame exceeded (case ID)", ValidityExpired),
    // ── 4.4 Photo ──────────────────────────────────────────────────────────────────────────────
    // Photo has no subStatusReason; its records carry a validation status (section 3 below).
    sub("photo", "incomplete", 31, "Identification document or driving licence not supported", DocumentUnsupported),
    sub("photo", "incomplete", 32, "Identification document or driving licence expired", DocumentExpired),
    sub("photo", "incomplete", 33, "Document or person not clearly identifiable", DocumentUnreadable),
    sub("photo", "incomplete", 34, "Image or video quality insufficient", DocumentUnreadable),
    sub("photo", "declined", 11, "Fraud suspicion", FraudOther),
    sub("photo", "declined", 15, "Abuse (e.g. nonsense, nude photos)", Abuse),
    sub("photo", "declined", 12, "Operation valid time frame exceeded (case ID)", ValidityExpired),
    // ── 4.5 Video ──────────────────────────────────────────────────────────────────────────────
    sub("video", "incomplete", 51, "Language problems", Other),
    sub("video", "incomplete", 52, "Insufficient video quality (security features cannot be verified or identification document unreadable)", DocumentUnreadable),
    sub("video", "incomplete", 53, "Identification document has expired", DocumentExpired),
    sub("video", "incomplete", 54, "Unsupported identification document", DocumentUnsupported),
    sub("video", "incomplete", 55, "Problem with TAN", DataProblem),
    sub("video", "incomplete", 56, "Identification document damaged", DocumentDamaged),
    sub("video", "incomplete", 57, "Cancellation in queue", UserCancelled),
    sub("video", "incomplete", 58, "Problem with video chat recording", TechnicalProblem),
    sub("video", "incomplete", 97, "Cancellation by user", UserCancelled),
    sub("video", "incomplete", 98, "Cancellation for technical reasons", TechnicalProblem),
    sub("video", "incomplete", 99, "Cancellation for other reasons", Other),
    reason("video", "incomplete", None, 200, "Video only, no audio", ConnectionProblem),
    reason("video", "incomplete", None, 201, "Audio only, no video", ConnectionProblem),
    reason("video", "incomplete", None, 202, "Videochat recording not possible", TechnicalProblem),
    reason("video", "incomplete", None, 203, "Videochat recording faulty", TechnicalProblem),
    reason("video", "incomplete", None, 204, "Videochat recording with other problem", TechnicalProblem),
    reason("video", "incomplete", None, 205, "Videochat recording faulty due to max queue size reached", TechnicalProblem),
    reason("video", "incomplete", None, 206, "Videochat recording faulty due to too many chunks lost", TechnicalProblem),
    reason("video", "incomplete", None, 207, "Videochat recording faulty due to agent disallowing screen share function (e.g. pressing stop button)", TechnicalProblem),
    reason("video", "incomplete", None, 520, "Pixelated/blurry/no autofocus/mirrored", DocumentUnreadable),
    reason("video", "incomplete", None, 523, "Bad lighting conditions", DocumentUnreadable),
    reason("video", "incomplete", None, 525, "User has problems with camera", TechnicalProblem),
    reason("video", "incomplete", None, 550, "User did not enter correct TAN", DataProblem),
    reason("video", "incomplete", None, 570, "Cancellation in queue by system", TechnicalProblem),
    reason("video", "incomplete", None, 971, "Cancellation in queue by user", UserCancelled),
    reason("video", "incomplete", None, 972, "User has hung up", UserCancelled),
    reason("video", "incomplete", None, 973, "Timeout at user", Timeout),
    reason("video", "incomplete", None, 974, "Timeout in app because in background", Timeout),
    reason("video", "incomplete", None, 980, "Connection quality", ConnectionProblem),
    reason("video", "incomplete", None, 981, "Video cannot be accepted", ConnectionProblem),
    reason("video", "incomplete", None, 982, "Video and audio are not established", ConnectionProblem),
    reason("video", "incomplete", None, 985, "User did not receive TAN", DataProblem),
    reason("video", "incomplete", None, 986, "Sudden disconnection", ConnectionProblem),
    reason("video", "incomplete", None, 987, "Frozen image", ConnectionProblem),
    reason("video", "incomplete", None, 988, "Timeout in queue", Timeout),
    reason("video", "incomplete", None, 989, "Other technical reason for cancellation", TechnicalProblem),
    reason("video", "incomplete", None, 990, "User uncooperative", Other),
    reason("video", "incomplete", None, 991, "User operating error", Other),
    reason("video", "incomplete", None, 992, "Case belongs to different person", DataProblem),
    reason("video", "incomplete", None, 998, "Other reason for cancellation", Other),
    // review pending: preliminary; 11 and 15 mean the agent already suspects fraud or abuse.
    sub("video", "review pending", 11, "Fraud suspicion (e.g. nonsense, nude photos)", FraudOther),
    sub("video", "review pending", 15, "Abuse", Abuse),
    sub("video", "declined", 11, "Fraud suspicion", FraudOther),
    reason("video", "declined", Some(11), 110, "Identification document possibly forged", FraudForgedDocument),
    reason("video", "declined", Some(11), 111, "Person does not match photo", FraudPersonMismatch),
    reason("video", "declined", Some(11), 112, "Multiple identity checks for single person", FraudMultipleIdentities),
    reason("video", "declined", Some(11), 113, "Multiple persons present", FraudMultipleIdentities),
    reason("video", "declined", Some(11), 119, "Other reason for fraud suspicion", FraudOther),
    reason("video", "declined", Some(11), 121, "Social engineering", FraudSocialEngineering),
    sub("video", "declined", 15, "Abuse (e.g. nonsense, nude photos)", Abuse),
    sub("video", "declined", 19, "Identification with unrecoverable data problem in videochat recording", TechnicalProblem),
    sub("video", "declined", 99, "Cancellation for other reason", Other),
    sub("video", "declined", 12, "Operation valid time frame exceeded (case ID)", ValidityExpired),
    reason("video", "declined", Some(12), 120, "Videochat recording missing or faulty", TechnicalProblem),
];

// ───────────────────────────────────────────────────────────────────────────────────────────────
// 3. Photo record validation (result guide 4.4.1)
// ───────────────────────────────────────────────────────────────────────────────────────────────

/// `validationStatus` of a photo record and what it means. Only `invalid` produces a reason.
pub const VALIDATION_STATUSES: &[(&str, &str)] = &[
    ("unchecked", "not checked by an agent (yet)"),
    ("valid", "accepted by the agent"),
    ("invalid", "rejected by the agent; see validationSubStatus"),
];

/// `validationSubStatus` of an invalid photo record → neutral category. The first five are
/// "always uniformly set for all records of a document".
pub const VALIDATION_SUB_STATUSES: &[(&str, ReasonCategory)] = &[
    ("document not supported", DocumentUnsupported),
    ("document not identifiable", DocumentUnreadable),
    ("document expired", DocumentExpired),
    ("fraud suspicion", FraudOther),
    ("abuse", Abuse),
    ("person not identifiable", SelfieOrLiveness),
    ("bad exposure", DocumentUnreadable),
    ("too blurry", DocumentUnreadable),
    ("partly concealed", DocumentUnreadable),
    ("picture detail not sufficient", DocumentUnreadable),
];

/// The category of a `validationSubStatus`; `Other` (with a warning) for an unknown one.
pub fn validation_category(sub_status: &ValidationSubStatus) -> ReasonCategory {
    let raw = sub_status.as_str();
    VALIDATION_SUB_STATUSES
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(raw.trim()))
        .map(|(_, category)| *category)
        .unwrap_or_else(|| {
            tracing::warn!(
                value = %kyc_core::wire::printable(raw, kyc_core::wire::DEFAULT_MAX_CHARS),
                "POSTIDENT: undocumented validationSubStatus"
            );
            Other
        })
}

/// The reasons photo records give: one per distinct `validationSubStatus` of an `invalid` record
/// (a document's records all carry the same one, so duplicates are dropped). An `invalid` record
/// without sub-status gives a reason with code `invalid` and category `Other`.
pub fn record_validation_reasons<'a>(
    records: impl IntoIterator<Item = &'a RecordResult>,
) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = Vec::new();
    for record in records {
        if record.validation_status != Some(ValidationStatus::Invalid) {
            continue;
        }
        let reason = match &record.validation_sub_status {
            Some(sub) => Reason::new(
                validation_category(sub),
                sub.as_str(),
                None,
                ReasonSource::PostidentRecordValidation,
            ),
            None => Reason::new(
                Other,
                "invalid",
                None,
                ReasonSource::PostidentRecordValidation,
            ),
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    reasons
}

// ───────────────────────────────────────────────────────────────────────────────────────────────
// 4. Lookups
// ───────────────────────────────────────────────────────────────────────────────────────────────

/// Finds the documented entry for a code. Looks for the exact method and status first, then the
/// same code at the same level under the same status of any method (codes like 11, 12, 97 are
/// shared), then under any status.
pub fn lookup(
    method: &str,
    status: &str,
    level: CodeLevelKind,
    code: u32,
) -> Option<&'static CodeEntry> {
    let same_level = |e: &&CodeEntry| level.matches(e.level) && e.code == code;
    CODES
        .iter()
        .filter(same_level)
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.status.eq_ignore_ascii_case(status))
        .or_else(|| {
            CODES
                .iter()
                .filter(same_level)
                .find(|e| e.status.eq_ignore_ascii_case(status))
        })
        .or_else(|| CODES.iter().find(same_level))
}

/// The level to look a code up at, without the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLevelKind {
    /// `subStatus`.
    SubStatus,
    /// `subStatusReason`.
    SubStatusReason,
}

impl CodeLevelKind {
    fn matches(self, level: CodeLevel) -> bool {
        matches!(
            (self, level),
            (CodeLevelKind::SubStatus, CodeLevel::SubStatus)
                | (
                    CodeLevelKind::SubStatusReason,
                    CodeLevel::SubStatusReason { .. }
                )
        )
    }
}

/// The reasons an identification status carries: its `subStatus` and `subStatusReason`, each
/// with our category, the code verbatim and the payload's description (or the guide's when the
/// payload has none). Unknown codes become category `Other` with a warning.
pub fn identification_reasons(
    method: Option<&IdentificationMethod>,
    ident: &IdentificationStatus,
) -> Vec<Reason> {
    let method = method.map(|m| m.as_str()).unwrap_or("");
    let status = ident.status.as_ref().map(|s| s.as_str()).unwrap_or("");
    let mut reasons = Vec::new();
    let levels = [
        (
            &ident.sub_status,
            CodeLevelKind::SubStatus,
            ReasonSource::PostidentSubStatus,
        ),
        (
            &ident.sub_status_reason,
            CodeLevelKind::SubStatusReason,
            ReasonSource::PostidentSubStatusReason,
        ),
    ];
    for (code, level, source) in levels {
        let Some(code) = code else { continue };
        let Some(raw_code) = code
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        let entry = code
            .code_number()
            .and_then(|n| lookup(method, status, level, n));
        if entry.is_none() {
            tracing::warn!(
                method = %kyc_core::wire::printable(method, kyc_core::wire::DEFAULT_MAX_CHARS),
                status = %kyc_core::wire::printable(status, kyc_core::wire::DEFAULT_MAX_CHARS),
                code = %kyc_core::wire::printable(raw_code, kyc_core::wire::DEFAULT_MAX_CHARS),
                "POSTIDENT: undocumented {level:?} code, category Other"
            );
        }
        let description = code
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or_else(|| entry.map(|e| e.description.to_string()));
        reasons.push(Reason::new(
            entry.map(|e| e.category).unwrap_or(Other),
            raw_code,
            description,
            source,
        ));
    }
    reasons
}
