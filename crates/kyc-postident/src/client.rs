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
//! Retries (bounded, exponential backoff with jitter, [`HttpOptions`]): GETs and the archive
//! PATCH (idempotent: "already archived cases stay archived") are retried on timeouts,
//! connection failures, 5xx and 429. A create is retried **only** when the connection could not
//! be established at all (nothing was sent) or on 429: after any other failure a second POST
//! could create a second case, so the error is returned and the caller checks first.

use crate::config::{Encryption, PostidentConfig};
use crate::crypto::{PrivateKey, ScrKeyHeaders, HEADER_ALG, HEADER_KEY, HEADER_KEY_HASH};
use crate::error::{describe_json_error, PostidentError};
use crate::ids::check_case_id;
use crate::wire::{ArchivedCase, CaseResult, CreateCaseRequest, CreateCaseResponse};
use bytes::Bytes;
use chrono::{DateTime, FixedOffset, SecondsFormat};
use kyc_core::telemetry::{self, HttpCall};
use kyc_core::{Error, ErrorKind, HttpOptions, Provider, Secret};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;
use tracing::Instrument;
use url::Url;

/// The most caseIds POSTIDENT archives in one request (result guide 7.6); longer lists are split.
pub const ARCHIVE_BATCH_LIMIT: usize = 10_000;
/// The most cases one list answer holds (result guide 7.5.1).
pub const LIST_PAGE_LIMIT: usize = 1_000;
/// The response header that says a list answer is partial.
pub const HEADER_PARTIAL_DELIVERY: &str = "x-partial-delivery";

/// Options of the single-case calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetCaseOptions {
    /// `/full`: all identifications instead of the primary one only.
    pub full: bool,
    /// `includeResultPdf=true`: include the result PDF record (its bytes need
    /// `include_binary_data` too).
    pub include_result_pdf: bool,
    /// `includeBinaryData=true`: include `documentData` (Base64) of the records.
    pub include_binary_data: bool,
}

impl GetCaseOptions {
    /// All identifications, the result PDF and every file's bytes.
    pub fn everything() -> Self {
        GetCaseOptions {
            full: true,
            include_result_pdf: true,
            include_binary_data: true,
        }
    }
}

/// The filters of the list calls (result guide 7.5.1 and 7.5.2). `Default` is POSTIDENT's own
/// default: closed, unarchived cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// `/full`: all identifications of each case.
    pub full: bool,
    /// `/status`: only status data (caseId, caseStatus, customData, method and status,
    /// accounting data).
    pub status_only: bool,
    /// `new`: include cases in status `new` (POSTIDENT default false).
    pub new: bool,
    /// `inProgress`: include cases in progress (POSTIDENT default false).
    pub in_progress: bool,
    /// `closed`: include closed cases (POSTIDENT default true).
    pub closed: bool,
    /// `archived`: include archived cases (POSTIDENT default false).
    pub archived: bool,
    /// `createdFrom`.
    pub created_from: Option<DateTime<FixedOffset>>,
    /// `createdUntil`.
    pub created_until: Option<DateTime<FixedOffset>>,
    /// `closedFrom`.
    pub closed_from: Option<DateTime<FixedOffset>>,
    /// `closedUntil`.
    pub closed_until: Option<DateTime<FixedOffset>>,
    /// `maxResults`: documented for the status lists only. For data lists it is applied on our
    /// side (the answer is cut), since POSTIDENT does not document it there.
    pub max_results: Option<u32>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            full: false,
            status_only: false,
            new: false,
            in_progress: false,
            closed: true,
            archived: false,
            created_from: None,
            created_until: None,
            closed_from: None,
            closed_until: None,
            max_results: None,
        }
    }
}

impl ListQuery {
    /// The path below `.../cases`: ``, `/full`, `/status` or `/status/full`.
    fn path_suffix(&self) -> &'static str {
        match (self.status_only, self.full) {
            (false, false) => "",
            (false, true) => "/full",
            (true, false) => "/status",
            (true, true) => "/status/full",
        }
    }

    /// The query parameters, dates as ISO 8601 with offset (`2016-12-26T00:00:00+02:00`).
    /// Every parameter is sent explicitly, defaults included, so the answer never depends on
    /// POSTIDENT's defaults. URL encoding (`+` → `%2B`, `:` → `%3A`) happens when the URL is
    /// built.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![
            ("new", self.new.to_string()),
            ("inProgress", self.in_progress.to_string()),
            ("closed", self.closed.to_string()),
            ("archived", self.archived.to_string()),
        ];
        for (name, value) in [
            ("createdFrom", &self.created_from),
            ("createdUntil", &self.created_until),
            ("closedFrom", &self.closed_from),
            ("closedUntil", &self.closed_until),
        ] {
            if let Some(t) = value {
                p.push((name, iso8601(t)));
            }
        }
        if let (true, Some(max)) = (self.status_only, self.max_results) {
            p.push(("maxResults", max.to_string()));
        }
        p
    }
}

