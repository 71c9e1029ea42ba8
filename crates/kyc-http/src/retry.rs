//! The retry policy of every provider call, as one pure decision.
//!
//! [`RetryStrategy::decide`] looks at what one try of a request gave ([`TryOutcome`]), whether
//! the request may be repeated ([`Idempotency`]) and how many tries were made, and answers
//! [`Decision::RetryAfter`] a pause or [`Decision::Stop`]. It does no I/O and reads no clock, so
//! the whole policy is tested as a table (see the tests below); the transport loop only asks it.
//!
//! | what happened | idempotent | not idempotent |
//! |---|---|---|
//! | 2xx, or an error status other than those below | stop | stop |
//! | 429 Too Many Requests | retry | retry (the provider refused it unprocessed) |
//! | 408, 5xx | retry | stop |
//! | construction failure | stop (it would fail again) | stop |
//! | connect failure (nothing was sent) | retry | retry |
//! | dispatch failure, timeout, body broken off | retry | stop (the provider may have acted) |
//!
//! A retry waits the exponential backoff with full jitter ([`kyc_core::HttpOptions::backoff`]) or
//! the provider's `Retry-After`, whichever is longer. A `Retry-After` beyond
//! [`RetryStrategy::max_retry_after`] is never waited out inside a call: the decision is to stop,
//! and the caller gets the error with [`kyc_core::Error::retry_after`]. At most
//! [`RetryStrategy::max_retries`] retries follow the first try.

use kyc_core::{FailureStage, HttpOptions};
use std::time::Duration;

/// Whether sending a request twice has the same effect as sending it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Safe to repeat: reads, and writes the provider deduplicates (IDnow create per
    /// transaction number).
    Idempotent,
    /// Repeating it may act twice (a POSTIDENT create): only retried when the provider cannot
    /// have received it, or refused it unprocessed (429).
    NotIdempotent,
}

/// What one try of a request gave, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryOutcome {
    /// The provider answered with this status (and maybe a `Retry-After`, already turned into
    /// a duration).
    Answered {
        /// The HTTP status code.
        status: u16,
        /// The pause the provider asked for, when it sent `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// The request failed before a complete answer arrived.
    Failed(FailureStage),
}

/// What to do after a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this pause.
    RetryAfter(Duration),
    /// Return what the last try gave to the caller.
    Stop,
}

/// The retry policy's parameters. Built from [`HttpOptions`] with [`RetryStrategy::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryStrategy {
    /// How many retries may follow the first try (0 = never retry).
    pub max_retries: u32,
    /// The longest `Retry-After` waited out inside one call.
    pub max_retry_after: Duration,
    options: HttpOptions,
}

/// The longest `Retry-After` a call waits out by itself (see [`RetryStrategy::max_retry_after`]).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

impl RetryStrategy {
    /// The strategy for these options: `max_retries` and the backoff from `options`, and
    /// [`MAX_RETRY_AFTER`].
    pub fn new(options: &HttpOptions) -> Self {
        RetryStrategy {
            max_retries: options.max_retries,
            max_retry_after: MAX_RETRY_AFTER,
            options: *options,
        }
    }

    /// Decides what follows try number `tries` (1 for the first try) that gave `outcome`.
    /// `jitter` is a number in `[0, 1)` drawn by the caller (the backoff uses full jitter).
    pub fn decide(
        &self,
        idempotency: Idempotency,
        outcome: TryOutcome,
        tries: u32,
        jitter: f64,
    ) -> Decision {
        if tries > self.max_retries {
            return Decision::Stop;
        }
        let idempotent = idempotency == Idempotency::Idempotent;
        let (worth_retrying, asked) = match outcome {
            TryOutcome::Answered {
                status,
                retry_after,
            } => {
                let transient = status == 408 || (500..=599).contains(&status);
                (status == 429 || (transient && idempotent), retry_after)
            }
            TryOutcome::Failed(FailureStage::Construction) => (false, None),
            TryOutcome::Failed(FailureStage::Connect) => (true, None),
            TryOutcome::Failed(_) => (idempotent, None),
        };
        if !worth_retrying {
            return Decision::Stop;
        }
        let backoff = self.options.backoff(tries, jitter);
        match asked {
            Some(asked) if asked > self.max_retry_after => Decision::Stop,
            Some(asked) => Decision::RetryAfter(asked.max(backoff)),
            None => Decision::RetryAfter(backoff),
        }
    }
}

