//! Lenient deserialisers for the provider's loosely typed JSON: scalars that arrive as strings,
//! numbers or booleans, booleans written as `"true"`, and code words this library does not know
//! yet (kept verbatim, never rejected).

use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

/// Any JSON scalar as text: `"x"` → `x`, `12` → `12`, `true` → `true`; `null`, arrays and
/// objects → `None` (with a warning for the latter two, which no documented field carries).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_to_string(&Value::deserialize(d)?))
}

/// Turns a JSON scalar into text; see [`opt_string`].
pub(crate) fn scalar_to_string(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(_) | Value::Object(_) => {
            tracing::warn!("IDnow sent a structured value where text was documented; ignored");
            None
        }
    }
}

/// A boolean written as `true`, `"true"`, `"TRUE"`, `1` or `"1"` (and the false forms). Anything
/// else (including `null`) is `None`, with a warning when it was not `null`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(match &value {
        Value::Null => None,
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => {
                tracing::warn!(value = %n, "IDnow sent a number where a boolean was documented");
                None
            }
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            "" => None,
            _ => {
                tracing::warn!(
                    "IDnow sent a string that is not a boolean where one was documented"
                );
                None
            }
        },
        Value::Array(_) | Value::Object(_) => {
            tracing::warn!("IDnow sent a structured value where a boolean was documented");
            None
        }
    })
}

/// A whole number written as `2` or `"2"`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Declares a string-valued code list: known words as variants, anything else kept verbatim in
/// `Unknown(String)` with a `tracing::warn!` (showing the word through
/// [`kyc_core::wire::printable`]: escaped and cut). Serialises back to the provider's exact word.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A word this library does not know yet, kept exactly as the provider sent it.
            Unknown(String),
        }

        impl $name {
            /// Every known word, in the provider's spelling.
            pub const KNOWN: &'static [&'static str] = &[$($word),+];

            /// Reads a provider word (exact, then case-insensitive); unknown words are kept in
            /// `Unknown` and logged as a warning.
            pub fn parse(word: &str) -> Self {
                let trimmed = word.trim();
                $( if trimmed == $word { return $name::$variant; } )+
                $( if trimmed.eq_ignore_ascii_case($word) { return $name::$variant; } )+
                // Logged cut to 64 characters with control characters escaped: a provider word
                // must not flood the log or forge log lines.
                tracing::warn!(
                    code_list = stringify!($name),
                    value = %kyc_core::wire::printable(trimmed, kyc_core::wire::DEFAULT_MAX_CHARS),
                    "IDnow sent a value this library does not know; kept as Unknown"
                );
                $name::Unknown(trimmed.to_string())
            }

            /// The provider's word for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $word, )+
                    $name::Unknown(raw) => raw.as_str(),
                }
            }
        }

        impl From<String> for $name {
            fn from(word: String) -> Self {
                $name::parse(&word)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Ok($name::parse(&text))
            }
        }
    };
}

pub(crate) use code_enum;

/// Deserialises an optional code word, treating `null` and `""` as absent.
pub(crate) fn opt_code<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    Ok(opt_string(d)?.filter(|s| !s.trim().is_empty()).map(T::from))
}
