//! The shape of the ids POSTIDENT hands out and echoes: caseIds and referenceIds.
//!
//! The result guide shows caseIds as twelve upper-case letters and digits (`YR9W91GEZK24`,
//! `KRZ1A8M4UBZZ`, file names like `12345678ABCD_result_video.pdf`) but never states a format.
//! We accept a conservative superset, so that a real id is never refused, while an id that could
//! escape a URL path, forge a log line or fill memory is: **1 to 64 ASCII letters, digits, `-`
//! or `_`**. The referenceId is the caller's own (at most 14 characters at creation, no personal
//! data); as it comes back it must be **1 to 64 characters without control or formatting
//! characters**. The same rules apply where an id goes into a request (the client) and where
//! one comes in (webhooks).

use kyc_core::{Error, FieldViolation};

/// The longest caseId or referenceId accepted (the documented ones have 12 and at most 14).
pub const ID_MAX_CHARS: usize = 64;

/// The rule of a caseId, in words (for error messages).
pub const CASE_ID_RULE: &str = "a POSTIDENT caseId: 1 to 64 ASCII letters, digits, '-' or '_'";

/// The rule of a referenceId as POSTIDENT echoes it, in words.
pub const REFERENCE_ID_RULE: &str =
    "a POSTIDENT referenceId: 1 to 64 characters, no control or formatting characters";

/// True when `case_id` has the shape of a caseId (see the [module documentation](self)).
pub fn is_case_id(case_id: &str) -> bool {
    !case_id.is_empty()
        && case_id.len() <= ID_MAX_CHARS
        && case_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// True when `reference_id` has the shape of a referenceId as POSTIDENT echoes it.
pub fn is_reference_id(reference_id: &str) -> bool {
    let chars = reference_id.chars().count();
    (1..=ID_MAX_CHARS).contains(&chars)
        && !reference_id.trim().is_empty()
        && !reference_id
            .chars()
            .any(kyc_core::wire::printable::needs_escape)
}

/// Refuses a caseId that is not well-formed, naming `field`.
pub fn check_case_id(field: &str, case_id: &str) -> kyc_core::Result<()> {
    if is_case_id(case_id) {
        Ok(())
    } else {
        Err(Error::invalid_input(vec![FieldViolation::new(
            field,
            CASE_ID_RULE,
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_case_ids_pass_and_ids_that_could_do_harm_do_not() {
        for good in [
            "YR9W91GEZK24",
            "KRZ1A8M4UBZZ",
            "123456789ABC",
            "sandbox-1_a",
        ] {
            assert!(is_case_id(good), "{good}");
        }
        let long = "A".repeat(ID_MAX_CHARS + 1);
        for bad in [
            "",
            "../archive",
            "a/b",
            "a?b",
            "a b",
            "ABC\n",
            "ABC\u{1b}[2J",
            &long,
        ] {
            assert!(!is_case_id(bad), "{bad:?}");
        }
        assert!(is_case_id(&"A".repeat(ID_MAX_CHARS)));
    }

    #[test]
    fn reference_ids_refuse_control_characters_and_absurd_lengths() {
        assert!(is_reference_id("order-4711"));
        assert!(is_reference_id("Bestellung Nr 5"));
        for bad in ["", "  ", "a\nb", "a\u{7}", "x\u{202e}y"] {
            assert!(!is_reference_id(bad), "{bad:?}");
        }
        assert!(!is_reference_id(&"r".repeat(ID_MAX_CHARS + 1)));
    }
}
