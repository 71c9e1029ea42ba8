//! Log capture for the test binaries that read what the library logs (`postident_log_words`,
//! `tracing_redaction`): each includes this file with `#[path]`, since each must be a process
//! of its own (tracing caches call-site interest process-wide).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything written to it, kept in memory; clones share the same buffer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// What was written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// A writer factory for `tracing_subscriber::fmt().with_writer(..)` appending to this capture.
    pub fn make_writer(&self) -> impl Fn() -> Captured + Send + Sync + 'static {
        let captured = self.clone();
        move || captured.clone()
    }
}

/// Installs `subscriber` as the process-global subscriber; fails the test if there is one already.
pub fn install(subscriber: impl Into<tracing::Dispatch>) {
    tracing_subscriber::util::SubscriberInitExt::try_init(subscriber.into())
        .expect("the only subscriber of this test binary");
}
