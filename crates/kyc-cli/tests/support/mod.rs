//! Running the `kyc` binary as a person would: in a pipe (stdout and stderr captured apart) or in
//! a pseudo-terminal (what a person sees on screen).
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
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
