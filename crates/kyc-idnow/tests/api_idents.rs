//! Ident endpoints against the sandbox: create/update/409, get (404 before start), list by
//! state, delete, archive, copy, binding key, and the error paths (400, 401, 404, 409, 5xx,
//! malformed body, dropped connection).

use crate::common;

use kyc_core::ErrorKind;
use kyc_idnow::wire::{CopyIdentRequest, CreateIdentRequest, IdentResult};
use kyc_idnow::{Client, CreateOutcome, IdentListFilter};
use kyc_sandbox::idnow::{FaultKind, Outcome, UserStart, SECOND_COMPANY};

fn erika() -> CreateIdentRequest {
    common::fixture_json("create_ident_request.json")
}

/// [`common::sandbox_with_ident`] for [`erika`], the ident ended with `SUCCESS`.
async fn successful_ident(prefix: &str) -> (kyc_sandbox::Sandbox, Client, String) {
    let (sb, client, txn) = common::sandbox_with_ident(prefix, &erika()).await;
    common::set_success(&sb, &txn);
    (sb, client, txn)
}

#[tokio::test]
async fn create_then_update_then_conflict_once_finished() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let txn = common::txn("create");
    let created = client.create_ident(&txn, &erika()).await.unwrap();
    let CreateOutcome::Created { ident_id } = created.clone() else {
        panic!("{created:?}")
    };
    assert!(
        ident_id.starts_with("TST-") && ident_id.len() == 9,
        "{ident_id}"
    );
    let updated = client.create_ident(&txn, &erika()).await.unwrap();
    assert!(
        matches!(updated, CreateOutcome::Updated { .. }),
        "{updated:?}"
    );
    common::set_success(&sb, &txn);
    let e = client.create_ident(&txn, &erika()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(e.http_status(), Some(409));
    assert_eq!(e.cause_code(), Some("EXISTING_IDENTIFICATION"));
    assert!(
        e.hint()
            .unwrap()
            .contains("create the case with a new reference"),
        "{e}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    for bad in ["", "has space", "ümlaut", &"x".repeat(256), "a/b"] {
        let e = client.create_ident(bad, &erika()).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad:?}");
        assert_eq!(e.violations()[0].field, "transaction_number");
        assert!(e.http_status().is_none());
    }
    assert_eq!(sb.idnow().login_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_bad_field_comes_back_as_400_naming_the_key() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    let mut request = erika();
    request.birthday = Some("23.05.1987".into());
    let e = client
        .create_ident(&common::txn("bad"), &request)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.cause_code(), Some("BAD_REQUEST"));
    assert_eq!(
        e.provider_detail().unwrap().key.as_deref(),
        Some("birthday")
    );
    assert!(e.raw_body().is_some());
}

#[tokio::test]
async fn get_before_start_is_404_and_after_a_result_is_the_ident() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let txn = common::txn("get");
    let ident_id = client
        .create_ident(&txn, &erika())
        .await
        .unwrap()
        .ident_id()
        .unwrap()
        .to_string();
    let e = client.get_ident(&txn).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.cause_code(), Some("OBJECT_NOT_FOUND"));
    common::user_start(&sb, &txn);
    // No data while the user is in the flow either ("until the user has completed the
    // identification process"): the 404 names the IdentID, by transaction number or by id.
    for e in [
        client.get_ident(&txn).await.unwrap_err(),
        client.get_ident_by_id(&ident_id).await.unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let key = e.provider_detail().unwrap().key.clone().unwrap();
        assert!(key.starts_with(&format!("Ident {ident_id} ")), "{key}");
        assert!(e.hint().unwrap().contains("no data"), "{e}");
    }
    common::set_success(&sb, &txn);
    let fetched = client.get_ident(&txn).await.unwrap();
    assert_eq!(fetched.ident.result(), Some(&IdentResult::Success));
    assert_eq!(
        fetched.ident.process().id.as_deref(),
        Some(ident_id.as_str())
    );
    assert_eq!(
        fetched.raw["identificationprocess"]["transactionnumber"],
        txn.as_str()
    );
    let by_id = client.get_ident_by_id(&ident_id).await.unwrap();
    assert_eq!(by_id.raw, fetched.raw);
    let e = client.get_ident("never-created-123").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.hint().is_none(), "nothing suggests the ident exists: {e}");
    // HTTP status and cause are said once.
    assert_eq!(e.to_string().matches("HTTP 404").count(), 1, "{e}");
}

