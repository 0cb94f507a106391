//! SIEM query providers, sans-IO: each module holds its registry
//! definition, builds the request for one rendered query (and time range)
//! and reads the answer into a typed [`ResultSet`] with a status.
//!
//! [`QueryRun`] runs a template over a time range, optionally split into
//! chunks (`split_by`): it renders the template per chunk, hands the host
//! one request per chunk, reads each answer, splits a chunk again when
//! Log Analytics says it hit a result limit, and ends with one table and a
//! report of every chunk, failed or partial ones included.
//!
//! Splunk can also run each chunk as a search job ([`RunMode::Jobs`]):
//! create, poll, read pages; the run then answers a chunk's response with
//! a follow-up request (and how long to wait before sending it).
//!
//! Azure providers take a bearer token; [`azuread`] builds the OAuth2
//! client-credentials request a host sends to obtain one.

pub mod azuread;
mod defender;
pub mod job;
mod kusto;
mod loganalytics;
mod result_set;
mod run;
mod splunk;
mod splunk_jobs;

pub use azuread::AZUREAD;
pub use defender::DEFENDER;
pub use kusto::KUSTO;
pub use loganalytics::{LOGANALYTICS, LOG_ANALYTICS_LIMITS};
pub use result_set::{ResultSet, SiemColumn, SiemType};
pub use run::{
    chunks_frame, template_span, ChunkReport, Planned, QueryOutcome, QueryRun, RunDefaults,
    RunMode, RunOptions, MAX_CHUNKS, MAX_JOB_TIMEOUT_SECS,
};
pub use splunk::SPLUNK;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::{HttpRequest, HttpResponse, Method, ProviderDef};
use crate::error::{Error, ErrorKind, Result};
use crate::queries::TimeSpan;

/// Where a query runs, beyond the provider's base URL: what the host reads
/// from its configuration (or the template's metadata) and passes in. Not
/// secret; no host names (those come from the registry or the host's
/// configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryTarget {
    /// Log Analytics workspace id (a GUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Kusto database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// How one answer (one chunk) went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChunkStatus {
    /// All rows returned.
    Ok,
    /// Some rows returned, with errors (Log Analytics `PartialError`, Kusto
    /// `HasErrors`, Splunk error messages): the rows are kept, the
    /// messages say what is missing.
    Partial,
    /// The result was over the provider's limit (Log Analytics 500,000
    /// rows or 64 MB): split the range (`split_by`) into shorter chunks.
    LimitExceeded,
    /// The query ran out of time (Log Analytics: 10 minutes): split it.
    Timeout,
    /// HTTP 401: the credentials are missing, wrong or expired.
    Unauthorized,
    /// HTTP 403: the credentials have no access to this workspace, table
    /// or API.
    Forbidden,
    /// HTTP 404: no such workspace, database or endpoint.
    NotFound,
    /// HTTP 429: the provider's rate limit; retry later.
    RateLimited,
    /// HTTP 400: the provider refused the query (syntax, unknown table).
    QueryError,
    /// A 2xx answer that is not the documented shape (not JSON, no tables).
    BadResponse,
    /// The call failed (unreachable, other HTTP errors).
    Error,
}

impl ChunkStatus {
    /// The status's name as serialized (`ok`, `limit_exceeded`, …).
    pub fn name(self) -> &'static str {
        match self {
            ChunkStatus::Ok => "ok",
            ChunkStatus::Partial => "partial",
            ChunkStatus::LimitExceeded => "limit_exceeded",
            ChunkStatus::Timeout => "timeout",
            ChunkStatus::Unauthorized => "unauthorized",
            ChunkStatus::Forbidden => "forbidden",
            ChunkStatus::NotFound => "not_found",
            ChunkStatus::RateLimited => "rate_limited",
            ChunkStatus::QueryError => "query_error",
            ChunkStatus::BadResponse => "bad_response",
            ChunkStatus::Error => "error",
        }
    }

    /// Whether the chunk's rows are in the result (all or some).
    pub fn has_rows(self) -> bool {
        matches!(self, ChunkStatus::Ok | ChunkStatus::Partial)
    }
}

/// What a provider made of one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// How it went.
    pub status: ChunkStatus,
    /// The rows (empty unless `status.has_rows()`).
    pub rows: ResultSet,
    /// The provider's messages (errors, warnings), as it wrote them.
    pub messages: Vec<String>,
}

