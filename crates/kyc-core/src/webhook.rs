//! Incoming provider notices: the request as received, its verification (HTTP Basic auth in
//! constant time and a source-IP allowlist, the only authenticity means both providers offer),
//! and the parsed notice.
//!
//! Treat a webhook as a trigger, never as truth about order: notices arrive late, twice and out
//! of order. Resolve the notice to the current [`Case`] and keep a stored status
//! unless [`CaseStatus::may_replace`](crate::CaseStatus::may_replace) allows the new one.

use crate::case::{Case, CaseRef};
use crate::provider::Provider;
use crate::secret::Secret;
use crate::{Error, ErrorKind};
use base64::Engine as _;
use bytes::Bytes;
use std::fmt;
use std::net::IpAddr;
use subtle::ConstantTimeEq;

/// An incoming webhook request as the caller's HTTP server received it.
#[derive(Clone)]
pub struct WebhookRequest {
    /// The request headers (for `Authorization`).
    pub headers: http::HeaderMap,
    /// The raw request body.
    pub body: Bytes,
    /// The address of the peer that sent it (the real client address; behind a proxy, take it
    /// from the proxy's trusted header yourself).
    pub peer: Option<IpAddr>,
}

impl WebhookRequest {
    /// A request from its parts.
    pub fn new(headers: http::HeaderMap, body: impl Into<Bytes>, peer: Option<IpAddr>) -> Self {
        WebhookRequest {
            headers,
            body: body.into(),
            peer,
        }
    }
}

impl fmt::Debug for WebhookRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRequest")
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("{} bytes, redacted", self.body.len()))
            .field("peer", &self.peer)
            .finish()
    }
}

/// What kind of notice a webhook is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookEvent {
    /// The user started (IDnow START).
    Started,
    /// A preliminary result (IDnow REALTIME: CHECK_PENDING, REVIEW_PENDING).
    Realtime,
    /// The user aborted (IDnow ABORTED).
    Aborted,
    /// A final result (IDnow FINAL).
    Final,
    /// The attempt was cancelled and may be retried (IDnow CANCELED).
    Canceled,
    /// Something changed; fetch the case to learn what (POSTIDENT, which sends ids only).
    StatusChanged,
    /// A kind this library does not know yet, verbatim.
    Unknown(String),
}

/// A verified, parsed webhook.
#[derive(Clone)]
pub struct WebhookNotice {
    /// The provider that sent it.
    pub provider: Provider,
    /// The case it is about.
    pub case_ref: CaseRef,
    /// What kind of notice it is.
    pub event: WebhookEvent,
    /// The case as the notice carries it (IDnow sends the whole ident; POSTIDENT sends ids only).
    pub case: Option<Box<Case>>,
}

impl fmt::Debug for WebhookNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookNotice")
            .field("provider", &self.provider)
            .field("case_ref", &self.case_ref)
            .field("event", &self.event)
            .field("case", &self.case)
            .finish()
    }
}

/// The user name and password a provider sends as HTTP Basic auth on webhooks.
#[derive(Clone, Debug)]
pub struct BasicCredentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl BasicCredentials {
    /// Credentials from their parts.
    pub fn new(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The `Authorization` header value these credentials produce
    /// (`Basic base64(username:password)`). Use it to sign test requests and outgoing calls.
    pub fn header_value(&self) -> String {
        basic_auth_header(&self.username, self.password.expose())
    }
}

/// `Basic base64(username:password)`, the value of an HTTP Basic `Authorization` header.
pub fn basic_auth_header(username: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {token}")
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A list of IP networks (CIDR) allowed to send webhooks.
#[derive(Clone, PartialEq, Eq)]
pub struct IpAllowlist {
    networks: Vec<(IpAddr, u8)>,
}

impl IpAllowlist {
    /// Parses networks like `213.95.145.0/27` or single addresses like `52.30.27.5`.
    /// An entry that is not an address or network is an error naming it.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> crate::Result<IpAllowlist> {
        let mut networks = Vec::with_capacity(entries.len());
        for entry in entries {
            let entry = entry.as_ref().trim();
            let (addr, prefix) = match entry.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (entry, None),
            };
            let ip: IpAddr = addr.parse().map_err(|_| bad_network(entry))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| bad_network(entry))?,
                None => max,
            };
            networks.push((ip, prefix));
        }
        Ok(IpAllowlist { networks })
    }

    /// True when `ip` lies in one of the networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.networks.iter().any(|(net, prefix)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let mask = if *prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                u32::from(*n) & mask == u32::from(i) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let mask = if *prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - prefix)
                };
                u128::from(*n) & mask == u128::from(i) & mask
            }
            _ => false,
        })
    }

    /// The networks, as `(address, prefix length)`.
    pub fn networks(&self) -> &[(IpAddr, u8)] {
        &self.networks
    }
}

