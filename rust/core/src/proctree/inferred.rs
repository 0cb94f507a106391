//! The registry of inferred processes: parents (and MDE grandparents) that
//! have no creation event of their own, one node per real process.
//!
//! Children name a missing process in different ways: a bare image in one
//! column (`explorer.exe`), a full path in another
//! (`\Device\HarddiskVolume3\Windows\explorer.exe`), no image at all, with
//! or without its creation time. Keying nodes by the text as written made
//! one node per spelling (issue #12); here a reference joins an existing
//! node of the same host and PID when the two can be the same process:
//!
//! - **time**: equal creation times, or one unknown (a node known to be
//!   created after the child is not its parent);
//! - **image**: equal file names, or one unknown; two full paths must be
//!   equal too, unless both creation times are known and equal (a host runs
//!   one process per PID at a time, so that is the same process however
//!   its path is written).
//!
//! A node keeps the fullest description seen (path, time) for matching
//! later references, and shows the columns of its most informative one.

use super::build::{Ref, NO_NAME};
use super::intern::FxHashMap;
use super::pid::Pid;

const END: usize = usize::MAX;

/// One inferred process as matching sees it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    node: usize,
    base: u32,
    full: u32,
    has_dir: bool,
    time: Option<i64>,
    /// How much the reference the node shows tells (see [`score`]).
    shown: u8,
    /// The next entry of the same host and PID (`END`: none).
    next: usize,
}

/// What [`Inferred::node`] did with a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Joined {
    /// A new node: the caller adds it.
    New,
    /// An existing node, whose shown reference is still the best one.
    Same,
    /// An existing node, and this reference describes it better (a time,
    /// an image or a path it lacked): the caller shows this one instead.
    Better,
}

/// Inferred processes by (host, PID), each a short chain of entries (a PID
/// is seldom reused by two missing processes), so a lookup is one hash
/// probe and no allocation beyond the entry.
#[derive(Default)]
pub(super) struct Inferred {
    heads: FxHashMap<(u32, Pid), usize>,
    entries: Vec<Entry>,
}

/// How much a reference tells: its time counts most (it orders the tree
/// and pins the process), then its image, then a directory.
fn score(r: &Ref) -> u8 {
    4 * u8::from(r.time.is_some()) + 2 * u8::from(r.base != NO_NAME) + u8::from(r.has_dir)
}

impl Entry {
    /// Can `r`, named by a child created at `before`, be this process?
    fn matches(&self, r: &Ref, before: i64) -> bool {
        let same_time = match (self.time, r.time) {
            (Some(a), Some(b)) if a != b => return false,
            (Some(_), Some(_)) => true,
            // A process created after the child is not its parent.
            (Some(t), None) if t > before => return false,
            _ => false,
        };
        if self.base == NO_NAME || r.base == NO_NAME {
            return true;
        }
        self.base == r.base && (same_time || !(self.has_dir && r.has_dir) || self.full == r.full)
    }

    /// Takes what `r` adds: an image, a path, a time.
    fn absorb(&mut self, r: &Ref) {
        if self.base == NO_NAME || (r.has_dir && !self.has_dir && r.base == self.base) {
            self.base = r.base;
            self.full = r.full;
            self.has_dir = r.has_dir;
        }
        if self.time.is_none() {
            self.time = r.time;
        }
    }
}

