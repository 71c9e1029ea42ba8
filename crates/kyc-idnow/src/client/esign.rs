//! QES / eSign: the account's document definitions, and the documents of an ident (upload a PDF
//! to be signed, read their state, download the signed PDF).

use super::call::Payload;
use super::validate::{
    validate_definition, validate_definition_identifier, validate_transaction_number, violation,
};
use super::Client;
use crate::wire::{DocumentDefinition, SigningDocument, SigningDocumentStatus};
use bytes::Bytes;
use kyc_core::Result;
use reqwest::Method;

/// At most this many documents may be uploaded for signing per ident.
pub const MAX_DOCUMENTS_PER_IDENT: usize = 25;
/// The uploaded documents of one ident may total at most this many bytes (50 MB).
pub const MAX_DOCUMENT_BYTES_PER_IDENT: u64 = 50 * 1024 * 1024;

/// How many uploads a client remembers the size of (IDnow's document list has no sizes, so the
/// 50 MB check adds up what this client sent). The oldest are forgotten first: a long-running
/// process stays bounded, and an ident whose uploads are that far back is checked by IDnow
/// alone.
pub(crate) const REMEMBERED_UPLOADS: usize = 4_096;

/// The sizes of the documents this client uploaded, per (transaction number, definition),
/// bounded to [`REMEMBERED_UPLOADS`] entries.
#[derive(Debug, Default)]
pub(crate) struct UploadedSizes {
    sizes: std::collections::HashMap<(String, String), u64>,
    order: std::collections::VecDeque<(String, String)>,
}

impl UploadedSizes {
    /// The bytes uploaded for `txn` under definitions other than `definition`.
    fn others(&self, txn: &str, definition: &str) -> u64 {
        self.sizes
            .iter()
            .filter(|((t, d), _)| t == txn && d != definition)
            .map(|(_, size)| *size)
            .sum()
    }

    /// Records an upload (a repeated one replaces the size), forgetting the oldest beyond the
    /// bound.
    fn record(&mut self, key: (String, String), size: u64) {
        if self.sizes.insert(key.clone(), size).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > REMEMBERED_UPLOADS {
            if let Some(oldest) = self.order.pop_front() {
                self.sizes.remove(&oldest);
            }
        }
    }
}

impl Client {
    /// `POST /documentdefinitions` (412 when the account is not an eSigning customer).
    pub async fn create_document_definition(&self, definition: &DocumentDefinition) -> Result<()> {
        let path = ["documentdefinitions"];
        self.post_definition("create document definition", &path, definition)
            .await
    }

    /// `POST /documentdefinitions/{identifier}`: updates a definition (404 when unknown).
    pub async fn update_document_definition(
        &self,
        identifier: &str,
        definition: &DocumentDefinition,
    ) -> Result<()> {
        validate_definition_identifier("identifier", identifier)?;
        let path = ["documentdefinitions", identifier];
        self.post_definition("update document definition", &path, definition)
            .await
    }

    /// Checks `definition` and POSTs it to `path` (the create and update calls).
    async fn post_definition(
        &self,
        operation: &'static str,
        path: &[&str],
        definition: &DocumentDefinition,
    ) -> Result<()> {
        validate_definition(definition)?;
        let url = self.api_url(path);
        let payload = Payload::json(definition)?;
        self.send_once(operation, Method::POST, url, payload).await
    }

    /// `DELETE /documentdefinitions/{identifier}` (404 when unknown).
    pub async fn delete_document_definition(&self, identifier: &str) -> Result<()> {
        validate_definition_identifier("identifier", identifier)?;
        let url = self.api_url(&["documentdefinitions", identifier]);
        self.send_once(
            "delete document definition",
            Method::DELETE,
            url,
            Payload::Empty,
        )
        .await
    }

    /// `GET /documentdefinitions`.
    pub async fn list_document_definitions(&self) -> Result<Vec<DocumentDefinition>> {
        let url = self.api_url(&["documentdefinitions"]);
        self.get_json("list document definitions", url).await
    }

    /// `GET /documentdefinitions/{identifier}` (404 when unknown).
    pub async fn get_document_definition(&self, identifier: &str) -> Result<DocumentDefinition> {
        validate_definition_identifier("identifier", identifier)?;
        let url = self.api_url(&["documentdefinitions", identifier]);
        self.get_json("get document definition", url).await
    }

    // ----------------------------------------------------------------------------------------
    // QES / eSign: documents of an ident
    // ----------------------------------------------------------------------------------------

