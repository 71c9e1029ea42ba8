//! The adapters under every fault the sandbox can inject, configured exactly as users do (TOML
//! through `kyc::connect`), over real HTTP. Each scenario is written once in `scenarios` and
//! runs once per provider (`reliability::<scenario>::idnow`, `…::postident`); what differs
//! between the providers (how to inject a fault, how to make a case, which requests may be sent
//! again) is in `fixture`. Each test asserts the outcome documented in `docs/reliability.md`:
//! retried and succeeded, or the right `ErrorKind` with the HTTP status and the raw body.
//!
//! The rule that matters most: a POSTIDENT create is never sent twice after a failure that may
//! have reached POSTIDENT (a second POST could open a second case), while IDnow's create is
//! idempotent per transaction number and is retried.

mod fixture;
mod scenarios;

use fixture::Kind;

/// For each scenario a module of that name with one `#[tokio::test]` per provider it runs for:
/// `tests!([idnow: Kind::Idnow] => [a, b])` makes `a::idnow` and `b::idnow`.
macro_rules! tests {
    ($providers:tt => [$($scenario:ident),* $(,)?]) => {
        $( tests!(@scenario $scenario $providers); )*
    };
    (@scenario $scenario:ident [$($test:ident: $kind:expr),* $(,)?]) => {
        mod $scenario {
            use super::{scenarios, Kind};
            $(
                #[tokio::test]
                async fn $test() {
                    scenarios::$scenario($kind).await;
                }
            )*
        }
    };
}

tests!([idnow: Kind::Idnow, postident: Kind::Postident] => [
    server_errors_on_a_read_are_retried_and_it_succeeds,
    server_errors_beyond_the_retry_budget_are_transient_with_status_and_body,
    throttling_on_a_read_waits_for_retry_after_then_succeeds,
    a_retry_after_beyond_the_limit_is_returned_at_once_as_throttled,
    a_reset_connection_on_a_read_is_retried_and_it_succeeds,
    a_read_slower_than_the_timeout_is_abandoned_and_retried,
    a_truncated_body_on_a_read_is_retried_and_it_succeeds,
    create_after_a_server_error,
    create_after_a_reset_connection,
    create_after_a_timeout,
    create_after_a_truncated_answer,
    create_after_throttling_is_retried_because_nothing_was_created,
    archive_after_a_server_error,
    archive_is_retried_after_throttling_because_nothing_was_done,
]);

// Whether an unreadable answer is a decryption or a provider error depends on POSTIDENT's
// encryption, so these run for POSTIDENT with plain results too.
tests!([
    idnow: Kind::Idnow,
    postident: Kind::Postident,
    postident_unencrypted: Kind::PostidentUnencrypted,
] => [
    malformed_json_is_an_error_keeping_the_raw_body_and_is_not_retried,
    an_empty_body_is_an_error_never_an_empty_case,
]);

tests!([idnow: Kind::Idnow] => [
    resets_beyond_the_retry_budget_are_transient_without_status,
    reads_slower_than_the_timeout_on_every_try_are_a_transient_timeout,
    truncated_bodies_beyond_the_retry_budget_are_transient,
    login_failures_are_retried,
    a_refused_connection_is_transient_after_bounded_retries,
]);

tests!([postident: Kind::Postident] => [
    a_truncated_jwe_is_a_decryption_error_keeping_the_raw_body,
]);
