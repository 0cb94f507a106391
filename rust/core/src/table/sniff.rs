//! What an input that is not text is, so an error can say so instead of
//! echoing its bytes (a pickle's or an executable's bytes in a message are
//! noise at best, terminal escapes at worst).

use super::format::TableFormat;
use crate::decode::magic;
use crate::error::{Error, Result};

/// Bytes looked at: every magic number, and a fair sample of the text.
const SAMPLE: usize = 8 << 10;

/// A kind of non-text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    Utf16,
    Pickle,
    Arrow,
    Parquet,
    /// A file type decode's magic bytes name (`exe`, `zip`, …).
    Magic(&'static str),
    Other,
}

impl Binary {
    /// What the input looks like, for a message.
    pub(crate) fn what(self) -> &'static str {
        match self {
            Binary::Utf16 => "UTF-16 text (it starts with a UTF-16 byte order mark)",
            Binary::Pickle => "a Python pickle",
            Binary::Arrow => "Arrow IPC data",
            Binary::Parquet => "a Parquet file",
            Binary::Magic("exe") => "a Windows executable (MZ)",
            Binary::Magic("dll") => "a Windows DLL (MZ)",
            Binary::Magic("elf") => "a Linux executable (ELF)",
            Binary::Magic("macho") => "a macOS executable (Mach-O)",
            Binary::Magic("zip") => "a zip archive (xlsx and docx files are zips too)",
            Binary::Magic("gzip") => "gzip-compressed data",
            Binary::Magic("pdf") => "a PDF document",
            Binary::Magic("ole") => "an OLE document (an old xls or doc)",
            Binary::Magic("png" | "jpeg" | "gif") => "an image",
            Binary::Magic("7z" | "rar" | "bzip2" | "xz" | "cab" | "tar") => "an archive",
            Binary::Magic(_) | Binary::Other => "binary data",
        }
    }

    /// What to do instead.
    fn advice(self) -> &'static str {
        match self {
            Binary::Utf16 => "save it as UTF-8",
            Binary::Pickle => "save the DataFrame with to_csv or to_feather",
            Binary::Arrow => "read it as arrow",
            Binary::Parquet => "convert it to Arrow IPC or CSV (pandas: to_feather, to_csv)",
            Binary::Magic("gzip" | "zip") => "unpack it first",
            _ => "give a CSV, JSON, NDJSON or Arrow IPC file",
        }
    }
}

/// The kind of `bytes` when they are not text, else `None` (UTF-8, or a
/// single-byte code page such as Windows-1252, is text).
pub(crate) fn sniff(bytes: &[u8]) -> Option<Binary> {
    let head = &bytes[..bytes.len().min(SAMPLE)];
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Some(Binary::Utf16);
    }
    // Pickle protocols 2 to 5 open with PROTO (0x80) and the version.
    if head.len() >= 2 && head[0] == 0x80 && (2..=5).contains(&head[1]) {
        return Some(Binary::Pickle);
    }
    if TableFormat::detect(head) == TableFormat::Arrow {
        return Some(Binary::Arrow);
    }
    if head.starts_with(b"PAR1") {
        return Some(Binary::Parquet);
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    let kind = magic::identify(head);
    // `MZ` and `BZh` are letters a text may start with: those need the
    // bytes to say binary too; the other signatures are not text.
    let text_like_magic = matches!(kind, None | Some("exe" | "dll" | "bzip2"));
    if head.contains(&0) || controls * 20 > head.len() || !text_like_magic {
        return Some(kind.map_or(Binary::Other, Binary::Magic));
    }
    None
}

/// What `bytes` look like when they are not text ("a Python pickle", "a
/// Windows executable (MZ)", "binary data"), or `None` for text.
pub fn describe_binary(bytes: &[u8]) -> Option<&'static str> {
    sniff(bytes).map(Binary::what)
}

/// Refuses non-text input to a text format, saying what it looks like and
/// what to do, never echoing its bytes.
pub(crate) fn check_text(bytes: &[u8], format: TableFormat) -> Result<()> {
    match sniff(bytes) {
        Some(kind) if format != TableFormat::Arrow => Err(Error::parse(
            format.name(),
            None,
            format!(
                "the input looks like {}, not {format} text; {}",
                kind.what(),
                kind.advice()
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_text() {
        for text in [
            &b"a,b\n1,2\n"[..],
            b"",
            b"{\"a\":1}\n",
            "caf\u{e9} \u{2013} \u{fc}".as_bytes(),
            b"caf\xe9 na\xefve \x93quoted\x94\n", // Windows-1252
            b"MZ,col\nrow,1\n",
            b"\x1b[1mbold\x1b[0m\tlog line\n",
        ] {
            assert_eq!(sniff(text), None, "{text:?}");
        }
    }

    #[test]
    fn binary_kinds() {
        assert_eq!(sniff(b"\x80\x04\x95\x10\x00\x00\x00"), Some(Binary::Pickle));
        assert_eq!(
            describe_binary(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
            Some("a Windows executable (MZ)")
        );
        assert_eq!(sniff(b"PK\x03\x04\x14\x00"), Some(Binary::Magic("zip")));
        assert_eq!(sniff(b"\xff\xfea\x00,\x00b\x00"), Some(Binary::Utf16));
        assert_eq!(sniff(b"ARROW1\x00\x00"), Some(Binary::Arrow));
        assert_eq!(sniff(b"PAR1\x15\x04"), Some(Binary::Parquet));
        assert_eq!(sniff(b"\x01\x02\x03\x04 some bytes"), Some(Binary::Other));
    }
}
