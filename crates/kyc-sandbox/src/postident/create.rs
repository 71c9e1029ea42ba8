//! `POST .../cases`: validates every request field of "SCR-Ident API Guide 1 Start" as
//! public-facts.md reconstructs it (field limits, formats), refuses a duplicate referenceId with
//! 409, stores the case and answers `{caseId, validUntil, webStart, iosStart, androidStart}`.

use axum::http::StatusCode;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::api::ApiError;
use super::state::{format_ts, Case, CaseState, Shared};

/// Special nationality codes besides ISO 3166 alpha-3.
const SPECIAL_NATIONALITIES: &[&str] = &["RKS", "XXA", "XXB", "XXC", "XXX"];

struct Check {
    errors: Vec<String>,
}

impl Check {
    fn new() -> Self {
        Check { errors: Vec::new() }
    }

    fn fail(&mut self, field: &str, rule: &str) {
        self.errors.push(format!("{field}: {rule}"));
    }

    /// The value at `key` read by `as_type` (absent or null: None; of another type: `rule`
    /// fails).
    fn typed<'v, T: ?Sized>(
        &mut self,
        parent: &'v Map<String, Value>,
        key: &str,
        path: &str,
        as_type: fn(&'v Value) -> Option<&'v T>,
        rule: &str,
    ) -> Option<&'v T> {
        let value = parent.get(key).filter(|v| !v.is_null())?;
        let typed = as_type(value);
        if typed.is_none() {
            self.fail(path, rule);
        }
        typed
    }

    /// The object at `key` (absent or null: None; not an object: error).
    fn object<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'v Map<String, Value>> {
        self.typed(parent, key, path, Value::as_object, "must be a JSON object")
    }

    /// The string at `key`; numbers are not accepted.
    fn string<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Option<&'v str> {
        self.typed(parent, key, path, Value::as_str, "must be a string")
    }

    fn max_chars(&mut self, parent: &Map<String, Value>, key: &str, path: &str, max: usize) {
        if let Some(s) = self.string(parent, key, path) {
            if s.chars().count() > max {
                self.fail(path, &format!("at most {max} characters"));
            }
        }
    }

    fn any_string(&mut self, parent: &Map<String, Value>, key: &str, path: &str) {
        let _ = self.string(parent, key, path);
    }

    fn country(&mut self, parent: &Map<String, Value>, key: &str, path: &str, special: bool) {
        if let Some(s) = self.string(parent, key, path) {
            let alpha3 = s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase());
            if !alpha3 || (!special && SPECIAL_NATIONALITIES[1..].contains(&s)) {
                self.fail(
                    path,
                    if special {
                        "ISO 3166 alpha-3 code (upper case) or RKS, XXA, XXB, XXC, XXX"
                    } else {
                        "ISO 3166 alpha-3 code (upper case) or RKS"
                    },
                );
            }
        }
    }

    fn date(&mut self, parent: &Map<String, Value>, key: &str, path: &str) {
        if let Some(s) = self.string(parent, key, path) {
            if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() || s.len() != 10 {
                self.fail(path, "date as YYYY-MM-DD");
            }
        }
    }

    fn url(&mut self, parent: &Map<String, Value>, key: &str, path: &str, webhook: bool) {
        let Some(s) = self.string(parent, key, path) else {
            return;
        };
        if webhook && s.chars().count() > 500 {
            self.fail(path, "at most 500 characters");
            return;
        }
        match url::Url::parse(s) {
            Err(_) => self.fail(path, "must be an absolute URL"),
            Ok(u) => {
                if webhook {
                    let loopback = match u.host() {
                        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                        Some(url::Host::Domain(d)) => d == "localhost",
                        None => false,
                    };
                    if u.scheme() != "https" && !(u.scheme() == "http" && loopback) {
                        self.fail(path, "must be an https URL (http only on the loopback)");
                    }
                    if u.query().is_some() {
                        self.fail(path, "must not contain GET parameters");
                    }
                    if targets_control_api(&u) {
                        self.fail(
                            path,
                            "must not point into the sandbox's control API (/__control): a \
                             webhook there would trigger itself again and again",
                        );
                    }
                }
            }
        }
    }

    fn address(&mut self, parent: &Map<String, Value>, path: &str) {
        let Some(a) = self.object(parent, "address", &format!("{path}.address")) else {
            return;
        };
        let p = |k: &str| format!("{path}.address.{k}");
        self.max_chars(a, "streetAddress", &p("streetAddress"), 70);
        self.max_chars(a, "appendix", &p("appendix"), 55);
        self.max_chars(a, "postalCode", &p("postalCode"), 11);
        self.max_chars(a, "city", &p("city"), 55);
        self.country(a, "country", &p("country"), false);
    }

    /// The free-text fields `texts` of an identity document at `path`, then its birth, issue
    /// and expiry dates.
    fn texts_and_dates(&mut self, document: &Map<String, Value>, path: &str, texts: &[&str]) {
        for k in texts {
            self.any_string(document, k, &format!("{path}.{k}"));
        }
        for k in ["birthDate", "dateIssued", "dateOfExpiry"] {
            self.date(document, k, &format!("{path}.{k}"));
        }
    }

    fn document_type(&mut self, parent: &Map<String, Value>, path: &str) {
        match parent.get("type") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if matches!(s.parse::<u8>(), Ok(1..=13)) => {}
            Some(_) => self.fail(path, "document type code \"1\" to \"13\" as a string"),
        }
    }
}

