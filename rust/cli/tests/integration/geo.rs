//! `huntkit geo` end to end over the test databases in
//! `tests/fixtures/geo/`: arguments, a file and stdin in, each format out,
//! and clear failures (exit 1) for a missing, foreign or truncated file.

use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/geo")
        .join(name)
}

fn huntkit(args: &[&str], stdin: &[u8]) -> Output {
    crate::cli::huntkit(args, Some(stdin))
}

fn ndjson(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn looks_addresses_up_from_arguments_files_and_stdin() {
    let db = fixture("city.mmdb");
    let db = db.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("huntkit-geo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("ips.txt");
    std::fs::write(
        &list,
        "# from the firewall\n45.155.205.233\n\n10.0.0.7  # internal\n",
    )
    .unwrap();
    let o = huntkit(
        &[
            "geo",
            "--db",
            db,
            "81.2.69.142",
            list.to_str().unwrap(),
            "-",
            "--format",
            "ndjson",
        ],
        b"185[.]220[.]101[.]1\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = ndjson(&o);
    let col = |c: &str| rows.iter().map(|r| r[c].clone()).collect::<Vec<_>>();
    assert_eq!(
        col("IpAddress"),
        [
            "81.2.69.142",
            "45.155.205.233",
            "10.0.0.7",
            "185[.]220[.]101[.]1"
        ]
    );
    assert_eq!(
        col("CountryCode"),
        [
            serde_json::json!("GB"),
            "NL".into(),
            serde_json::Value::Null,
            "DE".into()
        ]
    );
    assert_eq!(col("Status"), ["ok", "ok", "private_ip", "ok"]);
    assert_eq!(rows[0]["Latitude"], 51.5142);
    assert_eq!(rows[3]["Asn"], 205100);

    let o = huntkit(&["geo", "--db", db, "--info", "81.2.69.142"], b"");
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("IpAddress"), "{out}");
    assert!(out.contains("London"), "{out}");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("GeoIP2-City (IPv6), built 2025-12-05"),
        "{err}"
    );

    let o = huntkit(&["geo", "--db", db, "81.2.69.142", "--format", "csv"], b"");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with(
            "IpAddress,IpType,CountryCode,CountryOrRegionName,State,City,Latitude,Longitude,"
        ),
        "{out}"
    );
}

#[test]
fn bad_databases_are_named() {
    let dir = std::env::temp_dir().join(format!("huntkit-geo-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read(fixture("city.mmdb")).unwrap();
    let cut = dir.join("cut.mmdb");
    std::fs::write(&cut, &good[..good.len() - 40]).unwrap();
    let csv = dir.join("not.mmdb");
    std::fs::write(&csv, "ip,country\n1.2.3.4,DE\n").unwrap();
    for (path, want) in [
        (cut.clone(), "cut short"),
        (csv.clone(), "not a MaxMind DB file"),
        (dir.join("missing.mmdb"), "cannot read"),
    ] {
        let o = huntkit(&["geo", "--db", path.to_str().unwrap(), "8.8.8.8"], b"");
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.starts_with("huntkit: "), "{err}");
        assert!(err.contains(want), "{want}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
