//! `huntkit ioc`: IoC extraction from text (streamed) or a table.

use std::io::{self, IsTerminal};

use anyhow::{bail, Result};
use huntkit_core::{extract_table, ExtraPattern, Extractor, IocOptions, IocScanner, Table};

use crate::input::{list, ReadArgs};
use crate::output::{self, OutputFormat};

/// Arguments of `huntkit ioc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input file (text, CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    /// Table columns to scan (default: every text column). Implies table input.
    #[arg(long, value_name = "A,B")]
    columns: Option<String>,
    /// IoC types to report (default: all; paths as --include-paths says).
    #[arg(long, value_name = "T1,T2")]
    types: Option<String>,
    /// Report windows_path and linux_path in tables too (always on for text;
    /// ignored when --types names the types).
    #[arg(long)]
    include_paths: bool,
    /// Public suffixes whose domains are not reported.
    #[arg(long, value_name = "TLD,TLD")]
    ignore_tlds: Option<String>,
    /// An extra pattern to report, as NAME=REGEX (repeatable).
    #[arg(long = "pattern", value_name = "NAME=REGEX")]
    patterns: Vec<String>,
    /// Scan plain text line by line: one output row per (line, IoC), with
    /// the 0-based line as SourceIndex, like a DataFrame of lines.
    #[arg(long)]
    per_line: bool,
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let options = options(&args)?;
    let (input, format) = args
        .read
        .open(args.file.as_deref(), args.columns.is_some())?;
    if let Some(format) = format {
        let table = input.read_table(format)?;
        return output::write(&extract_table(&table, &options)?, args.format);
    }
    if args.per_line {
        let text = input.read_text()?;
        let options = IocOptions {
            include_paths: Some(options.include_paths.unwrap_or(true)),
            ..options
        };
        return output::write(
            &extract_table(&Table::from_lines(&text), &options)?,
            args.format,
        );
    }
    let mut scanner = IocScanner::new(Extractor::new(&options, false)?);
    let quiet = args.format == OutputFormat::Ndjson && !io::stdout().is_terminal();
    input.stream(quiet, |chunk| scanner.push_bytes(chunk))?;
    output::write(&scanner.finish().frame(), args.format)
}

fn options(args: &Args) -> Result<IocOptions> {
    let extra_patterns = args
        .patterns
        .iter()
        .map(|p| match p.split_once('=') {
            Some((name, pattern)) if !name.is_empty() => Ok(ExtraPattern {
                name: name.to_string(),
                pattern: pattern.to_string(),
            }),
            _ => bail!("--pattern {p:?} is not NAME=REGEX"),
        })
        .collect::<Result<_>>()?;
    Ok(IocOptions {
        types: list(&args.types),
        include_paths: args.include_paths.then_some(true),
        ignore_tlds: list(&args.ignore_tlds).unwrap_or_default(),
        extra_patterns,
        columns: list(&args.columns),
    })
}
