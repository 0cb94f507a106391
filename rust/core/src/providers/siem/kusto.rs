//! Azure Data Explorer (Kusto) REST API v2:
//! `POST {cluster}/v2/rest/query` with `{"db": …, "csl": …}` and a bearer
//! token for `{cluster}/.default`; the cluster URL comes from the
//! configuration (`DataProviders.Kusto.Args.Cluster`).
//!
//! Answer: a JSON array of frames: `DataSetHeader`, then `DataTable`s
//! (`TableKind`: `PrimaryResult`, `QueryProperties`,
//! `QueryCompletionInformation`; `Columns: [{ColumnName, ColumnType}]`,
//! `Rows`), then `DataSetCompletion` with `HasErrors`, `Cancelled` and
//! `OneApiErrors`. A row may itself be an error object (`{"OneApiErrors":
//! […]}`) when the query failed part way. Progressive answers send
//! `TableHeader` / `TableFragment` / `TableCompletion` instead of one
//! `DataTable`; both are read.

use serde_json::{json, Value as Json};

use super::{
    error_messages, http_failure, invalid, json_body, post_json, refine_limits, Answer,
    ChunkStatus, QueryRequest, ResultSet, SiemColumn, SiemProvider, SiemType,
};
use crate::error::Result;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static KUSTO: ProviderDef = ProviderDef {
    name: "kusto",
    config_name: "Kusto",
    kind: ProviderKind::Siem,
    base_url: BaseUrl::FromConfig("Cluster"),
    auth: Auth::Bearer {
        scope: "{base_url}/.default",
    },
    operations: &[OperationDef {
        name: "query",
        method: Method::Post,
        path_pattern: r"^/v2/rest/query$",
    }],
    rate_limit: None,
};

pub(super) const PROVIDER: SiemProvider = SiemProvider {
    def: &KUSTO,
    environment: "Kusto",
    plan,
    parse,
    jobs: None,
};

fn plan(q: &QueryRequest) -> Result<HttpRequest> {
    let db = q
        .target
        .database
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| {
            invalid(
                "database",
                "kusto needs a database: pass it, or set the template's metadata.database",
            )
        })?;
    Ok(post_json(
        &KUSTO,
        "query",
        "/v2/rest/query".into(),
        &json!({ "db": db, "csl": q.query }),
    ))
}

fn columns(frame: &Json) -> Option<Vec<SiemColumn>> {
    frame
        .get("Columns")?
        .as_array()?
        .iter()
        .map(|c| {
            Some(SiemColumn {
                name: c.get("ColumnName")?.as_str()?.to_string(),
                kind: c
                    .get("ColumnType")
                    .or_else(|| c.get("DataType"))
                    .and_then(Json::as_str)
                    .map_or(SiemType::String, SiemType::from_name),
            })
        })
        .collect()
}

