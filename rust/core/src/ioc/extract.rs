//! The extractor: options checked once, then one pass over any text.

use regex::{Regex, RegexBuilder};
use regex_automata::{Anchored, Input};

use super::options::IocOptions;
use super::patterns::{candidates, Kind};
use super::refang::Refanged;
use super::types::IocType;
use super::validate;
use crate::error::{Error, ErrorKind, Result};

/// User patterns get a bounded compiled size: they come from untrusted
/// settings files as often as from the user.
const EXTRA_PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// One IoC found in a text. Borrowed, so scanning allocates nothing per match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'t> {
    /// The type name (`"dns"`, or a user pattern's name).
    pub ioc_type: &'t str,
    /// The built-in type, `None` for a user pattern.
    pub builtin: Option<IocType>,
    /// The text as written, defanged or not.
    pub observable: &'t str,
    /// The refanged value (`hxxp://a[.]b` → `http://a.b`).
    pub refanged: &'t str,
    /// Byte offset of `observable` in the scanned text.
    pub start: usize,
}

/// Rejected candidates longer than this are not searched again inside: the
/// bound keeps a scan linear on hostile input (a megabyte-long line of
/// `/a/a/a…`), and the IoCs hidden by a rejection sit in short spans
/// (`:C:`, `<md5>.exe`).
const RESCAN_MAX: usize = 256;

/// Where the scan goes on after the rejected candidate `t[s..e]`: the first
/// position inside it where an IoC may start (right after a byte that no
/// IoC runs across), else its end.
fn resume_after_rejection(t: &[u8], s: usize, e: usize) -> usize {
    if e - s > RESCAN_MAX {
        return e;
    }
    (s + 1..e)
        .find(|&p| validate::left_ok(Some(t[p - 1]), false))
        .unwrap_or(e)
}

/// A compiled extractor.
#[derive(Debug, Clone)]
pub struct Extractor {
    wanted: [bool; IocType::ALL.len()],
    ignore_tlds: Vec<String>,
    extra: Vec<(String, Regex)>,
}

