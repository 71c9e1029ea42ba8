//! The `{ "value": ..., "status": "new" | "match" | "change" }` pair in which POSTIDENT delivers
//! every verified field.

use super::enums::FieldStatus;
use super::strict::json_kind;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// One verified field: the value POSTIDENT determined and how it relates to what the client
/// provided at creation. Both parts are optional: an empty object `{}` (the guide's way of saying
/// "no data", e.g. `"appendix": {}`) has neither.
///
/// `Debug` redacts the value (it is personal data).
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckedValue {
    /// The value, verbatim (numbers and booleans are kept as their JSON text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// How the value was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FieldStatus>,
}

impl CheckedValue {
    /// A pair with both parts, for tests and the sandbox.
    pub fn new(value: impl Into<String>, status: FieldStatus) -> Self {
        CheckedValue {
            value: Some(value.into()),
            status: Some(status),
        }
    }

    /// The value when there is one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// True when the object carried neither value nor status (`{}`).
    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.status.is_none()
    }
}

impl fmt::Debug for CheckedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedValue")
            .field("value", &kyc_core::redact::presence(&self.value))
            .field("status", &self.status)
            .finish()
    }
}

impl<'de> Deserialize<'de> for CheckedValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        match value {
            Value::Null => Ok(CheckedValue::default()),
            // A bare scalar where the pair is documented: keep the value, status unknown.
            Value::String(s) => Ok(CheckedValue {
                value: Some(s),
                status: None,
            }),
            Value::Number(n) => Ok(CheckedValue {
                value: Some(n.to_string()),
                status: None,
            }),
            Value::Bool(b) => Ok(CheckedValue {
                value: Some(b.to_string()),
                status: None,
            }),
            Value::Object(mut map) => {
                let value = match map.remove("value") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(Value::Bool(b)) => Some(b.to_string()),
                    Some(other) => {
                        return Err(de::Error::custom(format!(
                            "a field's \"value\" must be a string, found {}",
                            json_kind(&other)
                        )))
                    }
                };
                let status = match map.remove("status") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if s.trim().is_empty() => None,
                    Some(Value::String(s)) => Some(FieldStatus::from_wire(&s)),
                    Some(other) => {
                        return Err(de::Error::custom(format!(
                            "a field's \"status\" must be a string, found {}",
                            json_kind(&other)
                        )))
                    }
                };
                Ok(CheckedValue { value, status })
            }
            Value::Array(a) if a.is_empty() => Ok(CheckedValue::default()),
            Value::Array(_) => Err(de::Error::custom(
                "expected a {value, status} object, found an array",
            )),
        }
    }
}
