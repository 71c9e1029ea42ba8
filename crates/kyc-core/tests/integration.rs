//! The neutral model's integration tests, one file per subject, built as one test
//! binary: one link and one process instead of one per file (CI's disk and time).
//! Tests that capture process-wide state (logs, metrics) are targets of their own in
//! Cargo.toml.

mod common;

mod case_json;
mod properties;
mod public_construction;
mod redaction;
