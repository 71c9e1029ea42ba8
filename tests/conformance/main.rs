//! The conformance suite: every scenario is written once and runs for every provider, chosen
//! from configuration, through `Box<dyn KycProvider>` against the sandbox over real HTTP.
//!
//! Run one provider only with `KYC_CONFORMANCE_PROVIDERS=postident cargo test --test conformance`.
//! A scenario a provider cannot support is skipped by its `capabilities()`, and says so in the
//! test output (`SKIPPED ...`), never silently.

mod harness;
mod scenarios;

use harness::{providers, Env};
use std::future::Future;

/// Runs `scenario` once per configured provider, each in a fresh environment.
async fn for_each_provider<F, Fut>(scenario: F)
where
    F: Fn(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let list = providers();
    assert!(
        !list.is_empty(),
        "KYC_CONFORMANCE_PROVIDERS selects no provider"
    );
    for kind in list {
        let env = Env::start(kind).await;
        scenario(env).await;
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                for_each_provider(scenarios::$name).await;
            }
        )*
    };
}

conformance!(
    happy_path,
    data_changed_during_review,
    fraud_confirmed,
    user_aborts_then_succeeds_in_the_same_case,
    review_pending_then_final,
    start_link_expiry,
    archive,
    webhook_driven_flow,
    duplicate_and_out_of_order_webhooks,
    invalid_input_is_refused_before_sending,
    unknown_case_is_not_found,
);
