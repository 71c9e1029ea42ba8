//! IDnow sandbox: the test robot, the control API's results and re-reviews, and webhook
//! delivery (types, bodies, Basic auth, retry schedule, outdated retries dropped).

use std::time::{Duration, Instant};

use crate::support::idnow::*;
use base64::Engine;
use kyc_sandbox::idnow::{DeliveryOutcome, IdnowOptions, Outcome, DEFAULT_COMPANY};
use serde_json::{json, Value};

#[tokio::test]
async fn happypath_robot_sends_start_then_final_success() {
    let (env, mut hooks, token) = start_with_webhooks(1000.0).await;
    let id = env
        .create_robot(&token, "robot-happy", "firstname", "X-MANUALTEST-HAPPYPATH")
        .await;
    let start = hooks.next().await;
    assert_eq!(process(&start.body)["result"], "START");
    assert_eq!(process(&start.body)["id"], id.as_str());
    let last = hooks.next().await;
    let process = process(&last.body);
    assert_eq!(process["result"], "SUCCESS");
    assert_eq!(process["agentname"], "TROBOT");
    // The webhook body is the GET ident JSON.
    let fetched: Value = env.get_json(&token, "/identifications/robot-happy").await;
    assert_eq!(fetched, last.body);
    assert_eq!(env.webhook_types(), ["START", "FINAL"]);
}

#[tokio::test]
async fn fraudident_robot_confirms_fraud_with_the_documented_reason() {
    let env = start(1000.0).await;
    let token = env.login().await;
    env.create_robot(&token, "robot-fraud", "lastname", "X-MANUALTEST-FRAUDIDENT")
        .await;
    env.wait_for_status("robot-fraud", "FRAUD_SUSPICION_CONFIRMED")
        .await;
    let ident: Value = env.get_json(&token, "/identifications/robot-fraud").await;
    assert_eq!(process(&ident)["reason"], "WARNING_FAKED_MANIPULATED_ID");
}

#[tokio::test]
async fn canceled_robot_in_a_custom_field_cancels_with_other_error_and_thin_body() {
    let (env, mut hooks, token) = start_with_webhooks(1000.0).await;
    env.create_robot(&token, "robot-cancel", "custom3", "X-MANUALTEST-CANCELED")
        .await;
    assert_eq!(hooks.next_result().await, "START");
    let canceled = hooks.next().await.body;
    assert_eq!(process(&canceled)["result"], "CANCELED");
    assert_eq!(process(&canceled)["reason"], "OTHER_ERROR");
    assert!(canceled.get("attachments").is_none());
    assert!(canceled.get("identificationdocument").is_none());
    assert_eq!(
        canceled["userdata"]["lastname"],
        json!({"status": "ORIGINAL", "original": "Musterman"})
    );
    let deliveries = env.deliveries(2).await;
    assert_eq!(deliveries[1].webhook_type, "CANCELED");
    // CANCELED is retryable with the same IdentID: the user can start again.
    env.act_ok("robot-cancel", "start", json!({})).await;
    assert_eq!(hooks.next_result().await, "START");
}

#[tokio::test]
async fn robot_waits_for_the_user_when_autostart_is_off() {
    let options = IdnowOptions {
        robot_autostart: false,
        ..IdnowOptions::default()
    };
    let env = start_with(1000.0, options).await;
    let token = env.login().await;
    env.create_robot(&token, "robot-wait", "firstname", "X-MANUALTEST-HAPPYPATH")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(env.status_of("robot-wait"), "CREATED");
    env.act_ok("robot-wait", "start", json!({})).await;
    env.wait_for_status("robot-wait", "SUCCESS").await;
}

#[tokio::test]
async fn realtime_then_final_with_previous_result_then_a_re_review() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    env.create_started(&token, "review-1").await;
    assert_eq!(hooks.next_result().await, "START");
    env.play_result("review-1", "REVIEW_PENDING").await;
    let realtime = hooks.next().await.body;
    assert_eq!(process(&realtime)["result"], "REVIEW_PENDING");
    assert!(
        realtime.get("attachments").is_some(),
        "preliminary results carry data"
    );
    let result =
        json!({"result": "FRAUD_SUSPICION_CONFIRMED", "reason": "WARNING_MANIPULATED_DATA"});
    env.act_ok("review-1", "result", result).await;
    let final_hook = hooks.next().await.body;
    assert_eq!(process(&final_hook)["result"], "FRAUD_SUSPICION_CONFIRMED");
    assert_eq!(process(&final_hook)["previousresult"], "REVIEW_PENDING");
    // Setting a result on a finished ident is refused; a supervisor re-review changes it.
    let refused = env
        .act("review-1", "result", json!({"result": "SUCCESS"}))
        .await;
    assert_eq!(refused.status(), 409);
    env.act_ok("review-1", "review", json!({"result": "SUCCESS"}))
        .await;
    let rereview = hooks.next().await.body;
    assert_eq!(process(&rereview)["result"], "SUCCESS");
    assert_eq!(rereview["userdata"]["firstname"]["reviewstatus"], "MATCH");
    assert_eq!(env.webhook_types(), ["START", "REALTIME", "FINAL", "FINAL"]);
}

