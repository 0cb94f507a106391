//! Process features exactly as MSTICPy's `eventcluster` computes them, so a
//! clustering here can be compared with one made in a notebook.
//!
//! Strings are measured in Unicode code points (Python's `len` and `ord`),
//! and the delimiter class is MSTICPy's `[\s\-\\/\.,"'|&:;%$()]` where `\s`
//! is Python's (`str.isspace`).

use crate::error::{Error, Result};
use crate::table::Table;

/// The numeric features [`ProcessFeatures`] computes, in MSTICPy's names:
/// what `features` may name besides a numeric column of the table.
pub const PROCESS_FEATURES: &[&str] = &[
    "pathScore",
    "pathLogScore",
    "pathHash",
    "commandlineLen",
    "commandlineLogLen",
    "commandlineTokensFull",
    "commandlineScore",
    "commandlineTokensHash",
    "isSystemSession",
];

/// The features MSTICPy's process-clustering notebook clusters on.
pub const DEFAULT_FEATURES: &[&str] = &["commandlineTokensFull", "pathScore", "isSystemSession"];

/// Whether `c` is one of MSTICPy's token delimiters.
fn is_delim(c: char) -> bool {
    // Python's `\s` is `str.isspace`: Rust's White_Space plus the four
    // information separators U+001C..U+001F.
    c.is_whitespace()
        || ('\u{1c}'..='\u{1f}').contains(&c)
        || matches!(
            c,
            '-' | '\\'
                | '/'
                | '.'
                | ','
                | '"'
                | '\''
                | '|'
                | '&'
                | ':'
                | ';'
                | '%'
                | '$'
                | '('
                | ')'
        )
}

/// Sum of the code points of `value` (MSTICPy's `char_ord_score`, scale 1).
pub fn char_ord_score(value: &str) -> u64 {
    value.chars().map(|c| u64::from(u32::from(c))).sum()
}

/// Number of delimiter characters in `value` (MSTICPy's `delim_count`).
pub fn delim_count(value: &str) -> usize {
    value.chars().filter(|&c| is_delim(c)).count()
}

/// CRC32 of the delimiters of `value`, in order, as UTF-8 (MSTICPy's
/// `delim_hash`): command lines of the same shape hash alike.
pub fn delim_hash(value: &str) -> u32 {
    let mut h = crc32fast::Hasher::new();
    let mut buf = [0u8; 4];
    for c in value.chars().filter(|&c| is_delim(c)) {
        h.update(c.encode_utf8(&mut buf).as_bytes());
    }
    h.finalize()
}

/// CRC32 of `value` as UTF-8 (MSTICPy's `crc32_hash`).
pub fn crc32_hash(value: &str) -> u32 {
    crc32fast::hash(value.as_bytes())
}

/// Number of `delimiter`-separated tokens (MSTICPy's `token_count`:
/// Python's `str.split(delimiter)`, so empty tokens count).
pub fn token_count(value: &str, delimiter: &str) -> usize {
    if delimiter.is_empty() {
        return 1;
    }
    value.split(delimiter).count()
}

/// `log10(n)`, 0 for 0 (how MSTICPy guards the log features).
fn log10_or_zero(n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        (n as f64).log10()
    }
}

/// Where the process features come from: MSTICPy's Windows 4688 column
/// names by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureColumns {
    /// The process path (`NewProcessName`).
    pub process: String,
    /// The command line (`CommandLine`).
    pub commandline: String,
    /// The logon id (`SubjectLogonId`): `0x3e7` or `-1` is a system session.
    pub logon: String,
    /// Path separator; `None`: `/` when any of the first 10 paths has one,
    /// else `\` (MSTICPy's guess).
    pub path_separator: Option<String>,
}

impl Default for FeatureColumns {
    fn default() -> Self {
        FeatureColumns {
            process: "NewProcessName".to_string(),
            commandline: "CommandLine".to_string(),
            logon: "SubjectLogonId".to_string(),
            path_separator: None,
        }
    }
}

/// MSTICPy's `add_process_features` for every row; a feature whose source
/// column is absent is `None` (as MSTICPy leaves it out).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessFeatures {
    /// The file name of the process (`processName`).
    pub process_name: Option<Vec<String>>,
    /// `pathScore`, `pathLogScore`, `pathHash`.
    pub path: Option<(Vec<u64>, Vec<f64>, Vec<u32>)>,
    /// `commandlineLen`, `commandlineLogLen`, `commandlineTokensFull`,
    /// `commandlineScore`, `commandlineTokensHash`.
    #[allow(clippy::type_complexity)]
    pub commandline: Option<(Vec<u64>, Vec<f64>, Vec<u64>, Vec<u64>, Vec<u32>)>,
    /// `isSystemSession`.
    pub system_session: Option<Vec<bool>>,
}

