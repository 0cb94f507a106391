//! GeoIP from the test databases in `tests/fixtures/geo/` (written by
//! `make_mmdb.py` there with the PyPI `mmdb-writer`, in the layout of
//! MaxMind's City and ASN databases): every case of `cases.json` through
//! `GeoDb::lookup` and the Arrow-backed table, and damaged files that must
//! be refused with a message, never a panic.

use std::path::{Path, PathBuf};

use huntkit_core::{geo_frame, GeoDb, GEO_COLUMNS};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/geo")
}

fn open(name: &str) -> GeoDb {
    GeoDb::from_bytes(std::fs::read(fixtures().join(name)).unwrap()).unwrap()
}

#[test]
fn every_case_gives_its_columns() {
    let cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("cases.json")).unwrap()).unwrap();
    let mut checked = 0;
    for db_name in ["city.mmdb", "asn-v4.mmdb"] {
        let db = open(db_name);
        for case in cases[db_name].as_array().unwrap() {
            let ip = case["ip"].as_str().unwrap();
            let row = serde_json::to_value(db.lookup(ip)).unwrap();
            assert_eq!(row["IpAddress"], ip);
            for (column, want) in case["expect"].as_object().unwrap() {
                assert!(GEO_COLUMNS.contains(&column.as_str()), "{column}");
                let got = &row[column];
                let same = match (got.as_f64(), want.as_f64()) {
                    (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                    _ => got == want,
                };
                assert!(same, "{db_name} {ip} {column}: got {got}, want {want}");
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

#[test]
fn info_and_table() {
    let db = open("city.mmdb");
    let info = db.info();
    assert_eq!(info.database_type, "GeoIP2-City");
    assert_eq!(info.description, "huntkit test City database");
    assert_eq!(info.build_epoch, 1_764_892_800);
    assert_eq!(info.ip_version, 6);
    let rows = db.lookup_all(&["81.2.69.142", " ", "10.0.0.1", "nope"]);
    assert_eq!(rows.len(), 3);
    let frame = geo_frame(&rows);
    assert_eq!(frame.names(), GEO_COLUMNS);
    let batch = frame.to_record_batch().unwrap();
    assert_eq!(batch.num_rows(), 3);
    assert_eq!(frame.columns()[5].text(0), "London");
    assert_eq!(frame.columns()[13].text(1), "private_ip");
    assert_eq!(frame.columns()[13].text(2), "invalid");
    // The Arrow IPC the wasm module hands to JS reads back.
    let ipc = frame.to_arrow_ipc().unwrap();
    let back = huntkit_core::Table::from_arrow(&ipc).unwrap();
    assert_eq!(back.rows(), 3);
}

/// Cut short at every length, and with bytes flipped all over: each is
/// refused or answers rows with a status; none panics.
#[test]
fn damaged_databases_never_panic() {
    let good = std::fs::read(fixtures().join("city.mmdb")).unwrap();
    for len in 0..good.len() {
        if let Err(e) = GeoDb::from_bytes(good[..len].to_vec()) {
            let msg = e.to_string();
            assert!(
                msg.starts_with("cannot read MaxMind DB (.mmdb) input: "),
                "{msg}"
            );
        }
    }
    let e = GeoDb::from_bytes(good[..good.len() / 2].to_vec()).unwrap_err();
    assert!(e.to_string().contains("cut short"), "{e}");
    let ips = [
        "81.2.69.142",
        "185.220.101.1",
        "45.155.205.233",
        "2a02:ec0:1::1",
        "8.8.8.8",
    ];
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            if let Ok(db) = GeoDb::from_bytes(bad) {
                for row in db.lookup_all(&ips) {
                    assert!(row.status.name().len() > 1);
                }
            }
        }
    }
}
