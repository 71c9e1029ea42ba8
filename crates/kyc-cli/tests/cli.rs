//! The `kyc` binary as a user runs it: every command, its exit code and its output.

use crate::support::{assert_both_providers_answer, config_file, kyc, SandboxProcess};
use std::path::PathBuf;
use std::process::{Output, Stdio};

fn fixture(provider: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(provider)
        .join("tests/fixtures")
        .join(name)
}

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = kyc()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kyc runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One clear `error:` line (then, at most, the provider's words and a hint, indented), no panic,
/// no backtrace.
fn assert_clean_failure(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: "), "{err}");
    for more in err.trim_end().lines().skip(1) {
        assert!(
            more.starts_with("  the provider said: ") || more.starts_with("  hint: "),
            "{err}"
        );
    }
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}

#[test]
fn demo_runs_the_whole_flow_for_both_providers() {
    let out = kyc().arg("demo").output().unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("== IDnow AutoIdent"), "{stdout}");
    assert!(stdout.contains("== Deutsche Post POSTIDENT"), "{stdout}");
    assert_eq!(
        stdout
            .matches("webhook received, verified and resolved")
            .count(),
        2
    );
    assert!(stdout.matches("  approved  [").count() >= 2, "{stdout}");
    assert_eq!(
        stdout.matches("archived 1 case(s), 0 not archived").count(),
        2
    );
    assert!(stdout.contains("demo finished"));
    let stderr = text(&out.stderr);
    assert!(
        !stderr.to_lowercase().contains("warn"),
        "the happy path warns about nothing: {stderr}"
    );
    // In the words of the JSON, not Rust's Debug names.
    assert!(
        stdout.contains("person.first_name        match"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  attempt: auto_ident  approved"),
        "{stdout}"
    );
    assert!(stdout.contains("  artifact: document_front  "), "{stdout}");
    for debug_name in [
        " Match\n",
        "attempt: AutoIdent",
        "artifact: DocumentFront",
        "artifact: ResultPdf",
    ] {
        assert!(!stdout.contains(debug_name), "{debug_name}: {stdout}");
    }
}

#[test]
fn every_command_explains_itself_with_an_example() {
    for args in [
        vec![],
        vec!["case"],
        vec!["webhook"],
        vec!["demo"],
        vec!["sandbox"],
        vec!["case", "create"],
        vec!["case", "get"],
        vec!["case", "list"],
        vec!["case", "archive"],
        vec!["normalize"],
        vec!["keygen"],
        vec!["webhook", "listen"],
    ] {
        let out = kyc().args(&args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(
            help.contains("Example"),
            "{args:?} --help has an example:\n{help}"
        );
    }
}

#[test]
fn normalize_idnow_json_and_xml_print_the_documented_keys() {
    for name in [
        "sample_2_success_data_changed.json",
        "xml_result_plain.repaired.xml",
    ] {
        let body = std::fs::read(fixture("kyc-idnow", name)).unwrap();
        let out = run_with_stdin(&["normalize", "--provider", "idnow"], &body);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // `kyc normalize` prints exactly the library's JSON form of the case (docs/case-json.md),
        // so it has every documented key: kyc-core's `case_serialises_to_the_documented_keys`
        // checks that form, which writes those keys whatever the case holds.
        let case = kyc::kyc_idnow::normalize::case_from_payload(&body).unwrap();
        assert_eq!(json, serde_json::to_value(&case).unwrap(), "{name}");
        assert_eq!(json["provider"], "idnow");
    }
    let body = std::fs::read(fixture("kyc-idnow", "sample_2_success_data_changed.json")).unwrap();
    let out = run_with_stdin(&["normalize", "--provider", "idnow"], &body);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "approved");
    assert_eq!(json["data_changed"], true);
    let first_name = &json["identity"]["person"]["first_name"];
    assert!(first_name.get("value").is_some() && first_name.get("check").is_some());
}

#[test]
fn normalize_postident_json_and_jwe() {
    let body = std::fs::read(fixture(
        "kyc-postident",
        "guide-7.4.1-case-video-success.json",
    ))
    .unwrap();
    let out = run_with_stdin(&["normalize", "--provider", "postident"], &body);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plain: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plain["provider"], "postident");
    assert_eq!(plain["status"], "approved");

    // The same result as a compact JWE, decrypted with the key it was encrypted to.
    let key = kyc::kyc_postident::PrivateKey::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("key.pem");
    std::fs::write(&pem_path, key.to_pkcs8_pem().unwrap().expose()).unwrap();
    let jwe = kyc::kyc_postident::crypto::encrypt_compact(key.public_key_der(), &body, "A256GCM")
        .unwrap();
    let pem = pem_path.to_str().unwrap();
    let out = run_with_stdin(
        &["normalize", "--provider", "postident", "--private-key", pem],
        jwe.as_bytes(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let decrypted: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        decrypted, plain,
        "JWE and plain JSON normalise to the same case"
    );

    // Without the key, or with another key: one clear line.
    let err = assert_clean_failure(&run_with_stdin(
        &["normalize", "--provider", "postident"],
        jwe.as_bytes(),
    ));
    assert!(err.contains("private key"), "{err}");
    let other = kyc::kyc_postident::PrivateKey::generate().unwrap();
    std::fs::write(&pem_path, other.to_pkcs8_pem().unwrap().expose()).unwrap();
    assert_clean_failure(&run_with_stdin(
        &["normalize", "--provider", "postident", "--private-key", pem],
        jwe.as_bytes(),
    ));
}

#[test]
fn normalize_refuses_unreadable_input_with_one_line() {
    for (provider, input) in [
        ("idnow", &b"{\"identificationprocess\": "[..]),
        ("idnow", b"<not-xml"),
        ("idnow", b"[1,2,3]"),
        ("postident", b"\xff\xfe garbage"),
        ("postident", b"{\"caseStatus\": 7}"),
        ("postident", b""),
    ] {
        let err = assert_clean_failure(&run_with_stdin(
            &["normalize", "--provider", provider],
            input,
        ));
        assert!(!err.contains("Mustermann"));
    }
    let out = run_with_stdin(&["normalize", "--provider", "acme"], b"{}");
    assert!(!out.status.success());
}

#[test]
fn keygen_writes_a_key_pair_and_prints_the_headers() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let out = kyc()
        .args(["keygen", "--data-password", "geheim", "--out", out_dir])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("x-scr-key: MII"), "{stdout}");
    assert!(stdout.contains("x-scr-keyhash: "), "{stdout}");
    assert!(stdout.contains("x-scr-alg: RSA-OAEP-256"), "{stdout}");
    assert!(!stdout.contains("geheim"));
    let pem = std::fs::read_to_string(dir.path().join("postident_private_key.pem")).unwrap();
    let key = kyc::kyc_postident::PrivateKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(key.bits(), 3072);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("postident_private_key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by its owner only"
        );
    }
    // The printed hash is the documented HMAC over the printed key.
    let headers = key.scr_headers(&kyc::Secret::new("geheim")).unwrap();
    assert!(stdout.contains(&format!("x-scr-keyhash: {}", headers.key_hash)));
    // A second run does not overwrite silently.
    let again = kyc()
        .args(["keygen", "--data-password", "geheim", "--out", out_dir])
        .output()
        .unwrap();
    assert!(assert_clean_failure(&again).contains("--force"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_commands_work_against_a_configured_provider() {
    let sandbox = kyc_sandbox::Sandbox::start(kyc_sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let (dir, config) = config_file(&sandbox.postident_config_toml(None));
    let config = config.to_str().unwrap().to_string();
    let run = |args: Vec<&str>| {
        let config = config.clone();
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        tokio::task::spawn_blocking(move || {
            kyc()
                .args(&args)
                .args(["--config", &config])
                .output()
                .unwrap()
        })
    };

    let out = run(vec![
        "case",
        "create",
        "--reference",
        "cli-0001",
        "--first-name",
        "Erika",
        "--last-name",
        "Mustermann",
        "--json",
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let handle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let case_id = handle["case_ref"]["case_id"].as_str().unwrap().to_string();
    assert!(handle["user_url"].as_str().unwrap().contains(&case_id));

    sandbox
        .play(
            &kyc_sandbox::SimulatedCase::Postident {
                case_id: case_id.clone(),
            },
            kyc_sandbox::UserOutcome::Approve,
        )
        .unwrap();
    let out = run(vec!["case", "get", "--case-id", &case_id, "--json"])
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let case: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(case["status"], "approved");

    let out = run(vec!["case", "get", "--case-id", &case_id])
        .await
        .unwrap();
    let human = text(&out.stdout);
    assert!(human.contains("approved"), "{human}");
    assert!(
        !human.contains("Mustermann"),
        "the summary shows checks, not values: {human}"
    );

    let out = run(vec!["case", "list"]).await.unwrap();
    let listed = text(&out.stdout);
    assert!(listed.contains("1 case(s)"), "{listed}");
    assert!(
        listed.contains(&format!("postident:{case_id} (ref cli-0001)  approved  [")),
        "the cases themselves are printed, not only their count: {listed}"
    );
    let out = run(vec!["case", "archive", "--case-id", &case_id, "--json"])
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "every case archived");
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["archived"].as_array().unwrap().len(), 1);

    // A configuration error is one line naming the key.
    std::fs::write(dir.path().join("bad.toml"), "provider = \"acme\"").unwrap();
    let bad = dir.path().join("bad.toml");
    let out = tokio::task::spawn_blocking(move || {
        kyc()
            .args(["case", "list", "--config", bad.to_str().unwrap()])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let err = assert_clean_failure(&out);
    assert!(
        err.contains("provider") && err.contains("postident"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_listen_verifies_and_prints_notices() {
    let sandbox = kyc_sandbox::Sandbox::start(kyc_sandbox::SandboxOptions::default())
        .await
        .unwrap();
    let (_dir, config) = config_file(&format!(
        "{}\n[postident.webhook]\nusername = \"hook\"\npassword = \"hook-secret\"\n",
        sandbox.postident_config_toml(None)
    ));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = kyc()
        .args([
            "webhook",
            "listen",
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .args(["--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/hook");
    let client = reqwest::Client::new();
    let mut answered = None;
    for _ in 0..100 {
        match client
            .post(&url)
            .basic_auth("hook", Some("hook-secret"))
            .body(r#"{"caseId":"ABC123DEF456","referenceId":"ref-1"}"#)
            .send()
            .await
        {
            Ok(r) => {
                answered = Some(r.status().as_u16());
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    assert_eq!(answered, Some(200));
    let wrong = client
        .post(&url)
        .basic_auth("hook", Some("guess"))
        .body(r#"{"caseId":"ABC123DEF456"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ABC123DEF456"), "{stdout}");
    assert!(stdout.contains("rejected"), "{stdout}");
    assert!(!stdout.contains("guess") && !stdout.contains("hook-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_serves_both_providers_and_prints_how_to_reach_them() {
    let sandbox = SandboxProcess::start(&["--port", "0", "--time-scale", "100"], &[]).await;
    let (root, printed) = (sandbox.root(), &sandbox.banner);
    assert!(printed.contains("provider = \"idnow\""), "{printed}");
    assert!(printed.contains("provider = \"postident\""), "{printed}");
    assert!(
        printed.contains("sandbox-api-key"),
        "credentials are printed: {printed}"
    );
    assert!(
        printed.contains("  data password: sandbox-data-password\n"),
        "{printed}"
    );
    assert_both_providers_answer(&format!("{root}/idnow"), &format!("{root}/postident")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_serves_each_provider_at_the_root_of_its_own_port_when_asked() {
    let sandbox = SandboxProcess::start(
        &["--port", "0", "--idnow-port", "0", "--postident-port", "0"],
        &[],
    )
    .await;
    let roots = sandbox.own_roots();
    assert_eq!(roots.len(), 2, "{roots:?}");
    assert_both_providers_answer(&roots[0], &roots[1]).await;
}
