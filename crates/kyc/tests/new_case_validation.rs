//! Each provider's documented input rules are checked before anything is sent: the shared rules
//! (`kyc_core`) and each adapter's own (`validate_new_case`).

use kyc::{CallbackUrl, Country, ErrorKind, Language, NewCase, Provider};

/// What each adapter checks before it sends a create (`validate_new_case` of its crate).
fn validate_for(c: &NewCase, provider: Provider) -> kyc::Result<()> {
    match provider {
        Provider::Idnow => kyc::kyc_idnow::validate_new_case(c),
        Provider::Postident => kyc::kyc_postident::validate_new_case(c),
        other => panic!("no adapter for {other}"),
    }
}

/// A complete, valid input: the fixtures of the core's tests.
#[path = "../../kyc-core/tests/common/mod.rs"]
mod common;

fn fields(err: &kyc_core::Error) -> Vec<String> {
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    err.violations().iter().map(|v| v.field.clone()).collect()
}

#[test]
fn a_complete_case_is_valid_for_both_providers() {
    let mut c = common::new_case();
    c.reference = "order-4711".into();
    validate_for(&c, Provider::Idnow).unwrap();
    validate_for(&c, Provider::Postident).unwrap();
}

#[test]
fn idnow_transaction_number_charset_and_length() {
    let mut c = common::new_case();
    for bad in ["", "order 4711", "order/4711", "bestellung-ä"] {
        c.reference = bad.into();
        let err = validate_for(&c, Provider::Idnow).unwrap_err();
        assert!(fields(&err).contains(&"reference".to_string()), "{bad:?}");
    }
    c.reference = "a".repeat(256);
    let err = validate_for(&c, Provider::Idnow).unwrap_err();
    assert!(err.violations()[0].rule.contains("255"));
    c.reference = format!("A_{}", "z-9".repeat(84));
    validate_for(&c, Provider::Idnow).unwrap();
}

#[test]
fn idnow_needs_alpha2_countries() {
    let mut c = common::new_case();
    c.person.nationality = Some(Country::STATELESS);
    let err = validate_for(&c, Provider::Idnow).unwrap_err();
    assert_eq!(fields(&err), vec!["person.nationality"]);
    // POSTIDENT accepts the ICAO nationality codes.
    validate_for(&c, Provider::Postident).unwrap();
}

#[test]
fn postident_field_limits() {
    let mut c = common::new_case();
    c.reference = "fifteen-chars-x".into();
    c.person.last_name = Some("x".repeat(36));
    c.contact.mobile_phone = Some("+49 170 123 456 789 0".into());
    c.custom_fields = vec!["y".repeat(101)];
    if let Some(a) = c.address.as_mut() {
        a.postal_code = Some("123456789012".into());
        a.city = Some("z".repeat(56));
    }
    let err = validate_for(&c, Provider::Postident).unwrap_err();
    let f = fields(&err);
    for expected in [
        "reference",
        "person.last_name",
        "contact.mobile_phone",
        "custom_fields[0]",
        "address.postal_code",
        "address.city",
    ] {
        assert!(f.contains(&expected.to_string()), "{expected} in {f:?}");
    }
}

#[test]
fn postident_webhook_url_must_be_https_without_query() {
    let mut c = common::new_case();
    c.webhook_url = Some("http://example.com/hook".parse().unwrap());
    assert_eq!(
        fields(&validate_for(&c, Provider::Postident).unwrap_err()),
        vec!["webhook_url"]
    );
    c.webhook_url = Some("https://example.com/hook?ref=1".parse().unwrap());
    assert_eq!(
        fields(&validate_for(&c, Provider::Postident).unwrap_err()),
        vec!["webhook_url"]
    );
    c.webhook_url = Some("http://127.0.0.1:9000/hook".parse().unwrap());
    validate_for(&c, Provider::Postident).unwrap();
    c.callbacks.success = Some(CallbackUrl::web(
        "http://shop.example.com/ok".parse().unwrap(),
    ));
    assert_eq!(
        fields(&validate_for(&c, Provider::Postident).unwrap_err()),
        vec!["callbacks.success.web"]
    );
}

#[test]
fn common_shapes_and_limits() {
    let mut c = common::new_case();
    c.contact.email = Some("not-an-address".into());
    c.contact.mobile_phone = Some("call me".into());
    c.custom_fields = vec!["a".into(); 6];
    c.person.birth_date = chrono::NaiveDate::from_ymd_opt(2999, 1, 1);
    for p in [Provider::Idnow, Provider::Postident] {
        let f = fields(&validate_for(&c, p).unwrap_err());
        for expected in [
            "contact.email",
            "contact.mobile_phone",
            "custom_fields",
            "person.birth_date",
        ] {
            assert!(
                f.contains(&expected.to_string()),
                "{p}: {expected} in {f:?}"
            );
        }
    }
    c = common::new_case();
    c.language = Some(Language::Other("fr".into()));
    assert_eq!(
        fields(&validate_for(&c, Provider::Postident).unwrap_err()),
        vec!["language"]
    );
    validate_for(&c, Provider::Idnow).unwrap();
}
