//! The typed POSTIDENT SCR-Ident client: every documented operation with its exact parameters.
//!
//! | operation | request | method |
//! |---|---|---|
//! | create a case | `POST .../cases` | [`Client::create_case`] |
//! | one case, primary identification / all | `GET .../cases/{caseId}[/full]` | [`Client::get_case`] |
//! | status of one case | `GET .../cases/{caseId}/status[/full]` | [`Client::get_case_status`] |
//! | list cases (data or status, primary or full) | `GET .../cases[/status][/full]` | [`Client::list_cases`] |
//! | archive cases | `PATCH .../cases/archive` | [`Client::archive_cases`] |
//! | read everything, archiving as it goes | (list + archive, repeated) | [`Client::list_all_archiving_each_page`] |
//!
//! Result GETs carry the `x-scr-*` headers when encryption is enabled and the JWE answer is
//! decrypted before parsing. Every answer is kept as raw JSON next to its typed form.
//!
//! Requests go through [`kyc_http::Transport`], which owns the retry policy
//! ([`kyc_http::RetryStrategy::decide`], bounded by [`kyc_core::HttpOptions`]): GETs and the
//! archive PATCH (idempotent: "already archived cases stay archived") are retried on timeouts,
//! connection failures, 5xx, 408 and 429. A create is not idempotent: it is retried **only** when the
//! connection could not be established at all (nothing was sent) or on 429. After any other
//! failure a second POST could create a second case, so the error is returned with its
//! [`kyc_core::FailureStage`] and a hint, and the caller checks first.

mod answers;
mod query;

#[cfg(test)]
pub(crate) use answers::{read_case_through_value, read_cases_through_value};
pub use answers::{read_list_answer, ArchivingWalkSummary, CaseListResponse, CaseResponse};
pub use query::{iso8601, GetCaseOptions, ListQuery};

use crate::config::{Encryption, PostidentConfig};
use crate::crypto::{
    looks_like_jwe, PrivateKey, ScrKeyHeaders, HEADER_ALG, HEADER_KEY, HEADER_KEY_HASH,
};
use crate::error::PostidentError;
use crate::ids::check_case_id;
use crate::wire::{ArchivedCase, CreateCaseRequest, CreateCaseResponse};
pub(crate) use answers::read_case;
use answers::{parse, read_cases};
use bytes::Bytes;
use kyc_core::telemetry;
use kyc_core::{Error, ErrorKind, FailureStage, Provider, Secret};
use kyc_http::{Idempotency, Transport};
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use std::fmt;
use std::future::Future;
use url::Url;

/// The most caseIds POSTIDENT archives in one request (result guide 7.6); longer lists are split.
pub const ARCHIVE_BATCH_LIMIT: usize = 10_000;
/// The most cases one list answer holds (result guide 7.5.1).
pub const LIST_PAGE_LIMIT: usize = 1_000;
/// The response header that says a list answer is partial.
pub const HEADER_PARTIAL_DELIVERY: &str = "x-partial-delivery";
/// The longest `Retry-After` the client waits out by itself before retrying. When POSTIDENT asks
/// for a longer pause, the call fails at once with [`ErrorKind::Throttled`] (or `Transient` for a
/// 5xx) carrying [`kyc_core::Error::retry_after`], and the caller decides.
pub const MAX_RETRY_AFTER: std::time::Duration = kyc_http::MAX_RETRY_AFTER;

/// The typed POSTIDENT SCR-Ident client. Cheap to clone (the HTTP connection pool is shared).
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    cases_url: Url,
    username: String,
    password: Secret,
    encryption: Option<(PrivateKey, ScrKeyHeaders)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("cases_url", &self.cases_url.as_str())
            .field("username", &self.username)
            .field("password", &self.password)
            .field("encryption", &self.encryption.as_ref().map(|(k, _)| k))
            .field("retries", self.transport.strategy())
            .finish()
    }
}

impl Client {
    /// Builds a client from a validated configuration. Requests go through the process-wide
    /// `reqwest` client for the configuration's timeouts ([`kyc_http::shared_client`]), so
    /// building many clients is cheap.
    pub fn new(config: PostidentConfig) -> kyc_core::Result<Client> {
        config.validate()?;
        let http_client = kyc_http::shared_client(&config.http)?;
        Client::build(&config, http_client)
    }

    /// Like [`Client::new`], but requests go through `http_client`: yours, with your CA, proxy
    /// or middleware. Its own timeouts apply; the retry limits still come from
    /// [`PostidentConfig::http`].
    pub fn with_http_client(
        config: PostidentConfig,
        http_client: reqwest::Client,
    ) -> kyc_core::Result<Client> {
        config.validate()?;
        Client::build(&config, http_client)
    }

