//! IDnow sandbox: create/update, get, list filters, delete, archive, copy, binding key and the
//! health check, each with its documented status codes and error bodies.

use crate::support::idnow::*;
use crate::support::send;
use kyc_sandbox::idnow::{DEFAULT_COMPANY, SECOND_API_KEY, SECOND_COMPANY};
use serde_json::{json, Value};

#[tokio::test]
async fn create_answers_201_with_an_ident_id_then_200_on_update() {
    let (env, token, id) = start_with_ident("Txn-Create-1").await;
    let (prefix, letters) = id.split_once('-').unwrap();
    assert_eq!(prefix, "TST");
    assert!(letters.len() == 5 && letters.chars().all(|c| c.is_ascii_uppercase()));
    // Transaction numbers are case-insensitive: this updates the same ident.
    let response = env
        .create(&token, "txn-create-1", json!({"city": "Berlin"}))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], id.as_str());
}

#[tokio::test]
async fn get_before_the_user_starts_is_404_object_not_found() {
    let (env, token, id) = start_with_ident("not-started").await;
    let response = env.get(&token, "/identifications/not-started").await;
    let error = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert_eq!(
        error["key"],
        format!("Ident {id} - No identification request found matching the provided parameters")
    );
    let response = env.get(&token, "/identifications/never-created").await;
    expect_error(response, 404, "OBJECT_NOT_FOUND").await;
}

