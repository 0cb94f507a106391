//! The `<decoded …>` annotation that replaces a decoded run in its text, so
//! a reader sees the whole de-obfuscated command line in one place.

/// One annotation. `inner` is the decoded text (itself annotated) or a
/// `[binary …]` note. Plain text: hosts escape it when they display it.
pub(crate) fn annotation(
    encoding: &str,
    name: &str,
    reference: &str,
    depth: u32,
    inner: &str,
) -> String {
    format!("<decoded type='{encoding}' name='{name}' index='{reference}' depth='{depth}'>{inner}</decoded>")
}

/// What stands in for binary content.
pub(crate) fn binary_note(file_type: Option<&str>, len: usize) -> String {
    format!("[binary {}: {len} bytes]", file_type.unwrap_or("data"))
}

/// The bytes with printable ASCII as is and everything else as `\xNN`, cut
/// at `max` bytes with "…".
pub(crate) fn printable(bytes: &[u8], max: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max) + 4);
    for &b in bytes.iter().take(max) {
        if b.is_ascii_graphic() || b == b' ' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            annotation("base64", "", "1.2", 2, "hi"),
            "<decoded type='base64' name='' index='1.2' depth='2'>hi</decoded>"
        );
        assert_eq!(binary_note(Some("exe"), 3), "[binary exe: 3 bytes]");
        assert_eq!(printable(b"ab\x00\xff", 10), "ab\\x00\\xff");
        assert_eq!(printable(b"abcdef", 3), "abc…");
    }
}
