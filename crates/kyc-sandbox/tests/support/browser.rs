//! Headless Chromium for the browser tests, driven through WebDriver: finds Debian's `chromium`
//! and `chromedriver`, starts chromedriver on a free loopback port with a fresh profile in a
//! temporary directory, opens a session with fantoccini, and cleans everything up again, also
//! when a test panics (see [`Browser`]'s drop guard).
//!
//! Without the browser the tests print one line to stderr and return; with `CI` set they fail
//! instead, so a CI machine that lacks the browser can never look green.

use std::fs::File;
use std::future::Future;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::sync::{Mutex, MutexGuard};

/// Default chromedriver path (Debian's `chromium-driver` package); `KYC_CHROMEDRIVER` overrides.
pub const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Default browser path (Debian's `chromium` package); `KYC_CHROMIUM` overrides.
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// How long one wait for the browser (an element, a status, the session's end) may take.
pub const WAIT: Duration = Duration::from_secs(15);

/// Flags Chromium needs here: headless, as root (`--no-sandbox`), and without any background
/// connection (the machine's network is loopback only and refuses everything else).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1200,1500",
];

/// One browser at a time: the machines have two cores and each test starts its own Chromium.
static ONE_BROWSER_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// The chromedriver process and the profile directory; killing both is this guard's drop.
struct DriverGuard {
    child: Child,
    workdir: tempfile::TempDir,
    /// Chromium's processes right after the session started (only waited for, never killed by
    /// this list: a dying process no longer shows its command line).
    browser_pids: Vec<String>,
}

impl DriverGuard {
    fn log(&self) -> String {
        std::fs::read_to_string(self.workdir.path().join("chromedriver.log")).unwrap_or_default()
    }
}

impl Drop for DriverGuard {
    fn drop(&mut self) {
        // Ends the driver we started (by its id), then any Chromium process that still runs on
        // our own profile directory (a panicking test never closed its session).
        let _ = self.child.kill();
        let _ = self.child.wait();
        let profile = self.workdir.path().join("profile");
        let killed = processes_using_profile(&profile);
        kill(&killed);
        let mut waited_for = killed;
        waited_for.extend(self.browser_pids.iter().cloned());
        // Killing is asynchronous, and a dying process no longer shows its command line: wait
        // until every process we killed has no running thread left, so that nothing writes into
        // the profile while the temporary directory is removed.
        let deadline = Instant::now() + Duration::from_secs(5);
        while waited_for.iter().any(|pid| still_running(pid)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Removed here rather than by the `TempDir` drop that follows, retried because a
        // process that was just exiting may still have created a file.
        for _ in 0..20 {
            if std::fs::remove_dir_all(self.workdir.path()).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether any thread of process `pid` is still running (neither gone nor a zombie).
fn still_running(pid: &str) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("stat"))
            .ok()
            .and_then(|stat| {
                // "tid (comm) S ...": the state follows the last ')'.
                let after = &stat[stat.rfind(')')? + 1..];
                after.split_whitespace().next().map(str::to_owned)
            })
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// The ids of the processes whose command line names `profile` as their `--user-data-dir`: the
/// Chromium processes of one browser (each browser has its own fresh directory).
pub fn processes_using_profile(profile: &Path) -> Vec<String> {
    let needle = format!("--user-data-dir={}", profile.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline
            .split(|&b| b == 0)
            .any(|arg| arg == needle.as_bytes())
        {
            pids.push(pid.to_owned());
        }
    }
    pids
}

/// Kills the given processes by id (the Chromium processes of this test's own profile).
fn kill(pids: &[String]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg("-KILL")
        .args(pids)
        .stderr(Stdio::null())
        .status();
}

/// A headless Chromium session. Call [`Browser::close`] at the end of a test; if the test panics
/// first, dropping the browser still kills chromedriver and Chromium.
pub struct Browser {
    client: Client,
    // Declared after `client`: dropped after it, and before the lock is released.
    driver: DriverGuard,
    _turn: MutexGuard<'static, ()>,
}

fn configured_path(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

fn running_in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

fn free_loopback_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("bound address").port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session, or returns `None` after printing
    /// why to stderr when the browser is not installed. With `CI` set, a missing browser panics.
    pub async fn start_or_skip() -> Option<Browser> {
        let chromedriver = configured_path("KYC_CHROMEDRIVER", DEFAULT_CHROMEDRIVER);
        let chromium = configured_path("KYC_CHROMIUM", DEFAULT_CHROMIUM);
        for binary in [&chromedriver, &chromium] {
            if !binary.is_file() {
                if running_in_ci() {
                    panic!(
                        "browser tests cannot run: {} not found; .ci/run installs it \
                         (CI is set, so a missing browser fails the test)",
                        binary.display()
                    );
                }
                let why = format!(
                    "browser tests skipped: {} not found; .ci/run installs it",
                    binary.display()
                );
                // Straight to the process's stderr: libtest captures `eprintln!` of passing
                // tests, and a skip must be visible in a plain `cargo test` run. Once per run.
                static SAID_ONCE: std::sync::Once = std::sync::Once::new();
                SAID_ONCE.call_once(|| {
                    let _ = writeln!(std::io::stderr(), "{why}");
                });
                return None;
            }
        }
        let turn = ONE_BROWSER_AT_A_TIME.lock().await;
        Some(Browser::start(&chromedriver, &chromium, turn).await)
    }

    async fn start(chromedriver: &Path, chromium: &Path, turn: MutexGuard<'static, ()>) -> Browser {
        let workdir = tempfile::Builder::new()
            .prefix("kyc-browser-")
            .tempdir()
            .expect("a temporary directory");
        let profile = workdir.path().join("profile");
        std::fs::create_dir(&profile).expect("profile directory");
        let log = File::create(workdir.path().join("chromedriver.log")).expect("driver log file");
        let port = free_loopback_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let mut driver = DriverGuard {
            child,
            workdir,
            browser_pids: Vec::new(),
        };
        let webdriver_url = format!("http://127.0.0.1:{port}");
        wait_until_ready(&mut driver, &webdriver_url).await;

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": { "pageLoad": 30_000, "script": 30_000, "implicit": 0 },
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": args,
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&webdriver_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "chromedriver could not start {}: {e}\nchromedriver log:\n{}",
                    chromium.display(),
                    driver.log()
                )
            });
        driver.browser_pids = processes_using_profile(&profile);
        Browser {
            client,
            driver,
            _turn: turn,
        }
    }

