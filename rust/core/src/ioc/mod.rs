//! IoC extraction: find indicators of compromise in text and tables.
//!
//! [`Extractor`] holds checked options; [`IocScanner`] streams text through
//! it and tallies distinct IoCs; [`extract_table`] reports one row per
//! (row, column, IoC) as MSTICPy's `extract_df` does.

mod extract;
mod options;
mod patterns;
pub(crate) mod refang;
mod scanner;
mod table;
mod types;
pub(crate) mod validate;

pub use extract::{Extractor, Match};
pub use options::{ExtraPattern, IocOptions};
pub use scanner::{IocScanner, IocSummary, IocTextResult};
pub use table::extract_table;
pub use types::IocType;
