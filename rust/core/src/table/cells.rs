//! Cells by column and row, whatever holds them: a [`Table`], or a CSV
//! text read as where its cells are ([`CsvCells`]). An analysis that reads
//! a few columns once (a process-tree summary) takes the second and copies
//! no text: building column buffers was a fifth of such a run in wasm.

use super::column::Column;
use super::model::Table;
use super::read::{fast_csv_header, ColumnPicker};
use crate::error::Result;

/// `cell` without surrounding white space: [`str::trim`], with the usual
/// case (no space at either end) found from two bytes instead of decoding
/// characters, which the build does several times per row.
pub(crate) fn trim_cell(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// Read access to a table's cells.
pub(crate) trait Cells {
    /// The column names, in order.
    fn names(&self) -> &[String];
    /// Number of rows.
    fn rows(&self) -> usize;
    /// The cell of column `col` at `row`; `None` for a null (or a column
    /// that was not read).
    fn get(&self, col: usize, row: usize) -> Option<&str>;
    /// Column `col` with its typed readers, when the cells are a
    /// [`Table`]'s: an analysis reads a time or an integer from it without
    /// formatting an Arrow value as text first.
    fn typed(&self, _col: usize) -> Option<&Column> {
        None
    }
}

impl Cells for Table {
    fn names(&self) -> &[String] {
        Table::names(self)
    }

    fn rows(&self) -> usize {
        Table::rows(self)
    }

    fn get(&self, col: usize, row: usize) -> Option<&str> {
        self.column(col).get(row)
    }

    fn typed(&self, col: usize) -> Option<&Column> {
        Some(self.column(col))
    }
}

/// The picked columns of a CSV text as cell ranges of that text, row by
/// row (a row's cells sit together, as the analysis reads them).
pub(crate) struct CsvCells<'a> {
    text: &'a str,
    names: Vec<String>,
    rows: usize,
    /// Per column: its place among the picked ones, if picked.
    slot: Vec<Option<usize>>,
    picked: usize,
    /// `spans[row * picked + slot]`: start and end of the cell in `text`.
    spans: Vec<(u32, u32)>,
}

impl<'a> CsvCells<'a> {
    /// Reads `bytes` keeping the columns `keep` picks, or `None` when this
    /// reading does not apply and a [`Table`] should be read instead: not
    /// UTF-8, a CSV the fast splitter leaves to the csv crate, rows of
    /// uneven length (the table reader names the error), a picked cell
    /// with `""` escapes, or a text past 4 GiB.
    pub(crate) fn read(bytes: &'a [u8], keep: Option<ColumnPicker<'_>>) -> Result<Option<Self>> {
        super::sniff::check_text(bytes, super::TableFormat::Csv)?;
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Ok(None);
        };
        if u32::try_from(text.len()).is_err() {
            return Ok(None);
        }
        let Some((mut csv, names, wanted)) = fast_csv_header(text, keep)? else {
            return Ok(None);
        };
        let columns: Vec<usize> = (0..names.len()).filter(|&i| wanted[i]).collect();
        let mut slot = vec![None; names.len()];
        for (s, &c) in columns.iter().enumerate() {
            slot[c] = Some(s);
        }
        // Rows from the first data line's length (+10%): one allocation,
        // not a dozen.
        let header_end = text.find('\n').map_or(text.len(), |i| i + 1);
        let line = text[header_end..].find('\n').map_or(text.len(), |i| i + 1);
        let rows_guess = text.len() / line + text.len() / line / 10 + 1;
        let mut spans = Vec::with_capacity(rows_guess * columns.len());
        let mut rows = 0;
        loop {
            match csv.next_record() {
                Ok(true) if csv.len() == names.len() => {}
                Ok(false) => break,
                _ => return Ok(None),
            }
            for &c in &columns {
                let Some((start, end)) = csv.span(c) else {
                    return Ok(None);
                };
                // In range: the text's length fits in a u32.
                spans.push((start as u32, end as u32));
            }
            rows += 1;
        }
        Ok(Some(CsvCells {
            text,
            names,
            rows,
            slot,
            picked: columns.len(),
            spans,
        }))
    }
}

impl Cells for CsvCells<'_> {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn get(&self, col: usize, row: usize) -> Option<&str> {
        let slot = (*self.slot.get(col)?)?;
        let &(start, end) = self.spans.get(row * self.picked + slot)?;
        self.text.get(start as usize..end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    #[test]
    fn trims_as_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a\t",
            "\u{a0}x\u{2003}",
            "é ",
            "x y",
            "\u{85}",
        ] {
            assert_eq!(trim_cell(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn same_cells_as_the_table_for_picked_columns() {
        let csv = "a,b,c\r\n1,\"x,y\",3\r\n,q,\"é\"\r\n";
        let keep = |names: &[String]| Ok(names.iter().map(|n| n != "b").collect());
        let cells = CsvCells::read(csv.as_bytes(), Some(&keep))
            .unwrap()
            .unwrap();
        let table = read_table(csv.as_bytes(), TableFormat::Csv).unwrap();
        assert_eq!(cells.names(), table.names());
        assert_eq!(cells.rows(), 2);
        for row in 0..2 {
            for col in [0, 2] {
                assert_eq!(cells.get(col, row), table.column(col).get(row));
            }
            assert_eq!(cells.get(1, row), None, "not picked");
        }
        assert_eq!(cells.get(0, 2), None, "past the end");
    }

    #[test]
    fn left_to_the_table_reader() {
        let all = |names: &[String]| Ok(vec![true; names.len()]);
        for csv in [
            "a,b\n\"q\"\"uote\",1\n", // a picked cell to unescape
            "a,b\n1\n",               // uneven rows: the table reader names them
            "a,b\n\n1,2\n",           // blank line: the csv crate decides
        ] {
            assert!(
                CsvCells::read(csv.as_bytes(), Some(&all))
                    .unwrap()
                    .is_none(),
                "{csv:?}"
            );
        }
        let none = |names: &[String]| Ok(vec![false; names.len()]);
        let escaped_unpicked = CsvCells::read(b"a,b\n\"q\"\"\",1\n", Some(&none)).unwrap();
        assert_eq!(escaped_unpicked.map(|c| c.rows()), Some(1));
        assert!(CsvCells::read(b"a\n\xff\n", None).unwrap().is_none());
    }
}
