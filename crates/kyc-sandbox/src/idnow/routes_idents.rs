//! The ident endpoints: create/update (`/start`), get (JSON, `.pdf`, `.xml`, `.zip`), list by
//! state, delete, archive, copy, binding key, and the gateway health check.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api_error::{json_response, ApiError};
use super::auth::{authorize_start, ApiCall};
use super::ident_json;
use super::result_files::{self, file_response};
use super::state::{Ident, Status, Store};
use super::validation::{check_transaction_number, parse_create_body};
use super::Shared;

type ApiResult = Result<Response, ApiError>;

/// `GET /system_check` -> 200 `SYSTEM_CHECK_OK`.
pub(crate) async fn system_check() -> Response {
    file_response("text/plain; charset=UTF-8", b"SYSTEM_CHECK_OK".to_vec())
}

fn new_ident_id(shared: &Shared, taken: &HashMap<String, (String, String)>) -> String {
    loop {
        let letters: String = (0..5)
            .map(|_| char::from(b'A' + rand::random_range(0..26u8)))
            .collect();
        let id = format!("{}-{letters}", shared.options.ident_id_prefix);
        if !taken.contains_key(&id) {
            return id;
        }
    }
}

/// `POST /api/v1/{company}/identifications/{txn}/start`.
pub(crate) async fn start(call: ApiCall, body: Bytes) -> ApiResult {
    authorize_start(&call.shared, &call.company, &call.headers)?;
    let (shared, company, txn) = call.into_parts();
    check_transaction_number(&txn)?;
    let (strict_names, extra_fields) = shared
        .store()
        .companies
        .get(&company)
        .map(|c| {
            (
                !c.definitions.is_empty(),
                c.setup.extra_create_fields.clone(),
            )
        })
        .unwrap_or_default();
    let fields = parse_create_body(&body, strict_names, &extra_fields)?;
    let key = txn.to_ascii_lowercase();
    let (status, ident_id, schedule_robot) = {
        let mut store = shared.store();
        let new_id = new_ident_id(&shared, &store.ident_ids);
        let company_state = store
            .companies
            .get_mut(&company)
            .ok_or_else(ApiError::invalid_login_token)?;
        if let Some(ident) = company_state.idents.get_mut(&key) {
            if ident.status.is_finished() {
                return Err(ApiError::existing_identification());
            }
            ident.data.extend(fields);
            ident.version += 1;
            let schedule = !ident.robot_scheduled
                && ident.robot_scenario().is_some()
                && ident.status == Status::Created
                && shared.options.robot_autostart;
            if schedule {
                ident.robot_scheduled = true;
            }
            (StatusCode::OK, ident.ident_id.clone(), schedule)
        } else {
            if company_state.used_transaction_numbers.contains(&key) {
                return Err(ApiError::existing_identification()
                    .with_message("The transaction number was used before and cannot be reused"));
            }
            if strict_names {
                // QES/eSign idents: firstname and lastname are always mandatory.
                for required in ["firstname", "lastname"] {
                    if !fields.contains_key(required) {
                        return Err(ApiError::bad_request(
                            required,
                            format!("QES/eSign: '{required}' is mandatory"),
                        ));
                    }
                }
            }
            let mut ident = Ident::new(new_id.clone(), txn.clone(), company.clone(), fields);
            let schedule = ident.robot_scenario().is_some() && shared.options.robot_autostart;
            ident.robot_scheduled = schedule;
            company_state.idents.insert(key.clone(), ident);
            company_state.used_transaction_numbers.insert(key.clone());
            store
                .ident_ids
                .insert(new_id.clone(), (company.clone(), key.clone()));
            (StatusCode::CREATED, new_id, schedule)
        }
    };
    if status == StatusCode::CREATED {
        super::lifecycle::schedule_expiry(&shared, &company, &txn, &ident_id);
    }
    if schedule_robot {
        super::robot::schedule(&shared, &company, &txn, true);
    }
    Ok(json_response(status, &json!({ "id": ident_id })))
}

/// The 404 for an ident without data: not started or in the flow (the key names the IdentID, as
/// the document's NOT STARTED sample), never created or deleted (no IdentID).
fn no_data(ident: Option<&Ident>) -> ApiError {
    match ident {
        Some(i) => ApiError::not_found(format!(
            "Ident {} - No identification request found matching the provided parameters",
            i.ident_id
        )),
        None => {
            ApiError::not_found("No identification request found matching the provided parameters")
        }
    }
}

