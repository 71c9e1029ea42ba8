//! What providers report beyond status and identity, in neutral form: proof of address, a
//! qualified electronic signing, how a decision was reached (review trail), accounting data, and
//! the circumstances of one attempt (where, by whom, through which channel).
//!
//! Each type here has a neutral meaning both providers (and a third) can fill; the provider's own
//! words travel verbatim next to the neutral reading. Everything is optional: a provider reports
//! what its product and the account's configuration produce.
//!
//! All types are `#[non_exhaustive]` and implement `Default`: build one with `default()` and set
//! fields, so that adding a field later is not a breaking change. `Debug` is redacted wherever a
//! value can identify a person.

use crate::case::Timestamp;
use crate::identity::VerifiedAddress;
use crate::redact::presence;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The result of a proof-of-address check (IDnow `identificationprocess.poaresult` with the
/// documents of `additionaldocuments`).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProofOfAddress {
    /// The provider's result word verbatim (IDnow `SUCCESS`, `SUCCESS_DATA_CHANGED`, `CANCELED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_result: Option<String>,
    /// Whether the address was proven: `Some(true)` for a success (with or without changed
    /// data), `Some(false)` for a cancelled check, `None` when the provider did not say or used
    /// a word this library does not know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The proven address differs from the one supplied (IDnow `SUCCESS_DATA_CHANGED`).
    #[serde(default)]
    pub data_changed: bool,
    /// The documents the user supplied for the check, with the address read from each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<AddressDocument>,
}

/// A document supplied as proof of address (a utility bill, a bank statement).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddressDocument {
    /// The provider's technical name for the document kind (IDnow `documentname`,
    /// e.g. `UTILITY_BILL`).
    #[serde(default)]
    pub name: String,
    /// The address read from the document, each field with its check.
    #[serde(default)]
    pub address: VerifiedAddress,
}

/// The outcome of a qualified electronic signing that ran inside the identification
/// (IDnow `esigning`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SigningResult {
    /// The provider's result word verbatim (IDnow `esigning.result`, e.g. `SUCCESS`).
    #[serde(default)]
    pub provider_result: String,
    /// Whether the documents were signed: `Some(true)` for `SUCCESS`, `Some(false)` for a word
    /// that says otherwise, `None` when the word is unknown to this library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<bool>,
    /// The signing session's id at the trust service provider, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// How a decision was reached: what the provider said before, and who changed the user's data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewTrail {
    /// The preliminary result reported before this one, verbatim (IDnow `previousresult`:
    /// `REVIEW_PENDING` or `FRAUD_SUSPICION_PENDING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_provider_status: Option<String>,
    /// An agent changed the user's data during identification (IDnow `identchanges`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by_agent: Option<bool>,
    /// A reviewer changed the user's data during review (IDnow `reviewchanges`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by_reviewer: Option<bool>,
}

impl ReviewTrail {
    /// True when no field is set (nothing to report).
    pub fn is_empty(&self) -> bool {
        self == &ReviewTrail::default()
    }
}

/// What the provider invoices a case under (POSTIDENT `accountingData`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Accounting {
    /// The unique identifier on the invoice (POSTIDENT `accountingNumber`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The product name printed on the invoice (POSTIDENT `accountingProduct`,
    /// e.g. `Postident Video`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

/// The circumstances of one attempt: where and by whom the user was identified, through which
/// channel, and what the method reported on the side (POSTIDENT `additionalDataBasic`,
/// `additionalDataEid`, `additionalDataVideo`; IDnow `agentname`, `type`).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttemptDetails {
    /// The channel the user identified through, verbatim (IDnow `type`: `WEB`, `APP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Where the identification took place: a post office (POSTIDENT basic) or a service centre
    /// (POSTIDENT video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<IdentLocation>,
    /// The agent(s) who identified the user, as the provider names them (IDnow `agentname`,
    /// e.g. `TROBOT`; POSTIDENT video `identificationAgentAliases`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// Reviews performed, as the provider words them (POSTIDENT video `identReviews`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<String>,
    /// The pseudonym of the eID card within the service provider's context (POSTIDENT eID
    /// `dkk`). Identifies one person: treat it as personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eid_pseudonym: Option<String>,
    /// Coupons the user requested for an identification at the post office, per channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupon_requests: Vec<CouponRequests>,
    /// When the user consented to the video recording (POSTIDENT `videoRecordingAccepted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_consent_at: Option<Timestamp>,
    /// Whether a recording of the video chat was made and will be delivered separately
    /// (POSTIDENT `videoRecordingDeliveryShaft`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_delivered: Option<bool>,
    /// Where the TAN was sent, verbatim (POSTIDENT `tanChannel`: `sms`, `email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tan_channel: Option<String>,
    /// A free-text note about the identification (POSTIDENT `checkoutNote`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The checks a document reader performed on the identity document (POSTIDENT
    /// `idCardReaderCheck.checkedCategories`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_reader_checks: Vec<DocumentReaderCheck>,
}

