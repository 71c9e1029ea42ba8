//! Every JSON example of the result guide (and the constructed fixtures that cover what the guide
//! shows no example of) parses, and maps to the neutral case a caller expects.
//!
//! These tests need no server: they feed fixture bytes to the same parsing and mapping code the
//! client uses. The HTTP paths are covered by the sandbox tests.

use crate::common::artifact;
use kyc_core::webhook::{WebhookAuth, WebhookEvent, WebhookRequest};
use kyc_core::{
    ArtifactKind, ArtifactSource, CaseStatus, DocumentKind, FieldCheck, IdentMethod, Provider,
    ReasonCategory, ReasonSource,
};
use kyc_postident::mapping::case_from_result;
use kyc_postident::wire::{
    ArchivedCase, CaseProgress, CaseResult, CreateCaseResponse, DocumentType, FieldStatus,
    IdentStatus, IdentificationMethod, OrderData, RecordType, TanChannel, ValidationStatus,
};
use std::path::PathBuf;

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn case(name: &str) -> (CaseResult, kyc_core::Case) {
    let bytes = fixture_bytes(name);
    let raw: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    let typed: CaseResult = serde_json::from_value(raw.clone()).expect("parses");
    let mapped = case_from_result(&typed, raw.clone(), "1234ABCD").expect("maps");
    assert_eq!(mapped.raw, raw, "the raw JSON is kept verbatim");
    (typed, mapped)
}

fn ts(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

#[test]
fn guide_7_4_1_successful_video_case() {
    let (typed, case) = case("guide-7.4.1-case-video-success.json");
    // Wire level.
    let primary = typed.primary_ident.as_ref().unwrap();
    assert_eq!(
        primary.identification_method,
        Some(IdentificationMethod::Video)
    );
    assert_eq!(primary.status(), Some(&IdentStatus::Success));
    let doc = primary.identification_document.as_ref().unwrap();
    assert_eq!(doc.document_type(), Some(DocumentType::IdCard));
    assert_eq!(doc.records.len(), 3);
    let contact = typed.contact_data.as_ref().unwrap();
    assert!(contact.title.as_ref().unwrap().is_empty(), "`title: {{}}`");
    assert_eq!(
        contact.mobile_phone.as_ref().unwrap().status,
        Some(FieldStatus::New)
    );
    // Neutral level.
    assert_eq!(case.case_ref.provider, Provider::Postident);
    assert_eq!(case.case_ref.case_id.as_deref(), Some("YR9W91GEZK24"));
    assert_eq!(case.case_ref.reference.as_deref(), Some("YR9W91GEZK24"));
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        }
    );
    assert_eq!(case.provider_status, "closed/video:success");
    assert!(case.reasons.is_empty());
    assert!(!case.archived);
    assert_eq!(case.created_at, Some(ts("2016-07-05T18:23:15+02:00")));
    assert_eq!(case.modified_at, Some(ts("2016-07-05T18:29:00+02:00")));
    assert_eq!(case.valid_until, Some(ts("2016-10-03T18:24:02+02:00")));
    assert_eq!(case.decided_at, Some(ts("2016-07-05T18:27:25+02:00")));
    assert_eq!(case.custom_fields["custom1"], "REF_101485489");
    assert_eq!(case.custom_fields["custom2"], "Kampagne A357");
    let id = case.identity.as_ref().unwrap();
    assert_eq!(id.person.first_name.value(), Some("Erika"));
    assert_eq!(id.person.first_name.check, FieldCheck::Match);
    assert_eq!(id.person.birth_name.value(), Some("Gabler"));
    assert_eq!(id.person.birth_date.value(), Some("1964-08-12"));
    assert_eq!(id.person.birth_place.value(), Some("Berlin"));
    assert_eq!(id.person.nationality.value(), Some("DEU"));
    assert!(id.person.title.is_absent());
    let address = id.address.as_ref().unwrap();
    assert_eq!(address.street.value(), Some("Heidestr. 17"));
    assert_eq!(address.city.value(), Some("Köln"));
    assert_eq!(address.postal_code.value(), Some("51147"));
    assert_eq!(address.country.value(), Some("DEU"));
    assert!(address.appendix.is_absent());
    let document = id.document.as_ref().unwrap();
    assert_eq!(document.kind, DocumentKind::IdCard);
    assert_eq!(document.provider_type, "1");
    assert_eq!(document.number.value(), Some("T01012148"));
    assert_eq!(document.authority.value(), Some("Stadt Köln"));
    assert_eq!(document.place_of_issue.value(), Some(""));
    assert_eq!(document.issued_on.value(), Some("2010-11-01"));
    assert_eq!(document.valid_until.value(), Some("2020-10-31"));
    assert_eq!(document.country.value(), Some("DEU"));
    assert_eq!(id.contact.email.check, FieldCheck::New);
    assert_eq!(
        id.contact.mobile_phone.value(),
        Some("011111111111"),
        "verbatim"
    );
    // One attempt (the primary identification).
    assert_eq!(case.attempts.len(), 1);
    assert_eq!(case.attempts[0].method, IdentMethod::Video);
    assert_eq!(case.attempts[0].provider_status, "video:success");
    assert_eq!(
        case.attempts[0].started_at,
        Some(ts("2016-07-05T18:24:18+02:00"))
    );
    assert_eq!(
        case.attempts[0].finished_at,
        Some(ts("2016-07-05T18:27:25+02:00"))
    );
    // Five records: method level and identification document level.
    let kinds: Vec<_> = case.artifacts.iter().map(|a| a.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            ArtifactKind::ResultPdf,
            ArtifactKind::Selfie,
            ArtifactKind::DocumentFront,
            ArtifactKind::DocumentBack,
            ArtifactKind::Signature
        ]
    );
    assert_eq!(case.artifacts[0].name, "YR9W91GEZK24_result_video.pdf");
    assert_eq!(
        case.artifacts[0].mime_type.as_deref(),
        Some("application/pdf")
    );
    match &case.artifacts[0].source {
        ArtifactSource::Download { path } => {
            assert!(
                path.starts_with("scr/v1/1234ABCD/cases/YR9W91GEZK24/full?"),
                "{path}"
            );
            assert!(path.ends_with("#record=63351998"), "{path}");
        }
        other => panic!("no binary data was included: {other:?}"),
    }
    // Personal data stays out of Debug.
    let debug = format!("{case:?} {typed:?}");
    for secret in [
        "Erika",
        "Mustermann",
        "T01012148",
        "Heidestr",
        "011111111111",
        "REF_101485489",
    ] {
        assert!(!debug.contains(secret), "{secret} leaked into Debug");
    }
}

