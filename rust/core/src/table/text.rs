//! A column of text cells (an output frame's) held as one Arrow string array: one byte buffer
//! and one offset per cell instead of one heap `String` per cell. A million
//! rows of 19 columns were ~19M allocations (most of a CSV read's time, and
//! out of memory in wasm); now they are 19 buffers, and an Arrow input's
//! strings are shared, not copied.

use arrow_array::builder::StringBuilder;
use arrow_array::{Array, StringArray};

use crate::error::{Error, Result};

/// Text cells, `None` for a null.
#[derive(Debug, Clone, PartialEq)]
pub struct TextColumn(StringArray);

impl TextColumn {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No cells.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cell at `row`: `None` for a null or a row past the end.
    pub fn get(&self, row: usize) -> Option<&str> {
        (row < self.0.len() && self.0.is_valid(row)).then(|| self.0.value(row))
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.0.iter()
    }

    /// The cells as owned strings (for callers that keep them).
    pub fn to_vec(&self) -> Vec<Option<String>> {
        self.iter().map(|c| c.map(str::to_string)).collect()
    }

    /// The Arrow array, to pass on without copying.
    pub fn array(&self) -> &StringArray {
        &self.0
    }

    /// The Arrow array, taken.
    pub fn into_array(self) -> StringArray {
        self.0
    }
}

impl From<StringArray> for TextColumn {
    fn from(a: StringArray) -> TextColumn {
        TextColumn(a)
    }
}

impl From<Vec<Option<String>>> for TextColumn {
    fn from(cells: Vec<Option<String>>) -> TextColumn {
        TextColumn(StringArray::from(cells))
    }
}

/// Appends cells to a growing column; refuses (instead of Arrow's panic)
/// a column past the 2 GiB its 32-bit offsets can address.
pub(crate) struct ColumnBuilder {
    b: StringBuilder,
    bytes: usize,
}

const MAX_BYTES: usize = i32::MAX as usize;

impl ColumnBuilder {
    pub(crate) fn with_capacity(rows: usize, bytes: usize) -> ColumnBuilder {
        ColumnBuilder {
            b: StringBuilder::with_capacity(rows, bytes.min(MAX_BYTES)),
            bytes: 0,
        }
    }

    pub(crate) fn push(&mut self, cell: Option<&str>) -> Result<()> {
        match cell {
            Some(s) => {
                self.bytes += s.len();
                if self.bytes > MAX_BYTES {
                    return Err(Error::parse(
                        "table",
                        None,
                        "a column holds more than 2 GiB of text",
                    ));
                }
                self.b.append_value(s);
            }
            None => self.b.append_null(),
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> TextColumn {
        TextColumn(self.b.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_nulls_and_bounds() {
        let mut b = ColumnBuilder::with_capacity(2, 4);
        b.push(Some("ab")).unwrap();
        b.push(None).unwrap();
        b.push(Some("")).unwrap();
        let c = b.finish();
        assert_eq!(c.len(), 3);
        assert_eq!(c.iter().collect::<Vec<_>>(), [Some("ab"), None, Some("")]);
        assert_eq!(c.get(1), None);
        assert_eq!(c.get(2), Some(""));
        assert_eq!(c.get(3), None, "past the end is not a panic");
        assert_eq!(
            c.to_vec(),
            [Some("ab".to_string()), None, Some(String::new())]
        );
    }
}
