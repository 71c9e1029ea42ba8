//! POSTIDENT sandbox, webhooks over real HTTP: body `{caseId, referenceId}` on each configured
//! status change, optional Basic auth, the documented retry schedule (immediately, +900 s,
//! +3,600 s) on a scaled clock, the 2-second answer limit, the delivery log.

use std::time::Duration;

use crate::support::postident::*;
use kyc_sandbox::postident::{PostidentOptions, StatusType, WebhookCredentials};
use serde_json::json;

#[tokio::test]
async fn each_status_change_with_a_status_type_posts_case_and_reference_id() {
    let (rx, sb, id) = case_with_webhook_receiver(PostidentOptions::default(), "HOOK-1").await;
    // video: started (no type), review pending (preliminary), success (final).
    play(&sb, &id, "video", "success").await;
    let got = rx.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.body, json!({"caseId": id, "referenceId": "HOOK-1"}));
        assert!(r
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("application/json"));
        assert!(r.authorization.is_none());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.received().len(), 2, "no webhook for 'started'");
    let log = deliveries(&sb, 2).await;
    let mut types: Vec<&str> = log.iter().map(|d| d.status_type.as_str()).collect();
    types.sort();
    assert_eq!(types, ["final", "preliminary"]);
    assert!(log
        .iter()
        .all(|d| d.delivered && d.attempt == 1 && d.http_status == Some(200)));
}

#[tokio::test]
async fn only_the_configured_status_types_trigger_and_the_reference_can_be_left_out() {
    let options = PostidentOptions {
        webhook_status_types: vec![StatusType::Final],
        webhook_includes_reference_id: false,
        ..PostidentOptions::default()
    };
    let (rx, sb, id) = case_with_webhook_receiver(options, "HOOK-2").await;
    play(&sb, &id, "basic", "review").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rx.received().is_empty(),
        "coupon requested and review pending are not final"
    );
    play(&sb, &id, "basic", "success").await;
    let got = rx.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, json!({"caseId": id}));
}

#[tokio::test]
async fn cancellation_and_expiry_trigger_webhooks_too() {
    let (rx, sb, id) = case_with_webhook_receiver(PostidentOptions::default(), "HOOK-3").await;
    play(&sb, &id, "autoid", "cancel").await;
    rx.wait_for(1, Duration::from_secs(5)).await;
    sb.postident().expire_now(&id).unwrap();
    let got = rx.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    let log = deliveries(&sb, 2).await;
    assert_eq!(log[0].status_type, "cancelled");
    assert_eq!(log[1].status_type, "final");
    assert_eq!(log[1].status, "declined");
}

#[tokio::test]
async fn deliveries_carry_basic_auth_when_configured() {
    let options = PostidentOptions {
        webhook_credentials: Some(WebhookCredentials {
            username: "hook-user".into(),
            password: "hook-pass".into(),
        }),
        ..PostidentOptions::default()
    };
    let (rx, sb, id) = case_with_webhook_receiver(options, "HOOK-4").await;
    play(&sb, &id, "eid", "success").await;
    let got = rx.wait_for(1, Duration::from_secs(5)).await;
    // base64("hook-user:hook-pass")
    assert_eq!(
        got[0].authorization.as_deref(),
        Some("Basic aG9vay11c2VyOmhvb2stcGFzcw==")
    );
}

#[tokio::test]
async fn a_receiver_that_fails_gets_three_retries_on_the_documented_schedule() {
    // Time scale 600: 900 s = 1.5 s, 3,600 s = 6 s.
    let rx = Receiver::start(500, Duration::ZERO).await;
    let sb = start_scaled(PostidentOptions::default(), 600.0).await;
    let id = create_case_id(&sb, &order_with_hook("HOOK-5", &rx.url)).await;
    let started = std::time::Instant::now();
    play(&sb, &id, "eid", "success").await;
    let got = rx.wait_for(4, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 4, "first attempt plus three retries");
    let gap = |a: usize, b: usize| got[b].at.duration_since(got[a].at).as_secs_f64();
    assert!(gap(0, 1) < 0.5, "first retry immediately: {}", gap(0, 1));
    assert!(
        (1.3..2.5).contains(&gap(1, 2)),
        "second retry after 900 s: {}",
        gap(1, 2)
    );
    assert!(
        (5.6..7.5).contains(&gap(2, 3)),
        "last retry after 3,600 s: {}",
        gap(2, 3)
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rx.received().len(), 4, "no fifth attempt");
    let log = sb.postident().webhook_deliveries();
    assert_eq!(
        log.iter().map(|d| d.attempt).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(log
        .iter()
        .all(|d| !d.delivered && d.http_status == Some(500)));
    assert!(started.elapsed() < Duration::from_secs(15));

    // The same log over the control API.
    let log = control_json(&sb, "/webhooks").await;
    assert_eq!(log.as_array().unwrap().len(), 4);
    assert_eq!(log[3]["attempt"], 4);
    assert_eq!(log[3]["httpStatus"], 500);
    assert_eq!(log[3]["delivered"], false);
    assert_eq!(control_delete(&sb, "/webhooks").await.status(), 204);
    assert!(sb.postident().webhook_deliveries().is_empty());
}

#[tokio::test]
async fn an_answer_slower_than_two_seconds_counts_as_failed_and_a_later_200_stops_retries() {
    // Time scale 4: the 2 s limit is 0.5 s; the receiver takes 0.8 s.
    let slow = Receiver::start(200, Duration::from_millis(800)).await;
    let sb = start_scaled(
        PostidentOptions {
            webhook_retry_delays: vec![Duration::ZERO, Duration::from_secs(4)],
            ..PostidentOptions::default()
        },
        4.0,
    )
    .await;
    let id = create_case_id(&sb, &order_with_hook("HOOK-6", &slow.url)).await;
    play(&sb, &id, "eid", "success").await;
    let log = sb
        .postident()
        .wait_for_webhook_deliveries(3, Duration::from_secs(10))
        .await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| !d.delivered));
    assert!(
        log[0].error.as_deref().unwrap().contains("time"),
        "{:?}",
        log[0].error
    );

    // A receiver that answers 200 at once ends the delivery after one attempt.
    let fast = Receiver::start(200, Duration::ZERO).await;
    let id = create_case_id(&sb, &order_with_hook("HOOK-7", &fast.url)).await;
    play(&sb, &id, "eid", "success").await;
    fast.wait_for(1, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(fast.received().len(), 1);
}

#[tokio::test]
async fn the_control_api_can_deliver_the_same_webhook_again() {
    let (rx, sb, id) = case_with_webhook_receiver(PostidentOptions::default(), "HOOK-8").await;
    play(&sb, &id, "eid", "success").await;
    rx.wait_for(1, Duration::from_secs(5)).await;
    let r = control_post(&sb, &format!("/cases/{id}/webhook")).await;
    assert_eq!(r.status(), 202);
    sb.postident().resend_webhook(&id).unwrap();
    let got = rx.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "the same body each time"
    );
    let log = deliveries(&sb, 3).await;
    assert_eq!(log.iter().filter(|d| d.status_type == "resent").count(), 2);
    // A case without webHookUrl has nothing to resend.
    let plain = create_id(&sb, "HOOK-9").await;
    let r = control_post(&sb, &format!("/cases/{plain}/webhook")).await;
    assert_eq!(r.status(), 409);
}
