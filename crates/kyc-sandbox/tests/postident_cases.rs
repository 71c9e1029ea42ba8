//! POSTIDENT sandbox, single-case endpoints over real HTTP: Basic auth, create with validation
//! and duplicate referenceId, get (primary / full / status), result PDF and binary data.

use crate::support::postident::*;
use crate::support::send;
use base64::Engine as _;
use kyc_sandbox::postident::{PostidentAccount, PostidentOptions};
use serde_json::{json, Value};

#[tokio::test]
async fn every_api_call_needs_basic_auth_of_the_clients_account() {
    let sb = start(PostidentOptions::default()).await;
    let c = http();
    // No credentials.
    let r = send(c.get(url(&sb, ""))).await;
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("www-authenticate").is_some());
    // Wrong password.
    let r = send(c.get(url(&sb, "")).basic_auth("sandbox", Some("wrong"))).await;
    assert_eq!(r.status(), 401);
    // Create without credentials is refused too.
    let r = send(c.post(url(&sb, "")).json(&sample_order("R1"))).await;
    assert_eq!(r.status(), 401);
    // Unknown clientId: 401 even with the right credentials.
    let other = format!("{}/scr/v1/NOSUCHCLIENT/cases", sb.postident().base_url());
    assert_eq!(send(authed(&sb, c.get(other))).await.status(), 401);
    // Right credentials.
    assert_eq!(authed_get(&sb, "").await.status(), 200);
}

#[tokio::test]
async fn default_credentials_are_the_documented_constants() {
    let sb = start(PostidentOptions::default()).await;
    let p = sb.postident();
    assert_eq!(p.client_id(), "SANDBOX01");
    assert_eq!(p.username(), "sandbox");
    assert_eq!(p.password(), "sandbox-password");
    assert_eq!(p.data_password(), "sandbox-data-password");
    assert!(p.base_url().as_str().ends_with("/postident/api"));
    assert_eq!(
        p.cases_url().as_str(),
        format!("{}/scr/v1/SANDBOX01/cases", p.base_url())
    );
    let debug = format!("{:?}", PostidentOptions::default());
    assert!(!debug.contains("sandbox-password") && !debug.contains("sandbox-data-password"));
}

#[tokio::test]
async fn accounts_keep_their_cases_apart() {
    let options = PostidentOptions {
        extra_accounts: vec![PostidentAccount {
            client_id: "OTHER02".into(),
            username: "other".into(),
            password: "other-password".into(),
            data_password: "other-data".into(),
        }],
        ..PostidentOptions::default()
    };
    let sb = start(options).await;
    let id = create_id(&sb, "A1").await;
    let other = format!("{}/scr/v1/OTHER02/cases/{id}", sb.postident().base_url());
    let r = send(
        http()
            .get(&other)
            .basic_auth("other", Some("other-password")),
    )
    .await;
    assert_eq!(
        r.status(),
        404,
        "a case of SANDBOX01 is not visible to OTHER02"
    );
    // The default account's credentials do not open the other account.
    assert_eq!(send(authed(&sb, http().get(&other))).await.status(), 401);
}

#[tokio::test]
async fn create_answers_case_id_validity_and_start_objects() {
    let sb = start(PostidentOptions::default()).await;
    let r = post_case(&sb, &sample_order("REF-1")).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    let case_id = body["caseId"].as_str().unwrap();
    assert_eq!(case_id.len(), 12);
    assert!(case_id
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    let valid_until = body["validUntil"].as_str().unwrap();
    let valid_until = chrono::DateTime::parse_from_rfc3339(valid_until).unwrap();
    assert!(valid_until > chrono::Utc::now() + chrono::Duration::days(89));
    let case_url = body["webStart"]["caseURL"].as_str().unwrap();
    assert!(case_url.starts_with(sb.base_url().as_str()), "{case_url}");
    assert!(case_url.contains(case_id));
    for app in ["iosStart", "androidStart"] {
        assert!(body[app]["caseUrlScheme"]
            .as_str()
            .unwrap()
            .contains(case_id));
        assert!(body[app]["packageName"].is_string());
    }
    // The case URL opens the user page.
    let page = send(http().get(case_url)).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(case_id));
    assert_eq!(sb.postident().create_request_count(), 1);
}

