//! A neutral [`NewCase`] → the POSTIDENT create request (the other direction of the mapping).

use crate::config::Role;
use crate::wire::{
    AddressProvided, CallbackUrl, ContactDataProvided, CreateCaseRequest, CustomData, DocumentType,
    DrivingLicenceProvided, IdentificationDocumentProvided, PreferredLanguage, ProcessData,
};
use kyc_core::{DocumentKind, Language, NewCase};

/// Maps a neutral [`NewCase`] to the create request of a client (fields POSTIDENT does not take,
/// like gender, are left out; see `docs/postident.md`).
pub fn create_request(new_case: &NewCase) -> CreateCaseRequest {
    create_request_as(new_case, Role::Client)
}

/// Maps a neutral [`NewCase`] to the create request for `role`: a partner's `webhook_url` is its
/// own `webHookUrlPartner` (result guide 9.2); a client's is `webHookUrl`.
pub fn create_request_as(new_case: &NewCase, role: Role) -> CreateCaseRequest {
    let callback = |c: &Option<kyc_core::new_case::CallbackUrl>| {
        c.as_ref().map(|c| CallbackUrl {
            web_url: c.web.as_ref().map(|u| u.to_string()),
            ios_url: c.ios.clone(),
            android_url: c.android.clone(),
        })
    };
    let cb = &new_case.callbacks;
    let process = ProcessData {
        target_country: None,
        preferred_language: match &new_case.language {
            Some(Language::German) => Some(PreferredLanguage::German),
            Some(Language::English) => Some(PreferredLanguage::English),
            _ => None,
        },
        web_hook_url: new_case
            .webhook_url
            .as_ref()
            .filter(|_| role == Role::Client)
            .map(|u| u.to_string()),
        web_hook_url_partner: new_case
            .webhook_url
            .as_ref()
            .filter(|_| role == Role::Partner)
            .map(|u| u.to_string()),
        reference_id: Some(new_case.reference.clone()),
        callback_url_coupon_requested: callback(&cb.coupon_requested),
        callback_url_review_pending: callback(&cb.review_pending),
        callback_url_incomplete: callback(&cb.incomplete),
        callback_url_success: callback(&cb.success),
        callback_url_declined: callback(&cb.declined),
        callback_url_cancelled_and_closed: callback(&cb.cancelled_and_closed),
    };

    let p = &new_case.person;
    let address = new_case.address.as_ref().map(|a| AddressProvided {
        street_address: match (&a.street, &a.street_number) {
            (Some(s), Some(n)) => Some(format!("{s} {n}")),
            (Some(s), None) => Some(s.clone()),
            (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        },
        appendix: a.appendix.clone(),
        postal_code: a.postal_code.clone(),
        city: a.city.clone(),
        country: a.country.map(|c| c.alpha3().to_string()),
    });
    let contact = ContactDataProvided {
        title: p.title.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        mobile_phone: new_case.contact.mobile_phone.clone(),
        email: new_case.contact.email.clone(),
        address: address.clone(),
    };

    let date = |d: &Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let doc = new_case.document.as_ref();
    let is_licence = doc.and_then(|d| d.kind.as_ref()) == Some(&DocumentKind::DriversLicence);
    let id_doc = doc.filter(|_| !is_licence);
    let has_person_data = p.birth_name.is_some()
        || p.birth_date.is_some()
        || p.birth_place.is_some()
        || p.nationality.is_some();
    let identification_document =
        (id_doc.is_some() || has_person_data).then(|| IdentificationDocumentProvided {
            document_type: id_doc.and_then(|d| match d.kind.as_ref() {
                Some(DocumentKind::IdCard) => Some(DocumentType::IdCard),
                Some(DocumentKind::Passport) => Some(DocumentType::Passport),
                Some(DocumentKind::ResidencePermit) => Some(DocumentType::ResidencePermit),
                _ => None,
            }),
            number: id_doc.and_then(|d| d.number.clone()),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            birth_name: p.birth_name.clone(),
            birth_date: date(&p.birth_date),
            birth_place: p.birth_place.clone(),
            nationality: p.nationality.map(|c| c.alpha3().to_string()),
            address: address.clone(),
            date_issued: id_doc.and_then(|d| date(&d.issued_on)),
            date_of_expiry: id_doc.and_then(|d| date(&d.expires_on)),
            authority: id_doc.and_then(|d| d.authority.clone()),
            place_of_issue: id_doc.and_then(|d| d.place_of_issue.clone()),
            country_of_document: id_doc.and_then(|d| d.country.map(|c| c.alpha3().to_string())),
        });
    let driving_licence = doc.filter(|_| is_licence).map(|d| DrivingLicenceProvided {
        number: d.number.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        birth_date: date(&p.birth_date),
        birth_place: p.birth_place.clone(),
        driving_licence_classes: Vec::new(),
        restrictions: None,
        date_issued: date(&d.issued_on),
        date_of_expiry: date(&d.expires_on),
        authority: d.authority.clone(),
        country_of_document: d.country.map(|c| c.alpha3().to_string()),
    });
    let f = |i: usize| new_case.custom_fields.get(i).cloned();
    let custom = (!new_case.custom_fields.is_empty()).then(|| CustomData {
        custom1: f(0),
        custom2: f(1),
        custom3: f(2),
        custom4: f(3),
        custom5: f(4),
    });
    CreateCaseRequest {
        process_data: Some(process),
        contact_data_provided: Some(contact),
        identification_document_provided: identification_document,
        driving_licence_provided: driving_licence,
        custom_data: custom,
    }
}
