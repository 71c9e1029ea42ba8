//! POSTIDENT encrypted results: a compact JWE decrypted with a fixed RSA-3072 test key, then
//! parsed and mapped like `postident_json`.
//!
//! Two input modes:
//! * anything not starting with `P`: the input is the response body itself (mutations of the
//!   seeded JWEs reach the header checks, the key unwrap and the content decryption);
//! * `P` + bytes: the bytes are encrypted to the test key first (`A256GCM`, or the enc named by
//!   the second byte), so arbitrary plaintexts reach the parser through decryption, and the
//!   round trip must give the same bytes back.
#![no_main]

use kyc_postident::crypto::{encrypt_compact, inspect_header, PrivateKey, SUPPORTED_ENC};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::from_pkcs8_pem(kyc_fuzz::TEST_KEY_PEM).expect("test key"))
}

fuzz_target!(|data: &[u8]| {
    let key = key();
    if let Some((b'P', rest)) = data.split_first() {
        let (enc, plain) = match rest.split_first() {
            Some((&n, plain)) if (n as usize) < SUPPORTED_ENC.len() => {
                (SUPPORTED_ENC[n as usize], plain)
            }
            _ => ("A256GCM", rest),
        };
        let jwe = encrypt_compact(key.public_key_der(), plain, enc).expect("encrypts");
        let decrypted = key
            .decrypt(jwe.as_bytes())
            .unwrap_or_else(|e| panic!("own {enc} JWE does not decrypt: {e}"));
        assert_eq!(decrypted, plain, "JWE round trip changed the payload");
        kyc_fuzz::postident_body(&decrypted);
        return;
    }
    if let Err(e) = inspect_header(data) {
        let _ = (e.to_string(), format!("{e:?}"));
    }
    match key.decrypt(data) {
        Ok(plain) => kyc_fuzz::postident_body(&plain),
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
            kyc_fuzz::check_error(&kyc_core::Error::from(e), None);
        }
    }
});
