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
use crate::wire::IdentResult;
use bytes::Bytes;
use kyc_core::webhook::{WebhookAuth, WebhookEvent, WebhookNotice, WebhookRequest};
use kyc_core::wire::lenient;
use kyc_core::{Case, CaseRef, CaseStatus, Provider, Result};
use serde::de::IgnoredAny;
use serde::Deserialize;

pub use crate::status_mapping::event_for;

/// Parses a webhook body (no authentication) into a notice. The notice names the ident and the
/// event; the case the body carries is read from it when [`WebhookNotice::case`] is first called.
pub fn parse_webhook_body(body: &[u8]) -> Result<WebhookNotice> {
    notice_from_body(Bytes::copy_from_slice(body))
}

/// Verifies a webhook request with `auth` (Basic auth, source IP), then parses its body.
pub fn verify(auth: &WebhookAuth, request: &WebhookRequest) -> Result<WebhookNotice> {
    auth.verify(request)
        .map_err(|e| e.with_provider(Provider::Idnow))?;
    notice_from_body(request.body.clone())
}

/// The notice of a body. The usual body (one ident, an object whose `identificationprocess`
/// names it) is recognised from three fields and keeps the case for later; any other body goes
/// the whole way at once, so that what it is refused for, and how that is worded, does not depend
/// on the shortcut.
pub(crate) fn notice_from_body(body: Bytes) -> Result<WebhookNotice> {
    if let Some((case_ref, event)) = recognise(&body) {
        return Ok(WebhookNotice::new(case_ref, event).with_case_in_body(body, case_from_body));
    }
    let (case, event) = read_body(&body)?;
    Ok(WebhookNotice::new(case.case_ref.clone(), event).with_case(case))
}

/// What a notice needs from the body: the IdentID, the transaction number and the result word,
/// read by the same lenient rules as the whole ident.
#[derive(Deserialize)]
struct Recognised {
    #[serde(default)]
    identificationprocess: Option<RecognisedProcess>,
    /// The list wrapper of `GET /identifications`: not a usual webhook body.
    #[serde(default)]
    identifications: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct RecognisedProcess {
    #[serde(default, deserialize_with = "lenient::opt_word")]
    result: Option<IdentResult>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    transactionnumber: Option<String>,
}

/// The case and event of a usual body, or `None` for any other (then read the whole way).
fn recognise(body: &[u8]) -> Option<(CaseRef, WebhookEvent)> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let recognised: Recognised = serde_json::from_slice(body).ok()?;
    if recognised.identifications.is_some() {
        return None;
    }
    let process = recognised.identificationprocess?;
    if process.transactionnumber.is_none() && process.id.is_none() {
        return None;
    }
    let event = event_for(process.result.as_ref());
    let case_ref = CaseRef::new(Provider::Idnow, process.id, process.transactionnumber);
    Some((case_ref, event))
}

/// The case a webhook body carries (what [`WebhookNotice::case`] reads).
fn case_from_body(body: &Bytes) -> Result<Case> {
    read_body(body).map(|(case, _)| case)
}

/// The whole ident of a webhook body, read and mapped, and its event. A START (no result yet)
/// is `InProgress`.
fn read_body(body: &Bytes) -> Result<(Case, WebhookEvent)> {
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
            body: body.clone(),
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
    Ok((case, event))
}

/// The shortcut against the whole way: for every fixture and fuzz seed, and for each of them with
/// a section spoilt, the notice recognised from three fields names the same case and event as
/// the whole ident, and reading its case gives the same case, or the same error, as the whole
/// way does at once.
#[cfg(test)]
mod shortcut_tests {
    use super::*;
    use crate::test_inputs::inputs;

    fn same_error(a: &kyc_core::Error, b: &kyc_core::Error, name: &str) {
        assert_eq!(a.kind(), b.kind(), "{name}");
        assert_eq!(a.to_string(), b.to_string(), "{name}");
        assert!(a.raw_body() == b.raw_body(), "{name}: body differs");
    }

    #[test]
    fn the_recognised_notice_agrees_with_the_whole_ident() {
        let mut bodies = inputs();
        // Each body again with a section of the wrong shape: the ids still read, the ident not.
        for (name, body) in inputs() {
            if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice(&body) {
                map.insert("userdata".into(), "spoilt".into());
                bodies.push((
                    format!("{name} (userdata spoilt)"),
                    serde_json::to_vec(&map).unwrap(),
                ));
            }
        }
        let (mut shortcut, mut unreadable) = (0, 0);
        for (name, body) in bodies {
            let body = Bytes::from(body);
            let whole = read_body(&body);
            let notice = notice_from_body(body.clone());
            if recognise(&body).is_some() {
                shortcut += 1;
            }
            match (whole, notice) {
                (Ok((case, event)), Ok(notice)) => {
                    assert_eq!(notice.case_ref, case.case_ref, "{name}");
                    assert_eq!(notice.event, event, "{name}");
                    assert!(
                        notice.case().unwrap() == Some(&case),
                        "{name}: case differs"
                    );
                }
                (Err(whole), Ok(notice)) => {
                    unreadable += 1;
                    same_error(&notice.case().unwrap_err(), &whole, &name);
                    same_error(&notice.into_case().unwrap_err(), &whole, &name);
                }
                (Err(whole), Err(shortcut)) => same_error(&shortcut, &whole, &name),
                (Ok(_), Err(e)) => panic!("{name}: refused by the shortcut only: {e}"),
            }
        }
        // 22 fixtures and seeds are single idents that name themselves, each also spoilt.
        assert!(shortcut >= 40, "only {shortcut} bodies took the shortcut");
        assert!(
            unreadable > 20,
            "only {unreadable} spoilt bodies were recognised"
        );
    }
}
