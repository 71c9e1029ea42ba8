//! Every identification of a case as a neutral [`Attempt`], with its circumstances
//! ([`attempt_details`]).

use super::{data_changed, ident_method, identification_reasons};
use crate::status_mapping;
use crate::wire::{CaseResult, IdentStatus, IdentificationResult};
use kyc_core::{
    Attempt, AttemptDetails, CouponRequests, DocumentReaderCheck, IdentLocation, RawJson,
};
use serde_json::value::RawValue;

pub(super) fn attempts(
    result: &CaseResult,
    raw: &RawJson,
    progress: Option<&crate::wire::CaseProgress>,
) -> Vec<Attempt> {
    let (idents, raws): (Vec<&IdentificationResult>, Vec<RawJson>) =
        if !result.identifications.is_empty() {
            let count = result.identifications.len();
            (
                result.identifications.iter().collect(),
                attempt_payloads(raw, AttemptPart::Identifications(count)),
            )
        } else if let Some(p) = &result.primary_ident {
            (vec![p], attempt_payloads(raw, AttemptPart::PrimaryIdent))
        } else {
            (Vec::new(), Vec::new())
        };
    idents
        .into_iter()
        .zip(raws)
        .map(|(ident, raw)| {
            let status = match &ident.identification_status {
                Some(s) => status_mapping::neutral_status(s, progress, false),
                None => status_mapping::case_without_identification(progress),
            };
            // Approved attempts report data_changed like the case does.
            let status = match status {
                kyc_core::CaseStatus::Approved { .. } => kyc_core::CaseStatus::Approved {
                    data_changed: data_changed(result, Some(ident)),
                },
                other => other,
            };
            let provider_status = {
                let words = status_mapping::provider_status_words(
                    None,
                    ident.identification_method.as_ref(),
                    ident.identification_status.as_ref(),
                );
                words.trim_start_matches("?/").to_string()
            };
            let s = ident.identification_status.as_ref();
            let mut attempt = Attempt::new(
                ident_method(ident.identification_method.as_ref()),
                status,
                provider_status,
            )
            .with_reasons(identification_reasons(ident))
            .with_details(attempt_details(ident))
            .with_raw(raw);
            attempt.started_at = s.and_then(|s| s.created_at());
            attempt.finished_at = s.and_then(|s| {
                s.identification_time_at().or_else(|| {
                    matches!(
                        s.status,
                        Some(
                            IdentStatus::Success
                                | IdentStatus::Declined
                                | IdentStatus::Cancelled
                                | IdentStatus::Incomplete
                        )
                    )
                    .then(|| s.modified_at())
                    .flatten()
                })
            });
            attempt
        })
        .collect()
}

