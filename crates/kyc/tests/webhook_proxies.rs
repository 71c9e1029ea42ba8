//! Webhooks behind a reverse proxy, over real HTTP: the source-address check believes
//! `X-Forwarded-For` / `Forwarded` only from the networks in `trusted_proxies`.
//!
//! The test client connects from 127.0.0.1, so it plays the proxy: with `127.0.0.1/32` trusted
//! the address it forwards is what `allowed_ips` checks; with another network trusted it is an
//! ordinary client whose headers are ignored, and its real address is checked. Both the
//! in-memory receiver's router (`kyc::webhook_server`) and the journal's intake (what `kyc
//! serve` runs) are tested, with a real case of the sandbox behind each notice.

use crate::support::webhook_listener::serve_router;
use kyc::kyc_journal::{Journal, Service, ServiceConfig};
use kyc::webhook::basic_auth_header;
use kyc::{CaseRef, Config, KycProvider, NewCase, WebhookReceiver};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USER: &str = "hooks";
const PASSWORD: &str = "proxy-test-webhook-password";
/// The provider's address as the proxy reports it (TEST-NET-3, documentation range).
const PROVIDER_ADDRESS: &str = "203.0.113.7";
/// Somebody else (TEST-NET-2).
const STRANGER_ADDRESS: &str = "198.51.100.1";

/// A sandbox with default options.
async fn start_sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox")
}

/// POSTIDENT on the sandbox, unencrypted, with the given webhook checks.
fn config(sandbox: &Sandbox, allowed_ips: &str, trusted_proxies: &str) -> Config {
    let toml = format!(
        "{}\n[postident.webhook]\nusername = \"{USER}\"\npassword = \"{PASSWORD}\"\n\
         allowed_ips = [\"{allowed_ips}\"]\ntrusted_proxies = [\"{trusted_proxies}\"]\n",
        sandbox.postident_config_toml(None)
    );
    Config::from_toml(&toml).expect("config")
}

/// A case that exists in the sandbox, and the notice POSTIDENT would send about it.
async fn case_and_notice(provider: &dyn KycProvider, reference: &str) -> (CaseRef, String) {
    let mut new_case = NewCase::new(reference);
    new_case.person.first_name = Some("Erika".into());
    new_case.person.last_name = Some("Mustermann".into());
    let handle = provider.create_case(&new_case).await.expect("create");
    let case_id = handle.case_ref.case_id.clone().expect("case id");
    let body = serde_json::json!({"caseId": case_id, "referenceId": reference}).to_string();
    (handle.case_ref, body)
}

