//! `huntkit graph`: the entity graph of an investigation, from Sentinel
//! incident/alert or Defender alert JSON, or from a table with a column →
//! entity mapping; printed as nodes, edges or MSTICPy's entity table.

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use huntkit_core::entities::{
    add_json_bytes, edges_frame, graph_from_table, graph_table, nodes_frame, EntityGraph,
    EntityGraphOptions, DEFAULT_MAX_NODES,
};

use crate::input::ReadArgs;
use crate::output::{self, OutputFormat};

/// What `huntkit graph` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Show {
    /// MSTICPy's `to_df()`: Name, Description, Type, TimeGenerated,
    /// StartTime, EndTime.
    Table,
    /// The nodes a graph view draws: Id, Name, Type, Description, times,
    /// Properties (JSON).
    Nodes,
    /// The links: Source, Target, Label.
    Edges,
    /// One line: nodes, links and nodes per type.
    Summary,
}

/// Arguments of `huntkit graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input: Sentinel incident/alert JSON (REST resources or SecurityAlert
    /// rows with `Entities`), Defender alert JSON with `evidence`, or a
    /// table (CSV, JSON/NDJSON, Arrow IPC) with --map; `-` or nothing for
    /// stdin.
    file: Option<String>,
    /// Read the input as a table: `Column=Kind` or `Column=Kind.Property`
    /// per mapped column (`Computer=Host`, `User=Account.Name`,
    /// `Domain=Account.NTDomain`); repeat or separate with commas.
    #[arg(long = "map", value_delimiter = ',')]
    map: Vec<String>,
    /// Tables: the column that dates each row's entities.
    #[arg(long)]
    time_column: Option<String>,
    /// Add an analyst's note, `NODE_ID:TEXT` (the node's Id from --show
    /// nodes), or just `TEXT` for a note on its own; repeatable.
    #[arg(long)]
    note: Vec<String>,
    /// Remove a node (and its links) by Id; repeatable.
    #[arg(long)]
    remove: Vec<String>,
    /// The most nodes the graph may hold; larger input is refused.
    #[arg(long, default_value_t = DEFAULT_MAX_NODES)]
    max_nodes: usize,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Show::Table)]
    show: Show,
    /// How to read a table input (`--input-format`; JSON entity input is
    /// always JSON) and its encoding.
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let options = EntityGraphOptions {
        max_nodes: args.max_nodes,
        mapping: args.map.clone(),
        time_column: args.time_column.clone(),
    };
    let (input, format) = args.read.open(args.file.as_deref(), true)?;
    let mut graph = if options.mapping.is_empty() {
        if args.time_column.is_some() {
            bail!("--time-column needs a table input with --map Column=Kind");
        }
        let name = args.file.clone().unwrap_or_else(|| "<stdin>".into());
        let bytes = input.read_decoded()?;
        let mut graph = EntityGraph::new(options.graph_options())?;
        add_json_bytes(&mut graph, &bytes).with_context(|| {
            format!("{name} (for a table of events, map its columns with --map Column=Kind)")
        })?;
        graph
    } else {
        let Some(format) = format else {
            bail!("--map needs a table (CSV, JSON/NDJSON or Arrow IPC)");
        };
        graph_from_table(&input.read_table(format)?, &options)?
    };
    for w in &graph.warnings {
        eprintln!("huntkit: warning: {w}");
    }
    let now = chrono::Utc::now().timestamp_millis();
    for note in &args.note {
        let (target, text) = match note.split_once(':') {
            Some((id, text)) if graph.node(id).is_ok() => (Some(id), text),
            _ => (None, note.as_str()),
        };
        let name = text.chars().take(40).collect::<String>();
        graph.add_note(&name, text, target, Some(now))?;
    }
    for id in &args.remove {
        graph.remove_node(id)?;
    }
    match args.show {
        Show::Table => output::write(&graph_table(&graph), args.format),
        Show::Nodes => output::write(&nodes_frame(&graph), args.format),
        Show::Edges => output::write(&edges_frame(&graph), args.format),
        Show::Summary => {
            let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
            for n in graph.nodes() {
                *counts.entry(n.entity.kind.name()).or_default() += 1;
            }
            let per: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            println!(
                "{} nodes, {} links ({})",
                graph.node_count(),
                graph.link_count(),
                per.join(", ")
            );
            Ok(())
        }
    }
}
