//! A small columnar result table and its writers.

use std::io::Write;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray,
};

use super::text::TextColumn;
use super::time::format_time_ms;
use crate::error::{Error, ErrorKind, Result};

/// One column of a [`Frame`].
#[derive(Debug, Clone, PartialEq)]
pub enum FrameColumn {
    /// Text cells.
    Utf8(Vec<Option<String>>),
    /// Text cells in one Arrow buffer (large outputs: no `String` per cell,
    /// and passed to Arrow without a copy).
    Text(TextColumn),
    /// Integer cells.
    Int64(Vec<Option<i64>>),
    /// Floating-point cells (NaN is written as null in JSON).
    Float64(Vec<Option<f64>>),
    /// Flags (`IsRoot`, …): Arrow booleans, JSON `true`/`false`, CSV
    /// `True`/`False` as pandas writes them.
    Bool(Vec<Option<bool>>),
    /// Instants in milliseconds since the epoch: an Arrow
    /// `timestamp[ms, UTC]`, RFC 3339 text in CSV and JSON.
    TimestampMs(Vec<Option<i64>>),
}

impl FrameColumn {
    fn len(&self) -> usize {
        match self {
            FrameColumn::Utf8(v) => v.len(),
            FrameColumn::Text(v) => v.len(),
            FrameColumn::Int64(v) => v.len(),
            FrameColumn::Float64(v) => v.len(),
            FrameColumn::Bool(v) => v.len(),
            FrameColumn::TimestampMs(v) => v.len(),
        }
    }

    /// Writes the cell as JSON (null for null; non-finite floats are null
    /// too, as serde_json writes them).
    fn write_json<W: Write>(&self, row: usize, w: &mut W) -> serde_json::Result<()> {
        match self {
            FrameColumn::Utf8(v) => serde_json::to_writer(w, &v[row]),
            FrameColumn::Text(v) => serde_json::to_writer(w, &v.get(row)),
            FrameColumn::Int64(v) => serde_json::to_writer(w, &v[row]),
            FrameColumn::Float64(v) => serde_json::to_writer(w, &v[row]),
            FrameColumn::Bool(v) => serde_json::to_writer(w, &v[row]),
            FrameColumn::TimestampMs(v) => serde_json::to_writer(w, &v[row].map(format_time_ms)),
        }
    }

    /// The cell as display text (empty for null).
    pub fn text(&self, row: usize) -> String {
        match self {
            FrameColumn::Utf8(v) => v[row].clone().unwrap_or_default(),
            FrameColumn::Text(v) => v.get(row).unwrap_or_default().to_string(),
            FrameColumn::Int64(v) => v[row].map(|n| n.to_string()).unwrap_or_default(),
            FrameColumn::Float64(v) => v[row].map(|n| n.to_string()).unwrap_or_default(),
            FrameColumn::Bool(v) => match v[row] {
                Some(true) => "True".to_string(),
                Some(false) => "False".to_string(),
                None => String::new(),
            },
            FrameColumn::TimestampMs(v) => v[row].map(format_time_ms).unwrap_or_default(),
        }
    }
}

/// A result table: named columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    names: Vec<String>,
    columns: Vec<FrameColumn>,
}

impl Frame {
    /// Builds a frame; all columns must have the same length.
    pub fn new(columns: Vec<(&str, FrameColumn)>) -> Frame {
        let (names, columns) = columns.into_iter().map(|(n, c)| (n.to_string(), c)).unzip();
        let frame = Frame { names, columns };
        debug_assert!(frame.columns.iter().all(|c| c.len() == frame.rows()));
        frame
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Columns, in the order of `names`.
    pub fn columns(&self) -> &[FrameColumn] {
        &self.columns
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, FrameColumn::len)
    }

    /// The frame as one Arrow record batch.
    pub fn to_record_batch(&self) -> Result<RecordBatch> {
        self.clone().into_record_batch()
    }

    /// [`to_record_batch`](Self::to_record_batch) without copying the
    /// cells first (a 100k-row process tree's columns were copied twice).
    pub fn into_record_batch(self) -> Result<RecordBatch> {
        let arrays = self.names.into_iter().zip(self.columns).map(|(n, c)| {
            let array: ArrayRef = match c {
                FrameColumn::Utf8(v) => {
                    Arc::new(StringArray::from_iter(v.iter().map(Option::as_deref)))
                }
                FrameColumn::Text(v) => Arc::new(v.into_array()),
                FrameColumn::Int64(v) => Arc::new(Int64Array::from(v)),
                FrameColumn::Float64(v) => Arc::new(Float64Array::from(v)),
                FrameColumn::Bool(v) => Arc::new(BooleanArray::from(v)),
                FrameColumn::TimestampMs(v) => {
                    Arc::new(TimestampMillisecondArray::from(v).with_timezone("UTC"))
                }
            };
            (n, array)
        });
        RecordBatch::try_from_iter(arrays).map_err(|e| Error::new(ErrorKind::Output(e.to_string())))
    }

