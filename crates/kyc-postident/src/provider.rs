//! [`PostidentProvider`]: POSTIDENT behind the provider-neutral [`KycProvider`] trait.

use crate::client::{Client, GetCaseOptions, ListQuery};
use crate::config::PostidentConfig;
use crate::mapping;
use crate::wire::{
    AddressProvided, CallbackUrl, ContactDataProvided, CreateCaseRequest, CustomData, DocumentType,
    DrivingLicenceProvided, IdentificationDocumentProvided, PreferredLanguage, ProcessData,
};
use async_trait::async_trait;
use bytes::Bytes;
use kyc_core::webhook::{WebhookAuth, WebhookNotice, WebhookRequest};
use kyc_core::{
    AppLink, ArchiveOutcome, Artifact, ArtifactSource, Capabilities, Case, CaseFilter, CaseHandle,
    CaseList, CaseRef, CaseStatus, DocumentKind, Error, ErrorKind, KycProvider, Language, NewCase,
    Provider,
};

/// The POSTIDENT adapter. Build it with [`PostidentProvider::new`]; the typed client with every
/// POSTIDENT-only operation is [`PostidentProvider::client`].
///
/// * `get_case` reads `/full` (all identifications become attempts) without binary data;
///   [`KycProvider::fetch_artifact`] fetches a file's bytes on demand. Use
///   [`PostidentProvider::with_inline_binary_data`] to receive them with every `get_case`.
/// * Cases are addressed by `case_id` (the caseId); `reference` is the referenceId.
/// * Webhooks carry ids only: `resolve_webhook` fetches the case.
#[derive(Debug, Clone)]
pub struct PostidentProvider {
    client: Client,
    client_id: String,
    webhook: WebhookAuth,
    inline_binary_data: bool,
}

