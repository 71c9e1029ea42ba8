//! Printing cases for people (a short summary) or machines (`--json`).

use kyc::{Case, CaseHandle};

/// Prints a case: the neutral JSON with `json`, a short human summary otherwise.
pub fn print_case(case: &Case, json: bool) -> Result<(), String> {
    if json {
        return print_json(case);
    }
    println!("{}", summary_line(case));
    for reason in &case.reasons {
        println!(
            "  reason: {} ({}{})",
            reason.category,
            reason.code,
            reason
                .description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        );
    }
    if let Some(identity) = &case.identity {
        let filled = identity
            .fields()
            .into_iter()
            .filter(|(_, c)| c.value.is_some())
            .count();
        println!("  identity: {filled} verified fields");
        for (name, checked) in identity.fields() {
            if checked.value.is_some() || checked.original.is_some() {
                println!("    {name:<24} {:?}", checked.check);
            }
        }
    }
    for attempt in &case.attempts {
        println!(
            "  attempt: {:?} {} ({})",
            attempt.method, attempt.status, attempt.provider_status
        );
    }
    for artifact in &case.artifacts {
        println!("  artifact: {:?} {}", artifact.kind, artifact.name);
    }
    Ok(())
}

/// One line: reference, status and the provider's words.
pub fn summary_line(case: &Case) -> String {
    format!(
        "{}  {}  [{}]{}",
        case.case_ref,
        case.status,
        case.provider_status,
        if case.archived { "  archived" } else { "" }
    )
}

/// Prints a created case's handle.
pub fn print_handle(handle: &CaseHandle, json: bool) -> Result<(), String> {
    if json {
        return print_json(handle);
    }
    println!("created {}", handle.case_ref);
    println!("  send the user to: {}", handle.user_url);
    for link in &handle.app_links {
        println!("  app ({}): {}", link.platform, link.url_or_scheme);
    }
    if let Some(expiry) = handle.expires_at {
        println!("  start link valid until: {expiry}");
    }
    Ok(())
}

/// Prints any serialisable value as pretty JSON.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
