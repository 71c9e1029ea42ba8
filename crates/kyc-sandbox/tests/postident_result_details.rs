//! The result details the sandbox produces where POSTIDENT's methods would (result guide 8.6.3,
//! 8.6.4, 8.6.6, 8.6.8, 8.6.10, 8.7), black-box over HTTP: the post office and its card reader,
//! video service centre, agents, reviews and TAN channel by regulatory class, the optional postal
//! address check, and the driving licence with the classes and restrictions provided.

use crate::support::postident::*;
use kyc_sandbox::postident::{PostidentOptions, RegulatoryClass};
use serde_json::{json, Value};

async fn finished(options: PostidentOptions, order: Value, method: &str) -> Value {
    let sb = start(options).await;
    let id = create_case_id(&sb, &order).await;
    let (status, _) = play(&sb, &id, method, "success").await;
    assert_eq!(status, 200);
    let (_, _, case) = get_json(&sb, &format!("/{id}")).await;
    case
}

#[tokio::test]
async fn the_post_office_names_itself_outside_gwg_and_standard_and_reports_its_card_reader() {
    let gwg = finished(of_class(RegulatoryClass::GwG), sample_order("B-1"), "basic").await;
    let basic = &gwg["primaryIdent"]["additionalDataBasic"];
    assert!(basic.get("postOffice").is_none(), "not for GwG (8.6.8)");
    assert_eq!(basic["postOfficeCity"], "12345 Musterstadt");
    assert_eq!(basic["checkoutNote"], "85014869 3013");
    assert_eq!(basic["couponDownloadCount"], 1);
    let categories = basic["idCardReaderCheck"]["checkedCategories"]
        .as_array()
        .unwrap();
    assert!(!categories.is_empty());
    assert!(categories
        .iter()
        .all(|c| c["name"].is_string() && c["status"].is_string()));

    let tkg = finished(of_class(RegulatoryClass::Tkg), sample_order("B-2"), "basic").await;
    assert_eq!(
        tkg["primaryIdent"]["additionalDataBasic"]["postOffice"],
        "227208750"
    );
}

#[tokio::test]
async fn video_details_follow_the_regulatory_class() {
    let gwg = finished(of_class(RegulatoryClass::GwG), sample_order("V-1"), "video").await;
    let video = &gwg["primaryIdent"]["additionalDataVideo"];
    assert_eq!(
        video["identificationServiceCenter"],
        "1 DP CSC GmbH, Location Flensburg"
    );
    assert_eq!(video["tanChannel"], "sms");
    assert_eq!(video["videoRecordingDeliveryShaft"], true);
    assert!(video["videoRecordingAccepted"].is_string());
    assert!(
        video.get("identificationAgentAliases").is_none(),
        "TKG only"
    );

    let tkg = finished(of_class(RegulatoryClass::Tkg), sample_order("V-2"), "video").await;
    let video = &tkg["primaryIdent"]["additionalDataVideo"];
    assert!(video["identificationAgentAliases"].is_array());
    assert!(video["identReviews"].is_array());
    assert!(video.get("tanChannel").is_none(), "GwG only");
    assert_eq!(
        video["videoRecordingDeliveryShaft"], false,
        "recorded for GwG only"
    );

    let standard = finished(
        of_class(RegulatoryClass::Standard),
        sample_order("V-3"),
        "video",
    )
    .await;
    let video = &standard["primaryIdent"]["additionalDataVideo"];
    assert!(
        video.get("identificationServiceCenter").is_none(),
        "TKG and GwG only"
    );
    // Every case with an identification carries its accounting data (8.7).
    assert_eq!(
        standard["accountingData"]["accountingProduct"],
        "Postident Video"
    );
}

#[tokio::test]
async fn the_postal_address_check_appears_only_when_configured() {
    let without = finished(PostidentOptions::default(), sample_order("A-1"), "eid").await;
    assert!(without["contactData"]["address"]
        .get("addressMatch")
        .is_none());
    let with = finished(
        PostidentOptions {
            address_check: true,
            ..Default::default()
        },
        sample_order("A-2"),
        "eid",
    )
    .await;
    assert_eq!(
        with["contactData"]["address"]["addressMatch"],
        json!({
            "mailRedirectionDomestic": false,
            "mailRedirectionInternational": false,
            "undeliverable": false,
            "addresseeDeceased": false,
        })
    );
    // German postal addresses only.
    let mut foreign = sample_order("A-3");
    foreign["contactDataProvided"]["address"]["country"] = json!("AUT");
    let abroad = finished(
        PostidentOptions {
            address_check: true,
            ..Default::default()
        },
        foreign,
        "eid",
    )
    .await;
    assert!(abroad["contactData"]["address"]
        .get("addressMatch")
        .is_none());
}

#[tokio::test]
async fn a_provided_driving_licence_comes_back_with_its_classes_and_restrictions() {
    let mut order = sample_order("DL-1");
    order["drivingLicenceProvided"] = json!({
        "number": "B072RRE2I55",
        "firstName": "Erika",
        "lastName": "Mustermann",
        "restrictions": "Corrective lenses.",
        "drivingLicenceClasses": [
            {"className": "A", "dateIssued": "1997-03-02", "dateOfExpiry": "2027-03-01",
             "restrictions": "Daylight driving only."},
            {"className": "B", "dateIssued": "1997-03-02"}
        ]
    });
    let case = finished(of_class(RegulatoryClass::Mobility), order, "photo").await;
    let dl = &case["primaryIdent"]["drivingLicence"];
    assert_eq!(
        dl["number"],
        json!({"value": "B072RRE2I55", "status": "match"})
    );
    assert_eq!(
        dl["restrictions"],
        json!({"value": "Corrective lenses.", "status": "match"})
    );
    let classes = dl["drivingLicenceClasses"].as_array().unwrap();
    assert_eq!(classes.len(), 2);
    assert_eq!(
        classes[0]["className"],
        json!({"value": "A", "status": "match"})
    );
    assert_eq!(
        classes[0]["restrictions"],
        json!({"value": "Daylight driving only.", "status": "match"})
    );
    assert!(classes[1].get("dateOfExpiry").is_none());
    assert!(dl["records"].as_array().is_some_and(|r| !r.is_empty()));
}
