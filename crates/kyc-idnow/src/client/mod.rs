//! The typed IDnow client: one method per request of IDnow's API collection.
//!
//! Every call logs in lazily (one cached login token, see [`crate::auth`]), re-logs in once on a
//! rejected token, and checks the caller's input against the documented rules before anything
//! is sent ([`validate_transaction_number`] and its siblings). Sending, retrying and telling how
//! far a failed request got is [`kyc_http::Transport`]'s: safe requests (GETs, login, and
//! create, which is idempotent per transaction number) are retried after transient failures
//! with bounded, jittered backoff that honours `Retry-After`; archive, delete, copy and the
//! eSign writes are retried only when nothing can have reached IDnow (no connection) or IDnow
//! refused them unprocessed (429). A complete 200 the adapter cannot read is never retried.
//! `docs/reliability.md` lists the policy per operation.
//!
//! By concern: [`idents`](Client::create_ident) (create, read, list, archive, delete, copy,
//! binding key), result files ([`Client::download_zip_to`] streams), QES/eSign documents
//! ([`Client::upload_document`]), and the login and request plumbing here and in `call`.

mod call;
mod esign;
mod files;
mod idents;
mod validate;

pub use call::LONG_DOWNLOAD_TIMEOUT;
pub use esign::{MAX_DOCUMENTS_PER_IDENT, MAX_DOCUMENT_BYTES_PER_IDENT};
pub use idents::{CreateOutcome, FetchedIdent, IdentListFilter};
/// The longest `Retry-After` the client waits out by itself before retrying. When IDnow asks
/// for a longer pause, the call fails at once with [`kyc_core::ErrorKind::Throttled`] (or
/// `Transient` for a 5xx) carrying [`kyc_core::Error::retry_after`], and the caller decides.
pub use kyc_http::MAX_RETRY_AFTER;
pub use validate::{
    validate_create_request, validate_definition_identifier, validate_ident_id,
    validate_transaction_number,
};

pub(crate) use idents::{parse_ident, BodySource};

use crate::auth::TokenCache;
use crate::config::{join, IdnowConfig};
use crate::error::IdnowError;
use crate::wire::{LoginRequest, LoginResponse};
use bytes::Bytes;
use call::{api_error, Payload, Request};
use kyc_core::telemetry;
use kyc_core::{Error, Provider, Result, Secret};
use kyc_http::{Idempotency, Transport};
use reqwest::Method;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use url::Url;

/// The typed IDnow API client. Cheap to share behind an `Arc`; `Debug` shows no secrets.
pub struct Client {
    transport: Transport,
    /// True when the caller passed the `reqwest::Client` ([`Client::with_http_client`]).
    callers_http_client: bool,
    config: IdnowConfig,
    tokens: TokenCache,
    logins: AtomicU64,
    uploaded: Mutex<esign::UploadedSizes>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field(
                "http_client",
                &if self.callers_http_client {
                    "the caller's"
                } else {
                    "shared"
                },
            )
            .field("logins", &self.logins.load(Ordering::Relaxed))
            .finish()
    }
}

impl Client {
    /// Builds a client; checks the configuration first. Requests go through the process-wide
    /// `reqwest` client for `config.http`'s timeouts ([`kyc_http::shared_client`]), so building
    /// many clients is cheap and they share one connection pool.
    pub fn new(config: IdnowConfig) -> Result<Client> {
        config.validate()?;
        let http = kyc_http::shared_client(&config.http)?;
        Ok(Client::build(config, http, false))
    }

    /// Like [`Client::new`], but requests go through `http`: yours, with your CA certificates,
    /// proxy or middleware. Its timeouts are yours too (`config.http`'s timeouts are not applied
    /// to it; its retry limits are).
    pub fn with_http_client(config: IdnowConfig, http: reqwest::Client) -> Result<Client> {
        config.validate()?;
        Ok(Client::build(config, http, true))
    }

