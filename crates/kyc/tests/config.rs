//! Configuration: TOML, environment overrides, secrets from env/file, provider choice, and
//! errors that name the key and the valid choices.

use kyc::{Config, ErrorKind, Provider};
use std::io::Write;

const IDNOW: &str = r#"
provider = "idnow"
[idnow]
base_url = "http://127.0.0.1:9/idnow"
company_id = "sandboxco"
api_key = "sandbox-api-key"
"#;

fn postident_toml(extra: &str) -> String {
    format!(
        r#"
provider = "postident"
[postident]
base_url = "http://127.0.0.1:9/postident/api"
client_id = "SANDBOX01"
username = "sandbox"
password = "sandbox-password"
{extra}
"#
    )
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The IDnow adapter's configuration the `[idnow]` section of `cfg` builds.
fn idnow_adapter(cfg: &Config) -> kyc_idnow::IdnowConfig {
    cfg.idnow
        .as_ref()
        .expect("[idnow] section")
        .to_adapter_config(&cfg.http)
        .expect("IDnow adapter configuration")
}

/// The POSTIDENT adapter's configuration the `[postident]` section of `cfg` builds.
fn postident_adapter(cfg: &Config) -> kyc_postident::PostidentConfig {
    cfg.postident
        .as_ref()
        .expect("[postident] section")
        .to_adapter_config(&cfg.http)
        .expect("POSTIDENT adapter configuration")
}

fn config_error(text: &str, vars: &[(&str, &str)]) -> String {
    let result = Config::from_toml_with_env(text, env(vars)).and_then(|c| kyc::connect(&c));
    match result {
        Ok(_) => panic!("expected a configuration error"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
            e.to_string()
        }
    }
}

#[test]
fn one_key_chooses_the_provider() {
    let idnow = kyc::connect(&Config::from_toml(IDNOW).unwrap()).unwrap();
    assert_eq!(idnow.provider(), Provider::Idnow);
    let both = format!(
        "{IDNOW}\n{}",
        postident_toml("encryption = false").replace("provider = \"postident\"", "")
    );
    let cfg = Config::from_toml_with_env(&both, env(&[("KYC_PROVIDER", "postident")])).unwrap();
    assert_eq!(kyc::connect(&cfg).unwrap().provider(), Provider::Postident);
    let cfg = Config::from_toml(&both).unwrap();
    assert_eq!(kyc::connect(&cfg).unwrap().provider(), Provider::Idnow);
}

#[test]
fn an_unknown_provider_names_the_valid_choices() {
    let msg = config_error("provider = \"acme\"", &[]);
    assert!(msg.contains("provider"), "{msg}");
    assert!(msg.contains("\"idnow\", \"postident\""), "{msg}");
}

#[test]
fn a_missing_credential_names_the_key() {
    let msg = config_error(&IDNOW.replace("api_key = \"sandbox-api-key\"", ""), &[]);
    assert!(msg.contains("idnow.api_key"), "{msg}");
    assert!(msg.contains("KYC_IDNOW__API_KEY"), "{msg}");
    let msg = config_error(
        &postident_toml("encryption = false").replace("password = \"sandbox-password\"", ""),
        &[],
    );
    assert!(msg.contains("postident.password"), "{msg}");
    let msg = config_error(&postident_toml(""), &[]);
    assert!(
        msg.contains("postident.private_key"),
        "encryption is on by default: {msg}"
    );
    let msg = config_error("provider = \"idnow\"", &[]);
    assert!(msg.contains("idnow"), "{msg}");
}

#[test]
fn unknown_environments_and_keys_are_named() {
    let msg = config_error(
        "provider = \"idnow\"\n[idnow]\nenvironment = \"moon\"\ncompany_id = \"x\"\napi_key = \"k\"",
        &[],
    );
    assert!(
        msg.contains("idnow.environment") && msg.contains("test-de"),
        "{msg}"
    );
    let msg = config_error(&IDNOW.replace("company_id", "compnay_id"), &[]);
    assert!(msg.contains("compnay_id"), "{msg}");
    let msg = config_error(
        "provider = \"postident\"\n[postident]\nenvironment = \"staging\"",
        &[],
    );
    assert!(
        msg.contains("postident.environment") && msg.contains("integration"),
        "{msg}"
    );
}

#[test]
fn plain_http_is_refused_except_on_loopback() {
    let msg = config_error(&IDNOW.replace("127.0.0.1:9", "gateway.example.com"), &[]);
    assert!(
        msg.contains("idnow.base_url") && msg.contains("https"),
        "{msg}"
    );
    let ok = IDNOW.replace("http://127.0.0.1:9", "https://gateway.example.com");
    kyc::connect(&Config::from_toml(&ok).unwrap()).unwrap();
}

#[test]
fn named_environments_resolve_to_the_documented_hosts() {
    let cfg = Config::from_toml(
        "provider = \"idnow\"\n[idnow]\nenvironment = \"test-de\"\ncompany_id = \"x\"\napi_key = \"k\"",
    )
    .unwrap();
    let adapter = idnow_adapter(&cfg);
    assert_eq!(adapter.base_url.host_str(), Some("gateway.test.idnow.de"));
    let cfg = Config::from_toml(
        "provider = \"postident\"\n[postident]\nenvironment = \"integration\"\nclient_id = \"C\"\nusername = \"u\"\npassword = \"p\"\nencryption = false",
    )
    .unwrap();
    let adapter = postident_adapter(&cfg);
    assert_eq!(
        adapter.base_url.host_str(),
        Some("postident-itu.deutschepost.de")
    );
}

#[test]
fn production_postident_without_encryption_is_refused_not_silently_accepted() {
    let text = "provider = \"postident\"\n[postident]\nenvironment = \"production\"\nclient_id = \"C\"\nusername = \"u\"\npassword = \"p\"\nencryption = false";
    let err = Config::from_toml(text)
        .and_then(|c| kyc::connect(&c))
        .err()
        .expect("production without encryption must fail");
    assert!(err.to_string().to_lowercase().contains("encrypt"), "{err}");
}

#[test]
fn secrets_come_from_text_environment_or_files() {
    // From a file, trailing newline removed.
    let mut key_file = tempfile::NamedTempFile::new().unwrap();
    writeln!(key_file, "sandbox-api-key").unwrap();
    let text = IDNOW.replace(
        "api_key = \"sandbox-api-key\"",
        &format!("api_key = {{ file = {:?} }}", key_file.path()),
    );
    let cfg = Config::from_toml(&text).unwrap();
    let adapter = idnow_adapter(&cfg);
    assert_eq!(adapter.api_key.expose(), "sandbox-api-key");

    // From an environment variable that is not set: the error names key and variable.
    let text = IDNOW.replace(
        "api_key = \"sandbox-api-key\"",
        "api_key = { env = \"KYC_TEST_SURELY_UNSET_VARIABLE\" }",
    );
    let msg = config_error(&text, &[]);
    assert!(
        msg.contains("idnow.api_key") && msg.contains("KYC_TEST_SURELY_UNSET_VARIABLE"),
        "{msg}"
    );

    // From a missing file.
    let text = IDNOW.replace(
        "api_key = \"sandbox-api-key\"",
        "api_key = { file = \"/nonexistent/kyc/secret\" }",
    );
    let msg = config_error(&text, &[]);
    assert!(
        msg.contains("idnow.api_key") && msg.contains("/nonexistent/kyc/secret"),
        "{msg}"
    );
}

#[test]
fn environment_overrides_win_over_the_file_and_keep_types() {
    let cfg = Config::from_toml_with_env(
        IDNOW,
        env(&[
            ("KYC_IDNOW__API_KEY", "from-env"),
            ("KYC_IDNOW__COMPANY_ID", "12345"),
            ("KYC_HTTP__MAX_RETRIES", "0"),
            ("KYC_HTTP__READ_TIMEOUT_MS", "1234"),
            ("KYC_IDNOW__WEBHOOK__ALLOWED_IPS", "127.0.0.1, 10.0.0.0/8"),
            ("UNRELATED", "ignored"),
        ]),
    )
    .unwrap();
    let adapter = idnow_adapter(&cfg);
    assert_eq!(adapter.api_key.expose(), "from-env");
    assert_eq!(adapter.company_id, "12345");
    assert_eq!(adapter.http.max_retries, 0);
    assert_eq!(
        adapter.http.read_timeout,
        std::time::Duration::from_millis(1234)
    );
    let allow = adapter.webhook.allowlist.expect("allowlist from env");
    assert!(allow.contains("10.1.2.3".parse().unwrap()));
    let msg = Config::from_toml_with_env(IDNOW, env(&[("KYC_HTTP__MAX_RETRIES", "many")]))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("KYC_HTTP__MAX_RETRIES"), "{msg}");
}

