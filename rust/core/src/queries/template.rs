//! The template model and its loading from MSTICPy's YAML format:
//! `metadata`, `defaults` (`metadata`, `parameters`), `sources` (each with
//! `description`, `metadata`, `args.query`/`args.uri`, `parameters`) and
//! `query_macros` (`$<name>$` in a query).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::escape::{segments, QueryLanguage, Segment};
use super::store::canonical_environment;
use super::yaml::{self, file_error, Node, Value};
use crate::error::{Error, ErrorKind, Result};

/// A parameter's type, as the YAML names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Text, escaped for the query language.
    Str,
    /// A time: a date-time, an ISO string, days relative to now or an
    /// offset (`-1d@d`); written as ISO-8601 UTC.
    Datetime,
    /// A whole number.
    Int,
    /// A number.
    Float,
    /// Several values, written as a quoted comma list (`'a', 'b'`;
    /// numbers unquoted).
    List,
}

impl ParamType {
    fn parse(s: &str) -> Option<ParamType> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "str" | "string" => ParamType::Str,
            "datetime" => ParamType::Datetime,
            "int" => ParamType::Int,
            "float" => ParamType::Float,
            "list" => ParamType::List,
            _ => return None,
        })
    }

    /// The name as the YAML writes it.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Str => "str",
            ParamType::Datetime => "datetime",
            ParamType::Int => "int",
            ParamType::Float => "float",
            ParamType::List => "list",
        }
    }
}

/// One parameter of a template, after merging the file's defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The name used in `{name}` placeholders.
    pub name: String,
    /// What to pass.
    pub description: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// The default, as the YAML gives it (a time expression for datetimes).
    pub default: Option<Json>,
    /// Other names a caller may use for it.
    pub aliases: Vec<String>,
    /// No default: the caller must pass it.
    pub required: bool,
}

/// One query template, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    /// `family.source`, as MSTICPy names queries.
    pub name: String,
    /// The source's own name (the key under `sources`).
    pub source: String,
    /// The first data family.
    pub family: String,
    /// Every data family it belongs to.
    pub families: Vec<String>,
    /// Data environments, canonical names (`MSSentinel`, `MDE`, `Splunk`, …).
    pub environments: Vec<String>,
    /// The language its query is written in.
    pub language: QueryLanguage,
    /// What it returns.
    pub description: String,
    /// The query text with macros expanded and `{param}` placeholders.
    pub query: String,
    /// `args.uri`, for REST-style providers.
    pub uri: Option<String>,
    /// Parameters, defaults merged (file defaults first, then the source).
    pub parameters: Vec<Parameter>,
    /// Pivot entities it takes (`host`, `account`, `ip`, `process`,
    /// `url`, `file_hash`), from `metadata.pivot.entities`.
    pub entities: Vec<String>,
    /// Tags from the metadata.
    pub tags: Vec<String>,
    /// Other names it answers to (its other families, `metadata.aliases`).
    pub aliases: Vec<String>,
    /// All metadata, merged file → defaults → source (cluster, database, …).
    pub metadata: Map<String, Json>,
    /// The file it came from.
    pub file: String,
    /// The line of its entry under `sources`.
    pub line: u64,
}

impl Template {
    /// The parameter called `name` or aliased so.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name).or_else(|| {
            self.parameters
                .iter()
                .find(|p| p.aliases.iter().any(|a| a == name))
        })
    }
}

/// Collects `key: node` of a mapping node.
fn entries(node: Option<&Node>) -> Vec<(String, Node)> {
    match node.map(|n| &n.value) {
        Some(Value::Map(m)) => m.clone(),
        _ => Vec::new(),
    }
}

