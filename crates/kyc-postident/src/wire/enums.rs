//! The closed value lists of the result guide as Rust enums, made by the shared
//! [`kyc_core::provider_enum!`] like every provider's code words. Every enum keeps a value it
//! does not know as an opaque `Unknown` (logged as a warning with its code list name), because
//! POSTIDENT adds values without a new API version (result guide 8.1). Values are matched
//! case-insensitively with surrounding whitespace ignored;
//! [`as_str`](IdentificationMethod::as_str) gives the documented spelling.

kyc_core::provider_enum! {
    /// `identificationMethod` (result guide 8.6).
    pub enum IdentificationMethod for "postident" {
        /// POSTIDENT via AutoID (automated document and face check, reviewed by an agent).
        AutoId => "autoid",
        /// POSTIDENT in a post office (coupon).
        Basic => "basic",
        /// POSTIDENT with the online ID function (eID).
        Eid => "eid",
        /// POSTIDENT via photo upload.
        Photo => "photo",
        /// POSTIDENT via video chat.
        Video => "video",
    }
}

kyc_core::provider_enum! {
    /// `identificationStatus.status` (result guide 8.6.1 and section 4).
    pub enum IdentStatus for "postident" {
        /// Identification created; the user has not finished it.
        Started => "started",
        /// Basic only: the user requested a post-office coupon.
        CouponRequested => "coupon requested",
        /// The attempt could not be completed; the user may resume.
        Incomplete => "incomplete",
        /// The user finished; POSTIDENT has not decided yet (preliminary or notification).
        ReviewPending => "review pending",
        /// The method was cancelled; the case closes if no other method remains.
        Cancelled => "cancelled",
        /// Final: declined (fraud, abuse, abnormalities, data problem or expiry).
        Declined => "declined",
        /// Final: identified.
        Success => "success",
    }
}

kyc_core::provider_enum! {
    /// `caseStatus.status` (result guide 8.3).
    pub enum CaseProgress for "postident" {
        /// No identification started yet.
        New => "new",
        /// At least one identification is running or resumable.
        InProgress => "in progress",
        /// The case is closed (final result, or no method left).
        Closed => "closed",
    }
}

kyc_core::provider_enum! {
    /// Status of a `{value, status}` pair: how the delivered value relates to what the client
    /// provided at creation (result guide 8.5, 8.6.2, 8.6.3).
    pub enum FieldStatus for "postident" {
        /// Nothing was provided; the value was collected during identification.
        New => "new",
        /// The provided value matches.
        Match => "match",
        /// The provided value was overwritten by the verified one.
        Change => "change",
    }
}

kyc_core::provider_enum! {
    /// `RecordResult.belongsTo` (result guide 8.6.7).
    pub enum RecordOwner for "postident" {
        /// A method-level file (result PDF, user face, signature).
        Method => "method",
        /// A file of the identification document.
        IdentificationDocument => "identificationdocument",
        /// A file of the driving licence.
        DrivingLicence => "drivinglicence",
    }
}

kyc_core::provider_enum! {
    /// `RecordResult.type` (result guide 8.6.7 and changelog).
    pub enum RecordType for "postident" {
        /// Result PDF.
        Result => "result",
        /// Result data PDF.
        ResultData => "resultdata",
        /// Result images PDF.
        ResultImages => "resultimages",
        /// Image of the user.
        UserFace => "userface",
        /// Signature from the signpad.
        UserSignature => "usersignature",
        /// Front side of the identification document.
        IdFrontSide => "idfrontside",
        /// Back side of the identification document.
        IdBackSide => "idbackside",
        /// Signature on the identification document.
        IdSignature => "idsignature",
        /// Other or unknown image of the identification document.
        IdImage => "idimage",
        /// Front side of the driving licence.
        DlFrontSide => "dlfrontside",
        /// Back side of the driving licence.
        DlBackSide => "dlbackside",
        /// Other or unknown image of the driving licence.
        DlImage => "dlimage",
        /// Signature on the post-office form (changelog 24.04.2018).
        PiFormSignature => "piformsignature",
        /// Video chat recording (removed from this API in release 10.0; delivered by SFTP).
        VideoChatRecording => "videochatrecording",
    }
}

kyc_core::provider_enum! {
    /// `RecordResult.validationStatus`, photo method only (result guide 4.4.1).
    pub enum ValidationStatus for "postident" {
        /// Not checked by an agent (yet).
        Unchecked => "unchecked",
        /// The agent accepted the record.
        Valid => "valid",
        /// The agent rejected the record; see the validation sub-status.
        Invalid => "invalid",
    }
}

