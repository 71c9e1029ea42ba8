//! Declined with subStatus 12 because the case URL was started too often (result guide section
//! 4, "case ID expired or case URL started too often"), black-box over HTTP: every start through
//! the case URL counts (a new identification, a resume after `incomplete`, `started` again); one
//! start beyond the account's limit declines the identification with 12 and closes the case.

use std::time::Duration;

use crate::support::postident::*;
use kyc_sandbox::postident::PostidentOptions;
use serde_json::json;

/// The options of an account whose case URLs may be started `limit` times (`None`: no limit).
fn start_limit(limit: Option<u32>) -> PostidentOptions {
    PostidentOptions {
        case_start_limit: limit,
        ..Default::default()
    }
}

/// How often the case URL of `case_id` was started, as the control API's case list says.
async fn starts_of(sb: &kyc_sandbox::Sandbox, case_id: &str) -> u64 {
    let all = control_json(sb, "/cases").await;
    all.as_array()
        .unwrap()
        .iter()
        .find(|c| c["caseId"] == case_id)
        .and_then(|c| c["starts"].as_u64())
        .unwrap()
}

#[tokio::test]
async fn one_start_too_many_declines_with_12_and_closes_the_case() {
    let sb = start(start_limit(Some(2))).await;
    let hook = Receiver::start(200, Duration::ZERO).await;
    let case_id = create_case_id(&sb, &order_with_hook("starts-1", &hook.url)).await;
    let incomplete = json!({"method": "video", "outcome": "incomplete"});
    // Start 1 (new identification) and start 2 (resume after incomplete) are allowed.
    assert_eq!(outcome(&sb, &case_id, incomplete.clone()).await.0, 200);
    assert_eq!(outcome(&sb, &case_id, incomplete.clone()).await.0, 200);
    assert_eq!(starts_of(&sb, &case_id).await, 2);
    // Start 3 is one too many: whatever the user meant to do, the case is declined with 12.
    let (status, case) = play(&sb, &case_id, "video", "success").await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["caseStatus"]["status"], "closed");
    let primary = primary_status(&case);
    assert_eq!(primary["status"], "declined");
    assert_eq!(primary["subStatus"]["code"], 12);
    assert_eq!(
        primary["subStatus"]["description"],
        "Operation valid time frame exceeded (case ID)"
    );
    assert!(primary["identificationTime"].is_string());
    assert!(
        case["primaryIdent"].get("identificationDocument").is_none(),
        "no result data"
    );
    // The final result is notified like any other.
    assert!(deliveries(&sb, 1)
        .await
        .iter()
        .any(|d| d.status == "declined" && d.status_type == "final"));
    // Closed: nothing more can start.
    assert_eq!(outcome(&sb, &case_id, incomplete).await.0, 409);
}

#[tokio::test]
async fn another_method_counts_too_and_no_limit_never_declines() {
    let sb = start(start_limit(Some(1))).await;
    let case_id = create_id(&sb, "starts-2").await;
    let (status, _) =
        transition(&sb, &case_id, json!({"method": "eid", "status": "started"})).await;
    assert_eq!(status, 200);
    let (status, case) = transition(
        &sb,
        &case_id,
        json!({"method": "video", "status": "started"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(case["caseStatus"]["status"], "closed");
    let video = case["identifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["identificationMethod"] == "video")
        .unwrap();
    assert_eq!(video["identificationStatus"]["subStatus"]["code"], 12);

    let sb = start(start_limit(None)).await;
    let case_id = create_id(&sb, "starts-3").await;
    for _ in 0..15 {
        let (status, _) = play(&sb, &case_id, "video", "incomplete").await;
        assert_eq!(status, 200);
    }
    assert_eq!(starts_of(&sb, &case_id).await, 15);
    let (_, case) = play(&sb, &case_id, "video", "success").await;
    assert_eq!(primary_status(&case)["status"], "success");
}

#[tokio::test]
async fn the_default_limit_is_ten_starts() {
    let (sb, case_id) = sandbox_with_case("starts-4").await;
    for _ in 0..10 {
        let (_, case) = play(&sb, &case_id, "basic", "incomplete").await;
        assert_eq!(case["caseStatus"]["status"], "in progress");
    }
    let (_, case) = play(&sb, &case_id, "basic", "incomplete").await;
    assert_eq!(case["caseStatus"]["status"], "closed");
    assert_eq!(primary_status(&case)["subStatus"]["code"], 12);
}