    /// The client for a configuration that was validated.
    fn build(config: &PostidentConfig, http_client: reqwest::Client) -> kyc_core::Result<Client> {
        let mut base = config.base_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let cases_url = base
            .join(&format!("scr/v1/{}/cases", config.client_id))
            .map_err(|_| {
                Error::configuration("postident.base_url", "cannot append the API path")
            })?;
        let encryption = match &config.encryption {
            Encryption::Disabled => {
                if !kyc_core::net::is_loopback_host(&config.base_url) {
                    tracing::warn!(
                        base_url = %config.base_url,
                        "POSTIDENT result encryption is disabled: results travel as plain JSON \
                         (allowed on integration only)"
                    );
                }
                None
            }
            Encryption::Enabled {
                private_key,
                data_password,
            } => Some((private_key.clone(), private_key.scr_headers(data_password)?)),
        };
        Ok(Client {
            transport: Transport::new(Provider::Postident, http_client, &config.http),
            cases_url,
            username: config.username.clone(),
            password: config.password.clone(),
            encryption,
        })
    }

    /// `{base}/scr/v1/{clientId}/cases`.
    pub fn cases_url(&self) -> &Url {
        &self.cases_url
    }

    /// True when result GETs ask for encryption.
    pub fn encrypts_results(&self) -> bool {
        self.encryption.is_some()
    }

    fn url(&self, suffix: &str) -> Url {
        let mut url = self.cases_url.clone();
        url.set_path(&format!("{}{suffix}", self.cases_url.path()));
        url
    }

    /// `.../cases/{caseId}` followed by the path segments of `suffix`, after checking the
    /// caseId (which makes it safe as a path segment).
    fn case_url(&self, case_id: &str, suffix: &[&str]) -> kyc_core::Result<Url> {
        check_case_id("case_id", case_id)?;
        let mut url = self.cases_url.clone();
        url.path_segments_mut()
            .map_err(|_| Error::configuration("postident.base_url", "not a base URL"))?
            .push(case_id)
            .extend(suffix);
        Ok(url)
    }

    // ── Operations ───────────────────────────────────────────────────────────────────────────

