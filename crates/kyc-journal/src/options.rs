//! How the journal's workers, reconciliation and retention behave. `JournalOptions::default()`
//! is what `kyc serve` runs with when `[journal]` sets nothing.

use std::time::Duration;

/// Everything tunable about the journal. Build with `default()` and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JournalOptions {
    /// The name this instance claims notices under (log lines and `claimed_by`). Default:
    /// host name (when known), process id and a random suffix.
    pub instance: String,
    /// How long a claim holds. A notice claimed by an instance that stopped is taken over by
    /// another once its lease has passed.
    pub lease: Duration,
    /// How many notices a worker claims at once.
    pub batch: usize,
    /// How many cases one instance resolves (reads from the provider) at the same time.
    pub concurrency: usize,
    /// How long an idle worker waits before looking for new notices (new appends on the same
    /// instance wake it at once).
    pub poll_interval: Duration,
    /// Retries of a notice whose resolution failed transiently.
    pub retry: RetryPolicy,
    /// How often reconciliation runs.
    pub reconcile_interval: Duration,
    /// For how long after its decision a final case is still re-read by reconciliation (IDnow
    /// supervisors may re-review; a preliminary result may be cancelled).
    pub reconcile_window: Duration,
    /// How long after its last re-read a case is re-read again.
    pub reconcile_every: Duration,
    /// How many cases one reconciliation round re-reads at most.
    pub reconcile_batch: usize,
    /// How long personal data (raw payloads, identity) is kept after a case's last change.
    pub retention: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        JournalOptions {
            instance: default_instance_name(),
            lease: Duration::from_secs(60),
            batch: 32,
            concurrency: 16,
            poll_interval: Duration::from_millis(500),
            retry: RetryPolicy::default(),
            reconcile_interval: Duration::from_secs(300),
            reconcile_window: Duration::from_secs(30 * 24 * 3600),
            reconcile_every: Duration::from_secs(3600),
            reconcile_batch: 200,
            retention: Duration::from_secs(5 * 365 * 24 * 3600),
        }
    }
}

fn default_instance_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kyc".to_string());
    format!(
        "{host}-{}-{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

/// When a failed resolution is tried again: exponential backoff from `base`, doubled per try,
/// at most `cap`, with full jitter in the upper half (so instances do not retry in lockstep);
/// after `max_tries` tries, or at once for an error that retrying cannot fix, the notice is
/// parked with its last error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The first delay.
    pub base: Duration,
    /// The longest delay.
    pub cap: Duration,
    /// Tries in all (the first one included) before a notice is parked.
    pub max_tries: u32,
}

impl Default for RetryPolicy {
    /// 1 s, 2 s, 4 s … capped at 5 minutes, 12 tries: about 25 minutes of provider trouble
    /// before a notice is parked (reconciliation and `kyc journal replay` pick it up later).
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
            max_tries: 12,
        }
    }
}

/// What to do after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again after this delay.
    RetryAfter(Duration),
    /// Stop and park the notice with its error.
    Park,
}

impl RetryPolicy {
    /// A policy from its parts.
    pub fn new(base: Duration, cap: Duration, max_tries: u32) -> Self {
        RetryPolicy {
            base,
            cap,
            max_tries,
        }
    }

    /// The decision after try number `tries` (1 = the first) failed with an error that is
    /// `retryable` (transient, throttled), given the provider's `retry_after` and a `jitter` in
    /// `[0, 1)`. Pure: no clock, no randomness of its own.
    pub fn decide(
        &self,
        tries: u32,
        retryable: bool,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> RetryDecision {
        if !retryable || tries >= self.max_tries {
            return RetryDecision::Park;
        }
        let exp = self
            .base
            .saturating_mul(1u32 << tries.saturating_sub(1).min(20))
            .min(self.cap);
        let jittered = exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        RetryDecision::RetryAfter(jittered.max(retry_after.unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_decisions_read_like_a_table() {
        let p = RetryPolicy::new(Duration::from_secs(1), Duration::from_secs(10), 5);
        let after = |s: f64| RetryDecision::RetryAfter(Duration::from_secs_f64(s));
        assert_eq!(p.decide(1, true, None, 1.0), after(1.0));
        assert_eq!(p.decide(1, true, None, 0.0), after(0.5));
        assert_eq!(p.decide(2, true, None, 1.0), after(2.0));
        assert_eq!(p.decide(4, true, None, 1.0), after(8.0));
        assert_eq!(p.decide(4, true, None, 0.0), after(4.0));
        // capped, then parked after max_tries
        assert_eq!(
            p.decide(4, true, Some(Duration::from_secs(30)), 0.0),
            after(30.0)
        );
        assert_eq!(p.decide(5, true, None, 1.0), RetryDecision::Park);
        assert_eq!(p.decide(1, false, None, 1.0), RetryDecision::Park);
        let capped = RetryPolicy::new(Duration::from_secs(1), Duration::from_secs(10), 50);
        assert_eq!(capped.decide(30, true, None, 1.0), after(10.0));
    }
}
