//! The `#[non_exhaustive]` types can be built outside the crate (as users do) through their
//! public constructors and `with_*` setters alone: no struct literal, no field assignment.

use crate::common;
use chrono::{DateTime, NaiveDate};
use kyc_core::{
    Artifact, ArtifactKind, ArtifactSource, Attempt, CallbackUrl, CallbackUrls, Case, CaseFilter,
    CaseRef, CaseStatus, Checked, ContactInput, Country, FieldCheck, Gender, IdentMethod, Language,
    NewCase, PersonInput, Provider, Reason, ReasonCategory, ReasonSource, VerifiedIdentity,
    VerifiedPerson,
};

#[test]
fn new_case_from_constructors_and_setters() {
    let birth = NaiveDate::from_ymd_opt(1964, 8, 12).unwrap();
    let ok: url::Url = "https://shop.example.com/ok".parse().unwrap();
    let hook: url::Url = "https://shop.example.com/kyc/webhook".parse().unwrap();
    let case = NewCase::new("order-4711")
        .with_person(
            PersonInput::new("Erika", "Mustermann")
                .with_birth_date(birth)
                .with_nationality(Country::GERMANY)
                .with_gender(Gender::Female),
        )
        .with_address(common::address())
        .with_contact(ContactInput::default().with_email("erika@example.org"))
        .with_custom_field("loyalty-42")
        .with_callbacks(CallbackUrls::default().with_success(CallbackUrl::web(ok.clone())))
        .with_webhook_url(hook.clone())
        .with_language(Language::German);

    assert_eq!(case.reference, "order-4711");
    assert_eq!(case.person.first_name.as_deref(), Some("Erika"));
    assert_eq!(case.person.last_name.as_deref(), Some("Mustermann"));
    assert_eq!(case.person.birth_date, Some(birth));
    assert_eq!(case.person.nationality, Some(Country::GERMANY));
    assert_eq!(case.person.gender, Some(Gender::Female));
    assert_eq!(case.person.title, None);
    let address = case.address.as_ref().unwrap();
    assert_eq!(address.street.as_deref(), Some("Heidestrasse"));
    assert_eq!(address.city.as_deref(), Some("Koeln"));
    assert_eq!(address.appendix, None);
    assert_eq!(case.contact.email.as_deref(), Some("erika@example.org"));
    assert_eq!(case.contact.mobile_phone, None);
    assert_eq!(case.custom_fields, ["loyalty-42"]);
    assert_eq!(
        case.callbacks.success.as_ref().and_then(|c| c.web.as_ref()),
        Some(&ok)
    );
    assert_eq!(case.webhook_url, Some(hook));
    assert_eq!(case.language, Some(Language::German));
    assert_eq!(case.document, None);
    // The providers' own rules are the adapters' (crates/kyc/tests/new_case_validation.rs).
    case.validate_common_rules().unwrap();
}

#[test]
fn case_from_constructors_and_setters() {
    let decided = DateTime::parse_from_rfc3339("2024-01-02T10:09:00+01:00").unwrap();
    let case_ref = CaseRef::new(
        Provider::Postident,
        Some("WGLPSNWQ2VQK".into()),
        Some("order-4711".into()),
    );
    let reason = Reason::new(
        ReasonCategory::DocumentExpired,
        "807",
        None,
        ReasonSource::PostidentSubStatusReason,
    );
    let attempt = Attempt::new(IdentMethod::Video, CaseStatus::Declined, "closed/declined")
        .with_id("attempt-1")
        .with_finished_at(decided)
        .with_reasons(vec![reason.clone()]);
    let artifact = Artifact::new(
        ArtifactKind::ResultPdf,
        "result.pdf",
        ArtifactSource::Download {
            path: "cases/WGLPSNWQ2VQK/result.pdf".into(),
        },
    )
    .with_mime_type("application/pdf");
    let identity = VerifiedIdentity::default().with_person(
        VerifiedPerson::default()
            .with_first_name(Checked::new("ERIKA", FieldCheck::Match))
            .with_last_name(
                Checked::new("MUSTERMANN", FieldCheck::Changed).with_original("Gabler"),
            ),
    );
    let case = Case::new(
        case_ref.clone(),
        CaseStatus::Declined,
        "closed/declined",
        serde_json::json!({"caseId": "WGLPSNWQ2VQK"}),
    )
    .with_reasons(vec![reason.clone()])
    .with_identity(identity)
    .with_attempts(vec![attempt.clone()])
    .with_artifacts(vec![artifact.clone()])
    .with_custom_field("custom1", "loyalty-42")
    .with_decided_at(decided)
    .with_archived(true);

    assert_eq!(case.case_ref, case_ref);
    assert!(case.status.is_final());
    assert_eq!(case.provider_status, "closed/declined");
    assert_eq!(case.reasons, [reason]);
    let person = &case.identity.as_ref().unwrap().person;
    assert_eq!(person.first_name.value(), Some("ERIKA"));
    assert_eq!(person.last_name.check, FieldCheck::Changed);
    assert_eq!(person.last_name.original.as_deref(), Some("Gabler"));
    assert!(person.title.is_absent());
    assert_eq!(case.attempts, [attempt]);
    assert_eq!(case.attempts[0].id.as_deref(), Some("attempt-1"));
    assert_eq!(case.attempts[0].method, IdentMethod::Video);
    assert_eq!(case.artifacts, [artifact]);
    assert_eq!(
        case.artifacts[0].mime_type.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        case.custom_fields.get("custom1").map(String::as_str),
        Some("loyalty-42")
    );
    assert_eq!(case.decided_at, Some(decided));
    assert_eq!(case.last_changed(), Some(decided));
    assert_eq!(case.created_at, None);
    assert!(case.archived);
    assert_eq!(case.raw["caseId"], "WGLPSNWQ2VQK");
}

#[test]
fn case_filter_from_default_and_setters() {
    let from = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+01:00").unwrap();
    let default = CaseFilter::default();
    assert!(default.finished && !default.unfinished && !default.retryable && !default.archived);

    let filter = CaseFilter::default()
        .with_finished(false)
        .with_unfinished(true)
        .with_retryable(true)
        .with_archived(true)
        .with_created_from(from)
        .with_max_results(50);
    assert!(!filter.finished);
    assert!(filter.unfinished);
    assert!(filter.retryable);
    assert!(filter.archived);
    assert_eq!(filter.created_from, Some(from));
    assert_eq!(filter.created_until, None);
    assert_eq!(filter.decided_from, None);
    assert_eq!(filter.max_results, Some(50));

    let everything = CaseFilter::everything().with_max_results(1);
    assert!(everything.finished && everything.unfinished && everything.retryable);
    assert_eq!(everything.max_results, Some(1));
}
