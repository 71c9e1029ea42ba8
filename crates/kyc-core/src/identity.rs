//! The identity a provider verified: person, address, document and contact data, each field with
//! how the provider checked it against what the caller supplied.
//!
//! Both providers report field by field whether the data read from the document *matched* what
//! was supplied, *changed* it (keeping the original), was *new*, or is only the *original*
//! (aborted attempts). [`Checked`] keeps exactly that.
//!
//! Values are kept as the provider sent them, with two normalisations: dates as `YYYY-MM-DD`,
//! countries as ISO 3166-1 alpha-3 when recognised (`DEU`, `RKS`, `XXA`, ...), otherwise verbatim.
//!
//! `Debug` of every type here is redacted: it shows which fields are present and their check
//! status, never the values.
//!
//! Every struct here is `#[non_exhaustive]` (providers keep adding what they report, and a new
//! field must not be a breaking change). Outside this crate, build one from `Default` (or
//! [`Checked::new`]) with the chained `with_*` setters; the fields stay public.

use crate::redact::presence;
use crate::setters::setters;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How the provider checked one field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldCheck {
    /// Read from the document and equal to what the caller supplied (IDnow `MATCH`,
    /// POSTIDENT `match`).
    Match,
    /// Read from the document and different from what the caller supplied; the supplied value
    /// is in [`Checked::original`] (IDnow `CHANGE`, POSTIDENT `change`).
    Changed,
    /// Not supplied by the caller, found during verification; nothing was compared
    /// (IDnow `NEW`, POSTIDENT `new`, and fields a provider reports without a status).
    #[default]
    New,
    /// Only the caller's original value is known; the attempt did not verify it
    /// (IDnow `ORIGINAL` in aborted or cancelled results).
    OriginalOnly,
    /// The provider removed the value (IDnow XML `REDACTION`).
    Redacted,
    /// A check status this library does not know yet, verbatim.
    Unknown(String),
}

impl FieldCheck {
    /// True when the field's value was verified against an identity document
    /// (match, changed or new).
    pub fn is_verified(&self) -> bool {
        matches!(
            self,
            FieldCheck::Match | FieldCheck::Changed | FieldCheck::New
        )
    }
}

/// One field of a verified identity with its check.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checked {
    /// The value as verified (None when the provider sent none, e.g. an aborted attempt).
    pub value: Option<String>,
    /// How the provider checked it.
    pub check: FieldCheck,
    /// The value the caller originally supplied, when the provider reports it
    /// (changed fields, aborted attempts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// How a later review checked the field (IDnow `reviewstatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_check: Option<FieldCheck>,
    /// The value found during identification before a reviewer changed it
    /// (IDnow `identification`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_review: Option<String>,
}

impl Checked {
    /// A field the provider did not report at all.
    pub fn absent() -> Self {
        Checked::default()
    }

    /// A value with a check status.
    pub fn new(value: impl Into<String>, check: FieldCheck) -> Self {
        Checked {
            value: Some(value.into()),
            check,
            ..Default::default()
        }
    }

    /// True when there is neither a value nor an original.
    pub fn is_absent(&self) -> bool {
        self.value.is_none() && self.original.is_none()
    }

    /// The verified value, if any.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

setters!(Checked {
    some with_original => original: String,
    some with_review_check => review_check: FieldCheck,
    some with_before_review => before_review: String,
    set with_check => check: FieldCheck,
});

impl fmt::Debug for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Checked");
        d.field("value", &presence(&self.value))
            .field("check", &self.check);
        if self.original.is_some() {
            d.field("original", &presence(&self.original));
        }
        if let Some(r) = &self.review_check {
            d.field("review_check", r);
        }
        d.finish()
    }
}

/// The kind of identity document, in neutral words. The provider's own type code is kept in
/// [`VerifiedDocument::provider_type`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// National identity card.
    IdCard,
    /// Passport.
    Passport,
    /// Driving licence.
    DriversLicence,
    /// Residence permit or residence title.
    ResidencePermit,
    /// Another documented kind (e.g. POSTIDENT service cards).
    Other,
    /// A kind this library does not know yet, verbatim.
    Unknown(String),
    /// The provider did not say.
    #[default]
    Unspecified,
}