fn parse(resp: &HttpResponse) -> Answer {
    let name = KUSTO.name;
    if let Some(a) = http_failure(name, resp) {
        return a;
    }
    let body = match json_body(name, resp) {
        Ok(b) => b,
        Err(a) => return a,
    };
    let bad = |why: &str| {
        Answer::failed(
            ChunkStatus::BadResponse,
            format!("bad response from {name}: {why}"),
        )
    };
    let Some(frames) = body.as_array() else {
        return bad("the answer is not a list of frames");
    };
    let mut rows: Option<ResultSet> = None;
    // The progressive table being read (TableHeader … TableCompletion).
    let mut progressive: Option<(u64, ResultSet)> = None;
    let mut messages = Vec::new();
    let mut errors = false;
    let mut completed = false;
    let row_errors = |cells: &[Json], into: &mut ResultSet, messages: &mut Vec<String>| {
        for r in cells {
            match r {
                Json::Array(a) => into.rows.push(a.clone()),
                other => messages.extend(error_messages(other)),
            }
        }
    };
    for f in frames {
        let kind = f.get("FrameType").and_then(Json::as_str).unwrap_or("");
        match kind {
            "DataTable" if f.get("TableKind").and_then(Json::as_str) == Some("PrimaryResult") => {
                if rows.is_some() {
                    // A second primary result (a query with several
                    // statements): only the first is the answer.
                    messages.push(
                        "kusto returned more than one result table; the first is shown".into(),
                    );
                    continue;
                }
                let Some(cols) = columns(f) else {
                    return bad("a PrimaryResult table has no Columns");
                };
                let mut set = ResultSet {
                    columns: cols,
                    rows: Vec::new(),
                };
                let Some(r) = f.get("Rows").and_then(Json::as_array) else {
                    return bad("a PrimaryResult table has no Rows");
                };
                let before = messages.len();
                row_errors(r, &mut set, &mut messages);
                errors |= messages.len() > before;
                rows = Some(set);
            }
            "TableHeader" if f.get("TableKind").and_then(Json::as_str) == Some("PrimaryResult") => {
                let Some(cols) = columns(f) else {
                    return bad("a PrimaryResult header has no Columns");
                };
                let id = f.get("TableId").and_then(Json::as_u64).unwrap_or(0);
                progressive = Some((
                    id,
                    ResultSet {
                        columns: cols,
                        rows: Vec::new(),
                    },
                ));
            }
            "TableFragment" => {
                let id = f.get("TableId").and_then(Json::as_u64).unwrap_or(0);
                if let Some((pid, set)) = progressive.as_mut().filter(|(p, _)| *p == id) {
                    let _ = pid;
                    if f.get("TableFragmentType").and_then(Json::as_str) == Some("DataReplace") {
                        set.rows.clear();
                    }
                    let before = messages.len();
                    row_errors(
                        f.get("Rows").and_then(Json::as_array).map_or(&[], |v| v),
                        set,
                        &mut messages,
                    );
                    errors |= messages.len() > before;
                }
            }
            "TableCompletion" => {
                let id = f.get("TableId").and_then(Json::as_u64).unwrap_or(0);
                if progressive.as_ref().is_some_and(|(p, _)| *p == id) && rows.is_none() {
                    rows = progressive.take().map(|(_, s)| s);
                }
                if let Some(e) = f.get("OneApiErrors").filter(|e| !e.is_null()) {
                    messages.extend(error_messages(e));
                    errors = true;
                }
            }
            "DataSetCompletion" => {
                completed = true;
                if f.get("HasErrors").and_then(Json::as_bool) == Some(true) {
                    errors = true;
                }
                if f.get("Cancelled").and_then(Json::as_bool) == Some(true) {
                    errors = true;
                    messages.push("kusto cancelled the query".into());
                }
                if let Some(e) = f.get("OneApiErrors").filter(|e| !e.is_null()) {
                    messages.extend(error_messages(e));
                }
            }
            _ => {}
        }
    }
    if rows.is_none() {
        rows = progressive.map(|(_, s)| s);
    }
    let Some(rows) = rows else {
        if errors {
            let mut a = Answer {
                status: ChunkStatus::QueryError,
                rows: ResultSet::default(),
                messages,
            };
            refine_limits(&mut a);
            return a;
        }
        return bad("no PrimaryResult table");
    };
    if !completed {
        errors = true;
        messages.push("the answer ended before its DataSetCompletion frame".into());
    }
    let mut answer = Answer {
        status: if errors {
            ChunkStatus::Partial
        } else {
            ChunkStatus::Ok
        },
        rows,
        messages,
    };
    if errors {
        if answer.messages.is_empty() {
            answer
                .messages
                .push("kusto reported errors (HasErrors) without a message".into());
        }
        refine_limits(&mut answer);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siem::{answer, QueryTarget};

    #[test]
    fn frames() {
        let target = QueryTarget {
            workspace_id: None,
            database: Some("Samples".into()),
        };
        let r = plan(&QueryRequest {
            query: "StormEvents | take 1",
            span: None,
            target: &target,
        })
        .unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"db":"Samples","csl":"StormEvents | take 1"}"#)
        );
        assert!(plan(&QueryRequest {
            query: "x",
            span: None,
            target: &QueryTarget::default()
        })
        .is_err());
        let ok = r#"[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0"},
          {"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties","Columns":[{"ColumnName":"Value","ColumnType":"dynamic"}],"Rows":[]},
          {"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":[{"ColumnName":"N","ColumnType":"long"}],"Rows":[[1],[2]]},
          {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]"#;
        let a = parse(&answer(200, ok));
        assert_eq!(a.status, ChunkStatus::Ok, "{:?}", a.messages);
        assert_eq!(a.rows.rows.len(), 2);
        let truncated = ok.replace(
            r#",
          {"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}"#,
            "",
        );
        let a = parse(&answer(200, &truncated));
        assert_eq!(a.status, ChunkStatus::Partial);
        let a = parse(&answer(200, r#"{"x":1}"#));
        assert_eq!(a.status, ChunkStatus::BadResponse);
    }
}
