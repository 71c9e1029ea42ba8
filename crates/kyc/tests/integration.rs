//! The library crate's integration tests, one file per subject, built as one test
//! binary: one link and one process instead of one per file (CI's disk and time).
//! Tests that capture process-wide state (logs, metrics) are targets of their own in
//! Cargo.toml.

mod config;
mod connect_typed;
mod load_token_expiry;
mod load_webhooks;
mod new_case_validation;
mod postident_webhook_ids;
mod properties_normalize;
mod receiver;
mod receiver_bounded;
mod reliability;
mod reliability_webhook_server;
mod support;
mod webhook_proxies;
mod withdrawn_decision;
