//! Property tests: country codes round-trip, `Case` JSON round-trips, parsing never panics.

use kyc_core::*;
use proptest::prelude::*;

fn status() -> impl Strategy<Value = CaseStatus> {
    prop_oneof![
        Just(CaseStatus::Created),
        Just(CaseStatus::InProgress),
        Just(CaseStatus::Retryable),
        any::<bool>().prop_map(|f| CaseStatus::ReviewPending { fraud_suspected: f }),
        any::<bool>().prop_map(|d| CaseStatus::Approved { data_changed: d }),
        Just(CaseStatus::Declined),
        Just(CaseStatus::Expired),
        Just(CaseStatus::Closed),
        "[A-Z_]{0,12}".prop_map(CaseStatus::Unknown),
    ]
}

fn check() -> impl Strategy<Value = FieldCheck> {
    prop_oneof![
        Just(FieldCheck::Match),
        Just(FieldCheck::Changed),
        Just(FieldCheck::New),
        Just(FieldCheck::OriginalOnly),
        Just(FieldCheck::Redacted),
        "[a-z]{1,8}".prop_map(FieldCheck::Unknown),
    ]
}

fn checked() -> impl Strategy<Value = Checked> {
    (
        proptest::option::of(".{0,20}"),
        check(),
        proptest::option::of(".{0,20}"),
        proptest::option::of(check()),
    )
        .prop_map(|(value, check, original, review_check)| {
            let mut c = Checked::absent().with_check(check);
            c.value = value;
            c.original = original;
            c.review_check = review_check;
            c
        })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        ".{0,16}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(Provider::Idnow), Just(Provider::Postident)],
        proptest::option::of("[A-Z0-9-]{1,12}"),
        proptest::option::of("[a-z0-9_-]{1,14}"),
        status(),
        ".{0,20}",
        proptest::collection::vec(checked(), 3),
        any::<bool>(),
        json_value(),
        proptest::option::of(0i64..4_000_000_000),
    )
        .prop_map(
            |(provider, case_id, reference, status, provider_status, fields, archived, raw, ts)| {
                let mut c = Case::new(
                    CaseRef::new(provider, case_id, reference),
                    status,
                    provider_status,
                    raw,
                );
                c.identity = Some(
                    VerifiedIdentity::default().with_person(
                        VerifiedPerson::default()
                            .with_first_name(fields[0].clone())
                            .with_last_name(fields[1].clone())
                            .with_birth_date(fields[2].clone()),
                    ),
                );
                c.reasons = vec![Reason::new(
                    ReasonCategory::DocumentExpired,
                    "807",
                    None,
                    ReasonSource::PostidentSubStatusReason,
                )];
                c.archived = archived;
                c.created_at = ts.and_then(|s| {
                    chrono::DateTime::from_timestamp(s, 0)
                        .map(|d| d.with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap()))
                });
                c
            },
        )
}

proptest! {
    #[test]
    fn case_json_round_trips(c in case()) {
        let text = serde_json::to_string(&c).unwrap();
        let back: Case = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, c);
    }

    #[test]
    fn country_parse_never_panics_and_known_codes_round_trip(code in "\\PC{0,5}") {
        if let Ok(c) = Country::parse(&code) {
            prop_assert_eq!(Country::parse(c.alpha3()).unwrap(), c);
            if let Some(a2) = c.alpha2() {
                prop_assert_eq!(Country::parse(a2).unwrap(), c);
            }
        }
    }

    #[test]
    fn every_country_round_trips_in_any_case(index in 0usize..254, upper in any::<bool>()) {
        let c = Country::all().nth(index).unwrap();
        let a3 = if upper { c.alpha3().to_string() } else { c.alpha3().to_lowercase() };
        prop_assert_eq!(Country::parse(&a3).unwrap(), c);
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<Country>(&json).unwrap(), c);
    }

    #[test]
    fn case_json_parsing_of_arbitrary_json_never_panics(v in json_value()) {
        let _ = serde_json::from_value::<Case>(v);
    }

    #[test]
    fn allowlist_parsing_never_panics(entry in "\\PC{0,24}") {
        let _ = kyc_core::webhook::IpAllowlist::parse(&[entry]);
    }
}
