//! The one lifecycle every case goes through, whichever provider runs it, and the reasons a
//! provider gives for where a case stands.
//!
//! ```text
//!            ┌──────────────┐ user starts ┌────────────┐ user finishes ┌────────────────┐
//!  create ──▶│   Created    │────────────▶│ InProgress │──────────────▶│ ReviewPending  │
//!            └──────────────┘             └────────────┘               └────────────────┘
//!                   │                      │        ▲                     │          │
//!                   │ start link expires   │ abort  │ resume              │ decision │
//!                   ▼                      ▼        │                     ▼          ▼
//!              ┌─────────┐             ┌───────────────┐   no method  ┌──────────┐ ┌──────────┐
//!              │ Expired │             │   Retryable   │──── left ───▶│  Closed  │ │ Approved │
//!              └─────────┘             └───────────────┘              └──────────┘ │ Declined │
//!                                                                                  └──────────┘
//! ```
//!
//! `Approved`, `Declined`, `Expired` and `Closed` are *final*: the provider will not let the user
//! try again in this case. A final status can still change afterwards: an IDnow supervisor may
//! re-review a finished ident (`SUCCESS` → `FRAUD_SUSPICION_CONFIRMED`), and IDnow may cancel an
//! ident after a preliminary or even a reported `SUCCESS` (`CANCELED`, personal data deleted).
//! [`crate::Case::supersedes`] decides which of two versions of a case to keep: the provider's
//! later word when the change times tell the order, [`CaseStatus::may_replace`] when they do not.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case stands, in one vocabulary for all providers.
///
/// The provider's own status words stay available next to it (for example
/// [`crate::Case::provider_status`]); the per-provider tables are in `docs/status-mapping.md`.
///
/// Serialised (inside [`crate::Case`] and [`crate::Attempt`]) as three keys: `status` (one of
/// `created`, `in_progress`, `retryable`, `review_pending`, `approved`, `declined`, `expired`,
/// `closed`, `unknown`), `fraud_suspected` and `data_changed`; an unknown status adds
/// `unknown_status` with the provider's raw word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CaseStatus {
    /// The case exists but the user has not started an identification yet.
    Created,
    /// The user is identifying right now (or has requested a post-office coupon).
    InProgress,
    /// An attempt ended without a decision; the user can resume the *same* case
    /// (IDnow `ABORTED` or `CANCELED`, POSTIDENT `incomplete`, or a cancelled method while
    /// another method remains).
    Retryable,
    /// The user finished; the provider has not decided yet. A preliminary result.
    ReviewPending {
        /// The provider already suspects fraud (IDnow `FRAUD_SUSPICION_PENDING`,
        /// POSTIDENT video `review pending` with subStatus 11 or 15).
        fraud_suspected: bool,
    },
    /// The identity is verified.
    Approved {
        /// The verified data differs from what the caller supplied at creation
        /// (IDnow `SUCCESS_DATA_CHANGED`, or any field checked as changed).
        data_changed: bool,
    },
    /// The provider refused the identification: fraud, abuse, abnormalities or unrecoverable data.
    Declined,
    /// The case's validity (start link, case id) ran out before a decision.
    Expired,
    /// The case ended without a decision and cannot be resumed (no method left).
    Closed,
    /// A status this library does not know yet, with the provider's raw word(s).
    Unknown(String),
}

impl CaseStatus {
    /// True when the provider will not let the user try again in this case.
    ///
    /// A final status is *usually* the last word, but not always: an IDnow supervisor can
    /// re-review a finished ident and change its result, and IDnow can cancel an ident it had
    /// reported as successful. Use [`crate::Case::supersedes`] to decide whether a later
    /// version of a case should overwrite a stored one.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CaseStatus::Approved { .. }
                | CaseStatus::Declined
                | CaseStatus::Expired
                | CaseStatus::Closed
        )
    }

    /// True when the user can (still or again) go through identification in this case.
    pub fn can_resume(&self) -> bool {
        matches!(
            self,
            CaseStatus::Created | CaseStatus::InProgress | CaseStatus::Retryable
        )
    }

    /// True for a result the provider marks as preliminary (review pending).
    pub fn is_preliminary(&self) -> bool {
        matches!(self, CaseStatus::ReviewPending { .. })
    }

    /// True when the provider suspects or confirmed nothing but reports fraud suspicion.
    pub fn fraud_suspected(&self) -> bool {
        matches!(
            self,
            CaseStatus::ReviewPending {
                fraud_suspected: true
            }
        )
    }

    /// True for `Approved { data_changed: true }`.
    pub fn data_changed(&self) -> bool {
        matches!(self, CaseStatus::Approved { data_changed: true })
    }

    /// The snake_case name used in JSON and in the docs (`"review_pending"`, `"unknown"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            CaseStatus::Created => "created",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Retryable => "retryable",
            CaseStatus::ReviewPending { .. } => "review_pending",
            CaseStatus::Approved { .. } => "approved",
            CaseStatus::Declined => "declined",
            CaseStatus::Expired => "expired",
            CaseStatus::Closed => "closed",
            CaseStatus::Unknown(_) => "unknown",
        }
    }

    /// Whether a status learned later (`self`) may overwrite the status stored now (`current`)
    /// when nothing tells which of the two the provider said last (no change times, or equal
    /// ones). [`crate::Case::supersedes`] applies this rule only then; with change times, the
    /// provider's later word wins (a cancellation after an approval, a re-review).
    ///
    /// Without an order, a receiver must never let a possibly older, preliminary notice
    /// overwrite a decision. The rule:
    ///
    /// * anything may replace a status that is not final;
    /// * once final, only another final status may replace it (an IDnow re-review changing
    ///   `SUCCESS` into `FRAUD_SUSPICION_CONFIRMED`, say); preliminary, in-progress or retryable
    ///   notices arriving after a decision are stale and are ignored;
    /// * an unknown status never replaces a known final one.
    ///
    /// Equal statuses "replace" each other (the newer payload may carry more data).
    pub fn may_replace(&self, current: &CaseStatus) -> bool {
        if !current.is_final() {
            return true;
        }
        self.is_final()
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseStatus::ReviewPending {
                fraud_suspected: true,
            } => f.write_str("review_pending (fraud suspected)"),
            CaseStatus::Approved { data_changed: true } => f.write_str("approved (data changed)"),
            CaseStatus::Unknown(raw) => write!(f, "unknown ({raw})"),
            other => f.write_str(other.name()),
        }
    }
}

