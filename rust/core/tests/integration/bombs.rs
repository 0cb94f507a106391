//! Decompression bombs (issue #16): a 1 GiB gzip bomb and a 42.zip-style
//! nested zip are generated here (nothing huge is committed) and must stop
//! at the caps with a warning naming the cap. Time and peak memory are
//! measured by `scripts/bench-bombs.sh` (release build, `/usr/bin/time -v`)
//! and in Chromium by `rust/wasm/tests/api.rs`, not asserted here.

use std::io::{Cursor, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use huntkit_core::{decode_table, decode_text, DecodeOptions, Table};

/// `members` gzip members of 1 MiB of zeros each, one after the other: a
/// valid gzip file (what `cat a.gz b.gz` makes) of `members` MiB, about
/// 1 KiB per MiB, generated in milliseconds.
fn gzip_bomb(members: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 1 << 20]).unwrap();
    let one = e.finish().unwrap();
    one.repeat(members)
}

/// A zip of `copies` copies of `member` named `prefix{i}`.
fn zip_of(prefix: &str, member: &[u8], copies: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..copies {
        w.start_file(format!("{prefix}{i}"), opts).unwrap();
        w.write_all(member).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// 42.zip's shape: 16 copies per level, five levels of zips over 16
/// members of 1 MiB of zeros: 16^5 × 16 MiB = 16 TiB if all unpacked.
fn nested_zip_bomb() -> Vec<u8> {
    let mut z = zip_of("0.dat", &vec![0u8; 1 << 20], 16);
    for level in 1..=5 {
        z = zip_of(&format!("lib{level}_"), &z, 16);
    }
    z
}

#[test]
fn a_1_gib_gzip_bomb_stops_at_a_cap() {
    let bomb = gzip_bomb(1024);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let text = format!("payload {}", STANDARD.encode(&bomb));
    let r = decode_text(&text, &DecodeOptions::default());
    assert!(r.truncated);
    let decoded: u64 = r.rows.iter().map(|i| i.input_bytes).sum();
    let options = DecodeOptions::default();
    // At most max_ratio times the input, and within every absolute cap.
    assert!(decoded <= 100 * text.len() as u64, "{decoded}");
    assert!(decoded <= options.max_total_bytes);
    assert!(r
        .rows
        .iter()
        .all(|i| i.input_bytes <= options.max_member_bytes));
    // 1 MiB compressed may grow 100 times; the 16 MiB member cap is
    // tighter, so that one cuts it, and says so.
    assert_eq!(r.rows[1].input_bytes, options.max_member_bytes);
    assert!(
        r.warnings.iter().any(|w| w.contains("max_member_bytes")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_small_gzip_bomb_stops_at_the_ratio_cap() {
    // 64 MiB of zeros in about 64 KiB: 100 times that is 6.4 MiB.
    let bomb = gzip_bomb(64);
    let r = decode_text(&STANDARD.encode(&bomb), &DecodeOptions::default());
    assert!(r.truncated);
    assert!(r.rows[1].input_bytes <= 100 * bomb.len() as u64);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("decompression bomb") && w.contains("max_ratio")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_gzip_bomb_is_cut_at_max_member_bytes_when_that_is_tighter() {
    let bomb = gzip_bomb(64);
    let options = DecodeOptions {
        max_member_bytes: 2 << 20,
        ..DecodeOptions::default()
    };
    let r = decode_text(&STANDARD.encode(&bomb), &options);
    assert!(r.truncated);
    assert_eq!(r.rows[1].input_bytes, 2 << 20);
    assert!(
        r.warnings.iter().any(|w| w.contains("max_member_bytes")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_42_zip_style_nested_bomb_stops_early() {
    let bomb = nested_zip_bomb();
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let text = STANDARD.encode(&bomb);
    let options = DecodeOptions::default();
    let r = decode_text(&text, &options);
    assert!(r.truncated);
    // Every byte decoded counts once against the input's budget (the
    // nested zips' bytes are counted again inside their parents' rows).
    let leaves: u64 = r
        .rows
        .iter()
        .filter(|i| i.file_type.is_none())
        .map(|i| i.input_bytes)
        .sum();
    assert!(leaves <= 100 * text.len() as u64, "{leaves}");
    // It went down the levels (a zip inside a zip inside ...), not just
    // across the first.
    assert!(r.rows.iter().any(|i| i.depth >= 6), "{:?}", r.rows.len());
    assert!(
        r.warnings.iter().any(|w| w.contains("max_ratio")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn items_are_capped_per_input() {
    let empty: Vec<(String, Vec<u8>)> = (0..50).map(|i| (format!("e{i}"), Vec::new())).collect();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, _) in &empty {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
    }
    let z = w.finish().unwrap().into_inner();
    let options = DecodeOptions {
        max_items: 10,
        ..DecodeOptions::default()
    };
    let r = decode_text(&STANDARD.encode(&z), &options);
    assert_eq!(r.rows.len(), 10);
    assert!(
        r.warnings.iter().any(|w| w.contains("max_items")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_table_of_bombs_shares_one_budget() {
    let cell = STANDARD.encode(gzip_bomb(4));
    let csv = format!("payload\n{}", vec![cell; 200].join("\n"));
    let table = Table::read(csv.as_bytes(), huntkit_core::TableFormat::Csv).unwrap();
    let options = DecodeOptions {
        max_total_bytes: 8 << 20,
        ..DecodeOptions::default()
    };
    let r = decode_table(&table, None, &options).unwrap();
    assert!(r.truncated);
    assert!(
        r.warnings.iter().any(|w| w.contains("the table's limit")),
        "{:?}",
        r.warnings.last()
    );
    // 8 MiB in all, so only a handful of the 200 cells were unpacked.
    assert!(r.frame.rows() < 40, "{}", r.frame.rows());
}
