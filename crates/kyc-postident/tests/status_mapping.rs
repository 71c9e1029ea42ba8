//! The code tables of `status_mapping.rs` against the result guide itself.
//!
//! These tests read `shared/specs/postident-scr-result-guide.md` at test time, extract every
//! status, subStatus, subStatusReason and photo validation status of section 4, and fail when one
//! is missing from our tables, described differently, or when our tables list a code the guide
//! does not have. They also check the wire enums against the value lists of section 8, and that
//! `docs/status-mapping.md` shows the current table.

use kyc_core::{CaseStatus, ReasonCategory, ReasonSource};
use kyc_postident::status_mapping::{
    self, CodeLevel, CODES, DOCUMENTED_STATUSES, VALIDATION_STATUSES, VALIDATION_SUB_STATUSES,
};
use kyc_postident::wire::{
    CaseProgress, CodeDescription, IdentStatus, IdentificationMethod, IdentificationStatus,
    RecordOwner, RecordResult, RecordType, ValidationStatus, ValidationSubStatus,
};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The result guide; see `provider_documents::read` for when it is absent.
fn guide() -> Option<String> {
    crate::provider_documents::read(
        "postident-scr-result-guide.md",
        "the result guide",
        "the test comparing our code tables with the result guide",
    )
}

const STATUS_WORDS: &[&str] = &[
    "started",
    "coupon requested",
    "incomplete",
    "review pending",
    "cancelled",
    "declined",
    "success",
];

/// The `<li>` items of a table cell, with `<del>` and `<sup>` markup removed.
fn list_items(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find("<li>") {
        let after = &rest[start + 4..];
        let end = after.find("</li>").unwrap_or(after.len());
        let mut item = after[..end].to_string();
        if let (Some(a), Some(b)) = (item.find("<del>"), item.find("</del>")) {
            item = item[a + 5..b].to_string();
        }
        while let (Some(a), Some(b)) = (item.find("<sup>"), item.find("</sup>")) {
            item.replace_range(a..b + 6, "");
        }
        items.push(item.trim().trim_start_matches('•').trim().to_string());
        rest = &after[end.min(after.len())..];
    }
    items
}

/// `"807 Document expired"` → `(807, "Document expired")`.
fn code_item(item: &str) -> Option<(u32, String)> {
    let digits: String = item.chars().take_while(|c| c.is_ascii_digit()).collect();
    let code = digits.parse().ok()?;
    Some((code, item[digits.len()..].trim().to_string()))
}

#[derive(Debug)]
struct Row {
    method: &'static str,
    status: String,
    subs: Vec<(u32, String)>,
    reasons: Vec<(u32, String)>,
}

