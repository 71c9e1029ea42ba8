//! IDnow sandbox: QES/eSign document definitions, uploads, document views and the signed
//! document, with the documented 400/404/412 answers.

use crate::support::idnow::*;
use crate::support::with_fields;
use kyc_sandbox::idnow::{DEFAULT_COMPANY, SECOND_API_KEY, SECOND_COMPANY};
use serde_json::{json, Value};

const CONTRACT: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A document definition of a required PDF, as `POST .../documentdefinitions` takes it.
fn pdf_definition(name: &str, identifier: &str) -> Value {
    json!({"name": name, "identifier": identifier, "optional": false, "mimeType": "application/pdf"})
}

/// Defines a required PDF document for the default company.
async fn define_pdf(env: &Env, token: &str, name: &str, identifier: &str) -> reqwest::Response {
    let definition = pdf_definition(name, identifier);
    env.post(token, "/documentdefinitions", Some(definition))
        .await
}

/// Creates ident `txn` with a first and a last name that QES accepts (A-Z, a-z and '-' only).
async fn create_signable(env: &Env, token: &str, txn: &str) {
    let names = json!({"firstname": "Erika", "lastname": "Mustermann"});
    env.create_ok(token, txn, names).await;
}

async fn upload(
    env: &Env,
    token: &str,
    txn: &str,
    definition: &str,
    content_type: &str,
) -> reqwest::Response {
    env.http
        .post(format!(
            "{}/identifications/{txn}/documents/{definition}/data",
            env.api(DEFAULT_COMPANY)
        ))
        .header("X-API-LOGIN-TOKEN", token)
        .header("Content-Type", content_type)
        .body(CONTRACT)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_company_without_esigning_gets_412() {
    let env = start(1.0).await;
    let token = env.login_as(SECOND_COMPANY, SECOND_API_KEY).await;
    let definition = Some(pdf_definition("doc", "doc"));
    let response = env
        .post_as(SECOND_COMPANY, &token, "/documentdefinitions", definition)
        .await;
    let error = expect_error(response, 412, "PRECONDITION_FAILED").await;
    assert_eq!(
        error["message"],
        format!("The customer '{SECOND_COMPANY}' is not an esigning customer!")
    );
}

#[tokio::test]
async fn document_definitions_crud() {
    let (env, token) = start_logged_in().await;
    let response = define_pdf(&env, &token, "Doc", "doc").await;
    assert_eq!(response.status(), 201);
    assert!(response.bytes().await.unwrap().is_empty());
    define_pdf(&env, &token, "AGB eSign", "gtu").await;
    let bad = define_pdf(&env, &token, "x", "bäd").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(first_error(bad).await["key"], "identifier");
    let png = with_fields(pdf_definition("x", "x"), json!({"mimeType": "image/png"}));
    let bad = env.post(&token, "/documentdefinitions", Some(png)).await;
    assert_eq!(first_error(bad).await["key"], "mimeType");
    let list: Value = env.get_json(&token, "/documentdefinitions").await;
    assert_eq!(
        list,
        json!([
            {"optional": false, "name": "Doc", "identifier": "doc", "mimeType": "application/pdf", "sortOrder": 1, "viewPolicy": "DEFAULT"},
            {"optional": false, "name": "AGB eSign", "identifier": "gtu", "mimeType": "application/pdf", "sortOrder": 2, "viewPolicy": "DEFAULT"}
        ])
    );
    let update = with_fields(pdf_definition("Contract2", "gtu"), json!({"sortOrder": 1}));
    let response = env
        .post(&token, "/documentdefinitions/gtu", Some(update))
        .await;
    assert_eq!(response.status(), 200);
    let single: Value = env.get_json(&token, "/documentdefinitions/gtu").await;
    assert_eq!(single["name"], "Contract2");
    assert_eq!(single["sortOrder"], 1);
    let missing = env.get(&token, "/documentdefinitions/nope").await;
    assert_eq!(missing.status(), 404);
    let error = first_error(missing).await;
    assert_eq!(error["key"], "identifier");
    assert_eq!(error["message"], "no matching documentDefinition found");
    let response = env.delete(&token, "/documentdefinitions/gtu").await;
    assert_eq!(response.status(), 200);
    let response = env.delete(&token, "/documentdefinitions/gtu").await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn upload_needs_a_definition_and_a_pdf() {
    let (env, token) = start_logged_in().await;
    create_signable(&env, &token, "sign-0").await;
    let response = upload(&env, &token, "sign-0", "doc", "application/pdf").await;
    assert_eq!(response.status(), 412, "no document definition exists");
    assert_eq!(first_error(response).await["cause"], "PRECONDITION_FAILED");
    define_pdf(&env, &token, "Doc", "doc").await;
    let response = upload(&env, &token, "sign-0", "doc", "application/octet-stream").await;
    assert_eq!(response.status(), 400);
    let response = upload(&env, &token, "sign-0", "other", "application/pdf").await;
    assert_eq!(response.status(), 412);
    let response = upload(&env, &token, "sign-0", "doc", "application/pdf").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn documents_are_listed_with_hash_then_signed_on_success() {
    let (env, token) = start_logged_in().await;
    for (name, id) in [("Doc", "doc"), ("Contract2", "contract2")] {
        define_pdf(&env, &token, name, id).await;
    }
    create_signable(&env, &token, "sign-1").await;
    // QES: names only A-Z, a-z and '-'.
    let response = env
        .create(&token, "sign-bad", json!({"firstname": "Érika"}))
        .await;
    assert_eq!(response.status(), 400);
    let response = upload(&env, &token, "sign-1", "doc", "application/pdf").await;
    assert_eq!(response.status(), 200);
    let docs: Value = env
        .get_json(&token, "/identifications/sign-1/documents")
        .await;
    let hash = openssl::sha::sha256(CONTRACT)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    assert_eq!(docs[0]["name"], "Doc");
    assert_eq!(docs[0]["hash"], hash.as_str());
    assert_eq!(
        docs[0]["displayHash"],
        format!("{}-{}-{}", &hash[..4], &hash[4..8], &hash[8..12])
    );
    assert_eq!(docs[0]["status"], "UPLOADED");
    assert_eq!(docs[0]["documentDefinition"]["identifier"], "doc");
    assert_eq!(docs[1]["status"], "NEED_UPLOAD");
    assert!(docs[1].get("hash").is_none());
    let not_yet = env
        .get(&token, "/identifications/sign-1/documents/doc/signed")
        .await;
    assert_eq!(not_yet.status(), 400);
    let error = first_error(not_yet).await;
    assert_eq!(error["key"], "document");
    assert_eq!(error["message"], "Document has not yet been signed");
    let unknown = env
        .get(&token, "/identifications/sign-1/documents/nope/signed")
        .await;
    assert_eq!(unknown.status(), 404);
    env.play_result("sign-1", "SUCCESS").await;
    let doc: Value = env
        .get_json(&token, "/identifications/sign-1/documents/doc")
        .await;
    assert_eq!(doc["status"], "SIGNED");
    let signed = env
        .get(&token, "/identifications/sign-1/documents/doc/signed")
        .await;
    assert_eq!(signed.status(), 200);
    assert_eq!(signed.headers()["content-type"], "application/pdf");
    assert!(signed.bytes().await.unwrap().starts_with(b"%PDF-"));
    let ident: Value = env.get_json(&token, "/identifications/sign-1").await;
    assert_eq!(
        ident["attachments"]["contract-doc"],
        "sign-1_doc_original.pdf"
    );
    assert_eq!(
        ident["attachments"]["signedcontract-doc"],
        "sign-1_doc_signed.pdf"
    );
    assert_eq!(ident["esigning"]["result"], "SUCCESS");
}

#[tokio::test]
async fn qes_idents_need_first_and_last_name() {
    let (env, token) = start_logged_in().await;
    define_pdf(&env, &token, "Doc", "doc").await;
    let response = env
        .create(&token, "qes-1", json!({"firstname": "Erika"}))
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(first_error(response).await["key"], "lastname");
    let response = env
        .create(
            &token,
            "qes-1",
            json!({"firstname": "Erika", "lastname": "Muster-Frau"}),
        )
        .await;
    assert_eq!(response.status(), 201);
}
