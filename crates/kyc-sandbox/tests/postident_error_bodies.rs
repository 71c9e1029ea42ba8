//! Error bodies of the POSTIDENT sandbox, black-box over HTTP: every error answer of the SCR API
//! (validation, credentials, unknown case, key hash, injected faults) carries its timestamp the
//! way POSTIDENT writes timestamps (result guide 8.3: "accuracy in seconds, the offset to Zulu
//! time ±hh:mm at the end", e.g. `2016-01-28T23:59:59+01:00`), in the account's offset.

use crate::support::postident::*;
use kyc_sandbox::postident::{Fault, FaultKind, PostidentOptions};
use serde_json::{json, Value};

/// `YYYY-MM-DDThh:mm:ss±hh:mm`, nothing more.
fn assert_postident_timestamp(ts: &str, offset: &str) {
    let b = ts.as_bytes();
    let shape_ok = ts.len() == 25
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 | 22 => *c == b':',
            19 => *c == b'+' || *c == b'-',
            _ => c.is_ascii_digit(),
        });
    assert!(shape_ok, "not whole seconds with ±hh:mm: {ts}");
    assert!(ts.ends_with(offset), "{ts} is not at {offset}");
    chrono::DateTime::parse_from_rfc3339(ts).expect("a valid date-time");
}

async fn error_body(req: reqwest::RequestBuilder, status: u16) -> Value {
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), status);
    r.json().await.unwrap()
}

#[tokio::test]
async fn every_error_answer_is_stamped_in_whole_seconds_with_the_offset() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let bodies = [
        error_body(
            authed(&sb, http().post(url(&sb, "")))
                .json(&json!({"contactDataProvided": {"firstName": "x".repeat(36)}})),
            400,
        )
        .await,
        error_body(http().get(url(&sb, "/UNKNOWNCASE1")), 401).await,
        error_body(authed(&sb, http().get(url(&sb, "/UNKNOWNCASE1"))), 404).await,
        error_body(
            keys.headers(
                authed(&sb, http().get(url(&sb, "/UNKNOWNCASE1"))),
                "not-the-data-password",
            ),
            400,
        )
        .await,
    ];
    for body in &bodies {
        assert_postident_timestamp(body["timestamp"].as_str().unwrap(), "+01:00");
        assert!(
            body["status"].is_u64() && body["message"].is_string(),
            "{body}"
        );
    }
    // Injected faults answer the same shape.
    let p = sb.postident();
    p.inject_fault(Fault::new(FaultKind::Status { status: 503 }, 1));
    p.inject_fault(Fault::new(FaultKind::TooManyRequests { retry_after: 2 }, 1));
    for status in [503, 429] {
        let body = error_body(authed(&sb, http().get(url(&sb, ""))), status).await;
        assert_postident_timestamp(body["timestamp"].as_str().unwrap(), "+01:00");
        assert_eq!(body["status"], status);
    }
}

#[tokio::test]
async fn the_offset_follows_the_account() {
    let sb = start(PostidentOptions {
        utc_offset: chrono::FixedOffset::east_opt(2 * 3600).unwrap(),
        ..Default::default()
    })
    .await;
    let body = error_body(authed(&sb, http().get(url(&sb, "/UNKNOWNCASE1"))), 404).await;
    assert_postident_timestamp(body["timestamp"].as_str().unwrap(), "+02:00");
}
