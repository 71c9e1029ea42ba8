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