impl ProcessFeatures {
    /// Computes the features from `table` (null cells read as empty text).
    pub fn compute(table: &Table, cols: &FeatureColumns) -> ProcessFeatures {
        let find = |name: &str| table.names().iter().position(|n| n == name);
        let text = |i: usize, row: usize| table.column(i).get(row).unwrap_or("");
        let rows = table.rows();
        let mut out = ProcessFeatures::default();
        if let Some(p) = find(&cols.process) {
            let sep = cols.path_separator.clone().unwrap_or_else(|| {
                let unix = (0..rows.min(10)).any(|r| text(p, r).contains('/'));
                if unix { "/" } else { "\\" }.to_string()
            });
            let mut name = Vec::with_capacity(rows);
            let (mut score, mut log, mut hash) = (vec![], vec![], vec![]);
            for r in 0..rows {
                let path = text(p, r);
                let base = if sep.is_empty() {
                    path
                } else {
                    path.rsplit(sep.as_str()).next().unwrap_or(path)
                };
                name.push(base.to_string());
                let s = char_ord_score(path);
                score.push(s);
                log.push(log10_or_zero(s));
                hash.push(crc32_hash(path));
            }
            out.process_name = Some(name);
            out.path = Some((score, log, hash));
        }
        if let Some(c) = find(&cols.commandline) {
            let (mut len, mut loglen, mut tokens, mut score, mut hash) =
                (vec![], vec![], vec![], vec![], vec![]);
            for r in 0..rows {
                let cmd = text(c, r);
                let n = cmd.chars().count() as u64;
                len.push(n);
                loglen.push(log10_or_zero(n));
                tokens.push(delim_count(cmd) as u64);
                score.push(char_ord_score(cmd));
                hash.push(delim_hash(cmd));
            }
            out.commandline = Some((len, loglen, tokens, score, hash));
        }
        if let Some(l) = find(&cols.logon) {
            out.system_session = Some(
                (0..rows)
                    .map(|r| matches!(table.column(l).get(r), Some("0x3e7" | "-1")))
                    .collect(),
            );
        }
        out
    }

    /// The values of feature `name` as numbers (`None`: not computed,
    /// because its source column is absent or the name is not a feature).
    pub fn values(&self, name: &str) -> Option<Vec<f64>> {
        let f = |v: &[u64]| v.iter().map(|&x| x as f64).collect();
        let h = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect();
        match name {
            "pathScore" => self.path.as_ref().map(|p| f(&p.0)),
            "pathLogScore" => self.path.as_ref().map(|p| p.1.clone()),
            "pathHash" => self.path.as_ref().map(|p| h(&p.2)),
            "commandlineLen" => self.commandline.as_ref().map(|c| f(&c.0)),
            "commandlineLogLen" => self.commandline.as_ref().map(|c| c.1.clone()),
            "commandlineTokensFull" => self.commandline.as_ref().map(|c| f(&c.2)),
            "commandlineScore" => self.commandline.as_ref().map(|c| f(&c.3)),
            "commandlineTokensHash" => self.commandline.as_ref().map(|c| h(&c.4)),
            "isSystemSession" => self
                .system_session
                .as_ref()
                .map(|s| s.iter().map(|&b| f64::from(u8::from(b))).collect()),
            _ => None,
        }
    }
}

/// The feature matrix: `names.len()` values per row, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// Feature names, in column order.
    pub names: Vec<String>,
    /// Row-major values.
    pub values: Vec<f64>,
}

impl FeatureMatrix {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.names.len().max(1)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.names.len();
        &self.values[i * d..(i + 1) * d]
    }

    /// The matrix of `names`: a numeric column of the table when it has one
    /// of that name (as MSTICPy keeps an existing feature column), else a
    /// computed process feature. A cell that is not a finite number is an
    /// error naming its row.
    pub fn build(table: &Table, computed: &ProcessFeatures, names: &[String]) -> Result<Self> {
        if names.is_empty() {
            return Err(Error::option("features", "name at least one feature"));
        }
        let rows = table.rows();
        let mut cols = Vec::with_capacity(names.len());
        for name in names {
            let col = match table.names().iter().position(|n| n == name) {
                Some(i) => numeric_column(table, i, name)?,
                None => computed.values(name).ok_or_else(|| {
                    if PROCESS_FEATURES.contains(&name.as_str()) {
                        Error::option(
                            "features",
                            format!("{name:?} needs a column the table does not have"),
                        )
                    } else {
                        Error::missing_column(name, table.names())
                    }
                })?,
            };
            cols.push(col);
        }
        let mut values = Vec::with_capacity(rows * names.len());
        for r in 0..rows {
            values.extend(cols.iter().map(|c| c[r]));
        }
        Ok(FeatureMatrix {
            names: names.to_vec(),
            values,
        })
    }
}

/// A table column as numbers: Arrow numbers and booleans as they are,
/// text as decimal numbers or `True`/`False` (how pandas writes a boolean).
fn numeric_column(table: &Table, i: usize, name: &str) -> Result<Vec<f64>> {
    let col = table.column(i);
    (0..table.rows())
        .map(|r| {
            if let Some(b) = col.boolean(r) {
                return Ok(f64::from(u8::from(b)));
            }
            if let Some(n) = col.number(r) {
                return Ok(n);
            }
            match col.get(r).map(str::trim) {
                Some("True" | "true") => Ok(1.0),
                Some("False" | "false") => Ok(0.0),
                cell => Err(Error::bad_value(name, r, cell.unwrap_or(""), "a number")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MSTICPy's published check (`eventcluster` docstrings and notebook).
    const FOX: &str = "The quick & sly (as all foxes might be/or not) fox, jumped over a frog.";

    #[test]
    fn msticpy_published_values() {
        assert_eq!(token_count(FOX, " "), 15);
        assert_eq!(char_ord_score(FOX), 6199);
        assert_eq!(delim_count(FOX), 20);
        assert_eq!(crc32_hash(FOX), 2011081507);
        assert_eq!(delim_hash(FOX), 2337396062);
    }

    #[test]
    fn python_whitespace_and_code_points() {
        // U+001F is Python white space, not Rust's.
        assert_eq!(delim_count("a\u{1f}b\tc"), 2);
        assert_eq!(char_ord_score("é"), 233);
        assert_eq!(token_count("a  b", " "), 3);
        assert_eq!(delim_hash(""), 0);
    }
}
