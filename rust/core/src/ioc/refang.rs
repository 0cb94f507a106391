//! Undoing defanging (`hxxp`, `[.]`, `[at]`, …) before matching.
//!
//! Threat-intel text writes indicators so they cannot be clicked. Rather than
//! teach every pattern every defang form, the text is rewritten once into its
//! refanged form, the patterns run on that, and each match is mapped back to
//! the span as written through a small offset table.

use std::sync::OnceLock;

use regex::Regex;

/// Every defang form we undo, case-insensitively. A scheme is only refanged
/// when `://` (possibly defanged itself) follows, so `hxxp` in prose stays.
const DEFANG: &str = r"(?i)\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[:\]|\[/\]|\[://\]|\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|(?:hxxp|hxtp|htxp|fxp)s?(?:://|\[:\]//|\[://\])";

fn defang_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // The pattern is a constant that the tests compile, so this cannot fail at run time.
    RE.get_or_init(|| Regex::new(DEFANG).expect("DEFANG compiles"))
}

/// What a defang token stands for.
fn replacement(token: &str) -> &'static str {
    // Tokens are at most 12 bytes: lower-cased on the stack, not in a
    // `String` per token.
    let mut buf = [0u8; 16];
    let n = token.len().min(buf.len());
    buf[..n].copy_from_slice(&token.as_bytes()[..n]);
    buf.make_ascii_lowercase();
    let t = std::str::from_utf8(&buf[..n]).unwrap_or_default();
    match t {
        "[:]" => ":",
        "[/]" => "/",
        "[://]" => "://",
        _ if t.ends_with("//") || t.ends_with("//]") => {
            // A defanged scheme such as `hxxps[:]//`: the letters before the
            // separator say which scheme it was.
            let scheme = &t[..t.find([':', '[']).unwrap_or(t.len())];
            match (scheme.starts_with('f'), scheme.ends_with('s')) {
                (true, true) => "ftps://",
                (true, false) => "ftp://",
                (false, true) => "https://",
                (false, false) => "http://",
            }
        }
        _ if t.contains('.') || t.contains("dot") => ".",
        _ => "@",
    }
}

/// One rewritten token: where it sits in both texts.
#[derive(Debug, Clone, Copy)]
struct Edit {
    /// Start in the refanged text.
    new_start: usize,
    /// Length in the refanged text.
    new_len: usize,
    /// Start in the original text.
    old_start: usize,
    /// Length in the original text.
    old_len: usize,
    /// Sum of (old_len - new_len) over this edit and all before it, so a
    /// lookup is one binary search, not a walk over every earlier edit.
    shift_through: isize,
}

/// A text in refanged form, able to map its spans back to the original.
#[derive(Debug)]
pub(crate) struct Refanged<'a> {
    original: &'a str,
    /// The refanged text when anything was rewritten (else the original
    /// stands for it); a buffer the caller can hand back for the next text.
    out: String,
    edits: Vec<Edit>,
}