/// The result files served next to the JSON.
enum ResultFile {
    Pdf,
    Xml,
    Zip,
}

fn split_suffix(raw: &str) -> (&str, Option<ResultFile>) {
    for (suffix, kind) in [
        (".pdf", ResultFile::Pdf),
        (".xml", ResultFile::Xml),
        (".zip", ResultFile::Zip),
    ] {
        if let Some(stem) = raw.strip_suffix(suffix) {
            return (stem, Some(kind));
        }
    }
    (raw, None)
}

/// Finds an ident by transaction number, else by IdentID (the document's
/// `identifications/{transactionNumber} OR {IdentID}`).
fn find<'a>(store: &'a Store, company: &str, txn_or_ident_id: &str) -> Option<&'a Ident> {
    store.ident(company, txn_or_ident_id).or_else(|| {
        store
            .locate_ident_id(txn_or_ident_id)
            .filter(|(c, _)| c == company)
            .and_then(|(c, key)| store.ident(&c, &key))
    })
}

/// Whether IDnow has data for the ident: not before the user started, and not while the user
/// is in the flow ("no data ... until the user has completed the identification process").
fn has_data(shared: &Shared, ident: &Ident) -> bool {
    match ident.status {
        Status::Created => false,
        Status::Started => shared.options.answer_start_while_in_flow,
        _ => true,
    }
}

/// `GET /api/v1/{company}/identifications/{txn or IdentID}` and the `.pdf`, `.xml`, `.zip`
/// variants.
pub(crate) async fn get_ident(call: ApiCall) -> ApiResult {
    call.authorize()?;
    let (shared, company, raw) = call.into_parts();
    let (txn, file) = split_suffix(&raw);
    check_transaction_number(txn)?;
    let store = shared.store();
    let ident = match file {
        None => find(&store, &company, txn),
        Some(_) => store.ident(&company, txn),
    };
    let Some(ident) = ident.filter(|i| has_data(&shared, i)) else {
        return Err(no_data(ident));
    };
    let definitions = store
        .companies
        .get(&company)
        .map(|c| c.definitions.clone())
        .unwrap_or_default();
    let body = ident_json::render_json(ident, &definitions);
    let Some(file) = file else {
        return Ok(json_response(StatusCode::OK, &body));
    };
    if ident.status == Status::Started {
        return Err(ApiError::not_found(format!(
            "Ident {} - No result files exist before the user finished the identification",
            ident.ident_id
        )));
    }
    let files = ResultFiles::build(ident, &body);
    Ok(match file {
        ResultFile::Pdf => file_response("application/pdf", files.pdf),
        ResultFile::Xml => file_response("application/xml; charset=UTF-8", files.xml),
        ResultFile::Zip => file_response("application/zip", files.zip(ident, &definitions)),
    })
}

/// The result files of one ident.
pub(crate) struct ResultFiles {
    pub pdf: Vec<u8>,
    pub xml: Vec<u8>,
    pub signature: Vec<u8>,
}

impl ResultFiles {
    pub fn build(ident: &Ident, body: &serde_json::Value) -> ResultFiles {
        let xml = ident_json::render_xml(body).into_bytes();
        let signature = result_files::sign(&xml);
        let process = &body["identificationprocess"];
        let mut lines = vec![
            format!("IdentID: {}", ident.ident_id),
            format!("Transaction number: {}", ident.transaction_number),
            format!("Company: {}", ident.company),
            format!("Result: {}", process["result"].as_str().unwrap_or_default()),
        ];
        if let Some(reason) = process["reason"].as_str() {
            lines.push(format!("Reason: {reason}"));
        }
        if let Some(time) = process["identificationtime"].as_str() {
            lines.push(format!("Identification time: {time}"));
        }
        for field in ["firstname", "lastname", "birthday", "nationality"] {
            let entry = &body["userdata"][field];
            let value = entry["value"].as_str().or(entry["original"].as_str());
            if let Some(value) = value {
                lines.push(format!("{field}: {value}"));
            }
        }
        lines.push("Generated by the kyc-sandbox IDnow simulator; not a real result.".into());
        ResultFiles {
            pdf: result_files::pdf("IDnow AutoIdent result (sandbox)", &lines),
            xml,
            signature,
        }
    }

