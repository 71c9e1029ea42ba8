//! (c) `get_case` through the adapter (built by `kyc::connect` from a TOML configuration, called
//! through `Box<dyn KycProvider>`) against a bare `reqwest` GET of the same URL plus
//! `serde_json::from_slice::<Value>`, both against the in-process sandbox over real HTTP on the
//! loopback.
//!
//! * IDnow: `GET {base}/api/v1/{company}/identifications/{txn}` with `X-API-LOGIN-TOKEN` (both
//!   sides log in once before timing; the adapter caches its token).
//! * POSTIDENT, encrypted (as production requires): `GET .../cases/{caseId}/full?
//!   includeResultPdf=true&includeBinaryData=false` with Basic auth and the `x-scr-*` headers;
//!   the baseline decrypts the JWE with openssl directly.
//! * POSTIDENT, plain (integration without encryption): the same request without `x-scr-*`.
//!
//! The sandbox's own work (routing, rendering, encrypting) is in both sides of each ratio.
//!
//! Run: `cargo bench -p kyc --bench get_case`.

mod common;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use kyc::{CaseRef, CaseStatus, Config, Country, KycProvider, NewCase, Secret};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::hint::black_box;

fn new_case(reference: &str) -> NewCase {
    let mut c = NewCase::new(reference);
    c.person.first_name = Some("Erika".into());
    c.person.last_name = Some("Mustermann".into());
    c.person.nationality = Some(Country::GERMANY);
    c.contact.email = Some("erika@example.org".into());
    c
}

/// Sends `request` and returns the body of its (2xx) answer: the HTTP step of every baseline.
async fn body_of(request: reqwest::RequestBuilder) -> bytes::Bytes {
    request
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap()
}

/// Times `provider.get_case(case)` as the group's `adapter` function.
fn bench_adapter_get_case(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &tokio::runtime::Runtime,
    provider: &dyn KycProvider,
    case: &CaseRef,
) {
    group.bench_function("adapter", |b| {
        b.to_async(rt)
            .iter(|| async { provider.get_case(black_box(case)).await.unwrap() })
    });
}

fn trimmed(url: &url::Url) -> String {
    url.as_str().trim_end_matches('/').to_string()
}

struct Setup {
    sandbox: Sandbox,
    idnow: Box<dyn KycProvider>,
    idnow_case: CaseRef,
    postident: Box<dyn KycProvider>,
    postident_plain: Box<dyn KycProvider>,
    postident_case: CaseRef,
}

