//! A shutdown signal shared by the webhook server, workers and reconciliation: trigger it once,
//! and each finishes what it has claimed, then stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// A one-way switch: [`Shutdown::trigger`] once, everyone waiting in [`Shutdown::wait`] wakes.
#[derive(Clone, Default, Debug)]
pub struct Shutdown {
    inner: Arc<(AtomicBool, Notify)>,
}

impl Shutdown {
    /// A switch that is off.
    pub fn new() -> Self {
        Shutdown::default()
    }

    /// Turns it on (idempotent).
    pub fn trigger(&self) {
        self.inner.0.store(true, Ordering::SeqCst);
        self.inner.1.notify_waiters();
    }

    /// True once triggered.
    pub fn is_triggered(&self) -> bool {
        self.inner.0.load(Ordering::SeqCst)
    }

    /// Resolves once triggered.
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.1.notified();
            if self.is_triggered() {
                return;
            }
            notified.await;
        }
    }
}
