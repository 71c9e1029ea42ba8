//! Listing cases against the sandbox over HTTP: every filter (status flags, archived, created
//! and closed dates with offsets, maxResults), the four list paths, `X-PARTIAL-DELIVERY`, the
//! archiving walk, and the neutral `list_cases`.

use crate::common;

use chrono::{DateTime, Duration as ChronoDuration, FixedOffset, Utc};
use kyc_core::{CaseFilter, CaseStatus, ErrorKind, KycProvider};
use kyc_postident::client::ListQuery;
use kyc_postident::wire::CaseProgress;
use kyc_postident::PostidentProvider;
use kyc_sandbox::postident::{FaultKind, Method, Outcome};
use kyc_sandbox::Sandbox;
use std::collections::BTreeSet;

/// A sandbox (keep it: dropping it stops it), the adapter for it, and one case per state
/// there: new, in progress (video started), closed (video success); the caseIds in that order.
async fn sandbox_with_three_cases() -> (Sandbox, PostidentProvider, [String; 3]) {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let ids = three_cases(&sandbox, &postident).await;
    (sandbox, postident, ids)
}

/// Creates one case per state: new, in progress (video started), closed (video success).
async fn three_cases(sandbox: &Sandbox, postident: &PostidentProvider) -> [String; 3] {
    let mut ids = Vec::new();
    for reference in ["list-new", "list-running", "list-closed"] {
        ids.push(common::case_id(&common::create(postident, reference).await));
    }
    common::complete(sandbox, &ids[1], Method::Video, &Outcome::Start);
    common::complete(sandbox, &ids[2], Method::Video, &Outcome::Success);
    [ids[0].clone(), ids[1].clone(), ids[2].clone()]
}

fn ids(list: &kyc_postident::CaseListResponse) -> BTreeSet<String> {
    list.cases
        .iter()
        .filter_map(|c| c.result.case_id.clone())
        .collect()
}

/// The caseIds the typed client lists for `query`.
async fn listed(client: &kyc_postident::Client, query: &ListQuery) -> BTreeSet<String> {
    ids(&client.list_cases(query).await.unwrap())
}

