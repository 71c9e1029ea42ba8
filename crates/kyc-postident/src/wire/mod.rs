//! Serde types for everything POSTIDENT SCR sends and receives: the create request and response
//! (Guide 1, reconstructed in `public-facts.md`) and every object of section 8 of the result
//! guide (Guide 2).
//!
//! Parsing is lenient on purpose (see the crate docs): every field is optional, unknown fields
//! are ignored, unknown enum values are kept as an opaque `Unknown`, `"true"` reads as `true`, and
//! `null`, `{}` and missing objects all mean "not there". Types holding personal data implement
//! `Debug` by hand and print `[redacted]` instead of values.

mod additional;
mod checked;
mod enums;
mod order;
mod result;
mod strict;

pub use additional::{
    AdditionalDataBasic, AdditionalDataEid, AdditionalDataVideo,
    AdditionalInformationForIdCardCheck, FailedCheckOfIdCardReader, IdCardReaderCheck,
    IdCardReaderCheckCategory,
};
pub use checked::CheckedValue;
pub use enums::{
    CaseProgress, DocumentType, FieldStatus, IdentStatus, IdentificationMethod, PreferredLanguage,
    RecordOwner, RecordType, TanChannel, ValidationStatus, ValidationSubStatus,
};
pub use order::{
    AddressProvided, AppStart, CallbackUrl, ContactDataProvided, CreateCaseRequest,
    CreateCaseResponse, CustomData, DrivingLicenceClassProvided, DrivingLicenceProvided,
    IdentificationDocumentProvided, OrderData, ProcessData, WebStart,
};
pub use result::{
    parse_timestamp, AccountingData, AddressMatch, AddressResult, ArchivedCase, CaseResult,
    CaseStatus, CodeDescription, ContactDataResult, DrivingLicenceClassesResult,
    DrivingLicenceResult, IdentificationDocumentResult, IdentificationResult, IdentificationStatus,
    RecordResult, WebhookBody,
};
