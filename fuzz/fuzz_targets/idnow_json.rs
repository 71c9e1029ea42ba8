//! IDnow result JSON → ident → neutral `Case`, three ways: the `get_case` path, the webhook
//! parser (`webhook::parse_webhook_body`) and the list shape (`{"identifications": [...]}`).
#![no_main]

use kyc_fuzz::{check_case, check_error, check_notice, idnow_body_to_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(case) = idnow_body_to_case(data) {
        check_case(&case);
    }
    match kyc_idnow::webhook::parse_webhook_body(data) {
        Ok(notice) => check_notice(&notice),
        // A webhook body that cannot be understood is an error keeping that body.
        Err(e) => check_error(&e, Some(data)),
    }
    if let Ok(raw) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(list) = serde_json::from_value::<kyc_idnow::wire::IdentList>(raw.clone()) {
            let raws = raw
                .get("identifications")
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            for (ident, raw) in list.identifications.iter().zip(
                raws.into_iter()
                    .chain(std::iter::repeat(serde_json::Value::Null)),
            ) {
                let _ = format!("{ident:?}");
                check_case(&kyc_idnow::mapping::ident_to_case(ident, raw, None));
            }
        }
    }
});
