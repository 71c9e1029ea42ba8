//! What the reliability scenarios need to know about one provider: how to start it against the
//! sandbox (configured exactly as users do, TOML through `kyc::connect`), how to make a case,
//! how to spoil an answer with a sandbox fault, how to count what reached the sandbox, and which
//! of the provider's rules decide whether a request may be sent again.

use kyc::{Case, CaseRef, CaseStatus, ErrorKind, KycProvider, NewCase};
use kyc_sandbox::{idnow, postident, Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The `[http]` section every scenario uses unless it says otherwise: three tries in all, short
/// backoff, a total timeout per try of 800 ms.
pub const HTTP: &str = "[http]\nconnect_timeout_ms = 1000\nrequest_timeout_ms = 800\n\
                        max_retries = 2\nretry_base_delay_ms = 20\n";

/// The adapter under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Idnow,
    /// POSTIDENT with JWE-encrypted results, as production demands.
    Postident,
    /// POSTIDENT with plain results (only the scenarios about unreadable answers run for it).
    PostidentUnencrypted,
}

/// A fault the sandbox can put in place of an answer, in neutral words: the sandbox's shared
/// effect, which each sandbox's own `FaultKind` converts from.
pub use kyc_sandbox::faults::Effect as Fault;

/// Which requests a fault spoils.
#[derive(Clone, Copy, Debug)]
pub enum On<'a> {
    /// Reads of this case.
    Get(&'a CaseRef),
    /// The create of the case with this reference.
    Create(&'a str),
    Archive,
    /// IDnow only: the login that fetches a token.
    Login,
}

impl Kind {
    fn is_postident(self) -> bool {
        matches!(self, Kind::Postident | Kind::PostidentUnencrypted)
    }

    /// Whether the adapter sends a create again after `fault` spoiled its answer. IDnow's create
    /// is idempotent per transaction number; a second POSTIDENT create could open a second case,
    /// so it is sent again only after a 429 (answered before anything was created).
    pub fn create_is_resent_after(self, fault: Fault) -> bool {
        match self {
            Kind::Idnow => true,
            Kind::Postident | Kind::PostidentUnencrypted => {
                matches!(fault, Fault::TooManyRequests { .. })
            }
        }
    }

    /// Whether an archive is sent again after a 5xx: POSTIDENT's archive (a PATCH) is
    /// idempotent; IDnow's archive POST is never retried.
    pub fn archive_is_resent_after_a_server_error(self) -> bool {
        self.is_postident()
    }

    /// The error kind of an answer that cannot be understood: a decryption error when the
    /// adapter expects a JWE, a provider error otherwise.
    pub fn unreadable_answer(self) -> ErrorKind {
        match self {
            Kind::Postident => ErrorKind::Decryption,
            Kind::Idnow | Kind::PostidentUnencrypted => ErrorKind::Provider,
        }
    }

    /// The body the sandbox sends for `Fault::MalformedJson`, which the error must keep verbatim.
    pub fn malformed_body(self) -> &'static [u8] {
        if self.is_postident() {
            b"{\"caseId\": \"SANDBOX\", \"caseStatus\": {\"status\": \"closed\",, ]"
        } else {
            b"{\"identificationprocess\": {\"result\": \"SUCC"
        }
    }

    /// Text the body of a sandbox 5xx answer holds, which the error must keep.
    pub fn server_error_body_contains(self) -> &'static str {
        if self.is_postident() {
            "sandbox fault injection"
        } else {
            "INTERNAL_SERVER_ERROR"
        }
    }

    /// The cause code IDnow's error bodies name (POSTIDENT's fault bodies name none).
    pub fn server_error_cause(self) -> Option<&'static str> {
        (self == Kind::Idnow).then_some("INTERNAL_SERVER_ERROR")
    }

    /// The cause code of a 429 answer (IDnow names one).
    pub fn throttled_cause(self) -> Option<&'static str> {
        (self == Kind::Idnow).then_some("TOO_MANY_REQUESTS")
    }
}

/// One RSA key for the whole binary (generating a 3072-bit key takes a while).
fn key_pem() -> &'static str {
    static PEM: OnceLock<String> = OnceLock::new();
    PEM.get_or_init(|| {
        let key = kyc::kyc_postident::PrivateKey::generate().expect("RSA key");
        key.to_pkcs8_pem().expect("PEM").expose().to_string()
    })
}

/// A sandbox and the adapter of one provider, connected to it.
pub struct Setup {
    pub kind: Kind,
    pub sandbox: Sandbox,
    pub provider: Box<dyn KycProvider>,
}

impl Setup {
    pub async fn start(kind: Kind) -> Setup {
        Setup::with_http(kind, HTTP).await
    }

    pub async fn with_http(kind: Kind, http: &str) -> Setup {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox");
        let provider_toml = match kind {
            Kind::Idnow => sandbox.idnow_config_toml(),
            Kind::Postident => sandbox.postident_config_toml(Some(key_pem())),
            Kind::PostidentUnencrypted => sandbox.postident_config_toml(None),
        };
        let toml = format!("{provider_toml}\n{http}");
        let config = kyc::Config::from_toml(&toml).expect("config");
        let provider = kyc::connect(&config).expect("connect");
        Setup {
            kind,
            sandbox,
            provider,
        }
    }

