//! `huntkit query run` end to end over loopback: a real HTTP server on
//! 127.0.0.1 (a thread in this test) speaks each provider's protocol — the
//! Azure AD token endpoint, the Log Analytics query API, Defender advanced
//! hunting, Kusto v2 and Splunk's export — from the files in
//! `tests/fixtures/providers/`, and checks each request's credentials and
//! body; the built binary is pointed at it with `HUNTKIT_PROVIDER_BASE_URLS`.

use crate::fixture_server::{self, fixture, huntkit, serve, Seen};
use std::path::PathBuf;
use std::process::Output;

type Answer = (u16, String);

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const WORKSPACE: &str = "52b1ab41-869e-4138-9e40-2a4457f09bf0";
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fixture-token.sig";

/// Log Analytics rows stamped with the chunk's start.
fn la_rows(start: &str) -> String {
    serde_json::json!({"tables": [{"name": "PrimaryResult",
        "columns": [{"name": "TimeGenerated", "type": "datetime"}, {"name": "Computer", "type": "string"},
                    {"name": "Count", "type": "long"}],
        "rows": [[start, "WKS-1", 7]]}]})
    .to_string()
}

/// The providers as this test's server plays them.
fn providers(seen: &Seen, _count: usize) -> Answer {
    let auth = seen.headers.get("authorization").map(String::as_str);
    let bearer = format!("Bearer {TOKEN}");
    let t = seen.target.as_str();
    if t == format!("/aad/{TENANT}/oauth2/v2.0/token") {
        let b = &seen.body;
        let ok = seen.method == "POST"
            && b.contains("grant_type=client_credentials")
            && b.contains("client_id=app-id")
            && b.contains("scope=https%3A%2F%2Fapi.loganalytics.io%2F.default");
        return if ok && b.contains("client_secret=right%2Bsecret") {
            (200, fixture("azuread/token_ok.json"))
        } else {
            (401, fixture("azuread/invalid_client.json"))
        };
    }
    if t == format!("/la/v1/workspaces/{WORKSPACE}/query") {
        if auth != Some(bearer.as_str()) {
            return (401, fixture("loganalytics/unauthorized.json"));
        }
        let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
        let span = body["timespan"].as_str().unwrap_or("");
        let start = span.split('/').next().unwrap_or("").to_string();
        if !body["query"]
            .as_str()
            .unwrap_or("")
            .contains("evil.example")
        {
            return (400, fixture("loganalytics/bad_query.json"));
        }
        return if start.starts_with("2024-05-02") {
            (403, fixture("loganalytics/forbidden.json"))
        } else {
            (200, la_rows(&start))
        };
    }
    if t == "/mde/api/advancedhunting/run" {
        return if auth == Some("Bearer pre-obtained") {
            (200, fixture("m365d/query_ok.json"))
        } else {
            (401, fixture("m365d/unauthorized.json"))
        };
    }
    if t == "/kusto/v2/rest/query" {
        let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
        return if auth == Some("Bearer pre-obtained") && body["db"] == "Samples" {
            (200, fixture("kusto/query_ok.json"))
        } else {
            (401, fixture("kusto/unauthorized.json"))
        };
    }
    if t == "/splunk/services/search/jobs/export" {
        // "hunter:pw" in basic auth, or the token.
        let ok = matches!(
            auth,
            Some("Basic aHVudGVyOnB3") | Some("Bearer splunk-token")
        );
        return if !ok {
            (401, fixture("splunk/unauthorized.json"))
        } else if seen.body.contains("output_mode=json")
            && seen.body.starts_with("search=search%20index%3Dnetwork")
        {
            (200, fixture("splunk/export_ok.json"))
        } else {
            (400, fixture("splunk/fatal.json"))
        };
    }
    (404, "{}".into())
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    fixture_server::temp_file("query", name, text)
}

fn config() -> String {
    let text = format!(
        "\
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: {WORKSPACE}
      TenantId: {TENANT}
DataProviders:
  AzureCLI:
    Args:
      clientId: app-id
      clientSecret:
        EnvironmentVar: HK_TEST_AZ_SECRET
  Splunk:
    Args:
      host: splunk.example.com
      username: hunter
      password: pw
"
    );
    temp_file("msticpyconfig.yaml", &text).display().to_string()
}

fn bases(port: u16) -> String {
    let b = format!("http://127.0.0.1:{port}");
    format!("azuread={b}/aad,loganalytics={b}/la,m365d={b}/mde,kusto={b}/kusto,splunk={b}/splunk")
}

/// `huntkit query run TEMPLATE --provider PROVIDER` then `rest`.
fn query_run(template: &str, provider: &str, rest: &[&str], env: &[(&str, String)]) -> Output {
    let mut args = vec!["query", "run", template, "--provider", provider];
    args.extend_from_slice(rest);
    huntkit(&args, env)
}

