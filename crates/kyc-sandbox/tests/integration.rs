//! The sandbox's integration tests, one file per subject, built as one test
//! binary: one link and one process instead of one per file (CI's disk and time).
//! Tests that capture process-wide state (logs, metrics) are targets of their own in
//! Cargo.toml.

mod support;

mod browser_pages;
mod idnow_auth;
mod idnow_esign;
mod idnow_faults;
mod idnow_files;
mod idnow_idents;
mod idnow_user_page;
mod idnow_webhooks;
mod postident_case_starts;
mod postident_cases;
mod postident_encryption;
mod postident_error_bodies;
mod postident_faults;
mod postident_lists;
mod postident_partner;
mod postident_result_details;
mod postident_states;
mod postident_user_page;
mod postident_webhook_control;
mod postident_webhooks;
mod sandbox_server;
