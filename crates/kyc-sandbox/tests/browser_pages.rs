//! The sandbox's user pages in a real browser: headless Chromium, driven through chromedriver
//! (WebDriver), opens the user URL a created case hands out, checks that the page shows what the
//! provider would ask, clicks the button of one documented outcome, and then reads the case
//! through the sandbox to check that it reached exactly that outcome.
//!
//! Needs Debian's `chromium` and `chromium-driver` packages (see docs/sandbox/browser-tests.md).
//! Without them each test prints "browser tests skipped: ..." to stderr and returns, except when
//! `CI` is set: then a missing browser fails the test.

use crate::support::browser::{processes_using_profile, Browser};
use crate::support::postident::primary_status;
use crate::support::{idnow, postident, with_fields};
use kyc_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

/// A sandbox started with `options`.
async fn sandbox(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options).await.expect("sandbox starts")
}

/// Runs `test` with a browser and a sandbox started with `options`, then closes the browser;
/// returns at once (the test is skipped) when the browser is not installed.
async fn in_browser_with(options: SandboxOptions, test: impl AsyncFnOnce(&Browser, &Sandbox)) {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let sandbox = sandbox(options).await;
    test(&browser, &sandbox).await;
    browser.close().await;
}

/// [`in_browser_with`] a sandbox with the default options.
async fn in_browser(test: impl AsyncFnOnce(&Browser, &Sandbox)) {
    in_browser_with(SandboxOptions::default(), test).await;
}

// ---------------------------------------------------------------------------------------------
// The harness itself: a failing test must not leave a browser running.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_panicking_browser_test_leaves_no_chromium_or_chromedriver_behind() {
    let Some(browser) = Browser::start_or_skip().await else {
        return;
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let failing_test = tokio::spawn(async move {
        let sandbox = sandbox(SandboxOptions::default()).await;
        let (_, user_url) = create_postident_case(&sandbox, "BROWSER-PANIC");
        browser.open(&user_url).await;
        let running = processes_using_profile(&browser.profile_dir());
        let _ = tx.send((browser.profile_dir(), browser.driver_pid(), running));
        panic!("deliberate panic with an open browser session (expected in this test's output)");
    });
    let outcome = failing_test.await;
    let (profile, driver_pid, running) = rx.await.expect("the inner test got its browser going");
    assert!(
        outcome.is_err_and(|e| e.is_panic()),
        "the inner test panicked"
    );
    assert!(
        !running.is_empty(),
        "Chromium ran on {} before the panic",
        profile.display()
    );
    assert!(
        processes_using_profile(&profile).is_empty(),
        "Chromium processes left on {}",
        profile.display()
    );
    assert!(
        !std::path::Path::new(&format!("/proc/{driver_pid}")).exists(),
        "chromedriver {driver_pid} still running"
    );
    assert!(!profile.exists(), "the temporary profile is removed");
}

// ---------------------------------------------------------------------------------------------
// POSTIDENT: one page per case at `webStart.caseURL`, one section per configured method.
// ---------------------------------------------------------------------------------------------

/// Creates a POSTIDENT case in process, as `POST .../cases` would; returns (caseId, caseURL).
fn create_postident_case(sandbox: &Sandbox, reference: &str) -> (String, String) {
    let created = sandbox
        .postident()
        .create_case(&postident::order(reference))
        .expect("case created");
    let case_id = created["caseId"].as_str().expect("caseId").to_owned();
    let user_url = created["webStart"]["caseURL"]
        .as_str()
        .expect("webStart.caseURL")
        .to_owned();
    (case_id, user_url)
}

/// Creates a POSTIDENT case (see [`create_postident_case`]) and opens its user page; returns the
/// caseId.
async fn open_new_postident_case(browser: &Browser, sandbox: &Sandbox, reference: &str) -> String {
    let (case_id, user_url) = create_postident_case(sandbox, reference);
    browser.open(&user_url).await;
    case_id
}

