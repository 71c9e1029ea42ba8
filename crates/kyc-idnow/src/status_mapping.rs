//! IDnow's result values and reason codes, each mapped to the neutral [`CaseStatus`] (and, for
//! results, the [`WebhookEvent`] that carries them) and [`ReasonCategory`]. This is the ONE
//! place where IDnow words get their neutral meaning, for `GET /identifications/{txn}`, lists
//! and webhooks alike; read it top to bottom. The IDnow section of `docs/status-mapping.md`
//! shows the same tables for non-Rust readers, and a test reads the tables of the provider
//! document at test time and fails when a documented code is missing here.
//!
//! Two rules shape the result table:
//!
//! * `CANCELED` and `ABORTED` are **not** final at IDnow: the user may try again with the same
//!   IdentID, so both map to [`CaseStatus::Retryable`]. Only `SUCCESS`, `SUCCESS_DATA_CHANGED`
//!   and `FRAUD_SUSPICION_CONFIRMED` finish an ident.
//! * The preliminary results (`REVIEW_PENDING`, `FRAUD_SUSPICION_PENDING`, and the REALTIME
//!   webhook's `CHECK_PENDING`) map to [`CaseStatus::ReviewPending`]; a final result may still be
//!   changed later by a supervisor's re-review (see [`CaseStatus::may_replace`]).
//!
//! The status comes from the result; the reason only explains it. A fraud reason such as
//! `WARNING_USER_UNDERAGE` on a `FRAUD_SUSPICION_CONFIRMED` result is a declined case whose
//! reason category is `Underage`.

use crate::wire::IdentResult;
use crate::wire::IdentResult as R;
use kyc_core::webhook::WebhookEvent;
use kyc_core::{CaseStatus, Reason, ReasonCategory, ReasonSource};
use CaseStatus::{Approved, Declined, InProgress, Retryable, ReviewPending};

// =================================================================================================
// 1. Result values (`identificationprocess.result`): the neutral status and the webhook type
// =================================================================================================

/// One value of `identificationprocess.result`: the neutral status it stands for — the same
/// whether the ident came from `GET /identifications/{txn}`, a list or a webhook — and the
/// webhook IDnow sends it in (IDnow sends no header naming the webhook type).
#[derive(Debug, Clone)]
pub struct ResultEntry {
    /// The result as the wire type reads it.
    pub result: IdentResult,
    /// The provider's word (what `result.as_str()` gives).
    pub word: &'static str,
    /// The neutral status.
    pub status: CaseStatus,
    /// The webhook that carries this result.
    pub webhook: WebhookEvent,
    /// What the provider's document says it means.
    pub description: &'static str,
}

const fn result(
    result: IdentResult,
    word: &'static str,
    status: CaseStatus,
    webhook: WebhookEvent,
    description: &'static str,
) -> ResultEntry {
    ResultEntry {
        result,
        word,
        status,
        webhook,
        description,
    }
}

