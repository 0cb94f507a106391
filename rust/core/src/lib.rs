//! huntkit's analysis core: the investigation building blocks of a threat
//! hunter, as a plain Rust library with no host types, shared by the CLI and
//! the WebAssembly module.
//!
//! - [`ioc`]: find indicators of compromise (IPs, domains, URLs, hashes, …),
//!   defanged or not, in text ([`IocScanner`]) or tables ([`extract_table`]).
//! - [`decode`](decode_text): find and unpack base64, hex and PowerShell
//!   `-EncodedCommand` payloads, archives included, within hard limits.
//! - [`timeseries`](anomalies): STL decomposition (statsmodels' defaults),
//!   residual z-score anomalies, anomaly periods and their KQL filter.
//! - [`sessions`](Model): MSTICPy's anomalous-sequence model: session
//!   likelihoods and rarest windows over commands, params and values.
//! - [`view`]: notebook views (timeline, timeline_values,
//!   timeline_duration, matrix): scales, ticks, lanes, decimation and
//!   hit-testing, so hosts only draw.
//! - [`proctree`](build_process_tree): process trees from seven event
//!   schemas (4688, Sysmon, MDE, auditd, …), parents matched per host;
//!   tree utilities, summary, text.
//! - [`contract`]: the view contract (kinds, options, schemas, IoC type
//!   names) as one JSON Schema, from which the hosts' types are generated.
//! - [`providers`]: provider calls (threat intelligence, context, SIEM)
//!   as sans-IO requests and responses, and the registry hosts read;
//!   [`providers::ti`]: observable checks, the ten TI/context providers,
//!   rate limits, retries, cache and the lookup table.
//! - [`geo`](GeoDb): GeoIP offline from a user-supplied MaxMind `.mmdb`:
//!   country, state, city, coordinates and ASN per address, private
//!   addresses reported as such.
//! - [`config`]: the provider sections of msticpyconfig.yaml (keys as
//!   values or environment variables), read by hosts.
//! - [`queries`]: MSTICPy-format query templates: load, validate, search,
//!   render with values escaped for KQL/SPL, time expressions, and the
//!   LocalData provider that runs templates over local files.
//! - [`cluster`]: MSTICPy's process features, DBSCAN clusters of
//!   repetitive events (`dbcluster_events`) and seeded isolation forest
//!   outliers.
//! - [`entities`]: the investigation graph: entities (hosts, accounts,
//!   IPs, processes, alerts, incidents, notes, …) from Sentinel and
//!   Defender JSON or table rows, merged, linked, edited, as tables.
//! - [`graph_layout`]: seeded ForceAtlas2 (Barnes-Hut for large graphs)
//!   per connected component, components packed apart, no overlapping
//!   nodes at rest, incremental when nodes are added.
//! - [`graph_view`]: the entity graph view's state in the worker: nodes
//!   and edges tables read, the best linked shown first, expand, notes,
//!   details and the timeline table of timed nodes.
//! - [`table`](read_table): read CSV, JSON, NDJSON and Arrow IPC; write
//!   results as a [`Frame`].
//!
//! ```
//! use huntkit_core::{Extractor, IocOptions, IocScanner};
//!
//! let extractor = Extractor::new(&IocOptions::default(), false)?;
//! let mut scanner = IocScanner::new(extractor);
//! scanner.push("beacon to hxxps://evil[.]example[.]com/a.php from 10.1.2.3\n");
//! let result = scanner.finish();
//! let values: Vec<_> = result.items.iter().map(|i| i.refanged.as_str()).collect();
//! assert_eq!(values, ["https://evil.example.com/a.php", "evil.example.com", "10.1.2.3"]);
//! # Ok::<(), huntkit_core::Error>(())
//! ```

#![deny(missing_docs)]

pub mod cluster;
pub mod config;
pub mod contract;
mod decode;
pub mod entities;
mod error;
mod fast_map;
mod geo;
pub mod graph_layout;
pub mod graph_view;
pub mod ioc;
mod parallel;
mod proctree;
pub mod providers;
pub mod queries;
mod sessions;
mod table;
mod timeseries;
mod utf8;
pub mod view;

pub use decode::{
    decode_table, decode_text, decoded_frame, DecodeOptions, DecodeResult, DecodeTableResult,
    DecodedItem,
};
pub use error::{Error, ErrorKind, Result};
pub use geo::{geo_frame, GeoDb, GeoDbInfo, GeoRow, GeoStatus, GEO_COLUMNS};
pub use ioc::{
    extract_table, ExtraPattern, Extractor, IocOptions, IocScanner, IocSummary, IocTextResult,
    IocType, Match,
};
pub use proctree::{
    build_process_tree, build_tree, build_tree_owned, summarize_process_tree, tree_to_text,
    BuildStats, DetailCell, DetailRow, LegendValue, Origin, ProcNode, ProcSchema, ProcTree,
    ProcTreeOptions, ProcTreeSummary, TreeRow, TreeView, TreeViewOptions, SCHEMA_ALIASES,
    SCHEMA_NAMES, TREE_COLUMNS,
};
pub use sessions::{
    parse_session, score_session_list, score_sessions, sessionize, sessions_frame, Cmd,
    EventSession, Model, Probabilities, ScoredSessions, Session, SessionScore, SessionType,
    SessionizeOptions, END_TOKEN, START_TOKEN, UNK_TOKEN,
};
pub use table::{
    describe_binary, format_time_ms, parse_duration_ms, parse_time_ms, read_table,
    read_table_projected, Column, ColumnPicker, Frame, FrameColumn, Table, TableFormat, TextColumn,
};
pub use timeseries::{
    anomalies, anomalies_frame, anomaly_periods, apply_threshold, decompose, decompose_multi,
    kql_filter, series_from_table, timeseries_table, AnomalyOptions, AnomalyRow, Decomposition,
    Period, Series, StlOptions, TimeseriesOptions, TimeseriesResult,
};
pub use utf8::{utf8_lossy, utf8_lossy_counted};