/// The person as verified.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedPerson {
    /// Academic or honorary title.
    pub title: Checked,
    /// Given name(s).
    pub first_name: Checked,
    /// Family name.
    pub last_name: Checked,
    /// Name at birth.
    pub birth_name: Checked,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: Checked,
    /// Place of birth.
    pub birth_place: Checked,
    /// Nationality, ISO alpha-3 when recognised.
    pub nationality: Checked,
    /// Gender as the provider words it (`MALE`, `FEMALE`, ...).
    pub gender: Checked,
}

/// A postal address as verified.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedAddress {
    /// Street (with the number when the provider does not split them).
    pub street: Checked,
    /// House number, when the provider reports it separately.
    pub street_number: Checked,
    /// Address appendix (c/o, apartment).
    pub appendix: Checked,
    /// Postal code.
    pub postal_code: Checked,
    /// City.
    pub city: Checked,
    /// Country, ISO alpha-3 when recognised.
    pub country: Checked,
    /// What a postal address check found (POSTIDENT `addressMatch`, when configured for the
    /// account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_check: Option<PostalCheck>,
}

/// What a check of a German postal address against the postal service's records found
/// (POSTIDENT `addressMatch`). Each flag is `None` when the provider did not report it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostalCheck {
    /// A domestic mail redirection order exists (`mailRedirectionDomestic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected_domestic: Option<bool>,
    /// An international mail redirection order exists (`mailRedirectionInternational`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirected_international: Option<bool>,
    /// Mail cannot be delivered to the address (`undeliverable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undeliverable: Option<bool>,
    /// The addressee is deceased (`addresseeDeceased`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressee_deceased: Option<bool>,
}

/// One vehicle class on a driving licence (IDnow `driverlicenses[]`, POSTIDENT
/// `drivingLicenceClasses`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LicenceClass {
    /// The class (`A1`, `B`, ...).
    pub class: Checked,
    /// From when the class is valid (the date of issue), `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_from: Checked,
    /// Until when the class is valid, `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_until: Checked,
    /// Restrictions or additional information printed for the class.
    #[serde(default)]
    pub restrictions: Checked,
    /// How the "valid from" field read on the card, verbatim (IDnow `validFromReadout`:
    /// `DATE`, `EMPTY`, `REFERENCE_GERMAN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from_readout: Option<String>,
    /// How the "valid until" field read on the card, verbatim (IDnow `validUntilReadout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until_readout: Option<String>,
}

/// The identity document as verified.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedDocument {
    /// The neutral kind.
    pub kind: DocumentKind,
    /// The provider's own type code verbatim (`IDCARD`, `"1"`, ...).
    pub provider_type: String,
    /// Document number.
    pub number: Checked,
    /// Issuing authority.
    pub authority: Checked,
    /// Place of issue.
    pub place_of_issue: Checked,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_on: Checked,
    /// Date of expiry, `YYYY-MM-DD`.
    pub valid_until: Checked,
    /// Issuing country, ISO alpha-3 when recognised.
    pub country: Checked,
    /// Whether the document's chip was read (IDnow `wasnfcused`), when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chip_read: Option<bool>,
    /// The vehicle classes, for a driving licence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licence_classes: Vec<LicenceClass>,
    /// Restrictions printed on the document (POSTIDENT driving licence `restrictions`).
    #[serde(default, skip_serializing_if = "Checked::is_absent")]
    pub restrictions: Checked,
    /// The holder as printed on this document, for a document checked *in addition* to the
    /// main one (a driving licence): names and birth data, each with its check. `None` for the
    /// main document, whose holder is [`VerifiedIdentity::person`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Box<VerifiedPerson>>,
}

/// Contact data as reported.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedContact {
    /// E-mail address.
    pub email: Checked,
    /// Mobile phone number.
    pub mobile_phone: Checked,
}

/// Everything a provider verified about the user.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedIdentity {
    /// Names, birth data, nationality, gender.
    pub person: VerifiedPerson,
    /// The address, when the provider reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<VerifiedAddress>,
    /// The identity document, when the provider reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<VerifiedDocument>,
    /// Further documents checked in the same identification, with [`VerifiedDocument::holder`]
    /// set (IDnow `identificationdocument2`, POSTIDENT `drivingLicence`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_documents: Vec<VerifiedDocument>,
    /// E-mail and phone.
    pub contact: VerifiedContact,
}