    /// A case with the data both providers need (references are kept at most 14 characters,
    /// POSTIDENT's limit).
    pub fn new_case(reference: &str) -> NewCase {
        let mut c = NewCase::new(reference);
        c.person.first_name = Some("Erika".into());
        c.person.last_name = Some("Mustermann".into());
        c.contact.email = Some("erika@example.org".into());
        c
    }

    /// A case the user has finished successfully (the adapter has talked to the provider).
    pub async fn approved_case(&self, reference: &str) -> CaseRef {
        let handle = self
            .provider
            .create_case(&Setup::new_case(reference))
            .await
            .expect("create");
        let simulated = match self.kind {
            Kind::Idnow => SimulatedCase::Idnow {
                transaction_number: reference.into(),
            },
            Kind::Postident | Kind::PostidentUnencrypted => SimulatedCase::Postident {
                case_id: handle.case_ref.case_id.clone().expect("case id"),
            },
        };
        self.sandbox
            .play(&simulated, UserOutcome::Approve)
            .expect("play");
        let case = self.provider.get_case(&handle.case_ref).await.expect("get");
        assert_approved(&case);
        handle.case_ref
    }

    /// Starts `kind` against a sandbox, makes an approved case with `reference`, spoils the next
    /// `count` reads of that case with `fault`, then reads it once: the opening of every read
    /// scenario. Returns the setup, what the read returned, and how long the read took.
    pub async fn read_with_faults(
        kind: Kind,
        reference: &str,
        fault: Fault,
        count: u32,
    ) -> (Setup, kyc::Result<Case>, Duration) {
        let s = Setup::start(kind).await;
        let case = s.approved_case(reference).await;
        s.fault(fault, count, On::Get(&case));
        let started = Instant::now();
        let result = s.provider.get_case(&case).await;
        (s, result, started.elapsed())
    }

    /// Spoils the next `count` answers to the requests `on` names.
    pub fn fault(&self, fault: Fault, count: u32, on: On<'_>) {
        match self.kind {
            Kind::Idnow => self.idnow_fault(fault, count, on),
            Kind::Postident | Kind::PostidentUnencrypted => self.postident_fault(fault, count, on),
        }
    }

    fn idnow_fault(&self, fault: Fault, count: u32, on: On<'_>) {
        let kind = idnow::FaultKind::try_from(fault).unwrap_or_else(|e| panic!("{}", e.0));
        let (method, path) = match on {
            On::Get(case) => (
                Some("GET"),
                format!(
                    "/identifications/{}",
                    case.reference.as_deref().expect("reference")
                ),
            ),
            On::Create(reference) => (Some("POST"), format!("/identifications/{reference}/start")),
            On::Archive => (Some("POST"), "/archive".to_string()),
            On::Login => (None, "/login".to_string()),
        };
        let mut f = idnow::Fault::new(kind, count);
        f.method = method.map(str::to_string);
        f.path_contains = Some(path);
        self.sandbox.idnow().inject_fault(f);
    }

    fn postident_fault(&self, fault: Fault, count: u32, on: On<'_>) {
        let kind = postident::FaultKind::from(fault);
        let (method, path) = match on {
            On::Get(case) => ("GET", case.case_id.clone()),
            // POSTIDENT gives the case its id, so every create is the same request.
            On::Create(_) => ("POST", Some("/cases".to_string())),
            On::Archive => ("PATCH", Some("/archive".to_string())),
            On::Login => panic!("POSTIDENT has no login request"),
        };
        let mut f = postident::Fault::new(kind, count).for_method(method);
        f.path_contains = path;
        self.sandbox.postident().inject_fault(f);
    }

    /// How many answers of the queued faults are still to be spoiled: a fault for `count`
    /// answers is consumed one answer at a time, so what is left tells how many requests
    /// reached the sandbox.
    pub async fn faults_left(&self) -> u64 {
        let url = match self.kind {
            Kind::Idnow => format!(
                "{}/__control/faults",
                self.sandbox
                    .idnow()
                    .base_url()
                    .as_str()
                    .trim_end_matches('/')
            ),
            Kind::Postident | Kind::PostidentUnencrypted => {
                self.sandbox.postident().control_url().to_string() + "/faults"
            }
        };
        let body: serde_json::Value = reqwest::get(url)
            .await
            .expect("control API")
            .json()
            .await
            .expect("JSON");
        let list = match self.kind {
            Kind::Idnow => &body["faults"],
            Kind::Postident | Kind::PostidentUnencrypted => &body,
        };
        list.as_array()
            .expect("fault list")
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum()
    }

    /// How many creates reached the sandbox's handler, where the sandbox counts them (POSTIDENT;
    /// faults answered without reaching the handler are not counted).
    pub fn creates_reached(&self) -> Option<u64> {
        self.kind
            .is_postident()
            .then(|| self.sandbox.postident().create_request_count())
    }

    /// How many cases the sandbox holds for `reference`. The POSTIDENT sandbox has no lookup by
    /// reference, so there it counts all cases (the create scenarios create no other).
    pub fn cases_for(&self, reference: &str) -> usize {
        match self.kind {
            Kind::Idnow => self
                .sandbox
                .idnow()
                .ident(self.sandbox.idnow().company_id(), reference)
                .map_or(0, |_| 1),
            Kind::Postident | Kind::PostidentUnencrypted => {
                self.sandbox.postident().case_ids().len()
            }
        }
    }
}

pub fn assert_approved(case: &Case) {
    assert_eq!(
        case.status,
        CaseStatus::Approved {
            data_changed: false
        },
        "{}",
        case.provider_status
    );
}
