//! The data a client sends when it creates a case (SCR-Ident API Guide 1, reconstructed in
//! `public-facts.md`) and that POSTIDENT echoes back under `orderData` in every result.
//!
//! The same types serve both directions: serialising skips absent fields (`None`, empty lists);
//! deserialising accepts missing, `null` and empty values.

use super::enums::{DocumentType, PreferredLanguage};
use super::strict::{self, absent};
use kyc_core::wire::lenient;
use serde::{Deserialize, Serialize};

/// `orderData` in a result: what the client sent at creation, read back with the same type
/// that sent it (status calls echo only `customData`).
pub type OrderData = CreateCaseRequest;

/// The body of `POST .../cases`: the fields sit at the top level (public-facts.md, Guide 1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CreateCaseRequest {
    /// `processData` (reference id, webhook, callback URLs, language, target country).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub process_data: Option<ProcessData>,
    /// `contactDataProvided`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub contact_data_provided: Option<ContactDataProvided>,
    /// `identificationDocumentProvided`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub identification_document_provided: Option<IdentificationDocumentProvided>,
    /// `drivingLicenceProvided`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub driving_licence_provided: Option<DrivingLicenceProvided>,
    /// `customData`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub custom_data: Option<CustomData>,
}

/// `customData`: five free fields of at most 100 characters, echoed in results. `Debug` redacts
/// the values (callers may put anything there).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CustomData {
    /// `custom1`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub custom1: Option<String>,
    /// `custom2`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub custom2: Option<String>,
    /// `custom3`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub custom3: Option<String>,
    /// `custom4`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub custom4: Option<String>,
    /// `custom5`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub custom5: Option<String>,
}

kyc_core::redacted_debug!(CustomData {
    shown: [],
    redacted: [custom1, custom2, custom3, custom4, custom5],
});

impl CustomData {
    /// The present fields as `("custom1", value)` pairs, in order.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        kyc_core::wire::custom_entries([
            &self.custom1,
            &self.custom2,
            &self.custom3,
            &self.custom4,
            &self.custom5,
        ])
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }
}

/// A callback URL object: where to send the user back to, per platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CallbackUrl {
    /// `webUrl`: landing page in the browser.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub web_url: Option<String>,
    /// `iOSUrl` (not `iosUrl`, which is read too): URL or scheme that opens the client's iOS app.
    #[serde(
        rename = "iOSUrl",
        alias = "iosUrl",
        deserialize_with = "strict::text",
        skip_serializing_if = "absent"
    )]
    pub ios_url: Option<String>,
    /// `androidUrl`: URL or scheme that opens the client's Android app.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub android_url: Option<String>,
}

impl CallbackUrl {
    /// A callback with a web URL only.
    pub fn web(url: impl Into<String>) -> Self {
        CallbackUrl {
            web_url: Some(url.into()),
            ..Default::default()
        }
    }
}

/// `processData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ProcessData {
    /// `targetCountry`: ISO 3166 alpha-3 plus `RKS`; POSTIDENT defaults to `DEU`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub target_country: Option<String>,
    /// `preferredLanguage`: `DE_DE` or `EN_UK`.
    #[serde(skip_serializing_if = "absent")]
    pub preferred_language: Option<PreferredLanguage>,
    /// `webHookUrl`: HTTPS, at most 500 characters, no query string.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub web_hook_url: Option<String>,
    /// `webHookUrlPartner`: the partner's webhook (partner cases, result guide 9.2).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub web_hook_url_partner: Option<String>,
    /// `referenceId`: at most 14 characters, unique per client; defaults to the caseId.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub reference_id: Option<String>,
    /// `callbackUrlCouponRequested` (basic).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_coupon_requested: Option<CallbackUrl>,
    /// `callbackUrlReviewPending` (photo, autoid).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_review_pending: Option<CallbackUrl>,
    /// `callbackUrlIncomplete`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_incomplete: Option<CallbackUrl>,
    /// `callbackUrlSuccess` (video, eID, photo, autoid).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_success: Option<CallbackUrl>,
    /// `callbackUrlDeclined` (eID, photo, autoid).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_declined: Option<CallbackUrl>,
    /// `callbackUrlCancelledAndClosed` (autoid).
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub callback_url_cancelled_and_closed: Option<CallbackUrl>,
}

/// An address as the client provides it (`contactDataProvided.address`,
/// `identificationDocumentProvided.address`). `Debug` redacts every value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AddressProvided {
    /// `streetAddress`: street and house number (max 70).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub street_address: Option<String>,
    /// `appendix` (max 55).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub appendix: Option<String>,
    /// `postalCode` (max 11).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub postal_code: Option<String>,
    /// `city` (max 55).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub city: Option<String>,
    /// `country`: ISO 3166 alpha-3 (plus `RKS`).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub country: Option<String>,
}

kyc_core::redacted_debug!(AddressProvided {
    shown: [country],
    redacted: [street_address, appendix, postal_code, city],
});