/// Every table row of sections 4.1 to 4.5.
fn guide_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut method: Option<&'static str> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            let heading = line.to_ascii_lowercase();
            if heading.contains("identification status and result") {
                method = [
                    ("autoid", "autoid"),
                    ("basic", "basic"),
                    ("eid", "eid"),
                    ("photo", "photo"),
                    ("video", "video"),
                ]
                .iter()
                .find(|(word, _)| heading.contains(word))
                .map(|(_, m)| *m);
                // "4 Identification Status And Result" itself names no method.
            } else if heading.contains("record status photo") || heading.contains("webhooks") {
                method = None;
            }
            continue;
        }
        let Some(method) = method else { continue };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 5 {
            continue;
        }
        let status = cols[0].trim();
        if !STATUS_WORDS.contains(&status) {
            continue;
        }
        rows.push(Row {
            method,
            status: status.to_string(),
            subs: list_items(cols[3])
                .iter()
                .filter_map(|i| code_item(i))
                .collect(),
            reasons: list_items(cols[4])
                .iter()
                .filter_map(|i| code_item(i))
                .collect(),
        });
    }
    rows
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_documented_status_and_code_is_in_our_tables() {
    let Some(text) = guide() else {
        return;
    };
    let rows = guide_rows(&text);
    let methods: BTreeSet<_> = rows.iter().map(|r| r.method).collect();
    assert_eq!(
        methods,
        ["autoid", "basic", "eid", "photo", "video"]
            .into_iter()
            .collect(),
        "the guide parser must find all five method tables"
    );
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &rows {
        if !DOCUMENTED_STATUSES.contains(&(row.method, row.status.as_str())) {
            missing.push(format!("status {}:{}", row.method, row.status));
        }
        for (code, description) in &row.subs {
            match CODES.iter().find(|e| {
                e.method == row.method
                    && e.status == row.status
                    && e.level == CodeLevel::SubStatus
                    && e.code == *code
            }) {
                None => missing.push(format!(
                    "subStatus {}:{} {code} {description}",
                    row.method, row.status
                )),
                Some(e) if norm(e.description) != norm(description) => missing.push(format!(
                    "subStatus {}:{} {code}: guide says {description:?}, we say {:?}",
                    row.method, row.status, e.description
                )),
                Some(_) => {}
            }
            seen.insert((row.method, row.status.clone(), "sub", *code));
        }
        let parent = match row.subs.as_slice() {
            [(one, _)] => Some(*one),
            _ => None,
        };
        for (code, description) in &row.reasons {
            match CODES.iter().find(|e| {
                e.method == row.method
                    && e.status == row.status
                    && matches!(e.level, CodeLevel::SubStatusReason { .. })
                    && e.code == *code
            }) {
                None => missing.push(format!(
                    "subStatusReason {}:{} {code} {description}",
                    row.method, row.status
                )),
                Some(e) => {
                    if norm(e.description) != norm(description) {
                        missing.push(format!(
                            "subStatusReason {}:{} {code}: guide says {description:?}, we say {:?}",
                            row.method, row.status, e.description
                        ));
                    }
                    if e.level != (CodeLevel::SubStatusReason { parent }) {
                        missing.push(format!(
                            "subStatusReason {}:{} {code}: parent should be {parent:?}, is {:?}",
                            row.method, row.status, e.level
                        ));
                    }
                }
            }
            seen.insert((row.method, row.status.clone(), "reason", *code));
        }
    }
    assert!(
        missing.is_empty(),
        "status_mapping.rs is missing or misdescribes documented codes:\n{}",
        missing.join("\n")
    );
    // And nothing invented: every code of ours is in the guide.
    for e in CODES {
        let level = match e.level {
            CodeLevel::SubStatus => "sub",
            CodeLevel::SubStatusReason { .. } => "reason",
        };
        assert!(
            seen.contains(&(e.method, e.status.to_string(), level, e.code)),
            "{e:?} is not in the guide"
        );
    }
    // Every documented status word of ours appears in the guide.
    for (method, status) in DOCUMENTED_STATUSES {
        assert!(
            rows.iter()
                .any(|r| r.method == *method && r.status == *status),
            "{method}:{status} is not in the guide"
        );
    }
    // The parser saw a realistic number of codes (guards against a silently broken parser).
    assert!(CODES.len() > 150, "{}", CODES.len());
    assert_eq!(seen.len(), CODES.len());
}

#[test]
fn every_photo_record_validation_status_is_in_our_tables() {
    let Some(text) = guide() else {
        return;
    };
    let start = text
        .find("4.4.1 Record Status Photo\n")
        .expect("section 4.4.1 heading");
    let section = &text[start..];
    let section = &section[..section.find("## 4.5").expect("section 4.5 follows")];
    let mut statuses = Vec::new();
    let mut subs = Vec::new();
    for line in section.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 2 && ["unchecked", "valid", "invalid"].contains(&cols[0].trim()) {
            statuses.push(cols[0].trim().to_string());
            subs.extend(list_items(cols[1]));
        }
    }
    assert_eq!(statuses, ["unchecked", "valid", "invalid"]);
    assert_eq!(subs.len(), 10, "{subs:?}");
    for s in &statuses {
        assert!(
            VALIDATION_STATUSES.iter().any(|(w, _)| w == s),
            "validationStatus {s} missing"
        );
        assert!(!ValidationStatus::from_wire(s).is_unknown());
    }
    for s in &subs {
        assert!(
            VALIDATION_SUB_STATUSES.iter().any(|(w, _)| w == s),
            "validationSubStatus {s:?} missing from status_mapping.rs"
        );
        assert!(!ValidationSubStatus::from_wire(s).is_unknown(), "{s}");
    }
    assert_eq!(VALIDATION_SUB_STATUSES.len(), subs.len());
}

/// The quoted values of a "Possible values: 'a' | 'b'" cell.
fn quoted_values(line: &str) -> Vec<String> {
    // Skip the parameter name and anything before "Possible values:" (which may hold an
    // apostrophe, as in "identification's"); stop at the next column.
    let mut cell = line.split('\t').nth(1).unwrap_or("");
    if let Some(at) = cell.find("Possible values:") {
        cell = &cell[at..];
    }
    cell.split('\'')
        .skip(1)
        .step_by(2)
        .map(|s| s.to_string())
        .collect()
}

