//! Table extraction: one row per (row, column, IoC), as MSTICPy's `extract_df`.

use std::collections::HashSet;

use super::extract::Extractor;
use super::options::IocOptions;
use crate::error::Result;
use crate::table::{Frame, FrameColumn, Table};

/// Extracts IoCs from the chosen text columns of `table`.
///
/// Output columns: `IoCType, Observable, SourceIndex, Input, Refanged`, where
/// `SourceIndex` is the 0-based row and `Input` the column name. An IoC is
/// reported once per cell however often the cell repeats it. Paths are left
/// out unless `include_paths` is set (they are mostly noise in tables).
pub fn extract_table(table: &Table, options: &IocOptions) -> Result<Frame> {
    let extractor = Extractor::new(options, true)?;
    let columns = table.select(options.columns.as_deref())?;
    let (mut types, mut observables, mut rows, mut inputs, mut refanged) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    let mut buffer = String::new();
    for row in 0..table.rows() {
        for &col in &columns {
            let Some(cell) = table.column(col).get(row) else {
                continue;
            };
            seen.clear();
            extractor.scan_reusing(cell, &mut buffer, |m| {
                if seen.insert((m.ioc_type.to_string(), m.refanged.to_lowercase())) {
                    types.push(Some(m.ioc_type.to_string()));
                    observables.push(Some(m.observable.to_string()));
                    rows.push(Some(row as i64));
                    inputs.push(Some(table.names()[col].clone()));
                    refanged.push(Some(m.refanged.to_string()));
                }
            });
        }
    }
    Ok(Frame::new(vec![
        ("IoCType", FrameColumn::Utf8(types)),
        ("Observable", FrameColumn::Utf8(observables)),
        ("SourceIndex", FrameColumn::Int64(rows)),
        ("Input", FrameColumn::Utf8(inputs)),
        ("Refanged", FrameColumn::Utf8(refanged)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    #[test]
    fn one_row_per_cell_and_ioc() {
        let csv = b"host,cmd\nh1,curl hxxp://evil[.]com/x 1.2.3.4 1.2.3.4\nh2,ls /etc/passwd\n";
        let t = read_table(csv, TableFormat::Csv).unwrap();
        let opts = IocOptions {
            columns: Some(vec!["cmd".into()]),
            ..Default::default()
        };
        let f = extract_table(&t, &opts).unwrap();
        assert_eq!(
            f.names(),
            ["IoCType", "Observable", "SourceIndex", "Input", "Refanged"]
        );
        let rows: Vec<Vec<String>> = (0..f.rows())
            .map(|r| f.columns().iter().map(|c| c.text(r)).collect())
            .collect();
        assert_eq!(
            rows,
            [
                [
                    "url",
                    "hxxp://evil[.]com/x",
                    "0",
                    "cmd",
                    "http://evil.com/x"
                ],
                ["dns", "evil[.]com", "0", "cmd", "evil.com"],
                ["ipv4", "1.2.3.4", "0", "cmd", "1.2.3.4"],
            ]
        );
        let with_paths = IocOptions {
            include_paths: Some(true),
            ..opts
        };
        assert_eq!(extract_table(&t, &with_paths).unwrap().rows(), 4);
    }

    #[test]
    fn missing_column_is_an_error() {
        let t = read_table(b"a\nx\n", TableFormat::Csv).unwrap();
        let opts = IocOptions {
            columns: Some(vec!["CommandLine".into()]),
            ..Default::default()
        };
        assert_eq!(
            extract_table(&t, &opts).unwrap_err().kind_name(),
            "missing_column"
        );
    }
}