#[test]
fn webhook_sections_build_the_verifier() {
    let text = format!(
        "{IDNOW}\n[idnow.webhook]\nusername = \"idnow\"\npassword = \"hook-secret\"\nallowed_ips = [\"213.95.145.0/27\"]"
    );
    let cfg = Config::from_toml(&text).unwrap();
    let adapter = idnow_adapter(&cfg);
    let basic = adapter.webhook.basic.expect("basic auth");
    assert_eq!(basic.username(), "idnow");
    assert!(adapter
        .webhook
        .allowlist
        .unwrap()
        .contains("213.95.145.7".parse().unwrap()));
    let msg = config_error(
        &format!("{IDNOW}\n[idnow.webhook]\nusername = \"idnow\""),
        &[],
    );
    assert!(msg.contains("idnow.webhook.password"), "{msg}");
    let defaults = Config::from_toml(&postident_toml(
        "encryption = false\n[postident.webhook]\nallowed_ips = \"default\"",
    ))
    .unwrap();
    let adapter = postident_adapter(&defaults);
    assert!(adapter
        .webhook
        .allowlist
        .unwrap()
        .contains("199.40.127.49".parse().unwrap()));
}

#[test]
fn debug_of_the_configuration_never_shows_secrets() {
    let cfg = Config::from_toml(&format!(
        "{IDNOW}\n[idnow.webhook]\nusername = \"idnow\"\npassword = \"hook-secret\""
    ))
    .unwrap();
    let adapter = idnow_adapter(&cfg);
    for debug in [format!("{cfg:?}"), format!("{adapter:?}")] {
        for secret in ["sandbox-api-key", "hook-secret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}

#[test]
fn postident_encryption_reads_the_private_key() {
    let key = kyc_postident::PrivateKey::generate().unwrap();
    let mut pem = tempfile::NamedTempFile::new().unwrap();
    pem.write_all(key.to_pkcs8_pem().unwrap().expose().as_bytes())
        .unwrap();
    let text = postident_toml(&format!(
        "encryption = true\nprivate_key = {{ file = {:?} }}\ndata_password = \"sandbox-data-password\"",
        pem.path()
    ));
    let p = kyc::connect(&Config::from_toml(&text).unwrap()).unwrap();
    assert_eq!(p.provider(), Provider::Postident);
    let bad =
        postident_toml("encryption = true\nprivate_key = \"not a pem\"\ndata_password = \"x\"");
    let msg = config_error(&bad, &[]);
    assert!(msg.contains("postident.private_key"), "{msg}");
    assert!(!msg.contains("not a pem"), "{msg}");
}

#[test]
fn other_kyc_variables_are_not_configuration() {
    // The `kyc` tool's own variables, the tests' and an application's: none is an override.
    let cfg = Config::from_toml_with_env(
        IDNOW,
        env(&[
            ("KYC_LOG", "info"),
            ("KYC_DATA_PASSWORD", "geheim"),
            ("KYC_CONFIG", "/etc/kyc.toml"),
            ("KYC_TRACE_DUMP", "/tmp/trace.log"),
            ("KYC_IDNOW_API_KEY", "one underscore: not an override"),
            ("KYC_APP_SETTING", "x"),
        ]),
    )
    .expect("KYC_* variables outside the override pattern are left alone");
    let adapter = idnow_adapter(&cfg);
    assert_eq!(adapter.api_key.expose(), "sandbox-api-key");
    for name in kyc::config::NOT_CONFIGURATION {
        assert_eq!(kyc::config::override_key(name), None, "{name}");
    }
    assert_eq!(
        kyc::config::override_key("KYC_POSTIDENT__WEBHOOK__PASSWORD").as_deref(),
        Some("postident.webhook.password")
    );
}

#[test]
fn a_wrong_override_names_the_variable() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "KYC_IDNOW__APIKEY",
            "x",
            &["KYC_IDNOW__APIKEY", "idnow.apikey", "KYC_IDNOW__API_KEY"],
        ),
        (
            "KYC_IDNOW__BASE_URL",
            "gateway without scheme",
            &["KYC_IDNOW__BASE_URL", "idnow.base_url", "URL"],
        ),
        (
            "KYC_POSTIDENT__ENCRYPTION",
            "maybe",
            &["KYC_POSTIDENT__ENCRYPTION", "true or false"],
        ),
        (
            "KYC_HTTP__MAX_RETRIES",
            "-1",
            &["KYC_HTTP__MAX_RETRIES", "whole number"],
        ),
        ("KYC_PROVIDER", "acme", &["KYC_PROVIDER", "\"idnow\""]),
        (
            "KYC_HTTP__RETRIES",
            "2",
            &["KYC_HTTP__RETRIES", "KYC_HTTP__MAX_RETRIES"],
        ),
    ];
    for (name, value, expected) in cases {
        let msg = config_error(IDNOW, &[(name, value)]);
        for part in *expected {
            assert!(msg.contains(part), "{name}={value}: {msg}");
        }
        assert!(!msg.contains("sandbox-api-key"), "{msg}");
    }
}

