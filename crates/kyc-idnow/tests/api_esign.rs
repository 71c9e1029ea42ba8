//! QES/eSign against the sandbox: document definitions (create, update, get, list, delete, 412
//! for a company without eSign), uploads with the PDF/25-documents/50-MB checks made before
//! sending, the ident's documents, and the signed document (400 before signing).

use crate::common;

use bytes::Bytes;
use kyc_core::ErrorKind;
use kyc_idnow::wire::{CreateIdentRequest, DocumentDefinition, SigningDocumentStatus};
use kyc_idnow::{Client, IdnowConfig};
use kyc_sandbox::idnow::{Outcome, SECOND_API_KEY, SECOND_COMPANY};

fn pdf(text: &str) -> Bytes {
    Bytes::from(format!("%PDF-1.4\n% {text}\n%%EOF\n"))
}

fn qes_request() -> CreateIdentRequest {
    common::fixture_json("create_ident_request_qes_namirial.json")
}

#[tokio::test]
async fn document_definitions_crud() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    let def: DocumentDefinition = common::fixture_json("document_definition_create_request.json");
    client.create_document_definition(&def).await.unwrap();
    let got = client.get_document_definition("doc").await.unwrap();
    assert_eq!(got.name.as_deref(), Some("user_contract_doc"));
    let mut update = DocumentDefinition::pdf("doc", "Contract2");
    update.sort_order = Some(1);
    client
        .update_document_definition("doc", &update)
        .await
        .unwrap();
    let list = client.list_document_definitions().await.unwrap();
    assert!(list
        .iter()
        .any(|d| d.identifier.as_deref() == Some("doc") && d.name.as_deref() == Some("Contract2")));
    client.delete_document_definition("doc").await.unwrap();
    let e = client.get_document_definition("doc").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(
        e.provider_detail().unwrap().key.as_deref(),
        Some("identifier")
    );
    assert_eq!(
        client
            .delete_document_definition("doc")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        client
            .update_document_definition("doc", &update)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn bad_definitions_are_refused_before_sending() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    for (def, field) in [
        (DocumentDefinition::pdf("dokümént", "x"), "identifier"),
        (DocumentDefinition::pdf("_doc", "x"), "identifier"),
        (DocumentDefinition::pdf("doc", "Vertrag für Sie"), "name"),
        (
            DocumentDefinition {
                optional: Some(true),
                ..DocumentDefinition::pdf("doc", "x")
            },
            "optional",
        ),
        (
            DocumentDefinition {
                mime_type: Some("image/png".into()),
                ..DocumentDefinition::pdf("doc", "x")
            },
            "mimeType",
        ),
    ] {
        let e = client.create_document_definition(&def).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.violations()[0].field, field);
    }
    assert_eq!(sb.idnow().login_count(), 0);
}

#[tokio::test]
async fn a_company_without_esign_gets_412() {
    let sb = common::sandbox(1.0).await;
    let config = IdnowConfig::new(
        sb.idnow().base_url().clone(),
        SECOND_COMPANY,
        SECOND_API_KEY,
    );
    let client = Client::new(config).unwrap();
    let e = client
        .create_document_definition(&DocumentDefinition::pdf("doc", "Doc"))
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(412));
    assert_eq!(e.cause_code(), Some("PRECONDITION_FAILED"));
    assert_eq!(e.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn upload_list_and_download_signed() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    client
        .create_document_definition(&DocumentDefinition::pdf("doc", "Doc"))
        .await
        .unwrap();
    client
        .create_document_definition(&DocumentDefinition::pdf("gtu", "AGB eSign"))
        .await
        .unwrap();
    let txn = common::txn("qes");
    client.create_ident(&txn, &qes_request()).await.unwrap();
    // Without a definition: 412.
    let e = client
        .upload_document(&txn, "nodef", pdf("x"))
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(412));
    // Not a PDF: refused before sending.
    let e = client
        .upload_document(&txn, "doc", Bytes::from_static(b"hello"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.http_status().is_none());
    client
        .upload_document(&txn, "doc", pdf("contract"))
        .await
        .unwrap();
    let docs = client.list_documents(&txn).await.unwrap();
    let doc = docs
        .iter()
        .find(|d| {
            d.document_definition
                .as_ref()
                .and_then(|d| d.identifier.as_deref())
                == Some("doc")
        })
        .unwrap();
    assert_eq!(doc.status, Some(SigningDocumentStatus::Uploaded));
    let hash = doc.hash.clone().unwrap();
    assert_eq!(hash.len(), 64);
    let display = doc.display_hash.clone().unwrap();
    assert_eq!(
        display,
        format!("{}-{}-{}", &hash[0..4], &hash[4..8], &hash[8..12])
    );
    let gtu = client.get_document(&txn, "gtu").await.unwrap();
    assert_eq!(gtu.status, Some(SigningDocumentStatus::NeedUpload));
    let e = client
        .download_signed_document(&txn, "doc")
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(
        e.provider_detail().unwrap().message.as_deref(),
        Some("Document has not yet been signed")
    );
    let e = client
        .download_signed_document(&txn, "unknown")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    common::start_and_finish(&sb, &txn, &Outcome::new("SUCCESS", None));
    let signed = client.download_signed_document(&txn, "doc").await.unwrap();
    assert!(signed.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn more_than_25_documents_or_50_mb_are_refused_before_sending() {
    let (_sb, client, txn) = common::sandbox_with_ident("limits", &qes_request()).await;
    let names: Vec<String> = (0..26).map(|i| format!("doc{i}")).collect();
    let docs: Vec<(&str, Bytes)> = names.iter().map(|n| (n.as_str(), pdf(n))).collect();
    let e = client.upload_documents(&txn, &docs).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.http_status().is_none());

    for n in &names[..25] {
        client
            .create_document_definition(&DocumentDefinition::pdf(n.as_str(), n.as_str()))
            .await
            .unwrap();
        client.upload_document(&txn, n, pdf(n)).await.unwrap();
    }
    client
        .create_document_definition(&DocumentDefinition::pdf("doc25", "doc25"))
        .await
        .unwrap();
    let e = client
        .upload_document(&txn, "doc25", pdf("one too many"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.http_status().is_none(),
        "refused by the adapter, not by IDnow: {e}"
    );
    // Re-uploading an existing definition replaces it and stays within the limit.
    client
        .upload_document(&txn, "doc0", pdf("replacement"))
        .await
        .unwrap();

    let txn2 = common::txn("bytes");
    client.create_ident(&txn2, &qes_request()).await.unwrap();
    let mut big = vec![b' '; 26 * 1024 * 1024];
    big[..5].copy_from_slice(b"%PDF-");
    let big = Bytes::from(big);
    let e = client
        .upload_documents(&txn2, &[("doc0", big.clone()), ("doc1", big.clone())])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    client
        .upload_document(&txn2, "doc0", big.clone())
        .await
        .unwrap();
    let e = client
        .upload_document(&txn2, "doc1", big)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.http_status().is_none());
}
