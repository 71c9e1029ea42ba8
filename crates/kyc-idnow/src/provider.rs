//! [`IdnowProvider`]: IDnow AutoIdent behind the neutral [`KycProvider`] trait.
//!
//! The provider is **stateless**: everything it reports comes from IDnow's answers (and, for
//! webhooks, from the notice), so any number of instances in any number of processes report the
//! same. What only a witness of earlier events can know (that a START webhook came, which
//! attempts went before) belongs to the journal that stores the notices, not here.

use crate::client::{validate_transaction_number, Client, CreateOutcome, IdentListFilter};
use crate::config::{AccountSetup, IdnowConfig};
use crate::mapping::{ident_to_case, no_data_yet_case};
use crate::wire::CreateIdentRequest;
use async_trait::async_trait;
use bytes::Bytes;
use kyc_core::webhook::{WebhookNotice, WebhookRequest};
use kyc_core::{
    ArchiveOutcome, Artifact, ArtifactSource, Capabilities, Case, CaseFilter, CaseHandle, CaseList,
    CaseRef, Error, ErrorKind, Gender, KycProvider, Language, NewCase, Provider, Result,
};

/// IDnow AutoIdent as a [`KycProvider`]. The typed client stays reachable via
/// [`IdnowProvider::client`].
#[derive(Debug)]
pub struct IdnowProvider {
    client: Client,
}

impl IdnowProvider {
    /// Builds the provider; checks the configuration (HTTPS except on loopback, shortname, key).
    pub fn new(config: IdnowConfig) -> Result<Self> {
        Ok(IdnowProvider {
            client: Client::new(config)?,
        })
    }

    /// Like [`IdnowProvider::new`], but requests go through `http`: yours, with your CA
    /// certificates, proxy or middleware (see [`Client::with_http_client`]).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use kyc_idnow::{Environment, IdnowConfig, IdnowProvider};
    ///
    /// let http = reqwest::Client::builder()
    ///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     .build()?;
    /// let config = IdnowConfig::for_environment(Environment::TestDe, "democompany", "api-key");
    /// let provider = IdnowProvider::with_http_client(config, http)?;
    /// # Ok(()) }
    /// ```
    pub fn with_http_client(config: IdnowConfig, http: reqwest::Client) -> Result<Self> {
        Ok(IdnowProvider {
            client: Client::with_http_client(config, http)?,
        })
    }

