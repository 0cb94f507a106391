//! One column of a [`Table`](super::Table): the Arrow array as it was read,
//! with typed readers. An Arrow timestamp is read as milliseconds and an
//! Arrow integer as an integer, straight from its buffer; only a column
//! that was text in the input is parsed, cell by cell as it is asked for.
//! A typed column's text (for display, IoC scans, output frames) is
//! formatted once, the first time a cell's text is asked for.

use std::sync::OnceLock;

use arrow_array::builder::LargeStringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, Int64Array, LargeStringArray, StringArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::DateTime;

use super::cells::trim_cell;
use super::time::{epoch_number_ms, parse_time_ms, write_time_ms};

/// A column's cells: typed readers over its Arrow array.
#[derive(Debug, Clone)]
pub struct Column {
    array: ArrayRef,
    /// The array itself when it is a plain string array (CSV and JSON
    /// columns, most Arrow strings): its cells are read with no downcast
    /// per cell, as an analysis reads several per row.
    strings: Option<StringArray>,
    /// The values of an `i64` column (integers, timestamps, `Date64`, what
    /// a notebook's PIDs and times are), read with no dynamic dispatch
    /// per cell.
    wide: Option<Wide>,
    /// Cached type tests (an analysis asks them per cell).
    text_type: bool,
    number_type: bool,
    /// The cells as text, for a column whose array is not a plain string
    /// array (numbers, times, dictionaries): formatted on first use.
    text: OnceLock<LargeStringArray>,
}

impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        self.array.to_data() == other.array.to_data()
    }
}

impl From<ArrayRef> for Column {
    fn from(array: ArrayRef) -> Column {
        let array = decode_typed_dictionary(array);
        let strings = array.as_string_opt::<i32>().cloned();
        let t = array.data_type();
        Column {
            strings,
            wide: Wide::of(&array),
            text_type: is_text_type(t),
            number_type: t.is_integer() || t.is_floating(),
            array,
            text: OnceLock::new(),
        }
    }
}

impl From<StringArray> for Column {
    fn from(array: StringArray) -> Column {
        Column::from(std::sync::Arc::new(array) as ArrayRef)
    }
}

/// A dictionary of numbers, times or booleans (a pandas categorical of
/// integers or dates) as the plain array of its values, so the typed
/// readers read it as they read that type; text dictionaries stay as they
/// are (read through their values, never copied).
fn decode_typed_dictionary(array: ArrayRef) -> ArrayRef {
    let DataType::Dictionary(_, values) = array.data_type() else {
        return array;
    };
    if is_text_type(values) {
        return array;
    }
    let dict = array.as_any_dictionary();
    // `take` only fails on an index past the values, which Arrow's own
    // validation of the dictionary rules out; keep the array if it does.
    arrow_select::take::take(dict.values().as_ref(), dict.keys(), None).unwrap_or(array)
}

/// Whether cells of type `t` are text (plain, large, view, or
/// dictionary-encoded strings as apache-arrow JS and pandas categoricals
/// write them).
pub(crate) fn is_text_type(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text_type(v),
        _ => false,
    }
}

/// An `i64`-backed column's values and nulls, and what a value counts.
#[derive(Debug, Clone)]
struct Wide {
    /// The values as plain `i64`s (buffers shared, not copied).
    values: Int64Array,
    unit: WideUnit,
}

#[derive(Debug, Clone, Copy)]
enum WideUnit {
    Integer,
    Seconds,
    Millis,
    Micros,
    Nanos,
}

