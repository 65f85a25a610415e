//! The client's real address. Behind a reverse proxy every request comes from the proxy,
//! so the address that throttles, limits, the session list and the logs use is worked out
//! once per request: the TCP peer, or — when the peer is one of `SAYR_TRUSTED_PROXIES` —
//! the first address in `X-Forwarded-For` that is not a trusted proxy, reading from the
//! right (the entries a client sends itself are on the left and prove nothing).

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The client's address as the server worked it out for this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// None: every request's client is its TCP peer.
    pub fn none() -> Self {
        Self::default()
    }

    /// A comma-separated list of CIDRs or single addresses (`10.0.0.0/8, ::1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                IpNet::from_str(s)
                    .or_else(|_| IpAddr::from_str(s).map(IpNet::from))
                    .map_err(|_| format!("`{s}` is not an address or a CIDR (10.0.0.0/8, ::1)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        // Every X-Forwarded-For header in order, as one list; read from the right.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // A garbled entry: nothing left of it can be believed.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`,
/// `[::1]:5678`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(hop) {
        return Some(canonical(ip));
    }
    SocketAddr::from_str(hop).ok().map(|s| canonical(s.ip()))
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) as plain IPv4, so that
/// one client has one key whichever way it came.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The request's client address: the one the server's middleware worked out, else the
/// TCP peer (tests and tools that build requests by hand).
pub fn client_ip(extensions: &Extensions) -> Option<IpAddr> {
    extensions.get::<ClientIp>().map(|c| c.0).or_else(|| {
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| canonical(c.0.ip()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &headers(&["1.1.1.1"])),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::none().client(ip("10.0.0.1"), &headers(&["1.1.1.1"])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_first_untrusted_address_from_the_right_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").unwrap();
        // The client wrote "6.6.6.6" itself; the proxies appended the rest.
        let h = headers(&["6.6.6.6, 198.51.100.7", "192.168.1.5"]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn only_trusted_hops_leave_the_leftmost_and_garbage_stops_the_walk() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &headers(&["10.0.0.3, 10.0.0.2"])),
            ip("10.0.0.3")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &headers(&["6.6.6.6, nonsense, 10.0.0.2"])),
            ip("10.0.0.2")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ports_and_mapped_addresses_are_read() {
        let proxies = TrustedProxies::parse("::1").unwrap();
        assert_eq!(
            proxies.client(ip("::1"), &headers(&["198.51.100.7:4711"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client(ip("::1"), &headers(&["[2001:db8::1]:80"])),
            ip("2001:db8::1")
        );
        let v4 = TrustedProxies::parse("127.0.0.1").unwrap();
        assert!(v4.trusts(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn a_bad_list_says_which_entry() {
        let err = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(err.contains("proxy.local"), "{err}");
    }
}
