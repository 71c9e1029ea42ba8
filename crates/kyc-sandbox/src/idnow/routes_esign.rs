//! QES/eSign: document definitions (create, update, delete, list, get), uploading a document to
//! sign, listing and reading an ident's documents, downloading the signed document.

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::api_error::{json_response, ApiError};
use super::auth::ApiCall;
use super::result_files;
use super::state::{Company, DocumentDefinition, Ident, Store, UploadedDocument};

type ApiResult = Result<Response, ApiError>;

/// Documented limits per ident.
const MAX_DOCUMENTS: usize = 25;
const MAX_TOTAL_BYTES: usize = 50 * 1024 * 1024;

fn esign_company<'a>(store: &'a mut Store, company: &str) -> Result<&'a mut Company, ApiError> {
    match store.companies.get_mut(company) {
        Some(c) if c.setup.esigning => Ok(c),
        _ => Err(ApiError::precondition_failed(format!(
            "The customer '{company}' is not an esigning customer!"
        ))),
    }
}

fn definition_json(definition: &DocumentDefinition, position: usize) -> Value {
    json!({
        "optional": definition.optional,
        "name": definition.name,
        "identifier": definition.identifier,
        "mimeType": definition.mime_type,
        "sortOrder": position + 1,
        "viewPolicy": definition.view_policy,
    })
}

fn no_definition() -> ApiError {
    ApiError::not_found("identifier").with_message("no matching documentDefinition found")
}

/// Where the definition `identifier` (exact spelling) stands in the company's list; 404 when
/// there is none.
fn definition_index(company: &Company, identifier: &str) -> Result<usize, ApiError> {
    find_definition(&company.definitions, identifier).map(|(i, _)| i)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !text.starts_with(['_', '-'])
        && !text.ends_with(['_', '-'])
}

fn is_plain_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ')
}

/// Reads a definition body; `identifier_from_path` is the URL's identifier on update.
fn parse_definition(
    body: &[u8],
    identifier_from_path: Option<&str>,
) -> Result<(DocumentDefinition, Option<usize>), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::unparseable_json(format!("Could not parse the JSON body: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ApiError::unparseable_json("The body must be a JSON object"));
    };
    for key in object.keys() {
        if ![
            "name",
            "identifier",
            "optional",
            "mimeType",
            "sortOrder",
            "viewPolicy",
        ]
        .contains(&key.as_str())
        {
            return Err(ApiError::unrecognized_field(key));
        }
    }
    let text = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_string);
    let name = text("name").ok_or_else(|| ApiError::bad_request("name", "'name' is required"))?;
    if !is_plain_name(&name) {
        return Err(ApiError::bad_request(
            "name",
            "'name' allows a-z, A-Z, 0-9, '-', '_' and spaces only (no accents)",
        ));
    }
    let identifier = match (text("identifier"), identifier_from_path) {
        (Some(i), _) => i,
        (None, Some(p)) => p.to_string(),
        (None, None) => {
            return Err(ApiError::bad_request(
                "identifier",
                "'identifier' is required",
            ))
        }
    };
    if !is_identifier(&identifier) {
        return Err(ApiError::bad_request(
            "identifier",
            "'identifier' must be word characters separated by '_' or '-' (no accents)",
        ));
    }
    let mime_type = text("mimeType")
        .ok_or_else(|| ApiError::bad_request("mimeType", "'mimeType' is required"))?;
    if mime_type != "application/pdf" {
        return Err(ApiError::bad_request(
            "mimeType",
            "The only supported mimeType is application/pdf",
        ));
    }
    let optional = match object.get("optional") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        Some(_) => return Err(ApiError::bad_request("optional", "'optional' is a boolean")),
    };
    let view_policy = match text("viewPolicy") {
        None => "DEFAULT".to_string(),
        Some(p) if p == "DEFAULT" || p == "SCROLL" => p,
        Some(_) => {
            return Err(ApiError::bad_request(
                "viewPolicy",
                "'viewPolicy' is DEFAULT or SCROLL",
            ))
        }
    };
    let sort_order = match object.get("sortOrder") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| ApiError::bad_request("sortOrder", "'sortOrder' is a number"))?
                as usize,
        ),
    };
    Ok((
        DocumentDefinition {
            identifier,
            name,
            optional,
            mime_type,
            view_policy,
        },
        sort_order,
    ))
}

/// Inserts `definition` before 1-based position `sort_order` (0 or none: at the end).
fn place(
    definitions: &mut Vec<DocumentDefinition>,
    definition: DocumentDefinition,
    sort_order: Option<usize>,
) {
    match sort_order {
        Some(n) if n >= 1 && n <= definitions.len() => definitions.insert(n - 1, definition),
        _ => definitions.push(definition),
    }
}