/// Clicks `button` on a POSTIDENT user page, waits until the page shows the case closed and
/// returns the case as the sandbox holds it.
async fn press_until_closed(
    browser: &Browser,
    sandbox: &Sandbox,
    case_id: &str,
    button: &str,
) -> Value {
    browser.click(button).await;
    browser.wait_for_text("#case-status", "closed").await;
    postident_case(sandbox, case_id)
}

/// Creates a case, opens its user page, clicks `button` there and waits until the page shows the
/// case closed; returns the case as the sandbox holds it.
async fn close_new_postident_case_with(
    browser: &Browser,
    sandbox: &Sandbox,
    reference: &str,
    button: &str,
) -> Value {
    let case_id = open_new_postident_case(browser, sandbox, reference).await;
    press_until_closed(browser, sandbox, &case_id, button).await
}

/// In a browser on a sandbox with the default options ([`in_browser`]), closes a new case with
/// `button` ([`close_new_postident_case_with`]) and hands `check` the page and the case as the
/// sandbox holds it.
async fn close_new_postident_case_in_browser(
    reference: &str,
    button: &str,
    check: impl AsyncFnOnce(&Browser, Value),
) {
    in_browser(async |browser, sandbox| {
        let case = close_new_postident_case_with(browser, sandbox, reference, button).await;
        check(browser, case).await;
    })
    .await;
}

/// Checks the case's primary identification: its `status` word and the codes of its `subStatus`
/// and `subStatusReason`.
fn assert_primary_status(case: &Value, status: &str, sub_status: u64, sub_status_reason: u64) {
    let primary = primary_status(case);
    assert_eq!(primary["status"], status, "{primary}");
    assert_eq!(primary["subStatus"]["code"], sub_status, "{primary}");
    assert_eq!(
        primary["subStatusReason"]["code"], sub_status_reason,
        "{primary}"
    );
}

/// The case as the sandbox holds it.
fn postident_case(sandbox: &Sandbox, case_id: &str) -> Value {
    sandbox
        .postident()
        .case_json(case_id)
        .expect("the sandbox knows the case")
}

#[tokio::test]
async fn postident_page_shows_the_case_and_video_success_closes_it() {
    in_browser(async |browser, sandbox| {
        let (case_id, user_url) = create_postident_case(sandbox, "BROWSER-1");
        assert_eq!(user_url, sandbox.postident().user_url(&case_id).as_str());

        browser.open(&user_url).await;
        assert_eq!(browser.text("#case-id").await, case_id);
        assert_eq!(browser.text("#case-status").await, "new");
        // What POSTIDENT would ask, per configured method (default: all five).
        for (method, asks) in [
            ("autoid", "selfie video"),
            ("basic", "post office"),
            ("eid", "PIN"),
            ("photo", "Upload photos"),
            ("video", "video chat"),
        ] {
            let section = browser.text(&format!("#method-{method}")).await;
            assert!(section.contains(asks), "{method} section: {section}");
            assert_eq!(
                browser.text(&format!("#{method}-status")).await,
                "not started"
            );
            assert!(browser.has(&format!("#{method}-success")).await);
        }
        let shot = browser.screenshot("postident-user-page.png").await;
        eprintln!("POSTIDENT user page screenshot: {}", shot.display());

        let case = press_until_closed(browser, sandbox, &case_id, "#video-success").await;
        assert!(browser.has("#closed").await, "a closed case says so");
        assert!(!browser.has("button").await, "and offers no more buttons");

        assert_eq!(case["caseStatus"]["status"], "closed");
        assert_eq!(primary_status(&case)["status"], "success");
        assert_eq!(case["primaryIdent"]["identificationMethod"], "video");
    })
    .await;
}

