//! Observables checked and cleaned before a lookup, as analysts expect:
//! defanged forms refanged, addresses that must not leave the machine kept
//! back (reported with their IP type), URL queries and fragments stripped,
//! dotless hosts and domains outside the Public Suffix List refused, and
//! hashes with too little entropy (`000…0`, `abab…`) refused.
//!
//! The types are the IoC extractor's ([`IocType`]), so a table of
//! extracted IoCs can be looked up as it is.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::result::LookupStatus;
use crate::ioc::refang::Refanged;
use crate::ioc::{validate, IocType};

/// What kind of address an IP is, decided offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpType {
    /// Globally routable: may be looked up.
    Public,
    /// RFC 1918 (IPv4) or unique local `fc00::/7` (IPv6).
    Private,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// Documentation, benchmarking, shared (CGNAT), future-use and other
    /// special-purpose ranges (IANA's special-purpose registries), and for
    /// IPv6 anything outside global unicast `2000::/3`.
    Reserved,
    /// `0.0.0.0`, `::`.
    Unspecified,
}

impl IpType {
    /// The name as MSTICPy's `get_ip_type` writes it.
    pub fn name(self) -> &'static str {
        match self {
            IpType::Public => "Public",
            IpType::Private => "Private",
            IpType::Loopback => "Loopback",
            IpType::LinkLocal => "Link Local",
            IpType::Multicast => "Multicast",
            IpType::Reserved => "Reserved",
            IpType::Unspecified => "Unspecified",
        }
    }

    /// The type of `ip`.
    pub fn of(ip: IpAddr) -> IpType {
        match ip {
            IpAddr::V4(v4) => ipv4_type(v4),
            IpAddr::V6(v6) => ipv6_type(v6),
        }
    }
}

fn ipv4_type(ip: Ipv4Addr) -> IpType {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() {
        IpType::Unspecified
    } else if ip.is_loopback() {
        IpType::Loopback
    } else if ip.is_private() {
        IpType::Private
    } else if ip.is_link_local() {
        IpType::LinkLocal
    } else if ip.is_multicast() {
        IpType::Multicast
    } else if a == 0                            // "this network"
        || a >= 240                             // future use, broadcast
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0)       // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)       // TEST-NET-1
        || (a == 198 && (b == 18 || b == 19))   // benchmarking
        || (a == 198 && b == 51 && c == 100)    // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)     // TEST-NET-3
        || (a == 192 && b == 88 && c == 99)
    // 6to4 relay anycast (deprecated)
    {
        IpType::Reserved
    } else {
        IpType::Public
    }
}

fn ipv6_type(ip: Ipv6Addr) -> IpType {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_type(v4);
    }
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        IpType::Unspecified
    } else if ip.is_loopback() {
        IpType::Loopback
    } else if ip.is_multicast() {
        IpType::Multicast
    } else if first & 0xffc0 == 0xfe80 {
        IpType::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        IpType::Private
    } else if first & 0xe000 != 0x2000 || (first == 0x2001 && ip.segments()[1] == 0x0db8) {
        // Outside global unicast, or the documentation prefix 2001:db8::/32.
        IpType::Reserved
    } else {
        IpType::Public
    }
}

/// A checked observable, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observable {
    /// As given.
    pub ioc: String,
    /// Its type.
    pub ioc_type: IocType,
    /// Cleaned: refanged, lower-cased where case does not matter, URL
    /// query and fragment removed. This is what providers see.
    pub value: String,
}

/// An observable that is not sent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// As given.
    pub ioc: String,
    /// Its type, when it could be told.
    pub ioc_type: Option<IocType>,
    /// The cleaned value, as far as cleaning got.
    pub value: String,
    /// `private_ip` or `invalid`.
    pub status: LookupStatus,
    /// What was wrong, for the `Details` column.
    pub reason: String,
}