    /// The ZIP with every file the `attachments` section names.
    pub fn zip(&self, ident: &Ident, definitions: &[super::state::DocumentDefinition]) -> Vec<u8> {
        let mut names = ident_json::attachments(ident, definitions);
        if names.is_empty() {
            let txn = &ident.transaction_number;
            names = vec![
                ("pdf".into(), format!("{txn}.pdf")),
                ("xml".into(), format!("{txn}.xml")),
                ("xmlsig".into(), format!("{txn}.xml.sig")),
            ];
        }
        let entries: Vec<(String, Vec<u8>)> = names
            .into_iter()
            .map(|(key, name)| {
                let bytes = match key.as_str() {
                    "pdf" => self.pdf.clone(),
                    "xml" => self.xml.clone(),
                    "xmlsig" => self.signature.clone(),
                    k if k.starts_with("contract-") => ident
                        .documents
                        .get(&k["contract-".len()..])
                        .map(|d| d.bytes.to_vec())
                        .unwrap_or_default(),
                    k if k.starts_with("signedcontract-") => {
                        super::routes_esign::signed_pdf(ident, &k["signedcontract-".len()..])
                    }
                    _ => result_files::TINY_JPEG.to_vec(),
                };
                (name, bytes)
            })
            .collect();
        result_files::zip(&entries)
    }
}

/// `GET /api/v1/{company}/identifications?pending=true|aborted=true|canceled=true|successful=true`.
/// `pending=true` lists REVIEW_PENDING idents, as the document says ("all idents that are in the
/// `REVIEW_PENDING` (i.e. awaiting manual review) state").
pub(crate) async fn list(call: ApiCall, Query(query): Query<HashMap<String, String>>) -> ApiResult {
    call.authorize()?;
    let (shared, company, _) = call.into_parts();
    let flag = |name: &str| {
        query
            .get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let pending = flag("pending");
    let aborted = flag("aborted");
    let canceled = flag("canceled") || flag("cancelled");
    let successful = flag("successful") || !(pending || aborted || canceled);
    let store = shared.store();
    let Some(company_state) = store.companies.get(&company) else {
        return Err(ApiError::invalid_login_token());
    };
    let mut idents: Vec<&Ident> = company_state
        .idents
        .values()
        .filter(|i| !i.archived)
        .filter(|i| {
            (pending && i.status == Status::ReviewPending)
                || (aborted && i.status == Status::Aborted)
                || (canceled && i.status == Status::Canceled)
                || (successful && i.status.is_finished())
        })
        .collect();
    idents.sort_by_key(|i| i.identification_time);
    let list: Vec<serde_json::Value> = idents
        .into_iter()
        .map(|i| ident_json::render_json(i, &company_state.definitions))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "identifications": list }),
    ))
}

fn not_finished(ident: &Ident) -> ApiError {
    ApiError::not_found(format!(
        "Ident {} / IdentRequest {} not yet finished",
        ident.ident_id,
        ident.ident_id.bytes().map(u32::from).sum::<u32>()
    ))
}

/// `DELETE /api/v1/{company}/identifications/{txn}`: 200 empty when finished, 404 otherwise.
pub(crate) async fn delete(call: ApiCall) -> ApiResult {
    call.authorize_ident()?;
    let (shared, company, txn) = call.into_parts();
    let mut store = shared.store();
    let ident = store.ident(&company, &txn).ok_or_else(|| no_data(None))?;
    if !ident.status.is_finished() {
        return Err(not_finished(ident));
    }
    let ident_id = ident.ident_id.clone();
    if let Some(c) = store.companies.get_mut(&company) {
        c.idents.remove(&txn.to_ascii_lowercase());
    }
    store.ident_ids.remove(&ident_id);
    Ok(StatusCode::OK.into_response())
}

/// `POST /api/v1/{company}/identifications/{txn}/archive`.
pub(crate) async fn archive(call: ApiCall) -> ApiResult {
    call.authorize_ident()?;
    let (shared, company, txn) = call.into_parts();
    let mut store = shared.store();
    let enabled = store
        .companies
        .get(&company)
        .is_some_and(|c| c.setup.archive_enabled);
    if !enabled {
        return Err(ApiError::precondition_failed(format!(
            "The archive feature is not enabled for '{company}'"
        )));
    }
    let ident = store
        .ident_mut(&company, &txn)
        .ok_or_else(|| no_data(None))?;
    if !ident.status.is_finished() {
        return Err(not_finished(ident));
    }
    if ident.archived {
        return Err(ApiError::bad_request(
            "transactionnumber",
            format!("Ident {} is already archived", ident.ident_id),
        ));
    }
    ident.archived = true;
    ident.version += 1;
    Ok(StatusCode::OK.into_response())
}

