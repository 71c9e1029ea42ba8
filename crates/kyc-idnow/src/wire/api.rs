//! Request and response bodies of the IDnow API besides the ident result: login, create,
//! copy, binding key, QES/eSign documents, and the common error body.

use kyc_core::wire::lenient;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /login` body. `Debug` is redacted.
#[derive(Clone, Serialize)]
pub struct LoginRequest<'a> {
    /// The API key.
    #[serde(rename = "apiKey")]
    pub api_key: &'a str,
}

impl fmt::Debug for LoginRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginRequest { api_key: [redacted] }")
    }
}

/// `POST /login` answer. `Debug` is redacted.
#[derive(Clone, Deserialize)]
pub struct LoginResponse {
    /// The login token (a JWT) for `X-API-LOGIN-TOKEN`.
    #[serde(rename = "authToken")]
    pub auth_token: String,
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginResponse { auth_token: [redacted] }")
    }
}

/// `POST /identifications/{txn}/start` body: the user data known before identification.
/// Every field optional; absent fields are not sent. `Debug` is redacted.
///
/// The document's Create Ident table lists birthday, birthplace, custom1–5, email, firstname,
/// gender, lastname, mobilephone, nationality, zipcode, city, street, streetnumber and country;
/// IDnow answers 400 `UNRECOGNIZED_FIELD` to other fields an account does not accept. `birthname`,
/// `title` and `preferredLang` are therefore set by [`crate::provider::create_request`] only when
/// [`crate::AccountSetup`] says the account takes them.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateIdentRequest {
    /// Birth date `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// Birthplace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthplace: Option<String>,
    /// Birth name. Not in the Create Ident table: only for accounts that accept it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthname: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country, 2-char code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Custom field 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom1: Option<String>,
    /// Custom field 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom2: Option<String>,
    /// Custom field 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom3: Option<String>,
    /// Custom field 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom4: Option<String>,
    /// Custom field 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom5: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    /// `MALE`, `FEMALE` or `OTHER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    /// Mobile phone (`+49` assumed without a country code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobilephone: Option<String>,
    /// Nationality, ISO 3166 alpha-2 uppercase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// House number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streetnumber: Option<String>,
    /// Academic title. Not in the Create Ident table: only for accounts that accept it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Zip code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zipcode: Option<String>,
    /// QES with the Namirial TSP: the signing language (mandatory there, unknown elsewhere).
    #[serde(rename = "preferredLang", skip_serializing_if = "Option::is_none")]
    pub preferred_lang: Option<String>,
}

impl fmt::Debug for CreateIdentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CreateIdentRequest { .. redacted .. }")
    }
}

/// Answer of a create (`201`) or update (`200`): the IdentID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CreateIdentResponse {
    /// The IdentID, e.g. `TST-FXWFG` (may be absent on a `200` update).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
}

/// `POST /identifications/{txn}/copy` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyIdentRequest {
    /// The shortname to copy to.
    pub target_companyid: String,
    /// The transaction number in the target account.
    pub target_transactionnumber: String,
}

/// `GET /identifications/{txn}/bindingKey` answer. `Debug` is redacted.
#[derive(Clone, Deserialize)]
pub struct BindingKeyResponse {
    /// The binding key (a JWT-like token).
    #[serde(rename = "bindingKey")]
    pub binding_key: String,
}

impl fmt::Debug for BindingKeyResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BindingKeyResponse { binding_key: [redacted] }")
    }
}

kyc_core::provider_enum! {
    /// How the signing page renders a PDF.
    pub enum ViewPolicy for "idnow" {
        /// Fixed height.
        Default => "DEFAULT",
        /// The whole PDF on a scrolling page.
        Scroll => "SCROLL",
    }
}

kyc_core::provider_enum! {
    /// State of a document to be signed.
    pub enum SigningDocumentStatus for "idnow" {
        /// Not uploaded yet.
        NeedUpload => "NEED_UPLOAD",
        /// Uploaded, not signed yet.
        Uploaded => "UPLOADED",
        /// Signed.
        Signed => "SIGNED",
    }
}

/// A QES/eSign document definition (`/documentdefinitions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentDefinition {
    /// Must be `false` (contract documents are mandatory).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub optional: Option<bool>,
    /// Display name (no accents or special characters).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// Identifier used in URLs (word characters, words joined by `_`).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub identifier: Option<String>,
    /// Always `application/pdf`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub mime_type: Option<String>,
    /// Position (from 1); the document is inserted before it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub sort_order: Option<i64>,
    /// `DEFAULT` or `SCROLL`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_word"
    )]
    pub view_policy: Option<ViewPolicy>,
}

impl DocumentDefinition {
    /// A mandatory PDF definition, as the provider requires for create.
    pub fn pdf(identifier: impl Into<String>, name: impl Into<String>) -> Self {
        DocumentDefinition {
            optional: Some(false),
            name: Some(name.into()),
            identifier: Some(identifier.into()),
            mime_type: Some("application/pdf".into()),
            sort_order: None,
            view_policy: None,
        }
    }
}

/// A document to be signed within an ident (`/identifications/{txn}/documents`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SigningDocument {
    /// Display name.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    /// SHA-256 of the uploaded document (hex).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub hash: Option<String>,
    /// First 12 hex digits of the hash, grouped `xxxx-xxxx-xxxx`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub display_hash: Option<String>,
    /// `NEED_UPLOAD`, `UPLOADED` or `SIGNED`.
    #[serde(deserialize_with = "lenient::opt_word")]
    pub status: Option<SigningDocumentStatus>,
    /// The definition the document belongs to.
    pub document_definition: Option<DocumentDefinition>,
}

/// One entry of the error body `{"errors": [...]}`. `Debug` shows `message` only as present or
/// absent (as [`kyc_core::ProviderErrorDetail`] does): it may repeat what was sent.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiError {
    /// `INVALID_LOGIN_TOKEN`, `BAD_REQUEST`, `OBJECT_NOT_FOUND`, ...
    #[serde(deserialize_with = "lenient::opt_string")]
    pub cause: Option<String>,
    /// The provider's error type.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub error_type: Option<String>,
    /// The exception id, for IDnow support.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// The field or entity at fault (sometimes a sentence).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub key: Option<String>,
    /// Human-readable message.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
    /// Translation key.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub translation_key: Option<String>,
}

kyc_core::redacted_debug!(ApiError {
    shown: [cause, error_type, id, key, translation_key],
    redacted: [message],
});

/// The error body every failing call answers with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The errors (usually one).
    #[serde(default)]
    pub errors: Vec<ApiError>,
}
