//! The typed IDnow client: one method per request of IDnow's API collection.
//!
//! Every call logs in lazily (one cached login token, see [`crate::auth`]), re-logs in once on a
//! rejected token, retries transient failures of safe requests (GETs, login, and create, which
//! is idempotent per transaction number) with bounded, jittered backoff that honours
//! `Retry-After`, and checks the caller's input against the documented rules before anything is
//! sent. A body that breaks off counts as a transport failure (retried when safe); a complete
//! 200 the adapter cannot read is never retried. Archive, delete, copy and the eSign writes are
//! sent once (retried only after a 429, which IDnow answers without doing anything).
//! `docs/reliability.md` lists the policy per operation.

use crate::auth::{IssuedToken, TokenCache};
use crate::config::{join, IdnowConfig};
use crate::error::{parse_error_body, IdnowError};
use crate::wire::{
    BindingKeyResponse, CopyIdentRequest, CreateIdentRequest, CreateIdentResponse,
    DocumentDefinition, Ident, IdentList, LoginRequest, LoginResponse, SigningDocument,
    SigningDocumentStatus,
};
use bytes::Bytes;
use futures::StreamExt;
use kyc_core::telemetry::{self, HttpCall};
use kyc_core::{Error, FieldViolation, Provider, Result, Secret};
use reqwest::Method;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tracing::Instrument;
use url::Url;

/// At most this many documents may be uploaded for signing per ident.
pub const MAX_DOCUMENTS_PER_IDENT: usize = 25;
/// The uploaded documents of one ident may total at most this many bytes (50 MB).
pub const MAX_DOCUMENT_BYTES_PER_IDENT: u64 = 50 * 1024 * 1024;

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
#[derive(Debug, Clone)]
pub struct FetchedIdent {
    /// The parsed ident.
    pub ident: Ident,
    /// The JSON as received (personal data: do not log).
    pub raw: serde_json::Value,
}

/// How a request may be repeated after a transient failure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Safe to repeat (GET, idempotent create).
    Safe,
    /// Never repeat after the request may have reached IDnow.
    Never,
    /// Safe to repeat, and the body may be large: the whole-request timeout is lifted to
    /// [`LONG_DOWNLOAD_TIMEOUT`] (streamed ZIP downloads).
    SafeLong,
}

/// The whole-request timeout of streamed downloads (large result ZIPs with video).
pub const LONG_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The longest `Retry-After` the client waits out by itself before retrying. When IDnow asks
/// for a longer pause, the call fails at once with [`kyc_core::ErrorKind::Throttled`] (or
/// `Transient` for a 5xx) carrying [`kyc_core::Error::retry_after`], and the caller decides.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Whether an answer is read to the end inside the retry loop or handed over as a stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Read the whole body; a body that breaks off is a failed try (retried when safe).
    Buffered,
    /// Hand over the response once the headers arrived (streamed downloads).
    Streamed,
}

/// A response read to its end.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

impl Reply {
    fn into_api_error(self, operation: &'static str) -> IdnowError {
        IdnowError::Api {
            operation,
            status: self.status,
            errors: parse_error_body(&self.body),
            retry_after: retry_after(&self.headers),
            body: self.body,
        }
    }
}

