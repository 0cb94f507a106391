//! Tables in and out: what the analyses read (CSV, JSON, NDJSON, Arrow IPC)
//! and what they return (a [`Frame`], written as Arrow IPC, CSV or NDJSON).
//!
//! Cells are read as text because every analysis here works on text; the
//! columns that were text in the source are remembered, so defaults can pick
//! them.

pub(crate) mod cells;
pub(crate) mod column;
mod csv_fast;
mod format;
mod frame;
pub(crate) mod read;
pub(crate) mod sniff;
pub(crate) mod time;

pub use column::TextColumn;
pub use format::TableFormat;
pub use frame::{Frame, FrameColumn};
pub use read::{read_table, read_table_projected, ColumnPicker, Table};
pub use sniff::describe_binary;
pub use time::{format_time_ms, parse_duration_ms, parse_time_ms};
