//! What the neutral case keeps beyond status and identity (issue 9 item 7), from the guide's
//! samples and the Example columns of section 8 (fixtures in `tests/fixtures`, see their
//! README): the driving licence as a secondary document, the attempt's circumstances
//! (`additionalDataBasic/Eid/Video`), the postal address check and the accounting data; and a
//! last name changed in one section only (issue 9 item 12).

use kyc_core::{Case, DocumentKind, FieldCheck, PostalCheck};
use kyc_postident::mapping::case_from_result;
use kyc_postident::wire::CaseResult;
use std::path::PathBuf;

fn case(name: &str) -> Case {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let raw: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    let typed: CaseResult = serde_json::from_value(raw.clone()).expect("parses");
    case_from_result(&typed, raw, "1234ABCD").expect("maps")
}

fn ts(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}

#[test]
fn accounting_data_of_the_guides_samples() {
    for name in [
        "guide-7.4.1-case-video-success.json",
        "guide-7.4.2-status-video-success.json",
    ] {
        let accounting = case(name).accounting.expect(name);
        assert_eq!(accounting.number.as_deref(), Some("11235813523701"));
        assert_eq!(accounting.product.as_deref(), Some("Postident Video"));
    }
    let accounting = case("constructed-8-examples-photo-driving-licence.json")
        .accounting
        .unwrap();
    assert_eq!(accounting.number.as_deref(), Some("77777777173701"));
    assert!(case("constructed-new-thin.json").accounting.is_none());
}

#[test]
fn a_driving_licence_is_a_secondary_document_with_holder_and_classes() {
    let case = case("constructed-8-examples-photo-driving-licence.json");
    let identity = case.identity.as_ref().unwrap();
    assert!(identity.document.is_none(), "no identity card in this case");
    let [licence] = identity.secondary_documents.as_slice() else {
        panic!("one secondary document: {identity:?}");
    };
    assert_eq!(licence.kind, DocumentKind::DriversLicence);
    assert_eq!(licence.provider_type, "drivingLicence");
    assert_eq!(licence.number.value(), Some("123456"));
    assert_eq!(licence.number.check, FieldCheck::Changed);
    assert_eq!(licence.number.original.as_deref(), Some("654321"));
    assert_eq!(licence.country.value(), Some("DEU"));
    assert_eq!(licence.authority.value(), Some("Stadt Bonn"));
    assert_eq!(licence.issued_on.value(), Some("1997-03-02"));
    assert_eq!(licence.valid_until.value(), Some("2027-03-01"));
    assert_eq!(licence.restrictions.value(), Some("Corrective lenses."));
    assert_eq!(licence.restrictions.check, FieldCheck::New);
    let holder = licence.holder.as_ref().unwrap();
    assert_eq!(holder.first_name.value(), Some("Thomas Christian"));
    assert_eq!(holder.last_name.check, FieldCheck::Match);
    assert_eq!(holder.birth_date.value(), Some("1979-02-26"));
    assert_eq!(holder.birth_place.value(), Some("Berlin"));
    let [class] = licence.licence_classes.as_slice() else {
        panic!("one class");
    };
    assert_eq!(class.class.value(), Some("A"));
    assert_eq!(class.class.check, FieldCheck::Match);
    assert_eq!(class.valid_from.value(), Some("1997-03-02"));
    assert_eq!(class.valid_until.value(), Some("2027-03-01"));
    assert_eq!(class.restrictions.value(), Some("Daylight driving only."));
    // A changed licence number is a changed datum.
    assert_eq!(
        case.status,
        kyc_core::CaseStatus::Approved { data_changed: true }
    );
    // The photo fixture's licence: classes without restriction read as absent, not empty.
    let photo = self::case("constructed-photo-incomplete.json");
    let licence = &photo.identity.unwrap().secondary_documents[0];
    assert_eq!(licence.number.value(), Some("B072RRE2I55"));
    assert!(licence.licence_classes[0].restrictions.is_absent());
    // Debug never shows the licence's values.
    let shown = format!("{licence:?}");
    assert!(!shown.contains("B072RRE2I55"), "{shown}");
}

/// The postal address check of the verified address of the case in fixture `name`.
fn postal_check(name: &str) -> PostalCheck {
    case(name)
        .identity
        .expect("identity")
        .address
        .expect("address")
        .postal_check
        .expect("postal check")
}

