//! The documented rules the caller's input is checked against before anything is sent: a
//! violation is an [`kyc_core::ErrorKind::InvalidInput`] error naming the field, and no request
//! leaves the process.

use crate::error::IdnowError;
use crate::wire::{CreateIdentRequest, DocumentDefinition};
use kyc_core::{Error, FieldViolation, Result};

pub(crate) fn violation(field: &str, rule: impl Into<String>) -> Error {
    Error::from(IdnowError::InvalidInput(vec![FieldViolation::new(
        field, rule,
    )]))
}

/// Checks a transaction number against IDnow's rules: 1–255 characters of `[A-Za-z0-9_-]`.
pub fn validate_transaction_number(field: &str, txn: &str) -> Result<()> {
    if txn.is_empty() {
        return Err(violation(field, "present (1 to 255 characters)"));
    }
    if txn.chars().count() > 255 {
        return Err(violation(field, "at most 255 characters"));
    }
    if !txn
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(violation(
            field,
            "only letters A-Z a-z, digits, '_' and '-' (IDnow transaction number charset)",
        ));
    }
    Ok(())
}

/// Checks an IdentID: letters, digits and `-` (form `ABC-DEFGH`), at most 64 characters.
pub fn validate_ident_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(violation(
            field,
            "an IdentID of letters, digits and '-' (form ABC-DEFGH)",
        ));
    }
    Ok(())
}

/// Checks a create body before it is sent: no field may hold control characters (IDnow's result
/// files are XML, which cannot carry most of them). Violations name IDnow's field (`custom1`).
pub fn validate_create_request(request: &CreateIdentRequest) -> Result<()> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(request) else {
        return Ok(());
    };
    let violations: Vec<FieldViolation> = fields
        .iter()
        .filter(|(_, v)| v.as_str().is_some_and(|t| t.chars().any(char::is_control)))
        .map(|(name, _)| FieldViolation::new(name.as_str(), "free of control characters"))
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(IdnowError::InvalidInput(violations).into())
    }
}

/// Checks a document definition identifier: word characters (`A-Z a-z 0-9 _`) and `-`, starting
/// and ending with a letter or digit, no accents.
pub fn validate_definition_identifier(field: &str, identifier: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if identifier.is_empty()
        || identifier.len() > 255
        || !identifier.chars().all(ok_char)
        || !edge(identifier.chars().next())
        || !edge(identifier.chars().last())
    {
        return Err(violation(
            field,
            "letters, digits, '_' and '-' only, starting and ending with a letter or digit, no accents",
        ));
    }
    Ok(())
}

pub(crate) fn validate_definition(def: &DocumentDefinition) -> Result<()> {
    let mut violations = Vec::new();
    match def.identifier.as_deref() {
        Some(id) => {
            if let Err(e) = validate_definition_identifier("identifier", id) {
                violations.extend(e.violations().iter().cloned());
            }
        }
        None => violations.push(FieldViolation::new("identifier", "present")),
    }
    match def.name.as_deref() {
        Some(n)
            if !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-')) => {}
        Some(_) => violations.push(FieldViolation::new(
            "name",
            "letters, digits, spaces, '_' and '-' only (no accented or special characters)",
        )),
        None => violations.push(FieldViolation::new("name", "present")),
    }
    if def.optional == Some(true) {
        violations.push(FieldViolation::new(
            "optional",
            "false (documents to sign are mandatory)",
        ));
    }
    if let Some(m) = def.mime_type.as_deref() {
        if m != "application/pdf" {
            violations.push(FieldViolation::new(
                "mimeType",
                "application/pdf (the only supported type)",
            ));
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(IdnowError::InvalidInput(violations).into())
    }
}
