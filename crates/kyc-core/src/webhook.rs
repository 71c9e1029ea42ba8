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
use ipnet::IpNet;
use std::fmt;
use std::net::IpAddr;
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

/// An incoming webhook request as the caller's HTTP server received it.
/// `#[non_exhaustive]`: built with [`WebhookRequest::new`].
#[derive(Clone)]
#[non_exhaustive]
pub struct WebhookRequest {
    /// The request headers (for `Authorization`).
    pub headers: http::HeaderMap,
    /// The raw request body.
    pub body: Bytes,
    /// The address of the client that sent it. Behind reverse proxies, pass
    /// [`client_address`] of the connection's peer, the headers and the trusted proxy networks,
    /// so that the source-address allowlist sees the provider's address, not the proxy's.
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

/// A verified, parsed webhook. `#[non_exhaustive]`: built with [`WebhookNotice::new`], then
/// [`WebhookNotice::with_case`] or [`WebhookNotice::with_case_in_body`].
///
/// Verifying a webhook recognises the notice (provider, case, event) and nothing more: a case the
/// body carries (IDnow sends the whole ident) is read from the body only when [`Self::case`] is
/// first called, so answering a webhook does not pay for mapping a case nobody reads.
#[derive(Clone)]
#[non_exhaustive]
pub struct WebhookNotice {
    /// The provider that sent it.
    pub provider: Provider,
    /// The case it is about.
    pub case_ref: CaseRef,
    /// What kind of notice it is.
    pub event: WebhookEvent,
    carried: Option<CarriedCase>,
}

/// The case a notice carries: already read, or still in the body with the function that reads it.
#[derive(Clone)]
enum CarriedCase {
    Read(Box<Case>),
    InBody {
        body: Bytes,
        read: fn(&Bytes) -> Result<Case, Error>,
        case: OnceLock<Box<Case>>,
    },
}

impl WebhookNotice {
    /// A notice of `event` about the case `case_ref` (whose provider sent it), without the case.
    pub fn new(case_ref: CaseRef, event: WebhookEvent) -> Self {
        WebhookNotice {
            provider: case_ref.provider,
            case_ref,
            event,
            carried: None,
        }
    }

    /// Sets the case as the notice carries it, already read.
    #[must_use]
    pub fn with_case(mut self, case: Case) -> Self {
        self.carried = Some(CarriedCase::Read(Box::new(case)));
        self
    }

    /// Says that the notice carries a case in `body`, which `read` turns into the case when it is
    /// first asked for (and only then). `read` must be a pure function of the body.
    #[must_use]
    pub fn with_case_in_body(
        mut self,
        body: Bytes,
        read: fn(&Bytes) -> Result<Case, Error>,
    ) -> Self {
        self.carried = Some(CarriedCase::InBody {
            body,
            read,
            case: OnceLock::new(),
        });
        self
    }

    /// Whether the notice carries a case (IDnow sends the whole ident; POSTIDENT sends ids only).
    pub fn carries_case(&self) -> bool {
        self.carried.is_some()
    }

    /// The case the notice carries, read from the body on the first call: `Ok(None)` when it
    /// carries none, an error (keeping the body) when the body does not read as a case although
    /// its ids and event did.
    pub fn case(&self) -> Result<Option<&Case>, Error> {
        match &self.carried {
            None => Ok(None),
            Some(CarriedCase::Read(case)) => Ok(Some(case)),
            Some(CarriedCase::InBody { body, read, case }) => match case.get() {
                Some(case) => Ok(Some(case)),
                None => {
                    let read = Box::new(read(body)?);
                    Ok(Some(case.get_or_init(|| read)))
                }
            },
        }
    }

    /// Like [`Self::case`], by value (no copy when the case was already read).
    pub fn into_case(self) -> Result<Option<Case>, Error> {
        match self.carried {
            None => Ok(None),
            Some(CarriedCase::Read(case)) => Ok(Some(*case)),
            Some(CarriedCase::InBody { body, read, case }) => match case.into_inner() {
                Some(case) => Ok(Some(*case)),
                None => read(&body).map(Some),
            },
        }
    }
}

impl fmt::Debug for WebhookNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = match &self.carried {
            None => None,
            Some(CarriedCase::Read(case)) => Some(Some(&**case)),
            Some(CarriedCase::InBody { case, .. }) => Some(case.get().map(|c| &**c)),
        };
        f.debug_struct("WebhookNotice")
            .field("provider", &self.provider)
            .field("case_ref", &self.case_ref)
            .field("event", &self.event)
            // `Some(None)`: carried in the body, not read yet.
            .field("case", &case)
            .finish()
    }
}

/// The user name and password a provider sends as HTTP Basic auth on webhooks.
///
/// The expected `Authorization` value is computed once, when the credentials are made, so that
/// checking a webhook is one constant-time comparison. `Debug` shows the user name only.
#[derive(Clone)]
pub struct BasicCredentials {
    username: String,
    password: Secret,
    /// `Basic base64(username:password)`: as secret as the password.
    header: Secret,
}

