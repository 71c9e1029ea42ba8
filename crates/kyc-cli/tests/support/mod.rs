//! Running the `kyc` binary as a person would: in a pipe (stdout and stderr captured apart) or in
//! a pseudo-terminal (what a person sees on screen).
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `kyc` binary, with no `KYC_*` variable of the test's environment leaking in.
pub fn kyc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kyc"));
    for (name, _) in std::env::vars() {
        if name.starts_with("KYC_") {
            cmd.env_remove(name);
        }
    }
    cmd.env_remove("NO_COLOR");
    cmd
}

/// `kyc sandbox` running as a process, stopped when dropped (also when an assertion fails
/// first), with the banner it printed on stdout.
pub struct SandboxProcess {
    child: std::process::Child,
    /// Everything printed up to and including the `See docs/sandbox.md` line.
    pub banner: String,
}

impl SandboxProcess {
    /// Runs `kyc sandbox args` with `env` and waits for its banner.
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> SandboxProcess {
        let mut cmd = kyc();
        cmd.arg("sandbox")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("kyc sandbox runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut running = SandboxProcess {
            child,
            banner: String::new(),
        };
        let banner = tokio::task::spawn_blocking(move || {
            lines_until(stdout, |line| line.starts_with("See docs/sandbox.md"))
        })
        .await
        .expect("join");
        running.banner = banner;
        running
    }

    /// The root URL the banner names (`kyc sandbox at URL`), without a trailing slash.
    pub fn root(&self) -> String {
        self.banner
            .lines()
            .find_map(|line| line.strip_prefix("kyc sandbox at "))
            .map(|url| url.trim().trim_end_matches('/').to_string())
            .unwrap_or_else(|| panic!("the root URL is printed: {}", self.banner))
    }

    /// The `own root:` URLs the banner names, in order (IDnow's, then POSTIDENT's).
    pub fn own_roots(&self) -> Vec<String> {
        self.banner
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("own root:"))
            .map(|rest| rest.split_whitespace().next().unwrap().to_string())
            .collect()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks that the sandbox's IDnow API (at `idnow_api`, e.g. `{root}/idnow`) accepts the
/// default login and its POSTIDENT API (at `postident_api`) lists the default account's cases.
pub async fn assert_both_providers_answer(idnow_api: &str, postident_api: &str) {
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{idnow_api}/api/v1/sandboxco/login"))
        .json(&serde_json::json!({"apiKey": "sandbox-api-key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200);
    let cases = client
        .get(format!("{postident_api}/api/scr/v1/SANDBOX01/cases"))
        .basic_auth("sandbox", Some("sandbox-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(cases.status().as_u16(), 200);
}

/// Reads `reader` line by line (blocking) up to and including the first line `last` accepts,
/// or to its end; returns those lines, each ended by a newline.
pub fn lines_until(reader: impl Read, last: impl Fn(&str) -> bool) -> String {
    use std::io::{BufRead, BufReader};
    let mut read = String::new();
    for line in BufReader::new(reader).lines() {
        let line = line.expect("a line of output");
        read.push_str(&line);
        read.push('\n');
        if last(&line) {
            break;
        }
    }
    read
}

/// Writes `toml` as `kyc.toml` in a new temporary directory; returns the directory (the file
/// lives as long as it) and the file's path.
pub fn config_file(toml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kyc.toml");
    std::fs::write(&path, toml).unwrap();
    (dir, path)
}

/// Bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `kyc args` in a pipe, off the async runtime.
pub async fn pipe(args: &[&str], env: &[(&str, &str)], dir: Option<&Path>) -> Output {
    let mut cmd = kyc();
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("kyc runs"))
        .await
        .expect("join")
}

/// Runs `kyc args` with `env` in a pipe, checks that it exits with `code`, and returns its
/// stderr.
pub async fn fails(args: &[&str], env: &[(&str, &str)], code: i32) -> String {
    let out = pipe(args, env, None).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "kyc {args:?}: {stderr}");
    stderr
}

/// Runs `kyc args` with `env` in a pipe, checks that it exits with `code` (showing its stderr
/// if not), and returns its output.
pub async fn exits(args: &[&str], env: &[(&str, &str)], code: i32) -> Output {
    let out = pipe(args, env, None).await;
    assert_eq!(
        out.status.code(),
        Some(code),
        "kyc {args:?}: {}",
        text(&out.stderr)
    );
    out
}

/// What a terminal showed while `kyc args` ran in it, and its exit code.
pub struct Screen {
    pub output: String,
    pub code: u32,
}

/// Runs `kyc args` in a pseudo-terminal (stdin, stdout and stderr are the terminal) until it
/// exits, or until `stop_when` sees the output and the program is killed (for servers).
pub async fn terminal(
    args: &[&str],
    env: &[(&str, &str)],
    stop_when: Option<&'static str>,
) -> Screen {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || terminal_blocking(&args, &env, stop_when))
        .await
        .expect("join")
}

fn terminal_blocking(args: &[String], env: &[(String, String)], stop_when: Option<&str>) -> Screen {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 250,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kyc"));
    cmd.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("KYC_") || name == "NO_COLOR" {
            cmd.env_remove(name);
        }
    }
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.cwd(std::env::temp_dir());
    let mut child = pty
        .slave
        .spawn_command(cmd)
        .expect("kyc runs in the terminal");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("terminal reader");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    let mut code = None;
    while Instant::now() < deadline {
        while let Ok(chunk) = rx.try_recv() {
            seen.extend(chunk);
        }
        if let Some(marker) = stop_when {
            if text(&seen).contains(marker) {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            code = Some(status.exit_code());
            // Whatever is still in the terminal's buffer.
            std::thread::sleep(Duration::from_millis(200));
            while let Ok(chunk) = rx.try_recv() {
                seen.extend(chunk);
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if code.is_none() && stop_when.is_none() {
        let _ = child.kill();
        panic!(
            "kyc {args:?} did not finish in a terminal:\n{}",
            text(&seen)
        );
    }
    Screen {
        output: text(&seen),
        code: code.unwrap_or(0),
    }
}
