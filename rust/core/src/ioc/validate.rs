//! The rules that turn a candidate into an IoC, or drop it.
//!
//! The candidate regex is deliberately loose; precision comes from here:
//! octet ranges, `Ipv6Addr` parsing, the Public Suffix List, file names that
//! only look like domains, and the characters allowed next to a match.

use std::net::Ipv6Addr;
use std::ops::Range;

/// Extensions that are also top-level domains. A bare `name.ext` with one of
/// these is taken for a file name (`install.sh`, `archive.zip`, `clip.mov`);
/// with more labels, or as a URL host or e-mail domain, it is a domain.
const FILE_EXT_TLDS: &[&str] = &[
    "zip", "mov", "sh", "py", "pl", "pm", "rs", "md", "so", "ps", "ml", "mk", "cs", "js",
];

/// Whether `name` (refanged, any case) is a domain under a known public suffix.
///
/// `bare` applies the file-name rule above; URL hosts and e-mail domains pass
/// `false`. `ignore_tlds` holds lower-case suffixes the user does not want.
pub(crate) fn domain(name: &str, bare: bool, ignore_tlds: &[String]) -> bool {
    if name.len() > 253 || !name.contains('.') {
        return false;
    }
    // RFC 1035: a label is at most 63 bytes (the candidate pattern does
    // not count them).
    if name.split('.').any(|label| label.len() > 63) {
        return false;
    }
    // Lower-cased on the stack (a name is at most 253 bytes): this runs for
    // every domain-shaped candidate, and a `String` each was a tenth of a
    // scan.
    let mut buf = [0u8; 253];
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    let lower = &*lower;
    let Some(d) = psl::domain(lower) else {
        return false;
    };
    let suffix = d.suffix();
    if !suffix.is_known() {
        return false;
    }
    let suffix = std::str::from_utf8(suffix.as_bytes()).unwrap_or("");
    if ignore_tlds.iter().any(|t| {
        suffix
            .strip_suffix(t.as_str())
            .is_some_and(|r| r.is_empty() || r.ends_with('.'))
    }) {
        return false;
    }
    if bare && memchr::memchr_iter(b'.', lower).count() == 1 && FILE_EXT_TLDS.contains(&suffix) {
        return false;
    }
    true
}

/// A dotted quad with every octet in range (leading zeros allowed, as in logs).
pub(crate) fn ipv4(s: &str) -> bool {
    let octet = |p: &str| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255);
    let mut parts = 0;
    s.split('.').all(|p| {
        parts += 1;
        parts <= 4 && octet(p)
    }) && parts == 4
}

/// `a.b.c.d/n` with a valid address and n ≤ 32.
pub(crate) fn ipv4_cidr(s: &str) -> bool {
    match s.split_once('/') {
        Some((ip, bits)) => ipv4(ip) && bits.parse::<u8>().is_ok_and(|n| n <= 32),
        None => false,
    }
}

/// An IPv6 address (optionally with a prefix length). Times such as
/// `10:22:31` and MAC addresses fail `Ipv6Addr` parsing; `::` alone is no IoC.
pub(crate) fn ipv6(s: &str) -> bool {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    if bits.is_some_and(|b| !b.parse::<u8>().is_ok_and(|n| n <= 128)) {
        return false;
    }
    addr.parse::<Ipv6Addr>().is_ok() && addr.bytes().any(|c| c.is_ascii_hexdigit())
}

/// Drops trailing punctuation that belongs to the sentence, not the value:
/// `see http://x.com/a).` → `http://x.com/a`. A closing bracket stays when it
/// closes one opened inside the value.
pub(crate) fn trim_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 {
        let c = b[end - 1];
        let drop = match c {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' => true,
            b')' => count(&b[..end], b'(') < count(&b[..end], b')'),
            b']' => count(&b[..end], b'[') < count(&b[..end], b']'),
            _ => false,
        };
        if !drop {
            break;
        }
        end -= 1;
    }
    end
}

fn count(b: &[u8], c: u8) -> usize {
    b.iter().filter(|&&x| x == c).count()
}

/// The host of a URL, as a byte range within it (no userinfo, no port).
pub(crate) fn url_host(url: &str) -> Option<Range<usize>> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..auth_end];
    let host_start = auth.rfind('@').map_or(0, |i| i + 1);
    let host = &auth[host_start..];
    let host_len = if host.starts_with('[') {
        host.find(']')? + 1
    } else {
        host.find(':').unwrap_or(host.len())
    };
    let range = start + host_start..start + host_start + host_len;
    (!range.is_empty()).then_some(range)
}