/// Checks and cleans `text` as an observable of type `declared` (or of the
/// type it looks like when `None`).
pub fn check_observable(text: &str, declared: Option<IocType>) -> Result<Observable, Rejected> {
    let refanged = Refanged::reusing(text.trim(), String::new());
    let value = refanged.text().trim().to_string();
    let reject = |t: Option<IocType>, value: &str, status, reason: String| Rejected {
        ioc: text.to_string(),
        ioc_type: t,
        value: value.to_string(),
        status,
        reason,
    };
    let invalid =
        |t, value: &str, reason: String| Err(reject(t, value, LookupStatus::Invalid, reason));
    if value.is_empty() {
        return invalid(declared, "", "empty observable".into());
    }
    let ioc_type = match declared {
        Some(t) => t,
        None => match classify(&value) {
            Some(t) => t,
            None => {
                return invalid(
                    None,
                    &value,
                    format!("{value:?} is no IP, domain, URL or hash"),
                )
            }
        },
    };
    let ok = |value: String| {
        Ok(Observable {
            ioc: text.to_string(),
            ioc_type,
            value,
        })
    };
    match ioc_type {
        IocType::Ipv4 | IocType::Ipv6 => {
            let bare = value.trim_start_matches('[').trim_end_matches(']');
            let ip: IpAddr = match bare.parse() {
                Ok(ip) => ip,
                Err(_) => {
                    return invalid(
                        Some(ioc_type),
                        &value,
                        format!("{value:?} is not an IP address"),
                    )
                }
            };
            check_ip(ip)
                .map_err(|(status, reason)| reject(Some(ioc_type), bare, status, reason))?;
            ok(ip.to_string())
        }
        IocType::Dns => {
            let name = value.trim_end_matches('.').to_ascii_lowercase();
            check_host(&name)
                .map_err(|reason| reject(Some(ioc_type), &name, LookupStatus::Invalid, reason))?;
            ok(name)
        }
        IocType::Url => {
            let Some(host) = validate::url_host(&value) else {
                return invalid(
                    Some(ioc_type),
                    &value,
                    format!("{value:?} is not a URL with a host"),
                );
            };
            let host_text = value[host.clone()]
                .trim_start_matches('[')
                .trim_end_matches(']');
            if let Ok(ip) = host_text.parse::<IpAddr>() {
                check_ip(ip)
                    .map_err(|(status, reason)| reject(Some(ioc_type), &value, status, reason))?;
            } else {
                check_host(&host_text.to_ascii_lowercase()).map_err(|reason| {
                    reject(Some(ioc_type), &value, LookupStatus::Invalid, reason)
                })?;
            }
            // The query and fragment often carry a victim's address or a
            // session token: never sent.
            let end = value[host.end..]
                .find(['?', '#'])
                .map_or(value.len(), |i| host.end + i);
            let scheme_end = value.find("://").unwrap_or(0);
            let cleaned = format!(
                "{}{}",
                value[..scheme_end].to_ascii_lowercase(),
                &value[scheme_end..end].replacen(
                    &value[host.clone()],
                    &value[host].to_ascii_lowercase(),
                    1
                )
            );
            ok(cleaned)
        }
        IocType::Md5Hash | IocType::Sha1Hash | IocType::Sha256Hash | IocType::Sha512Hash => {
            let hash = value.to_ascii_lowercase();
            let want = match ioc_type {
                IocType::Md5Hash => 32,
                IocType::Sha1Hash => 40,
                IocType::Sha256Hash => 64,
                _ => 128,
            };
            if hash.len() != want || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return invalid(
                    Some(ioc_type),
                    &hash,
                    format!("{hash:?} is not a {} ({want} hex digits)", ioc_type.name()),
                );
            }
            let bits = entropy(&hash);
            if bits < MIN_HASH_ENTROPY {
                return invalid(
                    Some(ioc_type),
                    &hash,
                    format!(
                        "{hash:?} has too little entropy for a hash ({bits:.2} bits per digit)"
                    ),
                );
            }
            ok(hash)
        }
        other => ok(if other.case_insensitive() {
            value.to_ascii_lowercase()
        } else {
            value
        }),
    }
}

/// Bits per digit below which a "hash" is a placeholder, not a digest: a
/// real digest's hex digits carry close to 4 bits each (3.3 or more even
/// for 32 digits); `0000…`, `ffff…` and `abab…` carry 0–1.
const MIN_HASH_ENTROPY: f64 = 2.5;

/// Shannon entropy of the characters of `s`, in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The type `value` looks like, if any.
fn classify(value: &str) -> Option<IocType> {
    let bare = value.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => return Some(IocType::Ipv4),
        Ok(IpAddr::V6(_)) => return Some(IocType::Ipv6),
        Err(_) => {}
    }
    if value.contains("://") {
        return Some(IocType::Url);
    }
    if value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return match value.len() {
            32 => Some(IocType::Md5Hash),
            40 => Some(IocType::Sha1Hash),
            64 => Some(IocType::Sha256Hash),
            128 => Some(IocType::Sha512Hash),
            _ => None,
        };
    }
    if value.contains('@') {
        return Some(IocType::Email);
    }
    if value.contains('.') && !value.contains(['/', '\\', ' ']) {
        return Some(IocType::Dns);
    }
    None
}

/// Refuses addresses that must not leave the machine.
fn check_ip(ip: IpAddr) -> Result<(), (LookupStatus, String)> {
    match IpType::of(ip) {
        IpType::Public => Ok(()),
        t => Err((
            LookupStatus::PrivateIp,
            format!(
                "{ip} is a {} address: not sent",
                t.name().to_ascii_lowercase()
            ),
        )),
    }
}

