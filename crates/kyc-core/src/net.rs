//! Network rules shared by all adapters: HTTPS only, except on the loopback (the sandbox).

use std::net::IpAddr;

/// True when `url` is `https`, or `http` to a loopback address (`127.0.0.0/8`, `::1`,
/// `localhost`), which is how the local sandbox is reached.
pub fn is_secure_or_loopback(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => is_loopback_host(url),
        _ => false,
    }
}

/// True when the URL's host is a loopback address or `localhost`.
pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks a provider base URL: returns a [`crate::ErrorKind::Configuration`] error naming `key`
/// when it is neither HTTPS nor loopback HTTP.
pub fn require_secure_base_url(key: &str, url: &url::Url) -> crate::Result<()> {
    if is_secure_or_loopback(url) {
        Ok(())
    } else {
        Err(crate::Error::configuration(
            key,
            "must be an https:// URL (plain http:// is allowed only for loopback addresses such as the sandbox)",
        ))
    }
}

/// True when `ip` is a loopback address.
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    ip.is_loopback()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let ok = |s: &str| is_secure_or_loopback(&url::Url::parse(s).unwrap());
        assert!(ok("https://gateway.idnow.de"));
        assert!(ok("http://127.0.0.1:8080"));
        assert!(ok("http://[::1]:1"));
        assert!(ok("http://localhost:9"));
        assert!(!ok("http://gateway.idnow.de"));
        assert!(!ok("http://10.0.0.1"));
        assert!(!ok("ftp://127.0.0.1"));
    }
}
