//! Webhook requests (headers, body, peer address; format in `kyc_fuzz::parse_webhook_input`)
//! through both adapters' verification and parsing, with a strict verifier (Basic auth and an
//! allowlist) and an open one.
//!
//! Besides "no panic", the strict verifier must only ever accept a request that carries the
//! expected `Authorization` header and comes from an allowed address.
#![no_main]

use kyc_core::webhook::{basic_auth_header, WebhookAuth};
use kyc_fuzz::{check_error, check_notice, parse_webhook_input, webhook_auths};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn auths() -> &'static [WebhookAuth; 2] {
    static AUTHS: OnceLock<[WebhookAuth; 2]> = OnceLock::new();
    AUTHS.get_or_init(webhook_auths)
}

fuzz_target!(|data: &[u8]| {
    let request = parse_webhook_input(data);
    let [strict, open] = auths();
    let expected = basic_auth_header(kyc_fuzz::WEBHOOK_USER, kyc_fuzz::WEBHOOK_PASSWORD);
    let legitimate = request
        .headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .any(|v| v.as_bytes() == expected.as_bytes())
        && request
            .peer
            .is_some_and(|p| strict.allowlist.as_ref().is_some_and(|a| a.contains(p)));
    for auth in [strict, open] {
        let idnow = kyc_idnow::webhook::verify(auth, &request);
        let postident = kyc_postident::webhook::verify(auth, &request);
        for outcome in [&idnow, &postident] {
            match outcome {
                Ok(notice) => {
                    check_notice(notice);
                    if std::ptr::eq(auth, strict) {
                        assert!(legitimate, "strict verifier accepted {request:?}");
                    }
                }
                Err(e) => check_error(e, None),
            }
        }
    }
});
