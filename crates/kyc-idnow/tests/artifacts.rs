//! The result ZIP becomes artifacts (in memory or streamed to disk), and the XML result
//! signature verifies with SHA-512 and a PEM public key (as `openssl dgst -sha512 -verify`).

use crate::common::fixture;
use kyc_core::{ArtifactKind, ArtifactSource};
use kyc_idnow::artifacts::{
    artifacts_from_zip, extract_zip_to_dir, read_zip_entry, verify_result_archive,
    verify_xml_signature,
};
use kyc_idnow::wire::Ident;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use std::io::Write;

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for (name, data) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    out.into_inner()
}

fn keypair() -> (PKey<openssl::pkey::Private>, Vec<u8>) {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let pem = key.public_key_to_pem().unwrap();
    (key, pem)
}

fn sign(key: &PKey<openssl::pkey::Private>, data: &[u8]) -> Vec<u8> {
    let mut s = Signer::new(MessageDigest::sha512(), key).unwrap();
    s.update(data).unwrap();
    s.sign_to_vec().unwrap()
}

#[test]
fn zip_entries_become_typed_artifacts() {
    let ident: Ident = serde_json::from_slice(&fixture("sample_3_aborted.json")).unwrap();
    let xml = fixture("get_xml_200.xml");
    let zip = zip_of(&[
        ("270820231.pdf", b"%PDF-1.4 result"),
        ("270820231.xml", &xml),
        ("270820231.xml.sig", b"sig"),
        ("270820231_idfrontside.jpg", b"\xff\xd8\xff front"),
        ("270820231_userface.jpg", b"\xff\xd8\xff face"),
        ("270820231_security1.jpg", b"\xff\xd8\xff sec"),
        ("270820231_doc_signed.pdf", b"%PDF-1.4 signed"),
        ("270820231_doc_original.pdf", b"%PDF-1.4 original"),
        ("270820231.mp4", b"video"),
    ]);
    let artifacts = artifacts_from_zip(&zip, Some(&ident)).unwrap();
    assert_eq!(artifacts.len(), 9);
    let kind = |name: &str| {
        artifacts
            .iter()
            .find(|a| a.name == name)
            .unwrap()
            .kind
            .clone()
    };
    assert_eq!(kind("270820231.pdf"), ArtifactKind::ResultPdf);
    assert_eq!(kind("270820231.xml"), ArtifactKind::ResultXml);
    assert_eq!(kind("270820231.xml.sig"), ArtifactKind::ResultSignature);
    assert_eq!(
        kind("270820231_idfrontside.jpg"),
        ArtifactKind::DocumentFront
    );
    assert_eq!(kind("270820231_userface.jpg"), ArtifactKind::Selfie);
    assert_eq!(
        kind("270820231_security1.jpg"),
        ArtifactKind::SecurityFeature
    );
    assert_eq!(
        kind("270820231_doc_signed.pdf"),
        ArtifactKind::SignedDocument
    );
    assert_eq!(
        kind("270820231_doc_original.pdf"),
        ArtifactKind::ContractDocument
    );
    assert_eq!(kind("270820231.mp4"), ArtifactKind::Video);
    let face = artifacts
        .iter()
        .find(|a| a.kind == ArtifactKind::Selfie)
        .unwrap();
    assert_eq!(face.mime_type.as_deref(), Some("image/jpeg"));
    match &face.source {
        ArtifactSource::Inline { data } => assert_eq!(&data[..], b"\xff\xd8\xff face"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        &read_zip_entry(&zip, "270820231.pdf").unwrap()[..],
        b"%PDF-1.4 result"
    );
    assert_eq!(
        read_zip_entry(&zip, "missing.jpg").unwrap_err().kind(),
        kyc_core::ErrorKind::NotFound
    );
}

#[test]
fn large_archives_stream_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![7u8; 3 * 1024 * 1024];
    let zip = zip_of(&[("t.pdf", b"%PDF-1.4"), ("t.mp4", &big)]);
    let zip_path = dir.path().join("t.zip");
    std::fs::write(&zip_path, &zip).unwrap();
    let out = dir.path().join("out");
    let extracted = extract_zip_to_dir(&zip_path, &out, None).unwrap();
    assert_eq!(extracted.len(), 2);
    let (video, path) = extracted
        .iter()
        .find(|(a, _)| a.kind == ArtifactKind::Video)
        .unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), big.len() as u64);
    assert_eq!(
        video.source,
        ArtifactSource::ResultArchive {
            entry: "t.mp4".into()
        }
    );
}

#[test]
fn zip_slip_and_garbage_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_of(&[("../escape.txt", b"x")]);
    let zip_path = dir.path().join("evil.zip");
    std::fs::write(&zip_path, &zip).unwrap();
    assert!(extract_zip_to_dir(&zip_path, &dir.path().join("out"), None).is_err());
    assert!(!dir.path().join("escape.txt").exists());
    let e = artifacts_from_zip(b"not a zip", None).unwrap_err();
    assert_eq!(e.kind(), kyc_core::ErrorKind::Provider);
}

#[test]
fn xml_signature_verifies_with_sha512_and_pem_key() {
    let (key, pem) = keypair();
    let xml = fixture("get_xml_200.xml");
    let sig = sign(&key, &xml);
    assert!(verify_xml_signature(&xml, &sig, &pem).unwrap());
    let mut tampered = xml.clone();
    tampered[100] ^= 1;
    assert!(!verify_xml_signature(&tampered, &sig, &pem).unwrap());
    let (_, other_pem) = keypair();
    assert!(!verify_xml_signature(&xml, &sig, &other_pem).unwrap());
    assert!(verify_xml_signature(&xml, &sig, b"not a key").is_err());

    let zip = zip_of(&[("a.xml", &xml), ("a.xml.sig", &sig), ("a.pdf", b"%PDF-")]);
    assert!(verify_result_archive(&zip, &pem).unwrap());
    let zip = zip_of(&[("a.xml", &tampered), ("a.xml.sig", &sig)]);
    assert!(!verify_result_archive(&zip, &pem).unwrap());
    let zip = zip_of(&[("a.xml", &xml)]);
    assert!(verify_result_archive(&zip, &pem).is_err());
}
