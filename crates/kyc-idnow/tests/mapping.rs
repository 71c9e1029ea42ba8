//! Every ident example of the document maps to the neutral case a caller expects: status,
//! reasons with IDnow's code, identity with check marks, artifacts, custom fields, raw JSON,
//! and what the status does not say (proof of address, signing, review trail, chip read,
//! licence classes, the second document, channel and agent).

use crate::common::{artifact, fixture};
use kyc_core::{
    ArtifactKind, ArtifactSource, AttemptDetails, CaseStatus, DocumentKind, FieldCheck,
    ReasonCategory,
};
use kyc_idnow::mapping::ident_to_case;
use kyc_idnow::wire::{Ident, IdentList};
use kyc_idnow::xml::{parse_xml_result, xml_result_to_json};

fn case_of(name: &str) -> kyc_core::Case {
    let raw: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    let raw = match raw.get("identifications") {
        Some(list) => list[0].clone(),
        None => raw,
    };
    case_from_json(raw)
}

/// The case an ident's JSON maps to (the JSON kept as its raw form).
fn case_from_json(raw: serde_json::Value) -> kyc_core::Case {
    let ident: Ident = serde_json::from_value(raw.clone()).unwrap();
    ident_to_case(&ident, raw, None)
}

#[test]
fn each_sample_maps_to_the_documented_status() {
    use CaseStatus::*;
    for (name, status, provider_status, reason) in [
        (
            "sample_1_success.repaired.json",
            Approved {
                data_changed: false,
            },
            "SUCCESS",
            None,
        ),
        (
            "sample_2_success_data_changed.json",
            Approved { data_changed: true },
            "SUCCESS_DATA_CHANGED",
            None,
        ),
        (
            "sample_3_aborted.json",
            Retryable,
            "ABORTED",
            Some((
                "USER_CANCELLATION_IDENTIFY_LATER",
                ReasonCategory::UserCancelled,
            )),
        ),
        (
            "sample_5_check_pending.json",
            ReviewPending {
                fraud_suspected: false,
            },
            "CHECK_PENDING",
            None,
        ),
        (
            "sample_6_canceled.repaired.json",
            Retryable,
            "CANCELED",
            Some(("ID_EXPIRED", ReasonCategory::DocumentExpired)),
        ),
        (
            "sample_7_fraud_suspicion_pending.repaired.json",
            ReviewPending {
                fraud_suspected: true,
            },
            "FRAUD_SUSPICION_PENDING",
            None,
        ),
        (
            "sample_8_fraud_suspicion_confirmed.repaired.json",
            Declined,
            "FRAUD_SUSPICION_CONFIRMED",
            Some((
                "WARNING_MANIPULATED_DATA",
                ReasonCategory::FraudForgedDocument,
            )),
        ),
        (
            "sample_9_proof_of_address.json",
            Approved { data_changed: true },
            "SUCCESS_DATA_CHANGED",
            None,
        ),
        (
            "get_ident_200_success.json",
            Approved {
                data_changed: false,
            },
            "SUCCESS",
            None,
        ),
        (
            "get_demo_ident_200_canceled.json",
            Retryable,
            "CANCELED",
            Some(("USER_CANCELLATION", ReasonCategory::UserCancelled)),
        ),
        (
            "get_pdf_ident_200.json",
            ReviewPending {
                fraud_suspected: true,
            },
            "FRAUD_SUSPICION_PENDING",
            None,
        ),
        (
            "get_zip_ident_200.json",
            ReviewPending {
                fraud_suspected: true,
            },
            "FRAUD_SUSPICION_PENDING",
            None,
        ),
        (
            "solaris_webhook_success_happypath.json",
            Approved {
                data_changed: false,
            },
            "SUCCESS",
            None,
        ),
        (
            "webhook_canceled_thin.repaired.json",
            Retryable,
            "CANCELED",
            Some(("DATA_APPLICATION_DATA", ReasonCategory::DataProblem)),
        ),
        (
            "sample_1_two_documents.repaired.json",
            ReviewPending {
                fraud_suspected: true,
            },
            "FRAUD_SUSPICION_PENDING",
            None,
        ),
    ] {
        let case = case_of(name);
        assert_eq!(case.status, status, "{name}");
        assert_eq!(case.provider_status, provider_status, "{name}");
        match reason {
            Some((code, category)) => {
                assert_eq!(case.reasons.len(), 1, "{name}");
                assert_eq!(case.reasons[0].code, code, "{name}");
                assert_eq!(case.reasons[0].category, category, "{name}");
            }
            None => assert!(case.reasons.is_empty(), "{name}"),
        }
        assert_eq!(case.attempts.len(), 1, "{name}");
        assert_eq!(case.attempts[0].status, case.status, "{name}");
        assert!(case.raw.is_object(), "{name}: raw JSON kept");
        assert_eq!(
            case.raw["identificationprocess"]["result"], provider_status,
            "{name}"
        );
    }
}

