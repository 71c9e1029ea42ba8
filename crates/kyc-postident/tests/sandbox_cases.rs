//! Reading single cases against the sandbox over HTTP: primary and `/full`, status calls,
//! `includeResultPdf`/`includeBinaryData`, encryption, and every error path (404, 5xx with
//! retries, malformed JSON, empty and truncated bodies, wrong key, plain body, wrong key hash).

use crate::common;

use kyc_core::{ArtifactKind, ArtifactSource, CaseRef, CaseStatus, ErrorKind, KycProvider};
use kyc_postident::crypto::PrivateKey;
use kyc_postident::wire::{IdentStatus, IdentificationMethod};
use kyc_postident::{GetCaseOptions, PostidentProvider};
use kyc_sandbox::postident::{FaultKind, Method, Outcome};
use kyc_sandbox::Sandbox;

/// A case with two identifications: an incomplete autoid attempt, then a successful video.
async fn finished_case(
    sandbox: &Sandbox,
    postident: &PostidentProvider,
    reference: &str,
) -> String {
    let incomplete = Outcome::Incomplete {
        sub_status: Some(81),
        sub_status_reason: Some(807),
    };
    let case_id = common::case_id(&common::create(postident, reference).await);
    common::complete(sandbox, &case_id, Method::Autoid, &incomplete);
    common::complete(sandbox, &case_id, Method::Video, &Outcome::Success);
    case_id
}

#[tokio::test]
async fn primary_full_and_status_calls_decrypt_and_parse() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    assert!(postident.client().encrypts_results());
    let case_id = finished_case(&sandbox, &postident, "read-1").await;
    let client = postident.client();

    let primary = client
        .get_case(&case_id, GetCaseOptions::default())
        .await
        .unwrap();
    let ident = primary.result.primary_ident.as_ref().unwrap();
    assert_eq!(
        ident.identification_method,
        Some(IdentificationMethod::Video)
    );
    assert_eq!(ident.status(), Some(&IdentStatus::Success));
    assert!(primary.result.identifications.is_empty());
    assert!(primary.result.contact_data.is_some());
    assert_eq!(primary.raw["caseId"], case_id.as_str());

    let full = client
        .get_case(
            &case_id,
            GetCaseOptions {
                full: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(full.result.identifications.len(), 2);

    let status = client.get_case_status(&case_id, false).await.unwrap();
    assert!(
        status.result.contact_data.is_none(),
        "status calls carry no result data"
    );
    let status_ident = status.result.primary().unwrap();
    assert_eq!(status_ident.status(), Some(&IdentStatus::Success));
    assert!(status_ident.identification_document.is_none());
    let status_full = client.get_case_status(&case_id, true).await.unwrap();
    assert_eq!(status_full.result.identifications.len(), 2);

    // Through the trait: the primary identification decides, every identification is an attempt.
    let case = postident
        .get_case(&CaseRef::by_case_id(
            kyc_core::Provider::Postident,
            &case_id,
        ))
        .await
        .unwrap();
    assert!(matches!(case.status, CaseStatus::Approved { .. }));
    assert_eq!(case.attempts.len(), 2);
    assert_eq!(
        case.attempts[0].status,
        CaseStatus::Closed,
        "incomplete, but the case is closed"
    );
    assert_eq!(case.attempts[0].reasons[1].code, "807");
    assert_eq!(case.case_ref.reference.as_deref(), Some("read-1"));
    assert!(case.identity.is_some());
}

#[tokio::test]
async fn answers_really_are_encrypted_to_our_key() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let case_id = finished_case(&sandbox, &postident, "jwe-1").await;
    let key = common::fixed_key();
    let headers = key
        .scr_headers(&kyc_core::Secret::new(sandbox.postident().data_password()))
        .unwrap();
    let url = format!("{}/{case_id}", sandbox.postident().cases_url());
    let answer = reqwest::Client::new()
        .get(url)
        .basic_auth(
            sandbox.postident().username(),
            Some(sandbox.postident().password()),
        )
        .header("x-scr-key", &headers.key)
        .header("x-scr-keyhash", &headers.key_hash)
        .header("x-scr-alg", headers.alg())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body = answer.bytes().await.unwrap();
    assert_eq!(
        body.iter().filter(|b| **b == b'.').count(),
        4,
        "compact JWE"
    );
    let plain = key.decrypt(&body).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(json["caseId"], case_id.as_str());
}

