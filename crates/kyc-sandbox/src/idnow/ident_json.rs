//! The ident as IDnow shows it: the JSON of `GET /identifications/{txn}` (also every webhook
//! body) and the XML result file, shaped like the document's samples.
//!
//! * Full bodies (REVIEW_PENDING, FRAUD_SUSPICION_PENDING and the final results) carry verified
//!   `userdata` (`MATCH` for data that was sent, `CHANGE` with `original` for changed data, `NEW`
//!   from the static sample data set for data that was not sent), `identificationdocument` and
//!   `attachments`.
//! * Thin bodies (START, ABORTED, CHECK_PENDING, CANCELED) carry `userdata` as
//!   `{"status":"ORIGINAL","original":...}` only, no document and no attachments (ABORTED, like
//!   the document's sample 3, has an empty `identificationdocument` and the pdf/xml/xmlsig files).

use serde_json::{json, Map, Value};

use super::state::{DocumentDefinition, Ident, Status};
use super::validation::{ADDRESS_FIELDS, USER_FIELDS};

/// The static sample data set the test robot (and every simulated readout) returns for data
/// the company did not send.
pub(crate) const SAMPLE_USERDATA: &[(&str, &str)] = &[
    ("firstname", "ERIKA"),
    ("lastname", "MUSTERMANN"),
    ("birthday", "1964-08-12"),
    ("birthplace", "BERLIN"),
    ("birthname", "GABLER"),
    ("nationality", "DE"),
    ("gender", "FEMALE"),
    ("street", "HEIDESTRASSE"),
    ("streetnumber", "17"),
    ("zipcode", "51147"),
    ("city", "KÖLN"),
    ("country", "DE"),
];

/// The static identification document of the sample data set.
pub(crate) const SAMPLE_DOCUMENT: &[(&str, &str)] = &[
    ("type", "IDCARD"),
    ("country", "DE"),
    ("number", "T22000129"),
    ("issuedby", "STADT KÖLN"),
    ("dateissued", "2021-08-02"),
    ("validuntil", "2031-08-01"),
];

fn sample(field: &str) -> Option<&'static str> {
    SAMPLE_USERDATA
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, value)| *value)
}

/// The files of an ident's result, as `(attachment key, file name)`.
pub(crate) fn attachments(
    ident: &Ident,
    definitions: &[DocumentDefinition],
) -> Vec<(String, String)> {
    let txn = &ident.transaction_number;
    let base = vec![
        ("pdf".to_string(), format!("{txn}.pdf")),
        ("xml".to_string(), format!("{txn}.xml")),
        ("xmlsig".to_string(), format!("{txn}.xml.sig")),
    ];
    match ident.status {
        Status::Created | Status::Started | Status::CheckPending | Status::Canceled => Vec::new(),
        Status::Aborted | Status::Other(_) => base,
        _ => {
            let mut files = base;
            for (key, suffix) in [
                ("idfrontside", "idfrontside"),
                ("idbackside", "idbackside"),
                ("userface", "userface"),
                ("security1", "security1"),
                ("security2", "security2"),
                ("security3", "security3"),
            ] {
                files.push((key.to_string(), format!("{txn}_{suffix}.jpg")));
            }
            if ident.poa_result.is_some() {
                files.push(("utilitybill".to_string(), format!("{txn}_utilitybill.jpg")));
            }
            for definition in definitions {
                if ident.documents.contains_key(&definition.identifier) {
                    let id = &definition.identifier;
                    files.push((format!("contract-{id}"), format!("{txn}_{id}_original.pdf")));
                    if ident.documents_signed {
                        files.push((
                            format!("signedcontract-{id}"),
                            format!("{txn}_{id}_signed.pdf"),
                        ));
                    }
                }
            }
            files
        }
    }
}