#[test]
fn case_ref_uses_ident_id_and_transaction_number() {
    let case = case_of("sample_2_success_data_changed.json");
    assert_eq!(case.case_ref.case_id.as_deref(), Some("TST-WEEVV"));
    assert_eq!(case.case_ref.reference.as_deref(), Some("2708202303"));
    let decided = case.decided_at.unwrap();
    assert_eq!(decided.to_rfc3339(), "2023-08-27T10:57:31+02:00");
    assert_eq!(case.custom_fields["custom1"], "Eg. Employer name");
    assert_eq!(case.custom_fields.len(), 5);
}

#[test]
fn identity_carries_checks_originals_and_alpha3_countries() {
    let case = case_of("get_demo_ident_200_canceled.json");
    let id = case.identity.unwrap();
    assert_eq!(id.person.first_name.value(), Some("SAMUEL"));
    assert_eq!(id.person.first_name.check, FieldCheck::Changed);
    assert_eq!(id.person.first_name.original.as_deref(), Some("OLIVIA"));
    assert_eq!(id.person.nationality.value(), Some("ATA"), "AQ → ATA");
    assert_eq!(id.person.nationality.original.as_deref(), Some("GBR"));
    let addr = id.address.unwrap();
    assert_eq!(addr.country.value(), Some("GBR"));
    assert_eq!(addr.postal_code.check, FieldCheck::Match);
    let doc = id.document.unwrap();
    assert_eq!(doc.kind, DocumentKind::IdCard);
    assert_eq!(doc.provider_type, "IDCARD");
    assert_eq!(doc.number.value(), Some("LGPJ11235"));
    assert_eq!(doc.valid_until.value(), Some("2024-10-16"));
    assert_eq!(id.contact.email.value(), Some("hello@democompany.org"));
}

#[test]
fn thin_payloads_map_to_original_only_fields() {
    let case = case_of("sample_3_aborted.json");
    let id = case.identity.unwrap();
    assert_eq!(id.person.first_name.check, FieldCheck::OriginalOnly);
    assert_eq!(id.person.first_name.value, None);
    assert_eq!(id.person.first_name.original.as_deref(), Some("ERIKA"));
    assert!(
        id.document.is_none(),
        "empty identificationdocument → no document"
    );
    assert!(case.decided_at.is_none());
    assert!(case.status.can_resume());
}

#[test]
fn review_changes_are_kept() {
    let u: serde_json::Value = serde_json::from_slice(&fixture(
        "field_status_example_6_changed_twice.repaired.json",
    ))
    .unwrap();
    let raw = serde_json::json!({"identificationprocess": {"result": "SUCCESS_DATA_CHANGED", "transactionnumber": "t1", "id": "TST-AAAAA"}, "userdata": u});
    let case = case_from_json(raw);
    let b = case.identity.unwrap().person.birth_date;
    assert_eq!(b.value(), Some("1983-05-22"));
    assert_eq!(b.check, FieldCheck::Changed);
    assert_eq!(b.review_check, Some(FieldCheck::Changed));
    assert_eq!(b.before_review.as_deref(), Some("1983-05-21"));
    assert_eq!(b.original.as_deref(), Some("1981-07-02"));
}

#[test]
fn success_with_a_changed_field_counts_as_data_changed() {
    let raw = serde_json::json!({"identificationprocess": {"result": "SUCCESS", "transactionnumber": "t2"},
        "userdata": {"lastname": {"status": "CHANGE", "value": "A", "original": "B"}}});
    assert_eq!(
        case_from_json(raw).status,
        CaseStatus::Approved { data_changed: true }
    );
}

