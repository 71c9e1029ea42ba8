//! The closed value lists of the result guide as Rust enums. Every enum keeps values it does not
//! know as `Unknown(raw)` (with a `tracing` warning), because POSTIDENT adds values without a new
//! API version (result guide 8.1). Values are matched case-insensitively with surrounding
//! whitespace ignored; [`as_str`](IdentificationMethod::as_str) gives the documented spelling.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the result guide does not document, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every documented value, in the order of the result guide.
            pub const DOCUMENTED: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The value as POSTIDENT spells it (the raw value for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(raw) => raw.as_str(),
                }
            }

            /// Reads a wire value; unknown values become `Unknown` with a warning.
            pub fn from_wire(raw: &str) -> Self {
                let trimmed = raw.trim();
                $( if trimmed.eq_ignore_ascii_case($wire) { return $name::$variant; } )+
                tracing::warn!(
                    value = %kyc_core::wire::printable(raw, kyc_core::wire::DEFAULT_MAX_CHARS),
                    "POSTIDENT: undocumented {} value, kept as Unknown",
                    stringify!($name)
                );
                $name::Unknown(raw.to_string())
            }

            /// True for `Unknown`.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = super::strict::opt_string(d)?.unwrap_or_default();
                Ok($name::from_wire(&raw))
            }
        }
    };
}

wire_enum! {
    /// `identificationMethod` (result guide 8.6).
    IdentificationMethod {
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

wire_enum! {
    /// `identificationStatus.status` (result guide 8.6.1 and section 4).
    IdentStatus {
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

wire_enum! {
    /// `caseStatus.status` (result guide 8.3).
    CaseProgress {
        /// No identification started yet.
        New => "new",
        /// At least one identification is running or resumable.
        InProgress => "in progress",
        /// The case is closed (final result, or no method left).
        Closed => "closed",
    }
}

wire_enum! {
    /// Status of a `{value, status}` pair: how the delivered value relates to what the client
    /// provided at creation (result guide 8.5, 8.6.2, 8.6.3).
    FieldStatus {
        /// Nothing was provided; the value was collected during identification.
        New => "new",
        /// The provided value matches.
        Match => "match",
        /// The provided value was overwritten by the verified one.
        Change => "change",
    }
}

wire_enum! {
    /// `RecordResult.belongsTo` (result guide 8.6.7).
    RecordOwner {
        /// A method-level file (result PDF, user face, signature).
        Method => "method",
        /// A file of the identification document.
        IdentificationDocument => "identificationdocument",
        /// A file of the driving licence.
        DrivingLicence => "drivinglicence",
    }
}

wire_enum! {
    /// `RecordResult.type` (result guide 8.6.7 and changelog).
    RecordType {
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

wire_enum! {
    /// `RecordResult.validationStatus`, photo method only (result guide 4.4.1).
    ValidationStatus {
        /// Not checked by an agent (yet).
        Unchecked => "unchecked",
        /// The agent accepted the record.
        Valid => "valid",
        /// The agent rejected the record; see the validation sub-status.
        Invalid => "invalid",
    }
}

wire_enum! {
    /// `RecordResult.validationSubStatus`, photo method only (result guide 4.4.1).
    ValidationSubStatus {
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

wire_enum! {
    /// `IdentificationDocumentResult.type` / `identificationDocumentProvided.type`: a number
    /// sent as a string (result guide 8.6.2).
    DocumentType {
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

wire_enum! {
    /// `processData.preferredLanguage` (Guide 1).
    PreferredLanguage {
        /// German.
        German => "DE_DE",
        /// English.
        English => "EN_UK",
    }
}

wire_enum! {
    /// `additionalDataVideo.tanChannel` (result guide 8.6.10).
    TanChannel {
        /// The TAN was sent by SMS.
        Sms => "sms",
        /// The TAN was sent by e-mail.
        Email => "email",
    }
}
