//! How far a failed `reqwest` request got ([`kyc_core::FailureStage`]), and the core error that
//! says so.

use kyc_core::{Error, ErrorKind, FailureStage, Provider};

/// Classifies a `reqwest` error by how far the request got. `answered` is true when the error
/// happened while reading a response whose status had arrived (the body broke off).
pub fn classify(error: &reqwest::Error, answered: bool) -> FailureStage {
    if error.is_builder() {
        FailureStage::Construction
    } else if error.is_connect() {
        FailureStage::Connect
    } else if error.is_timeout() {
        FailureStage::Timeout
    } else if answered || error.is_body() || error.is_decode() {
        FailureStage::Response
    } else {
        FailureStage::Dispatch
    }
}

/// The core error for a transport failure of `operation` against `url`: kind
/// [`ErrorKind::Transient`] ([`ErrorKind::Configuration`] for a request that could not be
/// built), the [`FailureStage`], the URL without its query, and the `reqwest` error as source
/// (without its URL, which it would repeat with the query).
pub fn transport_error(
    provider: Provider,
    operation: &str,
    url: &url::Url,
    stage: FailureStage,
    error: reqwest::Error,
) -> Error {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    let what = match stage {
        FailureStage::Construction => "could not be built",
        FailureStage::Connect => "could not connect",
        FailureStage::Dispatch => "connection failed while waiting for the answer",
        FailureStage::Timeout => "no answer within the timeout",
        _ => "the answer broke off",
    };
    let kind = if stage == FailureStage::Construction {
        ErrorKind::Configuration
    } else {
        ErrorKind::Transient
    };
    Error::new(kind, format!("{operation}: {what} ({shown})"))
        .with_provider(provider)
        .with_stage(stage)
        .with_source(error.without_url())
}