#[test]
fn guide_7_4_2_status_of_a_single_case() {
    let (typed, case) = case("guide-7.4.2-status-video-success.json");
    assert!(typed.primary_ident.is_none());
    assert_eq!(typed.identifications.len(), 1);
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        }
    );
    assert!(case.identity.is_none(), "status answers carry no identity");
    assert_eq!(case.attempts.len(), 1);
    assert_eq!(case.custom_fields.len(), 2);
    assert_eq!(
        case.case_ref.reference, None,
        "status answers omit processData"
    );
    assert_eq!(
        typed.accounting_data.unwrap().accounting_product.as_deref(),
        Some("Postident Video")
    );
}

#[test]
fn guide_7_6_1_archive_request_and_response() {
    let ids: Vec<String> =
        serde_json::from_slice(&fixture_bytes("guide-7.6.1-archive-request.json")).unwrap();
    assert_eq!(ids, ["KRZ1A8M4UBZZ"]);
    let template: Vec<String> =
        serde_json::from_slice(&fixture_bytes("guide-7.6-archive-request-template.json")).unwrap();
    assert_eq!(template.len(), 3);
    let answer: Vec<ArchivedCase> =
        serde_json::from_slice(&fixture_bytes("guide-7.6.1-archive-response.json")).unwrap();
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0].case_id.as_deref(), Some("KRZ1A8M4UBZZ"));
    let status = answer[0].case_status.as_ref().unwrap();
    assert_eq!(status.status, Some(CaseProgress::Closed));
    assert_eq!(status.archived, Some(true));
    assert_eq!(
        status.valid_until_at(),
        Some(ts("2016-03-04T16:15:31+01:00"))
    );
}

#[test]
fn guide_5_webhook_body() {
    let request = WebhookRequest::new(
        http::HeaderMap::new(),
        fixture_bytes("guide-5-webhook.json"),
        None,
    );
    // The sample's placeholders are not ids: `<caseId>` has the wrong shape for a caseId and is
    // refused like any ill-formed id (issue 9 item 13).
    let e = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap_err();
    assert_eq!(e.kind(), kyc_core::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("caseId"), "{e}");
    // The same body with the ids filled in as the guide's samples show them.
    let filled = String::from_utf8(fixture_bytes("guide-5-webhook.json"))
        .unwrap()
        .replace("<caseId>", "YR9W91GEZK24")
        .replace("<referenceId>", "ref-4711");
    let request = WebhookRequest::new(http::HeaderMap::new(), filled.into_bytes(), None);
    let notice = kyc_postident::webhook::verify(&WebhookAuth::default(), &request).unwrap();
    assert_eq!(notice.provider, Provider::Postident);
    assert_eq!(notice.case_ref.case_id.as_deref(), Some("YR9W91GEZK24"));
    assert_eq!(notice.case_ref.reference.as_deref(), Some("ref-4711"));
    assert_eq!(notice.event, WebhookEvent::StatusChanged);
    assert!(!notice.carries_case(), "POSTIDENT webhooks carry ids only");
}

