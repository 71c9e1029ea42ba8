//! The names of every metric the library records, and the small helpers the adapters, the
//! webhook receiver and the journal record them with, so that a name or a label is written in
//! one place only. `docs/observability.md` explains each metric and span.
//!
//! Everything goes through the [`metrics`] facade: nothing is recorded until the application
//! installs a recorder (a Prometheus exporter, say), and then at the cost of an atomic add.
//! Labels carry the provider, the operation and outcomes — never a case id, a name or any
//! other personal datum, which would also make the number of series unbounded.

use crate::provider::Provider;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Counter: operations of the `KycProvider` trait through [`crate::Instrumented`];
/// labels `provider`, `operation`, `outcome` (`ok` or the error kind).
pub const OPERATIONS_TOTAL: &str = "kyc_operations_total";
/// Histogram (seconds): how long those operations took; labels `provider`, `operation`.
pub const OPERATION_DURATION_SECONDS: &str = "kyc_operation_duration_seconds";
/// Counter: verified webhook requests; labels `provider`, `outcome` (`accepted`,
/// `rejected_auth`, `rejected_body`).
pub const WEBHOOKS_TOTAL: &str = "kyc_webhooks_total";
/// Counter: HTTP requests to a provider (all tries of one request count once); labels
/// `provider`, `operation`, `status` (the last HTTP status, or how the request failed).
pub const HTTP_REQUESTS_TOTAL: &str = "kyc_http_requests_total";
/// Counter: retries of HTTP requests (a request tried three times counts two); labels
/// `provider`, `operation`.
pub const HTTP_RETRIES_TOTAL: &str = "kyc_http_retries_total";
/// Histogram (seconds): how long HTTP requests took, all tries and pauses included; labels
/// `provider`, `operation`.
pub const HTTP_REQUEST_DURATION_SECONDS: &str = "kyc_http_request_duration_seconds";
/// Counter: logins (IDnow's API-key login that issues the session token); labels `provider`,
/// `outcome` (`ok` or `failed`).
pub const LOGINS_TOTAL: &str = "kyc_logins_total";
/// Counter: answers that could not be decrypted (POSTIDENT JWE results); label `provider`.
pub const DECRYPTION_FAILURES_TOTAL: &str = "kyc_decryption_failures_total";
/// Histogram (seconds): from receiving a webhook notice to storing the case it resolved to;
/// labels `provider`, `resolver` (`receiver` for the in-memory receiver, `journal` for the
/// journal's workers).
pub const WEBHOOK_RESOLUTION_LAG_SECONDS: &str = "kyc_webhook_resolution_lag_seconds";

/// The name of the span around each `KycProvider` operation ([`crate::Instrumented`]).
pub const OPERATION_SPAN: &str = "kyc.operation";
/// The name of the span around each HTTP request to a provider, all its tries included.
pub const HTTP_SPAN: &str = "kyc.http";

/// Counts one login of `provider`, successful or not.
pub fn record_login(provider: Provider, succeeded: bool) {
    metrics::counter!(
        LOGINS_TOTAL,
        "provider" => provider.name(),
        "outcome" => if succeeded { "ok" } else { "failed" },
    )
    .increment(1);
}

/// Counts one answer of `provider` that could not be decrypted.
pub fn record_decryption_failure(provider: Provider) {
    metrics::counter!(DECRYPTION_FAILURES_TOTAL, "provider" => provider.name()).increment(1);
}

/// Records how long a notice waited between its receipt and the stored case; `resolver` says
/// who resolved it (`receiver` or `journal`).
pub fn record_resolution_lag(provider: Provider, resolver: &'static str, lag: Duration) {
    metrics::histogram!(
        WEBHOOK_RESOLUTION_LAG_SECONDS,
        "provider" => provider.name(),
        "resolver" => resolver,
    )
    .record(lag.as_secs_f64());
}

/// One HTTP request of an adapter, all its tries: the `kyc.http` span (fields `provider`,
/// `operation`, `attempts`, `http.status` or `failure`, `latency_ms`) and the
/// `kyc_http_*` metrics. Start it before the first try, call [`HttpCall::attempt`] before each
/// try and [`HttpCall::retry`] before each pause, run the tries inside [`HttpCall::span`], and
/// [`HttpCall::finish`] with the last answer's status or how it failed.
#[derive(Debug)]
pub struct HttpCall {
    span: tracing::Span,
    provider: Provider,
    operation: &'static str,
    started: Instant,
    attempts: AtomicU32,
}

impl HttpCall {
    /// Starts measuring a request of `provider` for `operation` (a fixed name such as
    /// `get ident`, never a URL or an id).
    pub fn start(provider: Provider, operation: &'static str) -> HttpCall {
        HttpCall {
            span: tracing::debug_span!(
                "kyc.http",
                provider = %provider,
                operation,
                attempts = tracing::field::Empty,
                http.status = tracing::field::Empty,
                failure = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            ),
            provider,
            operation,
            started: Instant::now(),
            attempts: AtomicU32::new(0),
        }
    }

    /// The span to run the tries in.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Notes that one more try begins; returns its number (1 for the first).
    pub fn attempt(&self) -> u32 {
        self.attempts.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Counts a retry (the pause before the next try).
    pub fn retry(&self) {
        metrics::counter!(
            HTTP_RETRIES_TOTAL,
            "provider" => self.provider.name(),
            "operation" => self.operation,
        )
        .increment(1);
    }

    /// Ends the measurement with the last answer's HTTP status, or with a word for how the
    /// request failed without an answer (`connect`, `timeout`, `transport`, ...).
    pub fn finish(&self, outcome: std::result::Result<u16, &'static str>) {
        let elapsed = self.started.elapsed();
        self.span
            .record("attempts", self.attempts.load(Ordering::Relaxed));
        let status = match outcome {
            Ok(status) => {
                self.span.record("http.status", status);
                status.to_string()
            }
            Err(failure) => {
                self.span.record("failure", failure);
                failure.to_string()
            }
        };
        self.span.record("latency_ms", elapsed.as_secs_f64() * 1e3);
        let provider = self.provider.name();
        metrics::counter!(
            HTTP_REQUESTS_TOTAL,
            "provider" => provider,
            "operation" => self.operation,
            "status" => status,
        )
        .increment(1);
        metrics::histogram!(
            HTTP_REQUEST_DURATION_SECONDS,
            "provider" => provider,
            "operation" => self.operation,
        )
        .record(elapsed.as_secs_f64());
    }
}
