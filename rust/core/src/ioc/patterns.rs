//! The one regex that finds IoC candidates, and how a match is classified.
//!
//! All built-in types share one alternation so the text is scanned once
//! (linear time: the `regex` crate has no backtracking engine). The
//! alternation is leftmost-first, so its order decides which type wins a
//! span: URL before e-mail before domain, so that the domain inside a URL or
//! an e-mail address is not reported on its own (it is derived instead).
//! A match is only a candidate: `validate` decides.

use std::sync::OnceLock;

use regex::Regex;

use super::types::IocType;

/// A label of a domain name (RFC 1035 letters, digits, hyphens).
const LABEL: &str = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?";
/// A character of a Windows path segment. Spaces are only allowed inside
/// directory names (`Program Files`), never in the last segment, so a path
/// followed by arguments ends where it should.
const WIN_SEG: &str = r"[A-Za-z0-9_$~.%{}\-@#!+=()]+";

fn source() -> String {
    let dns = format!(r"(?:{LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9\-]{{1,59}})");
    let parts = [
        // url: a scheme and everything up to whitespace or a quote-like character
        r"(?i:(?:https?|ftps?|sftp|wss?|smb|ldaps?)://[^\s<>`{}|\\^'\x22]+)".to_string(),
        // email: local part @ domain
        format!(r"[A-Za-z0-9._%+\-]+@{dns}"),
        // dns before ipv4 so `123.example.com` is a domain; its TLD is
        // alphabetic, so it never matches a dotted number
        dns,
        // ipv4 and ipv4_cidr: the whole dotted-number run, so that versions
        // (1.2.3.4.5) and OIDs are seen whole and rejected
        r"[0-9]+(?:\.[0-9]+)+(?:/[0-9]{1,3})?".to_string(),
        // ipv6, loosely; `Ipv6Addr` validates
        r"(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\.[0-9]{1,3}){3})?(?:/[0-9]{1,3})?"
            .to_string(),
        // hashes: whole hex words of exactly these lengths
        r"(?-u:\b)(?:[0-9A-Fa-f]{128}|[0-9A-Fa-f]{64}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{32})(?-u:\b)"
            .to_string(),
        r"(?i:CVE-[0-9]{4}-[0-9]{4,7})(?-u:\b)".to_string(),
        r"(?-u:\b)T[0-9]{4}(?:\.[0-9]{3})?(?-u:\b)".to_string(),
        // windows_path: drive or UNC root, directories (spaces allowed), a last segment
        format!(
            r"(?:[A-Za-z]:\\|\\\\[A-Za-z0-9._$\-]+\\)(?:{WIN_SEG}(?: +{WIN_SEG})*\\)*(?:{WIN_SEG})?"
        ),
        // linux_path: two or more segments; the left boundary is checked later
        r"(?:/[A-Za-z0-9_.~+@%\-]+){2,}/?".to_string(),
    ];
    parts.join("|")
}

/// The compiled candidate regex, built once per process.
pub(crate) fn candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The source is a constant that the tests compile, so this cannot fail.
    RE.get_or_init(|| Regex::new(&source()).expect("candidate pattern compiles"))
}

/// Which type a candidate would be, from its text alone.
///
/// The alternatives above differ in their first characters or their
/// punctuation, so the text says which one matched without asking the regex
/// for capture groups (which would cost a second pass over every match).
pub(crate) fn classify(s: &str) -> IocType {
    let b = s.as_bytes();
    if s.contains("://") && b.first().is_some_and(u8::is_ascii_alphabetic) {
        IocType::Url
    } else if b.first() == Some(&b'\\') || (b.len() >= 3 && b[1] == b':' && b[2] == b'\\') {
        IocType::WindowsPath
    } else if b.first() == Some(&b'/') {
        IocType::LinuxPath
    } else if s.contains('@') {
        IocType::Email
    } else if b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"cve-") {
        IocType::Cve
    } else if is_mitre(b) {
        IocType::MitreAttack
    } else if s.contains(':') {
        IocType::Ipv6
    } else if !s.contains('.') {
        // Only the hash alternative matches without a dot (an all-digit
        // hash included).
        match b.len() {
            32 => IocType::Md5Hash,
            40 => IocType::Sha1Hash,
            64 => IocType::Sha256Hash,
            _ => IocType::Sha512Hash,
        }
    } else if b
        .iter()
        .all(|c| c.is_ascii_digit() || *c == b'.' || *c == b'/')
    {
        if s.contains('/') {
            IocType::Ipv4Cidr
        } else {
            IocType::Ipv4
        }
    } else {
        IocType::Dns
    }
}

fn is_mitre(b: &[u8]) -> bool {
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => b[0] == b'T' && digits(&b[1..]),
        9 => b[0] == b'T' && digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<(&str, IocType)> {
        candidates()
            .find(s)
            .map(|m| (m.as_str(), classify(m.as_str())))
    }

    #[test]
    fn classifies_each_alternative() {
        assert_eq!(
            first("go https://a.com/x now"),
            Some(("https://a.com/x", IocType::Url))
        );
        assert_eq!(
            first("<bob.smith@contoso.com>"),
            Some(("bob.smith@contoso.com", IocType::Email))
        );
        assert_eq!(
            first("host www.evil.co.uk."),
            Some(("www.evil.co.uk", IocType::Dns))
        );
        assert_eq!(first("ip 10.1.2.3:80"), Some(("10.1.2.3", IocType::Ipv4)));
        assert_eq!(
            first("net 10.0.0.0/8"),
            Some(("10.0.0.0/8", IocType::Ipv4Cidr))
        );
        assert_eq!(
            first("v6 2001:db8::1 x"),
            Some(("2001:db8::1", IocType::Ipv6))
        );
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(first(&format!("md5={md5}")), Some((md5, IocType::Md5Hash)));
        assert_eq!(
            first("CVE-2021-44228!"),
            Some(("CVE-2021-44228", IocType::Cve))
        );
        assert_eq!(
            first("T1059.001 used"),
            Some(("T1059.001", IocType::MitreAttack))
        );
        assert_eq!(
            first(r#""C:\Program Files\Office\x.exe" /q"#),
            Some((r"C:\Program Files\Office\x.exe", IocType::WindowsPath))
        );
        assert_eq!(
            first(r"\\fs01\share\a.bat"),
            Some((r"\\fs01\share\a.bat", IocType::WindowsPath))
        );
        assert_eq!(
            first("a0=\"/usr/bin/curl\""),
            Some(("/usr/bin/curl", IocType::LinuxPath))
        );
    }

    #[test]
    fn dotted_runs_are_seen_whole() {
        assert_eq!(
            first("version 1.2.3.4.5;"),
            Some(("1.2.3.4.5", IocType::Ipv4))
        );
        assert_eq!(
            first("oid 1.3.6.1.4.1.311.21.8"),
            Some(("1.3.6.1.4.1.311.21.8", IocType::Ipv4))
        );
    }

    #[test]
    fn hash_lengths_are_exact() {
        let h33 = "a".repeat(33);
        assert_eq!(first(&h33), None);
        let h40 = "B".repeat(40);
        assert_eq!(first(&h40), Some((h40.as_str(), IocType::Sha1Hash)));
        let h128 = "c".repeat(128);
        assert_eq!(first(&h128), Some((h128.as_str(), IocType::Sha512Hash)));
    }
}
