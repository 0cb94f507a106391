//! The body of every fuzz target (`fuzz/fuzz_targets/*.rs`, issue #16),
//! shared with [`super::fuzz_regressions`] so a crash input kept under
//! `tests/golden/fuzz/<target>/` is replayed by `cargo test` through exactly
//! the code the fuzzer ran. Each takes any bytes and must return without a
//! panic; what it calls is what a host calls on a user's file.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{TimeZone, Utc};
use huntkit_core::queries::{render, QueryStore};
use huntkit_core::view::{Chart, DataSet, ViewSpec, Viewport};
use huntkit_core::{
    build_process_tree, decode_table, decode_text, extract_table, parse_session, read_table,
    summarize_process_tree, tree_to_text, utf8_lossy, DecodeOptions, Extractor, IocOptions,
    IocScanner, Model, ProcTreeOptions, Table, TableFormat,
};

/// A target's body: any bytes in, no panic out.
pub type Body = fn(&[u8]);

/// Every target by name, as `fuzz/Cargo.toml` names the binaries.
pub const TARGETS: &[(&str, Body)] = &[
    ("ioc", ioc),
    ("decode", decode),
    ("table_csv", table_csv),
    ("table_json", table_json),
    ("table_ndjson", table_ndjson),
    ("table_arrow", table_arrow),
    ("session_json", session_json),
    ("proctree", proctree),
    ("view_bundle", view_bundle),
    ("query_yaml", query_yaml),
];

/// The IoC scanner over any text, pushed in two chunks split where the
/// first byte says (a streaming scan must not depend on chunk boundaries
/// for its safety), then the same text as a one-column table.
pub fn ioc(data: &[u8]) {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let text = utf8_lossy(rest);
    let mut cut = (split as usize * text.len()) / 255;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let options = IocOptions::default();
    let extractor = Extractor::new(&options, false).expect("default options are valid");
    let mut scanner = IocScanner::new(extractor);
    scanner.push(&text[..cut]);
    scanner.push(&text[cut..]);
    let _ = scanner.finish();
    let _ = extract_table(&Table::from_lines(&text), &options);
}

/// decode/unpack: the first byte picks whether the rest is text to scan for
/// base64/hex runs, or raw bytes handed over as one base64 or hex payload
/// (so gzip, zip and tar headers reach the unpackers as they are).
pub fn decode(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // A smaller budget than the default keeps each execution fast; the
    // limits' logic is the same at any size.
    let options = DecodeOptions {
        max_total_bytes: 4 << 20,
        ..DecodeOptions::default()
    };
    let text = match mode % 3 {
        0 => utf8_lossy(rest).into_owned(),
        1 => format!("payload {}", STANDARD.encode(rest)),
        _ => format!("hex {}", hex_of(rest)),
    };
    let result = decode_text(&text, &options);
    for row in &result.rows {
        assert!(
            row.decoded_string.len() <= 1 << 20,
            "decoded_string over 1 MiB"
        );
    }
    if mode & 0x80 != 0 {
        let _ = decode_table(&Table::from_lines(&text), None, &options);
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads every cell and column the ways the core's analyses do, so a bad
/// column type or a lying length fails here rather than in a panel.
fn exercise(table: &Table) {
    let rows = table.rows().min(64);
    for col in 0..table.names().len() {
        let _ = table.times_ms(col);
        let _ = table.numbers(col);
        let _ = table.categories(col);
        for row in 0..rows {
            let _ = table.cell(col, row);
            let _ = table.cell_json(col, row);
        }
    }
    let _ = table.to_record_batch();
}

fn table_in(data: &[u8], format: TableFormat) {
    if let Ok(table) = read_table(data, format) {
        exercise(&table);
    }
}

/// The CSV reader.
pub fn table_csv(data: &[u8]) {
    table_in(data, TableFormat::Csv)
}

/// The JSON (array of objects) reader.
pub fn table_json(data: &[u8]) {
    table_in(data, TableFormat::Json)
}

/// The NDJSON reader.
pub fn table_ndjson(data: &[u8]) {
    table_in(data, TableFormat::Ndjson)
}

/// The Arrow IPC (file or stream) reader.
pub fn table_arrow(data: &[u8]) {
    table_in(data, TableFormat::Arrow)
}

/// The session JSON reader; a session it reads is fitted and scored, as
/// `huntkit sessions` does with a column of them.
pub fn session_json(data: &[u8]) {
    let text = utf8_lossy(data);
    let Ok(session) = parse_session(&text, "Session", 0) else {
        return;
    };
    let sessions = vec![session.clone(), session];
    if let Ok(model) = Model::fit(&sessions) {
        let _ = model.likelihood(&sessions[0], true);
        let _ = model.window_likelihoods(&sessions[0], 3, true, false);
    }
}

/// The process tree builder from a table (the first byte picks CSV or
/// NDJSON): the schema inferred, the trees built, summarised and printed.
pub fn proctree(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let format = if mode & 1 == 0 {
        TableFormat::Csv
    } else {
        TableFormat::Ndjson
    };
    let options = ProcTreeOptions::default();
    let _ = summarize_process_tree(rest, format, &options);
    let Ok(table) = read_table(rest, format) else {
        return;
    };
    if let Ok(tree) = build_process_tree(&table, &options) {
        let _ = tree_to_text(&tree, tree.roots().to_vec());
    }
}

/// The view bundle decoder: `kind` and `options` as a renderer receives
/// them and one data set, then layouts, hit-tests and row reads. The input
/// is `kind\noptions JSON\n` and then the data set's bytes (Arrow IPC, CSV,
/// JSON or NDJSON, detected as the hosts do for `auto`), so the fuzzer
/// mutates each part directly instead of through base64.
pub fn view_bundle(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let (Some(kind), Some(options), Some(bytes)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let Ok(kind) = std::str::from_utf8(kind) else {
        return;
    };
    let Ok(options) = serde_json::from_slice::<serde_json::Value>(options) else {
        return;
    };
    let Ok(spec) = ViewSpec::parse(kind, &options) else {
        return;
    };
    let Some((kind, options)) = spec.chart() else {
        return;
    };
    let Ok(table) = Table::read_named(bytes, "auto") else {
        return;
    };
    let set = DataSet {
        label: "fuzz".to_string(),
        table,
        time_column: None,
        color: None,
    };
    let Ok(mut chart) = Chart::new(kind, vec![set], &options) else {
        return;
    };
    let [x0, x1] = chart.info().x_domain;
    for (a, b) in [(x0, x1), (x0, x0), (x1, x0), (f64::MIN, f64::MAX)] {
        let _ = chart.layout(Viewport {
            x0: a,
            x1: b,
            width: 800.0,
            height: 400.0,
        });
    }
    let _ = chart.overview(200);
    let _ = chart.hit(100.0, 50.0, 5.0);
    let (ids, _) = chart.rows_between(f64::MIN, f64::MAX, 100);
    let _ = chart.rows_json(&ids);
    let _ = chart.rows_csv(&ids);
}

/// The YAML query template loader; every template it loads is rendered
/// with no parameters (defaults only), as the query panel does first.
pub fn query_yaml(data: &[u8]) {
    let mut store = QueryStore::new();
    store.add_bytes("fuzz.yaml", data);
    let now = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    for template in store.templates() {
        let _ = render(template, &serde_json::Map::new(), now);
    }
}