#[test]
fn attachments_become_artifacts() {
    let case = case_of("sample_1_success.repaired.json");
    let kinds: Vec<_> = case.artifacts.iter().map(|a| a.kind.clone()).collect();
    assert!(kinds.contains(&ArtifactKind::ResultPdf));
    assert!(kinds.contains(&ArtifactKind::ResultXml));
    assert!(kinds.contains(&ArtifactKind::DocumentFront));
    assert!(kinds.contains(&ArtifactKind::DocumentBack));
    assert!(kinds.contains(&ArtifactKind::Selfie));
    assert!(kinds.contains(&ArtifactKind::ResultData), "the ZIP itself");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == ArtifactKind::SecurityFeature)
            .count(),
        4
    );
    let pdf = artifact(&case, ArtifactKind::ResultPdf);
    assert_eq!(
        pdf.source,
        ArtifactSource::Download {
            path: "demosecurityfeatures_20190528.pdf".into()
        }
    );
    let face = artifact(&case, ArtifactKind::Selfie);
    assert_eq!(face.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(
        face.source,
        ArtifactSource::ResultArchive {
            entry: "demosecurityfeatures_20190528_userface.jpg".into()
        }
    );

    let solaris = case_of("solaris_webhook_success_happypath.json");
    let kinds: Vec<_> = solaris.artifacts.iter().map(|a| a.kind.clone()).collect();
    assert!(kinds.contains(&ArtifactKind::Video));
    assert!(kinds.contains(&ArtifactKind::Signature));
    let poa = case_of("sample_9_proof_of_address.json");
    assert_eq!(
        poa.artifacts
            .iter()
            .filter(|a| a.kind == ArtifactKind::ProofOfAddress)
            .count(),
        2
    );
    let aborted = case_of("sample_3_aborted.json");
    assert!(aborted
        .artifacts
        .iter()
        .any(|a| a.kind == ArtifactKind::ResultSignature));
}

#[test]
fn xml_results_map_to_the_same_case_as_json() {
    let xml = fixture("get_xml_200.xml");
    let ident = parse_xml_result(&xml).unwrap();
    let raw = xml_result_to_json(&xml).unwrap();
    let case = ident_to_case(&ident, raw, None);
    assert_eq!(case.status, CaseStatus::Declined);
    assert_eq!(case.reasons[0].code, "WARNING_MANIPULATED_PHOTO");
    assert_eq!(
        case.reasons[0].category,
        ReasonCategory::FraudForgedDocument
    );
    let id = case.identity.unwrap();
    assert_eq!(id.person.last_name.check, FieldCheck::Changed);
    assert_eq!(id.person.last_name.original.as_deref(), Some("MUSTERMAN"));
    assert_eq!(id.address.unwrap().country.value(), Some("DEU"));
    let kinds: Vec<_> = case.artifacts.iter().map(|a| a.kind.clone()).collect();
    assert!(kinds.contains(&ArtifactKind::ContractDocument));
    assert!(kinds.contains(&ArtifactKind::ResultSignature));

    let qes = parse_xml_result(&fixture("xml_result_qes.repaired.xml")).unwrap();
    let case = ident_to_case(&qes, serde_json::Value::Null, None);
    assert_eq!(case.status, CaseStatus::Approved { data_changed: true });
    assert!(case
        .artifacts
        .iter()
        .any(|a| a.kind == ArtifactKind::SignedDocument));
    assert_eq!(
        case.identity.unwrap().document.unwrap().kind,
        DocumentKind::Passport
    );

    let plain = parse_xml_result(&fixture("xml_result_plain.repaired.xml")).unwrap();
    let doc = ident_to_case(&plain, serde_json::Value::Null, None)
        .identity
        .unwrap()
        .document
        .unwrap();
    assert_eq!(doc.number.check, FieldCheck::Redacted);
    assert_eq!(doc.number.value, None);
}

#[test]
fn eid_nationality_d_becomes_deu() {
    let raw = serde_json::json!({"identificationprocess": {"result": "SUCCESS", "transactionnumber": "t3"},
        "userdata": {"nationality": {"status": "NEW", "value": "D"}}});
    let case = case_from_json(raw);
    assert_eq!(
        case.identity.unwrap().person.nationality.value(),
        Some("DEU")
    );
}

#[test]
fn list_wrapper_maps_each_entry() {
    let list: IdentList =
        serde_json::from_slice(&fixture("sample_8_fraud_suspicion_confirmed.repaired.json"))
            .unwrap();
    assert_eq!(list.identifications.len(), 1);
}

