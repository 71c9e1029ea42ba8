//! The send loop every adapter uses: one try after another as [`RetryStrategy::decide`] says,
//! with transport failures turned into classified core errors.

use crate::failure::{classify, transport_error};
use crate::retry::{jitter, Decision, Idempotency, RetryStrategy, TryOutcome};
use crate::retry_after::retry_after;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use kyc_core::telemetry::HttpCall;
use kyc_core::{FailureStage, HttpOptions, Provider, Result};
use std::future::Future;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

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
        let one_try = || async {
            let response = build(&self.client)
                .send()
                .await
                .map_err(|e| (classify(&e, false), e))?;
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
        };
        self.observed(operation, idempotency, url, one_try).await
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
        let one_try = || async {
            build(&self.client)
                .send()
                .await
                .map_err(|e| (classify(&e, false), e))
        };
        self.observed(operation, idempotency, url, one_try).await
    }

    /// Sends one try after another until [`RetryStrategy::decide`] says stop, all inside one
    /// `kyc.http` span, and records the call's metrics when it ends.
    async fn observed<T, Try, Fut>(
        &self,
        operation: &'static str,
        idempotency: Idempotency,
        url: &url::Url,
        one_try: Try,
    ) -> Result<T>
    where
        T: Answered,
        Try: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<T, (FailureStage, reqwest::Error)>>,
    {
        let call = HttpCall::start(self.provider, operation);
        let all_tries = async {
            loop {
                let tries = call.attempt();
                let result = one_try().await;
                let this_try = match &result {
                    Ok(answer) => TryOutcome::Answered {
                        status: answer.status_code(),
                        retry_after: answer.retry_after(),
                    },
                    Err((stage, _)) => TryOutcome::Failed(*stage),
                };
                match self.strategy.decide(idempotency, this_try, tries, jitter()) {
                    Decision::Stop => {
                        return result.map_err(|(stage, e)| {
                            transport_error(self.provider, operation, url, stage, e)
                        })
                    }
                    Decision::RetryAfter(pause) => {
                        self.log_retry(operation, &this_try, tries, pause);
                        call.retry();
                        // An unread streaming body holds its connection: let it go before
                        // waiting.
                        drop(result);
                        tokio::time::sleep(pause).await;
                    }
                }
            }
        };
        let result = all_tries.instrument(call.span().clone()).await;
        call.finish(match &result {
            Ok(answer) => Ok(answer.status_code()),
            Err(e) => Err(e.stage().map_or("failed", <&'static str>::from)),
        });
        result
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

/// What the retry decision and the measurements read of an answer, whole or streaming.
trait Answered {
    fn status_code(&self) -> u16;
    fn retry_after(&self) -> Option<Duration>;
}

impl Answered for Reply {
    fn status_code(&self) -> u16 {
        self.status.as_u16()
    }
    fn retry_after(&self) -> Option<Duration> {
        Reply::retry_after(self)
    }
}

impl Answered for reqwest::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
    fn retry_after(&self) -> Option<Duration> {
        retry_after(self.headers(), SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn sending_is_send_so_adapters_can_use_it_in_async_trait_methods() {
        let t = Transport::new(
            Provider::Idnow,
            reqwest::Client::new(),
            &HttpOptions::default(),
        );
        let url: url::Url = "http://127.0.0.1:9/".parse().unwrap();
        let send = t.send("get", Idempotency::Idempotent, &url, |c| c.get(url.clone()));
        assert_send(&send);
        let stream = t.send_streaming("get", Idempotency::Idempotent, &url, |c| c.get(url.clone()));
        assert_send(&stream);
    }
}