impl BasicCredentials {
    /// Credentials from their parts.
    pub fn new(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        let username = username.into();
        let password = password.into();
        let header = Secret::new(basic_auth_header(&username, password.expose()));
        BasicCredentials {
            username,
            password,
            header,
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password.
    pub fn password(&self) -> &Secret {
        &self.password
    }

    /// The `Authorization` header value these credentials produce
    /// (`Basic base64(username:password)`). Use it to sign test requests and outgoing calls.
    pub fn header_value(&self) -> &str {
        self.header.expose()
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish_non_exhaustive()
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

/// A list of IP networks (CIDR) allowed to send webhooks (or trusted as proxies).
#[derive(Clone, PartialEq, Eq)]
pub struct IpAllowlist {
    networks: Vec<IpNet>,
}

impl IpAllowlist {
    /// Parses networks like `213.95.145.0/27` or single addresses like `52.30.27.5`.
    /// An entry that is not an address or network is an error naming it.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> crate::Result<IpAllowlist> {
        let networks = entries
            .iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| bad_network(entry))
            })
            .collect::<crate::Result<_>>()?;
        Ok(IpAllowlist { networks })
    }

    /// No network at all: as an allowlist it lets nobody through; as the trusted proxies of
    /// [`client_address`] it trusts nobody, so every request keeps its peer address.
    pub fn empty() -> IpAllowlist {
        IpAllowlist {
            networks: Vec::new(),
        }
    }

    /// True when there is no network in the list.
    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }

    /// True when `ip` lies in one of the networks (an IPv4-mapped IPv6 address counts as its
    /// IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|net| net.contains(&ip))
    }

    /// The networks.
    pub fn networks(&self) -> &[IpNet] {
        &self.networks
    }
}

/// The address of the client that sent a request, for a server behind reverse proxies.
///
/// When `peer` (the address the TCP connection came from) is one of the `trusted_proxies`, the
/// client address is taken from the proxies' headers — `Forwarded: for=...` (RFC 7239) when
/// present, else `X-Forwarded-For` — walking from the nearest hop outwards and skipping trusted
/// proxies: the first address that is not a trusted proxy is the client. A request from an
/// untrusted peer keeps its peer address whatever headers it sends, so a client cannot spoof
/// its address. Malformed header entries end the walk at the last trusted hop.
pub fn client_address(
    peer: IpAddr,
    headers: &http::HeaderMap,
    trusted_proxies: &IpAllowlist,
) -> IpAddr {
    if !trusted_proxies.contains(peer) {
        return peer;
    }
    let hops = forwarded_for(headers);
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = *ip;
                if !trusted_proxies.contains(*ip) {
                    return client;
                }
            }
            None => return client,
        }
    }
    client
}

/// The `for` addresses of `Forwarded` (or, without it, `X-Forwarded-For`), client first; an entry
/// that is not an IP address (an obfuscated identifier, `unknown`, garbage) is `None`.
fn forwarded_for(headers: &http::HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// A node of `Forwarded`/`X-Forwarded-For`: `1.2.3.4`, `"[2001:db8::1]:443"`, `1.2.3.4:80`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let node = raw.trim().trim_matches('"');
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    node.rsplit_once(':')
        .and_then(|(ip, port)| port.parse::<u16>().ok().and(ip.parse().ok()))
}

impl fmt::Debug for IpAllowlist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.networks.iter().map(|n| n.to_string()))
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
///
/// `#[non_exhaustive]`, so that a provider's signature check can be added without a breaking
/// release: build it from `WebhookAuth::default()` with [`WebhookAuth::with_basic`] and
/// [`WebhookAuth::with_allowlist`], or assign the public fields.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct WebhookAuth {
    /// Expected HTTP Basic credentials.
    pub basic: Option<BasicCredentials>,
    /// Networks allowed to send webhooks.
    pub allowlist: Option<IpAllowlist>,
}

crate::setters::setters!(WebhookAuth {
    some with_basic => basic: BasicCredentials,
    some with_allowlist => allowlist: IpAllowlist,
});

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
            if !constant_time_eq(sent, expected.header_value().as_bytes()) {
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
        // The precomputed header is as secret as the password.
        let debug = format!("{auth:?}");
        assert!(debug.contains("idnow"), "{debug}");
        assert!(
            !debug.contains("s3cret") && !debug.contains(&good[6..]),
            "{debug}"
        );
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

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn a_trusted_proxy_passes_the_client_address_and_an_untrusted_peer_cannot_spoof_one() {
        let proxies = IpAllowlist::parse(&["10.0.0.0/8"]).unwrap();
        let ingress: IpAddr = "10.1.2.3".parse().unwrap();
        let provider: IpAddr = "213.95.145.7".parse().unwrap();
        let xff = headers(&[("x-forwarded-for", "213.95.145.7")]);
        assert_eq!(client_address(ingress, &xff, &proxies), provider);
        // Two proxies: the client is the first address that is not a trusted proxy.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 213.95.145.7, 10.9.9.9")]);
        assert_eq!(
            client_address(ingress, &chain, &proxies),
            provider,
            "an address the client wrote in front of the chain is not believed"
        );
        let forwarded = headers(&[(
            "forwarded",
            "for=\"[2001:db8::7]:4711\";proto=https, for=10.9.9.9",
        )]);
        assert_eq!(
            client_address(ingress, &forwarded, &proxies),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        // An untrusted peer keeps its own address whatever it claims.
        let attacker: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(attacker, &xff, &proxies), attacker);
        // Garbage ends the walk at the last trusted hop; no headers keep the peer.
        let garbage = headers(&[("x-forwarded-for", "213.95.145.7, not-an-ip")]);
        assert_eq!(client_address(ingress, &garbage, &proxies), ingress);
        assert_eq!(
            client_address(ingress, &http::HeaderMap::new(), &proxies),
            ingress
        );
    }
}
