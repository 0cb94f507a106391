//! Options for IoC extraction, shared by the CLI, the wasm facade and tests.

use serde::{Deserialize, Serialize};

/// A user-defined pattern: every match is reported under `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExtraPattern {
    /// The IoC type name reported for its matches.
    pub name: String,
    /// A `regex` crate pattern (linear time; no look-around or backreferences).
    pub pattern: String,
}

/// What to extract. Plain data with defaults, so every surface can build it
/// from JSON or flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IocOptions {
    /// Type names to report; `None` means every built-in type (paths as
    /// `include_paths` says).
    pub types: Option<Vec<String>>,
    /// Report `windows_path` and `linux_path` when `types` is `None` (named
    /// types always win). `None` means yes for text and no for tables,
    /// where paths are mostly noise.
    pub include_paths: Option<bool>,
    /// Public suffixes whose domains are not reported (`"local"`, `"ru"`).
    pub ignore_tlds: Vec<String>,
    /// User-defined patterns, reported alongside the built-in types.
    pub extra_patterns: Vec<ExtraPattern>,
    /// Table input only: the columns to scan (default: every text column).
    pub columns: Option<Vec<String>>,
}