    /// `POST /identifications/{txn}/documents/{definition}/data`: uploads a PDF to be signed.
    ///
    /// Checked before sending: the bytes are a PDF (`%PDF-`), the ident would hold at most
    /// [`MAX_DOCUMENTS_PER_IDENT`] documents (counted from IDnow's document list), and the
    /// documents this client uploaded for the ident, with this one, total at most
    /// [`MAX_DOCUMENT_BYTES_PER_IDENT`]. 412 when the definition does not exist.
    pub async fn upload_document(&self, txn: &str, definition: &str, pdf: Bytes) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        validate_definition_identifier("document_definition", definition)?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(violation(
                "document",
                "a PDF file (starting with %PDF-); IDnow signs PDF documents only",
            ));
        }
        let size = pdf.len() as u64;
        let key = (txn.to_ascii_lowercase(), definition.to_string());
        let others: u64 = self
            .uploaded
            .lock()
            .map(|m| m.others(&key.0, &key.1))
            .unwrap_or(0);
        if size + others > MAX_DOCUMENT_BYTES_PER_IDENT {
            return Err(violation(
                "document",
                format!(
                    "within 50 MB together with the other documents of the ident ({} bytes with this one)",
                    size + others
                ),
            ));
        }
        let existing = self.list_documents(txn).await?;
        let present = existing
            .iter()
            .filter(|d| {
                matches!(
                    d.status,
                    Some(SigningDocumentStatus::Uploaded) | Some(SigningDocumentStatus::Signed)
                ) && d
                    .document_definition
                    .as_ref()
                    .and_then(|dd| dd.identifier.as_deref())
                    != Some(definition)
            })
            .count();
        if present + 1 > MAX_DOCUMENTS_PER_IDENT {
            return Err(violation(
                "document",
                format!(
                    "within the limit of {MAX_DOCUMENTS_PER_IDENT} documents per ident \
                     ({present} already uploaded)"
                ),
            ));
        }
        let url = self.api_url(&["identifications", txn, "documents", definition, "data"]);
        self.send_once("upload document", Method::POST, url, Payload::Pdf(pdf))
            .await?;
        if let Ok(mut m) = self.uploaded.lock() {
            m.record(key, size);
        }
        Ok(())
    }

    /// Uploads several documents after checking them together (count and total size) so that
    /// nothing is sent when the set breaks a limit.
    pub async fn upload_documents(&self, txn: &str, documents: &[(&str, Bytes)]) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        if documents.len() > MAX_DOCUMENTS_PER_IDENT {
            return Err(violation(
                "documents",
                format!("at most {MAX_DOCUMENTS_PER_IDENT} documents (IDnow's limit per ident)"),
            ));
        }
        let total: u64 = documents.iter().map(|(_, b)| b.len() as u64).sum();
        if total > MAX_DOCUMENT_BYTES_PER_IDENT {
            return Err(violation(
                "documents",
                "at most 50 MB together (IDnow's limit per ident)",
            ));
        }
        for (i, (def, pdf)) in documents.iter().enumerate() {
            validate_definition_identifier(&format!("documents[{i}].definition"), def)?;
            if !pdf.starts_with(b"%PDF-") {
                return Err(violation(
                    &format!("documents[{i}]"),
                    "a PDF file (starting with %PDF-)",
                ));
            }
        }
        for (def, pdf) in documents {
            self.upload_document(txn, def, pdf.clone()).await?;
        }
        Ok(())
    }

    /// `GET /identifications/{txn}/documents`.
    pub async fn list_documents(&self, txn: &str) -> Result<Vec<SigningDocument>> {
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn, "documents"]);
        self.get_json("list documents", url).await
    }

    /// `GET /identifications/{txn}/documents/{definition}`.
    pub async fn get_document(&self, txn: &str, definition: &str) -> Result<SigningDocument> {
        validate_transaction_number("transaction_number", txn)?;
        validate_definition_identifier("document_definition", definition)?;
        let url = self.api_url(&["identifications", txn, "documents", definition]);
        self.get_json("get document", url).await
    }

    /// `GET /identifications/{txn}/documents/{definition}/signed`: the signed PDF (400
    /// `Document has not yet been signed`, 404 unknown definition).
    pub async fn download_signed_document(&self, txn: &str, definition: &str) -> Result<Bytes> {
        validate_transaction_number("transaction_number", txn)?;
        validate_definition_identifier("document_definition", definition)?;
        let url = self.api_url(&["identifications", txn, "documents", definition, "signed"]);
        self.get_bytes("download signed document", url).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_upload_sizes_add_up_per_ident_and_stay_bounded() {
        let mut sizes = UploadedSizes::default();
        sizes.record(("txn-1".into(), "a".into()), 10);
        sizes.record(("txn-1".into(), "b".into()), 20);
        sizes.record(("txn-2".into(), "a".into()), 40);
        assert_eq!(
            sizes.others("txn-1", "a"),
            20,
            "its own definition is replaced"
        );
        assert_eq!(sizes.others("txn-1", "c"), 30);
        sizes.record(("txn-1".into(), "b".into()), 5);
        assert_eq!(
            sizes.others("txn-1", "a"),
            5,
            "a repeated upload replaces the size"
        );
        for i in 0..REMEMBERED_UPLOADS {
            sizes.record((format!("later-{i}"), "a".into()), 1);
        }
        assert_eq!(sizes.sizes.len(), REMEMBERED_UPLOADS);
        assert_eq!(sizes.order.len(), REMEMBERED_UPLOADS);
        assert_eq!(sizes.others("txn-1", "c"), 0, "the oldest were forgotten");
    }
}