/// A host name must have a dot and end in a public suffix.
fn check_host(name: &str) -> Result<(), String> {
    if !name.contains('.') {
        return Err(format!("{name:?} has no dot: a local host name, not sent"));
    }
    if !validate::domain(name, false, &[]) {
        return Err(format!("{name:?} does not end in a public suffix"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> (IocType, String) {
        let o = check_observable(s, None).unwrap();
        (o.ioc_type, o.value)
    }

    fn rejected(s: &str) -> Rejected {
        check_observable(s, None).unwrap_err()
    }

    #[test]
    fn refangs_and_classifies() {
        assert_eq!(value("8[.]8[.]8[.]8"), (IocType::Ipv4, "8.8.8.8".into()));
        assert_eq!(
            value(" Evil(.)Example[.]com "),
            (IocType::Dns, "evil.example.com".into())
        );
        assert_eq!(
            value("hxxps[:]//Evil[.]example[.]com/a/b.php?u=victim@corp.com#frag"),
            (IocType::Url, "https://evil.example.com/a/b.php".into())
        );
        assert_eq!(
            value("2001:4860:4860::8888"),
            (IocType::Ipv6, "2001:4860:4860::8888".into())
        );
        assert_eq!(
            value("44D88612FEA8A8F36DE82E1278ABB02F"),
            (IocType::Md5Hash, "44d88612fea8a8f36de82e1278abb02f".into())
        );
    }

    #[test]
    fn ip_types() {
        let t = |s: &str| IpType::of(s.parse().unwrap()).name();
        assert_eq!(t("8.8.8.8"), "Public");
        assert_eq!(t("10.1.2.3"), "Private");
        assert_eq!(t("172.16.0.1"), "Private");
        assert_eq!(t("192.168.1.1"), "Private");
        assert_eq!(t("127.0.0.1"), "Loopback");
        assert_eq!(t("169.254.169.254"), "Link Local");
        assert_eq!(t("224.0.0.1"), "Multicast");
        assert_eq!(t("0.0.0.0"), "Unspecified");
        assert_eq!(t("192.0.2.1"), "Reserved");
        assert_eq!(t("100.64.0.1"), "Reserved");
        assert_eq!(t("255.255.255.255"), "Reserved");
        assert_eq!(t("::1"), "Loopback");
        assert_eq!(t("::"), "Unspecified");
        assert_eq!(t("fe80::1"), "Link Local");
        assert_eq!(t("fd00::1"), "Private");
        assert_eq!(t("ff02::1"), "Multicast");
        assert_eq!(t("2001:db8::1"), "Reserved");
        assert_eq!(t("::ffff:10.0.0.1"), "Private");
        assert_eq!(t("2606:4700::1111"), "Public");
    }

    #[test]
    fn private_addresses_are_not_sent() {
        let r = rejected("10[.]0[.]0[.]1");
        assert_eq!(r.status, LookupStatus::PrivateIp);
        assert_eq!(r.reason, "10.0.0.1 is a private address: not sent");
        assert_eq!(
            rejected("http://169.254.169.254/latest/meta-data").status,
            LookupStatus::PrivateIp
        );
        assert_eq!(rejected("::1").status, LookupStatus::PrivateIp);
    }

    #[test]
    fn bad_values_are_invalid() {
        let r = check_observable("intranet", Some(IocType::Dns)).unwrap_err();
        assert_eq!(r.status, LookupStatus::Invalid);
        assert!(r.reason.contains("no dot"), "{}", r.reason);
        assert!(rejected("http://fileserver/share")
            .reason
            .contains("no dot"));
        assert!(rejected("example.notatld").reason.contains("public suffix"));
        let r = rejected(&"0".repeat(64));
        assert!(r.reason.contains("entropy"), "{}", r.reason);
        assert!(rejected(&"ab".repeat(16)).reason.contains("entropy"));
        assert_eq!(rejected("").status, LookupStatus::Invalid);
        assert_eq!(rejected("hello world").status, LookupStatus::Invalid);
        let r = check_observable("abc", Some(IocType::Sha256Hash)).unwrap_err();
        assert!(r.reason.contains("64 hex digits"), "{}", r.reason);
        let r = check_observable("1.2.3", Some(IocType::Ipv4)).unwrap_err();
        assert!(r.reason.contains("not an IP address"));
    }

    #[test]
    fn entropy_of_real_hashes_passes() {
        for h in [
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert!(entropy(h) > 3.0, "{h}");
            check_observable(h, None).unwrap();
        }
    }
}