#[tokio::test]
async fn lists_by_state() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let mut txns = Vec::new();
    for result in ["SUCCESS", "REVIEW_PENDING", "ABORTED", "CANCELED"] {
        let txn = common::txn("list");
        client.create_ident(&txn, &erika()).await.unwrap();
        let reason = match result {
            "ABORTED" => Some("USER_CANCELLATION_IDENTIFY_LATER"),
            "CANCELED" => Some("ID_BLURRY"),
            _ => None,
        };
        common::start_and_finish(&sb, &txn, &Outcome::new(result, reason));
        txns.push((result, txn));
    }
    for (filter, want) in [
        (IdentListFilter::Successful, "SUCCESS"),
        (IdentListFilter::Pending, "REVIEW_PENDING"),
        (IdentListFilter::Aborted, "ABORTED"),
        (IdentListFilter::Canceled, "CANCELED"),
    ] {
        let list = client.list_idents(filter).await.unwrap();
        let expected = &txns.iter().find(|(r, _)| *r == want).unwrap().1;
        assert!(
            list.iter()
                .any(|f| f.ident.process().transactionnumber.as_deref() == Some(expected.as_str())),
            "{filter:?}"
        );
        assert!(
            list.iter()
                .all(|f| f.ident.result().map(|r| r.as_str()) == Some(want)),
            "{filter:?}"
        );
        assert!(list.iter().all(|f| f.raw.is_object()));
    }
}

#[tokio::test]
async fn delete_only_finished_idents() {
    let (sb, client, txn) = common::sandbox_with_ident("del", &erika()).await;
    let e = client.delete_ident(&txn).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    common::set_success(&sb, &txn);
    client.delete_ident(&txn).await.unwrap();
    assert_eq!(
        client.get_ident(&txn).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let e = client.create_ident(&txn, &erika()).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Conflict | ErrorKind::InvalidInput),
        "{e}"
    );
}

#[tokio::test]
async fn archive_and_archive_twice() {
    let (sb, client, txn) = successful_ident("arch").await;
    client.archive_ident(&txn).await.unwrap();
    let company = sb.idnow().company_id();
    assert!(sb.idnow().ident(company, &txn).unwrap().archived);
    assert!(
        client.archive_ident(&txn).await.is_err(),
        "already archived"
    );
}

