//! [`IdnowProvider`]: IDnow AutoIdent behind the neutral [`KycProvider`] trait.

use crate::client::{validate_transaction_number, Client, IdentListFilter};
use crate::config::IdnowConfig;
use crate::mapping::{ident_to_case, not_started_case};
use crate::wire::CreateIdentRequest;
use async_trait::async_trait;
use bytes::Bytes;
use kyc_core::webhook::{WebhookEvent, WebhookNotice, WebhookRequest};
use kyc_core::{
    ArchiveOutcome, Artifact, ArtifactSource, Capabilities, Case, CaseFilter, CaseHandle, CaseList,
    CaseRef, Error, ErrorKind, Gender, KycProvider, Language, NewCase, Provider, Result,
};
use std::collections::HashMap;
use std::sync::Mutex;

/// IDnow AutoIdent as a [`KycProvider`]. The typed client stays reachable via
/// [`IdnowProvider::client`].
#[derive(Debug)]
pub struct IdnowProvider {
    client: Client,
    /// Transaction numbers (lower case) of idents this instance created → IdentID.
    created: Mutex<HashMap<String, Option<String>>>,
}

impl IdnowProvider {
    /// Builds the provider; checks the configuration (HTTPS except on loopback, shortname, key).
    pub fn new(config: IdnowConfig) -> Result<Self> {
        Ok(IdnowProvider {
            client: Client::new(config)?,
            created: Mutex::new(HashMap::new()),
        })
    }

    /// The typed client for everything beyond the trait (QES documents, copy, binding key, ...).
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn remember(&self, txn: &str, ident_id: Option<String>) {
        if let Ok(mut m) = self.created.lock() {
            let entry = m.entry(txn.to_ascii_lowercase()).or_insert(None);
            if ident_id.is_some() {
                *entry = ident_id;
            }
        }
    }

    fn created_ident(&self, txn: &str) -> Option<Option<String>> {
        self.created
            .lock()
            .ok()
            .and_then(|m| m.get(&txn.to_ascii_lowercase()).cloned())
    }
}

/// The create body for a neutral case (IDnow's field names and formats).
pub fn create_request(new_case: &NewCase) -> CreateIdentRequest {
    let p = &new_case.person;
    let a = new_case.address.as_ref();
    let mut custom = new_case.custom_fields.iter().cloned().map(Some);
    CreateIdentRequest {
        birthday: p.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        birthplace: p.birth_place.clone(),
        birthname: p.birth_name.clone(),
        city: a.and_then(|a| a.city.clone()),
        country: a
            .and_then(|a| a.country)
            .and_then(|c| c.alpha2())
            .map(str::to_string),
        custom1: custom.next().flatten(),
        custom2: custom.next().flatten(),
        custom3: custom.next().flatten(),
        custom4: custom.next().flatten(),
        custom5: custom.next().flatten(),
        email: new_case.contact.email.clone(),
        firstname: p.first_name.clone(),
        gender: p.gender.map(|g| {
            match g {
                Gender::Male => "MALE",
                Gender::Female => "FEMALE",
                _ => "OTHER",
            }
            .to_string()
        }),
        lastname: p.last_name.clone(),
        mobilephone: new_case.contact.mobile_phone.clone(),
        nationality: p.nationality.and_then(|c| c.alpha2()).map(str::to_string),
        street: a.and_then(|a| a.street.clone()),
        streetnumber: a.and_then(|a| a.street_number.clone()),
        title: p.title.clone(),
        zipcode: a.and_then(|a| a.postal_code.clone()),
        preferred_lang: new_case.language.as_ref().map(|l| match l {
            Language::German => "de".to_string(),
            Language::English => "en".to_string(),
            Language::Other(code) => code.clone(),
            _ => "en".to_string(),
        }),
    }
}

/// Reads the IdentID out of IDnow's 404 key `"Ident TST-QJPCG - No identification request
/// found ..."`, which IDnow answers for an ident that exists but was not started.
pub fn ident_id_in_not_found_key(key: &str) -> Option<String> {
    let rest = key.trim().strip_prefix("Ident ")?;
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let (prefix, suffix) = id.split_once('-')?;
    (!prefix.is_empty() && !suffix.is_empty()).then_some(id)
}

fn in_range(case: &Case, filter: &CaseFilter) -> bool {
    let decided = case.decided_at.or(case.modified_at);
    let created = case.created_at.or(case.modified_at);
    let after = |t: Option<kyc_core::Timestamp>, from: Option<kyc_core::Timestamp>| match (t, from)
    {
        (_, None) => true,
        (Some(t), Some(f)) => t >= f,
        (None, Some(_)) => false,
    };
    let before =
        |t: Option<kyc_core::Timestamp>, until: Option<kyc_core::Timestamp>| match (t, until) {
            (_, None) => true,
            (Some(t), Some(u)) => t <= u,
            (None, Some(_)) => false,
        };
    after(created, filter.created_from)
        && before(created, filter.created_until)
        && after(decided, filter.decided_from)
        && before(decided, filter.decided_until)
}

#[async_trait]
impl KycProvider for IdnowProvider {
    fn provider(&self) -> Provider {
        Provider::IdNow
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::default();
        c.delete_case = true;
        c.copy_case = true;
        c.esign_documents = true;
        c.method_choice = false;
        c.inline_artifacts = false;
        c.webhook_embeds_case = true;
        c.archive_requires_final = false;
        c.lookup_by_reference = true;
        c.lookup_by_case_id = false;
        c
    }

