//! The circumstances of one identification (result guide 8.6.8 to 8.6.10): the post office and
//! its card reader (`additionalDataBasic`), the eID (`additionalDataEid`) and the video chat
//! (`additionalDataVideo`).

use super::enums::TanChannel;
use super::strict;
use kyc_core::wire::lenient;
use serde::Deserialize;

/// `AdditionalDataBasic` (result guide 8.6.8): post-office details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AdditionalDataBasic {
    /// `couponByPiAppRequestCount`.
    #[serde(deserialize_with = "lenient::opt_u32")]
    pub coupon_by_pi_app_request_count: Option<u32>,
    /// `couponByPiAppRequestLastTimestamp`.
    #[serde(deserialize_with = "strict::text")]
    pub coupon_by_pi_app_request_last_timestamp: Option<String>,
    /// `couponByTpAppRequestCount` (third-party app / SDK).
    #[serde(deserialize_with = "lenient::opt_u32")]
    pub coupon_by_tp_app_request_count: Option<u32>,
    /// `couponByTpAppRequestLastTimestamp`.
    #[serde(deserialize_with = "strict::text")]
    pub coupon_by_tp_app_request_last_timestamp: Option<String>,
    /// `couponDownloadCount`.
    #[serde(deserialize_with = "lenient::opt_u32")]
    pub coupon_download_count: Option<u32>,
    /// `couponDownloadLastTimestamp`.
    #[serde(deserialize_with = "strict::text")]
    pub coupon_download_last_timestamp: Option<String>,
    /// `couponByEmailRequestCount`.
    #[serde(deserialize_with = "lenient::opt_u32")]
    pub coupon_by_email_request_count: Option<u32>,
    /// `couponByEmailRequestLastTimestamp`.
    #[serde(deserialize_with = "strict::text")]
    pub coupon_by_email_request_last_timestamp: Option<String>,
    /// `postOffice`: id of the post office (not for GwG and Standard).
    #[serde(deserialize_with = "strict::text")]
    pub post_office: Option<String>,
    /// `postOfficeStreetAddress`.
    #[serde(deserialize_with = "strict::text")]
    pub post_office_street_address: Option<String>,
    /// `postOfficeCity`: postal code and city of the post office.
    #[serde(deserialize_with = "strict::text")]
    pub post_office_city: Option<String>,
    /// `checkoutNote` (checkoutId, journalId).
    #[serde(deserialize_with = "strict::text")]
    pub checkout_note: Option<String>,
    /// `idCardReaderCheck`.
    #[serde(deserialize_with = "strict::object")]
    pub id_card_reader_check: Option<IdCardReaderCheck>,
}

/// `IdCardReaderCheck`: the ID card reader's findings in the post office.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdCardReaderCheck {
    /// `checkedCategories`.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub checked_categories: Vec<IdCardReaderCheckCategory>,
}

/// `IdCardReaderCheckCategories`: one checked category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct IdCardReaderCheckCategory {
    /// `name` of the category.
    #[serde(deserialize_with = "strict::text")]
    pub name: Option<String>,
    /// `status`: result of the check.
    #[serde(deserialize_with = "strict::text")]
    pub status: Option<String>,
    /// `failedChecksOfIdCardReader`.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub failed_checks_of_id_card_reader: Vec<FailedCheckOfIdCardReader>,
}

/// `FailedCheckOfIdCardReader`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct FailedCheckOfIdCardReader {
    /// `checkName`.
    #[serde(deserialize_with = "strict::text")]
    pub check_name: Option<String>,
    /// `subCheckName`.
    #[serde(deserialize_with = "strict::text")]
    pub sub_check_name: Option<String>,
    /// `additionalInformation`.
    #[serde(deserialize_with = "lenient::vec_or_null")]
    pub additional_information: Vec<AdditionalInformationForIdCardCheck>,
}

/// `AdditionalInformationForIDCardCheck`: a key/value pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AdditionalInformationForIdCardCheck {
    /// `key`.
    #[serde(deserialize_with = "strict::text")]
    pub key: Option<String>,
    /// `value`.
    #[serde(deserialize_with = "strict::text")]
    pub value: Option<String>,
}

/// `AdditionalDataEid` (result guide 8.6.9). `Debug` redacts the DKK (it identifies one eID).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AdditionalDataEid {
    /// `dkk`: service- and card-specific identifier of one eID.
    #[serde(deserialize_with = "strict::text")]
    pub dkk: Option<String>,
}

kyc_core::redacted_debug!(AdditionalDataEid {
    shown: [],
    redacted: [dkk],
});

/// `AdditionalDataVideo` (result guide 8.6.10).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct AdditionalDataVideo {
    /// `identificationServiceCenter` (TKG and GwG).
    #[serde(deserialize_with = "strict::text")]
    pub identification_service_center: Option<String>,
    /// `identificationServiceCenterVideo` (changelog 24.04.2024).
    #[serde(deserialize_with = "strict::text")]
    pub identification_service_center_video: Option<String>,
    /// `identificationAgentAliases` (TKG); its shape is not documented, so it is kept as JSON.
    pub identification_agent_aliases: Option<serde_json::Value>,
    /// `identReviews` (TKG); its shape is not documented, so it is kept as JSON.
    pub ident_reviews: Option<serde_json::Value>,
    /// `videoRecordingAccepted`: when the user consented to the recording.
    #[serde(deserialize_with = "strict::text")]
    pub video_recording_accepted: Option<String>,
    /// `videoRecordingDeliveryShaft`: a recording exists and will be delivered by SFTP.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub video_recording_delivery_shaft: Option<bool>,
    /// `tanChannel`: `sms` or `email` (GwG).
    pub tan_channel: Option<TanChannel>,
}
