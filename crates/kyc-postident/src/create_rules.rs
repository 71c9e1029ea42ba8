//! The input rules POSTIDENT documents for creating a case (field limits of SCR-Ident API
//! Guide 1, see `public-facts.md`), checked before a request is sent. The rules every provider
//! shares are in `kyc_core` ([`NewCase::validate_with`]).

use kyc_core::validation::Validator;
use kyc_core::{DocumentKind, Language, NewCase};

/// Checks `new_case` against the shared rules and POSTIDENT's: an
/// [`ErrorKind::InvalidInput`](kyc_core::ErrorKind::InvalidInput) error lists each violation
/// (field and rule, never the value). `create_case` of [`crate::PostidentProvider`] calls it first.
pub fn validate_new_case(new_case: &NewCase) -> kyc_core::Result<()> {
    new_case.validate_with(check)
}

/// The rules POSTIDENT adds to the shared ones (the second argument of [`NewCase::validate_with`]).
pub fn check(new_case: &NewCase, v: &mut Validator) {
    v.required("reference", Some(&new_case.reference));
    v.max_chars("reference", Some(&new_case.reference), 14);
    v.printable("reference", Some(&new_case.reference));
    let p = &new_case.person;
    v.max_chars("person.first_name", p.first_name.as_deref(), 35);
    v.max_chars("person.last_name", p.last_name.as_deref(), 35);
    v.max_chars(
        "contact.mobile_phone",
        new_case.contact.mobile_phone.as_deref(),
        20,
    );
    v.max_chars("contact.email", new_case.contact.email.as_deref(), 320);
    if let Some(a) = &new_case.address {
        let street_address = match (&a.street, &a.street_number) {
            (Some(s), Some(n)) => Some(format!("{s} {n}")),
            (Some(s), None) => Some(s.clone()),
            (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        };
        v.max_chars("address.street", street_address.as_deref(), 70);
        v.max_chars("address.appendix", a.appendix.as_deref(), 55);
        v.max_chars("address.postal_code", a.postal_code.as_deref(), 11);
        v.max_chars("address.city", a.city.as_deref(), 55);
    }
    if let Some(d) = &new_case.document {
        v.max_chars("document.authority", d.authority.as_deref(), 100);
        if d.kind == Some(DocumentKind::DriversLicence) {
            v.max_chars("document.number", d.number.as_deref(), 20);
        }
        v.printable("document.number", d.number.as_deref());
    }
    for (i, c) in new_case.custom_fields.iter().enumerate() {
        v.max_chars(&format!("custom_fields[{i}]"), Some(c), 100);
    }
    if let Some(url) = &new_case.webhook_url {
        v.https_url("webhook_url", Some(url));
        v.max_chars("webhook_url", Some(url.as_str()), 500);
        if url.query().is_some() {
            v.violation(
                "webhook_url",
                "free of a query string (POSTIDENT posts to it)",
            );
        }
    }
    for (field, cb) in new_case.callbacks.each() {
        v.https_url(field, cb.as_ref().and_then(|c| c.web.as_ref()));
    }
    if let Some(Language::Other(_)) = &new_case.language {
        v.violation(
            "language",
            "German or English (POSTIDENT offers DE_DE and EN_UK)",
        );
    }
}
