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
use kyc_core::{Error, FailureStage, RawJson, Result, Secret};
use kyc_http::Idempotency;
use reqwest::Method;
use serde::Deserialize;
use std::fmt;
use std::sync::LazyLock;

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
    pub raw: RawJson,
}

impl fmt::Debug for FetchedIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchedIdent")
            .field("ident", &self.ident)
            .field("raw", &self.raw)
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
        let mut raw: serde_json::Value = Self::parse(OPERATION, status, &reply.body)?;
        let list = IdentList::deserialize(&raw).map_err(|e| IdnowError::Malformed {
            operation: OPERATION,
            status,
            reason: e.classify_name().to_string(),
            body: reply.body.clone(),
        })?;
        // The typed list is read; the raw entries move out of the answer instead of being copied.
        let raws = match raw.get_mut("identifications").map(serde_json::Value::take) {
            Some(serde_json::Value::Array(items)) => items,
            _ => Vec::new(),
        };
        Ok(list
            .identifications
            .into_iter()
            .zip(
                raws.into_iter()
                    .chain(std::iter::repeat(serde_json::Value::Null)),
            )
            .map(|(ident, raw)| FetchedIdent {
                ident,
                raw: raw.into(),
            })
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
///
/// A bare ident (what IDnow sends) is read once, straight from the bytes into [`Ident`], and the
/// body is kept as it is in [`FetchedIdent::raw`]: no `Value` tree is built. Anything else (a
/// list wrapper, not an object, a body that does not read) goes through a `Value`, which also
/// words the error.
pub(crate) fn parse_ident(
    source: BodySource,
    body: &Bytes,
    require_result: bool,
) -> Result<FetchedIdent> {
    let malformed = |reason: String| -> Error { source.unreadable(reason, body.clone()) };
    let fetched = match read_bare_ident(body) {
        Some(ident) => FetchedIdent {
            ident,
            raw: RawJson::already_read(body.clone()),
        },
        None => parse_ident_through_value(body, &malformed)?,
    };
    if require_result && fetched.ident.result().is_none() {
        return Err(malformed("no identificationprocess.result".into()));
    }
    Ok(fetched)
}

/// The ident of a body that is one JSON object without an `identifications` key (the list
/// wrapper), read straight from the bytes; `None` for any other body, or one that does not read.
fn read_bare_ident(body: &[u8]) -> Option<Ident> {
    // Built once: building a searcher costs more than running it over a typical ident.
    static LIST_KEY: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\"identifications\""));
    let starts_an_object = body.trim_ascii_start().first() == Some(&b'{');
    if !starts_an_object || LIST_KEY.find(body).is_some() {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// The general way: the body as a `Value`, the one ident taken out of a list wrapper, then read
/// into [`Ident`]. Every error of [`parse_ident`] is worded here.
fn parse_ident_through_value(
    body: &Bytes,
    malformed: &dyn Fn(String) -> Error,
) -> Result<FetchedIdent> {
    let mut raw: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| malformed(located(&e)))?;
    let raw = match raw
        .get("identifications")
        .and_then(|v| v.as_array())
        .map(Vec::len)
    {
        // The one ident moves out of the wrapper (the wrapper is dropped).
        Some(1) => raw["identifications"][0].take(),
        Some(_) => return Err(malformed("a list where one ident was expected".into())),
        None => raw,
    };
    if !raw.is_object() {
        return Err(malformed("not a JSON object".into()));
    }
    // Read from the borrowed value (serde_json implements `Deserializer` for `&Value`).
    let ident = Ident::deserialize(&raw)
        .map_err(|e| malformed(format!("{} (structure)", e.classify_name())))?;
    Ok(FetchedIdent {
        ident,
        raw: RawJson::from(raw),
    })
}

