//! The status mapping covers every result value and every reason code the provider document
//! lists. The document is read at test time, so a new code in the document fails this test
//! until `src/status_mapping.rs` maps it.

use kyc_core::{CaseStatus, ReasonCategory};
use kyc_idnow::status_mapping::{
    lookup_reason, reason_for, status_for_result_word, ReasonTable, REASONS, RESULTS,
};

/// The provider document; see `provider_documents::read` for when it is absent.
fn spec_text() -> Option<String> {
    crate::provider_documents::read(
        "idnow-autoident-api.md",
        "the provider document",
        "the test comparing the status mapping with the provider document",
    )
}

struct Table {
    heading: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn spec_tables(text: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut heading = String::new();
    let mut current: Option<Table> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
        }
        let cells = |l: &str| -> Vec<String> {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        };
        if line.starts_with('|') {
            match current.as_mut() {
                None => {
                    current = Some(Table {
                        heading: heading.clone(),
                        header: cells(line),
                        rows: Vec::new(),
                    })
                }
                Some(t) => {
                    if !line.starts_with("| ---") {
                        t.rows.push(cells(line));
                    }
                }
            }
        } else if let Some(t) = current.take() {
            tables.push(t);
        }
    }
    tables
}

fn code_in(cell: &str) -> Option<String> {
    let start = cell.find('`')? + 1;
    let end = start + cell[start..].find('`')?;
    let code = &cell[start..end];
    code.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        .then(|| code.to_string())
}

/// Codes from tables whose first column is "Value": result tables and reason tables.
/// Result words, and (table heading, reason code) pairs, as the document lists them.
struct DocumentedCodes {
    results: Vec<String>,
    reasons: Vec<(String, String)>,
}

fn documented_codes() -> Option<DocumentedCodes> {
    let text = spec_text()?;
    let mut results = Vec::new();
    let mut reasons = Vec::new();
    for t in spec_tables(&text) {
        if t.header.first().map(String::as_str) != Some("Value") {
            continue;
        }
        let reason_table = matches!(
            t.heading.as_str(),
            "Abort Reasons" | "Cancelled Idents" | "Final Result"
        );
        for row in &t.rows {
            let Some(code) = row.first().and_then(|c| code_in(c)) else {
                continue;
            };
            if reason_table {
                reasons.push((t.heading.clone(), code));
            } else {
                results.push(code);
            }
        }
    }
    Some(DocumentedCodes { results, reasons })
}

#[test]
fn every_documented_reason_code_is_mapped() {
    let Some(DocumentedCodes { reasons, .. }) = documented_codes() else {
        return;
    };
    assert!(
        reasons.len() >= 100,
        "found only {} reasons; did the document change shape?",
        reasons.len()
    );
    let missing: Vec<_> = reasons
        .iter()
        .filter(|(_, code)| lookup_reason(code).map(|e| e.code) != Some(code.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "reasons missing from status_mapping.rs: {missing:?}"
    );
}

#[test]
fn every_documented_result_value_is_mapped() {
    let Some(DocumentedCodes { mut results, .. }) = documented_codes() else {
        return;
    };
    // The webhook section adds two result words outside the "Value" tables.
    results.push("CHECK_PENDING".into());
    results.push("ABORTED".into());
    assert!(results.len() >= 6, "{results:?}");
    for word in &results {
        assert!(
            RESULTS.iter().any(|r| r.word == word),
            "result {word} not in RESULTS"
        );
        assert!(
            !matches!(status_for_result_word(word), CaseStatus::Unknown(_)),
            "result {word} maps to Unknown"
        );
    }
}

#[test]
fn the_status_of_each_result_follows_the_document() {
    use CaseStatus::*;
    assert_eq!(
        status_for_result_word("SUCCESS"),
        Approved {
            data_changed: false
        }
    );
    assert_eq!(
        status_for_result_word("SUCCESS_DATA_CHANGED"),
        Approved { data_changed: true }
    );
    assert_eq!(
        status_for_result_word("FRAUD_SUSPICION_CONFIRMED"),
        Declined
    );
    // CANCELED and ABORTED: the same IdentID may be used again.
    assert_eq!(status_for_result_word("CANCELED"), Retryable);
    assert_eq!(status_for_result_word("ABORTED"), Retryable);
    assert!(status_for_result_word("CANCELED").can_resume());
    assert_eq!(
        status_for_result_word("REVIEW_PENDING"),
        ReviewPending {
            fraud_suspected: false
        }
    );
    assert_eq!(
        status_for_result_word("CHECK_PENDING"),
        ReviewPending {
            fraud_suspected: false
        }
    );
    assert_eq!(
        status_for_result_word("FRAUD_SUSPICION_PENDING"),
        ReviewPending {
            fraud_suspected: true
        }
    );
    // The test robot's "FAILED" is read as CANCELED.
    assert_eq!(status_for_result_word("FAILED"), Retryable);
    assert_eq!(
        status_for_result_word("BRAND_NEW"),
        Unknown("BRAND_NEW".into())
    );
}

#[test]
fn reasons_keep_the_code_and_get_a_category() {
    let r = reason_for("ID_EXPIRED");
    assert_eq!(r.code, "ID_EXPIRED");
    assert_eq!(r.category, ReasonCategory::DocumentExpired);
    assert!(r.description.unwrap().contains("expired"));
    assert_eq!(
        reason_for("WARNING_FAKED_MANIPULATED_ID").category,
        ReasonCategory::FraudForgedDocument
    );
    assert_eq!(
        reason_for("WARNING_MONEY_MULE").category,
        ReasonCategory::FraudSocialEngineering
    );
    assert_eq!(
        reason_for("USER_CANCELLATION_IDENTIFY_LATER").category,
        ReasonCategory::UserCancelled
    );
    assert_eq!(
        reason_for("TSP_SIGNING_FAILED").category,
        ReasonCategory::SigningFailed
    );
    assert_eq!(
        reason_for("WARNING_USER_UNDERAGE").category,
        ReasonCategory::Underage
    );
    assert_eq!(reason_for("OTHER_ERROR").category, ReasonCategory::Other);
    let unknown = reason_for("SOMETHING_NEW_2030");
    assert_eq!(unknown.category, ReasonCategory::Other);
    assert_eq!(unknown.code, "SOMETHING_NEW_2030");
    assert!(unknown.description.is_none());
}

#[test]
fn fraud_tables_map_to_fraud_or_underage_and_others_never_to_fraud() {
    for e in REASONS {
        let fraud_table = matches!(
            e.table,
            ReasonTable::FraudReason | ReasonTable::FraudReasonLegacy
        );
        if fraud_table {
            assert!(
                e.category.is_fraud() || e.category == ReasonCategory::Underage,
                "{} is in a fraud table but maps to {}",
                e.code,
                e.category
            );
        } else {
            assert!(
                !e.category.is_fraud(),
                "{} maps to fraud outside the fraud tables",
                e.code
            );
        }
    }
}

#[test]
fn codes_listed_twice_agree() {
    for a in REASONS {
        for b in REASONS {
            if a.code == b.code {
                assert_eq!(a.category, b.category, "{} mapped two ways", a.code);
            }
        }
    }
}