impl Wide {
    fn of(a: &ArrayRef) -> Option<Wide> {
        fn wide<T: ArrowPrimitiveType<Native = i64>>(a: &ArrayRef, unit: WideUnit) -> Wide {
            let a = a.as_primitive::<T>();
            Wide {
                values: Int64Array::new(a.values().clone(), a.nulls().cloned()),
                unit,
            }
        }
        Some(match a.data_type() {
            DataType::Int64 => wide::<Int64Type>(a, WideUnit::Integer),
            DataType::Date64 => wide::<Date64Type>(a, WideUnit::Millis),
            DataType::Timestamp(TimeUnit::Second, _) => {
                wide::<TimestampSecondType>(a, WideUnit::Seconds)
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                wide::<TimestampMillisecondType>(a, WideUnit::Millis)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                wide::<TimestampMicrosecondType>(a, WideUnit::Micros)
            }
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                wide::<TimestampNanosecondType>(a, WideUnit::Nanos)
            }
            _ => return None,
        })
    }

    /// The value at `row`, `None` for a null or past the end.
    fn get(&self, row: usize) -> Option<i64> {
        let v = &self.values;
        (row < v.len() && v.is_valid(row)).then(|| v.value(row))
    }
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.array.len()
    }

    /// No cells.
    pub fn is_empty(&self) -> bool {
        self.array.is_empty()
    }

    /// The Arrow array, as read.
    pub fn array(&self) -> &ArrayRef {
        &self.array
    }

    /// The Arrow type of the cells.
    pub fn data_type(&self) -> &DataType {
        self.array.data_type()
    }

    /// Whether the cells are text (so typed readers parse them).
    pub fn is_text(&self) -> bool {
        self.text_type
    }

    /// Whether the cells are Arrow integers or floats.
    pub fn is_number(&self) -> bool {
        self.number_type
    }

    /// Whether the cell at `row` is null (or past the end). Every cell of
    /// an all-null (`Null`-typed) column is, though Arrow keeps no null
    /// mask for it.
    pub fn is_null(&self, row: usize) -> bool {
        if let Some(s) = &self.strings {
            return row >= s.len() || s.is_null(row);
        }
        if let Some(w) = &self.wide {
            return w.get(row).is_none();
        }
        row >= self.array.len()
            || self.array.is_null(row)
            || *self.array.data_type() == DataType::Null
    }

    /// Whether the cell at `row` says nothing: null, or text that is only
    /// white space. A typed cell is blank only when null.
    pub fn is_blank(&self, row: usize) -> bool {
        if self.is_null(row) {
            return true;
        }
        self.is_text() && self.get(row).is_none_or(|s| trim_cell(s).is_empty())
    }

    /// The cell at `row` as text: `None` for a null or a row past the end.
    /// Text cells are returned as they are; numbers as their decimal text,
    /// booleans as `true`/`false`, times in RFC 3339 UTC, dates as
    /// `YYYY-MM-DD` (formatted once for the whole column, on first use);
    /// cells of other types (lists, structs, decimals) are `None`.
    pub fn get(&self, row: usize) -> Option<&str> {
        if let Some(s) = &self.strings {
            return (row < s.len() && s.is_valid(row)).then(|| s.value(row));
        }
        // Large strings are shared, not copied; the rest formatted once.
        let text = self.text.get_or_init(|| format_cells(&self.array));
        (row < text.len() && text.is_valid(row)).then(|| text.value(row))
    }

    /// The cells as text, in order (see [`get`](Self::get)).
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|row| self.get(row))
    }

    /// The cells as owned strings (for callers that keep them).
    pub fn to_vec(&self) -> Vec<Option<String>> {
        self.iter().map(|c| c.map(str::to_string)).collect()
    }

    /// Bytes of text the column holds (exact for plain strings), or an
    /// estimate of its formatted text: a capacity hint for copying it out.
    pub fn text_bytes(&self) -> usize {
        let array = &self.array;
        let per_cell = match array.data_type() {
            DataType::Utf8 => return array.as_string::<i32>().values().len(),
            DataType::LargeUtf8 => return array.as_string::<i64>().values().len(),
            // RFC 3339 with milliseconds: `2024-01-01T00:00:00.000Z`.
            DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => 24,
            DataType::Boolean => 5,
            t if t.is_integer() => 6,
            t if t.is_floating() => 12,
            _ => 16,
        };
        (array.len() - array.null_count()).saturating_mul(per_cell)
    }

    /// Whether the column's text has been formatted (tests check that typed
    /// reads never do).
    #[cfg(test)]
    pub(crate) fn formatted(&self) -> bool {
        self.text.get().is_some()
    }

    /// The cell as milliseconds since the epoch (UTC). Arrow timestamps of
    /// any unit and zone (an instant; a naive one is taken as UTC) and
    /// dates are read from their values; text is parsed with
    /// [`parse_time_ms`]; numbers are epoch seconds, or milliseconds when
    /// ≥ 1e11 (as that parser reads a number cell). `None` for a null, an
    /// unreadable cell, or another type.
    pub fn time_ms(&self, row: usize) -> Option<i64> {
        if let Some(w) = &self.wide {
            let v = w.get(row)?;
            return match w.unit {
                WideUnit::Integer => epoch_number_ms(v as f64),
                WideUnit::Seconds => v.checked_mul(1000),
                WideUnit::Millis => Some(v),
                WideUnit::Micros => Some(v.div_euclid(1000)),
                WideUnit::Nanos => Some(v.div_euclid(1_000_000)),
            };
        }
        if self.is_null(row) {
            return None;
        }
        let a = &self.array;
        match a.data_type() {
            DataType::Timestamp(unit, _) => timestamp_ms(a, *unit, row),
            DataType::Date32 => {
                Some(i64::from(a.as_primitive::<Date32Type>().value(row)) * 86_400_000)
            }
            DataType::Date64 => Some(a.as_primitive::<Date64Type>().value(row)),
            t if t.is_integer() || t.is_floating() => epoch_number_ms(self.number(row)?),
            t if is_text_type(t) => self.get(row).and_then(parse_time_ms),
            _ => None,
        }
    }

    /// The cell as an integer. Arrow integers are read as they are (a
    /// `UInt64` past `i64::MAX` is `None`); floats when whole; text is
    /// parsed when it is a decimal integer or `0x` hex (how 4688 events
    /// write PIDs), white space around it allowed. `None` for a null, an
    /// unreadable cell, or another type.
    pub fn integer(&self, row: usize) -> Option<i64> {
        if let Some(w) = &self.wide {
            return w.get(row).filter(|_| matches!(w.unit, WideUnit::Integer));
        }
        if self.is_null(row) {
            return None;
        }
        let a = &self.array;
        macro_rules! int {
            ($t:ty) => {
                i64::try_from(a.as_primitive::<$t>().value(row)).ok()
            };
        }
        match a.data_type() {
            DataType::Int8 => int!(Int8Type),
            DataType::Int16 => int!(Int16Type),
            DataType::Int32 => int!(Int32Type),
            DataType::Int64 => int!(Int64Type),
            DataType::UInt8 => int!(UInt8Type),
            DataType::UInt16 => int!(UInt16Type),
            DataType::UInt32 => int!(UInt32Type),
            DataType::UInt64 => int!(UInt64Type),
            t if t.is_floating() => {
                let n = self.number(row)?;
                (n.fract() == 0.0 && n.abs() < 9.2e18).then_some(n as i64)
            }
            t if is_text_type(t) => parse_integer(self.get(row)?),
            _ => None,
        }
    }

    /// The cell as a number. Arrow integers and floats are read as they are
    /// (integers past 2^53 rounded); text is parsed when it is a finite
    /// number, white space around it allowed. `None` for a null, an
    /// unreadable cell, or another type (booleans included).
    pub fn number(&self, row: usize) -> Option<f64> {
        if let Some(w) = &self.wide {
            let v = w.get(row).filter(|_| matches!(w.unit, WideUnit::Integer))?;
            return Some(v as f64);
        }
        if self.is_null(row) {
            return None;
        }
        let a = &self.array;
        macro_rules! num {
            ($t:ty) => {
                a.as_primitive::<$t>().value(row) as f64
            };
        }
        Some(match a.data_type() {
            DataType::Int8 => num!(Int8Type),
            DataType::Int16 => num!(Int16Type),
            DataType::Int32 => num!(Int32Type),
            DataType::Int64 => num!(Int64Type),
            DataType::UInt8 => num!(UInt8Type),
            DataType::UInt16 => num!(UInt16Type),
            DataType::UInt32 => num!(UInt32Type),
            DataType::UInt64 => num!(UInt64Type),
            DataType::Float16 => f64::from(a.as_primitive::<Float16Type>().value(row).to_f32()),
            DataType::Float32 => f64::from(a.as_primitive::<Float32Type>().value(row)),
            DataType::Float64 => a.as_primitive::<Float64Type>().value(row),
            t if is_text_type(t) => {
                return trim_cell(self.get(row)?)
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
            }
            _ => return None,
        })
    }

    /// The cell as a boolean: Arrow booleans only.
    pub fn boolean(&self, row: usize) -> Option<bool> {
        (!self.is_null(row) && *self.data_type() == DataType::Boolean)
            .then(|| self.array.as_boolean().value(row))
    }
}

