//! POSTIDENT webhooks (result guide section 5).
//!
//! POSTIDENT POSTs `{"caseId": "...", "referenceId": "..."}` (the referenceId only when the
//! account is configured for it) to the `webHookUrl` given at creation, from one of the
//! addresses in [`DOCUMENTED_SOURCE_IPS`], optionally with HTTP Basic auth. The body carries no
//! result: fetch the case afterwards.
//!
//! **Answer 200 within 2 seconds, fetch afterwards.** POSTIDENT waits 2 s for a 200 and
//! otherwise retries (immediately, after 900 s, after another 3,600 s). So in the handler:
//! verify ([`verify`] or `KycProvider::verify_webhook`, no I/O), queue the notice, answer 200;
//! then resolve it (`KycProvider::resolve_webhook`, which fetches the case) outside the request.
//! Notices can arrive twice and out of order; keep a stored status unless
//! `CaseStatus::may_replace` allows the new one.

use crate::wire::WebhookBody;
use bytes::Bytes;
use kyc_core::webhook::{IpAllowlist, WebhookAuth, WebhookEvent, WebhookNotice, WebhookRequest};
use kyc_core::{CaseRef, Error, ErrorKind, Provider};

/// The addresses POSTIDENT sends webhooks from (result guide section 5, changelog 07.10.2021).
pub const DOCUMENTED_SOURCE_IPS: [&str; 3] = ["165.72.200.13", "199.40.127.49", "156.137.9.65"];

/// An allowlist of exactly [`DOCUMENTED_SOURCE_IPS`], ready for [`WebhookAuth::allowlist`].
/// Behind a proxy, pass the real client address as the request's peer.
pub fn default_allowlist() -> IpAllowlist {
    IpAllowlist::parse(&DOCUMENTED_SOURCE_IPS).expect("documented addresses are valid")
}

/// Parses a webhook body. The body came from whoever sent the request, not (yet) from POSTIDENT:
/// anything that is not a notice is an [`ErrorKind::InvalidInput`] error (a webhook endpoint
/// answers 400) that keeps the raw body and never quotes it. A `caseId` must have the shape of
/// [`crate::ids::is_case_id`] and a `referenceId`, when present and not empty, that of
/// [`crate::ids::is_reference_id`]: an id with a newline, an escape sequence or 100,000
/// characters is refused here, before it reaches a log line or a URL.
pub fn parse_body(body: &Bytes) -> kyc_core::Result<WebhookBody> {
    let bad = |detail: &str| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("the webhook request is not a POSTIDENT notice: {detail}"),
        )
        .with_provider(Provider::Postident)
        .with_raw_body(body.clone())
    };
    let parsed: WebhookBody =
        kyc_core::wire::from_json_slice(body).map_err(|e| bad(&format!("the body is {e}")))?;
    match parsed.case_id.as_deref() {
        None => return Err(bad("no caseId")),
        Some(c) if c.trim().is_empty() => return Err(bad("no caseId")),
        Some(c) if !crate::ids::is_case_id(c) => {
            return Err(bad(&format!("caseId is not {}", crate::ids::CASE_ID_RULE)))
        }
        Some(_) => {}
    }
    if let Some(r) = parsed.reference_id.as_deref().filter(|r| !r.is_empty()) {
        if !crate::ids::is_reference_id(r) {
            return Err(bad(&format!(
                "referenceId is not {}",
                crate::ids::REFERENCE_ID_RULE
            )));
        }
    }
    Ok(parsed)
}

/// Verifies a webhook with `auth` (Basic auth in constant time, then the source address) and
/// parses it into a notice. Does no I/O.
pub fn verify(auth: &WebhookAuth, request: &WebhookRequest) -> kyc_core::Result<WebhookNotice> {
    auth.verify(request)
        .map_err(|e| e.with_provider(Provider::Postident))?;
    parse_notice(&request.body)
}

/// Parses a webhook body into a notice without checking authenticity (for a body verified
/// earlier and stored). Does no I/O.
pub fn parse_notice(body: &Bytes) -> kyc_core::Result<WebhookNotice> {
    let body = parse_body(body)?;
    let case_ref = CaseRef::new(
        Provider::Postident,
        body.case_id,
        body.reference_id.filter(|r| !r.trim().is_empty()),
    );
    Ok(WebhookNotice::new(case_ref, WebhookEvent::StatusChanged))
}
