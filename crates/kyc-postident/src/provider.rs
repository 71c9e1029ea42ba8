//! [`PostidentProvider`]: POSTIDENT behind the provider-neutral [`KycProvider`] trait.

use crate::client::{Client, GetCaseOptions, ListQuery};
use crate::config::{PostidentConfig, Role};
use crate::mapping;
pub use crate::mapping::{create_request, create_request_as};
use async_trait::async_trait;
use bytes::Bytes;
use kyc_core::webhook::{WebhookAuth, WebhookNotice, WebhookRequest};
use kyc_core::{
    AppLink, ArchiveOutcome, Artifact, ArtifactSource, Capabilities, Case, CaseFilter, CaseHandle,
    CaseList, CaseRef, CaseStatus, Error, ErrorKind, KycProvider, NewCase, Provider,
};

/// The POSTIDENT adapter. Build it with [`PostidentProvider::new`]; the typed client with every
/// POSTIDENT-only operation is [`PostidentProvider::client`].
///
/// * `get_case` reads `/full` (all identifications become attempts) without binary data;
///   [`KycProvider::fetch_artifact`] fetches a file's bytes on demand. Use
///   [`PostidentProvider::with_inline_binary_data`] to receive them with every `get_case`.
/// * Cases are addressed by `case_id` (the caseId); `reference` is the referenceId.
/// * Webhooks carry ids only: `resolve_webhook` fetches the case.
/// * With [`Role::Partner`] credentials (result guide section 9) the adapter reads the status
///   endpoints only: cases carry status, reasons and attempts, never identity data or files.
#[derive(Debug, Clone)]
pub struct PostidentProvider {
    client: Client,
    client_id: String,
    webhook: WebhookAuth,
    inline_binary_data: bool,
    role: Role,
}

/// How many caseIds [`KycProvider::archive_cases`] looks up, one status read each, to say why
/// POSTIDENT did not archive them (already archived, not closed, unknown). Cases beyond this
/// are reported as "not updated" without a look-up, so that archiving 10,000 open cases does
/// not cost 10,000 more requests.
pub const ARCHIVE_EXPLAIN_LIMIT: usize = 100;

impl PostidentProvider {
    /// Validates the configuration and builds the adapter. Fails with
    /// [`ErrorKind::Configuration`] naming the key at fault (for example encryption disabled
    /// against the production host).
    pub fn new(config: PostidentConfig) -> kyc_core::Result<Self> {
        let client = Client::new(config.clone())?;
        Ok(PostidentProvider::around(client, config))
    }

    /// Like [`PostidentProvider::new`], but every request goes through `http_client`: yours,
    /// with your CA, proxy or middleware (its own timeouts apply; the retry limits still come
    /// from [`PostidentConfig::http`]). Without it the adapter uses the process-wide client for
    /// the configured timeouts ([`kyc_http::shared_client`]).
    pub fn with_http_client(
        config: PostidentConfig,
        http_client: reqwest::Client,
    ) -> kyc_core::Result<Self> {
        let client = Client::with_http_client(config.clone(), http_client)?;
        Ok(PostidentProvider::around(client, config))
    }

    fn around(client: Client, config: PostidentConfig) -> Self {
        PostidentProvider {
            client,
            client_id: config.client_id,
            webhook: config.webhook,
            inline_binary_data: false,
            role: config.role,
        }
    }

    /// Client or partner credentials.
    pub fn role(&self) -> Role {
        self.role
    }

    fn partner_refuses(&self, operation: &str) -> kyc_core::Result<()> {
        if self.role == Role::Partner {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "{operation} is not open to a POSTIDENT partner: a partner reads status data \
                     only (result guide section 9); the client does this with its own credentials"
                ),
            )
            .with_provider(Provider::Postident));
        }
        Ok(())
    }

    /// Says why each case POSTIDENT did not archive stayed as it was, by reading its status
    /// (at most [`ARCHIVE_EXPLAIN_LIMIT`] of them).
    /// `None` for a case that is archived already.
    async fn explain_not_archived(&self, ids: &[&str]) -> Vec<Option<String>> {
        let checked = ids.len().min(ARCHIVE_EXPLAIN_LIMIT);
        let mut reasons = Vec::with_capacity(ids.len());
        // A few reads at a time: enough to be quick, few enough not to look like a flood.
        for chunk in ids[..checked].chunks(4) {
            let lookups: Vec<_> = chunk
                .iter()
                .map(|id| self.client.get_case_status(id, false))
                .collect();
            for looked_up in futures::future::join_all(lookups).await {
                reasons.push(match looked_up {
                    Ok(response) => not_archived_reason(&response.result),
                    Err(e) if e.kind() == ErrorKind::NotFound => Some(
                        "unknown case: POSTIDENT does not know this caseId (never created, or \
                         deleted after the account's retention period)"
                            .to_string(),
                    ),
                    Err(e) => Some(format!(
                        "not updated: POSTIDENT did not archive it, and reading its status to \
                         tell why failed ({e})"
                    )),
                });
            }
        }
        reasons.extend(ids[checked..].iter().map(|_| {
            Some(format!(
                "not updated: POSTIDENT did not archive it (not looked up why: only the first \
                 {ARCHIVE_EXPLAIN_LIMIT} cases left over are)"
            ))
        }));
        reasons
    }

    /// When `true`, `get_case` asks for the result PDF and every file's bytes
    /// (`includeResultPdf=true&includeBinaryData=true`), so artifacts arrive inline.
    pub fn with_inline_binary_data(mut self, inline: bool) -> Self {
        self.inline_binary_data = inline;
        self
    }

    /// The typed client: status-only calls, list options, the archiving walk, raw answers.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn map(&self, response: crate::client::CaseResponse) -> kyc_core::Result<Case> {
        mapping::case_from_result(&response.result, response.raw, &self.client_id)
    }
}

