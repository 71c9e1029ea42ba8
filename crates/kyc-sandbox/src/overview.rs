//! The overview page a person can look at: `GET /` on the combined listener lists the cases of
//! both simulated providers (ids, status, attempts, webhook deliveries, a link to each user
//! page) and refreshes itself every second from `GET /__control/overview` (JSON).
//!
//! Case data is the caller's and may carry markup (`<script>` in a custom field): the page
//! itself holds no case data, and its script writes every value with `textContent`, so the
//! browser shows it as text and never parses it as HTML. Links are only made from `http(s)`
//! URLs the sandbox built itself.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::idnow::IdnowSandbox;
use crate::postident::PostidentSandbox;

/// Where the page fetches its data from, relative to the listener's root.
pub(crate) const OVERVIEW_JSON_PATH: &str = "/__control/overview";

/// `GET /` (the page) and `GET /__control/overview` (its data).
pub(crate) fn router(idnow: IdnowSandbox, postident: PostidentSandbox) -> Router {
    Router::new().route("/", get(page)).route(
        OVERVIEW_JSON_PATH,
        get(move || {
            let idnow = idnow.clone();
            let postident = postident.clone();
            async move { overview_json(&idnow, &postident) }
        }),
    )
}

/// The data of the page: `{"idnow": [..], "postident": [..]}`, one object per case.
fn overview_json(idnow: &IdnowSandbox, postident: &PostidentSandbox) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "idnow": idnow.overview_cases(),
            "postident": postident.overview_cases(),
        })),
    )
        .into_response()
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // The page runs only its own inline script and fetches only from its own origin.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src 'none'",
            ),
        ],
        PAGE,
    )
        .into_response()
}

/// The page: static HTML, the data comes from [`OVERVIEW_JSON_PATH`].
const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kyc sandbox</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.custom { font-family: monospace; white-space: pre-wrap; word-break: break-all; }
#state { color: #666; }
.empty td { color: #888; font-style: italic; }
</style>
</head>
<body>
<h1>kyc sandbox</h1>
<p id="state">loading&hellip;</p>
<noscript><p>This page needs JavaScript; its data is at <code>/__control/overview</code>.</p></noscript>
<h2>IDnow AutoIdent</h2>
<table id="idnow">
<thead><tr><th>IdentID</th><th>Company</th><th>Transaction number</th><th>Status</th><th>Reason</th><th>Attempts</th><th>Webhooks</th><th>Custom fields</th><th>User page</th></tr></thead>
<tbody id="idnow-cases"></tbody>
</table>
<h2>POSTIDENT SCR</h2>
<table id="postident">
<thead><tr><th>caseId</th><th>referenceId</th><th>Case status</th><th>Method</th><th>Identification</th><th>subStatus</th><th>Attempts</th><th>Webhooks</th><th>Custom data</th><th>User page</th></tr></thead>
<tbody id="postident-cases"></tbody>
</table>
<script>
"use strict";
// Every value is written with textContent: case data is shown as text, never parsed as HTML.
function text(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).join("\n");
  return String(value);
}
function cell(row, name, value) {
  const td = document.createElement("td");
  td.className = name;
  td.textContent = text(value);
  row.appendChild(td);
  return td;
}
function linkCell(row, href) {
  const td = cell(row, "user-page", "");
  if (typeof href === "string" && /^https?:\/\//i.test(href)) {
    const a = document.createElement("a");
    a.href = href;
    a.className = "user-page-link";
    a.textContent = "open";
    td.appendChild(a);
  }
}
function webhooks(w) {
  if (!w || !w.deliveries) return "none";
  let s = w.delivered + " of " + w.deliveries + " delivered";
  if (w.pending) s += ", " + w.pending + " pending";
  if (w.last) s += " (last: " + w.last + ")";
  return s;
}
function fill(bodyId, cases, columns, empty) {
  const body = document.getElementById(bodyId);
  const rows = [];
  for (const c of cases) {
    const row = document.createElement("tr");
    row.className = "case";
    row.dataset.caseId = text(c.caseId);
    for (const [name, value] of columns(c)) cell(row, name, value);
    cell(row, "webhooks", webhooks(c.webhooks));
    cell(row, "custom", c.custom);
    linkCell(row, c.userUrl);
    rows.push(row);
  }
  if (rows.length === 0) {
    const row = document.createElement("tr");
    row.className = "empty";
    const td = cell(row, "none", empty);
    td.colSpan = 10;
    rows.push(row);
  }
  body.replaceChildren(...rows);
}
async function refresh() {
  const state = document.getElementById("state");
  try {
    const response = await fetch("/__control/overview", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const data = await response.json();
    fill("idnow-cases", data.idnow || [], c => [
      ["case-id", c.caseId], ["company", c.company], ["reference", c.reference],
      ["status", c.status], ["reason", c.reason], ["attempts", c.attempts],
    ], "no idents yet");
    fill("postident-cases", data.postident || [], c => [
      ["case-id", c.caseId], ["reference", c.reference], ["status", c.status],
      ["method", c.method], ["identification", c.identificationStatus],
      ["sub-status", c.subStatus], ["attempts", c.attempts],
    ], "no cases yet");
    state.textContent = "live: refreshed every second, last at " + new Date().toLocaleTimeString();
    state.dataset.refreshes = String(Number(state.dataset.refreshes || 0) + 1);
  } catch (e) {
    state.textContent = "the sandbox does not answer (" + e.message + "); retrying every second";
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
"##;
