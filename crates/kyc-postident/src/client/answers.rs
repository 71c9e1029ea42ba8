//! What the read calls return: one case, one list answer, the archiving walk's summary, and the
//! parsing of answer bodies into them.
//!
//! The answers hold personal data (the raw JSON is the decrypted result): their `Debug` shows
//! which case they are about and how much they hold, never a value from the body.

use crate::error::PostidentError;
use crate::wire::CaseResult;
use bytes::Bytes;
use kyc_core::wire::from_json_slice;
use kyc_core::RawJson;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::fmt;

/// One case as answered: typed, and the JSON verbatim (decrypted when it was encrypted).
///
/// `Debug` shows the caseId and the case's progress only.
#[derive(Clone, PartialEq)]
pub struct CaseResponse {
    /// The typed result.
    pub result: CaseResult,
    /// The JSON as POSTIDENT sent it (after decryption); in a list answer, this case's part of
    /// the body.
    pub raw: RawJson,
}

impl fmt::Debug for CaseResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseResponse")
            .field("case_id", &self.result.case_id)
            .field(
                "case_status",
                &self
                    .result
                    .case_status
                    .as_ref()
                    .and_then(|s| s.status.as_ref()),
            )
            .field("raw", &self.raw)
            .finish()
    }
}

/// One list answer.
///
/// `Debug` shows each case as [`CaseResponse`] does.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseListResponse {
    /// The cases.
    pub cases: Vec<CaseResponse>,
    /// More cases match than this answer holds: POSTIDENT said `X-PARTIAL-DELIVERY: true` (the
    /// rest is only returned once the ones received are archived, see
    /// [`Client::list_all_archiving_each_page`](crate::Client::list_all_archiving_each_page)),
    /// or [`ListQuery::max_results`](crate::ListQuery::max_results) cut the answer.
    pub partial: bool,
}

/// What [`Client::list_all_archiving_each_page`](crate::Client::list_all_archiving_each_page)
/// did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchivingWalkSummary {
    /// How many list requests were made.
    pub pages: usize,
    /// How many cases were handed to the callback.
    pub cases_seen: usize,
    /// The caseIds archived on the way.
    pub archived: Vec<String>,
    /// True when POSTIDENT reported no more cases; false when the walk stopped because a
    /// partial page contained nothing archivable (only closed cases can be archived, so a walk
    /// over `new`/`inProgress` cases cannot go past the first 1,000).
    pub complete: bool,
}

/// The error for an answer of `operation` that is not the documented JSON; keeps the body.
pub(crate) fn malformed(operation: &'static str, detail: &str, body: &Bytes) -> kyc_core::Error {
    PostidentError::MalformedBody {
        operation,
        detail: detail.to_string(),
        body: body.clone(),
    }
    .into()
}

/// Reads an answer body as `T`; the error names the field path, never a value.
pub(crate) fn parse<T: DeserializeOwned>(
    operation: &'static str,
    body: &Bytes,
) -> kyc_core::Result<T> {
    from_json_slice(body).map_err(|e| malformed(operation, &e.to_string(), body))
}

/// Reads the answer of a one-case call. A JSON object is read once, straight from the bytes
/// into [`CaseResult`], and the body is kept as it is; anything else goes the general way
/// ([`read_case_through_value`]), which words every error.
pub(crate) fn read_case(operation: &'static str, body: &Bytes) -> kyc_core::Result<CaseResponse> {
    if starts_with(body, b'{') {
        if let Ok(result) = serde_json::from_slice::<CaseResult>(body) {
            return Ok(CaseResponse {
                result,
                raw: RawJson::already_read(body.clone()),
            });
        }
    }
    read_case_through_value(operation, body)
}

/// Reads the (decrypted) body of a list answer into its cases, as
/// [`Client::list_cases`](crate::Client::list_cases) does: for stored list answers, tests and
/// benchmarks.
pub fn read_list_answer(body: &Bytes) -> kyc_core::Result<Vec<CaseResponse>> {
    read_cases("list cases", body)
}

/// Reads a list answer. A JSON array is read in one pass without building a tree: each case
/// straight from the bytes into [`CaseResult`], its raw JSON the part of the body it came from
/// (shared, not copied); anything else goes the general way ([`read_cases_through_value`]).
pub(crate) fn read_cases(
    operation: &'static str,
    body: &Bytes,
) -> kyc_core::Result<Vec<CaseResponse>> {
    if starts_with(body, b'[') {
        if let Some(cases) = read_cases_straight(body) {
            return Ok(cases);
        }
    }
    read_cases_through_value(operation, body)
}

/// One pass over a list answer: the array's framing (`[`, `,`, `]`) read by hand, each case
/// typed by `serde_json` from where it starts, its raw JSON the slice it took. `None` for
/// anything that does not read this way (the general way then words the error).
fn read_cases_straight(body: &Bytes) -> Option<Vec<CaseResponse>> {
    let mut at = after_space(body, 0);
    if body.get(at) != Some(&b'[') {
        return None;
    }
    at = after_space(body, at + 1);
    let mut cases = Vec::new();
    if body.get(at) == Some(&b']') {
        return (after_space(body, at + 1) == body.len()).then_some(cases);
    }
    loop {
        let mut one = serde_json::Deserializer::from_slice(&body[at..]).into_iter::<CaseResult>();
        let result = one.next()?.ok()?;
        let end = at + one.byte_offset();
        cases.push(CaseResponse {
            result,
            raw: RawJson::already_read(body.slice(at..end)),
        });
        at = after_space(body, end);
        match body.get(at)? {
            b',' => at = after_space(body, at + 1),
            b']' => return (after_space(body, at + 1) == body.len()).then_some(cases),
            _ => return None,
        }
    }
}

/// The index of the first byte at or after `from` that is not JSON white space.
fn after_space(body: &[u8], from: usize) -> usize {
    body.get(from..)
        .and_then(|rest| {
            rest.iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        })
        .map_or(body.len(), |skip| from + skip)
}

fn starts_with(body: &[u8], byte: u8) -> bool {
    body.trim_ascii_start().first() == Some(&byte)
}

/// One case through a `Value`: the body parsed, checked to be an object, then read into
/// [`CaseResult`] from the kept value; only when that fails is the body read again, for the
/// error naming the field path, line and column.
pub(crate) fn read_case_through_value(
    operation: &'static str,
    body: &Bytes,
) -> kyc_core::Result<CaseResponse> {
    let raw: serde_json::Value = parse(operation, body)?;
    if !raw.is_object() {
        return Err(malformed(operation, "expected a JSON object", body));
    }
    let result = match CaseResult::deserialize(&raw) {
        Ok(result) => result,
        Err(_) => parse(operation, body)?,
    };
    Ok(CaseResponse {
        result,
        raw: raw.into(),
    })
}

/// A list answer through a `Value`, as [`read_case_through_value`] reads one case.
pub(crate) fn read_cases_through_value(
    operation: &'static str,
    body: &Bytes,
) -> kyc_core::Result<Vec<CaseResponse>> {
    let raw: serde_json::Value = parse(operation, body)?;
    let serde_json::Value::Array(items) = raw else {
        return Err(malformed(operation, "expected a JSON array of cases", body));
    };
    let results: Vec<CaseResult> = match items
        .iter()
        .map(CaseResult::deserialize)
        .collect::<Result<_, _>>()
    {
        Ok(results) => results,
        Err(_) => parse(operation, body)?,
    };
    Ok(results
        .into_iter()
        .zip(items)
        .map(|(result, raw)| CaseResponse {
            result,
            raw: raw.into(),
        })
        .collect())
}