/// An answer as the retry loop hands it back.
enum Answer {
    Buffered(Reply),
    Streamed(reqwest::Response),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Answer::Buffered(r) => r.status,
            Answer::Streamed(r) => r.status().as_u16(),
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Answer::Buffered(r) => retry_after(&r.headers),
            Answer::Streamed(r) => retry_after(r.headers()),
        }
    }

    async fn into_reply(self, operation: &'static str) -> std::result::Result<Reply, IdnowError> {
        match self {
            Answer::Buffered(r) => Ok(r),
            Answer::Streamed(r) => {
                let status = r.status().as_u16();
                let headers = r.headers().clone();
                let body = r.bytes().await.map_err(|e| transport(operation, &e))?;
                Ok(Reply {
                    status,
                    headers,
                    body,
                })
            }
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The statuses worth another try of a safe request: 5xx, 408 and 429.
fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

enum Payload {
    Empty,
    Json(Vec<u8>),
    Pdf(Bytes),
}

impl Payload {
    fn clone_for_send(&self) -> Payload {
        match self {
            Payload::Empty => Payload::Empty,
            Payload::Json(b) => Payload::Json(b.clone()),
            Payload::Pdf(b) => Payload::Pdf(b.clone()),
        }
    }
}

/// The typed IDnow API client. Cheap to share behind an `Arc`; `Debug` shows no secrets.
pub struct Client {
    http: reqwest::Client,
    config: IdnowConfig,
    tokens: TokenCache,
    logins: AtomicU64,
    uploaded: Mutex<HashMap<(String, String), u64>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("logins", &self.logins.load(Ordering::Relaxed))
            .finish()
    }
}

fn violation(field: &str, rule: impl Into<String>) -> Error {
    Error::from(IdnowError::InvalidInput(vec![FieldViolation::new(
        field, rule,
    )]))
}

/// Checks a transaction number against IDnow's rules: 1–255 characters of `[A-Za-z0-9_-]`.
pub fn validate_transaction_number(field: &str, txn: &str) -> Result<()> {
    if txn.is_empty() {
        return Err(violation(field, "present (1 to 255 characters)"));
    }
    if txn.chars().count() > 255 {
        return Err(violation(field, "at most 255 characters"));
    }
    if !txn
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(violation(
            field,
            "only letters A-Z a-z, digits, '_' and '-' (IDnow transaction number charset)",
        ));
    }
    Ok(())
}

/// Checks an IdentID: letters, digits and `-` (form `ABC-DEFGH`), at most 64 characters.
pub fn validate_ident_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(violation(
            field,
            "an IdentID of letters, digits and '-' (form ABC-DEFGH)",
        ));
    }
    Ok(())
}

/// Checks a create body before it is sent: no field may hold control characters (IDnow's result
/// files are XML, which cannot carry most of them). Violations name IDnow's field (`custom1`).
pub fn validate_create_request(request: &CreateIdentRequest) -> Result<()> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(request) else {
        return Ok(());
    };
    let violations: Vec<FieldViolation> = fields
        .iter()
        .filter(|(_, v)| v.as_str().is_some_and(|t| t.chars().any(char::is_control)))
        .map(|(name, _)| FieldViolation::new(name.as_str(), "free of control characters"))
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(IdnowError::InvalidInput(violations).into())
    }
}

/// Checks a document definition identifier: word characters (`A-Z a-z 0-9 _`) and `-`, starting
/// and ending with a letter or digit, no accents.
pub fn validate_definition_identifier(field: &str, identifier: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if identifier.is_empty()
        || identifier.len() > 255
        || !identifier.chars().all(ok_char)
        || !edge(identifier.chars().next())
        || !edge(identifier.chars().last())
    {
        return Err(violation(
            field,
            "letters, digits, '_' and '-' only, starting and ending with a letter or digit, no accents",
        ));
    }
    Ok(())
}

