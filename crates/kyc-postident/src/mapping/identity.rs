//! The verified identity of a case: person, document, driving licence, address and contact, each
//! field with POSTIDENT's check and, when changed, what the client provided as its original.

use super::document_kind;
use crate::wire::{
    AddressMatch, AddressProvided, AddressResult, CaseResult, CheckedValue,
    DrivingLicenceClassProvided, DrivingLicenceProvided, DrivingLicenceResult, FieldStatus,
    IdentificationDocumentProvided, IdentificationResult,
};
use kyc_core::{
    Checked, Country, DocumentKind, FieldCheck, LicenceClass, PostalCheck, VerifiedAddress,
    VerifiedContact, VerifiedDocument, VerifiedIdentity, VerifiedPerson,
};

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
        Some(FieldStatus::Unknown(raw)) => FieldCheck::Unknown(raw.to_string()),
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

/// A field whose value is kept as POSTIDENT sent it.
fn verbatim(field: &Option<CheckedValue>, original: Option<&str>) -> Checked {
    checked(field, original, Normalise::Verbatim)
}

/// A date field, as `YYYY-MM-DD` when it reads as a date.
fn date(field: &Option<CheckedValue>, original: Option<&str>) -> Checked {
    checked(field, original, Normalise::Date)
}

/// A country field, as ISO alpha-3 when recognised.
fn country(field: &Option<CheckedValue>, original: Option<&str>) -> Checked {
    checked(field, original, Normalise::Country)
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
        .with_street(verbatim(&a.street_address, p(|p| &p.street_address)))
        .with_street_number(Checked::absent())
        .with_appendix(verbatim(&a.appendix, p(|p| &p.appendix)))
        .with_postal_code(verbatim(&a.postal_code, p(|p| &p.postal_code)))
        .with_city(verbatim(&a.city, p(|p| &p.city)))
        .with_country(country(&a.country, p(|p| &p.country)));
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
        .with_first_name(verbatim(&d.first_name, p(|p| &p.first_name)))
        .with_last_name(verbatim(&d.last_name, p(|p| &p.last_name)))
        .with_birth_date(date(&d.birth_date, p(|p| &p.birth_date)))
        .with_birth_place(verbatim(&d.birth_place, p(|p| &p.birth_place)));
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
            class.class = verbatim(&c.class_name, cp(|p| &p.class_name));
            class.valid_from = date(&c.date_issued, cp(|p| &p.date_issued));
            class.valid_until = date(&c.date_of_expiry, cp(|p| &p.date_of_expiry));
            class.restrictions = verbatim(&c.restrictions, cp(|p| &p.restrictions));
            class
        })
        .collect();
    VerifiedDocument::default()
        .with_kind(DocumentKind::DriversLicence)
        .with_provider_type("drivingLicence".to_string())
        .with_number(verbatim(&d.number, p(|p| &p.number)))
        .with_authority(verbatim(&d.authority, p(|p| &p.authority)))
        .with_place_of_issue(Checked::absent())
        .with_issued_on(date(&d.date_issued, p(|p| &p.date_issued)))
        .with_valid_until(date(&d.date_of_expiry, p(|p| &p.date_of_expiry)))
        .with_country(country(
            &d.country_of_document,
            p(|p| &p.country_of_document),
        ))
        .with_licence_classes(licence_classes)
        .with_restrictions(verbatim(&d.restrictions, p(|p| &p.restrictions)))
        .with_holder(holder)
}

pub(super) fn identity(
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
        let from_contact = verbatim(contact_field.unwrap_or(&None), contact_original);
        match doc_field {
            Some(Some(v)) if v.value.is_some() => {
                let mut from_doc = verbatim(&Some(v.clone()), doc_original.or(contact_original));
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
                     read: fn(&Option<CheckedValue>, Option<&str>) -> Checked| {
        document
            .map(|d| read(f(d), original))
            .unwrap_or_else(Checked::absent)
    };
    let person = VerifiedPerson::default()
        .with_title(verbatim(
            contact.map(|c| &c.title).unwrap_or(&None),
            cp(|p| &p.title),
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
            verbatim,
        ))
        .with_birth_date(doc_field(|d| &d.birth_date, dp(|p| &p.birth_date), date))
        .with_birth_place(doc_field(
            |d| &d.birth_place,
            dp(|p| &p.birth_place),
            verbatim,
        ))
        .with_nationality(doc_field(
            |d| &d.nationality,
            dp(|p| &p.nationality),
            country,
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
            .with_number(verbatim(&d.number, dp(|p| &p.number)))
            .with_authority(verbatim(&d.authority, dp(|p| &p.authority)))
            .with_place_of_issue(verbatim(&d.place_of_issue, dp(|p| &p.place_of_issue)))
            .with_issued_on(date(&d.date_issued, dp(|p| &p.date_issued)))
            .with_valid_until(date(&d.date_of_expiry, dp(|p| &p.date_of_expiry)))
            .with_country(country(
                &d.country_of_document,
                dp(|p| &p.country_of_document),
            ))
    });
    let contact = VerifiedContact::default()
        .with_email(
            contact
                .map(|c| verbatim(&c.email, cp(|p| &p.email)))
                .unwrap_or_else(Checked::absent),
        )
        .with_mobile_phone(
            contact
                .map(|c| verbatim(&c.mobile_phone, cp(|p| &p.mobile_phone)))
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
