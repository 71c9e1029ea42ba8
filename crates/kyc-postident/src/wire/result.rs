//! The result objects of section 8 of the result guide: what `GET .../cases/...` returns.
//!
//! Everything is optional (the guide: "empty objects are omitted", "in rare cases mandatory
//! parameters may not be populated"); unknown fields are ignored; unknown values are kept.
//! Timestamps stay as the provider's text; the `*_at()` helpers parse them.

use super::additional::{AdditionalDataBasic, AdditionalDataEid, AdditionalDataVideo};
use super::checked::CheckedValue;
use super::enums::{
    CaseProgress, DocumentType, IdentStatus, IdentificationMethod, RecordOwner, RecordType,
    ValidationStatus, ValidationSubStatus,
};
use super::order::OrderData;
use super::strict;
use chrono::{DateTime, FixedOffset};
use kyc_core::wire::lenient;
use serde::Deserialize;

/// Parses a POSTIDENT timestamp (ISO 8601 with offset, e.g. `2016-07-05T18:23:15+02:00`).
///
/// Also accepts a `Z` suffix, fractional seconds and a compact `+0200` offset. Returns `None`
/// (with a warning) for text it cannot read.
pub fn parse_timestamp(raw: &str) -> Option<DateTime<FixedOffset>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(raw, format) {
            return Some(t);
        }
    }
    tracing::warn!(
        value = %kyc_core::wire::printable(raw, kyc_core::wire::DEFAULT_MAX_CHARS),
        "POSTIDENT: unreadable timestamp, ignored"
    );
    None
}

fn ts(raw: &Option<String>) -> Option<DateTime<FixedOffset>> {
    raw.as_deref().and_then(parse_timestamp)
}

/// `CaseResult` (result guide 8.2): one case with its primary identification
/// (`GET .../cases/{caseId}`) or with all identifications (`.../full`).
///
/// The large parts are boxed, so that a case result moves cheaply through the layers that pass
/// it on (unboxed it was 4.5 kB).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CaseResult {
    /// `caseId`.
    #[serde(deserialize_with = "strict::text")]
    pub case_id: Option<String>,
    /// `caseStatus`.
    #[serde(deserialize_with = "strict::object")]
    pub case_status: Option<CaseStatus>,
    /// `orderData`: what the client sent at creation (status calls: only `customData`).
    #[serde(deserialize_with = "strict::object")]
    pub order_data: Option<Box<OrderData>>,
    /// `contactData`: the contact data used during identification.
    #[serde(deserialize_with = "strict::object")]
    pub contact_data: Option<Box<ContactDataResult>>,
    /// `primaryIdent`: the identification with the most progress (single-case and list calls).
    #[serde(deserialize_with = "strict::object")]
    pub primary_ident: Option<Box<IdentificationResult>>,
    /// `identifications`: every identification (`/full` calls).
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub identifications: Vec<IdentificationResult>,
    /// `accountingData`.
    #[serde(deserialize_with = "strict::object")]
    pub accounting_data: Option<AccountingData>,
}

impl CaseResult {
    /// The `referenceId` echoed in `orderData.processData`, when present.
    pub fn reference_id(&self) -> Option<&str> {
        self.order_data
            .as_ref()
            .and_then(|o| o.process_data.as_ref())
            .and_then(|p| p.reference_id.as_deref())
    }

    /// The primary identification: `primaryIdent` when sent, otherwise the identification with
    /// the most progress among `identifications` (the guide's definition, section 7.3).
    pub fn primary(&self) -> Option<&IdentificationResult> {
        if let Some(p) = &self.primary_ident {
            return Some(p);
        }
        self.identifications
            .iter()
            .enumerate()
            .max_by_key(|(i, ident)| (ident.progress_rank(), *i))
            .map(|(_, ident)| ident)
    }
}

/// `CaseStatus` (result guide 8.3): progress and dates of the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CaseStatus {
    /// `status`: `new`, `in progress` or `closed`.
    pub status: Option<CaseProgress>,
    /// `archived`.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub archived: Option<bool>,
    /// `validUntil`: after it the user cannot start or resume the case.
    #[serde(deserialize_with = "strict::text")]
    pub valid_until: Option<String>,
    /// `created`.
    #[serde(deserialize_with = "strict::text")]
    pub created: Option<String>,
    /// `modified`.
    #[serde(deserialize_with = "strict::text")]
    pub modified: Option<String>,
}

impl CaseStatus {
    /// `validUntil` parsed.
    pub fn valid_until_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.valid_until)
    }
    /// `created` parsed.
    pub fn created_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.created)
    }
    /// `modified` parsed.
    pub fn modified_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.modified)
    }
}

