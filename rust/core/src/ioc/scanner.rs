//! Streaming extraction over text of any size: feed chunks, get unique IoCs
//! with counts and first offsets.
//!
//! Input arrives in arbitrary chunks (file reads, worker messages). The
//! scanner only scans complete lines and carries the rest, so no IoC is cut
//! in two and memory stays bounded by the longest line (capped, see below).

use std::collections::BTreeMap;

use serde::Serialize;

use super::extract::Extractor;
use crate::fast_map::FastMap;
use crate::table::{Frame, FrameColumn};
use crate::utf8::utf8_lossy;

/// A line longer than this is scanned in pieces cut at whitespace, so a
/// 1 GB single-line file needs no 1 GB buffer. An IoC longer than the
/// overlap kept between pieces could be cut; none is that long in practice.
const MAX_CARRY: usize = 4 << 20;
/// Bytes re-scanned at the start of the next piece when a long line had to
/// be cut without whitespace.
const CUT_OVERLAP: usize = 4096;

/// One distinct IoC of a text, with MSTICPy-style field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IocSummary {
    /// The type name.
    #[serde(rename = "IoCType")]
    pub ioc_type: String,
    /// The first occurrence as written.
    #[serde(rename = "Observable")]
    pub observable: String,
    /// The refanged value.
    #[serde(rename = "Refanged")]
    pub refanged: String,
    /// How many times it occurs.
    #[serde(rename = "Count")]
    pub count: u64,
    /// Byte offset of the first occurrence in the whole input.
    #[serde(rename = "FirstOffset")]
    pub first_offset: u64,
}

/// What a text scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IocTextResult {
    /// Distinct IoCs in order of first occurrence.
    pub items: Vec<IocSummary>,
    /// Number of distinct IoCs per type.
    pub counts: BTreeMap<String, u64>,
    /// Bytes scanned.
    pub bytes: u64,
    /// Lines scanned (a last line without a newline counts).
    pub lines: u64,
}

impl IocTextResult {
    /// The distinct IoCs as rows, `IoCType, Observable, Refanged, Count,
    /// FirstOffset`: what every host shows for text input.
    pub fn frame(&self) -> Frame {
        let items = &self.items;
        let text = |f: fn(&IocSummary) -> &str| {
            FrameColumn::Utf8(items.iter().map(|i| Some(f(i).to_string())).collect())
        };
        let int = |f: fn(&IocSummary) -> u64| {
            FrameColumn::Int64(items.iter().map(|i| Some(f(i) as i64)).collect())
        };
        Frame::new(vec![
            ("IoCType", text(|i| &i.ioc_type)),
            ("Observable", text(|i| &i.observable)),
            ("Refanged", text(|i| &i.refanged)),
            ("Count", int(|i| i.count)),
            ("FirstOffset", int(|i| i.first_offset)),
        ])
    }
}

/// Accumulates IoCs over a stream of chunks.
#[derive(Debug)]
pub struct IocScanner {
    extractor: Extractor,
    carry: Vec<u8>,
    /// Offset in the whole input of `carry[0]`.
    carry_offset: u64,
    /// Where re-scanned overlap bytes end: matches starting before it were
    /// already counted.
    counted_until: u64,
    /// Per type name: comparison key → index in `items`. Keyed by `&str`
    /// lookups so a repeated IoC costs no allocation.
    index: FastMap<String, FastMap<String, usize>>,
    items: Vec<IocSummary>,
    /// The refanged text's buffer, kept from chunk to chunk.
    refanged: String,
    bytes: u64,
    newlines: u64,
    last_byte: Option<u8>,
}

impl IocScanner {
    /// A scanner using `extractor`.
    pub fn new(extractor: Extractor) -> IocScanner {
        IocScanner {
            extractor,
            carry: Vec::new(),
            carry_offset: 0,
            counted_until: 0,
            index: FastMap::default(),
            items: Vec::new(),
            refanged: String::new(),
            bytes: 0,
            newlines: 0,
            last_byte: None,
        }
    }

