//! `PATCH .../cases/archive` against the sandbox over HTTP: closed cases only, splitting above
//! 10,000 ids, and POSTIDENT's 400 when a request holds more than it accepts.

mod common;

use kyc_core::{CaseRef, ErrorKind, KycProvider, Provider};
use kyc_postident::client::ARCHIVE_BATCH_LIMIT;
use kyc_sandbox::postident::{Method, Outcome, PostidentOptions};

#[tokio::test]
async fn only_closed_cases_are_archived_and_the_outcome_says_which() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let closed = postident
        .create_case(&common::new_case("arch-closed"))
        .await
        .unwrap()
        .case_ref;
    let open = postident
        .create_case(&common::new_case("arch-open"))
        .await
        .unwrap()
        .case_ref;
    sandbox
        .postident()
        .complete(
            closed.case_id.as_deref().unwrap(),
            Method::Basic,
            &Outcome::Success,
        )
        .unwrap();
    let outcome = postident
        .archive_cases(&[closed.clone(), open.clone()])
        .await
        .unwrap();
    assert_eq!(outcome.archived, std::slice::from_ref(&closed));
    assert_eq!(outcome.not_archived.len(), 1);
    assert_eq!(outcome.not_archived[0].0, open);
    assert!(outcome.not_archived[0].1.contains("closed"));
    assert!(postident.get_case(&closed).await.unwrap().archived);
    assert!(!postident.get_case(&open).await.unwrap().archived);
    // Archiving again is harmless: archived cases stay archived.
    let again = postident
        .archive_cases(std::slice::from_ref(&closed))
        .await
        .unwrap();
    assert_eq!(again.archived, [closed]);
    // The typed client returns POSTIDENT's status objects.
    let answered = postident
        .client()
        .archive_cases(&[open.case_id.clone().unwrap()])
        .await
        .unwrap();
    assert!(answered.is_empty(), "an open case is ignored");
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
