//! The partner role of result guide section 9, black-box over HTTP: a partner creates cases for
//! the client's clientId with its own credentials, receives webhooks at `webHookUrlPartner`, and
//! reads the status of its own cases only — result data and archiving are refused (403). The
//! client reads everything as usual; a partner's case is invoiced under its own accounting
//! number.

use std::time::Duration;

use crate::support::postident::*;
use crate::support::send;
use kyc_sandbox::postident::{
    PostidentOptions, PostidentPartner, DEFAULT_PARTNER_PASSWORD, DEFAULT_PARTNER_USERNAME,
};
use kyc_sandbox::Sandbox;
use serde_json::{json, Value};

fn as_partner(sb: &Sandbox, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    req.basic_auth(
        sb.postident().partner_username().unwrap(),
        sb.postident().partner_password(),
    )
}

/// `GET {cases}{suffix}` as the partner; returns (status, body or null).
async fn partner_get(sb: &Sandbox, suffix: &str) -> (u16, Value) {
    let r = send(as_partner(sb, http().get(url(sb, suffix)))).await;
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_partner_creates_follows_the_status_and_never_sees_result_data() {
    let sb = start(PostidentOptions::default()).await;
    assert_eq!(
        sb.postident().partner_username(),
        Some(DEFAULT_PARTNER_USERNAME)
    );
    assert_eq!(
        sb.postident().partner_password(),
        Some(DEFAULT_PARTNER_PASSWORD)
    );
    let client_hook = Receiver::start(200, Duration::ZERO).await;
    let partner_hook = Receiver::start(200, Duration::ZERO).await;
    let mut order = order_with_hook("partner-1", &client_hook.url);
    order["processData"]["webHookUrlPartner"] = json!(partner_hook.url);
    let r = send(as_partner(&sb, http().post(url(&sb, ""))).json(&order)).await;
    assert_eq!(r.status(), 201);
    let case_id = r.json::<Value>().await.unwrap()["caseId"]
        .as_str()
        .unwrap()
        .to_owned();
    let client_case = create_id(&sb, "client-1").await;
    let (status, _) = play(&sb, &case_id, "video", "success").await;
    assert_eq!(status, 200);

    // Both the client and the partner are notified, with the same ids only.
    let got = partner_hook.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got[0].body["caseId"], case_id.as_str());
    assert!(!client_hook
        .wait_for(1, Duration::from_secs(5))
        .await
        .is_empty());

    // The partner reads the status calls of its case.
    let (status, one) = partner_get(&sb, &format!("/{case_id}/status")).await;
    assert_eq!(status, 200);
    assert_eq!(one["caseStatus"]["status"], "closed");
    assert_eq!(primary_status(&one)["status"], "success");
    assert!(one.get("contactData").is_none());
    assert!(one["primaryIdent"].get("identificationDocument").is_none());
    let (status, full) = partner_get(&sb, &format!("/{case_id}/status/full")).await;
    assert_eq!(status, 200);
    assert!(full["identifications"].is_array());
    let (status, list) = partner_get(&sb, "/status?new=true&inProgress=true&closed=true").await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["caseId"].as_str())
        .collect();
    assert_eq!(listed, [case_id.as_str()], "only the partner's own cases");

    // Result data, other cases and archiving are not the partner's.
    for suffix in [
        format!("/{case_id}"),
        format!("/{case_id}/full"),
        "".to_string(),
        "/full".to_string(),
    ] {
        let (status, body) = partner_get(&sb, &suffix).await;
        assert_eq!(status, 403, "{suffix}");
        assert!(
            body["message"].as_str().unwrap().contains("status"),
            "{body}"
        );
    }
    let (status, _) = partner_get(&sb, &format!("/{client_case}/status")).await;
    assert_eq!(status, 404, "a case the partner did not create");
    let archive = as_partner(&sb, http().patch(url(&sb, "/archive"))).json(&json!([case_id]));
    assert_eq!(send(archive).await.status(), 403);

    // The client reads everything, and the partner's case has its own accounting number.
    let (status, _, client_view) = get_json(&sb, &format!("/{case_id}")).await;
    assert_eq!(status, 200);
    assert!(client_view.get("contactData").is_some());
    play(&sb, &client_case, "video", "success").await;
    let (_, _, own) = get_json(&sb, &format!("/{client_case}/status")).await;
    let partner_number = one["accountingData"]["accountingNumber"].as_str().unwrap();
    let client_number = own["accountingData"]["accountingNumber"].as_str().unwrap();
    assert_eq!(partner_number.len(), 14);
    assert!(partner_number.ends_with("99"), "{partner_number}");
    assert!(!client_number.ends_with("99"), "{client_number}");
}

#[tokio::test]
async fn partners_are_configurable_and_wrong_partner_credentials_are_401() {
    let sb = start(PostidentOptions {
        partners: vec![PostidentPartner {
            client_id: None,
            username: "portal".into(),
            password: "portal-secret".into(),
            data_password: "portal-data".into(),
        }],
        ..Default::default()
    })
    .await;
    assert_eq!(sb.postident().partner_username(), Some("portal"));
    let status_as = |user: &str, password: &str| {
        send(
            http()
                .get(url(&sb, "/status"))
                .basic_auth(user, Some(password)),
        )
    };
    assert_eq!(status_as("portal", "portal-secret").await.status(), 200);
    let r = status_as(DEFAULT_PARTNER_USERNAME, DEFAULT_PARTNER_PASSWORD).await;
    assert_eq!(r.status(), 401);
    // Without partners, nobody but the client gets in.
    let sb = start(PostidentOptions {
        partners: Vec::new(),
        ..Default::default()
    })
    .await;
    assert_eq!(sb.postident().partner_username(), None);
    let account = control_json(&sb, "/account").await;
    assert_eq!(account["partners"], json!([]));
}
