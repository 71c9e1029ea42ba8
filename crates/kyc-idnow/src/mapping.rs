//! IDnow's ident result → the neutral [`Case`]. The raw JSON is kept verbatim in `Case::raw`.
//!
//! * status and reasons come from [`crate::status_mapping`];
//! * `SUCCESS` with any field checked `CHANGE` counts as data changed (the document says a
//!   `CHANGE` always implies `SUCCESS_DATA_CHANGED`);
//! * field values are kept as IDnow sent them, except countries, which become ISO alpha-3 when
//!   recognised (IDnow sends alpha-2, and `D` from eID);
//! * every file named under `attachments` becomes an [`Artifact`]: the PDF and XML are fetched
//!   directly (`{txn}.pdf`, `{txn}.xml`), everything else from the result ZIP;
//! * what the status does not say has a neutral home: `poaresult` with `additionaldocuments` →
//!   [`Case::proof_of_address`], `esigning` → [`Case::signing`], `previousresult`,
//!   `identchanges`, `reviewchanges` → [`Case::review`], `wasnfcused` →
//!   [`VerifiedDocument::chip_read`], `driverlicenses` → [`VerifiedDocument::licence_classes`],
//!   `identificationdocument2` → [`VerifiedIdentity::secondary_documents`], `agentname` and
//!   `type` → the attempt's [`AttemptDetails`].

use crate::status_mapping::{reason_for, status_for_result};
use crate::wire::{
    AdditionalDocument, Address, ContactData, DocumentType, DriverLicense, Esigning, Field,
    FieldStatus, Ident, IdentResult, IdentificationDocument, IdentificationProcess, SecondDocument,
    UserData,
};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use kyc_core::{
    AddressDocument, Artifact, ArtifactKind, ArtifactSource, Attempt, AttemptDetails, Case,
    CaseRef, CaseStatus, Checked, Country, DocumentKind, FieldCheck, IdentMethod, LicenceClass,
    ProofOfAddress, Provider, RawJson, ReviewTrail, SigningResult, VerifiedAddress,
    VerifiedContact, VerifiedDocument, VerifiedIdentity, VerifiedPerson,
};
use serde::Deserialize;

/// Reads an IDnow timestamp (ISO 8601 with offset; `Z`; or without offset, read as UTC).
pub fn parse_timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    DateTime::parse_from_rfc3339(t)
        .ok()
        .or_else(|| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%z").ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|n| n.and_utc().fixed_offset())
        })
}

fn check_of(status: &Option<FieldStatus>) -> Option<FieldCheck> {
    status.as_ref().map(|s| match s {
        FieldStatus::Match => FieldCheck::Match,
        FieldStatus::Change => FieldCheck::Changed,
        FieldStatus::New => FieldCheck::New,
        FieldStatus::Original => FieldCheck::OriginalOnly,
        FieldStatus::Redaction => FieldCheck::Redacted,
        FieldStatus::Unknown(word) => FieldCheck::Unknown(word.as_str().to_string()),
    })
}

/// One IDnow field as a neutral [`Checked`] value.
pub fn checked(field: &Option<Field>) -> Checked {
    let Some(f) = field else {
        return Checked::absent();
    };
    if f.is_empty() {
        return Checked::absent();
    }
    let check = check_of(&f.status).unwrap_or(if f.value.is_none() && f.original.is_some() {
        FieldCheck::OriginalOnly
    } else {
        FieldCheck::New
    });
    let mut c = Checked::absent().with_check(check);
    c.value = f.value.clone();
    c.original = f.original.clone();
    c.review_check = check_of(&f.reviewstatus);
    c.before_review = f.identification.clone();
    c
}

/// `text` as ISO alpha-3 where recognised (rewritten only when it differs), else kept verbatim.
fn to_alpha3(text: &mut String) {
    match Country::parse(text) {
        Ok(c) if c.alpha3() != text.as_str() => *text = c.alpha3().to_string(),
        Ok(_) => {}
        Err(_) => {
            tracing::warn!("IDnow sent a country code this library does not know; kept verbatim")
        }
    }
}

/// Like [`checked`], with the value and original converted to ISO alpha-3 where recognised.
pub fn checked_country(field: &Option<Field>) -> Checked {
    let mut c = checked(field);
    for text in [&mut c.value, &mut c.original, &mut c.before_review]
        .into_iter()
        .flatten()
    {
        to_alpha3(text);
    }
    c
}

fn plain(value: &Option<String>) -> Checked {
    match value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Checked::new(v, FieldCheck::New),
        None => Checked::absent(),
    }
}