#[test]
fn debug_of_a_case_shows_no_personal_data() {
    let case = case_of("sample_9_proof_of_address.json");
    let shown = format!("{case:?}");
    for secret in crate::common::SAMPLE_9_PERSONAL_VALUES {
        assert!(!shown.contains(secret), "{secret} leaked");
    }
}

fn xml_case(name: &str) -> kyc_core::Case {
    kyc_idnow::normalize::case_from_xml(&fixture(name)).unwrap()
}

#[test]
fn proof_of_address_from_the_json_and_xml_samples() {
    for case in [
        case_of("sample_9_proof_of_address.json"),
        xml_case("xml_result_proof_of_address.xml"),
    ] {
        assert_eq!(case.status, CaseStatus::Approved { data_changed: true });
        let proof = case
            .proof_of_address
            .as_ref()
            .expect("poaresult is reported");
        assert_eq!(proof.provider_result.as_deref(), Some("SUCCESS"));
        assert_eq!(proof.verified, Some(true));
        assert!(!proof.data_changed);
        assert_eq!(proof.documents.len(), 1);
        let document = &proof.documents[0];
        assert_eq!(document.name, "UTILITY_BILL");
        assert_eq!(document.address.city.value(), Some("MUNICH"));
        assert_eq!(document.address.city.check, FieldCheck::Match);
        assert_eq!(document.address.country.value(), Some("DEU"));
        assert_eq!(document.address.street_number.value(), Some("100"));
    }
    // The section example alone (no poaresult): the documents, nothing verified.
    let case = case_of("additionaldocuments_section.repaired.json");
    let proof = case
        .proof_of_address
        .expect("additionaldocuments are reported");
    assert_eq!((proof.provider_result, proof.verified), (None, None));
    assert_eq!(
        proof.documents[0].address.postal_code.value(),
        Some("80469")
    );
    // Without the add-on there is nothing to report.
    assert!(case_of("sample_2_success_data_changed.json")
        .proof_of_address
        .is_none());
}

#[test]
fn a_cancelled_proof_of_address_is_not_verified() {
    let raw = serde_json::json!({
        "identificationprocess": {"result": "SUCCESS", "poaresult": "CANCELED",
            "transactionnumber": "t", "id": "TST-AAAAA"}
    });
    let proof = case_from_json(raw).proof_of_address.unwrap();
    assert_eq!(proof.verified, Some(false));
    assert_eq!(proof.provider_result.as_deref(), Some("CANCELED"));
}

#[test]
fn the_signing_step_from_the_qes_xml_samples() {
    for name in ["xml_result_qes.repaired.xml", "get_xml_200.xml"] {
        let case = xml_case(name);
        let signing = case.signing.as_ref().unwrap_or_else(|| panic!("{name}"));
        assert_eq!(signing.provider_result, "SUCCESS", "{name}");
        assert_eq!(signing.signed, Some(true), "{name}");
        assert_eq!(
            signing.session_id, None,
            "an empty sessionid is absent: {name}"
        );
    }
    assert!(xml_case("xml_result_plain.repaired.xml").signing.is_none());
    let raw = serde_json::json!({
        "identificationprocess": {"result": "CANCELED", "reason": "TSP_SIGNING_FAILED",
            "transactionnumber": "t"},
        "esigning": {"result": "CANCELED", "sessionid": "tsp-42"}
    });
    let signing = case_from_json(raw).signing.unwrap();
    assert_eq!(signing.signed, Some(false));
    assert_eq!(signing.session_id.as_deref(), Some("tsp-42"));
}

#[test]
fn the_chip_read_by_nfc_from_the_samples() {
    let chip = |case: kyc_core::Case| {
        case.identity
            .and_then(|i| i.document)
            .and_then(|d| d.chip_read)
    };
    assert_eq!(chip(xml_case("xml_result_nfc.repaired.xml")), Some(true));
    assert_eq!(
        chip(case_of("sample_1_success.repaired.json")),
        Some(true),
        "the sample's string \"true\""
    );
    assert_eq!(chip(xml_case("xml_result_plain.repaired.xml")), None);
}