/// The GET ident JSON (and webhook body) of an ident that has a result.
pub(crate) fn render_json(ident: &Ident, definitions: &[DocumentDefinition]) -> Value {
    let status = &ident.status;
    let thin = status.has_thin_body();
    let txn = &ident.transaction_number;

    let mut process = Map::new();
    process.insert("result".into(), json!(status.result_word()));
    if let Some(reason) = &ident.reason {
        process.insert("reason".into(), json!(reason));
    }
    process.insert("companyid".into(), json!(ident.company));
    if !thin {
        process.insert("filename".into(), json!(format!("{txn}.zip")));
    }
    if let Some(agent) = &ident.agent_name {
        process.insert("agentname".into(), json!(agent));
    }
    process.insert(
        "identificationtime".into(),
        json!(ident
            .identification_time
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))),
    );
    process.insert("id".into(), json!(ident.ident_id));
    if !thin {
        process.insert(
            "href".into(),
            json!(format!(
                "/api/v1/{}/identifications/{txn}.zip",
                ident.company
            )),
        );
    }
    process.insert("type".into(), json!(ident.channel));
    process.insert("transactionnumber".into(), json!(txn));
    if let Some(previous) = &ident.previous_result {
        process.insert("previousresult".into(), json!(previous));
    }
    if status.is_finished() {
        let ident_changes = ident.changes.values().any(|c| c.before_review.is_none());
        let review_changes = ident.changes.values().any(|c| c.before_review.is_some());
        process.insert("identchanges".into(), json!(ident_changes));
        process.insert("reviewchanges".into(), json!(review_changes));
    }
    if let Some(poa) = ident.poa_result.as_ref().filter(|_| !thin) {
        process.insert("poaresult".into(), json!(poa));
    }
    if let Some(nfc) = ident.nfc_used {
        // The document's sample carries this boolean as a string.
        process.insert("wasnfcused".into(), json!(nfc.to_string()));
    }

    let mut custom = Map::new();
    for n in 1..=5 {
        let key = format!("custom{n}");
        custom.insert(key.clone(), json!(ident.data.get(&key)));
    }
    let contact = json!({
        "mobilephone": ident.data.get("mobilephone"),
        "email": ident.data.get("email"),
    });

    let mut userdata = Map::new();
    for field in USER_FIELDS {
        if let Some(v) = user_field(ident, field, thin) {
            userdata.insert((*field).to_string(), v);
        }
    }
    let mut address = Map::new();
    for field in ADDRESS_FIELDS {
        if let Some(v) = user_field(ident, field, thin) {
            address.insert((*field).to_string(), v);
        }
    }
    if !address.is_empty() {
        userdata.insert("address".into(), Value::Object(address));
    }
    if !thin {
        userdata.insert(
            "identlanguage".into(),
            json!({"status": "MATCH", "value": "en"}),
        );
    }

    let mut body = Map::new();
    body.insert("identificationprocess".into(), Value::Object(process));
    body.insert("customdata".into(), Value::Object(custom));
    body.insert("contactdata".into(), contact);
    body.insert("userdata".into(), Value::Object(userdata));
    match status {
        Status::Aborted | Status::Other(_) => {
            body.insert("identificationdocument".into(), json!({}));
        }
        _ if thin => {}
        _ => {
            let kind = ident.document_type.as_deref().unwrap_or("IDCARD");
            let mut document = Map::new();
            for (field, value) in SAMPLE_DOCUMENT {
                let value = if *field == "type" { kind } else { value };
                let entry = if ident.redacted.iter().any(|r| r == field) {
                    json!({"status": "REDACTION"})
                } else {
                    json!({"status": "NEW", "value": value})
                };
                document.insert((*field).to_string(), entry);
            }
            if kind == "DRIVERS_LICENSE" {
                document.insert("driverlicenses".into(), sample_driver_licenses());
            }
            body.insert("identificationdocument".into(), Value::Object(document));
            if ident.poa_result.is_some() {
                let mut address = Map::new();
                for field in ADDRESS_FIELDS {
                    let value = ident
                        .changes
                        .get(*field)
                        .map(|c| c.value.clone())
                        .or_else(|| ident.data.get(*field).cloned())
                        .or_else(|| sample(field).map(str::to_string));
                    if let Some(value) = value {
                        address.insert(
                            (*field).to_string(),
                            json!({"status": "MATCH", "value": value.to_uppercase()}),
                        );
                    }
                }
                body.insert(
                    "additionaldocuments".into(),
                    json!([{"documentname": "UTILITY_BILL", "address": address}]),
                );
            }
        }
    }
    let files = attachments(ident, definitions);
    if !files.is_empty() {
        let map: Map<String, Value> = files.into_iter().map(|(k, v)| (k, json!(v))).collect();
        body.insert("attachments".into(), Value::Object(map));
    }
    if ident.documents_signed && !thin {
        body.insert(
            "esigning".into(),
            json!({"result": "SUCCESS", "sessionid": format!("sandbox-{}", ident.ident_id)}),
        );
    }
    Value::Object(body)
}

/// The `driverlicenses` readout of the sample driver's licence (shape of the document's
/// example).
fn sample_driver_licenses() -> Value {
    json!([
        {"additionalInformation": null, "licenseClass": "AM", "validFromReadout": "REFERENCE_GERMAN",
         "validUntilReadout": "EMPTY", "validUntil": null, "validFrom": null},
        {"additionalInformation": null, "licenseClass": "B", "validFromReadout": "DATE",
         "validUntilReadout": "EMPTY", "validUntil": null, "validFrom": "2010-06-15"},
        {"additionalInformation": null, "licenseClass": "C1", "validFromReadout": "EMPTY",
         "validUntilReadout": "EMPTY", "validUntil": null, "validFrom": null}
    ])
}

fn user_field(ident: &Ident, field: &str, thin: bool) -> Option<Value> {
    let given = ident.data.get(field);
    if thin {
        return given.map(|g| json!({"status": "ORIGINAL", "original": g}));
    }
    let mut entry = Map::new();
    if let Some(change) = ident.changes.get(field) {
        entry.insert(
            "status".into(),
            json!(if given.is_some() { "CHANGE" } else { "NEW" }),
        );
        entry.insert("value".into(), json!(change.value.to_uppercase()));
        if let Some(g) = given {
            entry.insert("original".into(), json!(g));
        }
        if let Some(before) = &change.before_review {
            entry.insert("reviewstatus".into(), json!("CHANGE"));
            entry.insert("identification".into(), json!(before.to_uppercase()));
        }
    } else if let Some(g) = given {
        entry.insert("status".into(), json!("MATCH"));
        entry.insert("value".into(), json!(g.to_uppercase()));
        if ident.reviewed {
            entry.insert("reviewstatus".into(), json!("MATCH"));
        }
    } else {
        let value = sample(field)?;
        entry.insert("status".into(), json!("NEW"));
        entry.insert("value".into(), json!(value));
    }
    Some(Value::Object(entry))
}

