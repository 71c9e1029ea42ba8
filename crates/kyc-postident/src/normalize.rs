//! One raw POSTIDENT payload (case result JSON, or its compact JWE) to the neutral [`Case`],
//! without a client: for `kyc normalize`, stored payloads, fuzzing and benchmarks.

use crate::client::read_case;
pub use crate::crypto::looks_like_jwe;
use crate::crypto::PrivateKey;
use crate::mapping::case_from_result;
use crate::wire::CaseResult;
use bytes::Bytes;
use kyc_core::wire::from_json_slice;
use kyc_core::{Case, Error, ErrorKind, Provider, RawJson, Result};
use std::fmt;

/// Reads a case result JSON body. The body is the caller's input (a stored payload, a file), not
/// an answer POSTIDENT just gave: a body that is not a case is an [`ErrorKind::InvalidInput`]
/// error that says so, keeps the raw body and never quotes it.
pub fn case_from_json(body: &[u8]) -> Result<Case> {
    let (result, raw) = match read_case("normalize", &Bytes::copy_from_slice(body)) {
        Ok(read) => (read.result, read.raw),
        // Worded for input rather than for an answer of POSTIDENT.
        Err(_) => {
            let raw: serde_json::Value = from_json_slice(body).map_err(|e| not_a_case(body, e))?;
            if !raw.is_object() {
                return Err(not_a_case(body, "not a JSON object"));
            }
            let result: CaseResult = from_json_slice(body).map_err(|e| not_a_case(body, e))?;
            (result, raw.into())
        }
    };
    case_of(&result, raw, body)
}

/// The error for a `body` that is not a case result: it says `what` is wrong, keeps the body and
/// never quotes it.
fn not_a_case(body: &[u8], what: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("the payload is not a POSTIDENT case result: {what}"),
    )
    .with_provider(Provider::Postident)
    .with_raw_body(Bytes::copy_from_slice(body))
}

/// The case a typed result (with its raw JSON) describes; a result without a caseId is none.
fn case_of(result: &CaseResult, raw: RawJson, body: &[u8]) -> Result<Case> {
    if result
        .case_id
        .as_deref()
        .is_none_or(|c| c.trim().is_empty())
    {
        return Err(not_a_case(body, "it has no caseId"));
    }
    case_from_result(result, raw, "")
}

/// Reads a body that is either a compact JWE (decrypted with `key`) or plain JSON. A JWE without
/// a key is an [`ErrorKind::Decryption`] error saying so.
pub fn case_from_payload(body: &[u8], key: Option<&PrivateKey>) -> Result<Case> {
    if looks_like_jwe(body) {
        let Some(key) = key else {
            return Err(Error::new(
                ErrorKind::Decryption,
                "the payload is a JWE; give the private key it was encrypted to",
            )
            .with_provider(Provider::Postident));
        };
        let plain = key.decrypt(body.trim_ascii()).map_err(Error::from)?;
        case_from_json(&plain)
    } else {
        case_from_json(body)
    }
}

/// The typed result is read from the kept `&Value`; the reference is the former path, a second
/// parse of the body (`from_json_slice::<CaseResult>`). Both must give the same result, the
/// same `Case` and the same error, for every JSON fixture and every fuzz seed.
#[cfg(test)]
mod differential_tests {
    use super::*;
    use crate::client::{read_case_through_value, read_cases_through_value, read_list_answer};
    use kyc_core::error::both_ok_or_same_error;
    use serde::Deserialize;
    use serde_json::Value;
    use std::path::Path;

    /// Every JSON fixture of this crate, the plain JSON fuzz seeds, and a few broken shapes.
    fn inputs() -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let read = |dir: &Path, ext: &str| -> Vec<std::path::PathBuf> {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .collect();
            paths.sort();
            paths
        };
        for path in read(&root.join("tests/fixtures"), "json") {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
        // `P` + JSON: the fuzz target's "plain" mode byte.
        for path in read(&root.join("../../fuzz/seeds/postident_jwe"), "plain") {
            let data = std::fs::read(&path).unwrap();
            let json = data.strip_prefix(b"P").unwrap_or(&data).to_vec();
            out.push((path.display().to_string(), json));
        }
        assert!(out.len() > 20, "fixtures not found: {}", out.len());
        for broken in [
            r#"{"caseId": 7, "caseStatus": "x"}"#,
            r#"{"caseId": "A", "caseStatus": {"status": []}}"#,
            r#"{"caseId": "A", "caseStatus": {"status": "closed", "archived": "maybe"}}"#,
            r#"{"caseId": "A", "identifications": [{"identificationMethod": 1}, 7]}"#,
            r#"{"caseId": "A", "identifications": {"x": 1}}"#,
            r#"{"caseId": "A", "orderData": "", "contactData": [], "caseStatus": null}"#,
            r#"{"caseId": "A", "orderData": "text"}"#,
            r#"{"caseId": " "}"#,
            r#"{}"#,
            r#"[]"#,
            r#"[{"caseId": "A"}, {"caseId": 5}]"#,
            r#"[{"caseId": "A"}, 3]"#,
            r#""text""#,
        ] {
            out.push((broken.to_string(), broken.as_bytes().to_vec()));
        }
        out
    }

    /// The former `case_from_json`, reading the body twice.
    fn reference(body: &[u8]) -> Result<Case> {
        let raw: Value = from_json_slice(body).map_err(|e| not_a_case(body, e))?;
        if !raw.is_object() {
            return Err(not_a_case(body, "not a JSON object"));
        }
        let result: CaseResult = from_json_slice(body).map_err(|e| not_a_case(body, e))?;
        case_of(&result, raw.into(), body)
    }

