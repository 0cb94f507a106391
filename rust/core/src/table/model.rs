//! The one table every analysis and view reads: named [`Column`]s of equal
//! length, each the Arrow array the input gave (an Arrow input's columns
//! keep their types; CSV, JSON and NDJSON give text columns).

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::Schema;

use super::column::{is_text_type, Column};
use super::format::TableFormat;
use crate::error::{Error, ErrorKind, Result};

/// A table: named columns of equal length (see [`Column`] for how cells
/// are read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    /// Per column: whether the input held text there (JSON strings, CSV
    /// cells, Arrow strings), so default column picks skip numbers.
    text: Vec<bool>,
}

impl Table {
    /// Reads `bytes` as a table in `format` (see
    /// [`read_table`](super::read_table)).
    pub fn read(bytes: &[u8], format: TableFormat) -> Result<Table> {
        super::read::read_table(bytes, format)
    }

    /// [`read`](Self::read) with the format by name (`csv`, `json`,
    /// `ndjson`, `arrow`), detected from the bytes for `auto` or an empty
    /// name: how the hosts pass a caller's format.
    pub fn read_named(bytes: &[u8], format: &str) -> Result<Table> {
        Table::read(bytes, TableFormat::named(format, bytes)?)
    }

    /// Reads an Arrow IPC stream or file (LZ4-compressed buffers allowed);
    /// columns keep their Arrow types.
    pub fn from_arrow(bytes: &[u8]) -> Result<Table> {
        Table::read(bytes, TableFormat::Arrow)
    }

    /// A table of one record batch's columns, types kept.
    pub fn from_record_batch(batch: &RecordBatch) -> Table {
        Table::from_arrays(&batch.schema(), batch.columns().to_vec())
    }

    /// A table of `schema`'s columns from one array per field (all of the
    /// same length).
    pub(crate) fn from_arrays(schema: &Schema, arrays: Vec<ArrayRef>) -> Table {
        let mut t = Table::default();
        for (field, array) in schema.fields().iter().zip(arrays) {
            let text = is_text_type(field.data_type());
            t.push(field.name().clone(), Column::from(array), text);
        }
        t
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Column `i`.
    pub fn column(&self, i: usize) -> &Column {
        &self.columns[i]
    }

    /// The index of a column, or an error naming it and the columns there are.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::missing_column(name, &self.names))
    }

    /// A one-column table (`text`) with one row per line of `text`: how
    /// plain text is scanned line by line, as a DataFrame of lines would be.
    pub fn from_lines(text: &str) -> Table {
        let mut t = Table::default();
        let lines: StringArray = text.lines().map(Some).collect();
        t.push("text".to_string(), lines.into(), true);
        t
    }

    /// Indices of the columns to scan: the `requested` ones (all must exist)
    /// or every column that holds text.
    pub fn select(&self, requested: Option<&[String]>) -> Result<Vec<usize>> {
        let picked: Vec<usize> = match requested {
            Some(names) => names
                .iter()
                .map(|n| {
                    self.names.iter().position(|c| c == n).ok_or_else(|| {
                        Error::new(ErrorKind::MissingColumn {
                            column: n.clone(),
                            available: self.names.clone(),
                        })
                    })
                })
                .collect::<Result<_>>()?,
            None => (0..self.names.len()).filter(|&i| self.text[i]).collect(),
        };
        if picked.is_empty() {
            return Err(Error::new(ErrorKind::NoTextColumns));
        }
        Ok(picked)
    }

    /// A table of these column names and no rows (to resolve a schema
    /// from a header before reading the rows).
    pub fn from_names(names: &[String]) -> Table {
        let mut t = Table::default();
        for n in names {
            t.push(n.clone(), StringArray::new_null(0).into(), true);
        }
        t
    }

    /// The table as one record batch (a column's Arrow type as read).
    pub fn to_record_batch(&self) -> Result<RecordBatch> {
        let arrays = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(n, c)| (n.as_str(), Arc::clone(c.array())));
        RecordBatch::try_from_iter(arrays).map_err(|e| Error::new(ErrorKind::Output(e.to_string())))
    }

    pub(crate) fn push(&mut self, name: String, cells: Column, text: bool) {
        self.names.push(name);
        self.columns.push(cells);
        self.text.push(text);
    }
}
