//! Log Analytics / Microsoft Sentinel query API:
//! `POST https://api.loganalytics.io/v1/workspaces/{workspaceId}/query`
//! with `{"query": …, "timespan": "start/end"}` and a bearer token for
//! `https://api.loganalytics.io/.default`.
//!
//! Answer: `{"tables": [{"name": "PrimaryResult", "columns": [{"name",
//! "type"}], "rows": [[…]]}]}`; when part of the query failed the answer is
//! still 200 with the rows there are and `"error": {"code":
//! "PartialError", "message", "details": [{"innererror": {"message"}}]}`.
//! Errors are `{"error": {"code", "message", "innererror"}}` with 4xx.

use serde::Serialize;
use serde_json::{json, Value as Json};

use super::{
    error_messages, http_failure, invalid, json_body, post_json, refine_limits, Answer,
    ChunkStatus, QueryRequest, ResultSet, SiemColumn, SiemProvider, SiemType,
};
use crate::error::Result;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};
use crate::queries::format_time;

/// The registry entry. The workspace comes from
/// `AzureSentinel.Workspaces` in msticpyconfig.yaml.
pub static LOGANALYTICS: ProviderDef = ProviderDef {
    name: "loganalytics",
    config_name: "AzureSentinel",
    kind: ProviderKind::Siem,
    base_url: BaseUrl::Fixed("https://api.loganalytics.io"),
    auth: Auth::Bearer {
        scope: "https://api.loganalytics.io/.default",
    },
    operations: &[OperationDef {
        name: "query",
        method: Method::Post,
        path_pattern: r"^/v1/workspaces/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/query$",
    }],
    rate_limit: None,
};

/// The service limits of one Log Analytics query (Azure Monitor's
/// published ones): past them the answer is cut or refused, so a run
/// over a long range is split by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Rows one query may return.
    pub rows: usize,
    /// Bytes one answer may hold (compressed on the wire; 64 MB).
    pub bytes: usize,
    /// Seconds one query may run.
    pub timeout_seconds: u32,
}

/// Log Analytics' limits: 500,000 rows, 64 MB, 10 minutes.
pub const LOG_ANALYTICS_LIMITS: Limits = Limits {
    rows: 500_000,
    bytes: 64 * 1024 * 1024,
    timeout_seconds: 600,
};

pub(super) const PROVIDER: SiemProvider = SiemProvider {
    def: &LOGANALYTICS,
    environment: "MSSentinel",
    plan,
    parse,
    jobs: None,
};

/// Whether `s` is a GUID (workspace and tenant ids).
pub(crate) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn plan(q: &QueryRequest) -> Result<HttpRequest> {
    let ws = q
        .target
        .workspace_id
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| {
            invalid(
                "workspace",
                "loganalytics needs a workspace id: set AzureSentinel.Workspaces.<name>.WorkspaceId in msticpyconfig.yaml",
            )
        })?;
    if !is_guid(ws) {
        return Err(invalid(
            "workspace",
            format!("workspace id {ws:?} is not a GUID"),
        ));
    }
    let mut body = json!({ "query": q.query });
    if let Some(span) = q.span {
        body["timespan"] = Json::from(format!(
            "{}/{}",
            format_time(span.start),
            format_time(span.end)
        ));
    }
    Ok(post_json(
        &LOGANALYTICS,
        "query",
        format!("/v1/workspaces/{}/query", ws.to_ascii_lowercase()),
        &body,
    ))
}