impl<'a> Refanged<'a> {
    /// Refangs `original`; borrows it unchanged when nothing is defanged.
    #[cfg(test)]
    pub(crate) fn new(original: &'a str) -> Refanged<'a> {
        Refanged::reusing(original, String::new())
    }

    /// [`Refanged::new`] writing into `out` (cleared first): a stream
    /// scanner passes the same buffer for every chunk, where a fresh
    /// megabyte each time cost a tenth of a scan in page faults.
    pub(crate) fn reusing(original: &'a str, mut out: String) -> Refanged<'a> {
        out.clear();
        let re = defang_regex();
        let mut edits = Vec::new();
        let mut last = 0;
        for m in re.find_iter(original) {
            if edits.is_empty() {
                out.reserve(original.len());
            }
            out.push_str(&original[last..m.start()]);
            let rep = replacement(m.as_str());
            let before = edits.last().map_or(0, |e: &Edit| e.shift_through);
            edits.push(Edit {
                new_start: out.len(),
                new_len: rep.len(),
                old_start: m.start(),
                old_len: m.len(),
                shift_through: before + m.len() as isize - rep.len() as isize,
            });
            out.push_str(rep);
            last = m.end();
        }
        if !edits.is_empty() {
            out.push_str(&original[last..]);
        }
        Refanged {
            original,
            out,
            edits,
        }
    }

    /// The buffer, for the next [`Refanged::reusing`].
    pub(crate) fn into_buffer(self) -> String {
        self.out
    }

    /// The refanged text the patterns run on.
    pub(crate) fn text(&self) -> &str {
        if self.edits.is_empty() {
            self.original
        } else {
            &self.out
        }
    }

    /// Maps a start offset in the refanged text to the original text.
    pub(crate) fn orig_start(&self, pos: usize) -> usize {
        // Edits that end at or before `pos` shift it; one that contains it
        // maps to that token's start.
        let i = self
            .edits
            .partition_point(|e| e.new_start + e.new_len <= pos);
        let shift = self.shift_before(i);
        match self.edits.get(i) {
            Some(e) if e.new_start <= pos => e.old_start,
            _ => apply(pos, shift),
        }
    }

    /// Maps an end offset (exclusive) in the refanged text to the original.
    pub(crate) fn orig_end(&self, pos: usize) -> usize {
        let i = self
            .edits
            .partition_point(|e| e.new_start + e.new_len < pos);
        let shift = self.shift_before(i);
        match self.edits.get(i) {
            Some(e) if e.new_start < pos => e.old_start + e.old_len,
            _ => apply(pos, shift),
        }
    }

    /// Sum of (old_len - new_len) over the first `n` edits.
    fn shift_before(&self, n: usize) -> isize {
        n.checked_sub(1).map_or(0, |i| self.edits[i].shift_through)
    }
}

fn apply(pos: usize, shift: isize) -> usize {
    (pos as isize + shift) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refang(s: &str) -> String {
        Refanged::new(s).text().to_string()
    }

    #[test]
    fn every_defang_form() {
        assert_eq!(refang("evil[.]com"), "evil.com");
        assert_eq!(refang("evil(.)com"), "evil.com");
        assert_eq!(refang("evil[dot]com evil(DOT)com"), "evil.com evil.com");
        assert_eq!(
            refang("bob[at]x.com bob[@]x.com bob(AT)x.com"),
            "bob@x.com bob@x.com bob@x.com"
        );
        assert_eq!(refang("hxxp://a.com"), "http://a.com");
        assert_eq!(refang("hXXps://a.com"), "https://a.com");
        assert_eq!(refang("fxp://a.com"), "ftp://a.com");
        assert_eq!(refang("hxxps[:]//a.com"), "https://a.com");
        assert_eq!(refang("http[://]a.com"), "http://a.com");
        assert_eq!(refang("a.com[/]x"), "a.com/x");
        assert_eq!(refang("1.2.3[.]4"), "1.2.3.4");
        // prose is left alone
        assert_eq!(refang("the hxxp trick"), "the hxxp trick");
    }

    #[test]
    fn spans_map_back() {
        let orig = "see hxxps://evil[.]example[.]com/a and 1.2.3[.]4";
        let r = Refanged::new(orig);
        let t = r.text();
        assert_eq!(t, "see https://evil.example.com/a and 1.2.3.4");
        let s = t.find("https").unwrap();
        let e = t.find(" and").unwrap();
        assert_eq!(
            &orig[r.orig_start(s)..r.orig_end(e)],
            "hxxps://evil[.]example[.]com/a"
        );
        let s = t.find("evil").unwrap();
        let e = s + "evil.example.com".len();
        assert_eq!(
            &orig[r.orig_start(s)..r.orig_end(e)],
            "evil[.]example[.]com"
        );
        let s = t.find("1.2").unwrap();
        assert_eq!(&orig[r.orig_start(s)..r.orig_end(t.len())], "1.2.3[.]4");
    }

    #[test]
    fn a_reused_buffer_holds_only_the_new_text() {
        let r = Refanged::reusing("evil[.]com", "left over from before".to_string());
        assert_eq!(r.text(), "evil.com");
        let r = Refanged::reusing("1.2.3[.]4 x", r.into_buffer());
        assert_eq!(r.text(), "1.2.3.4 x");
        let r = Refanged::reusing("plain", r.into_buffer());
        assert_eq!(r.text(), "plain");
    }

    #[test]
    fn untouched_text_is_borrowed() {
        let text = "plain text 1.2.3.4";
        let r = Refanged::new(text);
        assert!(std::ptr::eq(r.text(), text));
        assert!(r.out.is_empty());
        assert_eq!(r.orig_start(5), 5);
        assert_eq!(r.orig_end(9), 9);
    }
}