fn validate_definition(def: &DocumentDefinition) -> Result<()> {
    let mut violations = Vec::new();
    match def.identifier.as_deref() {
        Some(id) => {
            if let Err(e) = validate_definition_identifier("identifier", id) {
                violations.extend(e.violations().iter().cloned());
            }
        }
        None => violations.push(FieldViolation::new("identifier", "present")),
    }
    match def.name.as_deref() {
        Some(n)
            if !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-')) => {}
        Some(_) => violations.push(FieldViolation::new(
            "name",
            "letters, digits, spaces, '_' and '-' only (no accented or special characters)",
        )),
        None => violations.push(FieldViolation::new("name", "present")),
    }
    if def.optional == Some(true) {
        violations.push(FieldViolation::new(
            "optional",
            "false (documents to sign are mandatory)",
        ));
    }
    if let Some(m) = def.mime_type.as_deref() {
        if m != "application/pdf" {
            violations.push(FieldViolation::new(
                "mimeType",
                "application/pdf (the only supported type)",
            ));
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(IdnowError::InvalidInput(violations).into())
    }
}

/// The jitter factor of a backoff pause, uniform in `[0.5, 1)` ("equal jitter": at least half
/// the exponential delay, so a retry never comes at once, and concurrent callers spread out).
/// `RandomState` is seeded randomly per process and differs per call, so no RNG dependency is
/// needed.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0);
    let unit = (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64;
    0.5 + unit / 2.0
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

fn transport(operation: &'static str, e: &reqwest::Error) -> IdnowError {
    let reason = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the response body broke off"
    } else {
        "request failed"
    };
    IdnowError::Transport {
        operation,
        target: e
            .url()
            .map(origin_of)
            .unwrap_or_else(|| "the gateway".into()),
        reason: reason.to_string(),
    }
}

/// `scheme://host[:port]` of a URL: where a request went, without the path (which names the
/// shortname and transaction number).
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// A 401 whose cause says the token is bad (or that carries no cause at all) is worth one
/// re-login; `SECURITY_VIOLATION` (another company's ident) is not.
fn token_rejected(status: u16, body: &[u8]) -> bool {
    if status != 401 {
        return false;
    }
    let errors = parse_error_body(body);
    match errors.first().and_then(|e| e.cause.as_deref()) {
        Some("SECURITY_VIOLATION") => false,
        Some(_) | None => true,
    }
}

impl Client {
    /// Builds a client; checks the configuration first.
    pub fn new(config: IdnowConfig) -> Result<Client> {
        config.validate()?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.http.connect_timeout)
            .timeout(config.http.request_timeout)
            .read_timeout(config.http.read_timeout)
            .user_agent(concat!("kyc-idnow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::configuration("idnow.http", e))?;
        Ok(Client {
            http,
            config,
            tokens: TokenCache::new(),
            logins: AtomicU64::new(0),
            uploaded: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &IdnowConfig {
        &self.config
    }

    /// How many logins this client has made (for monitoring and tests).
    pub fn login_count(&self) -> u64 {
        self.logins.load(Ordering::Relaxed)
    }

    fn api_url(&self, segments: &[&str]) -> Url {
        let mut all = vec!["api", "v1", self.config.company_id.as_str()];
        all.extend_from_slice(segments);
        join(&self.config.base_url, &all)
    }

    // ----------------------------------------------------------------------------------------
    // User URLs
    // ----------------------------------------------------------------------------------------

    /// The long user link: `https://go.{host}/{shortname}/identifications/{transactionnumber}`.
    pub fn user_url_for_transaction(&self, txn: &str) -> Result<Url> {
        validate_transaction_number("transaction_number", txn)?;
        Ok(join(
            &self.config.user_base_url(),
            &[&self.config.company_id, "identifications", txn],
        ))
    }

    /// The short user link: `https://go.{host}/{IdentID}`.
    pub fn user_url_for_ident(&self, ident_id: &str) -> Result<Url> {
        validate_ident_id("ident_id", ident_id)?;
        Ok(join(&self.config.user_base_url(), &[ident_id]))
    }

    /// The URL for an iframe, popup or WebView:
    /// `https://go.{host}/{shortname}/identifications/{IdentID}/identification/start`.
    pub fn embed_url(&self, ident_id: &str) -> Result<Url> {
        validate_ident_id("ident_id", ident_id)?;
        Ok(join(
            &self.config.user_base_url(),
            &[
                &self.config.company_id,
                "identifications",
                ident_id,
                "identification",
                "start",
            ],
        ))
    }

    // ----------------------------------------------------------------------------------------
    // Transport
    // ----------------------------------------------------------------------------------------

    async fn login_now(&self) -> Result<Secret> {
        let result = self.login_once().await;
        telemetry::record_login(Provider::IdNow, result.is_ok());
        result
    }

    async fn login_once(&self) -> Result<Secret> {
        let url = self.api_url(&["login"]);
        let body = serde_json::to_vec(&LoginRequest {
            api_key: self.config.api_key.expose(),
        })
        .map_err(|e| Error::configuration("idnow.api_key", e))?;
        let reply = self
            .exchange(
                "login",
                Method::POST,
                &url,
                Payload::Json(body),
                None,
                Retry::Safe,
                Read::Buffered,
            )
            .await?
            .into_reply("login")
            .await?;
        if !is_success(reply.status) {
            return Err(reply.into_api_error("login").into());
        }
        self.logins.fetch_add(1, Ordering::Relaxed);
        // The body holds the login token: it is never kept in an error.
        let parsed: LoginResponse =
            serde_json::from_slice(&reply.body).map_err(|e| IdnowError::Malformed {
                operation: "login",
                status: reply.status,
                reason: format!(
                    "no authToken ({}; body of {} bytes withheld: it may hold the token)",
                    e.classify_name(),
                    reply.body.len()
                ),
                body: Bytes::new(),
            })?;
        if parsed.auth_token.is_empty() {
            return Err(IdnowError::Malformed {
                operation: "login",
                status: reply.status,
                reason: "empty authToken".into(),
                body: Bytes::new(),
            }
            .into());
        }
        tracing::debug!("logged in to IDnow");
        Ok(Secret::new(parsed.auth_token))
    }

    /// Logs in now (normally done lazily), replacing any cached token.
    pub async fn login(&self) -> Result<()> {
        self.tokens.clear().await;
        self.tokens.get(|| self.login_now()).await.map(|_| ())
    }

    /// One try: sends the request and, for [`Read::Buffered`], reads the whole body, so that a
    /// body that breaks off counts as a failed try like a connection that breaks off.
    #[allow(clippy::too_many_arguments)]
    async fn try_once(
        &self,
        operation: &'static str,
        method: &Method,
        url: &Url,
        payload: Payload,
        token: Option<&Secret>,
        long: bool,
        read: Read,
    ) -> std::result::Result<Answer, IdnowError> {
        let mut request = self.http.request(method.clone(), url.clone());
        if long {
            request = request.timeout(LONG_DOWNLOAD_TIMEOUT);
        }
        if let Some(t) = token {
            request = request.header("X-API-LOGIN-TOKEN", t.expose());
        }
        request = match payload {
            Payload::Empty => request,
            Payload::Json(b) => request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(b),
            Payload::Pdf(b) => request
                .header(reqwest::header::CONTENT_TYPE, "application/pdf")
                .body(b),
        };
        let response = request.send().await.map_err(|e| transport(operation, &e))?;
        match read {
            Read::Streamed => Ok(Answer::Streamed(response)),
            Read::Buffered => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| transport(operation, &e))?;
                Ok(Answer::Buffered(Reply {
                    status,
                    headers,
                    body,
                }))
            }
        }
    }

    /// How long to wait before retry number `attempt`, or `None` when IDnow asked for a longer
    /// pause than [`MAX_RETRY_AFTER`] (the caller then gets the error with its `retry_after`).
    fn pause_before_retry(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let backoff = self.config.http.backoff(attempt, jitter());
        match retry_after {
            Some(asked) if asked > MAX_RETRY_AFTER => None,
            Some(asked) => Some(asked.max(backoff)),
            None => Some(backoff),
        }
    }

    /// Sends with the retry policy of the error classification: a transport failure (connect,
    /// timeout, reset, body broken off) or a transient status (5xx, 408, 429) of a request that
    /// is safe to repeat is tried again, at most `HttpOptions::max_retries` times, after
    /// exponential backoff with jitter or the `Retry-After` IDnow sent (whichever is longer).
    /// A 429 is retried for every request, safe or not: IDnow refused it unprocessed. A
    /// `Retry-After` beyond [`MAX_RETRY_AFTER`] is not waited out. Any other answer is
    /// returned as is; `docs/reliability.md` has the table.
    #[allow(clippy::too_many_arguments)]
    async fn exchange(
        &self,
        operation: &'static str,
        method: Method,
        url: &Url,
        payload: Payload,
        token: Option<&Secret>,
        retry: Retry,
        read: Read,
    ) -> std::result::Result<Answer, IdnowError> {
        let observed = HttpCall::start(Provider::IdNow, operation);
        let result = self
            .exchange_tries(
                operation, method, url, payload, token, retry, read, &observed,
            )
            .instrument(observed.span().clone())
            .await;
        observed.finish(match &result {
            Ok(answer) => Ok(answer.status()),
            Err(_) => Err("transport"),
        });
        result
    }

    /// The tries of [`Client::exchange`], measured by `observed`.
    #[allow(clippy::too_many_arguments)]
    async fn exchange_tries(
        &self,
        operation: &'static str,
        method: Method,
        url: &Url,
        payload: Payload,
        token: Option<&Secret>,
        retry: Retry,
        read: Read,
        observed: &HttpCall,
    ) -> std::result::Result<Answer, IdnowError> {
        loop {
            let attempt = observed.attempt();
            let result = self
                .try_once(
                    operation,
                    &method,
                    url,
                    payload.clone_for_send(),
                    token,
                    retry == Retry::SafeLong,
                    read,
                )
                .await;
            let within_budget = attempt <= self.config.http.max_retries;
            let may_retry = retry != Retry::Never && within_budget;
            // A 429 refused the request before doing anything: even an unsafe one may be sent
            // again once the pause IDnow asked for has passed.
            let may_retry_status = |status: u16| {
                is_transient_status(status) && (may_retry || (status == 429 && within_budget))
            };
            match result {
                Ok(answer) if may_retry_status(answer.status()) => {
                    let status = answer.status();
                    let Some(pause) = self.pause_before_retry(attempt, answer.retry_after()) else {
                        return Ok(answer);
                    };
                    tracing::debug!(
                        operation,
                        status,
                        attempt,
                        pause_ms = pause.as_millis() as u64,
                        "IDnow answered a transient error; retrying"
                    );
                    drop(answer);
                    observed.retry();
                    tokio::time::sleep(pause).await;
                }
                Ok(answer) => return Ok(answer),
                Err(e) if may_retry => {
                    let pause = self.config.http.backoff(attempt, jitter());
                    tracing::debug!(
                        operation,
                        attempt,
                        error = %e,
                        pause_ms = pause.as_millis() as u64,
                        "retrying after a transport failure"
                    );
                    observed.retry();
                    tokio::time::sleep(pause).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// An authenticated call: token from the cache, one re-login and retry on a rejected token,
    /// transient retries for safe requests. Returns a 2xx answer or the error.
    async fn call(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        payload: Payload,
        retry: Retry,
        read: Read,
    ) -> Result<Answer> {
        let IssuedToken {
            value: token,
            generation,
        } = self.tokens.get(|| self.login_now()).await?;
        let answer = self
            .exchange(
                operation,
                method.clone(),
                &url,
                payload.clone_for_send(),
                Some(&token),
                retry,
                read,
            )
            .await?;
        if is_success(answer.status()) {
            return Ok(answer);
        }
        let reply = answer.into_reply(operation).await?;
        if !token_rejected(reply.status, &reply.body) {
            return Err(reply.into_api_error(operation).into());
        }
        let fresh = self.tokens.refresh(generation, || self.login_now()).await?;
        let answer = self
            .exchange(
                operation,
                method,
                &url,
                payload,
                Some(&fresh.value),
                retry,
                read,
            )
            .await?;
        if is_success(answer.status()) {
            Ok(answer)
        } else {
            Err(answer
                .into_reply(operation)
                .await?
                .into_api_error(operation)
                .into())
        }
    }

    async fn call_bytes(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        payload: Payload,
        retry: Retry,
    ) -> Result<(u16, Bytes)> {
        let reply = self
            .call(operation, method, url, payload, retry, Read::Buffered)
            .await?
            .into_reply(operation)
            .await?;
        Ok((reply.status, reply.body))
    }

    fn parse<T: serde::de::DeserializeOwned>(
        operation: &'static str,
        status: u16,
        bytes: &Bytes,
    ) -> Result<T> {
        serde_json::from_slice(bytes).map_err(|e| {
            IdnowError::Malformed {
                operation,
                status,
                reason: format!(
                    "{} at line {} column {}",
                    e.classify_name(),
                    e.line(),
                    e.column()
                ),
                body: bytes.clone(),
            }
            .into()
        })
    }

    fn json_body<T: serde::Serialize>(value: &T) -> Result<Payload> {
        serde_json::to_vec(value).map(Payload::Json).map_err(|e| {
            Error::new(
                kyc_core::ErrorKind::InvalidInput,
                format!("cannot encode request: {e}"),
            )
        })
    }

    // ----------------------------------------------------------------------------------------
    // Idents
    // ----------------------------------------------------------------------------------------

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
        let (status, bytes) = self
            .call_bytes(
                "create ident",
                Method::POST,
                url,
                Self::json_body(request)?,
                Retry::Safe,
            )
            .await?;
        let parsed: CreateIdentResponse = if bytes.iter().all(u8::is_ascii_whitespace) {
            CreateIdentResponse::default()
        } else {
            Self::parse("create ident", status, &bytes)?
        };
        match (status, parsed.id) {
            (201, Some(id)) => Ok(CreateOutcome::Created { ident_id: id }),
            (201, None) => Err(IdnowError::Malformed {
                operation: "create ident",
                status,
                reason: "201 without the IdentID `id`".into(),
                body: bytes,
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
        let (status, bytes) = self
            .call_bytes("get ident", Method::GET, url, Payload::Empty, Retry::Safe)
            .await?;
        parse_ident(
            BodySource::Answer {
                operation: "get ident",
                status,
            },
            &bytes,
            true,
        )
    }

    /// `GET /identifications?{filter}=true`: the idents in one state.
    pub async fn list_idents(&self, filter: IdentListFilter) -> Result<Vec<FetchedIdent>> {
        let mut url = self.api_url(&["identifications"]);
        url.query_pairs_mut().append_pair(filter.query(), "true");
        let (status, bytes) = self
            .call_bytes("list idents", Method::GET, url, Payload::Empty, Retry::Safe)
            .await?;
        let raw: serde_json::Value = Self::parse("list idents", status, &bytes)?;
        let list: IdentList =
            serde_json::from_value(raw.clone()).map_err(|e| IdnowError::Malformed {
                operation: "list idents",
                status,
                reason: e.classify_name().to_string(),
                body: bytes.clone(),
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
        self.call_bytes(
            "delete ident",
            Method::DELETE,
            url,
            Payload::Empty,
            Retry::Never,
        )
        .await
        .map(|_| ())
    }

    /// `POST /identifications/{txn}/archive` (feature must be enabled for the account; fails
    /// when already archived or deleted).
    pub async fn archive_ident(&self, txn: &str) -> Result<()> {
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn, "archive"]);
        self.call_bytes(
            "archive ident",
            Method::POST,
            url,
            Payload::Empty,
            Retry::Never,
        )
        .await
        .map(|_| ())
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
        self.call_bytes(
            "copy ident",
            Method::POST,
            url,
            Self::json_body(request)?,
            Retry::Never,
        )
        .await
        .map(|_| ())
    }

    /// `GET /identifications/{txn}/bindingKey` (404 when the ident has none).
    pub async fn binding_key(&self, txn: &str) -> Result<Secret> {
        validate_transaction_number("transaction_number", txn)?;
        let url = self.api_url(&["identifications", txn, "bindingKey"]);
        let (status, bytes) = self
            .call_bytes(
                "get binding key",
                Method::GET,
                url,
                Payload::Empty,
                Retry::Safe,
            )
            .await?;
        let parsed: BindingKeyResponse = Self::parse("get binding key", status, &bytes)?;
        Ok(Secret::new(parsed.binding_key))
    }

    async fn download(&self, operation: &'static str, file: String) -> Result<Bytes> {
        let url = self.api_url(&["identifications", &file]);
        self.call_bytes(operation, Method::GET, url, Payload::Empty, Retry::Safe)
            .await
            .map(|(_, b)| b)
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
    /// whole-request timeout is [`LONG_DOWNLOAD_TIMEOUT`] instead of
    /// `HttpOptions::request_timeout`). Returns the number of bytes written. A partial file is
    /// removed on failure.
    pub async fn download_zip_to(&self, txn: &str, path: &Path) -> Result<u64> {
        validate_transaction_number("transaction_number", txn)?;
        let file = format!("{txn}.zip");
        let url = self.api_url(&["identifications", &file]);
        let response = match self
            .call(
                "download result ZIP",
                Method::GET,
                url,
                Payload::Empty,
                Retry::SafeLong,
                Read::Streamed,
            )
            .await?
        {
            Answer::Streamed(response) => response,
            Answer::Buffered(reply) => {
                tokio::fs::write(path, &reply.body).await.map_err(|e| {
                    Error::new(
                        kyc_core::ErrorKind::Configuration,
                        format!("cannot write the result ZIP: {e}"),
                    )
                    .with_provider(kyc_core::Provider::IdNow)
                })?;
                return Ok(reply.body.len() as u64);
            }
        };
        let io_err = |e: std::io::Error| {
            Error::new(
                kyc_core::ErrorKind::Configuration,
                format!("cannot write the result ZIP: {e}"),
            )
            .with_provider(kyc_core::Provider::IdNow)
        };
        let mut out = tokio::fs::File::create(path).await.map_err(io_err)?;
        let mut stream = response.bytes_stream();
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    drop(out);
                    let _ = tokio::fs::remove_file(path).await;
                    return Err(transport("download result ZIP", &e).into());
                }
            };
            if let Err(e) = out.write_all(&chunk).await {
                drop(out);
                let _ = tokio::fs::remove_file(path).await;
                return Err(io_err(e));
            }
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(io_err)?;
        Ok(written)
    }

    /// `GET {gateway}/system_check`: true when IDnow answers 200 `SYSTEM_CHECK_OK`. IDnow asks
    /// to poll at most every 5 minutes.
    pub async fn system_check(&self) -> Result<bool> {
        let url = join(&self.config.base_url, &["system_check"]);
        let reply = self
            .exchange(
                "system check",
                Method::GET,
                &url,
                Payload::Empty,
                None,
                Retry::Never,
                Read::Buffered,
            )
            .await?
            .into_reply("system check")
            .await?;
        Ok(is_success(reply.status) && reply.body.trim_ascii() == b"SYSTEM_CHECK_OK")
    }

    // ----------------------------------------------------------------------------------------
    // QES / eSign: document definitions
    // ----------------------------------------------------------------------------------------

    /// `POST /documentdefinitions` (412 when the account is not an eSigning customer).
    pub async fn create_document_definition(&self, definition: &DocumentDefinition) -> Result<()> {
        validate_definition(definition)?;
        let url = self.api_url(&["documentdefinitions"]);
        self.call_bytes(
            "create document definition",
            Method::POST,
            url,
            Self::json_body(definition)?,
            Retry::Never,
        )
        .await
        .map(|_| ())
    }

    /// `POST /documentdefinitions/{identifier}`: updates a definition (404 when unknown).
    pub async fn update_document_definition(
        &self,
        identifier: &str,
        definition: &DocumentDefinition,
    ) -> Result<()> {
        validate_definition_identifier("identifier", identifier)?;
        validate_definition(definition)?;
        let url = self.api_url(&["documentdefinitions", identifier]);
        self.call_bytes(
            "update document definition",
            Method::POST,
            url,
            Self::json_body(definition)?,
            Retry::Never,
        )
        .await
        .map(|_| ())
    }

    /// `DELETE /documentdefinitions/{identifier}` (404 when unknown).
    pub async fn delete_document_definition(&self, identifier: &str) -> Result<()> {
        validate_definition_identifier("identifier", identifier)?;
        let url = self.api_url(&["documentdefinitions", identifier]);
        self.call_bytes(
            "delete document definition",
            Method::DELETE,
            url,
            Payload::Empty,
            Retry::Never,
        )
        .await
        .map(|_| ())
    }

    /// `GET /documentdefinitions`.
    pub async fn list_document_definitions(&self) -> Result<Vec<DocumentDefinition>> {
        let url = self.api_url(&["documentdefinitions"]);
        let (status, bytes) = self
            .call_bytes(
                "list document definitions",
                Method::GET,
                url,
                Payload::Empty,
                Retry::Safe,
            )
            .await?;
        Self::parse("list document definitions", status, &bytes)
    }

    /// `GET /documentdefinitions/{identifier}` (404 when unknown).
    pub async fn get_document_definition(&self, identifier: &str) -> Result<DocumentDefinition> {
        validate_definition_identifier("identifier", identifier)?;
        let url = self.api_url(&["documentdefinitions", identifier]);
        let (status, bytes) = self
            .call_bytes(
                "get document definition",
                Method::GET,
                url,
                Payload::Empty,
                Retry::Safe,
            )
            .await?;
        Self::parse("get document definition", status, &bytes)
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
            .map(|m| {
                m.iter()
                    .filter(|((t, d), _)| *t == key.0 && *d != key.1)
                    .map(|(_, s)| *s)
                    .sum()
            })
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
        self.call_bytes(
            "upload document",
            Method::POST,
            url,
            Payload::Pdf(pdf),
            Retry::Never,
        )
        .await?;
        if let Ok(mut m) = self.uploaded.lock() {
            m.insert(key, size);
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
        let (status, bytes) = self
            .call_bytes(
                "list documents",
                Method::GET,
                url,
                Payload::Empty,
                Retry::Safe,
            )
            .await?;
        Self::parse("list documents", status, &bytes)
    }

    /// `GET /identifications/{txn}/documents/{definition}`.
    pub async fn get_document(&self, txn: &str, definition: &str) -> Result<SigningDocument> {
        validate_transaction_number("transaction_number", txn)?;
        validate_definition_identifier("document_definition", definition)?;
        let url = self.api_url(&["identifications", txn, "documents", definition]);
        let (status, bytes) = self
            .call_bytes(
                "get document",
                Method::GET,
                url,
                Payload::Empty,
                Retry::Safe,
            )
            .await?;
        Self::parse("get document", status, &bytes)
    }

    /// `GET /identifications/{txn}/documents/{definition}/signed`: the signed PDF (400
    /// `Document has not yet been signed`, 404 unknown definition).
    pub async fn download_signed_document(&self, txn: &str, definition: &str) -> Result<Bytes> {
        validate_transaction_number("transaction_number", txn)?;
        validate_definition_identifier("document_definition", definition)?;
        let url = self.api_url(&["identifications", txn, "documents", definition, "signed"]);
        self.call_bytes(
            "download signed document",
            Method::GET,
            url,
            Payload::Empty,
            Retry::Safe,
        )
        .await
        .map(|(_, b)| b)
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

trait ClassifyName {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn client(max_retries: u32, base_ms: u64) -> Client {
        let mut config = IdnowConfig::new(
            Url::parse("http://127.0.0.1:9/idnow").expect("url"),
            "co",
            "key",
        );
        config.http.max_retries = max_retries;
        config.http.retry_base_delay = Duration::from_millis(base_ms);
        Client::new(config).expect("client")
    }

    #[test]
    fn jitter_keeps_at_least_half_the_delay_and_varies() {
        let draws: Vec<f64> = (0..200).map(|_| jitter()).collect();
        assert!(draws.iter().all(|j| (0.5..1.0).contains(j)), "{draws:?}");
        let distinct: std::collections::BTreeSet<u64> =
            draws.iter().map(|j| (j * 1e6) as u64).collect();
        assert!(distinct.len() > 100, "jitter spreads concurrent callers");
    }

    #[test]
    fn pauses_grow_exponentially_and_honour_retry_after_up_to_the_limit() {
        let c = client(5, 100);
        for attempt in 1..=4u32 {
            let pause = c.pause_before_retry(attempt, None).expect("pause");
            let full = Duration::from_millis(100 * (1 << (attempt - 1)));
            assert!(pause >= full / 2 && pause < full, "{attempt}: {pause:?}");
        }
        assert_eq!(
            c.pause_before_retry(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2)),
            "Retry-After wins over a shorter backoff"
        );
        assert_eq!(
            c.pause_before_retry(1, Some(MAX_RETRY_AFTER + Duration::from_secs(1))),
            None,
            "a longer pause is left to the caller"
        );
    }

    #[test]
    fn transient_statuses_are_5xx_408_and_429() {
        for s in [500, 502, 503, 504, 408, 429] {
            assert!(is_transient_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 412] {
            assert!(!is_transient_status(s), "{s}");
        }
    }
}
