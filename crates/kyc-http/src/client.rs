//! Building `reqwest` clients from [`HttpOptions`], once per process.
//!
//! Building a client sets up TLS. With `native-tls` (OpenSSL 3 on Linux) that parses the system
//! CA bundle, twice, which costs 80–110 ms of CPU; with `rustls` the webpki roots are compiled in
//! and building costs well under a millisecond (measured by `cargo bench -p kyc --bench
//! client_cost`). Either way a process that builds several providers from one configuration
//! should pay it once: [`shared_client`] keeps one client per distinct set of timeouts.
//!
//! When both TLS features are on, rustls is used: enabling `rustls` is the explicit choice,
//! `native-tls` the default one.

use kyc_core::{Error, ErrorKind, HttpOptions};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// A new `reqwest` client with the timeouts of `options` (connect, whole request, between two
/// reads) and this library's user agent, over rustls when the `rustls` feature is on.
pub fn build_client(options: &HttpOptions) -> kyc_core::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .read_timeout(options.read_timeout)
        .user_agent(concat!("kyc-rs/", env!("CARGO_PKG_VERSION")));
    #[cfg(feature = "rustls")]
    let builder = builder.use_rustls_tls();
    builder.build().map_err(|e| {
        Error::new(
            ErrorKind::Configuration,
            "the HTTP client could not be built (TLS set-up failed)",
        )
        .with_source(e)
    })
}

/// The process-wide client for these timeouts, built on first use and shared afterwards (it
/// shares its connection pool, too).
pub fn shared_client(options: &HttpOptions) -> kyc_core::Result<reqwest::Client> {
    type Key = (Duration, Duration, Duration);
    static CLIENTS: OnceLock<Mutex<HashMap<Key, reqwest::Client>>> = OnceLock::new();
    let key = (
        options.connect_timeout,
        options.request_timeout,
        options.read_timeout,
    );
    let clients = CLIENTS.get_or_init(Default::default);
    let mut clients = clients.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    let client = build_client(options)?;
    clients.insert(key, client.clone());
    Ok(client)
}