#[tokio::test]
async fn postident_every_method_success_button_identifies_the_user() {
    in_browser(async |browser, sandbox| {
        for method in ["autoid", "basic", "eid", "photo", "video"] {
            let (reference, button) = (format!("METHOD-{method}"), format!("#{method}-success"));
            let case = close_new_postident_case_with(browser, sandbox, &reference, &button).await;
            assert_eq!(case["caseStatus"]["status"], "closed", "{method}");
            assert_eq!(primary_status(&case)["status"], "success", "{method}");
            assert_eq!(
                case["primaryIdent"]["identificationMethod"], method,
                "{method}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn postident_data_changed_button_reports_the_changed_address() {
    close_new_postident_case_in_browser("BROWSER-CHG", "#basic-data_changed", async |_, case| {
        assert_eq!(primary_status(&case)["status"], "success");
        assert_eq!(
            case["contactData"]["address"]["streetAddress"]["status"],
            "change"
        );
    })
    .await;
}

#[tokio::test]
async fn postident_fraud_button_declines_the_case() {
    close_new_postident_case_in_browser("BROWSER-FRAUD", "#autoid-fraud", async |browser, case| {
        assert_eq!(browser.text("#primary").await, "autoid declined");

        assert_eq!(case["caseStatus"]["status"], "closed");
        // Fraud suspicion (11), document possibly forged (110).
        assert_primary_status(&case, "declined", 11, 110);
    })
    .await;
}

#[tokio::test]
async fn postident_incomplete_with_a_chosen_reason_keeps_the_case_open() {
    in_browser(async |browser, sandbox| {
        let case_id = open_new_postident_case(browser, sandbox, "BROWSER-ABORT").await;
        // The user's video is too blurry: insufficient video quality (52), pixelated/blurry (520).
        browser.select("#video-subStatus", "52").await;
        browser.select("#video-subStatusReason", "520").await;
        browser.click("#video-incomplete").await;
        browser.wait_for_text("#video-status", "incomplete").await;
        assert!(
            browser.has("#video-success").await,
            "an incomplete attempt may be resumed"
        );

        let case = postident_case(sandbox, &case_id);
        assert_ne!(case["caseStatus"]["status"], "closed");
        assert_primary_status(&case, "incomplete", 52, 520);
    })
    .await;
}

#[tokio::test]
async fn postident_cancel_button_cancels_autoid_and_closes_a_case_with_no_method_left() {
    let options = SandboxOptions {
        postident: postident::only_methods(&[kyc_sandbox::postident::Method::Autoid]),
        ..SandboxOptions::default()
    };
    in_browser_with(options, async |browser, sandbox| {
        let case_id = open_new_postident_case(browser, sandbox, "BROWSER-CANCEL").await;
        assert!(
            !browser.has("#method-video").await,
            "only autoid configured"
        );
        let case = press_until_closed(browser, sandbox, &case_id, "#autoid-cancel").await;
        assert_eq!(case["caseStatus"]["status"], "closed");
        assert_primary_status(&case, "cancelled", 94, 900);
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// IDnow: the sandbox's go.idnow.de at `{root}/idnow/go/{company}/identifications/{txn}`.
// ---------------------------------------------------------------------------------------------

/// Creates an IDnow ident over the real API (login, then `POST .../identifications/{txn}/start`)
/// and returns its IdentID.
async fn create_idnow_ident(sandbox: &Sandbox, transaction_number: &str) -> String {
    create_idnow_ident_with(sandbox, transaction_number, json!({})).await
}

/// [`create_idnow_ident`] with `extra` create fields (e.g. `custom1`) added to the usual data.
async fn create_idnow_ident_with(
    sandbox: &Sandbox,
    transaction_number: &str,
    extra: Value,
) -> String {
    let idnow = sandbox.idnow();
    let api = format!("{}/api/v1/{}", idnow::base_url(sandbox), idnow.company_id());
    let http = reqwest::Client::new();
    let token = idnow::login_over_http(&http, &api, idnow.api_key()).await;
    let data = json!({
        "firstname": "Erika",
        "lastname": "Mustermann",
        "birthday": "1987-05-23",
        "birthplace": "Berlin",
        "nationality": "DE",
        "street": "Heidestr.",
        "streetnumber": "17",
        "zipcode": "51147",
        "city": "Köln",
        "country": "DE",
        "email": "erika@example.org",
        "mobilephone": "+49160123456"
    });
    idnow::create_ident_ok(
        &http,
        &api,
        &token,
        transaction_number,
        with_fields(data, extra),
    )
    .await
}

/// An ident as the sandbox holds it.
fn idnow_ident(sandbox: &Sandbox, transaction_number: &str) -> kyc_sandbox::idnow::IdentSnapshot {
    sandbox
        .idnow()
        .ident(sandbox.idnow().company_id(), transaction_number)
        .expect("the sandbox knows the ident")
}

/// (status word, reason) of an ident as the sandbox holds it.
fn idnow_state(sandbox: &Sandbox, transaction_number: &str) -> (String, Option<String>) {
    let ident = idnow_ident(sandbox, transaction_number);
    (ident.status, ident.reason)
}

/// Checks that the open page shows the ident `ident_id`, unstarted.
async fn assert_unstarted_idnow_page(browser: &Browser, ident_id: &str) {
    assert_eq!(browser.text("#ident_id").await, ident_id);
    assert_eq!(browser.text("#status").await, "CREATED");
}

/// Creates an ident (see [`create_idnow_ident`]), opens its user URL and checks the page shows
/// it, unstarted.
async fn open_new_idnow_ident(browser: &Browser, sandbox: &Sandbox, txn: &str) {
    let ident_id = create_idnow_ident(sandbox, txn).await;
    let idnow = sandbox.idnow();
    browser.open(&idnow.user_url(idnow.company_id(), txn)).await;
    assert_unstarted_idnow_page(browser, &ident_id).await;
}

#[tokio::test]
async fn idnow_page_shows_what_is_asked_and_success_finishes_the_ident() {
    in_browser(async |browser, sandbox| {
        let ident_id = create_idnow_ident(sandbox, "browser-success").await;
        // The short user URL by IdentID shows the same page.
        browser
            .open(&sandbox.idnow().user_url_by_ident_id(&ident_id))
            .await;
        assert_unstarted_idnow_page(browser, &ident_id).await;
        let body = browser.text("body").await;
        for asked in [
            "What IDnow asks",
            "ID card or passport",
            "selfie",
            "Erika",
            "Mustermann",
            "51147",
        ] {
            assert!(body.contains(asked), "page lacks {asked:?}:\n{body}");
        }
        for button in [
            "#start",
            "#success",
            "#success_data_changed",
            "#fraud",
            "#cancel",
        ] {
            assert!(browser.has(button).await, "{button} missing");
        }
        let shot = browser.screenshot("idnow-user-page.png").await;
        eprintln!("IDnow user page screenshot: {}", shot.display());

        browser.click("#success").await;
        browser.wait_for_text("#status", "SUCCESS").await;
        assert_eq!(
            idnow_state(sandbox, "browser-success"),
            ("SUCCESS".to_owned(), None)
        );
        let ident = idnow_ident(sandbox, "browser-success");
        let result = ident.body.expect("a finished ident has a result body");
        assert_eq!(result["identificationprocess"]["result"], "SUCCESS");
    })
    .await;
}

#[tokio::test]
async fn idnow_data_changed_button_records_the_changed_field() {
    in_browser(async |browser, sandbox| {
        open_new_idnow_ident(browser, sandbox, "browser-changed").await;
        browser
            .select("select[name=change_field]", "lastname")
            .await;
        browser.type_into("#change_value", "Musterfrau").await;
        browser.click("#success_data_changed").await;
        browser
            .wait_for_text("#status", "SUCCESS_DATA_CHANGED")
            .await;

        let (status, _) = idnow_state(sandbox, "browser-changed");
        assert_eq!(status, "SUCCESS_DATA_CHANGED");
        let body = idnow_ident(sandbox, "browser-changed")
            .body
            .expect("result body");
        let lastname = &body["userdata"]["lastname"];
        assert_eq!(lastname["status"], "CHANGE", "{lastname}");
        assert_eq!(lastname["original"], "Mustermann", "{lastname}");
        assert_eq!(
            lastname["value"].as_str().map(str::to_ascii_uppercase),
            Some("MUSTERFRAU".to_owned()),
            "{lastname}"
        );
    })
    .await;
}

/// Opens a new ident's page, chooses `reason` in `#{button}_reason`, presses `#{button}` and
/// checks that the page and the sandbox show `status` with that reason.
async fn decide_with_reason(txn: &str, button: &str, reason: &str, status: &str) {
    in_browser(async |browser, sandbox| {
        open_new_idnow_ident(browser, sandbox, txn).await;
        browser.select(&format!("#{button}_reason"), reason).await;
        browser.click(&format!("#{button}")).await;
        browser.wait_for_text("#status", status).await;
        assert_eq!(browser.text("#reason").await, reason);
        assert_eq!(
            idnow_state(sandbox, txn),
            (status.to_owned(), Some(reason.to_owned()))
        );
    })
    .await;
}

#[tokio::test]
async fn idnow_fraud_button_confirms_fraud_with_the_chosen_reason() {
    decide_with_reason(
        "browser-fraud",
        "fraud",
        "WARNING_PAPER_PRINT",
        "FRAUD_SUSPICION_CONFIRMED",
    )
    .await;
}

#[tokio::test]
async fn idnow_abort_button_aborts_a_started_ident_with_the_chosen_reason() {
    in_browser(async |browser, sandbox| {
        open_new_idnow_ident(browser, sandbox, "browser-abort").await;
        assert!(
            !browser.has("#abort").await,
            "only a started ident can be aborted"
        );
        browser.click("#start").await;
        browser.wait_for_text("#status", "START").await;
        browser
            .select("#abort_reason", "USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE")
            .await;
        browser.click("#abort").await;
        browser.wait_for_text("#status", "ABORTED").await;
        assert!(
            browser.has("#start").await,
            "the user may start again after aborting"
        );
        assert_eq!(
            idnow_state(sandbox, "browser-abort"),
            (
                "ABORTED".to_owned(),
                Some("USER_CANCELLATION_DOCUMENT_NOT_AVAILABLE".to_owned())
            )
        );
    })
    .await;
}

#[tokio::test]
async fn idnow_cancel_button_cancels_with_the_chosen_reason() {
    decide_with_reason("browser-cancel", "cancel", "ID_BLURRY", "CANCELED").await;
}

// ---------------------------------------------------------------------------------------------
// The overview page at `/`: every case of both providers, refreshed live.
// ---------------------------------------------------------------------------------------------

/// Creates a POSTIDENT case over the real API (`POST .../cases` with HTTP Basic), returns its
/// caseId.
async fn create_postident_case_over_http(sandbox: &Sandbox, order: Value) -> String {
    let body = postident::create(sandbox, &order).await;
    body["caseId"].as_str().expect("caseId").to_owned()
}

/// A POSTIDENT order as in the guide's example, with `referenceId` and `customData`.
fn postident_order(reference: &str, custom_data: Value) -> Value {
    with_fields(
        postident::order(reference),
        json!({ "customData": custom_data }),
    )
}

/// The CSS selector of one cell of a case's row on the overview page.
fn overview_cell(provider: &str, case_id: &str, column: &str) -> String {
    format!("#{provider}-cases tr[data-case-id='{case_id}'] td.{column}")
}

/// Waits until one cell of a case's row on the overview page shows `expected`.
async fn wait_for_overview_cell(
    browser: &Browser,
    provider: &str,
    case_id: &str,
    column: &str,
    expected: &str,
) {
    let cell = overview_cell(provider, case_id, column);
    browser.wait_for_text(&cell, expected).await;
}

/// Checks cells of a case's row on the overview page: each `(column, expected text)`.
async fn assert_overview_row(
    browser: &Browser,
    provider: &str,
    case_id: &str,
    cells: &[(&str, &str)],
) {
    for (column, expected) in cells {
        let text = browser
            .text(&overview_cell(provider, case_id, column))
            .await;
        assert_eq!(text, *expected, "{provider} {case_id} {column}");
    }
}

#[tokio::test]
async fn overview_page_shows_both_providers_cases_and_follows_them_live() {
    in_browser(async |browser, sandbox| {
        let ident_id = create_idnow_ident(sandbox, "overview-1").await;
        let case_id =
            create_postident_case_over_http(sandbox, postident_order("OVERVIEW-1", json!({})))
                .await;

        browser.open(sandbox.overview_url().as_str()).await;
        wait_for_overview_cell(browser, "idnow", &ident_id, "status", "CREATED").await;
        let idnow_row = [("reference", "overview-1"), ("attempts", "0")];
        assert_overview_row(browser, "idnow", &ident_id, &idnow_row).await;
        wait_for_overview_cell(browser, "postident", &case_id, "status", "new").await;
        let postident_row = [("reference", "OVERVIEW-1")];
        assert_overview_row(browser, "postident", &case_id, &postident_row).await;
        let shot = browser.screenshot("overview-page.png").await;
        eprintln!("overview page screenshot: {}", shot.display());

        // The IDnow ident is played through the control API while the page stays open: the page
        // shows the new status without being loaded again (the marker set on this document
        // survives).
        browser
            .client()
            .execute("window.kycSameDocument = true;", vec![])
            .await
            .expect("marker set");
        let idnow = sandbox.idnow();
        let played = reqwest::Client::new()
            .post(format!(
                "{}/__control/companies/{}/identifications/overview-1/result",
                idnow.base_url().as_str().trim_end_matches('/'),
                idnow.company_id()
            ))
            .json(&json!({"result": "SUCCESS"}))
            .send()
            .await
            .expect("control request");
        assert!(played.status().is_success(), "{}", played.status());
        wait_for_overview_cell(browser, "idnow", &ident_id, "status", "SUCCESS").await;
        let same_document = browser
            .client()
            .execute("return window.kycSameDocument === true;", vec![])
            .await
            .expect("marker read");
        assert_eq!(same_document, json!(true), "the page was not reloaded");

        // The link of the POSTIDENT case opens its user page; success there shows on the overview.
        browser
            .click(&format!(
                "#postident-cases tr[data-case-id='{case_id}'] a.user-page-link"
            ))
            .await;
        assert_eq!(browser.text("#case-id").await, case_id);
        browser.click("#autoid-success").await;
        browser.wait_for_text("#case-status", "closed").await;
        browser.open(sandbox.overview_url().as_str()).await;
        wait_for_overview_cell(browser, "postident", &case_id, "status", "closed").await;
        let postident_row = [("identification", "success"), ("attempts", "1")];
        assert_overview_row(browser, "postident", &case_id, &postident_row).await;
    })
    .await;
}

#[tokio::test]
async fn overview_page_shows_markup_in_case_data_as_text() {
    in_browser(async |browser, sandbox| {
        let script = "<script>window.kycInjected = 1</script>";
        let image = "<img src=x onerror=\"window.kycInjected = 2\">";
        let ident_id =
            create_idnow_ident_with(sandbox, "overview-markup", json!({ "custom1": script })).await;
        let case_id = create_postident_case_over_http(
            sandbox,
            postident_order("<b>bold</b>", json!({ "custom1": image })),
        )
        .await;

        browser.open(sandbox.overview_url().as_str()).await;
        wait_for_overview_cell(browser, "idnow", &ident_id, "custom", script).await;
        wait_for_overview_cell(browser, "postident", &case_id, "custom", image).await;
        let postident_row = [("reference", "<b>bold</b>")];
        assert_overview_row(browser, "postident", &case_id, &postident_row).await;
        let injected = browser
            .client()
            .execute(
                "return [typeof window.kycInjected, \
                 document.querySelectorAll('tbody script, tbody img, tbody b').length];",
                vec![],
            )
            .await
            .expect("page inspected");
        assert_eq!(injected, json!(["undefined", 0]), "no markup was parsed");
    })
    .await;
}
