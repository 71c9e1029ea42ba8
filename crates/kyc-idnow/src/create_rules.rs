//! The input rules IDnow documents for creating an ident (Create Ident and Transaction Number
//! sections of the AutoIdent API), checked before a request is sent. The rules every provider
//! shares are in `kyc_core` ([`NewCase::validate_with`]).

use kyc_core::validation::Validator;
use kyc_core::NewCase;

/// Checks `new_case` against the shared rules and IDnow's: an
/// [`ErrorKind::InvalidInput`](kyc_core::ErrorKind::InvalidInput) error lists each violation
/// (field and rule, never the value). `create_case` of [`crate::IdnowProvider`] calls it first.
pub fn validate_new_case(new_case: &NewCase) -> kyc_core::Result<()> {
    new_case.validate_with(check)
}

/// The rules IDnow adds to the shared ones (the second argument of [`NewCase::validate_with`]).
pub fn check(new_case: &NewCase, v: &mut Validator) {
    v.required("reference", Some(&new_case.reference));
    v.max_chars("reference", Some(&new_case.reference), 255);
    v.charset(
        "reference",
        Some(&new_case.reference),
        "letters A-Z a-z, digits, '_' and '-'",
        |c| c.is_ascii_alphanumeric() || c == '_' || c == '-',
    );
    if let Some(n) = new_case.person.nationality {
        if n.alpha2().is_none() {
            v.violation(
                "person.nationality",
                "a country with an ISO 3166-1 alpha-2 code (IDnow takes alpha-2 only)",
            );
        }
    }
    if let Some(c) = new_case.address.as_ref().and_then(|a| a.country) {
        if c.alpha2().is_none() {
            v.violation(
                "address.country",
                "a country with an ISO 3166-1 alpha-2 code (IDnow takes alpha-2 only)",
            );
        }
    }
}
