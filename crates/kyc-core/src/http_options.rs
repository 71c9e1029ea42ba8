//! Timeouts and retry limits every adapter's HTTP client honours.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Timeouts and retry bounds for provider requests.
///
/// Retries only happen where they are safe: reads, IDnow create (idempotent per transaction
/// number), never a POSTIDENT create after a transport error.
///
/// `#[non_exhaustive]`: start from `HttpOptions::default()` and set the fields you need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Time allowed to establish a connection.
    #[serde(with = "millis")]
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, including reading the body.
    #[serde(with = "millis")]
    pub request_timeout: Duration,
    /// Time allowed between two reads of a response (a stalled body fails this fast even when
    /// the whole-request timeout is long, as for large result downloads).
    #[serde(with = "millis")]
    pub read_timeout: Duration,
    /// How many times a failed, retryable request is tried again (0 = never).
    pub max_retries: u32,
    /// The first backoff delay; doubled on each retry, with jitter.
    #[serde(with = "millis")]
    pub retry_base_delay: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(15),
            max_retries: 2,
            retry_base_delay: Duration::from_millis(200),
        }
    }
}

impl HttpOptions {
    /// The backoff before retry number `attempt` (1-based): `retry_base_delay * 2^(attempt-1)`,
    /// capped at 30 s, with "full jitter" drawn from `jitter` in `[0, 1)`.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self
            .retry_base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(Duration::from_secs(30));
        capped.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let o = HttpOptions::default();
        assert_eq!(o.backoff(1, 1.0), Duration::from_millis(200));
        assert_eq!(o.backoff(3, 1.0), Duration::from_millis(800));
        assert_eq!(o.backoff(40, 1.0), Duration::from_secs(30));
        assert_eq!(o.backoff(3, 0.5), Duration::from_millis(400));
        assert_eq!(o.backoff(3, 0.0), Duration::ZERO);
    }
}