/// The circumstances of one identification (result guide 8.6.8–8.6.10): where and by whom,
/// coupons, the eID pseudonym, the video recording and TAN, the post office's card reader.
pub fn attempt_details(ident: &IdentificationResult) -> AttemptDetails {
    let mut details = AttemptDetails::default();
    if let Some(b) = &ident.additional_data_basic {
        let office = [
            &b.post_office,
            &b.post_office_street_address,
            &b.post_office_city,
        ];
        if office.iter().any(|f| f.is_some()) {
            let mut location = IdentLocation::default();
            location.id = b.post_office.clone();
            location.street_address = b.post_office_street_address.clone();
            location.city = b.post_office_city.clone();
            details.location = Some(location);
        }
        for (channel, count, last) in [
            (
                "postident_app",
                b.coupon_by_pi_app_request_count,
                &b.coupon_by_pi_app_request_last_timestamp,
            ),
            (
                "third_party_app",
                b.coupon_by_tp_app_request_count,
                &b.coupon_by_tp_app_request_last_timestamp,
            ),
            (
                "download",
                b.coupon_download_count,
                &b.coupon_download_last_timestamp,
            ),
            (
                "email",
                b.coupon_by_email_request_count,
                &b.coupon_by_email_request_last_timestamp,
            ),
        ] {
            let last_requested_at = last.as_deref().and_then(crate::wire::parse_timestamp);
            if count.is_none() && last_requested_at.is_none() {
                continue;
            }
            let mut requests = CouponRequests::default();
            requests.channel = channel.to_string();
            requests.count = count.unwrap_or_default();
            requests.last_requested_at = last_requested_at;
            details.coupon_requests.push(requests);
        }
        details.note = b.checkout_note.clone().filter(|n| !n.trim().is_empty());
        if let Some(reader) = &b.id_card_reader_check {
            details.document_reader_checks = reader
                .checked_categories
                .iter()
                .map(|category| {
                    let mut check = DocumentReaderCheck::default();
                    check.name = category.name.clone().unwrap_or_default();
                    check.status = category.status.clone().unwrap_or_default();
                    check.failed_checks = category
                        .failed_checks_of_id_card_reader
                        .iter()
                        .map(
                            |f| match (f.check_name.as_deref(), f.sub_check_name.as_deref()) {
                                (Some(c), Some(sub)) => format!("{c}/{sub}"),
                                (Some(c), None) => c.to_string(),
                                (None, Some(sub)) => sub.to_string(),
                                (None, None) => String::new(),
                            },
                        )
                        .collect();
                    check
                })
                .collect();
        }
    }
    if let Some(e) = &ident.additional_data_eid {
        details.eid_pseudonym = e.dkk.clone().filter(|d| !d.trim().is_empty());
    }
    if let Some(v) = &ident.additional_data_video {
        let centre = v
            .identification_service_center
            .clone()
            .or_else(|| v.identification_service_center_video.clone());
        if let Some(name) = centre {
            let mut location = IdentLocation::default();
            location.name = Some(name);
            details.location = Some(location);
        }
        details.agents = words(v.identification_agent_aliases.as_ref());
        details.reviews = words(v.ident_reviews.as_ref());
        details.recording_consent_at = v
            .video_recording_accepted
            .as_deref()
            .and_then(crate::wire::parse_timestamp);
        details.recording_delivered = v.video_recording_delivery_shaft;
        details.tan_channel = v.tan_channel.as_ref().map(|t| t.as_str().to_string());
    }
    details
}

/// The texts in a value whose shape the guide does not document (`identificationAgentAliases`,
/// `identReviews`): a string, a list of strings, or objects, each kept as its text (an object
/// as its compact JSON). The value stays verbatim in the attempt's raw JSON.
fn words(value: Option<&serde_json::Value>) -> Vec<String> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Which part of a case's JSON its attempts come from.
#[derive(Clone, Copy)]
enum AttemptPart {
    /// The first `n` entries of `identifications`.
    Identifications(usize),
    /// `primaryIdent`.
    PrimaryIdent,
}

/// The JSON of each attempt, as parts of the case's JSON (sharing its text) found when first
/// read: the first `n` entries of `identifications` (`null` for each one missing), or
/// `primaryIdent` (`null` when absent).
fn attempt_payloads(raw: &RawJson, part: AttemptPart) -> Vec<RawJson> {
    match part {
        AttemptPart::Identifications(n) => (0..n)
            .map(|i| raw.part_found_later(identification_entry, i))
            .collect(),
        AttemptPart::PrimaryIdent => vec![raw.part_found_later(primary_ident, 0)],
    }
}

/// The `index`-th entry of the case's `identifications` array.
fn identification_entry(case: &str, index: usize) -> Option<&str> {
    let list = top_level(case, "identifications")?;
    let entries: Vec<&RawValue> = serde_json::from_str(list).ok()?;
    entries.get(index).map(|e| e.get())
}

/// The case's `primaryIdent`.
fn primary_ident(case: &str, _: usize) -> Option<&str> {
    top_level(case, "primaryIdent")
}

/// The text of the top-level field `name` of a JSON object, borrowed from it; the last one when
/// the key is given twice (as a parsed `Value` keeps it).
fn top_level<'a>(object: &'a str, name: &str) -> Option<&'a str> {
    struct Field<'n>(&'n str);
    impl<'de> serde::de::Visitor<'de> for Field<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    found = Some(map.next_value::<&'de RawValue>()?);
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(object);
    let found = serde::Deserializer::deserialize_map(&mut de, Field(name)).ok()?;
    de.end().ok()?;
    found.map(RawValue::get).filter(|text| *text != "null")
}
