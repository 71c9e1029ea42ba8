//! POSTIDENT sandbox, result encryption over real HTTP: key hash check against the data
//! password, compact JWE (RSA-OAEP-256) decrypted here with josekit, configurable `enc`,
//! plain answers when allowed, refusal when encryption is required.

use crate::support::postident::*;
use crate::support::send;
use kyc_sandbox::postident::PostidentOptions;
use serde_json::Value;

#[tokio::test]
async fn answers_are_a_compact_jwe_when_the_key_headers_are_sent() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let id = create_id(&sb, "ENC-1").await;
    play(&sb, &id, "video", "success").await;
    let (_, _, plain) = get_json(&sb, &format!("/{id}")).await;

    let resp = keys
        .get(&sb, &format!("/{id}"), sb.postident().data_password())
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/jose");
    let body = resp.text().await.unwrap();
    assert_eq!(body.split('.').count(), 5, "compact serialization");
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            body.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RSA-OAEP-256");
    let (payload, enc) = keys.decrypt(&body);
    assert_eq!(enc, "A256GCM");
    assert_eq!(payload, plain, "the payload is the normal result JSON");

    // Lists and status reads are encrypted the same way.
    for suffix in ["", "/status/full", &format!("/{id}/status")] {
        let body = keys.get_encrypted(&sb, suffix).await;
        let (payload, _) = keys.decrypt(&body);
        assert!(payload.is_array() || payload.is_object(), "{suffix}");
    }
}

#[tokio::test]
async fn the_content_encryption_is_configurable() {
    for enc in ["A128GCM", "A128CBC-HS256", "A256CBC-HS512"] {
        let sb = start(PostidentOptions {
            jwe_enc: enc.to_owned(),
            ..PostidentOptions::default()
        })
        .await;
        let keys = Keys::generate();
        let id = create_id(&sb, "ENC-2").await;
        let body = keys.get_encrypted(&sb, &format!("/{id}")).await;
        let (payload, got) = keys.decrypt(&body);
        assert_eq!(got, enc);
        assert_eq!(payload["caseId"], id.as_str());
    }
}

#[tokio::test]
async fn a_key_hash_made_with_another_data_password_is_refused() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let id = create_id(&sb, "ENC-3").await;
    let resp = keys
        .get(&sb, &format!("/{id}"), "not-the-data-password")
        .await;
    assert_eq!(resp.status(), 400);
    assert!(message_of(resp).await.contains("x-scr-keyhash"));

    // A hash of another key with the right password does not fit either.
    let other = Keys::generate();
    let others_hash = other.x_scr_keyhash(sb.postident().data_password());
    let resp = keys
        .get_with_keyhash(&sb, &format!("/{id}"), others_hash)
        .await;
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn incomplete_or_broken_key_headers_are_refused_naming_the_header() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let pw = sb.postident().data_password().to_owned();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![("x-scr-key", keys.x_scr_key())], "x-scr-keyhash"),
        (
            vec![("x-scr-keyhash", keys.x_scr_keyhash(&pw))],
            "x-scr-key",
        ),
        (
            vec![
                ("x-scr-key", keys.x_scr_key()),
                ("x-scr-keyhash", keys.x_scr_keyhash(&pw)),
                ("x-scr-alg", "RSA1_5".to_owned()),
            ],
            "x-scr-alg",
        ),
        (
            vec![
                ("x-scr-key", "not base64!".to_owned()),
                ("x-scr-keyhash", "AAAA".to_owned()),
            ],
            "x-scr-key",
        ),
    ];
    for (headers, named) in cases {
        let mut req = authed(&sb, http().get(url(&sb, "")));
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        let resp = send(req).await;
        assert_eq!(resp.status(), 400, "{named}");
        let message = message_of(resp).await;
        assert!(message.contains(named), "{message}");
    }
}

#[tokio::test]
async fn encryption_required_refuses_plain_requests() {
    let sb = start(PostidentOptions {
        encryption_required: true,
        ..PostidentOptions::default()
    })
    .await;
    let keys = Keys::generate();
    let id = create_id(&sb, "ENC-4").await;
    let resp = authed_get(&sb, &format!("/{id}")).await;
    assert_eq!(resp.status(), 400);
    assert!(message_of(resp).await.contains("encryption"));
    let resp = keys
        .get(&sb, &format!("/{id}"), sb.postident().data_password())
        .await;
    assert_eq!(resp.status(), 200);
    let (payload, _) = keys.decrypt(&resp.text().await.unwrap());
    assert_eq!(payload["caseId"], id.as_str());
}

#[tokio::test]
async fn errors_stay_plain_json_even_with_key_headers() {
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let resp = keys
        .get(&sb, "/NOSUCHCASE01", sb.postident().data_password())
        .await;
    assert_eq!(resp.status(), 404);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], 404);
}

#[tokio::test]
async fn key_hash_matches_the_openssl_command_line() {
    // public-facts.md: openssl rsa -pubin -in pub.pem -outform DER | openssl dgst -sha256 -hmac "$PW" -binary | base64
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: no openssl command");
        return;
    }
    let sb = start(PostidentOptions::default()).await;
    let keys = Keys::generate();
    let dir = std::env::temp_dir().join(format!("pi-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let der = dir.join("pub.der");
    std::fs::write(&der, &keys.spki_der).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl dgst -sha256 -hmac \"$PW\" -binary < {} | base64 -w0",
            der.display()
        ))
        .env("PW", sb.postident().data_password())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let cli_hash = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(cli_hash, keys.x_scr_keyhash(sb.postident().data_password()));
    let id = create_id(&sb, "ENC-5").await;
    let resp = keys
        .get_with_keyhash(&sb, &format!("/{id}"), cli_hash)
        .await;
    assert_eq!(resp.status(), 200);
}