#[tokio::test]
async fn reference_id_defaults_to_the_case_id_and_duplicates_are_refused_with_409() {
    let sb = start(PostidentOptions::default()).await;
    let id = create_case_id(&sb, &json!({})).await;
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(case["orderData"]["processData"]["referenceId"], id.as_str());

    create(&sb, &sample_order("DUP-1")).await;
    let r = post_case(&sb, &sample_order("DUP-1")).await;
    assert_eq!(r.status(), 409);
    assert!(message_of(r).await.contains("referenceId"));
    assert_eq!(sb.postident().case_ids().len(), 2);
}

/// The JSON object that holds `value` at the dotted `path`: `a.b` gives `{"a": {"b": value}}`.
fn at_path(path: &str, value: Value) -> Value {
    path.rsplit('.')
        .fold(value, |inner, key| json!({ key: inner }))
}

/// Creates a case of `body` that should be refused; returns (status, error message).
async fn create_error(sb: &kyc_sandbox::Sandbox, body: Value) -> (u16, String) {
    let r = post_case(sb, &body).await;
    (r.status().as_u16(), message_of(r).await)
}

#[tokio::test]
async fn control_characters_in_ids_and_custom_data_are_refused_naming_the_field() {
    let sb = start(PostidentOptions::default()).await;
    for (field, value) in [
        ("processData.referenceId", "LINE\nBREAK"),
        ("customData.custom1", "red\u{1b}[31m"),
        ("contactDataProvided.lastName", "Muster\u{0}mann"),
    ] {
        let (status, message) = create_error(&sb, at_path(field, json!(value))).await;
        assert_eq!(status, 400, "{field}: {message}");
        assert!(
            message.contains(&format!("{field}: no control characters")),
            "{message}"
        );
    }
    assert!(sb.postident().case_ids().is_empty(), "nothing was created");
}