async fn setup() -> Setup {
    let mut options = SandboxOptions::default();
    options.idnow.robot_autostart = false;
    let sandbox = Sandbox::start(options).await.expect("sandbox starts");

    let i = sandbox.idnow();
    let idnow = kyc::connect(
        &Config::from_toml(&format!(
            "provider = \"idnow\"\n[idnow]\nbase_url = \"{}\"\ncompany_id = \"{}\"\napi_key = \"{}\"\n",
            i.base_url(),
            i.company_id(),
            i.api_key()
        ))
        .expect("config"),
    )
    .expect("connect idnow");
    let handle = idnow
        .create_case(&new_case("bench-get-case"))
        .await
        .expect("create");
    let txn = handle
        .case_ref
        .reference
        .clone()
        .expect("transaction number");
    sandbox
        .play(
            &SimulatedCase::Idnow {
                transaction_number: txn,
            },
            UserOutcome::Approve,
        )
        .expect("approve");
    let idnow_case = handle.case_ref;

    let p = sandbox.postident();
    let postident_toml = |encryption: bool| {
        format!(
            "provider = \"postident\"\n[postident]\nbase_url = \"{}\"\nclient_id = \"{}\"\n\
             username = \"{}\"\npassword = \"{}\"\nencryption = {encryption}\n\
             private_key = \"\"\"\n{}\"\"\"\ndata_password = \"{}\"\n",
            p.base_url(),
            p.client_id(),
            p.username(),
            p.password(),
            common::test_key_pem(),
            p.data_password()
        )
    };
    let postident =
        kyc::connect(&Config::from_toml(&postident_toml(true)).expect("config")).expect("connect");
    let postident_plain =
        kyc::connect(&Config::from_toml(&postident_toml(false)).expect("config")).expect("connect");
    let handle = postident
        .create_case(&new_case("bench-pi-1"))
        .await
        .expect("create");
    let case_id = handle.case_ref.case_id.clone().expect("caseId");
    sandbox
        .play(&SimulatedCase::Postident { case_id }, UserOutcome::Approve)
        .expect("approve");
    Setup {
        sandbox,
        idnow,
        idnow_case,
        postident,
        postident_plain,
        postident_case: handle.case_ref,
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let s = rt.block_on(setup());
    let http = reqwest::Client::new();

    // IDnow: the baseline logs in once, like the adapter's token cache.
    let i = s.sandbox.idnow();
    let api = format!("{}/api/v1/{}", trimmed(i.base_url()), i.company_id());
    let token = rt.block_on(common::idnow_login(&http, &api, i.api_key()));
    let txn = s.idnow_case.reference.clone().expect("txn");
    let ident_url = format!("{api}/identifications/{txn}");
    let case = rt
        .block_on(s.idnow.get_case(&s.idnow_case))
        .expect("adapter get_case");
    assert!(
        matches!(case.status, CaseStatus::Approved { .. }),
        "{:?}",
        case.status
    );

    let mut group = c.benchmark_group("c_get_case_idnow");
    group.bench_function("baseline", |b| {
        b.to_async(&rt).iter(|| async {
            let bytes = body_of(http.get(&ident_url).header("X-API-LOGIN-TOKEN", &token)).await;
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        })
    });
    bench_adapter_get_case(&mut group, &rt, &*s.idnow, &s.idnow_case);
    group.finish();

    // POSTIDENT: the same URL the adapter asks for.
    let p = s.sandbox.postident();
    let case_id = s.postident_case.case_id.clone().expect("caseId");
    let case_url = format!(
        "{}/{case_id}/full?includeResultPdf=true&includeBinaryData=false",
        trimmed(&p.cases_url())
    );
    let key = common::test_key();
    let openssl_key = common::test_key_openssl();
    let scr = key
        .scr_headers(&Secret::new(p.data_password()))
        .expect("x-scr headers");
    for provider in [&s.postident, &s.postident_plain] {
        let case = rt
            .block_on(provider.get_case(&s.postident_case))
            .expect("get_case");
        assert!(
            matches!(case.status, CaseStatus::Approved { .. }),
            "{:?}",
            case.status
        );
    }
    let (user, password) = (p.username().to_string(), p.password().to_string());

    let mut group = c.benchmark_group("c_get_case_postident_encrypted");
    group.bench_function("baseline", |b| {
        b.to_async(&rt).iter(|| async {
            let bytes = body_of(
                http.get(&case_url)
                    .basic_auth(&user, Some(&password))
                    .header("x-scr-key", &scr.key)
                    .header("x-scr-keyhash", &scr.key_hash)
                    .header("x-scr-alg", scr.alg()),
            )
            .await;
            let plain = common::openssl_decrypt_compact(&openssl_key, bytes.trim_ascii());
            serde_json::from_slice::<serde_json::Value>(&plain).unwrap()
        })
    });
    bench_adapter_get_case(&mut group, &rt, &*s.postident, &s.postident_case);
    group.finish();

    let mut group = c.benchmark_group("c_get_case_postident_plain");
    group.bench_function("baseline", |b| {
        b.to_async(&rt).iter(|| async {
            let bytes = body_of(http.get(&case_url).basic_auth(&user, Some(&password))).await;
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        })
    });
    bench_adapter_get_case(&mut group, &rt, &*s.postident_plain, &s.postident_case);
    group.finish();
}

common::criterion_main_short!(bench);
