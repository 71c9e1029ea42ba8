//! Turns a sandbox case into result JSON shaped like the guide's section 7 and 8 samples:
//! `caseId`, `caseStatus`, `orderData`, `contactData`, `primaryIdent` (and `identifications`
//! for `/full`), `accountingData`. Empty objects are omitted.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::state::{format_ts, Asset, Case, Identification, Record, Shared};

/// A valid one-page PDF served as the result PDF.
pub(crate) const RESULT_PDF: &[u8] = include_bytes!("assets/result.pdf");
/// A valid 2x2 baseline JPEG served for every image record.
pub(crate) const TINY_JPEG: &[u8] = include_bytes!("assets/tiny.jpg");

/// Which variant of the result is asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    /// All identifications (`/full`).
    pub full: bool,
    /// Status data only (`/status`).
    pub status_only: bool,
    /// `includeResultPdf=true`.
    pub include_pdf: bool,
    /// `includeBinaryData=true`.
    pub include_binary: bool,
}

/// The `caseStatus` object.
pub(crate) fn case_status(case: &Case) -> Value {
    json!({
        "created": format_ts(&case.created),
        "modified": format_ts(&case.modified),
        "archived": case.archived,
        "validUntil": format_ts(&case.valid_until),
        "status": case.state.as_str(),
    })
}

/// The whole case result.
pub(crate) fn case(shared: &Shared, case: &Case, view: View) -> Value {
    let mut out = Map::new();
    out.insert("caseId".into(), json!(case.case_id));
    out.insert("caseStatus".into(), case_status(case));
    let order = if view.status_only {
        let mut m = Map::new();
        if let Some(custom) = case.custom_data() {
            m.insert("customData".into(), Value::Object(custom.clone()));
        }
        m
    } else {
        case.order.clone()
    };
    if !order.is_empty() {
        out.insert("orderData".into(), Value::Object(order));
    }
    let primary = case.primary();
    if !view.status_only {
        if let Some(contact) = primary.and_then(|p| p.contact_data.as_ref()) {
            out.insert("contactData".into(), Value::Object(contact.clone()));
        }
    }
    if let Some(p) = primary {
        out.insert("primaryIdent".into(), identification(shared, p, view));
    }
    if view.full && !case.identifications.is_empty() {
        let all: Vec<Value> = case
            .identifications
            .iter()
            .map(|i| identification(shared, i, view))
            .collect();
        out.insert("identifications".into(), Value::Array(all));
    }
    if let Some(p) = primary {
        out.insert(
            "accountingData".into(),
            json!({
                "accountingNumber": accounting_number(case),
                "accountingProduct": p.method.accounting_product(),
            }),
        );
    }
    Value::Object(out)
}

/// 14 digits, stable per case. A case a partner created is invoiced under a separate accounting
/// number (result guide section 9): here the same digits with the last two replaced by `99`.
fn accounting_number(case: &Case) -> String {
    let n: u64 = case.case_id.bytes().fold(7u64, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let number = format!("{:014}", n % 100_000_000_000_000);
    match &case.created_by_partner {
        Some(_) => format!("{}99", &number[..12]),
        None if number.ends_with("99") => format!("{}98", &number[..12]),
        None => number,
    }
}

fn identification(shared: &Shared, ident: &Identification, view: View) -> Value {
    let mut status = Map::new();
    status.insert("created".into(), json!(format_ts(&ident.created)));
    status.insert("modified".into(), json!(format_ts(&ident.modified)));
    status.insert("status".into(), json!(ident.status.as_str()));
    if let Some((code, description)) = ident.sub_status {
        status.insert(
            "subStatus".into(),
            json!({"code": code, "description": description}),
        );
    }
    if let Some((code, description)) = ident.sub_status_reason {
        status.insert(
            "subStatusReason".into(),
            json!({"code": code, "description": description}),
        );
    }
    if let Some(t) = &ident.identification_time {
        status.insert("identificationTime".into(), json!(format_ts(t)));
    }
    let mut out = Map::new();
    out.insert("identificationMethod".into(), json!(ident.method.as_str()));
    out.insert("identificationStatus".into(), Value::Object(status));
    if view.status_only {
        return Value::Object(out);
    }
    let records_of = |belongs: &str| -> Vec<Value> {
        ident
            .records
            .iter()
            .filter(|r| r.belongs_to == belongs)
            .filter(|r| {
                r.record_type != "result" || (view.include_pdf && shared.options.result_pdf)
            })
            .map(|r| record(r, view))
            .collect()
    };
    // Records of a document sit inside its object; before result data exists (photo after the
    // upload) the object carries only the records.
    for (key, data, belongs) in [
        (
            "identificationDocument",
            &ident.document,
            "identificationdocument",
        ),
        ("drivingLicence", &ident.driving_licence, "drivinglicence"),
    ] {
        let mut obj = data.clone().unwrap_or_default();
        let recs = records_of(belongs);
        if !recs.is_empty() {
            obj.insert("records".into(), Value::Array(recs));
        }
        if !obj.is_empty() {
            out.insert(key.into(), Value::Object(obj));
        }
    }
    let method_records = records_of("method");
    if !method_records.is_empty() {
        out.insert("records".into(), Value::Array(method_records));
    }
    if let Some((name, data)) = &ident.additional {
        if !data.is_empty() {
            out.insert((*name).into(), Value::Object(data.clone()));
        }
    }
    Value::Object(out)
}

fn record(r: &Record, view: View) -> Value {
    let mut m = Map::new();
    m.insert("recordId".into(), json!(r.record_id));
    m.insert("belongsTo".into(), json!(r.belongs_to));
    m.insert("type".into(), json!(r.record_type));
    if let Some(v) = &r.validation_status {
        m.insert("validationStatus".into(), json!(v));
    }
    if let Some(v) = &r.validation_sub_status {
        m.insert("validationSubStatus".into(), json!(v));
    }
    if let Some(v) = &r.validation_remark {
        m.insert("validationRemark".into(), json!(v));
    }
    m.insert("mimeType".into(), json!(r.mime_type));
    m.insert("fileName".into(), json!(r.file_name));
    if view.include_binary && r.binary_allowed {
        let bytes = match r.asset {
            Asset::Pdf => RESULT_PDF,
            Asset::Jpeg => TINY_JPEG,
        };
        m.insert(
            "documentData".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
        );
    }
    Value::Object(m)
}