    /// The `--user-data-dir` of this browser (unique to it).
    pub fn profile_dir(&self) -> PathBuf {
        self.driver.workdir.path().join("profile")
    }

    /// The process id of this browser's chromedriver.
    pub fn driver_pid(&self) -> u32 {
        self.driver.child.id()
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until the document has loaded.
    pub async fn open(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The visible text of the element matching the CSS `selector` (waits for it to appear).
    pub async fn text(&self, selector: &str) -> String {
        self.element(selector)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {selector}: {e}"))
    }

    /// Waits for the element matching the CSS `selector`.
    pub async fn element(&self, selector: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("no element {selector} on the page: {e}"))
    }

    /// Whether an element matching the CSS `selector` is on the page now (no waiting).
    pub async fn has(&self, selector: &str) -> bool {
        self.client.find(Locator::Css(selector)).await.is_ok()
    }

    /// Waits for the element matching the CSS `selector` and runs `command` on it; panics with
    /// "{failed} {selector}: {error}" when the command fails.
    async fn on_element<F>(&self, selector: &str, failed: &str, command: impl FnOnce(Element) -> F)
    where
        F: Future<Output = Result<(), CmdError>>,
    {
        let element = self.element(selector).await;
        if let Err(e) = command(element).await {
            panic!("{failed} {selector}: {e}");
        }
    }

    /// Clicks the element matching the CSS `selector`, as a user would.
    pub async fn click(&self, selector: &str) {
        let click = |e: Element| async move { e.click().await };
        self.on_element(selector, "cannot click", click).await;
    }

    /// Picks the option with `value` in the `<select>` matching the CSS `selector`.
    pub async fn select(&self, selector: &str, value: &str) {
        let failed = format!("cannot select {value} in");
        let pick = |e: Element| async move { e.select_by_value(value).await };
        self.on_element(selector, &failed, pick).await;
    }

    /// Types `text` into the input matching the CSS `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let type_text = |e: Element| async move { e.send_keys(text).await };
        self.on_element(selector, "cannot type into", type_text)
            .await;
    }

    /// Waits until the element matching `selector` shows exactly `expected` (after a form
    /// submission the browser follows the redirect back to the page).
    pub async fn wait_for_text(&self, selector: &str, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let seen = match self.client.find(Locator::Css(selector)).await {
                Ok(element) => element.text().await.ok(),
                Err(_) => None,
            };
            if seen.as_deref() == Some(expected) {
                return;
            }
            if Instant::now() > deadline {
                let source = self.client.source().await.unwrap_or_default();
                panic!("{selector} shows {seen:?}, not {expected:?}; page:\n{source}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Takes a PNG screenshot of the window, checks it is a PNG, and writes it as `name` into
    /// `KYC_BROWSER_SCREENSHOTS` (a directory kept for people to look at) or, by default, into
    /// this browser's temporary directory. Returns the path written.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1_000,
            "screenshot {name} is not a plausible PNG ({} bytes)",
            png.len()
        );
        let dir = std::env::var_os("KYC_BROWSER_SCREENSHOTS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.driver.workdir.path().to_path_buf());
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(name);
        std::fs::write(&path, png).expect("screenshot written");
        path
    }

    /// Ends the session (Chromium quits), then stops chromedriver.
    pub async fn close(self) {
        let Browser {
            client,
            driver,
            _turn,
        } = self;
        // A session that does not end in time is no reason to fail: the guard kills it.
        let _ = tokio::time::timeout(WAIT, client.close()).await;
        drop(driver);
    }
}

/// Polls chromedriver's `/status` until it reports ready; fails with its log when it died or
/// did not come up in time.
async fn wait_until_ready(driver: &mut DriverGuard, webdriver_url: &str) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("HTTP client");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(Some(status)) = driver.child.try_wait() {
            panic!(
                "chromedriver exited with {status}; its log:\n{}",
                driver.log()
            );
        }
        let ready = match http.get(format!("{webdriver_url}/status")).send().await {
            Ok(response) => response
                .json::<serde_json::Value>()
                .await
                .is_ok_and(|v| v["value"]["ready"] == true),
            Err(_) => false,
        };
        if ready {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "chromedriver did not get ready on {webdriver_url}; its log:\n{}",
                driver.log()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