/// A timestamp as POSTIDENT writes them: seconds, offset `±hh:mm` (never `Z`).
pub fn iso8601(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// One case as answered: typed, and the JSON verbatim (decrypted when it was encrypted).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResponse {
    /// The typed result.
    pub result: CaseResult,
    /// The JSON as POSTIDENT sent it (after decryption).
    pub raw: serde_json::Value,
}

/// One list answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseListResponse {
    /// The cases.
    pub cases: Vec<CaseResponse>,
    /// More cases match than this answer holds: POSTIDENT said `X-PARTIAL-DELIVERY: true` (the
    /// rest is only returned once the ones received are archived, see
    /// [`Client::list_all_archiving_each_page`]), or [`ListQuery::max_results`] cut the answer.
    pub partial: bool,
}

/// What [`Client::list_all_archiving_each_page`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchivingWalkSummary {
    /// How many list requests were made.
    pub pages: usize,
    /// How many cases were handed to the callback.
    pub cases_seen: usize,
    /// The caseIds archived on the way.
    pub archived: Vec<String>,
    /// True when POSTIDENT reported no more cases; false when the walk stopped because a
    /// partial page contained nothing archivable (only closed cases can be archived, so a walk
    /// over `new`/`inProgress` cases cannot go past the first 1,000).
    pub complete: bool,
}

/// The typed POSTIDENT SCR-Ident client. Cheap to clone (the HTTP connection pool is shared).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    cases_url: Url,
    username: String,
    password: Secret,
    encryption: Option<(PrivateKey, ScrKeyHeaders)>,
    options: HttpOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("cases_url", &self.cases_url.as_str())
            .field("username", &self.username)
            .field("password", &self.password)
            .field("encryption", &self.encryption.as_ref().map(|(k, _)| k))
            .field("options", &self.options)
            .finish()
    }
}

/// How a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RetryPolicy {
    /// Idempotent: retry on every transient failure.
    Idempotent,
    /// Not idempotent: retry only when nothing reached the server.
    OnlyIfNotSent,
}

impl Client {
    /// Builds a client from a validated configuration.
    pub fn new(config: &PostidentConfig) -> kyc_core::Result<Client> {
        config.validate()?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.http.connect_timeout)
            .timeout(config.http.request_timeout)
            .read_timeout(config.http.read_timeout)
            .user_agent(concat!("kyc-postident/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Configuration, "cannot build the HTTP client").with_source(e)
            })?;
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
            http,
            cases_url,
            username: config.username.clone(),
            password: config.password.clone(),
            encryption,
            options: config.http,
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

