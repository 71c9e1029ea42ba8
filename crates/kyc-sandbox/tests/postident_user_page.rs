//! POSTIDENT sandbox, the user page at `webStart.caseURL`: shows the case and one section per
//! configured method with plain HTML forms for the documented outcomes; submitting a form as a
//! browser would moves the case.

use crate::support::postident::*;
use crate::support::{send, text_of};
use kyc_sandbox::postident::{Method, PostidentOptions};

async fn case_url(sb: &kyc_sandbox::Sandbox, reference: &str) -> (String, String) {
    let created = create(sb, &sample_order(reference)).await;
    (
        created["caseId"].as_str().unwrap().to_owned(),
        created["webStart"]["caseURL"].as_str().unwrap().to_owned(),
    )
}

/// Submits a form like a browser: urlencoded POST, following the redirect back to the page.
async fn submit(action: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let client = reqwest::Client::new();
    let r = client.post(action).form(fields).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").unwrap() + "action=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

#[tokio::test]
async fn the_page_offers_the_documented_outcomes_per_configured_method() {
    let sb = start(only_methods(&[
        Method::Autoid,
        Method::Basic,
        Method::Video,
    ]))
    .await;
    let (id, url) = case_url(&sb, "PAGE-1").await;
    let r = send(http().get(&url)).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains(&id));
    for present in [
        "method-autoid",
        "method-basic",
        "method-video",
        "autoid-cancel",
        "basic-coupon_requested",
        "video-success",
        "video-data_changed",
        "video-fraud",
        "video-abuse",
        "video-incomplete",
        "video-subStatusReason",
        "972 User has hung up",
        "97 Cancellation by user",
    ] {
        assert!(html.contains(present), "{present} missing");
    }
    assert!(!html.contains("method-eid"), "eid is not configured");
    assert!(
        !html.contains("video-cancel"),
        "cancel is documented for autoid only"
    );
}

#[tokio::test]
async fn submitting_a_form_moves_the_case_to_the_chosen_outcome() {
    let sb = start(PostidentOptions::default()).await;
    let (id, url) = case_url(&sb, "PAGE-2").await;
    let html = text_of(http().get(&url)).await;
    let action = form_action(&html);
    assert!(action.starts_with(sb.postident().control_url().as_str()));

    // Abort with a reason, then finish with changed data.
    let (status, page) = submit(
        &action,
        &[
            ("method", "video"),
            ("outcome", "incomplete"),
            ("subStatus", "52"),
            ("subStatusReason", "520"),
        ],
    )
    .await;
    assert_eq!(status, 200, "redirected back to the page");
    assert!(page.contains("video incomplete"), "{page}");
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(primary_status(&case)["subStatusReason"]["code"], 520);

    submit(&action, &[("method", "video"), ("outcome", "data_changed")]).await;
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(case["caseStatus"]["status"], "closed");
    assert_eq!(primary_status(&case)["status"], "success");
    assert_eq!(
        case["contactData"]["address"]["streetAddress"]["status"],
        "change"
    );

    // The page of a closed case says so and offers no buttons.
    let html = text_of(http().get(&url)).await;
    assert!(html.contains("id=\"closed\""));
    assert!(!html.contains("<button"));
    // A refused outcome comes back as an error on the page.
    let (_, page) = submit(&action, &[("method", "video"), ("outcome", "fraud")]).await;
    assert!(page.contains("id=\"error\""));
}

#[tokio::test]
async fn each_method_outcome_lands_in_its_documented_state() {
    let sb = start(PostidentOptions::default()).await;
    let expect: Vec<(&str, &str, &str, Option<u64>)> = vec![
        ("autoid", "fraud", "declined", Some(11)),
        ("autoid", "abuse", "declined", Some(15)),
        ("autoid", "review", "review pending", None),
        ("basic", "coupon_requested", "coupon requested", None),
        ("basic", "fraud", "declined", Some(11)),
        ("eid", "success", "success", None),
        ("eid", "fraud", "declined", Some(11)),
        ("photo", "abuse", "declined", Some(15)),
        ("photo", "incomplete", "incomplete", Some(33)),
        ("video", "review", "review pending", None),
        ("video", "incomplete", "incomplete", Some(97)),
    ];
    for (n, (method, outcome_name, status, sub)) in expect.into_iter().enumerate() {
        let (id, _) = case_url(&sb, &format!("OUT-{n}")).await;
        let (code, case) = play(&sb, &id, method, outcome_name).await;
        assert_eq!(code, 200, "{method} {outcome_name}: {case}");
        let st = primary_status(&case);
        assert_eq!(st["status"], status, "{method} {outcome_name}");
        assert_eq!(
            st["subStatus"]["code"].as_u64(),
            sub,
            "{method} {outcome_name}"
        );
    }
    let (id, _) = case_url(&sb, "OUT-X").await;
    let (code, _) = play(&sb, &id, "eid", "review").await;
    assert_eq!(code, 400, "eid has no review pending state");
}

#[tokio::test]
async fn unknown_cases_get_a_404_page() {
    let sb = start(PostidentOptions::default()).await;
    let url = sb.postident().user_url("NOSUCHCASE01");
    assert_eq!(send(http().get(url)).await.status(), 404);
}

#[tokio::test]
async fn the_incomplete_form_preselects_the_cancellation_by_user_the_control_api_defaults_to() {
    let sb = start(only_methods(&[Method::Autoid, Method::Video])).await;
    let (_, url) = case_url(&sb, "PAGE-DEF").await;
    let html = text_of(http().get(&url)).await;
    for preselected in [
        "<option value=\"97\" selected>97 ",
        "<option value=\"800\" selected>800 ",
        "<option value=\"972\" selected>972 ",
    ] {
        assert!(html.contains(preselected), "{preselected} in the page");
    }
    assert!(!html.contains("<option value=\"80\" selected>"));
}