#[tokio::test]
async fn copy_to_a_permitted_company_and_403_otherwise() {
    let (sb, client, txn) = successful_ident("copy").await;
    let copy_to = |company: &str, target: &str| CopyIdentRequest {
        target_companyid: company.into(),
        target_transactionnumber: target.into(),
    };
    let target = common::txn("copied");
    let to_second = copy_to(SECOND_COMPANY, &target);
    client.copy_ident(&txn, &to_second).await.unwrap();
    assert!(sb.idnow().ident(SECOND_COMPANY, &target).is_some());
    let elsewhere = copy_to("elsewhere", &common::txn("x"));
    let e = client.copy_ident(&txn, &elsewhere).await.unwrap_err();
    common::assert_error(&e, ErrorKind::Authentication, Some(403));
    let from_unknown = copy_to(SECOND_COMPANY, &common::txn("y"));
    let e = client
        .copy_ident("unknown-txn-1", &from_unknown)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn binding_key_404_then_present() {
    let (sb, client, txn) = common::sandbox_with_ident("bk", &erika()).await;
    let company = sb.idnow().company_id();
    sb.idnow()
        .user_start(
            company,
            &txn,
            &UserStart {
                binding_key: Some("device-key-1".into()),
                ..UserStart::default()
            },
        )
        .unwrap();
    common::set_success(&sb, &txn);
    let key = client.binding_key(&txn).await.unwrap();
    assert_eq!(key.expose(), "device-key-1");
    let other = common::txn("bk2");
    client.create_ident(&other, &erika()).await.unwrap();
    common::set_success(&sb, &other);
    assert_eq!(
        client.binding_key(&other).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn transient_faults_are_retried_for_gets() {
    let (sb, client, txn) = successful_ident("flaky").await;
    for kind in [
        FaultKind::Status { status: 503 },
        FaultKind::ConnectionReset,
        FaultKind::TooManyRequests {
            retry_after_secs: 0,
        },
    ] {
        common::fail_next(&sb, "GET", kind.clone(), 1);
        client
            .get_ident(&txn)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    common::fail_next(&sb, "GET", FaultKind::Status { status: 502 }, 10);
    let e = client.get_ident(&txn).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient);
    assert!(e.is_retryable());
    sb.idnow().clear_faults();
}

#[tokio::test]
async fn a_malformed_or_empty_body_is_a_provider_error_keeping_the_body() {
    let (sb, client, txn) = successful_ident("malformed").await;
    for kind in [FaultKind::MalformedJson, FaultKind::EmptyBody] {
        common::fail_next(&sb, "GET", kind.clone(), 1);
        let e = client.get_ident(&txn).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Provider, "{kind:?}");
        assert!(e.raw_body().is_some(), "{kind:?}");
    }
}

#[tokio::test]
async fn a_401_after_the_re_login_is_reported_not_looped() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    client.login().await.unwrap();
    let unauthorized = FaultKind::Status { status: 401 };
    common::fail_next_at(&sb, "/identifications/", unauthorized, 2);
    let e = client
        .create_ident(&common::txn("loop"), &erika())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(sb.idnow().login_count(), 2, "one re-login, then the error");
}

#[tokio::test]
async fn the_xml_result_maps_like_the_json_result() {
    let (sb, client, txn) = common::sandbox_with_ident("xmljson", &erika()).await;
    common::user_start(&sb, &txn);
    let mut outcome = Outcome::new("SUCCESS_DATA_CHANGED", None);
    outcome
        .changes
        .insert("lastname".into(), "MUSTERFRAU".into());
    common::set_result(&sb, &txn, &outcome);
    let json = client.get_ident(&txn).await.unwrap();
    let xml = client.get_xml_result(&txn).await.unwrap();
    let from_json = kyc_idnow::mapping::ident_to_case(&json.ident, json.raw.clone(), None);
    let from_xml = kyc_idnow::mapping::ident_to_case(&xml, serde_json::Value::Null, None);
    assert_eq!(from_json.status, from_xml.status);
    assert_eq!(from_json.case_ref, from_xml.case_ref);
    assert_eq!(from_json.identity, from_xml.identity);
    let last = &from_json.identity.as_ref().unwrap().person.last_name;
    assert_eq!(last.value(), Some("MUSTERFRAU"));
    assert_eq!(last.check, kyc_core::FieldCheck::Changed);
}

#[tokio::test]
async fn an_aborted_attempt_is_retryable_with_its_reason() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let provider = common::provider(&sb);
    let txn = common::txn("abort");
    let mut new_case = kyc_core::NewCase::new(txn.clone());
    new_case.person.first_name = Some("Erika".into());
    let handle = kyc_core::KycProvider::create_case(&provider, &new_case)
        .await
        .unwrap();
    common::user_start(&sb, &txn);
    common::user_abort(&sb, &txn, Some("USER_CANCELLATION_PRIVACY_CONCERNS"));
    let case = kyc_core::KycProvider::get_case(&provider, &handle.case_ref)
        .await
        .unwrap();
    assert_eq!(case.status, kyc_core::CaseStatus::Retryable);
    assert_eq!(case.reasons[0].code, "USER_CANCELLATION_PRIVACY_CONCERNS");
    assert_eq!(
        case.reasons[0].category,
        kyc_core::ReasonCategory::UserCancelled
    );
    // The same IdentID is used again for the next attempt.
    common::start_and_finish(&sb, &txn, &Outcome::new("SUCCESS", None));
    let case = kyc_core::KycProvider::get_case(&provider, &handle.case_ref)
        .await
        .unwrap();
    assert!(case.status.is_final());
    assert_eq!(case.case_ref.case_id, handle.case_ref.case_id);
}
