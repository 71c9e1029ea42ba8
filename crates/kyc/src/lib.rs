//! Identity verification (KYC) through **IDnow AutoIdent** or **Deutsche Post POSTIDENT
//! (SCR-Ident)** behind one provider-neutral model and one async trait. Switch provider by
//! configuration alone.
//!
//! ```no_run
//! # async fn run() -> kyc::Result<()> {
//! use kyc::{Config, NewCase, KycProvider};
//!
//! let config = Config::load("kyc.toml")?;          // TOML + KYC_* environment overrides
//! let provider: Box<dyn KycProvider> = kyc::connect(&config)?;
//!
//! let mut new_case = NewCase::new("order-4711");
//! new_case.person.first_name = Some("Erika".into());
//! new_case.person.last_name = Some("Mustermann".into());
//! let handle = provider.create_case(&new_case).await?;
//! println!("send the user to {}", handle.user_url);
//!
//! // later, e.g. from a webhook:
//! let case = provider.get_case(&handle.case_ref).await?;
//! println!("{} is {}", case.case_ref, case.status);
//! # Ok(()) }
//! ```
//!
//! The neutral model lives in [`kyc_core`] and is re-exported here; the adapters are
//! [`kyc_idnow`] and [`kyc_postident`], whose typed clients reach what only one provider offers.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `idnow` | yes | the IDnow AutoIdent adapter ([`kyc_idnow`]) |
//! | `postident` | yes | the POSTIDENT SCR-Ident adapter ([`kyc_postident`]) |
//! | `config` | yes | [`Config`] (`kyc.toml` + `KYC_*` overrides), [`connect`], [`connect_typed`] |
//! | `webhook-server` | yes | [`webhook_server`]: the webhook endpoint as an axum router |
//! | `journal` | via the next two | the case journal ([`kyc_journal`], [`open_journal`]) |
//! | `journal-sqlite` | yes | the journal on SQLite (`sqlite://kyc.db`, the embedded default) |
//! | `journal-postgres` | yes | the journal on PostgreSQL (`postgres://...`) |
//! | `native-tls` | yes | HTTPS to the providers through the platform's TLS (OpenSSL on Linux) |
//! | `rustls` | no | HTTPS through rustls and the webpki roots instead |
//!
//! A bank that uses one provider compiles only its adapter, e.g.
//! `kyc = { version = "0.1", default-features = false, features = ["postident", "config",
//! "native-tls"] }`. A configuration that names a provider this build leaves out is refused
//! when it is loaded, naming the feature.

#[cfg(feature = "config")]
pub mod config;
pub mod receiver;
#[cfg(feature = "webhook-server")]
pub mod webhook_server;

#[cfg(all(feature = "config", feature = "journal"))]
pub use config::open_journal;
#[cfg(feature = "config")]
pub use config::Config;
#[cfg(all(feature = "config", any(feature = "idnow", feature = "postident")))]
pub use config::{connect, connect_api_only, connect_typed, ConfiguredProvider};
pub use kyc_core::*;
#[cfg(feature = "journal")]
pub use kyc_journal::{Journal, JournaledProvider};
pub use receiver::WebhookReceiver;

/// The IDnow AutoIdent adapter (typed client, wire types, status mapping).
#[cfg(feature = "idnow")]
pub use kyc_idnow;
/// The case journal: durable webhook intake, workers, attempts, reconciliation, read API.
#[cfg(feature = "journal")]
pub use kyc_journal;
/// The POSTIDENT SCR adapter (typed client, JWE, code tables, mapping).
#[cfg(feature = "postident")]
pub use kyc_postident;

/// The README's code examples, compiled as doc tests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
