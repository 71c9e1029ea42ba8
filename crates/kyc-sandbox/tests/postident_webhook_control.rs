//! What the control API does to webhooks, black-box over HTTP: the Basic auth credentials sent
//! with them can be set and removed at run time (so a receiver's `[postident.webhook]` set-up can
//! be tried), a webhook pointing into the control API is refused (no delivery loops), and
//! removing a case's webhook stops the deliveries not made yet.

use std::time::Duration;

use crate::support::postident::*;
use crate::support::{json_of, send};
use base64::Engine as _;
use kyc_sandbox::postident::{PostidentOptions, WebhookCredentials};
use serde_json::{json, Value};

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn webhook_credentials_are_set_and_removed_through_the_control_api() {
    let rx = Receiver::start(200, Duration::ZERO).await;
    let sb = start(PostidentOptions::default()).await;
    let creds = control(&sb, "/webhook-credentials");
    let shown = json_of(http().get(&creds)).await;
    assert_eq!(shown, Value::Null, "none by default");

    let secret = json!({"username": "postident", "password": "webhook-secret"});
    assert_eq!(send(http().put(&creds).json(&secret)).await.status(), 200);
    let shown = json_of(http().get(&creds)).await;
    assert_eq!(shown, json!({"username": "postident", "passwordSet": true}));
    assert!(!shown.to_string().contains("webhook-secret"));

    let id = create_case_id(&sb, &order_with_hook("CRED-1", &rx.url)).await;
    play(&sb, &id, "eid", "success").await;
    let got = rx.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(
        got[0].authorization.as_deref(),
        Some(basic("postident", "webhook-secret").as_str())
    );

    // Removed: the next webhook goes out without credentials.
    assert_eq!(send(http().delete(&creds)).await.status(), 204);
    sb.postident().resend_webhook(&id).unwrap();
    let got = rx.wait_for(2, Duration::from_secs(5)).await;
    assert!(got[1].authorization.is_none());

    // In process too.
    sb.postident()
        .set_webhook_credentials(Some(WebhookCredentials {
            username: "in-process".into(),
            password: "pw".into(),
        }));
    sb.postident().resend_webhook(&id).unwrap();
    let got = rx.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(
        got[2].authorization.as_deref(),
        Some(basic("in-process", "pw").as_str())
    );

    // Credentials HTTP Basic cannot carry are refused.
    for body in [
        json!({"username": "a:b", "password": "x"}),
        json!({"username": "", "password": "x"}),
        json!({"username": "a\nb", "password": "x"}),
        json!({"username": "a"}),
    ] {
        let r = send(http().put(&creds).json(&body)).await;
        assert_eq!(r.status(), 400, "{body}");
    }
}

#[tokio::test]
async fn a_webhook_into_the_control_api_is_refused() {
    let (sb, id) = sandbox_with_case("LOOP-0").await;
    let own = sb.postident().control_url();
    let localhost = own.as_str().replace("127.0.0.1", "localhost");
    for target in [
        format!("{own}/cases/{id}/webhook"),
        format!("{localhost}/cases/{id}/webhook"),
        own.as_str().replace("__control", "%5F%5Fcontrol") + "/webhooks",
    ] {
        for field in ["webHookUrl", "webHookUrlPartner"] {
            let mut order = sample_order("LOOP-1");
            order["processData"][field] = json!(target);
            let r = post_case(&sb, &order).await;
            assert_eq!(r.status(), 400, "{field} = {target}");
            let message = message_of(r).await;
            assert!(
                message.contains(&format!("processData.{field}")),
                "{message}"
            );
            assert!(message.contains("control API"), "{message}");
        }
    }
    // Through the control API's own create as well.
    let mut order = sample_order("LOOP-2");
    order["processData"]["webHookUrl"] = json!(format!("{own}/cases/{id}/webhook"));
    let r = send(http().post(control(&sb, "/cases")).json(&order)).await;
    assert_eq!(r.status(), 400);
    assert!(sb.postident().webhook_deliveries().is_empty());
}

#[tokio::test]
async fn removing_a_case_webhook_stops_the_deliveries_not_made_yet() {
    // The receiver fails, so retries are pending (900 s and 3,600 s, scaled to 2.25 s and 9 s).
    let rx = Receiver::start(500, Duration::ZERO).await;
    let sb = start_scaled(PostidentOptions::default(), 400.0).await;
    let id = create_case_id(&sb, &order_with_hook("STOP-1", &rx.url)).await;
    play(&sb, &id, "eid", "success").await;
    // Attempt 1 and the immediate retry.
    let got = rx.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    let r = control_delete(&sb, &format!("/cases/{id}/webhook")).await;
    assert_eq!(r.status(), 204);
    // The retry at +900 s (2.25 s here) would have come by now.
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(
        rx.received().len(),
        2,
        "no delivery after the webhook was removed"
    );
    // The case no longer has a webhook: a resend is refused, and nothing more is sent.
    let r = control_post(&sb, &format!("/cases/{id}/webhook")).await;
    assert_eq!(r.status(), 409);
    let case = sb.postident().case_json(&id).unwrap();
    assert!(case["orderData"]["processData"].get("webHookUrl").is_none());
    // Unknown case: 404.
    let r = control_delete(&sb, "/cases/UNKNOWNCASE1/webhook").await;
    assert_eq!(r.status(), 404);
}
