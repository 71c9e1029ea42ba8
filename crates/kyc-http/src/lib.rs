//! The HTTP layer the provider adapters share, so that each concern exists once:
//!
//! * [`retry`]: the retry policy as one pure, table-tested decision
//!   ([`RetryStrategy::decide`]): idempotency × what a try gave × how many tries → retry after a
//!   pause, or stop;
//! * [`retry_after`](fn@retry_after): the `Retry-After` header in both forms (seconds, HTTP date);
//! * [`failure`]: how far a failed request got ([`kyc_core::FailureStage`]: construction,
//!   connect, dispatch, timeout, response), which decides whether a create may be repeated, and
//!   the classified core error for it;
//! * [`Transport`]: the send loop that asks the policy, with the caller's `reqwest::Client`
//!   (custom CA, proxy, middleware) or a [`shared_client`] built once per process.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod client;
pub mod failure;
pub mod retry;
mod retry_after;
pub mod transport;

pub use client::{build_client, shared_client};
pub use failure::{classify, transport_error};
pub use retry::{Decision, Idempotency, RetryStrategy, TryOutcome, MAX_RETRY_AFTER};
pub use retry_after::retry_after;
pub use transport::{Reply, Transport};
