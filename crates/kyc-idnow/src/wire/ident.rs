//! The ident result as IDnow sends it: from `GET /identifications/{txn}`, inside the list
//! wrapper, in every webhook body, and (converted by [`crate::xml`]) in the XML result file.
//!
//! Every field is optional (thin ABORTED/CANCELED payloads carry only `original` values and no
//! `attachments` or `identificationdocument`), unknown fields are ignored, unknown code words are
//! kept as `Unknown(..)`, and booleans may be strings. `Debug` never prints personal data.

use kyc_core::wire::lenient;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

kyc_core::provider_enum! {
    /// `identificationprocess.result` (also `previousresult`, `poaresult`, `esigning.result`).
    pub enum IdentResult for "idnow" {
        /// Verified without problems or changed data (final).
        Success => "SUCCESS",
        /// Verified, but data differs from what was supplied (final).
        SuccessDataChanged => "SUCCESS_DATA_CHANGED",
        /// Fraud suspicion confirmed by an agent (final).
        FraudSuspicionConfirmed => "FRAUD_SUSPICION_CONFIRMED",
        /// Cancelled by the agent; the user may retry with the same IdentID.
        Canceled => "CANCELED",
        /// Preliminary: finished by the user, waiting for review.
        ReviewPending => "REVIEW_PENDING",
        /// Preliminary: finished by the user, fraud suspected, waiting for review.
        FraudSuspicionPending => "FRAUD_SUSPICION_PENDING",
        /// Preliminary (REALTIME webhook): automated checks inconclusive, agent check pending.
        CheckPending => "CHECK_PENDING",
        /// The user aborted in the app; the same IdentID can be used again.
        Aborted => "ABORTED",
        /// Named only by the document's Testing section (robot scenario CANCELED); read as
        /// `CANCELED`.
        Failed => "FAILED",
        /// The user is in the flow (webhook type START): not a documented result word, but what
        /// the sandbox's START webhook body carries (the document shows no START body; a body
        /// without `result` is read the same way). IDnow's GET answers 404 in the flow.
        Start => "START",
        /// Not documented; read like `START` (the user is in the flow).
        Started => "STARTED",
        /// Not documented; the ident exists and the user has not started (in a webhook, read
        /// like `START`).
        Created => "CREATED",
    }
}

kyc_core::provider_enum! {
    /// How one data field was checked (`status` and `reviewstatus`).
    pub enum FieldStatus for "idnow" {
        /// The verified value matches what was supplied.
        Match => "MATCH",
        /// The verified value differs; the supplied one is in `original`.
        Change => "CHANGE",
        /// Not supplied at creation; read during identification.
        New => "NEW",
        /// Aborted/canceled payloads: only the supplied value (`original`) is present.
        Original => "ORIGINAL",
        /// XML results: the value was removed (data minimisation); the element is empty.
        Redaction => "REDACTION",
    }
}

kyc_core::provider_enum! {
    /// `identificationprocess.type`: the channel the user identified through.
    pub enum Channel for "idnow" {
        /// The web app.
        Web => "WEB",
        /// A native app or SDK.
        App => "APP",
    }
}

kyc_core::provider_enum! {
    /// `identificationdocument.type`.
    pub enum DocumentType for "idnow" {
        /// National identity card.
        IdCard => "IDCARD",
        /// Passport.
        Passport => "PASSPORT",
        /// Driver's licence.
        DriversLicense => "DRIVERS_LICENSE",
        /// Residence permit (residence title).
        ResidencePermit => "RESIDENCE_PERMIT",
    }
}

kyc_core::provider_enum! {
    /// `driverlicenses[].validFromReadout` / `validUntilReadout`.
    pub enum LicenseDateReadout for "idnow" {
        /// A date is printed; see `validFrom` / `validUntil`.
        Date => "DATE",
        /// Blank or dashes.
        Empty => "EMPTY",
        /// `*)` printed (German licences).
        ReferenceGerman => "REFERENCE_GERMAN",
    }
}

/// A JSON scalar as text, read the lenient way every field is (`kyc_core::wire::lenient`):
/// `"x"`, `12` and `true` are text; `null`, arrays and objects are not.
fn text_of(value: &Value) -> Option<String> {
    lenient::opt_string(value).ok().flatten()
}

/// One checked data field: `{"status": "CHANGE", "value": "X", "original": "Y", ...}`.
///
/// A bare scalar where an object was documented (seen in `identificationdocument2`) is read as
/// a field with only `value`. `Debug` shows which parts are present, never their text.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct Field {
    /// How the value was checked during identification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FieldStatus>,
    /// The verified value (absent in aborted/canceled payloads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value supplied when the ident was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// How the value was checked during a later review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewstatus: Option<FieldStatus>,
    /// The value the ident specialist read, before a reviewer corrected it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
}

