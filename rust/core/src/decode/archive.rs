//! Unpacking gzip, zip and tar under a byte budget.
//!
//! Archives come from attackers: sizes in headers are not trusted. Every
//! read goes through `Read::take(budget + 1)`, so a bomb stops at the budget
//! without allocating past it, and the caller learns that it was cut.

use std::io::{Cursor, Read};

/// Bytes read from one stream, and whether the budget cut it short.
#[derive(Debug)]
pub(crate) struct Unpacked {
    /// What was read (at most the budget).
    pub bytes: Vec<u8>,
    /// True when more data was there than the budget allowed.
    pub cut: bool,
}

/// Reads at most `budget` bytes from `reader`.
fn read_bounded(reader: impl Read, budget: u64) -> std::io::Result<Unpacked> {
    let mut bytes = Vec::new();
    reader
        .take(budget.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let cut = bytes.len() as u64 > budget;
    bytes.truncate(budget as usize);
    Ok(Unpacked { bytes, cut })
}

/// Decompresses a gzip stream, or says why it could not.
pub(crate) fn gunzip(data: &[u8], budget: u64) -> Result<Unpacked, String> {
    read_bounded(flate2::read::MultiGzDecoder::new(data), budget).map_err(|e| format!("gzip: {e}"))
}

/// One archive member.
#[derive(Debug)]
pub(crate) struct Member {
    /// Its path inside the archive.
    pub name: String,
    /// Its content.
    pub content: Unpacked,
}

/// Archive members, and whether the member limit or the budget cut the list.
#[derive(Debug, Default)]
pub(crate) struct Members {
    /// The members read, in archive order (directories skipped).
    pub members: Vec<Member>,
    /// True when the archive had more members than allowed.
    pub too_many: bool,
    /// True when the budget ran out.
    pub out_of_budget: bool,
}

impl Members {
    /// True (and says why) when no further member may be read.
    fn at_limit(&mut self, max_members: u32, budget: u64) -> bool {
        self.too_many = self.members.len() >= max_members as usize;
        self.out_of_budget |= budget == 0;
        self.too_many || self.out_of_budget
    }

    fn push(&mut self, name: String, content: Unpacked) {
        self.out_of_budget |= content.cut;
        self.members.push(Member { name, content });
    }
}

/// Reads zip members, at most `max_members`, within `budget` bytes in all.
pub(crate) fn unzip(data: &[u8], max_members: u32, mut budget: u64) -> Result<Members, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| format!("zip: {e}"))?;
    let mut out = Members::default();
    for i in 0..archive.len() {
        if out.at_limit(max_members, budget) {
            break;
        }
        let file = archive
            .by_index(i)
            .map_err(|e| format!("zip member {i}: {e}"))?;
        if file.is_dir() {
            continue;
        }
        let name = file
            .name()
            .map_or_else(|_| format!("member {i}"), |n| n.into_owned());
        let content = read_bounded(file, budget).map_err(|e| format!("zip member {name}: {e}"))?;
        budget -= content.bytes.len() as u64;
        out.push(name, content);
    }
    Ok(out)
}

/// Reads tar members, at most `max_members`, within `budget` bytes in all.
pub(crate) fn untar(data: &[u8], max_members: u32, mut budget: u64) -> Result<Members, String> {
    let mut archive = tar::Archive::new(Cursor::new(data));
    let entries = archive.entries().map_err(|e| format!("tar: {e}"))?;
    let mut out = Members::default();
    for entry in entries {
        let entry = entry.map_err(|e| format!("tar: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        if out.at_limit(max_members, budget) {
            break;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "?".to_string());
        let content = read_bounded(entry, budget).map_err(|e| format!("tar member {name}: {e}"))?;
        budget -= content.bytes.len() as u64;
        out.push(name, content);
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    pub(crate) fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    pub(crate) fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in members {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn gzip_within_and_over_budget() {
        let gz = gzip(b"hello gzip world");
        let u = gunzip(&gz, 100).unwrap();
        assert_eq!(
            (u.bytes.as_slice(), u.cut),
            (&b"hello gzip world"[..], false)
        );
        let u = gunzip(&gz, 5).unwrap();
        assert_eq!((u.bytes.as_slice(), u.cut), (&b"hello"[..], true));
        assert!(gunzip(b"\x1f\x8bnot really", 100).is_err());
    }

    #[test]
    fn zip_and_tar_members() {
        let z = zip(&[("a.txt", b"first"), ("dir/b.txt", b"second")]);
        let m = unzip(&z, 10, 1000).unwrap();
        let names: Vec<_> = m.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "dir/b.txt"]);
        assert_eq!(m.members[1].content.bytes, b"second");
        let m = unzip(&z, 1, 1000).unwrap();
        assert!(m.too_many);
        let t = tar(&[("x.sh", b"echo hi"), ("y.txt", b"yo")]);
        let m = untar(&t, 10, 1000).unwrap();
        assert_eq!(m.members.len(), 2);
        assert_eq!(m.members[0].content.bytes, b"echo hi");
        let m = untar(&t, 10, 3).unwrap();
        assert!(m.out_of_budget);
    }
}
