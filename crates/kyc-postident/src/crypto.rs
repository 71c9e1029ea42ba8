//! Result encryption (SCR-Ident API Guide 3, reconstructed in `public-facts.md`).
//!
//! POSTIDENT encrypts result bodies to a public key the client sends with each GET:
//!
//! * `x-scr-key`: standard Base64 (padded, one line) of the RSA public key as DER
//!   SubjectPublicKeyInfo — the body of a `-----BEGIN PUBLIC KEY-----` PEM without line breaks;
//! * `x-scr-keyhash`: Base64 of HMAC-SHA256 over those DER bytes, keyed with the UTF-8 bytes of
//!   the *data password* Deutsche Post issues with the account. The same value as
//!   `openssl rsa -pubin -in pub.pem -outform DER | openssl dgst -sha256 -hmac "$PW" -binary | base64`;
//! * `x-scr-alg: RSA-OAEP-256`.
//!
//! The answer is then a JWE in compact serialisation: key management `RSA-OAEP-256`, content
//! encryption read from the JWE header (`A256GCM` expected; `A128GCM`, `A192GCM`,
//! `A128CBC-HS256`, `A192CBC-HS384` and `A256CBC-HS512` accepted).
//!
//! Decryption fails with one of three distinct errors, all of kind
//! [`ErrorKind::Decryption`](kyc_core::ErrorKind::Decryption):
//! [`PostidentError::WrongKey`] (the content key was not encrypted to our key),
//! [`PostidentError::CorruptJwe`] (not a well-formed JWE, or its content fails authentication),
//! and [`PostidentError::PlainBody`] (a plain JSON body although we asked for encryption — the
//! account may not have encryption switched on).

use crate::error::PostidentError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use kyc_core::Secret;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::sign::Signer;
use std::fmt;
use zeroize::Zeroizing;

/// The header name carrying our public key.
pub const HEADER_KEY: &str = "x-scr-key";
/// The header name carrying the HMAC of our public key.
pub const HEADER_KEY_HASH: &str = "x-scr-keyhash";
/// The header name carrying the key management algorithm.
pub const HEADER_ALG: &str = "x-scr-alg";
/// The key management algorithm POSTIDENT uses.
pub const KEY_ALGORITHM: &str = "RSA-OAEP-256";
/// The content encryption values (`enc`) we decrypt.
pub const SUPPORTED_ENC: &[&str] = &[
    "A256GCM",
    "A192GCM",
    "A128GCM",
    "A256CBC-HS512",
    "A192CBC-HS384",
    "A128CBC-HS256",
];
/// The key size [`PrivateKey::generate`] uses (POSTIDENT recommends RSA 3072).
pub const GENERATED_KEY_BITS: u32 = 3072;
/// The smallest RSA key we accept.
pub const MIN_KEY_BITS: u32 = 2048;

/// The RSA private key results are encrypted to. Cheap to clone. `Debug` shows the key size and
/// a fingerprint of the public key, never the private key.
#[derive(Clone)]
pub struct PrivateKey {
    key: PKey<Private>,
    public_der: Vec<u8>,
}

impl PrivateKey {
    /// Loads an RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`, recommended) or
    /// PKCS#1 (`BEGIN RSA PRIVATE KEY`). Encrypted PEM is not supported. At least 2048 bits.
    pub fn from_pkcs8_pem(pem: &str) -> kyc_core::Result<PrivateKey> {
        let key = PKey::private_key_from_pem(pem.as_bytes()).map_err(|_| {
            PostidentError::Key(
                "not a readable RSA private key in PEM (expected an unencrypted PKCS#8 \
                 `-----BEGIN PRIVATE KEY-----`)"
                    .into(),
            )
        })?;
        Ok(PrivateKey::from_pkey(key)?)
    }

    /// Loads an RSA private key from PKCS#8 DER bytes.
    pub fn from_pkcs8_der(der: &[u8]) -> kyc_core::Result<PrivateKey> {
        let key = PKey::private_key_from_pkcs8(der).map_err(|_| {
            PostidentError::Key("not a readable RSA private key in PKCS#8 DER".into())
        })?;
        Ok(PrivateKey::from_pkey(key)?)
    }

