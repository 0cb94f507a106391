//! Nested Arrow cells (lists, structs) as JSON text: how the core reads a
//! session (`["cmd", …]`, `[{"name": …, "params": …}, …]`). A pandas
//! column of Python lists or a polars `List` column arrives as an Arrow
//! list; it is written out here, in Rust, instead of one Python object per
//! cell on the way in.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, StringArray};
use arrow_schema::DataType;
use huntkit_core::{Cmd, Column, Session};
use serde_json::{Map, Number, Value};

/// `array` with each cell as JSON text when it is a list column; `None`
/// for any other type (read as it is).
pub(crate) fn lists_as_json(array: &ArrayRef) -> Option<ArrayRef> {
    if !matches!(
        array.data_type(),
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)
    ) {
        return None;
    }
    let cells: StringArray = (0..array.len())
        .map(|row| (!array.is_null(row)).then(|| value(array.as_ref(), row).to_string()))
        .collect();
    Some(Arc::new(cells))
}

/// Sessions from a list column whose items are text (command names), read
/// straight from the Arrow buffers; `None` for any other column. A null
/// session is empty; null names are skipped.
pub(crate) fn command_lists(array: &ArrayRef) -> Option<Vec<Session>> {
    fn names(values: &ArrayRef) -> Option<Column> {
        let column = Column::from(values.clone());
        column.is_text().then_some(column)
    }
    let (offsets, values): (Vec<usize>, ArrayRef) = match array.data_type() {
        DataType::List(_) => {
            let l = array.as_list::<i32>();
            (
                l.value_offsets().iter().map(|&o| o as usize).collect(),
                l.values().clone(),
            )
        }
        DataType::LargeList(_) => {
            let l = array.as_list::<i64>();
            (
                l.value_offsets().iter().map(|&o| o as usize).collect(),
                l.values().clone(),
            )
        }
        _ => return None,
    };
    let names = names(&values)?;
    Some(
        (0..array.len())
            .map(|row| {
                if array.is_null(row) {
                    return Vec::new();
                }
                (offsets[row]..offsets[row + 1])
                    .filter_map(|i| names.get(i).map(Cmd::new))
                    .collect()
            })
            .collect(),
    )
}

/// One cell as a JSON value; a struct's null fields are left out (a
/// params dict whose keys differ per command becomes one struct type with
/// the union of the keys).
fn value(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    let list = |values: ArrayRef| {
        Value::Array(
            (0..values.len())
                .map(|i| value(values.as_ref(), i))
                .collect(),
        )
    };
    macro_rules! num {
        ($t:ty) => {
            Value::from(array.as_primitive::<$t>().value(row))
        };
    }
    match array.data_type() {
        DataType::Utf8 => Value::from(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Value::from(array.as_string::<i64>().value(row)),
        DataType::Utf8View => Value::from(array.as_string_view().value(row)),
        DataType::Boolean => Value::from(array.as_boolean().value(row)),
        DataType::Int8 => num!(Int8Type),
        DataType::Int16 => num!(Int16Type),
        DataType::Int32 => num!(Int32Type),
        DataType::Int64 => num!(Int64Type),
        DataType::UInt8 => num!(UInt8Type),
        DataType::UInt16 => num!(UInt16Type),
        DataType::UInt32 => num!(UInt32Type),
        DataType::UInt64 => num!(UInt64Type),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::List(_) => list(array.as_list::<i32>().value(row)),
        DataType::LargeList(_) => list(array.as_list::<i64>().value(row)),
        DataType::FixedSizeList(_, _) => list(array.as_fixed_size_list().value(row)),
        DataType::Struct(_) => {
            let s = array.as_struct();
            let mut map = Map::new();
            for (field, column) in s.fields().iter().zip(s.columns()) {
                let v = value(column.as_ref(), row);
                if !v.is_null() {
                    map.insert(field.name().clone(), v);
                }
            }
            Value::Object(map)
        }
        DataType::Dictionary(_, _) => {
            let d = array.as_any_dictionary();
            let key = d.normalized_keys()[row];
            value(d.values().as_ref(), key)
        }
        // Other types (times, binary) are not parts of a session: keep the
        // cell visible as text rather than dropping it.
        _ => Value::from(format!("{:?}", array.slice(row, 1))),
    }
}

fn float(v: f64) -> Value {
    Number::from_f64(v).map_or(Value::Null, Value::Number)
}
