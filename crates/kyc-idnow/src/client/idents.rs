//! Idents: create, read (by transaction number or IdentID), list, delete, archive, copy, and the
//! binding key; and how an ident body is parsed, wherever it came from.

use super::call::{Payload, Request};
use super::validate::{
    validate_create_request, validate_ident_id, validate_transaction_number, violation,
};
use super::Client;
use crate::error::IdnowError;
use crate::wire::{BindingKeyResponse, CopyIdentRequest, CreateIdentRequest, CreateIdentResponse};
use crate::wire::{Ident, IdentList};
use bytes::Bytes;
use kyc_core::{Error, FailureStage, Result, Secret};
use kyc_http::Idempotency;
use reqwest::Method;
use std::fmt;

/// Which idents `GET /identifications` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentListFilter {
    /// `successful=true`: finished idents (`SUCCESS`, `SUCCESS_DATA_CHANGED`,
    /// `FRAUD_SUSPICION_CONFIRMED`). IDnow's default without a parameter.
    Successful,
    /// `pending=true`: idents awaiting review.
    Pending,
    /// `aborted=true`.
    Aborted,
    /// `canceled=true`.
    Canceled,
}

impl IdentListFilter {
    /// All filters.
    pub const ALL: [IdentListFilter; 4] = [
        IdentListFilter::Successful,
        IdentListFilter::Pending,
        IdentListFilter::Aborted,
        IdentListFilter::Canceled,
    ];

    fn query(self) -> &'static str {
        match self {
            IdentListFilter::Successful => "successful",
            IdentListFilter::Pending => "pending",
            IdentListFilter::Aborted => "aborted",
            IdentListFilter::Canceled => "canceled",
        }
    }
}

/// What a create call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// `201`: a new ident with this IdentID.
    Created {
        /// The IdentID.
        ident_id: String,
    },
    /// `200`: an unfinished ident with this transaction number was updated.
    Updated {
        /// The IdentID, when the answer carried it.
        ident_id: Option<String>,
    },
}

impl CreateOutcome {
    /// The IdentID, when known.
    pub fn ident_id(&self) -> Option<&str> {
        match self {
            CreateOutcome::Created { ident_id } => Some(ident_id),
            CreateOutcome::Updated { ident_id } => ident_id.as_deref(),
        }
    }
}

/// An ident as parsed plus the JSON exactly as IDnow sent it.
///
/// `Debug` shows the ident (whose own `Debug` prints no personal data) and only the size of
/// the raw JSON, which is full of personal data.
#[derive(Clone)]
pub struct FetchedIdent {
    /// The parsed ident.
    pub ident: Ident,
    /// The JSON as received (personal data: do not log).
    pub raw: serde_json::Value,
}

impl fmt::Debug for FetchedIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = self.raw.as_object().map_or(0, |o| o.len());
        f.debug_struct("FetchedIdent")
            .field("ident", &self.ident)
            .field(
                "raw",
                &format_args!("JSON with {fields} top-level fields, redacted"),
            )
            .finish()
    }
}

/// The operation name of a create, in errors, spans and metrics.
const CREATE_IDENT: &str = "create ident";

/// What a create error that may have reached IDnow leaves the caller to do.
const CREATE_MAY_HAVE_HAPPENED: &str = "the ident may or may not have been created; creating it \
     again with the same reference is safe (IDnow updates an unfinished ident), and get_case \
     with the reference tells";

impl Client {
    /// `POST /identifications/{txn}/start`: creates an ident (201) or updates an unfinished one
    /// (200). A finished ident answers 409 `EXISTING_IDENTIFICATION` ([`kyc_core::ErrorKind::Conflict`]).
    /// Safe to retry: the transaction number makes it idempotent.
    pub async fn create_ident(
        &self,
        txn: &str,
        request: &CreateIdentRequest,
    ) -> Result<CreateOutcome> {
        validate_transaction_number("transaction_number", txn)?;
        validate_create_request(request)?;
        let url = self.api_url(&["identifications", txn, "start"]);
        let reply = self
            .call(Request::new(
                CREATE_IDENT,
                Method::POST,
                url,
                Payload::json(request)?,
                Idempotency::Idempotent,
            ))
            .await
            .map_err(|e| {
                if e.stage().is_some_and(FailureStage::may_have_been_sent) {
                    e.with_hint(CREATE_MAY_HAVE_HAPPENED)
                } else {
                    e
                }
            })?;
        let status = reply.status.as_u16();
        let parsed: CreateIdentResponse = if reply.body.iter().all(u8::is_ascii_whitespace) {
            CreateIdentResponse::default()
        } else {
            Self::parse(CREATE_IDENT, status, &reply.body)?
        };
        match (status, parsed.id) {
            (201, Some(id)) => Ok(CreateOutcome::Created { ident_id: id }),
            (201, None) => Err(IdnowError::Malformed {
                operation: CREATE_IDENT,
                status,
                reason: "201 without the IdentID `id`".into(),
                body: reply.body,
            }
            .into()),
            (_, id) => Ok(CreateOutcome::Updated { ident_id: id }),
        }
    }

    /// `GET /identifications/{txn}`: the ident result. IDnow answers 404 `OBJECT_NOT_FOUND`
    /// while it has no data: before the user started and while the user is in the flow (see
    /// `docs/idnow.md`).
    pub async fn get_ident(&self, txn: &str) -> Result<FetchedIdent> {
        validate_transaction_number("transaction_number", txn)?;
        self.get_ident_at(txn).await
    }

