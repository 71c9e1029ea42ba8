//! POSTIDENT sandbox, list endpoints and archiving over real HTTP: status filters, date filters
//! with offsets, maxResults, the 1,000-case page with X-PARTIAL-DELIVERY, archive rules.

use crate::support::postident::*;
use crate::support::send;
use kyc_sandbox::postident::{Method, Outcome, PostidentOptions};
use serde_json::{json, Value};

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["caseId"].as_str().unwrap().to_owned())
        .collect()
}

/// Three cases: one new, one in progress, one closed (in that creation order).
async fn three_cases(sb: &kyc_sandbox::Sandbox) -> (String, String, String) {
    let new = create_id(sb, "L-NEW").await;
    let progress = create_id(sb, "L-PROG").await;
    play(sb, &progress, "video", "start").await;
    let closed = create_id(sb, "L-CLOSED").await;
    play(sb, &closed, "eid", "success").await;
    (new, progress, closed)
}

#[tokio::test]
async fn status_filters_default_to_closed_only() {
    let sb = start(PostidentOptions::default()).await;
    let (new, progress, closed) = three_cases(&sb).await;
    for path in ["", "/", "/full", "/status", "/status/full"] {
        let (status, headers, list) = get_json(&sb, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(ids(&list), std::slice::from_ref(&closed), "{path}");
        assert!(headers.get("x-partial-delivery").is_none());
    }
    let (_, _, l) = get_json(&sb, "?new=true&closed=false").await;
    assert_eq!(ids(&l), std::slice::from_ref(&new));
    let (_, _, l) = get_json(&sb, "/status?inProgress=true&closed=false").await;
    assert_eq!(ids(&l), std::slice::from_ref(&progress));
    let (_, _, l) = get_json(&sb, "/full?new=true&inProgress=true").await;
    assert_eq!(ids(&l), [new, progress, closed]);
    let (_, _, l) = get_json(&sb, "?closed=false").await;
    assert!(ids(&l).is_empty());
    assert_eq!(authed_get(&sb, "?closed=yes").await.status(), 400);
}

#[tokio::test]
async fn list_items_follow_the_variant() {
    let sb = start(PostidentOptions::default()).await;
    let (_, _, closed) = three_cases(&sb).await;
    let (_, _, primary) = get_json(&sb, "").await;
    assert_eq!(primary[0]["caseId"], closed.as_str());
    assert!(primary[0]["primaryIdent"]["identificationDocument"].is_object());
    assert!(primary[0].get("identifications").is_none());
    // Lists never carry binary data or the result PDF, whatever is asked.
    let (_, _, l) = get_json(&sb, "?includeResultPdf=true&includeBinaryData=true").await;
    let text = l.to_string();
    assert!(!text.contains("documentData") && !text.contains("\"result\""));
    let (_, _, status) = get_json(&sb, "/status/full").await;
    assert!(status[0]["identifications"][0]
        .get("identificationDocument")
        .is_none());
    assert!(status[0].get("contactData").is_none());
}

#[tokio::test]
async fn date_filters_take_iso_8601_with_offset_and_refuse_anything_else() {
    let sb = start(PostidentOptions::default()).await;
    let (new, _, closed) = three_cases(&sb).await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let past = (chrono::Utc::now() - chrono::Duration::hours(1))
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let (_, _, l) = get_json(
        &sb,
        &format!(
            "?new=true&createdFrom={}&createdUntil={}",
            enc(&past),
            enc(&future)
        ),
    )
    .await;
    assert_eq!(ids(&l).len(), 2);
    let (_, _, l) = get_json(&sb, &format!("?new=true&createdFrom={}", enc(&future))).await;
    assert!(ids(&l).is_empty());
    let (_, _, l) = get_json(&sb, &format!("?new=true&createdUntil={}", enc(&past))).await;
    assert!(ids(&l).is_empty());
    // closedFrom/Until only match closed cases.
    let (_, _, l) = get_json(
        &sb,
        &format!(
            "/status?new=true&closedFrom={}&closedUntil={}",
            enc(&past),
            enc(&future)
        ),
    )
    .await;
    assert_eq!(ids(&l), std::slice::from_ref(&closed));
    let (_, _, l) = get_json(&sb, &format!("?closedUntil={}", enc(&past))).await;
    assert!(ids(&l).is_empty());
    let _ = new;
    // Unparseable: no offset, not a date, and an unencoded '+' (decoded as a space).
    for bad in [
        "createdFrom=2016-12-26T00:00:00".to_owned(),
        "createdUntil=yesterday".to_owned(),
        "closedFrom=2016-12-26T00:00:00+02:00".to_owned(),
        format!("closedUntil={}", enc("2016-13-26T00:00:00+02:00")),
    ] {
        let r = authed_get(&sb, &format!("?{bad}")).await;
        assert_eq!(r.status(), 400, "{bad}");
        let param = bad.split('=').next().unwrap();
        assert!(message_of(r).await.contains(param));
    }
}

#[tokio::test]
async fn max_results_limits_and_marks_partial_delivery() {
    let sb = start(PostidentOptions::default()).await;
    for n in 0..3 {
        let id = create_id(&sb, &format!("MR-{n}")).await;
        play(&sb, &id, "video", "success").await;
    }
    let (_, headers, l) = get_json(&sb, "/status?maxResults=2").await;
    assert_eq!(ids(&l).len(), 2);
    assert_eq!(headers["x-partial-delivery"], "true");
    let (_, headers, l) = get_json(&sb, "/status?maxResults=3").await;
    assert_eq!(ids(&l).len(), 3);
    assert!(headers.get("x-partial-delivery").is_none());
    let r = authed_get(&sb, "/status?maxResults=many").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn lists_stop_at_1000_cases_and_archiving_pages_through_the_rest() {
    let sb = start(PostidentOptions::default()).await;
    let p = sb.postident();
    for _ in 0..1001 {
        let created = p.create_case(&json!({})).unwrap();
        let id = created["caseId"].as_str().unwrap();
        p.complete(id, Method::Basic, &Outcome::Success).unwrap();
    }
    let (_, headers, first) = get_json(&sb, "/status").await;
    let first = ids(&first);
    assert_eq!(first.len(), 1000);
    assert_eq!(headers["x-partial-delivery"], "true");
    // The documented way to the next page: archive what was received, ask again.
    let r = archive(&sb, &first).await;
    assert_eq!(r.status(), 200);
    let archived: Value = r.json().await.unwrap();
    assert_eq!(archived.as_array().unwrap().len(), 1000);
    let (_, headers, rest) = get_json(&sb, "/status").await;
    assert_eq!(ids(&rest).len(), 1);
    assert!(!first.contains(&ids(&rest)[0]));
    assert!(headers.get("x-partial-delivery").is_none());
}

#[tokio::test]
async fn archive_affects_closed_cases_only_and_archived_stay_archived() {
    let sb = start(PostidentOptions::default()).await;
    let (new, progress, closed) = three_cases(&sb).await;
    let body = json!([new, progress, closed, "UNKNOWNCASE1"]);
    let r = archive(&sb, &body).await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 1, "only the closed case is updated: {out:?}");
    assert_eq!(out[0]["caseId"], closed.as_str());
    assert_eq!(out[0]["caseStatus"]["archived"], true);
    assert_eq!(out[0]["caseStatus"]["status"], "closed");
    for k in ["created", "modified", "validUntil"] {
        assert!(out[0]["caseStatus"][k].is_string());
    }
    // The others are unchanged.
    let (_, _, n) = get_json(&sb, &format!("/{new}/status")).await;
    assert_eq!(n["caseStatus"]["archived"], false);
    // Archived cases leave the default list and come back with archived=true.
    let (_, _, l) = get_json(&sb, "").await;
    assert!(ids(&l).is_empty());
    let (_, _, l) = get_json(&sb, "?archived=true").await;
    assert_eq!(ids(&l), std::slice::from_ref(&closed));
    // Archiving again: it stays archived, and since nothing was updated the answer has no
    // status object for it ("one for each updated case", 7.6.1).
    let r = archive(&sb, &json!([closed])).await;
    assert_eq!(r.status(), 200);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again, json!([]), "an already archived case is not updated");
    // A single case still reads normally, marked archived.
    let (status, _, c) = get_json(&sb, &format!("/{closed}")).await;
    assert_eq!(status, 200);
    assert_eq!(c["caseStatus"]["archived"], true);
}

#[tokio::test]
async fn archive_refuses_more_than_10000_ids_and_bodies_that_are_not_id_arrays() {
    let sb = start(PostidentOptions::default()).await;
    let too_many: Vec<String> = (0..10_001).map(|n| format!("CASE{n:08}")).collect();
    assert_eq!(archive(&sb, &too_many).await.status(), 400);
    let exactly: Vec<String> = (0..10_000).map(|n| format!("CASE{n:08}")).collect();
    assert_eq!(archive(&sb, &exactly).await.status(), 200);
    for bad in [json!({"caseIds": []}), json!([1, 2])] {
        assert_eq!(archive(&sb, &bad).await.status(), 400, "{bad}");
    }
    let r = send(http().patch(url(&sb, "/archive")).json(&json!([]))).await;
    assert_eq!(r.status(), 401);
}