    /// Generates a new RSA key of 3072 bits (takes a moment). Keep its
    /// [`PrivateKey::to_pkcs8_pem`] safe if results must stay readable later.
    pub fn generate() -> kyc_core::Result<PrivateKey> {
        let rsa = openssl::rsa::Rsa::generate(GENERATED_KEY_BITS)
            .map_err(|e| PostidentError::Key(format!("RSA key generation failed: {e}")))?;
        let key = PKey::from_rsa(rsa)
            .map_err(|e| PostidentError::Key(format!("RSA key generation failed: {e}")))?;
        Ok(PrivateKey::from_pkey(key)?)
    }

    fn from_pkey(key: PKey<Private>) -> Result<PrivateKey, PostidentError> {
        let rsa = key
            .rsa()
            .map_err(|_| PostidentError::Key("the key is not an RSA key".into()))?;
        let bits = rsa.size() * 8;
        if bits < MIN_KEY_BITS {
            return Err(PostidentError::Key(format!(
                "the RSA key has {bits} bits; at least {MIN_KEY_BITS} are required \
                 ({GENERATED_KEY_BITS} recommended)"
            )));
        }
        let public_der = key
            .public_key_to_der()
            .map_err(|e| PostidentError::Key(format!("cannot encode the public key: {e}")))?;
        Ok(PrivateKey { key, public_der })
    }

    /// The key size in bits.
    pub fn bits(&self) -> u32 {
        self.key.bits()
    }

    /// The private key as unencrypted PKCS#8 PEM. A secret: store it like one.
    pub fn to_pkcs8_pem(&self) -> kyc_core::Result<Secret> {
        let pem = self
            .key
            .private_key_to_pem_pkcs8()
            .map_err(|e| PostidentError::Key(format!("cannot encode the private key: {e}")))?;
        let text =
            String::from_utf8(pem).map_err(|_| PostidentError::Key("PEM is not UTF-8".into()))?;
        Ok(Secret::new(text))
    }

    /// The public key as DER SubjectPublicKeyInfo (what `x-scr-key` carries, Base64-encoded).
    pub fn public_key_der(&self) -> &[u8] {
        &self.public_der
    }

    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn public_key_pem(&self) -> String {
        let b64 = STANDARD.encode(&self.public_der);
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    }

    /// The first 8 bytes of SHA-256 over the public key, hex: a harmless way to tell keys apart.
    pub fn fingerprint(&self) -> String {
        match openssl::hash::hash(MessageDigest::sha256(), &self.public_der) {
            Ok(d) => d[..8].iter().map(|b| format!("{b:02x}")).collect(),
            Err(_) => "?".into(),
        }
    }

    /// The three request headers for this key and `data_password`.
    pub fn scr_headers(&self, data_password: &Secret) -> kyc_core::Result<ScrKeyHeaders> {
        Ok(ScrKeyHeaders {
            key: STANDARD.encode(&self.public_der),
            key_hash: key_hash(&self.public_der, data_password)?,
        })
    }

    /// Decrypts a compact JWE result body with this key (see the module docs for the errors).
    pub fn decrypt(&self, body: &[u8]) -> Result<Vec<u8>, PostidentError> {
        decrypt_compact(self, body)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.bits())
            .field("public_key_sha256_prefix", &self.fingerprint())
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// The values of `x-scr-key` and `x-scr-keyhash` (and the constant `x-scr-alg`).
#[derive(Clone, PartialEq, Eq)]
pub struct ScrKeyHeaders {
    /// `x-scr-key`: standard Base64 of the DER SubjectPublicKeyInfo.
    pub key: String,
    /// `x-scr-keyhash`: Base64 of HMAC-SHA256(data password, DER).
    pub key_hash: String,
}

impl ScrKeyHeaders {
    /// `x-scr-alg`.
    pub fn alg(&self) -> &'static str {
        KEY_ALGORITHM
    }
}

impl fmt::Debug for ScrKeyHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScrKeyHeaders")
            .field("key", &format_args!("{} Base64 chars", self.key.len()))
            .field("key_hash", &"[redacted]")
            .finish()
    }
}

/// `x-scr-keyhash`: standard Base64 of HMAC-SHA256 over `public_key_der`, keyed with the UTF-8
/// bytes of the data password.
pub fn key_hash(public_key_der: &[u8], data_password: &Secret) -> kyc_core::Result<String> {
    let mac = hmac_sha256(data_password.expose().as_bytes(), public_key_der)
        .map_err(|e| PostidentError::Key(format!("HMAC-SHA256 failed: {e}")))?;
    Ok(STANDARD.encode(mac))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let pkey = PKey::hmac(key)?;
    let mut signer = Signer::new(MessageDigest::sha256(), &pkey)?;
    signer.update(data)?;
    signer.sign_to_vec()
}

