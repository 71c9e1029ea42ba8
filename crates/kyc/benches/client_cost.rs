//! What one `get_case` costs the *calling* process, and what building a provider costs.
//!
//! The sandbox runs in a child process (this program started again with
//! `KYC_CLIENT_COST_SANDBOX=1`), so the CPU time measured here (user + system, from
//! `getrusage`) is the client's alone: the adapter, `reqwest`, the Tokio runtime and the kernel
//! work on our side of the loopback socket. Reported per call over a few thousand sequential
//! calls, for IDnow and POSTIDENT (plain), on the multi-threaded runtime a `#[tokio::main]`
//! application gets.
//!
//! Run: `cargo bench -p kyc --bench client_cost` (release build; add `--features rustls` for
//! HTTPS through rustls, which changes what building the first provider costs). Options after
//! `--`:
//! `--calls N` (default 3000); `--only TEXT` to measure only what has TEXT in its label (for
//! example `--only "current-thread: get_case IDnow"`). For instruction counts, independent of
//! machine load, run one measurement under callgrind twice with different `--calls` and divide
//! the difference (`docs/performance.md` has the commands).

mod common;

use kyc::{CaseRef, Config, KycProvider, NewCase};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// CPU time (user, system) this process has used so far.
fn cpu_time() -> (Duration, Duration) {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete `rusage` into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (tv(usage.ru_utime), tv(usage.ru_stime))
}

/// The child: a sandbox on the loopback; prints its settings as one line of JSON, then serves
/// until its standard input closes.
fn serve_sandbox() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let mut options = kyc_sandbox::SandboxOptions::default();
        options.idnow.robot_autostart = false;
        let sandbox = kyc_sandbox::Sandbox::start(options).await.expect("sandbox");
        let (i, p) = (sandbox.idnow(), sandbox.postident());
        let settings = serde_json::json!({
            "idnow_base": i.base_url().as_str(),
            "company": i.company_id(),
            "api_key": i.api_key(),
            "postident_base": p.base_url().as_str(),
            "postident_cases": p.cases_url().as_str(),
            "client_id": p.client_id(),
            "username": p.username(),
            "password": p.password(),
        });
        println!("{settings}");
        std::io::stdout().flush().ok();
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin().read_line(&mut line).unwrap_or(0) > 0 {}
        })
        .await
        .ok();
        sandbox.shutdown().await;
    });
}

/// The value after `--name` on the command line.
fn option(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

fn new_case(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c
}

/// Builds a provider `times` times from `toml`; returns the first (cold) build's CPU and wall
/// time and the mean of the others, in milliseconds.
fn construction(toml: &str, times: u32) -> (f64, f64, f64) {
    let config = Config::from_toml(toml).expect("config");
    let mut cold = (0.0, 0.0);
    let mut warm = 0.0;
    for n in 0..times {
        let (u0, s0) = cpu_time();
        let started = Instant::now();
        let provider = kyc::connect(&config).expect("connect");
        let wall = started.elapsed().as_secs_f64() * 1e3;
        let (u1, s1) = cpu_time();
        drop(provider);
        let cpu = ((u1 - u0) + (s1 - s0)).as_secs_f64() * 1e3;
        if n == 0 {
            cold = (cpu, wall);
        } else {
            warm += cpu;
        }
    }
    (cold.0, cold.1, warm / f64::from(times.max(2) - 1))
}

/// CPU time (user, system) per call of `call`, in microseconds, over `calls` calls after 200
/// warm-up calls.
async fn per_call<F, Fut>(calls: u32, call: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..200 {
        call().await;
    }
    let (u0, s0) = cpu_time();
    for _ in 0..calls {
        call().await;
    }
    let (u1, s1) = cpu_time();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(calls);
    (per(u1 - u0), per(s1 - s0))
}

/// Measures and reports `get_case` through the provider, as an application calls it.
async fn adapter(settings: &Settings, label: &str, provider: &dyn KycProvider, case: &CaseRef) {
    let calls = settings.calls;
    report(settings, label, async {
        per_call(calls, || async {
            provider.get_case(case).await.expect("get_case");
        })
        .await
    })
    .await
}

/// Measures and reports the floor: a bare `reqwest` GET of the same URL (a default client, no
/// timeouts, no retry) and `serde_json::from_slice::<Value>` of its body.
async fn bare_get(settings: &Settings, label: &str, request: impl Fn() -> reqwest::RequestBuilder) {
    let calls = settings.calls;
    report(settings, label, async {
        per_call(calls, || async {
            let body = request()
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .expect("bare GET")
                .bytes()
                .await
                .expect("body");
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&body).expect("JSON"));
        })
        .await
    })
    .await
}

/// Runs `measure` and prints its figures, unless `--only` names another measurement.
async fn report(
    settings: &Settings,
    what: &str,
    measure: impl std::future::Future<Output = (f64, f64)>,
) {
    if settings
        .only
        .as_ref()
        .is_some_and(|only| !what.contains(only.as_str()))
    {
        return;
    }
    let (user, sys) = measure.await;
    println!(
        "{what}: {:.1} µs CPU per call ({user:.1} user + {sys:.1} system) over {} calls",
        user + sys,
        settings.calls
    );
}