/// A timestamp of `unit` as milliseconds (`None` past the range of i64 ms).
fn timestamp_ms(a: &ArrayRef, unit: TimeUnit, row: usize) -> Option<i64> {
    Some(match unit {
        TimeUnit::Second => a
            .as_primitive::<TimestampSecondType>()
            .value(row)
            .checked_mul(1000)?,
        TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(row),
        TimeUnit::Microsecond => a
            .as_primitive::<TimestampMicrosecondType>()
            .value(row)
            .div_euclid(1000),
        TimeUnit::Nanosecond => a
            .as_primitive::<TimestampNanosecondType>()
            .value(row)
            .div_euclid(1_000_000),
    })
}

/// A decimal integer (sign allowed) or `0x` hex, trimmed.
fn parse_integer(cell: &str) -> Option<i64> {
    let s = trim_cell(cell);
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The text of every cell of `array` (see [`Column::get`]), into one
/// buffer: the type is matched once per column, integers go through
/// `itoa` and times are written digit by digit (formatting a notebook's
/// integer PIDs with `{}` per cell was most of reading them as text).
fn format_cells(array: &ArrayRef) -> LargeStringArray {
    let n = array.len();
    // Sized up front: doubling a million cells' buffer copied it twenty
    // times.
    let bytes = Column::from(array.clone()).text_bytes();
    let mut out = LargeStringBuilder::with_capacity(n, bytes);
    match array.data_type() {
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .for_each(|c| out.append_option(c)),
        DataType::LargeUtf8 => return array.as_string::<i64>().clone(),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .for_each(|c| out.append_option(c)),
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let keys = dictionary_keys(dict);
            let values = format_cells(dict.values());
            for (i, &key) in keys.iter().enumerate() {
                out.append_option(if array.is_null(i) || !values.is_valid(key) {
                    None
                } else {
                    Some(values.value(key))
                });
            }
        }
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .for_each(|c| out.append_option(c.map(|b| if b { "true" } else { "false" }))),
        t if t.is_integer() => append_integers(&mut out, array),
        t if t.is_floating() => {
            let mut text = String::new();
            for i in 0..n {
                if array.is_null(i) {
                    out.append_null();
                    continue;
                }
                text.clear();
                write_float(&mut text, array, i);
                out.append_value(&text);
            }
        }
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            for v in a.iter() {
                out.append_option(v.map(|d| {
                    DateTime::from_timestamp(i64::from(d) * 86_400, 0)
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| d.to_string())
                }));
            }
        }
        DataType::Timestamp(_, _) | DataType::Date64 => {
            let column = Column::from(array.clone());
            let mut text = String::new();
            for i in 0..n {
                match column.time_ms(i) {
                    Some(ms) => {
                        text.clear();
                        write_time_ms(&mut text, ms);
                        out.append_value(&text);
                    }
                    None => out.append_null(),
                }
            }
        }
        _ => (0..n).for_each(|_| out.append_null()),
    }
    out.finish()
}

