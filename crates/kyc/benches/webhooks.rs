//! (d) Webhook verification and parsing per request, both providers, through the adapter built
//! by `kyc::connect` (`KycProvider::verify_webhook`: Basic auth in constant time, source address
//! against the allowlist, body parsed into a notice), against a hand-written minimum: compare
//! the `Authorization` header with the expected value in constant time, check the peer against
//! the same network, and `serde_json::from_slice::<Value>` the body.
//!
//! * IDnow: the body is a whole ident (the success sample, 3.7 kB); verifying recognises the
//!   ident and event, and keeps the case the body carries for `WebhookNotice::case` to read when
//!   asked (`adapter_and_case` measures verifying plus that read, for comparison).
//! * POSTIDENT: the body is `{"caseId": ..., "referenceId": ...}`; the notice only names the case.
//!
//! Run: `cargo bench -p kyc --bench webhooks`.

mod common;

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use http::{HeaderMap, HeaderValue};
use kyc::webhook::{basic_auth_header, constant_time_eq, WebhookEvent, WebhookRequest};
use kyc::{Config, KycProvider};
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

const USER: &str = "hook-user";
const PASSWORD: &str = "hook-secret-for-benchmarks";
const NETWORK: &str = "213.95.145.0/27";

fn provider(section: &str, rest: &str) -> Box<dyn KycProvider> {
    let text = format!(
        "provider = \"{section}\"\n[{section}]\n{rest}\n[{section}.webhook]\nusername = \
         \"{USER}\"\npassword = \"{PASSWORD}\"\nallowed_ips = [\"{NETWORK}\"]\n"
    );
    kyc::connect(&Config::from_toml(&text).expect("config")).expect("connect")
}

fn request(body: Vec<u8>) -> WebhookRequest {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_str(&basic_auth_header(USER, PASSWORD)).expect("header"),
    );
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    WebhookRequest::new(
        headers,
        Bytes::from(body),
        Some(IpAddr::V4(Ipv4Addr::new(213, 95, 145, 7))),
    )
}

/// The hand-written minimum: header compare, peer check, JSON to `Value`.
fn baseline(request: &WebhookRequest, expected_auth: &[u8]) -> serde_json::Value {
    let auth = request
        .headers
        .get(http::header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    assert!(constant_time_eq(auth, expected_auth));
    let Some(IpAddr::V4(peer)) = request.peer else {
        panic!("peer")
    };
    assert_eq!(
        u32::from(peer) & !0x1f,
        u32::from(Ipv4Addr::new(213, 95, 145, 0))
    );
    serde_json::from_slice(&request.body).unwrap()
}

fn bench(c: &mut Criterion) {
    let expected_auth = basic_auth_header(USER, PASSWORD).into_bytes();

    let idnow = provider(
        "idnow",
        "base_url = \"https://gateway.test.idnow.de\"\ncompany_id = \"benchco\"\napi_key = \"k\"",
    );
    let body =
        common::unwrap_identifications(&common::idnow_fixture("sample_1_success.repaired.json"));
    let idnow_request = request(body);
    let notice = idnow.verify_webhook(&idnow_request).expect("valid webhook");
    assert_eq!(notice.event, WebhookEvent::Final);
    assert!(notice.case().expect("the case reads").is_some());

    let mut group = c.benchmark_group("d_webhook_idnow");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline", |b| {
        b.iter(|| baseline(black_box(&idnow_request), &expected_auth))
    });
    group.bench_function("adapter", |b| {
        b.iter(|| idnow.verify_webhook(black_box(&idnow_request)).unwrap())
    });
    // For comparison, not a target: verifying and then reading the whole case the body carries
    // (what the journal's intake does to record the attempt).
    group.bench_function("adapter_and_case", |b| {
        b.iter(|| {
            let notice = idnow.verify_webhook(black_box(&idnow_request)).unwrap();
            notice.into_case().unwrap()
        })
    });
    group.finish();

    let postident = provider(
        "postident",
        "environment = \"integration\"\nclient_id = \"C\"\nusername = \"u\"\npassword = \"p\"\n\
         encryption = false",
    );
    let postident_request =
        request(br#"{"caseId":"YR9W91GEZK24","referenceId":"order-4711"}"#.to_vec());
    let notice = postident
        .verify_webhook(&postident_request)
        .expect("valid webhook");
    assert_eq!(notice.case_ref.case_id.as_deref(), Some("YR9W91GEZK24"));

    let mut group = c.benchmark_group("d_webhook_postident");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline", |b| {
        b.iter(|| baseline(black_box(&postident_request), &expected_auth))
    });
    group.bench_function("adapter", |b| {
        b.iter(|| {
            postident
                .verify_webhook(black_box(&postident_request))
                .unwrap()
        })
    });
    group.finish();
}

common::criterion_main_short!(bench);
