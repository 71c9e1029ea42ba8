//! What the read calls return: one case, one list answer, the archiving walk's summary, and the
//! parsing of answer bodies into them.
//!
//! The answers hold personal data (the raw JSON is the decrypted result): their `Debug` shows
//! which case they are about and how much they hold, never a value from the body.

use crate::error::PostidentError;
use crate::wire::CaseResult;
use bytes::Bytes;
use kyc_core::redact::RawJsonShape;
use kyc_core::wire::from_json_slice;
use serde::de::DeserializeOwned;
use std::fmt;

/// One case as answered: typed, and the JSON verbatim (decrypted when it was encrypted).
///
/// `Debug` shows the caseId and the case's progress only.
#[derive(Clone, PartialEq)]
pub struct CaseResponse {
    /// The typed result.
    pub result: CaseResult,
    /// The JSON as POSTIDENT sent it (after decryption).
    pub raw: serde_json::Value,
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
            .field("raw", &RawJsonShape(&self.raw))
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