impl Field {
    /// True when the field carries nothing at all.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.value.is_none()
            && self.original.is_none()
            && self.reviewstatus.is_none()
            && self.identification.is_none()
    }
}

kyc_core::redacted_debug!(Field {
    shown: [status, reviewstatus],
    redacted: [value, original, identification],
});

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match lenient::object_or_text::<D, FieldObject>(d)? {
            lenient::ObjectOrText::Object(o) => Field {
                status: o.status.map(|s| FieldStatus::parse(&s)),
                value: o.value,
                original: o.original,
                reviewstatus: o.reviewstatus.map(|s| FieldStatus::parse(&s)),
                identification: o.identification,
            },
            lenient::ObjectOrText::Text(value) => Field {
                value,
                ..Field::default()
            },
        })
    }
}

/// [`Field`] as the object IDnow documents, each part read the lenient way (a blank code word
/// is absent).
#[derive(Default, Deserialize)]
#[serde(default)]
struct FieldObject {
    #[serde(deserialize_with = "lenient::opt_nonblank")]
    status: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    value: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    original: Option<String>,
    #[serde(deserialize_with = "lenient::opt_nonblank")]
    reviewstatus: Option<String>,
    #[serde(deserialize_with = "lenient::opt_string")]
    identification: Option<String>,
}

/// `identificationprocess`: the result and general facts about the identification. `Debug`
/// shows the codes and ids, and only whether the agent's name is present.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentificationProcess {
    /// The result (final, preliminary, ABORTED, CANCELED, ...).
    #[serde(deserialize_with = "lenient::opt_word")]
    pub result: Option<IdentResult>,
    /// Abort, cancel, fraud or TSP reason code.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub reason: Option<String>,
    /// The shortname the ident belongs to.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub companyid: Option<String>,
    /// File name of the result ZIP.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub filename: Option<String>,
    /// When the ident was finished (ISO 8601), kept as sent.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub identificationtime: Option<String>,
    /// The IdentID, e.g. `TST-ABCDE`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    /// Path (or URL) of the result ZIP.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub href: Option<String>,
    /// `WEB` or `APP`.
    #[serde(rename = "type", deserialize_with = "lenient::opt_word")]
    pub channel: Option<Channel>,
    /// The caller's transaction number.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub transactionnumber: Option<String>,
    /// Result of the proof-of-address check, when enabled.
    #[serde(deserialize_with = "lenient::opt_word")]
    pub poaresult: Option<IdentResult>,
    /// Whether the agent changed user data during identification.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub identchanges: Option<bool>,
    /// Whether a reviewer changed user data during review.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub reviewchanges: Option<bool>,
    /// The preliminary result that preceded this final one.
    #[serde(deserialize_with = "lenient::opt_word")]
    pub previousresult: Option<IdentResult>,
    /// The agent's (or test robot's) name, e.g. `TROBOT`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub agentname: Option<String>,
    /// Whether the document chip was read by NFC (`true` or `"true"`).
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub wasnfcused: Option<bool>,
}

kyc_core::redacted_debug!(IdentificationProcess {
    shown: [
        result,
        reason,
        companyid,
        filename,
        identificationtime,
        id,
        href,
        channel,
        transactionnumber,
        poaresult,
        identchanges,
        reviewchanges,
        previousresult,
        wasnfcused,
    ],
    redacted: [agentname],
});

/// `customdata`: `custom1` .. `custom5`, relayed back verbatim. `Debug` is redacted.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomData {
    /// `custom1`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub custom1: Option<String>,
    /// `custom2`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub custom2: Option<String>,
    /// `custom3`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub custom3: Option<String>,
    /// `custom4`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub custom4: Option<String>,
    /// `custom5`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub custom5: Option<String>,
}

impl CustomData {
    /// The present fields as `("custom1", value)` pairs.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        kyc_core::wire::custom_entries([
            &self.custom1,
            &self.custom2,
            &self.custom3,
            &self.custom4,
            &self.custom5,
        ])
    }
}

impl fmt::Debug for CustomData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomData({} fields, redacted)", self.entries().len())
    }
}

/// `contactdata`: e-mail and mobile phone. `Debug` is redacted.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactData {
    /// E-mail address.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    /// Mobile phone number.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub mobilephone: Option<String>,
}

kyc_core::redacted_debug!(ContactData {
    shown: [],
    redacted: [email, mobilephone],
});

