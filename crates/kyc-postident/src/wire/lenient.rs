//! Lenient deserialisers for provider data: POSTIDENT (like every provider) sends `"true"` where
//! `true` is meant, numbers where strings are documented, `null` and `{}` where an object is
//! omitted. These helpers accept all of that and never fail on a value they can reasonably read.

use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// Reads a JSON value as an optional string: strings verbatim, numbers and booleans as their
/// JSON text, `null` as `None`. Objects and arrays are refused (they are structurally wrong).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
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

/// Reads `true`, `false`, `"true"`, `"false"` (any case), `1`, `0`, `"1"`, `"0"` and `null`.
/// Anything else becomes `None` with a warning (a flag we cannot read is not a reason to lose
/// the whole case).
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(match value {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            "" => None,
            _ => {
                tracing::warn!(value = %kyc_core::wire::printable(&s, kyc_core::wire::DEFAULT_MAX_CHARS), "POSTIDENT: unreadable boolean, ignored");
                None
            }
        },
        Some(Value::Number(n)) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => {
                tracing::warn!(value = %n, "POSTIDENT: unreadable boolean, ignored");
                None
            }
        },
        Some(other) => {
            tracing::warn!(
                kind = json_kind(&other),
                "POSTIDENT: unreadable boolean, ignored"
            );
            None
        }
    })
}

/// Reads a non-negative count given as a number or a numeric string.
pub(crate) fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let value = Option::<Value>::deserialize(d)?;
    Ok(match value {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) => Some(v),
            None => {
                tracing::warn!(value = %n, "POSTIDENT: unreadable count, ignored");
                None
            }
        },
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match s.trim().parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                tracing::warn!(value = %kyc_core::wire::printable(&s, kyc_core::wire::DEFAULT_MAX_CHARS), "POSTIDENT: unreadable count, ignored");
                None
            }
        },
        Some(other) => {
            tracing::warn!(
                kind = json_kind(&other),
                "POSTIDENT: unreadable count, ignored"
            );
            None
        }
    })
}

/// Reads a list that may be missing or `null` (both become an empty list).
pub(crate) fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Reads an optional object that the provider may also send as `null`, `""` or `[]` when it is
/// empty (seen in older payloads): those become `None`.
pub(crate) fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
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
