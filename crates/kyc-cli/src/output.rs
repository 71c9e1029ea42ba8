//! Printing cases for people (a short summary in the words of the JSON and the docs) or machines
//! (`--json`). Every human line goes through [`line`], which escapes control characters, and
//! every provider word is cut to a readable length.

use crate::failure::CliResult;
use crate::printable::{line, word};
use kyc::{Case, CaseHandle, CaseStatus, Provider};

/// The name a value has in the JSON output (`match`, `auto_ident`, `document_front`), so that
/// people and machines read the same words. An unknown value shows the provider's word.
pub fn json_word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) if map.len() == 1 => {
            let (name, inner) = map.into_iter().next().expect("one entry");
            match inner {
                serde_json::Value::String(raw) => format!("{name} ({})", word(&raw)),
                other => format!("{name} ({})", word(&other.to_string())),
            }
        }
        Ok(other) => word(&other.to_string()),
        Err(_) => "?".to_string(),
    }
}

/// Whether the provider has archived the case, as far as anyone can tell: `yes`, `no`, or
/// `unknown` when the provider does not report it.
pub fn archived_word(case: &Case) -> &'static str {
    // `Into` keeps this right when the model learns to say "unknown" (`Option<bool>`).
    #[allow(clippy::useless_conversion)]
    let known: Option<bool> = case.archived.into();
    match known {
        Some(true) => "yes",
        // IDnow's ident has no archived flag: `false` only means "not reported".
        Some(false) if case.case_ref.provider == Provider::Idnow => {
            "unknown (IDnow does not report it)"
        }
        Some(false) => "no",
        None => "unknown (the provider does not report it)",
    }
}

/// Prints a case: the neutral JSON with `json`, a short human summary otherwise.
pub fn print_case(case: &Case, json: bool) -> CliResult {
    if json {
        return print_json(case);
    }
    line(summary_line(case));
    line(format!("  archived: {}", archived_word(case)));
    for reason in &case.reasons {
        line(format!(
            "  reason: {} ({}{})",
            json_word(&reason.category),
            word(&reason.code),
            reason
                .description
                .as_deref()
                .map(|d| format!(": {}", word(d)))
                .unwrap_or_default()
        ));
    }
    if let Some(identity) = &case.identity {
        let fields: Vec<_> = identity
            .fields()
            .into_iter()
            .filter(|(_, c)| c.value.is_some() || c.original.is_some())
            .collect();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for (_, checked) in &fields {
            let name = json_word(&checked.check);
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        let tally = counts
            .iter()
            .map(|(name, count)| format!("{count} {name}"))
            .collect::<Vec<_>>()
            .join(", ");
        let verdict = match &case.status {
            CaseStatus::Approved { .. } => "verified".to_string(),
            other => format!("reported, not verified (the case is {})", other.name()),
        };
        line(format!(
            "  identity: {} field(s) {verdict}{}",
            fields.len(),
            if tally.is_empty() {
                String::new()
            } else {
                format!(": {tally}")
            }
        ));
        for (name, checked) in &fields {
            line(format!("    {name:<24} {}", json_word(&checked.check)));
        }
    }
    for attempt in &case.attempts {
        line(format!(
            "  attempt: {}  {}  [{}]",
            json_word(&attempt.method),
            status_words(&attempt.status),
            word(&attempt.provider_status)
        ));
    }
    for artifact in &case.artifacts {
        line(format!(
            "  artifact: {}  {}",
            json_word(&artifact.kind),
            word(&artifact.name)
        ));
    }
    Ok(())
}

/// One line: reference, status and the provider's words (cut; escaped when printed).
pub fn summary_line(case: &Case) -> String {
    format!(
        "{}  {}  [{}]{}",
        case.case_ref,
        status_words(&case.status),
        word(&case.provider_status),
        if archived_word(case) == "yes" {
            "  archived"
        } else {
            ""
        }
    )
}

/// The status as the JSON names it, with its flags; an unknown word is cut.
pub fn status_words(status: &CaseStatus) -> String {
    match status {
        CaseStatus::Unknown(raw) => format!("unknown ({})", word(raw)),
        other => other.to_string(),
    }
}

/// Prints a created case's handle.
pub fn print_handle(handle: &CaseHandle, json: bool) -> CliResult {
    if json {
        return print_json(handle);
    }
    line(format!("created {}", handle.case_ref));
    line(format!("  send the user to: {}", handle.user_url));
    for link in &handle.app_links {
        line(format!(
            "  app ({}): {}",
            word(&link.platform),
            word(&link.url_or_scheme)
        ));
    }
    if let Some(expiry) = handle.expires_at {
        line(format!("  start link valid until: {expiry}"));
    }
    Ok(())
}

/// Prints any serialisable value as pretty JSON (which escapes control characters itself).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