// The neutral values are filled field by field rather than with the chained `with_*` setters:
// each setter moves the whole (large) value, and these run for every ident read.

fn person(u: &UserData) -> VerifiedPerson {
    let mut p = VerifiedPerson::default();
    p.title = checked(&u.title);
    p.first_name = checked(&u.firstname);
    p.last_name = checked(&u.lastname);
    p.birth_name = checked(&u.birthname);
    p.birth_date = checked(&u.birthday);
    p.birth_place = checked(&u.birthplace);
    p.nationality = checked_country(&u.nationality);
    p.gender = checked(&u.gender);
    p
}

fn address(a: &Address) -> VerifiedAddress {
    let mut address = VerifiedAddress::default();
    address.street = checked(&a.street);
    address.street_number = checked(&a.streetnumber);
    address.postal_code = checked(&a.zipcode);
    address.city = checked(&a.city);
    address.country = checked_country(&a.country);
    address
}

/// IDnow's document type word → the neutral kind.
pub fn document_kind(word: &str) -> DocumentKind {
    match DocumentType::parse(word) {
        DocumentType::IdCard => DocumentKind::IdCard,
        DocumentType::Passport => DocumentKind::Passport,
        DocumentType::DriversLicense => DocumentKind::DriversLicence,
        DocumentType::ResidencePermit => DocumentKind::ResidencePermit,
        DocumentType::Unknown(word) => DocumentKind::Unknown(word.as_str().to_string()),
    }
}

/// A document of IDnow's `provider_type` word with its licence classes: what
/// `identificationdocument` and `identificationdocument2` map alike. The callers add the checked
/// fields, each read its own way.
fn document_of_type(
    provider_type: String,
    licences: &Option<Vec<DriverLicense>>,
) -> VerifiedDocument {
    VerifiedDocument::default()
        .with_kind(if provider_type.is_empty() {
            DocumentKind::Unspecified
        } else {
            document_kind(&provider_type)
        })
        .with_provider_type(provider_type)
        .with_licence_classes(licences.iter().flatten().map(licence_class).collect())
}

fn document(d: &IdentificationDocument) -> VerifiedDocument {
    let provider_type = d
        .document_type
        .as_ref()
        .and_then(|f| f.value.clone().or_else(|| f.original.clone()))
        .unwrap_or_default();
    let mut document = document_of_type(provider_type, &d.driverlicenses);
    document.number = checked(&d.number);
    document.authority = checked(&d.issuedby);
    document.place_of_issue = checked(&d.placeofissue);
    document.issued_on = checked(&d.dateissued);
    document.valid_until = checked(&d.validuntil);
    document.country = checked_country(&d.country);
    document
}

/// A text IDnow sent without a check status, as a value read during identification (`NEW`);
/// empty text is absent.
fn read_value(text: &Option<String>) -> Checked {
    match text.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Checked::new(v, FieldCheck::New),
        None => Checked::absent(),
    }
}

/// One `driverlicenses` entry. IDnow gives these values no check status: they were read from
/// the licence (`NEW`). The readout words (`DATE`, `EMPTY`, `REFERENCE_GERMAN`) are kept.
fn licence_class(l: &DriverLicense) -> LicenceClass {
    let mut class = LicenceClass::default();
    class.class = read_value(&l.license_class);
    class.valid_from = read_value(&l.valid_from);
    class.valid_until = read_value(&l.valid_until);
    class.restrictions = read_value(&l.additional_information);
    class.valid_from_readout = l
        .valid_from_readout
        .as_ref()
        .map(|r| r.as_str().to_string());
    class.valid_until_readout = l
        .valid_until_readout
        .as_ref()
        .map(|r| r.as_str().to_string());
    class
}

/// Like [`checked`], with an empty value (the two-documents sample sends `""`) treated as absent.
fn checked_non_empty(field: &Option<Field>) -> Checked {
    let c = checked(field);
    if c.value.as_deref().is_some_and(|v| v.trim().is_empty()) && c.original.is_none() {
        Checked::absent()
    } else {
        c
    }
}

