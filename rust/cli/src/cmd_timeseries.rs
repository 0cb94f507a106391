//! `huntkit timeseries`: STL decomposition and anomaly scores of a series,
//! or of events counted per time bin.

use anyhow::{bail, Result};
use huntkit_core::{format_time_ms, timeseries_table, TimeseriesOptions};

use crate::input::ReadArgs;
use crate::output::{self, OutputFormat};

/// Arguments of `huntkit timeseries` (named like MSTICPy's parameters).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input table (CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    /// The time column.
    #[arg(long, default_value_t = TimeseriesOptions::default().time_column)]
    time_column: String,
    /// The value column (summed per bin). Without it, rows are events and
    /// are counted per bin.
    #[arg(long)]
    value_column: Option<String>,
    /// Bin size (`1h`, `15min`, `1d`); gaps are filled with 0.
    #[arg(long, default_value_t = TimeseriesOptions::default().bin)]
    bin: String,
    /// Bins per seasonal cycle (24 for hourly bins and a daily cycle).
    #[arg(long, default_value_t = TimeseriesOptions::default().period)]
    period: usize,
    /// Length of the seasonal smoother (odd).
    #[arg(long, default_value_t = TimeseriesOptions::default().seasonal)]
    seasonal: usize,
    /// Robust STL (down-weights outliers).
    #[arg(long)]
    robust: bool,
    /// |z| of the residual above which a point is an anomaly.
    #[arg(long, default_value_t = TimeseriesOptions::default().score_threshold)]
    score_threshold: f64,
    /// Reproduce MSTICPy's ts_anomalies_stl exactly (integer components,
    /// only high anomalies, sign from the seasonal component).
    #[arg(long)]
    msticpy_compatible: bool,
    /// Print the anomaly periods (start,end) instead of the scored series.
    #[arg(long, conflicts_with = "kql")]
    periods: bool,
    /// Print a KQL `| where TimeGenerated between (...)` clause for the
    /// anomaly periods instead of the scored series.
    #[arg(long)]
    kql: bool,
    /// With --periods/--kql: include low anomalies too.
    #[arg(long)]
    include_negative: bool,
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let options = TimeseriesOptions {
        time_column: args.time_column,
        value_column: args.value_column,
        bin: args.bin,
        period: args.period,
        seasonal: args.seasonal,
        robust: args.robust,
        score_threshold: args.score_threshold,
        msticpy_compatible: args.msticpy_compatible,
        include_negative: args.include_negative,
    };
    let (input, format) = args.read.open(args.file.as_deref(), true)?;
    let Some(format) = format else {
        bail!("timeseries needs a table (CSV, JSON/NDJSON or Arrow IPC)");
    };
    let result = timeseries_table(&input.read_table(format)?, &options)?;
    if args.kql {
        println!("{}", result.kql);
    } else if args.periods {
        println!("start,end");
        for p in result.periods {
            println!(
                "{},{}",
                format_time_ms(p.start_ms),
                format_time_ms(p.end_ms)
            );
        }
    } else {
        output::write(&result.frame, args.format)?;
    }
    Ok(())
}
