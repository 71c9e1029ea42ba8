//! `PATCH .../cases/archive` against the sandbox over HTTP: closed cases only, splitting above
//! 10,000 ids, and POSTIDENT's 400 when a request holds more than it accepts.

use crate::common;

use kyc_core::{CaseRef, ErrorKind, KycProvider, Provider};
use kyc_postident::client::ARCHIVE_BATCH_LIMIT;
use kyc_sandbox::postident::{Fault, FaultKind, Method, Outcome, PostidentOptions};

#[tokio::test]
async fn each_case_not_archived_says_truthfully_why() {
    // POSTIDENT answers a status object for each case it *updated* (7.6.1); the adapter tells
    // the others apart by reading their status: already archived, not closed, unknown.
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let create = |reference: &'static str| {
        let postident = postident.clone();
        async move {
            postident
                .create_case(&common::new_case(reference))
                .await
                .unwrap()
                .case_ref
        }
    };
    let closed = create("arch-closed").await;
    let open = create("arch-open").await;
    let running = create("arch-running").await;
    let unknown = common::unknown_case();
    let p = sandbox.postident();
    p.complete(
        closed.case_id.as_deref().unwrap(),
        Method::Basic,
        &Outcome::Success,
    )
    .unwrap();
    p.complete(
        running.case_id.as_deref().unwrap(),
        Method::Video,
        &Outcome::Start,
    )
    .unwrap();
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
    assert!(reason(&open).starts_with("not closed"), "{}", reason(&open));
    assert!(reason(&open).contains("\"new\""), "{}", reason(&open));
    assert!(
        reason(&running).starts_with("not closed"),
        "{}",
        reason(&running)
    );
    assert!(
        reason(&running).contains("in progress"),
        "{}",
        reason(&running)
    );
    assert!(
        reason(&unknown).starts_with("unknown case"),
        "{}",
        reason(&unknown)
    );
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
    let mut config = common::config(&sandbox);
    config.http.max_retries = 0;
    let postident = kyc_postident::PostidentProvider::new(config).unwrap();
    let open = postident
        .create_case(&common::new_case("arch-dark"))
        .await
        .unwrap()
        .case_ref;
    // The archive PATCH goes through; the status read that would tell why fails.
    sandbox
        .postident()
        .inject_fault(Fault::new(FaultKind::Status { status: 503 }, 1).for_method("GET"));
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
    let real = postident
        .create_case(&common::new_case("arch-big"))
        .await
        .unwrap()
        .case_ref;
    let real_id = real.case_id.clone().unwrap();
    sandbox
        .postident()
        .complete(&real_id, Method::Video, &Outcome::Success)
        .unwrap();
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
    let sandbox = common::sandbox_with(PostidentOptions {
        archive_limit: 3,
        ..Default::default()
    })
    .await;
    let postident = common::provider(&sandbox);
    let ids: Vec<String> = (0..5).map(|i| format!("CASE{i}")).collect();
    let e = postident.client().archive_cases(&ids).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.http_status(), Some(400));
    assert!(e.raw_body().unwrap().to_string_lossy().contains("at most"));
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
    let mut config = common::config(&sandbox);
    config.username = "someone-else".into();
    let postident = kyc_postident::PostidentProvider::new(config).unwrap();
    let e = postident
        .client()
        .archive_cases(&["ABC".to_string()])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.http_status(), Some(401));
}