/// Why POSTIDENT left a case out of its archive answer, read from the case's status.
/// `None` when the case is archived already.
fn not_archived_reason(result: &crate::wire::CaseResult) -> Option<String> {
    use crate::wire::CaseProgress;
    let status = result.case_status.as_ref();
    if status.and_then(|s| s.archived) == Some(true) {
        return None;
    }
    Some(match status.and_then(|s| s.status.as_ref()) {
        Some(CaseProgress::Closed) => "not updated: POSTIDENT did not archive this closed case \
             and did not say why; try again"
            .to_string(),
        Some(progress) => format!(
            "not closed: POSTIDENT archives closed cases only, this one is {:?}",
            kyc_core::wire::printable(progress.as_str(), kyc_core::wire::DEFAULT_MAX_CHARS)
                .to_string()
        ),
        None => {
            "not updated: POSTIDENT did not archive it and its status does not say why".to_string()
        }
    })
}

fn provider_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Provider, message).with_provider(Provider::Postident)
}

#[async_trait]
impl KycProvider for PostidentProvider {
    fn provider(&self) -> Provider {
        Provider::Postident
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.method_choice = true;
        c.inline_artifacts = self.role == Role::Client;
        c.archive_requires_final = true;
        c.lookup_by_case_id = true;
        c.case_expiry = true;
        c
    }

