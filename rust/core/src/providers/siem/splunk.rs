//! Splunk REST API: `POST {server}/services/search/jobs/export` with the
//! form `search=…&output_mode=json&earliest_time=…&latest_time=…`; the
//! server (`host`, `port`, default 8089) and credentials come from
//! `DataProviders.Splunk.Args` (`username`/`password` for basic
//! authentication, or `bearer_token` for a Splunk authentication token).
//!
//! The export answer is one JSON object per line: `{"preview": false,
//! "offset": n, "result": {field: value}}` (multivalue fields as lists),
//! and `{"messages": [{"type": "ERROR"|"FATAL"|"WARN"|"INFO", "text"}]}`.
//! A search job's results (`/services/search/jobs/{sid}/results?
//! output_mode=json`) are one object `{"fields": [{"name"}], "results":
//! [{…}], "messages": […]}`, read too. Every field is text except `_time`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value as Json};

use super::{
    http_failure, Answer, ChunkStatus, QueryRequest, ResultSet, SiemColumn, SiemProvider, SiemType,
};
use crate::error::Result;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static SPLUNK: ProviderDef = ProviderDef {
    name: "splunk",
    config_name: "Splunk",
    kind: ProviderKind::Siem,
    base_url: BaseUrl::FromConfig("host"),
    auth: Auth::BasicOrToken {
        user_key: "username",
        password_key: "password",
        token_key: "bearer_token",
    },
    // A sid is dot-separated runs of letters, digits, `_` and `-`
    // (`1733450000.123`, `admin__admin__search__RMD5…_at_1733450000_7`):
    // never `/`, `..`, `?` or `%`.
    operations: &[
        OperationDef {
            name: "query",
            method: Method::Post,
            path_pattern: r"^/services/search/jobs/export$",
        },
        OperationDef {
            name: "job_create",
            method: Method::Post,
            path_pattern: r"^/services/search/jobs$",
        },
        OperationDef {
            name: "job_status",
            method: Method::Get,
            path_pattern: r"^/services/search/jobs/[A-Za-z0-9_-]{1,200}(\.[A-Za-z0-9_-]{1,200}){0,8}$",
        },
        OperationDef {
            name: "job_results",
            method: Method::Get,
            path_pattern: r"^/services/search/jobs/[A-Za-z0-9_-]{1,200}(\.[A-Za-z0-9_-]{1,200}){0,8}/results$",
        },
        // Cancels a job the run gave up on (body `action=cancel`).
        OperationDef {
            name: "job_control",
            method: Method::Post,
            path_pattern: r"^/services/search/jobs/[A-Za-z0-9_-]{1,200}(\.[A-Za-z0-9_-]{1,200}){0,8}/control$",
        },
    ],
    rate_limit: None,
};

pub(super) const PROVIDER: SiemProvider = SiemProvider {
    def: &SPLUNK,
    environment: "Splunk",
    plan,
    parse,
    jobs: Some(&super::splunk_jobs::FLOW),
};

/// What `application/x-www-form-urlencoded` leaves as is.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'*');

/// `pairs` as a form body (spaces as `%20`, which every server reads).
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, FORM),
                utf8_percent_encode(v, FORM)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Epoch seconds with microseconds, as Splunk's time bounds take them.
fn epoch(micros: i64) -> String {
    format!(
        "{}.{:06}",
        micros.div_euclid(1_000_000),
        micros.rem_euclid(1_000_000)
    )
}

/// The form both endpoints take: the search (with its leading `search`
/// command) and the chunk's time bounds.
pub(super) fn search_form(q: &QueryRequest) -> Vec<(&'static str, String)> {
    let text = q.query.trim();
    // The REST API runs the text as written: a search that does not start
    // with a command is a `search` (what Splunk's search bar adds).
    let search = if text.starts_with('|') || text.to_ascii_lowercase().starts_with("search ") {
        text.to_string()
    } else {
        format!("search {text}")
    };
    let mut pairs: Vec<(&str, String)> = vec![("search", search), ("output_mode", "json".into())];
    if let Some(span) = q.span {
        let start = span.start.timestamp_micros();
        // `latest_time` is exclusive; a span's end is included.
        let end = span.end.timestamp_micros() + 1;
        pairs.push(("earliest_time", epoch(start)));
        pairs.push(("latest_time", epoch(end)));
    }
    pairs
}

