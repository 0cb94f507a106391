//! `huntkit decode`: find and unpack encoded payloads in text or a table.

use anyhow::Result;
use huntkit_core::{decode_table, decode_text, decoded_frame, DecodeOptions};

use crate::input::{list, ReadArgs};
use crate::output::{self, OutputFormat};

/// Arguments of `huntkit decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input file (text, CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    /// Table columns to decode (default: every text column). Implies table input.
    #[arg(long, value_name = "A,B")]
    columns: Option<String>,
    /// Print the input with each decoded run replaced by its annotation
    /// instead of the table of decoded items (text input only).
    #[arg(long)]
    annotated: bool,
    /// How deep to follow payloads inside payloads.
    #[arg(long, default_value_t = DecodeOptions::default().max_depth)]
    max_depth: u32,
    /// Stop after decoding this many bytes in all (zip/gzip bombs stop here).
    #[arg(long, value_name = "BYTES", default_value_t = DecodeOptions::default().max_total_bytes)]
    max_bytes: u64,
    /// Members read per zip or tar archive.
    #[arg(long, default_value_t = DecodeOptions::default().max_archive_members)]
    max_archive_members: u32,
    /// Largest decompressed archive member or gzip stream.
    #[arg(long, value_name = "BYTES", default_value_t = DecodeOptions::default().max_member_bytes)]
    max_member_bytes: u64,
    /// Largest expansion of a member over its compressed size, and of the
    /// input over its own size (decompression bombs stop here).
    #[arg(long, default_value_t = DecodeOptions::default().max_ratio)]
    max_ratio: u32,
    /// Decoded items kept for the input.
    #[arg(long, default_value_t = DecodeOptions::default().max_items)]
    max_items: u32,
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let options = DecodeOptions {
        max_depth: args.max_depth,
        max_total_bytes: args.max_bytes,
        max_archive_members: args.max_archive_members,
        max_member_bytes: args.max_member_bytes,
        max_ratio: args.max_ratio,
        max_items: args.max_items,
        ..DecodeOptions::default()
    };
    options.validate()?;
    let (input, format) = args
        .read
        .open(args.file.as_deref(), args.columns.is_some())?;
    if let Some(format) = format {
        let table = input.read_table(format)?;
        let result = decode_table(&table, list(&args.columns).as_deref(), &options)?;
        warn(&result.warnings);
        return output::write(&result.frame, args.format);
    }
    let text = input.read_text()?;
    let result = decode_text(&text, &options);
    warn(&result.warnings);
    if args.annotated {
        print!("{}", result.annotated);
        return Ok(());
    }
    output::write(&decoded_frame(&result.rows), args.format)
}

fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("huntkit: warning: {w}");
    }
}