/// `contactDataProvided`. `Debug` redacts every value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ContactDataProvided {
    /// `title` (deprecated by POSTIDENT).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub title: Option<String>,
    /// `firstName` (max 35).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub first_name: Option<String>,
    /// `lastName` (max 35).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub last_name: Option<String>,
    /// `mobilePhone` (max 20).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub mobile_phone: Option<String>,
    /// `email` (max 320).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub email: Option<String>,
    /// `address`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub address: Option<AddressProvided>,
}

kyc_core::redacted_debug!(ContactDataProvided {
    shown: [address],
    redacted: [title, first_name, last_name, mobile_phone, email],
});

/// `identificationDocumentProvided`. `Debug` redacts every personal value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdentificationDocumentProvided {
    /// `type`: document type code "1".."13".
    #[serde(rename = "type", skip_serializing_if = "absent")]
    pub document_type: Option<DocumentType>,
    /// `number`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub number: Option<String>,
    /// `firstName`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub last_name: Option<String>,
    /// `birthName`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub birth_name: Option<String>,
    /// `birthDate`: `YYYY-MM-DD`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub birth_date: Option<String>,
    /// `birthPlace`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub birth_place: Option<String>,
    /// `nationality`: alpha-3 plus `RKS`, `XXA`, `XXB`, `XXC`, `XXX`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub nationality: Option<String>,
    /// `address`.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub address: Option<AddressProvided>,
    /// `dateIssued`: `YYYY-MM-DD`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_issued: Option<String>,
    /// `dateOfExpiry`: `YYYY-MM-DD`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_of_expiry: Option<String>,
    /// `authority` (max 100).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub authority: Option<String>,
    /// `placeOfIssue`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub place_of_issue: Option<String>,
    /// `countryOfDocument`: alpha-3 plus `RKS`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub country_of_document: Option<String>,
}

kyc_core::redacted_debug!(IdentificationDocumentProvided {
    shown: [document_type, country_of_document, address],
    redacted: [
        number,
        first_name,
        last_name,
        birth_name,
        birth_date,
        birth_place,
        nationality,
        date_issued,
        date_of_expiry,
        authority,
        place_of_issue,
    ],
});

/// One entry of `drivingLicenceProvided.drivingLicenceClasses`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DrivingLicenceClassProvided {
    /// `className`, e.g. `B`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub class_name: Option<String>,
    /// `dateIssued`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_issued: Option<String>,
    /// `dateOfExpiry`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_of_expiry: Option<String>,
    /// `restrictions`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub restrictions: Option<String>,
}

/// `drivingLicenceProvided`. `Debug` redacts every personal value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DrivingLicenceProvided {
    /// `number` (max 20).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub number: Option<String>,
    /// `firstName`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub last_name: Option<String>,
    /// `birthDate`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub birth_date: Option<String>,
    /// `birthPlace`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub birth_place: Option<String>,
    /// `drivingLicenceClasses`.
    #[serde(
        deserialize_with = "lenient::vec_or_null",
        skip_serializing_if = "absent"
    )]
    pub driving_licence_classes: Vec<DrivingLicenceClassProvided>,
    /// `restrictions`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub restrictions: Option<String>,
    /// `dateIssued`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_issued: Option<String>,
    /// `dateOfExpiry`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub date_of_expiry: Option<String>,
    /// `authority`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub authority: Option<String>,
    /// `countryOfDocument`.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub country_of_document: Option<String>,
}

kyc_core::redacted_debug!(DrivingLicenceProvided {
    shown: [driving_licence_classes, country_of_document],
    redacted: [
        number,
        first_name,
        last_name,
        birth_date,
        birth_place,
        restrictions,
        date_issued,
        date_of_expiry,
        authority,
    ],
});

/// The answer to `POST .../cases`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct CreateCaseResponse {
    /// `caseId`: POSTIDENT's id of the new case.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub case_id: Option<String>,
    /// `validUntil`: when the start URL expires (ISO 8601 with offset).
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub valid_until: Option<String>,
    /// `webStart`: the URL to send the user to in a browser.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub web_start: Option<WebStart>,
    /// `iosStart`: how to start the POSTIDENT iOS app.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub ios_start: Option<AppStart>,
    /// `androidStart`: how to start the POSTIDENT Android app.
    #[serde(deserialize_with = "strict::object", skip_serializing_if = "absent")]
    pub android_start: Option<AppStart>,
}

/// `webStart` of the create response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct WebStart {
    /// `caseURL` (note the capitalisation; `caseUrl` is accepted too).
    #[serde(
        rename = "caseURL",
        alias = "caseUrl",
        deserialize_with = "strict::text",
        skip_serializing_if = "absent"
    )]
    pub case_url: Option<String>,
}

/// `iosStart` / `androidStart` of the create response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AppStart {
    /// `caseUrlScheme`: the app URL scheme that opens the case.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub case_url_scheme: Option<String>,
    /// `packageName`: the app's package / bundle id.
    #[serde(deserialize_with = "strict::text", skip_serializing_if = "absent")]
    pub package_name: Option<String>,
}