    fn case_url(&self, case_id: &str, suffix: &str) -> kyc_core::Result<Url> {
        check_case_id("case_id", case_id)?;
        let mut url = self.cases_url.clone();
        url.path_segments_mut()
            .map_err(|_| Error::configuration("postident.base_url", "not a base URL"))?
            .push(case_id);
        url.set_path(&format!("{}{suffix}", url.path()));
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
                RetryPolicy::OnlyIfNotSent,
            )
            .await
            .map_err(|e| explain_create_failure(e, reference))?;
        let (typed, _raw): (CreateCaseResponse, _) = parse("create case", &body)?;
        Ok(typed)
    }

    /// `GET .../cases/{caseId}` (primary identification) or `.../full` (all), with
    /// `includeResultPdf` and `includeBinaryData` as asked. Unknown case: [`ErrorKind::NotFound`].
    pub async fn get_case(
        &self,
        case_id: &str,
        options: GetCaseOptions,
    ) -> kyc_core::Result<CaseResponse> {
        let mut url = self.case_url(case_id, if options.full { "/full" } else { "" })?;
        if options.include_result_pdf || options.include_binary_data {
            url.query_pairs_mut()
                .append_pair("includeResultPdf", &options.include_result_pdf.to_string())
                .append_pair(
                    "includeBinaryData",
                    &options.include_binary_data.to_string(),
                );
        }
        self.get_one("get case", url).await
    }

    /// `GET .../cases/{caseId}/status` or `.../status/full`: caseId, caseStatus, customData,
    /// method and status of the identification(s), accounting data.
    pub async fn get_case_status(
        &self,
        case_id: &str,
        full: bool,
    ) -> kyc_core::Result<CaseResponse> {
        let url = self.case_url(case_id, if full { "/status/full" } else { "/status" })?;
        self.get_one("get case status", url).await
    }

    async fn get_one(&self, operation: &'static str, url: Url) -> kyc_core::Result<CaseResponse> {
        let (body, _) = self
            .send(
                operation,
                Method::GET,
                url,
                None,
                true,
                RetryPolicy::Idempotent,
            )
            .await?;
        let (result, raw): (CaseResult, _) = parse(operation, &body)?;
        if !raw.is_object() {
            return Err(malformed(operation, "expected a JSON object", &body));
        }
        Ok(CaseResponse { result, raw })
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
        let (body, headers) = self
            .send(
                operation,
                Method::GET,
                url,
                None,
                true,
                RetryPolicy::Idempotent,
            )
            .await?;
        let partial = headers
            .get(HEADER_PARTIAL_DELIVERY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let (_, raw): (serde_json::Value, _) = parse(operation, &body)?;
        let serde_json::Value::Array(items) = raw else {
            return Err(malformed(
                operation,
                "expected a JSON array of cases",
                &body,
            ));
        };
        let mut cases = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let result: CaseResult = serde_json::from_value(item.clone()).map_err(|e| {
                malformed(
                    operation,
                    &format!("case [{i}]: {}", describe_json_error(&e)),
                    &body,
                )
            })?;
            cases.push(CaseResponse { result, raw: item });
        }
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
                    RetryPolicy::Idempotent,
                )
                .await?;
            let (typed, _): (Vec<ArchivedCase>, _) = parse("archive cases", &body)?;
            out.extend(typed);
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

    // ── Transport ────────────────────────────────────────────────────────────────────────────

    /// Sends one request with Basic auth, the documented headers, the `x-scr-*` headers when
    /// `encrypted` and encryption is on, and retries per `policy`. Returns the (decrypted) body.
    async fn send(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        encrypted: bool,
        policy: RetryPolicy,
    ) -> kyc_core::Result<(Bytes, HeaderMap)> {
        let key = if encrypted {
            self.encryption.as_ref()
        } else {
            None
        };
        let observed = HttpCall::start(Provider::Postident, operation);
        let span = observed.span().clone();
        self.send_tries(operation, method, url, body, key, policy, &observed)
            .instrument(span)
            .await
    }

    /// The tries of [`Client::send`], measured by `observed`.
    #[allow(clippy::too_many_arguments)]
    async fn send_tries(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        key: Option<&(PrivateKey, ScrKeyHeaders)>,
        policy: RetryPolicy,
        observed: &HttpCall,
    ) -> kyc_core::Result<(Bytes, HeaderMap)> {
        let mut attempt = 0u32;
        loop {
            observed.attempt();
            let mut request = self
                .http
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
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(bytes) => Ok((status, headers, bytes)),
                        Err(e) => Err(transport(operation, &url, e)),
                    }
                }
                Err(e) => Err(transport(operation, &url, e)),
            };
            let retryable = match &outcome {
                Ok((status, _, _)) => {
                    status.as_u16() == 429
                        || (policy == RetryPolicy::Idempotent
                            && (status.is_server_error() || *status == StatusCode::REQUEST_TIMEOUT))
                }
                Err(PostidentError::Transport { kind, .. }) => {
                    policy == RetryPolicy::Idempotent || *kind == "connect"
                }
                Err(_) => false,
            };
            let asked = match &outcome {
                Ok((_, headers, _)) => retry_after(headers),
                Err(_) => None,
            };
            // A pause longer than we wait out inside one call goes back to the caller, with
            // the provider's Retry-After on the error: never retry sooner than asked.
            let asked_too_long = asked.is_some_and(|a| a > MAX_RETRY_AFTER);
            if retryable && !asked_too_long && attempt < self.options.max_retries {
                attempt += 1;
                let delay = self
                    .options
                    .backoff(attempt, jitter())
                    .max(asked.unwrap_or_default());
                tracing::debug!(operation, attempt, ?delay, "POSTIDENT: retrying");
                observed.retry();
                tokio::time::sleep(delay).await;
                continue;
            }
            observed.finish(match &outcome {
                Ok((status, _, _)) => Ok(status.as_u16()),
                Err(PostidentError::Transport { kind, .. }) => Err(kind),
                Err(_) => Err("transport"),
            });
            let (status, headers, bytes) = outcome?;
            if !status.is_success() {
                return Err(PostidentError::Http {
                    operation,
                    status: status.as_u16(),
                    retry_after: retry_after(&headers),
                    body: bytes,
                    encrypted_request: key.is_some(),
                }
                .into());
            }
            let bytes = match key {
                Some((private_key, _)) => {
                    Bytes::from(private_key.decrypt(&bytes).map_err(|e| {
                        telemetry::record_decryption_failure(Provider::Postident);
                        let raw = bytes.clone();
                        Error::from(e).with_raw_body(raw)
                    })?)
                }
                None => self.decrypt_if_jwe(operation, bytes)?,
            };
            return Ok((bytes, headers));
        }
    }

    /// A body that arrives as a JWE although we did not ask for encryption (POSTIDENT may be
    /// configured to always encrypt): decrypt it when we have a key, otherwise say why it cannot
    /// be read.
    fn decrypt_if_jwe(&self, operation: &'static str, bytes: Bytes) -> kyc_core::Result<Bytes> {
        let looks_like_jwe = {
            let t = bytes.trim_ascii();
            t.first() == Some(&b'e') && t.iter().filter(|b| **b == b'.').count() == 4
        };
        if !looks_like_jwe {
            return Ok(bytes);
        }
        match &self.encryption {
            Some((key, _)) => key.decrypt(&bytes).map(Bytes::from).map_err(|e| {
                telemetry::record_decryption_failure(Provider::Postident);
                Error::from(e).with_raw_body(bytes.clone())
            }),
            None => {
                telemetry::record_decryption_failure(Provider::Postident);
                Err(Error::new(
                    ErrorKind::Decryption,
                    format!(
                        "{operation}: POSTIDENT answered with an encrypted body but encryption is \
                     disabled in the configuration"
                    ),
                )
                .with_provider(kyc_core::Provider::Postident)
                .with_raw_body(bytes))
            }
        }
    }
}

