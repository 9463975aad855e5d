//! The SSRF guard for every outbound HTTP call the server makes on behalf of a tenant.
//!
//! A webhook URL is chosen by a tenant, so without a guard any tenant could make the server
//! call into its own network: the cloud metadata endpoint, the admin port on localhost, a
//! database on a private subnet. The guard works at two points:
//!
//! - at save time, [`check_url`] refuses URLs whose host is a forbidden IP literal or a name
//!   that always means "this machine" (`localhost`, `metadata.google.internal`);
//! - at send time, the [`client`] resolves names itself and drops every forbidden address
//!   *before* connecting, so the check applies to the address actually connected to. A name
//!   that resolved to a public address when the URL was saved and to `127.0.0.1` now (DNS
//!   rebinding) is refused. Redirects are never followed (a public endpoint could otherwise
//!   redirect to a private one) and proxies are never used (a proxy would resolve the name).
//!
//! The resolver is not consulted for IP-literal hosts, so callers also run [`check_url`] on the
//! URL right before sending it.
//!
//! Operators running webhook receivers on their own network (or tests against a local mock)
//! set [`EgressPolicy::allow_private`], which turns off all address filtering.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use url::{Host, Url};

/// Longest URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Total time allowed for one outbound request, response body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed to establish the connection (TCP and TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Host names refused at save time whatever they resolve to.
const FORBIDDEN_NAMES: &[&str] = &["localhost", "metadata.google.internal"];

/// Operator configuration of outbound calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EgressPolicy {
    /// Allow loopback, private, link-local and other non-public destinations. Off by default;
    /// turn it on only when every tenant is trusted (single-shop installs, tests).
    pub allow_private: bool,
}

/// Why an outbound URL or destination was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    #[error("the URL is longer than {MAX_URL_BYTES} bytes")]
    TooLong,
    #[error("the URL is invalid: {0}")]
    Invalid(String),
    #[error("the URL scheme must be http or https, not {0:?}")]
    Scheme(String),
    #[error("the URL has no host")]
    NoHost,
    #[error("the URL must not contain a user name or password")]
    UserInfo,
    /// The host is an IP literal in a forbidden range.
    #[error("forbidden address {0}: not a public internet destination")]
    ForbiddenAddress(IpAddr),
    /// The host is a name that always designates the local machine or its cloud metadata.
    #[error("forbidden host {0:?}: not a public internet destination")]
    ForbiddenHost(String),
    /// Every address the host name resolved to is forbidden.
    #[error("forbidden address {addr}: {host:?} resolves only to non-public addresses")]
    ForbiddenResolution { host: String, addr: IpAddr },
    /// The host name resolved to no address at all.
    #[error("{0:?} resolves to no address")]
    NoAddress(String),
}

impl EgressError {
    /// True when the destination itself is refused by policy (retrying cannot help), as
    /// opposed to a resolution failure.
    pub fn is_policy(&self) -> bool {
        !matches!(self, Self::NoAddress(_))
    }
}

/// Whether `ip` is not a public internet destination: loopback, unspecified, private,
/// link-local (incl. cloud metadata), CGNAT, "this network", broadcast, multicast,
/// benchmarking, reserved; for IPv6 also unique-local, link-local, site-local, and addresses
/// embedding an IPv4 address (mapped, compatible, NAT64, 6to4) judged by that address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn in_v4_net(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    const NETS: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),      // "this network", incl. unspecified
        ([10, 0, 0, 0], 8),     // private
        ([100, 64, 0, 0], 10),  // carrier-grade NAT
        ([127, 0, 0, 0], 8),    // loopback
        ([169, 254, 0, 0], 16), // link-local, cloud metadata 169.254.169.254
        ([172, 16, 0, 0], 12),  // private
        ([192, 168, 0, 0], 16), // private
        ([198, 18, 0, 0], 15),  // benchmarking
        ([224, 0, 0, 0], 4),    // multicast
        ([240, 0, 0, 0], 4),    // reserved, incl. broadcast 255.255.255.255
    ];
    NETS.iter().any(|&(net, prefix)| in_v4_net(ip, net, prefix))
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    let o = ip.octets();
    let embedded_tail = || Ipv4Addr::new(o[12], o[13], o[14], o[15]);

    if ip.is_unspecified() || ip.is_loopback() {
        return true;
    }
    // ::ffff:a.b.c.d (IPv4-mapped)
    if seg[..5] == [0; 5] && seg[5] == 0xffff {
        return is_forbidden_v4(embedded_tail());
    }
    // ::a.b.c.d (IPv4-compatible, deprecated; :: and ::1 handled above)
    if seg[..6] == [0; 6] {
        return is_forbidden_v4(embedded_tail());
    }
    // 64:ff9b::/96 (well-known NAT64 prefix)
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_forbidden_v4(embedded_tail());
    }
    // 64:ff9b:1::/48 (local-use NAT64): translates to whatever the local network chooses.
    if seg[..3] == [0x64, 0xff9b, 1] {
        return true;
    }
    // 2002::/16 (6to4): the IPv4 address is in bits 16..48.
    if seg[0] == 0x2002 {
        return is_forbidden_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    (seg[0] & 0xfe00) == 0xfc00 // unique-local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (seg[0] & 0xff00) == 0xff00 // multicast ff00::/8
}