/// `identificationdocument2`: the second document, with its holder as printed on it.
fn second_document(raw: &serde_json::Value) -> Option<VerifiedDocument> {
    let d = SecondDocument::deserialize(raw).ok()?;
    let provider_type = checked_non_empty(&d.document_type)
        .value
        .unwrap_or_default();
    let holder = VerifiedPerson::default()
        .with_first_name(checked_non_empty(&d.firstname))
        .with_last_name(checked_non_empty(&d.lastname))
        .with_birth_date(checked_non_empty(&d.birthday))
        .with_birth_place(checked_non_empty(&d.birthplace));
    let country = {
        let c = checked_non_empty(&d.country);
        if c.is_absent() {
            c
        } else {
            checked_country(&d.country)
        }
    };
    let document = document_of_type(provider_type, &d.driverlicenses)
        .with_number(checked_non_empty(&d.number))
        .with_authority(checked_non_empty(&d.issuedby))
        .with_place_of_issue(checked_non_empty(&d.placeofissue))
        .with_issued_on(checked_non_empty(&d.dateissued))
        .with_valid_until(checked_non_empty(&d.validuntil))
        .with_country(country)
        .with_holder(holder);
    Some(document)
}

fn contact(c: &ContactData) -> VerifiedContact {
    VerifiedContact::default()
        .with_email(plain(&c.email))
        .with_mobile_phone(plain(&c.mobilephone))
}

fn identity(ident: &Ident) -> Option<VerifiedIdentity> {
    if ident.userdata.is_none()
        && ident.identificationdocument.is_none()
        && ident.identificationdocument2.is_none()
        && ident.contactdata.is_none()
    {
        return None;
    }
    let no_user = UserData::default();
    let user = ident.userdata.as_ref().unwrap_or(&no_user);
    let addr = user.address.as_ref().map(address).filter(|a| {
        !(a.street.is_absent()
            && a.street_number.is_absent()
            && a.postal_code.is_absent()
            && a.city.is_absent()
            && a.country.is_absent())
    });
    let doc = ident
        .identificationdocument
        .as_ref()
        .map(document)
        .filter(|d| {
            !(d.provider_type.is_empty()
                && d.number.is_absent()
                && d.country.is_absent()
                && d.valid_until.is_absent()
                && d.authority.is_absent()
                && d.issued_on.is_absent())
        });
    // `wasnfcused` says how the identity document was read (XML Result with NFC).
    let chip_read = ident
        .identificationprocess
        .as_ref()
        .and_then(|p| p.wasnfcused);
    let doc = match (doc, chip_read) {
        (Some(mut d), chip) => {
            d.chip_read = chip;
            Some(d)
        }
        (None, Some(chip)) => Some(VerifiedDocument::default().with_chip_read(chip)),
        (None, None) => None,
    };
    let mut verified = VerifiedIdentity::default();
    verified.person = person(user);
    verified.secondary_documents = ident
        .identificationdocument2
        .as_ref()
        .filter(|v| v.is_object())
        .and_then(second_document)
        .into_iter()
        .collect();
    verified.contact = ident.contactdata.as_ref().map(contact).unwrap_or_default();
    verified.address = addr;
    verified.document = doc;
    Some(verified)
}

/// Whether a result word says the step succeeded (`Some(true)`), failed (`Some(false)`), or is
/// unknown to this library (`None`).
fn succeeded(result: &IdentResult) -> Option<bool> {
    match result {
        IdentResult::Success | IdentResult::SuccessDataChanged => Some(true),
        IdentResult::Canceled
        | IdentResult::Aborted
        | IdentResult::Failed
        | IdentResult::FraudSuspicionConfirmed => Some(false),
        _ => None,
    }
}

/// `poaresult` and `additionaldocuments` as the neutral proof of address; `None` when the
/// account has no proof-of-address check (neither is present).
pub fn proof_of_address(ident: &Ident) -> Option<ProofOfAddress> {
    let result = ident
        .identificationprocess
        .as_ref()
        .and_then(|p| p.poaresult.clone());
    let documents: Vec<&AdditionalDocument> = ident.additionaldocuments.iter().flatten().collect();
    if result.is_none() && documents.is_empty() {
        return None;
    }
    let mut proof = ProofOfAddress::default();
    proof.verified = result.as_ref().and_then(succeeded);
    proof.data_changed = result == Some(IdentResult::SuccessDataChanged);
    proof.provider_result = result.map(|r| r.as_str().to_string());
    proof.documents = documents
        .into_iter()
        .map(|d| {
            let mut document = AddressDocument::default();
            document.name = d.documentname.clone().unwrap_or_default();
            document.address = address(&d.effective_address());
            document
        })
        .collect();
    Some(proof)
}

/// `esigning` as the neutral signing result; `None` without a signing step.
pub fn signing(esigning: &Esigning) -> Option<SigningResult> {
    let word = esigning
        .result
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    let session = esigning
        .sessionid
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if word.is_none() && session.is_none() {
        return None;
    }
    let mut result = SigningResult::default();
    result.provider_result = word.unwrap_or_default().to_string();
    result.signed = word.map(IdentResult::parse).as_ref().and_then(succeeded);
    result.session_id = session.map(str::to_string);
    Some(result)
}

