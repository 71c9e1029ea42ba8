//! Listing and archiving cases: the neutral filter, the page a list returns, and what an
//! archive request achieved.

use crate::case::{Case, CaseRef, Timestamp};
use serde::{Deserialize, Serialize};

/// Which cases `list_cases` returns. Both providers list only finished, unarchived cases by
/// default, and so does `CaseFilter::default()`.
///
/// | neutral | IDnow | POSTIDENT |
/// |---|---|---|
/// | `unfinished` | `pending=true` | `new=true&inProgress=true` |
/// | `retryable` | `aborted=true`, `canceled=true` | `inProgress=true` |
/// | `finished` | `successful=true` | `closed=true` |
/// | `archived` | (archived idents are not listed) | `archived=true` |
/// | dates, `max_results` | not supported (filtered client-side) | `createdFrom`.., `maxResults` |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    /// Cases the user has not finished (not started, in progress).
    pub unfinished: bool,
    /// Cases whose last attempt ended without a decision and can be resumed.
    pub retryable: bool,
    /// Cases with a decision (approved, declined, closed).
    pub finished: bool,
    /// Also return cases that were archived.
    pub archived: bool,
    /// Only cases created at or after this instant.
    pub created_from: Option<Timestamp>,
    /// Only cases created at or before this instant.
    pub created_until: Option<Timestamp>,
    /// Only cases decided (closed) at or after this instant.
    pub decided_from: Option<Timestamp>,
    /// Only cases decided (closed) at or before this instant.
    pub decided_until: Option<Timestamp>,
    /// At most this many cases (the provider may cap lower: POSTIDENT returns at most 1,000).
    pub max_results: Option<u32>,
}

impl Default for CaseFilter {
    fn default() -> Self {
        CaseFilter {
            unfinished: false,
            retryable: false,
            finished: true,
            archived: false,
            created_from: None,
            created_until: None,
            decided_from: None,
            decided_until: None,
            max_results: None,
        }
    }
}

impl CaseFilter {
    /// Every case the provider still holds: unfinished, retryable and finished.
    pub fn everything() -> Self {
        CaseFilter {
            unfinished: true,
            retryable: true,
            finished: true,
            ..Default::default()
        }
    }
}

/// One answer of `list_cases`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseList {
    /// The cases returned.
    pub cases: Vec<Case>,
    /// True when the provider said more cases match than it returned (POSTIDENT
    /// `X-PARTIAL-DELIVERY: true`). POSTIDENT only returns the rest once the returned cases are
    /// archived; its typed client has a helper that does that explicitly.
    pub partial: bool,
}

/// What an archive request achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveOutcome {
    /// Cases this request archived.
    pub archived: Vec<CaseRef>,
    /// Cases that were archived already (nothing to do: they are archived).
    #[serde(default)]
    pub already_archived: Vec<CaseRef>,
    /// Cases the provider did not archive and that are not archived, with the reason (not
    /// closed yet, unknown, or not updated without a reason).
    pub not_archived: Vec<(CaseRef, String)>,
}
