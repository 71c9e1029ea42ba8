//! Shared test values: a person whose every datum is distinctive, so a leak is easy to spot.

#![allow(dead_code)]

pub mod provider_documents;

use chrono::{DateTime, NaiveDate};
use kyc_core::*;

/// Every personal datum used by the values below; none may show up in `Debug` output.
pub const PERSONAL_DATA: &[&str] = &[
    "Erika",
    "Mustermann",
    "Gabler",
    "1964-08-12",
    "Berlin-Spandau",
    "Heidestrasse",
    "17",
    "51147",
    "Koeln",
    "erika@example.org",
    "+491701234567",
    "T22000129",
    "Stadt Koeln",
    "loyalty-42",
    "B072RRE2I55",
    "1997-03-02",
    "BB30E18C3428F73891DCF8",
];

/// Erika's address, built through the public setters.
pub fn address() -> AddressInput {
    AddressInput::default()
        .with_street("Heidestrasse")
        .with_street_number("17")
        .with_postal_code("51147")
        .with_city("Koeln")
        .with_country(Country::GERMANY)
}

pub fn new_case() -> NewCase {
    NewCase::new("order-4711")
        .with_person(
            PersonInput::new("Erika", "Mustermann")
                .with_title("Dr.")
                .with_birth_name("Gabler")
                .with_birth_date(NaiveDate::from_ymd_opt(1964, 8, 12).unwrap())
                .with_birth_place("Berlin-Spandau")
                .with_nationality(Country::GERMANY)
                .with_gender(Gender::Female),
        )
        .with_address(address())
        .with_contact(
            ContactInput::default()
                .with_email("erika@example.org")
                .with_mobile_phone("+491701234567"),
        )
        .with_document(
            DocumentInput::default()
                .with_kind(DocumentKind::IdCard)
                .with_number("T22000129")
                .with_authority("Stadt Koeln"),
        )
        .with_custom_field("loyalty-42")
}

fn checked(v: &str, check: FieldCheck) -> Checked {
    Checked::new(v, check)
}

pub fn identity() -> VerifiedIdentity {
    VerifiedIdentity::default()
        .with_person(
            VerifiedPerson::default()
                .with_first_name(checked("Erika", FieldCheck::Match))
                .with_last_name(checked("Mustermann", FieldCheck::Changed).with_original("Gabler"))
                .with_birth_date(checked("1964-08-12", FieldCheck::Match))
                .with_birth_place(checked("Berlin-Spandau", FieldCheck::New))
                .with_nationality(checked("DEU", FieldCheck::New)),
        )
        .with_address(
            VerifiedAddress::default()
                .with_street(checked("Heidestrasse", FieldCheck::Match))
                .with_street_number(checked("17", FieldCheck::Match))
                .with_postal_code(checked("51147", FieldCheck::Match))
                .with_city(checked("Koeln", FieldCheck::Match))
                .with_country(checked("DEU", FieldCheck::Match))
                .with_postal_check({
                    let mut check = PostalCheck::default();
                    check.undeliverable = Some(false);
                    check.redirected_domestic = Some(true);
                    check
                }),
        )
        .with_document(
            VerifiedDocument::default()
                .with_kind(DocumentKind::IdCard)
                .with_provider_type("IDCARD")
                .with_number(checked("T22000129", FieldCheck::New))
                .with_authority(checked("Stadt Koeln", FieldCheck::New))
                .with_chip_read(true),
        )
        .with_secondary_documents(vec![VerifiedDocument::default()
            .with_kind(DocumentKind::DriversLicence)
            .with_provider_type("DRIVERS_LICENSE")
            .with_number(checked("B072RRE2I55", FieldCheck::New))
            .with_licence_classes(vec![{
                let mut class = LicenceClass::default();
                class.class = checked("B", FieldCheck::New);
                class.valid_from = checked("1997-03-02", FieldCheck::New);
                class.valid_from_readout = Some("DATE".into());
                class
            }])
            .with_holder(
                VerifiedPerson::default()
                    .with_first_name(checked("Erika", FieldCheck::Match))
                    .with_last_name(checked("Mustermann", FieldCheck::Match)),
            )])
        .with_contact(
            VerifiedContact::default()
                .with_email(checked("erika@example.org", FieldCheck::Match))
                .with_mobile_phone(checked("+491701234567", FieldCheck::Match)),
        )
}

pub fn case() -> Case {
    let raw = serde_json::json!({
        "identificationprocess": {"result": "SUCCESS_DATA_CHANGED", "id": "TST-ABCDE"},
        "userdata": {"firstname": {"value": "Erika"}, "lastname": {"value": "Mustermann"}}
    });
    let mut c = Case::new(
        CaseRef::new(
            Provider::Idnow,
            Some("TST-ABCDE".into()),
            Some("order-4711".into()),
        ),
        CaseStatus::Approved { data_changed: true },
        "SUCCESS_DATA_CHANGED",
        raw.clone(),
    );
    c.reasons = vec![Reason::new(
        ReasonCategory::Other,
        "OTHER_ERROR",
        Some("any other reason".into()),
        ReasonSource::IdnowReason,
    )];
    c.identity = Some(identity());
    c.attempts = vec![{
        let mut attempt = Attempt::new(IdentMethod::AutoIdent, CaseStatus::Retryable, "ABORTED");
        attempt.id = Some("attempt-1".into());
        attempt.details.channel = Some("APP".into());
        attempt.details.agents = vec!["TROBOT".into()];
        attempt.details.eid_pseudonym = Some("BB30E18C3428F73891DCF8".into());
        attempt.raw = raw.into();
        attempt
    }];
    c.proof_of_address = Some({
        let mut proof = ProofOfAddress::default();
        proof.provider_result = Some("SUCCESS".into());
        proof.verified = Some(true);
        proof.documents = vec![{
            let mut document = AddressDocument::default();
            document.name = "UTILITY_BILL".into();
            document.address.city = checked("Koeln", FieldCheck::Match);
            document
        }];
        proof
    });
    c.signing = Some({
        let mut signing = SigningResult::default();
        signing.provider_result = "SUCCESS".into();
        signing.signed = Some(true);
        signing
    });
    c.review.previous_provider_status = Some("REVIEW_PENDING".into());
    c.review.changed_by_reviewer = Some(true);
    c.accounting = Some({
        let mut accounting = Accounting::default();
        accounting.number = Some("11235813523701".into());
        accounting.product = Some("Postident Video".into());
        accounting
    });
    c.artifacts = vec![Artifact::new(
        ArtifactKind::Selfie,
        "TST-ABCDE_userface.jpg",
        ArtifactSource::Inline {
            data: bytes::Bytes::from_static(b"\xff\xd8\xff\xe0 not really a face"),
        },
    )
    .with_mime_type("image/jpeg")];
    c.custom_fields
        .insert("custom1".into(), "loyalty-42".into());
    c.created_at = Some(DateTime::parse_from_rfc3339("2024-01-02T10:00:00+01:00").unwrap());
    c.decided_at = Some(DateTime::parse_from_rfc3339("2024-01-02T10:09:00+01:00").unwrap());
    c
}