/// What a compact JWE's protected header says, read before decrypting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JweHeaderInfo {
    /// `alg`.
    pub alg: String,
    /// `enc`.
    pub enc: String,
}

/// True when `body` looks like a plain JSON document rather than a JWE.
fn looks_like_json(body: &[u8]) -> bool {
    let trimmed = body.trim_ascii_start();
    matches!(trimmed.first(), Some(b'{') | Some(b'['))
        || serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

/// True when `body` looks like a compact JWE: five base64url parts separated by dots (white
/// space around it ignored). JSON never does (it has braces or quotes). The one rule for every
/// place that must tell an encrypted answer from a plain one.
pub fn looks_like_jwe(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    // The alphabet first: it stops at the first byte of a JSON body.
    text.iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
        && text.iter().filter(|b| **b == b'.').count() == 4
}

fn corrupt(detail: impl Into<String>) -> PostidentError {
    PostidentError::CorruptJwe {
        detail: detail.into(),
    }
}

/// Reads and checks the protected header of a compact JWE.
pub fn inspect_header(body: &[u8]) -> Result<JweHeaderInfo, PostidentError> {
    let text = std::str::from_utf8(body.trim_ascii())
        .map_err(|_| corrupt("the body is not ASCII text"))?;
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 5 {
        return Err(corrupt(format!(
            "a compact JWE has 5 dot-separated parts, this body has {}",
            parts.len()
        )));
    }
    let header = URL_SAFE_NO_PAD
        .decode(parts[0])
        .map_err(|_| corrupt("the JWE header is not Base64url"))?;
    let header: serde_json::Value =
        serde_json::from_slice(&header).map_err(|_| corrupt("the JWE header is not JSON"))?;
    let claim = |name: &str| {
        header
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| corrupt(format!("the JWE header has no \"{name}\"")))
    };
    let info = JweHeaderInfo {
        alg: claim("alg")?,
        enc: claim("enc")?,
    };
    if info.alg != KEY_ALGORITHM {
        return Err(PostidentError::UnsupportedJwe {
            detail: format!("alg {} (expected {KEY_ALGORITHM})", info.alg),
        });
    }
    if !SUPPORTED_ENC.contains(&info.enc.as_str()) {
        return Err(PostidentError::UnsupportedJwe {
            detail: format!("enc {} (supported: {})", info.enc, SUPPORTED_ENC.join(", ")),
        });
    }
    Ok(info)
}

/// Decrypts a compact JWE with one RSA private-key operation: the content key is unwrapped
/// here (a failure there means another public key, [`PostidentError::WrongKey`]) and the
/// content is decrypted and authenticated with it directly (RFC 7516 5.2, RFC 7518 5.2 and 5.3).
fn decrypt_compact(key: &PrivateKey, body: &[u8]) -> Result<Vec<u8>, PostidentError> {
    if body.trim_ascii().is_empty() {
        return Err(corrupt("the body is empty"));
    }
    if looks_like_json(body) {
        return Err(PostidentError::PlainBody);
    }
    let info = inspect_header(body)?;
    let text = std::str::from_utf8(body.trim_ascii()).map_err(|_| corrupt("not ASCII"))?;
    let mut parts = text.split('.');
    let mut next = || parts.next().unwrap_or_default();
    let (protected, encrypted_key, iv, ciphertext, tag) = (next(), next(), next(), next(), next());
    let decode = |part: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| corrupt(format!("the JWE {what} is not Base64url")))
    };
    let encrypted_key = decode(encrypted_key, "encrypted key")?;
    if encrypted_key.is_empty() {
        return Err(corrupt("the JWE has no encrypted key"));
    }
    let content_key = unwrap_content_key(key, &encrypted_key)?;
    let content = ContentEncryption::from_enc(&info.enc)?;
    content.decrypt(
        &content_key,
        &decode(iv, "initialisation vector")?,
        &decode(ciphertext, "ciphertext")?,
        &decode(tag, "authentication tag")?,
        protected.as_bytes(),
    )
}

