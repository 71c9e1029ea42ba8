//! Every JSON and XML example of the IDnow document parses into the wire types, with the values
//! a caller relies on. Fixtures are copies of the document's examples (`tests/fixtures/`,
//! repairs recorded in `tests/fixtures/README.md`).

use crate::common::{fixture, fixture_json, fixture_path};
use kyc_idnow::wire::*;
use kyc_idnow::xml::{parse_xml_result, parse_xml_results};

fn ident(name: &str) -> Ident {
    fixture_json(name)
}

fn list(name: &str) -> IdentList {
    fixture_json(name)
}

fn value(field: &Option<Field>) -> Option<&str> {
    field.as_ref().and_then(|f| f.value.as_deref())
}

#[test]
fn every_json_fixture_is_valid_json_and_every_xml_fixture_parses() {
    let dir = fixture_path("");
    let mut json = 0;
    let mut xml = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            json += 1;
        } else if name.ends_with(".xml") && name.starts_with("xml_result")
            || name == "get_xml_200.xml"
        {
            parse_xml_result(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            xml += 1;
        }
    }
    assert!(json >= 60, "only {json} JSON fixtures");
    assert_eq!(xml, 5);
}

#[test]
fn sample_1_success_repaired_reads_wasnfcused_string_as_true() {
    let l = list("sample_1_success.repaired.json");
    assert_eq!(l.identifications.len(), 1);
    let i = &l.identifications[0];
    let p = i.process();
    assert_eq!(p.result, Some(IdentResult::Success));
    assert_eq!(p.wasnfcused, Some(true));
    assert_eq!(p.id.as_deref(), Some("TST-SFYGG"));
    assert_eq!(p.channel, Some(Channel::App));
    let u = i.userdata.as_ref().unwrap();
    assert_eq!(value(&u.firstname), Some("ERIKA"));
    assert_eq!(value(&u.title), Some("DR."));
    assert_eq!(
        value(&u.address.as_ref().unwrap().street),
        Some("WILHELM-HAUFF-STRAßE")
    );
    assert_eq!(u.birthday.as_ref().unwrap().status, Some(FieldStatus::New));
    let c = i.customdata.as_ref().unwrap();
    assert!(c.entries().is_empty(), "null custom fields are absent");
    let a = i.attachments.as_ref().unwrap();
    assert_eq!(a.0.len(), 9);
    assert_eq!(a.0["security4"], "demosecurityfeatures_20190528.jpg");
}

#[test]
fn the_original_sample_1_is_invalid_json_and_stays_an_error() {
    let bytes = fixture("sample_1_success.original-invalid.txt");
    assert!(serde_json::from_slice::<IdentList>(&bytes).is_err());
}

