//! IDnow's ident result → the neutral [`Case`]. The raw JSON is kept verbatim in `Case::raw`.
//!
//! * status and reasons come from [`crate::status_mapping`];
//! * `SUCCESS` with any field checked `CHANGE` counts as data changed (the document says a
//!   `CHANGE` always implies `SUCCESS_DATA_CHANGED`);
//! * field values are kept as IDnow sent them, except countries, which become ISO alpha-3 when
//!   recognised (IDnow sends alpha-2, and `D` from eID);
//! * every file named under `attachments` becomes an [`Artifact`]: the PDF and XML are fetched
//!   directly (`{txn}.pdf`, `{txn}.xml`), everything else from the result ZIP.

use crate::status_mapping::{reason_for, status_for_result};
use crate::wire::{
    Address, ContactData, DocumentType, Field, FieldStatus, Ident, IdentificationDocument, UserData,
};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use kyc_core::{
    Artifact, ArtifactKind, ArtifactSource, Attempt, Case, CaseRef, CaseStatus, Checked, Country,
    DocumentKind, FieldCheck, IdentMethod, Provider, VerifiedAddress, VerifiedContact,
    VerifiedDocument, VerifiedIdentity, VerifiedPerson,
};

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
        FieldStatus::Unknown(raw) => FieldCheck::Unknown(raw.clone()),
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
    Checked {
        value: f.value.clone(),
        check,
        original: f.original.clone(),
        review_check: check_of(&f.reviewstatus),
        before_review: f.identification.clone(),
    }
}

fn country_code(text: &str) -> String {
    match Country::parse(text) {
        Ok(c) => c.alpha3().to_string(),
        Err(_) => {
            tracing::warn!("IDnow sent a country code this library does not know; kept verbatim");
            text.to_string()
        }
    }
}

/// Like [`checked`], with the value and original converted to ISO alpha-3 where recognised.
pub fn checked_country(field: &Option<Field>) -> Checked {
    let mut c = checked(field);
    c.value = c.value.as_deref().map(country_code);
    c.original = c.original.as_deref().map(country_code);
    c.before_review = c.before_review.as_deref().map(country_code);
    c
}

fn plain(value: &Option<String>) -> Checked {
    match value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Checked::new(v, FieldCheck::New),
        None => Checked::absent(),
    }
}

fn person(u: &UserData) -> VerifiedPerson {
    VerifiedPerson {
        title: checked(&u.title),
        first_name: checked(&u.firstname),
        last_name: checked(&u.lastname),
        birth_name: checked(&u.birthname),
        birth_date: checked(&u.birthday),
        birth_place: checked(&u.birthplace),
        nationality: checked_country(&u.nationality),
        gender: checked(&u.gender),
    }
}

fn address(a: &Address) -> VerifiedAddress {
    VerifiedAddress {
        street: checked(&a.street),
        street_number: checked(&a.streetnumber),
        appendix: Checked::absent(),
        postal_code: checked(&a.zipcode),
        city: checked(&a.city),
        country: checked_country(&a.country),
        ..Default::default()
    }
}

/// IDnow's document type word → the neutral kind.
pub fn document_kind(word: &str) -> DocumentKind {
    match DocumentType::parse(word) {
        DocumentType::IdCard => DocumentKind::IdCard,
        DocumentType::Passport => DocumentKind::Passport,
        DocumentType::DriversLicense => DocumentKind::DriversLicence,
        DocumentType::ResidencePermit => DocumentKind::ResidencePermit,
        DocumentType::Unknown(raw) => DocumentKind::Unknown(raw),
    }
}

fn document(d: &IdentificationDocument) -> VerifiedDocument {
    let provider_type = d
        .document_type
        .as_ref()
        .and_then(|f| f.value.clone().or_else(|| f.original.clone()))
        .unwrap_or_default();
    VerifiedDocument {
        kind: if provider_type.is_empty() {
            DocumentKind::Unspecified
        } else {
            document_kind(&provider_type)
        },
        provider_type,
        number: checked(&d.number),
        authority: checked(&d.issuedby),
        place_of_issue: checked(&d.placeofissue),
        issued_on: checked(&d.dateissued),
        valid_until: checked(&d.validuntil),
        country: checked_country(&d.country),
        ..Default::default()
    }
}

fn contact(c: &ContactData) -> VerifiedContact {
    VerifiedContact {
        email: plain(&c.email),
        mobile_phone: plain(&c.mobilephone),
    }
}

fn identity(ident: &Ident) -> Option<VerifiedIdentity> {
    if ident.userdata.is_none()
        && ident.identificationdocument.is_none()
        && ident.contactdata.is_none()
    {
        return None;
    }
    let user = ident.userdata.clone().unwrap_or_default();
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
    Some(VerifiedIdentity {
        person: person(&user),
        address: addr,
        document: doc,
        contact: ident.contactdata.as_ref().map(contact).unwrap_or_default(),
        ..Default::default()
    })
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

/// The artifact kind of an `attachments` key.
pub fn artifact_kind(key: &str) -> ArtifactKind {
    let k = key.to_ascii_lowercase();
    match k.as_str() {
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
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(
        match ext.as_str() {
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
            out.push(Artifact {
                kind,
                name: name.clone(),
                mime_type: mime,
                source,
            });
        }
    }
    if let (Some(t), true) = (
        txn,
        ident.attachments.as_ref().is_some_and(|a| !a.0.is_empty()),
    ) {
        out.push(Artifact {
            kind: ArtifactKind::ResultData,
            name: ident
                .identificationprocess
                .as_ref()
                .and_then(|p| p.filename.clone())
                .unwrap_or_else(|| format!("{t}.zip")),
            mime_type: Some("application/zip".into()),
            source: ArtifactSource::Download {
                path: format!("{t}.zip"),
            },
        });
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
    raw: serde_json::Value,
    fallback_reference: Option<&str>,
) -> Case {
    let process = ident.process();
    let reference = process
        .transactionnumber
        .clone()
        .or_else(|| fallback_reference.map(str::to_string));
    let case_ref = CaseRef::new(Provider::IdNow, process.id.clone(), reference.clone());
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
    case.attempts.push(Attempt {
        method: IdentMethod::AutoIdent,
        status,
        provider_status,
        reasons,
        started_at: None,
        finished_at,
        raw,
        id: None,
        details: Default::default(),
    });
    case
}

/// The case reported for an ident that exists but that the user has not started (IDnow answers
/// 404 `OBJECT_NOT_FOUND` until then): status `Created`, no data.
pub fn not_started_case(case_ref: CaseRef) -> Case {
    Case::new(
        case_ref,
        CaseStatus::Created,
        "CREATED",
        serde_json::Value::Null,
    )
}