fn main() {
    if std::env::var_os("KYC_CLIENT_COST_SANDBOX").is_some() {
        return serve_sandbox();
    }
    let calls = option("--calls")
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000);
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env("KYC_CLIENT_COST_SANDBOX", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandbox child starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("sandbox settings");
    let s: serde_json::Value = serde_json::from_str(&line).expect("settings JSON");
    let text = |k: &str| s[k].as_str().expect(k).to_string();

    let idnow_toml = format!(
        "provider = \"idnow\"\n[idnow]\nbase_url = \"{}\"\ncompany_id = \"{}\"\napi_key = \"{}\"\n",
        text("idnow_base"),
        text("company"),
        text("api_key")
    );
    let postident_toml = format!(
        "provider = \"postident\"\n[postident]\nbase_url = \"{}\"\nclient_id = \"{}\"\n\
         username = \"{}\"\npassword = \"{}\"\nencryption = false\n",
        text("postident_base"),
        text("client_id"),
        text("username"),
        text("password")
    );

    let (cold_cpu, cold_wall, warm_cpu) = construction(&idnow_toml, 5);
    println!(
        "provider construction (IDnow, {tls}): first {cold_cpu:.1} ms CPU ({cold_wall:.1} ms wall), \
         then {warm_cpu:.2} ms CPU each",
        tls = if cfg!(feature = "rustls") {
            "rustls"
        } else {
            "native-tls"
        }
    );

    let settings = Settings {
        calls,
        idnow_toml,
        postident_toml,
        sandbox: s,
        only: option("--only"),
    };
    for (n, name, mut runtime) in [
        (
            1,
            "multi-threaded",
            tokio::runtime::Builder::new_multi_thread(),
        ),
        (
            2,
            "current-thread",
            tokio::runtime::Builder::new_current_thread(),
        ),
    ] {
        let rt = runtime.enable_all().build().expect("runtime");
        rt.block_on(get_case_costs(&settings, name, &format!("client-cost-{n}")));
    }
    drop(child.stdin.take());
    child.wait().ok();
}

/// What the measuring process knows of the sandbox and the providers' configurations.
struct Settings {
    calls: u32,
    idnow_toml: String,
    postident_toml: String,
    sandbox: serde_json::Value,
    /// Measure only what has this in its label (`--only`), for instruction counts.
    only: Option<String>,
}

/// Measures `get_case` and its bare baseline for both providers on the current runtime.
async fn get_case_costs(settings: &Settings, runtime: &str, reference: &str) {
    let s = &settings.sandbox;
    let text = |k: &str| s[k].as_str().expect(k).to_string();
    let http = reqwest::Client::new();
    let label = |what: &str| format!("{runtime}: {what}");

    let idnow = kyc::connect(&Config::from_toml(&settings.idnow_toml).unwrap()).unwrap();
    let handle = idnow
        .create_case(&new_case(reference))
        .await
        .expect("create");
    let (base, company) = (text("idnow_base"), text("company"));
    let base = base.trim_end_matches('/');
    let api = format!("{base}/api/v1/{company}");
    let control =
        format!("{base}/__control/companies/{company}/identifications/{reference}/result");
    let result = serde_json::json!({"result": "SUCCESS"});
    let set_result = http.post(&control).json(&result).send().await;
    set_result
        .and_then(|r| r.error_for_status())
        .expect("control API sets the result");
    adapter(
        settings,
        &label("get_case IDnow"),
        idnow.as_ref(),
        &handle.case_ref,
    )
    .await;
    let token = common::idnow_login(&http, &api, &text("api_key")).await;
    let ident_url = format!("{api}/identifications/{reference}");
    let get_ident = || http.get(&ident_url).header("X-API-LOGIN-TOKEN", &token);
    bare_get(
        settings,
        &label("IDnow baseline (bare reqwest GET + Value parse)"),
        get_ident,
    )
    .await;

    let postident = kyc::connect(&Config::from_toml(&settings.postident_toml).unwrap()).unwrap();
    let short_reference = reference.replace("client-cost", "cc");
    let handle = postident
        .create_case(&new_case(&short_reference))
        .await
        .expect("create");
    adapter(
        settings,
        &label("get_case POSTIDENT (plain)"),
        postident.as_ref(),
        &handle.case_ref,
    )
    .await;
    let case_url = format!(
        "{}/{}/full?includeResultPdf=true&includeBinaryData=false",
        text("postident_cases").trim_end_matches('/'),
        handle.case_ref.case_id.as_deref().expect("caseId")
    );
    let (user, password) = (text("username"), text("password"));
    let get_case = || http.get(&case_url).basic_auth(&user, Some(&password));
    bare_get(
        settings,
        &label("POSTIDENT baseline (bare reqwest GET + Value parse)"),
        get_case,
    )
    .await;
}
