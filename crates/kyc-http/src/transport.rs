//! The send loop every adapter uses: one try after another as [`RetryStrategy::decide`] says,
//! with transport failures turned into classified core errors.

use crate::failure::{classify, transport_error};
use crate::retry::{jitter, Decision, Idempotency, RetryStrategy, TryOutcome};
use crate::retry_after::retry_after;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use kyc_core::{FailureStage, HttpOptions, Provider, Result};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};
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
        let observed = Observed::start(self.provider, operation);
        let span = observed.span.clone();
        let result = self
            .send_inner(operation, idempotency, url, build, &observed)
            .instrument(span)
            .await;
        observed.finish(result.as_ref().map(|r| r.status.as_u16()));
        result
    }

    async fn send_inner<F>(
        &self,
        operation: &'static str,
        idempotency: Idempotency,
        url: &url::Url,
        build: F,
        observed: &Observed,
    ) -> Result<Reply>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            observed.tries.store(tries, Ordering::Relaxed);
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
                    metrics::counter!(
                        "kyc_http_retries_total",
                        "provider" => self.provider.to_string(),
                        "operation" => operation,
                    )
                    .increment(1);
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
        let observed = Observed::start(self.provider, operation);
        let span = observed.span.clone();
        let result = self
            .send_streaming_inner(operation, idempotency, url, build, &observed)
            .instrument(span)
            .await;
        observed.finish(result.as_ref().map(|r| r.status().as_u16()));
        result
    }

    async fn send_streaming_inner<F>(
        &self,
        operation: &'static str,
        idempotency: Idempotency,
        url: &url::Url,
        build: F,
        observed: &Observed,
    ) -> Result<reqwest::Response>
    where
        F: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            observed.tries.store(tries, Ordering::Relaxed);
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
                    metrics::counter!(
                        "kyc_http_retries_total",
                        "provider" => self.provider.to_string(),
                        "operation" => operation,
                    )
                    .increment(1);
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

/// The span and measurements of one call of [`Transport::send`] (all its tries).
struct Observed {
    span: tracing::Span,
    provider: Provider,
    operation: &'static str,
    started: Instant,
    tries: AtomicU32,
}

impl Observed {
    fn start(provider: Provider, operation: &'static str) -> Self {
        Observed {
            span: tracing::debug_span!(
                "kyc.http",
                provider = %provider,
                operation,
                http.status = tracing::field::Empty,
                failure = tracing::field::Empty,
                attempts = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            ),
            provider,
            operation,
            started: Instant::now(),
            tries: AtomicU32::new(0),
        }
    }

    /// Records the outcome: the last status, or how far a failed request got.
    fn finish(&self, result: std::result::Result<u16, &kyc_core::Error>) {
        let elapsed = self.started.elapsed();
        // Recorded in the order `kyc_core::telemetry::HttpCall` records them (attempts first),
        // so that a request's log line reads the same whichever code sent it.
        self.span
            .record("attempts", self.tries.load(Ordering::Relaxed));
        let status = match result {
            Ok(status) => {
                self.span.record("http.status", status);
                status.to_string()
            }
            Err(e) => {
                let stage = e.stage().map_or("failed", |s| <&'static str>::from(s));
                self.span.record("failure", stage);
                stage.to_string()
            }
        };
        self.span.record("latency_ms", elapsed.as_secs_f64() * 1e3);
        let provider = self.provider.to_string();
        metrics::counter!(
            "kyc_http_requests_total",
            "provider" => provider.clone(),
            "operation" => self.operation,
            "status" => status,
        )
        .increment(1);
        metrics::histogram!(
            "kyc_http_request_duration_seconds",
            "provider" => provider,
            "operation" => self.operation,
        )
        .record(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn sending_is_send_so_adapters_can_use_it_in_async_trait_methods() {
        let t = Transport::new(
            Provider::IdNow,
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
