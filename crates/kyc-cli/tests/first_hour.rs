//! What a new user meets in the first hour, run as a person runs it: environment variables,
//! `case list` in a pipe and in a terminal, logs, errors that say what to do, exit codes,
//! truthful fields, the sandbox's options. Each test asserts on stdout, stderr and the exit code.

use crate::support;

use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::path::{Path, PathBuf};
use support::{config_file, exits, fails, kyc, lines_until, pipe, terminal, text};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts")
}

/// A POSTIDENT `kyc.toml` whose webhook password comes from a variable nobody sets: commands
/// that do not verify webhooks must not need it.
fn postident_config(sandbox: &Sandbox, dir: &Path) -> PathBuf {
    let path = dir.join("kyc.toml");
    let toml = format!(
        "{}\n[postident.webhook]\nusername = \"postident\"\npassword = {{ env = \"KYC_TEST_NEVER_SET_WEBHOOK_PASSWORD\" }}\n",
        sandbox.postident_config_toml(None)
    );
    std::fs::write(&path, toml).unwrap();
    path
}

fn idnow_config(sandbox: &Sandbox, dir: &Path) -> PathBuf {
    let path = dir.join("idnow.toml");
    std::fs::write(&path, sandbox.idnow_config_toml()).unwrap();
    path
}

/// A fresh sandbox and a configuration file for it, written by `write_config`
/// ([`postident_config`] or [`idnow_config`]) into a temporary directory: returns the sandbox,
/// the directory (to be kept as long as the file is used) and the file's path.
async fn sandbox_and_config(
    write_config: fn(&Sandbox, &Path) -> PathBuf,
) -> (Sandbox, tempfile::TempDir, String) {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(&sandbox, dir.path());
    let config = config.to_str().unwrap().to_string();
    (sandbox, dir, config)
}

/// Creates a case through `kyc case create --json` and returns its ids.
async fn create(config: &str, reference: &str) -> serde_json::Value {
    let out = exits(
        &[
            "case",
            "create",
            "--config",
            config,
            "--reference",
            reference,
            "--first-name",
            "Erika",
            "--last-name",
            "Mustermann",
            "--birth-date",
            "1964-08-12",
            "--json",
        ],
        &[],
        0,
    )
    .await;
    let handle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    handle["case_ref"].clone()
}

/// [`sandbox_and_config`] for IDnow ([`idnow_config`]) with one case already created through
/// the CLI under `reference`.
async fn idnow_sandbox_with_case(reference: &str) -> (Sandbox, tempfile::TempDir, String) {
    let (sandbox, dir, config) = sandbox_and_config(idnow_config).await;
    create(&config, reference).await;
    (sandbox, dir, config)
}