/// Appends an integer column's cells through `itoa`.
fn append_integers(out: &mut LargeStringBuilder, array: &ArrayRef) {
    fn each<T: ArrowPrimitiveType>(out: &mut LargeStringBuilder, array: &ArrayRef)
    where
        T::Native: itoa::Integer,
    {
        let mut text = itoa::Buffer::new();
        for v in array.as_primitive::<T>().iter() {
            out.append_option(v.map(|v| text.format(v)));
        }
    }
    match array.data_type() {
        DataType::Int8 => each::<Int8Type>(out, array),
        DataType::Int16 => each::<Int16Type>(out, array),
        DataType::Int32 => each::<Int32Type>(out, array),
        DataType::Int64 => each::<Int64Type>(out, array),
        DataType::UInt8 => each::<UInt8Type>(out, array),
        DataType::UInt16 => each::<UInt16Type>(out, array),
        DataType::UInt32 => each::<UInt32Type>(out, array),
        DataType::UInt64 => each::<UInt64Type>(out, array),
        _ => (0..array.len()).for_each(|_| out.append_null()),
    }
}

/// Appends the float at `i` to `out` (Rust's shortest round-trip form of
/// the float as stored: `1`, not `1.0`; an f32 `0.1` is `0.1`).
fn write_float(out: &mut String, array: &ArrayRef, i: usize) {
    use std::fmt::Write;
    let _ = match array.data_type() {
        DataType::Float16 => write!(out, "{}", array.as_primitive::<Float16Type>().value(i)),
        DataType::Float32 => write!(out, "{}", array.as_primitive::<Float32Type>().value(i)),
        DataType::Float64 => write!(out, "{}", array.as_primitive::<Float64Type>().value(i)),
        _ => Ok(()),
    };
}

