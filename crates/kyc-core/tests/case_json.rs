//! The JSON form of `Case` is stable, snake_case, documented, and round-trips.

use crate::common;
use kyc_core::{Case, CaseStatus};

#[test]
fn case_serialises_to_the_documented_keys() {
    let json = serde_json::to_value(common::case()).unwrap();
    for key in [
        "provider",
        "case_id",
        "reference",
        "status",
        "fraud_suspected",
        "data_changed",
        "provider_status",
        "reasons",
        "identity",
        "attempts",
        "artifacts",
        "custom_fields",
        "created_at",
        "modified_at",
        "decided_at",
        "valid_until",
        "archived",
        "raw",
    ] {
        assert!(json.get(key).is_some(), "missing key {key} in {json}");
    }
    assert_eq!(json["provider"], "idnow");
    assert_eq!(json["case_id"], "TST-ABCDE");
    assert_eq!(json["reference"], "order-4711");
    assert_eq!(json["status"], "approved");
    assert_eq!(json["data_changed"], true);
    assert_eq!(json["fraud_suspected"], false);
    assert_eq!(json["reasons"][0]["category"], "other");
    assert_eq!(json["reasons"][0]["code"], "OTHER_ERROR");
    assert_eq!(json["reasons"][0]["source"], "idnow_reason");
    let last_name = &json["identity"]["person"]["last_name"];
    assert_eq!(last_name["value"], "Mustermann");
    assert_eq!(last_name["check"], "changed");
    assert_eq!(last_name["original"], "Gabler");
    assert_eq!(json["attempts"][0]["status"], "retryable");
    assert_eq!(json["attempts"][0]["method"], "auto_ident");
    assert_eq!(json["artifacts"][0]["kind"], "selfie");
    assert_eq!(json["artifacts"][0]["source"]["type"], "inline");
    assert!(json["artifacts"][0]["source"]["data"].is_string());
    assert_eq!(json["created_at"], "2024-01-02T10:00:00+01:00");
    assert_eq!(json["raw"]["identificationprocess"]["id"], "TST-ABCDE");
}

#[test]
fn case_round_trips_through_json() {
    let case = common::case();
    let text = serde_json::to_string(&case).unwrap();
    let back: Case = serde_json::from_str(&text).unwrap();
    assert_eq!(back, case);
}

#[test]
fn unknown_status_keeps_the_providers_word() {
    let mut case = common::case();
    case.status = CaseStatus::Unknown("SOMETHING_NEW".into());
    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["status"], "unknown");
    assert_eq!(json["unknown_status"], "SOMETHING_NEW");
    let back: Case = serde_json::from_value(json).unwrap();
    assert_eq!(back.status, CaseStatus::Unknown("SOMETHING_NEW".into()));
}

/// `newer` replaces `older` (`why`), and `older` arriving late does not come back over it
/// (`why_not_back`).
fn assert_replaces(newer: &Case, older: &Case, why: &str, why_not_back: &str) {
    assert!(newer.supersedes(older), "{why}");
    assert!(!older.supersedes(newer), "{why_not_back}");
}

/// An instant of the tests' day, as the case's timestamps hold it.
fn at(rfc3339: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    Some(chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap())
}

#[test]
fn a_later_preliminary_case_does_not_supersede_a_decided_one() {
    let decided = common::case();
    let mut late = common::case();
    late.status = CaseStatus::ReviewPending {
        fraud_suspected: false,
    };
    assert_replaces(
        &decided,
        &late,
        "decided over preliminary",
        "preliminary is stale",
    );
}

#[test]
fn a_later_cancellation_withdraws_an_approval_but_an_older_one_does_not() {
    let mut approved = common::case();
    approved.decided_at = at("2024-01-02T10:09:00+01:00");
    let mut cancelled = common::case();
    cancelled.status = CaseStatus::Retryable;
    cancelled.provider_status = "CANCELED".into();
    cancelled.decided_at = at("2024-01-02T11:30:00+01:00");
    assert_replaces(
        &cancelled,
        &approved,
        "IDnow's later cancellation takes the approval back",
        "the approval is now stale",
    );

    let mut earlier_abort = cancelled.clone();
    earlier_abort.decided_at = at("2024-01-02T09:00:00+01:00");
    assert!(
        !earlier_abort.supersedes(&approved),
        "an attempt that ended before the decision does not undo it"
    );
    let mut undated = cancelled.clone();
    undated.decided_at = None;
    undated.modified_at = None;
    assert!(
        !undated.supersedes(&approved),
        "without an order, the decision stands"
    );
}

#[test]
fn an_older_decision_does_not_undo_a_newer_re_review() {
    let mut first = common::case(); // approved, decided 10:09
    first.modified_at = at("2024-01-02T10:09:00+01:00");
    let mut re_review = common::case();
    re_review.status = CaseStatus::Declined;
    re_review.modified_at = at("2024-01-03T08:00:00+01:00");
    assert_replaces(
        &re_review,
        &first,
        "a re-review replaces the decision",
        "the delayed older decision is stale",
    );
    assert!(
        re_review.supersedes(&re_review.clone()),
        "duplicates are harmless"
    );
}