kyc_core::provider_enum! {
    /// `RecordResult.validationSubStatus`, photo method only (result guide 4.4.1).
    pub enum ValidationSubStatus for "postident" {
        /// The document is not supported (set for all records of a document).
        DocumentNotSupported => "document not supported",
        /// The document cannot be identified (set for all records of a document).
        DocumentNotIdentifiable => "document not identifiable",
        /// The document has expired (set for all records of a document).
        DocumentExpired => "document expired",
        /// Fraud suspicion (set for all records of a document).
        FraudSuspicion => "fraud suspicion",
        /// Abuse (set for all records of a document).
        Abuse => "abuse",
        /// The person cannot be identified.
        PersonNotIdentifiable => "person not identifiable",
        /// The photo is badly exposed.
        BadExposure => "bad exposure",
        /// The photo is too blurry.
        TooBlurry => "too blurry",
        /// The photo is partly concealed.
        PartlyConcealed => "partly concealed",
        /// The picture detail is not sufficient.
        PictureDetailNotSufficient => "picture detail not sufficient",
    }
}

kyc_core::provider_enum! {
    /// `IdentificationDocumentResult.type` / `identificationDocumentProvided.type`: a number
    /// sent as a string (result guide 8.6.2).
    pub enum DocumentType for "postident" {
        /// 1 = ID card (Personalausweis).
        IdCard => "1",
        /// 2 = Passport (Reisepass).
        Passport => "2",
        /// 3 = Residence permit, ID card substitute (Aufenthaltstitel (Ausweisersatz)).
        ResidencePermit => "3",
        /// 4 = Temporary ID card (Vorläufiger Personalausweis).
        TemporaryIdCard => "4",
        /// 5 = Temporary passport (Vorläufiger Reisepass).
        TemporaryPassport => "5",
        /// 6 = 1954 Convention travel document, stateless person.
        StatelessPersonTravelDocument => "6",
        /// 7 = 1951 Convention travel document, refugee.
        RefugeeTravelDocument => "7",
        /// 8 = Travel document for aliens / foreigners (Reiseausweis für Ausländer).
        AliensTravelDocument => "8",
        /// 9 = Service passport (Dienstpass).
        ServicePassport => "9",
        /// 10 = Diplomatic passport (Diplomatenpass).
        DiplomaticPassport => "10",
        /// 11 = Official passport (Ministerialpass).
        OfficialPassport => "11",
        /// 12 = Official or diplomatic passport (Ministerial- oder Diplomatenpass).
        OfficialOrDiplomaticPassport => "12",
        /// 13 = eID card for Union citizens and EEA nationals.
        EuEidCard => "13",
    }
}

impl DocumentType {
    /// The documented code number (1..=13), `None` for unknown values.
    pub fn code(&self) -> Option<u8> {
        self.as_str().parse().ok().filter(|_| !self.is_unknown())
    }

    /// The English name the result guide gives the type.
    pub fn description(&self) -> &str {
        match self {
            DocumentType::IdCard => "ID Card",
            DocumentType::Passport => "Passport",
            DocumentType::ResidencePermit => "Residence Permit (ID Card Substitute)",
            DocumentType::TemporaryIdCard => "Temporary ID Card",
            DocumentType::TemporaryPassport => "Temporary Passport",
            DocumentType::StatelessPersonTravelDocument => {
                "1954 Convention Travel Document (Stateless Person)"
            }
            DocumentType::RefugeeTravelDocument => "1951 Convention Travel Document (Refugee)",
            DocumentType::AliensTravelDocument => "Travel Document For Aliens / Foreigners",
            DocumentType::ServicePassport => "Service Passport",
            DocumentType::DiplomaticPassport => "Diplomatic Passport",
            DocumentType::OfficialPassport => "Official Passport",
            DocumentType::OfficialOrDiplomaticPassport => "Official or Diplomatic Passport",
            DocumentType::EuEidCard => "eID card for Union citizens and EEA nationals",
            DocumentType::Unknown(raw) => raw.as_str(),
        }
    }
}

kyc_core::provider_enum! {
    /// `processData.preferredLanguage` (Guide 1).
    pub enum PreferredLanguage for "postident" {
        /// German.
        German => "DE_DE",
        /// English.
        English => "EN_UK",
    }
}

kyc_core::provider_enum! {
    /// `additionalDataVideo.tanChannel` (result guide 8.6.10).
    pub enum TanChannel for "postident" {
        /// The TAN was sent by SMS.
        Sms => "sms",
        /// The TAN was sent by e-mail.
        Email => "email",
    }
}

/// `from_wire`: the name these enums' reader had before they moved onto `provider_enum!`, kept
/// so that callers need not change.
macro_rules! from_wire_alias {
    ($($name:ident),+ $(,)?) => {
        $(
            impl $name {
                /// Reads a wire value; the same as [`Self::parse`].
                pub fn from_wire(raw: &str) -> Self {
                    Self::parse(raw)
                }
            }
        )+
    };
}

from_wire_alias!(
    IdentificationMethod,
    IdentStatus,
    CaseProgress,
    FieldStatus,
    RecordOwner,
    RecordType,
    ValidationStatus,
    ValidationSubStatus,
    DocumentType,
    PreferredLanguage,
    TanChannel,
);