/// The nested `address` of `userdata` and of additional documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// Street.
    pub street: Option<Field>,
    /// House number.
    pub streetnumber: Option<Field>,
    /// City.
    pub city: Option<Field>,
    /// Country (ISO 3166 alpha-2).
    pub country: Option<Field>,
    /// Postal code.
    pub zipcode: Option<Field>,
}

/// `userdata`: personal data as verified, each field with its check status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserData {
    /// Birth date, `YYYY-MM-DD`.
    pub birthday: Option<Field>,
    /// Birth name.
    pub birthname: Option<Field>,
    /// Birthplace.
    pub birthplace: Option<Field>,
    /// First name(s).
    pub firstname: Option<Field>,
    /// Last name.
    pub lastname: Option<Field>,
    /// `MALE`, `FEMALE` (or `OTHER`).
    pub gender: Option<Field>,
    /// Nationality (alpha-2; `D` from eID).
    pub nationality: Option<Field>,
    /// Academic title.
    pub title: Option<Field>,
    /// Language of the identification (e.g. `en`).
    pub identlanguage: Option<Field>,
    /// Address read from the document.
    pub address: Option<Address>,
}

/// One entry of `identificationdocument.driverlicenses`. `Debug` shows the class and the
/// readouts, and only whether the dates and the extra text are present.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DriverLicense {
    /// Extra text printed for the class.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub additional_information: Option<String>,
    /// The licence class, e.g. `B`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub license_class: Option<String>,
    /// How the valid-from column reads.
    #[serde(deserialize_with = "lenient::opt_word")]
    pub valid_from_readout: Option<LicenseDateReadout>,
    /// How the valid-until column reads.
    #[serde(deserialize_with = "lenient::opt_word")]
    pub valid_until_readout: Option<LicenseDateReadout>,
    /// Valid-from date when the readout is `DATE` (documented also as `vaildFrom`).
    #[serde(alias = "vaildFrom", deserialize_with = "lenient::opt_string")]
    pub valid_from: Option<String>,
    /// Valid-until date when the readout is `DATE` (documented also as `vaildUntil`).
    #[serde(alias = "vaildUntil", deserialize_with = "lenient::opt_string")]
    pub valid_until: Option<String>,
}

kyc_core::redacted_debug!(DriverLicense {
    shown: [license_class, valid_from_readout, valid_until_readout],
    redacted: [additional_information, valid_from, valid_until],
});

/// `identificationdocument`: what was read from the identity document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentificationDocument {
    /// `IDCARD`, `PASSPORT`, `DRIVERS_LICENSE`, `RESIDENCE_PERMIT`.
    #[serde(rename = "type")]
    pub document_type: Option<Field>,
    /// Issuing country (alpha-2).
    pub country: Option<Field>,
    /// Expiry date.
    pub validuntil: Option<Field>,
    /// Document number.
    pub number: Option<Field>,
    /// Issuing authority.
    pub issuedby: Option<Field>,
    /// Issue date.
    pub dateissued: Option<Field>,
    /// Place of issue (not documented; seen in some results).
    pub placeofissue: Option<Field>,
    /// First name as printed (seen in CHECK_PENDING payloads).
    pub firstname: Option<Field>,
    /// Last name as printed (seen in CHECK_PENDING payloads).
    pub lastname: Option<Field>,
    /// Birth date as printed.
    pub birthday: Option<Field>,
    /// Driver's licence classes.
    #[serde(deserialize_with = "lenient::opt_one_or_many")]
    pub driverlicenses: Option<Vec<DriverLicense>>,
}

/// `identificationdocument2`: a second document checked in the same identification (a
/// driver's licence next to the ID card), as the document's "Ident process with 2 documents"
/// sample shows it: flat values (plain strings, possibly empty) rather than checked fields;
/// either form is read. Not documented in a table; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecondDocument {
    /// `DRIVERS_LICENSE`, `IDCARD`, ...
    #[serde(rename = "type")]
    pub document_type: Option<Field>,
    /// Issuing country.
    pub country: Option<Field>,
    /// Expiry date.
    pub validuntil: Option<Field>,
    /// Document number.
    pub number: Option<Field>,
    /// Issuing authority.
    pub issuedby: Option<Field>,
    /// Issue date.
    pub dateissued: Option<Field>,
    /// Place of issue.
    pub placeofissue: Option<Field>,
    /// First name as printed on this document.
    pub firstname: Option<Field>,
    /// Last name as printed on this document.
    pub lastname: Option<Field>,
    /// Birth date as printed on this document.
    pub birthday: Option<Field>,
    /// Birthplace as printed on this document.
    pub birthplace: Option<Field>,
    /// Licence classes, as `driverlicenses` entries (the sample calls the list
    /// `driverlicenseclasses`; entries given as plain strings are read as class names).
    #[serde(alias = "driverlicenseclasses", deserialize_with = "opt_license_list")]
    pub driverlicenses: Option<Vec<DriverLicense>>,
}

