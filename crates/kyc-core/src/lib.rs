//! The provider-neutral core of the `kyc` library: what a KYC case is, where it can go, and how
//! to ask any provider for it.
//!
//! * A caller opens a case with a [`NewCase`] and gets a [`CaseHandle`]: the [`CaseRef`] to look
//!   the case up later and the URL to send the user to.
//! * The user identifies at the provider. The case moves through one lifecycle, [`CaseStatus`]:
//!   `Created` → `InProgress` → (`Retryable` ↺) → `ReviewPending` → `Approved` / `Declined`,
//!   or `Expired` / `Closed`. Why it stands where it does is a list of [`Reason`]s: a neutral
//!   [`ReasonCategory`] plus the provider's code, verbatim.
//! * The provider notifies the caller's webhook; [`webhook::WebhookAuth`] verifies it, the
//!   adapter parses it into a [`webhook::WebhookNotice`] and resolves it to the current [`Case`].
//! * A [`Case`] holds the [`VerifiedIdentity`] (every field with how it was checked: match,
//!   changed with the original, new, original only), the [`Attempt`]s, the [`Artifact`]s (PDF,
//!   images, signed documents) and the provider's raw JSON.
//! * Every provider implements one async trait, [`KycProvider`]; [`Capabilities`] says what a
//!   provider offers beyond it.
//!
//! Errors are one [`Error`] type classified by [`ErrorKind`] (invalid input, authentication,
//! not found, conflict, transient, throttled, provider, decryption, unsupported, configuration).
//! Secrets use [`Secret`]; `Debug` of every type holding personal data is redacted.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod capabilities;
pub mod case;
pub mod country;
pub mod details;
pub mod error;
pub mod http_options;
pub mod identity;
pub mod instrumented;
pub mod kyc_provider;
pub mod listing;
pub mod net;
pub mod new_case;
pub mod provider;
pub mod raw_json;
pub mod redact;
pub mod secret;
pub mod status;
pub mod telemetry;
pub mod validation;
pub mod webhook;
#[cfg(feature = "axum")]
pub mod webhook_endpoint;
pub mod wire;

mod setters;

pub use capabilities::Capabilities;
pub use case::{
    AppLink, Artifact, ArtifactKind, ArtifactSource, Attempt, Case, CaseHandle, CaseRef,
    IdentMethod, Timestamp,
};
pub use country::Country;
pub use details::{
    Accounting, AddressDocument, AttemptDetails, CouponRequests, DocumentReaderCheck,
    IdentLocation, ProofOfAddress, ReviewTrail, SigningResult,
};
pub use error::{Error, ErrorKind, FailureStage, ProviderErrorDetail, RawBody, Result};
pub use http_options::HttpOptions;
pub use identity::{
    Checked, DocumentKind, FieldCheck, LicenceClass, PostalCheck, VerifiedAddress, VerifiedContact,
    VerifiedDocument, VerifiedIdentity, VerifiedPerson,
};
pub use instrumented::Instrumented;
pub use kyc_provider::KycProvider;
pub use listing::{ArchiveOutcome, CaseFilter, CaseList};
pub use new_case::{
    AddressInput, CallbackUrl, CallbackUrls, ContactInput, DocumentInput, Gender, Language,
    NewCase, PersonInput,
};
pub use provider::Provider;
pub use raw_json::RawJson;
pub use secret::Secret;
pub use status::{CaseStatus, Reason, ReasonCategory, ReasonSource};
pub use validation::{FieldViolation, Validator};

/// What macros of this crate (`provider_enum!`) need from other crates, whatever the caller
/// depends on. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// Re-exported so adapters and callers implement [`KycProvider`] with the same macro version.
pub use async_trait::async_trait;