fn set(items: &[&String]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn in_zone(t: DateTime<Utc>, hours: i32) -> DateTime<FixedOffset> {
    t.with_timezone(&FixedOffset::east_opt(hours * 3600).unwrap())
}

#[tokio::test]
async fn status_flags_select_new_running_and_closed_cases() {
    let (_sandbox, postident, [new, running, closed]) = sandbox_with_three_cases().await;
    let client = postident.client();

    let default = client.list_cases(&ListQuery::default()).await.unwrap();
    assert_eq!(
        ids(&default),
        set(&[&closed]),
        "POSTIDENT's default: closed only"
    );
    assert!(!default.partial);

    let only_new = ListQuery {
        new: true,
        closed: false,
        ..Default::default()
    };
    assert_eq!(listed(client, &only_new).await, set(&[&new]));
    let only_running = ListQuery {
        in_progress: true,
        closed: false,
        ..Default::default()
    };
    let running_list = client.list_cases(&only_running).await.unwrap();
    assert_eq!(ids(&running_list), set(&[&running]));
    assert_eq!(
        running_list.cases[0]
            .result
            .case_status
            .as_ref()
            .unwrap()
            .status,
        Some(CaseProgress::InProgress)
    );
    let all = ListQuery {
        new: true,
        in_progress: true,
        ..Default::default()
    };
    assert_eq!(listed(client, &all).await, set(&[&new, &running, &closed]));
}

#[tokio::test]
async fn the_four_list_paths() {
    let (_sandbox, postident, [_, _, closed]) = sandbox_with_three_cases().await;
    let client = postident.client();
    for (full, status_only) in [(false, false), (true, false), (false, true), (true, true)] {
        let query = ListQuery {
            full,
            status_only,
            ..Default::default()
        };
        let list = client.list_cases(&query).await.unwrap();
        assert_eq!(list.cases.len(), 1, "full={full} status={status_only}");
        let case = &list.cases[0].result;
        assert_eq!(case.case_id.as_deref(), Some(closed.as_str()));
        assert_eq!(
            case.contact_data.is_none(),
            status_only,
            "status lists carry no result data"
        );
        assert_eq!(!case.identifications.is_empty(), full, "full={full}");
        for binary in case.primary().unwrap().all_records() {
            assert!(
                binary.document_data.is_none(),
                "lists never carry binary data"
            );
        }
    }
}

#[tokio::test]
async fn date_filters_are_sent_with_their_offset_encoded() {
    let (_sandbox, postident, [new, running, closed]) = sandbox_with_three_cases().await;
    let client = postident.client();
    let now = Utc::now();
    let every = |q: ListQuery| ListQuery {
        new: true,
        in_progress: true,
        ..q
    };
    // +02:00 and -05:00 offsets: a '+' sent unencoded would arrive as a space.
    let since_an_hour = every(ListQuery {
        created_from: Some(in_zone(now - ChronoDuration::hours(1), 2)),
        created_until: Some(in_zone(now + ChronoDuration::hours(1), -5)),
        ..Default::default()
    });
    assert_eq!(
        listed(client, &since_an_hour).await,
        set(&[&new, &running, &closed])
    );
    let from_the_future = every(ListQuery {
        created_from: Some(in_zone(now + ChronoDuration::hours(1), 2)),
        ..Default::default()
    });
    assert!(listed(client, &from_the_future).await.is_empty());
    let closed_recently = ListQuery {
        closed_from: Some(in_zone(now - ChronoDuration::minutes(10), 2)),
        closed_until: Some(in_zone(now + ChronoDuration::minutes(10), 2)),
        ..Default::default()
    };
    assert_eq!(listed(client, &closed_recently).await, set(&[&closed]));
    let closed_long_ago = ListQuery {
        closed_until: Some(in_zone(now - ChronoDuration::days(1), 2)),
        ..Default::default()
    };
    assert!(listed(client, &closed_long_ago).await.is_empty());
}

#[tokio::test]
async fn max_results_limits_status_lists() {
    let (_sandbox, postident, _) = sandbox_with_three_cases().await;
    let query = ListQuery {
        status_only: true,
        new: true,
        in_progress: true,
        max_results: Some(2),
        ..Default::default()
    };
    let client = postident.client();
    let list = client.list_cases(&query).await.unwrap();
    assert_eq!(list.cases.len(), 2);
    assert!(list.partial, "three cases match, two came");
    // For data lists maxResults is undocumented; the client cuts the answer itself, and says
    // that the answer is partial all the same.
    let data = ListQuery {
        status_only: false,
        ..query
    };
    let list = client.list_cases(&data).await.unwrap();
    assert_eq!(list.cases.len(), 2);
    assert!(list.partial);
    // Enough room: not partial.
    let roomy = ListQuery {
        max_results: Some(3),
        ..data
    };
    assert!(!client.list_cases(&roomy).await.unwrap().partial);
}

#[tokio::test]
async fn neutral_max_results_smaller_than_the_matches_is_a_partial_list() {
    // Issue 14 item 6: `--max-results 2` with 4 matching cases said partial: false.
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let closed = closed_cases(&sandbox, &postident, 4).await;
    let two = CaseFilter::default().with_max_results(2);
    let list = postident.list_cases(&two).await.unwrap();
    assert_eq!(list.cases.len(), 2);
    assert!(list.partial, "4 cases match, 2 were returned");
    let four = CaseFilter::default().with_max_results(4);
    let list = postident.list_cases(&four).await.unwrap();
    assert_eq!(list.cases.len(), closed.len());
    assert!(!list.partial, "every matching case was returned");
}

async fn closed_cases(sandbox: &Sandbox, postident: &PostidentProvider, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        let closed =
            common::closed_case(sandbox, postident, &format!("walk-{i}"), Method::Eid).await;
        out.push(common::case_id(&closed));
    }
    out
}

#[tokio::test]
async fn partial_delivery_is_reported_and_the_walk_archives_its_way_through() {
    let sandbox = common::sandbox_with(|o| o.list_limit = 2).await;
    let postident = common::provider(&sandbox);
    let created = closed_cases(&sandbox, &postident, 5).await;
    let client = postident.client();
    let first = client.list_cases(&ListQuery::default()).await.unwrap();
    assert_eq!(first.cases.len(), 2);
    assert!(first.partial, "X-PARTIAL-DELIVERY: true");
    let neutral = postident.list_cases(&CaseFilter::default()).await.unwrap();
    assert!(neutral.partial);

    let mut seen = Vec::new();
    let summary = client
        .list_all_archiving_each_page(&ListQuery::default(), |page| {
            seen.extend(page.into_iter().filter_map(|c| c.result.case_id));
            async { Ok(()) }
        })
        .await
        .unwrap();
    assert!(summary.complete);
    assert_eq!(summary.pages, 3);
    assert_eq!(summary.cases_seen, 5);
    let seen: BTreeSet<_> = seen.into_iter().collect();
    assert_eq!(seen, created.iter().cloned().collect());
    assert_eq!(summary.archived.len(), 5, "it archives what it read");
    let after = client.list_cases(&ListQuery::default()).await.unwrap();
    assert!(after.cases.is_empty());
    let archived = ListQuery {
        archived: true,
        ..Default::default()
    };
    assert_eq!(
        client.list_cases(&archived).await.unwrap().cases.len(),
        2,
        "archived cases are still listed with archived=true (one page)"
    );
}

