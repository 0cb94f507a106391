//! `huntkit config validate` end to end: a file with problems in every
//! section gives a table of findings and exit 1, environment variables are
//! read from the process's environment, and no value is ever printed.

use std::path::PathBuf;
use std::process::{Command, Output};

const SECRET: &str = "vt-literal-secret-9f2c";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("huntkit-config-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("msticpyconfig.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn huntkit(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_huntkit"));
    cmd.args(args)
        .env_remove("MSTICPYCONFIG")
        .env_remove("HK_OTX_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn findings_table_and_exit_code() {
    let path = write(
        "bad",
        &format!(
            "TIProviders:\n  VirusTotal:\n    Args:\n      AuthKey: {SECRET}\n  OTX:\n    Args:\n      AuthKey:\n        EnvironmentVar: HK_OTX_KEY\nAzureSentinel:\n  Workspaces:\n    Default:\n      WorkspaceId: {SECRET}\n      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n"
        ),
    );
    let file = path.to_str().unwrap();
    let o = huntkit(
        &["config", "validate", "--file", file, "--format", "ndjson"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(!out.contains(SECRET) && !err.contains(SECRET), "{out}{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}:{} line {}",
                r["Level"], r["Section"], r["Key"], r["Line"]
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            r#""error" "TIProviders.OTX":"Args.AuthKey" line 8"#,
            r#""error" "AzureSentinel.Workspaces.Default":"WorkspaceId" line 12"#,
        ]
    );
    assert!(err.contains("2 errors, 0 warnings"), "{err}");

    // The variable set: one error left; the table format has the columns.
    let o = huntkit(
        &["config", "validate", "--file", file],
        &[("HK_OTX_KEY", "x")],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("Level"), "{out}");
    assert!(out.contains("is not a GUID"), "{out}");
    assert!(!out.contains("HK_OTX_KEY"), "{out}");
}

#[test]
fn a_good_file_exits_zero_and_a_missing_one_is_named() {
    let path = write(
        "good",
        "TIProviders:\n  VirusTotal:\n    Args:\n      AuthKey: k\nAzureSentinel:\n  Workspaces:\n    Default:\n      WorkspaceId: 52b1ab41-869e-4138-9e40-2a4457f09bf0\n      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n",
    );
    let o = huntkit(
        &["config", "validate"],
        &[("MSTICPYCONFIG", path.to_str().unwrap())],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .contains("0 errors, 0 warnings"));
    let o = huntkit(
        &["config", "validate", "--file", "/nonexistent/m.yaml"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8(o.stderr)
        .unwrap()
        .starts_with("huntkit: cannot read /nonexistent/m.yaml"));
}

#[test]
fn an_unknown_splunk_run_mode_is_named() {
    let path = write(
        "mode",
        "DataProviders:\n  Splunk:\n    Args:\n      host: splunk.example.com\n      mode: turbo\n",
    );
    let o = huntkit(
        &[
            "config",
            "validate",
            "--file",
            path.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let row: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(row["Section"], "DataProviders.Splunk");
    assert_eq!(row["Key"], "Args.mode");
    assert_eq!(row["Line"], 5);
    assert_eq!(row["Message"], "is not a run mode: use one of export, jobs");
    assert!(!out.contains("turbo"), "{out}");
}
