//! Shared test values: a person whose every datum is distinctive, so a leak is easy to spot.

#![allow(dead_code)]

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

pub fn new_case() -> NewCase {
    let mut c = NewCase::new("order-4711");
    c.person = PersonInput {
        title: Some("Dr.".into()),
        first_name: Some("Erika".into()),
        last_name: Some("Mustermann".into()),
        birth_name: Some("Gabler".into()),
        birth_date: Some(NaiveDate::from_ymd_opt(1964, 8, 12).unwrap()),
        birth_place: Some("Berlin-Spandau".into()),
        nationality: Some(Country::GERMANY),
        gender: Some(Gender::Female),
    };
    c.address = Some(AddressInput {
        street: Some("Heidestrasse".into()),
        street_number: Some("17".into()),
        appendix: None,
        postal_code: Some("51147".into()),
        city: Some("Koeln".into()),
        country: Some(Country::GERMANY),
    });
    c.contact = ContactInput {
        email: Some("erika@example.org".into()),
        mobile_phone: Some("+491701234567".into()),
    };
    c.document = Some(DocumentInput {
        kind: Some(DocumentKind::IdCard),
        number: Some("T22000129".into()),
        authority: Some("Stadt Koeln".into()),
        ..Default::default()
    });
    c.custom_fields = vec!["loyalty-42".into()];
    c
}

fn checked(v: &str, check: FieldCheck) -> Checked {
    Checked::new(v, check)
}

pub fn identity() -> VerifiedIdentity {
    VerifiedIdentity {
        person: VerifiedPerson {
            title: Checked::absent(),
            first_name: checked("Erika", FieldCheck::Match),
            last_name: Checked {
                value: Some("Mustermann".into()),
                check: FieldCheck::Changed,
                original: Some("Gabler".into()),
                ..Default::default()
            },
            birth_name: Checked::absent(),
            birth_date: checked("1964-08-12", FieldCheck::Match),
            birth_place: checked("Berlin-Spandau", FieldCheck::New),
            nationality: checked("DEU", FieldCheck::New),
            gender: Checked::absent(),
        },
        address: Some(VerifiedAddress {
            street: checked("Heidestrasse", FieldCheck::Match),
            street_number: checked("17", FieldCheck::Match),
            appendix: Checked::absent(),
            postal_code: checked("51147", FieldCheck::Match),
            city: checked("Koeln", FieldCheck::Match),
            country: checked("DEU", FieldCheck::Match),
            postal_check: Some({
                let mut check = PostalCheck::default();
                check.undeliverable = Some(false);
                check.redirected_domestic = Some(true);
                check
            }),
        }),
        document: Some(VerifiedDocument {
            kind: DocumentKind::IdCard,
            provider_type: "IDCARD".into(),
            number: checked("T22000129", FieldCheck::New),
            authority: checked("Stadt Koeln", FieldCheck::New),
            chip_read: Some(true),
            ..Default::default()
        }),
        secondary_documents: vec![VerifiedDocument {
            kind: DocumentKind::DriversLicence,
            provider_type: "DRIVERS_LICENSE".into(),
            number: checked("B072RRE2I55", FieldCheck::New),
            licence_classes: vec![{
                let mut class = LicenceClass::default();
                class.class = checked("B", FieldCheck::New);
                class.valid_from = checked("1997-03-02", FieldCheck::New);
                class.valid_from_readout = Some("DATE".into());
                class
            }],
            holder: Some(Box::new(VerifiedPerson {
                first_name: checked("Erika", FieldCheck::Match),
                last_name: checked("Mustermann", FieldCheck::Match),
                ..Default::default()
            })),
            ..Default::default()
        }],
        contact: VerifiedContact {
            email: checked("erika@example.org", FieldCheck::Match),
            mobile_phone: checked("+491701234567", FieldCheck::Match),
        },
    }
}

pub fn case() -> Case {
    let raw = serde_json::json!({
        "identificationprocess": {"result": "SUCCESS_DATA_CHANGED", "id": "TST-ABCDE"},
        "userdata": {"firstname": {"value": "Erika"}, "lastname": {"value": "Mustermann"}}
    });
    let mut c = Case::new(
        CaseRef::new(
            Provider::IdNow,
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
        attempt.raw = raw;
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
    c.artifacts = vec![Artifact {
        kind: ArtifactKind::Selfie,
        name: "TST-ABCDE_userface.jpg".into(),
        mime_type: Some("image/jpeg".into()),
        source: ArtifactSource::Inline {
            data: bytes::Bytes::from_static(b"\xff\xd8\xff\xe0 not really a face"),
        },
    }];
    c.custom_fields
        .insert("custom1".into(), "loyalty-42".into());
    c.created_at = Some(DateTime::parse_from_rfc3339("2024-01-02T10:00:00+01:00").unwrap());
    c.decided_at = Some(DateTime::parse_from_rfc3339("2024-01-02T10:09:00+01:00").unwrap());
    c
}
