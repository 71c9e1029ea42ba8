//! A POSTIDENT case result → the neutral [`kyc_core::Case`].
//!
//! * The **primary identification** (`primaryIdent`, or the most advanced of `identifications`)
//!   gives the status, the reasons and the verified identity (see [`crate::status_mapping`]).
//! * Every identification (all of them from `/full`, the primary one otherwise) becomes an
//!   [`Attempt`] with its own status, reasons, times and raw JSON.
//! * Every record (method, identification document and driving licence level) becomes an
//!   [`Artifact`]: inline bytes when `documentData` was included, otherwise a download the
//!   adapter resolves by fetching the case with `includeBinaryData=true`.
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

use crate::status_mapping;
use crate::wire::{
    AddressMatch, AddressProvided, AddressResult, CaseResult, CheckedValue, DocumentType,
    DrivingLicenceClassProvided, DrivingLicenceProvided, DrivingLicenceResult, FieldStatus,
    IdentStatus, IdentificationDocumentProvided, IdentificationMethod, IdentificationResult,
    RecordResult, RecordType,
};
use bytes::Bytes;
use kyc_core::{
    Accounting, Artifact, ArtifactKind, ArtifactSource, Attempt, AttemptDetails, Case, CaseRef,
    Checked, Country, CouponRequests, DocumentKind, DocumentReaderCheck, FieldCheck, IdentLocation,
    IdentMethod, LicenceClass, PostalCheck, Provider, VerifiedAddress, VerifiedContact,
    VerifiedDocument, VerifiedIdentity, VerifiedPerson,
};
use std::collections::BTreeMap;

/// The fragment that names a record in a [`ArtifactSource::Download`] path.
pub const RECORD_FRAGMENT: &str = "record=";