/// A cell as the display text a view shows: [`Column::get`], and for a
/// type with no text form its type name (`<List(Int64)>`), so nothing is
/// silently blank.
pub(crate) fn display_cell(column: &Column, row: usize) -> Option<String> {
    if column.is_null(row) {
        return None;
    }
    Some(match column.get(row) {
        Some(s) => s.to_string(),
        None => format!("<{}>", column.data_type()),
    })
}

/// The keys of a dictionary column as indexes into its values. arrow-rs's
/// `normalized_keys` asserts that there are values; a dictionary with none
/// (all its keys null, or its dictionary batch left out, as the IPC format
/// allows) would panic there (issue #16, a view bundle the fuzzer made).
pub(crate) fn dictionary_keys(dict: &dyn arrow_array::AnyDictionaryArray) -> Vec<usize> {
    if dict.values().is_empty() {
        return vec![0; dict.keys().len()];
    }
    dict.normalized_keys()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{
        BooleanArray, Date32Array, Date64Array, DictionaryArray, Float32Array, Float64Array,
        Int16Array, Int32Array, Int64Array, Int8Array, LargeStringArray, StringViewArray,
        TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
        TimestampSecondArray, UInt16Array, UInt32Array, UInt64Array, UInt8Array,
    };

    use super::*;

    fn col(a: impl Array + 'static) -> Column {
        Column::from(Arc::new(a) as ArrayRef)
    }

    /// 2024-01-01T00:00:01.500Z
    const MS: i64 = 1_704_067_201_500;

    #[test]
    fn time_from_every_timestamp_unit_zone_and_date() {
        let cases = [
            col(TimestampSecondArray::from(vec![Some(MS / 1000), None])),
            col(TimestampMillisecondArray::from(vec![Some(MS), None]).with_timezone("UTC")),
            col(
                TimestampMicrosecondArray::from(vec![Some(MS * 1000 + 7), None])
                    .with_timezone("+05:30"),
            ),
            col(
                TimestampNanosecondArray::from(vec![Some(MS * 1_000_000 + 9), None])
                    .with_timezone("America/New_York"),
            ),
        ];
        for (c, want) in cases.iter().zip([MS - 500, MS, MS, MS]) {
            assert_eq!(c.time_ms(0), Some(want), "{:?}", c.data_type());
            assert_eq!(c.time_ms(1), None, "null");
            assert!(!c.is_text());
            assert!(c.is_blank(1) && !c.is_blank(0));
        }
        // Before the epoch: floor, not truncation toward zero.
        let before = col(TimestampMicrosecondArray::from(vec![-1]));
        assert_eq!(before.time_ms(0), Some(-1));
        assert_eq!(col(Date32Array::from(vec![1])).time_ms(0), Some(86_400_000));
        assert_eq!(col(Date64Array::from(vec![MS])).time_ms(0), Some(MS));
        // An instant is an instant: the zone changes only how it is shown.
        assert_eq!(cases[3].get(0), Some("2024-01-01T00:00:01.500Z"));
        assert_eq!(col(Date32Array::from(vec![1])).get(0), Some("1970-01-02"));
        // Past i64 milliseconds: no time, not an overflow.
        assert_eq!(
            col(TimestampSecondArray::from(vec![i64::MAX])).time_ms(0),
            None
        );
    }

    #[test]
    fn time_from_text_and_numbers() {
        let text = col(StringArray::from(vec![
            Some("2024-01-01T00:00:01.5Z"),
            Some(" 2024-01-01 00:00:01.500 "),
            Some("later"),
            Some(""),
            None,
        ]));
        assert!(text.is_text());
        assert_eq!(text.time_ms(0), Some(MS));
        assert_eq!(text.time_ms(1), Some(MS));
        assert_eq!(text.time_ms(2), None);
        assert_eq!((text.time_ms(3), text.time_ms(4)), (None, None));
        assert!(text.is_blank(3) && text.is_blank(4) && !text.is_blank(2));
        // Numbers are epoch seconds, or milliseconds from 1e11, as the text
        // parser reads number cells.
        assert_eq!(col(Int64Array::from(vec![60])).time_ms(0), Some(60_000));
        assert_eq!(col(Int64Array::from(vec![MS])).time_ms(0), Some(MS));
        assert_eq!(col(Float64Array::from(vec![1.5])).time_ms(0), Some(1500));
        assert_eq!(col(BooleanArray::from(vec![true])).time_ms(0), None);
    }

    #[test]
    fn integers_of_every_type_and_from_text() {
        let ints = [
            col(Int8Array::from(vec![Some(-8), None])),
            col(Int16Array::from(vec![Some(-8), None])),
            col(Int32Array::from(vec![Some(-8), None])),
            col(Int64Array::from(vec![Some(-8), None])),
        ];
        for c in &ints {
            assert_eq!(
                (c.integer(0), c.integer(1)),
                (Some(-8), None),
                "{:?}",
                c.data_type()
            );
            assert_eq!(c.number(0), Some(-8.0));
            assert_eq!(c.get(0), Some("-8"));
            assert!(c.is_number() && !c.is_text());
        }
        let uints = [
            col(UInt8Array::from(vec![Some(8), None])),
            col(UInt16Array::from(vec![Some(8), None])),
            col(UInt32Array::from(vec![Some(8), None])),
            col(UInt64Array::from(vec![Some(8), None])),
        ];
        for c in &uints {
            assert_eq!(
                (c.integer(0), c.integer(1)),
                (Some(8), None),
                "{:?}",
                c.data_type()
            );
            assert_eq!(c.get(1), None);
        }
        let big = col(UInt64Array::from(vec![u64::MAX]));
        assert_eq!(big.integer(0), None, "past i64: no integer");
        assert_eq!(big.get(0), Some("18446744073709551615"));
        let floats = col(Float64Array::from(vec![Some(420.0), Some(1.5), None]));
        assert_eq!(floats.integer(0), Some(420));
        assert_eq!(floats.integer(1), None);
        assert_eq!(floats.get(0), Some("420"));
        let text = col(StringArray::from(vec![
            Some(" 420 "),
            Some("0x1A4"),
            Some("-3"),
            Some("4.2"),
            Some("{GUID}"),
            None,
        ]));
        let got: Vec<_> = (0..6).map(|i| text.integer(i)).collect();
        assert_eq!(got, [Some(420), Some(420), Some(-3), None, None, None]);
        assert_eq!(col(BooleanArray::from(vec![true])).integer(0), None);
    }

    #[test]
    fn numbers_and_their_text() {
        let f32s = col(Float32Array::from(vec![Some(0.1), Some(f32::NAN), None]));
        assert_eq!(f32s.number(0), Some(f64::from(0.1f32)));
        assert_eq!(f32s.get(0), Some("0.1"), "the f32's own shortest form");
        assert_eq!(f32s.get(1), Some("NaN"));
        assert_eq!(f32s.number(2), None);
        let text = col(StringArray::from(vec![
            Some(" 2.5 "),
            Some("NaN"),
            Some("x"),
        ]));
        assert_eq!(text.number(0), Some(2.5));
        assert_eq!(text.number(1), None, "not finite");
        assert_eq!(text.number(2), None);
        let b = col(BooleanArray::from(vec![Some(true), None]));
        assert_eq!(
            (b.number(0), b.boolean(0), b.get(0)),
            (None, Some(true), Some("true"))
        );
        assert_eq!(b.boolean(1), None);
    }

    #[test]
    fn text_of_every_string_type() {
        let dict: DictionaryArray<Int32Type> =
            vec![Some("p"), None, Some("p")].into_iter().collect();
        let cases = [
            col(StringArray::from(vec![Some("p"), None, Some("p")])),
            col(LargeStringArray::from(vec![Some("p"), None, Some("p")])),
            col(StringViewArray::from(vec![Some("p"), None, Some("p")])),
            col(dict),
        ];
        for c in &cases {
            assert!(c.is_text(), "{:?}", c.data_type());
            assert_eq!(c.iter().collect::<Vec<_>>(), [Some("p"), None, Some("p")]);
            assert_eq!(c.get(3), None, "past the end is not a panic");
            assert!(c.is_blank(1));
        }
        let hex: DictionaryArray<Int8Type> = vec![Some("0x10")].into_iter().collect();
        assert_eq!(
            col(hex).integer(0),
            Some(16),
            "dictionary text is parsed too"
        );
    }

    #[test]
    fn a_dictionary_of_numbers_or_times_reads_as_its_values() {
        // A pandas categorical of integers or of timestamps.
        let values: ArrayRef = Arc::new(Int64Array::from(vec![7, 420]));
        let keys = arrow_array::Int8Array::from(vec![Some(1), None, Some(0)]);
        let ints = col(DictionaryArray::<Int8Type>::try_new(keys.clone(), values).unwrap());
        assert!(ints.is_number() && !ints.is_text());
        assert_eq!(
            (ints.integer(0), ints.number(2), ints.is_null(1)),
            (Some(420), Some(7.0), true)
        );
        assert_eq!(ints.get(0), Some("420"));
        let times: ArrayRef = Arc::new(
            arrow_array::TimestampMillisecondArray::from(vec![0, 86_400_000]).with_timezone("UTC"),
        );
        let times = col(DictionaryArray::<Int8Type>::try_new(keys, times).unwrap());
        assert_eq!(
            (times.time_ms(0), times.time_ms(1)),
            (Some(86_400_000), None)
        );
    }

    #[test]
    fn all_null_column() {
        let c = col(arrow_array::NullArray::new(2));
        assert!(c.is_null(0) && c.is_blank(1));
        assert_eq!(
            (c.get(0), c.time_ms(0), c.integer(0), c.number(0)),
            (None, None, None, None)
        );
        assert_eq!(display_cell(&c, 0), None);
    }

    /// A typed column is read without formatting it: its text buffer is
    /// only built when a cell's text is asked for.
    #[test]
    fn typed_reads_never_format_text() {
        let t = col(TimestampNanosecondArray::from(vec![MS * 1_000_000]));
        let pids = col(Int64Array::from(vec![4]));
        assert_eq!(t.time_ms(0), Some(MS));
        assert_eq!(pids.integer(0), Some(4));
        assert!(!t.is_blank(0) && !pids.is_blank(0));
        assert!(!t.formatted() && !pids.formatted());
        assert_eq!(pids.get(0), Some("4"));
        assert!(pids.formatted());
    }
}
