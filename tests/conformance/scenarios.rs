//! The scenarios, each written once for every provider.

use crate::harness::Env;
use kyc::webhook::WebhookRequest;
use kyc::{CaseFilter, CaseRef, CaseStatus, ErrorKind, FieldCheck};
use kyc_sandbox::UserOutcome;

fn approved(s: &CaseStatus) -> bool {
    matches!(s, CaseStatus::Approved { .. })
}

pub async fn happy_path(env: Env) {
    let handle = env.create().await;
    assert!(handle
        .user_url
        .as_str()
        .starts_with(env.sandbox.base_url().as_str()));
    let created = env.get(&handle.case_ref).await;
    assert_eq!(
        created.status,
        CaseStatus::Created,
        "{}: before the user starts",
        env.kind
    );
    assert!(created.status.can_resume());

    env.play(&handle, UserOutcome::Approve);
    let case = env
        .wait_for_status(&handle.case_ref, "approved", approved)
        .await;
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        },
        "{}",
        env.kind
    );
    assert!(case.status.is_final());
    assert!(!case.raw.is_null(), "raw provider JSON is kept");
    let identity = case
        .identity
        .as_ref()
        .expect("an approved case has an identity");
    assert!(
        identity.person.last_name.value.is_some(),
        "{}: verified last name",
        env.kind
    );
    assert!(!identity.any_changed(), "{}: nothing changed", env.kind);
    assert!(
        !case.attempts.is_empty(),
        "{}: the attempt is listed",
        env.kind
    );
}

pub async fn data_changed_during_review(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::ReviewPending);
    env.wait_for_status(
        &handle.case_ref,
        "review pending",
        CaseStatus::is_preliminary,
    )
    .await;
    env.play(&handle, UserOutcome::ApproveWithChangedData);
    let case = env
        .wait_for_status(&handle.case_ref, "approved", approved)
        .await;
    assert_eq!(
        case.status,
        CaseStatus::Approved { data_changed: true },
        "{}",
        env.kind
    );
    let identity = case.identity.expect("identity");
    let changed: Vec<_> = identity
        .fields()
        .into_iter()
        .filter(|(_, c)| c.check == FieldCheck::Changed)
        .collect();
    assert!(
        !changed.is_empty(),
        "{}: a field is marked changed",
        env.kind
    );
    assert!(
        changed.iter().all(|(_, c)| c.original.is_some()),
        "{}: changed fields keep the original",
        env.kind
    );
}

pub async fn fraud_confirmed(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::Decline);
    let case = env
        .wait_for_status(&handle.case_ref, "declined", |s| *s == CaseStatus::Declined)
        .await;
    assert!(case.status.is_final() && !case.status.can_resume());
    assert!(
        case.reasons.iter().any(|r| r.category.is_fraud()),
        "{}: a fraud reason is given: {:?}",
        env.kind,
        case.reasons
    );
    assert!(case.reasons.iter().all(|r| !r.code.is_empty()));
}

pub async fn user_aborts_then_succeeds_in_the_same_case(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::Start);
    env.wait_for_status_or_webhook(&handle.case_ref, "in progress", |s| {
        *s == CaseStatus::InProgress
    })
    .await;
    env.play(&handle, UserOutcome::Abort);
    let aborted = env
        .wait_for_status(&handle.case_ref, "retryable", |s| {
            *s == CaseStatus::Retryable
        })
        .await;
    assert!(aborted.status.can_resume());
    assert!(
        !aborted.reasons.is_empty(),
        "{}: the abort reason is reported",
        env.kind
    );
    env.play(&handle, UserOutcome::Start);
    env.play(&handle, UserOutcome::Approve);
    let done = env
        .wait_for_status(&handle.case_ref, "approved", approved)
        .await;
    assert_eq!(done.case_ref.case_id, handle.case_ref.case_id, "same case");
    // Neither provider lists an aborted attempt separately once the same method succeeded
    // (IDnow reuses the IdentID; POSTIDENT keeps one identification per method): the attempt
    // the case reports is the successful one.
    assert!(
        done.attempts.iter().any(|a| approved(&a.status)),
        "{}: the successful attempt is listed: {:?}",
        env.kind,
        done.attempts
    );
}

pub async fn review_pending_then_final(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::ReviewPending);
    let pending = env
        .wait_for_status(
            &handle.case_ref,
            "review pending",
            CaseStatus::is_preliminary,
        )
        .await;
    assert_eq!(
        pending.status,
        CaseStatus::ReviewPending {
            fraud_suspected: false
        }
    );
    assert!(!pending.status.is_final() && !pending.status.can_resume());
    env.play(&handle, UserOutcome::Approve);
    env.wait_for_status(&handle.case_ref, "approved", approved)
        .await;

    // A fraud suspicion while pending is flagged.
    let suspicious = env.create().await;
    env.play(&suspicious, UserOutcome::FraudSuspected);
    let case = env
        .wait_for_status(
            &suspicious.case_ref,
            "review pending",
            CaseStatus::is_preliminary,
        )
        .await;
    assert!(
        case.status.fraud_suspected(),
        "{}: {}",
        env.kind,
        case.status
    );
}