/// Every result word the document names, in the document's order, then the words only the
/// START webhook and the Testing section use. A word not in this table keeps its text:
/// status [`CaseStatus::Unknown`], webhook [`WebhookEvent::Unknown`]. A body without any
/// result is a START webhook ([`event_for`]).
pub const RESULTS: &[ResultEntry] = &[
    result(R::Success, "SUCCESS", Approved { data_changed: false }, WebhookEvent::Final, "Verified without problems or changed data. Final."),
    result(R::SuccessDataChanged, "SUCCESS_DATA_CHANGED", Approved { data_changed: true }, WebhookEvent::Final, "Verified, but data was changed compared to what was supplied. Final."),
    result(R::FraudSuspicionConfirmed, "FRAUD_SUSPICION_CONFIRMED", Declined, WebhookEvent::Final, "An agent suspects fraud. Final."),
    // Not final at IDnow: the same IdentID may be used for another attempt.
    result(R::Canceled, "CANCELED", Retryable, WebhookEvent::Canceled, "Cancelled by the agent (inconclusive); the user may retry with the same IdentID."),
    result(R::ReviewPending, "REVIEW_PENDING", ReviewPending { fraud_suspected: false }, WebhookEvent::Realtime, "Preliminary: completed by the user, waiting for review; SUCCESS expected."),
    result(R::FraudSuspicionPending, "FRAUD_SUSPICION_PENDING", ReviewPending { fraud_suspected: true }, WebhookEvent::Realtime, "Preliminary: completed, fraud suspicion arose; FRAUD_SUSPICION_CONFIRMED expected."),
    result(R::CheckPending, "CHECK_PENDING", ReviewPending { fraud_suspected: false }, WebhookEvent::Realtime, "Preliminary (REALTIME webhook): automated checks inconclusive, agent check pending."),
    // Not final either: the user may start again with the same IdentID.
    result(R::Aborted, "ABORTED", Retryable, WebhookEvent::Aborted, "The user aborted in the app; the same IdentID can be used again."),
    // The user started and has not finished yet.
    result(R::Start, "START", InProgress, WebhookEvent::Started, "Not a result but the START webhook's word: the user is in the flow (the sandbox's START body; a body without result means the same)."),
    result(R::Started, "STARTED", InProgress, WebhookEvent::Started, "Not documented; read like START."),
    result(R::Created, "CREATED", CaseStatus::Created, WebhookEvent::Started, "Not documented; the ident exists and the user has not started. In a webhook, read like START."),
    // The Testing section says the CANCELED robot scenario ends "FAILED" with OTHER_ERROR (a
    // cancel reason) although FAILED is in no result table: we read it as CANCELED.
    result(R::Failed, "FAILED", Retryable, WebhookEvent::Canceled, "Only named by the Testing section for the CANCELED robot scenario; read as CANCELED."),
];

/// The table's entry for a result (`None` for a word this library does not know).
pub fn result_entry(result: &IdentResult) -> Option<&'static ResultEntry> {
    RESULTS.iter().find(|entry| entry.result == *result)
}

/// The neutral status of a result (unknown words stay [`CaseStatus::Unknown`], verbatim).
pub fn status_for_result(result: &IdentResult) -> CaseStatus {
    match result_entry(result) {
        Some(entry) => entry.status.clone(),
        None => CaseStatus::Unknown(result.as_str().to_string()),
    }
}

/// The neutral status of a result word given as text (unknown words stay `Unknown`).
pub fn status_for_result_word(word: &str) -> CaseStatus {
    status_for_result(&IdentResult::parse(word))
}

/// The webhook a body with this result is: no result at all is a START webhook; unknown words
/// stay [`WebhookEvent::Unknown`], verbatim.
pub fn event_for(result: Option<&IdentResult>) -> WebhookEvent {
    let Some(result) = result else {
        return WebhookEvent::Started;
    };
    match result_entry(result) {
        Some(entry) => entry.webhook.clone(),
        None => WebhookEvent::Unknown(result.as_str().to_string()),
    }
}

// =================================================================================================
// 2. Reason codes (`identificationprocess.reason`)
// =================================================================================================

/// Which table of the provider document a reason comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonTable {
    /// "Abort Reasons" (UI, user action, technical).
    AbortReason,
    /// "Cancelled Idents", new reasons.
    CancelReason,
    /// "Cancelled Idents", legacy reasons.
    CancelReasonLegacy,
    /// The QES/eSign trust-service-provider reasons (`TSP_*`) of the cancel table.
    TspReason,
    /// "Final Result", new fraud reasons.
    FraudReason,
    /// "Final Result", legacy fraud reasons.
    FraudReasonLegacy,
    /// Not in any table, but used in the document's own samples.
    SeenInSamples,
}

/// One documented reason code.
#[derive(Debug, Clone, Copy)]
pub struct ReasonEntry {
    /// The provider's code.
    pub code: &'static str,
    /// The table it is listed in.
    pub table: ReasonTable,
    /// Its neutral category.
    pub category: ReasonCategory,
    /// The provider's description.
    pub description: &'static str,
}

const fn entry(
    code: &'static str,
    table: ReasonTable,
    category: ReasonCategory,
    description: &'static str,
) -> ReasonEntry {
    ReasonEntry {
        code,
        table,
        category,
        description,
    }
}

