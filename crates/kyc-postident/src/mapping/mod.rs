//! A POSTIDENT case result → the neutral [`kyc_core::Case`], and a neutral
//! [`kyc_core::NewCase`] → the create request ([`create_request`]).
//!
//! * The **primary identification** (`primaryIdent`, or the most advanced of `identifications`)
//!   gives the status, the reasons and the verified identity (see [`crate::status_mapping`]).
//! * Every identification (all of them from `/full`, the primary one otherwise) becomes an
//!   [`Attempt`](kyc_core::Attempt) with its own status, reasons, times and raw JSON.
//! * Every record (method, identification document and driving licence level) becomes an
//!   [`Artifact`](kyc_core::Artifact): inline bytes when `documentData` was included, otherwise
//!   a download the adapter resolves by fetching the case with `includeBinaryData=true`.
//! * `archived`, `validUntil`, `created`, `modified` and the decision time carry over; custom
//!   data becomes `custom_fields`; the JSON is kept verbatim in [`Case::raw`].
//!
//! * The driving licence becomes a secondary document of the identity, `addressMatch` the
//!   address's postal check, `accountingData` the case's accounting, and
//!   `additionalDataBasic/Eid/Video` each attempt's details ([`attempt_details`]).
//!
//! Identity fields keep POSTIDENT's check (`match`, `change`, `new`); a changed field carries
//! what the client provided at creation (from `orderData`) as its original. A name is changed
//! when either section (document or contact data) says `change`. Dates are `YYYY-MM-DD`;
//! countries are ISO alpha-3 when recognised.

mod artifacts;
mod attempts;
mod identity;
mod outbound;

pub use artifacts::{artifact, find_record_bytes, record_download_path};
pub use attempts::attempt_details;
pub use outbound::{create_request, create_request_as};

use crate::status_mapping;
use crate::wire::{
    AddressResult, CaseResult, CheckedValue, DocumentType, FieldStatus, IdentStatus,
    IdentificationMethod, IdentificationResult, RecordType,
};
use kyc_core::{
    Accounting, ArtifactKind, Case, CaseRef, DocumentKind, IdentMethod, Provider, RawJson,
};
use std::collections::BTreeMap;

/// The fragment that names a record in a
/// [`ArtifactSource::Download`](kyc_core::ArtifactSource::Download) path.
pub const RECORD_FRAGMENT: &str = "record=";

/// Maps one case result. `client_id` builds download paths for records without inline bytes;
/// `body` is only used for the error when the result has no caseId.
pub fn case_from_result(
    result: &CaseResult,
    raw: impl Into<RawJson>,
    client_id: &str,
) -> kyc_core::Result<Case> {
    let raw = raw.into();
    let Some(case_id) = result.case_id.clone().filter(|c| !c.trim().is_empty()) else {
        return Err(kyc_core::Error::new(
            kyc_core::ErrorKind::Provider,
            "the case result has no caseId",
        )
        .with_provider(Provider::Postident)
        .with_raw_body(raw.to_bytes()));
    };
    let case_ref = CaseRef::new(
        Provider::Postident,
        Some(case_id.clone()),
        result.reference_id().map(str::to_string),
    );
    let progress = result.case_status.as_ref().and_then(|s| s.status.as_ref());
    let primary = result.primary();
    let data_changed = data_changed(result, primary);
    let status = match primary.and_then(|p| p.identification_status.as_ref()) {
        Some(ident) => status_mapping::neutral_status(ident, progress, data_changed),
        None => status_mapping::case_without_identification(progress),
    };
    let provider_status = status_mapping::provider_status_words(
        progress,
        primary.and_then(|p| p.identification_method.as_ref()),
        primary.and_then(|p| p.identification_status.as_ref()),
    );
    let mut case = Case::new(case_ref, status, provider_status, RawJson::null());
    if let Some(p) = primary {
        case.reasons = identification_reasons(p);
        case.decided_at = p
            .identification_status
            .as_ref()
            .filter(|_| {
                matches!(
                    p.status(),
                    Some(IdentStatus::Success | IdentStatus::Declined)
                )
            })
            .and_then(|s| s.identification_time_at());
    }
    case.identity = identity::identity(result, primary);
    case.attempts = attempts::attempts(result, &raw, progress);
    case.artifacts = artifacts::artifacts(result, &case_id, client_id);
    if let Some(custom) = result
        .order_data
        .as_ref()
        .and_then(|o| o.custom_data.as_ref())
    {
        case.custom_fields = custom
            .entries()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>();
    }
    if let Some(a) = &result.accounting_data {
        if a.accounting_number.is_some() || a.accounting_product.is_some() {
            let mut accounting = Accounting::default();
            accounting.number = a.accounting_number.clone();
            accounting.product = a.accounting_product.clone();
            case.accounting = Some(accounting);
        }
    }
    if let Some(s) = &result.case_status {
        case.created_at = s.created_at();
        case.modified_at = s.modified_at();
        case.valid_until = s.valid_until_at();
        case.archived = s.archived.unwrap_or(false);
    }
    case.raw = raw;
    Ok(case)
}