    fn build(config: IdnowConfig, http: reqwest::Client, callers: bool) -> Client {
        Client {
            transport: Transport::new(Provider::Idnow, http, &config.http),
            callers_http_client: callers,
            config,
            tokens: TokenCache::new(),
            logins: AtomicU64::new(0),
            uploaded: Mutex::new(esign::UploadedSizes::default()),
        }
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
    // Login and system check
    // ----------------------------------------------------------------------------------------

    /// Logs in now (normally done lazily), replacing any cached token.
    pub async fn login(&self) -> Result<()> {
        self.tokens.clear().await;
        self.tokens.get(|| self.login_now()).await.map(|_| ())
    }

    async fn login_now(&self) -> Result<Secret> {
        let result = self.login_once().await;
        telemetry::record_login(Provider::Idnow, result.is_ok());
        result
    }

    async fn login_once(&self) -> Result<Secret> {
        const OPERATION: &str = "login";
        let body = serde_json::to_vec(&LoginRequest {
            api_key: self.config.api_key.expose(),
        })
        .map_err(|e| Error::configuration("idnow.api_key", e))?;
        let request = Request::new(
            OPERATION,
            Method::POST,
            self.api_url(&["login"]),
            Payload::Json(Bytes::from(body)),
            Idempotency::Idempotent,
        );
        let reply = self.send_unauthenticated(&request).await?;
        let status = reply.status.as_u16();
        if !reply.status.is_success() {
            return Err(api_error(OPERATION, reply).into());
        }
        self.logins.fetch_add(1, Ordering::Relaxed);
        // The body holds the login token: it is never kept in an error.
        let parsed: LoginResponse =
            kyc_core::wire::from_json_slice(&reply.body).map_err(|e| IdnowError::Malformed {
                operation: OPERATION,
                status,
                reason: format!(
                    "no authToken ({e}; body of {} bytes withheld: it may hold the token)",
                    reply.body.len()
                ),
                body: Bytes::new(),
            })?;
        if parsed.auth_token.is_empty() {
            return Err(IdnowError::Malformed {
                operation: OPERATION,
                status,
                reason: "empty authToken".into(),
                body: Bytes::new(),
            }
            .into());
        }
        tracing::debug!("logged in to IDnow");
        Ok(Secret::new(parsed.auth_token))
    }

    /// `GET {gateway}/system_check`: true when IDnow answers 200 `SYSTEM_CHECK_OK`. IDnow asks
    /// to poll at most every 5 minutes, so a failed check is not retried.
    pub async fn system_check(&self) -> Result<bool> {
        let request = Request::new(
            "system check",
            Method::GET,
            join(&self.config.base_url, &["system_check"]),
            Payload::Empty,
            Idempotency::NotIdempotent,
        );
        let reply = self.send_unauthenticated(&request).await?;
        Ok(reply.status.is_success() && reply.body.trim_ascii() == b"SYSTEM_CHECK_OK")
    }

    // ----------------------------------------------------------------------------------------
    // The shapes of calls the endpoint modules share
    // ----------------------------------------------------------------------------------------

    /// A `GET` whose answer is JSON of type `T`.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        url: Url,
    ) -> Result<T> {
        let reply = self.call(Request::get(operation, url)).await?;
        Self::parse(operation, reply.status.as_u16(), &reply.body)
    }

    /// A `GET` whose answer is a file.
    async fn get_bytes(&self, operation: &'static str, url: Url) -> Result<Bytes> {
        Ok(self.call(Request::get(operation, url)).await?.body)
    }

    /// A write that must not be repeated once it may have reached IDnow; its answer's body is
    /// not needed.
    async fn send_once(
        &self,
        operation: &'static str,
        method: Method,
        url: Url,
        payload: Payload,
    ) -> Result<()> {
        self.call(Request::new(
            operation,
            method,
            url,
            payload,
            Idempotency::NotIdempotent,
        ))
        .await
        .map(|_| ())
    }

    /// Reads IDnow's JSON answer; one that does not fit is a [`IdnowError::Malformed`] naming
    /// the field path (never a value) and keeping the body.
    fn parse<T: serde::de::DeserializeOwned>(
        operation: &'static str,
        status: u16,
        bytes: &Bytes,
    ) -> Result<T> {
        kyc_core::wire::from_json_slice(bytes).map_err(|e| {
            IdnowError::Malformed {
                operation,
                status,
                reason: e.to_string(),
                body: bytes.clone(),
            }
            .into()
        })
    }
}
