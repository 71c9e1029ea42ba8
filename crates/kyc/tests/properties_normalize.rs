//! Property tests: normalising any JSON never panics, for either provider. Values are built from
//! the providers' own field names so the generator reaches deep into the wire types; whatever
//! parses must serialise to the neutral JSON and read back unchanged.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Field names of both providers' payloads (IDnow ident JSON, POSTIDENT case result).
const KEYS: &[&str] = &[
    // IDnow
    "identificationprocess",
    "result",
    "reason",
    "id",
    "transactionnumber",
    "companyid",
    "identificationtime",
    "type",
    "wasnfcused",
    "identchanges",
    "reviewchanges",
    "previousresult",
    "customdata",
    "custom1",
    "contactdata",
    "email",
    "mobilephone",
    "userdata",
    "firstname",
    "lastname",
    "birthday",
    "nationality",
    "address",
    "street",
    "zipcode",
    "city",
    "country",
    "status",
    "value",
    "original",
    "reviewstatus",
    "identification",
    "identificationdocument",
    "number",
    "validuntil",
    "driverlicenses",
    "attachments",
    "pdf",
    "xml",
    "userface",
    "additionaldocuments",
    "esigning",
    "identifications",
    // POSTIDENT
    "caseId",
    "caseStatus",
    "archived",
    "validUntil",
    "created",
    "modified",
    "orderData",
    "processData",
    "referenceId",
    "customData",
    "contactData",
    "firstName",
    "lastName",
    "primaryIdent",
    "identificationMethod",
    "identificationStatus",
    "subStatus",
    "subStatusReason",
    "code",
    "description",
    "identificationDocument",
    "birthDate",
    "records",
    "recordId",
    "belongsTo",
    "documentData",
    "mimeType",
    "fileName",
    "validationStatus",
    "additionalDataBasic",
    "additionalDataVideo",
    "accountingData",
];

const WORDS: &[&str] = &[
    "SUCCESS",
    "SUCCESS_DATA_CHANGED",
    "CANCELED",
    "ABORTED",
    "REVIEW_PENDING",
    "FRAUD_SUSPICION_PENDING",
    "FRAUD_SUSPICION_CONFIRMED",
    "CHECK_PENDING",
    "MATCH",
    "CHANGE",
    "NEW",
    "ORIGINAL",
    "DE",
    "D",
    "DEU",
    "XXA",
    "closed",
    "in progress",
    "new",
    "success",
    "declined",
    "incomplete",
    "review pending",
    "cancelled",
    "video",
    "autoid",
    "eid",
    "photo",
    "basic",
    "12",
    "11",
    "807",
    "2024-01-02T10:00:00+01:00",
    "1964-08-12",
    "true",
    "",
    "aGVsbG8=",
    "not base64 !",
];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        proptest::sample::select(WORDS).prop_map(|w| json!(w)),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |pairs| {
                    let mut m = Map::new();
                    for (k, v) in pairs {
                        m.insert(k.to_string(), v);
                    }
                    Value::Object(m)
                }
            ),
        ]
    })
}

fn check_round_trip(case: &kyc::Case) {
    let text = serde_json::to_string(case).expect("a case always serialises");
    let back: kyc::Case = serde_json::from_str(&text).expect("and reads back");
    assert_eq!(&back, case);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalising_any_json_never_panics(v in value()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        match kyc::kyc_idnow::normalize::case_from_json(&bytes) {
            Ok(case) => check_round_trip(&case),
            Err(e) => prop_assert!(e.raw_body().is_some(), "idnow error keeps the body: {e}"),
        }
        match kyc::kyc_postident::normalize::case_from_json(&bytes) {
            Ok(case) => check_round_trip(&case),
            Err(e) => prop_assert!(e.raw_body().is_some(), "postident error keeps the body: {e}"),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = kyc::kyc_idnow::normalize::case_from_payload(&bytes);
        let _ = kyc::kyc_postident::normalize::case_from_payload(&bytes, None);
    }
}