impl PostidentProvider {
    /// Validates the configuration and builds the adapter. Fails with
    /// [`ErrorKind::Configuration`] naming the key at fault (for example encryption disabled
    /// against the production host).
    pub fn new(config: PostidentConfig) -> kyc_core::Result<Self> {
        let client = Client::new(&config)?;
        Ok(PostidentProvider {
            client,
            client_id: config.client_id,
            webhook: config.webhook,
            inline_binary_data: false,
        })
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

/// Maps a neutral [`NewCase`] to the create request (fields POSTIDENT does not take, like
/// gender, are left out; see `docs/postident.md`).
pub fn create_request(new_case: &NewCase) -> CreateCaseRequest {
    let callback = |c: &Option<kyc_core::new_case::CallbackUrl>| {
        c.as_ref().map(|c| CallbackUrl {
            web_url: c.web.as_ref().map(|u| u.to_string()),
            ios_url: c.ios.clone(),
            android_url: c.android.clone(),
        })
    };
    let cb = &new_case.callbacks;
    let process = ProcessData {
        target_country: None,
        preferred_language: match &new_case.language {
            Some(Language::German) => Some(PreferredLanguage::German),
            Some(Language::English) => Some(PreferredLanguage::English),
            _ => None,
        },
        web_hook_url: new_case.webhook_url.as_ref().map(|u| u.to_string()),
        web_hook_url_partner: None,
        reference_id: Some(new_case.reference.clone()),
        callback_url_coupon_requested: callback(&cb.coupon_requested),
        callback_url_review_pending: callback(&cb.review_pending),
        callback_url_incomplete: callback(&cb.incomplete),
        callback_url_success: callback(&cb.success),
        callback_url_declined: callback(&cb.declined),
        callback_url_cancelled_and_closed: callback(&cb.cancelled_and_closed),
    };

    let p = &new_case.person;
    let address = new_case.address.as_ref().map(|a| AddressProvided {
        street_address: match (&a.street, &a.street_number) {
            (Some(s), Some(n)) => Some(format!("{s} {n}")),
            (Some(s), None) => Some(s.clone()),
            (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        },
        appendix: a.appendix.clone(),
        postal_code: a.postal_code.clone(),
        city: a.city.clone(),
        country: a.country.map(|c| c.alpha3().to_string()),
    });
    let contact = ContactDataProvided {
        title: p.title.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        mobile_phone: new_case.contact.mobile_phone.clone(),
        email: new_case.contact.email.clone(),
        address: address.clone(),
    };

    let date = |d: &Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let doc = new_case.document.as_ref();
    let is_licence = doc.and_then(|d| d.kind.as_ref()) == Some(&DocumentKind::DriversLicence);
    let id_doc = doc.filter(|_| !is_licence);
    let has_person_data = p.birth_name.is_some()
        || p.birth_date.is_some()
        || p.birth_place.is_some()
        || p.nationality.is_some();
    let identification_document =
        (id_doc.is_some() || has_person_data).then(|| IdentificationDocumentProvided {
            document_type: id_doc.and_then(|d| match d.kind.as_ref() {
                Some(DocumentKind::IdCard) => Some(DocumentType::IdCard),
                Some(DocumentKind::Passport) => Some(DocumentType::Passport),
                Some(DocumentKind::ResidencePermit) => Some(DocumentType::ResidencePermit),
                _ => None,
            }),
            number: id_doc.and_then(|d| d.number.clone()),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            birth_name: p.birth_name.clone(),
            birth_date: date(&p.birth_date),
            birth_place: p.birth_place.clone(),
            nationality: p.nationality.map(|c| c.alpha3().to_string()),
            address: address.clone(),
            date_issued: id_doc.and_then(|d| date(&d.issued_on)),
            date_of_expiry: id_doc.and_then(|d| date(&d.expires_on)),
            authority: id_doc.and_then(|d| d.authority.clone()),
            place_of_issue: id_doc.and_then(|d| d.place_of_issue.clone()),
            country_of_document: id_doc.and_then(|d| d.country.map(|c| c.alpha3().to_string())),
        });
    let driving_licence = doc.filter(|_| is_licence).map(|d| DrivingLicenceProvided {
        number: d.number.clone(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        birth_date: date(&p.birth_date),
        birth_place: p.birth_place.clone(),
        driving_licence_classes: Vec::new(),
        restrictions: None,
        date_issued: date(&d.issued_on),
        date_of_expiry: date(&d.expires_on),
        authority: d.authority.clone(),
        country_of_document: d.country.map(|c| c.alpha3().to_string()),
    });
    let f = |i: usize| new_case.custom_fields.get(i).cloned();
    let custom = (!new_case.custom_fields.is_empty()).then(|| CustomData {
        custom1: f(0),
        custom2: f(1),
        custom3: f(2),
        custom4: f(3),
        custom5: f(4),
    });
    CreateCaseRequest {
        process_data: Some(process),
        contact_data_provided: Some(contact),
        identification_document_provided: identification_document,
        driving_licence_provided: driving_licence,
        custom_data: custom,
    }
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
        c.inline_artifacts = true;
        c.archive_requires_final = true;
        c.lookup_by_case_id = true;
        c.case_expiry = true;
        c
    }

    async fn create_case(&self, new_case: &NewCase) -> kyc_core::Result<CaseHandle> {
        new_case.validate_for(Provider::Postident)?;
        let request = create_request(new_case);
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
                app_links.push(AppLink {
                    platform: platform.to_string(),
                    url_or_scheme: scheme,
                    package: start.as_ref().and_then(|s| s.package_name.clone()),
                });
            }
        }
        Ok(CaseHandle {
            case_ref: CaseRef::new(
                Provider::Postident,
                Some(case_id),
                Some(new_case.reference.clone()),
            ),
            user_url,
            app_links,
            expires_at: created
                .valid_until
                .as_deref()
                .and_then(crate::wire::parse_timestamp),
        })
    }

    async fn get_case(&self, case: &CaseRef) -> kyc_core::Result<Case> {
        let case_id = case.require_case_id()?;
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
        let query = ListQuery {
            full: true,
            status_only: false,
            new: filter.unfinished,
            in_progress: filter.unfinished || filter.retryable,
            closed: filter.finished,
            archived: filter.archived,
            created_from: filter.created_from,
            created_until: filter.created_until,
            closed_from: filter.decided_from,
            closed_until: filter.decided_until,
            max_results: None,
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
        if let Some(max) = filter.max_results {
            cases.truncate(max as usize);
        }
        Ok(CaseList {
            cases,
            partial: page.partial,
        })
    }

    async fn archive_cases(&self, cases: &[CaseRef]) -> kyc_core::Result<ArchiveOutcome> {
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
        let mut outcome = ArchiveOutcome::default();
        for (c, id) in cases.iter().zip(&ids) {
            let entry = answered
                .iter()
                .find(|a| a.case_id.as_deref() == Some(id.as_str()));
            match entry {
                Some(a) if a.case_status.as_ref().and_then(|s| s.archived) != Some(false) => {
                    outcome.archived.push(c.clone())
                }
                Some(_) => outcome
                    .not_archived
                    .push((c.clone(), "POSTIDENT reports the case as not archived".into())),
                None => outcome.not_archived.push((
                    c.clone(),
                    "not archived by POSTIDENT: only closed cases are archived (or the caseId is unknown)"
                        .into(),
                )),
            }
        }
        Ok(outcome)
    }

    async fn fetch_artifact(&self, case: &CaseRef, artifact: &Artifact) -> kyc_core::Result<Bytes> {
        if let ArtifactSource::Inline { data } = &artifact.source {
            return Ok(data.clone());
        }
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
