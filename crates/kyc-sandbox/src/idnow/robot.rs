//! The IDnow test robot: `X-MANUALTEST-{SCENARIO}` (or the older `X-AUTOTEST-` prefix) in
//! firstname, lastname or custom1..custom5 makes the robot finish the ident after
//! `IdnowOptions::robot_delay` (documented "about 1-2 minutes", scaled by the clock).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::ident_json::SAMPLE_USERDATA;
use super::lifecycle::{self, Outcome, UserStart};
use super::state::Status;
use super::Shared;

/// A test-robot scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Scenario {
    /// `HAPPYPATH`: result SUCCESS.
    HappyPath,
    /// `FRAUDIDENT`: FRAUD_SUSPICION_CONFIRMED with reason WARNING_FAKED_MANIPULATED_ID.
    FraudIdent,
    /// `CANCELED`: the document says "FAILED with OTHER_ERROR"; the sandbox answers CANCELED
    /// with reason OTHER_ERROR (CANCELED is the documented result word).
    Canceled,
    /// `CHANGEALLREVIEW` (older name): REVIEW_PENDING, then the reviewer changes the data:
    /// SUCCESS_DATA_CHANGED.
    ChangeAllReview,
    /// `FRAUDOK` (older name): FRAUD_SUSPICION_PENDING that ends SUCCESS.
    FraudOk,
    /// `LONGREVIEW` (older name): REVIEW_PENDING, SUCCESS after 24 hours.
    LongReview,
}

impl Scenario {
    /// Recognises `X-MANUALTEST-HAPPYPATH` and friends (case-insensitive).
    pub fn parse(value: &str) -> Option<Scenario> {
        let upper = value.trim().to_ascii_uppercase();
        let name = upper
            .strip_prefix("X-MANUALTEST-")
            .or_else(|| upper.strip_prefix("X-AUTOTEST-"))?;
        Some(match name {
            "HAPPYPATH" => Scenario::HappyPath,
            "FRAUDIDENT" => Scenario::FraudIdent,
            "CANCELED" | "CANCELLED" => Scenario::Canceled,
            "CHANGEALLREVIEW" => Scenario::ChangeAllReview,
            "FRAUDOK" => Scenario::FraudOk,
            "LONGREVIEW" => Scenario::LongReview,
            _ => return None,
        })
    }
}

fn robot(result: &str, reason: Option<&str>) -> Outcome {
    Outcome {
        agent_name: Some("TROBOT".to_string()),
        ..Outcome::new(result, reason)
    }
}

/// Runs the robot for one ident in the background. With `start_first` the simulated user
/// starts the ident first (after one documented second).
pub(crate) fn schedule(shared: &Arc<Shared>, company: &str, txn: &str, start_first: bool) {
    let shared = shared.clone();
    let company = company.to_string();
    let txn = txn.to_string();
    tokio::spawn(async move {
        if start_first {
            shared.clock.sleep(Duration::from_secs(1)).await;
            if lifecycle::user_start(&shared, &company, &txn, &UserStart::default()).is_err() {
                release(&shared, &company, &txn);
                return;
            }
        }
        run(&shared, &company, &txn).await;
        release(&shared, &company, &txn);
    });
}

fn release(shared: &Shared, company: &str, txn: &str) {
    if let Some(ident) = shared.store().ident_mut(company, txn) {
        ident.robot_scheduled = false;
    }
}

/// The scenario of the ident if it is still where the robot expects it.
fn current(shared: &Shared, company: &str, txn: &str, expected: &Status) -> Option<Scenario> {
    let store = shared.store();
    let ident = store.ident(company, txn)?;
    if &ident.status != expected {
        return None;
    }
    ident.robot_scenario()
}

async fn run(shared: &Arc<Shared>, company: &str, txn: &str) {
    let delay = shared.options.robot_delay;
    shared.clock.sleep(delay).await;
    let Some(scenario) = current(shared, company, txn, &Status::Started) else {
        return;
    };
    let set = |outcome: Outcome| lifecycle::set_result(shared, company, txn, &outcome);
    let _ = match scenario {
        Scenario::HappyPath => set(robot("SUCCESS", None)),
        Scenario::FraudIdent => set(robot(
            "FRAUD_SUSPICION_CONFIRMED",
            Some("WARNING_FAKED_MANIPULATED_ID"),
        )),
        Scenario::Canceled => set(robot("CANCELED", Some("OTHER_ERROR"))),
        Scenario::ChangeAllReview => {
            if set(robot("REVIEW_PENDING", None)).is_err() {
                return;
            }
            shared.clock.sleep(delay).await;
            if current(shared, company, txn, &Status::ReviewPending).is_none() {
                return;
            }
            let changes = review_changes(shared, company, txn);
            set(Outcome {
                changes,
                ..robot("SUCCESS_DATA_CHANGED", None)
            })
        }
        Scenario::FraudOk => {
            if set(robot(
                "FRAUD_SUSPICION_PENDING",
                Some("WARNING_FRAUD_OTHER"),
            ))
            .is_err()
            {
                return;
            }
            shared.clock.sleep(delay).await;
            if current(shared, company, txn, &Status::FraudSuspicionPending).is_none() {
                return;
            }
            set(robot("SUCCESS", None))
        }
        Scenario::LongReview => {
            if set(robot("REVIEW_PENDING", None)).is_err() {
                return;
            }
            shared.clock.sleep(Duration::from_secs(24 * 60 * 60)).await;
            if current(shared, company, txn, &Status::ReviewPending).is_none() {
                return;
            }
            set(robot("SUCCESS", None))
        }
    };
}

/// CHANGEALLREVIEW: every personal field the company sent is replaced by the sample data set
/// (the robot name itself stays, so the ident stays recognisable).
fn review_changes(shared: &Shared, company: &str, txn: &str) -> BTreeMap<String, String> {
    let store = shared.store();
    let Some(ident) = store.ident(company, txn) else {
        return BTreeMap::new();
    };
    let mut changes = BTreeMap::new();
    for (field, sample) in SAMPLE_USERDATA {
        if let Some(given) = ident.data.get(*field) {
            if Scenario::parse(given).is_none() && !given.eq_ignore_ascii_case(sample) {
                changes.insert((*field).to_string(), (*sample).to_string());
            }
        }
    }
    if changes.is_empty() {
        changes.insert("birthplace".to_string(), "BERLIN".to_string());
    }
    changes
}