/// `POST /api/v1/{company}/identifications/{txn}/copy` with
/// `{"target_companyid", "target_transactionnumber"}`.
pub(crate) async fn copy(call: ApiCall, body: Bytes) -> ApiResult {
    call.authorize_ident()?;
    let (shared, company, txn) = call.into_parts();
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::unparseable_json(format!("Could not parse the JSON body: {e}")))?;
    let field = |name: &str| -> Result<String, ApiError> {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| ApiError::bad_request(name, format!("'{name}' is required")))
    };
    let target_company = field("target_companyid")?;
    let target_txn = field("target_transactionnumber")?;
    if let Some(unknown) = value
        .as_object()
        .and_then(|o| o.keys().find(|k| !k.starts_with("target_")))
    {
        return Err(ApiError::unrecognized_field(unknown));
    }
    if !super::validation::is_valid_transaction_number(&target_txn) {
        return Err(ApiError::bad_request(
            "target_transactionnumber",
            "The transaction number must be 1 to 255 characters of [A-Za-z0-9_-]",
        ));
    }
    let mut store = shared.store();
    let source = store
        .ident(&company, &txn)
        .cloned()
        .ok_or_else(|| ApiError::not_found("token").with_message(txn.clone()))?;
    let allowed = store
        .companies
        .get(&company)
        .is_some_and(|c| c.setup.copy_targets.contains(&target_company))
        && store.companies.contains_key(&target_company);
    if !allowed {
        return Err(ApiError::forbidden(format!(
            "'{company}' may not copy idents to '{target_company}'"
        )));
    }
    let key = target_txn.to_ascii_lowercase();
    let new_id = new_ident_id(&shared, &store.ident_ids);
    let target = store
        .companies
        .get_mut(&target_company)
        .ok_or_else(ApiError::internal)?;
    if target.used_transaction_numbers.contains(&key) {
        return Err(ApiError::existing_identification());
    }
    let mut copy = source;
    copy.ident_id = new_id.clone();
    copy.transaction_number = target_txn;
    copy.company = target_company.clone();
    copy.version = 0;
    copy.robot_scheduled = false;
    copy.archived = false;
    let copied_txn = copy.transaction_number.clone();
    target.idents.insert(key.clone(), copy);
    target.used_transaction_numbers.insert(key.clone());
    store
        .ident_ids
        .insert(new_id.clone(), (target_company.clone(), key));
    drop(store);
    // The copy is a new ident of the target account, with a lifetime of its own.
    super::lifecycle::schedule_expiry(&shared, &target_company, &copied_txn, &new_id);
    Ok(json_response(StatusCode::OK, &json!({ "id": new_id })))
}

/// `GET /api/v1/{company}/identifications/{txn}/bindingKey`.
pub(crate) async fn binding_key(call: ApiCall) -> ApiResult {
    call.authorize_ident()?;
    let (shared, company, txn) = call.into_parts();
    let store = shared.store();
    let ident = store.ident(&company, &txn);
    let Some(ident) = ident.filter(|i| i.status != Status::Created) else {
        return Err(no_data(ident));
    };
    match &ident.binding_key {
        Some(key) => Ok(json_response(StatusCode::OK, &json!({ "bindingKey": key }))),
        None => Err(ApiError::not_found("id").with_message(format!(
            "No binding key associated with the specified identification with internalToken: {}",
            ident.ident_id
        ))),
    }
}

/// Any other path: `MISSING_TRANSACTION_TOKEN` for an empty transaction number in an ident
/// path, `OBJECT_NOT_FOUND` ("You used a wrong URL") for everything else.
pub(crate) async fn fallback(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.contains("/identifications//") || path.ends_with("/identifications/") {
        return ApiError::missing_transaction_token().into_response();
    }
    ApiError::not_found("url")
        .with_message(format!("No resource at {path}"))
        .into_response()
}