/// `ContactDataResult` (result guide 8.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ContactDataResult {
    /// `title` (deprecated).
    pub title: Option<CheckedValue>,
    /// `firstName`.
    pub first_name: Option<CheckedValue>,
    /// `lastName`.
    pub last_name: Option<CheckedValue>,
    /// `mobilePhone`.
    pub mobile_phone: Option<CheckedValue>,
    /// `email`.
    pub email: Option<CheckedValue>,
    /// `epost` (deprecated).
    pub epost: Option<CheckedValue>,
    /// `address`.
    #[serde(deserialize_with = "strict::object")]
    pub address: Option<AddressResult>,
}

/// `IdentificationResult` (result guide 8.6): one identification with one method.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdentificationResult {
    /// `identificationMethod`: `autoid`, `basic`, `eid`, `photo` or `video`.
    pub identification_method: Option<IdentificationMethod>,
    /// `identificationStatus`.
    #[serde(deserialize_with = "strict::object")]
    pub identification_status: Option<IdentificationStatus>,
    /// `identificationDocument`.
    #[serde(deserialize_with = "strict::object")]
    pub identification_document: Option<IdentificationDocumentResult>,
    /// `drivingLicence`: only when the driving licence was checked.
    #[serde(deserialize_with = "strict::object")]
    pub driving_licence: Option<DrivingLicenceResult>,
    /// `records` on method level (result PDF, user face, signature).
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub records: Vec<RecordResult>,
    /// `additionalDataBasic`.
    #[serde(deserialize_with = "strict::object")]
    pub additional_data_basic: Option<AdditionalDataBasic>,
    /// `additionalDataEid`.
    #[serde(deserialize_with = "strict::object")]
    pub additional_data_eid: Option<AdditionalDataEid>,
    /// `additionalDataVideo`.
    #[serde(deserialize_with = "strict::object")]
    pub additional_data_video: Option<AdditionalDataVideo>,
}

impl IdentificationResult {
    /// The identification status word, when present.
    pub fn status(&self) -> Option<&IdentStatus> {
        self.identification_status
            .as_ref()
            .and_then(|s| s.status.as_ref())
    }

    /// Every record of this identification: method level, identification document and driving
    /// licence, in that order.
    pub fn all_records(&self) -> impl Iterator<Item = &RecordResult> {
        let doc = self
            .identification_document
            .iter()
            .flat_map(|d| d.records.iter());
        let dl = self.driving_licence.iter().flat_map(|d| d.records.iter());
        self.records.iter().chain(doc).chain(dl)
    }

    /// How far this identification got (for choosing the primary one when only `identifications`
    /// is present): final > review pending > incomplete/coupon requested > started > cancelled.
    pub(crate) fn progress_rank(&self) -> u8 {
        match self.status() {
            Some(IdentStatus::Success) | Some(IdentStatus::Declined) => 6,
            Some(IdentStatus::ReviewPending) => 5,
            Some(IdentStatus::Incomplete) => 4,
            Some(IdentStatus::CouponRequested) => 3,
            Some(IdentStatus::Started) => 2,
            Some(IdentStatus::Cancelled) => 1,
            Some(IdentStatus::Unknown(_)) | None => 0,
        }
    }
}

/// `{code, description}` of `subStatus` and `subStatusReason`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CodeDescription {
    /// `code` (a number on the wire; kept as its text).
    #[serde(deserialize_with = "strict::text")]
    pub code: Option<String>,
    /// `description`: POSTIDENT's English description.
    #[serde(deserialize_with = "strict::text")]
    pub description: Option<String>,
}

impl CodeDescription {
    /// A code with a description.
    pub fn new(code: u32, description: impl Into<String>) -> Self {
        CodeDescription {
            code: Some(code.to_string()),
            description: Some(description.into()),
        }
    }

    /// The code as a number, when it is one.
    pub fn code_number(&self) -> Option<u32> {
        self.code.as_deref().and_then(|c| c.trim().parse().ok())
    }
}

/// `IdentificationStatus` (result guide 8.6.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdentificationStatus {
    /// `status`.
    pub status: Option<IdentStatus>,
    /// `subStatus` (level 2).
    #[serde(deserialize_with = "strict::object")]
    pub sub_status: Option<CodeDescription>,
    /// `subStatusReason` (level 3).
    #[serde(deserialize_with = "strict::object")]
    pub sub_status_reason: Option<CodeDescription>,
    /// `identificationTime`: when the final decision was made.
    #[serde(deserialize_with = "strict::text")]
    pub identification_time: Option<String>,
    /// `created`.
    #[serde(deserialize_with = "strict::text")]
    pub created: Option<String>,
    /// `modified`.
    #[serde(deserialize_with = "strict::text")]
    pub modified: Option<String>,
}

