//! LocalData: the provider that needs no SIEM. A YAML manifest maps
//! template names to local files (CSV, JSON, NDJSON, Arrow IPC, read by
//! [`read_table`](crate::read_table)); running a template loads its file and
//! keeps the rows inside the time range whose entity columns match the
//! parameters.
//!
//! ```yaml
//! now: 2024-03-11T00:00:00Z        # optional: "now" for relative times
//! sources:
//!   WindowsSecurity.list_host_logons:
//!     file: logons.csv               # relative to the manifest
//!     time_column: TimeGenerated     # filtered by the start/end parameters
//!     where: {EventID: 4624}         # fixed column values (one or a list)
//!     filters:                       # parameter: column
//!       host_name: Computer
//!       account_name: {column: Account, match: contains}
//! ```
//!
//! Files come through a callback, so the CLI reads the disk and the
//! browser hands over bytes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::render::{resolve, Resolved};
use super::template::Template;
use super::time::{format_time, parse_time};
use super::yaml::{self, file_error, Node, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{read_table, Frame, FrameColumn, TableFormat};

/// How a filter compares a cell with a parameter value (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    /// The whole cell equals the value.
    Equals,
    /// The cell contains the value.
    Contains,
    /// The cell starts with the value.
    Prefix,
}

/// One entity filter: a parameter compared with a column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalFilter {
    /// The template parameter.
    pub parameter: String,
    /// The column of the file.
    pub column: String,
    /// How cells are compared.
    #[serde(rename = "match")]
    pub how: Match,
}

/// What answers one template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalSource {
    /// The template name (`family.source`).
    pub name: String,
    /// The data file, relative to the manifest.
    pub file: String,
    /// Its format, when the extension does not say.
    pub format: Option<String>,
    /// The time column the `start`/`end` parameters filter.
    pub time_column: Option<String>,
    /// Fixed conditions: the column's cell must equal one of the values
    /// (case-insensitive), whatever the parameters (4624 vs 4625 rows of
    /// one logon file).
    pub conditions: Vec<(String, Vec<String>)>,
    /// Entity filters.
    pub filters: Vec<LocalFilter>,
}

/// The rows a template returned.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalResult {
    /// The template.
    pub name: String,
    /// The file read.
    pub file: String,
    /// Rows in the file.
    pub rows_read: usize,
    /// The rows kept, every column as text.
    pub frame: Frame,
    /// What was applied, for display (`Computer = "WKS-1"`, the time range).
    pub applied: Vec<String>,
}

/// A LocalData manifest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalData {
    file: String,
    now: Option<DateTime<Utc>>,
    sources: Vec<LocalSource>,
}

impl LocalData {
    /// Reads a manifest; `file` names it in errors.
    pub fn from_yaml(file: &str, text: &str) -> Result<LocalData> {
        let doc = yaml::parse(file, text)?;
        let now = match doc.get("now") {
            Some(n) => {
                let t = n.text().unwrap_or_default();
                let epoch = DateTime::UNIX_EPOCH;
                Some(
                    parse_time(&t, epoch)
                        .map_err(|e| file_error(file, Some(n.line), format!("now: {e}")))?,
                )
            }
            None => None,
        };
        let Some(sources) = doc.get("sources") else {
            return Err(file_error(file, None, "no sources section"));
        };
        let Value::Map(entries) = &sources.value else {
            return Err(file_error(
                file,
                Some(sources.line),
                "sources must be a mapping of template names",
            ));
        };
        let mut out = Vec::new();
        for (name, node) in entries {
            out.push(source(file, name, node)?);
        }
        Ok(LocalData {
            file: file.to_string(),
            now,
            sources: out,
        })
    }

    /// The manifest's own "now", if it names one (a frozen data set).
    pub fn now(&self) -> Option<DateTime<Utc>> {
        self.now
    }

    /// Replaces the manifest's "now" (`None`: the caller's clock).
    pub fn set_now(&mut self, now: Option<DateTime<Utc>>) {
        self.now = now;
    }

    /// Every mapped template.
    pub fn sources(&self) -> &[LocalSource] {
        &self.sources
    }

