//! SIEM answers from `tests/fixtures/providers/`: every case in
//! `siem_cases.json` names a provider, an HTTP status and a body in the
//! provider's documented shape (rows of every type, partial errors, limits,
//! 401/403/404/429, malformed), and what the core must make of it: the
//! status, the rows, the column types and some cells. Then whole runs:
//! split by time, a chunk over the limit split again, failures listed.
//! The CLI's test serves the same files over loopback.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use huntkit_core::providers::siem::{
    chunks_frame, siem_provider, ChunkStatus, QueryRun, QueryTarget, RunOptions, SiemType,
};
use huntkit_core::providers::HttpResponse;
use huntkit_core::queries::{QueryStore, Template, TimeSpan};
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

#[derive(Deserialize)]
struct Case {
    provider: String,
    #[serde(rename = "httpStatus")]
    http_status: u16,
    body: String,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    status: String,
    rows: usize,
    #[serde(default)]
    columns: Map<String, Json>,
    #[serde(default)]
    cells: Map<String, Json>,
    message: Option<String>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/providers").join(name)).unwrap()
}

fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.to_string(),
    }
}

fn ok(body: &str) -> HttpResponse {
    response(200, body)
}

#[test]
fn fixture_cases() {
    let cases: Vec<Case> = serde_json::from_str(&fixture("siem_cases.json")).unwrap();
    assert!(cases.len() >= 25);
    for case in &cases {
        let what = format!("{} {}", case.provider, case.body);
        let p = siem_provider(&case.provider).unwrap();
        let answer = (p.parse)(&response(case.http_status, &fixture(&case.body)));
        assert_eq!(
            answer.status.name(),
            case.expect.status,
            "{what}: {:?}",
            answer.messages
        );
        assert_eq!(answer.rows.rows.len(), case.expect.rows, "{what}");
        if let Some(m) = &case.expect.message {
            assert!(
                answer.messages.iter().any(|x| x.contains(m.as_str())),
                "{what}: {m:?} not in {:?}",
                answer.messages
            );
        }
        if answer.status != ChunkStatus::Ok {
            assert!(!answer.messages.is_empty(), "{what}: a failure says why");
        }
        let (table, _) = answer.rows.to_table().unwrap();
        for (name, kind) in &case.expect.columns {
            let col = answer
                .rows
                .columns
                .iter()
                .find(|c| &c.name == name)
                .unwrap_or_else(|| panic!("{what}: no column {name}"));
            assert_eq!(
                serde_json::to_value(col.kind).unwrap(),
                *kind,
                "{what}: {name}"
            );
        }
        if !case.expect.columns.is_empty() {
            assert_eq!(table.names().len(), case.expect.columns.len(), "{what}");
        }
        for (name, cell) in &case.expect.cells {
            let i = table.column_index(name).unwrap();
            assert_eq!(table.column(i).get(0), cell.as_str(), "{what}: {name}");
        }
    }
    // Every provider has a hit and a failure among the cases.
    for p in huntkit_core::providers::siem::providers() {
        let mine: Vec<&Case> = cases.iter().filter(|c| c.provider == p.name()).collect();
        assert!(mine.iter().any(|c| c.expect.status == "ok"), "{}", p.name());
        assert!(mine.iter().any(|c| c.expect.status != "ok"), "{}", p.name());
    }
}

/// Arrow types of the typed answer: what a view reads.
#[test]
fn typed_arrow_columns() {
    let p = siem_provider("loganalytics").unwrap();
    let a = (p.parse)(&ok(&fixture("loganalytics/query_ok.json")));
    let (t, notes) = a.rows.to_table().unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let batch = t.to_record_batch().unwrap();
    let types: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().to_string())
        .collect();
    assert_eq!(
        types,
        [
            "Timestamp(µs, \"UTC\")",
            "Utf8",
            "Int32",
            "Int64",
            "Float64",
            "Boolean",
            "Utf8",
            "Utf8",
            "Utf8"
        ]
    );
    assert_eq!(t.column(0).time_ms(0), Some(1_714_557_600_123));
    assert_eq!(t.column(3).integer(1), Some(9_007_199_254_740_993));
    assert_eq!(t.column(5).boolean(1), Some(false));
    assert_eq!(
        t.column(6).get(0),
        Some(r#"{"LogonType":3,"Ip":"10.1.2.3"}"#)
    );
    assert_eq!(SiemType::from_name("Int64"), SiemType::Long);
}