    /// Feeds raw bytes: UTF-8, with invalid sequences read as U+FFFD. Any
    /// split point works.
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.bytes += chunk.len() as u64;
        self.newlines += memchr::memchr_iter(b'\n', chunk).count() as u64;
        self.last_byte = chunk.last().copied();
        self.carry.extend_from_slice(chunk);
        if let Some(nl) = memchr::memrchr(b'\n', &self.carry) {
            self.scan_carry(nl + 1, 0);
        }
        while self.carry.len() > MAX_CARRY {
            // No newline in a long stretch: cut at the last whitespace, or
            // failing that anywhere, keeping an overlap to re-scan.
            let window = &self.carry[..MAX_CARRY];
            match window.iter().rposition(u8::is_ascii_whitespace) {
                Some(ws) if ws > 0 => self.scan_carry(ws + 1, 0),
                _ => self.scan_carry(MAX_CARRY, CUT_OVERLAP),
            }
        }
    }

    /// Feeds text.
    pub fn push(&mut self, chunk: &str) {
        self.push_bytes(chunk.as_bytes());
    }

    /// Scans whatever is left and returns the result.
    pub fn finish(mut self) -> IocTextResult {
        let len = self.carry.len();
        self.scan_carry(len, 0);
        let mut counts = BTreeMap::new();
        for item in &self.items {
            *counts.entry(item.ioc_type.clone()).or_insert(0) += 1;
        }
        let partial_line = self.last_byte.is_some_and(|b| b != b'\n');
        IocTextResult {
            items: self.items,
            counts,
            bytes: self.bytes,
            lines: self.newlines + u64::from(partial_line),
        }
    }

    /// Scans `carry[..end]` and drops it except the last `keep` bytes.
    fn scan_carry(&mut self, end: usize, keep: usize) {
        let text = utf8_lossy(&self.carry[..end]);
        // Lossy decoding can change lengths; offsets are exact for valid
        // UTF-8, which is what they are reported for.
        let base = self.carry_offset;
        let counted_until = self.counted_until;
        let (index, items) = (&mut self.index, &mut self.items);
        self.extractor.scan_reusing(&text, &mut self.refanged, |m| {
            let offset = base + m.start as u64;
            if offset < counted_until {
                return;
            }
            let lowered;
            let key = if m.builtin.is_some_and(|b| b.case_insensitive())
                && m.refanged.bytes().any(|b| b.is_ascii_uppercase())
            {
                lowered = m.refanged.to_ascii_lowercase();
                lowered.as_str()
            } else {
                m.refanged
            };
            let per_type = match index.get_mut(m.ioc_type) {
                Some(map) => map,
                None => index.entry(m.ioc_type.to_string()).or_default(),
            };
            match per_type.get(key) {
                Some(&i) => items[i].count += 1,
                None => {
                    per_type.insert(key.to_string(), items.len());
                    items.push(IocSummary {
                        ioc_type: m.ioc_type.to_string(),
                        observable: m.observable.to_string(),
                        refanged: m.refanged.to_string(),
                        count: 1,
                        first_offset: offset,
                    });
                }
            }
        });
        let drop = end.saturating_sub(keep);
        self.counted_until = base + end as u64;
        self.carry_offset += drop as u64;
        self.carry.drain(..drop);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ioc::options::IocOptions;

    fn scanner() -> IocScanner {
        IocScanner::new(Extractor::new(&IocOptions::default(), false).unwrap())
    }

    #[test]
    fn counts_and_first_offsets() {
        let mut s = scanner();
        s.push("a 1.2.3.4\nb evil.com 1.2.3.4\n");
        s.push("EVIL.com");
        let r = s.finish();
        assert_eq!(r.lines, 3);
        assert_eq!(r.bytes, 37);
        let ip = r.items.iter().find(|i| i.ioc_type == "ipv4").unwrap();
        assert_eq!((ip.count, ip.first_offset), (2, 2));
        let dns = r.items.iter().find(|i| i.ioc_type == "dns").unwrap();
        assert_eq!(
            (dns.count, dns.first_offset, dns.observable.as_str()),
            (2, 12, "evil.com")
        );
        let counts: Vec<_> = r.counts.into_iter().collect();
        assert_eq!(
            counts,
            vec![("dns".to_string(), 1), ("ipv4".to_string(), 1)]
        );
    }

    #[test]
    fn any_split_point_gives_the_same_result() {
        let text = "x hxxps://evil[.]com/a.php y\nz bob@contoso.com 10.0.0.1\n".repeat(3);
        let mut whole = scanner();
        whole.push(&text);
        let expected = whole.finish();
        for split in 1..text.len() {
            let mut s = scanner();
            s.push_bytes(&text.as_bytes()[..split]);
            s.push_bytes(&text.as_bytes()[split..]);
            assert_eq!(s.finish(), expected, "split at {split}");
        }
    }

    #[test]
    fn invalid_utf8_and_empty_input() {
        let mut s = scanner();
        s.push_bytes(b"\xff\xfe 1.2.3.4 \xc3");
        let r = s.finish();
        assert_eq!(r.items.len(), 1);
        assert_eq!(scanner().finish(), IocTextResult::default());
    }

    #[test]
    fn a_huge_single_line_is_scanned_in_pieces() {
        let mut s = scanner();
        let piece = "word 8.8.8.8 ".repeat(1000);
        let mut total = 0;
        while total < 3 * MAX_CARRY {
            s.push(&piece);
            total += piece.len();
            assert!(s.carry.len() <= MAX_CARRY + piece.len());
        }
        let r = s.finish();
        assert_eq!(r.items.len(), 1);
        assert_eq!(r.items[0].count, (total / piece.len() * 1000) as u64);
        assert_eq!(r.lines, 1);
    }

    #[test]
    fn a_line_without_whitespace_is_cut_with_overlap() {
        let mut s = scanner();
        let filler = "a".repeat(MAX_CARRY - 3);
        s.push(&filler);
        s.push("x1.2.3.4");
        s.push(&"b".repeat(MAX_CARRY));
        s.push(" 5.6.7.8");
        let r = s.finish();
        let values: Vec<_> = r.items.iter().map(|i| i.refanged.as_str()).collect();
        assert_eq!(values, ["5.6.7.8"]);
    }
}
