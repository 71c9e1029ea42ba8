//! What the adapter logs: words IDnow sent that it does not know, escaped and cut, so that a
//! hostile or broken payload can neither forge log lines nor flood the log; and what a create
//! leaves to IDnow (+49 for a number without country code) or does not send, without values.

mod common;

use kyc_core::KycProvider;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was logged so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// A subscriber that writes plain log lines (no colours) into the returned buffer.
fn capturing_subscriber() -> (impl tracing::Subscriber + Send + Sync, Captured) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (subscriber, captured)
}

/// What `f` logs.
fn logs_of(f: impl FnOnce()) -> String {
    let (subscriber, captured) = capturing_subscriber();
    tracing::subscriber::with_default(subscriber, f);
    captured.text()
}

#[test]
fn unknown_words_are_logged_escaped_and_cut() {
    let word = format!(
        "FORGED\nINFO resolved case approved\u{1b}[31m{}",
        "X".repeat(10_000)
    );
    let body = serde_json::json!({
        "identificationprocess": {"result": word, "reason": word, "transactionnumber": "t-1"}
    });
    let logs = logs_of(|| {
        let notice = kyc_idnow::webhook::parse_webhook_body(body.to_string().as_bytes()).unwrap();
        // The case keeps the word verbatim; only the log is cut.
        assert_eq!(notice.case().unwrap().unwrap().provider_status, word);
    });
    let lines: Vec<&str> = logs.lines().collect();
    assert!(lines.len() >= 2, "{logs}");
    for line in &lines {
        assert!(line.contains("WARN"), "one warning per line: {line}");
        assert!(line.len() < 400, "a cut word: {} bytes", line.len());
        assert!(!line.contains('\u{1b}'), "no raw escape sequence: {line}");
    }
    assert!(
        logs.contains("FORGED\\nINFO resolved case approved\\x1b[31m"),
        "{logs}"
    );
    let length = format!("({} characters)", word.chars().count());
    assert!(logs.contains(&length), "{logs}");
}

#[tokio::test]
async fn create_says_what_idnow_will_assume_or_not_get_without_logging_values() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let provider = common::provider(&sb);
    let reference = common::txn("mobile");
    let mut new_case = kyc_core::NewCase::new(&reference);
    new_case.contact.mobile_phone = Some("0151 23411232".into());
    new_case.person.birth_name = Some("Gabler".into());
    let (subscriber, captured) = capturing_subscriber();
    let guard = tracing::subscriber::set_default(subscriber);
    provider.create_case(&new_case).await.unwrap();
    drop(guard);
    let logs = captured.text();
    for said in [
        "IDnow assumes +49",
        "birthname and title are not in IDnow's Create Ident table",
    ] {
        assert!(logs.contains(said), "{logs}");
    }
    for value in ["23411232", "Gabler"] {
        assert!(!logs.contains(value), "{logs}");
    }
    // IDnow (here the sandbox) dials the number with +49.
    let snapshot = sb
        .idnow()
        .ident(sb.idnow().company_id(), &reference)
        .unwrap();
    assert_eq!(
        snapshot.mobile_number_dialled.as_deref(),
        Some("+4915123411232")
    );
    assert!(kyc_idnow::provider::has_country_code("+43 664 1234567"));
    assert!(kyc_idnow::provider::has_country_code("0043 664 1234567"));
    assert!(!kyc_idnow::provider::has_country_code("0151 23411232"));
}