/// `POST /api/v1/{company}/documentdefinitions` -> 201 empty.
pub(crate) async fn create_definition(call: ApiCall, body: Bytes) -> ApiResult {
    in_esign_company(&call, |c| {
        let (definition, sort_order) = parse_definition(&body, None)?;
        if c.definitions
            .iter()
            .any(|d| d.identifier.eq_ignore_ascii_case(&definition.identifier))
        {
            return Err(ApiError::bad_request(
                "identifier",
                format!(
                    "A documentDefinition '{}' exists already",
                    definition.identifier
                ),
            ));
        }
        place(&mut c.definitions, definition, sort_order);
        Ok(StatusCode::CREATED.into_response())
    })
}

/// `POST /api/v1/{company}/documentdefinitions/{identifier}` -> 200 empty, 404 unknown.
pub(crate) async fn update_definition(call: ApiCall, body: Bytes) -> ApiResult {
    in_esign_company(&call, |c| {
        let identifier = &call.definition;
        let index = definition_index(c, identifier)?;
        let (mut definition, sort_order) = parse_definition(&body, Some(identifier))?;
        // The identifier is the URL's; a different one in the body does not rename it.
        definition.identifier.clone_from(identifier);
        c.definitions.remove(index);
        let sort_order = sort_order.or(Some(index + 1)).filter(|n| *n >= 1);
        place(&mut c.definitions, definition, sort_order);
        Ok(StatusCode::OK.into_response())
    })
}

/// `DELETE /api/v1/{company}/documentdefinitions/{identifier}` -> 200 empty, 404 unknown.
pub(crate) async fn delete_definition(call: ApiCall) -> ApiResult {
    in_esign_company(&call, |c| {
        let index = definition_index(c, &call.definition)?;
        c.definitions.remove(index);
        Ok(StatusCode::OK.into_response())
    })
}

/// `GET /api/v1/{company}/documentdefinitions` -> array in sortOrder.
pub(crate) async fn list_definitions(call: ApiCall) -> ApiResult {
    in_esign_company(&call, |c| {
        let list: Vec<Value> = c
            .definitions
            .iter()
            .enumerate()
            .map(|(i, d)| definition_json(d, i))
            .collect();
        Ok(json_response(StatusCode::OK, &Value::Array(list)))
    })
}

/// `GET /api/v1/{company}/documentdefinitions/{identifier}`.
pub(crate) async fn get_definition(call: ApiCall) -> ApiResult {
    in_esign_company(&call, |c| {
        let (i, d) = find_definition(&c.definitions, &call.definition)?;
        Ok(json_response(StatusCode::OK, &definition_json(d, i)))
    })
}

/// Authorizes the call, then runs `f` on its eSign company with the store locked.
fn in_esign_company(call: &ApiCall, f: impl FnOnce(&mut Company) -> ApiResult) -> ApiResult {
    call.authorize()?;
    let mut store = call.shared.store();
    f(esign_company(&mut store, &call.company)?)
}

/// Authorizes the call for its ident, then runs `f` on the company's document definitions and
/// the ident ([`esign_ident`]) with the store locked.
fn in_esign_ident(
    call: &ApiCall,
    f: impl FnOnce(&[DocumentDefinition], &mut Ident) -> ApiResult,
) -> ApiResult {
    call.authorize_ident()?;
    let mut store = call.shared.store();
    let (definitions, ident) = esign_ident(&mut store, &call.company, &call.txn)?;
    f(&definitions, ident)
}

/// The definition `identifier` (exact spelling) and its position; 404 when there is none.
fn find_definition<'a>(
    definitions: &'a [DocumentDefinition],
    identifier: &str,
) -> Result<(usize, &'a DocumentDefinition), ApiError> {
    definitions
        .iter()
        .enumerate()
        .find(|(_, d)| d.identifier == identifier)
        .ok_or_else(no_definition)
}

/// Company (eSign, with at least one definition) and the ident, or the documented errors.
fn esign_ident<'a>(
    store: &'a mut Store,
    company: &str,
    txn: &str,
) -> Result<(Vec<DocumentDefinition>, &'a mut Ident), ApiError> {
    let c = esign_company(store, company)?;
    if c.definitions.is_empty() {
        return Err(ApiError::precondition_failed(format!(
            "No document definition exists for '{company}'"
        )));
    }
    let definitions = c.definitions.clone();
    let ident = c.idents.get_mut(&txn.to_ascii_lowercase()).ok_or_else(|| {
        ApiError::not_found("No identification request found matching the provided parameters")
    })?;
    Ok((definitions, ident))
}

fn display_hash(hash: &str) -> String {
    let h = &hash[..12.min(hash.len())];
    format!(
        "{}-{}-{}",
        &h[..4.min(h.len())],
        &h[4.min(h.len())..8.min(h.len())],
        &h[8.min(h.len())..]
    )
}

