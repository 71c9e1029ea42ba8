//! What an identification carries once the state machine moves it: a new identification's
//! skeleton, the records (documents, photos, videos) a final result brings, their validation
//! states, and the result data filled from the order and the documented samples.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::codes::{self, IdentStatus, Method};
use super::control::{ControlError, RecordValidation};
use super::state::{Asset, Identification, Record, Shared, Timestamp};
use super::RegulatoryClass;

pub(super) fn new_identification(method: Method, now: Timestamp, seq: u32) -> Identification {
    Identification {
        method,
        status: IdentStatus::Started,
        sub_status: None,
        sub_status_reason: None,
        created: now,
        modified: now,
        identification_time: None,
        document: None,
        driving_licence: None,
        contact_data: None,
        additional: None,
        records: Vec::new(),
        seq,
    }
}

pub(super) fn validate_record_validation(r: &RecordValidation) -> Result<(), ControlError> {
    if !codes::VALIDATION_STATUSES.contains(&r.validation_status.as_str()) {
        return Err(ControlError::Invalid(format!(
            "records[].validationStatus: one of {}",
            codes::VALIDATION_STATUSES.join(", ")
        )));
    }
    if let Some(sub) = &r.validation_sub_status {
        if r.validation_status != "invalid" {
            return Err(ControlError::Invalid(
                "records[].validationSubStatus: only with validationStatus invalid".into(),
            ));
        }
        if !codes::VALIDATION_SUB_STATUSES.contains(&sub.as_str()) {
            return Err(ControlError::Invalid(format!(
                "records[].validationSubStatus: one of {}",
                codes::VALIDATION_SUB_STATUSES.join(", ")
            )));
        }
    }
    Ok(())
}

pub(super) fn default_photo_validation(ident: &mut Identification) {
    let (status, sub): (&str, Option<&str>) = match (&ident.status, ident.sub_status.map(|s| s.0)) {
        (IdentStatus::ReviewPending, _) | (IdentStatus::Started, _) => ("unchecked", None),
        (IdentStatus::Success, _) => ("valid", None),
        (IdentStatus::Incomplete, Some(31)) => ("invalid", Some("document not supported")),
        (IdentStatus::Incomplete, Some(32)) => ("invalid", Some("document expired")),
        (IdentStatus::Incomplete, Some(33)) => ("invalid", Some("document not identifiable")),
        (IdentStatus::Incomplete, Some(34)) => ("invalid", Some("too blurry")),
        (IdentStatus::Declined, Some(11)) => ("invalid", Some("fraud suspicion")),
        (IdentStatus::Declined, Some(15)) => ("invalid", Some("abuse")),
        _ => ("invalid", None),
    };
    for rec in ident
        .records
        .iter_mut()
        .filter(|r| r.record_type != "result")
    {
        rec.validation_status = Some(status.to_owned());
        rec.validation_sub_status = sub.map(str::to_owned);
        rec.validation_remark = None;
    }
}

fn binary_allowed(method: Method, record_type: &str, class: RegulatoryClass) -> bool {
    use RegulatoryClass::*;
    match record_type {
        "result" => true,
        "userface" => class == GwG && method != Method::Photo,
        "usersignature" => matches!(class, GwG | Tkg),
        t if t.starts_with("dl") => method == Method::Photo && class == Mobility,
        _ => match method {
            Method::Autoid | Method::Photo => false,
            Method::Eid => class == GwG,
            Method::Basic | Method::Video => matches!(class, GwG | Tkg),
        },
    }
}