/// The receiver's router for POSTIDENT on the sandbox, with the given webhook checks, served
/// on a local port.
struct Proxied {
    provider: Arc<dyn KycProvider>,
    receiver: WebhookReceiver,
    url: String,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn router_behind_proxies(
    sandbox: &Sandbox,
    allowed_ips: &str,
    trusted_proxies: &str,
) -> Proxied {
    let config = config(sandbox, allowed_ips, trusted_proxies);
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let receiver = WebhookReceiver::new(provider.clone());
    let trusted = config.trusted_proxies().expect("trusted proxies");
    let app = kyc::webhook_server::router_behind_proxies(receiver.clone(), trusted);
    let (url, task) = serve_router(app, "/hooks/postident").await;
    Proxied {
        provider,
        receiver,
        url,
        task,
    }
}

/// The header a proxy adds to say that it forwards a request from `address`.
fn forwarded_for(address: &str) -> Option<(&'static str, &str)> {
    Some(("x-forwarded-for", address))
}

/// Posts `body` with Basic auth and the given extra header; returns the status.
async fn post(url: &str, body: &str, header: Option<(&str, &str)>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("authorization", basic_auth_header(USER, PASSWORD))
        .body(body.to_string());
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    request.send().await.expect("post").status().as_u16()
}

async fn wait_for_case(receiver: &WebhookReceiver, case: &CaseRef) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver.case(case).is_none() {
        assert!(
            Instant::now() < deadline,
            "the accepted notice was not resolved: {:?}",
            receiver.failures()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_trusted_proxy_passes_the_client_address_to_the_allowlist() {
    let sandbox = start_sandbox().await;
    let proxied = router_behind_proxies(&sandbox, PROVIDER_ADDRESS, "127.0.0.1/32").await;
    let (case, body) = case_and_notice(proxied.provider.as_ref(), "proxy-ok").await;
    let url = &proxied.url;

    let forwarded = forwarded_for(PROVIDER_ADDRESS);
    assert_eq!(post(url, &body, forwarded).await, 200);
    wait_for_case(&proxied.receiver, &case).await;
    let rfc7239 = format!("for={PROVIDER_ADDRESS};proto=https");
    assert_eq!(
        post(url, &body, Some(("forwarded", rfc7239.as_str()))).await,
        200,
        "RFC 7239 Forwarded is read too"
    );
    // The proxy's own address (127.0.0.1) is not the provider's.
    assert_eq!(post(url, &body, None).await, 401);
    // The proxy reports somebody else.
    assert_eq!(post(url, &body, forwarded_for(STRANGER_ADDRESS)).await, 401);
    proxied.task.abort();
}

#[tokio::test]
async fn an_untrusted_peer_cannot_spoof_its_address() {
    let sandbox = start_sandbox().await;
    // The proxies are elsewhere: the test client on 127.0.0.1 is an ordinary client.
    let proxied = router_behind_proxies(&sandbox, PROVIDER_ADDRESS, "10.0.0.0/8").await;
    let (_, body) = case_and_notice(proxied.provider.as_ref(), "proxy-spoof").await;
    for header in ["x-forwarded-for", "forwarded"] {
        let value = if header == "forwarded" {
            format!("for={PROVIDER_ADDRESS}")
        } else {
            PROVIDER_ADDRESS.to_string()
        };
        assert_eq!(
            post(&proxied.url, &body, Some((header, value.as_str()))).await,
            401,
            "{header} from an untrusted peer is ignored; its real address is checked"
        );
    }
    proxied.task.abort();

    // The other way round: the real address is allowed, and a forged header changes nothing.
    let allowed = router_behind_proxies(&sandbox, "127.0.0.1", "10.0.0.0/8").await;
    let forged = forwarded_for(STRANGER_ADDRESS);
    assert_eq!(post(&allowed.url, &body, forged).await, 200);
    allowed.task.abort();
}

#[tokio::test]
async fn the_journal_intake_believes_forwarded_addresses_only_from_trusted_proxies() {
    let sandbox = start_sandbox().await;
    let config = config(&sandbox, PROVIDER_ADDRESS, "127.0.0.1/32");
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));
    let (_, body) = case_and_notice(provider.as_ref(), "proxy-jrnl").await;
    let forwarded = forwarded_for(PROVIDER_ADDRESS);

    for (trusted, expected) in [
        (config.trusted_proxies().expect("trusted proxies"), 200),
        (kyc::webhook::IpAllowlist::empty(), 401),
    ] {
        let journal = Journal::open("sqlite::memory:").await.expect("journal");
        let mut service_config = ServiceConfig::new("127.0.0.1:0".parse().expect("addr"));
        service_config.worker = false;
        service_config.reconcile = false;
        service_config.trusted_proxies = trusted;
        let service = Service::start(journal.clone(), provider.clone(), service_config)
            .await
            .expect("service");
        let url = format!("http://{}/hooks", service.webhook_addr);
        assert_eq!(post(&url, &body, forwarded).await, expected);
        let notices = journal.notices(None, None, None).await.expect("notices");
        if expected == 200 {
            assert_eq!(notices.items.len(), 1);
            assert_eq!(
                notices.items[0].peer.as_deref(),
                Some(PROVIDER_ADDRESS),
                "the journal records the client address the proxy reported"
            );
        } else {
            assert!(notices.items.is_empty(), "a rejected notice is not stored");
        }
        service.stop().await;
    }
}
