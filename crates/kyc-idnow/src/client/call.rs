//! One request to IDnow, end to end: the login token (cached, replaced once when IDnow rejects
//! it), the send loop of [`kyc_http::Transport`] (retries, `Retry-After`, how far a failed
//! request got), and IDnow's error answers turned into [`IdnowError`].
//!
//! Retrying is not decided here: each request says whether it may be repeated
//! ([`Idempotency`]), and [`kyc_http::RetryStrategy::decide`] does the rest.

use super::Client;
use crate::error::{parse_error_body, IdnowError};
use bytes::Bytes;
use kyc_core::{Error, Result, Secret};
use kyc_http::{Idempotency, Reply};
use reqwest::Method;
use std::time::Duration;
use url::Url;

/// The whole-request timeout of streamed downloads (large result ZIPs with video).
pub const LONG_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The header IDnow reads the login token from.
const LOGIN_TOKEN_HEADER: &str = "X-API-LOGIN-TOKEN";

/// What a request carries. Cheap to clone (`Bytes`), since every try builds the request anew.
#[derive(Clone)]
pub(crate) enum Payload {
    /// No body.
    Empty,
    /// A JSON body.
    Json(Bytes),
    /// A PDF to be signed.
    Pdf(Bytes),
}

impl Payload {
    /// `value` as a JSON body.
    pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<Payload> {
        serde_json::to_vec(value)
            .map(|b| Payload::Json(Bytes::from(b)))
            .map_err(|e| {
                Error::new(
                    kyc_core::ErrorKind::InvalidInput,
                    format!("cannot encode request: {e}"),
                )
            })
    }
}

/// One request of IDnow's API, as every try sends it.
pub(crate) struct Request {
    /// The fixed name of the operation (`get ident`): in errors, spans and metric labels.
    pub operation: &'static str,
    pub method: Method,
    pub url: Url,
    pub payload: Payload,
    /// Whether the request may be sent again after it may have reached IDnow.
    pub idempotency: Idempotency,
    /// A streamed download: the whole-request timeout is [`LONG_DOWNLOAD_TIMEOUT`].
    pub long_download: bool,
}

impl Request {
    /// A `GET` (always safe to repeat).
    pub(crate) fn get(operation: &'static str, url: Url) -> Request {
        Request::new(
            operation,
            Method::GET,
            url,
            Payload::Empty,
            Idempotency::Idempotent,
        )
    }

    /// Any request.
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        url: Url,
        payload: Payload,
        idempotency: Idempotency,
    ) -> Request {
        Request {
            operation,
            method,
            url,
            payload,
            idempotency,
            long_download: false,
        }
    }

    /// The request of one try, with the login token when there is one.
    fn build(&self, client: &reqwest::Client, token: Option<&Secret>) -> reqwest::RequestBuilder {
        let mut request = client.request(self.method.clone(), self.url.clone());
        if self.long_download {
            request = request.timeout(LONG_DOWNLOAD_TIMEOUT);
        }
        if let Some(token) = token {
            request = request.header(LOGIN_TOKEN_HEADER, token.expose());
        }
        match &self.payload {
            Payload::Empty => request,
            Payload::Json(body) => request
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(body.clone()),
            Payload::Pdf(body) => request
                .header(reqwest::header::CONTENT_TYPE, "application/pdf")
                .body(body.clone()),
        }
    }
}

/// An answer: read whole, or (streamed downloads) with its body still to be read.
enum Answer {
    Whole(Reply),
    Streamed(reqwest::Response),
}

impl Answer {
    fn is_success(&self) -> bool {
        match self {
            Answer::Whole(reply) => reply.status.is_success(),
            Answer::Streamed(response) => response.status().is_success(),
        }
    }

    /// The answer read whole (a body that breaks off is a transport failure).
    async fn into_reply(self, request: &Request) -> std::result::Result<Reply, IdnowError> {
        match self {
            Answer::Whole(reply) => Ok(reply),
            Answer::Streamed(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| body_broke_off(request, e))?;
                Ok(Reply {
                    status,
                    headers,
                    body,
                })
            }
        }
    }
}

