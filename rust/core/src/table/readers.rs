//! Whole columns read the way a view lays them out (times, numbers,
//! categories, as `f64` with NaN for null), and cells as a view shows them
//! (display text, JSON). Views are stricter than analyses: a number column
//! is not taken for times, and an unreadable cell is an error naming it.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::Array;
use arrow_schema::{DataType, TimeUnit};

use super::column::{display_cell, is_text_type};
use super::model::Table;
use crate::error::{Error, ErrorKind, Result};

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

impl Table {
    /// A time column in milliseconds since the epoch (UTC); null cells are
    /// NaN. Accepts Arrow timestamps (any unit and zone; naive ones are
    /// taken as UTC; sub-millisecond parts kept as fractions), dates, and
    /// text in the forms [`parse_time_ms`](super::parse_time_ms) knows but
    /// a plain number (epoch seconds in a `time_column` are almost always
    /// the wrong column).
    pub fn times_ms(&self, col: usize) -> Result<Vec<f64>> {
        let name = &self.names()[col];
        let column = self.column(col);
        let array = column.array();
        let n = column.len();
        Ok(match array.data_type() {
            DataType::Timestamp(unit, _) => {
                let per_ms = match unit {
                    TimeUnit::Second => 1e-3,
                    TimeUnit::Millisecond => 1.0,
                    TimeUnit::Microsecond => 1e3,
                    TimeUnit::Nanosecond => 1e6,
                };
                let values: &[i64] = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values(),
                    TimeUnit::Millisecond => {
                        array.as_primitive::<TimestampMillisecondType>().values()
                    }
                    TimeUnit::Microsecond => {
                        array.as_primitive::<TimestampMicrosecondType>().values()
                    }
                    TimeUnit::Nanosecond => {
                        array.as_primitive::<TimestampNanosecondType>().values()
                    }
                };
                (0..n)
                    .map(|i| {
                        if array.is_null(i) {
                            f64::NAN
                        } else {
                            values[i] as f64 / per_ms
                        }
                    })
                    .collect()
            }
            DataType::Date32 | DataType::Date64 | DataType::Null => (0..n)
                .map(|i| column.time_ms(i).map_or(f64::NAN, |ms| ms as f64))
                .collect(),
            t if is_text_type(t) => {
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    out.push(match column.get(i) {
                        None => f64::NAN,
                        Some(s) if s.trim().is_empty() => f64::NAN,
                        Some(s) => match column.time_ms(i) {
                            Some(ms) if s.trim().parse::<f64>().is_err() => ms as f64,
                            _ => return Err(Error::bad_value(name, i, s, "a time")),
                        },
                    });
                }
                out
            }
            other => {
                let cell = (0..n)
                    .find(|&i| !column.is_null(i))
                    .and_then(|i| display_cell(column, i))
                    .unwrap_or_default();
                return Err(Error::new(ErrorKind::ColumnType {
                    column: name.clone(),
                    expected: "a time column",
                    found: format!("{other}, e.g. {cell:?}"),
                }));
            }
        })
    }

    /// A numeric column as `f64`; null cells are NaN. Text cells must parse
    /// as numbers; booleans count as 0 and 1.
    pub fn numbers(&self, col: usize) -> Result<Vec<f64>> {
        let name = &self.names()[col];
        let column = self.column(col);
        let n = column.len();
        let t = column.data_type();
        if t.is_numeric() {
            Ok((0..n)
                .map(|i| column.number(i).unwrap_or(f64::NAN))
                .collect())
        } else if *t == DataType::Boolean {
            Ok((0..n)
                .map(|i| {
                    column
                        .boolean(i)
                        .map_or(f64::NAN, |b| f64::from(u8::from(b)))
                })
                .collect())
        } else if *t == DataType::Null {
            Ok(vec![f64::NAN; n])
        } else if is_text_type(t) {
            (0..n)
                .map(|i| match column.get(i) {
                    None => Ok(f64::NAN),
                    Some(s) if s.trim().is_empty() => Ok(f64::NAN),
                    Some(s) => column
                        .number(i)
                        .ok_or_else(|| Error::bad_value(name, i, s, "a number")),
                })
                .collect()
        } else {
            Err(Error::new(ErrorKind::ColumnType {
                column: name.clone(),
                expected: "a numeric column",
                found: t.to_string(),
            }))
        }
    }

    /// A column as categories, coded in order of first appearance. Any type
    /// works: cells are compared as their display text.
    pub fn categories(&self, col: usize) -> Categories {
        let column = self.column(col);
        let array = column.array();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut labels: Vec<String> = Vec::new();
        let mut codes = Vec::with_capacity(column.len());
        let mut code_of = |label: Option<&str>| -> u32 {
            let label = label.unwrap_or(NULL_LABEL);
            if let Some(&c) = index.get(label) {
                return c;
            }
            let c = labels.len() as u32;
            labels.push(label.to_string());
            index.insert(label.to_string(), c);
            c
        };
        if let DataType::Dictionary(_, _) = array.data_type() {
            // Code the dictionary once, then map keys: pandas categoricals
            // and apache-arrow JS strings arrive this way and a million rows
            // cost a lookup each instead of a hash.
            let dict = array.as_any_dictionary();
            let keys = super::column::dictionary_keys(dict);
            let values = super::Column::from(dict.values().clone());
            let value_codes: Vec<u32> = (0..values.len())
                .map(|i| code_of(display_cell(&values, i).as_deref()))
                .collect();
            let null = if array.null_count() > 0 {
                code_of(None)
            } else {
                0
            };
            codes.extend((0..array.len()).map(|i| {
                if array.is_null(i) {
                    null
                } else {
                    value_codes.get(keys[i]).copied().unwrap_or(null)
                }
            }));
        } else {
            for i in 0..column.len() {
                codes.push(code_of(display_cell(column, i).as_deref()));
            }
        }
        Categories { codes, labels }
    }

    /// A cell as display text (`None` for null): times in RFC 3339 UTC,
    /// dates as `YYYY-MM-DD`, a type with no text form as its name.
    pub fn cell(&self, col: usize, row: usize) -> Option<String> {
        display_cell(self.column(col), row)
    }

    /// A cell as JSON: numbers and booleans keep their type.
    pub fn cell_json(&self, col: usize, row: usize) -> serde_json::Value {
        let column = self.column(col);
        let t = column.data_type();
        if t.is_numeric() {
            if let Some(v) = column.number(row).and_then(serde_json::Number::from_f64) {
                return serde_json::Value::Number(v);
            }
        }
        if let Some(b) = column.boolean(row) {
            return serde_json::Value::Bool(b);
        }
        match self.cell(col, row) {
            Some(text) => serde_json::Value::String(text),
            None => serde_json::Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, DictionaryArray, Float64Array, Int64Array, RecordBatch,
        TimestampMillisecondArray, TimestampNanosecondArray,
    };
    use arrow_ipc::writer::StreamWriter;

    use super::*;
    use crate::table::TableFormat;

    fn stream(batches: &[&RecordBatch]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = StreamWriter::try_new(&mut out, &batches[0].schema()).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.finish().unwrap();
        drop(w);
        out
    }

    fn sample() -> Table {
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
        Table::from_arrow(&stream(&[&batch])).unwrap()
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
        assert_eq!(t.cell_json(2, 0), serde_json::json!(1.5));
        assert_eq!(t.cell_json(1, 0), serde_json::json!("a"));
        assert_eq!(t.cell_json(1, 1), serde_json::Value::Null);
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
        let t = Table::read(csv, TableFormat::Csv).unwrap();
        let e = t.times_ms(0).unwrap_err();
        assert_eq!(e.kind_name(), "bad_value");
        assert!(e.to_string().contains("row 1"), "{e}");
        assert!(e.to_string().contains("later"), "{e}");
        let e = t.times_ms(1).unwrap_err();
        assert!(e.to_string().contains("\"1\""), "{e}");
        assert_eq!(t.numbers(1).unwrap(), [1.0, 2.0]);
        assert_eq!(t.cell_json(1, 0), serde_json::json!("1"), "text stays text");
    }

    #[test]
    fn corrupt_arrow_is_a_parse_error() {
        let t = TimestampMillisecondArray::from(vec![1, 2, 3]);
        let batch = RecordBatch::try_from_iter(vec![("t", Arc::new(t) as ArrayRef)]).unwrap();
        let bytes = stream(&[&batch]);
        let e = Table::from_arrow(&bytes[..bytes.len() / 2]).unwrap_err();
        assert_eq!(e.kind_name(), "parse");
        let e = Table::from_arrow(b"not arrow at all").unwrap_err();
        assert_eq!(e.kind_name(), "parse");
    }

    #[test]
    fn cells_across_batches() {
        let mk = |v: Vec<i64>| {
            RecordBatch::try_from_iter(vec![("x", Arc::new(Int64Array::from(v)) as ArrayRef)])
                .unwrap()
        };
        let (a, b) = (mk(vec![1, 2]), mk(vec![3]));
        let t = Table::from_arrow(&stream(&[&a, &b])).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.cell(0, 2).as_deref(), Some("3"));
        assert_eq!(t.numbers(0).unwrap(), [1.0, 2.0, 3.0]);
    }

    /// apache-arrow JS writes strings as dictionaries, one per batch: the
    /// batches' dictionaries are joined and coded once.
    #[test]
    fn dictionary_categories_across_batches() {
        let mk = |v: Vec<Option<&str>>| {
            let d: DictionaryArray<Int8Type> = v.into_iter().collect();
            RecordBatch::try_from_iter_with_nullable(vec![("h", Arc::new(d) as ArrayRef, true)])
                .unwrap()
        };
        let (a, b) = (mk(vec![Some("x"), Some("y")]), mk(vec![Some("y"), None]));
        let t = Table::from_arrow(&stream(&[&a, &b])).unwrap();
        let c = t.categories(0);
        assert_eq!(c.labels, ["x", "y", NULL_LABEL]);
        assert_eq!(c.codes, [0, 1, 1, 2]);
        assert_eq!(t.cell(0, 2).as_deref(), Some("y"));
    }

    #[test]
    fn all_null_and_unsupported_columns() {
        let null = arrow_array::new_null_array(&DataType::Null, 2);
        let list = arrow_array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1)]),
            None,
        ]);
        let t = Table::from_record_batch(
            &RecordBatch::try_from_iter(vec![("z", null), ("l", Arc::new(list) as ArrayRef)])
                .unwrap(),
        );
        assert!(t.times_ms(0).unwrap().iter().all(|v| v.is_nan()));
        assert!(t.numbers(0).unwrap().iter().all(|v| v.is_nan()));
        assert_eq!(t.categories(0).labels, [NULL_LABEL]);
        assert_eq!(t.cell(1, 0).as_deref(), Some("<List(Int32)>"));
        assert_eq!(t.cell(1, 1), None);
        assert_eq!(t.numbers(1).unwrap_err().kind_name(), "column_type");
    }
}
