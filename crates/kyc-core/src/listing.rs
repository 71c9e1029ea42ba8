//! Listing and archiving cases: the neutral filter, the page a list returns, and what an
//! archive request achieved.
//!
//! All three are `#[non_exhaustive]`: build a filter from [`CaseFilter::default`] or
//! [`CaseFilter::everything`] with the `with_*` setters, a list with [`CaseList::new`], an
//! outcome from [`ArchiveOutcome::default`].

use crate::case::{Case, CaseRef, Timestamp};
use crate::setters::setters;
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
///
/// ```
/// use kyc_core::CaseFilter;
///
/// // Cases that wait for the user, at most 50 of them.
/// let filter = CaseFilter::default()
///     .with_finished(false)
///     .with_unfinished(true)
///     .with_retryable(true)
///     .with_max_results(50);
/// assert!(!filter.finished && filter.unfinished && filter.retryable);
/// assert_eq!(filter.max_results, Some(50));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// Sets `max_results` to `Some(max)`.
    #[must_use]
    pub fn with_max_results(mut self, max: u32) -> Self {
        self.max_results = Some(max);
        self
    }

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

setters!(CaseFilter {
    some with_created_from => created_from: Timestamp,
    some with_created_until => created_until: Timestamp,
    some with_decided_from => decided_from: Timestamp,
    some with_decided_until => decided_until: Timestamp,
    exact with_unfinished => unfinished: bool,
    exact with_retryable => retryable: bool,
    exact with_finished => finished: bool,
    exact with_archived => archived: bool,
});

/// One answer of `list_cases`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseList {
    /// The cases returned.
    pub cases: Vec<Case>,
    /// True when the provider said more cases match than it returned (POSTIDENT
    /// `X-PARTIAL-DELIVERY: true`). POSTIDENT only returns the rest once the returned cases are
    /// archived; its typed client has a helper that does that explicitly.
    pub partial: bool,
}

impl CaseList {
    /// A page of cases; `partial` when the provider said more match than it returned.
    pub fn new(cases: Vec<Case>, partial: bool) -> Self {
        CaseList { cases, partial }
    }
}

/// What an archive request achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
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
