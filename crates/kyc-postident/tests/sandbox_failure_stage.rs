//! How far a failed create got, as a type: the journal's create intents and every caller decide
//! from [`kyc_core::Error::stage`] whether a case may exist, never from the message. Against the
//! sandbox over real HTTP.

use crate::common;

use kyc_core::FailureStage;

#[tokio::test]
async fn a_create_cut_off_after_sending_may_have_created_a_case_and_is_sent_once() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);
    common::reset_next_create(&sandbox);
    let before = sandbox.postident().create_request_count();
    let e = common::create_fails(&postident, "stage-1").await;
    let stage = e.stage().expect("a transport failure has a stage");
    assert!(stage.may_have_been_sent(), "{stage:?}");
    assert!(e.may_have_been_sent());
    // The reset met the first POST (a fault answers before the handler counts it); a retry
    // would have reached the handler and created a case.
    assert_eq!(
        sandbox.postident().create_request_count(),
        before,
        "sent once: a second POST could create a second case"
    );
    assert!(sandbox.postident().case_ids().is_empty());
}

#[tokio::test]
async fn a_create_that_could_not_connect_was_not_sent() {
    let sandbox = common::sandbox().await;
    let (config, _) = common::unreachable_config(&sandbox);
    let e = common::create_fails(&common::provider_with(config), "stage-2").await;
    assert_eq!(e.stage(), Some(FailureStage::Connect));
    assert!(!e.may_have_been_sent());
}
