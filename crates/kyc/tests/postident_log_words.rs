//! Unknown POSTIDENT words in the log (issue 14 item 7): a status word the guide does not know is
//! logged with a warning — escaped (a newline cannot forge a log line, an ANSI sequence cannot
//! colour or clear the terminal) and cut to its first 64 characters with its length, however
//! long it is. The word comes from the sandbox over HTTP and is read by the adapter, whose code
//! lists are made by the shared `kyc_core::provider_enum!`: the warning names the provider and
//! the code list (`code_list="IdentStatus"`), and nothing of the person the case is about.
//!
//! One test function: the subscriber is process-global.

#[path = "support/log_capture.rs"]
mod log_capture;

use kyc_sandbox::postident::{IdentStatus, Method, Transition};
use kyc_sandbox::{Sandbox, SandboxOptions};
use log_capture::Captured;

#[tokio::test]
async fn unknown_words_are_logged_escaped_and_cut_short() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(captured.make_writer())
        .finish();
    log_capture::install(subscriber);

    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let toml = sandbox.postident_config_toml(None);
    let postident = kyc::connect(&kyc::Config::from_toml(&toml).expect("config")).expect("connect");
    let handle = postident
        .create_case(
            &kyc::NewCase::new("log-words").with_person(kyc::PersonInput::new("Erika", "Gabler")),
        )
        .await
        .expect("create");
    let padding = "x".repeat(10_000);
    let word = format!("teleported\nresolved YR9W91GEZK24 approved\u{1b}[2J{padding}");
    let mut t = Transition::new(Method::Video, IdentStatus::parse(&word));
    t.undocumented = true;
    sandbox
        .postident()
        .apply(handle.case_ref.case_id.as_deref().unwrap(), &t)
        .expect("undocumented transition");
    let case = postident.get_case(&handle.case_ref).await.expect("get");
    // The word itself is kept whole where a program reads it.
    assert!(case.provider_status.contains(&padding));

    let log = captured.text();
    assert!(
        log.contains(r#"code_list="IdentStatus""#) && log.contains(r#"provider="postident""#),
        "the unknown word is reported with its code list: {log}"
    );
    assert!(
        !log.contains("Erika") && !log.contains("Gabler"),
        "no personal data in the log: {log}"
    );
    assert!(
        !log.contains('\u{1b}'),
        "no escape sequence reaches the log"
    );
    assert!(
        !log.lines().any(|l| l.starts_with("resolved")),
        "no forged line: {log}"
    );
    assert!(log.contains("teleported\\nresolved"), "escaped: {log}");
    assert!(
        log.contains(&format!("… ({} characters)", word.chars().count())),
        "cut with its length: {log}"
    );
    assert!(
        !log.contains(&"x".repeat(100)),
        "the 10 KB word is not logged whole"
    );
    assert!(log.len() < 4_000, "{} bytes of log", log.len());
}