#[tokio::test]
async fn abort_sends_aborted_with_the_reason_and_the_same_ident_can_be_resumed() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    let id = env.create_started(&token, "abort-1").await;
    hooks.next().await;
    let abort = json!({"reason": "USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE"});
    env.act_ok("abort-1", "abort", abort).await;
    let aborted = hooks.next().await.body;
    assert_eq!(process(&aborted)["result"], "ABORTED");
    assert_eq!(
        process(&aborted)["reason"],
        "USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE"
    );
    assert_eq!(process(&aborted)["identificationtime"], Value::Null);
    assert_eq!(aborted["identificationdocument"], json!({}));
    assert_eq!(
        aborted["userdata"]["birthday"],
        json!({"status": "ORIGINAL", "original": "1987-05-23"})
    );
    env.play_result("abort-1", "SUCCESS").await;
    assert_eq!(hooks.next_result().await, "START");
    let success = hooks.next().await.body;
    assert_eq!(process(&success)["result"], "SUCCESS");
    assert_eq!(process(&success)["id"], id.as_str());
    assert_eq!(
        env.sandbox
            .idnow()
            .ident(DEFAULT_COMPANY, "abort-1")
            .unwrap()
            .attempts,
        2
    );
}

#[tokio::test]
async fn check_pending_webhook_has_a_thin_body() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    env.create_ok(&token, "check-1", erika()).await;
    env.sandbox
        .idnow()
        .set_result(
            DEFAULT_COMPANY,
            "check-1",
            &Outcome::new("CHECK_PENDING", None),
        )
        .unwrap();
    assert_eq!(hooks.next_result().await, "START");
    let check = hooks.next().await.body;
    assert_eq!(process(&check)["result"], "CHECK_PENDING");
    assert!(check.get("attachments").is_none());
    assert!(check.get("identificationdocument").is_none());
    assert!(check["userdata"]["firstname"].get("value").is_none());
    assert_eq!(env.deliveries(2).await[1].webhook_type, "REALTIME");
}

