//! IDnow AutoIdent adapter for the `kyc` library.
//!
//! * [`IdnowProvider`] implements [`kyc_core::KycProvider`]: create an ident, read it as a
//!   neutral [`kyc_core::Case`], list, archive, fetch artifacts, verify and resolve webhooks.
//! * [`Client`] is the typed client for every request of IDnow's API (login, idents, result
//!   files, copy, binding key, system check, QES/eSign document definitions and documents).
//! * [`wire`] holds the lenient serde types of everything IDnow sends; [`xml`] reads the XML
//!   result into the same types; [`status_mapping`] is the one table from IDnow's result and
//!   reason words to the neutral status and reason categories; [`mapping`] builds the neutral
//!   case; [`artifacts`] reads the result ZIP and verifies the XML signature; [`webhook`] tells
//!   the webhook types apart (which notice wins is `kyc_core::Case::supersedes`).
//!
//! ```no_run
//! # async fn run() -> kyc_core::Result<()> {
//! use kyc_core::{KycProvider, NewCase};
//! use kyc_idnow::{Environment, IdnowConfig, IdnowProvider};
//!
//! let config = IdnowConfig::for_environment(Environment::TestDe, "democompany", "api-key");
//! let provider = IdnowProvider::new(config)?;
//! let mut new_case = NewCase::new("order-4711");
//! new_case.person.first_name = Some("X-MANUALTEST-HAPPYPATH".into());
//! let handle = provider.create_case(&new_case).await?;
//! println!("send the user to {}", handle.user_url);
//! // `Created` until an attempt has ended: IDnow has no data before (see `docs/idnow.md`).
//! let case = provider.get_case(&handle.case_ref).await?;
//! println!("{} is {}", case.case_ref, case.status);
//! # Ok(()) }
//! ```
//!
//! `docs/idnow.md` lists the decisions taken where IDnow's documents are silent.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod artifacts;
pub mod auth;
pub mod client;
pub mod config;
pub mod create_rules;
pub mod error;
pub mod mapping;
pub mod normalize;
pub mod provider;
pub mod status_mapping;
#[cfg(test)]
mod test_inputs;
pub mod webhook;
pub mod wire;
pub mod xml;

pub use client::{Client, CreateOutcome, FetchedIdent, IdentListFilter};
pub use config::{AccountSetup, Environment, IdnowConfig};
pub use create_rules::validate_new_case;
pub use error::IdnowError;
pub use provider::IdnowProvider;

/// The neutral model this adapter maps into (re-exported for convenience).
pub use kyc_core;