    /// `GET /identifications/{IdentID}`: the same ident result, looked up by IdentID (the
    /// document's `identifications/{transactionNumber} OR {IdentID}`).
    pub async fn get_ident_by_id(&self, ident_id: &str) -> Result<FetchedIdent> {
        validate_ident_id("ident_id", ident_id)?;
        self.get_ident_at(ident_id).await
    }

    async fn get_ident_at(&self, txn_or_ident_id: &str) -> Result<FetchedIdent> {
        let url = self.api_url(&["identifications", txn_or_ident_id]);
        let reply = self.call(Request::get("get ident", url)).await?;
        parse_ident(
            BodySource::Answer {
                operation: "get ident",
                status: reply.status.as_u16(),
            },
            &reply.body,
            true,
        )
    }

    /// `GET /identifications?{filter}=true`: the idents in one state.
    pub async fn list_idents(&self, filter: IdentListFilter) -> Result<Vec<FetchedIdent>> {
        const OPERATION: &str = "list idents";
        let mut url = self.api_url(&["identifications"]);
        url.query_pairs_mut().append_pair(filter.query(), "true");
        let reply = self.call(Request::get(OPERATION, url)).await?;
        let status = reply.status.as_u16();
        let raw: serde_json::Value = Self::parse(OPERATION, status, &reply.body)?;
        let list: IdentList =
            serde_json::from_value(raw.clone()).map_err(|e| IdnowError::Malformed {
                operation: OPERATION,
                status,
                reason: e.classify_name().to_string(),
                body: reply.body.clone(),
            })?;
        let raws = raw
            .get("identifications")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        Ok(list
            .identifications
            .into_iter()
            .zip(
                raws.into_iter()
                    .chain(std::iter::repeat(serde_json::Value::Null)),
            )
            .map(|(ident, raw)| FetchedIdent { ident, raw })
            .collect())
    }

    /// `DELETE /identifications/{txn}`: deletes a finished ident (404 while unfinished). The
    /// transaction number can never be used again.
    pub async fn delete_ident(&self, txn: &str) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn]);
        self.send_once("delete ident", Method::DELETE, url, Payload::Empty)
            .await
    }

    /// `POST /identifications/{txn}/archive` (feature must be enabled for the account; fails
    /// when already archived or deleted).
    pub async fn archive_ident(&self, txn: &str) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn, "archive"]);
        self.send_once("archive ident", Method::POST, url, Payload::Empty)
            .await
    }

    /// `POST /identifications/{txn}/copy` to another account (403 without permission).
    pub async fn copy_ident(&self, txn: &str, request: &CopyIdentRequest) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        validate_transaction_number(
            "target_transactionnumber",
            &request.target_transactionnumber,
        )?;
        if request.target_companyid.trim().is_empty() {
            return Err(violation("target_companyid", "present"));
        }
        let url = self.api_url(&["identifications", txn, "copy"]);
        self.send_once("copy ident", Method::POST, url, Payload::json(request)?)
            .await
    }

    /// `GET /identifications/{txn}/bindingKey` (404 when the ident has none).
    pub async fn binding_key(&self, txn: &str) -> Result<Secret> {
        const OPERATION: &str = "get binding key";
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn, "bindingKey"]);
        let reply = self.call(Request::get(OPERATION, url)).await?;
        let parsed: BindingKeyResponse =
            Self::parse(OPERATION, reply.status.as_u16(), &reply.body)?;
        Ok(Secret::new(parsed.binding_key))
    }
}

/// Where an ident body came from: said in the error when it cannot be read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodySource {
    /// IDnow's answer to `operation`, with HTTP `status`.
    Answer {
        operation: &'static str,
        status: u16,
    },
    /// Input that did not come from an IDnow answer: a webhook body, a stored payload.
    Input(&'static str),
}

impl BodySource {
    fn unreadable(self, reason: String, body: Bytes) -> Error {
        match self {
            BodySource::Answer { operation, status } => IdnowError::Malformed {
                operation,
                status,
                reason,
                body,
            },
            BodySource::Input(what) => IdnowError::Unreadable { what, reason, body },
        }
        .into()
    }
}

/// Parses an ident body (a bare ident, or a list wrapper holding exactly one). With
/// `require_result`, a body without `identificationprocess.result` is an error (every answer of
/// `GET /identifications/{txn}` has one; a START webhook may not).
pub(crate) fn parse_ident(
    source: BodySource,
    bytes: &Bytes,
    require_result: bool,
) -> Result<FetchedIdent> {
    let malformed = |reason: String| -> Error { source.unreadable(reason, bytes.clone()) };
    let raw: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        malformed(format!(
            "{} at line {} column {}",
            e.classify_name(),
            e.line(),
            e.column()
        ))
    })?;
    let raw = match raw.get("identifications").and_then(|v| v.as_array()) {
        Some(list) if list.len() == 1 => list[0].clone(),
        Some(_) => return Err(malformed("a list where one ident was expected".into())),
        None => raw,
    };
    if !raw.is_object() {
        return Err(malformed("not a JSON object".into()));
    }
    let ident: Ident = serde_json::from_value(raw.clone())
        .map_err(|e| malformed(format!("{} (structure)", e.classify_name())))?;
    if require_result && ident.result().is_none() {
        return Err(malformed("no identificationprocess.result".into()));
    }
    Ok(FetchedIdent { ident, raw })
}

/// A few words for what kind of JSON problem a `serde_json` error is, quoting nothing from the
/// payload. (`kyc_core::wire::from_json_slice` describes problems in other words; the ident
/// answers keep these, which users and tests already match on.)
pub(crate) trait ClassifyName {
    /// The words.
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected JSON structure",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}