/// The Sentinel DNS template every run below uses.
fn dns_template() -> Template {
    let mut store = QueryStore::new();
    store.load_dir(&root().join("queries")).unwrap();
    store
        .get("Dns.list_dns_queries_for_domain", Some("MSSentinel"))
        .unwrap()
        .clone()
}

/// A run of the DNS template for `evil.example` on `provider`.
fn dns_run(
    provider: &str,
    span: Option<TimeSpan>,
    target: QueryTarget,
    options: RunOptions,
) -> huntkit_core::Result<QueryRun> {
    let now = Utc.with_ymd_and_hms(2024, 5, 10, 0, 0, 0).unwrap();
    let params = params(json!({"domain": "evil.example"}));
    QueryRun::new(
        provider,
        &dns_template(),
        &params,
        span,
        target,
        options,
        now,
    )
}

/// The start of a Log Analytics request's `timespan`.
fn timespan_start(body: Option<&str>) -> String {
    let body: Json = serde_json::from_str(body.unwrap()).unwrap();
    body["timespan"]
        .as_str()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

fn span(start: &str, end: &str) -> TimeSpan {
    TimeSpan::new(Some(start), Some(end), None, Utc::now()).unwrap()
}

fn workspace() -> QueryTarget {
    QueryTarget {
        workspace_id: Some("52b1ab41-869e-4138-9e40-2a4457f09bf0".into()),
        database: None,
    }
}

fn params(v: Json) -> Map<String, Json> {
    v.as_object().unwrap().clone()
}

/// One answer per chunk: rows stamped with the chunk's start, so the test
/// sees the concatenation order.
fn la_rows(start: &str, n: usize) -> String {
    let rows: Vec<Json> = (0..n).map(|i| json!([start, format!("h{i}")])).collect();
    json!({"tables": [{"name": "PrimaryResult",
        "columns": [{"name": "TimeGenerated", "type": "datetime"}, {"name": "Computer", "type": "string"}],
        "rows": rows}]})
    .to_string()
}

#[test]
fn split_by_renders_runs_and_concatenates_each_chunk() {
    let mut run = dns_run(
        "loganalytics",
        Some(span("2024-05-01T00:00:00Z", "2024-05-04T23:59:59Z")),
        workspace(),
        RunOptions {
            split_by: Some("1d".into()),
            ..RunOptions::default()
        },
    )
    .unwrap();
    assert_eq!(run.chunk_count(), 4, "one chunk a day");
    let queries = run.queries();
    assert!(
        queries[0]
            .contains("datetime(2024-05-01T00:00:00Z) .. datetime(2024-05-01T23:59:59.999999999Z)"),
        "{}",
        queries[0]
    );
    assert!(queries[1].contains("datetime(2024-05-02T00:00:00Z)"));
    let mut sent = Vec::new();
    while let Some((id, req)) = run.next_request().unwrap() {
        let start = timespan_start(req.body.as_deref());
        sent.push(start.clone());
        match sent.len() {
            // Day 2 fails outright; day 3 is partial.
            2 => run
                .submit(id, &response(403, &fixture("loganalytics/forbidden.json")))
                .unwrap(),
            3 => run
                .submit(id, &ok(&fixture("loganalytics/partial_error.json")))
                .unwrap(),
            _ => run.submit(id, &ok(&la_rows(&start, 2))).unwrap(),
        }
    }
    assert_eq!(sent.len(), 4);
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Partial);
    let statuses: Vec<&str> = out.chunks.iter().map(|c| c.status.name()).collect();
    assert_eq!(statuses, ["ok", "forbidden", "partial", "ok"]);
    assert_eq!(out.chunks[1].start.as_deref(), Some("2024-05-02T00:00:00Z"));
    assert!(out.chunks[1]
        .messages
        .iter()
        .any(|m| m.contains("insufficient access")));
    assert_eq!(out.table.rows(), 2 + 1 + 2);
    assert_eq!(out.table.column(0).time_ms(0), Some(1_714_521_600_000));
    assert_eq!(
        out.table.column(1).get(2),
        Some("WKS-1"),
        "chunk 3's row after chunk 1's"
    );
    let frame = chunks_frame(&out.chunks);
    assert_eq!(
        frame.names(),
        ["Chunk", "Start", "End", "Status", "Rows", "Message"]
    );
    assert_eq!(frame.rows(), 4);
}