/// The neutral method of a POSTIDENT method.
pub fn ident_method(method: Option<&IdentificationMethod>) -> IdentMethod {
    match method {
        Some(IdentificationMethod::AutoId) => IdentMethod::AutoIdent,
        Some(IdentificationMethod::Basic) => IdentMethod::PostOffice,
        Some(IdentificationMethod::Eid) => IdentMethod::Eid,
        Some(IdentificationMethod::Photo) => IdentMethod::Photo,
        Some(IdentificationMethod::Video) => IdentMethod::Video,
        Some(IdentificationMethod::Unknown(raw)) => IdentMethod::Unknown(raw.to_string()),
        None => IdentMethod::Unknown(String::new()),
    }
}

/// The neutral kind of a POSTIDENT document type.
pub fn document_kind(document_type: &DocumentType) -> DocumentKind {
    match document_type {
        DocumentType::IdCard | DocumentType::TemporaryIdCard | DocumentType::EuEidCard => {
            DocumentKind::IdCard
        }
        DocumentType::Passport
        | DocumentType::TemporaryPassport
        | DocumentType::ServicePassport
        | DocumentType::DiplomaticPassport
        | DocumentType::OfficialPassport
        | DocumentType::OfficialOrDiplomaticPassport => DocumentKind::Passport,
        DocumentType::ResidencePermit => DocumentKind::ResidencePermit,
        DocumentType::StatelessPersonTravelDocument
        | DocumentType::RefugeeTravelDocument
        | DocumentType::AliensTravelDocument => DocumentKind::Other,
        DocumentType::Unknown(raw) => DocumentKind::Unknown(raw.to_string()),
    }
}

/// The neutral kind of a record type.
pub fn artifact_kind(record_type: Option<&RecordType>) -> ArtifactKind {
    match record_type {
        Some(RecordType::Result) => ArtifactKind::ResultPdf,
        Some(RecordType::ResultData) => ArtifactKind::ResultData,
        Some(RecordType::ResultImages) => ArtifactKind::Other("resultimages".into()),
        Some(RecordType::UserFace) => ArtifactKind::Selfie,
        Some(RecordType::UserSignature) => ArtifactKind::Signature,
        Some(RecordType::IdFrontSide) => ArtifactKind::DocumentFront,
        Some(RecordType::IdBackSide) => ArtifactKind::DocumentBack,
        Some(RecordType::IdSignature) => ArtifactKind::Signature,
        Some(RecordType::IdImage) => ArtifactKind::DocumentImage,
        Some(RecordType::DlFrontSide | RecordType::DlBackSide | RecordType::DlImage) => {
            ArtifactKind::DocumentImage
        }
        Some(RecordType::PiFormSignature) => ArtifactKind::Signature,
        Some(RecordType::VideoChatRecording) => ArtifactKind::Video,
        Some(other) => ArtifactKind::Other(other.as_str().to_string()),
        None => ArtifactKind::Other(String::new()),
    }
}

fn identification_reasons(ident: &IdentificationResult) -> Vec<kyc_core::Reason> {
    let mut reasons = ident
        .identification_status
        .as_ref()
        .map(|s| status_mapping::identification_reasons(ident.identification_method.as_ref(), s))
        .unwrap_or_default();
    reasons.extend(status_mapping::record_validation_reasons(
        ident.all_records(),
    ));
    reasons
}

/// True when any delivered field of the contact data or the primary identification's
/// documents has status `change`.
fn data_changed(result: &CaseResult, primary: Option<&IdentificationResult>) -> bool {
    let mut fields: Vec<&Option<CheckedValue>> = Vec::new();
    if let Some(c) = &result.contact_data {
        fields.extend([
            &c.title,
            &c.first_name,
            &c.last_name,
            &c.mobile_phone,
            &c.email,
            &c.epost,
        ]);
        if let Some(a) = &c.address {
            fields.extend(address_fields(a));
        }
    }
    if let Some(d) = primary.and_then(|p| p.identification_document.as_ref()) {
        fields.extend([
            &d.country_of_document,
            &d.document_type,
            &d.number,
            &d.first_name,
            &d.last_name,
            &d.birth_name,
            &d.birth_date,
            &d.birth_place,
            &d.nationality,
            &d.date_issued,
            &d.date_of_expiry,
            &d.authority,
            &d.place_of_issue,
        ]);
        if let Some(a) = &d.address {
            fields.extend(address_fields(a));
        }
    }
    if let Some(d) = primary.and_then(|p| p.driving_licence.as_ref()) {
        fields.extend([
            &d.country_of_document,
            &d.number,
            &d.first_name,
            &d.last_name,
            &d.birth_date,
            &d.birth_place,
            &d.restrictions,
            &d.date_issued,
            &d.date_of_expiry,
            &d.authority,
        ]);
        for class in &d.driving_licence_classes {
            fields.extend([
                &class.class_name,
                &class.date_issued,
                &class.date_of_expiry,
                &class.restrictions,
            ]);
        }
    }
    fields
        .into_iter()
        .flatten()
        .any(|f| f.status == Some(FieldStatus::Change))
}

fn address_fields(a: &AddressResult) -> [&Option<CheckedValue>; 5] {
    [
        &a.street_address,
        &a.appendix,
        &a.postal_code,
        &a.city,
        &a.country,
    ]
}
