//! The neutral case against the sandbox over HTTP, for what it keeps beyond status and identity
//! (issue 9 item 7): driving licence, attempt circumstances, postal check, accounting; a change
//! reported by one section only (item 12); and subStatus 12 when the case URL was started too
//! often (item 8).

use crate::common;

use kyc_core::{CaseStatus, DocumentKind, FieldCheck, KycProvider, NewCase, ReasonCategory};
use kyc_sandbox::postident::IdentStatus;
use kyc_sandbox::postident::{Method, Outcome, RegulatoryClass, Transition};

/// A case with names and contact data only: no birth data, so no
/// `identificationDocumentProvided` is sent, only `contactDataProvided`.
fn contact_only(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c.contact.email = Some("erika@example.org".into());
    c
}

#[tokio::test]
async fn an_eid_with_a_changed_last_name_reports_the_change_and_the_original() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let new_case = contact_only("eid-changed");
    let handle = postident.create_case(&new_case).await.unwrap();
    let id = handle.case_ref.case_id.clone().unwrap();
    let raw = sandbox.postident().case_json(&id).unwrap();
    assert!(
        raw["orderData"]
            .get("identificationDocumentProvided")
            .is_none(),
        "the set-up this test is about"
    );
    sandbox
        .postident()
        .apply(
            &id,
            &Transition::new(Method::Eid, IdentStatus::Success).changed("lastName", "Musterfrau"),
        )
        .unwrap();
    let case = postident.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Approved { data_changed: true });
    let last_name = &case.identity.as_ref().unwrap().person.last_name;
    assert_eq!(last_name.value(), Some("Musterfrau"));
    assert_eq!(last_name.check, FieldCheck::Changed, "{last_name:?}");
    assert_eq!(last_name.original.as_deref(), Some("Mustermann"));
    let first_name = &case.identity.as_ref().unwrap().person.first_name;
    assert_ne!(first_name.check, FieldCheck::Changed);
}

#[tokio::test]
async fn video_post_office_and_eid_circumstances_and_the_accounting_data() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    let mut ids = Vec::new();
    for (reference, method) in [
        ("d-video", Method::Video),
        ("d-basic", Method::Basic),
        ("d-eid", Method::Eid),
    ] {
        let h = common::closed_case(&sandbox, &postident, reference, method).await;
        ids.push(postident.get_case(&h.case_ref).await.unwrap());
    }
    let [video, basic, eid] = ids.as_slice() else {
        unreachable!()
    };
    let v = &video.attempts[0].details;
    assert!(v
        .location
        .as_ref()
        .and_then(|l| l.name.as_deref())
        .is_some_and(|n| n.contains("Flensburg")));
    assert_eq!(v.tan_channel.as_deref(), Some("sms"));
    assert_eq!(v.recording_delivered, Some(true));
    assert!(v.recording_consent_at.is_some());
    assert_eq!(
        video.accounting.as_ref().and_then(|a| a.product.as_deref()),
        Some("Postident Video")
    );
    assert_eq!(
        video
            .accounting
            .as_ref()
            .and_then(|a| a.number.as_deref())
            .map(str::len),
        Some(14)
    );

    let b = &basic.attempts[0].details;
    assert_eq!(
        b.location.as_ref().and_then(|l| l.city.as_deref()),
        Some("12345 Musterstadt")
    );
    assert!(
        b.location.as_ref().unwrap().id.is_none(),
        "GwG: no post office id"
    );
    assert_eq!(b.note.as_deref(), Some("85014869 3013"));
    assert!(b
        .coupon_requests
        .iter()
        .any(|c| c.channel == "download" && c.count == 1));
    assert!(!b.document_reader_checks.is_empty());

    assert!(eid.attempts[0]
        .details
        .eid_pseudonym
        .as_deref()
        .is_some_and(|d| d.len() == 64));
}

#[tokio::test]
async fn a_driving_licence_and_the_postal_check_come_through() {
    let sandbox = common::sandbox_with(|o| {
        o.regulatory_class = RegulatoryClass::Mobility;
        o.address_check = true;
    })
    .await;
    let postident = common::provider(&sandbox);
    let mut new_case = common::new_case("d-licence");
    new_case.document = Some(
        kyc_core::new_case::DocumentInput::default()
            .with_kind(DocumentKind::DriversLicence)
            .with_number("B072RRE2I55"),
    );
    let h = postident.create_case(&new_case).await.unwrap();
    common::complete(
        &sandbox,
        &common::case_id(&h),
        Method::Photo,
        &Outcome::Success,
    );
    let case = postident.get_case(&h.case_ref).await.unwrap();
    let identity = case.identity.as_ref().unwrap();
    let [licence] = identity.secondary_documents.as_slice() else {
        panic!("the licence: {identity:?}");
    };
    assert_eq!(licence.kind, DocumentKind::DriversLicence);
    assert_eq!(licence.number.value(), Some("B072RRE2I55"));
    assert_eq!(licence.number.check, FieldCheck::Match);
    assert!(!licence.licence_classes.is_empty());
    assert_eq!(
        licence.holder.as_ref().unwrap().last_name.value(),
        Some("Mustermann")
    );
    let address = identity.address.as_ref().unwrap();
    let check = address.postal_check.as_ref().unwrap();
    assert_eq!(check.undeliverable, Some(false));
    assert_eq!(check.addressee_deceased, Some(false));
}

#[tokio::test]
async fn a_case_url_started_too_often_is_expired_with_its_code() {
    let sandbox = common::sandbox_with(|o| o.case_start_limit = Some(1)).await;
    let postident = common::provider(&sandbox);
    let h = common::create(&postident, "too-often").await;
    let id = common::case_id(&h);
    let incomplete = Outcome::Incomplete {
        sub_status: None,
        sub_status_reason: None,
    };
    common::complete(&sandbox, &id, Method::Video, &incomplete);
    assert_eq!(
        postident.get_case(&h.case_ref).await.unwrap().status,
        CaseStatus::Retryable
    );
    common::complete(&sandbox, &id, Method::Video, &Outcome::Success);
    let case = postident.get_case(&h.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Expired);
    assert!(case.status.is_final());
    let reason = &case.reasons[0];
    assert_eq!(reason.category, ReasonCategory::ValidityExpired);
    assert_eq!(reason.code, "12");
    assert!(
        case.valid_until.unwrap() > chrono::Utc::now(),
        "not a validity that ran out"
    );
    assert!(case.identity.is_none() || case.identity.as_ref().unwrap().document.is_none());
}