pub async fn start_link_expiry(env: Env) {
    if !env.provider.capabilities().case_expiry {
        return env.skip(
            "start_link_expiry",
            "capabilities().case_expiry is false (the provider's start links do not expire)",
        );
    }
    let handle = env.create().await;
    assert!(
        handle.expires_at.is_some(),
        "{}: the handle says when the link expires",
        env.kind
    );
    env.play(&handle, UserOutcome::Expire);
    let case = env
        .wait_for_status(&handle.case_ref, "expired", |s| *s == CaseStatus::Expired)
        .await;
    assert!(case.status.is_final());
    assert!(case
        .reasons
        .iter()
        .any(|r| r.category == kyc::ReasonCategory::ValidityExpired));
}

pub async fn archive(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::Approve);
    env.wait_for_status(&handle.case_ref, "approved", approved)
        .await;
    let listed = env
        .provider
        .list_cases(&CaseFilter::default())
        .await
        .expect("list");
    assert!(
        listed
            .cases
            .iter()
            .any(|c| c.case_ref.reference == handle.case_ref.reference),
        "{}: the finished case is listed",
        env.kind
    );
    let outcome = env
        .provider
        .archive_cases(std::slice::from_ref(&handle.case_ref))
        .await
        .expect("archive");
    assert_eq!(outcome.archived.len(), 1, "{}: {outcome:?}", env.kind);
    assert!(outcome.not_archived.is_empty());
    let listed = env
        .provider
        .list_cases(&CaseFilter::default())
        .await
        .expect("list");
    assert!(
        listed
            .cases
            .iter()
            .all(|c| c.case_ref.reference != handle.case_ref.reference),
        "{}: an archived case is not listed by default",
        env.kind
    );
}

pub async fn webhook_driven_flow(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::Approve);
    // No polling: only what the provider pushed, resolved by the receiver.
    let case = env
        .wait_for_webhook(&handle.case_ref, "approved", approved)
        .await;
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    assert!(
        env.receiver.failures().is_empty(),
        "{:?}",
        env.receiver.failures()
    );
}

pub async fn duplicate_and_out_of_order_webhooks(env: Env) {
    let handle = env.create().await;
    env.play(&handle, UserOutcome::ReviewPending);
    env.wait_for_webhook(
        &handle.case_ref,
        "review pending",
        CaseStatus::is_preliminary,
    )
    .await;
    env.play(&handle, UserOutcome::Approve);
    let final_case = env
        .wait_for_webhook(&handle.case_ref, "approved", approved)
        .await;

    // Deliver everything again, twice, newest first: the stored decision must not move.
    let mut replay = env.received_for(&handle);
    assert!(
        replay.len() >= 2,
        "{}: got {} webhooks",
        env.kind,
        replay.len()
    );
    replay.reverse();
    for r in replay.iter().chain(replay.iter()) {
        env.receiver
            .accept(&WebhookRequest::new(
                r.headers.clone(),
                r.body.clone(),
                Some(r.peer.ip()),
            ))
            .expect("a replayed webhook still verifies");
    }
    env.receiver.wait_idle().await;
    let stored = env.receiver.case(&handle.case_ref).expect("stored");
    assert_eq!(
        stored.status, final_case.status,
        "{}: the decision stands",
        env.kind
    );
    assert_eq!(
        env.receiver.cases().len(),
        1,
        "nothing duplicated, nothing lost"
    );
}

pub async fn invalid_input_is_refused_before_sending(env: Env) {
    let mut bad = env.new_case();
    bad.reference = "has spaces and is far too long for anyone".into();
    bad.contact.email = Some("not-an-email".into());
    let err = env.provider.create_case(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{}: {err}", env.kind);
    let fields: Vec<_> = err.violations().iter().map(|v| v.field.as_str()).collect();
    assert!(fields.contains(&"reference"), "{}: {fields:?}", env.kind);
    assert!(
        fields.contains(&"contact.email"),
        "{}: {fields:?}",
        env.kind
    );
    assert!(!err.to_string().contains("not-an-email"));
}

pub async fn unknown_case_is_not_found(env: Env) {
    let case_ref = CaseRef::new(
        env.kind,
        Some("NOPE-00000".into()),
        Some("never-created".into()),
    );
    let err = env.provider.get_case(&case_ref).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{}: {err}", env.kind);
}
