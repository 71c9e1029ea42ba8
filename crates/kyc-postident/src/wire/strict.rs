//! Where this adapter is stricter than the rest of [`kyc_core::wire::lenient`]: absent, `null`
//! and empty values are still "not there", but a value of the wrong *shape* (an object or a list
//! where text is documented, a number or a non-empty string where an object is) is an error, not
//! a warning. A payload that broken is not a POSTIDENT case result, and saying so is more useful
//! than a case with silently missing parts (`kyc normalize` refuses it in one line). The readers
//! are kyc-core's, under the short names the field attributes use; everything else (booleans,
//! counts, lists) is read with [`kyc_core::wire::lenient`] directly.

use kyc_core::redact::Present;

pub(crate) use kyc_core::wire::lenient::{strict_object as object, strict_string as text};

/// True for what serialising leaves out: `None` and empty lists (`skip_serializing_if`).
pub(crate) fn absent<T: Present>(value: &T) -> bool {
    !value.present()
}