pub(crate) use crate::targets_control_api;

/// Fails every string in `value` that holds a control character (a newline in a referenceId,
/// an escape sequence in customData), naming its path: such ids would travel into webhooks,
/// logs and the user page. The guide is silent; the sandbox refuses them like its IDnow half.
fn refuse_control_characters(c: &mut Check, value: &Value, path: &str) {
    match value {
        Value::String(s) if s.chars().any(char::is_control) => {
            c.fail(path, "no control characters")
        }
        Value::Object(map) => {
            for (key, inner) in map {
                let inner_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                refuse_control_characters(c, inner, &inner_path);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                refuse_control_characters(c, inner, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

fn validate(body: &Value) -> Result<(), ApiError> {
    let Some(root) = body.as_object() else {
        return Err(ApiError::bad_request("body: must be a JSON object"));
    };
    let mut c = Check::new();
    refuse_control_characters(&mut c, body, "");

    if let Some(pd) = c.object(root, "processData", "processData") {
        c.country(pd, "targetCountry", "processData.targetCountry", false);
        if let Some(lang) = c.string(pd, "preferredLanguage", "processData.preferredLanguage") {
            if lang != "DE_DE" && lang != "EN_UK" {
                c.fail("processData.preferredLanguage", "one of DE_DE, EN_UK");
            }
        }
        c.url(pd, "webHookUrl", "processData.webHookUrl", true);
        c.url(
            pd,
            "webHookUrlPartner",
            "processData.webHookUrlPartner",
            true,
        );
        if let Some(r) = c.string(pd, "referenceId", "processData.referenceId") {
            if r.is_empty() {
                c.fail("processData.referenceId", "must not be empty");
            } else if r.chars().count() > 14 {
                c.fail("processData.referenceId", "at most 14 characters");
            }
        }
        for cb in [
            "callbackUrlCouponRequested",
            "callbackUrlReviewPending",
            "callbackUrlIncomplete",
            "callbackUrlSuccess",
            "callbackUrlDeclined",
            "callbackUrlCancelledAndClosed",
        ] {
            let path = format!("processData.{cb}");
            if let Some(obj) = c.object(pd, cb, &path) {
                c.url(obj, "webUrl", &format!("{path}.webUrl"), false);
                c.any_string(obj, "iOSUrl", &format!("{path}.iOSUrl"));
                c.any_string(obj, "androidUrl", &format!("{path}.androidUrl"));
            }
        }
    }

    if let Some(cd) = c.object(root, "contactDataProvided", "contactDataProvided") {
        c.any_string(cd, "title", "contactDataProvided.title");
        c.max_chars(cd, "firstName", "contactDataProvided.firstName", 35);
        c.max_chars(cd, "lastName", "contactDataProvided.lastName", 35);
        c.max_chars(cd, "mobilePhone", "contactDataProvided.mobilePhone", 20);
        c.max_chars(cd, "email", "contactDataProvided.email", 320);
        if let Some(e) = c.string(cd, "email", "contactDataProvided.email") {
            let ok = e.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && !d.is_empty() && !e.contains(char::is_whitespace)
            });
            if !ok {
                c.fail("contactDataProvided.email", "must be an e-mail address");
            }
        }
        c.address(cd, "contactDataProvided");
    }

    if let Some(d) = c.object(
        root,
        "identificationDocumentProvided",
        "identificationDocumentProvided",
    ) {
        let p = |k: &str| format!("identificationDocumentProvided.{k}");
        c.document_type(d, &p("type"));
        c.texts_and_dates(
            d,
            "identificationDocumentProvided",
            &[
                "number",
                "firstName",
                "lastName",
                "birthName",
                "birthPlace",
                "placeOfIssue",
            ],
        );
        c.country(d, "nationality", &p("nationality"), true);
        c.country(d, "countryOfDocument", &p("countryOfDocument"), false);
        c.max_chars(d, "authority", &p("authority"), 100);
        c.address(d, "identificationDocumentProvided");
    }

    if let Some(d) = c.object(root, "drivingLicenceProvided", "drivingLicenceProvided") {
        let p = |k: &str| format!("drivingLicenceProvided.{k}");
        c.max_chars(d, "number", &p("number"), 20);
        c.texts_and_dates(
            d,
            "drivingLicenceProvided",
            &[
                "firstName",
                "lastName",
                "birthPlace",
                "restrictions",
                "authority",
            ],
        );
        c.country(d, "countryOfDocument", &p("countryOfDocument"), false);
        match d.get("drivingLicenceClasses") {
            None | Some(Value::Null) => {}
            Some(Value::Array(classes)) => {
                for (i, class) in classes.iter().enumerate() {
                    let cp = format!("drivingLicenceProvided.drivingLicenceClasses[{i}]");
                    let Some(class) = class.as_object() else {
                        c.fail(&cp, "must be a JSON object");
                        continue;
                    };
                    c.any_string(class, "className", &format!("{cp}.className"));
                    c.any_string(class, "restrictions", &format!("{cp}.restrictions"));
                    c.date(class, "dateIssued", &format!("{cp}.dateIssued"));
                    c.date(class, "dateOfExpiry", &format!("{cp}.dateOfExpiry"));
                }
            }
            Some(_) => c.fail(&p("drivingLicenceClasses"), "must be a JSON array"),
        }
    }

    if let Some(cd) = c.object(root, "customData", "customData") {
        for i in 1..=5 {
            let k = format!("custom{i}");
            c.max_chars(cd, &k, &format!("customData.{k}"), 100);
        }
    }

    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::bad_request(c.errors.join("; ")))
    }
}

fn new_case_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Creates a case for `client_id` from a request body (already authorised).
/// `partner` is the user name of the partner that creates the case, when a partner does
/// (result guide section 9).
pub(crate) fn create_case(
    shared: &Shared,
    client_id: &str,
    body: &Value,
    partner: Option<&str>,
) -> Result<Value, ApiError> {
    validate(body)?;
    let root = body.as_object().cloned().unwrap_or_default();
    let mut order = Map::new();
    for key in [
        "customData",
        "processData",
        "contactDataProvided",
        "identificationDocumentProvided",
        "drivingLicenceProvided",
    ] {
        if let Some(Value::Object(m)) = root.get(key) {
            order.insert(key.to_owned(), Value::Object(m.clone()));
        }
    }
    let now = shared.now();
    let validity = chrono::Duration::from_std(shared.clock.scaled(shared.options.case_validity))
        .unwrap_or(chrono::Duration::days(90));
    let valid_until = now + validity;
    let expires_at =
        tokio::time::Instant::now() + shared.clock.scaled(shared.options.case_validity);

    let mut cases = shared.lock_cases();
    let client = cases.entry(client_id.to_owned()).or_default();
    let mut case_id = new_case_id();
    while client.contains_key(&case_id) {
        case_id = new_case_id();
    }
    let reference_id = order
        .get("processData")
        .and_then(|p| p.get("referenceId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(r) = &reference_id {
        if client.values().any(|c| &c.reference_id == r) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("processData.referenceId: a case with referenceId {r} already exists"),
            ));
        }
    }
    let reference_id = reference_id.unwrap_or_else(|| case_id.clone());
    let pd = order
        .entry("processData")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(pd) = pd {
        pd.insert("referenceId".into(), json!(reference_id));
    }
    let seq = shared
        .next_seq
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    client.insert(
        case_id.clone(),
        Case {
            case_id: case_id.clone(),
            seq,
            reference_id,
            created: now,
            modified: now,
            valid_until,
            expires_at,
            closed_at: None,
            archived: false,
            state: CaseState::New,
            order,
            identifications: Vec::new(),
            starts: 0,
            created_by_partner: partner.map(str::to_owned),
        },
    );
    drop(cases);
    let app_scheme = format!("postident-sandbox://start?caseId={case_id}");
    Ok(json!({
        "caseId": case_id,
        "validUntil": format_ts(&valid_until),
        "webStart": { "caseURL": shared.user_url(&case_id).as_str() },
        "iosStart": {
            "caseUrlScheme": app_scheme,
            "packageName": "de.deutschepost.postident.sandbox",
        },
        "androidStart": {
            "caseUrlScheme": app_scheme,
            "packageName": "de.deutschepost.postident.sandbox",
        },
    }))
}