/// Characters that may stand right before an IoC of each kind. The regex has
/// no look-behind, so these are checked on the match.
pub(crate) fn left_ok(prev: Option<u8>, linux_path: bool) -> bool {
    match prev {
        None => true,
        Some(c) if linux_path => c.is_ascii_whitespace() || b"\"'=(<[,>`;|".contains(&c),
        // A byte >= 0x80 is part of a non-ASCII letter: the match was cut out of a word.
        Some(c) => !(c.is_ascii_alphanumeric() || c >= 0x80 || b".-_".contains(&c)),
    }
}

/// Characters that may follow an IoC (letters, digits and joiners mean the
/// match was cut out of a longer word).
pub(crate) fn right_ok(next: Option<u8>) -> bool {
    match next {
        None => true,
        Some(c) => !(c.is_ascii_alphanumeric() || c >= 0x80 || b"_-@".contains(&c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_need_a_known_suffix() {
        assert!(domain("evil.com", true, &[]));
        assert!(domain("domain.like.uk", true, &[]));
        assert!(domain("WWW.Example.CO.UK", true, &[]));
        assert!(!domain("domain.like.iandom", true, &[]));
        assert!(!domain("report.docx", true, &[]));
        assert!(!domain("Net.WebClient", true, &[]));
        assert!(!domain("co.uk", true, &[]));
        assert!(!domain("localhost", true, &[]));
        let long = format!("{}.com", "a".repeat(64));
        assert!(!domain(&long, true, &[]));
        assert!(domain(&long[1..], true, &[]));
    }

    #[test]
    fn file_names_are_not_domains_unless_context_says_so() {
        for f in [
            "install.sh",
            "archive.zip",
            "clip.mov",
            "app.py",
            "readme.md",
            "main.rs",
        ] {
            assert!(!domain(f, true, &[]), "{f}");
            assert!(domain(f, false, &[]), "{f} as a URL host");
        }
        assert!(domain("get.install.sh", true, &[]));
    }

    #[test]
    fn ignored_tlds() {
        let ignore = vec!["ru".to_string()];
        assert!(!domain("mail.yandex.ru", true, &ignore));
        assert!(domain("mail.yandex.com", true, &ignore));
    }

    #[test]
    fn ipv4_rules() {
        assert!(ipv4("10.1.2.3"));
        assert!(ipv4("255.255.255.255"));
        assert!(!ipv4("999.999.1.1"));
        assert!(!ipv4("256.1.1.1"));
        assert!(!ipv4("1.2.3.4.5"));
        assert!(!ipv4("1.2.3"));
        assert!(!ipv4("1.3.6.1.4.1.311.21.8"));
        assert!(ipv4_cidr("10.0.0.0/8"));
        assert!(!ipv4_cidr("10.0.0.0/33"));
    }

    #[test]
    fn ipv6_rules() {
        assert!(ipv6("2001:db8::1"));
        assert!(ipv6("fe80:0000:0000:0000:0202:b3ff:fe1e:8329"));
        assert!(ipv6("::ffff:192.0.2.1"));
        assert!(ipv6("2001:db8::/32"));
        assert!(!ipv6("10:22:31"));
        assert!(!ipv6("00:11:22:33:44:55"));
        assert!(!ipv6("::"));
    }

    #[test]
    fn trailing_punctuation() {
        let t = |s: &str| s[..trim_end(s)].to_string();
        assert_eq!(t("http://x.com/a)."), "http://x.com/a");
        assert_eq!(t("http://x.com/wiki/A_(b)"), "http://x.com/wiki/A_(b)");
        assert_eq!(t("http://x.com/a,"), "http://x.com/a");
    }

    #[test]
    fn hosts_of_urls() {
        let h = |u: &str| url_host(u).map(|r| u[r].to_string());
        assert_eq!(h("https://evil.com/x"), Some("evil.com".into()));
        assert_eq!(h("http://u:p@evil.com:8080?q"), Some("evil.com".into()));
        assert_eq!(h("http://[2001:db8::1]:80/"), Some("[2001:db8::1]".into()));
        assert_eq!(h("http:///x"), None);
    }
}
