//! Reading the input: a file or stdin, as a stream or whole, and deciding
//! whether it is plain text or a table.

use std::fs::File;
use std::io::{self, IsTerminal, Read};

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use encoding_rs::WINDOWS_1252;
use huntkit_core::{describe_binary, read_table, utf8_lossy_counted, Table, TableFormat};
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

/// The character encoding of a text input (tables included; not Arrow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// UTF-8; bytes that are not UTF-8 become U+FFFD, with one warning
    /// giving their count.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252, the "ANSI" code page of Western Windows (Excel's CSV,
    /// older tools' logs).
    #[value(name = "cp1252", alias = "windows-1252")]
    Cp1252,
}

/// `--input-format` and `--encoding`: how every command that reads a file
/// reads it.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// How to read the input.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Character encoding of text input (Arrow is binary and never re-decoded).
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,
}

impl ReadArgs {
    /// Opens FILE (or stdin) in these settings, with the table format to
    /// read it as (`None`: plain text); `has_columns` makes an input of no
    /// known extension a table.
    pub fn open(&self, file: Option<&str>, has_columns: bool) -> Result<(Input, Option<Format>)> {
        let input = Input::open(file, self.encoding)?;
        let format = input.table_format(self.input_format, has_columns);
        Ok((input, format))
    }
}

/// An opened input.
pub struct Input {
    name: String,
    reader: Box<dyn Read>,
    len: Option<u64>,
    encoding: Encoding,
}

impl Input {
    /// Opens FILE, or stdin for `-` or no file, as text in `encoding`.
    pub fn open(path: Option<&str>, encoding: Encoding) -> Result<Input> {
        match path {
            None | Some("-") => Ok(Input {
                name: "<stdin>".into(),
                reader: Box::new(io::stdin().lock()),
                len: None,
                encoding,
            }),
            Some(p) => {
                let file = File::open(p).with_context(|| format!("cannot open {p}"))?;
                let len = file.metadata().ok().map(|m| m.len());
                Ok(Input {
                    name: p.to_string(),
                    reader: Box::new(file),
                    len,
                    encoding,
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

    /// Reads everything, as it is.
    pub fn read_all(mut self) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(self.len.unwrap_or(0) as usize);
        self.reader
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", self.name))?;
        Ok(buf)
    }

    /// Reads everything as text (decode's and per-line input). Binary
    /// input is read as text too, with a warning saying what it looks like.
    pub fn read_text(self) -> Result<String> {
        let (name, encoding) = (self.name.clone(), self.encoding);
        let bytes = self.read_all()?;
        if let Some(what) = describe_binary(&bytes) {
            eprintln!(
                "huntkit: warning: {name} looks like {what}, not text; reading the text in it"
            );
            return Ok(utf8_lossy_counted(&bytes).0.into_owned());
        }
        Ok(to_utf8(&name, encoding, bytes))
    }

    /// Reads everything, text in UTF-8 (from `--encoding`, warning about
    /// replaced bytes); binary input stays as it is, for the table reader
    /// to name (Arrow) or refuse (anything else).
    pub fn read_decoded(self) -> Result<Vec<u8>> {
        let (name, encoding) = (self.name.clone(), self.encoding);
        let bytes = self.read_all()?;
        if describe_binary(&bytes).is_some() {
            return Ok(bytes);
        }
        Ok(to_utf8(&name, encoding, bytes).into_bytes())
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
        let bytes = self.read_decoded()?;
        if bytes.is_empty() {
            bail!("{name} is empty");
        }
        let format = match format {
            Format::Known(f) => f,
            Format::Detect => TableFormat::detect(&bytes),
        };
        // The core says what the content is; here, which flag reads it.
        match (format, TableFormat::detect(&bytes)) {
            (TableFormat::Ndjson, TableFormat::Json) => {
                bail!(
                    "{name} is a JSON array, not one JSON object per line: use --input-format json"
                )
            }
            (TableFormat::Csv | TableFormat::Json | TableFormat::Ndjson, TableFormat::Arrow) => {
                bail!("{name} is Arrow IPC data, not {format}: use --input-format arrow")
            }
            _ => {}
        }
        Ok((bytes, format))
    }

    /// Streams the input in chunks to `each`, with a progress bar on a
    /// terminal for large inputs unless `quiet`.
    /// Text in UTF-8 either way: Windows-1252 is decoded chunk by chunk;
    /// UTF-8 is passed as read, and its invalid bytes are counted for one
    /// warning at the end.
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
        let mut counter = Utf8Counter::default();
        let mut binary = None;
        let mut cp1252 = (self.encoding == Encoding::Cp1252).then(|| WINDOWS_1252.new_decoder());
        let mut decoded = String::new();
        let mut first = true;
        loop {
            let n = match self.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.name)),
            };
            let chunk = &buf[..n];
            if first {
                binary = describe_binary(chunk);
                first = false;
            }
            match &mut cp1252 {
                Some(decoder) if binary.is_none() => {
                    decoded.clear();
                    decoded.reserve(decoder.max_utf8_buffer_length(n).unwrap_or(3 * n));
                    let _ = decoder.decode_to_string(chunk, &mut decoded, false);
                    each(decoded.as_bytes());
                }
                _ => {
                    counter.push(chunk);
                    each(chunk);
                }
            }
            if let Some(bar) = &bar {
                bar.inc(n as u64);
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match binary {
            Some(what) => eprintln!(
                "huntkit: warning: {} looks like {what}, not text; reading the text in it",
                self.name
            ),
            None => warn_replaced(&self.name, counter.finish()),
        }
        Ok(())
    }
}

/// `bytes` as UTF-8 text in `encoding`, warning once when bytes had to be
/// replaced.
fn to_utf8(name: &str, encoding: Encoding, bytes: Vec<u8>) -> String {
    if encoding == Encoding::Cp1252 {
        return WINDOWS_1252
            .decode_without_bom_handling(&bytes)
            .0
            .into_owned();
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (text, replaced) = utf8_lossy_counted(e.as_bytes());
            warn_replaced(name, replaced);
            text.into_owned()
        }
    }
}

/// The one warning of an input with bytes that were not UTF-8: their
/// count, and the likely cause.
fn warn_replaced(name: &str, replaced: usize) {
    if replaced > 0 {
        eprintln!(
            "huntkit: warning: {name}: {replaced} bytes were not valid UTF-8 and were replaced; if this is Windows-1252 use --encoding cp1252"
        );
    }
}

/// Counts the bytes of a stream that are not UTF-8, a character split
/// between two chunks being carried over, not counted.
#[derive(Default)]
struct Utf8Counter {
    carry: Vec<u8>,
    invalid: usize,
}

impl Utf8Counter {
    fn push(&mut self, chunk: &[u8]) {
        let joined;
        let mut rest = if self.carry.is_empty() {
            chunk
        } else {
            self.carry.extend_from_slice(chunk);
            joined = std::mem::take(&mut self.carry);
            &joined[..]
        };
        while let Err(e) = std::str::from_utf8(rest) {
            match e.error_len() {
                Some(len) => {
                    self.invalid += len;
                    rest = &rest[e.valid_up_to() + len..];
                }
                None => {
                    self.carry = rest[e.valid_up_to()..].to_vec();
                    break;
                }
            }
        }
    }

    /// The count, an unfinished character at the end included.
    fn finish(self) -> usize {
        self.invalid + self.carry.len()
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
