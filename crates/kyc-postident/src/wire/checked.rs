//! The `{ "value": ..., "status": "new" | "match" | "change" }` pair in which POSTIDENT delivers
//! every verified field.

use super::enums::FieldStatus;
use super::strict;
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
        /// The documented object, each part read by the adapter's strict text reader.
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Pair {
            #[serde(deserialize_with = "strict::text")]
            value: Option<String>,
            #[serde(deserialize_with = "strict::text")]
            status: Option<String>,
        }
        let value = Value::deserialize(d)?;
        match value {
            Value::Object(_) => {
                let pair = Pair::deserialize(value).map_err(de::Error::custom)?;
                Ok(CheckedValue {
                    value: pair.value,
                    status: pair
                        .status
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| FieldStatus::parse(&s)),
                })
            }
            Value::Array(a) if a.is_empty() => Ok(CheckedValue::default()),
            Value::Array(_) => Err(de::Error::custom(
                "expected a {value, status} object, found an array",
            )),
            // `null`, or a bare scalar where the pair is documented: the value, status unknown.
            scalar => Ok(CheckedValue {
                value: strict::text(scalar).map_err(de::Error::custom)?,
                status: None,
            }),
        }
    }
}
