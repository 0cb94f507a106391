//! `huntkit proctree`: process trees from process-creation events.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use huntkit_core::{
    build_process_tree, summarize_process_tree, tree_to_text, ProcSchema, ProcTreeOptions,
};

use crate::input::ReadArgs;
use crate::output::{self, OutputFormat};

/// What to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TreeFormat {
    /// The events plus the tree columns, aligned for a terminal.
    Table,
    /// The events plus the tree columns, as CSV.
    Csv,
    /// The events plus the tree columns, one JSON object per line.
    Ndjson,
    /// The trees, indented.
    Text,
    /// MSTICPy's six summary counts as one JSON object.
    Summary,
}

/// Arguments of `huntkit proctree`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Process events (CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    /// The event schema: 4688, linux, sysmon, mde, mde_internal, osquery,
    /// fireeye_hx. Default: inferred from the columns.
    #[arg(long, conflicts_with = "mapping")]
    schema: Option<String>,
    /// A JSON file mapping the schema fields to your columns
    /// (`{"time_stamp": …, "process_name": …, "process_id": …, "parent_id": …, …}`).
    #[arg(long)]
    mapping: Option<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TreeFormat::Table)]
    format: TreeFormat,
}

fn warn_unused(columns: &[String]) {
    if !columns.is_empty() {
        eprintln!(
            "huntkit: schema columns not in the input (not used): {}",
            columns.join(", ")
        );
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let mapping = match &args.mapping {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
            let schema: ProcSchema =
                serde_json::from_str(&text).with_context(|| format!("mapping {path}"))?;
            Some(schema)
        }
        None => None,
    };
    let options = ProcTreeOptions {
        schema: args.schema,
        mapping,
    };
    let (input, format) = args.read.open(args.file.as_deref(), true)?;
    let Some(format) = format else {
        bail!("proctree needs a table (CSV, JSON/NDJSON or Arrow IPC)");
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if args.format == TreeFormat::Summary {
        // Counts only: the core reads just the columns linking needs.
        let name = args.file.as_deref().unwrap_or("<stdin>").to_string();
        let (bytes, format) = input.read_table_bytes(format)?;
        let (summary, stats) =
            summarize_process_tree(&bytes, format, &options).with_context(|| name)?;
        warn_unused(&stats.unused_columns);
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    let table = input.read_table(format)?;
    let tree = build_process_tree(&table, &options)?;
    warn_unused(&tree.stats().unused_columns);
    match args.format {
        TreeFormat::Summary => {} // printed above, from the linking columns only
        TreeFormat::Text => out.write_all(tree_to_text(&tree, 0..tree.len()).as_bytes())?,
        TreeFormat::Table => return output::write(&tree.frame()?, OutputFormat::Table),
        TreeFormat::Csv => return output::write(&tree.frame()?, OutputFormat::Csv),
        TreeFormat::Ndjson => return output::write(&tree.frame()?, OutputFormat::Ndjson),
    }
    out.flush()?;
    Ok(())
}
