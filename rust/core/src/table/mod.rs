//! Tables in and out: what the analyses and views read (a [`Table`] of
//! CSV, JSON, NDJSON or Arrow IPC) and what they return (a [`Frame`],
//! written as Arrow IPC, CSV or NDJSON).
//!
//! A [`Table`] keeps each column as the Arrow array the input gave: an
//! Arrow timestamp stays a timestamp and an integer PID an integer, read
//! by [`Column`]'s typed readers; text (CSV cells, JSON strings) is parsed
//! only where it is read as a time or a number. The columns that were text
//! in the source are remembered, so defaults can pick them.

pub(crate) mod cells;
mod column;
mod csv_fast;
mod format;
mod frame;
mod ipc_check;
mod model;
pub(crate) mod read;
mod readers;
pub(crate) mod sniff;
pub(crate) mod text;
pub(crate) mod time;

pub use column::Column;
pub use format::TableFormat;
pub use frame::{Frame, FrameColumn};
pub use model::Table;
pub use read::{read_table, read_table_projected, ColumnPicker};
pub use readers::{Categories, NULL_LABEL};
pub use sniff::describe_binary;
pub use text::TextColumn;
pub use time::{format_time_ms, parse_duration_ms, parse_time_ms};
