//! File types from magic bytes: what a decoded payload really is.

/// The file type of `bytes`, from its leading (or, for tar, offset) magic.
pub(crate) fn identify(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"MZ", "exe"),
        (b"PK\x03\x04", "zip"),
        (b"PK\x05\x06", "zip"),
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"Rar!\x1a\x07", "rar"),
        (b"%PDF", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"\x7fELF", "elf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"\xca\xfe\xba\xbe", "class"),
        (b"\xfe\xed\xfa\xce", "macho"),
        (b"\xfe\xed\xfa\xcf", "macho"),
        (b"\xce\xfa\xed\xfe", "macho"),
        (b"\xcf\xfa\xed\xfe", "macho"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\x00", "xz"),
        (b"MSCF", "cab"),
    ];
    if bytes.get(257..262) == Some(b"ustar") {
        return Some("tar");
    }
    let found = SIGNATURES
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, name)| *name)?;
    if found == "exe" && is_pe_dll(bytes) {
        return Some("dll");
    }
    Some(found)
}

/// A PE file whose COFF characteristics carry IMAGE_FILE_DLL (0x2000).
fn is_pe_dll(bytes: &[u8]) -> bool {
    let Some(pe) = bytes
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return false;
    };
    if bytes.get(pe..pe + 4) != Some(b"PE\0\0") {
        return false;
    }
    bytes
        .get(pe + 22..pe + 24)
        .is_some_and(|c| u16::from_le_bytes([c[0], c[1]]) & 0x2000 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(identify(b"MZ\x90\x00"), Some("exe"));
        assert_eq!(identify(b"PK\x03\x04rest"), Some("zip"));
        assert_eq!(identify(b"\x1f\x8b\x08"), Some("gzip"));
        assert_eq!(identify(b"%PDF-1.7"), Some("pdf"));
        assert_eq!(identify(b"\x7fELF\x02"), Some("elf"));
        assert_eq!(identify(b"plain text"), None);
        assert_eq!(identify(b""), None);
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(identify(&tar), Some("tar"));
    }

    #[test]
    fn dll_is_told_from_exe() {
        let mut pe = vec![0u8; 256];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(identify(&pe), Some("exe"));
        pe[0x80 + 22..0x80 + 24].copy_from_slice(&0x2102u16.to_le_bytes());
        assert_eq!(identify(&pe), Some("dll"));
    }
}
