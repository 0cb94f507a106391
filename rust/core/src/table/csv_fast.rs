//! A CSV splitter for the shape exports nearly always have: UTF-8, `,`
//! separators, `"`-quoted cells with `""` escapes, LF or CRLF line ends.
//! Cells are slices of the input found from a bitmask of where `,` `"`
//! `\n` `\r` are, built 64 bytes at a time: no per-byte state machine and
//! no copy into a record buffer (the two costs of the csv crate), and no
//! search call per cell (cells are ~18 bytes, so a `memchr3` per cell was
//! mostly call overhead in wasm).
//!
//! It never guesses: on anything whose reading the csv crate should decide
//! (a BOM, blank lines, a bare CR, a quote inside an unquoted cell, text
//! after a closing quote, an unclosed quote) it answers [`Unsure`] and the
//! caller reads the input with the csv crate instead, so both paths give
//! the same table or the same error.

use memchr::memchr;

/// The input needs the csv crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsure;

/// Where a cell's text is in the input; `Escaped` cells hold `""` pairs,
/// unescaped only when the cell is read (most of a wide export's cells
/// never are).
#[derive(Debug, Clone, Copy)]
enum Span {
    Input(usize, usize),
    Escaped(usize, usize),
}

/// Records of a CSV text, one at a time.
pub(crate) struct FastCsv<'a> {
    text: &'a str,
    pos: usize,
    specials: Specials,
    spans: Vec<Span>,
    scratch: String,
    /// A record is cut short past this many cells (see [`FastCsv::limit_cells`]).
    max_cells: usize,
}

impl<'a> FastCsv<'a> {
    /// A splitter over `text`, or `Unsure` for a text it does not take on
    /// (a BOM here; the rest shows while reading, and a bare CR anywhere
    /// fails the record holding it, as every CR is met on the way).
    pub(crate) fn new(text: &'a str) -> Result<FastCsv<'a>, Unsure> {
        if text.starts_with('\u{feff}') {
            return Err(Unsure);
        }
        Ok(FastCsv {
            text,
            pos: 0,
            specials: Specials::new(text.as_bytes()),
            spans: Vec::new(),
            scratch: String::new(),
            max_cells: usize::MAX,
        })
    }

    /// Stops reading a record once it has more than `max` cells: the
    /// record then reports `max + 1` cells and the caller refuses it (or
    /// hands the text to the csv crate), so a line of a hundred million
    /// commas never holds a hundred million spans (1.6 GB) first. Reading
    /// on after such a record is not meaningful.
    pub(crate) fn limit_cells(&mut self, max: usize) {
        self.max_cells = max;
    }

    /// Reads the next record; `Ok(false)` at the end of the text.
    pub(crate) fn next_record(&mut self) -> Result<bool, Unsure> {
        let b = self.text.as_bytes();
        self.spans.clear();
        if self.pos >= b.len() {
            return Ok(false);
        }
        if matches!(b[self.pos], b'\n' | b'\r') {
            return Err(Unsure); // a blank line: the csv crate skips it
        }
        // Locals, not fields, in the loop: they stay in registers across
        // the pushes.
        let mut specials = self.specials;
        let mut pos = self.pos;
        let max_cells = self.max_cells;
        let spans = &mut self.spans;
        // Every byte skipped below without a look at the bitmask is known:
        // no CR goes unchecked.
        let crlf = |i: usize| b.get(i) == Some(&b'\n');
        let found = loop {
            let start = pos;
            let end = specials.from(b, start);
            match b.get(end) {
                Some(b',') => {
                    spans.push(Span::Input(start, end));
                    pos = end + 1;
                    if spans.len() > max_cells {
                        break Ok(true);
                    }
                }
                Some(b'\n') => {
                    spans.push(Span::Input(start, end));
                    pos = end + 1;
                    break Ok(true);
                }
                Some(b'\r') if crlf(end + 1) => {
                    spans.push(Span::Input(start, end));
                    pos = end + 2;
                    break Ok(true);
                }
                None => {
                    spans.push(Span::Input(start, end));
                    pos = end;
                    break Ok(true);
                }
                // A quote opening the cell: a quoted cell.
                Some(b'"') if end == start => {
                    let Some((span, close)) = quoted(b, start + 1, &mut specials) else {
                        break Err(Unsure);
                    };
                    spans.push(span);
                    match b.get(close + 1) {
                        Some(b',') if spans.len() > max_cells => break Ok(true),
                        Some(b',') => pos = close + 2,
                        Some(b'\n') => {
                            pos = close + 2;
                            break Ok(true);
                        }
                        Some(b'\r') if crlf(close + 2) => {
                            pos = close + 3;
                            break Ok(true);
                        }
                        None => {
                            pos = close + 1;
                            break Ok(true);
                        }
                        Some(_) => break Err(Unsure), // text after the closing quote
                    }
                }
                Some(_) => break Err(Unsure), // a quote in an unquoted cell, a bare CR
            }
        };
        self.specials = specials;
        self.pos = pos;
        found
    }

    /// Cells of the current record.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Where cell `i` of the current record is in the text, when it is
    /// there as written (`None` for a cell with `""` escapes).
    pub(crate) fn span(&self, i: usize) -> Option<(usize, usize)> {
        match self.spans[i] {
            Span::Input(a, b) => Some((a, b)),
            Span::Escaped(..) => None,
        }
    }

    /// Cell `i` of the current record.
    pub(crate) fn cell(&mut self, i: usize) -> &str {
        match self.spans[i] {
            Span::Input(a, b) => &self.text[a..b],
            Span::Escaped(a, b) => {
                self.scratch.clear();
                let mut rest = &self.text[a..b];
                while let Some(q) = memchr(b'"', rest.as_bytes()) {
                    // Quotes come in pairs here: keep one of each.
                    self.scratch.push_str(&rest[..=q]);
                    rest = rest.get(q + 2..).unwrap_or("");
                }
                self.scratch.push_str(rest);
                &self.scratch
            }
        }
    }
}

/// A quoted cell whose text starts at `start` (just past its opening
/// quote): its span and where its closing quote is; `None` if unclosed or
/// holding a bare CR.
fn quoted(b: &[u8], start: usize, specials: &mut Specials) -> Option<(Span, usize)> {
    let mut i = start;
    let mut escaped = false;
    loop {
        let q = specials.from(b, i);
        match b.get(q)? {
            b'"' if b.get(q + 1) == Some(&b'"') => {
                escaped = true;
                i = q + 2;
            }
            b'"' if escaped => return Some((Span::Escaped(start, q), q)),
            b'"' => return Some((Span::Input(start, q), q)),
            b'\r' if b.get(q + 1) != Some(&b'\n') => return None,
            _ => i = q + 1, // a `,` LF or CRLF in the cell's text
        }
    }
}

/// Where the `,` `"` `\n` `\r` of a text are, a 64-byte block at a time:
/// a bitmask walked with `trailing_zeros`, so finding a cell's end is a
/// few register operations, not a search call.
#[derive(Clone, Copy)]
struct Specials {
    /// Start of the block `bits` maps (a multiple of 64).
    base: usize,
    /// Bit `i`: byte `base + i` is one of the four; bits before the last
    /// position asked for are cleared.
    bits: u64,
}

impl Specials {
    fn new(b: &[u8]) -> Specials {
        Specials {
            base: 0,
            bits: block_bits(b, 0),
        }
    }

