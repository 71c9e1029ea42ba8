//! One raw IDnow payload (ident JSON as the API or a webhook sends it, or the XML result) to the
//! neutral [`Case`], without a client: for `kyc normalize`, stored payloads, fuzzing and
//! benchmarks.

use crate::client::{parse_ident, BodySource};
use crate::mapping::ident_to_case;
use crate::xml::parse_xml_result_and_json;
use bytes::Bytes;
use kyc_core::{Case, Error, ErrorKind, Provider, Result};

/// Reads an ident JSON body (a bare ident, or the list wrapper holding exactly one).
/// A body that is not an ident is an [`ErrorKind::Provider`] error that keeps the raw body and
/// says what was read (`ident JSON: not an IDnow ident ...`), with no HTTP status: the input
/// did not come from an answer of IDnow.
pub fn case_from_json(body: &[u8]) -> Result<Case> {
    case_from_json_bytes(&Bytes::copy_from_slice(body))
}

/// [`case_from_json`] for a body already held as [`Bytes`] (what an HTTP client hands over):
/// the case's raw JSON shares it instead of copying it.
pub fn case_from_json_bytes(body: &Bytes) -> Result<Case> {
    let fetched = parse_ident(BodySource::Input("ident JSON"), body, true)?;
    Ok(ident_to_case(&fetched.ident, fetched.raw, None))
}

/// Reads an XML result (plain, with NFC, with proof of address, with QES).
pub fn case_from_xml(body: &[u8]) -> Result<Case> {
    let fail = |e: crate::xml::XmlError| {
        Error::new(
            ErrorKind::Provider,
            format!("cannot read the XML result: {e}"),
        )
        .with_provider(Provider::Idnow)
        .with_raw_body(Bytes::copy_from_slice(body))
    };
    let (ident, raw) = parse_xml_result_and_json(body).map_err(fail)?;
    Ok(ident_to_case(&ident, raw, None))
}

/// Reads either form, telling XML (first non-blank byte `<`) from JSON.
pub fn case_from_payload(body: &[u8]) -> Result<Case> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => case_from_xml(body),
        _ => case_from_json(body),
    }
}
