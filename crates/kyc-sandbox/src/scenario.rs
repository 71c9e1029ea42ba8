//! Neutral outcomes for the simulated user, so that one scenario (the conformance suite, `kyc
//! demo`, the examples) can drive either provider's simulator without knowing its control API.
//!
//! Each [`UserOutcome`] is translated into the provider's documented words here, in one place:
//!
//! | outcome | IDnow (result, reason) | POSTIDENT (method AutoID unless said) |
//! |---|---|---|
//! | `Start` | user starts (START) | `started` |
//! | `Approve` | `SUCCESS` | `success` |
//! | `ApproveWithChangedData` | `SUCCESS_DATA_CHANGED`, street changed | `success`, address `change` |
//! | `ReviewPending` | `REVIEW_PENDING` | `review pending` |
//! | `FraudSuspected` | `FRAUD_SUSPICION_PENDING` | video `review pending`, subStatus 11 |
//! | `Decline` | `FRAUD_SUSPICION_CONFIRMED`, `WARNING_FAKED_MANIPULATED_ID` | `declined` 11 / 110 |
//! | `Abort` | `ABORTED`, `USER_CANCELLATION_IDENTIFY_LATER` | `incomplete` 97 / 800 |
//! | `Cancel` | `CANCELED`, `ID_BLURRY` | `cancelled` 94 / 900 |
//! | `Expire` | not simulated (IDnow start links do not expire) | `declined` 12 (validity exceeded) |

use crate::{idnow, postident, Sandbox};
use std::collections::BTreeMap;

/// What the simulated user (and the provider's agents) do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserOutcome {
    /// The user opens the identification and stays in it.
    Start,
    /// Identified; the data matches what was supplied.
    Approve,
    /// Identified; part of the data differs from what was supplied.
    ApproveWithChangedData,
    /// The user finished; the provider's review is pending.
    ReviewPending,
    /// The user finished; review pending with a fraud suspicion.
    FraudSuspected,
    /// The provider declines for fraud.
    Decline,
    /// The user aborts; the same case can be resumed.
    Abort,
    /// The provider cancels the attempt.
    Cancel,
    /// The case's validity runs out.
    Expire,
}

impl UserOutcome {
    /// Every outcome, for tests that walk them all.
    pub const ALL: [UserOutcome; 9] = [
        UserOutcome::Start,
        UserOutcome::Approve,
        UserOutcome::ApproveWithChangedData,
        UserOutcome::ReviewPending,
        UserOutcome::FraudSuspected,
        UserOutcome::Decline,
        UserOutcome::Abort,
        UserOutcome::Cancel,
        UserOutcome::Expire,
    ];
}

/// A case in one of the simulators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimulatedCase {
    /// An IDnow ident of the default company, by transaction number.
    Idnow {
        /// The caller's transaction number.
        transaction_number: String,
    },
    /// A POSTIDENT case of the default client, by caseId.
    Postident {
        /// The case id.
        case_id: String,
    },
}

/// Why an outcome could not be played.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The provider has no equivalent of the outcome.
    #[error("{outcome:?} is not simulated for {provider}: {why}")]
    Unsupported {
        /// The provider.
        provider: &'static str,
        /// The outcome asked for.
        outcome: UserOutcome,
        /// Why not.
        why: &'static str,
    },
    /// The simulator refused the step (unknown case, case already closed, ...).
    #[error("{0}")]
    Refused(String),
}

impl Sandbox {
    /// Plays `outcome` for `case` in the matching simulator; webhooks follow as the provider
    /// would send them.
    pub fn play(&self, case: &SimulatedCase, outcome: UserOutcome) -> Result<(), ScenarioError> {
        match case {
            SimulatedCase::Idnow { transaction_number } => {
                play_idnow(self.idnow(), transaction_number, outcome)
            }
            SimulatedCase::Postident { case_id } => {
                play_postident(self.postident(), case_id, outcome)
            }
        }
    }
}

fn refused(e: impl std::fmt::Display) -> ScenarioError {
    ScenarioError::Refused(e.to_string())
}

fn play_idnow(
    sandbox: &idnow::IdnowSandbox,
    txn: &str,
    outcome: UserOutcome,
) -> Result<(), ScenarioError> {
    let company = sandbox.company_id().to_string();
    let result = |word: &str, reason: Option<&str>| idnow::Outcome::new(word, reason);
    let outcome = match outcome {
        UserOutcome::Start => {
            return sandbox
                .user_start(&company, txn, &idnow::UserStart::default())
                .map_err(refused)
        }
        UserOutcome::Abort => {
            return sandbox
                .user_abort(&company, txn, Some("USER_CANCELLATION_IDENTIFY_LATER"))
                .map_err(refused)
        }
        UserOutcome::Approve => result("SUCCESS", None),
        UserOutcome::ApproveWithChangedData => idnow::Outcome {
            changes: BTreeMap::from([("street".to_string(), "NEUE STRASSE".to_string())]),
            ..result("SUCCESS_DATA_CHANGED", None)
        },
        UserOutcome::ReviewPending => result("REVIEW_PENDING", None),
        UserOutcome::FraudSuspected => result("FRAUD_SUSPICION_PENDING", None),
        UserOutcome::Decline => result(
            "FRAUD_SUSPICION_CONFIRMED",
            Some("WARNING_FAKED_MANIPULATED_ID"),
        ),
        UserOutcome::Cancel => result("CANCELED", Some("ID_BLURRY")),
        UserOutcome::Expire => {
            return Err(ScenarioError::Unsupported {
                provider: "idnow",
                outcome,
                why: "IDnow start links do not expire; idents are deleted after their retention",
            })
        }
    };
    sandbox.set_result(&company, txn, &outcome).map_err(refused)
}

fn play_postident(
    sandbox: &postident::PostidentSandbox,
    case_id: &str,
    outcome: UserOutcome,
) -> Result<(), ScenarioError> {
    use postident::{IdentStatus, Method, Outcome, Transition};
    let autoid = Method::Autoid;
    let done =
        |r: Result<serde_json::Value, postident::ControlError>| r.map(|_| ()).map_err(refused);
    match outcome {
        UserOutcome::Start => done(sandbox.complete(case_id, autoid, &Outcome::Start)),
        UserOutcome::Approve => done(sandbox.complete(case_id, autoid, &Outcome::Success)),
        UserOutcome::ApproveWithChangedData => {
            done(sandbox.complete(case_id, autoid, &Outcome::DataChanged))
        }
        UserOutcome::ReviewPending => done(sandbox.complete(case_id, autoid, &Outcome::Review)),
        UserOutcome::FraudSuspected => {
            let mut t = Transition::new(Method::Video, IdentStatus::Started);
            done(sandbox.apply(case_id, &t))?;
            t.status = IdentStatus::ReviewPending;
            t.sub_status = Some(11);
            done(sandbox.apply(case_id, &t))
        }
        UserOutcome::Decline => done(sandbox.complete(case_id, autoid, &Outcome::Fraud)),
        UserOutcome::Abort => done(sandbox.complete(
            case_id,
            autoid,
            &Outcome::Incomplete {
                sub_status: Some(97),
                sub_status_reason: Some(800),
            },
        )),
        UserOutcome::Cancel => done(sandbox.complete(case_id, autoid, &Outcome::Cancel)),
        UserOutcome::Expire => done(sandbox.expire_now(case_id)),
    }
}
