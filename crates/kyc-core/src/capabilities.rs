//! What a provider can do beyond the common trait, so callers can ask instead of guessing.

use serde::{Deserialize, Serialize};

/// Optional features of a provider. Ask [`crate::KycProvider::capabilities`] before relying on
/// one; an operation a provider lacks answers [`crate::ErrorKind::Unsupported`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Cases can be deleted at the provider (IDnow `DELETE`).
    pub delete_case: bool,
    /// Cases can be copied to another account (IDnow copy).
    pub copy_case: bool,
    /// Documents can be signed with a qualified electronic signature (IDnow QES/eSign).
    pub esign_documents: bool,
    /// The user chooses among several identification methods within one case (POSTIDENT).
    pub method_choice: bool,
    /// Result files can arrive inline with the case (POSTIDENT `includeBinaryData`).
    pub inline_artifacts: bool,
    /// Webhook bodies carry the whole case (IDnow); otherwise the case must be fetched.
    pub webhook_embeds_case: bool,
    /// Only finished cases can be archived (POSTIDENT ignores others).
    pub archive_requires_final: bool,
    /// The caller's reference can be used to look a case up (IDnow transaction number).
    pub lookup_by_reference: bool,
    /// The provider's case id can be used to look a case up (POSTIDENT caseId).
    pub lookup_by_case_id: bool,
    /// A case's start link expires and the case then reports
    /// [`CaseStatus::Expired`](crate::CaseStatus::Expired) (POSTIDENT `validUntil`).
    pub case_expiry: bool,
}