#[test]
fn driver_licence_classes_from_the_section_example() {
    let section: serde_json::Value =
        serde_json::from_slice(&fixture("driverlicenses_section.repaired.json")).unwrap();
    let raw = serde_json::json!({
        "identificationprocess": {"result": "SUCCESS", "transactionnumber": "t"},
        "identificationdocument": {
            "type": {"status": "NEW", "value": "DRIVERS_LICENSE"},
            "driverlicenses": section["driverlicenses"]
        }
    });
    let document = case_from_json(raw).identity.unwrap().document.unwrap();
    assert_eq!(document.kind, DocumentKind::DriversLicence);
    let classes = &document.licence_classes;
    assert_eq!(classes.len(), 16);
    assert_eq!(classes[0].class.value(), Some("A1"));
    assert_eq!(classes[0].class.check, FieldCheck::New);
    assert_eq!(classes[0].valid_from_readout.as_deref(), Some("EMPTY"));
    assert!(classes[0].valid_from.is_absent());
    let b = classes
        .iter()
        .find(|c| c.class.value() == Some("B"))
        .unwrap();
    assert_eq!(b.valid_from_readout.as_deref(), Some("REFERENCE_GERMAN"));
    let m = classes
        .iter()
        .find(|c| c.class.value() == Some("M"))
        .unwrap();
    assert_eq!(m.valid_from_readout.as_deref(), Some("DATE"));
    assert_eq!(m.valid_from.value(), Some("2010-06-15"));
    assert!(classes.iter().any(|c| c.class.value() == Some("T/S")));
}

#[test]
fn the_second_document_of_the_two_documents_sample() {
    let identity = case_of("sample_1_two_documents.repaired.json")
        .identity
        .unwrap();
    assert_eq!(identity.secondary_documents.len(), 1);
    let second = &identity.secondary_documents[0];
    assert_eq!(second.kind, DocumentKind::DriversLicence);
    assert_eq!(second.provider_type, "DRIVERS_LICENSE");
    let holder = second.holder.as_ref().expect("the holder as printed");
    assert_eq!(holder.first_name.value(), Some("Erika"));
    assert_eq!(holder.last_name.value(), Some("Mustermann"));
    assert!(holder.birth_date.is_absent(), "\"\" is absent");
    assert!(second.number.is_absent() && second.country.is_absent());
    assert!(second.licence_classes.is_empty());
    assert!(
        identity.document.as_ref().unwrap().holder.is_none(),
        "the main document's holder is the person"
    );
    // Debug shows no name.
    assert!(!format!("{identity:?}").contains("Mustermann"));
}

#[test]
fn the_review_trail_from_the_field_table() {
    // Section 'IdentificationProcess': previousresult (REVIEW_PENDING or
    // FRAUD_SUSPICION_PENDING), identchanges and reviewchanges ("true"/"false").
    let raw = serde_json::json!({
        "identificationprocess": {"result": "SUCCESS_DATA_CHANGED",
            "previousresult": "REVIEW_PENDING", "identchanges": "false", "reviewchanges": true,
            "transactionnumber": "t", "id": "TST-AAAAA"}
    });
    let review = case_from_json(raw).review;
    assert_eq!(
        review.previous_provider_status.as_deref(),
        Some("REVIEW_PENDING")
    );
    assert_eq!(review.changed_by_agent, Some(false));
    assert_eq!(review.changed_by_reviewer, Some(true));
    assert!(case_of("sample_2_success_data_changed.json")
        .review
        .is_empty());
}

/// The details (channel, agents, ...) of a case's first attempt.
fn first_attempt_details(case: kyc_core::Case) -> AttemptDetails {
    case.attempts
        .into_iter()
        .next()
        .expect("an attempt")
        .details
}

#[test]
fn the_channel_and_the_agent_go_to_the_attempt() {
    let details = first_attempt_details(case_of("get_ident_200_success.json"));
    assert_eq!(details.channel.as_deref(), Some("APP"));
    assert_eq!(details.agents, ["TROBOT"]);
    let webhook = first_attempt_details(case_of("solaris_webhook_success_happypath.json"));
    assert_eq!(webhook.channel.as_deref(), Some("WEB"));
    // `<agentname></agentname>` (the QES sample): no agent.
    let qes = first_attempt_details(xml_case("xml_result_qes.repaired.xml"));
    assert!(qes.agents.is_empty());
    assert_eq!(qes.channel.as_deref(), Some("APP"));
}
