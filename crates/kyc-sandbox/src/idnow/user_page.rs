//! The user page: the sandbox's `go.idnow.de`. The user URLs of the IDnow document
//! (`/{company}/identifications/{txn}`, `/{IdentID}` and the embedding form
//! `/{company}/identifications/{IdentID}/identification/start`) are served under
//! `{root}/idnow/go/...` and show what IDnow would ask, with plain HTML forms posting to the
//! control API for each documented outcome.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::ident_json::xml_escape as escape;
use super::state::{Ident, Status};
use super::Shared;

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/go/{ident_id}", get(by_ident_id))
        .route("/go/{company}/identifications/{id}", get(by_company))
        .route(
            "/go/{company}/identifications/{id}/identification/start",
            get(by_company),
        )
}

/// For headless browsers without a driver: opening the page with `#click=<button id>` presses
/// that button once (e.g. `chromium --headless --dump-dom '{url}#click=success'`).
const AUTOMATION_HOOK: &str = "(function(){var m=/^#click=([a-z_]+)$/.exec(location.hash);\
if(!m){return;}var b=document.getElementById(m[1]);if(!b){return;}\
history.replaceState(null,'',location.pathname+location.search);b.click();})();";

/// Abort reasons a user can pick in the app (type UI and user action).
const ABORT_REASONS: &[&str] = &[
    "USER_CANCELLATION_IDENTIFY_LATER",
    "USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE",
    "USER_CANCELLATION_USER_NOT_INTERESTED",
    "USER_CANCELLATION_PRIVACY_CONCERNS",
    "USER_CANCELLATION_SELFIE_NOT_READY",
    "USER_CANCELLATION_APP_NOT_SCANNING",
    "USER_CANCELLATION_APP_NOT_RESPONDING",
    "USER_CANCELLATION_DOCUMENT_NOT_ACCEPTED",
    "USER_CANCELLATION_DOCUMENT_EXPIRED",
    "USER_CANCELLATION_UNDERAGE",
    "USER_CANCELLATION_CAMERA_ACCESS_DENIED",
    "USER_CANCELLATION_TERMS_DENIED",
];

/// Cancel reasons an agent can give (new list; the legacy codes are accepted by the control API).
const CANCEL_REASONS: &[&str] = &[
    "ID_BLURRY",
    "ID_GLARE",
    "ID_DARKNESS",
    "ID_EXPIRED",
    "ID_NOT_SUPPORTED",
    "ID_DAMAGED",
    "SELFIE_BLURRY",
    "IDENT_CANNOT_BE_COMPLETED",
    "TSP_SIGNING_FAILED",
    "ID_OTHER",
];

/// Fraud reasons (new list).
const FRAUD_REASONS: &[&str] = &[
    "WARNING_MANIPULATED_DATA",
    "WARNING_MANIPULATED_PHOTO",
    "WARNING_FAKED_SECURITY_FEATURES",
    "WARNING_PAPER_PRINT",
    "WARNING_DIGITAL_DOCUMENT",
    "WARNING_SELFIE_NO_REAL_PERSON",
    "WARNING_USER_UNDERAGE",
    "WARNING_MONEY_MULE",
    "WARNING_FRAUD_OTHER",
    "WARNING_FAKED_MANIPULATED_ID",
];

async fn by_ident_id(
    State(shared): State<Arc<Shared>>,
    Path(ident_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let located = shared.store().locate_ident_id(&ident_id);
    match located {
        Some((company, key)) => page(&shared, &company, &key, &query),
        None => not_found(&ident_id),
    }
}

async fn by_company(
    State(shared): State<Arc<Shared>>,
    Path((company, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let key = {
        let store = shared.store();
        if store.ident(&company, &id).is_some() {
            Some(id.to_ascii_lowercase())
        } else {
            store
                .locate_ident_id(&id)
                .filter(|(c, _)| *c == company)
                .map(|(_, key)| key)
        }
    };
    match key {
        Some(key) => page(&shared, &company, &key, &query),
        None => not_found(&id),
    }
}

fn not_found(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>IDnow sandbox</title></head>\
             <body><h1>Ident not found</h1><p>No identification <code>{}</code> exists.</p></body></html>",
            escape(id)
        )),
    )
        .into_response()
}

fn options(reasons: &[&str]) -> String {
    reasons
        .iter()
        .map(|r| format!("<option value=\"{r}\">{r}</option>"))
        .collect()
}

/// A labelled `reason` select (`{label} reason`) with one option per reason, and a space.
fn reason_select(label: &str, id: &str, reasons: &[&str]) -> String {
    format!(
        "<label>{label} reason <select name=\"reason\" id=\"{id}\">{}</select></label> ",
        options(reasons)
    )
}

/// A submit button.
fn button(id: &str, text: &str) -> String {
    format!("<button id=\"{id}\" type=\"submit\">{text}</button>")
}

fn page(shared: &Shared, company: &str, key: &str, query: &HashMap<String, String>) -> Response {
    let store = shared.store();
    let Some(ident) = store.ident(company, key) else {
        return not_found(key);
    };
    let html = render(shared, ident, query.get("error").map(String::as_str));
    Html(html).into_response()
}