impl IdentificationStatus {
    /// `identificationTime` parsed.
    pub fn identification_time_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.identification_time)
    }
    /// `created` parsed.
    pub fn created_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.created)
    }
    /// `modified` parsed.
    pub fn modified_at(&self) -> Option<DateTime<FixedOffset>> {
        ts(&self.modified)
    }
    /// The `subStatus` code as a number.
    pub fn sub_status_code(&self) -> Option<u32> {
        self.sub_status.as_ref().and_then(|c| c.code_number())
    }
    /// The `subStatusReason` code as a number.
    pub fn sub_status_reason_code(&self) -> Option<u32> {
        self.sub_status_reason
            .as_ref()
            .and_then(|c| c.code_number())
    }
}

/// `IdentificationDocumentResult` (result guide 8.6.2).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdentificationDocumentResult {
    /// `countryOfDocument`: alpha-3 plus `RKS`.
    pub country_of_document: Option<CheckedValue>,
    /// `type`: document type code "1".."13" (see [`Self::document_type`]).
    #[serde(rename = "type")]
    pub document_type: Option<CheckedValue>,
    /// `number` (not for eID).
    pub number: Option<CheckedValue>,
    /// `firstName`.
    pub first_name: Option<CheckedValue>,
    /// `lastName`.
    pub last_name: Option<CheckedValue>,
    /// `birthName`.
    pub birth_name: Option<CheckedValue>,
    /// `birthDate`.
    pub birth_date: Option<CheckedValue>,
    /// `birthPlace`.
    pub birth_place: Option<CheckedValue>,
    /// `nationality`: alpha-3 plus `RKS`, `XXA`, `XXB`, `XXC`, `XXX`.
    pub nationality: Option<CheckedValue>,
    /// `address` printed on the document (empty when the document has none).
    #[serde(deserialize_with = "strict::object")]
    pub address: Option<AddressResult>,
    /// `dateIssued` (not for eID).
    pub date_issued: Option<CheckedValue>,
    /// `dateOfExpiry`.
    pub date_of_expiry: Option<CheckedValue>,
    /// `authority` (not for eID).
    pub authority: Option<CheckedValue>,
    /// `placeOfIssue` (German passports).
    pub place_of_issue: Option<CheckedValue>,
    /// `records`: images of the identification document.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub records: Vec<RecordResult>,
}

impl IdentificationDocumentResult {
    /// The document type, decoded from `type.value`.
    pub fn document_type(&self) -> Option<DocumentType> {
        self.document_type
            .as_ref()
            .and_then(|t| t.value())
            .map(DocumentType::from_wire)
    }
}

/// `DrivingLicenceResult` (result guide 8.6.3).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DrivingLicenceResult {
    /// `countryOfDocument`.
    pub country_of_document: Option<CheckedValue>,
    /// `number`.
    pub number: Option<CheckedValue>,
    /// `firstName`.
    pub first_name: Option<CheckedValue>,
    /// `lastName`.
    pub last_name: Option<CheckedValue>,
    /// `birthDate`.
    pub birth_date: Option<CheckedValue>,
    /// `birthPlace`.
    pub birth_place: Option<CheckedValue>,
    /// `drivingLicenceClasses`.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub driving_licence_classes: Vec<DrivingLicenceClassesResult>,
    /// `restrictions`.
    pub restrictions: Option<CheckedValue>,
    /// `dateIssued`.
    pub date_issued: Option<CheckedValue>,
    /// `dateOfExpiry`.
    pub date_of_expiry: Option<CheckedValue>,
    /// `authority`.
    pub authority: Option<CheckedValue>,
    /// `records`: images of the driving licence (photo method, class Mobility).
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub records: Vec<RecordResult>,
}

/// `DrivingLicenceClassesResult` (result guide 8.6.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DrivingLicenceClassesResult {
    /// `className`.
    pub class_name: Option<CheckedValue>,
    /// `dateIssued`.
    pub date_issued: Option<CheckedValue>,
    /// `dateOfExpiry`.
    pub date_of_expiry: Option<CheckedValue>,
    /// `restrictions`.
    pub restrictions: Option<CheckedValue>,
}

/// `AddressResult` (result guide 8.6.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AddressResult {
    /// `streetAddress`: street and house number.
    pub street_address: Option<CheckedValue>,
    /// `appendix`.
    pub appendix: Option<CheckedValue>,
    /// `postalCode`.
    pub postal_code: Option<CheckedValue>,
    /// `city`.
    pub city: Option<CheckedValue>,
    /// `country`: alpha-3 plus `RKS`.
    pub country: Option<CheckedValue>,
    /// `addressMatch`: optional postal address check.
    #[serde(deserialize_with = "strict::object")]
    pub address_match: Option<AddressMatch>,
}

