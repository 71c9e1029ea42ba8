//! One raw POSTIDENT payload (case result JSON, or its compact JWE) to the neutral [`Case`],
//! without a client: for `kyc normalize`, stored payloads, fuzzing and benchmarks.

pub use crate::crypto::looks_like_jwe;
use crate::crypto::PrivateKey;
use crate::mapping::case_from_result;
use crate::wire::CaseResult;
use bytes::Bytes;
use kyc_core::wire::from_json_slice;
use kyc_core::{Case, Error, ErrorKind, Provider, Result};

/// Reads a case result JSON body. The body is the caller's input (a stored payload, a file), not
/// an answer POSTIDENT just gave: a body that is not a case is an [`ErrorKind::InvalidInput`]
/// error that says so, keeps the raw body and never quotes it.
pub fn case_from_json(body: &[u8]) -> Result<Case> {
    let not_a_case = |what: String| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("the payload is not a POSTIDENT case result: {what}"),
        )
        .with_provider(Provider::Postident)
        .with_raw_body(Bytes::copy_from_slice(body))
    };
    let raw: serde_json::Value = from_json_slice(body).map_err(|e| not_a_case(e.to_string()))?;
    if !raw.is_object() {
        return Err(not_a_case("not a JSON object".into()));
    }
    let result: CaseResult = from_json_slice(body).map_err(|e| not_a_case(e.to_string()))?;
    if result
        .case_id
        .as_deref()
        .is_none_or(|c| c.trim().is_empty())
    {
        return Err(not_a_case("it has no caseId".into()));
    }
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