/// Maps one case result. `client_id` builds download paths for records without inline bytes;
/// `body` is only used for the error when the result has no caseId.
pub fn case_from_result(
    result: &CaseResult,
    raw: serde_json::Value,
    client_id: &str,
) -> kyc_core::Result<Case> {
    let Some(case_id) = result.case_id.clone().filter(|c| !c.trim().is_empty()) else {
        return Err(kyc_core::Error::new(
            kyc_core::ErrorKind::Provider,
            "the case result has no caseId",
        )
        .with_provider(Provider::Postident)
        .with_raw_body(Bytes::from(serde_json::to_vec(&raw).unwrap_or_default())));
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
    let mut case = Case::new(case_ref, status, provider_status, serde_json::Value::Null);
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
    case.identity = identity(result, primary);
    case.attempts = attempts(result, &raw, progress);
    case.artifacts = artifacts(result, &case_id, client_id);
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
        Some(IdentificationMethod::Unknown(raw)) => IdentMethod::Unknown(raw.clone()),
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
        DocumentType::Unknown(raw) => DocumentKind::Unknown(raw.clone()),
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

// ── Identity ─────────────────────────────────────────────────────────────────────────────────

#[derive(Clone, Copy)]
enum Normalise {
    Verbatim,
    Date,
    Country,
}

fn checked(field: &Option<CheckedValue>, original: Option<&str>, how: Normalise) -> Checked {
    let Some(field) = field else {
        return Checked::absent();
    };
    let check = match &field.status {
        Some(FieldStatus::Match) => FieldCheck::Match,
        Some(FieldStatus::Change) => FieldCheck::Changed,
        Some(FieldStatus::New) | None => FieldCheck::New,
        Some(FieldStatus::Unknown(raw)) => FieldCheck::Unknown(raw.clone()),
    };
    let value = field.value.as_deref().map(|v| normalise(v, how));
    if value.is_none() && field.status.is_none() {
        // `{}`: POSTIDENT's way of saying "no data".
        return Checked::absent();
    }
    let original = if check == FieldCheck::Changed {
        original.map(|o| normalise(o, how))
    } else {
        None
    };
    let mut c = Checked::absent().with_check(check);
    c.value = value;
    c.original = original;
    c
}

fn normalise(value: &str, how: Normalise) -> String {
    match how {
        Normalise::Verbatim => value.to_string(),
        Normalise::Date => {
            let v = value.trim();
            let date_part = v.get(..10).unwrap_or(v);
            match chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
                Ok(d) => d.format("%Y-%m-%d").to_string(),
                Err(_) => match chrono::NaiveDate::parse_from_str(v, "%d.%m.%Y") {
                    Ok(d) => d.format("%Y-%m-%d").to_string(),
                    Err(_) => {
                        tracing::warn!("POSTIDENT: a date is not YYYY-MM-DD; kept verbatim");
                        value.to_string()
                    }
                },
            }
        }
        Normalise::Country => {
            if value.trim().is_empty() {
                return value.to_string();
            }
            match Country::parse(value.trim()) {
                Ok(c) => c.alpha3().to_string(),
                Err(_) => {
                    tracing::warn!(
                        value = %kyc_core::wire::printable(value, kyc_core::wire::DEFAULT_MAX_CHARS),
                        "POSTIDENT: unrecognised country code; kept verbatim"
                    );
                    value.to_string()
                }
            }
        }
    }
}

fn address_result(a: &AddressResult, provided: Option<&AddressProvided>) -> VerifiedAddress {
    let p = |f: fn(&AddressProvided) -> &Option<String>| provided.and_then(|p| f(p).as_deref());
    let mut address = VerifiedAddress::default()
        .with_street(checked(
            &a.street_address,
            p(|p| &p.street_address),
            Normalise::Verbatim,
        ))
        .with_street_number(Checked::absent())
        .with_appendix(checked(
            &a.appendix,
            p(|p| &p.appendix),
            Normalise::Verbatim,
        ))
        .with_postal_code(checked(
            &a.postal_code,
            p(|p| &p.postal_code),
            Normalise::Verbatim,
        ))
        .with_city(checked(&a.city, p(|p| &p.city), Normalise::Verbatim))
        .with_country(checked(&a.country, p(|p| &p.country), Normalise::Country));
    address.postal_check = a.address_match.as_ref().map(postal_check);
    address
}

/// `addressMatch` (result guide 8.6.6) in neutral words.
fn postal_check(m: &AddressMatch) -> PostalCheck {
    let mut check = PostalCheck::default();
    check.redirected_domestic = m.mail_redirection_domestic;
    check.redirected_international = m.mail_redirection_international;
    check.undeliverable = m.undeliverable;
    check.addressee_deceased = m.addressee_deceased;
    check
}

/// `drivingLicence` (result guide 8.6.3 and 8.6.4): a document checked besides the
/// identification document, with its holder and vehicle classes. Each field keeps its check; a
/// changed one carries what `drivingLicenceProvided` held as its original.
fn driving_licence(
    d: &DrivingLicenceResult,
    provided: Option<&DrivingLicenceProvided>,
) -> VerifiedDocument {
    let p =
        |f: fn(&DrivingLicenceProvided) -> &Option<String>| provided.and_then(|p| f(p).as_deref());
    let holder = VerifiedPerson::default()
        .with_first_name(checked(
            &d.first_name,
            p(|p| &p.first_name),
            Normalise::Verbatim,
        ))
        .with_last_name(checked(
            &d.last_name,
            p(|p| &p.last_name),
            Normalise::Verbatim,
        ))
        .with_birth_date(checked(
            &d.birth_date,
            p(|p| &p.birth_date),
            Normalise::Date,
        ))
        .with_birth_place(checked(
            &d.birth_place,
            p(|p| &p.birth_place),
            Normalise::Verbatim,
        ));
    let classes_provided = provided
        .map(|p| p.driving_licence_classes.as_slice())
        .unwrap_or_default();
    let licence_classes = d
        .driving_licence_classes
        .iter()
        .map(|c| {
            // The provided class of the same name is what a changed field changed.
            let name = c.class_name.as_ref().and_then(|n| n.value());
            let cp = classes_provided
                .iter()
                .find(|p| p.class_name.is_some() && p.class_name.as_deref() == name);
            let cp = |f: fn(&DrivingLicenceClassProvided) -> &Option<String>| {
                cp.and_then(|p| f(p).as_deref())
            };
            let mut class = LicenceClass::default();
            class.class = checked(&c.class_name, cp(|p| &p.class_name), Normalise::Verbatim);
            class.valid_from = checked(&c.date_issued, cp(|p| &p.date_issued), Normalise::Date);
            class.valid_until = checked(
                &c.date_of_expiry,
                cp(|p| &p.date_of_expiry),
                Normalise::Date,
            );
            class.restrictions = checked(
                &c.restrictions,
                cp(|p| &p.restrictions),
                Normalise::Verbatim,
            );
            class
        })
        .collect();
    VerifiedDocument::default()
        .with_kind(DocumentKind::DriversLicence)
        .with_provider_type("drivingLicence".to_string())
        .with_number(checked(&d.number, p(|p| &p.number), Normalise::Verbatim))
        .with_authority(checked(
            &d.authority,
            p(|p| &p.authority),
            Normalise::Verbatim,
        ))
        .with_place_of_issue(Checked::absent())
        .with_issued_on(checked(
            &d.date_issued,
            p(|p| &p.date_issued),
            Normalise::Date,
        ))
        .with_valid_until(checked(
            &d.date_of_expiry,
            p(|p| &p.date_of_expiry),
            Normalise::Date,
        ))
        .with_country(checked(
            &d.country_of_document,
            p(|p| &p.country_of_document),
            Normalise::Country,
        ))
        .with_licence_classes(licence_classes)
        .with_restrictions(checked(
            &d.restrictions,
            p(|p| &p.restrictions),
            Normalise::Verbatim,
        ))
        .with_holder(holder)
}

fn identity(
    result: &CaseResult,
    primary: Option<&IdentificationResult>,
) -> Option<VerifiedIdentity> {
    let contact = result.contact_data.as_ref();
    let document = primary.and_then(|p| p.identification_document.as_ref());
    let licence = primary.and_then(|p| p.driving_licence.as_ref());
    if contact.is_none() && document.is_none() && licence.is_none() {
        return None;
    }
    let order = result.order_data.as_ref();
    let contact_provided = order.and_then(|o| o.contact_data_provided.as_ref());
    let doc_provided = order.and_then(|o| o.identification_document_provided.as_ref());
    let cp = |f: fn(&crate::wire::ContactDataProvided) -> &Option<String>| {
        contact_provided.and_then(|p| f(p).as_deref())
    };
    let dp = |f: fn(&IdentificationDocumentProvided) -> &Option<String>| {
        doc_provided.and_then(|p| f(p).as_deref())
    };
    // A name read from the document wins over the contact data (which may only echo what the
    // client provided); fall back to the contact data when there is no document. A change is a
    // change whichever section reports it: when the document section says `new` or `match` (it
    // compares with identificationDocumentProvided, which may not have been sent) but the
    // contact section says `change` (it compares with contactDataProvided), the field changed,
    // and its original is what was provided in the contact data.
    let doc_or_contact = |doc_field: Option<&Option<CheckedValue>>,
                          contact_field: Option<&Option<CheckedValue>>,
                          doc_original: Option<&str>,
                          contact_original: Option<&str>| {
        let from_contact = checked(
            contact_field.unwrap_or(&None),
            contact_original,
            Normalise::Verbatim,
        );
        match doc_field {
            Some(Some(v)) if v.value.is_some() => {
                let mut from_doc = checked(
                    &Some(v.clone()),
                    doc_original.or(contact_original),
                    Normalise::Verbatim,
                );
                if from_doc.check != FieldCheck::Changed
                    && from_contact.check == FieldCheck::Changed
                {
                    from_doc.check = FieldCheck::Changed;
                    from_doc.original = from_contact.original;
                }
                from_doc
            }
            _ => from_contact,
        }
    };
    let doc_field = |f: fn(&crate::wire::IdentificationDocumentResult) -> &Option<CheckedValue>,
                     original: Option<&str>,
                     how: Normalise| {
        document
            .map(|d| checked(f(d), original, how))
            .unwrap_or_else(Checked::absent)
    };
    let person = VerifiedPerson::default()
        .with_title(checked(
            contact.map(|c| &c.title).unwrap_or(&None),
            cp(|p| &p.title),
            Normalise::Verbatim,
        ))
        .with_first_name(doc_or_contact(
            document.map(|d| &d.first_name),
            contact.map(|c| &c.first_name),
            dp(|p| &p.first_name),
            cp(|p| &p.first_name),
        ))
        .with_last_name(doc_or_contact(
            document.map(|d| &d.last_name),
            contact.map(|c| &c.last_name),
            dp(|p| &p.last_name),
            cp(|p| &p.last_name),
        ))
        .with_birth_name(doc_field(
            |d| &d.birth_name,
            dp(|p| &p.birth_name),
            Normalise::Verbatim,
        ))
        .with_birth_date(doc_field(
            |d| &d.birth_date,
            dp(|p| &p.birth_date),
            Normalise::Date,
        ))
        .with_birth_place(doc_field(
            |d| &d.birth_place,
            dp(|p| &p.birth_place),
            Normalise::Verbatim,
        ))
        .with_nationality(doc_field(
            |d| &d.nationality,
            dp(|p| &p.nationality),
            Normalise::Country,
        ))
        .with_gender(Checked::absent());
    // The user's postal address: the contact data's (collected or confirmed during the
    // identification), else the address printed on the document.
    let address = match (
        contact.and_then(|c| c.address.as_ref()),
        document.and_then(|d| d.address.as_ref()),
    ) {
        (Some(a), _) if !a.is_empty() => Some(address_result(
            a,
            contact_provided.and_then(|p| p.address.as_ref()),
        )),
        (_, Some(a)) if !a.is_empty() => Some(address_result(
            a,
            doc_provided.and_then(|p| p.address.as_ref()),
        )),
        _ => None,
    };
    let document = document.map(|d| {
        let doc_type = d.document_type();
        VerifiedDocument::default()
            .with_kind(
                doc_type
                    .as_ref()
                    .map(document_kind)
                    .unwrap_or(DocumentKind::Unspecified),
            )
            .with_provider_type(doc_type.map(|t| t.as_str().to_string()).unwrap_or_default())
            .with_number(checked(&d.number, dp(|p| &p.number), Normalise::Verbatim))
            .with_authority(checked(
                &d.authority,
                dp(|p| &p.authority),
                Normalise::Verbatim,
            ))
            .with_place_of_issue(checked(
                &d.place_of_issue,
                dp(|p| &p.place_of_issue),
                Normalise::Verbatim,
            ))
            .with_issued_on(checked(
                &d.date_issued,
                dp(|p| &p.date_issued),
                Normalise::Date,
            ))
            .with_valid_until(checked(
                &d.date_of_expiry,
                dp(|p| &p.date_of_expiry),
                Normalise::Date,
            ))
            .with_country(checked(
                &d.country_of_document,
                dp(|p| &p.country_of_document),
                Normalise::Country,
            ))
    });
    let contact = VerifiedContact::default()
        .with_email(
            contact
                .map(|c| checked(&c.email, cp(|p| &p.email), Normalise::Verbatim))
                .unwrap_or_else(Checked::absent),
        )
        .with_mobile_phone(
            contact
                .map(|c| {
                    checked(
                        &c.mobile_phone,
                        cp(|p| &p.mobile_phone),
                        Normalise::Verbatim,
                    )
                })
                .unwrap_or_else(Checked::absent),
        );
    let secondary_documents = licence
        .map(|d| driving_licence(d, order.and_then(|o| o.driving_licence_provided.as_ref())))
        .into_iter()
        .collect();
    let mut identity = VerifiedIdentity::default()
        .with_person(person)
        .with_secondary_documents(secondary_documents)
        .with_contact(contact);
    identity.address = address;
    identity.document = document;
    Some(identity)
}

// ── Attempts ─────────────────────────────────────────────────────────────────────────────────

fn attempts(
    result: &CaseResult,
    raw: &serde_json::Value,
    progress: Option<&crate::wire::CaseProgress>,
) -> Vec<Attempt> {
    let (idents, raws): (Vec<&IdentificationResult>, Vec<serde_json::Value>) =
        if !result.identifications.is_empty() {
            let raws = raw
                .get("identifications")
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            (
                result.identifications.iter().collect(),
                (0..result.identifications.len())
                    .map(|i| raws.get(i).cloned().unwrap_or_default())
                    .collect(),
            )
        } else if let Some(p) = &result.primary_ident {
            (
                vec![p],
                vec![raw.get("primaryIdent").cloned().unwrap_or_default()],
            )
        } else {
            (Vec::new(), Vec::new())
        };
    idents
        .into_iter()
        .zip(raws)
        .map(|(ident, raw)| {
            let status = match &ident.identification_status {
                Some(s) => status_mapping::neutral_status(s, progress, false),
                None => status_mapping::case_without_identification(progress),
            };
            // Approved attempts report data_changed like the case does.
            let status = match status {
                kyc_core::CaseStatus::Approved { .. } => kyc_core::CaseStatus::Approved {
                    data_changed: data_changed(result, Some(ident)),
                },
                other => other,
            };
            let provider_status = {
                let words = status_mapping::provider_status_words(
                    None,
                    ident.identification_method.as_ref(),
                    ident.identification_status.as_ref(),
                );
                words.trim_start_matches("?/").to_string()
            };
            let s = ident.identification_status.as_ref();
            let mut attempt = Attempt::new(
                ident_method(ident.identification_method.as_ref()),
                status,
                provider_status,
            )
            .with_reasons(identification_reasons(ident))
            .with_details(attempt_details(ident))
            .with_raw(raw);
            attempt.started_at = s.and_then(|s| s.created_at());
            attempt.finished_at = s.and_then(|s| {
                s.identification_time_at().or_else(|| {
                    matches!(
                        s.status,
                        Some(
                            IdentStatus::Success
                                | IdentStatus::Declined
                                | IdentStatus::Cancelled
                                | IdentStatus::Incomplete
                        )
                    )
                    .then(|| s.modified_at())
                    .flatten()
                })
            });
            attempt
        })
        .collect()
}

/// The circumstances of one identification (result guide 8.6.8–8.6.10): where and by whom,
/// coupons, the eID pseudonym, the video recording and TAN, the post office's card reader.
pub fn attempt_details(ident: &IdentificationResult) -> AttemptDetails {
    let mut details = AttemptDetails::default();
    if let Some(b) = &ident.additional_data_basic {
        let office = [
            &b.post_office,
            &b.post_office_street_address,
            &b.post_office_city,
        ];
        if office.iter().any(|f| f.is_some()) {
            let mut location = IdentLocation::default();
            location.id = b.post_office.clone();
            location.street_address = b.post_office_street_address.clone();
            location.city = b.post_office_city.clone();
            details.location = Some(location);
        }
        for (channel, count, last) in [
            (
                "postident_app",
                b.coupon_by_pi_app_request_count,
                &b.coupon_by_pi_app_request_last_timestamp,
            ),
            (
                "third_party_app",
                b.coupon_by_tp_app_request_count,
                &b.coupon_by_tp_app_request_last_timestamp,
            ),
            (
                "download",
                b.coupon_download_count,
                &b.coupon_download_last_timestamp,
            ),
            (
                "email",
                b.coupon_by_email_request_count,
                &b.coupon_by_email_request_last_timestamp,
            ),
        ] {
            let last_requested_at = last.as_deref().and_then(crate::wire::parse_timestamp);
            if count.is_none() && last_requested_at.is_none() {
                continue;
            }
            let mut requests = CouponRequests::default();
            requests.channel = channel.to_string();
            requests.count = count.unwrap_or_default();
            requests.last_requested_at = last_requested_at;
            details.coupon_requests.push(requests);
        }
        details.note = b.checkout_note.clone().filter(|n| !n.trim().is_empty());
        if let Some(reader) = &b.id_card_reader_check {
            details.document_reader_checks = reader
                .checked_categories
                .iter()
                .map(|category| {
                    let mut check = DocumentReaderCheck::default();
                    check.name = category.name.clone().unwrap_or_default();
                    check.status = category.status.clone().unwrap_or_default();
                    check.failed_checks = category
                        .failed_checks_of_id_card_reader
                        .iter()
                        .map(
                            |f| match (f.check_name.as_deref(), f.sub_check_name.as_deref()) {
                                (Some(c), Some(sub)) => format!("{c}/{sub}"),
                                (Some(c), None) => c.to_string(),
                                (None, Some(sub)) => sub.to_string(),
                                (None, None) => String::new(),
                            },
                        )
                        .collect();
                    check
                })
                .collect();
        }
    }
    if let Some(e) = &ident.additional_data_eid {
        details.eid_pseudonym = e.dkk.clone().filter(|d| !d.trim().is_empty());
    }
    if let Some(v) = &ident.additional_data_video {
        let centre = v
            .identification_service_center
            .clone()
            .or_else(|| v.identification_service_center_video.clone());
        if let Some(name) = centre {
            let mut location = IdentLocation::default();
            location.name = Some(name);
            details.location = Some(location);
        }
        details.agents = words(v.identification_agent_aliases.as_ref());
        details.reviews = words(v.ident_reviews.as_ref());
        details.recording_consent_at = v
            .video_recording_accepted
            .as_deref()
            .and_then(crate::wire::parse_timestamp);
        details.recording_delivered = v.video_recording_delivery_shaft;
        details.tan_channel = v.tan_channel.as_ref().map(|t| t.as_str().to_string());
    }
    details
}

/// The texts in a value whose shape the guide does not document (`identificationAgentAliases`,
/// `identReviews`): a string, a list of strings, or objects, each kept as its text (an object
/// as its compact JSON). The value stays verbatim in the attempt's raw JSON.
fn words(value: Option<&serde_json::Value>) -> Vec<String> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

// ── Artifacts ────────────────────────────────────────────────────────────────────────────────

/// The download path recorded for a record without inline bytes: the `/full` case with binary
/// data, plus a fragment naming the record (the fragment is never sent).
pub fn record_download_path(client_id: &str, case_id: &str, record: &RecordResult) -> String {
    let id = record
        .record_id
        .clone()
        .or_else(|| record.file_name.clone())
        .unwrap_or_default();
    format!(
        "scr/v1/{client_id}/cases/{case_id}/full?includeResultPdf=true&includeBinaryData=true#{RECORD_FRAGMENT}{id}"
    )
}

fn artifacts(result: &CaseResult, case_id: &str, client_id: &str) -> Vec<Artifact> {
    let mut idents: Vec<&IdentificationResult> = result.identifications.iter().collect();
    if let Some(p) = &result.primary_ident {
        idents.insert(0, p);
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for ident in idents {
        for record in ident.all_records() {
            let key = record
                .record_id
                .clone()
                .or_else(|| record.file_name.clone())
                .unwrap_or_default();
            if !seen.insert(key) {
                continue;
            }
            out.push(artifact(record, case_id, client_id));
        }
    }
    out
}

/// The artifact of one record.
pub fn artifact(record: &RecordResult, case_id: &str, client_id: &str) -> Artifact {
    let source = match record.decode_document_data() {
        Ok(Some(bytes)) => ArtifactSource::Inline {
            data: Bytes::from(bytes),
        },
        Ok(None) => ArtifactSource::Download {
            path: record_download_path(client_id, case_id, record),
        },
        Err(_) => {
            tracing::warn!(
                record_id = record.record_id.as_deref().unwrap_or("?"),
                "POSTIDENT: documentData is not Base64; the file will be fetched again"
            );
            ArtifactSource::Download {
                path: record_download_path(client_id, case_id, record),
            }
        }
    };
    let name = record
        .file_name
        .clone()
        .or_else(|| record.record_id.clone())
        .unwrap_or_default();
    let mut artifact = Artifact::new(artifact_kind(record.record_type.as_ref()), name, source);
    artifact.mime_type = record.mime_type.clone();
    artifact
}

/// Finds the record an artifact names in a case fetched with binary data, and decodes it.
pub fn find_record_bytes(
    result: &CaseResult,
    artifact: &Artifact,
) -> Result<Option<Bytes>, base64::DecodeError> {
    let wanted_id = match &artifact.source {
        ArtifactSource::Download { path } => path
            .split_once('#')
            .and_then(|(_, f)| f.strip_prefix(RECORD_FRAGMENT))
            .map(str::to_string),
        _ => None,
    };
    let mut idents: Vec<&IdentificationResult> = result.identifications.iter().collect();
    if let Some(p) = &result.primary_ident {
        idents.insert(0, p);
    }
    for ident in idents {
        for record in ident.all_records() {
            let id_matches = wanted_id.as_deref().is_some_and(|w| {
                record.record_id.as_deref() == Some(w) || record.file_name.as_deref() == Some(w)
            });
            let name_matches =
                wanted_id.is_none() && record.file_name.as_deref() == Some(artifact.name.as_str());
            if id_matches || name_matches {
                if let Some(bytes) = record.decode_document_data()? {
                    return Ok(Some(Bytes::from(bytes)));
                }
            }
        }
    }
    Ok(None)
}
