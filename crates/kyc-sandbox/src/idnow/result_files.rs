//! The files of an IDnow result: a small valid PDF, small valid JPEGs, the XML result and its
//! `.sig` signature (`openssl dgst -sha512 -sign` with a sandbox RSA key), and the ZIP that holds
//! them under the names the `attachments` section gives.

use std::io::Write;
use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;

/// An 8x8 grey baseline JPEG (JFIF), built by hand: one quantisation table, one DC and one AC
/// Huffman table with a single one-bit code each, and a scan whose only block has DC difference
/// 0 and an immediate end-of-block.
pub(crate) const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, // SOI
    0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x00, 0x00, // APP0 JFIF 1.1, aspect 1:1, no thumbnail
    0xFF, 0xDB, 0x00, 0x43, 0x00, // DQT, 8-bit table 0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, // 64 quantisation values
    0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11,
    0x00, // SOF0: 8 bit, 8x8, one component, 1x1 sampling, table 0
    0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, // DHT DC 0: one code of length 1 -> category 0
    0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, // DHT AC 0: one code of length 1 -> EOB
    0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, // SOS
    0x3F, // bits 0 (DC diff 0), 0 (EOB), padded with ones
    0xFF, 0xD9, // EOI
];

/// The sandbox's XML signing key (RSA 2048), made once per process.
fn signing_key() -> &'static PKey<Private> {
    static KEY: OnceLock<PKey<Private>> = OnceLock::new();
    KEY.get_or_init(|| {
        let rsa = Rsa::generate(2048).expect("openssl can generate an RSA key");
        PKey::from_rsa(rsa).expect("an RSA key is a PKey")
    })
}

/// The public key that verifies the `.sig` files, as PEM (`-----BEGIN PUBLIC KEY-----`).
pub(crate) fn signing_public_key_pem() -> String {
    let pem = signing_key()
        .public_key_to_pem()
        .expect("a public key serialises to PEM");
    String::from_utf8_lossy(&pem).into_owned()
}

/// `openssl dgst -sha512 -sign key.pem file.xml` (RSA PKCS#1 v1.5 over SHA-512).
pub(crate) fn sign(data: &[u8]) -> Vec<u8> {
    let mut signer =
        Signer::new(MessageDigest::sha512(), signing_key()).expect("SHA-512 RSA signer");
    signer.update(data).expect("signer accepts data");
    signer.sign_to_vec().expect("RSA signing succeeds")
}

/// A one-page PDF (valid structure, correct cross-reference table) showing `lines` as text.
pub(crate) fn pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut text = String::from("BT /F1 16 Tf 50 790 Td (");
    text.push_str(&pdf_escape(title));
    text.push_str(") Tj /F1 10 Tf");
    for line in lines {
        text.push_str(" 0 -16 Td (");
        text.push_str(&pdf_escape(line));
        text.push_str(") Tj");
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".to_string(),
        })
        .collect()
}

/// Packs `(file name, bytes)` pairs into a ZIP archive.
pub(crate) fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if writer.start_file(name.as_str(), options).is_ok() {
            let _ = writer.write_all(data);
        }
    }
    writer
        .finish()
        .map(|cursor| cursor.into_inner())
        .unwrap_or_default()
}

/// SHA-256 as lower-case hex.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    openssl::sha::sha256(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A 200 answer carrying `bytes` as `content_type`.
pub(crate) fn file_response(content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_verifies_with_the_public_key() {
        let sig = sign(b"<xml/>");
        let public = PKey::public_key_from_pem(signing_public_key_pem().as_bytes()).unwrap();
        let mut verifier = openssl::sign::Verifier::new(MessageDigest::sha512(), &public).unwrap();
        verifier.update(b"<xml/>").unwrap();
        assert!(verifier.verify(&sig).unwrap());
    }

    #[test]
    fn pdf_cross_reference_points_at_objects() {
        let bytes = pdf("Title (x)", &["line".to_string()]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[startxref..].starts_with("xref"));
        let first_offset: usize = text[startxref..].lines().nth(3).unwrap()[..10]
            .parse()
            .unwrap();
        assert!(text[first_offset..].starts_with("1 0 obj"));
    }

    #[test]
    fn jpeg_has_markers() {
        assert_eq!(&TINY_JPEG[..2], &[0xFF, 0xD8]);
        assert_eq!(&TINY_JPEG[TINY_JPEG.len() - 2..], &[0xFF, 0xD9]);
    }
}