/// RSA-OAEP-256 decryption of the content encryption key: the one private-key operation.
fn unwrap_content_key(
    key: &PrivateKey,
    encrypted_key: &[u8],
) -> Result<ContentKey, PostidentError> {
    let wrong_key = || PostidentError::WrongKey {
        fingerprint: key.fingerprint(),
    };
    if encrypted_key.len() != key.key.size() {
        return Err(wrong_key());
    }
    let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&key.key).map_err(|_| wrong_key())?;
    ctx.decrypt_init().map_err(|_| wrong_key())?;
    ctx.set_rsa_padding(Padding::PKCS1_OAEP)
        .and_then(|_| ctx.set_rsa_oaep_md(openssl::md::Md::sha256()))
        .and_then(|_| ctx.set_rsa_mgf1_md(openssl::md::Md::sha256()))
        .map_err(|_| wrong_key())?;
    let mut out = ContentKey::new(Vec::new());
    ctx.decrypt_to_vec(encrypted_key, &mut out)
        .map_err(|_| wrong_key())?;
    Ok(out)
}

/// The content encryption key of one JWE, wiped when dropped.
type ContentKey = Zeroizing<Vec<u8>>;

/// The content encryption of [`SUPPORTED_ENC`]: AES-GCM, or AES-CBC with HMAC-SHA2.
#[derive(Clone, Copy)]
enum ContentEncryption {
    /// `A128GCM`, `A192GCM`, `A256GCM` (RFC 7518 5.3).
    Gcm { key_len: usize },
    /// `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512` (RFC 7518 5.2).
    CbcHmac { key_len: usize },
}

impl ContentEncryption {
    fn from_enc(enc: &str) -> Result<Self, PostidentError> {
        Ok(match enc {
            "A128GCM" => ContentEncryption::Gcm { key_len: 16 },
            "A192GCM" => ContentEncryption::Gcm { key_len: 24 },
            "A256GCM" => ContentEncryption::Gcm { key_len: 32 },
            "A128CBC-HS256" => ContentEncryption::CbcHmac { key_len: 32 },
            "A192CBC-HS384" => ContentEncryption::CbcHmac { key_len: 48 },
            "A256CBC-HS512" => ContentEncryption::CbcHmac { key_len: 64 },
            other => {
                return Err(PostidentError::UnsupportedJwe {
                    detail: format!("enc {other}"),
                })
            }
        })
    }

