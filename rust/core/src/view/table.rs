//! The rows a view draws: Arrow record batches kept as they arrived, read
//! column by column into what layout needs (times, numbers, categories) and
//! cell by cell into what tooltips and copies show.
//!
//! Batches are not concatenated: a million-row bundle is read once and the
//! tooltip text of a row is only formatted when it is hovered.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::DateTime;

use crate::error::{Error, ErrorKind, Result};
use crate::table::read::read_arrow_batches;
use crate::table::{format_time_ms, parse_time_ms, read_table, TableFormat};

/// One data set of a view: its columns, in batches.
#[derive(Debug, Clone)]
pub struct ViewTable {
    names: Vec<String>,
    types: Vec<DataType>,
    batches: Vec<RecordBatch>,
    /// Row where each batch starts, plus the total at the end.
    starts: Vec<usize>,
}

/// A categorical column: one code per row, in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
pub struct Categories {
    /// The code of each row (an index into `labels`).
    pub codes: Vec<u32>,
    /// The distinct values; a null cell is the label `(null)`.
    pub labels: Vec<String>,
}

/// What a null cell is called in lanes, legends and axes.
pub const NULL_LABEL: &str = "(null)";

impl ViewTable {
    /// Reads an Arrow IPC stream or file (LZ4-compressed buffers allowed).
    pub fn from_arrow(bytes: &[u8]) -> Result<ViewTable> {
        let (schema, batches) = read_arrow_batches(bytes)?;
        Ok(ViewTable::from_batches(&schema, batches))
    }

    /// Reads CSV, JSON or NDJSON (every column as text; times and numbers
    /// are parsed when a view asks for them).
    pub fn from_text_table(bytes: &[u8], format: TableFormat) -> Result<ViewTable> {
        let table = read_table(bytes, format)?;
        let fields: Vec<Field> = table
            .names()
            .iter()
            .map(|n| Field::new(n, DataType::Utf8, true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let columns: Vec<ArrayRef> = (0..table.names().len())
            .map(|i| Arc::new(table.column(i).array().clone()) as ArrayRef)
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| Error::parse(format.name(), None, e))?;
        Ok(ViewTable::from_batches(&schema, vec![batch]))
    }

    fn from_batches(schema: &Schema, batches: Vec<RecordBatch>) -> ViewTable {
        let mut starts = vec![0];
        for b in &batches {
            starts.push(starts.last().copied().unwrap_or(0) + b.num_rows());
        }
        ViewTable {
            names: schema.fields().iter().map(|f| f.name().clone()).collect(),
            types: schema
                .fields()
                .iter()
                .map(|f| f.data_type().clone())
                .collect(),
            batches,
            starts,
        }
    }

    /// Column names, in table order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// The index of a column, or an error naming it and the columns there are.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::missing_column(name, &self.names))
    }

    fn chunks(&self, col: usize) -> impl Iterator<Item = &ArrayRef> {
        self.batches.iter().map(move |b| b.column(col))
    }

    /// A time column in milliseconds since the epoch (UTC); null cells are
    /// NaN. Accepts Arrow timestamps (any unit; naive ones are taken as
    /// UTC), dates, and text in the forms `parse_time_ms` knows.
    pub fn times_ms(&self, col: usize) -> Result<Vec<f64>> {
        let name = &self.names[col];
        let mut out = Vec::with_capacity(self.rows());
        for array in self.chunks(col) {
            let base = out.len();
            match array.data_type() {
                DataType::Timestamp(unit, _) => {
                    let per_ms = match unit {
                        TimeUnit::Second => 1e-3,
                        TimeUnit::Millisecond => 1.0,
                        TimeUnit::Microsecond => 1e3,
                        TimeUnit::Nanosecond => 1e6,
                    };
                    let values = timestamp_values(array);
                    out.extend((0..array.len()).map(|i| {
                        if array.is_null(i) {
                            f64::NAN
                        } else {
                            values[i] as f64 / per_ms
                        }
                    }));
                }
                DataType::Date32 => {
                    let a = array.as_primitive::<Date32Type>();
                    out.extend(
                        a.iter()
                            .map(|v| v.map_or(f64::NAN, |d| d as f64 * 86_400e3)),
                    );
                }
                DataType::Date64 => {
                    let a = array.as_primitive::<Date64Type>();
                    out.extend(a.iter().map(|v| v.map_or(f64::NAN, |d| d as f64)));
                }
                DataType::Null => out.extend(std::iter::repeat_n(f64::NAN, array.len())),
                t if is_text(t) => {
                    for i in 0..array.len() {
                        let v = match text_at(array, i) {
                            None => f64::NAN,
                            Some(s) if s.trim().is_empty() => f64::NAN,
                            Some(s) => match parse_time_ms(&s) {
                                Some(ms) if !is_plain_number(&s) => ms as f64,
                                _ => return Err(Error::bad_value(name, base + i, &s, "a time")),
                            },
                        };
                        out.push(v);
                    }
                }
                other => {
                    let cell = (0..array.len())
                        .find(|&i| !array.is_null(i))
                        .and_then(|i| cell_text(array, i))
                        .unwrap_or_default();
                    return Err(Error::new(ErrorKind::ColumnType {
                        column: name.clone(),
                        expected: "a time column",
                        found: format!("{other}, e.g. {cell:?}"),
                    }));
                }
            }
        }
        Ok(out)
    }