impl Serialize for CaseStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let unknown = matches!(self, CaseStatus::Unknown(_));
        let mut map = serializer.serialize_map(Some(if unknown { 4 } else { 3 }))?;
        map.serialize_entry("status", self.name())?;
        map.serialize_entry("fraud_suspected", &self.fraud_suspected())?;
        map.serialize_entry("data_changed", &self.data_changed())?;
        if let CaseStatus::Unknown(raw) = self {
            map.serialize_entry("unknown_status", raw)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for CaseStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Repr {
            status: String,
            #[serde(default)]
            fraud_suspected: bool,
            #[serde(default)]
            data_changed: bool,
            #[serde(default)]
            unknown_status: Option<String>,
        }
        let repr = Repr::deserialize(deserializer)?;
        Ok(match repr.status.as_str() {
            "created" => CaseStatus::Created,
            "in_progress" => CaseStatus::InProgress,
            "retryable" => CaseStatus::Retryable,
            "review_pending" => CaseStatus::ReviewPending {
                fraud_suspected: repr.fraud_suspected,
            },
            "approved" => CaseStatus::Approved {
                data_changed: repr.data_changed,
            },
            "declined" => CaseStatus::Declined,
            "expired" => CaseStatus::Expired,
            "closed" => CaseStatus::Closed,
            "unknown" => CaseStatus::Unknown(repr.unknown_status.unwrap_or_default()),
            other => {
                return Err(de::Error::unknown_variant(
                    other,
                    &[
                        "created",
                        "in_progress",
                        "retryable",
                        "review_pending",
                        "approved",
                        "declined",
                        "expired",
                        "closed",
                        "unknown",
                    ],
                ))
            }
        })
    }
}

/// The neutral meaning of a provider's reason code: what a caller can act on without knowing
/// the provider's code tables.
///
/// The provider's exact code always travels with it in [`Reason`]; this category is our
/// reading of the provider's description. `#[non_exhaustive]`: categories may be refined.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonCategory {
    /// The user stopped on purpose (not interested, identify later, privacy concerns, ...).
    UserCancelled,
    /// The user or the app was inactive for too long.
    Timeout,
    /// The identity document had expired.
    DocumentExpired,
    /// The document type is not accepted for this use case.
    DocumentUnsupported,
    /// The document is damaged, worn out, written on or broken.
    DocumentDamaged,
    /// The document could not be read: blur, glare, darkness, covered data, wrong side.
    DocumentUnreadable,
    /// A required (second) document or page was not captured or is unavailable.
    DocumentMissing,
    /// Selfie, face comparison or liveness capture was not usable (without fraud).
    SelfieOrLiveness,
    /// The connection, video or audio between user and provider failed.
    ConnectionProblem,
    /// A technical problem on the provider's or the app's side.
    TechnicalProblem,
    /// The user did not accept terms, camera access, or the signing request.
    ConsentRefused,
    /// A problem with the data the caller supplied (wrong name, phone number, form data).
    DataProblem,
    /// Fraud suspicion: the document is forged, manipulated, a copy, a screen or a specimen.
    FraudForgedDocument,
    /// Fraud suspicion: the person does not match the document, or the selfie is not a real person.
    FraudPersonMismatch,
    /// Fraud suspicion: the user was tricked into identifying for someone else (social
    /// engineering, money mule).
    FraudSocialEngineering,
    /// Fraud suspicion: several persons present or repeated identifications of one person.
    FraudMultipleIdentities,
    /// Fraud suspicion of another kind.
    FraudOther,
    /// Abuse: inappropriate content, no serious attempt.
    Abuse,
    /// The user is below the required age.
    Underage,
    /// Qualified electronic signing failed (wrong code, expired certificate, TSP error).
    SigningFailed,
    /// The case's validity period ran out, or its start link was used too often.
    ValidityExpired,
    /// The provider's own "other" reason, or a code this library does not know yet.
    Other,
}