/// A form POST to `path` for `operation`.
pub(super) fn post_form(operation: &str, path: &str, pairs: &[(&str, String)]) -> HttpRequest {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    HttpRequest {
        provider: SPLUNK.name.into(),
        operation: operation.into(),
        method: Method::Post,
        base_url: None,
        path: path.into(),
        query: Vec::new(),
        headers: vec![
            ("accept".into(), "application/json".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: Some(form(&refs)),
    }
}

fn plan(q: &QueryRequest) -> Result<HttpRequest> {
    Ok(post_form(
        "query",
        "/services/search/jobs/export",
        &search_form(q),
    ))
}

/// Collects one message object's text; true when it is an error.
fn message(m: &Json, out: &mut Vec<String>) -> bool {
    let kind = m.get("type").and_then(Json::as_str).unwrap_or("");
    let text = m.get("text").and_then(Json::as_str).unwrap_or("").trim();
    if !text.is_empty() {
        out.push(format!("{kind}: {text}"));
    }
    matches!(kind, "ERROR" | "FATAL")
}

fn add_row(rows: &mut ResultSet, obj: &Map<String, Json>) {
    let mut row = vec![Json::Null; rows.columns.len()];
    for (k, v) in obj {
        match rows.columns.iter().position(|c| &c.name == k) {
            Some(i) => row[i] = v.clone(),
            None => {
                rows.columns.push(SiemColumn {
                    name: k.clone(),
                    kind: if k == "_time" {
                        SiemType::Datetime
                    } else {
                        SiemType::String
                    },
                });
                for earlier in &mut rows.rows {
                    earlier.push(Json::Null);
                }
                row.push(v.clone());
            }
        }
    }
    rows.rows.push(row);
}

pub(super) fn parse(resp: &HttpResponse) -> Answer {
    let name = SPLUNK.name;
    if let Some(a) = http_failure(name, resp) {
        return a;
    }
    let mut rows = ResultSet::default();
    let mut messages = Vec::new();
    let mut errors = false;
    let mut bad_lines = 0usize;
    let mut seen_any = false;
    let mut final_rows: Vec<Map<String, Json>> = Vec::new();
    let mut preview_rows: Vec<Map<String, Json>> = Vec::new();
    let body = resp.body.trim();
    // A results document (one object with `results`) or export lines.
    let whole: Option<Json> = serde_json::from_str(body)
        .ok()
        .filter(|v: &Json| v.get("results").is_some());
    let objects: Vec<Json> = match whole {
        Some(v) => {
            if let Some(fields) = v.get("fields").and_then(Json::as_array) {
                for f in fields {
                    let n = f.get("name").and_then(Json::as_str).or_else(|| f.as_str());
                    if let Some(n) = n {
                        rows.columns.push(SiemColumn {
                            name: n.to_string(),
                            kind: if n == "_time" {
                                SiemType::Datetime
                            } else {
                                SiemType::String
                            },
                        });
                    }
                }
            }
            let mut out: Vec<Json> = v
                .get("results")
                .and_then(Json::as_array)
                .map(|r| {
                    r.iter()
                        .map(|x| serde_json::json!({"preview": false, "result": x}))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(m) = v.get("messages") {
                out.push(serde_json::json!({ "messages": m }));
            }
            out
        }
        None => body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| match serde_json::from_str::<Json>(l) {
                Ok(v) => Some(v),
                Err(_) => {
                    bad_lines += 1;
                    None
                }
            })
            .collect(),
    };
    for v in &objects {
        seen_any = true;
        if let Some(ms) = v.get("messages").and_then(Json::as_array) {
            for m in ms {
                errors |= message(m, &mut messages);
            }
        }
        if let Some(r) = v.get("result").and_then(Json::as_object) {
            if v.get("preview").and_then(Json::as_bool) == Some(true) {
                preview_rows.push(r.clone());
            } else {
                final_rows.push(r.clone());
            }
        }
    }
    if bad_lines > 0 {
        errors = true;
        messages.push(format!(
            "bad response from {name}: {bad_lines} lines are not JSON"
        ));
        if !seen_any {
            return Answer {
                status: ChunkStatus::BadResponse,
                rows: ResultSet::default(),
                messages,
            };
        }
    }
    // Preview rows are superseded by the final ones; a search cut short
    // leaves only previews, which are shown (and the chunk is partial).
    if final_rows.is_empty() && !preview_rows.is_empty() {
        errors = true;
        messages.push("splunk sent only preview results".into());
        final_rows = preview_rows;
    }
    for r in &final_rows {
        add_row(&mut rows, r);
    }
    let status = match (errors, rows.rows.is_empty()) {
        (false, _) => ChunkStatus::Ok,
        (true, false) => ChunkStatus::Partial,
        (true, true) => ChunkStatus::QueryError,
    };
    let mut answer = Answer {
        status,
        rows,
        messages,
    };
    if errors {
        super::refine_limits(&mut answer);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siem::{answer, QueryTarget};
    use crate::queries::TimeSpan;

    #[test]
    fn form_and_lines() {
        let now = chrono::Utc::now();
        let span = TimeSpan::new(
            Some("2024-05-01T00:00:00Z"),
            Some("2024-05-01T00:59:59.999999999Z"),
            None,
            now,
        )
        .unwrap();
        let r = plan(&QueryRequest {
            query: "index=main sourcetype=\"x y\" | head 5",
            span: Some(span),
            target: &QueryTarget::default(),
        })
        .unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some("search=search%20index%3Dmain%20sourcetype%3D%22x%20y%22%20%7C%20head%205&output_mode=json&earliest_time=1714521600.000000&latest_time=1714525200.000000")
        );
        let a = parse(&answer(
            200,
            "{\"preview\":false,\"offset\":0,\"result\":{\"_time\":\"2024-05-01T00:00:01.000+00:00\",\"host\":\"a\"}}\n\
             {\"preview\":false,\"offset\":1,\"lastrow\":true,\"result\":{\"host\":\"b\",\"tags\":[\"x\",\"y\"]}}\n",
        ));
        assert_eq!(a.status, ChunkStatus::Ok, "{:?}", a.messages);
        let (t, _) = a.rows.to_table().unwrap();
        assert_eq!(t.names(), ["_time", "host", "tags"]);
        assert_eq!(t.column(0).time_ms(0), Some(1_714_521_601_000));
        assert_eq!(t.column(2).get(1), Some(r#"["x","y"]"#));
        let a = parse(&answer(
            400,
            r#"{"messages":[{"type":"FATAL","text":"Error in 'search' command: Unable to parse the search"}]}"#,
        ));
        assert_eq!(a.status, ChunkStatus::QueryError);
        assert_eq!(
            a.messages[1],
            "Error in 'search' command: Unable to parse the search"
        );
    }
}
