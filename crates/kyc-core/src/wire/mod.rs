//! What every adapter needs to read a provider's JSON the same way: lenient deserialisers for
//! loosely typed fields, one macro for provider code words with an opaque unknown value, parse
//! errors that name the field path without quoting values, and text that is safe to print.
//!
//! Adapters use these instead of writing their own, so that `"true"` is a boolean, an unknown
//! word is kept and logged the same way, and a broken payload is described the same way,
//! whichever provider sent it.

pub mod json;
pub mod lenient;
pub mod printable;
mod provider_enum;

pub use json::{from_json_slice, JsonError};
pub use printable::{escape, printable, Printable, DEFAULT_MAX_CHARS};
pub use provider_enum::UnknownWord;

/// The present ones of a provider's five free fields `custom1` .. `custom5` (both providers
/// have them), as `("custom1", value)` pairs in order.
pub fn custom_entries(values: [&Option<String>; 5]) -> Vec<(&'static str, &str)> {
    ["custom1", "custom2", "custom3", "custom4", "custom5"]
        .into_iter()
        .zip(values)
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
}