/// The error for a body that broke off after IDnow started to answer.
pub(crate) fn body_broke_off(request: &Request, error: reqwest::Error) -> IdnowError {
    IdnowError::transport(
        request.operation,
        &request.url,
        kyc_http::transport_error(
            kyc_core::Provider::Idnow,
            request.operation,
            &request.url,
            kyc_core::FailureStage::Response,
            error,
        ),
    )
}

/// IDnow's error answer as an error (status, `errors[]`, body, `Retry-After`).
pub(crate) fn api_error(operation: &'static str, reply: Reply) -> IdnowError {
    IdnowError::Api {
        operation,
        status: reply.status.as_u16(),
        errors: parse_error_body(&reply.body),
        retry_after: reply.retry_after(),
        body: reply.body,
    }
}

/// A 401 whose cause says the token is bad (or that carries no cause at all) is worth one
/// re-login; `SECURITY_VIOLATION` (another company's ident) is not.
fn token_rejected(reply: &Reply) -> bool {
    if reply.status != reqwest::StatusCode::UNAUTHORIZED {
        return false;
    }
    let errors = parse_error_body(&reply.body);
    errors.first().and_then(|e| e.cause.as_deref()) != Some("SECURITY_VIOLATION")
}

impl Client {
    /// Sends `request` with `token` through the transport (all its tries).
    async fn exchange(
        &self,
        request: &Request,
        token: Option<&Secret>,
        streamed: bool,
    ) -> std::result::Result<Answer, IdnowError> {
        let build = |client: &reqwest::Client| request.build(client, token);
        let (operation, idempotency, url) = (request.operation, request.idempotency, &request.url);
        let answer = if streamed {
            self.transport
                .send_streaming(operation, idempotency, url, build)
                .await
                .map(Answer::Streamed)
        } else {
            self.transport
                .send(operation, idempotency, url, build)
                .await
                .map(Answer::Whole)
        };
        answer.map_err(|e| IdnowError::transport(operation, url, e))
    }

    /// Sends `request` without a login token and reads the whole answer, whatever its status
    /// (login, system check).
    pub(crate) async fn send_unauthenticated(
        &self,
        request: &Request,
    ) -> std::result::Result<Reply, IdnowError> {
        self.exchange(request, None, false)
            .await?
            .into_reply(request)
            .await
    }

    /// An authenticated call: the cached token, and one new login and one more send when IDnow
    /// rejects the token. Returns a 2xx answer, or IDnow's error answer as an error.
    async fn authorized(&self, request: &Request, streamed: bool) -> Result<Answer> {
        let issued = self.tokens.get(|| self.login_now()).await?;
        let answer = self
            .exchange(request, Some(&issued.value), streamed)
            .await?;
        if answer.is_success() {
            return Ok(answer);
        }
        let reply = answer.into_reply(request).await?;
        if !token_rejected(&reply) {
            return Err(api_error(request.operation, reply).into());
        }
        let fresh = self
            .tokens
            .refresh(issued.generation, || self.login_now())
            .await?;
        let answer = self.exchange(request, Some(&fresh.value), streamed).await?;
        if answer.is_success() {
            Ok(answer)
        } else {
            let reply = answer.into_reply(request).await?;
            Err(api_error(request.operation, reply).into())
        }
    }

    /// An authenticated call whose 2xx answer is read whole.
    pub(crate) async fn call(&self, request: Request) -> Result<Reply> {
        Ok(self
            .authorized(&request, false)
            .await?
            .into_reply(&request)
            .await?)
    }

    /// An authenticated call whose 2xx answer is handed over once its headers arrived (the
    /// caller reads the body).
    pub(crate) async fn call_streaming(&self, request: &Request) -> Result<reqwest::Response> {
        Ok(match self.authorized(request, true).await? {
            Answer::Streamed(response) => response,
            // Never returned by `authorized(.., true)`; a whole answer would stream as well.
            Answer::Whole(reply) => {
                let mut response = http::Response::new(reply.body);
                *response.status_mut() = reply.status;
                *response.headers_mut() = reply.headers;
                reqwest::Response::from(response)
            }
        })
    }
}
