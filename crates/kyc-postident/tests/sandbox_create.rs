//! `POST .../cases` against the sandbox over HTTP: the handle, every request field, and the
//! error paths (invalid input before sending, 401, 409, 5xx without a blind retry).

use crate::common;

use kyc_core::{ErrorKind, KycProvider, Language, Provider};
use kyc_postident::wire::{CreateCaseRequest, DocumentType};
use kyc_postident::PostidentConfig;
use kyc_sandbox::postident::FaultKind;

#[tokio::test]
async fn create_returns_the_user_url_app_links_and_expiry() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let mut new_case = common::new_case("create-1");
    new_case.language = Some(Language::English);
    new_case.webhook_url = Some("https://client.example/postident/hook".parse().unwrap());
    new_case.callbacks.success = Some(
        kyc_core::new_case::CallbackUrl::web("https://client.example/ok".parse().unwrap())
            .with_ios("clientapp://ok"),
    );
    let handle = postident.create_case(&new_case).await.unwrap();
    assert_eq!(handle.case_ref.provider, Provider::Postident);
    assert_eq!(handle.case_ref.reference.as_deref(), Some("create-1"));
    let case_id = handle.case_ref.case_id.clone().unwrap();
    assert!(
        handle
            .user_url
            .as_str()
            .starts_with(sandbox.postident().root_url().as_str()),
        "{} points into the sandbox",
        handle.user_url
    );
    assert!(handle.user_url.as_str().contains(&case_id));
    assert!(handle.expires_at.is_some());
    let platforms: Vec<_> = handle
        .app_links
        .iter()
        .map(|l| l.platform.as_str())
        .collect();
    assert_eq!(platforms, ["ios", "android"]);

    // Everything we sent is echoed under orderData.
    let echoed = sandbox.postident().case_json(&case_id).unwrap();
    let order = &echoed["orderData"];
    assert_eq!(order["processData"]["referenceId"], "create-1");
    assert_eq!(order["processData"]["preferredLanguage"], "EN_UK");
    assert_eq!(
        order["processData"]["webHookUrl"],
        "https://client.example/postident/hook"
    );
    assert_eq!(
        order["processData"]["callbackUrlSuccess"]["iOSUrl"],
        "clientapp://ok"
    );
    let address = &order["contactDataProvided"]["address"];
    assert_eq!(address["streetAddress"], "Heidestr. 17");
    assert_eq!(address["country"], "DEU");
    let document = &order["identificationDocumentProvided"];
    assert_eq!(document["birthDate"], "1964-08-12");
    assert_eq!(document["nationality"], "DEU");
    assert_eq!(order["customData"]["custom2"], "campaign A");

    // The new case reads back as Created.
    let case = postident.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, kyc_core::CaseStatus::Created);
    assert_eq!(case.custom_fields["custom1"], "order-4711");
}

#[tokio::test]
async fn the_typed_client_sends_document_and_driving_licence_data() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let mut request = kyc_postident::provider::create_request(&common::new_case("typed-1"));
    let doc = request.identification_document_provided.as_mut().unwrap();
    doc.document_type = Some(DocumentType::Passport);
    doc.number = Some("C01X00T47".into());
    doc.date_of_expiry = Some("2031-10-31".into());
    let created = postident.client().create_case(&request).await.unwrap();
    let case_id = created.case_id.unwrap();
    let echoed = sandbox.postident().case_json(&case_id).unwrap();
    let document = &echoed["orderData"]["identificationDocumentProvided"];
    assert_eq!(document["type"], "2");
    assert_eq!(document["number"], "C01X00T47");
    assert!(created.web_start.unwrap().case_url.is_some());
    // An empty request is accepted too (POSTIDENT defaults the referenceId to the caseId).
    let client = postident.client();
    let bare = client.create_case(&CreateCaseRequest::default()).await;
    let bare = bare.unwrap();
    assert!(bare.case_id.is_some());
}

