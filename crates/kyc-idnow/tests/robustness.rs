//! Nothing panics on provider input: arbitrary bytes and mutated sample payloads either parse or
//! become errors that keep the raw body.

use kyc_idnow::webhook::parse_webhook_body;
use kyc_idnow::xml::parse_xml_result;
use proptest::prelude::*;

const SAMPLE: &str = include_str!("fixtures/sample_9_proof_of_address.json");
const XML: &str = include_str!("fixtures/get_xml_200.xml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = parse_webhook_body(&bytes) {
            prop_assert_eq!(e.raw_body().map(|b| b.as_bytes().to_vec()), Some(bytes.clone()));
        }
        let _ = parse_xml_result(&bytes);
    }

    #[test]
    fn truncated_or_corrupted_samples_never_panic(cut in 0usize..SAMPLE.len(), at in 0usize..SAMPLE.len(), byte in any::<u8>()) {
        let mut body = SAMPLE.as_bytes()[..cut].to_vec();
        let _ = parse_webhook_body(&body);
        body = SAMPLE.as_bytes().to_vec();
        body[at] = byte;
        let _ = parse_webhook_body(&body);
        let mut xml = XML.as_bytes().to_vec();
        let i = at % xml.len();
        xml[i] = byte;
        let _ = parse_xml_result(&xml);
        let _ = parse_xml_result(&XML.as_bytes()[..cut.min(XML.len())]);
    }

    #[test]
    fn any_scalar_in_any_field_is_tolerated(field in "[a-z]{1,12}", value in prop_oneof![
        Just(serde_json::json!(null)), Just(serde_json::json!(true)), Just(serde_json::json!(12)),
        Just(serde_json::json!("x")), Just(serde_json::json!([])), Just(serde_json::json!({}))
    ]) {
        let mut v: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        v["identificationprocess"][field.as_str()] = value.clone();
        v["userdata"][field.as_str()] = value.clone();
        v["attachments"][field.as_str()] = value;
        let body = serde_json::to_vec(&v).unwrap();
        let _ = parse_webhook_body(&body);
    }
}
