//! IDnow sandbox: the result PDF, XML and ZIP downloads with real files named as `attachments`
//! says, and the XML signature that verifies with the sandbox's public key.

use std::io::Read;

use crate::support::idnow::*;
use crate::support::send;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Verifier;
use serde_json::{json, Value};

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid ZIP");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().to_string(), data)
        })
        .collect()
}

#[tokio::test]
async fn files_are_404_before_the_user_finished() {
    let (env, token, _) = start_with_ident("files-early").await;
    for suffix in [".pdf", ".xml", ".zip"] {
        let response = env
            .get(&token, &format!("/identifications/files-early{suffix}"))
            .await;
        expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    }
    env.act_ok("files-early", "start", json!({})).await;
    let response = env.get(&token, "/identifications/files-early.zip").await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn zip_holds_every_attachment_as_a_real_file_and_the_signature_verifies() {
    let (env, token) = start_logged_in().await;
    env.create_succeeded(&token, "files-1").await;
    let ident: Value = env.get_json(&token, "/identifications/files-1").await;
    let attachments = ident["attachments"].as_object().unwrap().clone();
    let href = process(&ident)["href"].as_str().unwrap();
    // href is relative to the gateway: fetch it as is.
    let url = format!("{}{href}", env.base());
    let response = send(env.http.get(url).header("X-API-LOGIN-TOKEN", &token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let files = unzip(&response.bytes().await.unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for name in attachments.values() {
        assert!(
            names.contains(&name.as_str().unwrap()),
            "{name} missing from {names:?}"
        );
    }
    assert_eq!(files.len(), attachments.len());
    let file = |key: &str| {
        let name = attachments[key].as_str().unwrap();
        files.iter().find(|(n, _)| n == name).unwrap().1.clone()
    };
    let pdf = file("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    for key in ["idfrontside", "idbackside", "userface", "security1"] {
        let jpeg = file(key);
        assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF], "{key} is a JPEG");
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
    }
    let xml = file("xml");
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains("<result>SUCCESS</result>"));
    assert!(text.contains("<firstname status=\"MATCH\">ERIKA</firstname>"));
    let signature = file("xmlsig");
    let public =
        PKey::public_key_from_pem(env.sandbox.idnow().signing_public_key_pem().as_bytes()).unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha512(), &public).unwrap();
    verifier.update(&xml).unwrap();
    assert!(
        verifier.verify(&signature).unwrap(),
        "openssl dgst -sha512 -verify succeeds"
    );
    // The XML download is the same file.
    let response = env.get(&token, "/identifications/files-1.xml").await;
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    assert_eq!(response.bytes().await.unwrap().to_vec(), xml);
    let response = env.get(&token, "/identifications/files-1.pdf").await;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF-"));
}

#[tokio::test]
async fn aborted_idents_have_pdf_xml_and_signature_only() {
    let (env, token) = start_logged_in().await;
    env.create_started(&token, "files-aborted").await;
    env.act_ok("files-aborted", "abort", json!({})).await;
    let ident: Value = env.get_json(&token, "/identifications/files-aborted").await;
    assert_eq!(
        ident["attachments"],
        json!({"pdf": "files-aborted.pdf", "xml": "files-aborted.xml", "xmlsig": "files-aborted.xml.sig"})
    );
    let zip = env
        .get_bytes(&token, "/identifications/files-aborted.zip")
        .await;
    let mut names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "files-aborted.pdf",
            "files-aborted.xml",
            "files-aborted.xml.sig"
        ]
    );
}
