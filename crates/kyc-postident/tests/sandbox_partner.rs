//! The adapter with partner credentials (result guide section 9, `Role::Partner`) against the
//! sandbox over HTTP: it creates cases with its own webhook as `webHookUrlPartner`, reads status
//! data only (status, reasons, attempts; never identity or files), and says clearly that
//! archiving and file downloads are the client's.

use crate::common;

use kyc_core::webhook::WebhookAuth;
use kyc_core::{CaseFilter, CaseStatus, ErrorKind, KycProvider, Secret};
use kyc_postident::{Encryption, PostidentConfig, PostidentProvider, Role};
use kyc_sandbox::postident::{Method, Outcome};
use kyc_sandbox::Sandbox;

/// A configuration with the sandbox's partner credentials (role: client, the default).
fn partner_credentials(sandbox: &Sandbox, encryption: Encryption) -> PostidentConfig {
    let p = sandbox.postident();
    let username = p.partner_username().unwrap();
    common::config_as(sandbox, username, p.partner_password().unwrap(), encryption)
}

fn partner(sandbox: &Sandbox) -> PostidentProvider {
    let p = sandbox.postident();
    let mut config = partner_credentials(
        sandbox,
        Encryption::Enabled {
            private_key: common::fixed_key(),
            data_password: Secret::new(p.partner_data_password().unwrap()),
        },
    );
    config.role = Role::Partner;
    config.webhook = WebhookAuth::default();
    PostidentProvider::new(config).unwrap()
}

#[tokio::test]
async fn a_partner_creates_and_follows_cases_but_reads_no_result_data() {
    let sandbox = common::sandbox().await;
    let partner = partner(&sandbox);
    assert_eq!(partner.role(), Role::Partner);
    assert!(!partner.capabilities().inline_artifacts);
    let mut new_case = common::new_case("partner-1");
    new_case.webhook_url = Some("https://portal.example/postident".parse().unwrap());
    let handle = partner.create_case(&new_case).await.unwrap();
    let id = handle.case_ref.case_id.clone().unwrap();
    let order = &sandbox.postident().case_json(&id).unwrap()["orderData"]["processData"];
    assert_eq!(
        order["webHookUrlPartner"],
        "https://portal.example/postident"
    );
    assert!(
        order.get("webHookUrl").is_none(),
        "the client's own webhook is not the partner's"
    );

    common::complete(&sandbox, &id, Method::Video, &Outcome::Fraud);
    let case = partner.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(case.status, CaseStatus::Declined);
    assert_eq!(case.reasons[0].code, "11");
    assert!(case.identity.is_none(), "status data only");
    assert!(case.artifacts.is_empty());
    assert_eq!(case.attempts.len(), 1);
    assert!(case.accounting.is_some());

    let list = partner.list_cases(&CaseFilter::everything()).await.unwrap();
    assert_eq!(list.cases.len(), 1);
    assert!(list.cases[0].identity.is_none());

    // The client sees the same case with its result data.
    let client = common::provider(&sandbox);
    let full = client.get_case(&handle.case_ref).await.unwrap();
    assert_eq!(full.status, CaseStatus::Declined);
    assert!(full.identity.is_some());

    for e in [
        partner
            .archive_cases(std::slice::from_ref(&handle.case_ref))
            .await
            .unwrap_err(),
        partner
            .fetch_artifact(&handle.case_ref, &full.artifacts[0])
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.to_string().contains("partner"), "{e}");
    }
}

#[tokio::test]
async fn partner_credentials_configured_as_client_get_a_403_with_a_hint() {
    let sandbox = common::sandbox().await;
    let partner = partner(&sandbox);
    let handle = common::create(&partner, "partner-2").await;
    // The same credentials without `role = partner` ask for result data: POSTIDENT refuses.
    let config = partner_credentials(&sandbox, Encryption::Disabled);
    let misconfigured = PostidentProvider::new(config).unwrap();
    let e = misconfigured.get_case(&handle.case_ref).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.http_status(), Some(403));
    assert!(e.hint().unwrap().contains("postident.role"), "{e}");
}