/// Adds the records of an identification (once per type). `final_result` adds the result PDF.
pub(super) fn add_records(
    shared: &Shared,
    ident: &mut Identification,
    case_id: &str,
    class: RegulatoryClass,
    final_result: bool,
) {
    let method = ident.method;
    let mut wanted: Vec<(&'static str, &str)> = Vec::new();
    if final_result {
        wanted.push(("method", "result"));
    }
    match method {
        Method::Autoid => wanted.extend([
            ("method", "userface"),
            ("identificationdocument", "idfrontside"),
            ("identificationdocument", "idbackside"),
        ]),
        Method::Basic => wanted.extend([
            ("method", "usersignature"),
            ("identificationdocument", "idfrontside"),
            ("identificationdocument", "idbackside"),
        ]),
        Method::Eid => wanted.extend([
            ("identificationdocument", "idfrontside"),
            ("identificationdocument", "idbackside"),
        ]),
        Method::Photo => {
            wanted.extend([
                ("method", "userface"),
                ("identificationdocument", "idfrontside"),
                ("identificationdocument", "idbackside"),
            ]);
            if ident.driving_licence.is_some() || class == RegulatoryClass::Mobility {
                wanted.extend([
                    ("drivinglicence", "dlfrontside"),
                    ("drivinglicence", "dlbackside"),
                ]);
            }
        }
        Method::Video => wanted.extend([
            ("method", "userface"),
            ("identificationdocument", "idfrontside"),
            ("identificationdocument", "idbackside"),
            ("identificationdocument", "idsignature"),
        ]),
    }
    for (belongs_to, record_type) in wanted {
        if ident.records.iter().any(|r| r.record_type == record_type) {
            continue;
        }
        let (asset, mime, file_name) = if record_type == "result" {
            (
                Asset::Pdf,
                "application/pdf",
                format!("{case_id}_result_{method}.pdf"),
            )
        } else {
            (
                Asset::Jpeg,
                "image/jpeg",
                format!("{case_id}_{record_type}.jpg"),
            )
        };
        ident.records.push(Record {
            record_id: shared.next_record_id(),
            belongs_to,
            record_type: record_type.to_owned(),
            mime_type: mime,
            file_name,
            asset,
            binary_allowed: binary_allowed(method, record_type, class),
            validation_status: None,
            validation_sub_status: None,
            validation_remark: None,
        });
    }
}

fn provided<'a>(order: &'a Map<String, Value>, section: &str) -> Option<&'a Map<String, Value>> {
    order.get(section).and_then(Value::as_object)
}

fn str_at<'a>(m: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    m.and_then(|m| m.get(key)).and_then(Value::as_str)
}

/// `{value, status}` comparing the found value with what the client provided.
fn checked(value: &str, provided: Option<&str>) -> Value {
    let status = match provided {
        None => "new",
        Some(p) if p == value => "match",
        Some(_) => "change",
    };
    json!({"value": value, "status": status})
}

