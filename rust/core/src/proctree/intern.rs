//! String interning for the build's hot path: each distinct host, image
//! name or non-numeric PID becomes a small integer once, so matching and
//! sorting compare integers and allocate only for new strings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
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
#[derive(Default)]
pub(crate) struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    scratch: String,
    /// The last string given to [`Interner::id_repeated`], as written, and its id.
    last: Option<(String, u32)>,
}

impl Interner {
    /// The id of `s` lower-cased (and trimmed), adding it if new.
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        let s = s.trim();
        self.scratch.clear();
        if s.is_ascii() {
            self.scratch.push_str(s);
            self.scratch.make_ascii_lowercase();
        } else {
            self.scratch.extend(s.chars().flat_map(char::to_lowercase));
        }
        if let Some(&id) = self.ids.get(self.scratch.as_str()) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(self.scratch.as_str().into(), id);
        id
    }
}

impl Interner {
    /// [`Interner::id`] for a column whose values come in runs (the host of
    /// time-ordered events): the same text as last time costs one compare.
    pub(crate) fn id_repeated(&mut self, s: &str) -> u32 {
        if let Some((text, id)) = &self.last {
            if text == s {
                return *id;
            }
        }
        let id = self.id(s);
        let text = match self.last.take() {
            Some((mut text, _)) => {
                text.clear();
                text.push_str(s);
                text
            }
            None => s.to_string(),
        };
        self.last = Some((text, id));
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
    }
}
