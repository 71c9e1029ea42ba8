//! Which identity-verification provider a value belongs to.

use serde::{Deserialize, Serialize};

/// An identity-verification provider supported by this library.
///
/// The enum is `#[non_exhaustive]`: more providers may be added without a breaking release.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
#[non_exhaustive]
pub enum Provider {
    /// IDnow AutoIdent (automated document and selfie check, optionally with QES signing).
    #[serde(rename = "idnow")]
    #[strum(serialize = "idnow")]
    Idnow,
    /// Deutsche Post POSTIDENT in its SCR-Ident flavour (post office, eID, video, photo, AutoID).
    Postident,
}

impl Provider {
    /// The configuration name of the provider: `"idnow"` or `"postident"`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// All providers this version of the library knows.
    pub fn all() -> &'static [Provider] {
        <Provider as strum::VariantArray>::VARIANTS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for p in Provider::all() {
            assert_eq!(p.name().parse::<Provider>().unwrap(), *p);
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.name()));
            assert_eq!(serde_json::from_str::<Provider>(&json).unwrap(), *p);
        }
        assert_eq!("IDnow".parse::<Provider>().unwrap(), Provider::Idnow);
        assert!("acme".parse::<Provider>().is_err());
    }
}
