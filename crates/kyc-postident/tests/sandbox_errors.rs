//! How POSTIDENT errors read (issue 14 item 3), against the sandbox over HTTP: the provider's own
//! explanation is kept, the status is said once, the common causes read differently and carry
//! a hint, and a create that got no answer says whether a case may exist and how to find it.

use crate::common;

use kyc_core::{ErrorKind, KycProvider, Secret};
use kyc_postident::Encryption;

/// The part of an error's `Display` before the `(HTTP nnn ...)` suffix.
fn headline(e: &kyc_core::Error) -> String {
    e.to_string()
        .split(" (HTTP")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_wrong_data_password_keeps_postidents_explanation_and_points_at_the_key() {
    let sandbox = common::sandbox().await;
    let created = common::create(&common::provider(&sandbox), "err-key").await;
    let wrong_password = common::provider_where(&sandbox, |c| {
        c.encryption = Encryption::Enabled {
            private_key: common::fixed_key(),
            data_password: Secret::new("not-the-data-password"),
        }
    });
    let e = wrong_password
        .get_case(&created.case_ref)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let shown = e.to_string();
    assert_eq!(shown.matches("HTTP 400").count(), 1, "said once: {shown}");
    assert!(!shown.contains("answered HTTP"), "{shown}");
    // The provider's words are kept where a program (or the CLI) can show them.
    let said = e.provider_detail().and_then(|d| d.message.clone()).unwrap();
    assert!(said.contains("x-scr-keyhash"), "{said}");
    assert!(said.contains("data password"), "{said}");
    // And the hint says what to check, by configuration key.
    let hint = e.hint().expect("a hint");
    assert!(hint.contains("data_password"), "{hint}");
    assert!(
        shown.ends_with(hint),
        "the hint follows the message: {shown}"
    );
    assert!(!shown.contains("not-the-data-password"));
}

#[tokio::test]
async fn wrong_credentials_an_unknown_case_and_a_duplicate_reference_read_differently() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);

    let duplicate = common::create_twice(&postident, "err-dup").await;
    assert_eq!(duplicate.kind(), ErrorKind::Conflict);
    assert!(
        headline(&duplicate).contains("referenceId is already used"),
        "{duplicate}"
    );
    let hint = duplicate.hint().unwrap();
    assert!(hint.contains("\"err-dup\""), "names the reference: {hint}");

    let unknown_case = common::unknown_case();
    let unknown = postident.get_case(&unknown_case).await.unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
    assert!(
        headline(&unknown).contains("does not know this caseId"),
        "{unknown}"
    );
    assert!(unknown.hint().unwrap().contains("caseId"));

    let wrong_password = common::provider_where(&sandbox, |c| {
        c.password = Secret::new("wrong-password");
    });
    let refused = wrong_password.get_case(&unknown_case).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Authentication);
    assert!(
        headline(&refused).contains("did not accept the credentials"),
        "{refused}"
    );
    let hint = refused.hint().unwrap();
    for key in [
        "postident.username",
        "postident.password",
        "postident.client_id",
    ] {
        assert!(hint.contains(key), "{hint}");
    }
    assert!(!refused.to_string().contains("wrong-password"));

    let headlines = [headline(&duplicate), headline(&unknown), headline(&refused)];
    assert_ne!(headlines[0], headlines[1]);
    assert_ne!(headlines[1], headlines[2]);
    assert_ne!(headlines[0], headlines[2]);
    for e in [&duplicate, &unknown, &refused] {
        assert_eq!(e.to_string().matches("HTTP ").count(), 1, "{e}");
    }
}

#[tokio::test]
async fn a_create_without_an_answer_names_the_url_and_says_whether_a_case_may_exist() {
    let sandbox = common::sandbox().await;
    let postident = common::provider(&sandbox);

    // The connection is cut after the request arrived: a case may exist.
    common::reset_next_create(&sandbox);
    let e = common::create_fails(&postident, "err-cut").await;
    assert_eq!(e.kind(), ErrorKind::Transient);
    let shown = e.to_string();
    let cases_url = sandbox.postident().cases_url();
    assert!(shown.contains(cases_url.as_str()), "names the URL: {shown}");
    let hint = e.hint().expect("a hint");
    assert!(hint.contains("may have been created"), "{hint}");
    assert!(
        hint.contains("\"err-cut\""),
        "says what to look for: {hint}"
    );

    // Nothing listens: nothing can have been created.
    let (mut config, port) = common::unreachable_config(&sandbox);
    config.http.max_retries = 0;
    let unreachable = common::provider_with(config);
    let e = common::create_fails(&unreachable, "err-down").await;
    let shown = e.to_string();
    assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
    assert!(e.hint().unwrap().contains("no case was created"), "{e}");
}
