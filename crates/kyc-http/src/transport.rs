//! The send loop every adapter uses: one try after another as [`RetryStrategy::decide`] says,
//! with transport failures turned into classified core errors.

use crate::failure::{classify, transport_error};
use crate::retry::{jitter, Decision, Idempotency, RetryStrategy, TryOutcome};
use crate::retry_after::retry_after;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use kyc_core::{FailureStage, HttpOptions, Provider, Result};
use std::time::{Duration, SystemTime};

/// A provider's answer, read whole.
#[derive(Clone)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received (may hold personal data: never log it).
    pub body: Bytes,
}

impl Reply {
    /// The pause the provider asked for with `Retry-After`, in either form.
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers, SystemTime::now())
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("{} bytes, redacted", self.body.len()))
            .finish()
    }
}

/// An HTTP client with the retry policy of one provider adapter. Cheap to clone (the
/// `reqwest::Client` inside is a handle to a shared connection pool).
#[derive(Clone, Debug)]
pub struct Transport {
    client: reqwest::Client,
    strategy: RetryStrategy,
    provider: Provider,
}

impl Transport {
    /// A transport for `provider` sending through `client` (yours, with your CA, proxy or
    /// middleware, or [`crate::shared_client`]) with the retry policy of `options`.
    pub fn new(provider: Provider, client: reqwest::Client, options: &HttpOptions) -> Self {
        Transport {
            client,
            strategy: RetryStrategy::new(options),
            provider,
        }
    }

    /// The `reqwest` client requests go through.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The retry policy.
    pub fn strategy(&self) -> &RetryStrategy {
        &self.strategy
    }

    /// Sends the request `build` makes (called again for every try) and reads the whole answer.
    ///
    /// Returns the last answer whatever its status (the adapter turns an error status into its
    /// error), or a transport failure as a core error with its [`FailureStage`].
    pub async fn send<F>(
        &self,
        operation: &'static str,
        idempotency: Idempotency,
        url: &url::Url,
        build: F,
    ) -> Result<Reply>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let result = match build(&self.client).send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) => Ok(Reply {
                            status,
                            headers,
                            body,
                        }),
                        Err(e) => Err((FailureStage::Response, e)),
                    }
                }
                Err(e) => Err((classify(&e, false), e)),
            };
            let outcome = match &result {
                Ok(reply) => TryOutcome::Answered {
                    status: reply.status.as_u16(),
                    retry_after: reply.retry_after(),
                },
                Err((stage, _)) => TryOutcome::Failed(*stage),
            };
            match self.strategy.decide(idempotency, outcome, tries, jitter()) {
                Decision::Stop => {
                    return result.map_err(|(stage, e)| {
                        transport_error(self.provider, operation, url, stage, e)
                    })
                }
                Decision::RetryAfter(pause) => {
                    self.log_retry(operation, &outcome, tries, pause);
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// Like [`Transport::send`], but returns the response with its body unread (for large
    /// downloads). Retries on the status alone; a body that breaks off while the caller reads it
    /// is the caller's to handle.
    pub async fn send_streaming<F>(
        &self,
        operation: &'static str,
        idempotency: Idempotency,
        url: &url::Url,
        build: F,
    ) -> Result<reqwest::Response>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let result = build(&self.client)
                .send()
                .await
                .map_err(|e| (classify(&e, false), e));
            let outcome = match &result {
                Ok(response) => TryOutcome::Answered {
                    status: response.status().as_u16(),
                    retry_after: retry_after(response.headers(), SystemTime::now()),
                },
                Err((stage, _)) => TryOutcome::Failed(*stage),
            };
            match self.strategy.decide(idempotency, outcome, tries, jitter()) {
                Decision::Stop => {
                    return result.map_err(|(stage, e)| {
                        transport_error(self.provider, operation, url, stage, e)
                    })
                }
                Decision::RetryAfter(pause) => {
                    self.log_retry(operation, &outcome, tries, pause);
                    drop(result);
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    fn log_retry(&self, operation: &str, outcome: &TryOutcome, tries: u32, pause: Duration) {
        let pause_ms = pause.as_millis() as u64;
        match outcome {
            TryOutcome::Answered { status, .. } => tracing::debug!(
                provider = %self.provider, operation, status, attempt = tries, pause_ms,
                "transient answer; retrying"
            ),
            TryOutcome::Failed(stage) => tracing::debug!(
                provider = %self.provider, operation, stage = %stage, attempt = tries, pause_ms,
                "transport failure; retrying"
            ),
        }
    }
}
