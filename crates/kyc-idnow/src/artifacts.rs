//! The result ZIP (`GET /identifications/{txn}.zip`) as artifacts, and the XML result signature.
//!
//! The ZIP holds every file named under `attachments` (result PDF and XML, the XML signature
//! `.sig`, document sides, user face, security features, signature, video log, contract and
//! signed documents, proof-of-address images). [`artifacts_from_zip`] reads them into memory;
//! [`extract_zip_to_dir`] streams each entry to disk for archives too large for memory.
//! [`verify_xml_signature`] checks the `.sig` (SHA-512, RSA/EC public key in PEM), the same as
//! `openssl dgst -sha512 -verify pub.pem -signature x.sig x.xml`.

use crate::mapping::{artifact_kind, mime_for};
use crate::wire::Ident;
use bytes::Bytes;
use kyc_core::{Artifact, ArtifactKind, ArtifactSource, Error, ErrorKind, Provider, Result};
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};

fn zip_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Provider, format!("result ZIP: {what}: {e}"))
        .with_provider(Provider::Idnow)
}

/// The artifact kind of a file in the result ZIP: from the ident's `attachments` when it names
/// the file, otherwise guessed from IDnow's file naming (`_idfrontside.jpg`, `.xml.sig`, ...).
pub fn kind_for_entry(name: &str, ident: Option<&Ident>) -> ArtifactKind {
    if let Some(key) = ident.and_then(|i| i.attachments.as_ref()).and_then(|a| {
        a.0.iter()
            .find(|(_, v)| v.as_str() == name)
            .map(|(k, _)| k.clone())
    }) {
        let kind = artifact_kind(&key);
        // `attachments` sometimes names the XML with a `.pdf` file name: trust the extension.
        return match (&kind, name.to_ascii_lowercase()) {
            (ArtifactKind::ResultXml, n) if n.ends_with(".pdf") => guess_kind(name),
            _ => kind,
        };
    }
    guess_kind(name)
}

/// IDnow's file naming in the result ZIP: a part of the file name, its ending, and the kind
/// such a file holds (`""` matches any name). The first row that matches wins.
const NAMING: &[(&str, &str, ArtifactKind)] = &[
    ("", ".sig", ArtifactKind::ResultSignature),
    ("", ".xml", ArtifactKind::ResultXml),
    ("_signed", ".pdf", ArtifactKind::SignedDocument),
    ("_original", ".pdf", ArtifactKind::ContractDocument),
    ("", ".pdf", ArtifactKind::ResultPdf),
    ("_idfrontside", "", ArtifactKind::DocumentFront),
    ("_idbackside", "", ArtifactKind::DocumentBack),
    ("_userface", "", ArtifactKind::Selfie),
    ("_security", "", ArtifactKind::SecurityFeature),
    ("_signature", "", ArtifactKind::Signature),
    ("_utilitybill", "", ArtifactKind::ProofOfAddress),
    ("_bankstatement", "", ArtifactKind::ProofOfAddress),
    ("", ".mp4", ArtifactKind::Video),
    ("", ".webm", ArtifactKind::Video),
];

fn guess_kind(name: &str) -> ArtifactKind {
    let n = name.to_ascii_lowercase();
    let stem = n.rsplit('/').next().unwrap_or(&n);
    NAMING
        .iter()
        .find(|(part, ending, _)| stem.contains(part) && stem.ends_with(ending))
        .map_or_else(
            || ArtifactKind::Other(name.to_string()),
            |(_, _, kind)| kind.clone(),
        )
}

fn open<R: Read + Seek>(reader: R) -> Result<zip::ZipArchive<R>> {
    zip::ZipArchive::new(reader).map_err(|e| zip_error("not a readable ZIP archive", e))
}

/// Entry `i` of the archive, or `None` when it is a directory.
fn file_at<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
) -> Result<Option<zip::read::ZipFile<'_, R>>> {
    let file = archive
        .by_index(i)
        .map_err(|e| zip_error("cannot read an entry", e))?;
    Ok((!file.is_dir()).then_some(file))
}

/// All the bytes of an entry, with room for `capacity` of them reserved up front.
fn inflate(file: &mut impl Read, capacity: usize) -> Result<Vec<u8>> {
    let mut data = Vec::with_capacity(capacity);
    file.read_to_end(&mut data)
        .map_err(|e| zip_error("cannot inflate an entry", e))?;
    Ok(data)
}

/// The artifact of the entry `name` (kind and MIME type from the name), its bytes at `source`.
fn entry_artifact(name: &str, ident: Option<&Ident>, source: ArtifactSource) -> Artifact {
    let mut artifact = Artifact::new(kind_for_entry(name, ident), name, source);
    artifact.mime_type = mime_for(name);
    artifact
}

