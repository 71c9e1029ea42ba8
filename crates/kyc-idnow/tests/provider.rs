//! The adapter through the neutral `KycProvider` trait against the sandbox: create, get (also
//! before the user starts), the test robot's three scenarios, list, archive, artifacts, and
//! webhooks received on a local listener, verified, resolved, and superseded by a re-review.

mod common;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use kyc_core::webhook::{BasicCredentials, IpAllowlist, WebhookAuth, WebhookEvent, WebhookRequest};
use kyc_core::{
    ArtifactKind, CaseFilter, CaseRef, CaseStatus, Country, ErrorKind, Gender, KycProvider,
    NewCase, Provider, ReasonCategory,
};
use kyc_idnow::IdnowProvider;
use kyc_sandbox::idnow::{Outcome, WebhookTarget};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

fn new_case(reference: &str, first_name: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some(first_name.into());
    c.person.last_name = Some("Mustermann".into());
    c.person.birth_date = chrono::NaiveDate::from_ymd_opt(1987, 5, 23);
    c.person.nationality = Some(Country::GERMANY);
    c.person.gender = Some(Gender::Female);
    c.contact.email = Some("erika@example.com".into());
    c.custom_fields = vec!["customer-42".into()];
    c
}

async fn wait_for(
    provider: &IdnowProvider,
    case_ref: &CaseRef,
    want: fn(&CaseStatus) -> bool,
) -> kyc_core::Case {
    common::eventually(20, || async {
        match provider.get_case(case_ref).await {
            Ok(c) if want(&c.status) => Some(c),
            _ => None,
        }
    })
    .await
}

#[tokio::test]
async fn happy_path_robot_through_the_trait() {
    let sb = common::sandbox(1000.0).await;
    let provider = common::provider(&sb);
    assert_eq!(provider.provider(), Provider::IdNow);
    let caps = provider.capabilities();
    assert!(caps.delete_case && caps.copy_case && caps.esign_documents && caps.webhook_embeds_case);
    let reference = common::txn("happy");
    let handle = provider
        .create_case(&new_case(&reference, "X-MANUALTEST-HAPPYPATH"))
        .await
        .unwrap();
    assert_eq!(
        handle.case_ref.reference.as_deref(),
        Some(reference.as_str())
    );
    assert!(handle
        .case_ref
        .case_id
        .as_deref()
        .unwrap()
        .starts_with("TST-"));
    assert_eq!(
        handle.user_url.as_str(),
        sb.idnow().user_url(sb.idnow().company_id(), &reference)
    );
    let case = wait_for(&provider, &handle.case_ref, |s| s.is_final()).await;
    assert!(
        matches!(case.status, CaseStatus::Approved { .. }),
        "{:?}",
        case.status
    );
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    assert_eq!(
        case.custom_fields.get("custom1").map(String::as_str),
        Some("customer-42")
    );
    assert!(case.identity.is_some());
    assert!(case.raw.is_object());
    // Every artifact can be fetched.
    assert!(case
        .artifacts
        .iter()
        .any(|a| a.kind == ArtifactKind::ResultPdf));
    for artifact in &case.artifacts {
        let bytes = provider
            .fetch_artifact(&case.case_ref, artifact)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", artifact.name));
        assert!(!bytes.is_empty(), "{}", artifact.name);
        if artifact.kind == ArtifactKind::ResultPdf {
            assert!(bytes.starts_with(b"%PDF-"));
        }
    }
}

#[tokio::test]
async fn fraud_and_canceled_robot_scenarios() {
    let sb = common::sandbox(1000.0).await;
    let provider = common::provider(&sb);
    let fraud = provider
        .create_case(&new_case(&common::txn("fraud"), "X-MANUALTEST-FRAUDIDENT"))
        .await
        .unwrap();
    let case = wait_for(&provider, &fraud.case_ref, |s| s.is_final()).await;
    assert_eq!(case.status, CaseStatus::Declined);
    assert_eq!(case.reasons[0].code, "WARNING_FAKED_MANIPULATED_ID");
    assert_eq!(
        case.reasons[0].category,
        ReasonCategory::FraudForgedDocument
    );

    let mut c = new_case(&common::txn("cancel"), "Erika");
    c.custom_fields = vec!["x".into(), "X-MANUALTEST-CANCELED".into()];
    let canceled = provider.create_case(&c).await.unwrap();
    let case = wait_for(&provider, &canceled.case_ref, |s| {
        *s == CaseStatus::Retryable
    })
    .await;
    assert_eq!(case.reasons[0].code, "OTHER_ERROR");
    assert!(
        case.status.can_resume(),
        "CANCELED is retried with the same IdentID"
    );
}