#[test]
fn default_allowed_ips_without_documented_ranges_is_refused_at_load() {
    // IDnow documents source ranges per environment; a base_url has none, and "default" would
    // silently reject every webhook.
    let text = format!("{IDNOW}\n[idnow.webhook]\nallowed_ips = \"default\"");
    let err = Config::from_toml(&text).expect_err("refused when loading, not at the first webhook");
    assert_eq!(err.kind(), ErrorKind::Configuration);
    let msg = err.to_string();
    assert!(
        msg.contains("idnow.webhook.allowed_ips") && msg.contains("base_url"),
        "{msg}"
    );
    assert!(msg.contains("list the addresses"), "says what to do: {msg}");
    let msg = Config::from_toml_with_env(
        IDNOW,
        env(&[("KYC_IDNOW__WEBHOOK__ALLOWED_IPS", "default")]),
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("idnow.webhook.allowed_ips"), "{msg}");
    // With a named environment "default" has its documented ranges.
    let named = "provider = \"idnow\"\n[idnow]\nenvironment = \"live-de\"\ncompany_id = \"x\"\napi_key = \"k\"\n[idnow.webhook]\nallowed_ips = \"default\"";
    Config::from_toml(named).expect("documented ranges");
    // A list entry that is no address names the key.
    let msg = config_error(
        &format!("{IDNOW}\n[idnow.webhook]\nallowed_ips = [\"10.0.0.0/33\"]"),
        &[],
    );
    assert!(msg.contains("idnow.webhook.allowed_ips"), "{msg}");
}

