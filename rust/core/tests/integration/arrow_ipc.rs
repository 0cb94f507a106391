//! Truncated and corrupted Arrow IPC files and streams (issue #16): each
//! read is an error naming the problem, never a panic. Natively a panic
//! inside arrow-rs would be caught and reported as "the reader failed";
//! these tests demand that validation catch every one of them first, as in
//! wasm (`panic = "abort"`) nothing can be caught.

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Int64Array, RecordBatch, StringArray};
use arrow_ipc::writer::{FileWriter, IpcWriteOptions, StreamWriter};
use huntkit_core::{read_table, TableFormat};

fn batch() -> RecordBatch {
    let hosts: DictionaryArray<Int32Type> = vec![Some("h1"), Some("h2"), None, Some("h1")]
        .into_iter()
        .collect();
    RecordBatch::try_from_iter([
        (
            "Cmd",
            Arc::new(StringArray::from(vec![
                Some("cmd.exe /c whoami"),
                None,
                Some("x"),
                Some("y"),
            ])) as ArrayRef,
        ),
        (
            "Pid",
            Arc::new(Int64Array::from(vec![4, 8, 12, 16])) as ArrayRef,
        ),
        ("Host", Arc::new(hosts) as ArrayRef),
    ])
    .unwrap()
}

fn stream(compress: bool) -> Vec<u8> {
    let b = batch();
    let options = if compress {
        IpcWriteOptions::default()
            .try_with_compression(Some(arrow_ipc::CompressionType::LZ4_FRAME))
            .unwrap()
    } else {
        IpcWriteOptions::default()
    };
    let mut buf = Vec::new();
    let mut w = StreamWriter::try_new_with_options(&mut buf, &b.schema(), options).unwrap();
    w.write(&b).unwrap();
    w.write(&b).unwrap();
    w.finish().unwrap();
    drop(w);
    buf
}

fn file() -> Vec<u8> {
    let b = batch();
    let mut buf = Vec::new();
    let mut w = FileWriter::try_new(&mut buf, &b.schema()).unwrap();
    w.write(&b).unwrap();
    w.finish().unwrap();
    drop(w);
    buf
}

/// Reads `bytes`; fails the test on a panic caught by the guard.
fn read_or_error(bytes: &[u8], what: &str) -> bool {
    match read_table(bytes, TableFormat::Arrow) {
        Ok(_) => true,
        Err(e) => {
            let m = e.to_string();
            assert!(
                !m.contains("the reader failed"),
                "{what}: arrow-rs panicked: {m}"
            );
            assert!(!m.is_empty());
            false
        }
    }
}

#[test]
fn valid_files_and_streams_read() {
    for (name, bytes) in [
        ("stream", stream(false)),
        ("lz4", stream(true)),
        ("file", file()),
    ] {
        let t = read_table(&bytes, TableFormat::Arrow).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.rows() >= 4, "{name}");
    }
}

#[test]
fn every_truncation_is_an_error_or_a_shorter_table() {
    for (name, bytes) in [
        ("stream", stream(false)),
        ("lz4", stream(true)),
        ("file", file()),
    ] {
        for len in 0..bytes.len() {
            read_or_error(&bytes[..len], &format!("{name} cut at {len}"));
        }
    }
}

#[test]
fn every_corrupted_byte_is_an_error_or_a_table() {
    for (name, bytes) in [
        ("stream", stream(false)),
        ("lz4", stream(true)),
        ("file", file()),
    ] {
        for at in 0..bytes.len() {
            for value in [0x00, 0xff, 0x7f, 0x80, bytes[at].wrapping_add(1)] {
                let mut bad = bytes.clone();
                bad[at] = value;
                read_or_error(&bad, &format!("{name} byte {at} set to {value:#x}"));
            }
        }
    }
}

#[test]
fn garbage_after_the_magic_is_a_named_error() {
    let e = read_table(b"ARROW1\0\0garbage", TableFormat::Arrow).unwrap_err();
    assert!(e.to_string().contains("arrow"), "{e}");
}
