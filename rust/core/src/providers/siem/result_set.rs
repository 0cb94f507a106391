//! The rows of one SIEM answer before they become a [`Table`]: columns with
//! the type the provider declared, cells as the JSON it sent. Chunks of a
//! split query are appended here (columns matched by name), so the Arrow
//! table is built once, with one type per column.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use serde::Serialize;
use serde_json::Value as Json;

use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;

/// A column type as the query languages name it (KQL's scalar types;
/// Defender's and Splunk's map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiemType {
    /// `bool`: an Arrow boolean.
    Bool,
    /// `datetime`: an Arrow timestamp (µs, UTC).
    Datetime,
    /// `int`: 32-bit integer.
    Int,
    /// `long`: 64-bit integer.
    Long,
    /// `real` (and `decimal`, read as a float): 64-bit float.
    Real,
    /// `string`, `guid`, `timespan`: text as sent.
    String,
    /// `dynamic`: JSON text (an object or array compacted; text as sent).
    Dynamic,
}

impl SiemType {
    /// The type for a provider's type name, any case: KQL's (`datetime`,
    /// `long`, …), .NET's as Defender writes them (`DateTime`, `Int64`,
    /// `Boolean`, `Double`, `Object`). Unknown names are text, which loses
    /// nothing.
    pub fn from_name(name: &str) -> SiemType {
        match name.trim().to_ascii_lowercase().as_str() {
            "bool" | "boolean" | "system.boolean" => SiemType::Bool,
            "datetime" | "date" | "system.datetime" => SiemType::Datetime,
            "int" | "int32" | "system.int32" => SiemType::Int,
            "long" | "int64" | "system.int64" => SiemType::Long,
            "real" | "double" | "float" | "single" | "decimal" | "system.double"
            | "system.decimal" => SiemType::Real,
            "dynamic" | "object" | "system.object" => SiemType::Dynamic,
            _ => SiemType::String,
        }
    }

    fn arrow(self) -> DataType {
        match self {
            SiemType::Bool => DataType::Boolean,
            SiemType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            SiemType::Int => DataType::Int32,
            SiemType::Long => DataType::Int64,
            SiemType::Real => DataType::Float64,
            SiemType::String | SiemType::Dynamic => DataType::Utf8,
        }
    }
}

/// One column of a result: its name and declared type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiemColumn {
    /// Column name.
    pub name: String,
    /// Declared type.
    #[serde(rename = "type")]
    pub kind: SiemType,
}

/// Result rows with their declared columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultSet {
    /// The columns, in order.
    pub columns: Vec<SiemColumn>,
    /// Rows, one JSON value per column (shorter rows are padded with nulls).
    pub rows: Vec<Vec<Json>>,
}

impl ResultSet {
    /// Appends `other`'s rows: its columns are matched by name, new ones
    /// added (earlier rows null there); a column declared with two types
    /// becomes text, so no cell is lost.
    pub fn append(&mut self, other: ResultSet) {
        if self.columns.is_empty() && self.rows.is_empty() {
            *self = other;
            return;
        }
        let mut map = Vec::with_capacity(other.columns.len());
        for c in &other.columns {
            match self.columns.iter().position(|m| m.name == c.name) {
                Some(i) => {
                    if self.columns[i].kind != c.kind {
                        self.columns[i].kind = SiemType::String;
                    }
                    map.push(i);
                }
                None => {
                    self.columns.push(c.clone());
                    map.push(self.columns.len() - 1);
                }
            }
        }
        let width = self.columns.len();
        for row in &mut self.rows {
            row.resize(width, Json::Null);
        }
        for row in other.rows {
            let mut out = vec![Json::Null; width];
            for (cell, &i) in row.into_iter().zip(&map) {
                out[i] = cell;
            }
            self.rows.push(out);
        }
    }

    /// The rows as a typed [`Table`], and a note per column with cells that
    /// could not be read as its type (those cells are null).
    pub fn to_table(&self) -> Result<(Table, Vec<String>)> {
        let mut fields = Vec::with_capacity(self.columns.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        let mut notes = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let cells = self.rows.iter().map(|r| r.get(i).unwrap_or(&Json::Null));
            let (array, unread) = build(c.kind, cells, self.rows.len());
            if unread > 0 {
                notes.push(format!(
                    "column {:?}: {unread} cells could not be read as {} and are empty",
                    c.name,
                    serde_json::to_value(c.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                ));
            }
            fields.push(Field::new(&c.name, c.kind.arrow(), true));
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema)
        } else {
            RecordBatch::try_new(schema, arrays)
                .map_err(|e| Error::new(ErrorKind::Output(e.to_string())))?
        };
        Ok((Table::from_record_batch(&batch), notes))
    }
}

