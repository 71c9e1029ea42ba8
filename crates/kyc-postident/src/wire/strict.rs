//! The two readers where this adapter is stricter than [`kyc_core::wire::lenient`]: absent,
//! `null` and empty values are still "not there", but a value of the wrong *shape* (an object or
//! a list where text is documented, a number or a non-empty string where an object is) is an
//! error, not a warning. A payload that broken is not a POSTIDENT case result, and saying so is
//! more useful than a case with silently missing parts (`kyc normalize` refuses it in one line).
//! Everything else (booleans, counts, lists) is read with [`kyc_core::wire::lenient`].

use super::redact::Present;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// Reads a JSON value as an optional string: strings verbatim, numbers and booleans as their
/// JSON text, `null` as `None`. Objects and arrays are refused (they are structurally wrong).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other @ (Value::Array(_) | Value::Object(_))) => Err(de::Error::custom(format!(
            "expected a string, found {}",
            json_kind(&other)
        ))),
    }
}

/// Reads an optional object that the provider may also send as `null`, `""` or `[]` when it is
/// empty (seen in older payloads): those become `None`.
pub(crate) fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<Value>::deserialize(d)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Array(a)) if a.is_empty() => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(de::Error::custom),
    }
}

/// True for what serialising leaves out: `None` and empty lists (`skip_serializing_if`).
pub(crate) fn absent<T: Present>(value: &T) -> bool {
    !value.present()
}

/// A short name for the JSON type of a value, for error messages that must not quote data.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