#[test]
fn the_webhook_password_is_read_only_when_webhooks_are_verified() {
    let text = format!(
        "{IDNOW}\n[idnow.webhook]\nusername = \"idnow\"\npassword = {{ env = \"KYC_TEST_SURELY_UNSET_HOOK_PASSWORD\" }}"
    );
    let cfg = Config::from_toml(&text).expect("loading reads no secret");
    // Listing, creating, archiving: no webhook password needed.
    let provider = kyc::config::connect_api_only(&cfg).expect("API-only connection");
    // ... and such a provider accepts no webhook at all.
    let request = kyc::webhook::WebhookRequest::new(
        http::HeaderMap::new(),
        bytes::Bytes::from_static(b"{}"),
        Some("127.0.0.1".parse().unwrap()),
    );
    let err = provider.verify_webhook(&request).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    // Verifying webhooks needs it, and says where it was looked for.
    let msg = kyc::connect(&cfg)
        .err()
        .expect("password required")
        .to_string();
    assert!(
        msg.contains("idnow.webhook.password")
            && msg.contains("KYC_TEST_SURELY_UNSET_HOOK_PASSWORD"),
        "{msg}"
    );
    // A half-written section is still an error at load time.
    let msg = config_error(
        &format!("{IDNOW}\n[idnow.webhook]\nusername = \"idnow\""),
        &[],
    );
    assert!(msg.contains("idnow.webhook.password"), "{msg}");
}

#[test]
fn relative_secret_files_are_read_from_the_configuration_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("secrets")).unwrap();
    std::fs::write(dir.path().join("secrets/api_key"), "key-from-file\n").unwrap();
    let text = IDNOW.replace(
        "api_key = \"sandbox-api-key\"",
        "api_key = { file = \"secrets/api_key\" }",
    );
    std::fs::write(dir.path().join("kyc.toml"), &text).unwrap();
    // The tests run in the crate's folder, not in `dir`.
    assert!(!std::path::Path::new("secrets/api_key").exists());
    let cfg = Config::load(dir.path().join("kyc.toml")).unwrap();
    let adapter = idnow_adapter(&cfg);
    assert_eq!(adapter.api_key.expose(), "key-from-file");

    // A missing one names the path it looked at.
    std::fs::write(
        dir.path().join("kyc.toml"),
        text.replace("secrets/api_key", "secrets/absent"),
    )
    .unwrap();
    let cfg = Config::load(dir.path().join("kyc.toml")).unwrap();
    let msg = kyc::connect(&cfg).err().unwrap().to_string();
    let expected = dir.path().join("secrets/absent");
    assert!(msg.contains(&expected.display().to_string()), "{msg}");
}

#[test]
fn syntax_errors_and_unknown_keys_give_line_and_column() {
    let text = "provider = \"idnow\"\n[idnow]\nbase_url = \"http://127.0.0.1:9/idnow\"\napi_key = \"sandbox-api-key\"\ncompany_id = sandboxco\n";
    let msg = Config::from_toml(text).unwrap_err().to_string();
    assert!(msg.contains("line 5, column 14"), "{msg}");
    assert!(
        !msg.contains("sandbox-api-key"),
        "no excerpt of the file: {msg}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kyc.toml");
    std::fs::write(&path, IDNOW.replace("company_id", "compnay_id")).unwrap();
    let msg = Config::load(&path).unwrap_err().to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("line 5, column 1"), "{msg}");
    assert!(msg.contains("compnay_id"), "{msg}");
}