/// Builds identificationDocument, drivingLicence, contactData and additional data from what was
/// provided at creation (status `match`), sandbox defaults (status `new`) and the transition's
/// changed fields (status `change`).
pub(super) fn fill_result_data(
    ident: &mut Identification,
    order: &Map<String, Value>,
    changed: &BTreeMap<String, String>,
    class: RegulatoryClass,
    address_check: bool,
    now: Timestamp,
) {
    let doc_p = provided(order, "identificationDocumentProvided");
    let contact_p = provided(order, "contactDataProvided");
    let doc_addr_p = doc_p
        .and_then(|d| d.get("address"))
        .and_then(Value::as_object);
    let contact_addr_p = contact_p
        .and_then(|d| d.get("address"))
        .and_then(Value::as_object);
    let method = ident.method;

    // What the document says: provided data unless the transition changes it, else defaults.
    let found = |key: &str, default: &str| -> String {
        if let Some(c) = changed.get(key) {
            return c.clone();
        }
        str_at(doc_p, key)
            .or_else(|| str_at(contact_p, key))
            .unwrap_or(default)
            .to_owned()
    };
    let found_addr = |key: &str, default: &str| -> String {
        if let Some(c) = changed.get(&format!("address.{key}")) {
            return c.clone();
        }
        str_at(doc_addr_p, key)
            .or_else(|| str_at(contact_addr_p, key))
            .unwrap_or(default)
            .to_owned()
    };

    let mut address = Map::new();
    for (key, default) in [
        ("streetAddress", "Heidestr. 17"),
        ("postalCode", "51147"),
        ("city", "Köln"),
        ("country", "DEU"),
    ] {
        address.insert(
            key.into(),
            checked(&found_addr(key, default), str_at(doc_addr_p, key)),
        );
    }
    if let Some(app) = changed
        .get("address.appendix")
        .map(String::as_str)
        .or_else(|| str_at(doc_addr_p, "appendix"))
        .or_else(|| str_at(contact_addr_p, "appendix"))
    {
        address.insert(
            "appendix".into(),
            checked(app, str_at(doc_addr_p, "appendix")),
        );
    }

    let mut doc = Map::new();
    let put = |doc: &mut Map<String, Value>, key: &str, default: Option<&str>| {
        let value = match (changed.get(key), str_at(doc_p, key), default) {
            (Some(c), _, _) => c.clone(),
            (None, Some(p), _) => p.to_owned(),
            (None, None, Some(_)) => found(key, default.unwrap_or_default()),
            (None, None, None) => return,
        };
        doc.insert(key.into(), checked(&value, str_at(doc_p, key)));
    };
    // Availability by regulatory class and method (guide 8.6.2).
    let gwg = class == RegulatoryClass::GwG;
    let gwg_or_tkg = matches!(class, RegulatoryClass::GwG | RegulatoryClass::Tkg);
    let tkg = class == RegulatoryClass::Tkg;
    let chip = method == Method::Eid; // not in the eID chip's data set
    put(&mut doc, "countryOfDocument", Some("DEU"));
    put(&mut doc, "type", Some("1"));
    if gwg_or_tkg && !chip {
        put(&mut doc, "number", Some("T22000129"));
    }
    put(&mut doc, "firstName", Some("Erika"));
    put(&mut doc, "lastName", Some("Mustermann"));
    if !tkg {
        put(&mut doc, "birthName", None);
    }
    put(&mut doc, "birthDate", Some("1964-08-12"));
    if gwg {
        put(&mut doc, "birthPlace", Some("Berlin"));
    }
    if !tkg {
        put(&mut doc, "nationality", Some("DEU"));
    }
    doc.insert("address".into(), Value::Object(address.clone()));
    if gwg_or_tkg && !chip {
        put(&mut doc, "dateIssued", Some("2020-11-01"));
    }
    put(&mut doc, "dateOfExpiry", Some("2030-10-31"));
    if gwg_or_tkg && !chip {
        put(&mut doc, "authority", Some("Stadt Köln"));
    }
    if gwg {
        put(&mut doc, "placeOfIssue", None);
    }
    ident.document = Some(doc.clone());

    // Contact data: names and address as found on the document, compared with contactDataProvided.
    let mut contact = Map::new();
    if let Some(title) = str_at(contact_p, "title") {
        contact.insert("title".into(), checked(title, Some(title)));
    }
    for key in ["firstName", "lastName"] {
        if let Some(v) = doc
            .get(key)
            .and_then(|v| v.get("value"))
            .and_then(Value::as_str)
        {
            contact.insert(key.into(), checked(v, str_at(contact_p, key)));
        }
    }
    let mobile_default = (method == Method::Video).then_some("+49160123456");
    if let Some(v) = changed
        .get("mobilePhone")
        .map(String::as_str)
        .or_else(|| str_at(contact_p, "mobilePhone"))
        .or(mobile_default)
    {
        contact.insert(
            "mobilePhone".into(),
            checked(v, str_at(contact_p, "mobilePhone")),
        );
    }
    let email = changed
        .get("email")
        .map(String::as_str)
        .or_else(|| str_at(contact_p, "email"))
        .unwrap_or("erika.mustermann@example.org");
    contact.insert("email".into(), checked(email, str_at(contact_p, "email")));
    let mut caddr = Map::new();
    for (key, v) in &address {
        if let Some(val) = v.get("value").and_then(Value::as_str) {
            caddr.insert(key.clone(), checked(val, str_at(contact_addr_p, key)));
        }
    }
    // The postal address check (8.6.6), when configured: German addresses only. The sandbox
    // finds nothing remarkable at any address.
    let german = caddr
        .get("country")
        .and_then(|c| c.get("value"))
        .and_then(Value::as_str)
        == Some("DEU");
    if address_check && german {
        caddr.insert(
            "addressMatch".into(),
            json!({
                "mailRedirectionDomestic": false,
                "mailRedirectionInternational": false,
                "undeliverable": false,
                "addresseeDeceased": false,
            }),
        );
    }
    contact.insert("address".into(), Value::Object(caddr));
    ident.contact_data = Some(contact);

    // Driving licence: method photo, when one was provided.
    if method == Method::Photo {
        if let Some(dl_p) = provided(order, "drivingLicenceProvided") {
            let mut dl = Map::new();
            for (key, default) in [
                ("countryOfDocument", "DEU"),
                ("number", "B072RRE2I55"),
                ("firstName", "Erika"),
                ("lastName", "Mustermann"),
                ("birthDate", "1964-08-12"),
                ("dateOfExpiry", "2033-03-01"),
            ] {
                let value = changed
                    .get(&format!("drivingLicence.{key}"))
                    .map(String::as_str)
                    .or_else(|| str_at(Some(dl_p), key))
                    .unwrap_or(default);
                dl.insert(key.into(), checked(value, str_at(Some(dl_p), key)));
            }
            if let Some(r) = changed
                .get("drivingLicence.restrictions")
                .map(String::as_str)
                .or_else(|| str_at(Some(dl_p), "restrictions"))
            {
                dl.insert(
                    "restrictions".into(),
                    checked(r, str_at(Some(dl_p), "restrictions")),
                );
            }
            // The classes provided are found as provided; without any, the licence shows B.
            let provided_classes: Vec<&Map<String, Value>> = dl_p
                .get("drivingLicenceClasses")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_object).collect())
                .unwrap_or_default();
            let classes: Vec<Value> = if provided_classes.is_empty() {
                vec![json!({
                    "className": {"value": "B", "status": "new"},
                    "dateIssued": {"value": "1997-03-02", "status": "new"},
                    "dateOfExpiry": {"value": "2033-03-01", "status": "new"},
                })]
            } else {
                provided_classes
                    .into_iter()
                    .map(|c| {
                        let mut class = Map::new();
                        for key in ["className", "dateIssued", "dateOfExpiry", "restrictions"] {
                            if let Some(v) = str_at(Some(c), key) {
                                class.insert(key.into(), checked(v, Some(v)));
                            }
                        }
                        Value::Object(class)
                    })
                    .collect()
            };
            dl.insert("drivingLicenceClasses".into(), Value::Array(classes));
            ident.driving_licence = Some(dl);
        }
    }

    let ts = super::state::format_ts(&now);
    ident.additional = match method {
        Method::Basic => {
            let mut m = match ident.additional.take() {
                Some((_, m)) => m,
                None => Map::new(),
            };
            // The post office's id is "not included for GWG and Standard idents" (8.6.8).
            if !matches!(class, RegulatoryClass::GwG | RegulatoryClass::Standard) {
                m.insert("postOffice".into(), json!("227208750"));
            }
            m.insert("postOfficeStreetAddress".into(), json!("Musterstr. 1"));
            m.insert("postOfficeCity".into(), json!("12345 Musterstadt"));
            m.insert("checkoutNote".into(), json!("85014869 3013"));
            // The guide documents the structure of the card reader's findings but no category
            // names or result words: these are invented.
            m.insert(
                "idCardReaderCheck".into(),
                json!({"checkedCategories": [
                    {"name": "MRZ", "status": "OK"},
                    {"name": "SECURITY_FEATURES", "status": "OK"},
                ]}),
            );
            Some(("additionalDataBasic", m))
        }
        Method::Eid => {
            let mut m = Map::new();
            m.insert(
                "dkk".into(),
                json!("BB30E18C3428F73891DCF8D5C9FB9223D0F8AB8159127D6CD43C4420CEB175CA"),
            );
            Some(("additionalDataEid", m))
        }
        Method::Video => {
            // Availability by regulatory class as 8.6.10 states it.
            let mut m = Map::new();
            if gwg_or_tkg {
                m.insert(
                    "identificationServiceCenter".into(),
                    json!("1 DP CSC GmbH, Location Flensburg"),
                );
            }
            if tkg {
                // Shapes undocumented: lists of texts (assumption).
                m.insert("identificationAgentAliases".into(), json!(["Agent 4711"]));
                m.insert("identReviews".into(), json!(["four-eyes review"]));
            }
            m.insert("videoRecordingAccepted".into(), json!(ts));
            // "Videochats are only recorded for class GwG" (8.6.7).
            m.insert("videoRecordingDeliveryShaft".into(), json!(gwg));
            if gwg {
                m.insert("tanChannel".into(), json!("sms"));
            }
            Some(("additionalDataVideo", m))
        }
        Method::Autoid | Method::Photo => None,
    };
}
