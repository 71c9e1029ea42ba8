//! One raw POSTIDENT payload (case result JSON, or its compact JWE) to the neutral [`Case`],
//! without a client: for `kyc normalize`, stored payloads, fuzzing and benchmarks.

use crate::crypto::PrivateKey;
use crate::mapping::case_from_result;
use crate::wire::CaseResult;
use bytes::Bytes;
use kyc_core::{Case, Error, ErrorKind, Provider, Result};

/// True when `body` looks like a compact JWE (five base64url parts separated by dots).
pub fn looks_like_jwe(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    text.iter().filter(|b| **b == b'.').count() == 4
        && text
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Reads a case result JSON body. A body that is not a case is an [`ErrorKind::Provider`]
/// error that keeps the raw body.
pub fn case_from_json(body: &[u8]) -> Result<Case> {
    let malformed = |what: String| {
        Error::new(
            ErrorKind::Provider,
            format!("cannot read the case result: {what}"),
        )
        .with_provider(Provider::Postident)
        .with_raw_body(Bytes::copy_from_slice(body))
    };
    let raw: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        malformed(format!(
            "not JSON ({:?} at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    if !raw.is_object() {
        return Err(malformed("not a JSON object".into()));
    }
    let result: CaseResult = serde_json::from_value(raw.clone())
        .map_err(|e| malformed(format!("unexpected structure ({:?})", e.classify())))?;
    case_from_result(&result, raw, "")
}

/// Reads a body that is either a compact JWE (decrypted with `key`) or plain JSON. A JWE without
/// a key is an [`ErrorKind::Decryption`] error saying so.
pub fn case_from_payload(body: &[u8], key: Option<&PrivateKey>) -> Result<Case> {
    if looks_like_jwe(body) {
        let Some(key) = key else {
            return Err(Error::new(
                ErrorKind::Decryption,
                "the payload is a JWE; give the private key it was encrypted to",
            )
            .with_provider(Provider::Postident));
        };
        let plain = key.decrypt(body.trim_ascii()).map_err(Error::from)?;
        case_from_json(&plain)
    } else {
        case_from_json(body)
    }
}