fn line_starting(text: &str, prefix: &str) -> String {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}"))
        .to_string()
}

#[test]
fn wire_enums_cover_the_value_lists_of_section_8() {
    let Some(text) = guide() else {
        return;
    };
    let case = quoted_values(&line_starting(&text, "status\tProgress of the case"));
    assert_eq!(case, ["new", "in progress", "closed"]);
    /// The guide's line, how many values it lists, and whether a value is unknown to the wire enum.
    type ValueList = (&'static str, usize, fn(&str) -> bool);
    let lists: [ValueList; 6] = [
        ("status\tLevel 1", 7, |s| {
            IdentStatus::from_wire(s).is_unknown()
        }),
        ("status\tProgress of the case", 3, |s| {
            CaseProgress::from_wire(s).is_unknown()
        }),
        ("identificationMethod\t", 5, |s| {
            IdentificationMethod::from_wire(s).is_unknown()
        }),
        ("belongsTo\t", 3, |s| RecordOwner::from_wire(s).is_unknown()),
        ("type\t<p>Short description", 12, |s| {
            RecordType::from_wire(s).is_unknown()
        }),
        ("validationSubStatus\t", 10, |s| {
            ValidationSubStatus::from_wire(s).is_unknown()
        }),
    ];
    for (line, count, is_unknown) in lists {
        let values = quoted_values(&line_starting(&text, line));
        assert_eq!(values.len(), count, "{line}: {values:?}");
        for value in &values {
            assert!(!is_unknown(value), "{line}: {value}");
        }
    }
}

fn ident(status: &str, sub: Option<u32>, reason: Option<u32>) -> IdentificationStatus {
    let mut s = IdentificationStatus::default();
    s.status = Some(IdentStatus::from_wire(status));
    s.sub_status = sub.map(|c| CodeDescription::new(c, ""));
    s.sub_status_reason = reason.map(|c| CodeDescription::new(c, ""));
    s
}

#[test]
fn cancelled_closes_the_case_only_when_no_method_remains() {
    let cancelled = ident("cancelled", Some(94), Some(900));
    assert_eq!(
        status_mapping::neutral_status(&cancelled, Some(&CaseProgress::InProgress), false),
        CaseStatus::Retryable
    );
    assert_eq!(
        status_mapping::neutral_status(&cancelled, Some(&CaseProgress::Closed), false),
        CaseStatus::Closed
    );
    let reasons =
        status_mapping::identification_reasons(Some(&IdentificationMethod::AutoId), &cancelled);
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].code, "94");
    assert_eq!(reasons[0].source, ReasonSource::PostidentSubStatus);
    assert_eq!(reasons[1].code, "900");
    assert_eq!(reasons[1].category, ReasonCategory::UserCancelled);
    assert_eq!(
        reasons[1].description.as_deref(),
        Some("Maximum number of cancellations by user exceeded"),
        "the guide's description fills in when the payload has none"
    );
}

#[test]
fn declined_with_sub_status_12_is_an_expiry_for_every_method() {
    for method in ["autoid", "basic", "eid", "photo", "video"] {
        let declined = ident("declined", Some(12), None);
        assert_eq!(
            status_mapping::neutral_status(&declined, Some(&CaseProgress::Closed), false),
            CaseStatus::Expired,
            "{method}"
        );
        let reasons = status_mapping::identification_reasons(
            Some(&IdentificationMethod::from_wire(method)),
            &declined,
        );
        assert_eq!(reasons[0].category, ReasonCategory::ValidityExpired);
    }
    let fraud = ident("declined", Some(11), Some(110));
    assert_eq!(
        status_mapping::neutral_status(&fraud, Some(&CaseProgress::Closed), false),
        CaseStatus::Declined
    );
}

#[test]
fn review_pending_with_11_or_15_is_a_fraud_suspicion() {
    for (sub, fraud) in [(None, false), (Some(11), true), (Some(15), true)] {
        let pending = ident("review pending", sub, None);
        assert_eq!(
            status_mapping::neutral_status(&pending, Some(&CaseProgress::InProgress), false),
            CaseStatus::ReviewPending {
                fraud_suspected: fraud
            },
            "{sub:?}"
        );
    }
}