#[test]
fn a_chunk_over_the_limit_is_split_again() {
    let day = || Some(span("2024-05-01T00:00:00Z", "2024-05-01T23:59:59Z"));
    let mut run = dns_run("loganalytics", day(), workspace(), RunOptions::default()).unwrap();
    let mut answered = 0;
    while let Some((id, req)) = run.next_request().unwrap() {
        answered += 1;
        let start = timespan_start(req.body.as_deref());
        if answered == 1 {
            run.submit(id, &ok(&fixture("loganalytics/limit_exceeded.json")))
                .unwrap();
        } else {
            run.submit(id, &ok(&la_rows(&start, 1))).unwrap();
        }
    }
    assert_eq!(answered, 3, "the whole day, then its two halves");
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Ok);
    assert_eq!(out.chunks.len(), 2);
    assert_eq!(
        out.chunks[1].start.as_deref(),
        Some("2024-05-01T11:59:59.500Z")
    );
    assert!(out.chunks[0].messages[0].starts_with("split from 2024-05-01T00:00:00Z"));
    assert_eq!(out.table.rows(), 2);

    // With automatic splits off, the limit is reported with what to do.
    let mut run = dns_run(
        "loganalytics",
        day(),
        workspace(),
        RunOptions {
            auto_split: false,
            ..RunOptions::default()
        },
    )
    .unwrap();
    let (id, _) = run.next_request().unwrap().unwrap();
    run.submit(id, &ok(&fixture("loganalytics/limit_exceeded.json")))
        .unwrap();
    assert!(run.next_request().unwrap().is_none());
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Partial);
    assert_eq!(out.chunks[0].status, ChunkStatus::LimitExceeded);
    assert_eq!(out.table.rows(), 2, "the rows it did return are kept");
    assert!(out.chunks[0]
        .messages
        .iter()
        .any(|m| m.contains("split_by")));
}

#[test]
fn runs_refuse_what_cannot_work() {
    let split = |by: &str| RunOptions {
        split_by: Some(by.into()),
        ..RunOptions::default()
    };
    let year = || Some(span("2024-01-01T00:00:00Z", "2024-12-01T00:00:00Z"));
    // (provider, span, target, options, what the error says)
    let cases = [
        (
            "splunk",
            None,
            QueryTarget::default(),
            RunOptions::default(),
            "is written for MSSentinel, not for splunk",
        ),
        (
            "nope",
            None,
            workspace(),
            RunOptions::default(),
            "the providers are loganalytics, m365d, kusto, splunk",
        ),
        (
            "loganalytics",
            None,
            workspace(),
            split("1d"),
            "needs a time range",
        ),
        (
            "loganalytics",
            year(),
            workspace(),
            split("1min"),
            "more than 1000",
        ),
    ];
    for (provider, span, target, options, says) in cases {
        let e = dns_run(provider, span, target, options).unwrap_err();
        assert!(e.to_string().contains(says), "{provider}: {e}");
    }
    // A missing parameter fails before anything is sent.
    let e = QueryRun::new(
        "loganalytics",
        &dns_template(),
        &Map::new(),
        None,
        workspace(),
        RunOptions::default(),
        Utc::now(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("domain"), "{e}");
    // No workspace: the message says where to set it.
    let mut run = dns_run(
        "loganalytics",
        None,
        QueryTarget::default(),
        RunOptions::default(),
    )
    .unwrap();
    let e = run.next_request().unwrap_err();
    assert!(e.to_string().contains("AzureSentinel.Workspaces"), "{e}");
}

#[test]
fn a_run_whose_every_chunk_failed_still_reports_them_with_an_empty_table() {
    let mut run = dns_run(
        "loganalytics",
        Some(span("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")),
        workspace(),
        RunOptions::default(),
    )
    .unwrap();
    while let Some((id, _)) = run.next_request().unwrap() {
        run.submit(
            id,
            &HttpResponse {
                status: 429,
                headers: vec![("retry-after".into(), "600".into())],
                body: fixture("loganalytics/throttled.json"),
            },
        )
        .unwrap();
    }
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::RateLimited);
    assert_eq!(out.table.rows(), 0);
    assert!(out.chunks[0]
        .messages
        .iter()
        .any(|m| m.contains("Too many requests")));
    // No columns: the stream is a schema with no fields, readable, no batch.
    let ipc = out.arrow_ipc().unwrap();
    let reader = arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(ipc), None).unwrap();
    assert_eq!(reader.schema().fields().len(), 0);
    assert_eq!(reader.count(), 0);
}
