//! What a caller supplies to open a case, and the per-provider rules it must follow.
//!
//! One [`NewCase`] works for every provider: fields a provider does not take at creation are
//! ignored by that provider's adapter (and listed in `docs/architecture.md`), so switching
//! provider by configuration does not require different input. Each adapter checks every rule
//! its provider documents *before* a request is sent ([`NewCase::validate_with`]: the rules all
//! providers share, here, and the provider's own, in its adapter); each violation names the field
//! and the rule, never the value.
//!
//! ```
//! use kyc_core::{NewCase, PersonInput};
//!
//! let case = NewCase::new("order-4711").with_person(PersonInput::new("Erika", "Mustermann"));
//! assert!(case.validate_common_rules().is_ok());
//! // A provider's own rule, as an adapter passes it (POSTIDENT: references of at most 14).
//! let err = case
//!     .with_reference("a-reference-that-is-too-long")
//!     .validate_with(|c, v| v.max_chars("reference", Some(&c.reference), 14))
//!     .unwrap_err();
//! assert_eq!(err.violations()[0].field, "reference");
//! ```
//!
//! # Building the input
//!
//! The input types are `#[non_exhaustive]`: a new field in a later release is not a breaking
//! change, and so they cannot be written as struct literals outside this crate. Build them with
//! their constructor ([`NewCase::new`], [`PersonInput::new`], [`CallbackUrl::web`]) or
//! `Default`, then the chained `with_*` setters; the fields stay public for reading and for
//! assignment.

use crate::country::Country;
use crate::identity::DocumentKind;
use crate::redact::presence;
use crate::setters::setters;
use crate::validation::Validator;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most custom fields any provider takes (`custom1` .. `custom5`).
pub const MAX_CUSTOM_FIELDS: usize = 5;

/// Gender as both providers accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
    /// Other / diverse.
    Other,
}

/// The language the provider should speak to the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Language {
    /// German (`de`, POSTIDENT `DE_DE`).
    German,
    /// English (`en`, POSTIDENT `EN_UK`).
    English,
    /// Another language code, passed through where the provider accepts it.
    Other(String),
}

/// The person to identify, as the caller knows them.
///
/// ```
/// use chrono::NaiveDate;
/// use kyc_core::{Country, Gender, PersonInput};
///
/// let person = PersonInput::new("Erika", "Mustermann")
///     .with_birth_date(NaiveDate::from_ymd_opt(1964, 8, 12).unwrap())
///     .with_birth_place("Berlin")
///     .with_nationality(Country::GERMANY)
///     .with_gender(Gender::Female);
/// assert_eq!(person.first_name.as_deref(), Some("Erika"));
/// assert_eq!(person.title, None);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PersonInput {
    /// Academic or honorary title (POSTIDENT marks it deprecated).
    pub title: Option<String>,
    /// Given name(s).
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Name at birth.
    pub birth_name: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Place of birth.
    pub birth_place: Option<String>,
    /// Nationality.
    pub nationality: Option<Country>,
    /// Gender.
    pub gender: Option<Gender>,
}

/// A postal address as the caller knows it. Build it from `AddressInput::default()` with the
/// `with_*` setters.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddressInput {
    /// Street name (IDnow `street`; POSTIDENT joins it with the number into `streetAddress`).
    pub street: Option<String>,
    /// House number (IDnow `streetnumber`).
    pub street_number: Option<String>,
    /// Appendix such as c/o or apartment (POSTIDENT only).
    pub appendix: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country.
    pub country: Option<Country>,
}

/// How to reach the user. Build it from `ContactInput::default()` with the `with_*` setters.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactInput {
    /// E-mail address.
    pub email: Option<String>,
    /// Mobile phone number, ideally with country code (`+49...`).
    pub mobile_phone: Option<String>,
}

