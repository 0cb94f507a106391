//! The candidate patterns, one per kind of IoC, searched as one regex.
//!
//! All kinds are compiled into one multi-pattern regex so the text is
//! scanned once (linear time: `regex-automata` has no backtracking engine).
//! The search is leftmost-first, so the order of [`Kind::ALL`] decides which
//! kind wins a span: URL before e-mail before domain, so that the domain
//! inside a URL or an e-mail address is not reported on its own (it is
//! derived instead). Each match carries the id of the pattern that matched,
//! so its kind is known without looking at its text, and a rejected
//! candidate can be retried as a later kind anchored at the same start.
//! A match is only a candidate: `validate` decides.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::PatternID;

/// A label of a domain name (RFC 1035 letters, digits, hyphens). Its
/// length (at most 63) is checked by `validate::domain`, not counted here:
/// counted repetitions multiply the lazy DFA's states, and building those
/// states was half of a scan's time on a megabyte of text.
const LABEL: &str = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?";
/// A character of a Windows path segment. Spaces are only allowed inside
/// directory names (`Program Files`), never in the last segment, so a path
/// followed by arguments ends where it should.
const WIN_SEG: &str = r"[A-Za-z0-9_$~.%{}\-@#!+=()]+";
/// URL schemes, MSTICPy's and the other ones found in intrusion reports.
/// `file://` may have an empty host (`file:///C:/x.exe`).
const SCHEMES: &str = r"https?|ftps?|sftp|tftp|wss?|smb|ldaps?|telnet|ssh|file";

/// What a candidate pattern looks for. One [`IocType`](super::IocType) or
/// a family of them (dotted numbers are IPv4 or CIDR; hex words are
/// hashes of four lengths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Url,
    Email,
    /// Before `Ipv4`, so `123.example.com` is a domain; its TLD is
    /// alphabetic, so it never matches a dotted number.
    Dns,
    /// The whole dotted-number run, so that versions (`1.2.3.4.5`) and OIDs
    /// are seen whole and rejected.
    Ipv4,
    Ipv6,
    Hash,
    Cve,
    Mitre,
    WindowsPath,
    LinuxPath,
}

impl Kind {
    /// Every kind, in priority order (its index is its pattern id).
    pub(crate) const ALL: [Kind; 10] = [
        Kind::Url,
        Kind::Email,
        Kind::Dns,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Hash,
        Kind::Cve,
        Kind::Mitre,
        Kind::WindowsPath,
        Kind::LinuxPath,
    ];

    fn pattern(self) -> String {
        let dns = format!(r"(?:{LABEL}\.)+(?:[A-Za-z]{{2,}}|xn--[A-Za-z0-9\-]+)");
        match self {
            // a scheme and everything up to whitespace or a quote-like character
            Kind::Url => format!(r"(?i:(?:{SCHEMES})://[^\s<>`{{}}|\\^'\x22]+)"),
            Kind::Email => format!(r"[A-Za-z0-9._%+\-]+@{dns}"),
            Kind::Dns => dns,
            Kind::Ipv4 => r"[0-9]+(?:\.[0-9]+)+(?:/[0-9]{1,3})?".into(),
            // loosely; `Ipv6Addr` validates
            Kind::Ipv6 => {
                r"(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\.[0-9]{1,3}){3})?(?:/[0-9]{1,3})?"
                    .into()
            }
            // whole hex words; only 32, 40, 64 and 128 digits are hashes,
            // which `accept` checks (for the DFA's sake, as labels above)
            Kind::Hash => r"(?-u:\b)[0-9A-Fa-f]{32,}(?-u:\b)".into(),
            Kind::Cve => r"(?i:CVE-[0-9]{4}-[0-9]{4,7})(?-u:\b)".into(),
            Kind::Mitre => r"(?-u:\b)T[0-9]{4}(?:\.[0-9]{3})?(?-u:\b)".into(),
            // drive or UNC root, directories (spaces allowed), a last segment
            Kind::WindowsPath => format!(
                r"(?:[A-Za-z]:\\|\\\\[A-Za-z0-9._$\-]+\\)(?:{WIN_SEG}(?: +{WIN_SEG})*\\)*(?:{WIN_SEG})?"
            ),
            // two or more segments; the left boundary is checked later
            Kind::LinuxPath => r"(?:/[A-Za-z0-9_.~+@%\-]+){2,}/?".into(),
        }
    }

    /// The pattern id of this kind in [`candidates`].
    pub(crate) fn id(self) -> PatternID {
        PatternID::must(self as usize)
    }

    /// The kind a pattern id of [`candidates`] stands for.
    pub(crate) fn from_id(id: PatternID) -> Kind {
        Kind::ALL[id.as_usize()]
    }

