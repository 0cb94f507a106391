//! The `huntkit` command: the core's analyses over files and pipes.
//!
//! Exit codes: 0 success, 1 the input could not be analysed (the message
//! says why), 2 the command line was wrong.

mod cmd_cluster;
mod cmd_config;
mod cmd_decode;
mod cmd_geo;
mod cmd_graph;
mod cmd_ioc;
mod cmd_proctree;
mod cmd_queries;
mod cmd_query;
mod cmd_sessions;
mod cmd_ti;
mod cmd_timeseries;
mod http;
mod input;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Threat-hunting building blocks: IoC extraction, encoded-data unpacking,
/// time-series anomalies, anomalous sessions and process trees.
#[derive(Debug, Parser)]
#[command(name = "huntkit", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract IoCs (IPs, domains, URLs, hashes, paths, …) from text or a table.
    Ioc(cmd_ioc::Args),
    /// Find and unpack base64, hex and PowerShell -EncodedCommand payloads.
    Decode(cmd_decode::Args),
    /// Score a time series (or events per time bin) for anomalies with STL.
    Timeseries(cmd_timeseries::Args),
    /// Cut event rows into sessions per user (MSTICPy's sessionize_data).
    Sessionize(cmd_sessions::SessionizeArgs),
    /// Score sessions: likelihood and rarest window (MSTICPy's score_sessions).
    Sessions(cmd_sessions::SessionsArgs),
    /// Cluster process events (MSTICPy's features and DBSCAN) and find outliers (isolation forest).
    Cluster(cmd_cluster::Args),
    /// Entity graph of an incident: Sentinel/Defender JSON or a mapped table → nodes, links, entities.
    Graph(cmd_graph::Args),
    /// Build process trees from process-creation events (4688, Sysmon, MDE, auditd, …).
    Proctree(cmd_proctree::Args),
    /// Query templates (MSTICPy YAML): list, show, render, run over LocalData.
    #[command(subcommand)]
    Queries(cmd_queries::QueriesCommand),
    /// Threat intelligence: list providers, look observables up (keys from msticpyconfig.yaml).
    #[command(subcommand)]
    Ti(cmd_ti::TiCommand),
    /// Check msticpyconfig.yaml (provider keys, environment variables, workspace ids).
    #[command(subcommand)]
    Config(cmd_config::ConfigCommand),
    /// GeoIP offline: country, city, coordinates and ASN of IPs from a MaxMind .mmdb.
    Geo(cmd_geo::Args),
    /// Run a query template against a live SIEM (Sentinel/Log Analytics, Defender, Kusto, Splunk).
    #[command(subcommand)]
    Query(cmd_query::QueryCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ioc(args) => cmd_ioc::run(args),
        Command::Decode(args) => cmd_decode::run(args),
        Command::Timeseries(args) => cmd_timeseries::run(args),
        Command::Sessionize(args) => cmd_sessions::run_sessionize(args),
        Command::Sessions(args) => cmd_sessions::run_sessions(args),
        Command::Proctree(args) => cmd_proctree::run(args),
        Command::Cluster(args) => cmd_cluster::run(args),
        Command::Graph(args) => cmd_graph::run(args),
        Command::Queries(cmd) => cmd_queries::run(cmd),
        Command::Ti(cmd) => cmd_ti::run(cmd),
        Command::Geo(args) => cmd_geo::run(args),
        Command::Config(cmd) => cmd_config::run(cmd),
        Command::Query(cmd) => cmd_query::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed pipe (`huntkit ioc big.txt | head`) is not an error.
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("huntkit: {err:#}");
            ExitCode::from(1)
        }
    }
}