/// What kind of JSON problem a `serde_json` error is and where: `invalid JSON at line 1 column 7`.
fn located(e: &serde_json::Error) -> String {
    format!(
        "{} at line {} column {}",
        e.classify_name(),
        e.line(),
        e.column()
    )
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

/// A bare ident is read straight from the bytes (anything else through a `Value`); the reference
/// is the former path, `serde_json::from_value(raw.clone())` of the parsed body. Both must give
/// the same ident, the same raw JSON, the same `Case` and the same error, for every JSON fixture
/// and every fuzz seed.
#[cfg(test)]
mod differential_tests {
    use super::*;
    use crate::mapping::ident_to_case;
    use crate::test_inputs::inputs;
    use crate::wire::{AdditionalDocument, DriverLicense};
    use kyc_core::error::both_ok_or_same_error;
    use serde::de::{DeserializeOwned, Deserializer};
    use serde_json::Value;

    /// The former `parse_ident`, reading the ident from a clone of the value.
    fn reference(bytes: &Bytes, require_result: bool) -> Result<FetchedIdent> {
        let source = BodySource::Input("ident JSON");
        let malformed = |reason: String| -> Error { source.unreadable(reason, bytes.clone()) };
        let raw: Value = serde_json::from_slice(bytes).map_err(|e| malformed(located(&e)))?;
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
        Ok(FetchedIdent {
            ident,
            raw: raw.into(),
        })
    }

    #[test]
    fn reading_straight_from_the_bytes_gives_the_same_case() {
        let (mut read, mut straight) = (0, 0);
        for (name, body) in inputs() {
            let body = Bytes::from(body);
            if read_bare_ident(&body).is_some() {
                straight += 1;
            }
            for require_result in [true, false] {
                let old = reference(&body, require_result);
                let new = parse_ident(BodySource::Input("ident JSON"), &body, require_result);
                let Some((old, new)) = both_ok_or_same_error(&name, old, new) else {
                    continue;
                };
                assert!(old.ident == new.ident, "{name}: ident differs");
                assert_eq!(old.raw, new.raw, "{name}");
                let old_case = ident_to_case(&old.ident, old.raw.clone(), None);
                let new_case = ident_to_case(&new.ident, new.raw, None);
                assert!(old_case == new_case, "{name}: case differs");
                read += 1;
            }
        }
        assert!(read > 20, "only {read} idents read");
        assert!(
            straight > 10,
            "only {straight} read straight from the bytes"
        );
    }

    /// The former `opt_one_or_many` (through a `serde_json::Value`), for comparison with
    /// `kyc_core::wire::lenient::opt_one_or_many`, which reads straight from the deserializer.
    fn one_or_many_via_value<'de, D, T>(d: D) -> std::result::Result<Option<Vec<T>>, String>
    where
        D: Deserializer<'de>,
        T: DeserializeOwned,
    {
        match Value::deserialize(d).map_err(|e| e.to_string())? {
            Value::Null => Ok(None),
            Value::Array(items) => items
                .into_iter()
                .map(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
                .collect::<std::result::Result<Vec<T>, _>>()
                .map(Some),
            one => serde_json::from_value(one)
                .map(|one| Some(vec![one]))
                .map_err(|e| e.to_string()),
        }
    }

    fn same_one_or_many<T: DeserializeOwned + PartialEq>(name: &str, value: &Value) {
        let old = one_or_many_via_value::<_, T>(value);
        let new = kyc_core::wire::lenient::opt_one_or_many::<_, T>(value);
        match (old, new) {
            (Ok(old), Ok(new)) => assert!(old == new, "{name}: list differs"),
            (Err(old), Err(new)) => assert_eq!(old, new.to_string(), "{name}"),
            (old, new) => panic!("{name}: {:?} vs {:?}", old.err(), new.err()),
        }
        // And from the text, as a body is read.
        let text = value.to_string();
        let mut de = serde_json::Deserializer::from_str(&text);
        let from_text = kyc_core::wire::lenient::opt_one_or_many::<_, T>(&mut de);
        assert_eq!(
            from_text.is_ok(),
            one_or_many_via_value::<_, T>(value).is_ok(),
            "{name}"
        );
    }

    #[test]
    fn one_or_many_lists_read_the_same_as_through_a_value() {
        fn walk(name: &str, value: &Value, seen: &mut usize) {
            match value {
                Value::Object(map) => {
                    for (key, v) in map {
                        match key.as_str() {
                            "identifications" => same_one_or_many::<Ident>(name, v),
                            "additionaldocuments" => {
                                same_one_or_many::<AdditionalDocument>(name, v)
                            }
                            "driverlicenses" => same_one_or_many::<DriverLicense>(name, v),
                            _ => {
                                walk(name, v, seen);
                                continue;
                            }
                        }
                        *seen += 1;
                        walk(name, v, seen);
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(name, v, seen)),
                _ => {}
            }
        }
        let mut seen = 0;
        for (name, body) in inputs() {
            if let Ok(value) = serde_json::from_slice::<Value>(&body) {
                walk(&name, &value, &mut seen);
            }
        }
        assert!(seen > 3, "only {seen} lists compared");
        for shape in [
            "null",
            "[]",
            "7",
            "\"x\"",
            "{}",
            "[{}, 1]",
            "[{\"documentname\": 1}]",
        ] {
            let value: Value = serde_json::from_str(shape).unwrap();
            same_one_or_many::<AdditionalDocument>(shape, &value);
        }
    }

    /// The former `Field` reader: the whole value as a `serde_json::Value` first.
    fn field_via_value(value: &Value) -> crate::wire::Field {
        use crate::wire::{Field, FieldStatus};
        let text_of = |v: &Value| kyc_core::wire::lenient::opt_string(v).ok().flatten();
        match value {
            Value::Object(map) => {
                let text = |k: &str| map.get(k).and_then(text_of);
                let code = |k: &str| {
                    text(k)
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| FieldStatus::parse(&s))
                };
                Field {
                    status: code("status"),
                    value: text("value"),
                    original: text("original"),
                    reviewstatus: code("reviewstatus"),
                    identification: text("identification"),
                }
            }
            other => Field {
                value: text_of(other),
                ..Field::default()
            },
        }
    }

    /// `Field` is read straight from the deserializer; the reference reads a `Value` first.
    /// Every object under `userdata`, `contactdata` and the documents, every scalar there, and
    /// odd shapes must read the same, from the bytes and from a `Value`.
    #[test]
    fn fields_read_the_same_as_through_a_value() {
        fn same(name: &str, value: &Value) {
            let expected = field_via_value(value);
            let from_value = crate::wire::Field::deserialize(value).unwrap();
            let text = serde_json::to_string(value).unwrap();
            let from_bytes: crate::wire::Field = serde_json::from_str(&text).unwrap();
            assert!(from_value == expected, "{name}: {text}");
            assert!(from_bytes == expected, "{name}: {text}");
        }
        let mut seen = 0;
        for (name, body) in inputs() {
            let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                continue;
            };
            let ident = value
                .get("identifications")
                .and_then(|l| l.get(0))
                .unwrap_or(&value);
            for section in [
                "userdata",
                "contactdata",
                "identificationdocument",
                "identificationdocument2",
            ] {
                if let Some(Value::Object(fields)) = ident.get(section) {
                    for field in fields.values() {
                        same(&name, field);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 100, "only {seen} fields compared");
        for shape in [
            "null",
            "[]",
            "[1, 2]",
            "7",
            "-1.5",
            "true",
            "\"x\"",
            "{}",
            r#"{"status": " ", "value": 12, "original": null, "other": [1]}"#,
            r#"{"status": "MATCH", "status": "CHANGE", "value": {"nested": 1}}"#,
            r#"{"reviewstatus": "NEW_WORD", "identification": false}"#,
        ] {
            let value: Value = serde_json::from_str(shape).unwrap();
            same(shape, &value);
        }
    }
}