/// Identity document data the caller already has (POSTIDENT `identificationDocumentProvided`).
/// Build it from `DocumentInput::default()` with the `with_*` setters.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentInput {
    /// Kind of document.
    pub kind: Option<DocumentKind>,
    /// Document number.
    pub number: Option<String>,
    /// Issuing authority.
    pub authority: Option<String>,
    /// Place of issue.
    pub place_of_issue: Option<String>,
    /// Date of issue.
    pub issued_on: Option<NaiveDate>,
    /// Date of expiry.
    pub expires_on: Option<NaiveDate>,
    /// Issuing country.
    pub country: Option<Country>,
}

/// Where the provider sends the user's browser or app after a given outcome
/// (POSTIDENT callback URL objects; IDnow configures redirects per account instead).
/// Build it with [`CallbackUrl::web`] or `Default`, then the `with_*` setters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackUrl {
    /// URL for the web flow.
    pub web: Option<url::Url>,
    /// URL or scheme for the iOS app.
    pub ios: Option<String>,
    /// URL or scheme for the Android app.
    pub android: Option<String>,
}

/// Callback URLs per outcome. Build it from `CallbackUrls::default()` with the `with_*` setters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackUrls {
    /// After a successful identification.
    pub success: Option<CallbackUrl>,
    /// After a declined identification.
    pub declined: Option<CallbackUrl>,
    /// After the user finished and review is pending.
    pub review_pending: Option<CallbackUrl>,
    /// After an incomplete attempt the user may resume.
    pub incomplete: Option<CallbackUrl>,
    /// After the case was cancelled and closed.
    pub cancelled_and_closed: Option<CallbackUrl>,
    /// After a post-office coupon was requested.
    pub coupon_requested: Option<CallbackUrl>,
}

impl CallbackUrl {
    /// A callback with the URL for the web flow.
    pub fn web(url: url::Url) -> Self {
        CallbackUrl {
            web: Some(url),
            ..Default::default()
        }
    }

    /// Sets `web` to `Some(url)`.
    #[must_use]
    pub fn with_web(mut self, url: url::Url) -> Self {
        self.web = Some(url);
        self
    }
}

setters!(CallbackUrl {
    some with_ios => ios: String,
    some with_android => android: String,
});

setters!(CallbackUrls {
    some with_success => success: CallbackUrl,
    some with_declined => declined: CallbackUrl,
    some with_review_pending => review_pending: CallbackUrl,
    some with_incomplete => incomplete: CallbackUrl,
    some with_cancelled_and_closed => cancelled_and_closed: CallbackUrl,
    some with_coupon_requested => coupon_requested: CallbackUrl,
});

impl PersonInput {
    /// A person with given and family name; everything else empty.
    pub fn new(first_name: impl Into<String>, last_name: impl Into<String>) -> Self {
        PersonInput {
            first_name: Some(first_name.into()),
            last_name: Some(last_name.into()),
            ..Default::default()
        }
    }
}

setters!(PersonInput {
    some with_title => title: String,
    some with_first_name => first_name: String,
    some with_last_name => last_name: String,
    some with_birth_name => birth_name: String,
    some with_birth_date => birth_date: NaiveDate,
    some with_birth_place => birth_place: String,
    some with_nationality => nationality: Country,
    some with_gender => gender: Gender,
});

setters!(AddressInput {
    some with_street => street: String,
    some with_street_number => street_number: String,
    some with_appendix => appendix: String,
    some with_postal_code => postal_code: String,
    some with_city => city: String,
    some with_country => country: Country,
});

setters!(ContactInput {
    some with_email => email: String,
    some with_mobile_phone => mobile_phone: String,
});

setters!(DocumentInput {
    some with_kind => kind: DocumentKind,
    some with_number => number: String,
    some with_authority => authority: String,
    some with_place_of_issue => place_of_issue: String,
    some with_issued_on => issued_on: NaiveDate,
    some with_expires_on => expires_on: NaiveDate,
    some with_country => country: Country,
});

setters!(NewCase {
    some with_address => address: AddressInput,
    some with_document => document: DocumentInput,
    some with_language => language: Language,
    set with_reference => reference: String,
    set with_person => person: PersonInput,
    set with_contact => contact: ContactInput,
    set with_callbacks => callbacks: CallbackUrls,
    exact with_custom_fields => custom_fields: Vec<String>,
});