    async fn create_case(&self, new_case: &NewCase) -> Result<CaseHandle> {
        new_case.validate_for(Provider::IdNow)?;
        validate_transaction_number("reference", &new_case.reference)?;
        if new_case.webhook_url.is_some() {
            tracing::warn!("IDnow configures the webhook URL per account, not per ident; NewCase::webhook_url is not sent");
        }
        if new_case.document.is_some() {
            tracing::warn!(
                "IDnow's create call takes no document data; NewCase::document is not sent"
            );
        }
        let request = create_request(new_case);
        let txn = new_case.reference.as_str();
        let outcome = self.client.create_ident(txn, &request).await?;
        let ident_id = outcome.ident_id().map(str::to_string);
        self.remember(txn, ident_id.clone());
        Ok(CaseHandle {
            case_ref: CaseRef::new(Provider::IdNow, ident_id, Some(txn.to_string())),
            user_url: self.client.user_url_for_transaction(txn)?,
            app_links: Vec::new(),
            expires_at: None,
        })
    }

    async fn get_case(&self, case: &CaseRef) -> Result<Case> {
        let txn = case.require_reference()?.to_string();
        match self.client.get_ident(&txn).await {
            Ok(fetched) => Ok(ident_to_case(&fetched.ident, fetched.raw, Some(&txn))),
            Err(e)
                if e.kind() == ErrorKind::NotFound
                    && e.cause_code() == Some("OBJECT_NOT_FOUND") =>
            {
                let from_key = e
                    .provider_detail()
                    .and_then(|d| d.key.as_deref())
                    .and_then(ident_id_in_not_found_key);
                let known = self.created_ident(&txn);
                if from_key.is_none() && known.is_none() {
                    return Err(e);
                }
                let ident_id = from_key
                    .or_else(|| known.flatten())
                    .or_else(|| case.case_id.clone());
                Ok(not_started_case(CaseRef::new(
                    Provider::IdNow,
                    ident_id,
                    Some(txn),
                )))
            }
            Err(e) => Err(e),
        }
    }

    async fn list_cases(&self, filter: &CaseFilter) -> Result<CaseList> {
        let mut lists = Vec::new();
        if filter.finished {
            lists.push(IdentListFilter::Successful);
        }
        if filter.unfinished {
            lists.push(IdentListFilter::Pending);
        }
        if filter.retryable {
            lists.push(IdentListFilter::Aborted);
            lists.push(IdentListFilter::Canceled);
        }
        let mut cases: Vec<Case> = Vec::new();
        for list in lists {
            for fetched in self.client.list_idents(list).await? {
                let case = ident_to_case(&fetched.ident, fetched.raw, None);
                if !in_range(&case, filter) {
                    continue;
                }
                if !cases.iter().any(|c| c.case_ref == case.case_ref) {
                    cases.push(case);
                }
            }
        }
        let mut partial = false;
        if let Some(max) = filter.max_results {
            if cases.len() > max as usize {
                cases.truncate(max as usize);
                partial = true;
            }
        }
        Ok(CaseList { cases, partial })
    }

    async fn archive_cases(&self, cases: &[CaseRef]) -> Result<ArchiveOutcome> {
        let mut outcome = ArchiveOutcome::default();
        for case in cases {
            let txn = case.require_reference()?;
            match self.client.archive_ident(txn).await {
                Ok(()) => outcome.archived.push(case.clone()),
                Err(e) if matches!(e.kind(), ErrorKind::Transient | ErrorKind::Authentication) => {
                    return Err(e)
                }
                Err(e) => outcome.not_archived.push((case.clone(), e.to_string())),
            }
        }
        Ok(outcome)
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> Result<Bytes> {
        let txn = case.require_reference()?;
        match &artifact.source {
            ArtifactSource::Inline { data } => Ok(data.clone()),
            ArtifactSource::Download { path } => {
                let ext = path
                    .strip_prefix(txn)
                    .or_else(|| {
                        path.to_ascii_lowercase()
                            .starts_with(&txn.to_ascii_lowercase())
                            .then(|| &path[txn.len()..])
                    })
                    .unwrap_or("");
                match ext {
                    ".pdf" => self.client.download_pdf(txn).await,
                    ".xml" => self.client.download_xml(txn).await,
                    ".zip" => self.client.download_zip(txn).await,
                    _ => Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "artifact.source: not an IDnow download of this case \
                             ({txn}.pdf, .xml or .zip)"
                        ),
                    )
                    .with_provider(Provider::IdNow)),
                }
            }
            ArtifactSource::ResultArchive { entry } => {
                let zip = self.client.download_zip(txn).await?;
                crate::artifacts::read_zip_entry(&zip, entry)
            }
            _ => Err(Error::unsupported(Provider::IdNow, "this artifact source")),
        }
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> Result<WebhookNotice> {
        crate::webhook::verify_and_parse(&self.client.config().webhook, request)
    }

    fn parse_webhook(&self, body: &Bytes) -> Result<WebhookNotice> {
        crate::webhook::parse_webhook_body(body)
    }

    async fn resolve_webhook(&self, notice: &WebhookNotice) -> Result<Case> {
        // The body carries the case, but a webhook is a trigger: read the current state. Before
        // IDnow has data (START), fall back to the case the notice carried.
        match self.get_case(&notice.case_ref).await {
            Ok(case) => Ok(case),
            Err(e) if e.kind() == ErrorKind::NotFound || notice.event == WebhookEvent::Started => {
                match &notice.case {
                    Some(c) => Ok((**c).clone()),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}
