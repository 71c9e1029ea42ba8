//! The sandbox as a stand-alone server for any client: each provider also at the root of its own
//! port (so a client that takes only a host and appends the documented paths works), a client
//! in another language that speaks only HTTP, and listening beyond the loopback only when asked.

use crate::support::idnow::{create_ident, login_over_http, login_request};
use crate::support::{send, text_of};
use kyc_sandbox::{Sandbox, SandboxError, SandboxOptions};
use std::net::SocketAddr;
use std::path::PathBuf;

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

async fn standalone() -> Sandbox {
    Sandbox::start(SandboxOptions {
        idnow_bind: Some(loopback(0)),
        postident_bind: Some(loopback(0)),
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts")
}

/// The default company's IDnow API (`{GATEWAYHOST}/api/v1/sandboxco`) under an IDnow root URL.
fn default_company_api(idnow_root: &str) -> String {
    format!("{idnow_root}/api/v1/sandboxco")
}

fn root(url: Option<&url::Url>) -> String {
    url.expect("own listener")
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_provider_answers_the_documented_paths_at_the_root_of_its_own_port() {
    let sandbox = standalone().await;
    let idnow = root(sandbox.idnow_root_url());
    let postident = root(sandbox.postident_root_url());
    assert_ne!(idnow, postident);
    let http = reqwest::Client::new();

    // IDnow: {GATEWAYHOST}/api/v1/{CUSTOMER}/login.
    let token = login_over_http(&http, &default_company_api(&idnow), "sandbox-api-key").await;

    // POSTIDENT: {host}/api/scr/v1/{clientId}/cases (guide 7.2.3).
    let list_cases = |root: &str| {
        let url = format!("{root}/api/scr/v1/SANDBOX01/cases");
        send(
            http.get(url)
                .basic_auth("sandbox", Some("sandbox-password")),
        )
    };
    assert_eq!(list_cases(&postident).await.status(), 200);

    // Each port is one provider: the other's paths are not there.
    assert_eq!(list_cases(&idnow).await.status(), 404);

    // A user page opened on the own port works there: its buttons' paths exist on it too.
    let txn = "own-port-1";
    let erika = serde_json::json!({"firstname": "Erika", "lastname": "Mustermann"});
    let created = create_ident(&http, &default_company_api(&idnow), &token, txn, erika).await;
    assert!(created.status().is_success(), "{}", created.status());
    let page = text_of(http.get(format!("{idnow}/go/sandboxco/identifications/{txn}"))).await;
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page has a button")
        .replace("&amp;", "&");
    assert!(action.starts_with('/'), "{action}");
    let pressed = send(
        http.post(format!("{idnow}{action}"))
            .form(&[("result", "SUCCESS")]),
    )
    .await;
    assert_ne!(pressed.status(), 404, "{action}");

    // The combined listener still serves both under their prefixes, on the same state.
    let base = sandbox
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let combined_api = default_company_api(&format!("{base}/idnow"));
    login_over_http(&http, &combined_api, "sandbox-api-key").await;
    assert_eq!(sandbox.idnow().login_count(), 2);
}

/// `python3`, when this machine has it.
fn python3() -> Option<PathBuf> {
    let found = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("python3"));
    if found.is_none() {
        let ci = std::env::var("CI").map(|v| v == "true").unwrap_or(false);
        assert!(
            !ci,
            "python3 is required under CI=true for the other-language client test"
        );
        eprintln!("skipped: python3 is not installed (the other-language client test needs it)");
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_in_another_language_that_speaks_only_http_completes_both_flows() {
    let Some(python) = python3() else {
        return;
    };
    let sandbox = standalone().await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/python/sandbox_client.py");
    let idnow = root(sandbox.idnow_root_url());
    let postident = root(sandbox.postident_root_url());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .args(["--idnow", &idnow, "--postident", &postident])
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("idnow: ident py-") && stdout.contains("result SUCCESS"));
    assert!(stdout.trim_end().ends_with("done"), "{stdout}");
    // It really talked to this sandbox.
    let case_ids = sandbox.postident().case_ids();
    assert_eq!(case_ids.len(), 1);
    assert!(stdout.contains(&format!("postident: case {} closed", case_ids[0])));
    assert_eq!(sandbox.idnow().login_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listening_beyond_the_loopback_needs_an_explicit_option() {
    let everywhere = SocketAddr::from(([0, 0, 0, 0], 0));
    for options in [
        SandboxOptions {
            bind: everywhere,
            ..SandboxOptions::default()
        },
        SandboxOptions {
            postident_bind: Some(everywhere),
            ..SandboxOptions::default()
        },
    ] {
        match Sandbox::start(options).await {
            Err(e @ SandboxError::NotLoopback(_)) => {
                let msg = e.to_string();
                assert!(msg.contains("allow_non_loopback"), "{msg}");
                assert!(msg.contains("--allow-non-loopback"), "{msg}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("listening on 0.0.0.0 must be refused by default"),
        }
    }

    // Allowed: it listens on every interface, and hands out loopback URLs unless told its
    // public URL (only the loopback is used here).
    let sandbox = Sandbox::start(SandboxOptions {
        bind: everywhere,
        idnow_bind: Some(everywhere),
        allow_non_loopback: true,
        ..SandboxOptions::default()
    })
    .await
    .expect("allowed explicitly");
    assert_eq!(sandbox.base_url().host_str(), Some("127.0.0.1"));
    let idnow = root(sandbox.idnow_root_url());
    assert!(idnow.starts_with("http://127.0.0.1:"), "{idnow}");
    let http = reqwest::Client::new();
    let login = login_request(&http, &default_company_api(&idnow), "sandbox-api-key").await;
    assert_eq!(login.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handed_out_urls_use_the_public_url() {
    let sandbox = Sandbox::start(SandboxOptions {
        postident_bind: Some(loopback(0)),
        public_url: Some("http://kyc-sandbox.test:8080".parse().unwrap()),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(sandbox.base_url().as_str(), "http://kyc-sandbox.test:8080/");
    let own = sandbox.postident_root_url().unwrap();
    assert_eq!(own.host_str(), Some("kyc-sandbox.test"));
    let created = sandbox
        .postident()
        .create_case(&serde_json::json!({
            "processData": {"targetCountry": "DEU", "referenceId": "pub-1"},
            "contactDataProvided": {"firstName": "Erika", "lastName": "Mustermann"}
        }))
        .unwrap();
    let case_url = created["webStart"]["caseURL"].as_str().unwrap();
    assert!(
        case_url.starts_with("http://kyc-sandbox.test:8080/postident/user/start/"),
        "{case_url}"
    );
}

#[tokio::test]
async fn a_time_scale_that_cannot_run_is_refused() {
    for scale in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        match Sandbox::start(SandboxOptions {
            time_scale: scale,
            ..SandboxOptions::default()
        })
        .await
        {
            Err(e @ SandboxError::InvalidOption { .. }) => {
                assert!(e.to_string().contains("time_scale"), "{e}")
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("time_scale {scale} must be refused"),
        }
    }
}
