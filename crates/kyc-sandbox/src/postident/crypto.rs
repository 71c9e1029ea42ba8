//! Result encryption as public-facts.md reconstructs "SCR-Ident API Guide 3": the caller sends
//! its RSA public key (`x-scr-key`, Base64 of the DER SubjectPublicKeyInfo), a key hash
//! (`x-scr-keyhash`, Base64 of HMAC-SHA256 over those DER bytes keyed with the data password) and
//! `x-scr-alg: RSA-OAEP-256`; the whole answer is then a compact JWE to that key.

use axum::http::HeaderMap;
use base64::Engine as _;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;

use super::api::ApiError;

/// The only key management algorithm the sandbox accepts.
pub const ALG: &str = "RSA-OAEP-256";

/// A verified caller key.
pub(crate) struct CallerKey {
    spki_der: Vec<u8>,
}

/// Base64 of HMAC-SHA256(key = data password, message = DER bytes).
pub(crate) fn key_hash(
    spki_der: &[u8],
    data_password: &str,
) -> Result<String, openssl::error::ErrorStack> {
    let key = PKey::hmac(data_password.as_bytes())?;
    let mut signer = Signer::new(MessageDigest::sha256(), &key)?;
    signer.update(spki_der)?;
    let mac = signer.sign_to_vec()?;
    Ok(base64::engine::general_purpose::STANDARD.encode(mac))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()))
            .map_err(|_| ApiError::bad_request(format!("header {name}: not visible ASCII"))),
    }
}

/// Reads and verifies the encryption headers of a result request.
///
/// * no key headers: `Ok(None)` unless `encryption_required` (then 400);
/// * only one of `x-scr-key` / `x-scr-keyhash`, an `x-scr-alg` other than `RSA-OAEP-256`, a key
///   that is not Base64 DER of an RSA public key of at least 2048 bits: 400 naming the header;
/// * a key hash that does not match the account's data password: 400 naming `x-scr-keyhash`.
pub(crate) fn negotiate(
    headers: &HeaderMap,
    data_password: &str,
    encryption_required: bool,
) -> Result<Option<CallerKey>, ApiError> {
    let key = header(headers, "x-scr-key")?;
    let hash = header(headers, "x-scr-keyhash")?;
    let alg = header(headers, "x-scr-alg")?;
    let (key, hash) = match (key, hash) {
        (None, None) => {
            if encryption_required {
                return Err(ApiError::bad_request(
                    "encryption is required for this client: send x-scr-key, x-scr-keyhash and x-scr-alg",
                ));
            }
            return Ok(None);
        }
        (Some(_), None) => {
            return Err(ApiError::bad_request(
                "header x-scr-keyhash: required together with x-scr-key",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "header x-scr-key: required together with x-scr-keyhash",
            ))
        }
        (Some(k), Some(h)) => (k, h),
    };
    if let Some(alg) = alg {
        if alg != ALG {
            return Err(ApiError::bad_request(format!(
                "header x-scr-alg: unsupported algorithm, only {ALG}"
            )));
        }
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map_err(|_| ApiError::bad_request("header x-scr-key: not standard Base64"))?;
    let pkey = PKey::public_key_from_der(&der).map_err(|_| {
        ApiError::bad_request("header x-scr-key: not a DER SubjectPublicKeyInfo public key")
    })?;
    match pkey.rsa() {
        Ok(rsa) if rsa.size() * 8 >= 2048 => {}
        _ => {
            return Err(ApiError::bad_request(
                "header x-scr-key: must be an RSA public key of at least 2048 bits",
            ))
        }
    }
    let expected = key_hash(&der, data_password)
        .map_err(|_| ApiError::internal("key hash computation failed"))?;
    let given = hash.as_bytes();
    let same = given.len() == expected.len() && openssl::memcmp::eq(given, expected.as_bytes());
    if !same {
        return Err(ApiError::bad_request(
            "header x-scr-keyhash: does not match x-scr-key and the data password of this client",
        ));
    }
    Ok(Some(CallerKey { spki_der: der }))
}

/// Encrypts `payload` to the caller's key as a compact JWE (`alg` RSA-OAEP-256, `enc` as
/// configured).
pub(crate) fn encrypt(key: &CallerKey, enc: &str, payload: &[u8]) -> Result<String, ApiError> {
    let encrypter = josekit::jwe::RSA_OAEP_256
        .encrypter_from_der(&key.spki_der)
        .map_err(|e| ApiError::internal(format!("JWE key: {e}")))?;
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption(enc);
    header.set_content_type("application/json");
    josekit::jwe::serialize_compact(payload, &header, &encrypter)
        .map_err(|e| ApiError::internal(format!("JWE encryption with enc {enc}: {e}")))
}