#[tokio::test]
async fn invalid_input_is_refused_before_any_request() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let before = sandbox.postident().create_request_count();
    let mut too_long = common::new_case("a-reference-longer-than-14");
    too_long.custom_fields.push("x".repeat(101));
    let e = postident.create_case(&too_long).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let fields: Vec<_> = e.violations().iter().map(|v| v.field.as_str()).collect();
    assert!(fields.contains(&"reference"), "{fields:?}");
    assert!(fields.contains(&"custom_fields[2]"), "{fields:?}");
    assert!(!e.to_string().contains("Erika"));
    assert_eq!(sandbox.postident().create_request_count(), before);
}

#[tokio::test]
async fn duplicate_reference_is_a_conflict_with_status_and_body() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let e = common::create_twice(&postident, "dup-1").await;
    common::assert_error(&e, ErrorKind::Conflict, Some(409));
    assert_eq!(e.provider(), Some(Provider::Postident));
    assert!(common::raw_body_contains(&e, "referenceId"));
}

#[tokio::test]
async fn wrong_credentials_are_an_authentication_error() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_where(&sandbox, |c: &mut PostidentConfig| {
        c.password = kyc_core::Secret::new("guessed-password")
    });
    let e = common::create_fails(&postident, "auth-1").await;
    common::assert_error(&e, ErrorKind::Authentication, Some(401));
    assert!(!format!("{e} {e:?}").contains("guessed-password"));
    // An unknown clientId answers 401 as well (result guide 7.7).
    let postident = common::provider_where(&sandbox, |c| c.client_id = "NOSUCHCLIENT".into());
    let e = common::create_fails(&postident, "auth-2").await;
    assert_eq!(e.http_status(), Some(401));
}

#[tokio::test]
async fn a_5xx_on_create_is_not_retried_blindly() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    // The fault answers the first POST; a retry would reach the sandbox and create a case.
    common::fail_next(&sandbox, "POST", FaultKind::Status { status: 503 }, 1);
    let e = common::create_fails(&postident, "retry-1").await;
    common::assert_error(&e, ErrorKind::Transient, Some(503));
    assert!(e.raw_body().is_some());
    assert!(e.is_retryable(), "the caller may retry, after checking");
    assert!(
        sandbox.postident().case_ids().is_empty(),
        "not retried: a second POST could create a second case"
    );
    // A connection reset after sending is not retried either.
    common::reset_next_create(&sandbox);
    let e = common::create_fails(&postident, "retry-2").await;
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert!(sandbox.postident().case_ids().is_empty());
}

#[tokio::test]
async fn a_throttled_create_is_retried_after_retry_after() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let throttled = FaultKind::TooManyRequests { retry_after: 0 };
    common::fail_next(&sandbox, "POST", throttled, 1);
    let handle = common::create(&postident, "throttle-1").await;
    assert!(handle.case_ref.case_id.is_some());
}

#[tokio::test]
async fn a_driving_licence_goes_to_driving_licence_provided() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let mut new_case = common::new_case("licence-1");
    new_case.document = Some(
        kyc_core::new_case::DocumentInput::default()
            .with_kind(kyc_core::DocumentKind::DriversLicence)
            .with_number("B072RRE2I55")
            .with_authority("Stadt Bonn")
            .with_issued_on(chrono::NaiveDate::from_ymd_opt(1997, 3, 2).unwrap())
            .with_expires_on(chrono::NaiveDate::from_ymd_opt(2033, 1, 18).unwrap())
            .with_country(kyc_core::Country::GERMANY),
    );
    let handle = postident.create_case(&new_case).await.unwrap();
    let echoed = sandbox
        .postident()
        .case_json(handle.case_ref.case_id.as_deref().unwrap())
        .unwrap();
    let licence = &echoed["orderData"]["drivingLicenceProvided"];
    assert_eq!(licence["number"], "B072RRE2I55");
    assert_eq!(licence["dateOfExpiry"], "2033-01-18");
    assert_eq!(licence["countryOfDocument"], "DEU");
    assert!(
        echoed["orderData"]["identificationDocumentProvided"]["number"].is_null(),
        "the licence number is not an identity document number"
    );
}