#[tokio::test]
async fn get_case_before_the_user_starts_reports_created() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let provider = common::provider(&sb);
    let reference = common::txn("created");
    let handle = provider
        .create_case(&new_case(&reference, "Erika"))
        .await
        .unwrap();
    let case = provider.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Created);
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    // A different provider instance (it did not create the ident) still knows it exists: IDnow's
    // 404 key names the IdentID.
    let other = common::provider(&sb);
    let case = other
        .get_case(&CaseRef::by_reference(Provider::IdNow, &reference))
        .await
        .unwrap();
    assert_eq!(case.status, CaseStatus::Created);
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    // An unknown reference is NotFound.
    let e = provider
        .get_case(&CaseRef::by_reference(Provider::IdNow, "no-such-ident"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // IDnow looks idents up by transaction number only.
    let e = provider
        .get_case(&CaseRef::by_case_id(Provider::IdNow, "TST-ABCDE"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn create_validates_before_sending() {
    let sb = common::sandbox(1.0).await;
    let provider = common::provider(&sb);
    let e = provider
        .create_case(&new_case("bad reference!", "Erika"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.violations().iter().any(|v| v.field == "reference"));
    let mut c = new_case(&common::txn("mail"), "Erika");
    c.contact.email = Some("not-an-email".into());
    assert_eq!(
        provider.create_case(&c).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(sb.idnow().login_count(), 0);
}

#[tokio::test]
async fn list_and_archive() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let provider = common::provider(&sb);
    let company = sb.idnow().company_id().to_string();
    let done = provider
        .create_case(&new_case(&common::txn("l1"), "Erika"))
        .await
        .unwrap();
    let pending = provider
        .create_case(&new_case(&common::txn("l2"), "Erika"))
        .await
        .unwrap();
    let txn_done = done.case_ref.reference.clone().unwrap();
    let txn_pending = pending.case_ref.reference.clone().unwrap();
    sb.idnow()
        .set_result(&company, &txn_done, &Outcome::new("SUCCESS", None))
        .unwrap();
    sb.idnow()
        .set_result(
            &company,
            &txn_pending,
            &Outcome::new("REVIEW_PENDING", None),
        )
        .unwrap();
    let finished = provider.list_cases(&CaseFilter::default()).await.unwrap();
    assert!(finished
        .cases
        .iter()
        .any(|c| c.case_ref.reference.as_deref() == Some(txn_done.as_str())));
    assert!(finished.cases.iter().all(|c| c.status.is_final()));
    let all = provider
        .list_cases(&CaseFilter::everything())
        .await
        .unwrap();
    assert!(all
        .cases
        .iter()
        .any(|c| c.case_ref.reference.as_deref() == Some(txn_pending.as_str())));
    let capped = provider
        .list_cases(&CaseFilter {
            max_results: Some(1),
            ..CaseFilter::everything()
        })
        .await
        .unwrap();
    assert_eq!(capped.cases.len(), 1);
    assert!(capped.partial);
    let outcome = provider
        .archive_cases(&[
            done.case_ref.clone(),
            CaseRef::by_reference(Provider::IdNow, "unknown-1"),
        ])
        .await
        .unwrap();
    assert_eq!(outcome.archived, vec![done.case_ref.clone()]);
    assert_eq!(outcome.not_archived.len(), 1);
}

#[derive(Clone)]
struct Inbox(mpsc::UnboundedSender<WebhookRequest>);

async fn receive(
    State(inbox): State<Inbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> &'static str {
    let _ = inbox
        .0
        .send(WebhookRequest::new(headers, body, Some(peer.ip())));
    "ok"
}

async fn listener() -> (url::Url, mpsc::UnboundedReceiver<WebhookRequest>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(Inbox(tx));
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(
            socket,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    (url::Url::parse(&format!("http://{addr}/hook")).unwrap(), rx)
}

#[tokio::test]
async fn webhooks_are_verified_told_apart_resolved_and_superseded() {
    let sb = common::sandbox(1000.0).await;
    let (url, mut inbox) = listener().await;
    let company = sb.idnow().company_id().to_string();
    sb.idnow()
        .set_webhook(
            &company,
            Some(WebhookTarget {
                url,
                basic_auth: Some(("idnow".into(), "hook-pass".into())),
            }),
        )
        .unwrap();
    let mut config = common::config(&sb);
    config.webhook = WebhookAuth {
        basic: Some(BasicCredentials::new("idnow", "hook-pass")),
        allowlist: Some(IpAllowlist::parse(&["127.0.0.1/32"]).unwrap()),
    };
    let provider = Arc::new(IdnowProvider::new(config).unwrap());
    let reference = common::txn("hook");
    provider
        .create_case(&new_case(&reference, "X-MANUALTEST-HAPPYPATH"))
        .await
        .unwrap();

    let mut events = Vec::new();
    let mut stored: Option<kyc_core::Case> = None;
    while !events.contains(&WebhookEvent::Final) {
        let request = tokio::time::timeout(std::time::Duration::from_secs(20), inbox.recv())
            .await
            .unwrap()
            .unwrap();
        let notice = provider.verify_webhook(&request).unwrap();
        assert_eq!(
            notice.case_ref.reference.as_deref(),
            Some(reference.as_str())
        );
        events.push(notice.event.clone());
        let case = provider.resolve_webhook(&notice).await.unwrap();
        if stored
            .as_ref()
            .is_none_or(|s| kyc_idnow::webhook::supersedes(&case, s))
        {
            stored = Some(case);
        }
        // A tampered request is refused.
        let mut forged = request.clone();
        forged.headers.remove(http::header::AUTHORIZATION);
        assert_eq!(
            provider.verify_webhook(&forged).unwrap_err().kind(),
            ErrorKind::Authentication
        );
    }
    assert_eq!(events.first(), Some(&WebhookEvent::Started));
    assert!(matches!(
        stored.as_ref().unwrap().status,
        CaseStatus::Approved { .. }
    ));

    // A supervisor re-reviews: the new FINAL result replaces the stored one.
    sb.idnow()
        .review(
            &company,
            &reference,
            &Outcome::new("FRAUD_SUSPICION_CONFIRMED", Some("WARNING_FRAUD_OTHER")),
        )
        .unwrap();
    let request = tokio::time::timeout(std::time::Duration::from_secs(20), inbox.recv())
        .await
        .unwrap()
        .unwrap();
    let notice = provider.verify_webhook(&request).unwrap();
    assert_eq!(notice.event, WebhookEvent::Final);
    let reviewed = provider.resolve_webhook(&notice).await.unwrap();
    assert_eq!(reviewed.status, CaseStatus::Declined);
    assert!(kyc_idnow::webhook::supersedes(
        &reviewed,
        stored.as_ref().unwrap()
    ));
}
