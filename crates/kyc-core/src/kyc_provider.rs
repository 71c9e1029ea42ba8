//! The one async trait every provider adapter implements.

use crate::capabilities::Capabilities;
use crate::case::{Artifact, Case, CaseHandle, CaseRef};
use crate::listing::{ArchiveOutcome, CaseFilter, CaseList};
use crate::new_case::NewCase;
use crate::provider::Provider;
use crate::webhook::{WebhookNotice, WebhookRequest};
use crate::Result;
use async_trait::async_trait;
use bytes::Bytes;

/// A KYC provider behind one interface. Object safe: use it as `Box<dyn KycProvider>` or
/// `Arc<dyn KycProvider>` (what `kyc::connect` returns), and switch provider by configuration.
///
/// Every method returns [`crate::Error`], classified by [`crate::ErrorKind`]. Nothing here
/// logs personal data or secrets.
///
/// What only one provider offers (IDnow eSign documents, POSTIDENT status-only lists, ...) stays
/// on the adapter's typed client (`kyc_idnow::Client`, `kyc_postident::Client`).
#[async_trait]
pub trait KycProvider: Send + Sync {
    /// Which provider this is.
    fn provider(&self) -> Provider;

    /// What this provider supports beyond the common operations.
    fn capabilities(&self) -> Capabilities;

    /// Opens a case and returns where to send the user.
    ///
    /// Validates `new_case` first (the shared rules and the provider's own, see
    /// [`NewCase::validate_with`]); no request is sent when a rule is broken. IDnow: creates (or, while unfinished, updates) the ident for the transaction
    /// number `new_case.reference`; a finished ident answers [`crate::ErrorKind::Conflict`].
    /// Retried on transient errors (idempotent per transaction number). POSTIDENT: creates a
    /// case; a duplicate reference answers `Conflict`. Never retried blindly after a transport
    /// error, because a second case could be created.
    async fn create_case(&self, new_case: &NewCase) -> Result<CaseHandle>;

    /// Reads the current state of a case.
    ///
    /// IDnow looks cases up by `reference` (transaction number); POSTIDENT by `case_id`.
    /// Adapters document what they report for a case the user has not started (IDnow answers
    /// 404 before the start).
    async fn get_case(&self, case: &CaseRef) -> Result<Case>;

    /// Lists cases matching `filter` (see [`CaseFilter`] for how each provider maps it).
    /// [`CaseList::partial`] says when the provider returned fewer than match.
    async fn list_cases(&self, filter: &CaseFilter) -> Result<CaseList>;

    /// Archives cases at the provider. IDnow archives idents one by one; POSTIDENT archives up
    /// to 10,000 per request (the adapter splits longer lists) and ignores cases not closed.
    async fn archive_cases(&self, cases: &[CaseRef]) -> Result<ArchiveOutcome>;

    /// Fetches the bytes of one artifact of a case, from wherever
    /// [`Artifact::source`] says they are.
    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> Result<Bytes>;

    /// Verifies an incoming webhook (Basic auth, source address) and parses it. Does no I/O:
    /// call it in the request handler, answer 200 at once, and resolve afterwards (POSTIDENT
    /// expects an answer within 2 seconds).
    fn verify_webhook(&self, request: &WebhookRequest) -> Result<WebhookNotice>;

    /// Parses the body of a webhook that was verified earlier and stored, for a process that
    /// resolves notices later (the case journal keeps the raw body, never the credentials).
    /// Checks nothing about authenticity and does no I/O; an unreadable body is an
    /// [`crate::ErrorKind::Provider`] error keeping the raw body.
    fn parse_webhook(&self, body: &Bytes) -> Result<WebhookNotice>;

    /// Turns a notice into the current case. Both adapters read the provider's current state
    /// (a webhook is a trigger, and may be stale by the time it arrives): POSTIDENT notices carry
    /// ids only; IDnow notices carry the ident, which the adapter falls back to while IDnow has
    /// no data yet (a START notice).
    async fn resolve_webhook(&self, notice: &WebhookNotice) -> Result<Case>;
}