impl ReasonCategory {
    /// True for every fraud-suspicion category.
    pub fn is_fraud(self) -> bool {
        matches!(
            self,
            ReasonCategory::FraudForgedDocument
                | ReasonCategory::FraudPersonMismatch
                | ReasonCategory::FraudSocialEngineering
                | ReasonCategory::FraudMultipleIdentities
                | ReasonCategory::FraudOther
        )
    }
}

/// Which provider code list a [`Reason`] code comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonSource {
    /// IDnow `identificationprocess.reason` (abort, cancel, fraud or TSP reason).
    IdnowReason,
    /// POSTIDENT `identificationStatus.subStatus.code`.
    PostidentSubStatus,
    /// POSTIDENT `identificationStatus.subStatusReason.code`.
    PostidentSubStatusReason,
    /// POSTIDENT photo record `validationSubStatus`.
    PostidentRecordValidation,
    /// Another code list, named by the adapter.
    Other(String),
}

/// Why a case or attempt stands where it does: a neutral category plus the provider's code,
/// kept verbatim. `#[non_exhaustive]`: built with [`Reason::new`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// What the code means, in the neutral vocabulary.
    pub category: ReasonCategory,
    /// The provider's code exactly as sent (`"ID_BLURRY"`, `"807"`, ...).
    pub code: String,
    /// The provider's description of the code: from the payload when it carries one, otherwise
    /// from the provider's documented code table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which of the provider's code lists the code belongs to.
    pub source: ReasonSource,
}

impl Reason {
    /// Builds a reason from its parts.
    pub fn new(
        category: ReasonCategory,
        code: impl Into<String>,
        description: Option<String>,
        source: ReasonSource,
    ) -> Self {
        Reason {
            category,
            code: code.into(),
            description,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_statuses() -> Vec<CaseStatus> {
        vec![
            CaseStatus::Created,
            CaseStatus::InProgress,
            CaseStatus::Retryable,
            CaseStatus::ReviewPending {
                fraud_suspected: false,
            },
            CaseStatus::ReviewPending {
                fraud_suspected: true,
            },
            CaseStatus::Approved {
                data_changed: false,
            },
            CaseStatus::Approved { data_changed: true },
            CaseStatus::Declined,
            CaseStatus::Expired,
            CaseStatus::Closed,
            CaseStatus::Unknown("WHATEVER".into()),
        ]
    }

    #[test]
    fn final_and_resumable_are_disjoint_and_documented() {
        use CaseStatus::*;
        for s in all_statuses() {
            assert!(!(s.is_final() && s.can_resume()), "{s}");
        }
        assert!(Approved { data_changed: true }.is_final());
        assert!(Declined.is_final() && Expired.is_final() && Closed.is_final());
        assert!(Created.can_resume() && InProgress.can_resume() && Retryable.can_resume());
        let pending = ReviewPending {
            fraud_suspected: true,
        };
        assert!(!pending.is_final() && !pending.can_resume() && pending.is_preliminary());
    }

    #[test]
    fn a_preliminary_notice_never_replaces_a_final_status() {
        let approved = CaseStatus::Approved {
            data_changed: false,
        };
        let pending = CaseStatus::ReviewPending {
            fraud_suspected: false,
        };
        assert!(!pending.may_replace(&approved));
        assert!(!CaseStatus::Retryable.may_replace(&CaseStatus::Declined));
        assert!(!CaseStatus::Unknown("X".into()).may_replace(&approved));
        // A re-review may turn one decision into another.
        assert!(CaseStatus::Declined.may_replace(&approved));
        // Anything may move a case that is not decided yet.
        assert!(approved.may_replace(&pending));
        assert!(CaseStatus::Retryable.may_replace(&pending));
    }

    #[test]
    fn status_serialises_as_flat_keys_and_back() {
        for s in all_statuses() {
            let json = serde_json::to_value(&s).unwrap();
            assert_eq!(json["status"], s.name());
            assert_eq!(json["fraud_suspected"], s.fraud_suspected());
            assert_eq!(json["data_changed"], s.data_changed());
            let back: CaseStatus = serde_json::from_value(json).unwrap();
            assert_eq!(back, s);
        }
        let err = serde_json::from_str::<CaseStatus>(r#"{"status":"weird"}"#).unwrap_err();
        assert!(err.to_string().contains("weird"), "{err}");
    }

    #[test]
    fn fraud_categories_are_flagged() {
        for c in <ReasonCategory as strum::VariantArray>::VARIANTS {
            assert_eq!(c.is_fraud(), c.to_string().starts_with("fraud_"), "{c}");
        }
    }
}