/// `previousresult`, `identchanges` and `reviewchanges` as the neutral review trail.
pub fn review_trail(ident: &Ident) -> ReviewTrail {
    let mut trail = ReviewTrail::default();
    if let Some(p) = &ident.identificationprocess {
        trail.previous_provider_status = p.previousresult.as_ref().map(|r| r.as_str().to_string());
        trail.changed_by_agent = p.identchanges;
        trail.changed_by_reviewer = p.reviewchanges;
    }
    trail
}

/// `type` (the channel) and `agentname` as the attempt's circumstances.
pub fn attempt_details(ident: &Ident) -> AttemptDetails {
    let mut details = AttemptDetails::default();
    if let Some(p) = &ident.identificationprocess {
        details.channel = p.channel.as_ref().map(|c| c.as_str().to_string());
        details.agents = p
            .agentname
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
    }
    details
}

fn any_field_changed(ident: &Ident) -> bool {
    let changed = |f: &Option<Field>| {
        f.as_ref().is_some_and(|f| {
            f.status == Some(FieldStatus::Change) || f.reviewstatus == Some(FieldStatus::Change)
        })
    };
    let Some(u) = &ident.userdata else {
        return false;
    };
    let mut fields = vec![
        &u.birthday,
        &u.birthname,
        &u.birthplace,
        &u.firstname,
        &u.lastname,
        &u.gender,
        &u.nationality,
        &u.title,
    ];
    if let Some(a) = &u.address {
        fields.extend([&a.street, &a.streetnumber, &a.city, &a.country, &a.zipcode]);
    }
    fields.into_iter().any(changed)
}

/// `text` in ASCII lower case, copied only when it has an upper-case letter (IDnow's keys and
/// file extensions rarely do).
fn ascii_lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        text.to_ascii_lowercase().into()
    } else {
        text.into()
    }
}

/// The artifact kind of an `attachments` key.
pub fn artifact_kind(key: &str) -> ArtifactKind {
    let k = ascii_lowercase(key);
    match k.as_ref() {
        "pdf" => ArtifactKind::ResultPdf,
        "xml" => ArtifactKind::ResultXml,
        "xmlsig" => ArtifactKind::ResultSignature,
        "idfrontside" => ArtifactKind::DocumentFront,
        "idbackside" => ArtifactKind::DocumentBack,
        "userface" => ArtifactKind::Selfie,
        "signature" => ArtifactKind::Signature,
        "videolog" | "securityfeaturevideo" => ArtifactKind::Video,
        "utilitybill" | "bankstatement" => ArtifactKind::ProofOfAddress,
        _ if k.starts_with("signedcontract") => ArtifactKind::SignedDocument,
        _ if k.starts_with("contract") => ArtifactKind::ContractDocument,
        _ if k.starts_with("security") => ArtifactKind::SecurityFeature,
        _ if k.starts_with("idfrontside")
            || k.starts_with("idbackside")
            || k.starts_with("document") =>
        {
            ArtifactKind::DocumentImage
        }
        _ => ArtifactKind::Other(key.to_string()),
    }
}

/// The MIME type of a file name, by its extension.
pub fn mime_for(name: &str) -> Option<String> {
    let ext = ascii_lowercase(name.rsplit('.').next()?);
    Some(
        match ext.as_ref() {
            "pdf" => "application/pdf",
            "xml" => "application/xml",
            "sig" => "application/octet-stream",
            "jpg" | "jpeg" => "image/jpeg",
            "png" => "image/png",
            "mp4" => "video/mp4",
            "webm" => "video/webm",
            "zip" => "application/zip",
            _ => return None,
        }
        .to_string(),
    )
}

