//! `Debug` output of every value holding personal data must not show any of it.

use crate::common;
use common::*;

fn assert_no_personal_data(what: &str, debug: &str) {
    for datum in PERSONAL_DATA {
        assert!(
            !debug.contains(datum),
            "{what} Debug output leaks {datum:?}:\n{debug}"
        );
    }
}

#[test]
fn debug_of_new_case_shows_structure_but_no_personal_data() {
    let debug = format!("{:?}", new_case());
    assert_no_personal_data("NewCase", &debug);
    assert!(debug.contains("first_name: [redacted]"), "{debug}");
    assert!(
        debug.contains("order-4711"),
        "the reference is not personal data"
    );
    let pretty = format!("{:#?}", new_case());
    assert_no_personal_data("NewCase (pretty)", &pretty);
}

#[test]
fn debug_of_verified_identity_shows_checks_but_no_values() {
    let debug = format!("{:?}", identity());
    assert_no_personal_data("VerifiedIdentity", &debug);
    assert!(debug.contains("Changed"), "checks stay visible: {debug}");
}

#[test]
fn debug_of_case_hides_identity_raw_payload_custom_fields_and_bytes() {
    let c = case();
    let debug = format!("{c:?}");
    assert_no_personal_data("Case", &debug);
    assert!(debug.contains("TST-ABCDE"));
    assert!(debug.contains("Inline("), "{debug}");
    assert!(!debug.contains("not really a face"));
    let notice = kyc_core::webhook::WebhookNotice::new(
        c.case_ref.clone(),
        kyc_core::webhook::WebhookEvent::Final,
    )
    .with_case(c);
    assert_no_personal_data("WebhookNotice", &format!("{notice:?}"));
}

#[test]
fn validation_errors_name_the_field_but_not_the_value() {
    let mut c = new_case();
    c.person.first_name = Some("Erika-Theresia-Maximiliane-Wilhelmine-Mustermann".into());
    c.contact.email = Some("erika at example".into());
    let err = c
        .validate_with(|c, v| v.max_chars("person.first_name", c.person.first_name.as_deref(), 35))
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("person.first_name"), "{shown}");
    assert!(shown.contains("contact.email"), "{shown}");
    assert!(!shown.contains("Theresia"), "{shown}");
    assert!(!shown.contains("erika at example"), "{shown}");
}