/// Reads a `tables` answer (shared with Kusto's v1 shape): the primary
/// table's columns and rows.
pub(super) fn primary_table(provider: &str, body: &Json) -> std::result::Result<ResultSet, String> {
    let tables = body
        .get("tables")
        .or_else(|| body.get("Tables"))
        .and_then(Json::as_array)
        .ok_or_else(|| format!("bad response from {provider}: no tables"))?;
    let table = tables
        .iter()
        .find(|t| {
            t.get("name")
                .or_else(|| t.get("TableName"))
                .and_then(Json::as_str)
                == Some("PrimaryResult")
        })
        .or_else(|| tables.first())
        .ok_or_else(|| format!("bad response from {provider}: the tables list is empty"))?;
    let columns = table
        .get("columns")
        .or_else(|| table.get("Columns"))
        .and_then(Json::as_array)
        .ok_or_else(|| format!("bad response from {provider}: the table has no columns"))?;
    let mut out = ResultSet::default();
    for c in columns {
        let name = c
            .get("name")
            .or_else(|| c.get("ColumnName"))
            .and_then(Json::as_str)
            .ok_or_else(|| format!("bad response from {provider}: a column has no name"))?;
        let kind = c
            .get("type")
            .or_else(|| c.get("ColumnType"))
            .or_else(|| c.get("DataType"))
            .and_then(Json::as_str)
            .map_or(SiemType::String, SiemType::from_name);
        out.columns.push(SiemColumn {
            name: name.to_string(),
            kind,
        });
    }
    let rows = table
        .get("rows")
        .or_else(|| table.get("Rows"))
        .and_then(Json::as_array)
        .ok_or_else(|| format!("bad response from {provider}: the table has no rows list"))?;
    for r in rows {
        let cells = r
            .as_array()
            .ok_or_else(|| format!("bad response from {provider}: a row is not a list"))?;
        out.rows.push(cells.clone());
    }
    Ok(out)
}

fn parse(resp: &HttpResponse) -> Answer {
    let name = LOGANALYTICS.name;
    if let Some(a) = http_failure(name, resp) {
        return a;
    }
    let body = match json_body(name, resp) {
        Ok(b) => b,
        Err(a) => return a,
    };
    let rows = match primary_table(name, &body) {
        Ok(r) => r,
        Err(m) => return Answer::failed(ChunkStatus::BadResponse, m),
    };
    let mut answer = Answer {
        status: ChunkStatus::Ok,
        rows,
        messages: Vec::new(),
    };
    if let Some(err) = body.get("error").filter(|e| !e.is_null()) {
        answer.status = ChunkStatus::Partial;
        answer.messages = error_messages(err);
        if answer.messages.is_empty() {
            answer
                .messages
                .push(format!("{name} reported an error: {err}"));
        }
        refine_limits(&mut answer);
    }
    if answer.rows.rows.len() >= LOG_ANALYTICS_LIMITS.rows {
        answer.status = ChunkStatus::LimitExceeded;
        answer.messages.push(format!(
            "the answer has {} rows, Log Analytics' limit: rows past it are missing",
            answer.rows.rows.len()
        ));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siem::{answer, QueryTarget};
    use crate::queries::TimeSpan;

    #[test]
    fn plans_the_query_with_its_timespan() {
        let target = QueryTarget {
            workspace_id: Some("52B1AB41-869E-4138-9E40-2A4457F09BF0".into()),
            database: None,
        };
        let now = chrono::Utc::now();
        let span = TimeSpan::new(
            Some("2024-05-01T00:00:00Z"),
            Some("2024-05-02T00:00:00Z"),
            None,
            now,
        )
        .unwrap();
        let r = plan(&QueryRequest {
            query: "SecurityEvent | take 1",
            span: Some(span),
            target: &target,
        })
        .unwrap();
        assert_eq!(
            r.path,
            "/v1/workspaces/52b1ab41-869e-4138-9e40-2a4457f09bf0/query"
        );
        let body: Json = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"query": "SecurityEvent | take 1",
                   "timespan": "2024-05-01T00:00:00Z/2024-05-02T00:00:00Z"})
        );
        let bad = QueryTarget {
            workspace_id: Some("../x".into()),
            database: None,
        };
        let e = plan(&QueryRequest {
            query: "x",
            span: None,
            target: &bad,
        })
        .unwrap_err();
        assert!(e.to_string().contains("is not a GUID"), "{e}");
    }

    #[test]
    fn partial_errors_keep_rows() {
        let a = parse(&answer(
            200,
            r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"N","type":"long"}],"rows":[[1],[2]]}],
               "error":{"code":"PartialError","message":"There were some errors when processing your query.",
                        "details":[{"code":"EngineError","innererror":{"code":"-2133196797","message":"Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)"}}]}}"#,
        ));
        assert_eq!(a.status, ChunkStatus::LimitExceeded);
        assert_eq!(a.rows.rows.len(), 2);
        assert_eq!(a.messages.len(), 2, "{:?}", a.messages);
        let a = parse(&answer(200, r#"{"tables":[]}"#));
        assert_eq!(a.status, ChunkStatus::BadResponse);
        assert_eq!(
            a.messages,
            ["bad response from loganalytics: the tables list is empty"]
        );
    }
}
