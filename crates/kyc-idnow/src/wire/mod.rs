//! Serde types for everything IDnow sends and receives, parsed leniently.
//!
//! * [`ident`]: the ident result (GET ident, list, webhook body, XML result).
//! * [`api`]: login, create, copy, binding key, QES/eSign documents, error body.

pub mod api;
pub mod ident;

pub use api::*;
pub use ident::*;
