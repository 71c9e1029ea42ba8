//! POSTIDENT sandbox, the control API over real HTTP: every documented state of the five
//! methods (section 4 tables), refusals of undocumented codes, cancellations, several
//! identifications, expiry (subStatus 12), photo record validation, changed data.

use std::time::Duration;

use crate::support::postident::*;
use kyc_sandbox::postident::codes::{self, IdentStatus};
use kyc_sandbox::postident::{Method, PostidentOptions, RegulatoryClass, Transition};
use serde_json::{json, Value};

#[tokio::test]
async fn every_documented_state_of_every_method_can_be_reached() {
    let sb = start(PostidentOptions::default()).await;
    let mut checked = 0;
    for method in Method::ALL {
        for row in codes::table(method) {
            let subs: Vec<Option<(u16, &str)>> = if row.sub_status.is_empty() {
                vec![None]
            } else {
                row.sub_status.iter().copied().map(Some).collect()
            };
            for sub in subs {
                let reasons: Vec<Option<(u16, &str)>> = match sub {
                    Some(_) if !row.reasons.is_empty() => {
                        row.reasons.iter().copied().map(Some).collect()
                    }
                    _ => vec![None],
                };
                for reason in reasons {
                    let id = create_id(&sb, &format!("S{checked}")).await;
                    let mut body =
                        json!({"method": method.as_str(), "status": row.status.as_str()});
                    if let Some((c, _)) = sub {
                        body["subStatus"] = json!(c);
                    }
                    if let Some((c, _)) = reason {
                        body["subStatusReason"] = json!(c);
                    }
                    let (code, case) = transition(&sb, &id, body.clone()).await;
                    assert_eq!(code, 200, "{body} -> {case}");
                    let st = primary_status(&case);
                    assert_eq!(st["status"], row.status.as_str());
                    if let Some((c, d)) = sub {
                        assert_eq!(st["subStatus"], json!({"code": c, "description": d}));
                    }
                    if let Some((c, d)) = reason {
                        assert_eq!(st["subStatusReason"], json!({"code": c, "description": d}));
                    }
                    // Final results close the case; a cancelled autoid leaves four methods.
                    assert_eq!(
                        case["caseStatus"]["status"] == "closed",
                        row.status.is_final(),
                        "{body}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 250, "checked {checked} states");
}

#[tokio::test]
async fn documented_spot_checks_from_the_guide() {
    let sb = start(PostidentOptions::default()).await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"method": "autoid", "status": "incomplete", "subStatus": 87, "subStatusReason": 823}), "Problem with person", "Liveness check not sufficient"),
        (json!({"method": "basic", "status": "declined", "subStatus": 16, "subStatusReason": 123}), "Identification with abnormalities", "Multiple identity checks for single person over longer period of time"),
        (json!({"method": "eid", "status": "incomplete", "subStatus": 64, "subStatusReason": 640}), "Problem with custom step", "Document image upload step cannot start"),
        (json!({"method": "video", "status": "declined", "subStatus": 12, "subStatusReason": 120}), "Operation valid time frame exceeded (case ID)", "Videochat recording missing or faulty"),
        (json!({"method": "video", "status": "incomplete", "subStatus": 58, "subStatusReason": 207}), "Problem with video chat recording", "Videochat recording faulty due to agent disallowing screen share function (e.g. pressing stop button)"),
    ];
    for (n, (body, sub, reason)) in cases.into_iter().enumerate() {
        let id = create_id(&sb, &format!("SPOT-{n}")).await;
        let (code, case) = transition(&sb, &id, body.clone()).await;
        assert_eq!(code, 200, "{body}");
        let st = primary_status(&case);
        assert_eq!(st["subStatus"]["description"], sub);
        assert_eq!(st["subStatusReason"]["description"], reason);
    }
}

#[tokio::test]
async fn undocumented_codes_are_refused_unless_asked_for() {
    let (sb, id) = sandbox_with_case("UNDOC").await;
    for body in [
        json!({"method": "basic", "status": "cancelled"}),
        json!({"method": "video", "status": "declined", "subStatus": 11, "subStatusReason": 815}),
        json!({"method": "eid", "status": "review pending"}),
        json!({"method": "photo", "status": "incomplete", "subStatus": 97}),
        json!({"method": "autoid", "status": "incomplete", "subStatusReason": 800}),
        json!({"method": "video", "status": "exploded"}),
        json!({"method": "teleport", "status": "started"}),
    ] {
        let (code, err) = transition(&sb, &id, body.clone()).await;
        assert_eq!(code, 400, "{body} -> {err}");
    }
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(case["caseStatus"]["status"], "new", "nothing was applied");
    // For testing clients against unknown values: undocumented=true.
    let (code, case) = transition(
        &sb,
        &id,
        json!({"method": "video", "status": "teleported", "subStatus": 4711, "undocumented": true}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(primary_status(&case)["status"], "teleported");
    assert_eq!(
        primary_status(&case)["subStatus"],
        json!({"code": 4711, "description": "undocumented"})
    );
}

#[tokio::test]
async fn a_closed_case_cannot_be_restarted() {
    let (sb, id) = sandbox_with_case("CLOSED").await;
    play(&sb, &id, "eid", "success").await;
    let (code, _) = transition(&sb, &id, json!({"method": "video", "status": "started"})).await;
    assert_eq!(code, 409);
    let (code, _) = play(&sb, &id, "eid", "fraud").await;
    assert_eq!(code, 409);
    let (code, _) = transition(
        &sb,
        "NOSUCHCASE01",
        json!({"method": "video", "status": "started"}),
    )
    .await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn incomplete_identifications_can_be_resumed_to_success() {
    let (sb, id) = sandbox_with_case("RESUME").await;
    let (_, c) = outcome(&sb, &id, json!({"method": "video", "outcome": "incomplete", "subStatus": 97, "subStatusReason": 972})).await;
    assert_eq!(c["caseStatus"]["status"], "in progress");
    assert_eq!(primary_status(&c)["status"], "incomplete");
    let (code, c) = play(&sb, &id, "video", "success").await;
    assert_eq!(code, 200);
    assert_eq!(primary_status(&c)["status"], "success");
    assert!(primary_status(&c).get("subStatus").is_none());
    assert_eq!(
        c["identifications"].as_array().unwrap().len(),
        1,
        "the same identification resumed"
    );
}

#[tokio::test]
async fn a_method_that_is_not_configured_cannot_start() {
    let sb = start(only_methods(&[Method::Video])).await;
    let id = create_id(&sb, "NOTCONF").await;
    let (code, err) = play(&sb, &id, "eid", "start").await;
    assert_eq!(code, 409, "{err}");
}

#[tokio::test]
async fn cancelled_closes_the_case_only_when_no_configured_method_remains() {
    // autoid and video configured: cancelling autoid leaves video.
    let sb = start(only_methods(&[Method::Autoid, Method::Video])).await;
    let id = create_id(&sb, "CANC-1").await;
    let (_, c) = play(&sb, &id, "autoid", "cancel").await;
    assert_eq!(c["caseStatus"]["status"], "in progress");
    assert_eq!(primary_status(&c)["status"], "cancelled");
    assert_eq!(
        primary_status(&c)["subStatus"],
        json!({"code": 94, "description": "Cancellation by this ident"})
    );
    assert_eq!(primary_status(&c)["subStatusReason"]["code"], 900);
    // The user switches to video; video becomes the primary identification.
    let (_, c) = play(&sb, &id, "video", "start").await;
    assert_eq!(c["primaryIdent"]["identificationMethod"], "video");
    let (code, _) = play(&sb, &id, "autoid", "start").await;
    assert_eq!(code, 409, "a cancelled method stays cancelled");

    // Only autoid configured: cancelling it closes the case.
    let sb = start(only_methods(&[Method::Autoid])).await;
    let id = create_id(&sb, "CANC-2").await;
    let (_, c) = play(&sb, &id, "autoid", "cancel").await;
    assert_eq!(c["caseStatus"]["status"], "closed");
    let (_, _, list) = get_json(&sb, "").await;
    assert_eq!(list[0]["caseId"], id.as_str(), "listed as closed");
}

#[tokio::test]
async fn expire_now_declines_with_sub_status_12() {
    let sb = start(PostidentOptions::default()).await;
    // A case in progress: its open identification is declined.
    let id = create_id(&sb, "EXP-1").await;
    play(&sb, &id, "basic", "coupon_requested").await;
    let r = control_post(&sb, &format!("/cases/{id}/expire")).await;
    assert_eq!(r.status(), 200);
    let (_, _, c) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(c["caseStatus"]["status"], "closed");
    assert_eq!(c["primaryIdent"]["identificationMethod"], "basic");
    assert_eq!(primary_status(&c)["status"], "declined");
    assert_eq!(
        primary_status(&c)["subStatus"],
        json!({"code": 12, "description": "Operation valid time frame exceeded (case ID)"})
    );
    assert!(
        c["primaryIdent"].get("identificationDocument").is_none(),
        "no result data on expiry"
    );
    let valid_until =
        chrono::DateTime::parse_from_rfc3339(c["caseStatus"]["validUntil"].as_str().unwrap())
            .unwrap();
    assert!(valid_until <= chrono::Utc::now());
    // Expiring again is a conflict.
    let r = control_post(&sb, &format!("/cases/{id}/expire")).await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn validity_passes_on_the_scaled_clock() {
    // 1,000 s of validity at time scale 1,000 = 1 real second.
    let sb = start_scaled(
        PostidentOptions {
            case_validity: Duration::from_secs(1000),
            methods: vec![Method::Video, Method::Eid],
            ..PostidentOptions::default()
        },
        1000.0,
    )
    .await;
    let created = create(&sb, &sample_order("EXP-2")).await;
    let id = created["caseId"].as_str().unwrap();
    let valid_until =
        chrono::DateTime::parse_from_rfc3339(created["validUntil"].as_str().unwrap()).unwrap();
    assert!(valid_until <= chrono::Utc::now() + chrono::Duration::seconds(2));
    let (_, _, c) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(c["caseStatus"]["status"], "new");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, _, c) = get_json(&sb, &format!("/{id}")).await;
    assert_eq!(c["caseStatus"]["status"], "closed");
    assert_eq!(
        c["primaryIdent"]["identificationMethod"], "video",
        "first configured method"
    );
    assert_eq!(primary_status(&c)["subStatus"]["code"], 12);
}

#[tokio::test]
async fn photo_records_carry_validation_statuses() {
    let sb = start(PostidentOptions::default()).await;
    let mut order = sample_order("PHOTO-1");
    order["drivingLicenceProvided"] = json!({"number": "B072RRE2I55", "lastName": "Mustermann"});
    let id = create_case_id(&sb, &order).await;
    let (_, c) = play(&sb, &id, "photo", "review").await;
    // Review pending: photos uploaded, unchecked (no result data yet, records only).
    let r = primary_records(&c);
    assert!(!r.is_empty());
    // Records without result data sit on the method level only when no document object exists.
    let (code, c) = transition(
        &sb,
        &id,
        json!({"method": "photo", "status": "incomplete", "subStatus": 34,
               "records": [{"type": "userface", "validationStatus": "invalid", "validationSubStatus": "bad exposure", "validationRemark": "zu dunkel"}]}),
    )
    .await;
    assert_eq!(code, 200, "{c}");
    let (_, _, full) = get_json(&sb, &format!("/{id}/full")).await;
    let text = full.to_string();
    assert!(text.contains("\"validationStatus\":\"invalid\""));
    assert!(text.contains("\"validationSubStatus\":\"too blurry\""));
    assert!(text.contains("\"validationSubStatus\":\"bad exposure\""));
    assert!(text.contains("zu dunkel"));
    let (code, _) = transition(
        &sb,
        &id,
        json!({"method": "photo", "status": "incomplete", "subStatus": 34,
               "records": [{"type": "userface", "validationStatus": "dubious"}]}),
    )
    .await;
    assert_eq!(code, 400);
    let (_, c) = play(&sb, &id, "photo", "success").await;
    let r = primary_records(&c);
    assert!(
        r.iter()
            .filter(|r| r["type"] != "result")
            .all(|r| r["validationStatus"] == "valid"),
        "{r:?}"
    );
    assert!(r
        .iter()
        .any(|r| r["type"] == "dlfrontside" && r["belongsTo"] == "drivinglicence"));
    assert_eq!(
        c["primaryIdent"]["drivingLicence"]["number"],
        json!({"value": "B072RRE2I55", "status": "match"})
    );
    // Photo: document images are never delivered as binary data (class GwG).
    let (_, _, bin) = get_json(&sb, &format!("/{id}?includeBinaryData=true")).await;
    assert!(!bin.to_string().contains("documentData"));
}

#[tokio::test]
async fn data_changed_marks_the_changed_fields() {
    let (sb, id) = sandbox_with_case("CHG-1").await;
    let (_, c) = play(&sb, &id, "video", "data_changed").await;
    assert_eq!(primary_status(&c)["status"], "success");
    assert_eq!(
        c["contactData"]["address"]["streetAddress"],
        json!({"value": "Neue Str. 5", "status": "change"})
    );
    assert_eq!(c["contactData"]["lastName"]["status"], "match");
    // Any field through the transition's changedFields.
    let id = create_id(&sb, "CHG-2").await;
    let (code, c) = transition(
        &sb,
        &id,
        json!({"method": "basic", "status": "success", "changedFields": {"lastName": "Musterfrau"}}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        c["contactData"]["lastName"],
        json!({"value": "Musterfrau", "status": "change"})
    );
    assert_eq!(
        c["primaryIdent"]["identificationDocument"]["lastName"]["value"],
        "Musterfrau"
    );
}

#[tokio::test]
async fn eid_results_lack_the_fields_the_chip_does_not_hold() {
    let (sb, id) = sandbox_with_case("EID-1").await;
    let (_, c) = play(&sb, &id, "eid", "success").await;
    let doc = &c["primaryIdent"]["identificationDocument"];
    for absent in ["number", "dateIssued", "authority"] {
        assert!(doc.get(absent).is_none(), "{absent}");
    }
    assert!(doc["dateOfExpiry"].is_object());
    assert!(c["primaryIdent"]["additionalDataEid"]["dkk"].is_string());
}

#[tokio::test]
async fn in_process_controls_mirror_the_http_ones() {
    let sb = start(PostidentOptions::default()).await;
    let p = sb.postident();
    let created = p.create_case(&sample_order("INPROC")).unwrap();
    let id = created["caseId"].as_str().unwrap();
    let c = p
        .apply(
            id,
            &Transition::new(Method::Video, IdentStatus::ReviewPending).sub_status(11),
        )
        .unwrap();
    assert_eq!(primary_status(&c)["subStatus"]["code"], 11);
    let err = p
        .apply(
            id,
            &Transition::new(Method::Video, IdentStatus::Declined)
                .sub_status(11)
                .reason(999),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        kyc_sandbox::postident::ControlError::Invalid(_)
    ));
    let c = p.expire_now(id).unwrap();
    assert_eq!(c["caseStatus"]["status"], "closed");
    assert_eq!(p.case_json(id).unwrap()["caseId"], id);
    assert!(
        p.create_case(&sample_order("INPROC")).is_err(),
        "duplicate reference"
    );
}

/// Every record of a case's primary identification: those of the method, of the identification
/// document and of the driving licence, in that order.
fn primary_records(case: &Value) -> Vec<Value> {
    let p = &case["primaryIdent"];
    let parts = [
        &p["records"],
        &p["identificationDocument"]["records"],
        &p["drivingLicence"]["records"],
    ];
    parts
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect()
}

/// A case of `order` in a new sandbox with `options`, identified successfully by `method`, as
/// `GET .../cases/{caseId}{query}` answers it.
async fn identified_case(
    options: PostidentOptions,
    order: Value,
    method: Method,
    query: &str,
) -> Value {
    let sb = start(options).await;
    let id = create_case_id(&sb, &order).await;
    sb.postident()
        .complete(&id, method, &kyc_sandbox::postident::Outcome::Success)
        .unwrap();
    get_json(&sb, &format!("/{id}{query}")).await.2
}

#[tokio::test]
async fn the_regulatory_class_limits_fields_and_images() {
    let binary_types = |case: &Value| -> Vec<String> {
        let mut out: Vec<String> = primary_records(case)
            .iter()
            .filter(|r| r.get("documentData").is_some())
            .map(|r| r["type"].as_str().unwrap().to_owned())
            .collect();
        out.sort();
        out
    };
    let binary = "?includeBinaryData=true";
    let binary_and_pdf = "?includeBinaryData=true&includeResultPdf=true";
    // GwG (the default): all fields, user face and document images for video.
    let gwg = PostidentOptions::default();
    let c = identified_case(gwg, sample_order("GWG"), Method::Video, binary).await;
    assert!(c["primaryIdent"]["identificationDocument"]["birthPlace"].is_object());
    assert_eq!(
        binary_types(&c),
        ["idbackside", "idfrontside", "idsignature", "userface"]
    );

    // TKG: no nationality, birth name or place; document images but no user face.
    let tkg = of_class(RegulatoryClass::Tkg);
    let c = identified_case(tkg, sample_order("TKG"), Method::Video, binary).await;
    let doc = &c["primaryIdent"]["identificationDocument"];
    for absent in ["nationality", "birthPlace", "birthName"] {
        assert!(doc.get(absent).is_none(), "{absent}");
    }
    assert!(doc["number"].is_object());
    assert_eq!(
        binary_types(&c),
        ["idbackside", "idfrontside", "idsignature"]
    );

    // Standard: no document number and no images at all; the PDF is still delivered.
    let standard = of_class(RegulatoryClass::Standard);
    let c = identified_case(standard, sample_order("STD"), Method::Video, binary_and_pdf).await;
    assert!(c["primaryIdent"]["identificationDocument"]
        .get("number")
        .is_none());
    assert_eq!(binary_types(&c), ["result"]);

    // Mobility, photo with a driving licence: the driving licence images only.
    let mut order = sample_order("MOB");
    order["drivingLicenceProvided"] = json!({"number": "B072RRE2I55"});
    let mobility = of_class(RegulatoryClass::Mobility);
    let c = identified_case(mobility, order, Method::Photo, binary).await;
    assert_eq!(binary_types(&c), ["dlbackside", "dlfrontside"]);
}
