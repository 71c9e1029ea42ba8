//! `PATCH .../cases/archive` against the sandbox over HTTP: closed cases only, splitting above
//! 10,000 ids, and POSTIDENT's 400 when a request holds more than it accepts.

use crate::common;

use kyc_core::{CaseRef, ErrorKind, KycProvider, Provider};
use kyc_postident::client::ARCHIVE_BATCH_LIMIT;
use kyc_sandbox::postident::{FaultKind, Method, Outcome};

#[tokio::test]
async fn each_case_not_archived_says_truthfully_why() {
    // POSTIDENT answers a status object for each case it *updated* (7.6.1); the adapter tells
    // the others apart by reading their status: already archived, not closed, unknown.
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let closed = common::create(&postident, "arch-closed").await.case_ref;
    let open = common::create(&postident, "arch-open").await.case_ref;
    let running = common::create(&postident, "arch-running").await.case_ref;
    let unknown = common::unknown_case();
    let id = |case: &CaseRef| case.case_id.clone().unwrap();
    common::complete(&sandbox, &id(&closed), Method::Basic, &Outcome::Success);
    common::complete(&sandbox, &id(&running), Method::Video, &Outcome::Start);
    let outcome = postident
        .archive_cases(&[
            closed.clone(),
            open.clone(),
            running.clone(),
            unknown.clone(),
        ])
        .await
        .unwrap();
    assert_eq!(outcome.archived, std::slice::from_ref(&closed));
    let reason = |c: &CaseRef| {
        outcome
            .not_archived
            .iter()
            .find(|(r, _)| r == c)
            .map(|(_, why)| why.clone())
            .unwrap_or_else(|| panic!("{c} not reported: {outcome:?}"))
    };
    for (case, starts, and_says) in [
        (&open, "not closed", Some("\"new\"")),
        (&running, "not closed", Some("in progress")),
        (&unknown, "unknown case", None),
    ] {
        let why = reason(case);
        assert!(why.starts_with(starts), "{why}");
        if let Some(says) = and_says {
            assert!(why.contains(says), "{why}");
        }
    }
    assert!(postident.get_case(&closed).await.unwrap().archived);
    assert!(!postident.get_case(&open).await.unwrap().archived);

    // Archiving again: POSTIDENT updates nothing and answers nothing for it (it stays archived);
    // the adapter says so instead of claiming it archived the case now.
    let again = postident
        .archive_cases(std::slice::from_ref(&closed))
        .await
        .unwrap();
    assert!(again.archived.is_empty(), "{again:?}");
    assert!(again.not_archived.is_empty(), "{again:?}");
    assert_eq!(again.already_archived, vec![closed]);
    // The typed client returns POSTIDENT's status objects: none for an open case.
    let answered = postident
        .client()
        .archive_cases(&[open.case_id.clone().unwrap()])
        .await
        .unwrap();
    assert!(answered.is_empty(), "an open case is ignored");
}

#[tokio::test]
async fn a_case_whose_status_cannot_be_read_is_reported_as_not_updated() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_where(&sandbox, |c| c.http.max_retries = 0);
    let open = common::create(&postident, "arch-dark").await.case_ref;
    // The archive PATCH goes through; the status read that would tell why fails.
    common::fail_next(&sandbox, "GET", FaultKind::Status { status: 503 }, 1);
    let outcome = postident
        .archive_cases(std::slice::from_ref(&open))
        .await
        .unwrap();
    assert!(outcome.archived.is_empty());
    let (case, why) = &outcome.not_archived[0];
    assert_eq!(case, &open);
    assert!(why.starts_with("not updated"), "{why}");
    assert!(why.contains("503"), "{why}");
}

#[tokio::test]
async fn more_than_10000_ids_are_sent_in_several_requests() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let real = common::create(&postident, "arch-big").await;
    let real_id = common::case_id(&real);
    common::complete(&sandbox, &real_id, Method::Video, &Outcome::Success);
    let mut ids: Vec<String> = (0..ARCHIVE_BATCH_LIMIT)
        .map(|i| format!("UNKNOWN{i:05}"))
        .collect();
    ids.push(real_id.clone());
    let before = sandbox.postident().api_request_count();
    let answered = postident.client().archive_cases(&ids).await.unwrap();
    assert_eq!(
        sandbox.postident().api_request_count() - before,
        2,
        "10,001 ids → two PATCH requests"
    );
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].case_id.as_deref(), Some(real_id.as_str()));
    assert_eq!(
        answered[0].case_status.as_ref().unwrap().archived,
        Some(true)
    );
}

#[tokio::test]
async fn a_request_above_the_accounts_limit_is_a_400_invalid_input() {
    // The sandbox account accepts 3 ids per request here, so our batches of up to 10,000 go
    // over it: the same answer POSTIDENT gives above 10,000.
    let sandbox = common::sandbox_with(|o| o.archive_limit = 3).await;
    let postident = common::provider(&sandbox);
    let ids: Vec<String> = (0..5).map(|i| format!("CASE{i}")).collect();
    let e = postident.client().archive_cases(&ids).await.unwrap_err();
    common::assert_error(&e, ErrorKind::InvalidInput, Some(400));
    assert!(common::raw_body_contains(&e, "at most"));
}

#[tokio::test]
async fn archiving_needs_case_ids() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let e = postident
        .archive_cases(&[CaseRef::by_reference(Provider::Postident, "ref-only")])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.violations()[0].field, "cases[0].case_id");
    let e = postident
        .client()
        .archive_cases(&["../../x".to_string()])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn wrong_credentials_on_archive_are_401() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_where(&sandbox, |c| c.username = "someone-else".into());
    let ids = ["ABC".to_string()];
    let e = postident.client().archive_cases(&ids).await.unwrap_err();
    common::assert_error(&e, ErrorKind::Authentication, Some(401));
}
