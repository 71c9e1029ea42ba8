//! Result files: the PDF, the XML (raw or parsed), and the ZIP — in memory, or streamed to a
//! file for large archives with video.

use super::call::{body_broke_off, Request};
use super::validate::validate_transaction_number;
use super::Client;
use crate::error::IdnowError;
use crate::wire::Ident;
use bytes::Bytes;
use kyc_core::{Error, ErrorKind, Provider, Result};
use std::path::Path;
use tokio::io::AsyncWriteExt;

impl Client {
    async fn download(&self, operation: &'static str, file: String) -> Result<Bytes> {
        let url = self.api_url(&["identifications", &file]);
        Ok(self.call(Request::get(operation, url)).await?.body)
    }

    /// `GET /identifications/{txn}.pdf`: the result PDF.
    pub async fn download_pdf(&self, txn: &str) -> Result<Bytes> {
        validate_transaction_number("transaction_number", txn)?;
        self.download("download result PDF", format!("{txn}.pdf"))
            .await
    }

    /// `GET /identifications/{txn}.xml`: the XML result file.
    pub async fn download_xml(&self, txn: &str) -> Result<Bytes> {
        validate_transaction_number("transaction_number", txn)?;
        self.download("download result XML", format!("{txn}.xml"))
            .await
    }

    /// `GET /identifications/{txn}.xml`, parsed into the ident types.
    pub async fn get_xml_result(&self, txn: &str) -> Result<Ident> {
        let bytes = self.download_xml(txn).await?;
        crate::xml::parse_xml_result(&bytes).map_err(|e| {
            IdnowError::Malformed {
                operation: "download result XML",
                status: 200,
                reason: e.to_string(),
                body: bytes.clone(),
            }
            .into()
        })
    }

    /// `GET /identifications/{txn}.zip`: the result ZIP in memory.
    pub async fn download_zip(&self, txn: &str) -> Result<Bytes> {
        validate_transaction_number("transaction_number", txn)?;
        self.download("download result ZIP", format!("{txn}.zip"))
            .await
    }

    /// `GET /identifications/{txn}.zip` streamed to `path` (for large archives with video; the
    /// whole-request timeout is [`LONG_DOWNLOAD_TIMEOUT`](crate::client::LONG_DOWNLOAD_TIMEOUT) instead of
    /// `HttpOptions::request_timeout`). Returns the number of bytes written. A partial file is
    /// removed on failure.
    ///
    /// The request is retried until IDnow's answer starts; a body that breaks off later is not
    /// retried (the error says so, with [`kyc_core::FailureStage::Response`]).
    pub async fn download_zip_to(&self, txn: &str, path: &Path) -> Result<u64> {
        validate_transaction_number("transaction_number", txn)?;
        let file = format!("{txn}.zip");
        let mut request = Request::get(
            "download result ZIP",
            self.api_url(&["identifications", &file]),
        );
        request.long_download = true;
        let mut response = self.call_streaming(&request).await?;
        let mut out = tokio::fs::File::create(path).await.map_err(write_failed)?;
        let mut written = 0u64;
        let copied: Result<()> = async {
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| Error::from(body_broke_off(&request, e)))?
            {
                out.write_all(&chunk).await.map_err(write_failed)?;
                written += chunk.len() as u64;
            }
            out.flush().await.map_err(write_failed)
        }
        .await;
        if let Err(e) = copied {
            drop(out);
            let _ = tokio::fs::remove_file(path).await;
            return Err(e);
        }
        Ok(written)
    }
}

/// The error for a result ZIP that could not be written where the caller asked.
fn write_failed(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Configuration,
        format!("cannot write the result ZIP: {e}"),
    )
    .with_provider(Provider::Idnow)
}