#[tokio::test]
async fn the_walk_stops_before_archiving_a_page_the_caller_could_not_store() {
    let sandbox = common::sandbox_with(|o| o.list_limit = 2).await;
    let postident = common::provider(&sandbox);
    closed_cases(&sandbox, &postident, 3).await;
    let client = postident.client();
    let e = client
        .list_all_archiving_each_page(&ListQuery::default(), |_page| async {
            Err(kyc_core::Error::new(ErrorKind::Transient, "database down"))
        })
        .await
        .unwrap_err();
    assert_eq!(e.message(), "database down");
    let still_there = client.list_cases(&ListQuery::default()).await.unwrap();
    assert_eq!(still_there.cases.len(), 2, "nothing was archived");
}

#[tokio::test]
async fn the_walk_refuses_archived_lists_and_stops_when_nothing_can_be_archived() {
    let sandbox = common::sandbox_with(|o| o.list_limit = 2).await;
    let postident = common::provider(&sandbox);
    for i in 0..3 {
        common::create(&postident, &format!("open-{i}")).await;
    }
    let archived = ListQuery {
        archived: true,
        ..Default::default()
    };
    let client = postident.client();
    let e = client
        .list_all_archiving_each_page(&archived, |_| async { Ok(()) })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let new_only = ListQuery {
        new: true,
        closed: false,
        ..Default::default()
    };
    let summary = client
        .list_all_archiving_each_page(&new_only, |_| async { Ok(()) })
        .await
        .unwrap();
    assert!(
        !summary.complete,
        "new cases cannot be archived, so the walk cannot go on"
    );
    assert_eq!(summary.pages, 1);
    assert!(summary.archived.is_empty());
}

#[tokio::test]
async fn the_neutral_filter_maps_to_postident_flags() {
    let (sandbox, postident, [new, running, closed]) = sandbox_with_three_cases().await;
    let ids = |list: &kyc_core::CaseList| -> BTreeSet<String> {
        list.cases
            .iter()
            .filter_map(|c| c.case_ref.case_id.clone())
            .collect()
    };
    let finished = postident.list_cases(&CaseFilter::default()).await.unwrap();
    assert_eq!(ids(&finished), set(&[&closed]));
    assert!(matches!(
        finished.cases[0].status,
        CaseStatus::Approved { .. }
    ));
    assert_eq!(finished.cases[0].attempts.len(), 1, "lists use /full");
    let everything = postident
        .list_cases(&CaseFilter::everything())
        .await
        .unwrap();
    assert_eq!(ids(&everything), set(&[&new, &running, &closed]));
    // Retryable only: in-progress cases whose attempt ended without a decision.
    let incomplete = Outcome::Incomplete {
        sub_status: None,
        sub_status_reason: None,
    };
    common::complete(&sandbox, &running, Method::Video, &incomplete);
    let retryable = CaseFilter::default()
        .with_retryable(true)
        .with_finished(false);
    let list = postident.list_cases(&retryable).await.unwrap();
    assert_eq!(ids(&list), set(&[&running]));
    assert_eq!(list.cases[0].status, CaseStatus::Retryable);
    let limited = CaseFilter::everything().with_max_results(1);
    assert_eq!(postident.list_cases(&limited).await.unwrap().cases.len(), 1);
}

#[tokio::test]
async fn list_errors_keep_status_and_body() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let client = postident.client();
    let default_list = ListQuery::default();
    common::fail_next(&sandbox, "GET", FaultKind::Status { status: 500 }, 1);
    assert!(client.list_cases(&default_list).await.is_ok(), "retried");
    common::fail_next(&sandbox, "GET", FaultKind::Status { status: 500 }, 10);
    let e = client.list_cases(&default_list).await.unwrap_err();
    common::assert_error(&e, ErrorKind::Transient, Some(500));
    sandbox.postident().clear_faults();
    let plain = common::plain_provider(&sandbox);
    common::fail_next(&sandbox, "GET", FaultKind::MalformedJson, 1);
    let e = plain.list_cases(&CaseFilter::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert!(e.raw_body().is_some());
}
