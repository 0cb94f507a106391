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
    chunks_frame, siem_provider, ChunkStatus, Planned, QueryOutcome, QueryRun, QueryTarget,
    RunMode, RunOptions, SiemType, SPLUNK,
};
use huntkit_core::providers::{HttpRequest, HttpResponse, Method};
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
    while let Some(Planned {
        id, request: req, ..
    }) = run.next_request().unwrap()
    {
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
    while let Some(Planned {
        id, request: req, ..
    }) = run.next_request().unwrap()
    {
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
    let id = run.next_request().unwrap().unwrap().id;
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
    while let Some(Planned { id, .. }) = run.next_request().unwrap() {
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

/// A Splunk run of `Network.list_flows_for_ip` in `jobs` mode.
fn splunk_jobs(options: RunOptions) -> QueryRun {
    let mut store = QueryStore::new();
    store.load_dir(&root().join("queries")).unwrap();
    let t = store
        .get("Network.list_flows_for_ip", Some("Splunk"))
        .unwrap()
        .clone();
    let now = Utc.with_ymd_and_hms(2024, 5, 10, 0, 0, 0).unwrap();
    QueryRun::new(
        "splunk",
        &t,
        &params(json!({"ip": "10.1.2.3"})),
        Some(span("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z")),
        QueryTarget::default(),
        RunOptions {
            mode: RunMode::Jobs,
            ..options
        },
        now,
    )
    .unwrap()
}

/// Splunk's jobs protocol over the fixtures: the status is RUNNING for
/// `running` polls, then `done`; results are sliced by `count`/`offset`.
fn splunk_server(req: &HttpRequest, polls: &mut usize, running: usize, done: &str) -> HttpResponse {
    let q = |k: &str| {
        req.query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.parse::<usize>().unwrap())
    };
    match req.operation.as_str() {
        "job_create" => response(201, &fixture("splunk/job_created.json")),
        "job_status" => {
            *polls += 1;
            if *polls <= running {
                ok(&fixture("splunk/job_running.json"))
            } else {
                ok(&fixture(done))
            }
        }
        "job_results" => {
            let mut all: Json =
                serde_json::from_str(&fixture("splunk/job_results_all.json")).unwrap();
            let rows = all["results"].as_array().unwrap().clone();
            let (count, offset) = (q("count").unwrap(), q("offset").unwrap());
            all["results"] = Json::from(
                rows.into_iter()
                    .skip(offset)
                    .take(count)
                    .collect::<Vec<_>>(),
            );
            ok(&all.to_string())
        }
        "job_control" => {
            assert_eq!(req.body.as_deref(), Some("action=cancel"));
            ok(r#"{"messages":[{"type":"INFO","text":"Search job cancelled."}]}"#)
        }
        other => panic!("unexpected operation {other}"),
    }
}

#[test]
fn splunk_job_is_created_polled_with_backoff_and_read_in_pages() {
    let mut run = splunk_jobs(RunOptions {
        page_size: Some(2),
        ..RunOptions::default()
    });
    let mut polls = 0;
    let mut seen = Vec::new();
    while let Some(Planned {
        id,
        request,
        wait_ms,
    }) = run.next_request().unwrap()
    {
        // Every request passes the registry's allow-list.
        let op = SPLUNK.operation(&request.operation).unwrap();
        assert!(regex::Regex::new(op.path_pattern)
            .unwrap()
            .is_match(&request.path));
        assert_eq!(op.method, request.method);
        seen.push((request.operation.clone(), wait_ms, request.query.clone()));
        let answer = splunk_server(&request, &mut polls, 2, "splunk/job_done.json");
        if request.operation == "job_create" {
            let body = request.body.as_deref().unwrap();
            assert!(body.starts_with("search=search%20"), "{body}");
            assert!(
                body.contains("&exec_mode=normal")
                    && body.contains("&earliest_time=1714521600.000000"),
                "{body}"
            );
        }
        run.submit(id, &answer).unwrap();
    }
    let ops: Vec<(&str, u64)> = seen.iter().map(|(o, w, _)| (o.as_str(), *w)).collect();
    assert_eq!(
        ops,
        [
            ("job_create", 0),
            ("job_status", 500),
            ("job_status", 750),
            ("job_status", 1125),
            ("job_results", 0),
            ("job_results", 0),
            ("job_results", 0)
        ]
    );
    let offsets: Vec<&str> = seen[4..].iter().map(|(_, _, q)| q[2].1.as_str()).collect();
    assert_eq!(offsets, ["0", "2", "4"]);
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Ok, "{:?}", out.chunks);
    assert_eq!(out.table.rows(), 5);
    assert_eq!(
        out.table.names(),
        ["_time", "host", "src_ip", "count", "tag"]
    );
    // Typed as the export path types them: `_time` a timestamp, offsets read.
    assert_eq!(out.table.column(0).time_ms(4), Some(1_714_555_200_000));
    assert_eq!(out.table.column(4).get(3), Some(r#"["auth","failure"]"#));
}

#[test]
fn splunk_job_answers_go_to_their_own_step_only() {
    let mut run = splunk_jobs(RunOptions::default());
    let create = run.next_request().unwrap().unwrap();
    assert!(
        run.next_request().unwrap().is_none(),
        "nothing until the job exists"
    );
    let e = run.submit(create.id + 7, &ok("{}")).unwrap_err();
    assert!(e.to_string().contains("no request"), "{e}");
    run.submit(
        create.id,
        &response(201, &fixture("splunk/job_created.json")),
    )
    .unwrap();
    let poll = run.next_request().unwrap().unwrap();
    assert_ne!(poll.id, create.id);
    assert_eq!(poll.request.path, "/services/search/jobs/1733450000.123");
    // The create's id again (a host replaying an old answer) is refused.
    let e = run.submit(create.id, &ok("{}")).unwrap_err().to_string();
    assert!(
        e.contains(&format!(
            "request {} of chunk 1 was answered already; it awaits request {}",
            create.id, poll.id
        )),
        "{e}"
    );
    let e = run.fail(create.id, ChunkStatus::Error, "x").unwrap_err();
    assert!(e.to_string().contains("answered already"), "{e}");
    run.submit(poll.id, &ok(&fixture("splunk/job_failed.json")))
        .unwrap();
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::QueryError);
    assert_eq!(
        out.chunks[0].messages,
        [
            "splunk job 1733450000.123 failed",
            "FATAL: Error in 'stats' command: The argument 'by' is invalid."
        ]
    );
}

#[test]
fn splunk_job_times_out_zero_results_and_bad_answers() {
    // Never done: polls back off until their waits pass the limit.
    let mut run = splunk_jobs(RunOptions {
        job_timeout_secs: Some(3),
        auto_split: false,
        ..RunOptions::default()
    });
    let mut polls = 0;
    let mut waited = 0;
    while let Some(p) = run.next_request().unwrap() {
        waited += p.wait_ms;
        let a = splunk_server(&p.request, &mut polls, usize::MAX, "");
        run.submit(p.id, &a).unwrap();
    }
    assert_eq!((polls, waited), (3, 2375));
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Timeout);
    assert!(
        out.chunks[0].messages[0].contains("did not finish in 3 s"),
        "{:?}",
        out.chunks
    );

    // Done with no results: no results request at all.
    let mut run = splunk_jobs(RunOptions::default());
    let mut ops = Vec::new();
    while let Some(p) = run.next_request().unwrap() {
        ops.push(p.request.operation.clone());
        let a =
            match p.request.operation.as_str() {
                "job_create" => response(201, &fixture("splunk/job_created.json")),
                _ => ok(&fixture("splunk/job_done.json")
                    .replace("\"resultCount\":5", "\"resultCount\":0")),
            };
        run.submit(p.id, &a).unwrap();
    }
    assert_eq!(ops, ["job_create", "job_status"]);
    let out = run.finish().unwrap();
    assert_eq!((out.status, out.table.rows()), (ChunkStatus::Ok, 0));

    // A sid that is not one, malformed JSON, 401, 429: each a clear status.
    for (status, body, want, message) in [
        (
            201,
            r#"{"sid":"../../admin"}"#,
            ChunkStatus::BadResponse,
            "is not a splunk sid",
        ),
        (201, "{not json", ChunkStatus::BadResponse, "not JSON"),
        (
            401,
            &fixture("splunk/unauthorized.json"),
            ChunkStatus::Unauthorized,
            "http 401",
        ),
        (429, "{}", ChunkStatus::RateLimited, "http 429"),
    ] {
        let mut run = splunk_jobs(RunOptions::default());
        let p = run.next_request().unwrap().unwrap();
        run.submit(p.id, &response(status, body)).unwrap();
        assert!(run.next_request().unwrap().is_none());
        let out = run.finish().unwrap();
        assert_eq!(out.status, want, "{body}");
        assert!(
            out.chunks[0].messages.iter().any(|m| m.contains(message)),
            "{:?}",
            out.chunks
        );
    }

    // A page failing after rows were read keeps them: partial.
    let mut run = splunk_jobs(RunOptions {
        page_size: Some(2),
        ..RunOptions::default()
    });
    let mut polls = 0;
    while let Some(p) = run.next_request().unwrap() {
        let offset = p
            .request
            .query
            .iter()
            .find(|(k, _)| k == "offset")
            .map(|(_, v)| v.clone());
        let a = if offset.as_deref() == Some("2") {
            response(200, "{broken")
        } else {
            splunk_server(&p.request, &mut polls, 0, "splunk/job_done.json")
        };
        run.submit(p.id, &a).unwrap();
    }
    let out = run.finish().unwrap();
    assert_eq!((out.status, out.table.rows()), (ChunkStatus::Partial, 2));
    assert!(
        out.chunks[0]
            .messages
            .iter()
            .any(|m| m.contains("read 2 of 5 rows")),
        "{:?}",
        out.chunks
    );
}

/// Runs a timed-out job (3 s) whose cancel is answered by `cancel`
/// (`Err` = the host could not send it); the requests sent and the outcome.
fn timed_out_job(
    cancel: std::result::Result<HttpResponse, &str>,
) -> (Vec<HttpRequest>, QueryOutcome) {
    let mut run = splunk_jobs(RunOptions {
        job_timeout_secs: Some(3),
        auto_split: false,
        ..RunOptions::default()
    });
    let mut polls = 0;
    let mut sent = Vec::new();
    while let Some(p) = run.next_request().unwrap() {
        sent.push(p.request.clone());
        if p.request.operation == "job_control" {
            assert_eq!(p.wait_ms, 0);
            match &cancel {
                Ok(a) => run.submit(p.id, a).unwrap(),
                Err(m) => run.fail(p.id, ChunkStatus::Error, m).unwrap(),
            }
            continue;
        }
        let a = splunk_server(&p.request, &mut polls, usize::MAX, "");
        run.submit(p.id, &a).unwrap();
    }
    (sent, run.finish().unwrap())
}

#[test]
fn a_job_given_up_on_is_cancelled_and_a_failed_cancel_only_adds_a_message() {
    let (sent, out) = timed_out_job(Ok(ok("{}")));
    let ops: Vec<&str> = sent.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "job_create",
            "job_status",
            "job_status",
            "job_status",
            "job_control"
        ]
    );
    let cancel = sent.last().unwrap();
    assert_eq!(cancel.method, Method::Post);
    assert_eq!(cancel.path, "/services/search/jobs/1733450000.123/control");
    assert_eq!(cancel.body.as_deref(), Some("action=cancel"));
    let op = SPLUNK.operation("job_control").unwrap();
    assert_eq!(op.method, Method::Post);
    assert!(regex::Regex::new(op.path_pattern)
        .unwrap()
        .is_match(&cancel.path));
    assert!(!regex::Regex::new(op.path_pattern)
        .unwrap()
        .is_match("/services/search/jobs/../control"));
    assert_eq!(out.status, ChunkStatus::Timeout);
    let m = &out.chunks[0].messages;
    assert!(m[0].contains("did not finish in 3 s"), "{m:?}");
    assert!(
        m.contains(&"splunk job 1733450000.123 was cancelled".to_string()),
        "{m:?}"
    );

    // A refused cancel, or one the host could not send: still `timeout`.
    for (cancel, why) in [
        (Ok(response(500, "{}")), "HTTP 500"),
        (Err("connection refused"), "connection refused"),
    ] {
        let (sent, out) = timed_out_job(cancel);
        assert_eq!(sent.last().unwrap().operation, "job_control");
        assert_eq!(out.status, ChunkStatus::Timeout, "{:?}", out.chunks);
        let m = &out.chunks[0].messages;
        assert!(
            m.iter().any(
                |x| x.starts_with("could not cancel splunk job 1733450000.123")
                    && x.contains(why)
                    && x.contains("until its TTL")
            ),
            "{m:?}"
        );
    }

    // A status poll the host could not send: the job is cancelled too, and
    // the chunk keeps the poll's failure.
    let mut run = splunk_jobs(RunOptions::default());
    let create = run.next_request().unwrap().unwrap();
    run.submit(
        create.id,
        &response(201, &fixture("splunk/job_created.json")),
    )
    .unwrap();
    let poll = run.next_request().unwrap().unwrap();
    run.fail(poll.id, ChunkStatus::Error, "splunk is unreachable")
        .unwrap();
    let cancel = run.next_request().unwrap().unwrap();
    assert_eq!(cancel.request.operation, "job_control");
    run.submit(cancel.id, &ok("{}")).unwrap();
    assert!(run.next_request().unwrap().is_none());
    let out = run.finish().unwrap();
    assert_eq!(out.status, ChunkStatus::Error);
    assert_eq!(
        out.chunks[0].messages,
        [
            "splunk is unreachable",
            "splunk job 1733450000.123 was cancelled"
        ]
    );

    // A job that failed on the server is not running: no cancel; nor a
    // create that failed (no job); nor a job whose rows were all read.
    let mut run = splunk_jobs(RunOptions::default());
    let create = run.next_request().unwrap().unwrap();
    run.fail(create.id, ChunkStatus::Error, "down").unwrap();
    assert!(run.next_request().unwrap().is_none());
    let mut run = splunk_jobs(RunOptions::default());
    let mut polls = 0;
    while let Some(p) = run.next_request().unwrap() {
        assert_ne!(p.request.operation, "job_control");
        let a = splunk_server(&p.request, &mut polls, 1, "splunk/job_done.json");
        run.submit(p.id, &a).unwrap();
    }
    assert_eq!(run.finish().unwrap().status, ChunkStatus::Ok);
}

#[test]
fn jobs_mode_is_refused_where_there_are_no_jobs_and_bounds_checked() {
    let e = dns_run(
        "loganalytics",
        None,
        workspace(),
        RunOptions {
            mode: RunMode::Jobs,
            ..RunOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("loganalytics has no search jobs"),
        "{e}"
    );
    let mut store = QueryStore::new();
    store.load_dir(&root().join("queries")).unwrap();
    let t = store
        .get("Network.list_flows_for_ip", Some("Splunk"))
        .unwrap();
    for (o, m) in [
        (
            RunOptions {
                page_size: Some(0),
                ..RunOptions::default()
            },
            "page size 0",
        ),
        (
            RunOptions {
                page_size: Some(50_001),
                ..RunOptions::default()
            },
            "page size 50001",
        ),
        (
            RunOptions {
                job_timeout_secs: Some(0),
                ..RunOptions::default()
            },
            "job timeout 0 s",
        ),
    ] {
        let e = QueryRun::new(
            "splunk",
            t,
            &params(json!({"ip": "1.2.3.4"})),
            None,
            QueryTarget::default(),
            o,
            Utc::now(),
        )
        .unwrap_err();
        assert!(e.to_string().contains(m), "{e}");
    }
}
