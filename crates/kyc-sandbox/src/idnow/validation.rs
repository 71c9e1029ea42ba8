//! Input rules of the create/update call, as the IDnow document states them: the transaction
//! number charset and length, the field list (plus what an account accepts beyond it), date,
//! country and gender formats, and no control characters.

use std::collections::BTreeMap;

use super::api_error::ApiError;

/// Every field of the document's Create Ident table (lower-case canonical names).
pub(crate) const CREATE_FIELDS: &[&str] = &[
    "birthday",
    "birthplace",
    "city",
    "country",
    "custom1",
    "custom2",
    "custom3",
    "custom4",
    "custom5",
    "email",
    "firstname",
    "gender",
    "lastname",
    "mobilephone",
    "nationality",
    "street",
    "streetnumber",
    "zipcode",
];

/// Fields outside the table that an account may be set up to accept
/// (`CompanySetup::extra_create_fields`): `preferredLang` for QES with the Namirial TSP, and
/// `birthname` and `title`, which the results report.
pub(crate) const EXTRA_CREATE_FIELDS: &[&str] = &["birthname", "title", "preferredlang"];

/// Personal fields shown in `userdata` (address fields excluded).
pub(crate) const USER_FIELDS: &[&str] = &[
    "firstname",
    "lastname",
    "birthday",
    "birthplace",
    "birthname",
    "nationality",
    "gender",
    "title",
];

/// Address fields shown in `userdata.address`.
pub(crate) const ADDRESS_FIELDS: &[&str] =
    &["street", "streetnumber", "zipcode", "city", "country"];

/// ISO 3166-1 alpha-2 codes (plus `XK`, Kosovo's user-assigned code in wide use).
const ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE \
DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR \
GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP \
KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW \
PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG \
TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK";

/// Whether `code` is an upper-case ISO 3166-1 alpha-2 code.
pub(crate) fn is_alpha2(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && ALPHA2.split_whitespace().any(|c| c == code)
}

/// `[A-Za-z0-9_-]{1,255}`.
pub(crate) fn is_valid_transaction_number(txn: &str) -> bool {
    !txn.is_empty()
        && txn.len() <= 255
        && txn
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks a transaction number from the URL.
pub(crate) fn check_transaction_number(txn: &str) -> Result<(), ApiError> {
    if txn.is_empty() {
        return Err(ApiError::missing_transaction_token());
    }
    if is_valid_transaction_number(txn) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "transactionnumber",
            "The transaction number must be 1 to 255 characters of [A-Za-z0-9_-]",
        ))
    }
}

/// Parses and validates the create/update body into canonical lower-case field names.
/// `strict_names` applies the QES rule (firstname/lastname only `A-Za-z-`); `extra_fields`
/// (lower case) are the fields beyond the documented table the account accepts.
pub(crate) fn parse_create_body(
    body: &[u8],
    strict_names: bool,
    extra_fields: &[String],
) -> Result<BTreeMap<String, String>, ApiError> {
    let trimmed = body.iter().all(|b| b.is_ascii_whitespace());
    if trimmed {
        return Ok(BTreeMap::new());
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::unparseable_json(format!("Could not parse the JSON body: {e}")))?;
    let object = match value {
        serde_json::Value::Object(object) => object,
        _ => {
            return Err(ApiError::unparseable_json(
                "The body must be a flat JSON object",
            ))
        }
    };
    let mut fields = BTreeMap::new();
    for (name, value) in object {
        let canonical = name.to_ascii_lowercase();
        let accepted = CREATE_FIELDS.contains(&canonical.as_str())
            || (EXTRA_CREATE_FIELDS.contains(&canonical.as_str())
                && extra_fields.contains(&canonical));
        if !accepted {
            return Err(ApiError::unrecognized_field(&name));
        }
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            _ => {
                return Err(ApiError::bad_request(
                    &canonical,
                    format!("Please provide a correct value for '{canonical}' (a string)"),
                ))
            }
        };
        if text.is_empty() {
            continue;
        }
        check_field(&canonical, &text, strict_names)?;
        let stored = if canonical == "gender" {
            text.to_ascii_uppercase()
        } else {
            text
        };
        fields.insert(canonical, stored);
    }
    Ok(fields)
}

