//! Reading the input: a file or stdin, as a stream or whole, and deciding
//! whether it is plain text or a table.

use std::fs::File;
use std::io::{self, IsTerminal, Read};

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use huntkit_core::{read_table, Table, TableFormat};
use indicatif::{ProgressBar, ProgressStyle};

/// Inputs smaller than this finish before a progress bar would be useful.
const PROGRESS_MIN_BYTES: u64 = 8 << 20;
/// Read size for streaming.
pub const CHUNK: usize = 1 << 20;

/// How to read the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide from the file extension (and from the content with --columns).
    Auto,
    /// Plain text.
    Text,
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Arrow IPC (stream or file).
    Arrow,
}

/// An opened input.
pub struct Input {
    name: String,
    reader: Box<dyn Read>,
    len: Option<u64>,
}

impl Input {
    /// Opens FILE, or stdin for `-` or no file.
    pub fn open(path: Option<&str>) -> Result<Input> {
        match path {
            None | Some("-") => Ok(Input {
                name: "<stdin>".into(),
                reader: Box::new(io::stdin().lock()),
                len: None,
            }),
            Some(p) => {
                let file = File::open(p).with_context(|| format!("cannot open {p}"))?;
                let len = file.metadata().ok().map(|m| m.len());
                Ok(Input {
                    name: p.to_string(),
                    reader: Box::new(file),
                    len,
                })
            }
        }
    }

    /// The table format this input should be read as, or `None` for text.
    pub fn table_format(&self, requested: InputFormat, has_columns: bool) -> Option<Format> {
        match requested {
            InputFormat::Text => None,
            InputFormat::Csv => Some(Format::Known(TableFormat::Csv)),
            InputFormat::Json => Some(Format::Known(TableFormat::Json)),
            InputFormat::Ndjson => Some(Format::Known(TableFormat::Ndjson)),
            InputFormat::Arrow => Some(Format::Known(TableFormat::Arrow)),
            InputFormat::Auto => match TableFormat::from_path(&self.name) {
                Some(f) => Some(Format::Known(f)),
                None if has_columns => Some(Format::Detect),
                None => None,
            },
        }
    }

    /// Reads everything (tables, and decode's whole-text input).
    pub fn read_all(mut self) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(self.len.unwrap_or(0) as usize);
        self.reader
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", self.name))?;
        Ok(buf)
    }

    /// Reads the whole input as a table.
    pub fn read_table(self, format: Format) -> Result<Table> {
        let name = self.name.clone();
        let (bytes, format) = self.read_table_bytes(format)?;
        read_table(&bytes, format).with_context(|| name.clone())
    }

    /// Reads the whole input and settles its table format, for an analysis
    /// that reads the table itself (only some columns of it).
    pub fn read_table_bytes(self, format: Format) -> Result<(Vec<u8>, TableFormat)> {
        let name = self.name.clone();
        let bytes = self.read_all()?;
        if bytes.is_empty() {
            bail!("{name} is empty");
        }
        let format = match format {
            Format::Known(f) => f,
            Format::Detect => TableFormat::detect(&bytes),
        };
        Ok((bytes, format))
    }

    /// Streams the input in chunks to `each`, with a progress bar on a
    /// terminal for large inputs unless `quiet`.
    pub fn stream(mut self, quiet: bool, mut each: impl FnMut(&[u8])) -> Result<()> {
        let bar = match self.len {
            Some(len) if !quiet && len >= PROGRESS_MIN_BYTES && io::stderr().is_terminal() => {
                let bar = ProgressBar::new(len);
                if let Ok(style) = ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
                ) {
                    bar.set_style(style);
                }
                Some(bar)
            }
            _ => None,
        };
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match self.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.name)),
            };
            each(&buf[..n]);
            if let Some(bar) = &bar {
                bar.inc(n as u64);
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok(())
    }
}

/// A table format, known or to be detected from the content.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// Named by the user or the extension.
    Known(TableFormat),
    /// Guessed from the first bytes.
    Detect,
}

/// Splits a `--columns a,b` style list.
pub fn list(value: &Option<String>) -> Option<Vec<String>> {
    value.as_ref().map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
}