impl Extractor {
    /// Checks `options` and compiles user patterns. `table` picks the
    /// default for `include_paths` (off for tables, on for text).
    pub fn new(options: &IocOptions, table: bool) -> Result<Extractor> {
        let mut wanted = [options.types.is_none(); IocType::ALL.len()];
        for name in options.types.iter().flatten() {
            if options.extra_patterns.iter().any(|p| &p.name == name) {
                continue;
            }
            let t: IocType = name.parse()?;
            wanted[t as usize] = true;
        }
        // Named types always win (#11): `include_paths` only decides the
        // path types when no types are named.
        if options.types.is_none() {
            let paths = options.include_paths.unwrap_or(!table);
            wanted[IocType::WindowsPath as usize] = paths;
            wanted[IocType::LinuxPath as usize] = paths;
        }
        let extra = options
            .extra_patterns
            .iter()
            .map(|p| {
                RegexBuilder::new(&p.pattern)
                    .size_limit(EXTRA_PATTERN_SIZE_LIMIT)
                    .build()
                    .map(|re| (p.name.clone(), re))
                    .map_err(|e| {
                        Error::new(ErrorKind::InvalidPattern {
                            name: p.name.clone(),
                            message: e.to_string(),
                        })
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let ignore_tlds = options
            .ignore_tlds
            .iter()
            .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(Extractor {
            wanted,
            ignore_tlds,
            extra,
        })
    }

    /// The type names this extractor reports, built-ins in priority order
    /// then user patterns.
    pub fn type_names(&self) -> Vec<&str> {
        IocType::ALL
            .iter()
            .filter(|t| self.wanted[**t as usize])
            .map(|t| t.name())
            .chain(self.extra.iter().map(|(n, _)| n.as_str()))
            .collect()
    }

    /// Calls `emit` for every IoC in `text`, in order of position (user
    /// patterns after the built-in types). A URL's host and an e-mail
    /// address's domain are reported too, right after it.
    pub fn scan(&self, text: &str, emit: impl FnMut(Match<'_>)) {
        self.scan_reusing(text, &mut String::new(), emit);
    }

    /// [`Extractor::scan`] with `buffer` as the scratch space for the
    /// refanged text, so scanning many chunks or cells allocates it once.
    pub fn scan_reusing(&self, text: &str, buffer: &mut String, mut emit: impl FnMut(Match<'_>)) {
        let refanged = Refanged::reusing(text, std::mem::take(buffer));
        let t = refanged.text();
        let mut out = |ty: IocType, s: usize, e: usize| {
            if self.wanted[ty as usize] {
                let (os, oe) = (refanged.orig_start(s), refanged.orig_end(e));
                emit(Match {
                    ioc_type: ty.name(),
                    builtin: Some(ty),
                    observable: &text[os..oe],
                    refanged: &t[s..e],
                    start: os,
                });
            }
        };
        let re = candidates();
        let mut at = 0;
        while at < t.len() {
            let Some(m) = re.search(&Input::new(t).range(at..)) else {
                break;
            };
            let (s, e) = (m.start(), m.end());
            let kind = Kind::from_id(m.pattern());
            if let Some(end) = self.accept(t, kind, s, e, &mut out) {
                at = end;
                continue;
            }
            // A rejected candidate can hide a real IoC (#11). At the same
            // start, a later kind may match: `<md5>.exe` is no domain but
            // starts with an md5. Failing that, the scan resumes inside the
            // rejected span: in `/out:C:\x.exe`, `:C:` is no IPv6 address,
            // and the path starts right after it.
            let first = t.as_bytes()[s];
            let later = kind.later().iter().filter(|k| k.can_start_with(first));
            let retried = later.into_iter().find_map(|&k| {
                let anchored = Input::new(t).range(s..).anchored(Anchored::Pattern(k.id()));
                let m = re.search(&anchored)?;
                self.accept(t, k, s, m.end(), &mut out)
            });
            at = retried.unwrap_or_else(|| resume_after_rejection(t.as_bytes(), s, e));
        }
        for (name, re) in &self.extra {
            for m in re.find_iter(t).filter(|m| !m.is_empty()) {
                let (os, oe) = (refanged.orig_start(m.start()), refanged.orig_end(m.end()));
                emit(Match {
                    ioc_type: name,
                    builtin: None,
                    observable: &text[os..oe],
                    refanged: m.as_str(),
                    start: os,
                });
            }
        }
        *buffer = refanged.into_buffer();
    }

    /// Validates the candidate `t[s..e]` of `kind`, reports what it is
    /// through `out` (a URL's host and an e-mail's domain too), and returns
    /// where the scan goes on; `None` when it is no IoC.
    fn accept(
        &self,
        t: &str,
        kind: Kind,
        s: usize,
        e: usize,
        out: &mut impl FnMut(IocType, usize, usize),
    ) -> Option<usize> {
        let bytes = t.as_bytes();
        let cand = &t[s..e];
        let prev = s.checked_sub(1).map(|i| bytes[i]);
        let next = bytes.get(e).copied();
        match kind {
            Kind::Url => {
                if !validate::left_ok(prev, false) {
                    return None;
                }
                let e = s + validate::trim_end(cand);
                let url = &t[s..e];
                let Some(host) = validate::url_host(url) else {
                    // `file:///C:/x.exe` names no host, and needs none.
                    let file = url.len() > "file:///".len()
                        && url.as_bytes()[..8].eq_ignore_ascii_case(b"file:///");
                    return file.then(|| {
                        out(IocType::Url, s, e);
                        e
                    });
                };
                out(IocType::Url, s, e);
                let (hs, he) = (s + host.start, s + host.end);
                let host = &t[hs..he];
                if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
                    if validate::ipv6(v6) {
                        out(IocType::Ipv6, hs + 1, he - 1);
                    }
                } else if validate::ipv4(host) {
                    out(IocType::Ipv4, hs, he);
                } else if validate::domain(host, false, &self.ignore_tlds) {
                    out(IocType::Dns, hs, he);
                }
                Some(e)
            }
            Kind::Email => {
                let at = cand.find('@')?;
                // A sentence's dots are not part of the local part.
                let lead = cand.bytes().take_while(|&c| c == b'.').count();
                let (s, at) = (s + lead, s + at);
                let local = &t[s..at];
                if local.is_empty() || local.ends_with('.') || local.contains("..") {
                    return None;
                }
                if !validate::right_ok(next)
                    || !validate::domain(&t[at + 1..e], false, &self.ignore_tlds)
                {
                    return None;
                }
                out(IocType::Email, s, e);
                out(IocType::Dns, at + 1, e);
                Some(e)
            }
            Kind::Dns => {
                let ok = validate::left_ok(prev, false)
                    && validate::right_ok(next)
                    && validate::domain(cand, true, &self.ignore_tlds);
                ok.then(|| {
                    out(IocType::Dns, s, e);
                    e
                })
            }
            Kind::Ipv4 => {
                let (ty, valid) = if cand.contains('/') {
                    (IocType::Ipv4Cidr, validate::ipv4_cidr(cand))
                } else {
                    (IocType::Ipv4, validate::ipv4(cand))
                };
                let ok = valid && validate::left_ok(prev, false) && validate::right_ok(next);
                ok.then(|| {
                    out(ty, s, e);
                    e
                })
            }
            Kind::Ipv6 => {
                let joined = |c: Option<u8>| c.is_some_and(|c| c == b':' || c == b'.');
                let ok = validate::ipv6(cand)
                    && validate::left_ok(prev, false)
                    && validate::right_ok(next)
                    && !joined(prev)
                    && !joined(next);
                ok.then(|| {
                    out(IocType::Ipv6, s, e);
                    e
                })
            }
            Kind::WindowsPath => {
                let e = s + validate::trim_end(cand);
                (validate::left_ok(prev, false) && e - s > 3).then(|| {
                    out(IocType::WindowsPath, s, e);
                    e
                })
            }
            Kind::LinuxPath => {
                let e = s + validate::trim_end(cand);
                let segments = t[s..e].split('/').filter(|p| !p.is_empty()).count();
                (validate::left_ok(prev, true) && segments >= 2).then(|| {
                    out(IocType::LinuxPath, s, e);
                    e
                })
            }
            Kind::Hash | Kind::Cve | Kind::Mitre => {
                let ty = match kind {
                    Kind::Cve => IocType::Cve,
                    Kind::Mitre => IocType::MitreAttack,
                    _ => match cand.len() {
                        32 => IocType::Md5Hash,
                        40 => IocType::Sha1Hash,
                        64 => IocType::Sha256Hash,
                        128 => IocType::Sha512Hash,
                        // a hex word of another length is no hash
                        _ => return None,
                    },
                };
                (validate::left_ok(prev, false) && validate::right_ok(next)).then(|| {
                    out(ty, s, e);
                    e
                })
            }
        }
    }

    /// Every IoC in `text` as owned `(type, observable, refanged, offset)`
    /// tuples: convenient for tests and small inputs.
    pub fn extract(&self, text: &str) -> Vec<(String, String, String, usize)> {
        let mut found = Vec::new();
        self.scan(text, |m| {
            found.push((
                m.ioc_type.to_string(),
                m.observable.to_string(),
                m.refanged.to_string(),
                m.start,
            ))
        });
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ioc::options::ExtraPattern;

    fn all() -> Extractor {
        Extractor::new(&IocOptions::default(), false).unwrap()
    }

    /// (type, refanged) pairs found in `text`.
    fn found(text: &str) -> Vec<(String, String)> {
        all()
            .extract(text)
            .into_iter()
            .map(|(t, _, r, _)| (t, r))
            .collect()
    }

    fn has(text: &str, ty: &str, value: &str) -> bool {
        found(text).iter().any(|(t, v)| t == ty && v == value)
    }

    fn pair(t: &str, v: &str) -> (String, String) {
        (t.to_string(), v.to_string())
    }

    #[test]
    fn every_type() {
        assert!(has("beacon 10.1.2.3 now", "ipv4", "10.1.2.3"));
        assert!(has("net 10.0.0.0/8.", "ipv4_cidr", "10.0.0.0/8"));
        assert!(has("SRC=2001:db8::1 DST", "ipv6", "2001:db8::1"));
        assert!(has("host www.evil.com.", "dns", "www.evil.com"));
        assert!(has(
            "get https://evil.com/a?b=1 now",
            "url",
            "https://evil.com/a?b=1"
        ));
        assert!(has(
            "from=<bob.smith@contoso.com>",
            "email",
            "bob.smith@contoso.com"
        ));
        assert!(has(
            &format!("x {} y", "a".repeat(32)),
            "md5_hash",
            &"a".repeat(32)
        ));
        assert!(has(
            &format!("x {} y", "B".repeat(40)),
            "sha1_hash",
            &"B".repeat(40)
        ));
        assert!(has(
            &format!("x {} y", "c".repeat(64)),
            "sha256_hash",
            &"c".repeat(64)
        ));
        assert!(has(
            &format!("x {} y", "d".repeat(128)),
            "sha512_hash",
            &"d".repeat(128)
        ));
        assert!(has(
            r#"file="C:\Windows\Temp\a.exe""#,
            "windows_path",
            r"C:\Windows\Temp\a.exe"
        ));
        assert!(has("a0=\"/usr/bin/curl\"", "linux_path", "/usr/bin/curl"));
        assert!(has("Log4Shell CVE-2021-44228.", "cve", "CVE-2021-44228"));
        assert!(has("uses T1059 and T1059.001", "mitre_attack", "T1059"));
        assert!(has("uses T1059 and T1059.001", "mitre_attack", "T1059.001"));
    }

    #[test]
    fn defanged_forms_keep_both_texts() {
        let e = all();
        let got = e.extract("see hxxps://evil[.]example[.]com/a.php and 1.2.3[.]4");
        assert_eq!(
            got[0],
            (
                "url".into(),
                "hxxps://evil[.]example[.]com/a.php".into(),
                "https://evil.example.com/a.php".into(),
                4
            )
        );
        assert_eq!(got[1].0, "dns");
        assert_eq!(got[1].1, "evil[.]example[.]com");
        assert_eq!(got[1].2, "evil.example.com");
        assert!(has("ip 1.2.3[.]4)", "ipv4", "1.2.3.4"));
        assert!(has("mail bob[at]contoso[.]com", "email", "bob@contoso.com"));
        assert!(has("mail bob[@]contoso.com", "email", "bob@contoso.com"));
        assert!(has("c2 evil(.)com", "dns", "evil.com"));
        assert!(has("c2 evil[dot]com", "dns", "evil.com"));
        assert!(has("hXXp://a.com/x", "url", "http://a.com/x"));
        assert!(has("fxp://files.a.com/x", "url", "ftp://files.a.com/x"));
        assert!(has("hxxp[:]//a.com/x", "url", "http://a.com/x"));
        assert!(has("http[://]a.com/x", "url", "http://a.com/x"));
        assert!(has("a.com[/]x", "dns", "a.com"));
    }

    #[test]
    fn overlaps_are_reported_once_with_derived_hosts() {
        assert_eq!(
            found("GET http://1.2.3.4/x.exe"),
            vec![pair("url", "http://1.2.3.4/x.exe"), pair("ipv4", "1.2.3.4")]
        );
        assert_eq!(
            found("to bob@evil.co.uk"),
            vec![pair("email", "bob@evil.co.uk"), pair("dns", "evil.co.uk")]
        );
        // the path of a URL is not a linux path, its file name not a domain
        assert_eq!(
            found("https://a.com/wp/x/install.sh"),
            vec![
                pair("url", "https://a.com/wp/x/install.sh"),
                pair("dns", "a.com")
            ]
        );
    }

    #[test]
    fn look_alikes_are_not_iocs() {
        assert!(found("version 1.2.3.4.5 and 999.999.1.1").is_empty());
        assert!(found("oid 1.3.6.1.4.1.311.21.8").is_empty());
        assert!(found("Mar  4 10:22:31 host").is_empty());
        assert!(found("opened report.docx install.sh archive.zip clip.mov").is_empty());
        assert!(found("domain.like.iandom").is_empty());
        assert!(has("domain.like.uk", "dns", "domain.like.uk"));
        assert!(found("Content-Type text/html HTTP/1.1").is_empty());
        assert!(found("(New-Object Net.WebClient).DownloadString").is_empty());
        assert!(found("mac 00:11:22:33:44:55").is_empty());
        assert!(found("std::vector postfix/smtpd[42]").is_empty());
        assert!(found(&"e".repeat(33)).is_empty());
    }

    #[test]
    fn windows_paths_with_spaces_end_before_arguments() {
        let got = found(r#"schtasks /tr C:\Program Files (x86)\My App\run.bat /f"#);
        assert_eq!(
            got,
            vec![pair(
                "windows_path",
                r"C:\Program Files (x86)\My App\run.bat"
            )]
        );
        let got = found(r"rundll32.exe C:\Users\bob\payload.dll,DllRegisterServer");
        assert_eq!(got, vec![pair("windows_path", r"C:\Users\bob\payload.dll")]);
    }

    #[test]
    fn linux_paths_need_a_boundary_and_two_segments() {
        assert!(found("HIER_DIRECT/a/b TCP_MISS/200 cmd /c").is_empty());
        assert!(has("cat /etc/shadow.", "linux_path", "/etc/shadow"));
    }

    #[test]
    fn options_select_types() {
        let opts = IocOptions {
            types: Some(vec!["dns".into()]),
            ..Default::default()
        };
        let e = Extractor::new(&opts, false).unwrap();
        let got = e.extract("http://a.com/x 1.2.3.4 b.org");
        let types: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(types, ["dns", "dns"]);
        assert_eq!(e.type_names(), ["dns"]);

        // paths: on by default for text, off for tables
        let text = Extractor::new(&IocOptions::default(), false).unwrap();
        let table = Extractor::new(&IocOptions::default(), true).unwrap();
        assert!(text.type_names().contains(&"linux_path"));
        assert!(!table.type_names().contains(&"linux_path"));

        let bad = IocOptions {
            types: Some(vec!["ipv5".into()]),
            ..Default::default()
        };
        assert_eq!(
            Extractor::new(&bad, false).unwrap_err().kind_name(),
            "unknown_ioc_type"
        );
    }

    #[test]
    fn extra_patterns_and_ignored_tlds() {
        let opts = IocOptions {
            extra_patterns: vec![ExtraPattern {
                name: "ticket".into(),
                pattern: r"INC-\d+".into(),
            }],
            ignore_tlds: vec![".RU".into()],
            ..Default::default()
        };
        let e = Extractor::new(&opts, false).unwrap();
        let got = e.extract("INC-42 mail.ru evil.com");
        let pairs: Vec<_> = got.iter().map(|g| (g.0.as_str(), g.2.as_str())).collect();
        assert_eq!(pairs, [("dns", "evil.com"), ("ticket", "INC-42")]);

        let bad = IocOptions {
            extra_patterns: vec![ExtraPattern {
                name: "broken".into(),
                pattern: "(".into(),
            }],
            ..Default::default()
        };
        let err = Extractor::new(&bad, false).unwrap_err();
        assert_eq!(err.kind_name(), "invalid_pattern");
        assert!(err
            .to_string()
            .starts_with("pattern \"broken\" does not compile"));
    }

    /// #11: a rejected candidate must not hide a real IoC inside its span.
    #[test]
    fn rejected_candidates_do_not_hide_iocs() {
        for (text, path) in [
            (r"/out:C:\Temp\x.exe", r"C:\Temp\x.exe"),
            (r"/log:D:\logs\run.log", r"D:\logs\run.log"),
            (r"-FileName:C:\Users\bob\a.ps1", r"C:\Users\bob\a.ps1"),
        ] {
            assert_eq!(found(text), vec![pair("windows_path", path)], "{text}");
        }
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        assert_eq!(
            found(&format!("file {md5}.exe")),
            vec![pair("md5_hash", md5)]
        );
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert_eq!(
            found(&format!("loaded {sha1}.dll ok")),
            vec![pair("sha1_hash", sha1)]
        );
        assert_eq!(
            found("see CVE-2021-44228.pdf and T1059.exe"),
            vec![pair("cve", "CVE-2021-44228"), pair("mitre_attack", "T1059")]
        );
        // what the retry must still not find
        assert!(found("version 1.2.3.4.5 and 00:11:22:33:44:55").is_empty());
        assert!(found("Mar  4 10:22:31 host std::vector").is_empty());
    }

    /// #11: hostile input stays linear: long rejected runs are not
    /// searched again inside.
    #[test]
    fn rejected_runs_are_not_rescanned_without_bound() {
        let text = "/a".repeat(200_000);
        let line = format!("x{text}");
        assert!(found(&line).is_empty());
        let colons = ":C".repeat(100_000);
        assert!(found(&colons).is_empty());
    }

    /// #11: named types win over `include_paths`.
    #[test]
    fn named_types_win_over_include_paths() {
        let opts = IocOptions {
            types: Some(vec!["ipv4".into()]),
            include_paths: Some(true),
            ..Default::default()
        };
        let e = Extractor::new(&opts, false).unwrap();
        assert_eq!(e.type_names(), ["ipv4"]);
        let got = e.extract(r"a 1.2.3.4 C:\x\y.exe /usr/bin/curl");
        let types: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(types, ["ipv4"]);
        let opts = IocOptions {
            types: Some(vec!["windows_path".into()]),
            include_paths: Some(false),
            ..Default::default()
        };
        let e = Extractor::new(&opts, true).unwrap();
        assert_eq!(e.type_names(), ["windows_path"]);
    }

    /// #11: the schemes of file shares, remote shells and directories.
    #[test]
    fn other_url_schemes() {
        assert_eq!(
            found("copy file://server/share/x.exe"),
            vec![pair("url", "file://server/share/x.exe")]
        );
        assert_eq!(
            found("open file:///C:/Users/x.exe"),
            vec![pair("url", "file:///C:/Users/x.exe")]
        );
        assert_eq!(
            found("telnet://10.0.0.5:23 now"),
            vec![
                pair("url", "telnet://10.0.0.5:23"),
                pair("ipv4", "10.0.0.5")
            ]
        );
        for (url, host) in [
            ("ftp://files.evil.com/a.zip", "files.evil.com"),
            ("sftp://evil.com/x", "evil.com"),
            ("smb://fs.corp.com/share", "fs.corp.com"),
            ("ldap://dc01.corp.com/dc=corp", "dc01.corp.com"),
            ("ssh://root@evil.com", "evil.com"),
        ] {
            assert_eq!(
                found(&format!("x {url} y")),
                vec![pair("url", url), pair("dns", host)],
                "{url}"
            );
        }
    }

    #[test]
    fn non_ascii_text_is_safe() {
        let got = found("日本語 évil.com ünïcode 1.2.3.4 — http://ex.com/ü");
        assert!(got.contains(&pair("ipv4", "1.2.3.4")));
        assert!(got.contains(&pair("url", "http://ex.com/ü")));
    }
}
