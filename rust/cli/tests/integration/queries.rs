//! `huntkit queries` end to end: the library in `queries/`, the demo data
//! through its LocalData manifest, and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn huntkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huntkit"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_dir(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "huntkit-queries-{}-{}",
        std::process::id(),
        files.len() * 1000 + files.first().map_or(0, |f| f.1.len())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn list_filters_by_environment_alias_and_entity() {
    let o = huntkit(&["queries", "list", "--env", "MDATP", "--entity", "file_hash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = stdout(&o)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "MDE.list_alerts_for_hash",
            "MDE.list_file_events_by_hash",
            "MDE.list_processes_by_hash"
        ]
    );
    let o = huntkit(&["queries", "list", "--format", "json", "--search", "sudo"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let envs: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["environments"][0].as_str().unwrap())
        .collect();
    assert_eq!(envs, ["MSSentinel", "Splunk"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn show_and_render() {
    let o = huntkit(&["queries", "show", "MDE.list_connections_to_ports"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("  ports: list = [22,3389,445,5985]  Remote ports"),
        "{out}"
    );
    assert!(
        out.contains("  host_name: str (required) [aka host]"),
        "{out}"
    );
    let o = huntkit(&[
        "queries",
        "render",
        "WindowsSecurity.list_host_logons",
        "--env",
        "LogAnalytics",
        "-p",
        "host=WEB-01' or true",
        "-p",
        "start=-1w@d",
        "-p",
        "unused=1",
        "--now",
        "2024-03-06T10:00:00Z",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "SecurityEvent\n\
         | where TimeGenerated between (datetime(2024-02-28T00:00:00Z) .. datetime(2024-03-06T10:00:00Z))\n\
         | where EventID == 4624\n\
         | where Computer has 'WEB-01\\' or true'\n\
         | project TimeGenerated, Computer, EventID, TargetUserName, TargetDomainName, LogonType, IpAddress, WorkstationName, LogonProcessName, Status, SubStatus\n"
    );
    assert_eq!(
        stderr(&o),
        "huntkit: WindowsSecurity.list_host_logons takes no parameter \"unused\" (ignored)\n"
    );
}

#[test]
fn run_answers_from_the_demo_data() {
    let o = huntkit(&[
        "queries",
        "run",
        "WindowsSecurity.list_host_logons",
        "--manifest",
        "jupyterlab-ext/demo/localdata.yaml",
        "-p",
        "host_name=dc-01",
        "-p",
        "start=2024-03-07T02:40:00Z",
        "-p",
        "end=2024-03-07T04:00:00Z",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("TimeGenerated,Computer,Account,LogonType,EventID,SourceIP,Status")
    );
    // The intruder's hop from WEB-01 to the domain controller is there.
    assert!(
        out.lines().any(|l| l.contains(",DC-01,svc_backup,3,4624,")),
        "{out}"
    );
    assert!(
        lines.all(|l| l.contains(",DC-01,") && l.contains(",4624,")),
        "{out}"
    );
    assert!(
        stderr(&o).contains("rows from logons.csv where TimeGenerated between 2024-03-07T02:40:00Z and 2024-03-07T04:00:00Z, EventID = 4624, Computer = dc-01"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_input_is_an_error_with_a_message() {
    let o = huntkit(&["queries", "render", "list_nothing_like_this"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "huntkit: no query template named \"list_nothing_like_this\"\n"
    );
    let o = huntkit(&[
        "queries",
        "render",
        "MDE.list_host_logons",
        "-p",
        "host=x",
        "-p",
        "start=yesterday",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "parameter \"start\" of template \"MDE.list_host_logons\": \"yesterday\" is not a time"
        ),
        "{}",
        stderr(&o)
    );
    let o = huntkit(&["queries", "render", "MDE.list_host_logons"]);
    assert_eq!(
        stderr(&o),
        "huntkit: template \"MDE.list_host_logons\" needs parameters it was not given: host_name\n"
    );
    let o = huntkit(&["queries", "render", "MDE.list_host_logons", "-p", "host"]);
    assert!(
        stderr(&o).contains("\"host\" is not NAME=VALUE"),
        "{}",
        stderr(&o)
    );

    // A folder with a malformed file: list names it and goes on.
    let dir = temp_dir(&[
        ("bad.yaml", "metadata:\n  data_environments: [X]\n  bad: [\n"),
        (
            "good.yaml",
            "metadata: {data_environments: [LocalData], data_families: [F]}\nsources:\n  q: {description: d, args: {query: f.csv}}\n",
        ),
    ]);
    let d = dir.display().to_string();
    let o = huntkit(&["queries", "list", "--dir", &d]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("F.q "), "{}", stdout(&o));
    assert!(
        stderr(&o).starts_with(&format!("huntkit: skipped: {d}/bad.yaml line ")),
        "{}",
        stderr(&o)
    );
    // A manifest that does not map the template.
    let m = dir.join("m.yaml");
    std::fs::write(&m, "sources: {}\n").unwrap();
    let o = huntkit(&[
        "queries",
        "run",
        "F.q",
        "--dir",
        &d,
        "--manifest",
        &m.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no query template named \"F.q\" in the LocalData manifest"),
        "{}",
        stderr(&o)
    );
}
