//! Unpacking gzip, zip and tar under byte caps.
//!
//! Archives come from attackers: sizes in headers are not trusted. Every
//! read goes through `Read::take(limit + 1)`, so a bomb stops at its limit
//! without allocating past it, and the caller learns which cap cut it: the
//! input's byte budget, the per-member size, or the expansion ratio (a
//! member may grow to `ratio` times its compressed size, and never less
//! than [`RATIO_FLOOR`], so ordinary small payloads are never cut).

use std::io::{Cursor, Read};

/// Below this size a member is never cut for its ratio: a 2 KiB script
/// that gzips to 40 bytes is not a bomb.
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;

/// The caps one member is read under.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caps {
    /// Bytes left in the input's budget.
    pub budget: u64,
    /// Largest member, in bytes.
    pub member: u64,
    /// Largest expansion: output bytes per compressed byte.
    pub ratio: u64,
}

/// Which cap cut a member short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cut {
    /// The input's byte budget ran out.
    Budget,
    /// The member reached the per-member size.
    Member(u64),
    /// The member expanded past `ratio` times its `compressed` size.
    Ratio {
        /// Its compressed size.
        compressed: u64,
        /// The bytes it was cut at.
        limit: u64,
    },
}

impl Caps {
    /// The tightest cap for a member of `compressed` bytes, and which it is.
    fn limit(&self, compressed: u64) -> (u64, Cut) {
        let ratio = compressed.saturating_mul(self.ratio).max(RATIO_FLOOR);
        [
            (
                ratio,
                Cut::Ratio {
                    compressed,
                    limit: ratio,
                },
            ),
            (self.member, Cut::Member(self.member)),
            (self.budget, Cut::Budget),
        ]
        .into_iter()
        .min_by_key(|(n, _)| *n)
        .expect("three caps")
    }
}

/// Bytes read from one stream, and the cap that cut it short, if any.
#[derive(Debug)]
pub(crate) struct Unpacked {
    /// What was read (at most the limit).
    pub bytes: Vec<u8>,
    /// The cap that stopped the read while more data was there.
    pub cut: Option<Cut>,
}

/// Reads `reader` (holding `compressed` bytes of input) within `caps`.
fn read_capped(reader: impl Read, compressed: u64, caps: &Caps) -> std::io::Result<Unpacked> {
    let (limit, why) = caps.limit(compressed);
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let cut = (bytes.len() as u64 > limit).then_some(why);
    bytes.truncate(limit as usize);
    Ok(Unpacked { bytes, cut })
}

/// Decompresses a gzip stream, or says why it could not.
pub(crate) fn gunzip(data: &[u8], caps: &Caps) -> Result<Unpacked, String> {
    read_capped(
        flate2::read::MultiGzDecoder::new(data),
        data.len() as u64,
        caps,
    )
    .map_err(|e| format!("gzip: {e}"))
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
        self.out_of_budget |= content.cut == Some(Cut::Budget);
        self.members.push(Member { name, content });
    }
}

/// Reads zip members, at most `max_members`, within `caps`.
pub(crate) fn unzip(data: &[u8], max_members: u32, mut caps: Caps) -> Result<Members, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| format!("zip: {e}"))?;
    let mut out = Members::default();
    for i in 0..archive.len() {
        if out.at_limit(max_members, caps.budget) {
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
        // The header's size is the attacker's word; the archive's length
        // bounds what the member can really hold.
        let compressed = file.compressed_size().min(data.len() as u64);
        let content =
            read_capped(file, compressed, &caps).map_err(|e| format!("zip member {name}: {e}"))?;
        caps.budget -= content.bytes.len() as u64;
        out.push(name, content);
    }
    Ok(out)
}

/// Reads tar members, at most `max_members`, within `caps`.
pub(crate) fn untar(data: &[u8], max_members: u32, mut caps: Caps) -> Result<Members, String> {
    let mut archive = tar::Archive::new(Cursor::new(data));
    let entries = archive.entries().map_err(|e| format!("tar: {e}"))?;
    let mut out = Members::default();
    for entry in entries {
        let entry = entry.map_err(|e| format!("tar: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        if out.at_limit(max_members, caps.budget) {
            break;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "?".to_string());
        // Tar stores members as they are: never more than the archive.
        let content = read_capped(entry, data.len() as u64, &caps)
            .map_err(|e| format!("tar member {name}: {e}"))?;
        caps.budget -= content.bytes.len() as u64;
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

    pub(crate) fn caps(budget: u64) -> Caps {
        Caps {
            budget,
            member: u64::MAX,
            ratio: 100,
        }
    }

    #[test]
    fn gzip_within_and_over_budget() {
        let gz = gzip(b"hello gzip world");
        let u = gunzip(&gz, &caps(100)).unwrap();
        assert_eq!(
            (u.bytes.as_slice(), u.cut),
            (&b"hello gzip world"[..], None)
        );
        let u = gunzip(&gz, &caps(5)).unwrap();
        assert_eq!(
            (u.bytes.as_slice(), u.cut),
            (&b"hello"[..], Some(Cut::Budget))
        );
        assert!(gunzip(b"\x1f\x8bnot really", &caps(100)).is_err());
    }

    #[test]
    fn the_tightest_cap_cuts_and_is_named() {
        let zeros = vec![0u8; 3 << 20];
        let gz = gzip(&zeros);
        // 3 MiB of zeros gzip to a few KiB: 100x that is under the floor,
        // so the floor (1 MiB) is the ratio cap.
        let u = gunzip(&gz, &caps(u64::MAX)).unwrap();
        assert_eq!(u.bytes.len() as u64, RATIO_FLOOR);
        assert_eq!(
            u.cut,
            Some(Cut::Ratio {
                compressed: gz.len() as u64,
                limit: RATIO_FLOOR
            })
        );
        let member = Caps {
            member: 1000,
            ..caps(u64::MAX)
        };
        let u = gunzip(&gz, &member).unwrap();
        assert_eq!((u.bytes.len(), u.cut), (1000, Some(Cut::Member(1000))));
        // Ordinary text is far under every cap.
        let u = gunzip(&gzip(b"Invoke-Expression $x"), &caps(u64::MAX)).unwrap();
        assert_eq!(u.cut, None);
    }

    #[test]
    fn zip_and_tar_members() {
        let z = zip(&[("a.txt", b"first"), ("dir/b.txt", b"second")]);
        let m = unzip(&z, 10, caps(1000)).unwrap();
        let names: Vec<_> = m.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "dir/b.txt"]);
        assert_eq!(m.members[1].content.bytes, b"second");
        let m = unzip(&z, 1, caps(1000)).unwrap();
        assert!(m.too_many);
        let t = tar(&[("x.sh", b"echo hi"), ("y.txt", b"yo")]);
        let m = untar(&t, 10, caps(1000)).unwrap();
        assert_eq!(m.members.len(), 2);
        assert_eq!(m.members[0].content.bytes, b"echo hi");
        let m = untar(&t, 10, caps(3)).unwrap();
        assert!(m.out_of_budget);
    }
}