#[tokio::test]
async fn result_pdf_and_binary_data_are_included_only_when_asked() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let case_id = finished_case(&sandbox, &postident, "bin-1").await;
    let client = postident.client();
    let records = |r: &kyc_postident::CaseResponse| -> Vec<kyc_postident::wire::RecordResult> {
        r.result.primary().unwrap().all_records().cloned().collect()
    };
    let plain = client
        .get_case(&case_id, GetCaseOptions::default())
        .await
        .unwrap();
    assert!(records(&plain).iter().all(|r| r.document_data.is_none()));
    assert!(!records(&plain)
        .iter()
        .any(|r| r.record_type == Some(kyc_postident::wire::RecordType::Result)));
    let everything = client
        .get_case(&case_id, GetCaseOptions::everything())
        .await
        .unwrap();
    let pdf = records(&everything)
        .into_iter()
        .find(|r| r.record_type == Some(kyc_postident::wire::RecordType::Result))
        .expect("result PDF record with includeResultPdf");
    let bytes = pdf.decode_document_data().unwrap().unwrap();
    assert!(
        bytes.starts_with(b"%PDF"),
        "includeBinaryData gives the PDF itself"
    );

    // Through the trait: artifacts are listed without bytes, fetch_artifact gets them.
    let case_ref = CaseRef::by_case_id(kyc_core::Provider::Postident, &case_id);
    let case = postident.get_case(&case_ref).await.unwrap();
    let pdf = common::artifact(&case, ArtifactKind::ResultPdf);
    assert!(matches!(pdf.source, ArtifactSource::Download { .. }));
    let fetched = postident.fetch_artifact(&case_ref, pdf).await.unwrap();
    assert!(fetched.starts_with(b"%PDF"));
    // With inline binary data the bytes arrive with the case.
    let inline = common::provider(&sandbox).with_inline_binary_data(true);
    let case = inline.get_case(&case_ref).await.unwrap();
    assert!(case
        .artifacts
        .iter()
        .any(|a| matches!(a.source, ArtifactSource::Inline { .. })));
}

#[tokio::test]
async fn an_unknown_case_is_not_found() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let unknown = CaseRef::by_case_id(kyc_core::Provider::Postident, "NOSUCHCASE01");
    let e = postident.get_case(&unknown).await.unwrap_err();
    common::assert_error(&e, ErrorKind::NotFound, Some(404));
    assert!(e.raw_body().is_some());
    // Looking a POSTIDENT case up needs the caseId.
    let e = postident
        .get_case(&CaseRef::by_reference(kyc_core::Provider::Postident, "ref"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.violations()[0].field, "case_ref.case_id");
}

#[tokio::test]
async fn a_wrong_data_password_is_refused_by_postident() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_where(&sandbox, |c| {
        c.encryption = kyc_postident::Encryption::Enabled {
            private_key: common::fixed_key(),
            data_password: kyc_core::Secret::new("not-the-data-password"),
        }
    });
    let created = common::create(&common::provider(&sandbox), "hash-1").await;
    let e = postident.get_case(&created.case_ref).await.unwrap_err();
    common::assert_error(&e, ErrorKind::InvalidInput, Some(400));
    assert!(common::raw_body_contains(&e, "x-scr-keyhash"));
    assert!(!format!("{e} {e:?}").contains("not-the-data-password"));
}

#[tokio::test]
async fn reads_are_retried_on_5xx_and_reset_connections_then_give_up() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let created = common::create(&postident, "5xx-1").await;
    common::fail_next(&sandbox, "GET", FaultKind::Status { status: 502 }, 1);
    common::fail_next(&sandbox, "GET", FaultKind::ConnectionReset, 1);
    let case = postident.get_case(&created.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Created);

    common::fail_next(&sandbox, "GET", FaultKind::Status { status: 503 }, 10);
    let e = postident.get_case(&created.case_ref).await.unwrap_err();
    common::assert_error(&e, ErrorKind::Transient, Some(503));
    assert!(e.is_retryable());
    sandbox.postident().clear_faults();
}

#[tokio::test]
async fn malformed_and_empty_bodies_are_errors_that_keep_the_body() {
    let sandbox = common::sandbox().await;
    let created = common::create(&common::provider(&sandbox), "bad-1").await;
    let case = &created.case_ref;
    // Without encryption: a body that is not JSON is a provider error with the raw body.
    let plain = common::plain_provider(&sandbox);
    let e = common::read_failing(&sandbox, &plain, case, FaultKind::MalformedJson).await;
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    assert!(common::raw_body_contains(&e, "SANDBOX"));
    let e = common::read_failing(&sandbox, &plain, case, FaultKind::EmptyBody).await;
    assert_eq!(e.kind(), ErrorKind::Provider);
    // With encryption: an unencrypted or empty body cannot be decrypted.
    let encrypted = common::provider(&sandbox);
    let e = common::read_failing(&sandbox, &encrypted, case, FaultKind::MalformedJson).await;
    assert_eq!(e.kind(), ErrorKind::Decryption);
    assert!(e.raw_body().is_some());
    let e = common::read_failing(&sandbox, &encrypted, case, FaultKind::EmptyBody).await;
    assert_eq!(e.kind(), ErrorKind::Decryption);
    assert!(e.to_string().contains("corrupt"), "{e}");
}

