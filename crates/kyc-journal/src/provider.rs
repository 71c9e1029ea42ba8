//! [`JournaledProvider`]: any [`KycProvider`] with the journal's memory. The adapters stay
//! stateless; what they would otherwise have to remember per process lives here, shared by every
//! instance on the same journal:
//!
//! * `create_case` records the case (IDnow: the ident id for the transaction number), and for
//!   POSTIDENT records an *intent* before the request, so that a create whose answer was lost
//!   is found afterwards instead of being sent twice (see [`Journal::resolve_intents`]).
//! * `get_case` fills in the id the provider needs from the other one (POSTIDENT by reference),
//!   records what it read, and when the provider has no data yet (IDnow before the user's first
//!   result) or answers with an older state, returns what the journal knows from webhooks.

use crate::error::{JournalError, Result};
use crate::store::{now_micros, Journal};
use crate::versions::{journal_supersedes, Source};
use async_trait::async_trait;
use bytes::Bytes;
use kyc_core::webhook::{WebhookNotice, WebhookRequest};
use kyc_core::{
    ArchiveOutcome, Artifact, Capabilities, Case, CaseFilter, CaseHandle, CaseList, CaseRef,
    CaseStatus, Error, ErrorKind, KycProvider, NewCase, Provider,
};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::sync::Arc;

/// A provider whose cases are recorded in a journal. Implements [`KycProvider`], so it drops in
/// wherever the bare adapter was used.
#[derive(Clone)]
pub struct JournaledProvider {
    inner: Arc<dyn KycProvider>,
    journal: Journal,
}

/// True when a failed create may nevertheless have reached the provider and only its answer
/// was lost: no HTTP answer was read, and the transport failed at a stage after which the
/// request may have left ([`Error::may_have_been_sent`], from the typed
/// [`kyc_core::FailureStage`]: dispatch, timeout or response, not construction or connect). A
/// transient error that carries neither an answer nor a stage counts too: looking the case up
/// costs one list call, wrongly assuming "not created" could cost a duplicate case.
pub fn answer_was_lost(error: &Error) -> bool {
    if error.http_status().is_some() {
        return false;
    }
    match error.stage() {
        Some(_) => error.may_have_been_sent(),
        None => error.kind() == ErrorKind::Transient,
    }
}

/// Where a create intent stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentState {
    /// The request is being sent.
    Sending,
    /// The provider answered: created.
    Created,
    /// The answer was lost after sending; the journal is looking for the case.
    Unknown,
    /// The journal found the case the lost request created.
    Found,
    /// The journal looked and the provider has no case for the reference: nothing was
    /// created, a new create is safe.
    NotCreated,
    /// The journal could not tell (the provider's list was partial, or looking failed too
    /// long): a person must check at the provider before creating again.
    NeedsCheck,
    /// The provider refused the create (answered an error); nothing was created.
    Failed,
}

impl IntentState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            IntentState::Sending => "sending",
            IntentState::Created => "created",
            IntentState::Unknown => "unknown",
            IntentState::Found => "found",
            IntentState::NotCreated => "not_created",
            IntentState::NeedsCheck => "needs_check",
            IntentState::Failed => "failed",
        }
    }
}