impl CallbackUrls {
    /// Every callback with the field path errors name (`callbacks.success.web`, ...), for
    /// the adapters' input rules.
    pub fn each(&self) -> [(&'static str, &Option<CallbackUrl>); 6] {
        [
            ("callbacks.success.web", &self.success),
            ("callbacks.declined.web", &self.declined),
            ("callbacks.review_pending.web", &self.review_pending),
            ("callbacks.incomplete.web", &self.incomplete),
            (
                "callbacks.cancelled_and_closed.web",
                &self.cancelled_and_closed,
            ),
            ("callbacks.coupon_requested.web", &self.coupon_requested),
        ]
    }
}

/// Everything needed to open a case with any provider.
///
/// Start from [`NewCase::new`] with the caller's reference and add what you know:
///
/// ```
/// use kyc_core::{AddressInput, ContactInput, Country, Language, NewCase, PersonInput};
///
/// let case = NewCase::new("order-4711")
///     .with_person(PersonInput::new("Erika", "Mustermann"))
///     .with_address(
///         AddressInput::default()
///             .with_street("Heidestrasse")
///             .with_street_number("17")
///             .with_postal_code("51147")
///             .with_city("Koeln")
///             .with_country(Country::GERMANY),
///     )
///     .with_contact(ContactInput::default().with_email("erika@example.com"))
///     .with_custom_field("campaign-7")
///     .with_language(Language::German);
/// assert_eq!(case.reference, "order-4711");
/// assert_eq!(case.custom_fields, ["campaign-7"]);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewCase {
    /// The caller's own reference for the case: IDnow transaction number
    /// (`[A-Za-z0-9_-]{1,255}`, never reusable), POSTIDENT referenceId (at most 14 characters,
    /// unique, no personal data: it is printed on the post-office coupon).
    pub reference: String,
    /// The person.
    #[serde(default)]
    pub person: PersonInput,
    /// The address.
    #[serde(default)]
    pub address: Option<AddressInput>,
    /// E-mail and phone.
    #[serde(default)]
    pub contact: ContactInput,
    /// Identity document data already known (POSTIDENT only).
    #[serde(default)]
    pub document: Option<DocumentInput>,
    /// Up to five custom values, echoed back in results as `custom1` .. `custom5`.
    #[serde(default)]
    pub custom_fields: Vec<String>,
    /// Where to send the user after each outcome (POSTIDENT only).
    #[serde(default)]
    pub callbacks: CallbackUrls,
    /// Where the provider posts status notices for this case (POSTIDENT only; IDnow
    /// configures its webhook URL per account).
    #[serde(default)]
    pub webhook_url: Option<url::Url>,
    /// The language to speak to the user.
    #[serde(default)]
    pub language: Option<Language>,
}

impl NewCase {
    /// A case with only the caller's reference set.
    pub fn new(reference: impl Into<String>) -> Self {
        NewCase {
            reference: reference.into(),
            person: PersonInput::default(),
            address: None,
            contact: ContactInput::default(),
            document: None,
            custom_fields: Vec::new(),
            callbacks: CallbackUrls::default(),
            webhook_url: None,
            language: None,
        }
    }

    /// Sets `webhook_url` to `Some(url)` (an exact `Url`, so `"...".parse()?` infers).
    #[must_use]
    pub fn with_webhook_url(mut self, url: url::Url) -> Self {
        self.webhook_url = Some(url);
        self
    }

    /// Adds one custom value (they are echoed back as `custom1` .. `custom5` in order).
    #[must_use]
    pub fn with_custom_field(mut self, value: impl Into<String>) -> Self {
        self.custom_fields.push(value.into());
        self
    }