    /// A numeric column as `f64`; null cells are NaN. Text cells must parse
    /// as numbers; booleans count as 0 and 1.
    pub fn numbers(&self, col: usize) -> Result<Vec<f64>> {
        let name = &self.names[col];
        let mut out = Vec::with_capacity(self.rows());
        for array in self.chunks(col) {
            let base = out.len();
            let t = array.data_type();
            if t.is_numeric() {
                out.extend((0..array.len()).map(|i| {
                    if array.is_null(i) {
                        f64::NAN
                    } else {
                        number_at(array, i)
                    }
                }));
            } else if *t == DataType::Boolean {
                let a = array.as_boolean();
                out.extend(
                    a.iter()
                        .map(|v| v.map_or(f64::NAN, |b| f64::from(u8::from(b)))),
                );
            } else if *t == DataType::Null {
                out.extend(std::iter::repeat_n(f64::NAN, array.len()));
            } else if is_text(t) {
                for i in 0..array.len() {
                    out.push(match text_at(array, i) {
                        None => f64::NAN,
                        Some(s) if s.trim().is_empty() => f64::NAN,
                        Some(s) => s
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|v| v.is_finite())
                            .ok_or_else(|| Error::bad_value(name, base + i, &s, "a number"))?,
                    });
                }
            } else {
                return Err(Error::new(ErrorKind::ColumnType {
                    column: name.clone(),
                    expected: "a numeric column",
                    found: t.to_string(),
                }));
            }
        }
        Ok(out)
    }

    /// A column as categories, coded in order of first appearance. Any type
    /// works: cells are compared as their display text.
    pub fn categories(&self, col: usize) -> Categories {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut labels: Vec<String> = Vec::new();
        let mut codes = Vec::with_capacity(self.rows());
        let mut code_of = |label: Option<String>| -> u32 {
            let label = label.unwrap_or_else(|| NULL_LABEL.to_string());
            if let Some(&c) = index.get(&label) {
                return c;
            }
            let c = labels.len() as u32;
            labels.push(label.clone());
            index.insert(label, c);
            c
        };
        for array in self.chunks(col) {
            if let DataType::Dictionary(_, _) = array.data_type() {
                // Code the dictionary once, then map keys: pandas
                // categoricals arrive this way and a million rows cost a
                // lookup each instead of a hash.
                let dict = array.as_any_dictionary();
                let keys = dict.normalized_keys();
                let values = dict.values();
                let value_codes: Vec<u32> = (0..values.len())
                    .map(|i| code_of(cell_text(values, i)))
                    .collect();
                let null_code = array.null_count() > 0;
                let null = if null_code { code_of(None) } else { 0 };
                codes.extend((0..array.len()).map(|i| {
                    if array.is_null(i) {
                        null
                    } else {
                        value_codes.get(keys[i]).copied().unwrap_or(null)
                    }
                }));
            } else {
                for i in 0..array.len() {
                    codes.push(code_of(cell_text(array, i)));
                }
            }
        }
        Categories { codes, labels }
    }

    /// A cell as display text (`None` for null): times in RFC 3339 UTC.
    pub fn cell(&self, col: usize, row: usize) -> Option<String> {
        let b = self.starts.partition_point(|&s| s <= row).checked_sub(1)?;
        let batch = self.batches.get(b)?;
        cell_text(batch.column(col), row - self.starts[b])
    }

    /// A cell as JSON: numbers and booleans keep their type.
    pub fn cell_json(&self, col: usize, row: usize) -> serde_json::Value {
        let Some(text) = self.cell(col, row) else {
            return serde_json::Value::Null;
        };
        let t = &self.types[col];
        if t.is_numeric() {
            if let Ok(n) = text.parse::<f64>() {
                if let Some(v) = serde_json::Number::from_f64(n) {
                    return serde_json::Value::Number(v);
                }
            }
        }
        if *t == DataType::Boolean {
            return serde_json::Value::Bool(text == "true");
        }
        serde_json::Value::String(text)
    }
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