/// One typed array from JSON cells, and how many non-null cells were not
/// of the type.
fn build<'a>(kind: SiemType, cells: impl Iterator<Item = &'a Json>, n: usize) -> (ArrayRef, usize) {
    let mut unread = 0;
    macro_rules! fill {
        ($builder:expr, $read:expr) => {{
            let mut b = $builder;
            for cell in cells {
                if cell.is_null() {
                    b.append_null();
                    continue;
                }
                match $read(cell) {
                    Some(v) => b.append_value(v),
                    None => {
                        unread += 1;
                        b.append_null();
                    }
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    let array = match kind {
        SiemType::Bool => fill!(BooleanBuilder::with_capacity(n), read_bool),
        SiemType::Int => fill!(Int32Builder::with_capacity(n), |c: &Json| read_long(c)
            .and_then(|v| i32::try_from(v).ok())),
        SiemType::Long => fill!(Int64Builder::with_capacity(n), read_long),
        SiemType::Real => fill!(Float64Builder::with_capacity(n), read_real),
        SiemType::Datetime => {
            let a = fill!(TimestampMicrosecondBuilder::with_capacity(n), read_micros);
            // The builder's type has no zone; the schema's has UTC.
            arrow_cast_utc(a)
        }
        SiemType::String => fill!(StringBuilder::new(), |c: &Json| Some(match c {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })),
        SiemType::Dynamic => fill!(StringBuilder::new(), |c: &Json| Some(match c {
            // Log Analytics sends dynamic values already as JSON text.
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })),
    };
    (array, unread)
}

fn arrow_cast_utc(a: ArrayRef) -> ArrayRef {
    use arrow_array::cast::AsArray;
    use arrow_array::types::TimestampMicrosecondType;
    Arc::new(
        a.as_primitive::<TimestampMicrosecondType>()
            .clone()
            .with_timezone("UTC"),
    )
}

fn read_bool(c: &Json) -> Option<bool> {
    match c {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => n.as_i64().map(|v| v != 0),
        Json::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn read_long(c: &Json) -> Option<i64> {
    match c {
        Json::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                .map(|f| f as i64)
        }),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn read_real(c: &Json) -> Option<f64> {
    match c {
        Json::Number(n) => n.as_f64(),
        // Kusto and Log Analytics write NaN and infinities as text.
        Json::String(s) => match s.trim() {
            "NaN" => Some(f64::NAN),
            "Infinity" | "+Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            t => t.parse().ok(),
        },
        _ => None,
    }
}

/// A time as microseconds since the epoch: ISO 8601 / RFC 3339 text with
/// up to 9 fraction digits (Kusto writes 7), else what the table reader
/// accepts (Splunk's `_time` with an offset, epoch seconds).
fn read_micros(c: &Json) -> Option<i64> {
    match c {
        Json::String(s) => {
            let s = s.trim();
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                return Some(t.timestamp_micros());
            }
            crate::table::parse_time_ms(s).and_then(|ms| ms.checked_mul(1000))
        }
        Json::Number(n) => n.as_f64().map(|secs| (secs * 1e6).round() as i64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(cols: &[(&str, SiemType)], rows: Json) -> ResultSet {
        ResultSet {
            columns: cols
                .iter()
                .map(|(n, k)| SiemColumn {
                    name: n.to_string(),
                    kind: *k,
                })
                .collect(),
            rows: serde_json::from_value(rows).unwrap(),
        }
    }

    #[test]
    fn typed_columns() {
        let rs = set(
            &[
                ("T", SiemType::Datetime),
                ("N", SiemType::Long),
                ("I", SiemType::Int),
                ("R", SiemType::Real),
                ("B", SiemType::Bool),
                ("D", SiemType::Dynamic),
                ("S", SiemType::String),
            ],
            json!([
                ["2024-01-02T03:04:05.1234567Z", 9007199254740993i64, 7, 1.5, true, {"a": [1]}, "x"],
                [null, "12", "x", "NaN", 0, "{\"b\":2}", 3],
            ]),
        );
        let (t, notes) = rs.to_table().unwrap();
        assert_eq!(t.rows(), 2);
        let b = t.to_record_batch().unwrap();
        assert_eq!(
            b.schema().field(0).data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(t.column(0).time_ms(0), Some(1_704_164_645_123));
        assert!(t.column(0).is_null(1));
        assert_eq!(t.column(1).integer(0), Some(9_007_199_254_740_993));
        assert_eq!(t.column(1).integer(1), Some(12));
        assert!(t.column(2).is_null(1));
        assert!(t.column(3).number(1).unwrap().is_nan());
        assert_eq!(t.column(4).boolean(1), Some(false));
        assert_eq!(t.column(5).get(0), Some(r#"{"a":[1]}"#));
        assert_eq!(t.column(5).get(1), Some(r#"{"b":2}"#));
        assert_eq!(t.column(6).get(1), Some("3"));
        assert_eq!(
            notes,
            [r#"column "I": 1 cells could not be read as int and are empty"#]
        );
    }

    #[test]
    fn append_matches_columns_by_name() {
        let mut a = set(&[("A", SiemType::Long)], json!([[1]]));
        a.append(set(
            &[("B", SiemType::String), ("A", SiemType::Real)],
            json!([["x", 2.5]]),
        ));
        assert_eq!(a.columns[0].kind, SiemType::String);
        assert_eq!(
            a.rows,
            vec![vec![json!(1), Json::Null], vec![json!(2.5), json!("x")]]
        );
    }
}
