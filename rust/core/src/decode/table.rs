//! Decoding the text cells of a table, and results as a [`Frame`].

use super::{decode_shared, DecodeOptions, DecodedItem, Shared};
use crate::error::Result;
use crate::table::{Frame, FrameColumn, Table};

/// What decoding a table's cells found.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeTableResult {
    /// One row per decoded item: `SourceIndex`, `Input` (the column), then
    /// the item's columns as [`decoded_frame`] names them.
    pub frame: Frame,
    /// Warnings, each prefixed with the row and column it came from.
    pub warnings: Vec<String>,
    /// True when a limit stopped decoding in any cell.
    pub truncated: bool,
}

/// Decodes every cell of the chosen (default: all text) columns. The table
/// is one input: its cells share one byte budget and one item count, so a
/// column of bombs costs what one does.
pub fn decode_table(
    table: &Table,
    columns: Option<&[String]>,
    options: &DecodeOptions,
) -> Result<DecodeTableResult> {
    options.validate()?;
    let columns = table.select(columns)?;
    let mut items = Vec::new();
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    let mut truncated = false;
    let mut shared = Shared::new(options);
    'rows: for row in 0..table.rows() {
        for &col in &columns {
            if shared.budget == 0 || shared.items == 0 {
                truncated = true;
                warnings.push(format!(
                    "decoding stopped at row {row}: the table's limit (max_total_bytes or max_items) was reached"
                ));
                break 'rows;
            }
            let Some(cell) = table.column(col).get(row) else {
                continue;
            };
            let result = decode_shared(cell, options, &mut shared);
            let name = &table.names()[col];
            warnings.extend(
                result
                    .warnings
                    .iter()
                    .map(|w| format!("row {row}, column {name}: {w}")),
            );
            truncated |= result.truncated;
            for item in result.rows {
                sources.push((row as i64, name.clone()));
                items.push(item);
            }
        }
    }
    let mut frame_columns = vec![
        (
            "SourceIndex",
            FrameColumn::Int64(sources.iter().map(|s| Some(s.0)).collect()),
        ),
        (
            "Input",
            FrameColumn::Utf8(sources.into_iter().map(|s| Some(s.1)).collect()),
        ),
    ];
    frame_columns.extend(item_columns(&items));
    Ok(DecodeTableResult {
        frame: Frame::new(frame_columns),
        warnings,
        truncated,
    })
}

/// Decoded items as a frame with MSTICPy's column names plus the tree
/// position (`depth`, `parent`) and span (`start`, `end`).
pub fn decoded_frame(items: &[DecodedItem]) -> Frame {
    Frame::new(item_columns(items))
}

fn item_columns(items: &[DecodedItem]) -> Vec<(&'static str, FrameColumn)> {
    let text = |f: &dyn Fn(&DecodedItem) -> Option<String>| {
        FrameColumn::Utf8(items.iter().map(f).collect())
    };
    let int = |f: &dyn Fn(&DecodedItem) -> i64| {
        FrameColumn::Int64(items.iter().map(|i| Some(f(i))).collect())
    };
    vec![
        ("reference", text(&|i| Some(i.reference.clone()))),
        (
            "original_string",
            text(&|i| Some(i.original_string.clone())),
        ),
        ("file_name", text(&|i| i.file_name.clone())),
        ("file_type", text(&|i| i.file_type.clone())),
        ("input_bytes", int(&|i| i.input_bytes as i64)),
        ("decoded_string", text(&|i| Some(i.decoded_string.clone()))),
        ("encoding_type", text(&|i| Some(i.encoding_type.clone()))),
        ("md5", text(&|i| Some(i.md5.clone()))),
        ("sha1", text(&|i| Some(i.sha1.clone()))),
        ("sha256", text(&|i| Some(i.sha256.clone()))),
        (
            "printable_bytes",
            text(&|i| Some(i.printable_bytes.clone())),
        ),
        ("depth", int(&|i| i64::from(i.depth))),
        ("parent", text(&|i| i.parent.clone())),
        ("start", int(&|i| i.start as i64)),
        ("end", int(&|i| i.end as i64)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    #[test]
    fn cells_are_decoded_with_their_source() {
        // base64 of "Write-Output 'hello from a base64 payload'"
        let csv =
            "id,cmd\n1,plain\n2,run V3JpdGUtT3V0cHV0ICdoZWxsbyBmcm9tIGEgYmFzZTY0IHBheWxvYWQn now\n";
        let table = read_table(csv.as_bytes(), TableFormat::Csv).unwrap();
        let cols = vec!["cmd".to_string()];
        let r = decode_table(&table, Some(&cols), &DecodeOptions::default()).unwrap();
        assert_eq!(r.frame.rows(), 1);
        assert_eq!(r.frame.names()[..3], ["SourceIndex", "Input", "reference"]);
        assert_eq!(r.frame.columns()[0].text(0), "1");
        let decoded = r
            .frame
            .names()
            .iter()
            .position(|n| n == "decoded_string")
            .unwrap();
        assert_eq!(
            r.frame.columns()[decoded].text(0),
            "Write-Output 'hello from a base64 payload'"
        );
        assert!(!r.truncated);
    }
}
