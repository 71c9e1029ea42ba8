//! Webhooks: authentication (Basic auth, source IP), telling the five webhook types apart, and
//! which notice wins (`Case::supersedes`, the one rule for every provider). Bodies are the
//! document's own examples.

use crate::common::fixture;
use http::HeaderMap;
use kyc_core::webhook::{
    basic_auth_header, BasicCredentials, WebhookAuth, WebhookEvent, WebhookRequest,
};
use kyc_core::{CaseStatus, ErrorKind};
use kyc_idnow::webhook::{parse_webhook_body, verify};
use kyc_idnow::Environment;

fn request(body: Vec<u8>, auth: Option<String>, peer: &str) -> WebhookRequest {
    let mut headers = HeaderMap::new();
    if let Some(a) = auth {
        headers.insert(http::header::AUTHORIZATION, a.parse().unwrap());
    }
    WebhookRequest::new(headers, body, Some(peer.parse().unwrap()))
}

#[test]
fn the_webhook_types_are_told_apart() {
    for (name, event) in [
        ("sample_3_aborted.json", WebhookEvent::Aborted),
        ("sample_5_check_pending.json", WebhookEvent::Realtime),
        ("sample_6_canceled.repaired.json", WebhookEvent::Canceled),
        (
            "webhook_canceled_thin.repaired.json",
            WebhookEvent::Canceled,
        ),
        ("sample_2_success_data_changed.json", WebhookEvent::Final),
        (
            "solaris_webhook_success_happypath.json",
            WebhookEvent::Final,
        ),
        ("get_ident_200_success.json", WebhookEvent::Final),
    ] {
        let notice = parse_webhook_body(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(notice.event, event, "{name}");
        assert!(notice.case().unwrap().is_some());
        assert!(notice.case_ref.reference.is_some());
    }
    let fraud_pending = br#"{"identificationprocess":{"result":"FRAUD_SUSPICION_PENDING","transactionnumber":"t","id":"TST-AAAAA"}}"#;
    assert_eq!(
        parse_webhook_body(fraud_pending).unwrap().event,
        WebhookEvent::Realtime
    );
    let start =
        br#"{"identificationprocess":{"transactionnumber":"t","id":"TST-AAAAA"},"userdata":{}}"#;
    let notice = parse_webhook_body(start).unwrap();
    assert_eq!(notice.event, WebhookEvent::Started);
    assert_eq!(
        notice.case().unwrap().unwrap().status,
        CaseStatus::InProgress
    );
}

#[test]
fn unreadable_bodies_are_errors_that_keep_the_body() {
    for body in [
        &b"not json"[..],
        b"{}",
        b"[]",
        br#"{"identificationprocess":{"result":"SUCCESS"}}"#,
    ] {
        let e = parse_webhook_body(body).unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::Provider,
            "{:?}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(e.raw_body().unwrap().as_bytes(), body);
        // A webhook body is not an answer of IDnow: no "IDnow answered", no HTTP status.
        let shown = e.to_string();
        assert!(shown.starts_with("idnow: webhook body: "), "{shown}");
        assert!(
            !shown.contains("answered") && !shown.contains("HTTP"),
            "{shown}"
        );
        assert_eq!(e.http_status(), None);
    }
    let original = fixture("sample_1_success.original-invalid.txt");
    let e = parse_webhook_body(&original).unwrap_err();
    assert!(!e.to_string().contains("ERIKA"));
}

#[test]
fn basic_auth_and_documented_ip_ranges_are_enforced() {
    let mut auth = WebhookAuth::default().with_basic(BasicCredentials::new("idnow", "hook-secret"));
    auth.allowlist = Environment::LiveDe.webhook_allowlist();
    let body = fixture("sample_2_success_data_changed.json");
    let good = basic_auth_header("idnow", "hook-secret");
    assert!(verify(
        &auth,
        &request(body.clone(), Some(good.clone()), "213.95.145.7")
    )
    .is_ok());
    let e = verify(&auth, &request(body.clone(), Some(good.clone()), "8.8.8.8")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    let wrong = basic_auth_header("idnow", "guess");
    let e = verify(&auth, &request(body.clone(), Some(wrong), "213.95.145.7")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert!(!e.to_string().contains("guess") && !e.to_string().contains("hook-secret"));
    assert!(verify(&auth, &request(body, None, "213.95.145.7")).is_err());
}

#[test]
fn documented_ranges_per_environment() {
    let test = Environment::TestDe.webhook_allowlist().unwrap();
    assert!(test.contains("52.30.27.5".parse().unwrap()));
    assert!(test.contains("52.48.216.0".parse().unwrap()));
    assert!(!test.contains("52.48.216.1".parse().unwrap()));
    assert!(Environment::TestCh
        .webhook_allowlist()
        .unwrap()
        .contains("52.18.79.87".parse().unwrap()));
    assert!(Environment::LiveCh
        .webhook_allowlist()
        .unwrap()
        .contains("193.169.187.168".parse().unwrap()));
    let de = Environment::LiveDe.webhook_allowlist().unwrap();
    assert!(de.contains("213.95.145.31".parse().unwrap()));
    assert!(!de.contains("213.95.145.32".parse().unwrap()));
    assert!(Environment::LiveAe.webhook_allowlist().is_none());
}

fn case(name: &str) -> kyc_core::Case {
    parse_webhook_body(&fixture(name))
        .unwrap()
        .into_case()
        .unwrap()
        .unwrap()
}

fn at(mut case: kyc_core::Case, time: &str) -> kyc_core::Case {
    case.modified_at = Some(chrono::DateTime::parse_from_rfc3339(time).unwrap());
    case
}

#[test]
fn the_later_word_of_idnow_wins_a_cancellation_withdraws_a_success() {
    // One ident's history, told by the document's samples with the times of that history.
    let realtime = at(
        case("sample_5_check_pending.json"),
        "2024-03-01T10:00:00+01:00",
    );
    let success = at(
        case("sample_2_success_data_changed.json"),
        "2024-03-01T10:05:00+01:00",
    );
    let canceled = at(
        case("sample_6_canceled.repaired.json"),
        "2024-03-01T11:00:00+01:00",
    );
    assert!(success.supersedes(&realtime));
    assert!(
        !realtime.supersedes(&success),
        "a REALTIME delivered late does not undo the FINAL"
    );
    assert!(
        canceled.supersedes(&success),
        "a CANCELED after the SUCCESS withdraws it (public facts: the data is then deleted)"
    );
    assert!(
        !success.supersedes(&canceled),
        "a late copy of the SUCCESS does not undo the withdrawal"
    );
    let reviewed = at(
        case("sample_8_fraud_suspicion_confirmed.repaired.json"),
        "2024-03-02T09:00:00+01:00",
    );
    assert!(
        reviewed.supersedes(&success) && reviewed.supersedes(&canceled),
        "a supervisor's later re-review replaces a final result"
    );
    // Without a time to order them, a decision stands: an ABORTED (no identificationtime)
    // does not replace a FINAL, and the same notice twice changes nothing.
    let aborted = case("sample_3_aborted.json");
    assert!(aborted.modified_at.is_none());
    assert!(!aborted.supersedes(&success));
    assert!(success.supersedes(&success.clone()));
}

#[test]
fn the_case_a_webhook_carries_is_read_when_asked_and_an_unreadable_one_keeps_the_body() {
    let mut ident: serde_json::Value =
        serde_json::from_slice(&fixture("sample_2_success_data_changed.json")).unwrap();
    if let Some(list) = ident.get("identifications").and_then(|l| l.get(0)) {
        ident = list.clone();
    }
    // The ids and result read; the personal data section has a shape no ident has.
    ident["userdata"] = serde_json::json!("not an object");
    let body = serde_json::to_vec(&ident).unwrap();
    let notice = parse_webhook_body(&body).unwrap();
    assert_eq!(notice.event, WebhookEvent::Final);
    assert_eq!(
        notice.case_ref.reference.as_deref(),
        ident["identificationprocess"]["transactionnumber"].as_str()
    );
    assert!(notice.carries_case());
    let e = notice.case().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert!(e.to_string().starts_with("idnow: webhook body: "), "{e}");
    assert_eq!(e.raw_body().unwrap().as_bytes(), &body[..]);
}
