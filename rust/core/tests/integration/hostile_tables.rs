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

#[test]
fn a_header_of_a_million_commas_is_refused_on_the_csv_crates_path_too() {
    // A BOM sends the text to the csv crate instead of the fast splitter.
    let csv = format!("\u{feff}{}\n", ",".repeat(1_000_000));
    let e = read_table(csv.as_bytes(), TableFormat::Csv).unwrap_err();
    assert!(e.to_string().contains("more than 262144"), "{e}");
}

#[test]
fn a_header_of_a_million_quoted_cells_is_refused() {
    let csv = format!("{}x\n", "\"a\",".repeat(1_000_000));
    let e = read_table(csv.as_bytes(), TableFormat::Csv).unwrap_err();
    assert!(e.to_string().contains("more than 262144"), "{e}");
}

#[test]
fn a_row_far_wider_than_its_header_is_refused_by_line() {
    let csv = format!("a,b\n1,2\n{}\n", ",".repeat(1_000_000));
    let e = read_table(csv.as_bytes(), TableFormat::Csv).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("line 3") && text.contains("1000001 fields"),
        "{text}"
    );
}

#[test]
fn a_header_at_the_column_cap_reads() {
    let csv = format!("{}\n", ",".repeat((1 << 18) - 1));
    let t = read_table(csv.as_bytes(), TableFormat::Csv).unwrap();
    assert_eq!(t.names().len(), 1 << 18);
}