#[test]
fn wasnfcused_as_boolean_and_odd_values() {
    for (raw, expected) in [
        ("true", Some(true)),
        ("\"true\"", Some(true)),
        ("\"TRUE\"", Some(true)),
        ("false", Some(false)),
        ("\"false\"", Some(false)),
        ("null", None),
        ("\"maybe\"", None),
    ] {
        let body =
            format!(r#"{{"identificationprocess":{{"result":"SUCCESS","wasnfcused":{raw}}}}}"#);
        let i: Ident = serde_json::from_str(&body).unwrap();
        assert_eq!(i.process().wasnfcused, expected, "{raw}");
    }
}

#[test]
fn two_document_sample_keeps_the_second_document() {
    let l = list("sample_1_two_documents.repaired.json");
    let i = &l.identifications[0];
    assert_eq!(i.result(), Some(&IdentResult::FraudSuspicionPending));
    let doc2 = i.identificationdocument2.as_ref().unwrap();
    assert_eq!(doc2["type"], "DRIVERS_LICENSE");
    let dbg = format!("{i:?}");
    assert!(!dbg.contains("Erika") && !dbg.contains("ERIKA"), "{dbg}");
}

#[test]
fn success_data_changed_sample() {
    let i = ident("sample_2_success_data_changed.json");
    let p = i.process();
    assert_eq!(p.result, Some(IdentResult::SuccessDataChanged));
    assert_eq!(p.agentname.as_deref(), Some("TROBOT"));
    let u = i.userdata.unwrap();
    let last = u.lastname.unwrap();
    assert_eq!(last.status, Some(FieldStatus::Change));
    assert_eq!(last.value.as_deref(), Some("JONES"));
    assert_eq!(last.original.as_deref(), Some("MUSTERMAN"));
    let birthday = u.birthday.unwrap();
    assert_eq!(birthday.value, None, "CHANGE without value in this sample");
    let doc = i.identificationdocument.unwrap();
    assert_eq!(value(&doc.document_type), Some("IDCARD"));
    assert_eq!(value(&doc.issuedby), Some("LHS MÜNCHEN,"));
}

#[test]
fn thin_aborted_payload_parses() {
    let i = ident("sample_3_aborted.json");
    let p = i.process();
    assert_eq!(p.result, Some(IdentResult::Aborted));
    assert_eq!(
        p.reason.as_deref(),
        Some("USER_CANCELLATION_IDENTIFY_LATER")
    );
    assert_eq!(p.identificationtime, None);
    let u = i.userdata.unwrap();
    let first = u.firstname.unwrap();
    assert_eq!(first.status, Some(FieldStatus::Original));
    assert_eq!(first.value, None);
    assert_eq!(first.original.as_deref(), Some("ERIKA"));
    assert_eq!(
        i.identificationdocument,
        Some(IdentificationDocument::default())
    );
    assert_eq!(i.attachments.unwrap().0["xmlsig"], "270820231.xml.sig");
}

#[test]
fn not_started_sample_is_an_error_body() {
    let e: ErrorBody = fixture_json("sample_4_not_started_404.json");
    assert_eq!(e.errors[0].cause.as_deref(), Some("OBJECT_NOT_FOUND"));
    assert_eq!(e.errors[0].id.as_deref(), Some("12669681"));
}

#[test]
fn check_pending_sample_has_document_names() {
    let i = ident("sample_5_check_pending.json");
    assert_eq!(i.result(), Some(&IdentResult::CheckPending));
    let doc = i.identificationdocument.unwrap();
    assert_eq!(doc.firstname.unwrap().original.as_deref(), Some("ERIKA"));
    assert_eq!(value(&doc.country), Some("BE"));
}

#[test]
fn canceled_fraud_and_poa_samples() {
    let c = ident("sample_6_canceled.repaired.json");
    assert_eq!(c.result(), Some(&IdentResult::Canceled));
    assert_eq!(c.process().reason.as_deref(), Some("ID_EXPIRED"));
    assert_eq!(value(&c.userdata.unwrap().birthname), Some("GABLER"));

    let p = list("sample_7_fraud_suspicion_pending.repaired.json");
    assert_eq!(
        p.identifications[0].result(),
        Some(&IdentResult::FraudSuspicionPending)
    );
    let f = list("sample_8_fraud_suspicion_confirmed.repaired.json");
    let f = &f.identifications[0];
    assert_eq!(f.result(), Some(&IdentResult::FraudSuspicionConfirmed));
    assert_eq!(
        f.process().reason.as_deref(),
        Some("WARNING_MANIPULATED_DATA")
    );

    let poa = ident("sample_9_proof_of_address.json");
    assert_eq!(poa.process().poaresult, Some(IdentResult::Success));
    let docs = poa.additionaldocuments.unwrap();
    assert_eq!(docs[0].documentname.as_deref(), Some("UTILITY_BILL"));
    assert_eq!(value(&docs[0].effective_address().zipcode), Some("80469"));
    assert_eq!(
        poa.attachments.unwrap().0["utilitybill"],
        "20250206_utilitybill.jpg"
    );
}

#[test]
fn get_ident_and_demo_samples() {
    let s = ident("get_ident_200_success.json");
    assert_eq!(s.result(), Some(&IdentResult::Success));
    assert_eq!(s.process().transactionnumber.as_deref(), Some("2708202304"));
    let demo = ident("get_demo_ident_200_canceled.json");
    assert_eq!(demo.process().reason.as_deref(), Some("USER_CANCELLATION"));
    let u = demo.userdata.unwrap();
    assert_eq!(value(&u.identlanguage), Some("en"));
    assert_eq!(
        u.address.unwrap().city.unwrap().original.as_deref(),
        Some("LONDON")
    );
    for name in ["get_pdf_ident_200.json", "get_zip_ident_200.json"] {
        let i = ident(name);
        assert_eq!(
            i.result(),
            Some(&IdentResult::FraudSuspicionPending),
            "{name}"
        );
        assert_eq!(i.userdata.unwrap().address, Some(Address::default()));
    }
    // The PDF sample's attachment name ends in `.pdf.pdf`: kept verbatim.
    assert_eq!(
        ident("get_pdf_ident_200.json").attachments.unwrap().0["pdf"],
        "demo-transactionxxnbr1.pdf.pdf"
    );
}

#[test]
fn solaris_webhook_payload_parses() {
    let i = ident("solaris_webhook_success_happypath.json");
    assert_eq!(i.result(), Some(&IdentResult::Success));
    assert_eq!(i.process().channel, Some(Channel::Web));
    let a = i.attachments.unwrap().0;
    assert_eq!(a["videolog"], "b2d949eb12ecd6798fa8e2ae66fc4a5acidt.mp4");
    assert_eq!(
        a["security_covered"],
        "b2d949eb12ecd6798fa8e2ae66fc4a5acidt_security_covered.jpg"
    );
}

#[test]
fn thin_canceled_webhook_and_field_status_examples() {
    let w = ident("webhook_canceled_thin.repaired.json");
    assert_eq!(w.result(), Some(&IdentResult::Canceled));
    assert!(w.attachments.is_none() && w.identificationdocument.is_none());

    let u: UserData = fixture_json("field_status_example_6_changed_twice.repaired.json");
    let b = u.birthday.unwrap();
    assert_eq!(b.reviewstatus, Some(FieldStatus::Change));
    assert_eq!(b.identification.as_deref(), Some("1983-05-21"));
    let u: UserData = fixture_json("field_status_example_7_title_after_review.repaired.json");
    assert_eq!(u.title.unwrap().reviewstatus, Some(FieldStatus::New));
    for name in [
        "field_status_example_2_new_nationality.repaired.json",
        "field_status_example_4_changed_birthday.repaired.json",
        "field_status_example_5_aborted_birthday.repaired.json",
    ] {
        let u: UserData = fixture_json(name);
        assert!(u.nationality.is_some() || u.birthday.is_some(), "{name}");
    }
}

#[test]
fn sections_driverlicenses_attachments_additionaldocuments() {
    let d: IdentificationDocument = fixture_json("driverlicenses_section.repaired.json");
    let l = d.driverlicenses.unwrap();
    assert_eq!(l.len(), 16);
    let m = l
        .iter()
        .find(|x| x.license_class.as_deref() == Some("M"))
        .unwrap();
    assert_eq!(m.valid_from_readout, Some(LicenseDateReadout::Date));
    assert_eq!(m.valid_from.as_deref(), Some("2010-06-15"));
    assert_eq!(
        l[3].valid_from_readout,
        Some(LicenseDateReadout::ReferenceGerman)
    );

    let i: Ident = fixture_json("attachments_section.repaired.json");
    assert_eq!(i.attachments.unwrap().0.len(), 9);
    let i: Ident = fixture_json("additionaldocuments_section.repaired.json");
    assert_eq!(i.additionaldocuments.unwrap().len(), 1);
}

#[test]
fn unknown_values_are_kept_and_unknown_fields_ignored() {
    let body = r#"{"identificationprocess":{"result":"SOMETHING_NEW","type":"KIOSK","brandnew":1},
        "userdata":{"firstname":{"status":"VERIFIED_BY_MAGIC","value":"X"}},"extra":{"a":1}}"#;
    let i: Ident = serde_json::from_str(body).unwrap();
    // Unknown words are opaque (`kyc_core::wire::UnknownWord`): kept verbatim, never matched on.
    let result = i.result().expect("result");
    assert!(result.is_unknown());
    assert_eq!(result.as_str(), "SOMETHING_NEW");
    let channel = i.process().channel.expect("channel");
    assert!(channel.is_unknown());
    assert_eq!(channel.as_str(), "KIOSK");
    let status = i
        .userdata
        .unwrap()
        .firstname
        .unwrap()
        .status
        .expect("status");
    assert!(status.is_unknown());
    assert_eq!(status.as_str(), "VERIFIED_BY_MAGIC");
}