/// The artifacts named by an ident's `attachments`, plus the result ZIP itself.
pub fn artifacts(ident: &Ident, txn: Option<&str>) -> Vec<Artifact> {
    let mut out = Vec::new();
    if let Some(a) = &ident.attachments {
        for (key, name) in &a.0 {
            let kind = artifact_kind(key);
            let (source, mime) = match (&kind, txn) {
                // The result PDF and XML can be fetched directly; their names in `attachments`
                // are sometimes wrong (`.pdf.pdf`, an `xml` entry named `.pdf`).
                (ArtifactKind::ResultPdf, Some(t)) => (
                    ArtifactSource::Download {
                        path: format!("{t}.pdf"),
                    },
                    Some("application/pdf".to_string()),
                ),
                (ArtifactKind::ResultXml, Some(t)) => (
                    ArtifactSource::Download {
                        path: format!("{t}.xml"),
                    },
                    Some("application/xml".to_string()),
                ),
                _ => (
                    ArtifactSource::ResultArchive {
                        entry: name.clone(),
                    },
                    mime_for(name),
                ),
            };
            let mut artifact = Artifact::new(kind, name.clone(), source);
            artifact.mime_type = mime;
            out.push(artifact);
        }
    }
    if let (Some(t), true) = (
        txn,
        ident.attachments.as_ref().is_some_and(|a| !a.0.is_empty()),
    ) {
        let name = ident
            .identificationprocess
            .as_ref()
            .and_then(|p| p.filename.clone())
            .unwrap_or_else(|| format!("{t}.zip"));
        let source = ArtifactSource::Download {
            path: format!("{t}.zip"),
        };
        out.push(
            Artifact::new(ArtifactKind::ResultData, name, source).with_mime_type("application/zip"),
        );
    }
    out
}

/// The neutral status of an ident (result word, adjusted for changed fields).
pub fn status_of(ident: &Ident) -> CaseStatus {
    let Some(result) = ident.result() else {
        return CaseStatus::Unknown(String::new());
    };
    match status_for_result(result) {
        CaseStatus::Approved {
            data_changed: false,
        } if any_field_changed(ident) => CaseStatus::Approved { data_changed: true },
        other => other,
    }
}

/// Maps a parsed ident (with its raw JSON) to the neutral case.
///
/// `fallback_reference` fills `CaseRef::reference` when the payload lacks `transactionnumber`
/// (thin payloads always carry it, but the field is optional in the wire types).
pub fn ident_to_case(
    ident: &Ident,
    raw: impl Into<RawJson>,
    fallback_reference: Option<&str>,
) -> Case {
    // The case and its one attempt share the payload's text.
    let raw = raw.into();
    let no_process = IdentificationProcess::default();
    let process = ident.identificationprocess.as_ref().unwrap_or(&no_process);
    let reference = process
        .transactionnumber
        .clone()
        .or_else(|| fallback_reference.map(str::to_string));
    let case_ref = CaseRef::new(Provider::Idnow, process.id.clone(), reference.clone());
    let status = status_of(ident);
    let provider_status = ident
        .result()
        .map(|r| r.as_str().to_string())
        .unwrap_or_default();
    let reasons: Vec<_> = process
        .reason
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(reason_for)
        .into_iter()
        .collect();
    let finished_at = process
        .identificationtime
        .as_deref()
        .and_then(parse_timestamp);
    let mut case = Case::new(
        case_ref,
        status.clone(),
        provider_status.clone(),
        raw.clone(),
    );
    case.reasons = reasons.clone();
    case.identity = identity(ident);
    case.artifacts = artifacts(ident, reference.as_deref());
    if let Some(c) = &ident.customdata {
        for (k, v) in c.entries() {
            case.custom_fields.insert(k.to_string(), v.to_string());
        }
    }
    case.modified_at = finished_at;
    if status.is_final() {
        case.decided_at = finished_at;
    }
    case.proof_of_address = proof_of_address(ident);
    case.signing = ident.esigning.as_ref().and_then(signing);
    case.review = review_trail(ident);
    let mut attempt = Attempt::new(IdentMethod::AutoIdent, status, provider_status);
    attempt.reasons = reasons;
    attempt.details = attempt_details(ident);
    attempt.raw = raw;
    attempt.finished_at = finished_at;
    case.attempts.push(attempt);
    case
}

/// [`Case::provider_status`] of an ident IDnow has no data for yet: IDnow's cause word, and
/// what it means.
pub const NO_DATA_YET: &str = "OBJECT_NOT_FOUND (no data yet: not started or not finished)";

/// The case reported for an ident that exists but for which IDnow has no data yet: IDnow answers
/// 404 `OBJECT_NOT_FOUND` before the user starts **and while the user is in the flow**, until an
/// attempt ends. The status is `Created` (provider status [`NO_DATA_YET`], no identity): the
/// adapter is stateless and cannot tell "not started" from "in the flow"; whoever saw the START
/// webhook (the journal) knows better. `raw` is IDnow's error body.
pub fn no_data_yet_case(case_ref: CaseRef, raw: impl Into<RawJson>) -> Case {
    Case::new(case_ref, CaseStatus::Created, NO_DATA_YET, raw)
}
