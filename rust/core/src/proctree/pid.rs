//! Process ids as comparable keys: `0x1a4` (4688's hex), `420` (Sysmon,
//! auditd) and `420.0` (a PID column that went through a float) are the
//! same process id; anything else (MDE GUIDs, …) is a key as written,
//! compared case-insensitively.

use super::intern::Interner;
use crate::table::cells::trim_cell;

/// A normalised process id: a number, or an interned string id with the
/// top bit set so the two can never collide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pid(u64);

const STRING_FLAG: u64 = 1 << 63;

impl Pid {
    /// The PID of a typed integer cell: the number `n` as [`parse`](Self::parse)
    /// reads its text, `None` from 2^63 (where text keys start).
    pub(crate) fn number(n: u64) -> Option<Pid> {
        (n < STRING_FLAG).then_some(Pid(n))
    }

    /// Parses a PID cell; `None` for an empty cell (no PID, so no link).
    pub(crate) fn parse(cell: &str, strings: &mut Interner) -> Option<Pid> {
        let s = trim_cell(cell);
        if s.is_empty() {
            return None;
        }
        let number = if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            u64::from_str_radix(hex, 16).ok()
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            s.strip_suffix(".0")
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse().ok())
        };
        Some(match number {
            Some(n) if n < STRING_FLAG => Pid(n),
            _ => Pid(STRING_FLAG | u64::from(strings.id(s))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decimal_and_float_pids_agree() {
        let mut i = Interner::default();
        let p = |s: &str, i: &mut Interner| Pid::parse(s, i);
        assert_eq!(p("0x1a4", &mut i), p("420", &mut i));
        assert_eq!(p("0X1A4", &mut i), p("420.0", &mut i));
        assert_eq!(p(" 420 ", &mut i), Some(Pid(420)));
        assert_eq!(p("", &mut i), None);
        let g = p("{ABC-1}", &mut i);
        assert_eq!(g, p("{abc-1}", &mut i));
        assert_ne!(g, p("{abc-2}", &mut i));
        assert_ne!(g, Some(Pid(0)), "strings never equal numbers");
        assert_ne!(p("0xzz", &mut i), p("0", &mut i));
    }
}