fn check_field(name: &str, value: &str, strict_names: bool) -> Result<(), ApiError> {
    let bad = |rule: &str| {
        Err(ApiError::bad_request(
            name,
            format!("Please provide a correct value for '{name}' ({rule})"),
        ))
    };
    if value.chars().any(char::is_control) {
        // The result files are XML, which cannot carry most control characters.
        return bad("no control characters");
    }
    match name {
        "birthday" => {
            let well_formed =
                value.len() == 10 && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok();
            if !well_formed {
                return bad("format YYYY-MM-DD");
            }
        }
        "country" | "nationality" if !is_alpha2(value) => {
            return bad("ISO 3166-1 alpha-2 code in upper case, e.g. DE");
        }
        "gender" if !["MALE", "FEMALE", "OTHER"].contains(&value.to_ascii_uppercase().as_str()) => {
            return bad("one of MALE, FEMALE, OTHER");
        }
        "email" => {
            let mut parts = value.splitn(2, '@');
            let local = parts.next().unwrap_or_default();
            let domain = parts.next().unwrap_or_default();
            if local.is_empty() || domain.is_empty() || value.chars().any(char::is_whitespace) {
                return bad("an e-mail address");
            }
        }
        "mobilephone" => {
            let allowed = value
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c));
            let digits = value.chars().filter(char::is_ascii_digit).count();
            if !allowed || digits < 5 {
                return bad("a phone number, e.g. +49175310960");
            }
        }
        "firstname" | "lastname"
            if strict_names && !value.chars().all(|c| c.is_ascii_alphabetic() || c == '-') =>
        {
            return bad("QES/eSign: only A-Z, a-z and -");
        }
        _ => {}
    }
    if value.chars().count() > 255 {
        return bad("at most 255 characters");
    }
    Ok(())
}

/// The mobile number as IDnow dials it: "If no country code is provided, "+49" is assumed"
/// (Create Ident, `mobilePhone`). Separators are dropped; `00` becomes `+`; a number without a
/// country code gets `+49` in place of its leading trunk `0`.
pub(crate) fn dialled_number(mobile: &str) -> String {
    let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
    let trimmed = mobile.trim_start();
    if trimmed.starts_with('+') {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else {
        format!("+49{}", digits.strip_prefix('0').unwrap_or(&digits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_49_is_assumed_without_a_country_code() {
        for (mobile, dialled) in [
            ("0151 23411232", "+4915123411232"),
            ("15123411232", "+4915123411232"),
            ("+44 1789 012345", "+441789012345"),
            ("0043 664 1234567", "+436641234567"),
        ] {
            assert_eq!(dialled_number(mobile), dialled, "{mobile:?}");
        }
    }

    #[test]
    fn transaction_numbers_follow_the_documented_charset() {
        let (too_long, longest) = ("a".repeat(256), "a".repeat(255));
        for (number, valid) in [
            ("abc-DEF_123", true),
            ("", false),
            ("a.b", false),
            (too_long.as_str(), false),
            (longest.as_str(), true),
        ] {
            assert_eq!(is_valid_transaction_number(number), valid, "{number:?}");
        }
    }

    #[test]
    fn countries_are_upper_case_alpha2() {
        for (country, valid) in [("DE", true), ("de", false), ("DEU", false), ("QQ", false)] {
            assert_eq!(is_alpha2(country), valid, "{country:?}");
        }
    }

    #[test]
    fn bad_fields_name_their_key() {
        let e = parse_create_body(br#"{"birthday":"23.05.1987"}"#, false, &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("birthday"));
        let e = parse_create_body(br#"{"shoe":"42"}"#, false, &[]).unwrap_err();
        assert_eq!(e.cause, "UNRECOGNIZED_FIELD");
        let e = parse_create_body(b"{nope", false, &[]).unwrap_err();
        assert_eq!(e.cause, "UNPARSEABLE_JSON");
        let e = parse_create_body(br#"{"custom2":"a\u0000b"}"#, false, &[]).unwrap_err();
        assert_eq!(
            (e.cause, e.key.as_deref()),
            ("BAD_REQUEST", Some("custom2"))
        );
        let e = parse_create_body(br#"{"title":"Dr."}"#, false, &[]).unwrap_err();
        assert_eq!(
            (e.cause, e.key.as_deref()),
            ("UNRECOGNIZED_FIELD", Some("title"))
        );
        let extras = ["title".to_string()];
        assert!(parse_create_body(br#"{"title":"Dr."}"#, false, &extras).is_ok());
        let ok =
            parse_create_body(br#"{"firstName":"Erika","gender":"female"}"#, false, &[]).unwrap();
        assert_eq!(ok.get("firstname").map(String::as_str), Some("Erika"));
        assert_eq!(ok.get("gender").map(String::as_str), Some("FEMALE"));
    }
}
