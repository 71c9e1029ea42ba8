//! Helpers for `Debug` implementations that must not print personal data.

use std::fmt;

/// Prints `[redacted]` for a present value and `None` for an absent one, so `Debug` output still
/// shows *which* fields are filled without showing their content.
pub struct Presence(pub bool);

impl fmt::Debug for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "[redacted]" } else { "None" })
    }
}

/// `Presence` of an `Option`.
pub fn presence<T>(value: &Option<T>) -> Presence {
    Presence(value.is_some())
}
