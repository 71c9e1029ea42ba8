//! IDnow XML result (the `.xml` of the result ZIP / `GET .../xml`) → ident → neutral `Case`.
#![no_main]

use kyc_fuzz::check_case;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match kyc_idnow::xml::parse_xml_results(data) {
        Ok(list) => {
            for ident in &list.identifications {
                check_case(&kyc_idnow::mapping::ident_to_case(
                    ident,
                    serde_json::Value::Null,
                    None,
                ));
            }
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }
    if let Ok(ident) = kyc_idnow::xml::parse_xml_result(data) {
        let raw = kyc_idnow::xml::xml_result_to_json(data).unwrap_or_default();
        let _ = serde_json::to_vec(&raw).expect("the XML's JSON serialises");
        check_case(&kyc_idnow::mapping::ident_to_case(&ident, raw, None));
    }
});