    /// The first of the four in `b` at or after `from`, or `b.len()`.
    /// `from` never goes back past an answer given, so each block's mask
    /// is built once.
    #[inline(always)]
    fn from(&mut self, b: &[u8], from: usize) -> usize {
        // Wrapping: a `from` before `base` (only after the end was
        // answered) reloads too.
        if from.wrapping_sub(self.base) >= 64 {
            self.base = from & !63;
            self.bits = block_bits(b, self.base);
        }
        self.bits &= u64::MAX << (from - self.base);
        while self.bits == 0 {
            self.base += 64;
            if self.base >= b.len() {
                return b.len();
            }
            self.bits = block_bits(b, self.base);
        }
        self.base + self.bits.trailing_zeros() as usize
    }
}

/// Low seven bits of every byte of a word.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// `c` in every byte of a word.
const fn splat(c: u8) -> u64 {
    u64::from_le_bytes([c; 8])
}

/// The high bit of each byte of `w` (little-endian) that is `,` `"` `\n`
/// or `\r`, and no other bit. Exact, with no carry between bytes: the
/// four are ASCII, so only the low seven bits are compared (`x + 0x7f`
/// has its high bit set exactly when the 7-bit `x` is not zero) and bytes
/// with the high bit set (UTF-8 beyond ASCII) are masked out. Zero bytes
/// (the tail's padding) match none.
#[inline(always)]
fn word_bits(w: u64) -> u64 {
    let low = w & LOW7;
    let other = |c: u8| (low ^ splat(c)) + LOW7;
    !(other(b',') & other(b'"') & other(b'\n') & other(b'\r') | w | LOW7)
}

/// [`word_bits`] of the 64 bytes of `block`, one bit per byte in order.
#[inline(always)]
fn block_bits_of(block: &[u8; 64]) -> u64 {
    let mut bits = 0;
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(chunk.try_into().unwrap());
        // High bits at 8j+7 -> bit j: the multiply sums eight shifted
        // copies that land in distinct bits, so nothing carries.
        let byte = ((word_bits(w) >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        bits |= byte << (8 * k);
    }
    bits
}

/// The bitmask of the 64 bytes from `base` (`base <= len`), the tail
/// zero-padded.
fn block_bits(b: &[u8], base: usize) -> u64 {
    let rest = &b[base..];
    match rest.get(..64) {
        Some(block) => block_bits_of(block.try_into().unwrap()),
        None => {
            let mut pad = [0; 64];
            pad[..rest.len()].copy_from_slice(rest);
            block_bits_of(&pad)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the csv crate reads it, or `Unsure`.
    fn fast(text: &str) -> Result<Vec<Vec<String>>, Unsure> {
        let mut f = FastCsv::new(text)?;
        let mut out = Vec::new();
        while f.next_record()? {
            out.push((0..f.len()).map(|i| f.cell(i).to_string()).collect());
        }
        Ok(out)
    }

    fn csv_crate(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    /// The splitter's rules a byte at a time: what it must answer, `Unsure`
    /// included, for any input.
    fn one_byte_at_a_time(text: &str) -> Result<Vec<Vec<String>>, Unsure> {
        let b = text.as_bytes();
        let crlf = |i: usize| b[i] == b'\r' && b.get(i + 1) == Some(&b'\n');
        if text.starts_with('\u{feff}') || (0..b.len()).any(|i| b[i] == b'\r' && !crlf(i)) {
            return Err(Unsure);
        }
        let mut records = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if matches!(b[i], b'\n' | b'\r') {
                return Err(Unsure);
            }
            let mut record = Vec::new();
            loop {
                let mut cell = Vec::new();
                if b.get(i) == Some(&b'"') {
                    i += 1;
                    loop {
                        match (b.get(i), b.get(i + 1)) {
                            (None, _) => return Err(Unsure),
                            (Some(b'"'), Some(b'"')) => {
                                cell.push(b'"');
                                i += 2;
                            }
                            (Some(b'"'), _) => break i += 1,
                            (Some(&c), _) => {
                                cell.push(c);
                                i += 1;
                            }
                        }
                    }
                } else {
                    while i < b.len() && !matches!(b[i], b',' | b'\n') && !crlf(i) {
                        if b[i] == b'"' {
                            return Err(Unsure);
                        }
                        cell.push(b[i]);
                        i += 1;
                    }
                }
                record.push(String::from_utf8(cell).unwrap());
                match b.get(i) {
                    Some(b',') => i += 1,
                    Some(b'\n') => break i += 1,
                    Some(b'\r') => break i += 2,
                    None => break,
                    Some(_) => return Err(Unsure),
                }
            }
            records.push(record);
        }
        Ok(records)
    }

    /// splitmix64: a few lines, deterministic, no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
            from[self.below(from.len())]
        }
    }

    /// Unquoted text: ASCII, punctuation and 2-, 3-, 4-byte UTF-8, some
    /// with bytes whose low seven bits are `,` `"` `\n` `\r`.
    const PLAIN: &[&str] = &[
        "a", "Z", "0", " ", "\\", ".", ";", "\t", "é", "日", "🦀", "¬", "¢", "\u{8a}", "č",
    ];
    /// What a quoted cell may hold besides that.
    const QUOTED: &[&str] = &[",", "\n", "\r\n", "\"\"", "x", "é", "🦀", "\t"];

    fn cell(rng: &mut Rng, out: &mut String) {
        match rng.below(8) {
            0 => {}
            1..=3 => (0..rng.below(6)).for_each(|_| out.push_str(rng.pick(PLAIN))),
            // Long enough to span 8- and 64-byte blocks.
            4 => (0..rng.below(150)).for_each(|_| out.push_str(rng.pick(PLAIN))),
            _ => {
                out.push('"');
                let most = if rng.below(4) == 0 { 90 } else { 8 };
                for _ in 0..rng.below(most) {
                    let piece = match rng.below(3) {
                        0 => rng.pick(QUOTED),
                        _ => rng.pick(PLAIN),
                    };
                    out.push_str(piece);
                }
                out.push('"');
            }
        }
    }

    /// A CSV text the splitter must read: any number of records of 1 to 8
    /// cells, LF or CRLF, the last line ended or not.
    fn csv_text(rng: &mut Rng) -> String {
        let mut text = String::new();
        let records = rng.below(14);
        for r in 0..records {
            let start = text.len();
            for c in 0..1 + rng.below(8) {
                if c > 0 {
                    text.push(',');
                }
                cell(rng, &mut text);
            }
            if text.len() == start {
                text.push_str("\"\""); // not a blank line
            }
            if r + 1 < records || rng.below(2) == 0 {
                text.push_str(if rng.below(3) == 0 { "\r\n" } else { "\n" });
            }
        }
        text
    }

    #[test]
    fn same_records_as_the_csv_crate() {
        for text in [
            "a,b,c\n1,2,3\n",
            "a,b,c\n1,2,3",
            "a,b\r\n1,2\r\n",
            "a,b\n,\n",
            "a,b\n\"x,y\",\"q\"\"uote\"\"\"\n",
            "a,b\n\"multi\nline\",\"\"\n",
            "a,b\n\"crlf\r\ninside\",z\r\n",
            "a\n\"\"\"\"\n",
            "a,b\n1,\n",
            "héader,ü\nöl,\"naïve, yes\"\n",
            "C:\\Windows\\cmd.exe,\"cmd /c \"\"C:\\x.bat\"\"\"\n",
        ] {
            assert_eq!(fast(text), Ok(csv_crate(text)), "{text:?}");
        }
    }

    #[test]
    fn unsure_where_the_csv_crate_decides() {
        for text in [
            "\u{feff}a,b\n1,2\n",
            "a,b\n\n1,2\n",
            "a,b\r1,2\r",
            "a,b\n1,x\"y\n",
            "a,b\n\"x\"y,2\n",
            "a,b\n\"open,2\n",
            "a,b\n1,2\rx\n",
            "a,b\n\"x\ry\",2\n",
            "a,b\n1,2\r",
            "a,b\n1,\"2\"\r",
            "a,b\n1,\"2\"\rx\n",
            "a,b\r\n1,2\r\n\r",
        ] {
            assert_eq!(fast(text), Err(Unsure), "{text:?}");
        }
    }

    /// Generated texts, every cell at every offset in a block: the same
    /// records as the csv crate.
    #[test]
    fn generated_texts_read_as_the_csv_crate_does() {
        let mut rng = Rng(1);
        for _ in 0..4_000 {
            // A first line of any length: what follows starts anywhere in a block.
            let mut text = format!("{},h\n", "p".repeat(rng.below(70)));
            text.push_str(&csv_text(&mut rng));
            let want = csv_crate(&text);
            assert_eq!(fast(&text), Ok(want), "{text:?}");
        }
    }

    /// Generated texts with stray quotes, CRs, LFs, commas and BOMs put in:
    /// `Unsure` exactly where the rules say, else the csv crate's records.
    #[test]
    fn damaged_texts_unsure_exactly_where_the_rules_say() {
        let mut rng = Rng(2);
        let (mut unsure, mut sure) = (0, 0);
        for _ in 0..6_000 {
            let mut text = csv_text(&mut rng);
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let stray = rng.pick(&["\"", "\r", "\n", "\n\n", ",", "x", "\u{feff}"]);
                text.insert_str(at, stray);
            }
            let want = one_byte_at_a_time(&text);
            assert_eq!(fast(&text), want, "{text:?}");
            match want {
                Ok(records) => {
                    assert_eq!(records, csv_crate(&text), "{text:?}");
                    sure += 1;
                }
                Err(Unsure) => unsure += 1,
            }
        }
        // Both outcomes were exercised.
        assert!(unsure > 1_000 && sure > 500, "{unsure} {sure}");
    }

    /// The block mask marks exactly the `,` `"` `\n` `\r` bytes: every
    /// byte value at every place in a block, among neighbours that are
    /// near misses (the same low seven bits, off by one, zero).
    #[test]
    fn block_mask_is_exact() {
        let near = [
            b',', b'"', b'\n', b'\r', 0xac, 0xa2, 0x8a, 0x8d, 0x2b, 0x2d, 0x21, 0x0b, 0x0c, 0x0e,
            0, 0xff,
        ];
        let mut rng = Rng(3);
        for at in 0..64 {
            for v in 0..=255u8 {
                let mut block = [0u8; 64];
                block
                    .iter_mut()
                    .for_each(|x| *x = near[rng.below(near.len())]);
                block[at] = v;
                let want = (0..64)
                    .filter(|&i| matches!(block[i], b',' | b'"' | b'\n' | b'\r'))
                    .fold(0u64, |m, i| m | 1 << i);
                assert_eq!(block_bits_of(&block), want, "{block:?}");
                // A tail: the bytes past it read as padding and never match.
                let len = rng.below(65);
                let kept = u64::MAX.checked_shr(64 - len as u32).unwrap_or(0);
                assert_eq!(block_bits(&block[..len], 0), want & kept, "{len}");
            }
        }
    }
}