impl JournaledProvider {
    /// `inner` with the memory of `journal`.
    pub fn new(inner: Arc<dyn KycProvider>, journal: Journal) -> Self {
        JournaledProvider { inner, journal }
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The wrapped adapter.
    pub fn inner(&self) -> &Arc<dyn KycProvider> {
        &self.inner
    }

    /// Fills in the case id or reference the journal knows for `case`.
    async fn complete(&self, case: &CaseRef) -> Result<CaseRef> {
        if case.case_id.is_some() && case.reference.is_some() {
            return Ok(case.clone());
        }
        let key = case.case_id.as_deref().or(case.reference.as_deref());
        let Some(key) = key else {
            return Ok(case.clone());
        };
        let Some(record) = self.journal.case_ids(case.provider, key).await? else {
            return Ok(case.clone());
        };
        Ok(CaseRef::new(
            case.provider,
            case.case_id.clone().or(record.0),
            case.reference.clone().or(record.1),
        ))
    }

    async fn create_with_intent(&self, new_case: &NewCase) -> Result<CaseHandle> {
        let provider = self.inner.provider();
        let reference = new_case.reference.clone();
        let intent = self.journal.open_intent(provider, &reference).await?;
        match self.inner.create_case(new_case).await {
            Ok(handle) => {
                self.journal
                    .close_intent(
                        intent,
                        IntentState::Created,
                        handle.case_ref.case_id.as_deref(),
                        None,
                    )
                    .await?;
                self.journal.record_created(&handle.case_ref).await?;
                Ok(handle)
            }
            Err(e) if answer_was_lost(&e) => {
                self.journal
                    .close_intent(intent, IntentState::Unknown, None, Some(&e.to_string()))
                    .await?;
                tracing::warn!(
                    reference = %reference, error = %e,
                    "create may have reached the provider; looking the case up by reference"
                );
                let found = self.journal.resolve_intent(&*self.inner, intent).await;
                let hint = match found {
                    Ok(IntentState::Found) => {
                        let case = self
                            .journal
                            .intent_case_id(intent)
                            .await?
                            .unwrap_or_default();
                        format!(
                            "the answer was lost, but the case was created: {provider}:{case} \
                             (recorded in the journal; read it with get_case by reference {reference})"
                        )
                    }
                    Ok(IntentState::NotCreated) => {
                        "nothing was created (the provider lists no case for this reference); \
                         creating again is safe"
                            .to_string()
                    }
                    _ => "the create may have reached the provider; the journal keeps looking \
                          for the case (kyc journal intents) and refuses another create for \
                          this reference until it knows"
                        .to_string(),
                };
                Err(JournalError::Provider(e.with_hint(hint)))
            }
            Err(e) => {
                self.journal
                    .close_intent(intent, IntentState::Failed, None, Some(&e.to_string()))
                    .await?;
                Err(JournalError::Provider(e))
            }
        }
    }
}

#[async_trait]
impl KycProvider for JournaledProvider {
    fn provider(&self) -> Provider {
        self.inner.provider()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn create_case(&self, new_case: &NewCase) -> kyc_core::Result<CaseHandle> {
        if self.inner.provider() == Provider::Postident {
            return Ok(self.create_with_intent(new_case).await?);
        }
        // IDnow creates are idempotent per transaction number: no intent needed.
        let handle = self.inner.create_case(new_case).await?;
        self.journal.record_created(&handle.case_ref).await?;
        Ok(handle)
    }

    async fn get_case(&self, case: &CaseRef) -> kyc_core::Result<Case> {
        let case_ref = self.complete(case).await?;
        let key = case_ref
            .case_id
            .clone()
            .or_else(|| case_ref.reference.clone())
            .unwrap_or_default();
        match self.inner.get_case(&case_ref).await {
            Ok(read) => {
                self.journal.store_case(&read, Source::Read).await?;
                if let Some(stored) = self
                    .journal
                    .case(case_ref.provider, &key)
                    .await?
                    .and_then(|r| r.case)
                {
                    if !journal_supersedes(&read, &stored) {
                        return Ok(stored);
                    }
                }
                Ok(read)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // The provider has nothing to show yet (IDnow before the first result), but the
                // journal knows the case: what webhooks said, or that it was created.
                match self.journal.case(case_ref.provider, &key).await? {
                    Some(record) => Ok(record.case.unwrap_or_else(|| {
                        Case::new(
                            CaseRef::new(case_ref.provider, record.case_id, record.reference),
                            CaseStatus::Created,
                            "",
                            serde_json::Value::Null,
                        )
                    })),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn list_cases(&self, filter: &CaseFilter) -> kyc_core::Result<CaseList> {
        self.inner.list_cases(filter).await
    }

    async fn archive_cases(&self, cases: &[CaseRef]) -> kyc_core::Result<ArchiveOutcome> {
        let mut completed = Vec::with_capacity(cases.len());
        for c in cases {
            completed.push(self.complete(c).await?);
        }
        self.inner.archive_cases(&completed).await
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> kyc_core::Result<Bytes> {
        let case = self.complete(case).await?;
        self.inner.fetch_artifact(&case, artifact).await
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> kyc_core::Result<WebhookNotice> {
        self.inner.verify_webhook(request)
    }

    fn parse_webhook(&self, body: &Bytes) -> kyc_core::Result<WebhookNotice> {
        self.inner.parse_webhook(body)
    }

    async fn resolve_webhook(&self, notice: &WebhookNotice) -> kyc_core::Result<Case> {
        self.inner.resolve_webhook(notice).await
    }
}

/// One create intent, as listed by [`Journal::intents`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct IntentRecord {
    /// The intent's id.
    pub id: i64,
    /// The provider.
    pub provider: String,
    /// The caller's reference of the create.
    pub reference: String,
    /// `sending`, `created`, `unknown`, `found`, `not_created`, `needs_check`, `failed`.
    pub state: String,
    /// The case the create made, once known.
    pub case_id: Option<String>,
    /// The error or finding, in our words (no personal data).
    pub detail: Option<String>,
    /// When the intent was recorded.
    pub created_at: kyc_core::Timestamp,
}

impl Journal {
    /// The ids the journal knows for a case (by case id or reference).
    pub(crate) async fn case_ids(
        &self,
        provider: Provider,
        key: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>> {
        let known = self.find_case(provider, key).await?;
        Ok(known.map(|c| (c.case_id, c.reference)))
    }

    /// Records that a case exists (after a create), so every instance knows it.
    pub async fn record_created(&self, case_ref: &CaseRef) -> Result<()> {
        let mut conn = self
            .inner
            .pool
            .acquire()
            .await
            .map_err(JournalError::db("record case"))?;
        self.case_row(&mut conn, case_ref).await?;
        Ok(())
    }

    /// Records an intent to create a case for `reference`, refusing when an earlier create
    /// for it is unresolved.
    async fn open_intent(&self, provider: Provider, reference: &str) -> Result<i64> {
        let now = now_micros();
        let row: Option<AnyRow> = sqlx::query(
            "INSERT INTO kyc_intents (provider, reference, state, created_at, updated_at) \
             VALUES ($1, $2, 'sending', $3, $3) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(provider.name())
        .bind(reference)
        .bind(now)
        .fetch_optional(&self.inner.pool)
        .await
        .map_err(JournalError::db("record create intent"))?;
        match row {
            Some(r) => Ok(r.get("id")),
            None => Err(JournalError::Provider(
                Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "create for reference {reference} refused: an earlier create for it is \
                         unresolved (its answer was lost; the provider may have created the case)"
                    ),
                )
                .with_provider(provider)
                .with_hint(
                    "see `kyc journal intents`; the journal looks the case up by reference, or \
                     a person checks at the provider",
                ),
            )),
        }
    }

    async fn close_intent(
        &self,
        id: i64,
        state: IntentState,
        case_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE kyc_intents SET state = $1, case_id = COALESCE($2, case_id), \
             detail = COALESCE($3, detail), updated_at = $4 WHERE id = $5",
        )
        .bind(state.name())
        .bind(case_id.map(str::to_string))
        .bind(detail.map(str::to_string))
        .bind(now_micros())
        .bind(id)
        .execute(&self.inner.pool)
        .await
        .map_err(JournalError::db("update create intent"))?;
        Ok(())
    }

    async fn intent_case_id(&self, id: i64) -> Result<Option<String>> {
        let row: AnyRow = sqlx::query("SELECT case_id FROM kyc_intents WHERE id = $1")
            .bind(id)
            .fetch_one(&self.inner.pool)
            .await
            .map_err(JournalError::db("read create intent"))?;
        Ok(row.get("case_id"))
    }

    /// Create intents, newest first (all, or only those in `state`).
    pub async fn intents(&self, state: Option<&str>) -> Result<Vec<IntentRecord>> {
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT id, provider, reference, state, case_id, detail, created_at FROM kyc_intents \
             WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT 500",
        )
        .bind(state.map(str::to_string))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("list create intents"))?;
        Ok(rows
            .iter()
            .map(|r| IntentRecord {
                id: r.get("id"),
                provider: r.get("provider"),
                reference: r.get("reference"),
                state: r.get("state"),
                case_id: r.get("case_id"),
                detail: r.get("detail"),
                created_at: crate::store::to_timestamp(r.get("created_at")),
            })
            .collect())
    }

    /// Looks up the case an intent in state `unknown` may have created: lists the provider's
    /// cases created since shortly before the intent and finds the reference.
    pub async fn resolve_intent(&self, provider: &dyn KycProvider, id: i64) -> Result<IntentState> {
        let row: AnyRow =
            sqlx::query("SELECT reference, state, created_at FROM kyc_intents WHERE id = $1")
                .bind(id)
                .fetch_one(&self.inner.pool)
                .await
                .map_err(JournalError::db("read create intent"))?;
        let reference: String = row.get("reference");
        let created_at: i64 = row.get("created_at");
        let filter = CaseFilter::everything()
            .with_created_from(crate::store::to_timestamp(created_at - 600_000_000))
            .with_archived(true);
        let listed = match provider.list_cases(&filter).await {
            Ok(l) => l,
            Err(e) => {
                let age = now_micros() - created_at;
                if age > 24 * 3600 * 1_000_000 {
                    self.close_intent(
                        id,
                        IntentState::NeedsCheck,
                        None,
                        Some(&format!("looking the case up failed for a day: {e}")),
                    )
                    .await?;
                    return Ok(IntentState::NeedsCheck);
                }
                return Err(JournalError::Provider(e));
            }
        };
        let found = listed
            .cases
            .iter()
            .find(|c| c.case_ref.reference.as_deref() == Some(reference.as_str()));
        let state = match (found, listed.partial) {
            (Some(case), _) => {
                self.close_intent(
                    id,
                    IntentState::Found,
                    case.case_ref.case_id.as_deref(),
                    Some("found by reference after the answer was lost"),
                )
                .await?;
                self.store_case(case, Source::Create).await?;
                tracing::info!(case = %case.case_ref, "create intent resolved: the case exists");
                IntentState::Found
            }
            (None, false) => {
                self.close_intent(
                    id,
                    IntentState::NotCreated,
                    None,
                    Some("the provider lists no case for the reference"),
                )
                .await?;
                IntentState::NotCreated
            }
            (None, true) => {
                self.close_intent(id, IntentState::NeedsCheck, None, Some("the provider's list was partial and did not show the reference: check at the provider")).await?;
                tracing::error!(reference = %reference, "create intent needs a person: the case may exist at the provider");
                IntentState::NeedsCheck
            }
        };
        Ok(state)
    }

    /// Resolves every intent in state `unknown` of `provider` (reconciliation calls this).
    pub async fn resolve_intents(&self, provider: &dyn KycProvider) -> Result<usize> {
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT id FROM kyc_intents WHERE provider = $1 AND state = 'unknown' ORDER BY id",
        )
        .bind(provider.provider().name())
        .fetch_all(&self.inner.pool)
        .await
        .map_err(JournalError::db("list create intents"))?;
        let mut resolved = 0;
        for r in rows {
            match self.resolve_intent(provider, r.get("id")).await {
                Ok(IntentState::Unknown) => {}
                Ok(_) => resolved += 1,
                Err(e) => tracing::warn!(error = %e, "create intent: lookup failed; trying later"),
            }
        }
        Ok(resolved)
    }
}
