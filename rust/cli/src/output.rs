//! Writing a result frame to stdout in the chosen format.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use clap::ValueEnum;
use huntkit_core::Frame;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for reading in a terminal.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line, keys as the column names.
    Ndjson,
}

/// Terminal tables cut cells wider than this (CSV and NDJSON never cut).
const MAX_CELL: usize = 80;

/// Writes `frame` to stdout.
pub fn write(frame: &Frame, format: OutputFormat) -> Result<()> {
    let stdout = io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    match format {
        OutputFormat::Csv => frame.write_csv(&mut out)?,
        OutputFormat::Ndjson => frame.write_ndjson(&mut out)?,
        OutputFormat::Table => write_table(frame, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn write_table(frame: &Frame, out: &mut impl Write) -> io::Result<()> {
    let cells: Vec<Vec<String>> = (0..frame.rows())
        .map(|r| {
            frame
                .columns()
                .iter()
                .map(|c| shorten(&c.text(r)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = frame
        .names()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([n.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |out: &mut dyn Write, row: &[String]| -> io::Result<()> {
        let mut parts = Vec::with_capacity(row.len());
        for (cell, w) in row.iter().zip(&widths) {
            parts.push(format!("{cell:<w$}"));
        }
        writeln!(out, "{}", parts.join("  ").trim_end())
    };
    line(out, frame.names())?;
    for row in &cells {
        line(out, row)?;
    }
    Ok(())
}

/// One line per cell, at most `MAX_CELL` characters; control characters
/// are shown escaped so data cannot drive the terminal.
fn shorten(s: &str) -> String {
    let clean: String = s
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if clean.chars().count() > MAX_CELL {
        let cut: String = clean.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huntkit_core::FrameColumn;

    #[test]
    fn aligned_and_escaped() {
        let f = Frame::new(vec![
            (
                "A",
                FrameColumn::Utf8(vec![Some("x\u{1b}[31m".into()), Some("long".into())]),
            ),
            ("B", FrameColumn::Int64(vec![Some(1), None])),
        ]);
        let mut out = Vec::new();
        write_table(&f, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A            B\nx\\u{1b}[31m  1\nlong\n"
        );
    }
}