    /// Checks the rules every provider shares (printable names, e-mail and phone shapes, at most
    /// five custom values, a birth date in the past) and then `provider_rules`, the rules the
    /// chosen provider documents, which live in its adapter (`kyc_idnow::validate_new_case`,
    /// `kyc_postident::validate_new_case`). Returns an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error listing each violation
    /// of either (field and rule, never the value). Adapters call it before sending anything.
    pub fn validate_with(
        &self,
        provider_rules: impl FnOnce(&NewCase, &mut Validator),
    ) -> crate::Result<()> {
        let mut v = Validator::new();
        self.validate_common(&mut v);
        provider_rules(self, &mut v);
        v.finish()
    }

    /// Checks the rules every provider shares (see [`NewCase::validate_with`]).
    pub fn validate_common_rules(&self) -> crate::Result<()> {
        self.validate_with(|_, _| {})
    }

    fn validate_common(&self, v: &mut Validator) {
        let p = &self.person;
        for (field, value) in [
            ("person.title", &p.title),
            ("person.first_name", &p.first_name),
            ("person.last_name", &p.last_name),
            ("person.birth_name", &p.birth_name),
            ("person.birth_place", &p.birth_place),
            ("contact.email", &self.contact.email),
            ("contact.mobile_phone", &self.contact.mobile_phone),
        ] {
            v.printable(field, value.as_deref());
        }
        if let Some(a) = &self.address {
            for (field, value) in [
                ("address.street", &a.street),
                ("address.street_number", &a.street_number),
                ("address.appendix", &a.appendix),
                ("address.postal_code", &a.postal_code),
                ("address.city", &a.city),
            ] {
                v.printable(field, value.as_deref());
            }
        }
        v.email("contact.email", self.contact.email.as_deref());
        v.phone("contact.mobile_phone", self.contact.mobile_phone.as_deref());
        if self.custom_fields.len() > MAX_CUSTOM_FIELDS {
            v.violation(
                "custom_fields",
                format!("at most {MAX_CUSTOM_FIELDS} values"),
            );
        }
        for (i, c) in self.custom_fields.iter().enumerate() {
            if c.chars().any(char::is_control) {
                v.violation(&format!("custom_fields[{i}]"), "free of control characters");
            }
        }
        if let (Some(b), Some(today)) = (p.birth_date, Some(chrono::Utc::now().date_naive())) {
            if b > today {
                v.violation("person.birth_date", "in the past");
            }
        }
    }
}

impl fmt::Debug for NewCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewCase")
            .field("reference", &self.reference)
            .field("person", &self.person)
            .field("address", &self.address)
            .field("contact", &self.contact)
            .field("document", &self.document)
            .field(
                "custom_fields",
                &format_args!("[{} redacted]", self.custom_fields.len()),
            )
            .field("callbacks", &self.callbacks)
            .field("webhook_url", &self.webhook_url)
            .field("language", &self.language)
            .finish()
    }
}

impl fmt::Debug for PersonInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonInput")
            .field("title", &presence(&self.title))
            .field("first_name", &presence(&self.first_name))
            .field("last_name", &presence(&self.last_name))
            .field("birth_name", &presence(&self.birth_name))
            .field("birth_date", &presence(&self.birth_date))
            .field("birth_place", &presence(&self.birth_place))
            .field("nationality", &presence(&self.nationality))
            .field("gender", &presence(&self.gender))
            .finish()
    }
}

impl fmt::Debug for AddressInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddressInput")
            .field("street", &presence(&self.street))
            .field("street_number", &presence(&self.street_number))
            .field("appendix", &presence(&self.appendix))
            .field("postal_code", &presence(&self.postal_code))
            .field("city", &presence(&self.city))
            .field("country", &presence(&self.country))
            .finish()
    }
}

impl fmt::Debug for ContactInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactInput")
            .field("email", &presence(&self.email))
            .field("mobile_phone", &presence(&self.mobile_phone))
            .finish()
    }
}

impl fmt::Debug for DocumentInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentInput")
            .field("kind", &self.kind)
            .field("number", &presence(&self.number))
            .field("authority", &presence(&self.authority))
            .field("place_of_issue", &presence(&self.place_of_issue))
            .field("issued_on", &presence(&self.issued_on))
            .field("expires_on", &presence(&self.expires_on))
            .field("country", &presence(&self.country))
            .finish()
    }
}
