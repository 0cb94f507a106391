//! `huntkit cluster`: MSTICPy's process features, DBSCAN clusters of the
//! repetitive events and isolation-forest outliers.

use anyhow::{bail, Result};
use clap::ValueEnum;
use huntkit_core::cluster::{
    cluster_table, process_features_frame, ClusterOptions, OutlierOptions,
};
use huntkit_core::{Frame, FrameColumn};

use crate::input::ReadArgs;
use crate::output::{self, OutputFormat};

/// What `huntkit cluster` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Show {
    /// One row per cluster (its first event) and one per noise event, as
    /// MSTICPy's `dbcluster_events`.
    Clusters,
    /// The isolation-forest outliers, most isolated first.
    Outliers,
    /// Every event with MSTICPy's process features added.
    Features,
    /// Every event's cluster, outlier score and flag, by row.
    Labels,
    /// One line: rows, clusters, noise events, outliers.
    Summary,
}

/// Arguments of `huntkit cluster` (named like MSTICPy's parameters).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input table (CSV, JSON/NDJSON or Arrow IPC); `-` or nothing for stdin.
    file: Option<String>,
    /// Features to cluster on, comma-separated: numeric columns or computed
    /// process features (pathScore, pathLogScore, pathHash, commandlineLen,
    /// commandlineLogLen, commandlineTokensFull, commandlineScore,
    /// commandlineTokensHash, isSystemSession).
    #[arg(long, value_delimiter = ',', default_values_t = ClusterOptions::default().features)]
    features: Vec<String>,
    /// DBSCAN eps: the largest distance between neighbours (on
    /// row-normalised features).
    #[arg(long, default_value_t = ClusterOptions::default().max_cluster_distance)]
    max_cluster_distance: f64,
    /// DBSCAN min_samples: events (itself included) a core event needs
    /// within the distance.
    #[arg(long, default_value_t = ClusterOptions::default().min_cluster_samples)]
    min_cluster_samples: usize,
    /// Cluster on the raw features (MSTICPy normalises each row).
    #[arg(long)]
    no_normalize: bool,
    /// The time column (first and last event per cluster).
    #[arg(long, default_value_t = ClusterOptions::default().time_column)]
    time_column: String,
    /// The process path column.
    #[arg(long, default_value_t = ClusterOptions::default().process_column)]
    process_column: String,
    /// The command line column.
    #[arg(long, default_value_t = ClusterOptions::default().commandline_column)]
    commandline_column: String,
    /// The logon id column (0x3e7 or -1: a system session).
    #[arg(long, default_value_t = ClusterOptions::default().logon_column)]
    logon_column: String,
    /// Path separator of the process paths (guessed from the first 10).
    #[arg(long)]
    path_separator: Option<String>,
    /// Isolation forest: expected share of outliers, in (0, 0.5].
    #[arg(long, default_value_t = OutlierOptions::default().contamination)]
    contamination: f64,
    /// Isolation forest: rows per tree, a count or a fraction (default
    /// min(100, rows)).
    #[arg(long)]
    max_samples: Option<f64>,
    /// Isolation forest: features per tree, a count or a fraction (default
    /// floor(sqrt(features))).
    #[arg(long)]
    max_features: Option<f64>,
    /// Isolation forest: number of trees.
    #[arg(long, default_value_t = OutlierOptions::default().n_estimators)]
    n_estimators: usize,
    /// Isolation forest: seed (the same seed gives the same outliers in the
    /// CLI and the browser).
    #[arg(long, default_value_t = OutlierOptions::default().seed)]
    seed: u64,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Show::Clusters)]
    show: Show,
    #[command(flatten)]
    read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs the command.
pub fn run(args: Args) -> Result<()> {
    let options = ClusterOptions {
        features: args.features,
        max_cluster_distance: args.max_cluster_distance,
        min_cluster_samples: args.min_cluster_samples,
        normalize: !args.no_normalize,
        time_column: args.time_column,
        process_column: args.process_column,
        commandline_column: args.commandline_column,
        logon_column: args.logon_column,
        path_separator: args.path_separator,
        outliers: OutlierOptions {
            contamination: args.contamination,
            max_samples: args.max_samples,
            max_features: args.max_features,
            n_estimators: args.n_estimators,
            seed: args.seed,
        },
    };
    let (input, format) = args.read.open(args.file.as_deref(), true)?;
    let Some(format) = format else {
        bail!("cluster needs a table (CSV, JSON/NDJSON or Arrow IPC)");
    };
    let table = input.read_table(format)?;
    if args.show == Show::Features {
        return output::write(&process_features_frame(&table, &options), args.format);
    }
    let result = cluster_table(&table, &options)?;
    match args.show {
        Show::Clusters => output::write(&result.clusters, args.format),
        Show::Outliers => output::write(&result.outlier_frame, args.format),
        Show::Labels => {
            let o = &result.outliers;
            let frame = Frame::new(vec![
                (
                    "SourceIndex",
                    FrameColumn::Int64((0..result.labels.len() as i64).map(Some).collect()),
                ),
                (
                    "ClusterId",
                    FrameColumn::Int64(result.labels.iter().map(|&l| Some(l)).collect()),
                ),
                (
                    "OutlierScore",
                    FrameColumn::Float64(o.scores.iter().map(|&s| Some(s)).collect()),
                ),
                (
                    "IsOutlier",
                    FrameColumn::Bool(o.is_outlier.iter().map(|&b| Some(b)).collect()),
                ),
            ]);
            output::write(&frame, args.format)
        }
        Show::Summary => {
            let noise = result.labels.iter().filter(|&&l| l < 0).count();
            let outliers = result.outliers.is_outlier.iter().filter(|&&b| b).count();
            println!(
                "{} events: {} clusters, {} noise events, {} outliers",
                result.labels.len(),
                result.cluster_count,
                noise,
                outliers
            );
            Ok(())
        }
        // Returned above, before clustering (features need no clusters).
        Show::Features => output::write(&process_features_frame(&table, &options), args.format),
    }
}
