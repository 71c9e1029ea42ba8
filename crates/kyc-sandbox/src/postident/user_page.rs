//! The user page at `webStart.caseURL` (`{root}/postident/user/start/?caseId=...`): a small HTML
//! page per case that shows what POSTIDENT would ask the user for with each configured method,
//! and plain HTML forms posting to the control API for the documented outcomes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::codes::{self, IdentStatus, Method};
use super::state::{CaseState, Shared};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/user/start", get(page))
        .route("/user/start/", get(page))
        .with_state(shared)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn what_is_asked(method: Method) -> &'static str {
    match method {
        Method::Autoid => "Take photos of the front and back of your ID document and a short selfie video; the machine checks them, an agent reviews the result.",
        Method::Basic => "Request a coupon, take it and your ID document to a post office; the clerk checks your identity.",
        Method::Eid => "Hold your German ID card (online ID function) to a card reader or phone and enter your PIN.",
        Method::Photo => "Upload photos of your ID document (and driving licence) and a selfie; an agent checks them.",
        Method::Video => "Join a video chat with an agent, show your ID document and confirm a TAN sent to your phone.",
    }
}

fn button(action: &str, method: Method, outcome: &str, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\" class=\"inline\">\
<input type=\"hidden\" name=\"method\" value=\"{m}\">\
<button type=\"submit\" name=\"outcome\" value=\"{outcome}\" id=\"{m}-{outcome}\">{label}</button></form>\n",
        action = esc(action),
        m = method.as_str(),
    )
}

fn incomplete_form(action: &str, method: Method) -> String {
    let rows = codes::table(method);
    let Some(row) = rows.iter().find(|r| r.status == IdentStatus::Incomplete) else {
        return String::new();
    };
    let m = method.as_str();
    let mut out = format!(
        "<form method=\"post\" action=\"{}\" class=\"inline\">\
<input type=\"hidden\" name=\"method\" value=\"{m}\">\
<input type=\"hidden\" name=\"outcome\" value=\"incomplete\">\
<select name=\"subStatus\" id=\"{m}-subStatus\">",
        esc(action)
    );
    let (default_sub, default_reason) = super::control::default_incomplete_codes(method);
    let selected = |code: &dyn std::fmt::Display, default: Option<u16>| {
        if default.is_some_and(|d| d.to_string() == code.to_string()) {
            " selected"
        } else {
            ""
        }
    };
    for (code, desc) in row.sub_status {
        let _ = write!(
            out,
            "<option value=\"{code}\"{}>{code} {}</option>",
            selected(code, Some(default_sub)),
            esc(desc)
        );
    }
    out.push_str("</select>");
    if !row.reasons.is_empty() {
        let _ = write!(
            out,
            "<select name=\"subStatusReason\" id=\"{m}-subStatusReason\"><option value=\"\">(no reason)</option>"
        );
        for (code, desc) in row.reasons {
            let _ = write!(
                out,
                "<option value=\"{code}\"{}>{code} {}</option>",
                selected(code, default_reason),
                esc(desc)
            );
        }
        out.push_str("</select>");
    }
    let _ = writeln!(
        out,
        "<button type=\"submit\" id=\"{m}-incomplete\">Abort / incomplete</button></form>"
    );
    out
}

async fn page(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(case_id) = q.get("caseId").cloned() else {
        return (
            StatusCode::BAD_REQUEST,
            Html("<!doctype html><title>POSTIDENT sandbox</title><p>caseId missing</p>".to_owned()),
        )
            .into_response();
    };
    super::control::expire_due_cases(&shared);
    let action = format!(
        "{}/cases/{}/outcome",
        shared.control_url(),
        url::form_urlencoded::byte_serialize(case_id.as_bytes()).collect::<String>()
    );
    let cases = shared.lock_cases();
    let Some(case) = cases.values().find_map(|m| m.get(&case_id)) else {
        return (
            StatusCode::NOT_FOUND,
            Html(format!(
                "<!doctype html><title>POSTIDENT sandbox</title><p>Unknown case {}</p>",
                esc(&case_id)
            )),
        )
            .into_response();
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>POSTIDENT sandbox – case {id}</title>\
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}\
section{{border:1px solid #ccc;padding:1em;margin:1em 0}}form.inline{{display:inline-block;margin:.2em}}\
.error{{color:#a00}}</style></head><body>\
<h1>POSTIDENT sandbox</h1>\
<p>Case <code id=\"case-id\">{id}</code>, reference <code>{reference}</code>: \
<strong id=\"case-status\">{status}</strong>{archived}, valid until {valid}.</p>",
        id = esc(&case.case_id),
        reference = esc(&case.reference_id),
        status = case.state.as_str(),
        archived = if case.archived { " (archived)" } else { "" },
        valid = super::state::format_ts(&case.valid_until),
    );
    if let Some(err) = q.get("error") {
        let _ = write!(h, "<p class=\"error\" id=\"error\">{}</p>", esc(err));
    }
    if let Some(p) = case.primary() {
        let _ = write!(
            h,
            "<p>Primary identification: <strong id=\"primary\">{} {}</strong>{}</p>",
            p.method,
            esc(p.status.as_str()),
            p.sub_status
                .map(|(c, d)| format!(" ({c} {})", esc(d)))
                .unwrap_or_default()
        );
    }
    if case.state == CaseState::Closed {
        h.push_str("<p id=\"closed\">This case is closed and cannot be restarted.</p>");
    } else {
        h.push_str("<p>Choose how to identify, then pick what happens:</p>");
        for &method in &shared.options.methods {
            let ident = case
                .identifications
                .iter()
                .rev()
                .find(|i| i.method == method);
            let status = ident
                .map(|i| i.status.as_str().to_owned())
                .unwrap_or_else(|| "not started".to_owned());
            let _ = write!(
                h,
                "<section id=\"method-{m}\"><h2>{m}</h2><p>{ask}</p><p>Status: <span id=\"{m}-status\">{status}</span></p>",
                m = method.as_str(),
                ask = what_is_asked(method),
                status = esc(&status),
            );
            if ident.is_some_and(|i| i.status == IdentStatus::Cancelled) {
                h.push_str("<p>This method was cancelled.</p></section>");
                continue;
            }
            h.push_str(&button(&action, method, "start", "Start"));
            if method == Method::Basic {
                h.push_str(&button(
                    &action,
                    method,
                    "coupon_requested",
                    "Request coupon",
                ));
            }
            if method != Method::Eid {
                h.push_str(&button(&action, method, "review", "Finish, review pending"));
            }
            h.push_str(&button(&action, method, "success", "Success"));
            h.push_str(&button(
                &action,
                method,
                "data_changed",
                "Success, address changed",
            ));
            h.push_str(&button(&action, method, "fraud", "Fraud suspicion"));
            if matches!(method, Method::Autoid | Method::Photo | Method::Video) {
                h.push_str(&button(&action, method, "abuse", "Abuse"));
            }
            if method == Method::Autoid {
                h.push_str(&button(&action, method, "cancel", "Cancel method"));
            }
            h.push_str(&incomplete_form(&action, method));
            h.push_str("</section>");
        }
    }
    h.push_str("</body></html>");
    Html(h).into_response()
}
