//! Rendering a template: parameters resolved (aliases, defaults, types),
//! placed by context, and the text tidied.
//!
//! A value a caller passes is data: inside a string literal it is escaped
//! for the query language; in query code it must be a single name token
//! (KQL refuses anything else, SPL quotes it). Only defaults, written by
//! the template's author, and `add_query_items`, the one deliberate raw
//! clause, go in as written.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::escape::{
    escape_in_string, is_safe_token, quoted, segments, Context, QueryLanguage, Segment,
};
use super::template::{ParamType, Template};
use super::time::{format_time, parse_time_value};
use crate::error::{Error, ErrorKind, Result};

/// The parameter that appends raw query clauses (MSTICPy's name).
pub const ADD_QUERY_ITEMS: &str = "add_query_items";

/// A rendered query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedQuery {
    /// The template's name.
    pub name: String,
    /// The language of `query`.
    pub language: QueryLanguage,
    /// The query, ready to send.
    pub query: String,
    /// Every parameter's value as used (times as ISO-8601 UTC).
    pub parameters: Map<String, Json>,
    /// Parameters given that the template does not take (not an error:
    /// pivots pass the same values to many templates).
    pub ignored: Vec<String>,
}

/// A parameter value after type checks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// Text; `trusted` when it is the template's own default.
    Str {
        value: String,
        trusted: bool,
    },
    Int(i64),
    Float(f64),
    Time(DateTime<Utc>),
    List(Vec<Json>),
}

impl Resolved {
    fn to_json(&self) -> Json {
        match self {
            Resolved::Str { value, .. } => Json::from(value.as_str()),
            Resolved::Int(i) => Json::from(*i),
            Resolved::Float(x) => Json::from(*x),
            Resolved::Time(t) => Json::from(format_time(*t)),
            Resolved::List(v) => Json::Array(v.clone()),
        }
    }
}

/// Parameters resolved against a template.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params {
    /// (name, value) in template order; parameters with no value left out
    /// only when they are not required (never, for now: no default means
    /// required).
    pub values: Vec<(String, Resolved)>,
    /// `add_query_items` given to a template that has no such parameter.
    pub extra: Option<String>,
    pub ignored: Vec<String>,
}