#[tokio::test]
async fn webhooks_carry_basic_auth_when_configured() {
    let env = start(1.0).await;
    let mut hooks = receiver(&[]).await;
    configure_webhook(&env, &hooks.url, Some(("hookuser", "hook-secret"))).await;
    let token = env.login().await;
    env.create_started(&token, "auth-hook").await;
    let hook = hooks.next().await;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("hookuser:hook-secret")
    );
    assert_eq!(hook.headers["authorization"], expected.as_str());
    assert!(hook.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_doubling_delays_on_3xx_4xx_5xx() {
    // Time scale 100: the documented 1 s, 2 s, 4 s retries take 10, 20, 40 ms.
    let (env, mut hooks, token) =
        start_with_webhook_answers(100.0, IdnowOptions::default(), &[500, 302, 404]).await;
    env.create_started(&token, "retry-1").await;
    let first = Instant::now();
    let mut arrivals = vec![Duration::ZERO];
    hooks.next().await;
    for _ in 0..3 {
        hooks.next().await;
        arrivals.push(first.elapsed());
    }
    assert!(arrivals[1] >= Duration::from_millis(10), "{arrivals:?}");
    assert!(
        arrivals[2] - arrivals[1] >= Duration::from_millis(20),
        "{arrivals:?}"
    );
    assert!(
        arrivals[3] - arrivals[2] >= Duration::from_millis(40),
        "{arrivals:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let delivery = &env.sandbox.idnow().webhook_deliveries()[0];
    assert_eq!(
        delivery.statuses,
        [Some(500), Some(302), Some(404), Some(200)]
    );
    assert_eq!(delivery.outcome, DeliveryOutcome::Delivered);
}

#[tokio::test]
async fn an_outdated_retry_is_dropped_after_the_ident_changed() {
    // Time scale 2: the first retry waits 500 ms, long enough to finish the ident meanwhile.
    let (env, mut hooks, token) =
        start_with_webhook_answers(2.0, IdnowOptions::default(), &[200, 500]).await;
    env.create_started(&token, "outdated-1").await;
    assert_eq!(hooks.next_result().await, "START");
    env.play_result("outdated-1", "REVIEW_PENDING").await;
    assert_eq!(hooks.next_result().await, "REVIEW_PENDING");
    env.play_result("outdated-1", "SUCCESS").await;
    assert_eq!(hooks.next_result().await, "SUCCESS");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let deliveries = env.sandbox.idnow().webhook_deliveries();
    assert_eq!(deliveries[1].webhook_type, "REALTIME");
    assert_eq!(deliveries[1].outcome, DeliveryOutcome::DroppedOutdated);
    assert_eq!(deliveries[1].attempts, 1);
    assert_eq!(deliveries[2].outcome, DeliveryOutcome::Delivered);
    assert!(hooks.rx.try_recv().is_err(), "no REALTIME after FINAL");
    // The log is readable over HTTP too.
    let log = env
        .control_json("/webhooks?transactionnumber=outdated-1")
        .await;
    assert_eq!(log["deliveries"][1]["outcome"], "dropped_outdated");
}

#[tokio::test]
async fn retries_give_up_after_the_maximum_retry_time() {
    let options = IdnowOptions {
        webhook_max_retry_time: Duration::from_secs(10),
        ..IdnowOptions::default()
    };
    // 1 + 2 + 4 documented seconds fit into 10; the next (8 s) would not.
    let (env, _hooks, token) = start_with_webhook_answers(1000.0, options, &[503; 10]).await;
    env.create_started(&token, "giveup-1").await;
    for _ in 0..100 {
        let deliveries = env.sandbox.idnow().webhook_deliveries();
        if deliveries
            .first()
            .is_some_and(|d| d.outcome == DeliveryOutcome::GaveUp)
        {
            assert_eq!(deliveries[0].attempts, 4);
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("retries never gave up");
}

#[tokio::test]
async fn older_robot_scenarios_go_through_review() {
    let (env, mut hooks, token) = start_with_webhooks(1000.0).await;
    env.create_robot(
        &token,
        "robot-review",
        "custom5",
        "X-AUTOTEST-CHANGEALLREVIEW",
    )
    .await;
    assert_eq!(hooks.next_result().await, "START");
    assert_eq!(hooks.next_result().await, "REVIEW_PENDING");
    let done = hooks.next().await.body;
    assert_eq!(process(&done)["result"], "SUCCESS_DATA_CHANGED");
    assert_eq!(process(&done)["previousresult"], "REVIEW_PENDING");
    assert_eq!(process(&done)["reviewchanges"], true);
    assert_eq!(
        done["userdata"]["lastname"],
        json!({"status": "CHANGE", "value": "MUSTERMANN", "original": "Musterman",
               "reviewstatus": "CHANGE", "identification": "MUSTERMAN"})
    );
    env.create_robot(&token, "robot-fraudok", "firstname", "x-manualtest-fraudok")
        .await;
    assert_eq!(hooks.next_result().await, "START");
    let pending = hooks.next().await.body;
    assert_eq!(process(&pending)["result"], "FRAUD_SUSPICION_PENDING");
    let done = hooks.next().await.body;
    assert_eq!(process(&done)["result"], "SUCCESS");
    assert_eq!(process(&done)["previousresult"], "FRAUD_SUSPICION_PENDING");
}

#[tokio::test]
async fn an_old_webhook_can_be_redelivered_out_of_order() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    env.create_ok(&token, "redeliver-1", erika()).await;
    env.play_result("redeliver-1", "REVIEW_PENDING").await;
    env.play_result("redeliver-1", "SUCCESS").await;
    for expected in ["START", "REVIEW_PENDING", "SUCCESS"] {
        assert_eq!(hooks.next_result().await, expected);
    }
    let realtime = env.deliveries(3).await[1].id;
    let response = env
        .control_post(&format!("/webhooks/{realtime}/redeliver"), None)
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        hooks.next_result().await,
        "REVIEW_PENDING",
        "the old REALTIME again, after FINAL"
    );
    assert!(env.sandbox.idnow().redeliver_webhook(realtime));
    assert_eq!(hooks.next_result().await, "REVIEW_PENDING");
    assert!(!env.sandbox.idnow().redeliver_webhook(999));
}

#[tokio::test]
async fn a_webhook_into_a_control_api_is_refused() {
    let env = start(1.0).await;
    for url in [
        format!("{}/webhooks/1/redeliver", env.control()),
        format!("{}/__CONTROL/faults", env.sandbox.base_url()),
        // The same path percent-encoded, refused as the POSTIDENT half refuses it (a proxy in

        // front of the sandbox may decode it).
        format!("{}/webhooks/1/redeliver", env.control()).replace("__control", "%5F%5Fcontrol"),
        format!("{}/webhooks/1/redeliver", env.control()).replace("__control", "__%63ontrol"),
    ] {
        let response = env.put_webhook(json!({ "url": url })).await;
        assert_eq!(response.status(), 400, "{url}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("__control"),
            "{body}"
        );
    }
    let target = kyc_sandbox::idnow::WebhookTarget {
        url: format!("{}/webhooks/1/redeliver", env.control())
            .parse()
            .unwrap(),
        basic_auth: None,
    };
    assert!(env
        .sandbox
        .idnow()
        .set_webhook(DEFAULT_COMPANY, Some(target))
        .is_err());
}

#[tokio::test]
async fn removing_the_webhook_stops_pending_deliveries() {
    // Time scale 2: the first retry would come after 500 ms.
    let (env, mut hooks, token) =
        start_with_webhook_answers(2.0, IdnowOptions::default(), &[500; 20]).await;
    env.create_started(&token, "unhook-1").await;
    hooks.next().await;
    let response = env
        .control_delete(&format!("/companies/{DEFAULT_COMPANY}/webhook"))
        .await;
    assert_eq!(response.status(), 200);
    // A change after the removal is not sent at all.
    env.play_result("unhook-1", "SUCCESS").await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    let deliveries = env.sandbox.idnow().webhook_deliveries();
    assert_eq!(deliveries.len(), 1, "nothing queued without a webhook");
    assert_eq!(deliveries[0].attempts, 1, "no retry after the removal");
    assert_eq!(
        deliveries[0].outcome,
        DeliveryOutcome::DroppedWebhookRemoved
    );
    assert!(hooks.rx.try_recv().is_err());
}

#[tokio::test]
async fn an_inactive_user_is_aborted_after_thirty_minutes() {
    // Time scale 6,000: thirty documented minutes take 300 ms.
    let (env, mut hooks, token) = start_with_webhooks(6_000.0).await;
    env.create_started(&token, "idle-1").await;
    assert_eq!(hooks.next_result().await, "START");
    let started = Instant::now();
    let aborted = hooks.next().await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    let process = process(&aborted.body);
    assert_eq!(process["result"], "ABORTED");
    assert!(process.get("reason").is_none(), "the user chose no reason");
    let response = env.get(&token, "/identifications/idle-1").await;
    assert_eq!(response.status(), 200, "an ended attempt has data");
    // The same ident can be resumed; a user who finishes in time is not aborted.
    env.act_ok("idle-1", "start", json!({})).await;
    assert_eq!(hooks.next_result().await, "START");
    env.play_result("idle-1", "SUCCESS").await;
    assert_eq!(hooks.next_result().await, "SUCCESS");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(hooks.rx.try_recv().is_err(), "no abort after the result");
    assert_eq!(env.status_of("idle-1"), "SUCCESS");
}

#[tokio::test]
async fn an_ident_is_deleted_at_the_end_of_its_lifetime() {
    let options = IdnowOptions {
        ident_lifetime: Some(Duration::from_secs(60)),
        ..IdnowOptions::default()
    };
    // Time scale 100: the 60 documented seconds take 600 ms.
    let env = start_with(100.0, options).await;
    let token = env.login().await;
    let id = env.create_succeeded(&token, "lifetime-1").await;
    let response = env.get(&token, "/identifications/lifetime-1").await;
    assert_eq!(response.status(), 200);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(env
        .sandbox
        .idnow()
        .ident(DEFAULT_COMPANY, "lifetime-1")
        .is_none());
    let response = env.get(&token, "/identifications/lifetime-1").await;
    let error = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert!(
        !error["key"].as_str().unwrap_or_default().contains(&id),
        "a deleted ident is not named as existing"
    );
    let response = env.get(&token, &format!("/identifications/{id}")).await;
    assert_eq!(response.status(), 404);
    // The transaction number stays used.
    let response = env.create(&token, "lifetime-1", erika()).await;
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn a_decision_withdrawn_or_re_reviewed_reports_a_later_time() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    env.create_ok(&token, "withdraw-1", erika()).await;
    env.play_result("withdraw-1", "SUCCESS").await;
    assert_eq!(hooks.next_result().await, "START");
    let success = hooks.next().await.body;
    // At once, within the same second: the later word still reports a later time.
    let review = json!({"result": "CANCELED", "reason": "IDENT_OTHER"});
    env.act_ok("withdraw-1", "review", review).await;
    let canceled = hooks.next().await.body;
    assert_eq!(process(&canceled)["result"], "CANCELED");
    assert!(
        canceled["userdata"]["lastname"].get("value").is_none(),
        "personal data is withdrawn with the decision: ORIGINAL only"
    );
    let time = |b: &Value| {
        chrono::DateTime::parse_from_rfc3339(process(b)["identificationtime"].as_str().unwrap())
            .unwrap()
    };
    assert!(time(&canceled) > time(&success));
    // The cancelled ident can be tried again.
    env.act_ok("withdraw-1", "start", json!({})).await;
    assert_eq!(hooks.next_result().await, "START");
}