fn ndjson(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn log_analytics_with_client_credentials_split_by_day() {
    let (port, log) = serve(providers);
    let out = query_run(
        "Dns.list_dns_queries_for_domain",
        "sentinel",
        &[
            "-p",
            "domain=evil.example",
            "--start",
            "2024-05-01T00:00:00Z",
            "--end",
            "2024-05-03T23:59:59Z",
            "--split-by",
            "1d",
            "--config",
            &config(),
            "--format",
            "ndjson",
        ],
        &[
            ("HUNTKIT_PROVIDER_BASE_URLS", bases(port)),
            ("HK_TEST_AZ_SECRET", "right+secret".into()),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rows = ndjson(&out);
    // Day 2 was refused: its chunk is listed, the others' rows kept.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["TimeGenerated"], "2024-05-01T00:00:00Z");
    assert_eq!(rows[1]["TimeGenerated"], "2024-05-03T00:00:00Z");
    assert_eq!(rows[0]["Count"], 7, "long stays a number");
    assert!(stderr.contains("forbidden"), "{stderr}");
    assert!(stderr.contains("2024-05-02T00:00:00Z"), "{stderr}");
    assert!(stderr.contains("partial result"), "{stderr}");
    let log = log.lock().unwrap();
    let tokens = log.iter().filter(|s| s.target.contains("/oauth2/")).count();
    assert_eq!(tokens, 1, "one token for the whole run");
    let queries: Vec<&Seen> = log
        .iter()
        .filter(|s| s.target.starts_with("/la/"))
        .collect();
    assert_eq!(queries.len(), 3);
    assert!(queries[0]
        .body
        .contains("datetime(2024-05-01T00:00:00Z) .. datetime(2024-05-01T23:59:59.999999999Z)"));
    // The secret went to the token endpoint only.
    assert!(queries
        .iter()
        .all(|q| !q.body.contains("right") && !q.headers.values().any(|v| v.contains("right"))));
}

#[test]
fn wrong_secret_and_missing_credentials_fail_clearly() {
    let (port, log) = serve(providers);
    let args = [
        "query",
        "run",
        "Dns.list_dns_queries_for_domain",
        "--provider",
        "loganalytics",
        "-p",
        "domain=evil.example",
    ];
    let cfg = config();
    let mut with_config: Vec<&str> = args.to_vec();
    with_config.extend(["--config", cfg.as_str()]);
    let out = huntkit(
        &with_config,
        &[
            ("HUNTKIT_PROVIDER_BASE_URLS", bases(port)),
            ("HK_TEST_AZ_SECRET", "wrong".into()),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("azure sign-in failed: http 401 invalid_client AADSTS7000215"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("wrong"),
        "the secret is not echoed: {stderr}"
    );
    assert!(log
        .lock()
        .unwrap()
        .iter()
        .all(|s| !s.target.starts_with("/la/")));
    // No secret at all: the message names where to put one; nothing is sent.
    let before = log.lock().unwrap().len();
    let out = huntkit(&with_config, &[("HUNTKIT_PROVIDER_BASE_URLS", bases(port))]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("HK_TEST_AZ_SECRET, which is not set"),
        "{stderr}"
    );
    assert_eq!(log.lock().unwrap().len(), before);
    // No workspace configured.
    let out = huntkit(&args, &[("HUNTKIT_PROVIDER_BASE_URLS", bases(port))]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no AzureSentinel.Workspaces entry"),
        "{stderr}"
    );
    // An expired token: the provider's 401 is the error.
    let out = huntkit(
        &with_config,
        &[
            ("HUNTKIT_PROVIDER_BASE_URLS", bases(port)),
            ("HUNTKIT_AZURE_TOKEN", "expired".into()),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("loganalytics query failed (unauthorized)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Valid authentication was not provided"),
        "{stderr}"
    );
}

#[test]
fn defender_kusto_and_splunk() {
    let (port, log) = serve(providers);
    let env = [
        ("HUNTKIT_PROVIDER_BASE_URLS", bases(port)),
        ("HUNTKIT_AZURE_TOKEN", "pre-obtained".into()),
    ];
    let out = query_run(
        "MDE.list_alerts_for_ip",
        "m365d",
        &["-p", "ip=185.220.101.1", "--format", "ndjson"],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = ndjson(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["ProcessId"], 4312);
    assert_eq!(rows[0]["IsElevated"], true);
    assert_eq!(
        rows[0]["AdditionalFields"],
        r#"{"Command":"powershell -enc ZQBjAGgAbwA="}"#
    );
    let sent = log.lock().unwrap().last().unwrap().body.clone();
    assert!(sent.starts_with(r#"{"Query":"AlertEvidence"#), "{sent}");
    assert!(sent.contains("185.220.101.1"), "{sent}");

    let out = query_run(
        "Storm.list_storms_in_state",
        "kusto",
        &[
            "--dir",
            "tests/fixtures/queries_kusto",
            "-p",
            "state=florida",
            "--format",
            "csv",
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "StartTime,State,DamageProperty,Injuries,Lat,Verified,StormSummary,Cost\n"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);
    let sent: serde_json::Value =
        serde_json::from_str(&log.lock().unwrap().last().unwrap().body).unwrap();
    assert_eq!(
        sent["db"], "Samples",
        "the database from the template's metadata"
    );
    assert!(sent["csl"].as_str().unwrap().contains("State =~ 'florida'"));

    let cfg = config();
    let out = query_run(
        "Network.list_flows_for_ip",
        "splunk",
        &["-p", "ip=10.1.2.3", "--config", &cfg, "--format", "ndjson"],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = ndjson(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["tag"], r#"["auth","failure"]"#);
    assert_eq!(
        rows[2]["_time"], "2024-05-01T09:00:00Z",
        "offsets read as UTC"
    );
    let sent = log.lock().unwrap().last().unwrap().body.clone();
    assert!(sent.contains("&earliest_time="), "{sent}");

    // A Splunk token from the environment wins over basic authentication.
    let token_cfg = temp_file(
        "splunk-token.yaml",
        "DataProviders:\n  Splunk:\n    Args:\n      host: splunk.example.com\n      bearer_token:\n        EnvironmentVar: HK_SPLUNK_TOKEN\n",
    );
    let out = query_run(
        "Network.list_flows_for_ip",
        "splunk",
        &[
            "-p",
            "ip=10.1.2.3",
            "--config",
            token_cfg.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &[
            ("HUNTKIT_PROVIDER_BASE_URLS", bases(port)),
            ("HK_SPLUNK_TOKEN", "splunk-token".into()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ndjson(&out).len(), 3);
}

#[test]
fn hosts_must_be_loopback_or_https_and_templates_must_fit() {
    let out = query_run(
        "MDE.list_alerts_for_ip",
        "m365d",
        &["-p", "ip=1.2.3.4"],
        &[(
            "HUNTKIT_PROVIDER_BASE_URLS",
            "m365d=http://10.0.0.1:80".into(),
        )],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback address"));
    let out = query_run(
        "MDE.list_alerts_for_ip",
        "splunk",
        &["-p", "ip=1.2.3.4"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is written for MDE, not for splunk"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg = temp_file(
        "splunk-http.yaml",
        "DataProviders:\n  Splunk:\n    Args:\n      host: http://splunk.example.com\n      username: u\n      password: p\n",
    );
    let out = query_run(
        "Network.list_flows_for_ip",
        "splunk",
        &["-p", "ip=1.2.3.4", "--config", cfg.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https only"));
}

/// Splunk's search-jobs protocol as this test's server plays it: the first
/// job create is throttled (429, Retry-After 1 s); a job is RUNNING for
/// two polls, then DONE with 5 rows served by `count`/`offset`; a search
/// for 10.6.6.6 makes a job that FAILED with Splunk's message; one for
/// 10.7.7.7 a job that never finishes, which answers a cancel.
fn splunk_jobs(seen: &Seen, count: usize) -> fixture_server::Reply {
    let auth = seen.headers.get("authorization").map(String::as_str);
    if auth != Some("Basic aHVudGVyOnB3") {
        return (401, fixture("splunk/unauthorized.json")).into();
    }
    let (path, query) = seen.target.split_once('?').unwrap_or((&seen.target, ""));
    let arg = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    match (seen.method.as_str(), path) {
        ("POST", "/splunk/services/search/jobs") => {
            if count == 0 {
                return (
                    429,
                    vec![("retry-after", "1".to_string())],
                    r#"{"messages":[{"type":"ERROR","text":"too many requests"}]}"#.to_string(),
                )
                    .into();
            }
            let b = &seen.body;
            assert!(b.starts_with("search=search%20"), "{b}");
            assert!(
                b.contains("output_mode=json") && b.contains("exec_mode=normal"),
                "{b}"
            );
            let sid = if b.contains("10.6.6.6") {
                "1733450000.124"
            } else if b.contains("10.7.7.7") {
                "1733450000.125"
            } else {
                "1733450000.123"
            };
            (201, format!(r#"{{"sid":"{sid}"}}"#)).into()
        }
        ("GET", "/splunk/services/search/jobs/1733450000.123") => {
            assert_eq!(arg("output_mode").as_deref(), Some("json"));
            if count < 2 {
                (200, fixture("splunk/job_running.json")).into()
            } else {
                (200, fixture("splunk/job_done.json")).into()
            }
        }
        ("GET", "/splunk/services/search/jobs/1733450000.124") => {
            (200, fixture("splunk/job_failed.json")).into()
        }
        ("GET", "/splunk/services/search/jobs/1733450000.125") => {
            (200, fixture("splunk/job_running.json")).into()
        }
        ("POST", "/splunk/services/search/jobs/1733450000.125/control") => {
            assert_eq!(seen.body, "action=cancel");
            (
                200,
                r#"{"messages":[{"type":"INFO","text":"Search job cancelled."}]}"#.to_string(),
            )
                .into()
        }
        ("GET", "/splunk/services/search/jobs/1733450000.123/results") => {
            let n: usize = arg("count").unwrap().parse().unwrap();
            let at: usize = arg("offset").unwrap().parse().unwrap();
            let mut all: serde_json::Value =
                serde_json::from_str(&fixture("splunk/job_results_all.json")).unwrap();
            let rows: Vec<serde_json::Value> = all["results"]
                .as_array()
                .unwrap()
                .iter()
                .skip(at)
                .take(n)
                .cloned()
                .collect();
            all["results"] = rows.into();
            (200, all.to_string()).into()
        }
        _ => (404, "{}".to_string()).into(),
    }
}

#[test]
fn splunk_search_jobs_are_polled_paged_and_429s_retried() {
    let (port, log) = serve(splunk_jobs);
    let env = [("HUNTKIT_PROVIDER_BASE_URLS", bases(port))];
    let cfg = config();
    let run = |ip: &str, cfg: &str| {
        query_run(
            "Network.list_flows_for_ip",
            "splunk",
            &[
                "-p",
                &format!("ip={ip}"),
                "--mode",
                "jobs",
                "--page-size",
                "2",
                "--config",
                cfg,
                "--format",
                "ndjson",
            ],
            &env,
        )
    };
    let out = run("10.1.2.3", &cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rows = ndjson(&out);
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(rows[3]["tag"], r#"["auth","failure"]"#);
    assert_eq!(
        rows[4]["_time"], "2024-05-01T09:20:00Z",
        "typed as export types them"
    );
    let sent: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s.method, s.target))
        .collect();
    let jobs = "/splunk/services/search/jobs";
    let status = format!("GET {jobs}/1733450000.123?output_mode=json");
    let page =
        |o: u32| format!("GET {jobs}/1733450000.123/results?output_mode=json&count=2&offset={o}");
    assert_eq!(
        sent,
        [
            format!("POST {jobs}"),
            format!("POST {jobs}"),
            status.clone(),
            status.clone(),
            status,
            page(0),
            page(2),
            page(4)
        ],
        "the 429 retried after its Retry-After, polled until DONE, read in pages"
    );

    // A failed job: Splunk's own message, a clear failure.
    let out = run("10.6.6.6", &cfg);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("splunk query failed (query_error)")
            && stderr.contains("The argument 'by' is invalid"),
        "{stderr}"
    );

    // Wrong credentials: unauthorized at the job create.
    let bad = temp_file(
        "splunk-bad.yaml",
        "DataProviders:\n  Splunk:\n    Args:\n      host: splunk.example.com\n      username: hunter\n      password: wrong\n",
    );
    let out = run("10.1.2.3", bad.to_str().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("(unauthorized)"), "{stderr}");
}

#[test]
fn the_configured_mode_runs_jobs_and_a_timed_out_job_is_cancelled() {
    let (port, log) = serve(splunk_jobs);
    let env = [("HUNTKIT_PROVIDER_BASE_URLS", bases(port))];
    // No --mode: msticpyconfig says jobs, with a 1 s job timeout.
    let cfg = temp_file(
        "splunk-jobs.yaml",
        "DataProviders:\n  Splunk:\n    Args:\n      host: splunk.example.com\n      username: hunter\n      password: pw\n      mode: jobs\n      job_timeout: 1\n",
    );
    let out = query_run(
        "Network.list_flows_for_ip",
        "splunk",
        &[
            "-p",
            "ip=10.7.7.7",
            "--no-auto-split",
            "--config",
            cfg.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &env,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("(timeout)"), "{stderr}");
    assert!(
        stderr.contains("splunk job 1733450000.125 was cancelled"),
        "{stderr}"
    );
    let sent: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s.method, s.target, s.body.len()))
        .collect();
    let jobs = "/splunk/services/search/jobs";
    // The first create is throttled (429) and retried, as above.
    assert_eq!(sent.len(), 4, "{sent:?}");
    assert!(sent[1].starts_with(&format!("POST {jobs} ")), "{sent:?}");
    assert_eq!(
        sent[2..],
        [
            format!("GET {jobs}/1733450000.125?output_mode=json 0"),
            format!("POST {jobs}/1733450000.125/control 13"),
        ]
    );
}