impl Params {
    pub(crate) fn get(&self, name: &str) -> Option<&Resolved> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

fn bad(template: &Template, parameter: &str, value: &Json, message: impl Into<String>) -> Error {
    let text = match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    Error::new(ErrorKind::ParameterValue {
        template: template.name.clone(),
        parameter: parameter.to_string(),
        value: text.chars().take(80).collect(),
        message: message.into(),
    })
}

/// Resolves `given` (names or aliases) against the template: defaults
/// filled in, types checked, every missing required parameter reported
/// together.
pub(crate) fn resolve(
    template: &Template,
    given: &Map<String, Json>,
    now: DateTime<Utc>,
) -> Result<Params> {
    let mut by_name: Vec<(&str, &Json)> = Vec::new();
    let mut out = Params::default();
    for (key, value) in given {
        if value.is_null() {
            continue;
        }
        match template.parameter(key) {
            Some(p) => {
                if by_name.iter().any(|(n, _)| *n == p.name) && key != &p.name {
                    // The canonical name wins over an alias.
                    continue;
                }
                by_name.retain(|(n, _)| *n != p.name);
                by_name.push((p.name.as_str(), value));
            }
            None if key == ADD_QUERY_ITEMS => {
                out.extra = Some(match value {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
            }
            None => out.ignored.push(key.clone()),
        }
    }
    let mut missing = Vec::new();
    for p in &template.parameters {
        let (value, trusted) = match by_name.iter().find(|(n, _)| *n == p.name) {
            Some((_, v)) => (*v, false),
            None => match &p.default {
                Some(d) => (d, true),
                None => {
                    missing.push(p.name.clone());
                    continue;
                }
            },
        };
        let resolved = match p.kind {
            ParamType::Str => match value {
                Json::String(s) => Resolved::Str {
                    value: s.clone(),
                    trusted: trusted || p.name == ADD_QUERY_ITEMS,
                },
                Json::Number(_) | Json::Bool(_) => Resolved::Str {
                    value: value.to_string(),
                    trusted,
                },
                _ => return Err(bad(template, &p.name, value, "is not a str")),
            },
            ParamType::Int => {
                let n = match value {
                    Json::Number(n) => n.as_i64(),
                    Json::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                Resolved::Int(n.ok_or_else(|| bad(template, &p.name, value, "is not an int"))?)
            }
            ParamType::Float => {
                let n = match value {
                    Json::Number(n) => n.as_f64(),
                    Json::String(s) => s.trim().parse().ok().filter(|x: &f64| x.is_finite()),
                    _ => None,
                };
                Resolved::Float(n.ok_or_else(|| bad(template, &p.name, value, "is not a float"))?)
            }
            ParamType::Datetime => match parse_time_value(value, now) {
                Ok(t) => Resolved::Time(t),
                Err(e) => {
                    let why = match e.kind() {
                        ErrorKind::TimeExpression { message, .. } => message.clone(),
                        _ => e.to_string(),
                    };
                    return Err(bad(
                        template,
                        &p.name,
                        value,
                        format!("is not a time: {why}"),
                    ));
                }
            },
            ParamType::List => match value {
                Json::Array(items) => {
                    if let Some(x) = items
                        .iter()
                        .find(|x| x.is_array() || x.is_object() || x.is_null())
                    {
                        return Err(bad(
                            template,
                            &p.name,
                            x,
                            "is not a list item (text or a number)",
                        ));
                    }
                    Resolved::List(items.clone())
                }
                Json::String(s) => Resolved::List(
                    s.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(Json::from)
                        .collect(),
                ),
                Json::Number(_) => Resolved::List(vec![value.clone()]),
                _ => return Err(bad(template, &p.name, value, "is not a list")),
            },
        };
        out.values.push((p.name.clone(), resolved));
    }
    if !missing.is_empty() {
        return Err(Error::new(ErrorKind::MissingParameters {
            template: template.name.clone(),
            names: missing,
        }));
    }
    Ok(out)
}

/// Renders `template` with `params` (names or aliases; JSON values:
/// strings, numbers, lists; times as expressions), relative times taken
/// from `now`.
pub fn render(
    template: &Template,
    params: &Map<String, Json>,
    now: DateTime<Utc>,
) -> Result<RenderedQuery> {
    let resolved = resolve(template, params, now)?;
    let lang = template.language;
    let segs = segments(&template.query, lang).map_err(|(_, message)| {
        // Validated at load; only a hand-built template gets here.
        Error::new(ErrorKind::QueryFile {
            file: template.file.clone(),
            source: Some(template.source.clone()),
            line: Some(template.line),
            message,
        })
    })?;
    let mut text = String::with_capacity(template.query.len() + 64);
    let mut used_items = false;
    for seg in &segs {
        match seg {
            Segment::Text(t) => text.push_str(t),
            Segment::Param { name, context, .. } => {
                if name == ADD_QUERY_ITEMS {
                    used_items = true;
                }
                let Some(value) = resolved.get(name) else {
                    return Err(Error::new(ErrorKind::MissingParameters {
                        template: template.name.clone(),
                        names: vec![name.clone()],
                    }));
                };
                text.push_str(&place(template, name, value, *context)?);
            }
        }
    }
    if !used_items {
        if let Some(extra) = resolved
            .extra
            .as_deref()
            // A default is not appended: MSTICPy's Splunk files default it
            // to `| head 100` for the templates that place it.
            .or_else(|| match params.get(ADD_QUERY_ITEMS) {
                Some(_) => match resolved.get(ADD_QUERY_ITEMS) {
                    Some(Resolved::Str { value, .. }) => Some(value.as_str()),
                    _ => None,
                },
                None => None,
            })
            .filter(|s| !s.trim().is_empty())
        {
            text.push('\n');
            text.push_str(extra);
        }
    }
    Ok(RenderedQuery {
        name: template.name.clone(),
        language: lang,
        query: tidy(&text),
        parameters: resolved
            .values
            .iter()
            .map(|(n, v)| (n.clone(), v.to_json()))
            .collect(),
        ignored: resolved.ignored,
    })
}

/// One value as query text for its context.
fn place(template: &Template, name: &str, value: &Resolved, context: Context) -> Result<String> {
    let lang = template.language;
    let refuse = |v: &str, why: String| bad(template, name, &Json::from(v), why);
    match (value, context) {
        // The template's own default, as MSTICPy places it (its author
        // wrote it for where it goes: `'\\'` inside a literal, a clause).
        (
            Resolved::Str {
                value,
                trusted: true,
            },
            _,
        ) => Ok(value.clone()),
        (Resolved::Str { value, .. }, Context::Str { quote, verbatim }) => {
            escape_in_string(value, lang, quote, verbatim).map_err(|why| refuse(value, why))
        }
        (Resolved::Str { value, .. }, Context::Code) => {
            if is_safe_token(value) {
                Ok(value.clone())
            } else if lang == QueryLanguage::Spl {
                quoted(value, lang).map_err(|why| refuse(value, why))
            } else {
                Err(refuse(
                    value,
                    format!("cannot go where the template puts {{{name}}}, outside quotes: only a name (letters, digits, _ . - : @) can"),
                ))
            }
        }
        (Resolved::Int(i), _) => Ok(i.to_string()),
        (Resolved::Float(x), _) => Ok(x.to_string()),
        // SPL as MSTICPy's Splunk driver writes times: space-separated, to
        // the microsecond (`timeformat="%Y-%m-%d %H:%M:%S.%6N"`), quoted
        // in code (`earliest={start}`), bare inside the template's quotes.
        (Resolved::Time(t), ctx) if lang == QueryLanguage::Spl => {
            let text = t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
            Ok(match ctx {
                Context::Code => format!("\"{text}\""),
                Context::Str { .. } => text,
            })
        }
        (Resolved::Time(t), _) => Ok(format_time(*t)),
        (Resolved::List(items), ctx) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                let part = match (item, ctx) {
                    (Json::Number(n), _) => n.to_string(),
                    (Json::Bool(b), _) => b.to_string(),
                    (Json::String(s), Context::Code) => {
                        quoted(s, lang).map_err(|why| refuse(s, why))?
                    }
                    (Json::String(s), Context::Str { quote, verbatim }) => {
                        escape_in_string(s, lang, quote, verbatim).map_err(|why| refuse(s, why))?
                    }
                    (other, _) => return Err(bad(template, name, other, "is not a list item")),
                };
                parts.push(part);
            }
            Ok(parts.join(", "))
        }
    }
}

/// Trailing spaces cut, blank lines dropped (an empty `{add_query_items}`
/// leaves one), the whole trimmed.
fn tidy(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queries::QueryStore;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-03-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    const KQL: &str = r#"metadata:
  data_environments: [MSSentinel]
  data_families: [Test]
defaults:
  parameters:
    table: {description: t, type: str, default: SecurityEvent}
    start: {description: s, type: datetime}
    end: {description: e, type: datetime, default: now}
    add_query_items: {description: more, type: str, default: ''}
sources:
  q:
    description: test
    args:
      query: |
        {table}
        | where TimeGenerated between (datetime({start}) .. datetime({end}))
        | where Computer =~ '{host_name}' and Account == "{account}"
        | where EventID in ({ids}) and Process in~ ({procs})
        | take {limit}
        {add_query_items}
    parameters:
      host_name: {description: h, type: str, aliases: [host]}
      account: {description: a, type: str, default: ''}
      ids: {description: i, type: list, default: [4624, 4625]}
      procs: {description: p, type: list, default: 'cmd.exe,powershell.exe'}
      limit: {description: l, type: int, default: 100}
"#;

    fn template(text: &str) -> Template {
        let mut s = QueryStore::new();
        s.add_yaml("t.yaml", text);
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        s.templates()[0].clone()
    }

    fn params(v: Json) -> Map<String, Json> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn renders_with_defaults_aliases_lists_and_times() {
        let t = template(KQL);
        let r = render(
            &t,
            &params(json!({"host": "WKS-1", "start": "-1d@d", "other": 1})),
            now(),
        )
        .unwrap();
        assert_eq!(
            r.query,
            "SecurityEvent\n\
             | where TimeGenerated between (datetime(2024-03-05T00:00:00Z) .. datetime(2024-03-06T10:00:00Z))\n\
             | where Computer =~ 'WKS-1' and Account == \"\"\n\
             | where EventID in (4624, 4625) and Process in~ ('cmd.exe', 'powershell.exe')\n\
             | take 100"
        );
        assert_eq!(r.ignored, ["other"]);
        assert_eq!(r.parameters["start"], json!("2024-03-05T00:00:00Z"));
        let r = render(
            &t,
            &params(json!({"host_name": "a", "start": 0, "add_query_items": "| count"})),
            now(),
        )
        .unwrap();
        assert!(r.query.ends_with("| take 100\n| count"), "{}", r.query);
    }

    #[test]
    fn add_query_items_is_appended_only_when_given() {
        let t = template(
            "metadata: {data_environments: [Splunk], data_families: [S]}\ndefaults:\n  parameters:\n    add_query_items: {description: more, type: str, default: '| head 100'}\nsources:\n  q: {description: d, args: {query: '| tstats count'}}\n",
        );
        assert_eq!(
            render(&t, &Map::new(), now()).unwrap().query,
            "| tstats count"
        );
        let r = render(&t, &params(json!({"add_query_items": "| head 5"})), now()).unwrap();
        assert_eq!(r.query, "| tstats count\n| head 5");
    }

    #[test]
    fn values_from_data_cannot_change_the_query() {
        let t = template(KQL);
        let hostile = "x' or 1==1 | union *\n//";
        let r = render(
            &t,
            &params(json!({"host_name": hostile, "account": "a\"b", "start": -1})),
            now(),
        )
        .unwrap();
        assert!(
            r.query
                .contains(r#"Computer =~ 'x\' or 1==1 | union *\n//' and Account == "a\"b""#),
            "{}",
            r.query
        );
        // The line count did not change: the newline stayed inside the literal.
        assert_eq!(r.query.lines().count(), 5);
        let r = render(
            &t,
            &params(json!({"host_name": "h", "start": -1, "procs": ["it's"]})),
            now(),
        )
        .unwrap();
        assert!(r.query.contains(r"in~ ('it\'s')"), "{}", r.query);
        // A caller's table name must be one token.
        let e = render(
            &t,
            &params(json!({"host_name": "h", "start": -1, "table": "T | union *"})),
            now(),
        )
        .unwrap_err();
        assert_eq!(e.kind_name(), "parameter_value");
        assert!(e.to_string().contains("outside quotes"), "{e}");
        assert!(render(
            &t,
            &params(json!({"host_name": "h", "start": -1, "table": "Syslog"})),
            now()
        )
        .is_ok());
    }

    #[test]
    fn spl_quotes_values_in_code() {
        let t = template(
            "metadata: {data_environments: [Splunk], data_families: [S]}\nsources:\n  q:\n    description: d\n    args:\n      query: 'search index=wineventlog host={host} user=\"{user}\" | head {n}'\n    parameters:\n      host: {description: h, type: str}\n      user: {description: u, type: str}\n      n: {description: n, type: int, default: 10}\n",
        );
        let r = render(
            &t,
            &params(json!({"host": "web 01 | delete", "user": "a\"b"})),
            now(),
        )
        .unwrap();
        assert_eq!(r.language, QueryLanguage::Spl);
        assert_eq!(
            r.query,
            r#"search index=wineventlog host="web 01 | delete" user="a\"b" | head 10"#
        );
    }

    #[test]
    fn missing_and_mistyped_parameters() {
        let t = template(KQL);
        let e = render(&t, &Map::new(), now()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "template \"Test.q\" needs parameters it was not given: start, host_name"
        );
        let e = render(
            &t,
            &params(json!({"host_name": "h", "start": "-1d", "limit": "ten"})),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "parameter \"limit\" of template \"Test.q\": \"ten\" is not an int"
        );
        let e = render(
            &t,
            &params(json!({"host_name": "h", "start": "last tuesday"})),
            now(),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("\"last tuesday\" is not a time: not a date-time"),
            "{e}"
        );
        let e = render(&t, &params(json!({"host_name": ["a"], "start": 1})), now()).unwrap_err();
        assert!(e.to_string().ends_with("is not a str"), "{e}");
        let e = render(
            &t,
            &params(json!({"host_name": "a\u{0}", "start": 1})),
            now(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("control character"), "{e}");
    }
}
