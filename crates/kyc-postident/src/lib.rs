//! Deutsche Post POSTIDENT (SCR-Ident) adapter for the `kyc` library.
//!
//! * [`PostidentProvider`] implements the provider-neutral [`kyc_core::KycProvider`] trait.
//! * [`Client`] is the typed client for every SCR-Ident operation (create, single case primary
//!   and `/full` with `includeResultPdf`/`includeBinaryData`, status calls, lists with every
//!   filter and `X-PARTIAL-DELIVERY`, archiving in batches of 10,000, and
//!   [`Client::list_all_archiving_each_page`], which **archives** what it reads).
//! * [`crypto`] computes `x-scr-key`/`x-scr-keyhash` and decrypts JWE results.
//! * [`wire`] holds serde types for every object of the result guide, parsed leniently.
//! * [`status_mapping`] is the one file with every documented status code and its neutral
//!   meaning; [`mapping`] builds the neutral [`kyc_core::Case`].
//! * [`webhook`] parses and verifies webhooks (with the documented source addresses as a ready
//!   allowlist). Answer 200 within 2 seconds, fetch the case afterwards.
//!
//! ```no_run
//! # async fn run() -> kyc_core::Result<()> {
//! use kyc_core::{KycProvider, NewCase, Secret};
//! use kyc_postident::{Encryption, Environment, PostidentConfig, PostidentProvider, PrivateKey};
//!
//! let pem = std::fs::read_to_string("/run/secrets/postident_key.pem").unwrap();
//! let config = PostidentConfig::new(
//!     Environment::Integration.base_url(),
//!     "ABCDEF12",
//!     "api-user",
//!     Secret::new("api-password"),
//!     Encryption::Enabled {
//!         private_key: PrivateKey::from_pkcs8_pem(&pem)?,
//!         data_password: Secret::new("data-password"),
//!     },
//! );
//! let postident = PostidentProvider::new(config)?;
//! let handle = postident.create_case(&NewCase::new("order-4711")).await?;
//! println!("send the user to {}", handle.user_url);
//! # Ok(()) }
//! ```
//!
//! Everything POSTIDENT sends is parsed leniently (every field optional, unknown fields ignored,
//! unknown values kept as an opaque `Unknown` with a warning, `"true"` and `true` alike); an answer
//! that cannot be understood is an error keeping the raw body. Secrets and personal data never
//! appear in `Debug` output, logs or error messages. `docs/postident.md` explains the details
//! and every assumption made where the provider documents are silent.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod create_rules;
pub mod crypto;
pub mod error;
pub mod ids;
pub mod mapping;
pub mod normalize;
pub mod provider;
pub mod status_mapping;
pub mod webhook;
pub mod wire;

/// The provider-neutral model this adapter implements (re-exported so programs that use only
/// this adapter need no second dependency).
pub use kyc_core;

pub use client::{CaseListResponse, CaseResponse, Client, GetCaseOptions, ListQuery};
pub use config::{Encryption, Environment, PostidentConfig, Role};
pub use create_rules::validate_new_case;
pub use crypto::PrivateKey;
pub use error::PostidentError;
pub use provider::PostidentProvider;
