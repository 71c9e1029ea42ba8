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

pub mod config;
pub mod receiver;
pub mod webhook_server;

pub use config::{connect, open_journal, Config};
pub use kyc_core::*;
pub use kyc_journal::{Journal, JournaledProvider};
pub use receiver::WebhookReceiver;

/// The IDnow AutoIdent adapter (typed client, wire types, status mapping).
pub use kyc_idnow;
/// The case journal: durable webhook intake, workers, attempts, reconciliation, read API.
pub use kyc_journal;
/// The POSTIDENT SCR adapter (typed client, JWE, code tables, mapping).
pub use kyc_postident;

/// The README's code examples, compiled as doc tests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