    /// The typed client for everything beyond the trait (QES documents, copy, binding key, ...).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// The create body for a neutral case: IDnow's field names and formats, and only the fields of
/// the document's Create Ident table unless the account accepts more ([`AccountSetup`]).
pub fn create_request(new_case: &NewCase, account: &AccountSetup) -> CreateIdentRequest {
    let p = &new_case.person;
    let a = new_case.address.as_ref();
    let mut custom = new_case.custom_fields.iter().cloned().map(Some);
    let extras = account.send_birthname_and_title;
    CreateIdentRequest {
        birthday: p.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        birthplace: p.birth_place.clone(),
        birthname: p.birth_name.clone().filter(|_| extras),
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
        title: p.title.clone().filter(|_| extras),
        zipcode: a.and_then(|a| a.postal_code.clone()),
        preferred_lang: new_case
            .language
            .as_ref()
            .filter(|_| account.send_preferred_lang)
            .map(|l| match l {
                Language::German => "de".to_string(),
                Language::English => "en".to_string(),
                Language::Other(code) => code.clone(),
                _ => "en".to_string(),
            }),
    }
}

/// Says (in the log, without the values) what of `new_case` the create call leaves out.
fn warn_about_unsent_fields(new_case: &NewCase, account: &AccountSetup) {
    if new_case.webhook_url.is_some() {
        tracing::warn!(
            "IDnow configures the webhook URL per account, not per ident; NewCase::webhook_url is not sent"
        );
    }
    if new_case.document.is_some() {
        tracing::warn!("IDnow's create call takes no document data; NewCase::document is not sent");
    }
    let p = &new_case.person;
    if !account.send_birthname_and_title && (p.birth_name.is_some() || p.title.is_some()) {
        tracing::warn!(
            "birthname and title are not in IDnow's Create Ident table and are not sent; set \
             IdnowConfig::account.send_birthname_and_title if IDnow enabled them for the account"
        );
    }
    if !account.send_preferred_lang && new_case.language.is_some() {
        tracing::debug!(
            "NewCase::language is not sent: IDnow takes preferredLang only from QES accounts with \
             the Namirial TSP (IdnowConfig::account.send_preferred_lang); the app picks its own \
             language"
        );
    }
    if let Some(mobile) = &new_case.contact.mobile_phone {
        if !has_country_code(mobile) {
            tracing::warn!(
                "contact.mobile_phone has no country code; IDnow assumes +49 (Germany) for such \
                 numbers, so an SMS to a number of another country will not arrive"
            );
        }
    }
}

/// Whether a phone number starts with a country code (`+49 ...` or `0049 ...`). IDnow assumes
/// `+49` for a number without one (Create Ident, `mobilePhone`).
pub fn has_country_code(number: &str) -> bool {
    let t = number.trim_start();
    t.starts_with('+') || t.starts_with("00")
}

/// Reads the IdentID out of IDnow's 404 key `"Ident TST-QJPCG - No identification request
/// found ..."`, which IDnow answers for an ident that exists but has no data yet.
pub fn ident_id_in_not_found_key(key: &str) -> Option<String> {
    let rest = key.trim().strip_prefix("Ident ")?;
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let (prefix, suffix) = id.split_once('-')?;
    (!prefix.is_empty() && !suffix.is_empty()).then_some(id)
}

/// True for IDnow's 404 `OBJECT_NOT_FOUND`: no data for what was asked (not started, in the
/// flow, unknown, deleted).
fn is_object_not_found(e: &Error) -> bool {
    e.kind() == ErrorKind::NotFound && e.cause_code() == Some("OBJECT_NOT_FOUND")
}

/// The IdentID a 404 names, when it names one: the ident exists, IDnow has no data yet.
fn ident_id_named_by(e: &Error) -> Option<String> {
    e.provider_detail()
        .and_then(|d| d.key.as_deref())
        .and_then(ident_id_in_not_found_key)
}

/// What one read of an ident found.
enum Read {
    /// IDnow answered the ident (boxed: a case is large).
    Found(Box<Case>),
    /// IDnow's 404 says the ident exists but has no data yet.
    NoDataYet {
        /// The IdentID the 404 named.
        ident_id: String,
        /// The 404 itself.
        error: Error,
    },
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

impl IdnowProvider {
    /// Reads an ident by transaction number, else by IdentID (IDnow's `identifications/{txn} OR
    /// {IdentID}`). A 404 that names no IdentID is tried once more by the `CaseRef`'s IdentID, so
    /// a wrong or missing reference does not hide an ident the caller knows by its id; a 404
    /// that names none either is the `NotFound` error.
    async fn read(&self, case: &CaseRef) -> Result<Read> {
        let first = match (&case.reference, &case.case_id) {
            (Some(txn), _) => self.client.get_ident(txn).await,
            (None, Some(id)) => self.client.get_ident_by_id(id).await,
            (None, None) => {
                return Err(Error::invalid_input(vec![kyc_core::FieldViolation::new(
                    "case_ref",
                    "a reference (transaction number) or a case id (IdentID)",
                )])
                .with_provider(Provider::Idnow))
            }
        };
        let e = match first {
            Ok(f) => {
                return Ok(Read::Found(Box::new(ident_to_case(
                    &f.ident,
                    f.raw,
                    case.reference.as_deref(),
                ))))
            }
            Err(e) if is_object_not_found(&e) => e,
            Err(e) => return Err(e),
        };
        if let Some(ident_id) = ident_id_named_by(&e) {
            return Ok(Read::NoDataYet { ident_id, error: e });
        }
        let (Some(_), Some(id)) = (&case.reference, &case.case_id) else {
            return Err(e);
        };
        match self.client.get_ident_by_id(id).await {
            Ok(f) => Ok(Read::Found(Box::new(ident_to_case(&f.ident, f.raw, None)))),
            Err(by_id) if is_object_not_found(&by_id) => match ident_id_named_by(&by_id) {
                Some(ident_id) => Ok(Read::NoDataYet {
                    ident_id,
                    error: by_id,
                }),
                None => Err(e),
            },
            Err(other) => Err(other),
        }
    }