/// Merges mappings: later entries replace earlier ones with the same key.
fn merge(layers: &[Vec<(String, Node)>]) -> Vec<(String, Node)> {
    let mut out: Vec<(String, Node)> = Vec::new();
    for layer in layers {
        for (k, v) in layer {
            match out.iter_mut().find(|(key, _)| key == k) {
                Some(slot) => slot.1 = v.clone(),
                None => out.push((k.clone(), v.clone())),
            }
        }
    }
    out
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(Node::text).collect(),
        Some(_) => node.and_then(Node::text).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Loads every template of one file. A file-level problem (malformed
/// YAML, no metadata or sources, no environments or families) fails the
/// file; a problem in one source skips that source only.
pub(crate) fn load_file(file: &str, text: &str) -> (Vec<Template>, Vec<Error>) {
    let doc = match yaml::parse(file, text) {
        Ok(d) => d,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    match file_parts(file, &doc) {
        Err(e) => errors.push(e),
        Ok(parts) => {
            let lines: Vec<&str> = text.lines().collect();
            for (name, node) in &parts.sources {
                match load_source(file, &parts, name, node, &lines) {
                    Ok(t) => out.push(t),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    (out, errors)
}

/// What every source of a file shares.
struct FileParts {
    metadata: Vec<(String, Node)>,
    default_metadata: Vec<(String, Node)>,
    default_params: Vec<(String, Node)>,
    macros: Vec<(String, String)>,
    sources: Vec<(String, Node)>,
    environments: Vec<String>,
    families: Vec<String>,
}

fn file_parts(file: &str, doc: &Node) -> Result<FileParts> {
    if !matches!(doc.value, Value::Map(_)) {
        return Err(file_error(
            file,
            Some(doc.line),
            "a template file must be a mapping with metadata and sources",
        ));
    }
    let Some(meta) = doc.get("metadata") else {
        return Err(file_error(file, None, "no metadata section"));
    };
    if !matches!(meta.value, Value::Map(_)) {
        return Err(file_error(
            file,
            Some(meta.line),
            "metadata must be a mapping",
        ));
    }
    let Some(sources) = doc.get("sources") else {
        return Err(file_error(file, None, "no sources section"));
    };
    let source_list = entries(Some(sources));
    if source_list.is_empty() {
        return Err(file_error(
            file,
            Some(sources.line),
            "sources must be a mapping with at least one template",
        ));
    }
    let defaults = doc.get("defaults");
    let default_metadata = entries(defaults.and_then(|d| d.get("metadata")));
    let metadata = merge(&[entries(Some(meta)), default_metadata.clone()]);
    let find = |key: &str| metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let environments: Vec<String> = strings(find("data_environments"))
        .iter()
        .map(|e| canonical_environment(e))
        .collect();
    if environments.is_empty() {
        return Err(file_error(
            file,
            find("data_environments")
                .map(|n| n.line)
                .or(Some(meta.line)),
            "metadata.data_environments is missing or empty",
        ));
    }
    let families = strings(find("data_families"));
    if families.is_empty() {
        return Err(file_error(
            file,
            find("data_families").map(|n| n.line).or(Some(meta.line)),
            "metadata.data_families is missing or empty",
        ));
    }
    let mut macros = Vec::new();
    for (name, node) in entries(doc.get("query_macros")) {
        let value = node
            .get("value")
            .and_then(Node::text)
            .or_else(|| node.text());
        match value {
            Some(v) => macros.push((name, v)),
            None => {
                return Err(file_error(
                    file,
                    Some(node.line),
                    format!("query macro {name:?} has no value"),
                ))
            }
        }
    }
    Ok(FileParts {
        metadata,
        default_metadata,
        default_params: entries(defaults.and_then(|d| d.get("parameters"))),
        macros,
        sources: source_list,
        environments,
        families,
    })
}

fn source_error(file: &str, source: &str, line: u64, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::QueryFile {
        file: file.to_string(),
        source: Some(source.to_string()),
        line: Some(line),
        message: message.into(),
    })
}

fn load_source(
    file: &str,
    parts: &FileParts,
    name: &str,
    node: &Node,
    lines: &[&str],
) -> Result<Template> {
    let fail = |line: u64, msg: String| source_error(file, name, line, msg);
    if !matches!(node.value, Value::Map(_)) {
        return Err(fail(node.line, "a template must be a mapping".into()));
    }
    let source_meta = entries(node.get("metadata"));
    let metadata = merge(&[
        parts.metadata.clone(),
        parts.default_metadata.clone(),
        source_meta,
    ]);
    let meta_get = |key: &str| metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let args = node.get("args");
    let query_node = args.and_then(|a| a.get("query"));
    let query = match query_node.map(|q| &q.value) {
        Some(Value::Str(s)) => s.clone(),
        Some(_) => {
            return Err(fail(
                query_node.map_or(node.line, |q| q.line),
                "args.query must be text".into(),
            ))
        }
        None => return Err(fail(node.line, "no args.query".into())),
    };
    let mut query_line = query_node.map_or(node.line, |q| q.line);
    // A block scalar (`query: |`) starts on the line after its key.
    let key_line = lines
        .get((query_line as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("");
    if key_line
        .split_once(':')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with(['|', '>']))
    {
        query_line += 1;
    }
    let query = expand_macros(&query, &parts.macros).map_err(|m| fail(query_line, m))?;

    // Parameters: defaults first, the source's own replace them field by field.
    let own = entries(node.get("parameters"));
    let mut names: Vec<String> = parts
        .default_params
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    for (k, _) in &own {
        if !names.contains(k) {
            names.push(k.clone());
        }
    }
    let mut parameters = Vec::new();
    for pname in &names {
        let layers: Vec<&Node> = [&parts.default_params, &own]
            .iter()
            .filter_map(|l| l.iter().find(|(k, _)| k == pname).map(|(_, v)| v))
            .collect();
        parameters.push(load_parameter(pname, &layers).map_err(|(l, m)| fail(l, m))?);
    }

    let environments = {
        let mut envs: Vec<String> = strings(meta_get("data_environments"))
            .iter()
            .map(|e| canonical_environment(e))
            .collect();
        if envs.is_empty() {
            envs = parts.environments.clone();
        }
        dedup(&mut envs);
        envs
    };
    let language = if environments.iter().any(|e| e == "Splunk") {
        QueryLanguage::Spl
    } else {
        QueryLanguage::Kql
    };
    // Every placeholder must name a parameter.
    let segs = segments(&query, language).map_err(|(offset, msg)| {
        fail(
            query_line + query[..offset].matches('\n').count() as u64,
            msg,
        )
    })?;
    for s in &segs {
        if let Segment::Param {
            name: p, offset, ..
        } = s
        {
            if !parameters.iter().any(|x| &x.name == p) {
                let known: Vec<&str> = parameters.iter().map(|x| x.name.as_str()).collect();
                return Err(fail(
                    query_line + query[..*offset].matches('\n').count() as u64,
                    format!(
                        "the query uses {{{p}}} but no parameter {p:?} is defined (parameters: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
    }

    let families = {
        let f = strings(meta_get("data_families"));
        if f.is_empty() {
            parts.families.clone()
        } else {
            f
        }
    };
    let family = families[0].clone();
    let mut aliases: Vec<String> = families[1..]
        .iter()
        .map(|f| format!("{f}.{name}"))
        .collect();
    aliases.extend(strings(meta_get("aliases")));
    // huntkit's `pivot.entities`, MSTICPy's `pivot.direct_func_entities`
    // (entity class names: `Host`, `IpAddress`, `File`, …).
    let pivot = meta_get("pivot");
    let mut entities: Vec<String> = strings(pivot.and_then(|p| p.get("entities")))
        .into_iter()
        .chain(strings(pivot.and_then(|p| p.get("direct_func_entities"))))
        .chain(strings(meta_get("entities")))
        .map(|e| entity_name(&e))
        .collect();
    dedup(&mut entities);
    Ok(Template {
        name: format!("{family}.{name}"),
        source: name.to_string(),
        family,
        families,
        environments,
        language,
        description: node
            .get("description")
            .and_then(Node::text)
            .unwrap_or_default()
            .trim()
            .to_string(),
        query,
        uri: args.and_then(|a| a.get("uri")).and_then(Node::text),
        parameters,
        entities,
        tags: strings(meta_get("tags")),
        aliases,
        metadata: metadata
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
        file: file.to_string(),
        line: node.line,
    })
}

/// One spelling per pivot entity: MSTICPy's class names to huntkit's.
fn entity_name(e: &str) -> String {
    let lower = e.trim().to_ascii_lowercase();
    match lower.as_str() {
        "ipaddress" | "ip_address" => "ip".into(),
        "file" | "filehash" | "hash" => "file_hash".into(),
        "dns" | "domain" => "url".into(),
        _ => lower,
    }
}

/// Drops repeats, keeping first places (`[MDE, M365D]` are one environment).
fn dedup(items: &mut Vec<String>) {
    let mut seen = Vec::new();
    items.retain(|x| {
        let new = !seen.contains(x);
        seen.push(x.clone());
        new
    });
}

/// Replaces `$<name>$` with the macro's value.
fn expand_macros(query: &str, macros: &[(String, String)]) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(i) = rest.find("$<") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find(">$") else {
            out.push_str(&rest[i..]);
            return Ok(out);
        };
        let name = &after[..j];
        match macros.iter().find(|(n, _)| n == name) {
            Some((_, v)) => out.push_str(v),
            None => {
                return Err(format!(
                    "the query uses macro $<{name}>$, which query_macros does not define"
                ))
            }
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One parameter from its layers (defaults, then the source's), merged
/// field by field; `Err` is (line, message).
fn load_parameter(name: &str, layers: &[&Node]) -> std::result::Result<Parameter, (u64, String)> {
    let line = layers.last().map_or(0, |n| n.line);
    let field = |key: &str| layers.iter().rev().find_map(|n| n.get(key));
    for n in layers {
        if !matches!(n.value, Value::Map(_)) {
            return Err((
                n.line,
                format!("parameter {name:?} must be a mapping with a type"),
            ));
        }
    }
    let Some(type_node) = field("type") else {
        return Err((line, format!("parameter {name:?} has no type")));
    };
    let type_text = type_node.text().unwrap_or_default();
    let Some(kind) = ParamType::parse(&type_text) else {
        return Err((
            type_node.line,
            format!("parameter {name:?} has unknown type {type_text:?} (use str, datetime, int, float or list)"),
        ));
    };
    let default = field("default").filter(|d| d.value != Value::Null);
    if let Some(d) = default {
        let ok = match (kind, &d.value) {
            (ParamType::Str, Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
                true
            }
            (ParamType::Int, Value::Int(_)) => true,
            (ParamType::Int, Value::Str(s)) => s.trim().parse::<i64>().is_ok(),
            (ParamType::Float, Value::Int(_) | Value::Float(_)) => true,
            (ParamType::Float, Value::Str(s)) => s.trim().parse::<f64>().is_ok(),
            (ParamType::List, Value::Seq(_) | Value::Str(_)) => true,
            (ParamType::Datetime, Value::Str(s)) => {
                let epoch = chrono::DateTime::UNIX_EPOCH;
                super::time::parse_time(s, epoch + chrono::Duration::days(20_000)).is_ok()
            }
            (ParamType::Datetime, Value::Int(_) | Value::Float(_)) => true,
            _ => false,
        };
        if !ok {
            return Err((
                d.line,
                format!(
                    "the default of parameter {name:?} is not a valid {}",
                    kind.name()
                ),
            ));
        }
    }
    Ok(Parameter {
        name: name.to_string(),
        description: field("description")
            .and_then(Node::text)
            .unwrap_or_default(),
        kind,
        default: default.map(Node::to_json),
        aliases: strings(field("aliases")),
        required: default.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"metadata:
  version: 1
  description: Process events
  data_environments: [LogAnalytics]
  data_families: [WindowsSecurity, Process]
  tags: ['process']
defaults:
  metadata:
    data_source: 'security_event'
  parameters:
    table:
      description: Table name
      type: str
      default: 'SecurityEvent'
    start:
      description: Query start time
      type: datetime
    add_query_items:
      description: Additional query clauses
      type: str
      default: ''
query_macros:
  proc_filter:
    description: only process creation
    value: '| where EventID == 4688'
sources:
  list_host_processes:
    description: Processes on a host
    metadata:
      pivot:
        entities: [Host]
    args:
      query: '
        {table} $<proc_filter>$
        | where Computer has "{host_name}"
        | where TimeGenerated >= datetime({start})
        {add_query_items}'
    parameters:
      host_name:
        description: Name of host
        type: str
        aliases: [host]
      table:
        default: 'WindowsEvent'
"#;

    #[test]
    fn a_msticpy_file_loads_with_defaults_merged() {
        let (t, errors) = load_file("p.yaml", GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        let t = &t[0];
        assert_eq!(t.name, "WindowsSecurity.list_host_processes");
        assert_eq!(t.aliases, ["Process.list_host_processes"]);
        assert_eq!(t.environments, ["MSSentinel"]);
        assert_eq!(t.entities, ["host"]);
        assert_eq!(t.line, 27);
        assert!(t.query.contains("| where EventID == 4688"));
        let table = t.parameter("table").unwrap();
        assert_eq!(table.default, Some(Json::from("WindowsEvent")));
        assert_eq!(table.kind, ParamType::Str);
        assert!(t.parameter("start").unwrap().required);
        assert_eq!(t.parameter("host").unwrap().name, "host_name");
        assert_eq!(t.metadata["data_source"], Json::from("security_event"));
    }

    fn first_error(text: &str) -> String {
        let (_, errors) = load_file("f.yaml", text);
        errors.first().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn validation_names_file_source_and_line() {
        let e = first_error(&GOOD.replace("        type: str\n        aliases", "        aliases"));
        assert_eq!(
            e,
            "f.yaml line 39, template \"list_host_processes\": parameter \"host_name\" has no type"
        );
        let e = first_error(&GOOD.replace("type: datetime", "type: datetme"));
        assert!(
            e.contains("line 17") && e.contains("unknown type \"datetme\""),
            "{e}"
        );
        let e = first_error(&GOOD.replace("{host_name}", "{hostname}"));
        assert!(
            e.contains("uses {hostname} but no parameter \"hostname\""),
            "{e}"
        );
        assert!(e.starts_with("f.yaml line 33,"), "{e}");
        let e = first_error(&GOOD.replace("[LogAnalytics]", "[]"));
        assert_eq!(
            e,
            "f.yaml line 4: metadata.data_environments is missing or empty"
        );
        let e = first_error(&GOOD.replace("  data_families: [WindowsSecurity, Process]\n", ""));
        assert!(e.contains("data_families is missing"), "{e}");
        let e = first_error("sources:\n  a: {}\n");
        assert_eq!(e, "f.yaml: no metadata section");
        let e = first_error("metadata: {data_environments: [X], data_families: [Y]}\n");
        assert_eq!(e, "f.yaml: no sources section");
        let e = first_error(&GOOD.replace("$<proc_filter>$", "$<nope>$"));
        assert!(e.contains("macro $<nope>$"), "{e}");
        let e = first_error(&GOOD.replace("default: 'WindowsEvent'", "default: [1]"));
        assert!(
            e.contains("default of parameter \"table\" is not a valid str"),
            "{e}"
        );
        let e = first_error(&GOOD.replace("{table} $<", "{table} {{ x } $<"));
        assert!(e.contains("single '}'"), "{e}");
    }

    #[test]
    fn block_query_errors_point_at_the_line() {
        let text = "metadata: {data_environments: [X], data_families: [F]}\nsources:\n  q:\n    description: d\n    args:\n      query: |\n        T\n        | where A == '{nope}'\n";
        let e = first_error(text);
        assert!(e.starts_with("f.yaml line 8, template \"q\""), "{e}");
    }

    #[test]
    fn one_bad_source_does_not_stop_the_others() {
        let text = format!(
            "{GOOD}  second:\n    description: x\n    args:\n      query: 'T | where A == {{nope}}'\n  third:\n    description: y\n    args:\n      query: 'T'\n"
        );
        let (t, errors) = load_file("f.yaml", &text);
        assert_eq!(t.len(), 2);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("template \"second\""));
    }
}