    /// `POST .../cases`: creates a case. A duplicate `referenceId` answers
    /// [`ErrorKind::Conflict`] (HTTP 409). Not retried after a failure that may have reached
    /// POSTIDENT (see the module docs).
    pub async fn create_case(
        &self,
        request: &CreateCaseRequest,
    ) -> kyc_core::Result<CreateCaseResponse> {
        let body = serde_json::to_vec(request).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                "cannot serialise the create request",
            )
            .with_source(e)
        })?;
        let reference = request
            .process_data
            .as_ref()
            .and_then(|p| p.reference_id.as_deref());
        let (body, _) = self
            .send(
                "create case",
                Method::POST,
                self.cases_url.clone(),
                Some(Bytes::from(body)),
                false,
                Idempotency::NotIdempotent,
            )
            .await
            .map_err(|e| explain_create_failure(e, reference))?;
        parse::<CreateCaseResponse>("create case", &body)
    }

    /// `GET .../cases/{caseId}` (primary identification) or `.../full` (all), with
    /// `includeResultPdf` and `includeBinaryData` as asked. Unknown case: [`ErrorKind::NotFound`].
    pub async fn get_case(
        &self,
        case_id: &str,
        options: GetCaseOptions,
    ) -> kyc_core::Result<CaseResponse> {
        let mut url = self.case_url(case_id, if options.full { &["full"] } else { &[] })?;
        url.set_query(
            match (options.include_result_pdf, options.include_binary_data) {
                (false, false) => None,
                (true, false) => Some("includeResultPdf=true&includeBinaryData=false"),
                (false, true) => Some("includeResultPdf=false&includeBinaryData=true"),
                (true, true) => Some("includeResultPdf=true&includeBinaryData=true"),
            },
        );
        self.get_one("get case", url).await
    }

    /// `GET .../cases/{caseId}/status` or `.../status/full`: caseId, caseStatus, customData,
    /// method and status of the identification(s), accounting data.
    pub async fn get_case_status(
        &self,
        case_id: &str,
        full: bool,
    ) -> kyc_core::Result<CaseResponse> {
        let url = self.case_url(
            case_id,
            if full {
                &["status", "full"]
            } else {
                &["status"]
            },
        )?;
        self.get_one("get case status", url).await
    }

    async fn get_one(&self, operation: &'static str, url: Url) -> kyc_core::Result<CaseResponse> {
        let (body, _) = self.get(operation, url).await?;
        read_case(operation, &body)
    }

    /// `GET .../cases[/status][/full]` with every filter of `query`. At most 1,000 cases per
    /// answer; [`CaseListResponse::partial`] reports `X-PARTIAL-DELIVERY: true`.
    pub async fn list_cases(&self, query: &ListQuery) -> kyc_core::Result<CaseListResponse> {
        let mut url = self.url(query.path_suffix());
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query.parameters() {
                pairs.append_pair(name, &value);
            }
        }
        let operation = if query.status_only {
            "list case status"
        } else {
            "list cases"
        };
        let (body, headers) = self.get(operation, url).await?;
        let partial = headers
            .get(HEADER_PARTIAL_DELIVERY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let mut cases = read_cases(operation, &body)?;
        let mut partial = partial;
        if let (false, Some(max)) = (query.status_only, query.max_results) {
            // More cases matched than asked for: that is a partial answer too.
            partial |= cases.len() > max as usize;
            cases.truncate(max as usize);
        }
        Ok(CaseListResponse { cases, partial })
    }

    /// `PATCH .../cases/archive`: archives closed cases (others are ignored by POSTIDENT;
    /// archived cases stay archived). Lists longer than 10,000 ids are sent in several requests.
    /// Returns POSTIDENT's status objects for the cases it updated.
    pub async fn archive_cases(&self, case_ids: &[String]) -> kyc_core::Result<Vec<ArchivedCase>> {
        for (i, id) in case_ids.iter().enumerate() {
            check_case_id(&format!("case_ids[{i}]"), id)?;
        }
        let mut out = Vec::new();
        for chunk in case_ids.chunks(ARCHIVE_BATCH_LIMIT) {
            let body = serde_json::to_vec(chunk).map_err(|e| {
                Error::new(ErrorKind::InvalidInput, "cannot serialise caseIds").with_source(e)
            })?;
            let (body, _) = self
                .send(
                    "archive cases",
                    Method::PATCH,
                    self.url("/archive"),
                    Some(Bytes::from(body)),
                    false,
                    Idempotency::Idempotent,
                )
                .await?;
            out.extend(parse::<Vec<ArchivedCase>>("archive cases", &body)?);
        }
        Ok(out)
    }

    /// **Archives every closed case it reads.** Walks all cases matching `query` the way the
    /// result guide prescribes for answers with `X-PARTIAL-DELIVERY: true`: list, hand the page
    /// to `on_page`, **archive the closed cases of that page**, and ask again, until POSTIDENT
    /// reports no more.
    ///
    /// Archiving hides those cases from later lists (`archived=false`) for good; they stay
    /// readable by caseId until POSTIDENT deletes them (at most 150 days). Store each page in
    /// `on_page` before returning `Ok`: when `on_page` fails, the walk stops *before* archiving
    /// that page and returns the error.
    ///
    /// `query.archived` must be false (archived cases would come back forever). The walk stops
    /// with [`ArchivingWalkSummary::complete`] false when a partial page holds nothing that can
    /// be archived (only closed cases can), since asking again would return the same page.
    pub async fn list_all_archiving_each_page<F, Fut>(
        &self,
        query: &ListQuery,
        mut on_page: F,
    ) -> kyc_core::Result<ArchivingWalkSummary>
    where
        F: FnMut(Vec<CaseResponse>) -> Fut,
        Fut: Future<Output = kyc_core::Result<()>>,
    {
        if query.archived {
            return Err(Error::invalid_input(vec![kyc_core::FieldViolation::new(
                "query.archived",
                "false (archived cases are listed again and again, the walk would never end)",
            )]));
        }
        let mut summary = ArchivingWalkSummary::default();
        loop {
            let page = self.list_cases(query).await?;
            summary.pages += 1;
            summary.cases_seen += page.cases.len();
            let closed: Vec<String> = page
                .cases
                .iter()
                .filter(|c| {
                    c.result
                        .case_status
                        .as_ref()
                        .and_then(|s| s.status.as_ref())
                        == Some(&crate::wire::CaseProgress::Closed)
                })
                .filter_map(|c| c.result.case_id.clone())
                .collect();
            let partial = page.partial;
            on_page(page.cases).await?;
            let archived = if closed.is_empty() {
                Vec::new()
            } else {
                tracing::info!(
                    count = closed.len(),
                    "POSTIDENT: archiving the cases just read"
                );
                self.archive_cases(&closed).await?
            };
            let newly: Vec<String> = archived.into_iter().filter_map(|a| a.case_id).collect();
            let progressed = !newly.is_empty();
            summary.archived.extend(newly);
            if !partial {
                summary.complete = true;
                return Ok(summary);
            }
            if !progressed {
                tracing::warn!(
                    "POSTIDENT: partial list but nothing on it could be archived; stopping"
                );
                return Ok(summary);
            }
        }
    }

    // ── Sending ──────────────────────────────────────────────────────────────────────────────

    /// Sends an encrypted GET, which the transport may retry (reading changes nothing).
    async fn get(&self, operation: &'static str, url: Url) -> kyc_core::Result<(Bytes, HeaderMap)> {
        self.send(
            operation,
            Method::GET,
            url,
            None,
            true,
            Idempotency::Idempotent,
        )
        .await
    }

    /// Sends one request with Basic auth, the documented headers and, when `encrypted` and
    /// encryption is on, the `x-scr-*` headers, through the transport (which retries as
    /// `idempotency` allows). Returns the (decrypted) body and the headers of a success answer;
    /// an error status is a [`PostidentError::Http`].
    async fn send(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        encrypted: bool,
        idempotency: Idempotency,
    ) -> kyc_core::Result<(Bytes, HeaderMap)> {
        let key = if encrypted {
            self.encryption.as_ref()
        } else {
            None
        };
        let reply = self
            .transport
            .send(operation, idempotency, &url, |http| {
                let mut request = http
                    .request(method.clone(), url.clone())
                    .basic_auth(&self.username, Some(self.password.expose()))
                    .header(CONTENT_TYPE, "application/json")
                    .header(ACCEPT, "application/json");
                if let Some((_, headers)) = key {
                    request = request
                        .header(HEADER_KEY, &headers.key)
                        .header(HEADER_KEY_HASH, &headers.key_hash)
                        .header(HEADER_ALG, headers.alg());
                }
                if let Some(b) = &body {
                    request = request.body(b.clone());
                }
                request
            })
            .await?;
        if !reply.status.is_success() {
            return Err(PostidentError::Http {
                operation,
                status: reply.status.as_u16(),
                retry_after: reply.retry_after(),
                body: reply.body,
                encrypted_request: key.is_some(),
            }
            .into());
        }
        let body = match key {
            Some((private_key, _)) => decrypt(private_key, reply.body)?,
            None => self.decrypt_if_jwe(operation, reply.body)?,
        };
        Ok((body, reply.headers))
    }

    /// A body that arrives as a JWE although we did not ask for encryption (POSTIDENT may be
    /// configured to always encrypt): decrypt it when we have a key, otherwise say why it cannot
    /// be read.
    fn decrypt_if_jwe(&self, operation: &'static str, body: Bytes) -> kyc_core::Result<Bytes> {
        if !looks_like_jwe(&body) {
            return Ok(body);
        }
        match &self.encryption {
            Some((key, _)) => decrypt(key, body),
            None => {
                telemetry::record_decryption_failure(Provider::Postident);
                Err(Error::new(
                    ErrorKind::Decryption,
                    format!(
                        "{operation}: POSTIDENT answered with an encrypted body but encryption is \
                         disabled in the configuration"
                    ),
                )
                .with_provider(Provider::Postident)
                .with_raw_body(body))
            }
        }
    }
}