/// Epoch seconds written as text are not taken for times: a number column
/// passed as `time_column` is almost always the wrong column.
fn is_plain_number(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok()
}

fn timestamp_values(array: &ArrayRef) -> Vec<i64> {
    match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => array
            .as_primitive::<TimestampSecondType>()
            .values()
            .to_vec(),
        DataType::Timestamp(TimeUnit::Millisecond, _) => array
            .as_primitive::<TimestampMillisecondType>()
            .values()
            .to_vec(),
        DataType::Timestamp(TimeUnit::Microsecond, _) => array
            .as_primitive::<TimestampMicrosecondType>()
            .values()
            .to_vec(),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => array
            .as_primitive::<TimestampNanosecondType>()
            .values()
            .to_vec(),
        _ => Vec::new(),
    }
}

fn text_at(array: &ArrayRef, i: usize) -> Option<String> {
    cell_text(array, i)
}

fn number_at(array: &ArrayRef, i: usize) -> f64 {
    macro_rules! prim {
        ($($dt:ident => $ty:ty),*) => {
            match array.data_type() {
                $(DataType::$dt => array.as_primitive::<$ty>().value(i) as f64,)*
                DataType::Float16 => f64::from(array.as_primitive::<Float16Type>().value(i).to_f32()),
                _ => f64::NAN,
            }
        };
    }
    prim!(Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
          UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type,
          Float32 => Float32Type, Float64 => Float64Type)
}

/// Formats one cell of any supported Arrow type; unsupported types show
/// their type name so nothing is silently blank.
fn cell_text(array: &ArrayRef, i: usize) -> Option<String> {
    if i >= array.len() || array.is_null(i) {
        return None;
    }
    let t = array.data_type();
    Some(match t {
        DataType::Utf8 => array.as_string::<i32>().value(i).to_string(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).to_string(),
        DataType::Utf8View => array.as_string_view().value(i).to_string(),
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let key = dict.normalized_keys().get(i).copied()?;
            return cell_text(dict.values(), key);
        }
        DataType::Boolean => array.as_boolean().value(i).to_string(),
        DataType::Timestamp(unit, _) => {
            let v = timestamp_values(array).get(i).copied()?;
            let ms = match unit {
                TimeUnit::Second => v.saturating_mul(1000),
                TimeUnit::Millisecond => v,
                TimeUnit::Microsecond => v.div_euclid(1000),
                TimeUnit::Nanosecond => v.div_euclid(1_000_000),
            };
            format_time_ms(ms)
        }
        DataType::Date32 => {
            let d = array.as_primitive::<Date32Type>().value(i) as i64;
            DateTime::from_timestamp(d * 86_400, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| d.to_string())
        }
        DataType::Date64 => format_time_ms(array.as_primitive::<Date64Type>().value(i)),
        t if t.is_integer() => {
            let v = number_at(array, i);
            if matches!(t, DataType::Int64 | DataType::UInt64) {
                // Exact for ids beyond 2^53.
                match t {
                    DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
                    _ => array.as_primitive::<UInt64Type>().value(i).to_string(),
                }
            } else {
                format!("{v}")
            }
        }
        t if t.is_floating() => format!("{}", number_at(array, i)),
        other => format!("<{other}>"),
    })
}

