//! String interning for the build's hot path: each distinct host, image
//! name or non-numeric PID becomes a small integer once, so matching and
//! sorting compare integers and allocate only for new strings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::table::cells::trim_cell;

/// A fast non-cryptographic hasher (the multiply-rotate scheme of rustc's
/// FxHash). Keys are the table's own strings, not attacker-chosen map
/// sizes, and speed matters more than DoS resistance here.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(word(rest));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Distinct strings to dense ids, looked up case-insensitively (keys are
/// stored lower-cased: host names, image paths and GUIDs are
/// case-insensitive on the systems these logs come from).
///
/// An ASCII lookup hashes and compares the text as written, folding case on
/// the fly, so a hit copies nothing (it was a lower-cased copy per lookup,
/// three per event). The table is open-addressed over the hashes' top
/// bits: a lookup is one slot read and one compare, where a `HashMap`
/// keyed by the hash hashed it again and probed in groups.
#[derive(Default)]
pub(crate) struct Interner {
    /// Ids by the top `bits` bits of their hash, linear probing; `NO_ID`
    /// is free. At most half full.
    slots: Vec<u32>,
    bits: u32,
    /// Per id: its lower-cased text and its hash.
    texts: Vec<(Box<str>, u64)>,
    /// Per id: its text as first written (trimmed).
    written: Vec<Box<str>>,
    /// Ids by a quick hash of the text as written, for texts written as
    /// their id's first spelling: logs repeat a few paths spelled the same
    /// way, and equal bytes are cheaper to check than folded case (a
    /// third of a lookup). `NO_ID` is free; empty until the first lookup.
    seen: Vec<u32>,
    scratch: String,
    /// The id [`Interner::id_repeated`] last gave.
    last: Option<u32>,
}

const NO_ID: u32 = u32::MAX;

/// The eight bytes of `w` with ASCII capitals lower-cased, all at once
/// (a byte at a time was most of an interner lookup in wasm). Bytes with
/// the top bit set (UTF-8 beyond ASCII) are left alone.
fn lower_word(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let low7 = w & !HI;
    // Per byte, no carries (low7 ≤ 0x7f): top bit set when ≥ 'A', when > 'Z'.
    let from_a = low7 + LO * u64::from(0x80 - b'A');
    let past_z = low7 + LO * u64::from(0x80 - b'Z' - 1);
    let upper = from_a & !past_z & !w & HI;
    w | (upper >> 2)
}

/// The little-endian word of up to eight bytes (zero-padded), read as two
/// overlapping fixed-size loads: copying a short tail into a zeroed word
/// called `memcpy` and stalled the reload after it, a third of a lookup.
fn word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    match n {
        0 => 0,
        // Bytes 0, n/2 and n-1 cover all of a 1-3 byte tail.
        1..=3 => {
            let at = |i: usize| u64::from(bytes[i]) << (8 * i);
            at(0) | at(n / 2) | at(n - 1)
        }
        // The first four and the last four bytes (equal where they overlap).
        _ => four(0) | (four(n.min(8) - 4) << (8 * (n.min(8) - 4))),
    }
}

/// Slots of [`Interner::seen`].
const SEEN_SLOTS: usize = 256;

/// A slot of [`Interner::seen`] for `bytes`: from their length and their
/// first and last eight bytes only, so it costs the same for any length.
fn quick_slot(bytes: &[u8]) -> usize {
    let n = bytes.len();
    let ends = word(&bytes[..n.min(8)]) ^ word(&bytes[n.saturating_sub(8)..]).rotate_left(29);
    let h = (ends ^ n as u64).wrapping_mul(SEED);
    (h >> (64 - SEEN_SLOTS.trailing_zeros())) as usize
}

/// FxHash of `bytes` with ASCII letters lower-cased: equal for texts equal
/// but for ASCII case, and for a lower-cased text the hash of itself.
fn folded_hash(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h.add(lower_word(word(c)));
    }
    h.add(lower_word(word(chunks.remainder())) ^ (bytes.len() as u64) << 56);
    h.finish()
}

/// `text` equals the lower-cased `stored` but for ASCII case, compared a
/// word at a time.
fn eq_folded(stored: &[u8], text: &[u8]) -> bool {
    if stored.len() != text.len() {
        return false;
    }
    let (mut a, mut b) = (stored.chunks_exact(8), text.chunks_exact(8));
    for (x, y) in (&mut a).zip(&mut b) {
        if word(x) != lower_word(word(y)) {
            return false;
        }
    }
    word(a.remainder()) == lower_word(word(b.remainder()))
}