/// Creates a case like [`create`] and returns its case id.
async fn create_case_id(config: &str, reference: &str) -> String {
    create(config, reference).await["case_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Lets the sandbox's user finish the POSTIDENT case `case_id` with `outcome`.
fn play_postident(sandbox: &Sandbox, case_id: &str, outcome: UserOutcome) {
    sandbox
        .play(
            &SimulatedCase::Postident {
                case_id: case_id.to_string(),
            },
            outcome,
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kyc_variables_that_are_not_configuration_leave_every_command_working() {
    let (_sandbox, dir, config) = sandbox_and_config(postident_config).await;
    let config_text = config.as_str();
    let case_id = create_case_id(&config, "env-0001").await;

    // KYC_LOG (the log filter), KYC_DATA_PASSWORD (advertised by `kyc keygen --help`) and
    // KYC_CONFIG (the configuration file, instead of --config) are not configuration keys.
    let out = pipe(
        &["case", "list", "--unfinished"],
        &[
            ("KYC_LOG", "info"),
            ("KYC_DATA_PASSWORD", "geheim"),
            ("KYC_CONFIG", config_text),
        ],
        Some(dir.path()),
    )
    .await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!("postident:{case_id} (ref env-0001)  created  [")),
        "{stdout}"
    );
    assert!(!text(&out.stderr).contains('\u{1b}'), "no colour in a pipe");

    // An override that is wrong names the variable, and the keys it could have meant.
    let err = fails(
        &["case", "list", "--config", config_text],
        &[("KYC_POSTIDENT__USER_NAME", "sandbox")],
        1,
    )
    .await;
    assert!(
        err.contains("KYC_POSTIDENT__USER_NAME") && err.contains("KYC_POSTIDENT__USERNAME"),
        "{err}"
    );
    let err = fails(
        &["case", "list", "--config", config_text],
        &[("KYC_HTTP__MAX_RETRIES", "lots")],
        1,
    )
    .await;
    assert!(
        err.contains("environment variable KYC_HTTP__MAX_RETRIES"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_list_prints_the_cases_in_a_terminal_too() {
    let (_sandbox, _dir, config) = sandbox_and_config(postident_config).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(create_case_id(&config, &format!("tty-000{n}")).await);
    }
    let screen = terminal(
        &["case", "list", "--unfinished", "--config", &config],
        &[],
        None,
    )
    .await;
    assert_eq!(screen.code, 0, "{}", screen.output);
    for (n, id) in ids.iter().enumerate() {
        assert!(
            screen
                .output
                .contains(&format!("postident:{id} (ref tty-000{})  created", n + 1)),
            "{}",
            screen.output
        );
    }
    assert!(screen.output.contains("3 case(s)"), "{}", screen.output);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_coloured_in_a_terminal_and_plain_in_a_pipe() {
    // `kyc sandbox` logs "sandbox listening" at info.
    let args = ["--log", "info", "sandbox", "--port", "0"];
    let screen = terminal(&args, &[], Some("sandbox running")).await;
    assert!(
        screen.output.contains("sandbox listening"),
        "{}",
        screen.output
    );
    assert!(
        screen.output.contains("\u{1b}[32m INFO\u{1b}[0m"),
        "coloured in a terminal: {:?}",
        screen.output
    );
    let screen = terminal(&args, &[("NO_COLOR", "1")], Some("sandbox running")).await;
    assert!(
        screen.output.contains("sandbox listening"),
        "{}",
        screen.output
    );
    assert!(
        !screen.output.contains('\u{1b}'),
        "NO_COLOR: {:?}",
        screen.output
    );

    let mut child = kyc()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let logged =
        tokio::task::spawn_blocking(move || lines_until(stderr, |l| l.contains("sandbox running")))
            .await
            .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(logged.contains(" INFO "), "{logged}");
    assert!(
        !logged.contains('\u{1b}'),
        "no colour in a pipe: {logged:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_say_what_to_do() {
    // A date in another format names the expected one (clap's usage error: exit 2).
    let err = fails(
        &[
            "case",
            "create",
            "--reference",
            "x",
            "--birth-date",
            "12.08.1964",
        ],
        &[],
        2,
    )
    .await;
    assert!(
        err.contains("12.08.1964") && err.contains("YYYY-MM-DD") && err.contains("1964-08-12"),
        "{err}"
    );

    // Which case: either selector, and the message says so.
    let err = fails(&["case", "get"], &[], 2).await;
    assert!(
        err.contains("--case-id") && err.contains("--reference"),
        "{err}"
    );
    let err = fails(
        &[
            "case",
            "create",
            "--reference",
            "x",
            "--webhook-url",
            "hooks",
        ],
        &[],
        2,
    )
    .await;
    assert!(err.contains("expected an absolute URL"));

    // No configuration file: where one comes from.
    let err = fails(
        &["case", "list", "--config", "/nonexistent/kyc.toml"],
        &[],
        1,
    )
    .await;
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0], "error: configuration file /nonexistent/kyc.toml not found",
        "{err}"
    );
    assert!(
        lines[1].starts_with("  hint: give --config PATH or set KYC_CONFIG"),
        "{err}"
    );

    // A TOML mistake: line and column, and no excerpt that could hold a secret.
    let (_dir, bad) =
        config_file("provider = \"idnow\"\n[idnow]\napi_key = \"top-secret\"\ncompany_id = acme\n");
    let err = fails(&["case", "list", "--config", bad.to_str().unwrap()], &[], 1).await;
    assert!(err.contains("line 4, column 14"), "{err}");
    assert!(!err.contains("top-secret"), "{err}");
}

/// A stand-in for a provider that answers every request with an error body whose message
/// holds a newline and a terminal escape.
async fn provider_answering_400() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            r#"{"errors":[{"cause":"BAD_REQUEST","key":null,"message":"The api key is not valid for this company.\nerror: forged\u001b[2J"}]}"#,
        )
    });
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(tcp, app).await;
    });
    (format!("http://{addr}"), task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_own_message_is_printed_on_its_own_line_escaped() {
    let (url, server) = provider_answering_400().await;
    let (_dir, config) = config_file(&format!(
        "provider = \"idnow\"\n[idnow]\nbase_url = \"{url}\"\ncompany_id = \"acme\"\napi_key = \"k\"\n"
    ));
    let out = pipe(
        &[
            "case",
            "get",
            "--reference",
            "order-1",
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
        None,
    )
    .await;
    server.abort();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("error: idnow: "), "{err}");
    assert!(lines[0].contains("HTTP 400"), "{err}");
    assert_eq!(
        lines[1],
        "  the provider said: The api key is not valid for this company.\\nerror: forged\\x1b[2J",
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_exits_non_zero_when_a_case_was_not_archived() {
    let (sandbox, _dir, config) = sandbox_and_config(postident_config).await;
    let config = config.as_str();
    let open = create_case_id(config, "arch-0001").await;
    let closed = create_case_id(config, "arch-0002").await;
    play_postident(&sandbox, &closed, UserOutcome::Approve);

    // One of two archived: exit 3, both listed, the count on stderr.
    let args = [
        "case",
        "archive",
        "--config",
        config,
        "--case-id",
        &closed,
        "--case-id",
        &open,
    ];
    let out = exits(&args, &[], 3).await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("archived      postident:{closed}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("not archived  postident:{open}: ")),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).starts_with("error: 1 of 2 case(s) not archived"),
        "{}",
        text(&out.stderr)
    );

    // The same with --json: the outcome on stdout, still exit 3.
    let out = exits(
        &[
            "case",
            "archive",
            "--json",
            "--config",
            config,
            "--case-id",
            &open,
        ],
        &[],
        3,
    )
    .await;
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["not_archived"].as_array().unwrap().len(), 1);

    // Nothing left unarchived: exit 0.
    exits(
        &["case", "archive", "--config", config, "--case-id", &closed],
        &[],
        0,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_case_is_not_summarised_as_verified() {
    let (sandbox, _dir, config) = sandbox_and_config(postident_config).await;
    let config = config.as_str();
    let mut shown = Vec::new();
    for (reference, outcome) in [
        ("word-0001", UserOutcome::Approve),
        ("word-0002", UserOutcome::Decline),
    ] {
        let id = create_case_id(config, reference).await;
        play_postident(&sandbox, &id, outcome);
        let out = exits(
            &["case", "get", "--config", config, "--case-id", &id],
            &[],
            0,
        )
        .await;
        shown.push(text(&out.stdout));
    }
    let (approved, declined) = (&shown[0], &shown[1]);
    assert!(approved.contains(" field(s) verified: "), "{approved}");
    assert!(
        approved.contains("person.first_name        match"),
        "{approved}"
    );
    assert!(approved.contains("  archived: no"), "{approved}");
    assert!(
        declined.contains(" field(s) reported, not verified (the case is declined)"),
        "{declined}"
    );
    assert!(!declined.contains("verified:"), "{declined}");
    assert!(declined.contains("  reason: "), "{declined}");
    for output in &shown {
        for debug_name in ["Match", "New", "AutoIdent", "Video", "DocumentFront"] {
            assert!(
                !output.contains(&format!(" {debug_name}")),
                "{debug_name}: {output}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idnow_says_archived_is_unknown_and_that_it_cannot_list_archived_idents() {
    let (sandbox, _dir, config) = idnow_sandbox_with_case("fh-idnow-1").await;
    let config = config.as_str();
    sandbox
        .play(
            &SimulatedCase::Idnow {
                transaction_number: "fh-idnow-1".into(),
            },
            UserOutcome::Approve,
        )
        .unwrap();
    let get = [
        "case",
        "get",
        "--config",
        config,
        "--reference",
        "fh-idnow-1",
    ];
    let before = text(&pipe(&get, &[], None).await.stdout);
    assert!(before.contains("  archived: unknown"), "{before}");
    exits(
        &[
            "case",
            "archive",
            "--config",
            config,
            "--reference",
            "fh-idnow-1",
        ],
        &[],
        0,
    )
    .await;
    let after = text(&pipe(&get, &[], None).await.stdout);
    assert!(
        after.contains("  archived: unknown") || after.contains("  archived: yes"),
        "never a false `no` after an archive: {after}"
    );
    let out = exits(&["case", "list", "--archived", "--config", config], &[], 0).await;
    assert!(
        text(&out.stderr).contains("IDnow's API lists no archived idents"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_refuses_time_scales_it_cannot_run_and_networks_it_was_not_allowed() {
    for value in ["0", "-1", "NaN", "inf", "fast"] {
        let out = pipe(&["sandbox", &format!("--time-scale={value}")], &[], None).await;
        assert_eq!(out.status.code(), Some(2), "{value}");
        assert!(
            text(&out.stderr).contains("expected a number above 0"),
            "{value}: {}",
            text(&out.stderr)
        );
    }
    let err = fails(&["sandbox", "--bind", "0.0.0.0", "--port", "0"], &[], 1).await;
    assert!(
        err.contains("loopback") && err.contains("--allow-non-loopback"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_words_are_printed_and_logged_escaped_and_cut() {
    let (sandbox, _dir, config) = idnow_sandbox_with_case("words-1").await;
    let config = config.as_str();
    // The sandbox keeps result words it does not know verbatim, as a provider might send one.
    let word = format!("WEIRD\n\u{1b}[2Jerror: forged{}", "W".repeat(10_000));
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/__control/companies/sandboxco/identifications/words-1/result",
            sandbox.idnow().base_url().as_str().trim_end_matches('/')
        ))
        .json(&serde_json::json!({ "result": word }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let out = exits(
        &["case", "get", "--config", config, "--reference", "words-1"],
        &[("KYC_LOG", "warn")],
        0,
    )
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.starts_with("idnow:") && stdout.contains("unknown (WEIRD\\n\\x1b[2Jerror: forged"),
        "{stdout}"
    );
    assert!(
        stderr.contains("WEIRD\\n\\x1b[2Jerror: forged"),
        "logged, escaped: {stderr}"
    );
    for (name, printed, limit) in [("stdout", &stdout, 1_000), ("stderr", &stderr, 5_000)] {
        assert!(!printed.contains('\u{1b}'), "{name}: {printed:?}");
        for line in printed.lines() {
            assert!(!line.starts_with("error: forged"), "{name}: {line}");
            assert!(line.len() <= limit, "{name}: a {} byte line", line.len());
        }
    }
}