#[test]
fn guide_9_2_partner_webhook_url() {
    let order: OrderData =
        serde_json::from_slice(&fixture_bytes("guide-9.2-partner-process-data.json")).unwrap();
    assert_eq!(
        order.process_data.unwrap().web_hook_url_partner.as_deref(),
        Some("https://webhook.partner.com")
    );
}

#[test]
fn public_facts_create_response() {
    let created: CreateCaseResponse =
        serde_json::from_slice(&fixture_bytes("public-facts-create-response.json")).unwrap();
    assert_eq!(created.case_id.as_deref(), Some("123456789ABC"));
    assert_eq!(
        created.web_start.unwrap().case_url.as_deref(),
        Some("https://postident.deutschepost.de/user/start/?caseId=123456789ABC")
    );
    assert_eq!(
        created.ios_start.unwrap().case_url_scheme.as_deref(),
        Some("...")
    );
    assert_eq!(
        created.android_start.unwrap().package_name.as_deref(),
        Some("...")
    );
    assert_eq!(
        created.valid_until.as_deref(),
        Some("2016-04-28T23:59:59+01:00")
    );
}

#[test]
fn full_answer_with_a_cancelled_method_and_a_success() {
    let (typed, case) = case("constructed-full-autoid-cancelled-video-success.json");
    assert!(typed.primary_ident.is_none());
    assert_eq!(
        typed.primary().unwrap().identification_method,
        Some(IdentificationMethod::Video),
        "the primary identification is the one with the most progress"
    );
    assert_eq!(case.status, CaseStatus::Approved { data_changed: true });
    assert_eq!(case.provider_status, "closed/video:success");
    assert_eq!(case.case_ref.reference.as_deref(), Some("ref-4711"));
    // Attempts: the cancelled autoid (the case is closed, so no method remains) and the video.
    assert_eq!(case.attempts.len(), 2);
    assert_eq!(case.attempts[0].method, IdentMethod::AutoIdent);
    assert_eq!(case.attempts[0].status, CaseStatus::Closed);
    assert_eq!(case.attempts[0].provider_status, "autoid:cancelled/94/900");
    assert_eq!(case.attempts[0].reasons.len(), 2);
    assert_eq!(
        case.attempts[0].reasons[1].category,
        ReasonCategory::UserCancelled
    );
    assert_eq!(
        case.attempts[0].finished_at,
        Some(ts("2024-04-01T09:20:00+02:00"))
    );
    assert_eq!(
        case.attempts[0].raw["identificationMethod"], "autoid",
        "each attempt keeps its own raw JSON"
    );
    assert_eq!(
        case.attempts[1].status,
        CaseStatus::Approved { data_changed: true }
    );
    // The changed last name carries what the client provided.
    let id = case.identity.as_ref().unwrap();
    assert_eq!(id.person.last_name.value(), Some("Mustermann"));
    assert_eq!(id.person.last_name.check, FieldCheck::Changed);
    assert_eq!(id.person.last_name.original.as_deref(), Some("Musterfrau"));
    assert_eq!(
        id.person.nationality.value(),
        Some("DEU"),
        "the eID code D becomes DEU"
    );
    assert_eq!(id.document.as_ref().unwrap().kind, DocumentKind::Passport);
    assert_eq!(id.contact.mobile_phone.value(), Some("+4915112345678"));
    // The result PDF came inline; the document image did not.
    let pdf = artifact(&case, ArtifactKind::ResultPdf);
    assert_eq!(
        pdf.source,
        ArtifactSource::Inline {
            data: bytes::Bytes::from_static(b"%PDF-1.4 sandbox")
        }
    );
    let front = artifact(&case, ArtifactKind::DocumentFront);
    assert!(matches!(front.source, ArtifactSource::Download { .. }));
    let video = typed.identifications[1]
        .additional_data_video
        .as_ref()
        .unwrap();
    assert_eq!(video.video_recording_delivery_shaft, Some(true), "\"true\"");
    assert_eq!(video.tan_channel, Some(TanChannel::Sms));
}