#[tokio::test]
async fn get_while_the_user_is_in_the_flow_is_404_then_the_result() {
    let (env, token) = start_logged_in().await;
    let id = env.create_started(&token, "in-flow").await;
    // "no data ... until the user has completed the identification process"
    let response = env.get(&token, "/identifications/in-flow").await;
    let error = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert_eq!(
        error["key"],
        format!("Ident {id} - No identification request found matching the provided parameters")
    );
    // An ended attempt has data: ABORTED answers 200, as the document's sample 3.
    let abort = json!({"reason": "USER_CANCELLATION_IDENTIFY_LATER"});
    env.act_ok("in-flow", "abort", abort).await;
    let response = env.get(&token, "/identifications/in-flow").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(process(&body)["result"], "ABORTED");
    // The next attempt: no data again while the user is in the flow.
    env.act_ok("in-flow", "start", json!({})).await;
    let response = env.get(&token, "/identifications/in-flow").await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_old_start_answer_while_in_the_flow_is_an_option() {
    let options = kyc_sandbox::idnow::IdnowOptions {
        answer_start_while_in_flow: true,
        ..Default::default()
    };
    let env = start_with(1.0, options).await;
    let token = env.login().await;
    env.create_ok(&token, "start-200", erika()).await;
    let response = env.get(&token, "/identifications/start-200").await;
    assert_eq!(response.status(), 404, "still no data before the start");
    env.act_ok("start-200", "start", json!({})).await;
    let response = env.get(&token, "/identifications/start-200").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(process(&body)["result"], "START");
}

#[tokio::test]
async fn an_ident_can_be_read_by_its_ident_id() {
    let (env, token, id) = start_with_ident("by-id-1").await;
    // Before data exists, the 404 names the IdentID either way.
    let response = env.get(&token, &format!("/identifications/{id}")).await;
    assert_eq!(response.status(), 404);
    assert!(first_error(response).await["key"]
        .as_str()
        .unwrap()
        .starts_with(&format!("Ident {id} ")));
    env.play_result("by-id-1", "SUCCESS").await;
    let by_id: Value = env
        .get_json(&token, &format!("/identifications/{id}"))
        .await;
    let by_txn: Value = env.get_json(&token, "/identifications/by-id-1").await;
    assert_eq!(by_id, by_txn);
    assert_eq!(process(&by_id)["transactionnumber"], "by-id-1");
    // Another company's IdentID is not found through this company.
    let other = env.login_as(SECOND_COMPANY, SECOND_API_KEY).await;
    let response = env
        .get_as(SECOND_COMPANY, &other, &format!("/identifications/{id}"))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn create_accepts_only_the_documented_fields_unless_the_account_takes_more() {
    let env = start(1.0).await;
    let token = env.login_as(SECOND_COMPANY, SECOND_API_KEY).await;
    let second_api = env.api(SECOND_COMPANY);
    for field in ["birthname", "title", "preferredLang"] {
        let txn = format!("undoc-{field}");
        let body = erika_with(field, json!("x"));
        let response = create_ident(&env.http, &second_api, &token, &txn, body).await;
        assert_eq!(response.status(), 400, "{field}");
        let error = first_error(response).await;
        assert_eq!(error["cause"], "UNRECOGNIZED_FIELD", "{field}");
        assert_eq!(error["key"], field);
    }
    // The default company signs with the Namirial TSP: it takes preferredLang, not the others.
    let token = env.login().await;
    let body = erika_with("preferredLang", json!("en"));
    env.create_ok(&token, "namirial-1", body).await;
    let body = erika_with("title", json!("Dr."));
    assert_eq!(env.create(&token, "namirial-2", body).await.status(), 400);
    // An account set up for them (e.g. QES with the Namirial TSP for preferredLang).
    let mut options = kyc_sandbox::idnow::IdnowOptions::default();
    options.companies[0].extra_create_fields =
        vec!["birthname".into(), "title".into(), "preferredLang".into()];
    let env = start_with(1.0, options).await;
    let token = env.login().await;
    let mut body = erika();
    body["birthname"] = json!("Gabler");
    body["title"] = json!("Dr.");
    body["preferredLang"] = json!("en");
    env.create_ok(&token, "extras-1", body).await;
    env.play_result("extras-1", "SUCCESS").await;
    let ident: Value = env.get_json(&token, "/identifications/extras-1").await;
    assert_eq!(ident["userdata"]["birthname"]["status"], "MATCH");
    assert_eq!(ident["userdata"]["title"]["value"], "DR.");
}

#[tokio::test]
async fn control_characters_are_refused_and_the_xml_result_stays_well_formed() {
    let (env, token) = start_logged_in().await;
    let body = erika_with("custom3", json!("line\u{0}break\u{1b}[31m"));
    let response = env.create(&token, "ctrl-1", body).await;
    let error = expect_error(response, 400, "BAD_REQUEST").await;
    assert_eq!(error["key"], "custom3");
    // Markup and a changed value with a control character (the control API does not validate
    // `changes`) still give well-formed XML.
    let body = erika_with("custom1", json!("<b>&\"quoted\"</b>"));
    env.create_ok(&token, "ctrl-2", body).await;
    let result = json!({"result": "SUCCESS", "changes": {"city": "MÜN\u{7}CHEN\nOST"}});
    env.act_ok("ctrl-2", "result", result).await;
    let xml = env.get_bytes(&token, "/identifications/ctrl-2.xml").await;
    assert_well_formed(&xml);
    let text = String::from_utf8_lossy(&xml);
    assert!(
        text.contains("&lt;b&gt;&amp;&quot;quoted&quot;&lt;/b&gt;"),
        "{text}"
    );
    assert!(!text.contains('\u{7}'));
}

/// The XML 1.0 rules our result files could break: no raw control character other than tab,
/// line feed and carriage return (XML cannot carry them at all, so non-validating parsers let
/// them through), every `&` starts an entity or character reference, every tag is closed in
/// order.
fn assert_well_formed(xml: &[u8]) {
    let text = std::str::from_utf8(xml).expect("UTF-8");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        "no raw control characters"
    );
    for (i, _) in text.match_indices('&') {
        let rest = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "a bare & at {i}"
        );
    }
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').expect("tag closes") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or_default();
        if let Some(end) = name.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(end), "tags nest");
        } else {
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "every tag is closed: {stack:?}");
}