/// A licence class list whose entries are `driverlicenses` objects or plain class names.
fn opt_license_list<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<DriverLicense>>, D::Error> {
    let value = Value::deserialize(d)?;
    let items = match value {
        Value::Null => return Ok(None),
        Value::Array(items) => items,
        other => vec![other],
    };
    Ok(Some(
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(_) => serde_json::from_value(item).ok(),
                other => text_of(&other).map(|class| DriverLicense {
                    license_class: Some(class),
                    ..DriverLicense::default()
                }),
            })
            .collect(),
    ))
}

/// One entry of `additionaldocuments` (proof of address and other extra documents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdditionalDocument {
    /// Kind of document, e.g. `UTILITY_BILL`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub documentname: Option<String>,
    /// The address on the document (as in the samples).
    pub address: Option<Address>,
    /// Zip code, when sent flat (as in the field table).
    pub zipcode: Option<Field>,
    /// Country, when sent flat.
    pub country: Option<Field>,
    /// City, when sent flat.
    pub city: Option<Field>,
    /// Street, when sent flat.
    pub street: Option<Field>,
    /// House number, when sent flat.
    pub streetnumber: Option<Field>,
}

impl AdditionalDocument {
    /// The address whichever way it was sent (nested wins, flat fields fill gaps).
    pub fn effective_address(&self) -> Address {
        let mut a = self.address.clone().unwrap_or_default();
        a.zipcode = a.zipcode.or_else(|| self.zipcode.clone());
        a.country = a.country.or_else(|| self.country.clone());
        a.city = a.city.or_else(|| self.city.clone());
        a.street = a.street.or_else(|| self.street.clone());
        a.streetnumber = a.streetnumber.or_else(|| self.streetnumber.clone());
        a
    }
}

/// `esigning`: the outcome of the QES signing step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Esigning {
    /// Signing result, e.g. `SUCCESS`.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub result: Option<String>,
    /// The TSP session id.
    #[serde(deserialize_with = "lenient::opt_string")]
    pub sessionid: Option<String>,
}

/// `attachments`: attachment key (`pdf`, `xml`, `xmlsig`, `idfrontside`, `security1`,
/// `contract-doc`, ...) → file name inside the result ZIP. Non-text values are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Attachments(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Attachments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let mut out = BTreeMap::new();
        if let Value::Object(map) = value {
            for (k, v) in map {
                if let Some(name) = text_of(&v).filter(|s| !s.is_empty()) {
                    out.insert(k, name);
                }
            }
        }
        Ok(Attachments(out))
    }
}

/// One ident as IDnow reports it (GET ident, list entry, webhook body, XML result).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ident {
    /// Result and process facts.
    pub identificationprocess: Option<IdentificationProcess>,
    /// Custom fields.
    pub customdata: Option<CustomData>,
    /// Contact data.
    pub contactdata: Option<ContactData>,
    /// Personal data with check statuses.
    pub userdata: Option<UserData>,
    /// The identity document.
    pub identificationdocument: Option<IdentificationDocument>,
    /// A second document (driver's licence), loosely structured; kept as JSON.
    pub identificationdocument2: Option<Value>,
    /// Files in the result ZIP.
    pub attachments: Option<Attachments>,
    /// Proof-of-address and other additional documents.
    #[serde(deserialize_with = "lenient::opt_one_or_many")]
    pub additionaldocuments: Option<Vec<AdditionalDocument>>,
    /// QES signing outcome.
    pub esigning: Option<Esigning>,
    /// Bank transfer (GwG) payment info, kept as JSON (it holds an IBAN).
    pub banktransferpaymentinfo: Option<Value>,
}

impl Ident {
    /// The process section, or an empty one.
    pub fn process(&self) -> IdentificationProcess {
        self.identificationprocess.clone().unwrap_or_default()
    }

    /// The result word, when there is one.
    pub fn result(&self) -> Option<&IdentResult> {
        self.identificationprocess
            .as_ref()
            .and_then(|p| p.result.as_ref())
    }
}

kyc_core::redacted_debug!(Ident {
    shown: [
        identificationprocess,
        customdata,
        contactdata,
        userdata,
        identificationdocument,
        attachments,
        additionaldocuments,
        esigning,
    ],
    redacted: [identificationdocument2, banktransferpaymentinfo],
});

/// `{"identifications": [...]}`: the list endpoint's (and some samples') wrapper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentList {
    /// The idents.
    #[serde(deserialize_with = "lenient::one_or_many")]
    pub identifications: Vec<Ident>,
}