/// The XML result file, derived from the same data as the JSON (field status as attributes).
pub(crate) fn render_xml(ident_json: &Value) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<identifications>\n  <identification>\n",
    );
    if let Value::Object(sections) = ident_json {
        let order = [
            "identificationprocess",
            "esigning",
            "customdata",
            "contactdata",
            "userdata",
            "identificationdocument",
            "additionaldocuments",
            "attachments",
        ];
        for section in order {
            if let Some(content) = sections.get(section) {
                let mut single = Map::new();
                single.insert(section.to_string(), content.clone());
                write_xml_fields(&mut out, &single, 4);
            }
        }
    }
    out.push_str("  </identification>\n</identifications>\n");
    out
}

/// Element order of the document's XML samples; other fields follow alphabetically.
const XML_ORDER: &[&str] = &[
    "result",
    "reason",
    "agentname",
    "identificationtime",
    "type",
    "transactionnumber",
    "companyid",
    "id",
    "poaresult",
    "previousresult",
    "identchanges",
    "reviewchanges",
    "wasnfcused",
    "sessionid",
    "custom1",
    "custom2",
    "custom3",
    "custom4",
    "custom5",
    "email",
    "mobilephone",
    "firstname",
    "lastname",
    "birthname",
    "birthday",
    "birthplace",
    "nationality",
    "gender",
    "title",
    "identlanguage",
    "address",
    "street",
    "streetnumber",
    "city",
    "country",
    "zipcode",
    "number",
    "validuntil",
    "issuedby",
    "dateissued",
    "documentname",
    "pdf",
    "xml",
    "xmlsig",
];

/// JSON-only fields the XML samples do not carry.
const JSON_ONLY: &[&str] = &["filename", "href"];

/// Writes `fields` as elements in the samples' element order.
fn write_xml_fields(out: &mut String, fields: &Map<String, Value>, indent: usize) {
    let pad = " ".repeat(indent);
    let mut names: Vec<&String> = fields
        .keys()
        .filter(|k| !JSON_ONLY.contains(&k.as_str()))
        .collect();
    names.sort_by_key(|name| {
        (
            XML_ORDER
                .iter()
                .position(|o| o == name)
                .unwrap_or(XML_ORDER.len()),
            name.as_str(),
        )
    });
    for name in names {
        let value = &fields[name];
        match value {
            Value::Null => {}
            Value::Object(entry) if entry.contains_key("status") => {
                let mut attrs = String::new();
                for attr in ["status", "original", "reviewstatus", "identification"] {
                    if let Some(Value::String(v)) = entry.get(attr) {
                        attrs.push_str(&format!(" {attr}=\"{}\"", xml_escape(v)));
                    }
                }
                match entry.get("value") {
                    Some(Value::String(v)) => {
                        out.push_str(&format!("{pad}<{name}{attrs}>{}</{name}>\n", xml_escape(v)))
                    }
                    _ => out.push_str(&format!("{pad}<{name}{attrs}/>\n")),
                }
            }
            Value::Object(nested) => {
                out.push_str(&format!("{pad}<{name}>\n"));
                write_xml_fields(out, nested, indent + 2);
                out.push_str(&format!("{pad}</{name}>\n"));
            }
            Value::Array(items) => {
                // `additionaldocuments` holds `additionaldocument` elements (the PoA sample).
                let item_name = name.strip_suffix('s').unwrap_or(name);
                out.push_str(&format!("{pad}<{name}>\n"));
                for item in items {
                    let mut wrapper = Map::new();
                    wrapper.insert(item_name.to_string(), item.clone());
                    write_xml_fields(out, &wrapper, indent + 2);
                }
                out.push_str(&format!("{pad}</{name}>\n"));
            }
            Value::String(s) => out.push_str(&format!("{pad}<{name}>{}</{name}>\n", xml_escape(s))),
            other => out.push_str(&format!("{pad}<{name}>{other}</{name}>\n")),
        }
    }
}

/// Escapes text for XML element content and attribute values, so that the result is always
/// well-formed: markup characters become entities, tab, line feed and carriage return become
/// character references (kept exactly, also in attributes), and characters XML 1.0 cannot carry
/// at all (other control characters, U+FFFE, U+FFFF) become U+FFFD.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push(char::REPLACEMENT_CHARACTER)
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_is_always_well_formed_xml() {
        assert_eq!(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(xml_escape("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
        assert_eq!(xml_escape("bell\u{7}nul\u{0}"), "bell\u{FFFD}nul\u{FFFD}");
        assert_eq!(xml_escape("\u{FFFF}ü"), "\u{FFFD}ü");
    }
}