#[tokio::test]
async fn create_validates_the_documented_limits_and_names_the_field() {
    let sb = start(PostidentOptions::default()).await;
    let long = |n: usize| json!("x".repeat(n));
    // Each field alone (`at_path`), with a value beyond its documented limits.
    let cases: Vec<(&str, Value)> = vec![
        ("processData.referenceId", long(15)),
        ("processData.preferredLanguage", json!("FR_FR")),
        ("processData.targetCountry", json!("DE")),
        ("processData.webHookUrl", json!("http://example.org/hook")),
        (
            "processData.webHookUrl",
            json!("https://example.org/hook?ref=1"),
        ),
        (
            "processData.webHookUrl",
            json!(format!("https://example.org/{}", "x".repeat(490))),
        ),
        ("processData.callbackUrlSuccess", json!("https://x")),
        ("contactDataProvided.firstName", long(36)),
        ("contactDataProvided.lastName", long(36)),
        ("contactDataProvided.mobilePhone", long(21)),
        ("contactDataProvided.email", json!("no-at-sign")),
        ("contactDataProvided.address.streetAddress", long(71)),
        ("contactDataProvided.address.appendix", long(56)),
        ("contactDataProvided.address.postalCode", long(12)),
        ("contactDataProvided.address.city", long(56)),
        ("contactDataProvided.address.country", json!("XXA")),
        ("identificationDocumentProvided.type", json!("14")),
        (
            "identificationDocumentProvided.birthDate",
            json!("26.02.1979"),
        ),
        ("identificationDocumentProvided.nationality", json!("de")),
        ("identificationDocumentProvided.authority", long(101)),
        ("drivingLicenceProvided.number", long(21)),
        ("customData.custom3", long(101)),
        ("contactDataProvided.firstName", json!(5)),
    ];
    for (field, value) in cases {
        let body = at_path(field, value);
        let (status, message) = create_error(&sb, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert!(message.contains(field), "{field} not named in {message:?}");
    }
    // A field inside a list is named with its index.
    let body =
        json!({"drivingLicenceProvided": {"drivingLicenceClasses": [{"dateIssued": "1997"}]}});
    let field = "drivingLicenceProvided.drivingLicenceClasses[0].dateIssued";
    let (status, message) = create_error(&sb, body.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert!(message.contains(field), "{field} not named in {message:?}");
    // Not JSON at all.
    let not_json = authed(&sb, http().post(url(&sb, "")))
        .header("content-type", "application/json")
        .body("{not json");
    assert_eq!(send(not_json).await.status(), 400);
    assert!(sb.postident().case_ids().is_empty(), "nothing was created");

    // Values at the limits, special nationality codes, http webhook on the loopback: accepted.
    let ok = json!({
        "processData": {"referenceId": long(14), "webHookUrl": "http://127.0.0.1:9/hook",
                        "callbackUrlSuccess": {"webUrl": "https://bank.example/ok", "iOSUrl": "bank://ok", "androidUrl": "bank://ok"}},
        "contactDataProvided": {"firstName": long(35), "email": "a@b.de", "address": {"country": "RKS"}},
        "identificationDocumentProvided": {"type": "13", "nationality": "XXA", "birthDate": "1979-02-26"},
        "customData": {"custom5": long(100)}
    });
    create(&sb, &ok).await;
}

#[tokio::test]
async fn unknown_case_is_404_on_every_single_case_path() {
    let sb = start(PostidentOptions::default()).await;
    for suffix in [
        "/NOSUCHCASE01",
        "/NOSUCHCASE01/full",
        "/NOSUCHCASE01/status",
        "/NOSUCHCASE01/status/full",
    ] {
        assert_eq!(authed_get(&sb, suffix).await.status(), 404, "{suffix}");
    }
}

#[tokio::test]
async fn a_new_case_has_status_new_and_no_identification() {
    let (sb, id) = sandbox_with_case("NEW-1").await;
    let (status, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(case["caseId"], id.as_str());
    assert_eq!(case["caseStatus"]["status"], "new");
    assert_eq!(case["caseStatus"]["archived"], false);
    for k in ["created", "modified", "validUntil"] {
        let ts = case["caseStatus"][k].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(ts).unwrap();
        assert_eq!(ts.len(), 25, "seconds and ±hh:mm offset: {ts}");
    }
    assert!(case.get("primaryIdent").is_none());
    assert!(case.get("contactData").is_none());
    assert!(case.get("accountingData").is_none());
    assert_eq!(case["orderData"]["customData"]["custom1"], "REF_101485489");
    assert_eq!(
        case["orderData"]["contactDataProvided"]["lastName"],
        "Mustermann"
    );
}

#[tokio::test]
async fn a_successful_video_case_reads_like_the_guides_sample() {
    let (sb, id) = sandbox_with_case("VID-1").await;
    let (code, _) = play(&sb, &id, "video", "success").await;
    assert_eq!(code, 200);
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(case["caseStatus"]["status"], "closed");
    let primary = &case["primaryIdent"];
    assert_eq!(primary["identificationMethod"], "video");
    assert_eq!(primary["identificationStatus"]["status"], "success");
    assert!(primary["identificationStatus"]["identificationTime"].is_string());
    assert!(primary["identificationStatus"].get("subStatus").is_none());
    let doc = &primary["identificationDocument"];
    assert_eq!(doc["firstName"], json!({"value": "Erika", "status": "new"}));
    assert_eq!(doc["type"]["value"], "1");
    assert_eq!(doc["address"]["city"]["value"], "Köln");
    let contact = &case["contactData"];
    assert_eq!(
        contact["lastName"],
        json!({"value": "Mustermann", "status": "match"})
    );
    assert_eq!(contact["address"]["streetAddress"]["status"], "match");
    assert_eq!(contact["email"]["status"], "match");
    assert_eq!(
        case["accountingData"]["accountingProduct"],
        "Postident Video"
    );
    assert_eq!(
        case["accountingData"]["accountingNumber"]
            .as_str()
            .unwrap()
            .len(),
        14
    );
    assert_eq!(primary["additionalDataVideo"]["tanChannel"], "sms");
    // Without includeResultPdf: no result record; no binary data.
    let method_records = primary["records"].as_array().unwrap();
    assert!(method_records.iter().all(|r| r["type"] != "result"));
    assert!(method_records
        .iter()
        .all(|r| r.get("documentData").is_none()));
    let doc_records = doc["records"].as_array().unwrap();
    let types: Vec<&str> = doc_records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["idfrontside", "idbackside", "idsignature"]);
    assert_eq!(doc_records[0]["fileName"], format!("{id}_idfrontside.jpg"));
    assert_eq!(doc_records[0]["belongsTo"], "identificationdocument");
    assert_eq!(doc_records[0]["mimeType"], "image/jpeg");
}

#[tokio::test]
async fn result_pdf_and_binary_data_need_both_parameters() {
    let (sb, id) = sandbox_with_case("PDF-1").await;
    play(&sb, &id, "video", "success").await;

    let result_record = |case: &Value| -> Option<Value> {
        case["primaryIdent"]["records"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["type"] == "result").cloned())
    };
    let (_, _, only_pdf) = get_json(&sb, &format!("/{id}?includeResultPdf=true")).await;
    let rec = result_record(&only_pdf).expect("result PDF record with includeResultPdf");
    assert_eq!(rec["fileName"], format!("{id}_result_video.pdf"));
    assert_eq!(rec["mimeType"], "application/pdf");
    assert!(rec.get("documentData").is_none());

    let (_, _, only_binary) = get_json(&sb, &format!("/{id}?includeBinaryData=true")).await;
    assert!(result_record(&only_binary).is_none());
    let face = only_binary["primaryIdent"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "userface")
        .unwrap()
        .clone();
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(face["documentData"].as_str().unwrap())
        .unwrap();
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);

    let (_, _, both) = get_json(
        &sb,
        &format!("/{id}?includeResultPdf=true&includeBinaryData=true"),
    )
    .await;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(
            result_record(&both).unwrap()["documentData"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-1."));
    assert!(pdf.ends_with(b"%%EOF\n"));

    let r = authed_get(&sb, &format!("/{id}?includeBinaryData=maybe")).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn status_endpoints_return_only_status_data() {
    let (sb, id) = sandbox_with_case("ST-1").await;
    play(&sb, &id, "video", "fraud").await;
    let (_, _, st) = get_json(&sb, &format!("/{id}/status")).await;
    let mut keys: Vec<&String> = st.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "accountingData",
            "caseId",
            "caseStatus",
            "orderData",
            "primaryIdent"
        ]
    );
    assert_eq!(
        st["orderData"],
        json!({"customData": {"custom1": "REF_101485489", "custom2": "Kampagne A357"}})
    );
    let p = st["primaryIdent"].as_object().unwrap();
    let mut keys: Vec<&String> = p.keys().collect();
    keys.sort();
    assert_eq!(keys, ["identificationMethod", "identificationStatus"]);
    assert_eq!(p["identificationStatus"]["status"], "declined");
    assert_eq!(
        p["identificationStatus"]["subStatus"],
        json!({"code": 11, "description": "Fraud suspicion"})
    );
    assert_eq!(p["identificationStatus"]["subStatusReason"]["code"], 110);

    let (_, _, full) = get_json(&sb, &format!("/{id}/status/full")).await;
    assert_eq!(full["identifications"].as_array().unwrap().len(), 1);
    assert!(full["identifications"][0]
        .get("identificationDocument")
        .is_none());
}

#[tokio::test]
async fn full_shows_every_identification_and_primary_the_most_progressed() {
    let (sb, id) = sandbox_with_case("MULTI-1").await;
    outcome(
        &sb,
        &id,
        json!({"method": "eid", "outcome": "incomplete", "subStatus": 61, "subStatusReason": 613}),
    )
    .await;
    play(&sb, &id, "basic", "coupon_requested").await;
    play(&sb, &id, "video", "review").await;

    let (_, _, primary) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(primary["caseStatus"]["status"], "in progress");
    assert_eq!(primary["primaryIdent"]["identificationMethod"], "video");
    assert_eq!(primary_status(&primary)["status"], "review pending");
    assert!(primary.get("identifications").is_none());

    let (_, _, full) = get_json(&sb, &format!("/{id}/full")).await;
    let all = full["identifications"].as_array().unwrap();
    let summary: Vec<(String, String)> = all
        .iter()
        .map(|i| {
            (
                i["identificationMethod"].as_str().unwrap().to_owned(),
                i["identificationStatus"]["status"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("eid".to_owned(), "incomplete".to_owned()),
            ("basic".to_owned(), "coupon requested".to_owned()),
            ("video".to_owned(), "review pending".to_owned())
        ]
    );
    assert_eq!(
        all[0]["identificationStatus"]["subStatusReason"],
        json!({"code": 613, "description": "PIN entered incorrectly too often"})
    );
    assert_eq!(all[1]["additionalDataBasic"]["couponDownloadCount"], 1);
}