    async fn create_case(&self, new_case: &NewCase) -> kyc_core::Result<CaseHandle> {
        crate::validate_new_case(new_case)?;
        let request = create_request_as(new_case, self.role);
        let created = self.client.create_case(&request).await?;
        let raw = || Bytes::from(serde_json::to_vec(&created).unwrap_or_default());
        let case_id = created
            .case_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                provider_error("create case: the answer has no caseId").with_raw_body(raw())
            })?;
        let user_url = created
            .web_start
            .as_ref()
            .and_then(|w| w.case_url.as_deref())
            .ok_or_else(|| {
                provider_error("create case: the answer has no webStart.caseURL")
                    .with_raw_body(raw())
            })
            .and_then(|u| {
                url::Url::parse(u).map_err(|_| {
                    provider_error("create case: webStart.caseURL is not a URL")
                        .with_raw_body(raw())
                })
            })?;
        let mut app_links = Vec::new();
        for (platform, start) in [
            ("ios", &created.ios_start),
            ("android", &created.android_start),
        ] {
            if let Some(scheme) = start.as_ref().and_then(|s| s.case_url_scheme.clone()) {
                let mut link = AppLink::new(platform, scheme);
                link.package = start.as_ref().and_then(|s| s.package_name.clone());
                app_links.push(link);
            }
        }
        let case_ref = CaseRef::new(
            Provider::Postident,
            Some(case_id),
            Some(new_case.reference.clone()),
        );
        let mut handle = CaseHandle::new(case_ref, user_url).with_app_links(app_links);
        handle.expires_at = created
            .valid_until
            .as_deref()
            .and_then(crate::wire::parse_timestamp);
        Ok(handle)
    }

    async fn get_case(&self, case: &CaseRef) -> kyc_core::Result<Case> {
        let case_id = case.require_case_id()?;
        if self.role == Role::Partner {
            // A partner may read the status endpoints only (result guide 9.3).
            let response = self.client.get_case_status(case_id, true).await?;
            return self.map(response);
        }
        // includeResultPdf only adds the PDF's record (metadata) unless binary data is asked
        // for too, so it is always on: the PDF then shows up among the artifacts.
        let options = GetCaseOptions {
            full: true,
            include_result_pdf: true,
            include_binary_data: self.inline_binary_data,
        };
        let response = self.client.get_case(case_id, options).await?;
        self.map(response)
    }

    async fn list_cases(&self, filter: &CaseFilter) -> kyc_core::Result<CaseList> {
        let partner = self.role == Role::Partner;
        // Only the status lists take maxResults; it is sent when no case is dropped on our side.
        let filtered_here = filter.retryable && !filter.unfinished;
        let query = ListQuery {
            full: true,
            status_only: partner,
            new: filter.unfinished,
            in_progress: filter.unfinished || filter.retryable,
            closed: filter.finished,
            archived: filter.archived,
            created_from: filter.created_from,
            created_until: filter.created_until,
            closed_from: filter.decided_from,
            closed_until: filter.decided_until,
            max_results: filter.max_results.filter(|_| partner && !filtered_here),
        };
        let page = self.client.list_cases(&query).await?;
        let mut cases = Vec::with_capacity(page.cases.len());
        for response in page.cases {
            let case = self.map(response)?;
            // `inProgress` returns every case in progress; "retryable" alone wants only those
            // that can be resumed after an attempt ended.
            if filter.retryable
                && !filter.unfinished
                && !case.status.is_final()
                && case.status != CaseStatus::Retryable
            {
                continue;
            }
            cases.push(case);
        }
        let mut partial = page.partial;
        if let Some(max) = filter.max_results {
            // More matching cases than asked for is a partial answer, whoever cut it.
            partial |= cases.len() > max as usize;
            cases.truncate(max as usize);
        }
        Ok(CaseList::new(cases, partial))
    }

    async fn archive_cases(&self, cases: &[CaseRef]) -> kyc_core::Result<ArchiveOutcome> {
        self.partner_refuses("archiving")?;
        let mut ids = Vec::with_capacity(cases.len());
        for (i, c) in cases.iter().enumerate() {
            let id = c.case_id.as_deref().ok_or_else(|| {
                Error::invalid_input(vec![kyc_core::FieldViolation::new(
                    format!("cases[{i}].case_id"),
                    "present (POSTIDENT archives by caseId)",
                )])
            })?;
            ids.push(id.to_string());
        }
        let answered = self.client.archive_cases(&ids).await?;
        // POSTIDENT answers one status object per case it *updated* (result guide 7.6.1): a case
        // missing from the answer was already archived, is not closed, or is unknown. Which one
        // is read from the case's status.
        let reported = |id: &str| {
            answered
                .iter()
                .find(|a| a.case_id.as_deref() == Some(id))
                .map(|a| a.case_status.as_ref().and_then(|s| s.archived) != Some(false))
        };
        let mut missing: Vec<&str> = Vec::new();
        for id in &ids {
            if reported(id).is_none() && !missing.contains(&id.as_str()) {
                missing.push(id);
            }
        }
        let reasons = self.explain_not_archived(&missing).await;
        let mut outcome = ArchiveOutcome::default();
        for (c, id) in cases.iter().zip(&ids) {
            match reported(id) {
                Some(true) => outcome.archived.push(c.clone()),
                Some(false) => outcome.not_archived.push((
                    c.clone(),
                    "not archived: POSTIDENT answered for this case but reports it as not archived"
                        .into(),
                )),
                None => {
                    let at = missing.iter().position(|m| m == id).unwrap_or_default();
                    match reasons.get(at).cloned() {
                        Some(None) => outcome.already_archived.push(c.clone()),
                        Some(Some(reason)) => outcome.not_archived.push((c.clone(), reason)),
                        None => outcome
                            .not_archived
                            .push((c.clone(), "not updated: POSTIDENT did not say".into())),
                    }
                }
            }
        }
        Ok(outcome)
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> kyc_core::Result<Bytes> {
        if let ArtifactSource::Inline { data } = &artifact.source {
            return Ok(data.clone());
        }
        self.partner_refuses("reading files")?;
        let case_id = case.require_case_id()?;
        let response = self
            .client
            .get_case(case_id, GetCaseOptions::everything())
            .await?;
        match mapping::find_record_bytes(&response.result, artifact) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "POSTIDENT delivered no bytes for {:?} (its regulatory class may exclude \
                     this file, or it is delivered by SFTP only)",
                    artifact.name
                ),
            )
            .with_provider(Provider::Postident)),
            Err(_) => Err(provider_error(format!(
                "the documentData of {:?} is not Base64",
                artifact.name
            ))),
        }
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> kyc_core::Result<WebhookNotice> {
        crate::webhook::verify(&self.webhook, request)
    }

    fn parse_webhook(&self, body: &Bytes) -> kyc_core::Result<WebhookNotice> {
        crate::webhook::parse_notice(body)
    }

    async fn resolve_webhook(&self, notice: &WebhookNotice) -> kyc_core::Result<Case> {
        self.get_case(&notice.case_ref).await
    }
}