impl AddressResult {
    /// True when no part of the address carries a value.
    pub fn is_empty(&self) -> bool {
        [
            &self.street_address,
            &self.appendix,
            &self.postal_code,
            &self.city,
            &self.country,
        ]
        .iter()
        .all(|f| f.as_ref().and_then(|c| c.value()).is_none())
    }
}

/// `AddressMatch` (result guide 8.6.6). `Debug` redacts (it says things about a person).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AddressMatch {
    /// `mailRedirectionDomestic`: a German redirection order exists.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub mail_redirection_domestic: Option<bool>,
    /// `mailRedirectionInternational`: an international redirection order exists.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub mail_redirection_international: Option<bool>,
    /// `undeliverable`: the address is not available.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub undeliverable: Option<bool>,
    /// `addresseeDeceased`: the addressee is dead.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub addressee_deceased: Option<bool>,
}

kyc_core::redacted_debug!(AddressMatch {
    shown: [],
    redacted: [
        mail_redirection_domestic,
        mail_redirection_international,
        undeliverable,
        addressee_deceased,
    ],
});

/// `RecordResult` (result guide 8.6.7): an image, PDF or other file of an identification.
/// `Debug` shows the metadata but not `documentData` nor the agent's remark.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct RecordResult {
    /// `recordId`: system-wide unique id.
    #[serde(deserialize_with = "strict::text")]
    pub record_id: Option<String>,
    /// `belongsTo`: `method`, `identificationdocument` or `drivinglicence`.
    pub belongs_to: Option<RecordOwner>,
    /// `type`: content of the file (`result`, `userface`, `idfrontside`, ...).
    #[serde(rename = "type")]
    pub record_type: Option<RecordType>,
    /// `validationStatus` (photo only).
    pub validation_status: Option<ValidationStatus>,
    /// `validationSubStatus` (photo only).
    pub validation_sub_status: Option<ValidationSubStatus>,
    /// `validationRemark`: the agent's note (photo only).
    #[serde(deserialize_with = "strict::text")]
    pub validation_remark: Option<String>,
    /// `mimeType`.
    #[serde(deserialize_with = "strict::text")]
    pub mime_type: Option<String>,
    /// `fileName`: `<caseId>_<type>[_<method>].<ext>`, maybe with a sequence number.
    #[serde(deserialize_with = "strict::text")]
    pub file_name: Option<String>,
    /// `documentData`: the file as Base64 (only with `includeBinaryData=true`).
    #[serde(deserialize_with = "strict::text")]
    pub document_data: Option<String>,
}

kyc_core::redacted_debug!(RecordResult {
    shown: [
        record_id,
        belongs_to,
        record_type,
        validation_status,
        validation_sub_status,
        mime_type,
        file_name,
    ],
    redacted: [validation_remark, document_data],
});

impl RecordResult {
    /// Decodes `documentData` (standard Base64; whitespace and line breaks are ignored, and the
    /// URL-safe alphabet is accepted too). `Ok(None)` when no data was included.
    pub fn decode_document_data(&self) -> Result<Option<Vec<u8>>, base64::DecodeError> {
        use base64::Engine;
        let Some(data) = &self.document_data else {
            return Ok(None);
        };
        let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Ok(None);
        }
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        match lenient.decode(&compact) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) => {
                let url_safe = base64::engine::GeneralPurpose::new(
                    &base64::alphabet::URL_SAFE,
                    base64::engine::GeneralPurposeConfig::new()
                        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
                );
                url_safe.decode(&compact).map(Some).map_err(|_| e)
            }
        }
    }
}

/// `AccountingData` (result guide 8.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AccountingData {
    /// `accountingNumber`: identifier for invoicing.
    #[serde(deserialize_with = "strict::text")]
    pub accounting_number: Option<String>,
    /// `accountingProduct`: product name on the invoice.
    #[serde(deserialize_with = "strict::text")]
    pub accounting_product: Option<String>,
}

/// One entry of the answer to `PATCH .../cases/archive` (result guide 7.6.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ArchivedCase {
    /// `caseId`.
    #[serde(deserialize_with = "strict::text")]
    pub case_id: Option<String>,
    /// `caseStatus` after archiving.
    #[serde(deserialize_with = "strict::object")]
    pub case_status: Option<CaseStatus>,
}

/// The webhook body POSTIDENT POSTs (result guide 5): ids only, never result data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct WebhookBody {
    /// `caseId`.
    #[serde(deserialize_with = "strict::text")]
    pub case_id: Option<String>,
    /// `referenceId`, when the account is configured to send it.
    #[serde(deserialize_with = "strict::text")]
    pub reference_id: Option<String>,
}
