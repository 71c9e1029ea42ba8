//! Result encryption: the `x-scr-*` headers against the `openssl` command line, and decryption
//! of every accepted content encryption with its three distinct failure modes.

use kyc_core::{ErrorKind, Secret};
use kyc_postident::crypto::{self, PrivateKey, SUPPORTED_ENC};
use kyc_postident::error::PostidentError;
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixed_key() -> PrivateKey {
    let pem = std::fs::read_to_string(fixture("test-only-rsa-3072.pkcs8.pem")).unwrap();
    PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

/// Runs `command`, which must succeed (the failure names it and shows its stderr); its standard
/// output.
fn run(command: &mut Command) -> String {
    let out = command.output().expect("the command runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The documented recipe, run by the real `openssl` binary through a shell pipeline.
fn openssl_key_hash(pub_pem: &std::path::Path, password: &str) -> String {
    let hash = run(Command::new("sh")
        .arg("-c")
        .arg(r#"openssl rsa -pubin -in "$PUB" -outform DER 2>/dev/null | openssl dgst -sha256 -hmac "$PW" -binary | base64"#)
        .env("PUB", pub_pem)
        .env("PW", password));
    hash.trim().to_string()
}

#[test]
fn key_hash_equals_the_openssl_command_line() {
    let key = fixed_key();
    let dir = tempfile::tempdir().unwrap();
    let pub_pem = dir.path().join("pub.pem");
    std::fs::write(&pub_pem, key.public_key_pem()).unwrap();
    for password in ["sandbox-data-password", "Daten passwört §$ with spaces"] {
        let ours = key.scr_headers(&Secret::new(password)).unwrap();
        assert_eq!(
            ours.key_hash,
            openssl_key_hash(&pub_pem, password),
            "password {password:?}"
        );
        assert_eq!(ours.alg(), "RSA-OAEP-256");
    }
}

#[test]
fn key_header_is_the_public_key_pem_body_on_one_line() {
    let key = fixed_key();
    let dir = tempfile::tempdir().unwrap();
    let private = fixture("test-only-rsa-3072.pkcs8.pem");
    let pem = run(Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&private));
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let headers = key.scr_headers(&Secret::new("pw")).unwrap();
    assert_eq!(headers.key, body);
    assert!(!headers.key.contains('\n') && headers.key.ends_with('='));
    assert_eq!(key.public_key_pem(), pem);
    drop(dir);
}

#[test]
fn every_standard_content_encryption_decrypts() {
    let key = fixed_key();
    let payload = std::fs::read(fixture("guide-7.4.1-case-video-success.json")).unwrap();
    for enc in SUPPORTED_ENC {
        let jwe = crypto::encrypt_compact(key.public_key_der(), &payload, enc).unwrap();
        assert_eq!(key.decrypt(jwe.as_bytes()).unwrap(), payload, "{enc}");
    }
}

fn decryption_error(result: Result<Vec<u8>, PostidentError>) -> PostidentError {
    let e = result.expect_err("must fail");
    assert_eq!(e.kind(), ErrorKind::Decryption, "{e:?}");
    e
}

#[test]
fn wrong_key_corrupt_jwe_and_plain_body_are_distinct_errors() {
    let key = fixed_key();
    let other = PrivateKey::generate().unwrap();
    let jwe = crypto::encrypt_compact(other.public_key_der(), b"{}", "A256GCM").unwrap();
    let e = decryption_error(key.decrypt(jwe.as_bytes()));
    assert!(matches!(e, PostidentError::WrongKey { .. }), "{e:?}");
    assert!(e.to_string().contains(&key.fingerprint()), "{e}");

    let good = crypto::encrypt_compact(key.public_key_der(), b"{\"a\":1}", "A256GCM").unwrap();
    // Flip one character of the ciphertext: the GCM tag no longer verifies.
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let c = parts[3].remove(0);
    parts[3].insert(0, if c == 'A' { 'B' } else { 'A' });
    let tampered = parts.join(".");
    let e = decryption_error(key.decrypt(tampered.as_bytes()));
    assert!(matches!(e, PostidentError::CorruptJwe { .. }), "{e:?}");

    for garbage in [
        "abc.def",
        "####.....",
        "",
        "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.x.y.z.w",
    ] {
        let e = decryption_error(key.decrypt(garbage.as_bytes()));
        assert!(
            matches!(e, PostidentError::CorruptJwe { .. }),
            "{garbage}: {e:?}"
        );
    }

    let e = decryption_error(key.decrypt(br#"{"caseId":"YR9W91GEZK24"}"#));
    assert!(matches!(e, PostidentError::PlainBody), "{e:?}");
    assert!(e.to_string().contains("plain JSON"));
}

#[test]
fn an_unexpected_key_algorithm_is_named() {
    let key = fixed_key();
    let enc = josekit::jwe::RSA_OAEP
        .encrypter_from_der(key.public_key_der())
        .unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    let jwe = josekit::jwe::serialize_compact(b"{}", &header, &enc).unwrap();
    let e = key.decrypt(jwe.as_bytes()).unwrap_err();
    assert!(matches!(e, PostidentError::UnsupportedJwe { .. }), "{e:?}");
    assert!(e.to_string().contains("RSA-OAEP"), "{e}");
    assert_eq!(kyc_core::Error::from(e).kind(), ErrorKind::Decryption);
}
