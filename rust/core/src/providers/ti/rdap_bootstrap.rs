//! IANA's RDAP bootstrap registries (RFC 9224), bundled: which registry's
//! RDAP server holds an IP network or a domain. The files in
//! `rust/core/data/rdap/` are IANA's own (`https://data.iana.org/rdap/`),
//! compacted at build time and read once on first use, so nothing is
//! fetched to route a lookup.
//!
//! Only `https://` services are kept (RFC 9224 §3: prefer https); an entry
//! IANA lists with a plain-http server only is known but not called.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use serde::Deserialize;

// The files without their indentation (`build.rs`): a third of the size.
const DNS: &str = include_str!(concat!(env!("OUT_DIR"), "/dns.json"));
const IPV4: &str = include_str!(concat!(env!("OUT_DIR"), "/ipv4.json"));
const IPV6: &str = include_str!(concat!(env!("OUT_DIR"), "/ipv6.json"));

/// One bootstrap file as IANA writes it (`services`: entries, servers).
/// Borrowed from the bundled text: IANA's files hold no escapes.
#[derive(Deserialize)]
struct File {
    publication: &'static str,
    services: Vec<(Vec<&'static str>, Vec<&'static str>)>,
}

/// Where the lookup of an entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// This https base URL, without its trailing `/`.
    Https(&'static str),
    /// IANA lists only plain-http servers for it.
    HttpOnly,
}

/// The three registries, parsed.
struct Bootstrap {
    /// Label sequence (`com`, `co.uk`) → server.
    domains: HashMap<&'static str, Server>,
    /// IPv4 networks (address, prefix length, server).
    v4: Vec<(u32, u8, Server)>,
    /// IPv6 networks.
    v6: Vec<(u128, u8, Server)>,
    /// Every https base, sorted, once: the provider's allow-list.
    bases: Vec<&'static str>,
    /// `publication` of dns.json, ipv4.json, ipv6.json.
    published: [&'static str; 3],
}

/// The first https server of a service.
fn server(urls: &[&'static str]) -> Server {
    urls.iter()
        .find(|u| u.starts_with("https://"))
        .map_or(Server::HttpOnly, |u| Server::Https(u.trim_end_matches('/')))
}

fn read(name: &str, text: &'static str) -> File {
    // The files are part of the build; a malformed one fails the unit tests.
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("bundled RDAP bootstrap {name} is not IANA's format: {e}"))
}

/// `net/len` → (address bits, prefix length); `None` for a malformed entry.
fn cidr<A: std::str::FromStr, B>(entry: &str, bits: fn(A) -> B) -> Option<(B, u8)> {
    let (net, len) = entry.split_once('/')?;
    Some((bits(net.parse().ok()?), len.parse().ok()?))
}

/// Every network of an address registry with its server (entries `parse`
/// cannot read are skipped); each service's server joins `bases`.
fn networks<B>(
    file: &File,
    parse: fn(&str) -> Option<(B, u8)>,
    bases: &mut Vec<Server>,
) -> Vec<(B, u8, Server)> {
    let mut nets = Vec::new();
    for (entries, urls) in &file.services {
        let s = server(urls);
        nets.extend(
            entries
                .iter()
                .filter_map(|e| parse(e))
                .map(|(n, l)| (n, l, s)),
        );
        bases.push(s);
    }
    nets
}

static BOOTSTRAP: LazyLock<Bootstrap> = LazyLock::new(|| {
    let (dns, v4f, v6f) = (
        read("dns.json", DNS),
        read("ipv4.json", IPV4),
        read("ipv6.json", IPV6),
    );
    let mut bases = Vec::new();
    let mut domains = HashMap::new();
    for (entries, urls) in &dns.services {
        let s = server(urls);
        for e in entries {
            domains.insert(*e, s);
        }
        bases.push(s);
    }
    let v4 = networks(&v4f, |e| cidr::<Ipv4Addr, _>(e, u32::from), &mut bases);
    let v6 = networks(&v6f, |e| cidr::<Ipv6Addr, _>(e, u128::from), &mut bases);
    let mut bases: Vec<&'static str> = bases
        .into_iter()
        .filter_map(|s| match s {
            Server::Https(b) => Some(b),
            Server::HttpOnly => None,
        })
        .collect();
    bases.sort_unstable();
    bases.dedup();
    Bootstrap {
        domains,
        v4,
        v6,
        bases,
        published: [dns.publication, v4f.publication, v6f.publication],
    }
});

/// The longest matching prefix among `nets` (RFC 9224 §5).
fn longest<T>(nets: &[(T, u8, Server)], addr: T, width: u32) -> Option<Server>
where
    T: Copy + PartialEq + std::ops::Shr<u32, Output = T>,
{
    nets.iter()
        .filter(|(net, len, _)| {
            let shift = width - u32::from(*len).min(width);
            // A /0 matches everything; `>> width` would overflow.
            shift == width || addr >> shift == *net >> shift
        })
        .max_by_key(|(_, len, _)| *len)
        .map(|(_, _, s)| *s)
}

/// The server for an IPv4 address.
pub fn for_ipv4(ip: Ipv4Addr) -> Option<Server> {
    longest(&BOOTSTRAP.v4, u32::from(ip), 32)
}

/// The server for an IPv6 address.
pub fn for_ipv6(ip: Ipv6Addr) -> Option<Server> {
    longest(&BOOTSTRAP.v6, u128::from(ip), 128)
}

/// The server for a (lower-case) domain: the entry matching the longest
/// sequence of its last labels (RFC 9224 §4), so `co.uk` would win over
/// `uk` if IANA listed both.
pub fn for_domain(domain: &str) -> Option<Server> {
    longest_labels(&BOOTSTRAP.domains, domain)
}

fn longest_labels(entries: &HashMap<&'static str, Server>, domain: &str) -> Option<Server> {
    let domain = domain.trim_end_matches('.');
    std::iter::once(domain)
        .chain(domain.match_indices('.').map(|(i, _)| &domain[i + 1..]))
        .find_map(|suffix| entries.get(suffix).copied())
}

/// Every https base URL in the bundled files, sorted: RDAP's allow-list.
pub fn bases() -> &'static [&'static str] {
    &BOOTSTRAP.bases
}