/// Save-time validation of an outbound URL: http or https, a host, no user info, at most
/// [`MAX_URL_BYTES`]; unless the policy allows private destinations, an IP-literal host must
/// not be [forbidden](is_forbidden) and the host must not be `localhost`, a `*.localhost` name
/// or `metadata.google.internal`.
pub fn check_url(url: &str, policy: EgressPolicy) -> Result<Url, EgressError> {
    if url.len() > MAX_URL_BYTES {
        return Err(EgressError::TooLong);
    }
    let parsed = Url::parse(url).map_err(|e| EgressError::Invalid(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(EgressError::Scheme(parsed.scheme().to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(EgressError::UserInfo);
    }
    let host = parsed.host().ok_or(EgressError::NoHost)?;
    if policy.allow_private {
        if let Host::Domain("") = host {
            return Err(EgressError::NoHost);
        }
        return Ok(parsed);
    }
    match host {
        Host::Ipv4(v4) if is_forbidden_v4(v4) => Err(EgressError::ForbiddenAddress(v4.into())),
        Host::Ipv6(v6) if is_forbidden_v6(v6) => Err(EgressError::ForbiddenAddress(v6.into())),
        Host::Ipv4(_) | Host::Ipv6(_) => Ok(parsed),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name.is_empty() {
                return Err(EgressError::NoHost);
            }
            let forbidden =
                FORBIDDEN_NAMES.contains(&name.as_str()) || name.ends_with(".localhost");
            if forbidden {
                Err(EgressError::ForbiddenHost(name))
            } else {
                Ok(parsed)
            }
        }
    }
}

/// The HTTP client for outbound calls: rustls, [`REQUEST_TIMEOUT`], [`CONNECT_TIMEOUT`], no
/// redirects, no proxy, and (unless the policy allows private destinations) a resolver that
/// removes forbidden addresses from every lookup.
pub fn client(policy: EgressPolicy) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_backend_rustls()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(GuardedResolver {
            filter: !policy.allow_private,
        })
        .build()
        .expect("the outbound HTTP client configuration is valid")
}

/// Resolves with the system resolver (through tokio) and drops forbidden addresses.
#[derive(Debug, Clone, Copy)]
struct GuardedResolver {
    filter: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let filter = self.filter;
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = resolved
                .into_iter()
                .partition(|addr| !filter || !is_forbidden(addr.ip()));
            if allowed.is_empty() {
                let err = match refused.first() {
                    Some(addr) => EgressError::ForbiddenResolution {
                        host,
                        addr: addr.ip(),
                    },
                    None => EgressError::NoAddress(host),
                };
                return Err(Box::new(err) as Box<dyn StdError + Send + Sync>);
            }
            if !refused.is_empty() {
                tracing::warn!(%host, ?refused, "dropped non-public addresses of an outbound host");
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The [`EgressError`] behind a failed request, if the guard caused the failure.
pub fn egress_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a EgressError> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<EgressError>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENY: EgressPolicy = EgressPolicy {
        allow_private: false,
    };
    const ALLOW: EgressPolicy = EgressPolicy {
        allow_private: true,
    };

    #[test]
    fn forbidden_addresses() {
        let forbidden = [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.0.1",
            "100.64.0.1",
            "100.127.255.255",
            "255.255.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.1.2.3",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
        ];
        for ip in forbidden {
            assert!(
                is_forbidden(ip.parse().unwrap()),
                "{ip} should be forbidden"
            );
        }
        let allowed = [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.255.255",
            "198.17.255.255",
            "198.20.0.1",
            "192.167.1.1",
            "11.0.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "fbff::1",
            "fe7f::1",
        ];
        for ip in allowed {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip} should be allowed");
        }
    }

    #[test]
    fn check_url_refuses_non_public_and_malformed_urls() {
        type Case = (&'static str, fn(&EgressError) -> bool);
        let cases: &[Case] = &[
            (
                "http://127.0.0.1/",
                |e| matches!(e, EgressError::ForbiddenAddress(ip) if ip.to_string() == "127.0.0.1"),
            ),
            ("http://[::1]/", |e| {
                matches!(e, EgressError::ForbiddenAddress(_))
            }),
            ("http://[::ffff:127.0.0.1]/", |e| {
                matches!(e, EgressError::ForbiddenAddress(_))
            }),
            ("http://169.254.169.254/latest/meta-data", |e| {
                matches!(e, EgressError::ForbiddenAddress(_))
            }),
            // WHATWG parsing turns these into 127.0.0.1.
            ("http://0x7f000001/", |e| {
                matches!(e, EgressError::ForbiddenAddress(_))
            }),
            ("http://2130706433/", |e| {
                matches!(e, EgressError::ForbiddenAddress(_))
            }),
            ("http://localhost:8080", |e| {
                matches!(e, EgressError::ForbiddenHost(_))
            }),
            ("http://LOCALHOST./", |e| {
                matches!(e, EgressError::ForbiddenHost(_))
            }),
            ("http://api.localhost/", |e| {
                matches!(e, EgressError::ForbiddenHost(_))
            }),
            ("http://metadata.google.internal/computeMetadata/v1/", |e| {
                matches!(e, EgressError::ForbiddenHost(_))
            }),
            (
                "ftp://x",
                |e| matches!(e, EgressError::Scheme(s) if s == "ftp"),
            ),
            ("file:///etc/passwd", |e| {
                matches!(e, EgressError::Scheme(_))
            }),
            ("https://user:pw@example.com", |e| {
                matches!(e, EgressError::UserInfo)
            }),
            ("https://user@example.com", |e| {
                matches!(e, EgressError::UserInfo)
            }),
            ("not a url", |e| matches!(e, EgressError::Invalid(_))),
        ];
        for (url, expected) in cases {
            let err = check_url(url, DENY).expect_err(url);
            assert!(expected(&err), "{url}: unexpected {err:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(check_url(&long, DENY), Err(EgressError::TooLong));
    }

    #[test]
    fn check_url_accepts_public_urls() {
        for url in [
            "https://example.com/hook",
            "http://example.com:8080/a?b=c",
            "https://93.184.216.34/hook",
            "https://[2606:4700:4700::1111]/hook",
            "https://localhost.example.com/",
        ] {
            assert!(check_url(url, DENY).is_ok(), "{url}");
        }
        assert_eq!(
            check_url("https://example.com/hook", DENY)
                .unwrap()
                .as_str(),
            "https://example.com/hook"
        );
    }

    #[test]
    fn allow_private_turns_off_address_checks_only() {
        assert!(check_url("http://127.0.0.1:9000/", ALLOW).is_ok());
        assert!(check_url("http://localhost:8080", ALLOW).is_ok());
        assert!(check_url("http://[::1]/", ALLOW).is_ok());
        assert!(matches!(
            check_url("ftp://x", ALLOW),
            Err(EgressError::Scheme(_))
        ));
        assert!(matches!(
            check_url("https://user:pw@example.com", ALLOW),
            Err(EgressError::UserInfo)
        ));
    }

    #[test]
    fn forbidden_errors_name_the_address() {
        let err = check_url("http://169.254.169.254/", DENY).unwrap_err();
        assert!(err.to_string().contains("169.254.169.254"), "{err}");
    }

    #[tokio::test]
    async fn the_resolver_drops_forbidden_addresses() {
        let guarded = GuardedResolver { filter: true };
        let err = guarded
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("localhost resolves only to loopback");
        let egress = egress_error(err.as_ref()).expect("an egress error");
        assert!(
            matches!(egress, EgressError::ForbiddenResolution { addr, .. } if addr.is_loopback()),
            "{egress:?}"
        );

        let open = GuardedResolver { filter: false };
        let addrs: Vec<_> = open
            .resolve("localhost".parse().unwrap())
            .await
            .expect("resolves")
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty());
    }

    #[tokio::test]
    async fn the_client_refuses_names_resolving_to_private_addresses() {
        // A listener on loopback that must never be reached.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let err = client(DENY)
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .expect_err("refused");
        let egress = egress_error(&err).expect("the guard refused it");
        assert!(egress.is_policy());
        assert!(err.is_connect() || err.is_request(), "{err:?}");
        let accepted = tokio::time::timeout(Duration::from_millis(100), listener.accept()).await;
        assert!(accepted.is_err(), "the listener was contacted");
    }

    #[tokio::test]
    async fn the_client_does_not_follow_redirects() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(
                    b"HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/\r\ncontent-length: 0\r\n\r\n",
                )
                .await;
        });
        let resp = client(ALLOW)
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 302);
    }
}
