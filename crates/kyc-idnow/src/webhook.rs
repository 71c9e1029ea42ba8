//! IDnow webhooks: verification, parsing, and which notice wins.
//!
//! The body of every webhook is the ident JSON of `GET /identifications/{txn}`. IDnow sends no
//! header naming the webhook type, so the type is read from `identificationprocess.result`,
//! through the same table that gives the status ([`crate::status_mapping::RESULTS`]): `START`
//! (or no result) is START, the preliminary results REALTIME, `ABORTED` ABORTED, `CANCELED`
//! CANCELED, the final results FINAL.
//!
//! Authenticity: optional HTTP Basic auth (checked in constant time) and the documented source
//! networks ([`crate::Environment::webhook_allowlist`]); both via [`WebhookAuth`].
//!
//! **Which notice wins** is decided once for every provider, by [`kyc_core::Case::supersedes`]:
//! webhooks arrive late, twice and out of order, and IDnow may take back what it said (a
//! preliminary `SUCCESS` or `REVIEW_PENDING` later `CANCELED`, a supervisor's re-review of a
//! final result). The provider's later word (`identificationtime`) wins; without an order, a
//! decision stands.

use crate::client::{parse_ident, BodySource};
use crate::mapping::ident_to_case;
use kyc_core::webhook::{WebhookAuth, WebhookEvent, WebhookNotice, WebhookRequest};
use kyc_core::{CaseStatus, Provider, Result};

pub use crate::status_mapping::event_for;

/// Parses a webhook body (no authentication) into a notice carrying the embedded case.
pub fn parse_webhook_body(body: &[u8]) -> Result<WebhookNotice> {
    // A START webhook may come before any result exists: a body without `result` is accepted.
    // The body is read in place; only an error copies it (to keep it).
    let crate::client::FetchedIdent { ident, raw } =
        parse_ident(BodySource::Input("webhook body"), body, false)?;
    let has_id = ident
        .identificationprocess
        .as_ref()
        .is_some_and(|p| p.transactionnumber.is_some() || p.id.is_some());
    if !has_id {
        return Err(crate::IdnowError::Unreadable {
            what: "webhook body",
            reason: "no identificationprocess.transactionnumber or id".into(),
            body: bytes::Bytes::copy_from_slice(body),
        }
        .into());
    }
    let event = event_for(ident.result());
    let mut case = ident_to_case(&ident, raw, None);
    if event == WebhookEvent::Started {
        case.status = CaseStatus::InProgress;
        case.provider_status = "START".into();
        if let Some(a) = case.attempts.first_mut() {
            a.status = CaseStatus::InProgress;
            a.provider_status = "START".into();
        }
    }
    Ok(WebhookNotice::new(case.case_ref.clone(), event).with_case(case))
}

/// Verifies a webhook request with `auth` (Basic auth, source IP), then parses its body.
pub fn verify(auth: &WebhookAuth, request: &WebhookRequest) -> Result<WebhookNotice> {
    auth.verify(request)
        .map_err(|e| e.with_provider(Provider::Idnow))?;
    parse_webhook_body(&request.body)
}