/// The `publication` dates of the bundled dns.json, ipv4.json, ipv6.json.
pub fn published() -> [&'static str; 3] {
    BOOTSTRAP.published
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARIN: Server = Server::Https("https://rdap.arin.net/registry");
    const RIPE: Server = Server::Https("https://rdap.db.ripe.net");
    const APNIC: Server = Server::Https("https://rdap.apnic.net");
    const LACNIC: Server = Server::Https("https://rdap.lacnic.net/rdap");
    const AFRINIC: Server = Server::Https("https://rdap.afrinic.net/rdap");

    fn v4(ip: &str) -> Option<Server> {
        for_ipv4(ip.parse().unwrap())
    }

    fn v6(ip: &str) -> Option<Server> {
        for_ipv6(ip.parse().unwrap())
    }

    #[test]
    fn the_files_are_iana_s_and_complete() {
        assert_eq!(
            published(),
            [
                "2026-06-26T18:00:02Z",
                "2019-06-07T19:00:02Z",
                "2019-11-06T19:00:04Z"
            ]
        );
        let b = &*BOOTSTRAP;
        assert_eq!(b.domains.len(), 1199);
        assert_eq!(b.v4.len(), 221);
        assert_eq!(b.v6.len(), 33);
        assert!(b
            .bases
            .iter()
            .all(|u| u.starts_with("https://") && !u.ends_with('/')));
        assert!(b.bases.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn ipv4_goes_to_each_rir() {
        assert_eq!(v4("8.8.8.8"), Some(ARIN));
        assert_eq!(v4("193.0.6.139"), Some(RIPE));
        assert_eq!(v4("1.1.1.1"), Some(APNIC));
        assert_eq!(v4("200.160.2.3"), Some(LACNIC));
        assert_eq!(v4("41.0.0.1"), Some(AFRINIC));
        // Not delegated to an RIR in ipv4.json (IANA-reserved, multicast).
        assert_eq!(v4("240.0.0.1"), None);
        assert_eq!(v4("224.0.0.1"), None);
    }

    #[test]
    fn ipv6_goes_to_each_rir() {
        assert_eq!(v6("2001:4860:4860::8888"), Some(ARIN));
        assert_eq!(v6("2600:1f18::1"), Some(ARIN));
        assert_eq!(v6("2001:67c:2e8::1"), Some(RIPE));
        assert_eq!(v6("2a00:1450::1"), Some(RIPE));
        assert_eq!(v6("2400:cb00::1"), Some(APNIC));
        assert_eq!(v6("2001:200::1"), Some(APNIC));
        assert_eq!(v6("2800:3f0::1"), Some(LACNIC));
        assert_eq!(v6("2001:1200::1"), Some(LACNIC));
        assert_eq!(v6("2c0f:fb50::1"), Some(AFRINIC));
        assert_eq!(v6("2001:4200::1"), Some(AFRINIC));
        // Not in the bundled ipv6.json.
        assert_eq!(v6("3fff::1"), None);
    }

    #[test]
    fn domains_match_the_longest_label_sequence() {
        let https = |u| Some(Server::Https(u));
        assert_eq!(
            for_domain("example.com"),
            https("https://rdap.verisign.com/com/v1")
        );
        assert_eq!(for_domain("bbc.co.uk"), https("https://rdap.nominet.uk/uk"));
        assert_eq!(for_domain("registro.br"), https("https://rdap.registro.br"));
        assert_eq!(for_domain("nic.cz"), https("https://rdap.nic.cz"));
        assert_eq!(
            for_domain("get.dev"),
            https("https://pubapi.registry.google/rdap")
        );
        assert_eq!(
            for_domain("x.shop"),
            https("https://rdap.gmoregistry.net/rdap")
        );
        assert_eq!(
            for_domain("example.org."),
            https("https://rdap.publicinterestregistry.org/rdap")
        );
        // A label, not a string suffix: "xcom" is not "com".
        assert_eq!(for_domain("xcom"), None);
        // IANA lists no RDAP server for .de; .kg has a plain-http one only.
        assert_eq!(for_domain("example.de"), None);
        assert_eq!(for_domain("example.kg"), Some(Server::HttpOnly));
    }

    #[test]
    fn a_longer_entry_wins() {
        let nets = [
            (u32::from(Ipv4Addr::new(10, 0, 0, 0)), 8, Server::HttpOnly),
            (u32::from(Ipv4Addr::new(10, 1, 0, 0)), 16, ARIN),
            (0, 0, RIPE),
        ];
        assert_eq!(
            longest(&nets, u32::from(Ipv4Addr::new(10, 1, 2, 3)), 32),
            Some(ARIN)
        );
        assert_eq!(
            longest(&nets, u32::from(Ipv4Addr::new(10, 2, 2, 3)), 32),
            Some(Server::HttpOnly)
        );
        assert_eq!(
            longest(&nets, u32::from(Ipv4Addr::new(11, 2, 2, 3)), 32),
            Some(RIPE)
        );
    }

    #[test]
    fn a_longer_label_sequence_wins() {
        let entries = HashMap::from([("uk", RIPE), ("co.uk", ARIN)]);
        assert_eq!(longest_labels(&entries, "bbc.co.uk"), Some(ARIN));
        assert_eq!(longest_labels(&entries, "co.uk"), Some(ARIN));
        assert_eq!(longest_labels(&entries, "nic.uk"), Some(RIPE));
        assert_eq!(longest_labels(&entries, "xco.uk"), Some(RIPE));
    }
}