#[test]
fn error_bodies_of_every_endpoint_parse() {
    for (name, cause, key) in [
        ("login_500.json", "INTERNAL_SERVER_ERROR", None),
        ("get_demo_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("get_demo_ident_404.json", "OBJECT_NOT_FOUND", Some("Ident TST-RNWSA - No identification request found matching the provided parameters")),
        ("binding_key_404.json", "OBJECT_NOT_FOUND", Some("id")),
        ("binding_key_401.json", "INVALID_LOGIN_TOKEN", None),
        ("document_definition_create_412.json", "PRECONDITION_FAILED", None),
        ("document_definition_update_404.json", "OBJECT_NOT_FOUND", Some("identifier")),
        ("document_definition_delete_404.json", "OBJECT_NOT_FOUND", Some("identifier")),
        ("document_definition_single_404.json", "OBJECT_NOT_FOUND", Some("identifier")),
        ("signed_document_404.json", "OBJECT_NOT_FOUND", Some("identifier")),
        ("signed_document_400.json", "BAD_REQUEST", Some("document")),
        ("get_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("get_pdf_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("create_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("delete_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("delete_ident_404.json", "OBJECT_NOT_FOUND", Some("Ident TST-SMZYA / IdentRequest 381892 not yet finished")),
        ("copy_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("copy_ident_404.json", "OBJECT_NOT_FOUND", Some("token")),
        ("archive_ident_401.json", "INVALID_LOGIN_TOKEN", None),
        ("error_doc_401_invalid_login_token.repaired.json", "INVALID_LOGIN_TOKEN", None),
        ("error_doc_400_bad_request_birthday.repaired.json", "BAD_REQUEST", Some("birthday")),
        ("error_doc_409_existing_identification.repaired.json", "EXISTING_IDENTIFICATION", None),
    ] {
        let e: ErrorBody = serde_json::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(e.errors[0].cause.as_deref(), Some(cause), "{name}");
        assert_eq!(e.errors[0].key.as_deref(), key, "{name}");
    }
}

#[test]
fn api_bodies_parse() {
    let l: serde_json::Value = fixture_json("login_200.json");
    assert!(l["authToken"].as_str().unwrap().len() > 20);
    let c: CreateIdentResponse = fixture_json("create_ident_201.json");
    assert_eq!(c.id.as_deref(), Some("TST-SYDYA"));
    let c: CreateIdentResponse = fixture_json("create_demo_ident_201.json");
    assert_eq!(c.id.as_deref(), Some("TST-FXWFG"));
    for name in [
        "create_ident_request.json",
        "create_ident_request_2.json",
        "create_ident_request_qes_namirial.json",
        "create_ident_request_qes_idnow_tsp.json",
    ] {
        let r: CreateIdentRequest = fixture_json(name);
        assert!(r.firstname.is_some(), "{name}");
    }
    let q: CreateIdentRequest = fixture_json("create_ident_request_qes_namirial.json");
    assert_eq!(q.preferred_lang.as_deref(), Some("en"));
    let copy: CopyIdentRequest = fixture_json("copy_ident_request.json");
    assert_eq!(copy.target_companyid, "democompany");
    let defs: Vec<DocumentDefinition> = fixture_json("document_definitions_list_200.json");
    assert_eq!(defs.len(), 3);
    assert_eq!(defs[2].identifier.as_deref(), Some("agb_contract"));
    assert_eq!(defs[0].view_policy, Some(ViewPolicy::Default));
    for name in [
        "document_definition_create_request.json",
        "document_definition_update_request.json",
        "document_definition_delete_request.json",
        "document_definition_single_200.json",
    ] {
        let d: DocumentDefinition = fixture_json(name);
        assert_eq!(d.identifier.as_deref(), Some("doc"), "{name}");
        assert_eq!(d.mime_type.as_deref(), Some("application/pdf"), "{name}");
    }
    let docs: Vec<SigningDocument> = fixture_json("documents_list_200.json");
    assert_eq!(docs[1].display_hash.as_deref(), Some("e7b3-acb6-9263"));
    let d: SigningDocument = fixture_json("document_single_200_uploaded.json");
    assert_eq!(d.status, Some(SigningDocumentStatus::Uploaded));
    assert_eq!(
        d.document_definition.unwrap().view_policy,
        Some(ViewPolicy::Scroll)
    );
    let d: SigningDocument = fixture_json("document_single_200_need_upload.json");
    assert_eq!(d.status, Some(SigningDocumentStatus::NeedUpload));
    assert_eq!(d.hash, None);
    let b: serde_json::Value = fixture_json("binding_key_200.json");
    assert!(b["bindingKey"].is_string());
}

#[test]
fn xml_results_parse_into_the_same_types() {
    let plain = parse_xml_result(&fixture("xml_result_plain.repaired.xml")).unwrap();
    let p = plain.process();
    assert_eq!(p.result, Some(IdentResult::Success));
    assert_eq!(p.id.as_deref(), Some("IBA-H7GB6"));
    let u = plain.userdata.as_ref().unwrap();
    let birthday = u.birthday.as_ref().unwrap();
    assert_eq!(birthday.status, Some(FieldStatus::Change));
    assert_eq!(birthday.original.as_deref(), Some("1982-05-22"));
    assert_eq!(birthday.value.as_deref(), Some("1983-05-22"));
    assert_eq!(
        value(&u.address.as_ref().unwrap().street),
        Some("BAKER STR.")
    );
    let doc = plain.identificationdocument.as_ref().unwrap();
    let number = doc.number.as_ref().unwrap();
    assert_eq!(number.status, Some(FieldStatus::Redaction));
    assert_eq!(number.value, None);
    assert_eq!(plain.attachments.as_ref().unwrap().0.len(), 7);
    assert_eq!(
        plain.customdata.as_ref().unwrap().custom1.as_deref(),
        Some("2740332")
    );

    let nfc = parse_xml_result(&fixture("xml_result_nfc.repaired.xml")).unwrap();
    assert_eq!(nfc.process().wasnfcused, Some(true));

    let poa = parse_xml_result(&fixture("xml_result_proof_of_address.xml")).unwrap();
    assert_eq!(poa.process().poaresult, Some(IdentResult::Success));
    assert_eq!(poa.process().agentname.as_deref(), Some("TROBOT"));
    let add = poa.additionaldocuments.as_ref().unwrap();
    assert_eq!(add.len(), 1);
    assert_eq!(value(&add[0].effective_address().city), Some("MUNICH"));
    assert_eq!(
        poa.userdata
            .as_ref()
            .unwrap()
            .address
            .as_ref()
            .unwrap()
            .street
            .as_ref()
            .unwrap()
            .status,
        Some(FieldStatus::Original)
    );

    let qes = parse_xml_result(&fixture("xml_result_qes.repaired.xml")).unwrap();
    assert_eq!(
        qes.esigning.as_ref().unwrap().result.as_deref(),
        Some("SUCCESS")
    );
    let a = &qes.attachments.as_ref().unwrap().0;
    assert_eq!(
        a["signedcontract-doc"],
        "QES-BankTransfer_Sample_Result_Contract_document_signed.pdf"
    );
    assert!(qes.banktransferpaymentinfo.is_some());
    assert!(!format!("{qes:?}").contains("DE62888888880012345678"));

    let get = parse_xml_result(&fixture("get_xml_200.xml")).unwrap();
    assert_eq!(get.result(), Some(&IdentResult::FraudSuspicionConfirmed));
    assert_eq!(
        get.process().reason.as_deref(),
        Some("WARNING_MANIPULATED_PHOTO")
    );
    assert_eq!(
        get.customdata.as_ref().unwrap().custom2.as_deref(),
        Some("X-MANUALTEST-FRAUDIDENT")
    );
    assert_eq!(
        value(
            &get.userdata
                .as_ref()
                .unwrap()
                .address
                .as_ref()
                .unwrap()
                .city
        ),
        Some("MÜNCHEN")
    );
    assert_eq!(
        parse_xml_results(&fixture("get_xml_200.xml"))
            .unwrap()
            .identifications
            .len(),
        1
    );
}

#[test]
fn broken_xml_is_an_error_not_a_panic() {
    // The unrepaired sample (duplicate, unquoted attributes) must be rejected.
    let bad = b"<identifications><identification><userdata><address class=&#x27;x&#x27; class=&#x27;x&#x27;></address></userdata></identification></identifications>";
    assert!(parse_xml_result(bad).is_err());
    assert!(parse_xml_result(b"<a><b></a>").is_err());
    assert!(parse_xml_result(b"<other/>").is_err());
    assert!(parse_xml_result(b"").is_err());
}

#[test]
fn debug_output_never_shows_personal_data() {
    let i = ident("sample_9_proof_of_address.json");
    let shown = format!("{i:?}");
    let phone = "+441753109660";
    for secret in crate::common::SAMPLE_9_PERSONAL_VALUES
        .iter()
        .chain([&phone])
    {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[test]
fn xml_fragments_parse_inside_an_identification() {
    let wrap = |name: &str| {
        let fragment = String::from_utf8(fixture(name)).unwrap();
        format!("<identifications><identification>{fragment}</identification></identifications>")
    };
    let a = parse_xml_result(wrap("xml_attachments_fragment.xml").as_bytes()).unwrap();
    let files = a.attachments.unwrap().0;
    assert_eq!(files.len(), 8);
    // The fragment names the XML file `.pdf`; kept verbatim.
    assert_eq!(files["xml"], "AH73JK3LM.pdf");
    let b = parse_xml_result(wrap("xml_bank_transfer_fragment.xml").as_bytes()).unwrap();
    let info = b.banktransferpaymentinfo.unwrap();
    assert_eq!(info["paymentstatus"], "SUCCESS");
}