/// Every reason of the provider document, in the document's order. Codes listed in both the new
/// and the legacy table (`ID_NOT_SUPPORTED`, `ID_DAMAGED`, `ID_OTHER`, `WARNING_USER_UNDERAGE`,
/// `WARNING_FRAUD_OTHER`) appear twice with the same category; the first entry wins.
pub const REASONS: &[ReasonEntry] = &[
    // ---- Abort reasons (result ABORTED; the user may start again with the same IdentID) ----
    entry("USER_CANCELLATION_DOCUMENT_NOT_ACCEPTED", ReasonTable::AbortReason, ReasonCategory::DocumentUnsupported, "User's ID document is not accepted for the verification process"),
    entry("USER_CANCELLATION_DOCUMENT_EXPIRED", ReasonTable::AbortReason, ReasonCategory::DocumentExpired, "User cannot continue the verification process due to an expired ID document"),
    entry("USER_CANCELLATION_UNDERAGE", ReasonTable::AbortReason, ReasonCategory::Underage, "User is underage and is not allowed to continue the verification process"),
    entry("USER_CANCELLATION_CAMERA_ACCESS_DENIED", ReasonTable::AbortReason, ReasonCategory::ConsentRefused, "User does not allow camera permission in the app"),
    entry("USER_CANCELLATION_TERMS_DENIED", ReasonTable::AbortReason, ReasonCategory::ConsentRefused, "User does not accept the terms and conditions"),
    entry("USER_CANCELLATION_SELFIE_NOT_READY", ReasonTable::AbortReason, ReasonCategory::UserCancelled, "User is not ready for a selfie"),
    entry("USER_CANCELLATION_APP_NOT_SCANNING", ReasonTable::AbortReason, ReasonCategory::TechnicalProblem, "User aborts as the app is not scanning the document"),
    entry("USER_CANCELLATION_ESIGNING_REJECTED", ReasonTable::AbortReason, ReasonCategory::ConsentRefused, "User does not accept the esigning request"),
    entry("USER_CANCELLATION_ESIGNING_NAME_CONFIRMATION_REJECTED", ReasonTable::AbortReason, ReasonCategory::DataProblem, "User's name is specified incorrectly (This applies only to the QES/Signing flow)"),
    entry("USER_CANCELLATION_INCORRECT_PHONE_NUMBER", ReasonTable::AbortReason, ReasonCategory::DataProblem, "User aborts as the phone number is specified incorrectly"),
    entry("USER_CANCELLATION_IDENTIFY_LATER", ReasonTable::AbortReason, ReasonCategory::UserCancelled, "User wants to identify later"),
    entry("USER_CANCELLATION_USER_NOT_INTERESTED", ReasonTable::AbortReason, ReasonCategory::UserCancelled, "User is not interested in performing the identity verification"),
    entry("USER_CANCELLATION_APP_NOT_RESPONDING", ReasonTable::AbortReason, ReasonCategory::TechnicalProblem, "User aborts because the app is not responding"),
    entry("USER_CANCELLATION_PRIVACY_CONCERNS", ReasonTable::AbortReason, ReasonCategory::UserCancelled, "User aborts due to privacy concerns"),
    entry("USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE", ReasonTable::AbortReason, ReasonCategory::DocumentMissing, "User does not have the ID document available and aborts"),
    entry("APP_CANCELLATION_APPROVAL_PHRASE_RETRY_LIMIT_REACHED", ReasonTable::AbortReason, ReasonCategory::TechnicalProblem, "This is used in the QES/esign flow when the app is unable to retrieve the approval phrases from the backend after multiple retries"),
    entry("APP_CANCELLATION_APPROVAL_PHRASE_NO_CONTRACT", ReasonTable::AbortReason, ReasonCategory::TechnicalProblem, "App encounters a technical error in the Approval Phrases step in QES/esign"),
    entry("APP_CANCELLATION_APPROVAL_PHRASE_INSUFFICIENT_DOCUMENT_COUNT", ReasonTable::AbortReason, ReasonCategory::TechnicalProblem, "In the Approval Phrases step for QES/esign, the required number of documents to be signed are not received from backend"),
    entry("APP_CANCELLATION_OTP_MATCH_LIMIT_REACHED", ReasonTable::AbortReason, ReasonCategory::DataProblem, "In the OTP Authentication step, the user has reached the allowed limit for number of OTP entries and cannot try again"),
    entry("APP_CANCELLATION_TSP_TECHNICAL_EXCEPTION", ReasonTable::AbortReason, ReasonCategory::SigningFailed, "App encounters a technical error from the TSP side. If this error state does not resolve after multiple automatic retries, the user cannot proceed further and the ident is aborted with this reason"),
    // ---- Cancel reasons, new list from 01.09.2021 (result CANCELED; retry with the same IdentID) ----
    entry("ID_BLURRY", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Document is blurry and mandatory data cannot be read due to the blur."),
    entry("ID_GLARE", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Document has glare and mandatory data cannot be read due to the glare."),
    entry("ID_DARKNESS", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Pictures of the document are dark and it is not possible to read the mandatory data or verify the authenticity of the document."),
    entry("ID_DATA_COVERED", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Mandatory data is covered by the user while taking the picture"),
    entry("ID_PERSPECTIVE", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Document is positioned at such an angle that mandatory data cannot be read or document cannot be verified"),
    entry("ID_DATA", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Mandatory data cannot be read on the document"),
    entry("ID_DATA_OTHER", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Any other reason due to which mandatory data cannot be read"),
    entry("ID_NOT_SUPPORTED", ReasonTable::CancelReason, ReasonCategory::DocumentUnsupported, "Document used during the identification is not supported for the customer's use case"),
    entry("ID_EXPIRED", ReasonTable::CancelReason, ReasonCategory::DocumentExpired, "Document used during the identification is expired."),
    entry("ID_WRONG_SIDE", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Wrong side of the document is scanned during the process."),
    entry("ID_OUTWORN", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Document is worn out. Either data cannot be read out or the document cannot be verified."),
    entry("ID_HAS_STICKER", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Document has such stickers which are not acceptable and the document used is considered as damaged document."),
    entry("ID_WRITTEN_ON", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Document has text written over it which makes the document not readable or not verifiable. If the sticker is legit one and added by the authorities while issuing the document then the document will be acceptable and not cancelled due to this reason."),
    entry("ID_BROKEN", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Document used during the identification is broken."),
    entry("ID_DAMAGED", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Document used during identification is a damaged document."),
    entry("ID_DAMAGED_OTHER", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Any other reason for a damaged document."),
    entry("ID_SECURITY_FEATURE_NOT_VISIBLE_NOT_FRAUD", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Security features of the document are not visible because user did not move the document correctly."),
    entry("ID_SECURITY_FEATURE_VIDEO_SHORT", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Security feature video is too short to detect if there are holograms in the document."),
    entry("ID_SECURITY_FEATURE_VIDEO_CANNOT_BE_PLAYED", ReasonTable::CancelReason, ReasonCategory::TechnicalProblem, "Security feature video cannot be played for the agent to review holograms."),
    entry("ID_SECURITY_FEATURE_OTHER", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Any other issues with the security feature video."),
    entry("ID_SECOND_DOCUMENT", ReasonTable::CancelReason, ReasonCategory::DocumentMissing, "If two documents are required for the identification process, the user needs to photograph two different documents (i.e. ID + Driver's license) - If the second required ID document is not available, the ident will be cancelled."),
    entry("ID_SECOND_DOCUMENT_BAD_PHOTO_QUALITY", ReasonTable::CancelReason, ReasonCategory::DocumentUnreadable, "Photo quality of the additional document in the process is not acceptable."),
    entry("ID_SECOND_DOCUMENT_DAMAGED", ReasonTable::CancelReason, ReasonCategory::DocumentDamaged, "Additional document used in the identification process is severely outworn, written or drawn on, ripped or broken."),
    entry("ID_SECOND_DOCUMENT_EXPIRED", ReasonTable::CancelReason, ReasonCategory::DocumentExpired, "Addiitonal document used in the identification process is an expired document."),
    entry("ID_SECOND_DOCUMENT_OTHER", ReasonTable::CancelReason, ReasonCategory::Other, "Any other issues with the additional document used in the identification process."),
    entry("ID_NEED_ADDITIONAL_DOCUMENT", ReasonTable::CancelReason, ReasonCategory::DocumentMissing, "Additional document like Driver's License is missing in the identification process but it was required."),
    entry("ID_OTHER", ReasonTable::CancelReason, ReasonCategory::Other, "Any other issues with the document used in the identification process."),
    entry("USER_INVOICE_MISSING", ReasonTable::CancelReason, ReasonCategory::DocumentMissing, "Customer needs proof of address from the user as the additional document but user did not provide it in the identification process."),
    entry("USER_OBSCURED", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "User has covered the face during the face comparison process unintentionally like wearing the face mask."),
    entry("SELFIE_BLURRY", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "Selfie taken by the user is blurry and cannot be used to compare the face with the identification document."),
    entry("SELFIE_GLARE", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "Photo of the user on the ID document has glares and selfie cannot be compared with it."),
    entry("SELFIE_DARKNESS", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "Selfie taken by the user is too dark to compare the face of the person with the photo on the identification document."),
    entry("SELFIE_PERSPECTIVE", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "Selfie taken by the user is on such an angle that it is not possible to compare it with the photo on the identification document."),
    entry("SELFIE_OTHER", ReasonTable::CancelReason, ReasonCategory::SelfieOrLiveness, "Any other issues with the selfie which restrict ident sepcialist to compare the selfie of the user with the photo on the identification document."),
    entry("IDENT_CANNOT_BE_COMPLETED", ReasonTable::CancelReason, ReasonCategory::TechnicalProblem, "Due to a technical reason, ident specialist cannot finish the identity verification process."),
    entry("IDENT_DISPLAY_ERROR", ReasonTable::CancelReason, ReasonCategory::TechnicalProblem, "Due to a technical reason, ident specialist cannot see the data submitted by the user in the identification process."),
    entry("IDENT_OTHER", ReasonTable::CancelReason, ReasonCategory::Other, "Any other reason due to which the identification process cannot be completed by the ident specialist."),
    // ---- TSP reasons (QES/eSign only; listed among the cancel reasons) ----
    entry("TSP_WRONG_CONFIRMATION_TOKEN", ReasonTable::TspReason, ReasonCategory::SigningFailed, "A wrong signing code was entered by the user during the signing step."),
    entry("TSP_SIGNING_FAILED", ReasonTable::TspReason, ReasonCategory::SigningFailed, "The signing process failed due to any technical error."),
    entry("TSP_CERTIFICATE_EXPIRED", ReasonTable::TspReason, ReasonCategory::SigningFailed, "Signing certificates are valid for an hour. The final signing step took more than an hour from the time of certificate generation."),
    // ---- Cancel reasons, new list (continued) ----
    entry("ID_SECURITY_FEATURE_VIDEO_FILE_MISSING", ReasonTable::CancelReason, ReasonCategory::TechnicalProblem, "If enabled, the system automatically cancels an ident when the 'Security Features' (Hologram) video is not saved due to any technical error, and is hence missing from the final result (zip) file."),
    // ---- Cancel reasons, legacy list (result CANCELED) ----
    entry("TECH_PHOTO", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentUnreadable, "Photo of the ID document is not clearly captured due to different reasons like glare on the document, shadows or fingers on the visible fields in the document etc."),
    entry("TECH_HOLOGRAM", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentUnreadable, "Security features on the ID document are not clearly visible due to the fact that user did not tilt the ID card properly or there is a glare in the process."),
    entry("BAD_PHOTO_QUALITY", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentUnreadable, "Photo of the person during selfie or liveness process and or the document is not clearly visible due to several reasons like not enough lighting when the user is performing the identification or there is an obstruction in front of the face."),
    entry("ID_NOT_SUPPORTED", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentUnsupported, "If the user used an ID document which is not supported by our system."),
    entry("USER_ID", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentUnreadable, "If the user used an ID document which has issues like front side of the document scanned in the back side section, wrong page of passport scanned and other miscellaneous reasons related to the document."),
    entry("ID_DAMAGED", ReasonTable::CancelReasonLegacy, ReasonCategory::DocumentDamaged, "If the document ID chosen in the process is damaged then our ident specialists will cancel the identification marking this reason."),
    entry("ID_OTHER", ReasonTable::CancelReasonLegacy, ReasonCategory::Other, "If there is a miscellaneous reason for related to the ID document used during the identification like 'Expired document' then this reason is chosen."),
    entry("USER_WRONG_PERSON", ReasonTable::CancelReasonLegacy, ReasonCategory::SelfieOrLiveness, "If the user is not the person who should have performed the identification but our agent sees that this is not a fraud case but an ignorance case on the user side due to several reasons. For example, user has performed the selfie step himself but asked one of the family members to perform the liveness step due to lack of understanding of the process."),
    entry("PHOTO_OTHER", ReasonTable::CancelReasonLegacy, ReasonCategory::Other, "If there is a miscellaneous reason related to the photo quality of the document or of the person which do not fit in any of the categories then the agent will chose this reason while cancelling the ident."),
    entry("OTHER_ERROR", ReasonTable::CancelReasonLegacy, ReasonCategory::Other, "If there is any other miscellaneous reason which cannot be categorized in other reasons then ident specialists will choose this reason."),
    // ---- Fraud reasons, new list from 01.09.2021 (result FRAUD_SUSPICION_CONFIRMED) ----
    entry("WARNING_SELFIE_REAL_PERSON", ReasonTable::FraudReason, ReasonCategory::FraudPersonMismatch, "User that performed the identification is a real person but the selfie does not match with the face on the document."),
    entry("WARNING_SELFIE_NO_REAL_PERSON", ReasonTable::FraudReason, ReasonCategory::FraudPersonMismatch, "Selfie taken in the identification person is not of a real person. For example, the selfie taken is a photo of a picture."),
    entry("WARNING_SELFIE_DISGUISED", ReasonTable::FraudReason, ReasonCategory::FraudPersonMismatch, "User intentionally disguised the face by wearing a mask or in some other way."),
    entry("WARNING_MANIPULATED_DATA", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Data is manipulated on the Identification document."),
    entry("WARNING_MANIPULATED_PHOTO", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Photo of the person is manipulated on the Identification document."),
    entry("WARNING_FAKED_SECURITY_FEATURES", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Security features like holograms on the Identification document are not real."),
    entry("WARNING_PAPER_PRINT", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "The Identification document is not real but a printout taken on a paper."),
    entry("WARNING_DIGITAL_DOCUMENT", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Identification document image is taken from a digital screen (from laptop, from mobile or from any other screen)."),
    entry("WARNING_FAKED_SPECIMEN", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Identification document is a specimen document and not real document."),
    entry("WARNING_USER_UNDERAGE", ReasonTable::FraudReason, ReasonCategory::Underage, "User is below the age required to access the customer's service."),
    entry("WARNING_DIGITAL_SELFIE", ReasonTable::FraudReason, ReasonCategory::FraudPersonMismatch, "Selfie is taken from a digital screen (from laptop, from mobile or from any other screen)."),
    entry("WARNING_MONEY_MULE", ReasonTable::FraudReason, ReasonCategory::FraudSocialEngineering, "User is duped by fraudster to perform identification on fraudster's behalf."),
    entry("WARNING_NAME_COMPARISON", ReasonTable::FraudReason, ReasonCategory::FraudPersonMismatch, "Considerable inconsistency between user's name and document."),
    entry("WARNING_SCAN", ReasonTable::FraudReason, ReasonCategory::FraudForgedDocument, "Identification document is a facsimile."),
    entry("WARNING_FRAUD_OTHER", ReasonTable::FraudReason, ReasonCategory::FraudOther, "Any other type of fraud identified during the verification process by Ident specialist."),
    // ---- Fraud reasons, legacy list (result FRAUD_SUSPICION_CONFIRMED) ----
    entry("WARNING_SOCIAL_ENGINEERING", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudSocialEngineering, "The user has been a victim of a social engineering attempt. **Important: The user is not doing a fraud attempt himself but has been tricked into performing an identity verification.**"),
    entry("WARNING_ID_MANIPULATION", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "The ID document has been manipulated (e.g. fields have been changed, photo has been replaced)"),
    entry("FACE_COMPARISON_UNMATCHED", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "Selfie taken during the process is not of the same person who is on the document."),
    entry("WARNING_FAKE_ID", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "The ID document is a completely falsified document."),
    entry("WARNING_PHOTO", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "The person in the selfie is different from the person on the ID document."),
    entry("WARNING_DESCRIPTION", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "The description of the person (e.g. height, eye color, age) does not match the person."),
    entry("WARNING_USER_UNDERAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::Underage, "The user is below the required age set by the customer and is not allowed to avail the service."),
    entry("WARNING_INCONSISTENT_DATA", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "The data on the ID document is inconsistent (e.g. differences between visible zone and MRZ)"),
    entry("DOCUMENT_TAMPERED", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "The document has been modified on the front side or back side or using a separate document for front side and back side."),
    entry("WARNING_FAKED_MANIPULATED_ID", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "Fields from document have been modified e.g. covered on purpose."),
    entry("WARNING_FRAUD_OTHER", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudOther, "Used when the fraud ettempt does not fit to other categories but it is still a fraud for sure."),
    entry("WARNING_WRONG_CHECKSUM", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "A checksum on the ID document is wrong."),
    entry("WARNING_IDENTITY_THEFT", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "User has tried to steal someones identity."),
    entry("SECURITY_FEATURE_IDENTITY_FAKED", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "Security features have been modified."),
    entry("LIVENESS_DETECTION_FAILED", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "Person has tried to perform a fraud attack against the liveness check, e.g. different person in selfie and liveness."),
    entry("SECURITY_FEATURE_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "Person has tried to manipulate the security features of the document digitally."),
    entry("FRONT_DOCUMENT_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "Person has tried to manipulate the front side of the document digitally."),
    entry("BACK_DOCUMENT_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudForgedDocument, "Person has tried to manipulate the back side of the document digitally."),
    entry("FACE_COMPARISON_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "Image of user has been modified digitally."),
    entry("LIVENESS_LEFT_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "Liveness left image of the user has been modified digitally."),
    entry("LIVENESS_RIGHT_DIGITAL_IMAGE", ReasonTable::FraudReasonLegacy, ReasonCategory::FraudPersonMismatch, "liveness right image of the user has been modified digitally."),
    // ---- Not in any table, but in the document's own samples ----
    entry("USER_CANCELLATION", ReasonTable::SeenInSamples, ReasonCategory::UserCancelled, "Seen with result CANCELED in the 'Get Demo Ident' sample: the user cancelled."),
    entry("DATA_APPLICATION_DATA", ReasonTable::SeenInSamples, ReasonCategory::DataProblem, "Seen with result CANCELED in the webhook sample: a problem with the application data."),
];

/// The documented entry for a reason code, if there is one (exact, then case-insensitive).
pub fn lookup_reason(code: &str) -> Option<&'static ReasonEntry> {
    let code = code.trim();
    REASONS
        .iter()
        .find(|e| e.code == code)
        .or_else(|| REASONS.iter().find(|e| e.code.eq_ignore_ascii_case(code)))
}

/// The neutral [`Reason`] for a reason code. The code is kept verbatim; an unknown code becomes
/// category [`ReasonCategory::Other`] with a warning (new codes keep appearing).
pub fn reason_for(code: &str) -> Reason {
    match lookup_reason(code) {
        Some(e) => Reason::new(
            e.category,
            code,
            Some(e.description.to_string()),
            ReasonSource::IdnowReason,
        ),
        None => {
            tracing::warn!(
                reason = %kyc_core::wire::printable(code, kyc_core::wire::DEFAULT_MAX_CHARS),
                "IDnow reason code not in the documented tables; mapped to Other"
            );
            Reason::new(ReasonCategory::Other, code, None, ReasonSource::IdnowReason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_result_the_wire_type_knows_has_exactly_one_row_under_its_own_word() {
        for known in IdentResult::DOCUMENTED {
            let rows: Vec<_> = RESULTS.iter().filter(|e| e.result == *known).collect();
            assert_eq!(rows.len(), 1, "{known}");
            assert_eq!(rows[0].word, known.as_str());
        }
        assert_eq!(RESULTS.len(), IdentResult::DOCUMENTED.len());
    }

    #[test]
    fn the_webhook_type_follows_the_result() {
        let event = |word: &str| event_for(Some(&IdentResult::parse(word)));
        assert_eq!(
            event_for(None),
            WebhookEvent::Started,
            "a START body has no result"
        );
        assert_eq!(event("START"), WebhookEvent::Started);
        assert_eq!(event("started"), WebhookEvent::Started);
        assert_eq!(event("CREATED"), WebhookEvent::Started);
        assert_eq!(event("CHECK_PENDING"), WebhookEvent::Realtime);
        assert_eq!(event("FRAUD_SUSPICION_PENDING"), WebhookEvent::Realtime);
        assert_eq!(event("ABORTED"), WebhookEvent::Aborted);
        assert_eq!(event("FAILED"), WebhookEvent::Canceled);
        assert_eq!(event("SUCCESS_DATA_CHANGED"), WebhookEvent::Final);
        assert_eq!(
            event("BRAND_NEW"),
            WebhookEvent::Unknown("BRAND_NEW".into())
        );
    }
}