#[tokio::test]
async fn a_truncated_jwe_is_corrupt() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let created = common::create(&postident, "trunc-1").await;
    let case = &created.case_ref;
    let e = common::read_failing(&sandbox, &postident, case, FaultKind::TruncatedJwe).await;
    assert_eq!(e.kind(), ErrorKind::Decryption);
    assert!(e.to_string().contains("corrupt"), "{e}");
    assert!(e.raw_body().is_some());
}

#[tokio::test]
async fn a_result_encrypted_to_another_key_is_a_wrong_key_error() {
    let sandbox = common::sandbox().await;
    let other = PrivateKey::generate().unwrap();
    let other_headers = other
        .scr_headers(&kyc_core::Secret::new(sandbox.postident().data_password()))
        .unwrap();
    let postident =
        common::provider_behind_relay(&sandbox, common::KeyRewrite::OtherKey(other_headers)).await;
    let created = common::create(&postident, "key-1").await;
    let e = postident.get_case(&created.case_ref).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decryption);
    assert!(e.to_string().contains("different public key"), "{e}");
    assert!(
        e.to_string().contains(&common::fixed_key().fingerprint()),
        "{e}"
    );
}

#[tokio::test]
async fn a_plain_body_where_encryption_was_requested_is_its_own_error() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_behind_relay(&sandbox, common::KeyRewrite::Strip).await;
    let created = common::create(&postident, "plain-1").await;
    let e = postident.get_case(&created.case_ref).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decryption);
    assert!(e.to_string().contains("plain JSON"), "{e}");
    assert!(e.to_string().contains("encryption"), "{e}");
}

#[tokio::test]
async fn every_documented_content_encryption_is_decrypted() {
    for enc in ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512"] {
        let sandbox = common::sandbox_with(|o| o.jwe_enc = enc.into()).await;
        let postident = common::provider(&sandbox);
        let created = common::create(&postident, "enc-1").await;
        let case = postident.get_case(&created.case_ref).await.unwrap();
        assert_eq!(case.status, CaseStatus::Created, "{enc}");
    }
}

#[tokio::test]
async fn production_style_accounts_refuse_plain_requests() {
    let sandbox = common::sandbox_with(|o| o.encryption_required = true).await;
    let created = common::create(&common::provider(&sandbox), "req-1").await;
    let plain = common::plain_provider(&sandbox);
    let e = plain.get_case(&created.case_ref).await.unwrap_err();
    assert_eq!(e.http_status(), Some(400));
    let encrypted = common::provider(&sandbox);
    assert!(encrypted.get_case(&created.case_ref).await.is_ok());
}

#[tokio::test]
async fn slow_and_cut_off_answers_are_retried_for_reads() {
    let sandbox = common::sandbox().await;
    let postident = common::provider_where(&sandbox, |c| {
        c.http.request_timeout = std::time::Duration::from_millis(300)
    });
    let created = common::create(&postident, "slow-1").await;
    let slow = FaultKind::Delay { delay_ms: 1_000 };
    common::fail_next(&sandbox, "GET", slow.clone(), 1);
    common::fail_next(&sandbox, "GET", FaultKind::TruncatedBody, 1);
    let case = postident.get_case(&created.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Created);
    // Every attempt times out: a transient error, no answer body.
    common::fail_next(&sandbox, "GET", slow, 3);
    let e = postident.get_case(&created.case_ref).await.unwrap_err();
    common::assert_error(&e, ErrorKind::Transient, None);
    assert!(e.to_string().contains("timeout"), "{e}");
}

#[tokio::test]
async fn debug_output_never_shows_credentials_or_keys() {
    let sandbox = common::sandbox().await;
    let mut config = common::config(&sandbox);
    config.webhook.basic = Some(kyc_core::webhook::BasicCredentials::new(
        "hook-user",
        "hook-password-123",
    ));
    let shown = format!(
        "{config:?} {:?}",
        PostidentProvider::new(config.clone()).unwrap()
    );
    for secret in [
        sandbox.postident().password(),
        sandbox.postident().data_password(),
        "hook-password-123",
        "PRIVATE KEY",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("[redacted]"));
}