    fn decrypt(
        self,
        key: &ContentKey,
        iv: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, PostidentError> {
        use openssl::symm::{decrypt, decrypt_aead, Cipher};
        let key = key.as_slice();
        let fails = || corrupt("decryption failed: the content does not authenticate");
        match self {
            ContentEncryption::Gcm { key_len } => {
                if key.len() != key_len || iv.len() != 12 || tag.len() != 16 {
                    return Err(corrupt(
                        "the content key, initialisation vector or tag has the wrong length",
                    ));
                }
                let cipher = match key_len {
                    16 => Cipher::aes_128_gcm(),
                    24 => Cipher::aes_192_gcm(),
                    _ => Cipher::aes_256_gcm(),
                };
                decrypt_aead(cipher, key, Some(iv), aad, ciphertext, tag).map_err(|_| fails())
            }
            ContentEncryption::CbcHmac { key_len } => {
                if key.len() != key_len || iv.len() != 16 || tag.len() != key_len / 2 {
                    return Err(corrupt(
                        "the content key, initialisation vector or tag has the wrong length",
                    ));
                }
                let (mac_key, enc_key) = key.split_at(key_len / 2);
                let (digest, cipher) = match key_len {
                    32 => (MessageDigest::sha256(), Cipher::aes_128_cbc()),
                    48 => (MessageDigest::sha384(), Cipher::aes_192_cbc()),
                    _ => (MessageDigest::sha512(), Cipher::aes_256_cbc()),
                };
                let aad_bits = (aad.len() as u64 * 8).to_be_bytes();
                let mac = PKey::hmac(mac_key)
                    .and_then(|pkey| {
                        let mut signer = Signer::new(digest, &pkey)?;
                        for piece in [aad, iv, ciphertext, &aad_bits[..]] {
                            signer.update(piece)?;
                        }
                        signer.sign_to_vec()
                    })
                    .map_err(|_| fails())?;
                // Verified before anything is decrypted, in constant time.
                if !openssl::memcmp::eq(&mac[..key_len / 2], tag) {
                    return Err(fails());
                }
                decrypt(cipher, enc_key, Some(iv), ciphertext).map_err(|_| fails())
            }
        }
    }
}

/// Encrypts `payload` to `public_key_der` as POSTIDENT does (compact JWE, `RSA-OAEP-256`, the
/// given `enc`). For tests and simulators; the adapter itself only decrypts.
pub fn encrypt_compact(
    public_key_der: &[u8],
    payload: &[u8],
    enc: &str,
) -> kyc_core::Result<String> {
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption(enc);
    let encrypter = josekit::jwe::RSA_OAEP_256
        .encrypter_from_der(public_key_der)
        .map_err(|e| PostidentError::Key(format!("josekit refused the public key: {e}")))?;
    Ok(
        josekit::jwe::serialize_compact(payload, &header, &encrypter)
            .map_err(|e| PostidentError::Key(format!("JWE encryption failed: {e}")))?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn key() -> &'static PrivateKey {
        static KEY: OnceLock<PrivateKey> = OnceLock::new();
        KEY.get_or_init(|| PrivateKey::generate().expect("generate"))
    }

    #[test]
    fn generated_keys_are_3072_bit_and_round_trip_through_pem() {
        let k = key();
        assert_eq!(k.bits(), 3072);
        let pem = k.to_pkcs8_pem().unwrap();
        assert!(pem.expose().starts_with("-----BEGIN PRIVATE KEY-----"));
        let again = PrivateKey::from_pkcs8_pem(pem.expose()).unwrap();
        assert_eq!(again.public_key_der(), k.public_key_der());
        let debug = format!("{k:?}");
        assert!(
            debug.contains("3072") && debug.contains("[redacted]"),
            "{debug}"
        );
        assert!(!debug.contains("PRIVATE KEY"));
    }

    #[test]
    fn every_supported_enc_round_trips() {
        let k = key();
        for enc in SUPPORTED_ENC {
            let jwe = encrypt_compact(k.public_key_der(), br#"{"caseId":"X"}"#, enc).unwrap();
            assert_eq!(inspect_header(jwe.as_bytes()).unwrap().enc, *enc);
            assert_eq!(
                k.decrypt(jwe.as_bytes()).unwrap(),
                br#"{"caseId":"X"}"#,
                "{enc}"
            );
        }
    }

    /// The header (authenticated as additional data), the IV, the ciphertext and the tag are
    /// each covered: changing any of them fails authentication, for every supported `enc`.
    #[test]
    fn every_part_of_the_jwe_is_authenticated() {
        let k = key();
        let flip = |part: &str| {
            let mut part = part.to_owned();
            let c = part.remove(0);
            part.insert(0, if c == 'A' { 'B' } else { 'A' });
            part
        };
        for enc in SUPPORTED_ENC {
            let jwe = encrypt_compact(k.public_key_der(), br#"{"caseId":"X"}"#, enc).unwrap();
            let parts: Vec<&str> = jwe.split('.').collect();
            let other_header = URL_SAFE_NO_PAD.encode(format!(
                r#"{{"alg":"RSA-OAEP-256","enc":"{enc}","kid":"x"}}"#
            ));
            for (index, replacement) in [
                (0, other_header),
                (2, flip(parts[2])),
                (3, flip(parts[3])),
                (4, flip(parts[4])),
            ] {
                let mut tampered: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
                tampered[index] = replacement;
                let e = k.decrypt(tampered.join(".").as_bytes()).unwrap_err();
                assert!(
                    matches!(e, PostidentError::CorruptJwe { .. }),
                    "{enc}, part {index}: {e:?}"
                );
            }
        }
    }

    #[test]
    fn small_and_non_rsa_keys_are_refused() {
        let small = PKey::from_rsa(openssl::rsa::Rsa::generate(1024).unwrap()).unwrap();
        let pem = String::from_utf8(small.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let e = PrivateKey::from_pkcs8_pem(&pem).unwrap_err();
        assert_eq!(e.kind(), kyc_core::ErrorKind::Configuration);
        assert!(e.to_string().contains("1024"), "{e}");
        let ec = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let ec = PKey::from_ec_key(ec).unwrap();
        let pem = String::from_utf8(ec.private_key_to_pem_pkcs8().unwrap()).unwrap();
        assert!(PrivateKey::from_pkcs8_pem(&pem).is_err());
        assert!(PrivateKey::from_pkcs8_pem("not a key").is_err());
    }
}