#[tokio::test]
async fn a_mobile_number_without_country_code_is_dialled_with_plus_49() {
    let (env, token) = start_logged_in().await;
    let body = erika_with("mobilephone", json!("0151 23411232"));
    env.create_ok(&token, "mobile-1", body).await;
    let snapshot = env
        .sandbox
        .idnow()
        .ident(DEFAULT_COMPANY, "mobile-1")
        .unwrap();
    assert_eq!(
        snapshot.mobile_number_dialled.as_deref(),
        Some("+4915123411232")
    );
    env.play_result("mobile-1", "SUCCESS").await;
    let ident: Value = env.get_json(&token, "/identifications/mobile-1").await;
    assert_eq!(
        ident["contactdata"]["mobilephone"], "0151 23411232",
        "contactdata keeps the number as sent (the document's example shows a national number)"
    );
}

#[tokio::test]
async fn bad_transaction_numbers_are_400_bad_request() {
    let (env, token) = start_logged_in().await;
    let long = "a".repeat(256);
    for txn in ["bad%21txn", "with%20space", long.as_str()] {
        let response = env.create(&token, txn, json!({})).await;
        assert_eq!(response.status(), 400, "{txn}");
        let error = first_error(response).await;
        assert_eq!(error["cause"], "BAD_REQUEST");
        assert_eq!(error["key"], "transactionnumber");
    }
    assert_eq!(
        env.create(&token, &"a".repeat(255), json!({}))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn bad_fields_are_400_with_the_offending_key() {
    let (env, token) = start_logged_in().await;
    let cases = [
        (json!({"birthday": "23.05.1987"}), "BAD_REQUEST", "birthday"),
        (json!({"birthday": "1987-02-30"}), "BAD_REQUEST", "birthday"),
        (json!({"country": "de"}), "BAD_REQUEST", "country"),
        (json!({"nationality": "DEU"}), "BAD_REQUEST", "nationality"),
        (json!({"gender": "X"}), "BAD_REQUEST", "gender"),
        (json!({"firstname": 42}), "BAD_REQUEST", "firstname"),
        (json!({"shoesize": "42"}), "UNRECOGNIZED_FIELD", "shoesize"),
    ];
    for (i, (body, cause, key)) in cases.into_iter().enumerate() {
        let response = env.create(&token, &format!("bad-field-{i}"), body).await;
        assert_eq!(response.status(), 400);
        let error = first_error(response).await;
        assert_eq!(error["cause"], cause);
        assert_eq!(error["key"], key);
    }
    let response = env
        .http
        .post(format!(
            "{}/identifications/bad-json/start",
            env.api(DEFAULT_COMPANY)
        ))
        .header("X-API-LOGIN-TOKEN", &token)
        .header("Content-Type", "application/json")
        .body("{\"firstname\": ")
        .send()
        .await
        .unwrap();
    expect_error(response, 400, "UNPARSEABLE_JSON").await;
}

#[tokio::test]
async fn a_finished_ident_cannot_be_updated_409_existing_identification() {
    let (env, token) = start_logged_in().await;
    env.create_succeeded(&token, "finished-1").await;
    let response = env.create(&token, "FINISHED-1", erika()).await;
    expect_error(response, 409, "EXISTING_IDENTIFICATION").await;
}

#[tokio::test]
async fn get_after_success_is_shaped_like_the_documented_samples() {
    let (env, token) = start_logged_in().await;
    let mut body = erika();
    body["custom2"] = json!("my ref");
    let id = env.create_ok(&token, "shape-1", body).await;
    env.act_ok("shape-1", "start", json!({"type": "APP"})).await;
    env.play_result("shape-1", "SUCCESS").await;
    let response = env.get(&token, "/identifications/shape-1").await;
    assert_eq!(response.status(), 200);
    let ident: Value = response.json().await.unwrap();
    let process = process(&ident);
    assert_eq!(process["result"], "SUCCESS");
    assert_eq!(process["id"], id.as_str());
    assert_eq!(process["companyid"], DEFAULT_COMPANY);
    assert_eq!(process["transactionnumber"], "shape-1");
    assert_eq!(process["type"], "APP");
    assert_eq!(process["filename"], "shape-1.zip");
    assert_eq!(
        process["href"],
        format!("/api/v1/{DEFAULT_COMPANY}/identifications/shape-1.zip")
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(process["identificationtime"].as_str().unwrap())
            .is_ok()
    );
    assert_eq!(ident["customdata"]["custom2"], "my ref");
    assert_eq!(ident["customdata"]["custom5"], Value::Null);
    assert_eq!(ident["contactdata"]["email"], "hello@democompany.org");
    assert_eq!(
        ident["userdata"]["firstname"],
        json!({"status": "MATCH", "value": "ERIKA"})
    );
    assert_eq!(
        ident["userdata"]["address"]["city"],
        json!({"status": "MATCH", "value": "MUNICH"})
    );
    // Not sent, read from the (sample) document: NEW.
    assert_eq!(ident["userdata"]["birthname"]["status"], "NEW");
    assert_eq!(
        ident["identificationdocument"]["type"],
        json!({"status": "NEW", "value": "IDCARD"})
    );
    assert_eq!(ident["attachments"]["pdf"], "shape-1.pdf");
    assert_eq!(ident["attachments"]["xml"], "shape-1.xml");
    assert_eq!(
        ident["attachments"]["idfrontside"],
        "shape-1_idfrontside.jpg"
    );
}

#[tokio::test]
async fn data_changed_reports_change_with_original() {
    let (env, token, _) = start_with_ident("changed-1").await;
    let result = json!({"result": "SUCCESS_DATA_CHANGED", "changes": {"lastname": "Mustermann", "birthday": "1964-08-12"}});
    env.act_ok("changed-1", "result", result).await;
    let ident: Value = env.get_json(&token, "/identifications/changed-1").await;
    assert_eq!(process(&ident)["result"], "SUCCESS_DATA_CHANGED");
    assert_eq!(process(&ident)["identchanges"], true);
    assert_eq!(
        ident["userdata"]["lastname"],
        json!({"status": "CHANGE", "value": "MUSTERMANN", "original": "Musterman"})
    );
    assert_eq!(ident["userdata"]["birthday"]["original"], "1987-05-23");
    assert_eq!(ident["userdata"]["firstname"]["status"], "MATCH");
}

#[tokio::test]
async fn list_filters_by_state_and_defaults_to_successful() {
    let (env, token) = start_logged_in().await;
    let plan = [
        ("l-success", Some(json!({"result": "SUCCESS"}))),
        ("l-changed", Some(json!({"result": "SUCCESS_DATA_CHANGED"}))),
        (
            "l-fraud",
            Some(json!({"result": "FRAUD_SUSPICION_CONFIRMED", "reason": "WARNING_PAPER_PRINT"})),
        ),
        ("l-review", Some(json!({"result": "REVIEW_PENDING"}))),
        ("l-check", Some(json!({"result": "CHECK_PENDING"}))),
        (
            "l-canceled",
            Some(json!({"result": "CANCELED", "reason": "ID_BLURRY"})),
        ),
        (
            "l-aborted",
            Some(json!({"result": "ABORTED", "reason": "USER_CANCELLATION_IDENTIFY_LATER"})),
        ),
        ("l-created", None),
    ];
    for (txn, outcome) in &plan {
        env.create_ok(&token, txn, erika()).await;
        if let Some(outcome) = outcome {
            if outcome["result"] == "ABORTED" {
                env.act_ok(txn, "start", json!({})).await;
                env.act_ok(txn, "abort", json!({"reason": outcome["reason"]}))
                    .await;
            } else {
                env.act_ok(txn, "result", outcome.clone()).await;
            }
        }
    }
    let listed = |query: &'static str| {
        let env = &env;
        let token = token.clone();
        async move {
            let response = env.get(&token, &format!("/identifications{query}")).await;
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.unwrap();
            let mut txns: Vec<String> = body["identifications"]
                .as_array()
                .expect("wrapped in identifications")
                .iter()
                .map(|i| {
                    process(i)["transactionnumber"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            txns.sort();
            txns
        }
    };
    assert_eq!(listed("").await, ["l-changed", "l-fraud", "l-success"]);
    assert_eq!(
        listed("?successful=true").await,
        ["l-changed", "l-fraud", "l-success"]
    );
    // "pending = true ... will return a list of all idents that are in the REVIEW_PENDING

    // (i.e. awaiting manual review) state": not CHECK_PENDING.
    assert_eq!(listed("?pending=true").await, ["l-review"]);
    assert_eq!(listed("?aborted=true").await, ["l-aborted"]);
    assert_eq!(listed("?canceled=true").await, ["l-canceled"]);
    assert_eq!(listed("?cancelled=true").await, ["l-canceled"]);
}

#[tokio::test]
async fn delete_only_finished_idents_and_never_reuse_the_number() {
    let (env, token, id) = start_with_ident("del-1").await;
    let response = env.delete(&token, "/identifications/del-1").await;
    let error = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert!(error["key"]
        .as_str()
        .unwrap()
        .starts_with(&format!("Ident {id} / IdentRequest")));
    assert!(error["key"].as_str().unwrap().ends_with("not yet finished"));
    env.play_result("del-1", "SUCCESS").await;
    let response = env.delete(&token, "/identifications/del-1").await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().is_empty());
    let response = env.get(&token, "/identifications/del-1").await;
    assert_eq!(response.status(), 404);
    let response = env.create(&token, "DEL-1", erika()).await;
    assert_eq!(
        response.status(),
        409,
        "a deleted transaction number is never reusable"
    );
}

#[tokio::test]
async fn archive_once_and_archived_idents_leave_the_list() {
    let (env, token, _) = start_with_ident("arch-1").await;
    let archive = || env.post(&token, "/identifications/arch-1/archive", None);
    assert_eq!(archive().await.status(), 404);
    env.play_result("arch-1", "SUCCESS").await;
    assert_eq!(archive().await.status(), 200);
    expect_error(archive().await, 400, "BAD_REQUEST").await;
    let list: Value = env.get_json(&token, "/identifications").await;
    assert_eq!(list["identifications"], json!([]));
    // The archived ident itself can still be read.
    let response = env.get(&token, "/identifications/arch-1").await;
    assert_eq!(response.status(), 200);
    assert!(
        env.sandbox
            .idnow()
            .ident(DEFAULT_COMPANY, "arch-1")
            .unwrap()
            .archived
    );
}

#[tokio::test]
async fn copy_to_a_permitted_company_and_refuse_others() {
    let (env, token) = start_logged_in().await;
    env.create_succeeded(&token, "copy-src").await;
    let response = env
        .post(
            &token,
            "/identifications/copy-src/copy",
            Some(
                json!({"target_companyid": SECOND_COMPANY, "target_transactionnumber": "copied-1"}),
            ),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let new_id = body["id"].as_str().unwrap().to_string();
    let other = env.login_as(SECOND_COMPANY, SECOND_API_KEY).await;
    let copied: Value = env
        .get_as(SECOND_COMPANY, &other, "/identifications/copied-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(process(&copied)["result"], "SUCCESS");
    assert_eq!(process(&copied)["id"], new_id.as_str());
    assert_eq!(process(&copied)["companyid"], SECOND_COMPANY);
    let forbidden = env
        .post(
            &token,
            "/identifications/copy-src/copy",
            Some(json!({"target_companyid": "elsewhere", "target_transactionnumber": "x"})),
        )
        .await;
    assert_eq!(forbidden.status(), 403);
    let missing = env
        .post(
            &token,
            "/identifications/no-such/copy",
            Some(json!({"target_companyid": SECOND_COMPANY, "target_transactionnumber": "y"})),
        )
        .await;
    expect_error(missing, 404, "OBJECT_NOT_FOUND").await;
}

#[tokio::test]
async fn binding_key_is_404_without_one_and_served_when_the_sdk_sent_one() {
    let (env, token, id) = start_with_ident("bind-1").await;
    env.create_ok(&token, "bind-2", erika()).await;
    env.act_ok("bind-1", "start", json!({})).await;
    env.play_result("bind-1", "SUCCESS").await;
    let response = env.get(&token, "/identifications/bind-1/bindingKey").await;
    assert_eq!(response.status(), 404);
    let error = first_error(response).await;
    assert_eq!(error["key"], "id");
    assert!(error["message"].as_str().unwrap().ends_with(&id));
    let start = json!({"bindingKey": "eyJ4NWMiOl.sandbox.key"});
    env.act_ok("bind-2", "start", start).await;
    env.play_result("bind-2", "SUCCESS").await;
    let body: Value = env
        .get_json(&token, "/identifications/bind-2/bindingKey")
        .await;
    assert_eq!(body, json!({"bindingKey": "eyJ4NWMiOl.sandbox.key"}));
}

#[tokio::test]
async fn system_check_answers_system_check_ok() {
    let env = start(1.0).await;
    let response = send(env.http.get(format!("{}/system_check", env.base()))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "SYSTEM_CHECK_OK");
}

#[tokio::test]
async fn an_empty_transaction_number_is_missing_transaction_token_and_wrong_urls_are_404() {
    let (env, token) = start_logged_in().await;
    let response = env
        .post(&token, "/identifications//start", Some(json!({})))
        .await;
    expect_error(response, 400, "MISSING_TRANSACTION_TOKEN").await;
    let response = env.get(&token, "/no/such/resource").await;
    expect_error(response, 404, "OBJECT_NOT_FOUND").await;
}

#[tokio::test]
async fn proof_of_address_and_driver_licence_readouts() {
    let (env, token, _) = start_with_ident("poa-1").await;
    let result = json!({"result": "SUCCESS", "poaresult": "SUCCESS", "documenttype": "DRIVERS_LICENSE",
               "redact": ["number"]});
    env.act_ok("poa-1", "result", result).await;
    let ident: Value = env.get_json(&token, "/identifications/poa-1").await;
    assert_eq!(process(&ident)["poaresult"], "SUCCESS");
    assert_eq!(
        ident["additionaldocuments"][0]["documentname"],
        "UTILITY_BILL"
    );
    assert_eq!(
        ident["additionaldocuments"][0]["address"]["street"],
        json!({"status": "MATCH", "value": "HIGH STREET"})
    );
    assert_eq!(ident["attachments"]["utilitybill"], "poa-1_utilitybill.jpg");
    assert_eq!(
        ident["identificationdocument"]["type"]["value"],
        "DRIVERS_LICENSE"
    );
    let licences = ident["identificationdocument"]["driverlicenses"]
        .as_array()
        .unwrap();
    assert!(licences
        .iter()
        .any(|l| l["validFromReadout"] == "REFERENCE_GERMAN"));
    let xml = env.get_bytes(&token, "/identifications/poa-1.xml").await;
    let xml = String::from_utf8_lossy(&xml);
    assert!(xml.contains("<poaresult>SUCCESS</poaresult>"));
    assert!(xml.contains("<additionaldocuments>"));
    assert!(xml.contains("<documentname>UTILITY_BILL</documentname>"));
    assert_eq!(
        ident["identificationdocument"]["number"],
        json!({"status": "REDACTION"})
    );
    assert!(xml.contains("<number status=\"REDACTION\"/>"));
    let review = json!({"result": "SUCCESS", "poaresult": "MAYBE"});
    let bad = env.act("poa-1", "review", review).await;
    assert_eq!(bad.status(), 400);
}