    /// The transaction number of a case: its reference, or (for a `CaseRef` with only the
    /// IdentID) the one IDnow reports for the IdentID.
    async fn transaction_number(&self, case: &CaseRef) -> Result<String> {
        if let Some(txn) = &case.reference {
            return Ok(txn.clone());
        }
        let id = case.require_case_id()?;
        match self.read(case).await? {
            Read::Found(found) => found.case_ref.reference.ok_or_else(|| {
                Error::new(
                    ErrorKind::Provider,
                    format!("IDnow's answer for {id} names no transaction number"),
                )
                .with_provider(Provider::Idnow)
            }),
            Read::NoDataYet { error, .. } => Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "the transaction number of {id} cannot be looked up: IDnow has no data for \
                     it until the user has finished an attempt; use the reference"
                ),
            )
            .with_provider(Provider::Idnow)
            .with_http_status(404)
            .with_detail(error.provider_detail().cloned().unwrap_or_default())),
        }
    }

    /// Why IDnow refused to archive `txn`, in words a user can act on: the answer alone does not
    /// say (the document: archive "does not work if the Ident is already archived or deleted"),
    /// so the ident is read to tell the cases apart.
    /// `None` when the ident is archived already (IDnow refuses a second archive of a finished
    /// ident).
    async fn archive_refusal(&self, txn: &str, refused: Error) -> Option<String> {
        if refused.http_status() == Some(412) {
            return Some(refused.to_string());
        }
        let reason = match self
            .read(&CaseRef::by_reference(Provider::Idnow, txn))
            .await
        {
            Ok(Read::Found(case)) if case.status.is_final() => return None,
            Ok(Read::Found(case)) => format!(
                "not finished ({}): IDnow refused to archive it",
                case.provider_status
            ),
            Ok(Read::NoDataYet { .. }) => {
                "not finished: the user has not started or not finished it; IDnow refused to \
                 archive it"
                    .to_string()
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                "unknown or deleted: IDnow has no ident with this transaction number".to_string()
            }
            Err(_) => refused.to_string(),
        };
        Some(reason)
    }
}

#[async_trait]
impl KycProvider for IdnowProvider {
    fn provider(&self) -> Provider {
        Provider::Idnow
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
        c.lookup_by_case_id = true;
        c
    }

    async fn create_case(&self, new_case: &NewCase) -> Result<CaseHandle> {
        crate::validate_new_case(new_case)?;
        validate_transaction_number("reference", &new_case.reference)?;
        let account = &self.client.config().account;
        warn_about_unsent_fields(new_case, account);
        let request = create_request(new_case, account);
        let txn = new_case.reference.as_str();
        let outcome = self.client.create_ident(txn, &request).await?;
        // A new ident lives for the account's ident lifetime (documented: 90 days) and is then
        // deleted; an updated one was created earlier, at a time IDnow does not report.
        let expires_at = match (&outcome, account.ident_lifetime) {
            (CreateOutcome::Created { .. }, Some(lifetime)) => chrono::Duration::from_std(lifetime)
                .ok()
                .map(|l| (chrono::Utc::now() + l).fixed_offset()),
            _ => None,
        };
        let ident_id = outcome.ident_id().map(str::to_string);
        let mut handle = CaseHandle::new(
            CaseRef::new(Provider::Idnow, ident_id, Some(txn.to_string())),
            self.client.user_url_for_transaction(txn)?,
        );
        handle.expires_at = expires_at;
        Ok(handle)
    }

    /// Reads the ident by transaction number (or, without one, by IdentID).
    ///
    /// IDnow keeps **no data** for an ident until the user has finished an attempt: before the
    /// user starts and while the user is in the flow, `GET` answers 404 `OBJECT_NOT_FOUND`, its
    /// `key` naming the IdentID (`"Ident TST-QJPCG - No identification request found ..."`).
    /// For such an answer the case has status [`kyc_core::CaseStatus::Created`] and provider
    /// status [`crate::mapping::NO_DATA_YET`]: it exists, and IDnow has no data yet; whether
    /// the user is in the flow right now only the START webhook told (the journal, which keeps
    /// the notices, knows better than this stateless read). A 404 naming no IdentID is tried
    /// again by the `CaseRef`'s IdentID when it has one; otherwise it is the `NotFound` error.
    async fn get_case(&self, case: &CaseRef) -> Result<Case> {
        match self.read(case).await? {
            Read::Found(found) => Ok(*found),
            Read::NoDataYet { ident_id, error } => {
                let raw = error
                    .raw_body()
                    .and_then(|b| serde_json::from_slice(b.as_bytes()).ok())
                    .unwrap_or(serde_json::Value::Null);
                Ok(no_data_yet_case(
                    CaseRef::new(Provider::Idnow, Some(ident_id), case.reference.clone()),
                    raw,
                ))
            }
        }
    }