impl Answer {
    pub(crate) fn failed(status: ChunkStatus, message: String) -> Answer {
        Answer {
            status,
            rows: ResultSet::default(),
            messages: vec![message],
        }
    }
}

/// One rendered query to send: the text, the time range it covers (Log
/// Analytics and Splunk also send it beside the query) and the target.
#[derive(Debug, Clone, Copy)]
pub struct QueryRequest<'a> {
    /// The rendered query.
    pub query: &'a str,
    /// The time range, when the run has one.
    pub span: Option<TimeSpan>,
    /// Workspace / database.
    pub target: &'a QueryTarget,
}

/// A SIEM provider's code: its definition, the data environment its
/// templates are written for, its request builder and answer reader.
#[derive(Debug, Clone, Copy)]
pub struct SiemProvider {
    /// The registry entry.
    pub def: &'static ProviderDef,
    /// The canonical data environment of its templates
    /// ([`canonical_environment`](crate::queries::canonical_environment)).
    pub environment: &'static str,
    /// The request for one rendered query.
    pub plan: fn(&QueryRequest) -> Result<HttpRequest>,
    /// The rows and status of one answer.
    pub parse: fn(&HttpResponse) -> Answer,
    /// Its search-job protocol (`mode: jobs`), when it has one.
    pub jobs: Option<&'static job::JobFlow>,
}

impl SiemProvider {
    /// Registry name.
    pub fn name(&self) -> &'static str {
        self.def.name
    }
}

/// Every SIEM provider, in display order: the one list of them.
pub fn providers() -> &'static [SiemProvider] {
    &[
        loganalytics::PROVIDER,
        defender::PROVIDER,
        kusto::PROVIDER,
        splunk::PROVIDER,
    ]
}

/// The SIEM provider with this registry name (any case; `sentinel`,
/// `mssentinel` and `m365d`/`mde` are accepted as MSTICPy users write them).
pub fn siem_provider(name: &str) -> Option<&'static SiemProvider> {
    let key = name.trim().to_ascii_lowercase();
    let key = match key.as_str() {
        "sentinel" | "mssentinel" | "azuresentinel" | "msticpy.loganalytics" => "loganalytics",
        "m365d" | "mde" | "microsoftdefender" | "defender" => "m365d",
        "adx" | "azuredataexplorer" => "kusto",
        other => other,
    };
    providers().iter().find(|p| p.def.name == key)
}

/// The SIEM provider whose data environment is `environment` (a
/// template's), if any.
pub fn provider_for_environment(environment: &str) -> Option<&'static SiemProvider> {
    let env = crate::queries::canonical_environment(environment);
    providers().iter().find(|p| p.environment == env)
}

fn invalid(name: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOption {
        name: name.to_string(),
        message: message.into(),
    })
}