fn render(shared: &Shared, ident: &Ident, error: Option<&str>) -> String {
    let base_path = shared.base_url.path().trim_end_matches('/');
    let action = |name: &str| {
        format!(
            "{base_path}/__control/companies/{}/identifications/{}/{name}",
            escape(&ident.company),
            escape(&ident.transaction_number)
        )
    };
    let back = format!(
        "{base_path}/go/{}/identifications/{}",
        escape(&ident.company),
        escape(&ident.transaction_number)
    );
    let status_word = ident.status.result_word().unwrap_or("CREATED");
    let mut rows = String::new();
    for (label, field) in [
        ("First name", "firstname"),
        ("Last name", "lastname"),
        ("Birth date", "birthday"),
        ("Birthplace", "birthplace"),
        ("Nationality", "nationality"),
        ("Street", "street"),
        ("Street number", "streetnumber"),
        ("ZIP code", "zipcode"),
        ("City", "city"),
        ("Country", "country"),
        ("E-mail", "email"),
        ("Mobile phone", "mobilephone"),
    ] {
        if let Some(value) = ident.data.get(field) {
            rows.push_str(&format!(
                "<tr><th>{label}</th><td>{}</td></tr>",
                escape(value)
            ));
        }
    }
    let error_html = error
        .map(|e| format!("<p class=\"error\" id=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    let hidden = format!("<input type=\"hidden\" name=\"redirect\" value=\"{back}\">");
    // A form posting to the control API's `name` endpoint with the redirect back here, a hidden
    // `result` when given, then `fields` (the inputs and the button).
    let form = |name: &str, result: Option<&str>, fields: &str| {
        let result = result
            .map(|r| format!("<input type=\"hidden\" name=\"result\" value=\"{r}\">"))
            .unwrap_or_default();
        format!(
            "<form method=\"post\" action=\"{}\">{hidden}{result}{fields}</form>",
            action(name)
        )
    };
    let result_form = |result: &str, fields: &str| form("result", Some(result), fields);
    let mut forms = String::new();
    let in_flow = ident.status == Status::Started;
    let may_start = ident.status.user_may_start();
    if may_start {
        forms.push_str(&form(
            "start",
            None,
            &button("start", "Start identification"),
        ));
    }
    if in_flow || may_start {
        forms.push_str(&result_form(
            "SUCCESS",
            &button("success", "Finish: success"),
        ));
        forms.push_str(&result_form(
            "SUCCESS_DATA_CHANGED",
            &format!(
                "<label>Changed field <select name=\"change_field\">{}</select></label> \
                 <label>New value <input name=\"change_value\" id=\"change_value\"></label> {}",
                options(&[
                    "lastname",
                    "firstname",
                    "birthday",
                    "birthplace",
                    "nationality",
                    "street",
                    "city",
                    "zipcode",
                ]),
                button("success_data_changed", "Finish: success, data changed"),
            ),
        ));
        forms.push_str(&result_form(
            "REVIEW_PENDING",
            &button("review_pending", "Finish: review pending"),
        ));
        forms.push_str(&result_form(
            "CHECK_PENDING",
            &button("check_pending", "Finish: check pending"),
        ));
    }
    if in_flow || may_start || ident.status.is_pending() {
        forms.push_str(&result_form(
            "FRAUD_SUSPICION_CONFIRMED",
            &(reason_select("Fraud", "fraud_reason", FRAUD_REASONS)
                + &button("fraud", "Fraud confirmed")),
        ));
        forms.push_str(&result_form(
            "CANCELED",
            &(reason_select("Cancel", "cancel_reason", CANCEL_REASONS)
                + &button("cancel", "Agent cancels")),
        ));
    }
    if ident.status.is_pending() {
        forms.push_str(&result_form(
            "SUCCESS",
            &button("review_success", "Review: success"),
        ));
    }
    if in_flow {
        forms.push_str(&form(
            "abort",
            None,
            &(reason_select("Abort", "abort_reason", ABORT_REASONS) + &button("abort", "Abort")),
        ));
    }
    if ident.status.is_finished() {
        forms.push_str(
            "<p>The identification is finished. A supervisor may still re-review it:</p>",
        );
        forms.push_str(&form(
            "review",
            None,
            &format!(
                "<select name=\"result\" id=\"review_result\">{}</select> \
                 <input name=\"reason\" placeholder=\"reason code\"> {}",
                options(&[
                    "SUCCESS",
                    "SUCCESS_DATA_CHANGED",
                    "FRAUD_SUSPICION_CONFIRMED",
                    "CANCELED",
                ]),
                button("review", "Re-review"),
            ),
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>IDnow sandbox - {id}</title>\
         <style>body{{font-family:sans-serif;max-width:46em;margin:2em auto}}form{{margin:.6em 0}}\
         th{{text-align:left;padding-right:1em}}.error{{color:#b00}}</style></head><body>\
         <h1>IDnow AutoIdent (sandbox)</h1>\
         <p>Identification <strong id=\"ident_id\">{id}</strong> for <code>{company}</code>, \
         transaction number <code>{txn}</code>.</p>\
         <p>Status: <strong id=\"status\">{status}</strong>{reason}</p>{error_html}\
         <h2>What IDnow asks</h2>\
         <p>Have your ID card or passport ready. You will photograph the front and back of the \
         document, tilt it to show its security features, and take a selfie with a liveness \
         check. Please confirm the data your company sent:</p>\
         <table>{rows}</table>\
         <h2>Simulate the outcome</h2>{forms}\
         <p><small>Simulated by kyc-sandbox; nothing here is a real identification.</small></p>\
         <script>{AUTOMATION_HOOK}</script></body></html>\n",
        id = escape(&ident.ident_id),
        company = escape(&ident.company),
        txn = escape(&ident.transaction_number),
        status = escape(status_word),
        reason = ident
            .reason
            .as_ref()
            .map(|r| format!(" (<span id=\"reason\">{}</span>)", escape(r)))
            .unwrap_or_default(),
    )
}
