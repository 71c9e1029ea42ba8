//! Result files against the sandbox: PDF, XML (parsed into the ident types), ZIP in memory and
//! streamed to disk, artifacts from the ZIP, the XML signature, and the system check.

use crate::common;

use kyc_core::{ArtifactKind, ErrorKind};
use kyc_idnow::artifacts::{artifacts_from_zip, extract_zip_to_dir, verify_result_archive};
use kyc_idnow::wire::{CreateIdentRequest, IdentResult};
use kyc_sandbox::idnow::Outcome;

async fn finished_ident(sb: &kyc_sandbox::Sandbox, client: &kyc_idnow::Client) -> String {
    let txn = common::txn("files");
    let request = CreateIdentRequest {
        firstname: Some("Erika".into()),
        lastname: Some("Mustermann".into()),
        ..CreateIdentRequest::default()
    };
    client.create_ident(&txn, &request).await.unwrap();
    common::start_and_finish(sb, &txn, &Outcome::new("SUCCESS", None));
    txn
}

#[tokio::test]
async fn pdf_xml_and_zip_downloads() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let txn = finished_ident(&sb, &client).await;
    let pdf = client.download_pdf(&txn).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let xml = client.get_xml_result(&txn).await.unwrap();
    assert_eq!(xml.result(), Some(&IdentResult::Success));
    assert_eq!(
        xml.process().transactionnumber.as_deref(),
        Some(txn.as_str())
    );
    let json = client.get_ident(&txn).await.unwrap();
    let zip = client.download_zip(&txn).await.unwrap();
    let artifacts = artifacts_from_zip(&zip, Some(&json.ident)).unwrap();
    let kinds: Vec<_> = artifacts.iter().map(|a| a.kind.clone()).collect();
    for kind in [
        ArtifactKind::ResultPdf,
        ArtifactKind::ResultXml,
        ArtifactKind::DocumentFront,
        ArtifactKind::Selfie,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from {kinds:?}");
    }
    // Every file named under `attachments` is in the ZIP.
    let names: Vec<_> = artifacts.iter().map(|a| a.name.clone()).collect();
    for name in json.ident.attachments.as_ref().unwrap().0.values() {
        assert!(names.contains(name), "{name} not in the ZIP");
    }
}

#[tokio::test]
async fn the_zip_streams_to_disk_and_its_xml_signature_verifies() {
    let sb = common::sandbox_without_autostart(1.0).await;
    let client = common::client(&sb);
    let txn = finished_ident(&sb, &client).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.zip");
    let written = client.download_zip_to(&txn, &path).await.unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), written);
    let extracted = extract_zip_to_dir(&path, &dir.path().join("files"), None).unwrap();
    assert!(extracted.iter().all(|(_, p)| p.exists()));
    let zip = std::fs::read(&path).unwrap();
    let pem = sb.idnow().signing_public_key_pem();
    assert!(
        verify_result_archive(&zip, pem.as_bytes()).unwrap(),
        "the sandbox-signed XML verifies"
    );
}

#[tokio::test]
async fn files_before_the_result_are_404() {
    let nothing = CreateIdentRequest::default();
    let (_sb, client, txn) = common::sandbox_with_ident("nofiles", &nothing).await;
    assert_eq!(
        client.download_pdf(&txn).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        client.download_zip(&txn).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn system_check_is_ok() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    assert!(client.system_check().await.unwrap());
    assert_eq!(
        sb.idnow().login_count(),
        0,
        "the system check needs no login"
    );
}

#[tokio::test]
async fn user_urls_point_at_the_sandbox_pages() {
    let sb = common::sandbox(1.0).await;
    let client = common::client(&sb);
    let company = sb.idnow().company_id();
    let url = client.user_url_for_transaction("abc-1").unwrap();
    assert_eq!(url.as_str(), sb.idnow().user_url(company, "abc-1"));
    let short = client.user_url_for_ident("TST-ABCDE").unwrap();
    assert_eq!(short.as_str(), sb.idnow().user_url_by_ident_id("TST-ABCDE"));
    let embed = client.embed_url("TST-ABCDE").unwrap();
    assert!(embed.as_str().ends_with(&format!(
        "/{company}/identifications/TST-ABCDE/identification/start"
    )));
    assert!(client.user_url_for_transaction("bad txn").is_err());
}

#[tokio::test]
async fn documented_hosts() {
    use kyc_idnow::{Environment, IdnowConfig};
    use std::str::FromStr;
    let cases = [
        (
            "live-de",
            "https://gateway.idnow.de/",
            "https://go.idnow.de/",
        ),
        (
            "live-ch",
            "https://gateway.online-ident.ch/",
            "https://go.online-ident.ch/",
        ),
        (
            "live-ae",
            "https://gateway.idnow.ae/",
            "https://go.idnow.ae/",
        ),
        (
            "test-de",
            "https://gateway.test.idnow.de/",
            "https://go.test.idnow.de/",
        ),
        (
            "test-ch",
            "https://gateway.test.online-ident.ch/",
            "https://go.test.online-ident.ch/",
        ),
        (
            "test-ae",
            "https://gateway.test.idnow.ae/",
            "https://go.test.idnow.ae/",
        ),
    ];
    for (name, gateway, go) in cases {
        let env = Environment::from_str(name).unwrap();
        assert_eq!(env.base_url().as_str(), gateway);
        assert_eq!(env.user_base_url().as_str(), go);
        let config = IdnowConfig::for_environment(env, "democompany", "k");
        assert_eq!(config.user_base_url().as_str(), go);
        let client = kyc_idnow::Client::new(config).unwrap();
        assert_eq!(
            client.user_url_for_transaction("txn-1").unwrap().as_str(),
            format!("{go}democompany/identifications/txn-1")
        );
        assert_eq!(
            client.user_url_for_ident("TST-ABCDE").unwrap().as_str(),
            format!("{go}TST-ABCDE")
        );
    }
    assert!(Environment::from_str("prod").is_err());
}
