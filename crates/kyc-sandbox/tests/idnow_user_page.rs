//! IDnow sandbox: the user page at the documented user URLs, and its forms that drive the
//! ident through the control API.

use crate::support::idnow::*;
use crate::support::send;
use kyc_sandbox::idnow::DEFAULT_COMPANY;

/// The sandbox's root URL, without a trailing slash: form actions and redirects are relative
/// to it.
fn sandbox_root(env: &Env) -> String {
    env.sandbox
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}

/// Submits a form like a browser: urlencoded `POST {root}{action}`, not following redirects.
async fn post_form(env: &Env, action: &str, form: &[(&str, &str)]) -> reqwest::Response {
    send(
        env.http
            .post(format!("{}{action}", sandbox_root(env)))
            .form(form),
    )
    .await
}

fn form_action(html: &str, id: &str) -> String {
    let button = html.find(&format!("id=\"{id}\"")).expect("button exists");
    let form_start = html[..button].rfind("<form").unwrap();
    let action_start = html[form_start..].find("action=\"").unwrap() + form_start + 8;
    let action_end = html[action_start..].find('"').unwrap() + action_start;
    html[action_start..action_end].to_string()
}

#[tokio::test]
async fn both_user_url_forms_show_the_ident() {
    let (env, _, id) = start_with_ident("page-1").await;
    let idnow = env.sandbox.idnow();
    for url in [
        idnow.user_url(DEFAULT_COMPANY, "page-1"),
        idnow.user_url_by_ident_id(&id),
        format!(
            "{}/{DEFAULT_COMPANY}/identifications/{id}/identification/start",
            idnow.user_url_base()
        ),
    ] {
        let response = send(env.http.get(&url)).await;
        assert_eq!(response.status(), 200, "{url}");
        let html = response.text().await.unwrap();
        assert!(html.contains(&id));
        assert!(html.contains("id=\"status\">CREATED<"));
        assert!(html.contains("id=\"start\""));
        assert!(html.contains("Musterman"));
    }
    let response = send(env.http.get(idnow.user_url_by_ident_id("TST-NOPEX"))).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn the_page_buttons_drive_start_abort_and_success() {
    let (env, mut hooks, token) = start_with_webhooks(1.0).await;
    env.create_ok(&token, "page-2", erika()).await;
    let page_url = env.sandbox.idnow().user_url(DEFAULT_COMPANY, "page-2");
    let html = env.page(&page_url).await;
    let response = post_form(
        &env,
        &form_action(&html, "start"),
        &[("redirect", "/idnow/go/sandboxco/identifications/page-2")],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/idnow/go/sandboxco/identifications/page-2"
    );
    assert_eq!(hooks.next_result().await, "START");
    let html = env.page(&page_url).await;
    assert!(html.contains("id=\"status\">START<"));
    post_form(
        &env,
        &form_action(&html, "abort"),
        &[
            ("reason", "USER_CANCELLATION_PRIVACY_CONCERNS"),
            ("redirect", "/idnow/go/x"),
        ],
    )
    .await;
    let aborted = hooks.next().await.body;
    assert_eq!(
        process(&aborted)["reason"],
        "USER_CANCELLATION_PRIVACY_CONCERNS"
    );
    let html = env.page(&page_url).await;
    post_form(
        &env,
        &form_action(&html, "success_data_changed"),
        &[
            ("result", "SUCCESS_DATA_CHANGED"),
            ("change_field", "lastname"),
            ("change_value", "Mustermann"),
        ],
    )
    .await;
    assert_eq!(hooks.next_result().await, "START");
    let done = hooks.next().await.body;
    assert_eq!(process(&done)["result"], "SUCCESS_DATA_CHANGED");
    assert_eq!(done["userdata"]["lastname"]["value"], "MUSTERMANN");
    let html = env.page(&page_url).await;
    assert!(html.contains("id=\"status\">SUCCESS_DATA_CHANGED<"));
    assert!(
        html.contains("id=\"review\""),
        "finished idents offer a re-review"
    );
}

#[tokio::test]
async fn a_refused_form_action_comes_back_with_the_error_on_the_page() {
    let (env, token) = start_logged_in().await;
    env.create_succeeded(&token, "page-3").await;
    let response = post_form(
        &env,
        "/idnow/__control/companies/sandboxco/identifications/page-3/start",
        &[("redirect", "/idnow/go/sandboxco/identifications/page-3")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("?error="));
    let html = env.page(&format!("{}{location}", sandbox_root(&env))).await;
    assert!(html.contains("id=\"error\""));
    let snapshot = env
        .control_json("/companies/sandboxco/identifications/page-3")
        .await;
    assert_eq!(snapshot["status"], "SUCCESS");
}

/// The installed Chromium, if any (CI installs Debian's `chromium`).
fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            std::process::Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

async fn open_in_chromium(binary: &str, url: String) {
    let binary = binary.to_string();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=10000",
                "--dump-dom",
                &url,
            ])
            .output()
    })
    .await
    .unwrap()
    .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {output:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_chromium_finishes_an_ident_through_the_page() {
    let Some(binary) = chromium() else {
        eprintln!(
            "SKIPPED headless_chromium_finishes_an_ident_through_the_page: no chromium installed"
        );
        return;
    };
    let (env, _, _) = start_with_ident("chromium-1").await;
    let url = env.sandbox.idnow().user_url(DEFAULT_COMPANY, "chromium-1");
    open_in_chromium(&binary, format!("{url}#click=start")).await;
    env.wait_for_status("chromium-1", "START").await;
    open_in_chromium(&binary, format!("{url}#click=fraud")).await;
    env.wait_for_status("chromium-1", "FRAUD_SUSPICION_CONFIRMED")
        .await;
    let ident = env
        .sandbox
        .idnow()
        .ident(DEFAULT_COMPANY, "chromium-1")
        .unwrap();
    assert_eq!(ident.reason.as_deref(), Some("WARNING_MANIPULATED_DATA"));
}