    /// The source that answers `template` (its name, an alias, or its bare
    /// source name).
    pub fn source_for(&self, template: &Template) -> Option<&LocalSource> {
        self.sources
            .iter()
            .find(|s| s.name == template.name)
            .or_else(|| {
                self.sources
                    .iter()
                    .find(|s| template.aliases.contains(&s.name))
            })
            .or_else(|| self.sources.iter().find(|s| s.name == template.source))
    }

    /// Runs `template` with `params` over the mapped file; `read` returns
    /// a file's bytes by its manifest path. Relative times are taken from
    /// the manifest's `now` when it has one, else from `now`.
    pub fn run(
        &self,
        template: &Template,
        params: &Map<String, Json>,
        now: DateTime<Utc>,
        read: &mut dyn FnMut(&str) -> Result<Vec<u8>>,
    ) -> Result<LocalResult> {
        let Some(src) = self.source_for(template) else {
            return Err(Error::new(ErrorKind::UnknownTemplate {
                name: template.name.clone(),
                hint: format!(" in the LocalData manifest {}", self.file),
            }));
        };
        let values = resolve(template, params, self.now.unwrap_or(now))?;
        let bytes = read(&src.file)?;
        let format = match &src.format {
            Some(f) => f.parse()?,
            None => {
                TableFormat::from_path(&src.file).unwrap_or_else(|| TableFormat::detect(&bytes))
            }
        };
        let table = read_table(&bytes, format)?;
        let names = table.names().to_vec();
        let column = |c: &str| {
            names
                .iter()
                .position(|n| n == c)
                .ok_or_else(|| Error::missing_column(c, &names))
        };
        let mut keep: Vec<bool> = vec![true; table.rows()];
        let mut applied = Vec::new();

        // The time range, both ends included.
        if let Some(tc) = &src.time_column {
            let start = match values.get("start") {
                Some(Resolved::Time(t)) => Some(*t),
                _ => None,
            };
            let end = match values.get("end") {
                Some(Resolved::Time(t)) => Some(*t),
                _ => None,
            };
            if start.is_some() || end.is_some() {
                let col = table.column(column(tc)?);
                let lo = start.map(|t| t.timestamp_nanos_opt().unwrap_or(i64::MIN) / 1_000_000);
                let hi = end.map(|t| t.timestamp_nanos_opt().unwrap_or(i64::MAX) / 1_000_000);
                for (row, k) in keep.iter_mut().enumerate() {
                    let ms = col.time_ms(row);
                    *k &= ms
                        .is_some_and(|ms| lo.is_none_or(|l| ms >= l) && hi.is_none_or(|h| ms <= h));
                }
                applied.push(format!(
                    "{tc} between {} and {}",
                    start.map_or("the start".into(), format_time),
                    end.map_or("the end".into(), format_time)
                ));
            }
        }
        for (c, values) in &src.conditions {
            let col = table.column(column(c)?);
            let values: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
            for (row, k) in keep.iter_mut().enumerate() {
                *k &= col
                    .get(row)
                    .is_some_and(|cell| values.contains(&cell.trim().to_lowercase()));
            }
            applied.push(format!("{c} = {}", values.join(" or ")));
        }
        // Entity filters: a parameter with no value (or an empty one) is
        // not a filter.
        for f in &src.filters {
            let wanted: Vec<String> = match values.get(&f.parameter) {
                Some(Resolved::Str { value, .. }) => vec![value.clone()],
                Some(Resolved::Int(i)) => vec![i.to_string()],
                Some(Resolved::Float(x)) => vec![x.to_string()],
                Some(Resolved::Time(t)) => vec![format_time(*t)],
                Some(Resolved::List(items)) => items
                    .iter()
                    .map(|i| match i {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
                None => continue,
            };
            let wanted: Vec<String> = wanted
                .iter()
                .map(|w| w.trim().to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let col = table.column(column(&f.column)?);
            for (row, k) in keep.iter_mut().enumerate() {
                if !*k {
                    continue;
                }
                let cell = col.get(row).unwrap_or("").to_lowercase();
                *k = wanted.iter().any(|w| match f.how {
                    Match::Equals => cell == *w,
                    Match::Contains => cell.contains(w.as_str()),
                    Match::Prefix => cell.starts_with(w.as_str()),
                });
            }
            let op = match f.how {
                Match::Equals => "=",
                Match::Contains => "contains",
                Match::Prefix => "starts with",
            };
            applied.push(format!("{} {op} {}", f.column, wanted.join(" or ")));
        }

        let rows: Vec<usize> = keep
            .iter()
            .enumerate()
            .filter(|(_, k)| **k)
            .map(|(i, _)| i)
            .collect();
        let columns: Vec<(&str, FrameColumn)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let col = table.column(i);
                (
                    n.as_str(),
                    FrameColumn::Utf8(
                        rows.iter()
                            .map(|&r| col.get(r).map(str::to_string))
                            .collect(),
                    ),
                )
            })
            .collect();
        Ok(LocalResult {
            name: template.name.clone(),
            file: src.file.clone(),
            rows_read: table.rows(),
            frame: Frame::new(columns),
            applied,
        })
    }
}

fn source(file: &str, name: &str, node: &Node) -> Result<LocalSource> {
    let fail = |line: u64, msg: String| {
        Error::new(ErrorKind::QueryFile {
            file: file.to_string(),
            source: Some(name.to_string()),
            line: Some(line),
            message: msg,
        })
    };
    let Some(data) = node.get("file").and_then(Node::text) else {
        return Err(fail(node.line, "no file".into()));
    };
    let format = node.get("format").and_then(Node::text);
    if let Some(f) = &format {
        f.parse::<TableFormat>().map_err(|e| {
            fail(
                node.get("format").map_or(node.line, |n| n.line),
                e.to_string(),
            )
        })?;
    }
    let mut filters = Vec::new();
    if let Some(fs) = node.get("filters") {
        let Value::Map(entries) = &fs.value else {
            return Err(fail(
                fs.line,
                "filters must map parameters to columns".into(),
            ));
        };
        for (param, spec) in entries {
            let (column, how) = match &spec.value {
                Value::Map(_) => (
                    spec.get("column").and_then(Node::text),
                    spec.get("match").and_then(Node::text),
                ),
                _ => (spec.text(), None),
            };
            let Some(column) = column else {
                return Err(fail(spec.line, format!("filter {param:?} names no column")));
            };
            let how = match how.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("equals") => Match::Equals,
                Some("contains") => Match::Contains,
                Some("prefix") => Match::Prefix,
                Some(other) => {
                    return Err(fail(
                        spec.line,
                        format!("filter {param:?} has unknown match {other:?} (use equals, contains or prefix)"),
                    ))
                }
            };
            filters.push(LocalFilter {
                parameter: param.clone(),
                column,
                how,
            });
        }
    }
    let mut conditions = Vec::new();
    if let Some(w) = node.get("where") {
        let Value::Map(entries) = &w.value else {
            return Err(fail(w.line, "where must map columns to values".into()));
        };
        for (column, v) in entries {
            let values: Vec<String> = match &v.value {
                Value::Seq(items) => items.iter().filter_map(Node::text).collect(),
                _ => v.text().into_iter().collect(),
            };
            if values.is_empty() {
                return Err(fail(v.line, format!("where {column:?} has no value")));
            }
            conditions.push((column.clone(), values));
        }
    }
    Ok(LocalSource {
        conditions,
        name: name.to_string(),
        file: data,
        format,
        time_column: node.get("time_column").and_then(Node::text),
        filters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queries::QueryStore;
    use serde_json::json;

    const TEMPLATES: &str = r#"metadata:
  data_environments: [LocalData]
  data_families: [WindowsSecurity]
defaults:
  parameters:
    start: {description: s, type: datetime, default: -7d}
    end: {description: e, type: datetime, default: now}
sources:
  list_host_logons:
    description: logons on a host
    args: {query: logons.csv}
    parameters:
      host_name: {description: h, type: str, aliases: [host]}
      account_name: {description: a, type: str, default: ''}
"#;

    const MANIFEST: &str = r#"now: 2024-03-08T00:00:00Z
sources:
  WindowsSecurity.list_host_logons:
    file: logons.csv
    time_column: TimeGenerated
    where: {Kind: [logon, LOGON2]}
    filters:
      host_name: Computer
      account_name: {column: Account, match: contains}
"#;

    const CSV: &str = "TimeGenerated,Computer,Account,Kind\n\
2024-02-28T10:00:00Z,WKS-1,alice,logon\n\
2024-03-05T10:00:00Z,wks-1,svc_backup,Logon\n\
2024-03-05T11:00:00Z,wks-1,svc_backup,failure\n\
2024-03-06T10:00:00Z,WKS-2,alice,logon\n\
2024-03-07T10:00:00Z,WKS-1,alice,logon2\n\
not a time,WKS-1,alice,logon\n";

    fn run(params: Json) -> Result<LocalResult> {
        let mut store = QueryStore::new();
        store.add_yaml("t.yaml", TEMPLATES);
        let t = store.get("list_host_logons", None).unwrap().clone();
        let local = LocalData::from_yaml("m.yaml", MANIFEST)?;
        let wall = DateTime::UNIX_EPOCH;
        local.run(&t, params.as_object().unwrap(), wall, &mut |f: &str| {
            assert_eq!(f, "logons.csv");
            Ok(CSV.as_bytes().to_vec())
        })
    }

    fn accounts(r: &LocalResult) -> Vec<String> {
        (0..r.frame.rows())
            .map(|i| r.frame.columns()[2].text(i))
            .collect()
    }

    #[test]
    fn filters_by_time_and_entities() {
        // Default start -7d from the manifest's now: 2024-02-28 is out.
        let r = run(json!({"host": "wks-1"})).unwrap();
        assert_eq!(r.rows_read, 6);
        assert_eq!(accounts(&r), ["svc_backup", "alice"]);
        assert_eq!(
            r.applied,
            [
                "TimeGenerated between 2024-03-01T00:00:00Z and 2024-03-08T00:00:00Z",
                "Kind = logon or logon2",
                "Computer = wks-1"
            ]
        );
        let r = run(json!({"host_name": "WKS-1", "account_name": "BACK", "start": "2024-02-01"}))
            .unwrap();
        assert_eq!(accounts(&r), ["svc_backup"]);
        let r = run(
            json!({"host_name": "WKS-1", "start": "2024-03-06", "end": "2024-03-07T10:00:00Z"}),
        )
        .unwrap();
        assert_eq!(accounts(&r), ["alice"]);
    }

    #[test]
    fn bad_manifests_and_runs_are_errors() {
        let e = LocalData::from_yaml("m.yaml", "sources:\n  a: {filters: {h: C}}\n").unwrap_err();
        assert_eq!(e.to_string(), "m.yaml line 2, template \"a\": no file");
        let e = LocalData::from_yaml(
            "m.yaml",
            "sources:\n  a:\n    file: x.csv\n    filters: {h: {column: C, match: like}}\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown match \"like\""), "{e}");
        let e = LocalData::from_yaml("m.yaml", "now: soon\nsources: {}\n").unwrap_err();
        assert!(e.to_string().starts_with("m.yaml line 1: now:"), "{e}");
        let e = run(json!({})).unwrap_err();
        assert_eq!(e.kind_name(), "missing_parameters");
        let mut store = QueryStore::new();
        store.add_yaml("t.yaml", TEMPLATES);
        let t = store.templates()[0].clone();
        let local = LocalData::from_yaml("m.yaml", &MANIFEST.replace("Computer", "Host")).unwrap();
        let e = local
            .run(
                &t,
                json!({"host_name": "a"}).as_object().unwrap(),
                DateTime::UNIX_EPOCH,
                &mut |_: &str| Ok(CSV.as_bytes().to_vec()),
            )
            .unwrap_err();
        assert_eq!(e.kind_name(), "missing_column");
        let empty = LocalData::from_yaml("m.yaml", "sources: {}\n").unwrap();
        let e = empty
            .run(&t, &Map::new(), DateTime::UNIX_EPOCH, &mut |_: &str| {
                Ok(Vec::new())
            })
            .unwrap_err();
        assert!(
            e.to_string().contains("in the LocalData manifest m.yaml"),
            "{e}"
        );
    }
}
