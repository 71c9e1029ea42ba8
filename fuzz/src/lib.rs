//! Shared pieces of the fuzz targets: the adapters' parse paths written with their public items,
//! the checks every target applies to what comes out, and the small text format of the
//! `webhook_request` target.
//!
//! The checks encode rules users rely on (`/work/notes/CONTRACT.md`, "Parse leniently, fail
//! loudly"): nothing panics on provider input; a body that cannot be understood becomes an error
//! that keeps the raw body; `Display`/`Debug` of cases and errors never panic; a neutral `Case`
//! survives a JSON round trip unchanged.

use bytes::Bytes;
use kyc_core::webhook::{
    BasicCredentials, IpAllowlist, WebhookAuth, WebhookNotice, WebhookRequest,
};
use kyc_core::{Case, Error};
use std::net::IpAddr;

/// The RSA-3072 test key of the POSTIDENT fixtures (test only, never a real key).
pub const TEST_KEY_PEM: &str = include_str!("../keys/test-only-rsa-3072.pkcs8.pem");

/// The client id the POSTIDENT mapping uses for download paths.
pub const CLIENT_ID: &str = "SANDBOX01";

/// Basic auth user name and password the `webhook_request` target expects.
pub const WEBHOOK_USER: &str = "hook";
/// See [`WEBHOOK_USER`].
pub const WEBHOOK_PASSWORD: &str = "hook-secret";

/// Applies the checks every produced case must pass.
pub fn check_case(case: &Case) {
    let _ = format!("{case:?}");
    let _ = case.status.to_string();
    let json = serde_json::to_value(case).expect("a Case always serialises to JSON");
    let back: Case = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("a Case's own JSON must read back: {e}\n{json}"));
    assert!(
        back == *case,
        "Case JSON round trip changed the case\n{json}"
    );
}

/// Applies the checks every error must pass; `body_kept` is the input when the error is about a
/// body that could not be understood (then exactly that body must be kept in the error).
pub fn check_error(error: &Error, body_kept: Option<&[u8]>) {
    let _ = error.to_string();
    let _ = format!("{error:?}");
    if let Some(body) = body_kept {
        let raw = error
            .raw_body()
            .unwrap_or_else(|| panic!("error without the raw body: {error}"));
        assert!(
            raw.as_bytes() == body,
            "the error keeps a raw body other than the input: {error}"
        );
    }
}

/// The checks of a webhook notice.
pub fn check_notice(notice: &WebhookNotice) {
    let _ = format!("{notice:?}");
    // The case the body carries is read lazily: reading it must not panic either, and an error
    // keeps the body.
    match notice.case() {
        Ok(Some(case)) => check_case(case),
        Ok(None) => {}
        Err(error) => {
            let _ = format!("{error:?}");
            assert!(error.raw_body().is_some(), "no raw body: {error}");
        }
    }
}

/// `IdnowProvider::get_case` on a 200 body: the private `client::parse_ident` (JSON → `Value`,
/// a one-element `identifications` list unwrapped, → typed `Ident`, a result required) and
/// `mapping::ident_to_case`. `None` when the adapter would answer an error.
pub fn idnow_body_to_case(body: &[u8]) -> Option<Case> {
    let raw: serde_json::Value = serde_json::from_slice(body).ok()?;
    let raw = match raw.get("identifications").and_then(|v| v.as_array()) {
        Some(list) if list.len() == 1 => list[0].clone(),
        Some(_) => return None,
        None => raw,
    };
    if !raw.is_object() {
        return None;
    }
    let ident: kyc_idnow::wire::Ident = serde_json::from_value(raw.clone()).ok()?;
    ident.result()?;
    Some(kyc_idnow::mapping::ident_to_case(
        &ident,
        raw,
        Some("fuzz-txn"),
    ))
}

/// `PostidentProvider::get_case` / `list_cases` on a (decrypted) body: JSON → `Value`, each case
/// object → typed `CaseResult` → `mapping::case_from_result`. Runs every check.
pub fn postident_body(body: &[u8]) {
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let items = match raw {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    for item in items {
        let Ok(result) = serde_json::from_value::<kyc_postident::wire::CaseResult>(item.clone())
        else {
            continue;
        };
        let _ = format!("{result:?}");
        match kyc_postident::mapping::case_from_result(&result, item, CLIENT_ID) {
            Ok(case) => check_case(&case),
            Err(e) => check_error(&e, None),
        }
    }
}

/// The `webhook_request` input format, chosen so that seeds are readable text:
///
/// ```text
/// 213.95.145.7                      <- peer address; an empty or unparsable line = no peer
/// Authorization: Basic aG9vazpo...  <- header lines until the first empty line
/// Content-Type: application/json
///
/// {"caseId": "..."}                 <- the rest is the body, byte for byte
/// ```
pub fn parse_webhook_input(data: &[u8]) -> WebhookRequest {
    let (head, body) = match find(data, b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n');
    let peer = lines
        .next()
        .and_then(|l| std::str::from_utf8(l).ok())
        .and_then(|l| l.trim().parse::<IpAddr>().ok());
    let mut headers = http::HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(&line[..colon]),
            http::HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    WebhookRequest::new(headers, Bytes::copy_from_slice(body), peer)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The verifiers of the `webhook_request` target: Basic auth plus an allowlist (IDnow's
/// documented network, POSTIDENT's addresses, an IPv6 network), and one that accepts anything
/// so that every body reaches the parser.
pub fn webhook_auths() -> [WebhookAuth; 2] {
    let allowlist = IpAllowlist::parse(&[
        "213.95.145.0/27",
        "165.72.200.13",
        "199.40.127.49",
        "156.137.9.65",
        "2001:db8::/32",
    ])
    .expect("valid allowlist");
    [
        WebhookAuth::default()
            .with_basic(BasicCredentials::new(WEBHOOK_USER, WEBHOOK_PASSWORD))
            .with_allowlist(allowlist),
        WebhookAuth::default(),
    ]
}