    /// The kinds after this one in priority order: what a rejected
    /// candidate may still be at the same start.
    pub(crate) fn later(self) -> &'static [Kind] {
        &Kind::ALL[self as usize + 1..]
    }

    /// Whether this kind's pattern can match starting with byte `b`: a
    /// cheap test that spares a rejected candidate the retries that cannot
    /// match (each search has a fixed cost, and rejections are common).
    pub(crate) fn can_start_with(self, b: u8) -> bool {
        match self {
            Kind::Url => b.is_ascii_alphabetic(),
            Kind::WindowsPath => b.is_ascii_alphabetic() || b == b'\\',
            Kind::Email => b.is_ascii_alphanumeric() || b"._%+-".contains(&b),
            Kind::Dns => b.is_ascii_alphanumeric(),
            Kind::Ipv4 => b.is_ascii_digit(),
            Kind::Ipv6 => b.is_ascii_hexdigit() || b == b':',
            Kind::Hash => b.is_ascii_hexdigit(),
            Kind::Cve => b.eq_ignore_ascii_case(&b'c'),
            Kind::Mitre => b == b'T',
            Kind::LinuxPath => b == b'/',
        }
    }
}

/// The compiled candidate patterns, built once per process.
pub(crate) fn candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The patterns are constants that the tests compile, so this cannot fail.
    RE.get_or_init(|| {
        let patterns: Vec<String> = Kind::ALL.iter().map(|k| k.pattern()).collect();
        Regex::new_many(&patterns).expect("candidate patterns compile")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str) -> Option<(&str, Kind)> {
        candidates()
            .find(s)
            .map(|m| (&s[m.range()], Kind::from_id(m.pattern())))
    }

    #[test]
    fn each_pattern_names_its_kind() {
        assert_eq!(
            first("go https://a.com/x now"),
            Some(("https://a.com/x", Kind::Url))
        );
        assert_eq!(
            first("<bob.smith@contoso.com>"),
            Some(("bob.smith@contoso.com", Kind::Email))
        );
        assert_eq!(
            first("host www.evil.co.uk."),
            Some(("www.evil.co.uk", Kind::Dns))
        );
        assert_eq!(first("ip 10.1.2.3:80"), Some(("10.1.2.3", Kind::Ipv4)));
        assert_eq!(first("net 10.0.0.0/8"), Some(("10.0.0.0/8", Kind::Ipv4)));
        assert_eq!(first("v6 2001:db8::1 x"), Some(("2001:db8::1", Kind::Ipv6)));
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(first(&format!("md5={md5}")), Some((md5, Kind::Hash)));
        assert_eq!(
            first("CVE-2021-44228!"),
            Some(("CVE-2021-44228", Kind::Cve))
        );
        assert_eq!(first("T1059.001 used"), Some(("T1059.001", Kind::Mitre)));
        assert_eq!(
            first(r#""C:\Program Files\Office\x.exe" /q"#),
            Some((r"C:\Program Files\Office\x.exe", Kind::WindowsPath))
        );
        assert_eq!(
            first(r"\\fs01\share\a.bat"),
            Some((r"\\fs01\share\a.bat", Kind::WindowsPath))
        );
        assert_eq!(
            first("a0=\"/usr/bin/curl\""),
            Some(("/usr/bin/curl", Kind::LinuxPath))
        );
        for url in [
            "telnet://10.0.0.1:23",
            "file://server/share/x.exe",
            "ssh://h.example.com",
        ] {
            assert_eq!(first(url), Some((url, Kind::Url)), "{url}");
        }
    }

    #[test]
    fn ids_and_kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_id(k.id()), k);
        }
        assert_eq!(Kind::Hash.later()[0], Kind::Cve);
        assert!(Kind::LinuxPath.later().is_empty());
    }

    /// `can_start_with` must never rule out a byte a pattern starts with:
    /// every match in seeded random text made of the patterns' pieces
    /// starts with a byte it allows.
    #[test]
    fn first_bytes_agree_with_the_patterns() {
        const PIECES: &[&str] = &[
            "CVE-2021-",
            "cve-",
            "T1059",
            "http",
            "://",
            "@",
            "C:\\",
            "\\\\",
            "/",
            ".",
            ":",
            "-",
            "_",
            "%",
            "+",
            " ",
            "x",
            "com",
            "1",
            "42",
            "255",
            "ab",
            "dEaD",
            "f00d",
            "X",
            "=",
            "d41d8cd98f00b204e9800998ecf8427e",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut text = String::new();
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        for k in Kind::ALL {
            let re = Regex::new(&k.pattern()).unwrap();
            let mut seen = 0;
            for m in re.find_iter(&text) {
                seen += 1;
                let b = text.as_bytes()[m.start()];
                assert!(k.can_start_with(b), "{k:?} starts with {:?}", b as char);
            }
            assert!(seen > 0, "{k:?} never matched");
        }
    }

    #[test]
    fn dotted_runs_are_seen_whole() {
        assert_eq!(first("version 1.2.3.4.5;"), Some(("1.2.3.4.5", Kind::Ipv4)));
        assert_eq!(
            first("oid 1.3.6.1.4.1.311.21.8"),
            Some(("1.3.6.1.4.1.311.21.8", Kind::Ipv4))
        );
    }

    #[test]
    fn hex_words_of_any_length_are_candidates() {
        let h33 = "a".repeat(33);
        assert_eq!(first(&h33), Some((h33.as_str(), Kind::Hash)));
        assert!(crate::ioc::Extractor::new(&Default::default(), false)
            .unwrap()
            .extract(&h33)
            .is_empty());
        let h40 = "B".repeat(40);
        assert_eq!(first(&h40), Some((h40.as_str(), Kind::Hash)));
        let h128 = "c".repeat(128);
        assert_eq!(first(&h128), Some((h128.as_str(), Kind::Hash)));
    }
}