#[cfg(test)]
mod tests {
    use arrow_array::{
        DictionaryArray, Float64Array, Int64Array, TimestampMillisecondArray,
        TimestampNanosecondArray,
    };
    use arrow_ipc::writer::StreamWriter;

    use super::*;

    fn stream(batch: &RecordBatch) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = StreamWriter::try_new(&mut out, &batch.schema()).unwrap();
        w.write(batch).unwrap();
        w.finish().unwrap();
        drop(w);
        out
    }

    fn sample() -> ViewTable {
        let t = TimestampNanosecondArray::from(vec![Some(1_700_000_000_000_000_000), None])
            .with_timezone("UTC");
        let host: DictionaryArray<Int32Type> = vec![Some("a"), None].into_iter().collect();
        let n = Float64Array::from(vec![Some(1.5), None]);
        let id = Int64Array::from(vec![9_007_199_254_740_993, 2]);
        let batch = RecordBatch::try_from_iter(vec![
            ("t", Arc::new(t) as ArrayRef),
            ("host", Arc::new(host) as ArrayRef),
            ("n", Arc::new(n) as ArrayRef),
            ("id", Arc::new(id) as ArrayRef),
        ])
        .unwrap();
        ViewTable::from_arrow(&stream(&batch)).unwrap()
    }

    #[test]
    fn reads_times_numbers_and_categories() {
        let t = sample();
        assert_eq!(t.rows(), 2);
        let times = t.times_ms(0).unwrap();
        assert_eq!(times[0], 1_700_000_000_000.0);
        assert!(times[1].is_nan());
        let cats = t.categories(1);
        assert_eq!(cats.labels, ["a", NULL_LABEL]);
        assert_eq!(cats.codes, [0, 1]);
        let n = t.numbers(2).unwrap();
        assert_eq!(n[0], 1.5);
        assert!(n[1].is_nan());
        assert_eq!(t.cell(0, 0).as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(t.cell(3, 0).as_deref(), Some("9007199254740993"));
        assert_eq!(t.cell(1, 1), None);
    }

    #[test]
    fn a_number_column_is_not_a_time() {
        let t = sample();
        let e = t.times_ms(2).unwrap_err();
        assert!(e.to_string().contains("\"n\""), "{e}");
        assert!(e.to_string().contains("not a time column"), "{e}");
    }

    #[test]
    fn text_times_parse_and_bad_cells_are_named() {
        let csv = b"when,v\n2024-01-01T00:00:00Z,1\nlater,2\n";
        let t = ViewTable::from_text_table(csv, TableFormat::Csv).unwrap();
        let e = t.times_ms(0).unwrap_err();
        assert_eq!(e.kind_name(), "bad_value");
        assert!(e.to_string().contains("row 1"), "{e}");
        assert!(e.to_string().contains("later"), "{e}");
        let e = t.times_ms(1).unwrap_err();
        assert!(e.to_string().contains("\"1\""), "{e}");
    }

    #[test]
    fn corrupt_arrow_is_a_parse_error() {
        let t = TimestampMillisecondArray::from(vec![1, 2, 3]);
        let batch = RecordBatch::try_from_iter(vec![("t", Arc::new(t) as ArrayRef)]).unwrap();
        let bytes = stream(&batch);
        let e = ViewTable::from_arrow(&bytes[..bytes.len() / 2]).unwrap_err();
        assert_eq!(e.kind_name(), "parse");
        let e = ViewTable::from_arrow(b"not arrow at all").unwrap_err();
        assert_eq!(e.kind_name(), "parse");
    }

    #[test]
    fn cells_across_batches() {
        let mk = |v: Vec<i64>| {
            RecordBatch::try_from_iter(vec![("x", Arc::new(Int64Array::from(v)) as ArrayRef)])
                .unwrap()
        };
        let (a, b) = (mk(vec![1, 2]), mk(vec![3]));
        let mut out = Vec::new();
        let mut w = StreamWriter::try_new(&mut out, &a.schema()).unwrap();
        w.write(&a).unwrap();
        w.write(&b).unwrap();
        w.finish().unwrap();
        drop(w);
        let t = ViewTable::from_arrow(&out).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.cell(0, 2).as_deref(), Some("3"));
        assert_eq!(t.numbers(0).unwrap(), [1.0, 2.0, 3.0]);
    }
}
