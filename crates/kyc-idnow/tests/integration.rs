//! The IDnow adapter's integration tests, one file per subject, built as one test
//! binary: one link and one process instead of one per file (CI's disk and time).
//! Tests that capture process-wide state (logs, metrics) are targets of their own in
//! Cargo.toml.

mod common;
/// The provider documents, read as the POSTIDENT adapter's tests read theirs.
#[path = "../../kyc-core/tests/common/provider_documents.rs"]
mod provider_documents;

mod api_esign;
mod api_files;
mod api_idents;
mod api_login;
mod artifacts;
mod errors;
mod http_client;
mod mapping;
mod provider;
mod redaction;
mod robustness;
mod status_mapping;
mod webhooks;
mod wire_fixtures;