impl AttemptDetails {
    /// True when no field is set (nothing to report).
    pub fn is_empty(&self) -> bool {
        self == &AttemptDetails::default()
    }
}

impl fmt::Debug for AttemptDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptDetails")
            .field("channel", &self.channel)
            .field("location", &self.location)
            .field("agents", &self.agents.len())
            .field("reviews", &self.reviews.len())
            .field("eid_pseudonym", &presence(&self.eid_pseudonym))
            .field("coupon_requests", &self.coupon_requests)
            .field("recording_consent_at", &self.recording_consent_at)
            .field("recording_delivered", &self.recording_delivered)
            .field("tan_channel", &self.tan_channel)
            .field("note", &presence(&self.note))
            .field("document_reader_checks", &self.document_reader_checks)
            .finish()
    }
}

/// A place where a user was identified in person or by an agent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdentLocation {
    /// The provider's id of the place (POSTIDENT `postOffice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name (POSTIDENT `identificationServiceCenter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Street and number (POSTIDENT `postOfficeStreetAddress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// Postal code and city (POSTIDENT `postOfficeCity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// How often a user requested a post-office coupon through one channel, and when last.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CouponRequests {
    /// The channel, in the provider's words made snake_case (POSTIDENT: `postident_app`,
    /// `third_party_app`, `download`, `email`).
    #[serde(default)]
    pub channel: String,
    /// How many coupons were requested.
    #[serde(default)]
    pub count: u32,
    /// When the last one was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_requested_at: Option<Timestamp>,
}

/// One category a document reader checked, with its result and the checks that failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentReaderCheck {
    /// The category's name, verbatim.
    #[serde(default)]
    pub name: String,
    /// Its result, verbatim.
    #[serde(default)]
    pub status: String,
    /// The checks that failed, as `check` or `check/sub-check`, verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_checks: Vec<String>,
}

crate::redacted_debug!(ProofOfAddress {
    shown: [provider_result, verified, data_changed, documents],
});
crate::redacted_debug!(AddressDocument {
    shown: [name, address],
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Checked, FieldCheck};

    #[test]
    fn debug_never_prints_addresses_or_pseudonyms() {
        let address = VerifiedAddress {
            city: Checked::new("MUNICH", FieldCheck::Match),
            ..Default::default()
        };
        let document = AddressDocument {
            name: "UTILITY_BILL".into(),
            address,
        };
        let proof = ProofOfAddress {
            documents: vec![document],
            ..Default::default()
        };
        let shown = format!("{proof:?}");
        assert!(
            shown.contains("UTILITY_BILL") && !shown.contains("MUNICH"),
            "{shown}"
        );

        let details = AttemptDetails {
            eid_pseudonym: Some("BB30E18C3428F73891DCF8".into()),
            note: Some("85014869 3013".into()),
            ..Default::default()
        };
        let shown = format!("{details:?}");
        assert!(
            !shown.contains("BB30E18C") && !shown.contains("85014869"),
            "{shown}"
        );
    }

    #[test]
    fn empty_details_serialise_to_nothing_and_read_back() {
        let details = AttemptDetails::default();
        assert!(details.is_empty());
        assert_eq!(
            serde_json::to_value(&details).unwrap(),
            serde_json::json!({})
        );
        let back: AttemptDetails = serde_json::from_str("{}").unwrap();
        assert_eq!(back, details);
    }
}