/// Decrypts a JWE answer; a failure is counted and keeps the body.
fn decrypt(key: &PrivateKey, body: Bytes) -> kyc_core::Result<Bytes> {
    match key.decrypt(&body) {
        Ok(plain) => Ok(Bytes::from(plain)),
        Err(e) => {
            telemetry::record_decryption_failure(Provider::Postident);
            Err(Error::from(e).with_raw_body(body))
        }
    }
}

/// Adds what a failed create means for the caller: whether a case may exist now, and how to find
/// it (POSTIDENT has no lookup by referenceId, but the referenceId is unique per clientId, so a
/// second create with the same reference answers 409 when the first one went through). Whether
/// the request may have been sent follows from the error's [`FailureStage`].
fn explain_create_failure(e: Error, reference: Option<&str>) -> Error {
    let reference = match reference {
        Some(r) => format!(
            "referenceId {:?}",
            kyc_core::wire::printable(r, kyc_core::wire::DEFAULT_MAX_CHARS).to_string()
        ),
        None => "its referenceId".to_string(),
    };
    let hint = match (e.stage(), e.http_status()) {
        (Some(FailureStage::Construction | FailureStage::Connect), _) => {
            "the connection could not be made, so nothing reached POSTIDENT and no case was \
             created; it is safe to try again"
                .to_string()
        }
        (Some(_), _) | (None, Some(500..=599)) => format!(
            "a case may have been created: before creating another, look for {reference} among \
             the open cases (list `new` and `inProgress` cases); creating again with the same \
             reference is safe, POSTIDENT answers 409 when the first request went through"
        ),
        (None, Some(409)) => format!(
            "{reference} is already used for this clientId: use a new reference, or look up the \
             case created with it (list the cases and compare `orderData.processData.referenceId`)"
        ),
        _ => return e,
    };
    e.with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_cannot_escape_the_path() {
        assert!(check_case_id("case_id", "YR9W91GEZK24").is_ok());
        for bad in ["", "../archive", "a/b", "a?b", "a b"] {
            let e = check_case_id("case_id", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert_eq!(e.violations()[0].field, "case_id");
        }
    }
}
