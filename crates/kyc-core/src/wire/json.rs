//! Parsing a provider's JSON into wire types with errors that say *where* it failed (the field
//! path) without quoting what was there (values are personal data).

use serde::de::DeserializeOwned;
use std::fmt;

/// Why a JSON payload could not be read: the field path, the line and column, and what kind of
/// problem it was. Never contains a value from the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// The dotted path of the field that failed (`identificationprocess.result`,
    /// `cases[3].caseId`), `.` for the top level.
    pub path: String,
    /// The line of the failure (1-based).
    pub line: usize,
    /// The column of the failure (1-based).
    pub column: usize,
    /// What went wrong, in words that quote nothing from the payload.
    pub problem: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at `{}` (line {}, column {})",
            self.problem, self.path, self.line, self.column
        )
    }
}

impl std::error::Error for JsonError {}

/// Reads `T` from JSON bytes. The fast path is a plain `serde_json` parse; only when it fails is
/// the payload read again with path tracking, to name the field.
pub fn from_json_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let (path, error) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => (String::from("."), first),
                Err(e) => (e.path().to_string(), e.into_inner()),
            };
            Err(JsonError {
                path,
                line: error.line(),
                column: error.column(),
                problem: match error.classify() {
                    serde_json::error::Category::Io => "the payload could not be read",
                    serde_json::error::Category::Syntax => "not valid JSON",
                    serde_json::error::Category::Eof => "the JSON ends too early",
                    serde_json::error::Category::Data => {
                        "a value of another type or shape than documented"
                    }
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        cases: Vec<Case>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Case {
        #[serde(rename = "caseId")]
        case_id: String,
        count: u32,
    }

    #[test]
    fn errors_name_the_path_and_never_the_value() {
        let json = br#"{"cases": [{"caseId": "A", "count": 1}, {"caseId": "B", "count": "Erika Mustermann"}]}"#;
        let e = from_json_slice::<Outer>(json).unwrap_err();
        assert_eq!(e.path, "cases[1].count");
        assert!(!e.to_string().contains("Erika"), "{e}");
        assert!(e.to_string().contains("cases[1].count"), "{e}");

        let e = from_json_slice::<Outer>(br#"{"cases": [{"caseId": "A""#).unwrap_err();
        assert_eq!(e.problem, "the JSON ends too early");
    }
}
