//! Small, documented input rules and the violation type that names the field and the rule.
//!
//! Providers document limits (lengths, character sets, formats); we check them before any
//! request is sent, so a caller learns *which field* broke *which rule* without a round trip.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One broken input rule: the field (dotted path such as `person.first_name`) and the rule.
///
/// Neither part contains the offending value, which may be personal data.
/// `#[non_exhaustive]`: built with [`FieldViolation::new`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldViolation {
    /// The dotted path of the field, e.g. `reference` or `address.postal_code`.
    pub field: String,
    /// The rule in words, e.g. `at most 14 characters`.
    pub rule: String,
}

impl FieldViolation {
    /// A violation of `rule` by `field`.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        FieldViolation {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for FieldViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must be {}", self.field, self.rule)
    }
}

/// Collects violations while checking a value against a provider's rules.
#[derive(Debug, Default)]
pub struct Validator {
    violations: Vec<FieldViolation>,
}

impl Validator {
    /// An empty validator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation of `rule` by `field`.
    pub fn violation(&mut self, field: &str, rule: impl Into<String>) {
        self.violations.push(FieldViolation::new(field, rule));
    }

    /// Checks that `value` has at most `max` characters (Unicode scalar values).
    pub fn max_chars(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            if v.chars().count() > max {
                self.violation(field, format!("at most {max} characters"));
            }
        }
    }

    /// Checks that a required `value` is present and not blank.
    pub fn required(&mut self, field: &str, value: Option<&str>) {
        if value.is_none_or(|v| v.trim().is_empty()) {
            self.violation(field, "present and not blank");
        }
    }

    /// Checks that `value`, when present, is not blank and contains no control characters.
    pub fn printable(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value {
            if v.trim().is_empty() {
                self.violation(field, "not blank when given");
            } else if v.chars().any(char::is_control) {
                self.violation(field, "free of control characters");
            }
        }
    }

    /// Checks that `value` only uses characters for which `allowed` is true, describing the set
    /// as `charset` in the violation.
    pub fn charset(
        &mut self,
        field: &str,
        value: Option<&str>,
        charset: &str,
        allowed: impl Fn(char) -> bool,
    ) {
        if let Some(v) = value {
            if !v.chars().all(allowed) {
                self.violation(field, format!("made of {charset} only"));
            }
        }
    }

    /// Checks the shape of an e-mail address: one `@`, a non-empty local part, a domain with a
    /// dot, no white space.
    pub fn email(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value {
            if !is_email_shaped(v) {
                self.violation(field, "an e-mail address like name@example.com");
            }
        }
    }

    /// Checks the shape of a phone number: an optional leading `+`, then digits with optional
    /// spaces, `-`, `/`, `(` and `)`, and between 5 and 15 digits in all (E.164 allows 15).
    pub fn phone(&mut self, field: &str, value: Option<&str>) {
        if let Some(v) = value {
            if !is_phone_shaped(v) {
                self.violation(
                    field,
                    "a phone number like +491701234567 (5 to 15 digits, optional leading +)",
                );
            }
        }
    }

    /// Checks that a URL uses HTTPS (plain HTTP is allowed for loopback addresses only).
    pub fn https_url(&mut self, field: &str, value: Option<&url::Url>) {
        if let Some(u) = value {
            if !crate::net::is_secure_or_loopback(u) {
                self.violation(field, "an https:// URL (http:// only on loopback)");
            }
        }
    }

    /// Finishes: `Ok(())` when no rule was broken, otherwise an
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error listing all violations.
    pub fn finish(self) -> crate::Result<()> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(crate::Error::invalid_input(self.violations))
        }
    }

    /// The violations recorded so far.
    pub fn violations(&self) -> &[FieldViolation] {
        &self.violations
    }
}

/// True for strings shaped like an e-mail address (see [`Validator::email`]).
pub fn is_email_shaped(v: &str) -> bool {
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

/// True for strings shaped like a phone number (see [`Validator::phone`]).
pub fn is_phone_shaped(v: &str) -> bool {
    let body = v.strip_prefix('+').unwrap_or(v);
    let mut digits = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '-' | '/' | '(' | ')' => {}
            _ => return false,
        }
    }
    (5..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(is_email_shaped("erika.mustermann@example.de"));
        assert!(!is_email_shaped("erika@localhost"));
        assert!(!is_email_shaped("erika mustermann@example.de"));
        assert!(!is_email_shaped("@example.de"));
        assert!(is_phone_shaped("+49 170 1234567"));
        assert!(is_phone_shaped("0170/1234567"));
        assert!(!is_phone_shaped("+49 abc"));
        assert!(!is_phone_shaped("1234"));
        assert!(!is_phone_shaped("+1234567890123456"));
    }

    #[test]
    fn violations_name_field_and_rule_without_the_value() {
        let mut v = Validator::new();
        v.max_chars("reference", Some("ABCDEFGHIJKLMNOP"), 14);
        v.email("contact.email", Some("nobody"));
        let err = v.finish().unwrap_err();
        assert_eq!(err.violations().len(), 2);
        assert_eq!(
            err.violations()[0].to_string(),
            "reference must be at most 14 characters"
        );
        assert!(!err.to_string().contains("nobody"));
        assert!(err.to_string().contains("reference"));
    }
}