    /// Lists by IDnow's state filters: `finished` → `successful=true`, `unfinished` →
    /// `pending=true` (REVIEW_PENDING only), `retryable` → `aborted=true` and `canceled=true`.
    ///
    /// IDnow cannot list idents the user has not started or is in the flow of, idents in
    /// CHECK_PENDING or FRAUD_SUSPICION_PENDING, nor archived ones. When the filter asks for
    /// those (`unfinished` or `archived`), the list is returned with
    /// [`CaseList::partial`] set: more cases may match than IDnow can list.
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
        let mut partial = filter.unfinished || filter.archived;
        if let Some(max) = filter.max_results {
            if cases.len() > max as usize {
                cases.truncate(max as usize);
                partial = true;
            }
        }
        Ok(CaseList::new(cases, partial))
    }

    /// Archives one ident after the other. A refusal is read back from IDnow, whose answer alone
    /// does not say why: a finished ident was archived before ([`ArchiveOutcome::already_archived`]);
    /// otherwise it is reported in [`ArchiveOutcome::not_archived`] with its reason in words
    /// ("not finished", "unknown or deleted", or the feature not being enabled, 412). Transient
    /// and authentication failures end the call with the error.
    async fn archive_cases(&self, cases: &[CaseRef]) -> Result<ArchiveOutcome> {
        let mut outcome = ArchiveOutcome::default();
        for case in cases {
            let txn = match self.transaction_number(case).await {
                Ok(txn) => txn,
                Err(e) if matches!(e.kind(), ErrorKind::Transient | ErrorKind::Authentication) => {
                    return Err(e)
                }
                Err(e) => {
                    outcome.not_archived.push((case.clone(), e.to_string()));
                    continue;
                }
            };
            match self.client.archive_ident(&txn).await {
                Ok(()) => outcome.archived.push(case.clone()),
                Err(e) if matches!(e.kind(), ErrorKind::Transient | ErrorKind::Authentication) => {
                    return Err(e)
                }
                Err(e) => match self.archive_refusal(&txn, e).await {
                    None => outcome.already_archived.push(case.clone()),
                    Some(reason) => outcome.not_archived.push((case.clone(), reason)),
                },
            }
        }
        Ok(outcome)
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> Result<Bytes> {
        if let ArtifactSource::Inline { data } = &artifact.source {
            return Ok(data.clone());
        }
        let txn = self.transaction_number(case).await?;
        let txn = txn.as_str();
        match &artifact.source {
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
                    .with_provider(Provider::Idnow)),
                }
            }
            ArtifactSource::ResultArchive { entry } => {
                let zip = self.client.download_zip(txn).await?;
                crate::artifacts::read_zip_entry(&zip, entry)
            }
            _ => Err(Error::unsupported(Provider::Idnow, "this artifact source")),
        }
    }

    fn verify_webhook(&self, request: &WebhookRequest) -> Result<WebhookNotice> {
        crate::webhook::verify(&self.client.config().webhook, request)
    }

    fn parse_webhook(&self, body: &Bytes) -> Result<WebhookNotice> {
        crate::webhook::parse_webhook_body(body)
    }

    /// A webhook is a trigger: the ident is read again and the current state returned. Only
    /// when IDnow says it has no data (404 `OBJECT_NOT_FOUND`: a START while the user is in the
    /// flow, an ABORTED or CANCELED whose user already started again, a deleted ident) is the
    /// case the notice carried returned instead: `InProgress` for START, `Retryable` with the
    /// reason and payload for ABORTED and CANCELED. Any other failure (a 503, a timeout) is
    /// returned as the error: a transient failure to read is not "no data".
    async fn resolve_webhook(&self, notice: &WebhookNotice) -> Result<Case> {
        // A body whose ids read but whose ident does not is no better than "no data": the
        // provider's answer is the error then.
        let from_notice = |e: Error| match notice.case() {
            Ok(Some(c)) => Ok(c.clone()),
            Ok(None) | Err(_) => Err(e),
        };
        match self.read(&notice.case_ref).await {
            Ok(Read::Found(case)) => Ok(*case),
            Ok(Read::NoDataYet { error, .. }) => from_notice(error),
            Err(e) if is_object_not_found(&e) => from_notice(e),
            Err(e) => Err(e),
        }
    }
}