/// A JSON POST for `def`'s `operation`.
fn post_json(def: &ProviderDef, operation: &str, path: String, body: &Json) -> HttpRequest {
    HttpRequest {
        provider: def.name.to_string(),
        operation: operation.to_string(),
        method: Method::Post,
        base_url: None,
        path,
        query: Vec::new(),
        headers: vec![
            ("accept".into(), "application/json".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    }
}

/// The status for a non-2xx answer, with the provider's own messages; or
/// `None` for 2xx.
fn http_failure(provider: &str, resp: &HttpResponse) -> Option<Answer> {
    let status = match resp.status {
        200..=299 => return None,
        400 => ChunkStatus::QueryError,
        401 => ChunkStatus::Unauthorized,
        403 => ChunkStatus::Forbidden,
        404 => ChunkStatus::NotFound,
        408 | 504 => ChunkStatus::Timeout,
        413 => ChunkStatus::LimitExceeded,
        429 => ChunkStatus::RateLimited,
        _ => ChunkStatus::Error,
    };
    let mut messages = vec![format!("{provider} answered http {}", resp.status)];
    let found = serde_json::from_str::<Json>(&resp.body)
        .map(|v| error_messages(&v))
        .unwrap_or_default();
    messages.extend(found);
    let mut answer = Answer {
        status,
        rows: ResultSet::default(),
        messages,
    };
    if status == ChunkStatus::QueryError || status == ChunkStatus::Error {
        refine_limits(&mut answer);
    }
    Some(answer)
}

/// Every message in a provider's error object, outermost first, without
/// repeats: Azure APIs nest the useful one (`error.details[].innererror.
/// message`, Kusto's `@message`); Splunk writes `messages[].text`.
pub(crate) fn error_messages(v: &Json) -> Vec<String> {
    fn walk(v: &Json, out: &mut Vec<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        match v {
            Json::Object(m) => {
                for key in ["message", "@message", "text", "Message"] {
                    if let Some(Json::String(s)) = m.get(key) {
                        let s = s.trim();
                        if !s.is_empty() && !out.iter().any(|o| o == s) {
                            out.push(s.to_string());
                        }
                    }
                }
                for (k, child) in m {
                    if child.is_object() || child.is_array() {
                        let _ = k;
                        walk(child, out, depth + 1);
                    }
                }
            }
            Json::Array(a) => a.iter().for_each(|c| walk(c, out, depth + 1)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out, 0);
    out
}

/// Marks an answer whose messages say a result limit or the time limit
/// was hit (Kusto's `E_QUERY_RESULT_SET_TOO_LARGE`, Log Analytics' "exceeded
/// … limit", `E_RUNAWAY_QUERY`, timeouts): those chunks are split again.
fn refine_limits(answer: &mut Answer) {
    let text = answer.messages.join(" ").to_ascii_lowercase();
    let limit = [
        "e_query_result_set_too_large",
        "result set has exceeded",
        "exceeded the internal record count limit",
        "exceeded the internal data size limit",
        "query result exceeded",
        "results exceed",
        "responsesizeerror",
        "64 mb",
    ];
    let timeout = [
        "timed out",
        "timeout",
        "e_runaway_query",
        "exceeded the allowed time",
    ];
    if limit.iter().any(|m| text.contains(m)) {
        answer.status = ChunkStatus::LimitExceeded;
    } else if timeout.iter().any(|m| text.contains(m)) {
        answer.status = ChunkStatus::Timeout;
    }
}

/// The body as JSON, or a `bad_response` answer naming the provider.
fn json_body(provider: &str, resp: &HttpResponse) -> std::result::Result<Json, Answer> {
    serde_json::from_str(&resp.body).map_err(|e| {
        Answer::failed(
            ChunkStatus::BadResponse,
            format!("bad response from {provider}: the answer is not JSON ({e})"),
        )
    })
}

/// A response for unit tests.
#[cfg(test)]
pub(crate) fn answer(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn names_and_aliases() {
        let names: Vec<&str> = providers().iter().map(|p| p.name()).collect();
        assert_eq!(names, ["loganalytics", "m365d", "kusto", "splunk"]);
        assert_eq!(siem_provider("MSSentinel").unwrap().name(), "loganalytics");
        assert_eq!(siem_provider("MDE").unwrap().name(), "m365d");
        assert!(siem_provider("virustotal").is_none());
        assert_eq!(
            provider_for_environment("AzureSentinel").unwrap().name(),
            "loganalytics"
        );
    }

    #[test]
    fn patterns_are_anchored_and_refuse_traversal() {
        for p in providers().iter().map(|p| p.def).chain([&AZUREAD]) {
            for op in p.operations {
                assert!(op.path_pattern.starts_with('^') && op.path_pattern.ends_with('$'));
                let re = Regex::new(op.path_pattern).unwrap();
                for bad in ["/", "/../admin", "//evil.com/x", "/v1/workspaces/../query"] {
                    assert!(!re.is_match(bad), "{} {bad}", p.name);
                }
            }
        }
    }

    #[test]
    fn limit_messages_become_limit_exceeded() {
        let a = http_failure(
            "loganalytics",
            &answer(
                400,
                r#"{"error":{"message":"Response size too large","code":"BadArgumentError","innererror":{"code":"ResponseSizeError","message":"Query result exceeded 64 MB"}}}"#,
            ),
        )
        .unwrap();
        assert_eq!(a.status, ChunkStatus::LimitExceeded);
        assert_eq!(
            a.messages,
            [
                "loganalytics answered http 400",
                "Response size too large",
                "Query result exceeded 64 MB"
            ]
        );
        let a = http_failure("x", &answer(504, "<html>")).unwrap();
        assert_eq!(a.status, ChunkStatus::Timeout);
    }
}