/// Adds what a failed create means for the caller: whether a case may exist now, and how to find
/// it (POSTIDENT has no lookup by referenceId, but the referenceId is unique per clientId, so a
/// second create with the same reference answers 409 when the first one went through).
fn explain_create_failure(e: Error, reference: Option<&str>) -> Error {
    let reference = match reference {
        Some(r) => format!(
            "referenceId {:?}",
            kyc_core::wire::printable(r, kyc_core::wire::DEFAULT_MAX_CHARS).to_string()
        ),
        None => "its referenceId".to_string(),
    };
    let transport_kind = std::error::Error::source(&e)
        .and_then(|s| s.downcast_ref::<PostidentError>())
        .and_then(|p| match p {
            PostidentError::Transport { kind, .. } => Some(*kind),
            _ => None,
        });
    let hint = match (transport_kind, e.http_status()) {
        (Some("connect"), _) => {
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

/// The longest `Retry-After` the client waits out by itself before retrying. When POSTIDENT asks
/// for a longer pause, the call fails at once with [`ErrorKind::Throttled`] (or `Transient` for a
/// 5xx) carrying [`kyc_core::Error::retry_after`], and the caller decides.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

fn transport(operation: &'static str, url: &Url, e: reqwest::Error) -> PostidentError {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "request"
    };
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    PostidentError::Transport {
        operation,
        url: shown.to_string(),
        kind,
        source: e.without_url(),
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A random number in `[0, 1)` for backoff jitter (no extra dependency: `RandomState` is seeded
/// randomly per instance).
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn malformed(operation: &'static str, detail: &str, body: &Bytes) -> Error {
    PostidentError::MalformedBody {
        operation,
        detail: detail.to_string(),
        body: body.clone(),
    }
    .into()
}

/// Parses a body into a typed value and keeps the JSON.
fn parse<T: DeserializeOwned>(
    operation: &'static str,
    body: &Bytes,
) -> kyc_core::Result<(T, serde_json::Value)> {
    let raw: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| malformed(operation, &describe_json_error(&e), body))?;
    let typed = serde_json::from_value(raw.clone())
        .map_err(|e| malformed(operation, &describe_json_error(&e), body))?;
    Ok((typed, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parameters_are_explicit_and_dates_keep_their_offset() {
        let mut q = ListQuery {
            created_from: Some(DateTime::parse_from_rfc3339("2016-12-26T00:00:00+02:00").unwrap()),
            closed_until: Some(DateTime::parse_from_rfc3339("2016-12-28T00:00:00Z").unwrap()),
            max_results: Some(5),
            ..Default::default()
        };
        let params = q.parameters();
        assert!(params.contains(&("createdFrom", "2016-12-26T00:00:00+02:00".into())));
        assert!(params.contains(&("closedUntil", "2016-12-28T00:00:00+00:00".into())));
        assert!(params.contains(&("closed", "true".into())));
        assert!(!params.iter().any(|(n, _)| *n == "maxResults"), "data list");
        q.status_only = true;
        assert!(q.parameters().contains(&("maxResults", "5".into())));
        let mut url = Url::parse("https://x.example/cases").unwrap();
        url.query_pairs_mut()
            .append_pair("createdFrom", "2016-12-26T00:00:00+02:00");
        assert_eq!(
            url.query(),
            Some("createdFrom=2016-12-26T00%3A00%3A00%2B02%3A00")
        );
    }

    #[test]
    fn case_ids_cannot_escape_the_path() {
        assert!(check_case_id("case_id", "YR9W91GEZK24").is_ok());
        for bad in ["", "../archive", "a/b", "a?b", "a b"] {
            let e = check_case_id("case_id", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert_eq!(e.violations()[0].field, "case_id");
        }
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