fn document_json(ident: &Ident, definition: &DocumentDefinition, position: usize) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("name".into(), json!(definition.name));
    match ident.documents.get(&definition.identifier) {
        Some(upload) => {
            doc.insert("hash".into(), json!(upload.sha256_hex));
            doc.insert(
                "displayHash".into(),
                json!(display_hash(&upload.sha256_hex)),
            );
            let status = if ident.documents_signed {
                "SIGNED"
            } else {
                "UPLOADED"
            };
            doc.insert("status".into(), json!(status));
        }
        None => {
            doc.insert("status".into(), json!("NEED_UPLOAD"));
        }
    }
    doc.insert(
        "documentDefinition".into(),
        definition_json(definition, position),
    );
    Value::Object(doc)
}

/// `POST /api/v1/{company}/identifications/{txn}/documents/{identifier}/data` (application/pdf).
pub(crate) async fn upload(call: ApiCall, body: Bytes) -> ApiResult {
    call.authorize_ident()?;
    let content_type = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/pdf")
    {
        return Err(ApiError::bad_request(
            "Content-Type",
            "Documents are uploaded as application/pdf",
        ));
    }
    if !body.starts_with(b"%PDF-") {
        return Err(ApiError::bad_request(
            "document",
            "The document is not a PDF",
        ));
    }
    let identifier = call.definition;
    let mut store = call.shared.store();
    let (definitions, ident) = esign_ident(&mut store, &call.company, &call.txn)?;
    if !definitions.iter().any(|d| d.identifier == identifier) {
        return Err(ApiError::precondition_failed(format!(
            "No document definition '{identifier}' exists"
        )));
    }
    if ident.status.is_finished() {
        return Err(ApiError::existing_identification());
    }
    if !ident.status.user_may_start() {
        return Err(ApiError::bad_request(
            "document",
            "Documents must be uploaded before the user starts the identification",
        ));
    }
    let others: Vec<&UploadedDocument> = ident
        .documents
        .iter()
        .filter(|(k, _)| **k != identifier)
        .map(|(_, d)| d)
        .collect();
    if others.len() + 1 > MAX_DOCUMENTS {
        return Err(ApiError::bad_request(
            "document",
            format!("At most {MAX_DOCUMENTS} documents per ident"),
        ));
    }
    let total: usize = others.iter().map(|d| d.bytes.len()).sum::<usize>() + body.len();
    if total > MAX_TOTAL_BYTES {
        return Err(ApiError::bad_request(
            "document",
            "All documents of an ident together may not exceed 50 MB",
        ));
    }
    let sha256_hex = result_files::sha256_hex(&body);
    ident.documents.insert(
        identifier,
        UploadedDocument {
            bytes: body,
            sha256_hex,
        },
    );
    ident.version += 1;
    Ok(StatusCode::OK.into_response())
}

/// `GET /api/v1/{company}/identifications/{txn}/documents`.
pub(crate) async fn list_documents(call: ApiCall) -> ApiResult {
    in_esign_ident(&call, |definitions, ident| {
        let list: Vec<Value> = definitions
            .iter()
            .enumerate()
            .map(|(i, d)| document_json(ident, d, i))
            .collect();
        Ok(json_response(StatusCode::OK, &Value::Array(list)))
    })
}

/// `GET /api/v1/{company}/identifications/{txn}/documents/{identifier}`.
pub(crate) async fn get_document(call: ApiCall) -> ApiResult {
    in_esign_ident(&call, |definitions, ident| {
        let (i, d) = find_definition(definitions, &call.definition)?;
        Ok(json_response(StatusCode::OK, &document_json(ident, d, i)))
    })
}

/// The signed version of an uploaded document (a small PDF naming the original's hash).
pub(crate) fn signed_pdf(ident: &Ident, identifier: &str) -> Vec<u8> {
    let hash = ident
        .documents
        .get(identifier)
        .map(|d| d.sha256_hex.clone())
        .unwrap_or_default();
    result_files::pdf(
        "Qualified electronic signature (sandbox)",
        &[
            format!("Document: {identifier}"),
            format!("SHA-256 of the original: {hash}"),
            format!("IdentID: {}", ident.ident_id),
            "Signed by the kyc-sandbox trust service simulator; not a real signature.".into(),
        ],
    )
}

/// `GET /api/v1/{company}/identifications/{txn}/documents/{identifier}/signed`.
pub(crate) async fn signed_document(call: ApiCall) -> ApiResult {
    in_esign_ident(&call, |definitions, ident| {
        let identifier = &call.definition;
        if !definitions.iter().any(|d| &d.identifier == identifier) {
            return Err(ApiError::not_found("identifier")
                .with_message("Unable to find document definition"));
        }
        if !ident.documents_signed || !ident.documents.contains_key(identifier) {
            return Err(ApiError::bad_request(
                "document",
                "Document has not yet been signed",
            ));
        }
        Ok(result_files::file_response(
            "application/pdf",
            signed_pdf(ident, identifier),
        ))
    })
}
