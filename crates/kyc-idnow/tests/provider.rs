//! The adapter through the neutral `KycProvider` trait against the sandbox: create, get (also
//! before the user starts), the test robot's three scenarios, list, archive, artifacts, and
//! webhooks received on a local listener, verified, resolved, and superseded by a re-review.

use crate::common;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use kyc_core::webhook::{BasicCredentials, IpAllowlist, WebhookAuth, WebhookEvent, WebhookRequest};
use kyc_core::{
    ArtifactKind, CaseFilter, CaseHandle, CaseRef, CaseStatus, Country, ErrorKind, Gender,
    KycProvider, NewCase, Provider, ReasonCategory,
};
use kyc_idnow::IdnowProvider;
use kyc_sandbox::idnow::{FaultKind, Outcome, WebhookTarget};
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

/// Creates a case for Erika with the reference `prefix-…`: the reference and the handle.
async fn create_for_erika(provider: &IdnowProvider, prefix: &str) -> (String, CaseHandle) {
    let reference = common::txn(prefix);
    let new_case = new_case(&reference, "Erika");
    let handle = provider.create_case(&new_case).await.unwrap();
    (reference, handle)
}

/// Creates a case for Erika with the reference `prefix-…` that IDnow then ends with
/// `SUCCESS`: the reference and the handle.
async fn successful_case_for_erika(
    sb: &kyc_sandbox::Sandbox,
    provider: &IdnowProvider,
    prefix: &str,
) -> (String, CaseHandle) {
    let (reference, handle) = create_for_erika(provider, prefix).await;
    common::set_success(sb, &reference);
    (reference, handle)
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
    assert_eq!(provider.provider(), Provider::Idnow);
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
    let (reference, handle) = create_for_erika(&provider, "created").await;
    let case = provider.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Created);
    assert_eq!(case.provider_status, kyc_idnow::mapping::NO_DATA_YET);
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    assert_eq!(case.raw["errors"][0]["cause"], "OBJECT_NOT_FOUND");
    // The adapter remembers nothing: IDnow's 404 key names the IdentID, by reference or by id.
    let other = common::provider(&sb);
    for case_ref in [
        CaseRef::by_reference(Provider::Idnow, &reference),
        CaseRef::by_case_id(Provider::Idnow, handle.case_ref.case_id.clone().unwrap()),
    ] {
        let case = other.get_case(&case_ref).await.unwrap();
        assert_eq!(case.status, CaseStatus::Created, "{case_ref}");
        assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
    }
    // An unknown reference is NotFound, also with a made-up IdentID (looked up as well).
    let e = provider
        .get_case(&CaseRef::by_reference(Provider::Idnow, "no-such-ident"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = provider
        .get_case(&CaseRef::new(
            Provider::Idnow,
            Some("TST-NOPEX".into()),
            Some("no-such-ident".into()),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let e = provider
        .get_case(&CaseRef::by_case_id(Provider::Idnow, "TST-NOPEX"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn in_the_flow_get_has_no_data_and_webhooks_still_say_in_progress_or_retryable() {
    let (sb, mut inbox, provider, reference, handle) = user_in_the_flow(1.0, "flow").await;
    let start = next_notice(&provider, &mut inbox).await;
    assert_eq!(start.event, WebhookEvent::Started);
    // IDnow has no data while the user is in the flow; the stateless read says so.
    let read = provider.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(read.status, CaseStatus::Created);
    assert_eq!(read.provider_status, kyc_idnow::mapping::NO_DATA_YET);
    // The START webhook still resolves to in progress (from the body: GET has no data).
    let resolved = provider.resolve_webhook(&start).await.unwrap();
    assert_eq!(resolved.status, CaseStatus::InProgress);
    assert_eq!(resolved.provider_status, "START");

    // Aborted: GET has data again, and the notice resolves with its reason.
    common::user_abort(&sb, &reference, Some("USER_CANCELLATION_DOCUMENT_EXPIRED"));
    let aborted = next_notice(&provider, &mut inbox).await;
    assert_eq!(aborted.event, WebhookEvent::Aborted);
    // The user starts again before the ABORTED notice is resolved: GET has no data, the
    // notice's own case (with reason and payload) is the answer.
    common::user_start(&sb, &reference);
    let resolved = provider.resolve_webhook(&aborted).await.unwrap();
    assert_eq!(resolved.status, CaseStatus::Retryable);
    assert_eq!(
        resolved.reasons[0].code,
        "USER_CANCELLATION_DOCUMENT_EXPIRED"
    );
    assert_eq!(
        resolved.reasons[0].category,
        ReasonCategory::DocumentExpired
    );
    assert_eq!(resolved.raw["identificationprocess"]["result"], "ABORTED");
}

#[tokio::test]
async fn a_transient_failure_to_read_is_an_error_not_the_webhook_body() {
    let sb = common::sandbox(1.0).await;
    let provider = common::provider(&sb);
    let (reference, _) = successful_case_for_erika(&sb, &provider, "resolve-503").await;
    // A START notice redelivered for a finished ident, while IDnow's GET answers 503.
    let start = kyc_idnow::webhook::parse_webhook_body(
        format!(
            r#"{{"identificationprocess":{{"result":"START","transactionnumber":"{reference}"}}}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    common::fail_next(&sb, "GET", FaultKind::Status { status: 503 }, 10);
    let e = provider.resolve_webhook(&start).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert_eq!(e.http_status(), Some(503));
    sb.idnow().clear_faults();
    // Once IDnow answers, the notice resolves to the current state, not to "in progress".
    let case = provider.resolve_webhook(&start).await.unwrap();
    assert!(
        matches!(case.status, CaseStatus::Approved { .. }),
        "{}",
        case.status
    );
}

#[tokio::test]
async fn a_case_ref_with_only_the_ident_id_works() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let provider = common::provider(&sb);
    let (reference, handle) = successful_case_for_erika(&sb, &provider, "only-id").await;
    let by_id = CaseRef::by_case_id(Provider::Idnow, handle.case_ref.case_id.clone().unwrap());
    let case = provider.get_case(&by_id).await.unwrap();
    assert!(matches!(case.status, CaseStatus::Approved { .. }));
    assert_eq!(case.case_ref.reference.as_deref(), Some(reference.as_str()));
    let pdf = common::artifact(&case, ArtifactKind::ResultPdf);
    let bytes = provider.fetch_artifact(&by_id, pdf).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let outcome = provider
        .archive_cases(std::slice::from_ref(&by_id))
        .await
        .unwrap();
    assert_eq!(outcome.archived, vec![by_id]);
    assert!(provider.capabilities().lookup_by_case_id);
}

#[tokio::test]
async fn create_sends_only_documented_fields_unless_the_account_takes_more() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let company = sb.idnow().company_id().to_string();
    let mut c = new_case(&common::txn("extras"), "Erika");
    c.person.birth_name = Some("Gabler".into());
    c.person.title = Some("Dr.".into());
    c.language = Some(kyc_core::Language::English);
    // By default only the Create Ident table's fields go out: the sandbox (which answers
    // UNRECOGNIZED_FIELD to anything else) accepts the create.
    let provider = common::provider(&sb);
    let handle = provider.create_case(&c).await.unwrap();
    let expires = handle.expires_at.expect("the ident lifetime is known");
    let days = (expires - chrono::Utc::now().fixed_offset()).num_days();
    assert!((89..=90).contains(&days), "{days}");
    // An account configured to send them, where IDnow did not enable them: 400, with a hint.
    let mut config = common::config(&sb);
    config.account.send_birthname_and_title = true;
    let opted_in = IdnowProvider::new(config).unwrap();
    let mut c2 = c.clone();
    c2.reference = common::txn("extras2");
    let e = opted_in.create_case(&c2).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.cause_code(), Some("UNRECOGNIZED_FIELD"));
    assert!(e.hint().unwrap().contains("IdnowConfig::account"), "{e}");
    let snapshot = sb
        .idnow()
        .ident(&company, handle.case_ref.reference.as_deref().unwrap());
    assert!(snapshot.is_some());
}

#[tokio::test]
async fn control_characters_in_custom_fields_are_refused_before_sending() {
    let sb = common::sandbox(1.0).await;
    let provider = common::provider(&sb);
    let mut c = new_case(&common::txn("ctrl"), "Erika");
    c.custom_fields = vec!["ok".into(), "bad\u{1b}[31m".into()];
    let e = provider.create_case(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.violations().iter().any(|v| v.field == "custom_fields[1]"),
        "{:?}",
        e.violations()
    );
    // The typed client checks its own body too, naming IDnow's field.
    let request = kyc_idnow::wire::CreateIdentRequest {
        custom2: Some("line\nbreak".into()),
        ..Default::default()
    };
    let e = provider
        .client()
        .create_ident(&common::txn("ctrl2"), &request)
        .await
        .unwrap_err();
    assert_eq!(e.violations()[0].field, "custom2");
    assert_eq!(
        e.to_string(),
        "idnow: invalid input: custom2 must be free of control characters"
    );
    assert_eq!(sb.idnow().login_count(), 0, "nothing was sent");
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
    let (_, done) = create_for_erika(&provider, "l1").await;
    let (_, pending) = create_for_erika(&provider, "l2").await;
    let txn_done = done.case_ref.reference.clone().unwrap();
    let txn_pending = pending.case_ref.reference.clone().unwrap();
    common::set_success(&sb, &txn_done);
    common::set_result(&sb, &txn_pending, &Outcome::new("REVIEW_PENDING", None));
    let finished = provider.list_cases(&CaseFilter::default()).await.unwrap();
    assert!(
        !finished.partial,
        "IDnow lists every unarchived finished ident"
    );
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
    assert!(
        all.partial,
        "IDnow cannot list idents not started or in the flow: the list may be incomplete"
    );
    let archived = provider
        .list_cases(&CaseFilter::default().with_archived(true))
        .await
        .unwrap();
    assert!(archived.partial, "IDnow cannot list archived idents");
    let capped = provider
        .list_cases(&CaseFilter::everything().with_max_results(1))
        .await
        .unwrap();
    assert_eq!(capped.cases.len(), 1);
    assert!(capped.partial);
    let outcome = provider
        .archive_cases(&[
            done.case_ref.clone(),
            CaseRef::by_reference(Provider::Idnow, "unknown-1"),
        ])
        .await
        .unwrap();
    assert_eq!(outcome.archived, vec![done.case_ref.clone()]);
    assert_eq!(outcome.not_archived.len(), 1);
    assert!(
        outcome.not_archived[0].1.starts_with("unknown or deleted"),
        "{:?}",
        outcome.not_archived
    );
    // Twice, and an unfinished one: each refusal says why.
    let outcome = provider
        .archive_cases(&[done.case_ref.clone(), pending.case_ref.clone()])
        .await
        .unwrap();
    assert!(outcome.archived.is_empty());
    assert_eq!(
        outcome.already_archived,
        vec![done.case_ref.clone()],
        "the second archive finds it archived (not BAD_REQUEST)"
    );
    let reasons: Vec<&str> = outcome
        .not_archived
        .iter()
        .map(|(_, r)| r.as_str())
        .collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with("not finished (REVIEW_PENDING)"),
        "{reasons:?}"
    );
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

/// Starts a local listener and points the webhooks of the sandbox's default company at it
/// (with these Basic credentials, if any); returns what it receives.
async fn webhooks_to_listener(
    sb: &kyc_sandbox::Sandbox,
    basic_auth: Option<(&str, &str)>,
) -> Received {
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
    let url = url::Url::parse(&format!("http://{addr}/hook")).unwrap();
    sb.idnow()
        .set_webhook(
            sb.idnow().company_id(),
            Some(WebhookTarget {
                url,
                basic_auth: basic_auth.map(|(user, password)| (user.into(), password.into())),
            }),
        )
        .unwrap();
    rx
}

/// What the local webhook listener receives.
type Received = mpsc::UnboundedReceiver<WebhookRequest>;

/// A case for Erika (reference `prefix-…`) whose user has just opened the identification, in
/// a sandbox whose robot waits for the user (time `scale` times faster) and whose webhooks go
/// to a local listener: the sandbox, what the listener receives, the adapter, the reference
/// and the case's handle.
async fn user_in_the_flow(
    scale: f64,
    prefix: &str,
) -> (
    kyc_sandbox::Sandbox,
    Received,
    IdnowProvider,
    String,
    CaseHandle,
) {
    let sb = common::sandbox_without_autostart(scale).await;
    let inbox = webhooks_to_listener(&sb, None).await;
    let provider = common::provider(&sb);
    let (reference, handle) = create_for_erika(&provider, prefix).await;
    common::user_start(&sb, &reference);
    (sb, inbox, provider, reference, handle)
}

/// The next request the listener received, waiting at most `secs` seconds for it.
async fn next_request(inbox: &mut Received, secs: u64) -> WebhookRequest {
    tokio::time::timeout(std::time::Duration::from_secs(secs), inbox.recv())
        .await
        .expect("a webhook in time")
        .expect("inbox open")
}

/// The next webhook the listener received (waiting at most 5 seconds), verified by `provider`.
async fn next_notice(
    provider: &IdnowProvider,
    inbox: &mut Received,
) -> kyc_core::webhook::WebhookNotice {
    provider
        .verify_webhook(&next_request(inbox, 5).await)
        .unwrap()
}

#[tokio::test]
async fn webhooks_are_verified_told_apart_resolved_and_superseded() {
    let sb = common::sandbox(1000.0).await;
    let mut inbox = webhooks_to_listener(&sb, Some(("idnow", "hook-pass"))).await;
    let company = sb.idnow().company_id().to_string();
    let mut config = common::config(&sb);
    config.webhook = WebhookAuth::default()
        .with_basic(BasicCredentials::new("idnow", "hook-pass"))
        .with_allowlist(IpAllowlist::parse(&["127.0.0.1/32"]).unwrap());
    let provider = Arc::new(IdnowProvider::new(config).unwrap());
    let reference = common::txn("hook");
    provider
        .create_case(&new_case(&reference, "X-MANUALTEST-HAPPYPATH"))
        .await
        .unwrap();

    let mut events = Vec::new();
    let mut stored: Option<kyc_core::Case> = None;
    while !events.contains(&WebhookEvent::Final) {
        let request = next_request(&mut inbox, 20).await;
        let notice = provider.verify_webhook(&request).unwrap();
        assert_eq!(
            notice.case_ref.reference.as_deref(),
            Some(reference.as_str())
        );
        events.push(notice.event.clone());
        let case = provider.resolve_webhook(&notice).await.unwrap();
        if stored.as_ref().is_none_or(|s| case.supersedes(s)) {
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
    let request = next_request(&mut inbox, 20).await;
    let notice = provider.verify_webhook(&request).unwrap();
    assert_eq!(notice.event, WebhookEvent::Final);
    let reviewed = provider.resolve_webhook(&notice).await.unwrap();
    assert_eq!(reviewed.status, CaseStatus::Declined);
    assert!(reviewed.supersedes(stored.as_ref().unwrap()));
}

#[tokio::test]
async fn an_inactive_user_is_aborted_and_the_case_can_be_resumed() {
    // Time scale 6,000: IDnow's thirty minutes of inactivity take 300 ms.
    let (sb, mut inbox, provider, reference, handle) = user_in_the_flow(6_000.0, "idle").await;
    let mut events = Vec::new();
    let aborted = loop {
        let notice = next_notice(&provider, &mut inbox).await;
        events.push(notice.event.clone());
        if notice.event == WebhookEvent::Aborted {
            break notice;
        }
    };
    assert_eq!(events, [WebhookEvent::Started, WebhookEvent::Aborted]);
    let case = provider.resolve_webhook(&aborted).await.unwrap();
    assert_eq!(case.status, CaseStatus::Retryable);
    assert_eq!(case.provider_status, "ABORTED");
    assert!(case.reasons.is_empty(), "the user chose no abort reason");
    assert!(case.status.can_resume());
    assert_eq!(
        provider.get_case(&handle.case_ref).await.unwrap().status,
        CaseStatus::Retryable
    );
    // The same IdentID can be started again.
    common::user_start(&sb, &reference);
}

#[tokio::test]
async fn an_ident_past_its_lifetime_is_not_found() {
    let mut options = kyc_sandbox::SandboxOptions {
        time_scale: 100.0,
        ..Default::default()
    };
    // 60 documented seconds instead of 90 days: 600 ms at this scale.
    options.idnow.ident_lifetime = Some(std::time::Duration::from_secs(60));
    let sb = kyc_sandbox::Sandbox::start(options).await.unwrap();
    let provider = common::provider(&sb);
    let (reference, handle) = successful_case_for_erika(&sb, &provider, "lifetime").await;
    assert!(provider.get_case(&handle.case_ref).await.is_ok());
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    // Deleted: neither by reference nor by IdentID, and not "created" either.
    let e = provider.get_case(&handle.case_ref).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    // A new case needs a new reference: transaction numbers are never reused.
    let e = provider
        .create_case(&new_case(&reference, "Erika"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.hint().unwrap().contains("new reference"), "{e}");
}