    #[test]
    fn reading_from_the_borrowed_value_gives_the_same_result_and_case() {
        let mut read = 0;
        for (name, body) in inputs() {
            let Ok(raw) = serde_json::from_slice::<Value>(&body) else {
                continue;
            };
            // One case (GET case, stored payloads) ...
            let old = from_json_slice::<CaseResult>(&body).ok();
            let new = CaseResult::deserialize(&raw).ok();
            assert_eq!(old, new, "{name}: typed result differs");
            // ... or a list of them (GET cases), entry by entry.
            if let Value::Array(items) = &raw {
                let old = from_json_slice::<Vec<CaseResult>>(&body).ok();
                let new = items
                    .iter()
                    .map(CaseResult::deserialize)
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .ok();
                assert_eq!(old, new, "{name}: typed list differs");
            }
            let (old, new) = (reference(&body), case_from_json(&body));
            if let Some((old, new)) = both_ok_or_same_error(&name, old, new) {
                assert!(old == new, "{name}: case differs");
                read += 1;
            }
        }
        assert!(read > 10, "only {read} cases read");
    }

    /// Answers are read straight from the bytes (each case of a list from its part of the body);
    /// the reference is the former path through a `Value`. Both must give the same results, raw
    /// JSON, cases and errors.
    #[test]
    fn reading_answers_straight_from_the_bytes_gives_what_the_value_gave() {
        let (mut cases, mut lists) = (0, 0);
        for (name, body) in inputs() {
            let body = Bytes::from(body);
            let compare = |old: kyc_core::Result<Vec<crate::CaseResponse>>,
                           new: kyc_core::Result<Vec<crate::CaseResponse>>|
             -> usize {
                match (old, new) {
                    (Ok(old), Ok(new)) => {
                        assert_eq!(old.len(), new.len(), "{name}");
                        for (old, new) in old.iter().zip(&new) {
                            assert!(old.result == new.result, "{name}: result differs");
                            assert!(old.raw == new.raw, "{name}: raw JSON differs");
                            let old = case_from_result(&old.result, old.raw.clone(), "C");
                            let new = case_from_result(&new.result, new.raw.clone(), "C");
                            match (old, new) {
                                (Ok(old), Ok(new)) => assert!(old == new, "{name}: case differs"),
                                (Err(old), Err(new)) => {
                                    assert_eq!(old.to_string(), new.to_string(), "{name}")
                                }
                                _ => panic!("{name}: one case maps, the other not"),
                            }
                        }
                        new.len()
                    }
                    (Err(old), Err(new)) => {
                        assert_eq!(old.to_string(), new.to_string(), "{name}");
                        assert!(old.raw_body() == new.raw_body(), "{name}: body differs");
                        0
                    }
                    (old, new) => panic!("{name}: {:?} vs {:?}", old.err(), new.err()),
                }
            };
            let one = |read: fn(&'static str, &Bytes) -> Result<crate::CaseResponse>| {
                read("get case", &body).map(|c| vec![c])
            };
            cases += compare(one(read_case_through_value), one(read_case));
            lists += compare(
                read_cases_through_value("list cases", &body),
                read_list_answer(&body),
            );
        }
        assert!(
            cases > 10 && lists >= 2,
            "{cases} cases, {lists} listed cases"
        );
        // A list answer of every fixture: each case keeps its own part of the one body.
        let fixtures: Vec<Vec<u8>> = inputs()
            .into_iter()
            .filter(|(name, _)| name.ends_with(".json"))
            .map(|(_, body)| body)
            .filter(|body| serde_json::from_slice::<Value>(body).is_ok_and(|v| v.is_object()))
            .collect();
        let list = Bytes::from(format!(
            "[{}]",
            fixtures
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect::<Vec<_>>()
                .join(",\n")
        ));
        let read = read_list_answer(&list).unwrap();
        assert_eq!(read.len(), fixtures.len());
        for (case, body) in read.iter().zip(&fixtures) {
            assert_eq!(case.raw.as_str().as_bytes(), body.trim_ascii(), "verbatim");
        }
        compare_whole(&list);
    }

    fn compare_whole(list: &Bytes) {
        let old = read_cases_through_value("list cases", list).unwrap();
        let new = read_list_answer(list).unwrap();
        for (old, new) in old.iter().zip(&new) {
            let (Ok(old), Ok(new)) = (
                case_from_result(&old.result, old.raw.clone(), "C"),
                case_from_result(&new.result, new.raw.clone(), "C"),
            ) else {
                continue;
            };
            assert!(old == new, "case differs");
            for (a, b) in old.attempts.iter().zip(&new.attempts) {
                assert!(a.raw == b.raw, "attempt JSON differs");
            }
        }
    }

    /// The one difference: a key sent twice. Read into the struct from the body, it was refused
    /// ("duplicate field"); the value keeps the last one (as `Case::raw` always did) and the
    /// typed result is now read from the value, so both agree on the last one, as for IDnow.
    #[test]
    fn a_repeated_key_reads_as_its_last_value_like_the_raw_json() {
        let body = br#"{"caseId": "FIRST", "caseStatus": {"status": "new"}, "caseId": "LAST"}"#;
        assert!(from_json_slice::<CaseResult>(body).is_err());
        let raw: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(raw["caseId"], "LAST");
        let result = CaseResult::deserialize(&raw).unwrap();
        assert_eq!(result.case_id.as_deref(), Some("LAST"));
        let case = case_from_json(body).unwrap();
        assert_eq!(case.case_ref.case_id.as_deref(), Some("LAST"));
    }
}