/// Every file of the result ZIP as an artifact with its bytes inline.
pub fn artifacts_from_zip(zip: &[u8], ident: Option<&Ident>) -> Result<Vec<Artifact>> {
    let mut archive = open(Cursor::new(zip))?;
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let Some(mut file) = file_at(&mut archive, i)? else {
            continue;
        };
        let name = file.name().to_string();
        let capacity = file.size().min(64 * 1024 * 1024) as usize;
        let data = Bytes::from(inflate(&mut file, capacity)?);
        out.push(entry_artifact(
            &name,
            ident,
            ArtifactSource::Inline { data },
        ));
    }
    Ok(out)
}

/// The bytes of one entry of the result ZIP.
pub fn read_zip_entry(zip: &[u8], entry: &str) -> Result<Bytes> {
    let mut archive = open(Cursor::new(zip))?;
    let mut file = archive.by_name(entry).map_err(|_| {
        Error::new(
            ErrorKind::NotFound,
            format!("the result ZIP has no entry {entry:?}"),
        )
        .with_provider(Provider::Idnow)
    })?;
    Ok(Bytes::from(inflate(&mut file, 0)?))
}

/// Streams every file of a result ZIP on disk into `dir` (created if missing), one entry at a
/// time, and returns each artifact with where it was written. Entry names that would escape
/// `dir` are refused.
pub fn extract_zip_to_dir(
    zip_path: &Path,
    dir: &Path,
    ident: Option<&Ident>,
) -> Result<Vec<(Artifact, PathBuf)>> {
    let io = |what: &str, e: std::io::Error| zip_error(what, e);
    let file = std::fs::File::open(zip_path).map_err(|e| io("cannot open", e))?;
    let mut archive = open(std::io::BufReader::new(file))?;
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create the target directory", e))?;
    let mut out = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let Some(mut entry) = file_at(&mut archive, i)? else {
            continue;
        };
        let name = entry.name().to_string();
        let Some(relative) = entry.enclosed_name() else {
            return Err(zip_error(
                "unsafe entry name",
                format!("{name:?} would leave the target directory"),
            ));
        };
        let target = dir.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("cannot create a directory", e))?;
        }
        let mut out_file =
            std::fs::File::create(&target).map_err(|e| io("cannot create a file", e))?;
        std::io::copy(&mut entry, &mut out_file).map_err(|e| io("cannot write an entry", e))?;
        let source = ArtifactSource::ResultArchive {
            entry: name.clone(),
        };
        out.push((entry_artifact(&name, ident, source), target));
    }
    Ok(out)
}

/// Verifies the XML result signature: `signature` over `xml` with SHA-512, checked with the
/// provider's public key in PEM (`-----BEGIN PUBLIC KEY-----`, RSA or EC). `Ok(false)` when the
/// signature does not match; an error when the key cannot be read.
pub fn verify_xml_signature(xml: &[u8], signature: &[u8], public_key_pem: &[u8]) -> Result<bool> {
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::sign::Verifier;
    let key = PKey::public_key_from_pem(public_key_pem)
        .map_err(|_| Error::configuration("idnow.signing_public_key", "is not a PEM public key"))?;
    let mut verifier = Verifier::new(MessageDigest::sha512(), &key)
        .map_err(|e| Error::new(ErrorKind::Provider, format!("cannot verify: {e}")))?;
    verifier
        .update(xml)
        .map_err(|e| Error::new(ErrorKind::Provider, format!("cannot verify: {e}")))?;
    Ok(verifier.verify(signature).unwrap_or(false))
}

/// Finds the XML result and its `.sig` in a result ZIP and verifies them with
/// [`verify_xml_signature`]. An error when either file is missing.
pub fn verify_result_archive(zip: &[u8], public_key_pem: &[u8]) -> Result<bool> {
    let mut archive = open(Cursor::new(zip))?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let ending_in = |suffix: &str| {
        names
            .iter()
            .find(|n| n.to_ascii_lowercase().ends_with(suffix))
            .cloned()
    };
    let sig = ending_in(".xml.sig")
        .or_else(|| ending_in(".sig"))
        .ok_or_else(|| zip_error("no signature", "the archive holds no .sig file"))?;
    let xml_name = sig
        .strip_suffix(".sig")
        .filter(|n| names.iter().any(|x| x == n))
        .map(str::to_string)
        .or_else(|| ending_in(".xml"))
        .ok_or_else(|| zip_error("no XML result", "the archive holds no .xml file"))?;
    let mut read = |name: &str| -> Result<Vec<u8>> {
        let mut f = archive
            .by_name(name)
            .map_err(|e| zip_error("cannot read an entry", e))?;
        inflate(&mut f, 0)
    };
    let xml = read(&xml_name)?;
    let signature = read(&sig)?;
    verify_xml_signature(&xml, &signature, public_key_pem)
}