    /// The frame as an Arrow IPC stream (what notebooks and the wasm facade exchange).
    pub fn to_arrow_ipc(&self) -> Result<Vec<u8>> {
        let out = |e: arrow_schema::ArrowError| Error::new(ErrorKind::Output(e.to_string()));
        let batch = self.to_record_batch()?;
        // Sized up front: doubling a half-gigabyte buffer would hold 1.5×
        // its size at the copy, too much for a wasm memory.
        let mut buf = Vec::with_capacity(batch.get_array_memory_size() + (1 << 16));
        {
            let mut w =
                arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batch.schema()).map_err(out)?;
            w.write(&batch).map_err(out)?;
            w.finish().map_err(out)?;
        }
        Ok(buf)
    }

    /// Writes CSV with a header row.
    pub fn write_csv<W: Write>(&self, w: W) -> Result<()> {
        let out = |e: csv::Error| Error::new(ErrorKind::Output(e.to_string()));
        let mut writer = csv::Writer::from_writer(w);
        writer.write_record(&self.names).map_err(out)?;
        for row in 0..self.rows() {
            writer
                .write_record(self.columns.iter().map(|c| c.text(row)))
                .map_err(out)?;
        }
        writer
            .flush()
            .map_err(|e| Error::new(ErrorKind::Output(e.to_string())))
    }

    /// Writes one JSON object per row, keys in column order.
    ///
    /// Cells are written straight from the columns: building a map of
    /// `Value`s per row (a copy of every string) was a third of the time
    /// of a large `huntkit ioc` run.
    pub fn write_ndjson<W: Write>(&self, mut w: W) -> Result<()> {
        let out = |e: std::io::Error| Error::new(ErrorKind::Output(e.to_string()));
        let json = |e: serde_json::Error| Error::new(ErrorKind::Output(e.to_string()));
        // Each key with its opening punctuation, escaped once.
        let keys = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let key = serde_json::to_string(n).map_err(json)?;
                Ok(format!("{}{key}:", if i == 0 { '{' } else { ',' }))
            })
            .collect::<Result<Vec<String>>>()?;
        for row in 0..self.rows() {
            if keys.is_empty() {
                w.write_all(b"{").map_err(out)?;
            }
            for (key, column) in keys.iter().zip(&self.columns) {
                w.write_all(key.as_bytes()).map_err(out)?;
                column.write_json(row, &mut w).map_err(json)?;
            }
            w.write_all(b"}\n").map_err(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    fn sample() -> Frame {
        Frame::new(vec![
            ("Name", FrameColumn::Utf8(vec![Some("a,b".into()), None])),
            ("N", FrameColumn::Int64(vec![Some(1), Some(2)])),
            ("B", FrameColumn::Bool(vec![Some(true), None])),
        ])
    }

    #[test]
    fn csv_and_ndjson() {
        let mut csv = Vec::new();
        sample().write_csv(&mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "Name,N,B\n\"a,b\",1,True\n,2,\n"
        );
        let mut nd = Vec::new();
        sample().write_ndjson(&mut nd).unwrap();
        assert_eq!(
            String::from_utf8(nd).unwrap(),
            "{\"Name\":\"a,b\",\"N\":1,\"B\":true}\n{\"Name\":null,\"N\":2,\"B\":null}\n"
        );
        // keys and strings escaped, non-finite floats null, as serde_json
        let frame = Frame::new(vec![
            ("a\"b", FrameColumn::Utf8(vec![Some("x\n\u{1}<\"".into())])),
            ("f", FrameColumn::Float64(vec![Some(f64::NAN)])),
            ("g", FrameColumn::Float64(vec![Some(0.5)])),
        ]);
        let mut nd = Vec::new();
        frame.write_ndjson(&mut nd).unwrap();
        let line = String::from_utf8(nd).unwrap();
        assert_eq!(
            line,
            "{\"a\\\"b\":\"x\\n\\u0001<\\\"\",\"f\":null,\"g\":0.5}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["a\"b"], "x\n\u{1}<\"");
    }

    #[test]
    fn timestamps_are_typed_in_arrow_and_text_elsewhere() {
        let frame = Frame::new(vec![(
            "T",
            FrameColumn::TimestampMs(vec![Some(1_700_000_000_000), None]),
        )]);
        let batch = frame.to_record_batch().unwrap();
        assert_eq!(
            batch.schema().field(0).data_type(),
            &arrow_schema::DataType::Timestamp(
                arrow_schema::TimeUnit::Millisecond,
                Some("UTC".into())
            )
        );
        let mut csv = Vec::new();
        frame.write_csv(&mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "T\n2023-11-14T22:13:20Z\n\"\"\n"
        );
        let mut nd = Vec::new();
        frame.write_ndjson(&mut nd).unwrap();
        assert_eq!(
            String::from_utf8(nd).unwrap(),
            "{\"T\":\"2023-11-14T22:13:20Z\"}\n{\"T\":null}\n"
        );
        let t = read_table(&frame.to_arrow_ipc().unwrap(), TableFormat::Arrow).unwrap();
        assert_eq!(t.column(0).time_ms(0), Some(1_700_000_000_000));
    }

    #[test]
    fn arrow_round_trip() {
        let bytes = sample().to_arrow_ipc().unwrap();
        let t = read_table(&bytes, TableFormat::Arrow).unwrap();
        assert_eq!(t.names(), ["Name", "N", "B"]);
        assert_eq!(t.column(0).to_vec(), [Some("a,b".to_string()), None]);
        assert_eq!(
            t.column(1).to_vec(),
            [Some("1".to_string()), Some("2".to_string())]
        );
        assert_eq!(t.column(2).to_vec(), [Some("true".to_string()), None]);
    }
}
