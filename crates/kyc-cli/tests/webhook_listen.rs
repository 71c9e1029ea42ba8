//! `kyc webhook listen` as a provider (or an attacker) reaches it: what it prints cannot be
//! forged by a request body, and with `--resolve` a flood of duplicate notices against a slow
//! provider keeps the provider connections bounded and the reads few.

use crate::support;

use futures::StreamExt;
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::io::BufRead;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{config_file, kyc};

/// A running `kyc webhook listen` and everything it printed on stdout so far.
struct Listener {
    child: Child,
    url: String,
    stdout: Arc<Mutex<String>>,
}

impl Listener {
    async fn start(config: &std::path::Path, resolve: bool) -> Listener {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = kyc();
        cmd.args(["webhook", "listen", "--bind", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .args(["--config", config.to_str().unwrap()]);
        if resolve {
            cmd.arg("--resolve");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = Arc::new(Mutex::new(String::new()));
        let sink = stdout.clone();
        let pipe = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).split(b'\n') {
                let Ok(line) = line else { break };
                let mut s = sink.lock().unwrap();
                s.push_str(&String::from_utf8_lossy(&line));
                s.push('\n');
            }
        });
        let url = format!("http://127.0.0.1:{port}/hook");
        let listener = Listener { child, url, stdout };
        // Ready when it answers.
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client.get(&listener.url).send().await.is_ok() {
                return listener;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("kyc webhook listen did not start");
    }

    fn printed(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    async fn wait_for(&self, what: impl Fn(&str) -> bool, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let printed = self.printed();
            if what(&printed) || Instant::now() > deadline {
                return printed;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn assert_not_forged(printed: &str) {
    assert!(
        !printed.contains('\u{1b}'),
        "no terminal escape passes: {printed:?}"
    );
    assert!(!printed.contains('\r'), "{printed:?}");
    for line in printed.lines() {
        assert!(
            line.starts_with("notice ")
                || line.starts_with("rejected a webhook from ")
                || line.starts_with("  resolved: ")
                || line.starts_with("  could not resolve "),
            "every line is one the listener wrote: {line:?}\n{printed}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_cannot_forge_lines_or_send_terminal_escapes() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let forged_line = "\n  resolved: postident:FORGED  approved  [closed]\n";

    // POSTIDENT: ids in the body.
    let config = dir.path().join("postident.toml");
    std::fs::write(&config, sandbox.postident_config_toml(None)).unwrap();
    let listener = Listener::start(&config, false).await;
    let printed = post_each(
        &listener,
        &[
            serde_json::json!({"caseId": format!("ABC123DEF456{forged_line}"), "referenceId": "r\u{1b}[2J\u{1b}[31m"}),
            serde_json::json!({"caseId": "ABC123DEF456", "referenceId": format!("ref{forged_line}\u{9b}31m")}),
        ],
    )
    .await;
    assert_not_forged(&printed);
    drop(listener);

    // IDnow: the whole ident in the body.
    let config = dir.path().join("idnow.toml");
    std::fs::write(&config, sandbox.idnow_config_toml()).unwrap();
    let listener = Listener::start(&config, false).await;
    let printed = post_each(
        &listener,
        &[serde_json::json!({
            "identificationprocess": {
                "result": format!("SUCCESS{forged_line}"),
                "transactionnumber": format!("order-1{forged_line}\u{1b}]0;title\u{7}"),
                "id": "TST-ABCDE\u{1b}[2J",
                "companyid": "sandboxco"
            }
        })],
    )
    .await;
    assert_not_forged(&printed);
}

/// Behind a reverse proxy listed in `trusted_proxies`, the allowlist checks the address the
/// proxy forwarded, not the proxy's own; without the header the proxy's address is checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_forwarded_address_is_checked() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("postident.toml");
    std::fs::write(
        &config,
        format!(
            "{}\n[postident.webhook]\nallowed_ips = [\"213.95.145.0/27\"]\n\
             trusted_proxies = [\"127.0.0.1\"]\n",
            sandbox.postident_config_toml(None)
        ),
    )
    .unwrap();
    let listener = Listener::start(&config, false).await;
    let client = reqwest::Client::new();
    let body = serde_json::json!({"caseId": "ABC123DEF456", "referenceId": "proxied"});
    let mut statuses = Vec::new();
    for forwarded in [Some("213.95.145.7"), None, Some("6.6.6.6")] {
        let mut request = client.post(&listener.url).json(&body);
        if let Some(address) = forwarded {
            request = request.header("x-forwarded-for", address);
        }
        statuses.push(request.send().await.unwrap().status().as_u16());
    }
    let printed = listener
        .wait_for(|p| p.lines().count() >= 3, Duration::from_secs(10))
        .await;
    assert_eq!(
        statuses[0], 200,
        "the provider's address, forwarded: {printed}"
    );
    assert_ne!(
        statuses[1], 200,
        "the proxy itself is not the provider: {printed}"
    );
    assert_ne!(statuses[2], 200, "a forwarded stranger: {printed}");
    assert!(
        printed.contains("rejected a webhook from 127.0.0.1"),
        "{printed}"
    );
    assert!(
        printed.contains("rejected a webhook from 6.6.6.6"),
        "{printed}"
    );
}

/// Posts each of `bodies` to the listener (each answered 200 or 400) and returns what it
/// printed, checking that it printed exactly one line for each.
async fn post_each(listener: &Listener, bodies: &[serde_json::Value]) -> String {
    let client = reqwest::Client::new();
    for body in bodies {
        let status = client
            .post(&listener.url)
            .json(body)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status == 200 || status == 400, "{status}");
    }
    let printed = listener
        .wait_for(
            |p| p.lines().count() >= bodies.len(),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(printed.lines().count(), bodies.len(), "{printed}");
    printed
}

/// A TCP relay in front of the sandbox that counts how many connections are open at once: the
/// listener's connections to "the provider".
struct CountingRelay {
    addr: std::net::SocketAddr,
    max_open: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingRelay {
    async fn start(upstream: std::net::SocketAddr) -> CountingRelay {
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let open = Arc::new(AtomicUsize::new(0));
        let max_open = Arc::new(AtomicUsize::new(0));
        let (open2, max2) = (open.clone(), max_open.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = tcp.accept().await else {
                    break;
                };
                let now = open2.fetch_add(1, Ordering::SeqCst) + 1;
                max2.fetch_max(now, Ordering::SeqCst);
                let open3 = open2.clone();
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                    open3.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        CountingRelay {
            addr,
            max_open,
            task,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_duplicate_notices_against_a_slow_provider_stays_bounded_and_merged() {
    const CASES: usize = 5;
    const NOTICES: usize = 2_000;
    let sandbox = Sandbox::start(SandboxOptions {
        time_scale: 100.0,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let post = sandbox.postident();
    let mut ids = Vec::new();
    for n in 0..CASES {
        let mut body = serde_json::json!({
            "processData": {"targetCountry": "DEU", "preferredLanguage": "DE_DE", "referenceId": format!("flood-{n}")},
            "contactDataProvided": {"firstName": "Erika", "lastName": "Mustermann", "email": "erika@example.org"}
        });
        body["processData"]["referenceId"] = serde_json::json!(format!("flood-{n}"));
        let created = post.create_case(&body).expect("case created");
        let id = created["caseId"].as_str().unwrap().to_string();
        sandbox
            .play(
                &SimulatedCase::Postident {
                    case_id: id.clone(),
                },
                UserOutcome::Approve,
            )
            .unwrap();
        ids.push(id);
    }

    // The listener reaches the sandbox through the counting relay; every provider read takes
    // 1.5 s.
    let relay = CountingRelay::start(
        sandbox
            .base_url()
            .socket_addrs(|| None)
            .unwrap()
            .into_iter()
            .next()
            .unwrap(),
    )
    .await;
    let toml = sandbox.postident_config_toml(None).replace(
        &sandbox
            .base_url()
            .as_str()
            .trim_end_matches('/')
            .to_string(),
        &format!("http://{}", relay.addr),
    );
    let (_dir, config) = config_file(&format!(
        "{toml}\n[postident.webhook]\nusername = \"hook\"\npassword = \"hook-secret\"\n"
    ));
    post.inject_fault(kyc_sandbox::postident::Fault {
        method: Some("GET".into()),
        ..kyc_sandbox::postident::Fault::new(
            kyc_sandbox::postident::FaultKind::Delay { delay_ms: 1_500 },
            1_000_000,
        )
    });
    let reads_before = post.api_request_count();
    let listener = Listener::start(&config, true).await;

    // 2,000 notices, 400 per case, 64 in flight.
    let client = reqwest::Client::new();
    let answers = futures::stream::iter(0..NOTICES)
        .map(|n| {
            let client = client.clone();
            let url = listener.url.clone();
            let id = ids[n % CASES].clone();
            async move {
                client
                    .post(&url)
                    .basic_auth("hook", Some("hook-secret"))
                    .json(&serde_json::json!({"caseId": id, "referenceId": format!("flood-{}", n % CASES)}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(64)
        .collect::<Vec<u16>>()
        .await;
    assert!(
        answers.iter().all(|s| *s == 200),
        "every notice answered 200"
    );

    // Every case resolved, and printed as approved.
    let printed = listener
        .wait_for(
            |p| {
                ids.iter()
                    .all(|id| p.contains(&format!("  resolved: postident:{id} (ref ")))
            },
            Duration::from_secs(60),
        )
        .await;
    for id in &ids {
        assert!(
            printed.contains(&format!("  resolved: postident:{id} (ref ")),
            "{id} resolved:\n{printed}"
        );
    }
    assert!(printed.contains("  approved  ["), "{printed}");
    assert_eq!(printed.matches("notice ").count(), NOTICES);
    // Let the last merged resolutions finish before counting.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let reads = post.api_request_count() - reads_before;
    let max_open = relay.max_open.load(Ordering::SeqCst);
    relay.task.abort();
    assert!(
        max_open <= kyc::receiver::MAX_CONCURRENT_RESOLVES,
        "at most {} provider connections at once, saw {max_open}",
        kyc::receiver::MAX_CONCURRENT_RESOLVES
    );
    assert!(
        reads >= CASES as u64 && reads <= (NOTICES / 20) as u64,
        "duplicates merged: {reads} provider reads for {NOTICES} notices"
    );
    eprintln!("{NOTICES} notices: {reads} provider reads, at most {max_open} connections open");
}
