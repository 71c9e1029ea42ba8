//! The case journal: what happened to every case, durably, on SQLite (embedded default) or
//! PostgreSQL (several instances).
//!
//! ```text
//! HTTP webhook ─▶ verify (adapter, no I/O) ─▶ append raw notice (journal) ─▶ 200
//!                                                 │ (503 when the append fails)
//!                 worker: claim ─▶ parse_webhook ─▶ resolve_webhook (reads the provider)
//!                         ─▶ store the case version if it supersedes the stored one,
//!                            and the attempts ─▶ notice done (or retry with backoff, or parked)
//!                 reconciliation: re-read what may still change; resolve lost creates
//!                 read side: Journal::{cases, case, attempts}, read_api::read_router
//! ```
//!
//! * [`Journal`]: the database (sqlx; migrations run on open), the read side, retention.
//! * [`Intake`] / [`intake::webhook_router`]: durable webhook intake.
//! * [`Worker`], [`Reconciler`]: resolution and catching up.
//! * [`JournaledProvider`]: any `KycProvider` with the journal's memory (created cases, create
//!   intents, what webhooks said before the provider has data).
//! * [`Service`]: all of it for one instance (`kyc serve`).
//!
//! `docs/journal.md` describes the schema, the guarantees, the dedupe key and how to run several
//! instances on PostgreSQL.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod attempts;
pub mod error;
pub mod intake;
pub mod options;
pub mod provider;
pub mod read;
pub mod read_api;
pub mod reconcile;
pub mod retention;
pub mod service;
pub mod shutdown;
pub mod store;
pub mod versions;
pub mod worker;

pub use error::{JournalError, Result};
pub use intake::{Appended, Intake, WebhookSink};
pub use options::{JournalOptions, RetryDecision, RetryPolicy};
pub use provider::{answer_was_lost, IntentRecord, IntentState, JournaledProvider};
pub use read::{AttemptRecord, CaseQuery, CaseRecord, NoticeRecord, Page};
pub use reconcile::{ReconcileReport, Reconciler};
pub use retention::PurgeReport;
pub use service::{Service, ServiceConfig};
pub use shutdown::Shutdown;
pub use store::{Backend, Journal};
pub use versions::{journal_supersedes, Source, StoreOutcome};
pub use worker::{RoundReport, Worker};
