//! The POSTIDENT adapter's integration tests, one file per subject, built as one test
//! binary: one link and one process instead of one per file (CI's disk and time).
//! Tests that capture process-wide state (logs, metrics) are targets of their own in
//! Cargo.toml.

mod common;
/// The provider documents, read as the IDnow adapter's tests read theirs.
#[path = "../../kyc-core/tests/common/provider_documents.rs"]
mod provider_documents;

mod crypto;
mod fixtures_parse;
mod redaction;
mod result_details;
mod sandbox_archive;
mod sandbox_cases;
mod sandbox_create;
mod sandbox_errors;
mod sandbox_failure_stage;
mod sandbox_http_client;
mod sandbox_lists;
mod sandbox_partner;
mod sandbox_result_details;
mod sandbox_webhooks;
mod status_mapping;