impl VerifiedIdentity {
    /// Every field with its dotted name (`person.first_name`, `address.city`, ...), for callers
    /// that want to walk all checks (e.g. to find what changed).
    pub fn fields(&self) -> Vec<(&'static str, &Checked)> {
        let p = &self.person;
        let mut out = vec![
            ("person.title", &p.title),
            ("person.first_name", &p.first_name),
            ("person.last_name", &p.last_name),
            ("person.birth_name", &p.birth_name),
            ("person.birth_date", &p.birth_date),
            ("person.birth_place", &p.birth_place),
            ("person.nationality", &p.nationality),
            ("person.gender", &p.gender),
        ];
        if let Some(a) = &self.address {
            out.extend([
                ("address.street", &a.street),
                ("address.street_number", &a.street_number),
                ("address.appendix", &a.appendix),
                ("address.postal_code", &a.postal_code),
                ("address.city", &a.city),
                ("address.country", &a.country),
            ]);
        }
        if let Some(d) = &self.document {
            out.extend([
                ("document.number", &d.number),
                ("document.authority", &d.authority),
                ("document.place_of_issue", &d.place_of_issue),
                ("document.issued_on", &d.issued_on),
                ("document.valid_until", &d.valid_until),
                ("document.country", &d.country),
            ]);
        }
        out.push(("contact.email", &self.contact.email));
        out.push(("contact.mobile_phone", &self.contact.mobile_phone));
        out
    }

    /// True when any field is checked as changed.
    pub fn any_changed(&self) -> bool {
        self.fields().iter().any(|(_, c)| {
            c.check == FieldCheck::Changed || c.review_check == Some(FieldCheck::Changed)
        })
    }
}

setters!(VerifiedPerson {
    set with_title => title: Checked,
    set with_first_name => first_name: Checked,
    set with_last_name => last_name: Checked,
    set with_birth_name => birth_name: Checked,
    set with_birth_date => birth_date: Checked,
    set with_birth_place => birth_place: Checked,
    set with_nationality => nationality: Checked,
    set with_gender => gender: Checked,
});

setters!(VerifiedAddress {
    some with_postal_check => postal_check: PostalCheck,
    set with_street => street: Checked,
    set with_street_number => street_number: Checked,
    set with_appendix => appendix: Checked,
    set with_postal_code => postal_code: Checked,
    set with_city => city: Checked,
    set with_country => country: Checked,
});

setters!(VerifiedDocument {
    some with_chip_read => chip_read: bool,
    some with_holder => holder: Box<VerifiedPerson>,
    set with_kind => kind: DocumentKind,
    set with_provider_type => provider_type: String,
    set with_number => number: Checked,
    set with_authority => authority: Checked,
    set with_place_of_issue => place_of_issue: Checked,
    set with_issued_on => issued_on: Checked,
    set with_valid_until => valid_until: Checked,
    set with_country => country: Checked,
    set with_restrictions => restrictions: Checked,
    exact with_licence_classes => licence_classes: Vec<LicenceClass>,
});

setters!(VerifiedContact {
    set with_email => email: Checked,
    set with_mobile_phone => mobile_phone: Checked,
});

setters!(VerifiedIdentity {
    some with_address => address: VerifiedAddress,
    some with_document => document: VerifiedDocument,
    set with_person => person: VerifiedPerson,
    set with_contact => contact: VerifiedContact,
    exact with_secondary_documents => secondary_documents: Vec<VerifiedDocument>,
});

crate::redacted_debug!(VerifiedPerson {
    shown: [
        title,
        first_name,
        last_name,
        birth_name,
        birth_date,
        birth_place,
        nationality,
        gender
    ],
});
crate::redacted_debug!(VerifiedAddress {
    shown: [
        street,
        street_number,
        appendix,
        postal_code,
        city,
        country,
        postal_check
    ],
});
crate::redacted_debug!(VerifiedDocument {
    shown: [
        kind,
        provider_type,
        number,
        authority,
        place_of_issue,
        issued_on,
        valid_until,
        country,
        chip_read,
        licence_classes,
        restrictions,
        holder
    ],
});
crate::redacted_debug!(VerifiedContact {
    shown: [email, mobile_phone],
});
crate::redacted_debug!(VerifiedIdentity {
    shown: [person, address, document, secondary_documents, contact],
});