impl Inferred {
    /// The inferred node for `r` (named by a child created at `before`):
    /// an existing one it can be (the latest created, for a reference
    /// without a time), or `next`, registered here as new.
    pub(super) fn node(&mut self, r: &Ref, before: i64, next: usize) -> (usize, Joined) {
        let key = (r.host, r.pid);
        let head = self.heads.get(&key).copied().unwrap_or(END);
        let mut best: Option<usize> = None;
        let mut at = head;
        while at != END {
            let e = &self.entries[at];
            // Chains are newest first; the first match is the latest node,
            // unless an older one has a later time (references without a
            // time pick the latest creation).
            let later = |b: usize| e.time > self.entries[b].time;
            if e.matches(r, before) && best.is_none_or(later) {
                best = Some(at);
            }
            at = e.next;
        }
        if let Some(at) = best {
            let e = &mut self.entries[at];
            e.absorb(r);
            let s = score(r);
            if s > e.shown {
                e.shown = s;
                return (e.node, Joined::Better);
            }
            return (e.node, Joined::Same);
        }
        self.entries.push(Entry {
            node: next,
            base: r.base,
            full: r.full,
            has_dir: r.has_dir,
            time: r.time,
            shown: score(r),
            next: head,
        });
        self.heads.insert(key, self.entries.len() - 1);
        (next, Joined::New)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proctree::intern::Interner;

    fn pid(n: u64) -> Pid {
        Pid::parse(&n.to_string(), &mut Interner::default()).unwrap()
    }

    /// (base, full, has_dir): `explorer.exe` is 1, paths to it 2 and 3.
    fn r(image: (u32, u32, bool), time: Option<i64>) -> Ref {
        Ref {
            host: 0,
            pid: pid(40),
            base: image.0,
            full: image.1,
            has_dir: image.2,
            time,
        }
    }
    const BARE: (u32, u32, bool) = (1, 1, false);
    const DEVICE: (u32, u32, bool) = (1, 2, true);
    const DRIVE: (u32, u32, bool) = (1, 3, true);
    const OTHER: (u32, u32, bool) = (4, 4, false);
    const NONE: (u32, u32, bool) = (NO_NAME, NO_NAME, false);

    /// Issue #12: a bare name and a path with the same file name, host,
    /// PID and time are one node; another time or image is another node.
    #[test]
    fn spellings_of_one_process_are_one_node() {
        let mut reg = Inferred::default();
        assert_eq!(reg.node(&r(BARE, Some(5)), 10, 100), (100, Joined::New));
        assert_eq!(
            reg.node(&r(DEVICE, Some(5)), 10, 101),
            (100, Joined::Better)
        );
        assert_eq!(reg.node(&r(BARE, Some(5)), 10, 101), (100, Joined::Same));
        // Same PID and time, path written another way: the same process.
        assert_eq!(reg.node(&r(DRIVE, Some(5)), 10, 101), (100, Joined::Same));
        // No image: any image.
        assert_eq!(reg.node(&r(NONE, Some(5)), 10, 101), (100, Joined::Same));
        // Another time is a reuse of the PID; another image another process.
        assert_eq!(reg.node(&r(BARE, Some(6)), 10, 101), (101, Joined::New));
        assert_eq!(reg.node(&r(OTHER, Some(5)), 10, 102), (102, Joined::New));
        // Another host.
        let elsewhere = Ref {
            host: 1,
            ..r(BARE, Some(5))
        };
        assert_eq!(reg.node(&elsewhere, 10, 103), (103, Joined::New));
    }

    #[test]
    fn unknown_times_join_the_latest_earlier_node() {
        let mut reg = Inferred::default();
        assert_eq!(reg.node(&r(NONE, None), 10, 100), (100, Joined::New));
        // A time and an image describe it better.
        assert_eq!(reg.node(&r(BARE, Some(5)), 10, 101), (100, Joined::Better));
        assert_eq!(reg.node(&r(BARE, Some(8)), 10, 101), (101, Joined::New));
        // Without a time: the latest created at or before the child.
        assert_eq!(reg.node(&r(BARE, None), 9, 102), (101, Joined::Same));
        assert_eq!(reg.node(&r(BARE, None), 6, 102), (100, Joined::Same));
        assert_eq!(reg.node(&r(BARE, None), 4, 102), (102, Joined::New));
        // Two different paths without a known common time stay apart.
        let mut reg = Inferred::default();
        assert_eq!(reg.node(&r(DEVICE, None), 10, 100), (100, Joined::New));
        assert_eq!(reg.node(&r(DRIVE, None), 10, 101), (101, Joined::New));
        assert_eq!(reg.node(&r(BARE, None), 10, 102), (101, Joined::Same));
    }
}
