//! `proc_key` text (`host|image|pid|time`, lower-cased): written per input
//! row, in row order, so each key's cells are read in the order they are
//! stored. A build with a second thread writes them while it links (that
//! thread is idle then), and the tree's `proc_key` column is then only a
//! copy in node order: writing them was most of that column's time.

use std::sync::Mutex;

use super::tree::Cols;
use crate::table::cells::{trim_cell, Cells};
use crate::table::time::write_time_ms;

/// Appends the key of a process with these host, image and PID cells and
/// creation time to `out`.
pub(crate) fn write_key(out: &mut String, cells: [Option<&str>; 3], time_ms: Option<i64>) {
    for cell in cells {
        let text = trim_cell(cell.unwrap_or(""));
        if text.is_ascii() {
            let from = out.len();
            out.push_str(text);
            out[from..].make_ascii_lowercase();
        } else {
            out.extend(text.chars().flat_map(char::to_lowercase));
        }
        out.push('|');
    }
    if let Some(ms) = time_ms {
        write_time_ms(out, ms);
    }
}

/// The keys of some input rows, in one buffer.
#[derive(Debug, Default)]
pub(crate) struct RowKeys {
    text: String,
    /// Per input row: where its key is in `text` (`(usize::MAX, 0)`: none).
    span: Vec<(usize, usize)>,
}

impl RowKeys {
    /// The keys of `rows` (about `count` of them, each with its creation
    /// time), for a table of `cells`' rows.
    pub(crate) fn write<C: Cells + ?Sized>(
        cells: &C,
        cols: &Cols,
        rows: impl Iterator<Item = (usize, Option<i64>)>,
        count: usize,
    ) -> RowKeys {
        // The key's cells, three bars and a time per row: grown as it
        // went, the buffer was copied over and over.
        let bytes: usize = [cols.host, Some(cols.name), Some(cols.pid)]
            .into_iter()
            .flatten()
            .map(|c| cells.typed(c).map_or(count * 16, |c| c.text_bytes()))
            .sum();
        let mut text = String::with_capacity(bytes + bytes / 8 + count * 27);
        let mut span = vec![(usize::MAX, 0); cells.rows()];
        for (row, time) in rows {
            let from = text.len();
            let cell = |c: Option<usize>| c.and_then(|c| cells.get(c, row));
            write_key(
                &mut text,
                [cell(cols.host), cell(Some(cols.name)), cell(Some(cols.pid))],
                time,
            );
            span[row] = (from, text.len());
        }
        RowKeys { text, span }
    }

    /// Bytes of key text.
    pub(crate) fn bytes(&self) -> usize {
        self.text.len()
    }

    /// The key of input row `row`, if written.
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        let &(from, to) = self.span.get(row)?;
        self.text.get(from..to)
    }
}

/// Keys written ahead by the build, taken by the first frame that needs
/// them (they are not kept: a tree can live long in a notebook). A clone
/// starts without them.
#[derive(Debug, Default)]
pub(crate) struct KeyCache(Mutex<Option<RowKeys>>);

impl KeyCache {
    pub(crate) fn new(keys: Option<RowKeys>) -> KeyCache {
        KeyCache(Mutex::new(keys))
    }

    /// Whether the keys are still here.
    #[cfg(test)]
    pub(crate) fn is_full(&self) -> bool {
        self.0.lock().is_ok_and(|k| k.is_some())
    }

    /// The keys, if still here.
    pub(crate) fn take(&self) -> Option<RowKeys> {
        self.0.lock().ok()?.take()
    }
}

impl Clone for KeyCache {
    fn clone(&self) -> KeyCache {
        KeyCache::default()
    }
}