#[test]
fn the_remaining_status_rules() {
    let p = Some(&CaseProgress::InProgress);
    let s = |st: &str| status_mapping::neutral_status(&ident(st, None, None), p, false);
    assert_eq!(s("started"), CaseStatus::InProgress);
    assert_eq!(s("coupon requested"), CaseStatus::InProgress);
    assert_eq!(s("incomplete"), CaseStatus::Retryable);
    assert_eq!(
        status_mapping::neutral_status(
            &ident("success", None, None),
            Some(&CaseProgress::Closed),
            true
        ),
        CaseStatus::Approved { data_changed: true }
    );
    assert_eq!(
        s("teleported"),
        CaseStatus::Unknown("teleported".into()),
        "unknown words are kept"
    );
    // A closed case is never resumable, whatever its identification says.
    assert_eq!(
        status_mapping::neutral_status(
            &ident("incomplete", Some(97), None),
            Some(&CaseProgress::Closed),
            false
        ),
        CaseStatus::Closed
    );
    assert_eq!(
        status_mapping::case_without_identification(Some(&CaseProgress::New)),
        CaseStatus::Created
    );
}

#[test]
fn unknown_codes_still_parse_as_other() {
    let weird = ident("incomplete", Some(4711), Some(4712));
    let reasons =
        status_mapping::identification_reasons(Some(&IdentificationMethod::Video), &weird);
    assert_eq!(reasons.len(), 2);
    assert!(reasons.iter().all(|r| r.category == ReasonCategory::Other));
    assert_eq!(reasons[0].code, "4711");
    assert_eq!(reasons[0].description, None);
}

#[test]
fn photo_records_give_one_reason_per_validation_sub_status() {
    let record = |status: &str, sub: Option<&str>| {
        let mut r = RecordResult::default();
        r.validation_status = Some(ValidationStatus::from_wire(status));
        r.validation_sub_status = sub.map(ValidationSubStatus::from_wire);
        r
    };
    let records = [
        record("invalid", Some("document expired")),
        record("invalid", Some("document expired")),
        record("valid", None),
        record("invalid", Some("too blurry")),
        record("unchecked", None),
    ];
    let reasons = status_mapping::record_validation_reasons(&records);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].category, ReasonCategory::DocumentExpired);
    assert_eq!(reasons[0].code, "document expired");
    assert_eq!(reasons[0].source, ReasonSource::PostidentRecordValidation);
    assert_eq!(reasons[1].category, ReasonCategory::DocumentUnreadable);
}

// ── docs/status-mapping.md stays in step with the code ─────────────────────────────

const BEGIN: &str =
    "<!-- BEGIN GENERATED CODE TABLE (tests/status_mapping.rs; UPDATE_DOCS=1 to refresh) -->";
const END: &str = "<!-- END GENERATED CODE TABLE -->";

fn render_code_table() -> String {
    let mut out = String::new();
    let mut method = "";
    for e in CODES {
        if e.method != method {
            method = e.method;
            out.push_str(&format!(
                "\n### `{method}`\n\n| status | level | code | description | category |\n|---|---|---|---|---|\n"
            ));
        }
        let level = match e.level {
            CodeLevel::SubStatus => "subStatus".to_string(),
            CodeLevel::SubStatusReason { parent: Some(p) } => format!("subStatusReason of {p}"),
            CodeLevel::SubStatusReason { parent: None } => "subStatusReason".to_string(),
        };
        let deprecated = if e.deprecated { " (deprecated)" } else { "" };
        out.push_str(&format!(
            "| {} | {level} | {} | {}{deprecated} | `{}` |\n",
            e.status, e.code, e.description, e.category
        ));
    }
    out.push_str(
        "\n### Photo records (`validationSubStatus` of an `invalid` record)\n\n| validationSubStatus | category |\n|---|---|\n",
    );
    for (word, category) in VALIDATION_SUB_STATUSES {
        out.push_str(&format!("| {word} | `{category}` |\n"));
    }
    out
}

#[test]
fn docs_show_the_current_code_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/status-mapping.md");
    let doc = std::fs::read_to_string(&path).expect("docs/status-mapping.md exists");
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/status-mapping.md lacks the generated-table markers");
    };
    let current = &doc[b + BEGIN.len()..e];
    let wanted = render_code_table();
    if current.trim() != wanted.trim() {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!(
                "{}{BEGIN}\n{}\n{END}{}",
                &doc[..b],
                wanted.trim(),
                &doc[e + END.len()..]
            );
            std::fs::write(&path, updated).expect("write docs");
        } else {
            panic!(
                "docs/status-mapping.md is out of date; run `UPDATE_DOCS=1 cargo test -p kyc-postident --test status_mapping`"
            );
        }
    }
}