#[test]
fn photo_incomplete_with_record_validation() {
    let (typed, case) = case("constructed-photo-incomplete.json");
    assert_eq!(case.status, CaseStatus::Retryable);
    assert!(case.status.can_resume());
    assert_eq!(case.provider_status, "in progress/photo:incomplete/33");
    let codes: Vec<(&str, ReasonCategory, &ReasonSource)> = case
        .reasons
        .iter()
        .map(|r| (r.code.as_str(), r.category, &r.source))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "33",
                ReasonCategory::DocumentUnreadable,
                &ReasonSource::PostidentSubStatus
            ),
            (
                "too blurry",
                ReasonCategory::DocumentUnreadable,
                &ReasonSource::PostidentRecordValidation
            ),
            (
                "document expired",
                ReasonCategory::DocumentExpired,
                &ReasonSource::PostidentRecordValidation
            ),
        ]
    );
    let primary = typed.primary_ident.as_ref().unwrap();
    let dl = primary.driving_licence.as_ref().unwrap();
    assert_eq!(
        dl.driving_licence_classes[0]
            .class_name
            .as_ref()
            .unwrap()
            .value(),
        Some("B")
    );
    assert_eq!(
        primary.identification_document.as_ref().unwrap().records[0].validation_status,
        Some(ValidationStatus::Invalid)
    );
    // Every record of every level is an artifact; the licence image came inline.
    assert_eq!(case.artifacts.len(), 5);
    let dl_front = case
        .artifacts
        .iter()
        .find(|a| a.name == "PHOTO0000001_dlfrontside.jpg")
        .unwrap();
    assert_eq!(dl_front.kind, ArtifactKind::DocumentImage);
    assert!(matches!(
        &dl_front.source,
        ArtifactSource::Inline { data } if data.starts_with(b"\xff\xd8")
    ));
    let debug = format!("{typed:?}");
    assert!(
        !debug.contains("Foto unscharf"),
        "the agent remark is redacted"
    );
}

#[test]
fn post_office_success_with_lenient_values() {
    let (typed, case) = case("constructed-basic-success-post-office.json");
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        }
    );
    assert!(case.archived);
    assert_eq!(case.custom_fields.len(), 2);
    assert_eq!(case.custom_fields["custom5"], "E");
    let primary = typed.primary_ident.as_ref().unwrap();
    let basic = primary.additional_data_basic.as_ref().unwrap();
    assert_eq!(basic.coupon_by_pi_app_request_count, Some(1), "\"1\"");
    assert_eq!(basic.coupon_by_tp_app_request_count, Some(0));
    assert_eq!(basic.coupon_by_email_request_count, None);
    assert_eq!(basic.post_office.as_deref(), Some("227208750"), "a number");
    let check = basic.id_card_reader_check.as_ref().unwrap();
    assert_eq!(check.checked_categories.len(), 2);
    let failed = &check.checked_categories[1].failed_checks_of_id_card_reader[0];
    assert_eq!(failed.sub_check_name.as_deref(), Some("UV_PATTERN"));
    assert_eq!(
        failed.additional_information[0].value.as_deref(),
        Some("0.42")
    );
    let address_match = typed
        .contact_data
        .as_ref()
        .unwrap()
        .address
        .as_ref()
        .unwrap()
        .address_match
        .as_ref()
        .unwrap();
    assert_eq!(address_match.mail_redirection_domestic, Some(false));
    assert_eq!(address_match.undeliverable, Some(false));
    assert_eq!(address_match.addressee_deceased, Some(false));
    // The document address is `{}`; the contact address is used.
    let id = case.identity.as_ref().unwrap();
    assert_eq!(
        id.address.as_ref().unwrap().street.value(),
        Some("Musterstreet 12")
    );
    assert_eq!(
        id.document.as_ref().unwrap().provider_type,
        "1",
        "type sent as a number"
    );
    // An unknown record type is kept; undecodable documentData falls back to a download.
    assert!(case
        .artifacts
        .iter()
        .any(|a| a.kind == ArtifactKind::Other("hologramvideo".into())));
    assert!(primary.records.iter().any(|r| {
        r.record_type
            .as_ref()
            .is_some_and(|t| matches!(t, RecordType::Unknown(_)) && t.as_str() == "hologramvideo")
    }));
    let source = |name: &str| {
        &case
            .artifacts
            .iter()
            .find(|a| a.name == name)
            .unwrap()
            .source
    };
    let bad = source("BASIC0000001_idimage_2.jpg");
    assert!(matches!(bad, ArtifactSource::Download { .. }));
    let good = source("BASIC0000001_idfrontside.jpg");
    assert!(matches!(good, ArtifactSource::Inline { .. }));
}

