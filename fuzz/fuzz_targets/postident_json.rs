//! POSTIDENT result JSON (one case object, or a list answer) → `CaseResult` → neutral `Case`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    kyc_fuzz::postident_body(data);
});