impl fmt::Debug for IpAllowlist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.networks.iter().map(|(a, p)| format!("{a}/{p}")))
            .finish()
    }
}

fn bad_network(entry: &str) -> Error {
    Error::new(
        ErrorKind::Configuration,
        format!("webhook allowlist entry {entry:?} is not an IP address or CIDR network"),
    )
}

/// How to check that a webhook really comes from the provider. Both checks are optional; with
/// neither configured, every request passes (the providers make both optional too), so
/// production deployments should configure at least one.
#[derive(Clone, Debug, Default)]
pub struct WebhookAuth {
    /// Expected HTTP Basic credentials.
    pub basic: Option<BasicCredentials>,
    /// Networks allowed to send webhooks.
    pub allowlist: Option<IpAllowlist>,
}

impl WebhookAuth {
    /// Verifies `request`: Basic auth (constant-time compare) first, then the peer address.
    /// Fails with [`ErrorKind::Authentication`] saying which check failed, never echoing what
    /// was sent.
    pub fn verify(&self, request: &WebhookRequest) -> crate::Result<()> {
        if let Some(expected) = &self.basic {
            let sent = request
                .headers
                .get(http::header::AUTHORIZATION)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            let want = expected.header_value();
            if !constant_time_eq(sent, want.as_bytes()) {
                return Err(Error::new(
                    ErrorKind::Authentication,
                    if sent.is_empty() {
                        "webhook rejected: Basic auth required but no Authorization header was sent"
                    } else {
                        "webhook rejected: Basic auth credentials do not match"
                    },
                ));
            }
        }
        if let Some(allow) = &self.allowlist {
            match request.peer {
                Some(ip) if allow.contains(ip) => {}
                Some(ip) => {
                    return Err(Error::new(
                        ErrorKind::Authentication,
                        format!("webhook rejected: source address {ip} is not in the allowlist"),
                    ))
                }
                None => {
                    return Err(Error::new(
                        ErrorKind::Authentication,
                        "webhook rejected: source address unknown but an allowlist is configured",
                    ))
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(auth: Option<&str>, peer: Option<&str>) -> WebhookRequest {
        let mut headers = http::HeaderMap::new();
        if let Some(a) = auth {
            headers.insert(http::header::AUTHORIZATION, a.parse().unwrap());
        }
        WebhookRequest::new(headers, "{}", peer.map(|p| p.parse().unwrap()))
    }

    #[test]
    fn basic_auth_is_checked() {
        let auth = WebhookAuth {
            basic: Some(BasicCredentials::new("idnow", "s3cret")),
            allowlist: None,
        };
        let good = basic_auth_header("idnow", "s3cret");
        assert!(auth.verify(&request(Some(&good), None)).is_ok());
        let bad = basic_auth_header("idnow", "guess");
        let e = auth.verify(&request(Some(&bad), None)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Authentication);
        assert!(!e.to_string().contains("guess"));
        assert!(auth.verify(&request(None, None)).is_err());
        assert!(WebhookAuth::default().verify(&request(None, None)).is_ok());
    }

    #[test]
    fn allowlist_matches_networks() {
        let list = IpAllowlist::parse(&["213.95.145.0/27", "52.30.27.5", "::1"]).unwrap();
        assert!(list.contains("213.95.145.31".parse().unwrap()));
        assert!(!list.contains("213.95.145.32".parse().unwrap()));
        assert!(list.contains("52.30.27.5".parse().unwrap()));
        assert!(list.contains("::ffff:52.30.27.5".parse().unwrap()));
        assert!(list.contains("::1".parse().unwrap()));
        assert!(IpAllowlist::parse(&["1.2.3.4/33"]).is_err());
        assert!(IpAllowlist::parse(&["example.com"]).is_err());
        let auth = WebhookAuth {
            basic: None,
            allowlist: Some(list),
        };
        assert!(auth.verify(&request(None, Some("213.95.145.1"))).is_ok());
        let e = auth.verify(&request(None, Some("10.0.0.1"))).unwrap_err();
        assert!(e.to_string().contains("10.0.0.1"));
        assert!(auth.verify(&request(None, None)).is_err());
    }
}
