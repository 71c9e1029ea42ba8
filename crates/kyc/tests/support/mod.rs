//! Helpers shared by the modules of the `integration` binary. (`log_capture.rs` beside this file
//! belongs to the log-capturing binaries, which include it by `#[path]`.)

pub mod webhook_listener;
