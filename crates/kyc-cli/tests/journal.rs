//! `kyc serve` and `kyc journal …` as a user runs them: a kyc.toml pointing at the sandbox and a
//! SQLite journal file, the service in its own process, stopped with SIGTERM (graceful), and the
//! journal read back by the CLI.

use kyc::NewCase;
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::process::{Command, Stdio};
use std::time::Duration;

fn kyc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kyc"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stores_and_resolves_webhooks_and_journal_lists_the_attempts() {
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kyc.db");
    let config = dir.path().join("kyc.toml");
    let read_port = free_port();
    std::fs::write(
        &config,
        format!(
            "{}\n[journal]\nurl = \"sqlite://{}\"\nread_api = \"127.0.0.1:{read_port}\"\n",
            sandbox.idnow_config_toml(),
            db.display()
        ),
    )
    .unwrap();
    let port = free_port();
    let serve = kyc()
        .args(["serve", "--config"])
        .arg(&config)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Wait for the intake to listen.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "kyc serve did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sandbox
        .idnow()
        .set_webhook(
            sandbox.idnow().company_id(),
            Some(kyc_sandbox::idnow::WebhookTarget {
                url: format!("http://127.0.0.1:{port}/webhooks").parse().unwrap(),
                basic_auth: None,
            }),
        )
        .unwrap();
    let parsed = kyc::Config::load(&config).unwrap();
    let provider = kyc::connect(&parsed).unwrap();
    let reference = format!("cli-{}", std::process::id());
    provider
        .create_case(&NewCase::new(&reference))
        .await
        .unwrap();
    let sim = SimulatedCase::Idnow {
        transaction_number: reference.clone(),
    };
    for outcome in [UserOutcome::Start, UserOutcome::Abort, UserOutcome::Approve] {
        sandbox.play(&sim, outcome).unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    // The read API of the running service answers while it resolves.
    let url = format!("http://127.0.0.1:{read_port}/cases/idnow/{reference}");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let case: serde_json::Value = match reqwest::get(&url).await {
            Ok(r) if r.status().is_success() => r.json().await.unwrap(),
            _ => serde_json::Value::Null,
        };
        if case["status"] == "approved" && case["waiting_notices"] == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not approved: {case}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Graceful stop on SIGTERM.
    let pid = serve.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let out = serve.wait_with_output().unwrap();
    assert!(out.status.success(), "kyc serve exits cleanly");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("stopped"), "{stdout}");

    let attempts = kyc()
        .args([
            "journal", "attempts", "idnow", &reference, "--json", "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        attempts.status.success(),
        "{}",
        String::from_utf8_lossy(&attempts.stderr)
    );
    let page: serde_json::Value = serde_json::from_slice(&attempts.stdout).unwrap();
    let results: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["ABORTED", "SUCCESS"]);
    assert!(page["items"][0]["payload"]["identificationprocess"].is_object());

    let cases = kyc()
        .args(["journal", "cases", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&cases.stdout);
    assert!(
        text.contains(&reference) && text.contains("approved"),
        "{text}"
    );

    let replay = kyc()
        .args(["journal", "replay", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&replay.stdout).contains("0 notice(s)"));

    let missing = kyc()
        .args(["journal", "attempts", "postident", "NOPE", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no postident case"));
}
