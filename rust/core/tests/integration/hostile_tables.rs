//! Table inputs shaped to blow up a reader (issue #16): each is read in
//! time linear in its size or refused by name. Timing itself is measured
//! by `scripts/bench-hardening.sh hangs`, not asserted here.

use huntkit_core::{read_table, TableFormat};

#[test]
fn a_header_of_a_million_commas_is_refused() {
    let csv = format!("{}\n", ",".repeat(1_000_000));
    let e = read_table(csv.as_bytes(), TableFormat::Csv).unwrap_err();
    assert!(e.to_string().contains("more than 262144"), "{e}");
}

#[test]
fn rows_that_each_bring_new_keys_are_refused_before_they_pad_a_huge_table() {
    let ndjson: String = (0..20_000).map(|i| format!("{{\"k{i}\": 1}}\n")).collect();
    let e = read_table(ndjson.as_bytes(), TableFormat::Ndjson).unwrap_err();
    assert!(e.to_string().contains("cells"), "{e}");
}

#[test]
fn one_object_of_many_keys_reads() {
    let keys: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\": {i}")).collect();
    let json = format!("[{{{}}}]", keys.join(","));
    let t = read_table(json.as_bytes(), TableFormat::Json).unwrap();
    assert_eq!((t.rows(), t.names().len()), (1, 50_000));
}
