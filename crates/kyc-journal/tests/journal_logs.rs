//! Nothing personal in the journal's logs, and every line about a notice names its case.
//!
//! A test binary of its own: the log capture is a thread-local subscriber, and tracing caches
//! whether a call site is enabled process-wide, so tests running beside it could hide lines.

#[allow(dead_code)]
#[path = "journal/harness.rs"]
mod harness;

use harness::*;
use kyc_core::Provider;
use kyc_sandbox::UserOutcome;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the service's tasks run where the subscriber is installed.
#[tokio::test(flavor = "current_thread")]
async fn journal_logs_name_cases_and_hold_no_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("kyc_journal=trace,kyc_idnow=debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let db = database(Engine::Sqlite, "logs").await.unwrap();
    let (sandbox, _bare, journal, provider, service) =
        journaled_service(&db, Provider::Idnow, "logs").await;
    let txn = unique("lg-");
    let mut new_case = new_case(&txn, None);
    new_case.person.first_name = Some("Wilhelmine".into());
    new_case.person.last_name = Some("Zweifelhaft".into());
    new_case.contact.email = Some("wilhelmine@example.org".into());
    let handle = provider.create_case(&new_case).await.unwrap();
    let sim = simulated_idnow(&txn);
    sandbox.play(&sim, UserOutcome::Start).unwrap();
    wait_delivered(&sandbox, &txn, "START", 1).await;
    sandbox.play(&sim, UserOutcome::Approve).unwrap();
    wait_approved(&journal, &handle.case_ref).await;
    service.stop().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for personal in [
        "WILHELMINE",
        "Wilhelmine",
        "ZWEIFELHAFT",
        "Zweifelhaft",
        "wilhelmine@",
    ] {
        assert!(!logs.contains(personal), "{personal} in the logs:\n{logs}");
    }
    let ident = handle.case_ref.case_id.clone().unwrap();
    let stored: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("webhook stored"))
        .collect();
    assert!(!stored.is_empty(), "{logs}");
    assert!(
        stored.iter().all(|l| l.contains(&ident)),
        "lines name the case: {stored:?}"
    );
    assert!(logs.contains("case version stored") && logs.contains(&txn));
}