impl Interner {
    /// The id of `s` lower-cased (and trimmed), adding it if new.
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        let s = trim_cell(s);
        if self.seen.is_empty() {
            self.seen = vec![NO_ID; SEEN_SLOTS];
        }
        let quick = quick_slot(s.as_bytes());
        let id = self.seen[quick];
        if id != NO_ID && *self.written[id as usize] == *s {
            return id;
        }
        let id = if s.is_ascii() {
            self.lookup(s, |t| eq_folded(t.as_bytes(), s.as_bytes()))
        } else {
            // Unicode lower case may change lengths: fold into the scratch.
            let mut lower = std::mem::take(&mut self.scratch);
            lower.clear();
            lower.extend(s.chars().flat_map(char::to_lowercase));
            let id = self.lookup(&lower, |t| t == lower);
            self.scratch = lower;
            id
        };
        if id as usize == self.written.len() {
            self.written.push(s.into());
        }
        if *self.written[id as usize] == *s {
            self.seen[quick] = id;
        }
        id
    }

    /// The id of `text` (lower-cased by `insert`'s copy) among those whose
    /// stored text `same` accepts.
    fn lookup(&mut self, text: &str, same: impl Fn(&str) -> bool) -> u32 {
        if self.texts.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let h = folded_hash(text.as_bytes());
        let mask = self.slots.len() - 1;
        let mut at = self.slot_of(h);
        loop {
            let id = self.slots[at];
            if id == NO_ID {
                break;
            }
            let (stored, stored_h) = &self.texts[id as usize];
            if *stored_h == h && same(stored) {
                return id;
            }
            at = (at + 1) & mask;
        }
        let id = self.texts.len() as u32;
        let mut owned = text.to_string();
        owned.make_ascii_lowercase();
        self.texts.push((owned.into_boxed_str(), h));
        self.slots[at] = id;
        id
    }

    /// The first slot to probe for hash `h` (its top bits: FxHash's low
    /// bits are its weakest).
    fn slot_of(&self, h: u64) -> usize {
        (h >> (64 - self.bits)) as usize
    }

    /// Doubles the table (64 slots at first) and places every id again.
    fn grow(&mut self) {
        self.bits = (self.bits + 1).max(6);
        self.slots = vec![NO_ID; 1 << self.bits];
        let mask = self.slots.len() - 1;
        for (id, (_, h)) in self.texts.iter().enumerate() {
            let mut at = (h >> (64 - self.bits)) as usize;
            while self.slots[at] != NO_ID {
                at = (at + 1) & mask;
            }
            self.slots[at] = id as u32;
        }
    }
}

impl Interner {
    /// [`Interner::id`] for a column whose values come in runs (the host of
    /// time-ordered events): the same text as last time, in any case, costs
    /// one compare with the stored text.
    pub(crate) fn id_repeated(&mut self, s: &str) -> u32 {
        if let Some(id) = self.last {
            let same = |(t, _): &(Box<str>, u64)| eq_folded(t.as_bytes(), trim_cell(s).as_bytes());
            if s.is_ascii() && self.texts.get(id as usize).is_some_and(same) {
                return id;
            }
        }
        let id = self.id(s);
        self.last = Some(id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_dense_ids() {
        let mut i = Interner::default();
        assert_eq!(i.id("C:\\Windows\\CMD.exe"), 0);
        assert_eq!(i.id("host"), 1);
        assert_eq!(i.id(" c:\\windows\\cmd.EXE "), 0);
        assert_eq!(i.id("HÖST"), 2);
        assert_eq!(i.id("höst"), 2);
        assert_eq!(i.id_repeated("HOST"), 1);
        assert_eq!(i.id_repeated("HOST"), 1);
        assert_eq!(i.id_repeated("other"), 3);
        assert_eq!(i.id_repeated("Host "), 1);
        // Unicode case folding that lands on ASCII (the Kelvin sign).
        assert_eq!(i.id("\u{212A}"), i.id("K"));
        // Texts never merge, however their hashes fall.
        let mut j = Interner::default();
        let ids: Vec<u32> = (0..5_000).map(|n| j.id(&format!("Name{n}.EXE"))).collect();
        assert_eq!(ids, (0..5_000).collect::<Vec<u32>>());
        assert_eq!(j.id("name4999.exe"), 4_999);
        assert_eq!(folded_hash(b"AbC:\\X"), folded_hash(b"abc:\\x"));
        assert_ne!(folded_hash(b"ab"), folded_hash(b"ab\0"));
        // The word-wide fold equals a byte-wide one on every byte value.
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, b'@', b'[', b'`', b'{', b'Z', b'a', b]);
            let bytes: Vec<u8> = w.to_le_bytes().iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(lower_word(w).to_le_bytes().to_vec(), bytes, "{b:#x}");
        }
        assert!(eq_folded(
            b"c:\\windows\\system32\\cmd.exe",
            b"C:\\Windows\\System32\\CMD.EXE"
        ));
        assert!(!eq_folded(
            b"c:\\windows\\system32\\cmd.exe",
            b"C:\\Windows\\System32\\CMD.EXF"
        ));
        assert!(!eq_folded(b"ab", b"abc"));
        // Two overlapping loads read any length as a zero-padded copy does.
        let bytes = b"\x01\x82\x03\xf4\x05\x06\x07\xff\x09";
        for n in 0..=8 {
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(word(&bytes[..n]), u64::from_le_bytes(padded), "{n} bytes");
        }
    }
}
