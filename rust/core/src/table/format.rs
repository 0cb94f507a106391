//! Which table format a file is in.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A table format huntkit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects (or one object).
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Arrow IPC, stream or file form (`.arrow`, `.feather`, `.ipc`).
    Arrow,
}

impl TableFormat {
    /// The format named by a file's extension, if it names one.
    pub fn from_path(path: &str) -> Option<TableFormat> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" => Some(TableFormat::Csv),
            "json" => Some(TableFormat::Json),
            "ndjson" | "jsonl" => Some(TableFormat::Ndjson),
            "arrow" | "feather" | "ipc" | "arrows" => Some(TableFormat::Arrow),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes: Arrow's magic numbers, then
    /// JSON's opening bracket, else CSV.
    pub fn detect(bytes: &[u8]) -> TableFormat {
        if bytes.starts_with(b"ARROW1") || bytes.starts_with(&[0xff, 0xff, 0xff, 0xff]) {
            return TableFormat::Arrow;
        }
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => TableFormat::Json,
            Some(b'{') => TableFormat::Ndjson,
            _ => TableFormat::Csv,
        }
    }

    /// The format by name (`csv`, `json`, `ndjson`, `arrow`), or detected
    /// from `bytes` for `auto` or an empty name: how the hosts pass a
    /// caller's format.
    pub fn named(name: &str, bytes: &[u8]) -> Result<TableFormat> {
        match name {
            "" | "auto" => Ok(TableFormat::detect(bytes)),
            f => f.parse(),
        }
    }

    /// The lower-case name used in messages and options.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
            TableFormat::Ndjson => "ndjson",
            TableFormat::Arrow => "arrow",
        }
    }
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TableFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<TableFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(TableFormat::Csv),
            "json" => Ok(TableFormat::Json),
            "ndjson" | "jsonl" => Ok(TableFormat::Ndjson),
            "arrow" | "ipc" | "feather" => Ok(TableFormat::Arrow),
            _ => Err(Error::option(
                "format",
                format!("unknown table format {s:?} (csv, json, ndjson, arrow)"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        assert_eq!(TableFormat::detect(b"ARROW1\0\0"), TableFormat::Arrow);
        assert_eq!(
            TableFormat::detect(b"\xff\xff\xff\xff\x10"),
            TableFormat::Arrow
        );
        assert_eq!(TableFormat::detect(b"  [{\"a\":1}]"), TableFormat::Json);
        assert_eq!(
            TableFormat::detect(b"{\"a\":1}\n{\"a\":2}"),
            TableFormat::Ndjson
        );
        assert_eq!(TableFormat::detect(b"a,b\n1,2"), TableFormat::Csv);
        assert_eq!(
            TableFormat::from_path("x/y.JSONL"),
            Some(TableFormat::Ndjson)
        );
        assert_eq!(TableFormat::from_path("notes.txt"), None);
        assert!("parquet".parse::<TableFormat>().is_err());
    }
}