/// A jitter value in `[0, 1)` for [`RetryStrategy::decide`].
pub fn jitter() -> f64 {
    rand::random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{RetryAfter, Stop};
    use Idempotency::{Idempotent, NotIdempotent};

    fn strategy() -> RetryStrategy {
        let mut options = HttpOptions::default();
        options.max_retries = 2;
        options.retry_base_delay = Duration::from_millis(200);
        RetryStrategy::new(&options)
    }

    fn answered(status: u16) -> TryOutcome {
        TryOutcome::Answered {
            status,
            retry_after: None,
        }
    }

    fn answered_after(status: u16, secs: u64) -> TryOutcome {
        TryOutcome::Answered {
            status,
            retry_after: Some(Duration::from_secs(secs)),
        }
    }

    fn ms(n: u64) -> Decision {
        RetryAfter(Duration::from_millis(n))
    }

    #[test]
    fn the_policy_table() {
        use FailureStage::*;
        let s = strategy();
        // (idempotency, outcome, tries, expected) with jitter 1.0: the full backoff.
        let table = [
            (Idempotent, answered(200), 1, Stop),
            (Idempotent, answered(404), 1, Stop),
            (Idempotent, answered(400), 1, Stop),
            (Idempotent, answered(401), 1, Stop),
            (Idempotent, answered(503), 1, ms(200)),
            (Idempotent, answered(500), 2, ms(400)),
            (Idempotent, answered(408), 1, ms(200)),
            (Idempotent, answered(503), 3, Stop),
            (NotIdempotent, answered(503), 1, Stop),
            (NotIdempotent, answered(408), 1, Stop),
            (NotIdempotent, answered(429), 1, ms(200)),
            (Idempotent, answered(429), 2, ms(400)),
            (NotIdempotent, answered(429), 3, Stop),
            (Idempotent, TryOutcome::Failed(Construction), 1, Stop),
            (NotIdempotent, TryOutcome::Failed(Connect), 1, ms(200)),
            (Idempotent, TryOutcome::Failed(Connect), 2, ms(400)),
            (Idempotent, TryOutcome::Failed(Dispatch), 1, ms(200)),
            (NotIdempotent, TryOutcome::Failed(Dispatch), 1, Stop),
            (Idempotent, TryOutcome::Failed(Timeout), 1, ms(200)),
            (NotIdempotent, TryOutcome::Failed(Timeout), 1, Stop),
            (Idempotent, TryOutcome::Failed(Response), 1, ms(200)),
            (NotIdempotent, TryOutcome::Failed(Response), 1, Stop),
        ];
        for (idempotency, outcome, tries, expected) in table {
            assert_eq!(
                s.decide(idempotency, outcome, tries, 1.0),
                expected,
                "{idempotency:?} {outcome:?} after {tries} tries"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_when_longer_and_never_waited_out_beyond_the_bound() {
        let s = strategy();
        assert_eq!(
            s.decide(Idempotent, answered_after(503, 2), 1, 1.0),
            RetryAfter(Duration::from_secs(2)),
            "never sooner than asked"
        );
        assert_eq!(
            s.decide(Idempotent, answered_after(503, 0), 2, 1.0),
            ms(400),
            "the backoff when it is longer"
        );
        assert_eq!(
            s.decide(NotIdempotent, answered_after(429, 30), 1, 1.0),
            RetryAfter(MAX_RETRY_AFTER)
        );
        assert_eq!(
            s.decide(NotIdempotent, answered_after(429, 31), 1, 1.0),
            Stop,
            "a longer pause goes back to the caller"
        );
    }

    #[test]
    fn full_jitter_spreads_the_backoff_from_zero() {
        let s = strategy();
        assert_eq!(s.decide(Idempotent, answered(503), 2, 0.0), ms(0));
        assert_eq!(s.decide(Idempotent, answered(503), 2, 0.5), ms(200));
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn no_retries_configured_means_one_try() {
        let mut options = HttpOptions::default();
        options.max_retries = 0;
        let s = RetryStrategy::new(&options);
        assert_eq!(s.decide(Idempotent, answered(503), 1, 1.0), Stop);
        assert_eq!(
            s.decide(
                Idempotent,
                TryOutcome::Failed(FailureStage::Connect),
                1,
                1.0
            ),
            Stop
        );
    }
}