#[test]
fn eid_declined_for_a_blocked_document() {
    let (typed, case) = case("constructed-eid-declined-blocked.json");
    assert_eq!(case.status, CaseStatus::Declined);
    assert_eq!(case.reasons.len(), 2);
    assert_eq!(case.reasons[1].code, "122");
    assert_eq!(
        case.reasons[1].description.as_deref(),
        Some("Identification document blocked by authorities"),
        "filled in from the guide's table"
    );
    assert!(case.reasons.iter().all(|r| r.category.is_fraud()));
    assert_eq!(case.decided_at, Some(ts("2024-05-01T10:04:00+02:00")));
    let eid = typed
        .primary_ident
        .as_ref()
        .unwrap()
        .additional_data_eid
        .as_ref()
        .unwrap();
    assert!(eid.dkk.as_deref().unwrap().starts_with("BB30"));
    assert!(!format!("{eid:?}").contains("BB30"), "the DKK is redacted");
    let id = case.identity.as_ref().unwrap();
    assert!(
        id.document.as_ref().unwrap().number.is_absent(),
        "eID has no number"
    );
}

#[test]
fn video_review_pending_with_fraud_suspicion() {
    let (_, case) = case("constructed-video-review-pending-fraud.json");
    assert_eq!(
        case.status,
        CaseStatus::ReviewPending {
            fraud_suspected: true
        }
    );
    assert!(case.status.fraud_suspected());
    assert_eq!(case.reasons[0].category, ReasonCategory::FraudOther);
}

#[test]
fn declined_12_is_an_expiry() {
    let (_, case) = case("constructed-video-declined-expired.json");
    assert_eq!(case.status, CaseStatus::Expired);
    assert_eq!(case.reasons[0].category, ReasonCategory::ValidityExpired);
    assert_eq!(case.reasons[1].code, "120");
}

#[test]
fn a_new_case_without_identification() {
    let (_, case) = case("constructed-new-thin.json");
    assert_eq!(case.status, CaseStatus::Created);
    assert_eq!(case.provider_status, "new");
    assert!(case.identity.is_none() && case.attempts.is_empty() && case.artifacts.is_empty());
    assert!(!case.archived, "\"false\"");
    assert_eq!(case.valid_until, Some(ts("2024-08-01T00:00:00+02:00")));
}

#[test]
fn unknown_values_and_empty_objects_are_kept_not_fatal() {
    let (typed, case) = case("constructed-unknown-values.json");
    assert_eq!(case.status, CaseStatus::Unknown("teleported".into()));
    assert_eq!(
        case.attempts[0].method,
        IdentMethod::Unknown("hologram".into())
    );
    assert_eq!(case.reasons.len(), 1);
    assert_eq!(case.reasons[0].code, "4711");
    assert_eq!(case.reasons[0].category, ReasonCategory::Other);
    assert_eq!(
        case.reasons[0].description.as_deref(),
        Some("Something new")
    );
    assert_eq!(
        case.created_at, None,
        "an unreadable date is dropped, not fatal"
    );
    let id = case.identity.as_ref().unwrap();
    assert!(id.person.first_name.is_absent());
    assert_eq!(id.contact.email.value(), Some("plain@example.org"));
    assert!(id.address.is_none(), "an empty address is no address");
    assert!(typed.primary_ident.as_ref().unwrap().records.is_empty());
}

#[test]
fn a_body_that_is_not_a_case_is_an_error_not_an_empty_case() {
    for body in [r#"{}"#, r#"{"caseStatus":{"status":"closed"}}"#] {
        let raw: serde_json::Value = serde_json::from_str(body).unwrap();
        let typed: CaseResult = serde_json::from_value(raw.clone()).unwrap();
        let e = case_from_result(&typed, raw, "X").unwrap_err();
        assert_eq!(e.kind(), kyc_core::ErrorKind::Provider);
        assert!(e.raw_body().is_some());
        assert!(e.to_string().contains("caseId"), "{e}");
    }
    // Structurally wrong JSON is a parse error, never a panic.
    assert!(serde_json::from_str::<CaseResult>(r#"{"identifications": 5}"#).is_err());
    assert!(
        serde_json::from_str::<CaseResult>(r#"{"contactData": {"email": {"value": []}}}"#).is_err()
    );
}