#[test]
fn the_postal_address_check_reaches_the_address() {
    let check = postal_check("constructed-8-examples-photo-driving-licence.json");
    assert_eq!(check.redirected_domestic, Some(true));
    assert_eq!(check.redirected_international, Some(false));
    assert_eq!(check.undeliverable, Some(false));
    assert_eq!(check.addressee_deceased, Some(false));
    // Lenient values ("false", "FALSE", 0) read as booleans.
    let check = postal_check("constructed-basic-success-post-office.json");
    assert_eq!(
        [
            check.redirected_domestic,
            check.redirected_international,
            check.undeliverable,
            check.addressee_deceased
        ],
        [Some(false); 4]
    );
    // No addressMatch, no postal check.
    let video = self::case("guide-7.4.1-case-video-success.json");
    assert!(video
        .identity
        .unwrap()
        .address
        .unwrap()
        .postal_check
        .is_none());
}

#[test]
fn the_post_office_its_coupons_note_and_card_reader_are_the_attempts_details() {
    let case = case("constructed-basic-success-post-office.json");
    let details = &case.attempts[0].details;
    let location = details.location.as_ref().unwrap();
    assert_eq!(location.id.as_deref(), Some("227208750"));
    assert_eq!(location.street_address.as_deref(), Some("Musterstr. 1"));
    assert_eq!(location.city.as_deref(), Some("12345 Musterstadt"));
    let coupons: Vec<(&str, u32)> = details
        .coupon_requests
        .iter()
        .map(|c| (c.channel.as_str(), c.count))
        .collect();
    assert_eq!(
        coupons,
        [
            ("postident_app", 1),
            ("third_party_app", 0),
            ("download", 2)
        ],
        "a channel without count and time is left out"
    );
    assert_eq!(
        details.coupon_requests[2].last_requested_at,
        Some(ts("2024-03-01T12:07:00+01:00"))
    );
    assert_eq!(details.note.as_deref(), Some("85014869 3013"));
    let checks: Vec<(&str, &str, Vec<String>)> = details
        .document_reader_checks
        .iter()
        .map(|c| (c.name.as_str(), c.status.as_str(), c.failed_checks.clone()))
        .collect();
    assert_eq!(
        checks,
        [
            ("MRZ", "OK", vec![]),
            ("SECURITY", "FAILED", vec!["UV/UV_PATTERN".to_string()])
        ]
    );
    // Debug redacts the note (it identifies a checkout).
    assert!(!format!("{details:?}").contains("85014869"));
}

#[test]
fn video_and_eid_details_from_the_section_8_examples() {
    let case = case("constructed-8-examples-video-eid.json");
    let [video, eid] = case.attempts.as_slice() else {
        panic!("two attempts");
    };
    let v = &video.details;
    assert_eq!(
        v.location.as_ref().and_then(|l| l.name.as_deref()),
        Some("1 DP CSC GmbH, Location Flensburg")
    );
    assert_eq!(v.agents, ["Agent 7", "Agent 12"]);
    assert_eq!(v.reviews, ["four-eyes review"]);
    assert_eq!(
        v.recording_consent_at,
        Some(ts("2016-01-28T23:59:59+01:00"))
    );
    assert_eq!(v.recording_delivered, Some(true));
    assert_eq!(v.tan_channel.as_deref(), Some("sms"));
    assert!(v.eid_pseudonym.is_none());
    assert_eq!(
        eid.details.eid_pseudonym.as_deref(),
        Some("BB30E18C3428F73891DCF8D5C9FB9223D0F8AB8159127D6CD43C4420CEB175CA")
    );
    assert!(eid.details.location.is_none());
    // The guide 7.4.1 sample has no additional data: nothing invented.
    let sample = self::case("guide-7.4.1-case-video-success.json");
    assert!(sample.attempts.iter().all(|a| a.details.is_empty()));
    // The older fixture's video details, with `"true"` as a string.
    let full = self::case("constructed-full-autoid-cancelled-video-success.json");
    assert_eq!(full.attempts[1].details.recording_delivered, Some(true));
}

#[test]
fn a_change_reported_by_the_contact_data_only_is_a_change() {
    // eID, last name provided in contactDataProvided only: the document section says `new`
    // (nothing was provided there), the contact section says `change`.
    let case = case("constructed-8-examples-video-eid.json");
    let person = &case.identity.as_ref().unwrap().person;
    assert_eq!(person.last_name.value(), Some("Mustermann"));
    assert_eq!(person.last_name.check, FieldCheck::Changed);
    assert_eq!(person.last_name.original.as_deref(), Some("Meyer"));
    assert_eq!(
        case.status,
        kyc_core::CaseStatus::Approved { data_changed: true }
    );
    // A field both sections report as unchanged stays as the document says.
    assert_eq!(person.first_name.check, FieldCheck::New);
    assert!(case.identity.unwrap().any_changed());
}
