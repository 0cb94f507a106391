//! Reading a table from bytes.

use std::io::Cursor;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, SchemaRef};
use serde_json::Value;

use super::column::{is_text_type, Column};
use super::csv_fast::FastCsv;
use super::format::TableFormat;
use super::model::Table;
use super::sniff::check_text;
use super::text::ColumnBuilder;
use crate::error::{Error, Result};
use crate::utf8::utf8_lossy;

/// Most columns a CSV header or JSON rows may make: sixteen times Excel's
/// 16,384. A line of 100 MB of commas would otherwise be 100 million
/// columns (issue #16).
const MAX_COLUMNS: usize = 1 << 18;

/// JSON rows as they arrive: a key first seen at row N becomes a column
/// with N nulls before it (JSON input is small next to CSV and Arrow).
struct JsonCells {
    names: Vec<String>,
    /// Each name's column: a key lookup per cell, not a scan of the names
    /// (rows of many keys were quadratic).
    index: std::collections::HashMap<String, usize>,
    columns: Vec<Vec<Option<String>>>,
    text: Vec<bool>,
    /// Cells (rows × columns) allowed: rows that each bring new keys pad
    /// every column with nulls, which grows as rows × keys, not as the input.
    max_cells: usize,
}

impl JsonCells {
    fn new(input_len: usize) -> JsonCells {
        JsonCells {
            names: Vec::new(),
            index: Default::default(),
            columns: Vec::new(),
            text: Vec::new(),
            max_cells: input_len.saturating_mul(8).saturating_add(1 << 20),
        }
    }

    fn column_index(&mut self, name: &str, rows_so_far: usize, format: &str) -> Result<usize> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        let columns = self.names.len() + 1;
        if columns > MAX_COLUMNS || columns.saturating_mul(rows_so_far + 1) > self.max_cells {
            return Err(Error::parse(
                format,
                None,
                format!(
                    "row {rows_so_far} brings column {columns} ({name:?}): the rows' keys would make a table of more than {} cells or {MAX_COLUMNS} columns",
                    self.max_cells
                ),
            ));
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), columns - 1);
        self.columns.push(vec![None; rows_so_far]);
        self.text.push(true);
        Ok(columns - 1)
    }

    fn into_table(self) -> Table {
        let mut t = Table::default();
        for ((name, cells), text) in self.names.into_iter().zip(self.columns).zip(self.text) {
            t.push(name, StringArray::from(cells).into(), text);
        }
        t
    }
}

/// Picks the columns to read from the header's names.
pub type ColumnPicker<'a> = &'a dyn Fn(&[String]) -> Result<Vec<bool>>;

/// Reads `bytes` as a table in `format`.
pub fn read_table(bytes: &[u8], format: TableFormat) -> Result<Table> {
    read_table_projected(bytes, format, None)
}

/// [`read_table`] keeping only the CSV columns `keep` picks: the others are
/// all null (their names stay, so schemas still infer), and their text is
/// never copied. For an analysis that reads a few columns of a wide export.
/// Other formats are read whole (Arrow strings are shared anyway).
pub fn read_table_projected(
    bytes: &[u8],
    format: TableFormat,
    keep: Option<ColumnPicker<'_>>,
) -> Result<Table> {
    check_text(bytes, format)?;
    match format {
        TableFormat::Csv => read_csv(bytes, keep),
        TableFormat::Json => read_json(bytes),
        TableFormat::Ndjson => read_ndjson(bytes),
        TableFormat::Arrow => guard_arrow(|| read_arrow(bytes, keep)),
    }
}

fn read_csv(bytes: &[u8], keep: Option<ColumnPicker<'_>>) -> Result<Table> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Some(table) = read_csv_fast(text, keep)? {
            return Ok(table);
        }
    }
    read_csv_general(bytes, keep)
}

/// Which columns to read: `keep`'s pick, or all.
fn wanted(names: &[String], keep: Option<ColumnPicker<'_>>) -> Result<Vec<bool>> {
    match keep {
        Some(pick) => pick(names),
        None => Ok(vec![true; names.len()]),
    }
}

/// A [`FastCsv`] past the header, the header's names, and which of them
/// are picked.
pub(crate) type CsvStart<'a> = (FastCsv<'a>, Vec<String>, Vec<bool>);

/// [`CsvStart`] of `text` with `keep`'s pick; `None` when the splitter is
/// unsure of the text.
pub(crate) fn fast_csv_header<'a>(
    text: &'a str,
    keep: Option<ColumnPicker<'_>>,
) -> Result<Option<CsvStart<'a>>> {
    let Ok(mut csv) = FastCsv::new(text) else {
        return Ok(None);
    };
    csv.limit_cells(MAX_COLUMNS);
    if csv.next_record() != Ok(true) {
        return Ok(None);
    }
    if csv.len() > MAX_COLUMNS {
        return Err(too_many_columns());
    }
    let names: Vec<String> = (0..csv.len()).map(|i| csv.cell(i).to_string()).collect();
    let wanted = wanted(&names, keep)?;
    // A row wider than the header is cut short too: it is refused either way.
    csv.limit_cells(names.len());
    Ok(Some((csv, names, wanted)))
}

/// A CSV header of more than [`MAX_COLUMNS`] names is refused.
fn too_many_columns() -> Error {
    Error::parse(
        "csv",
        Some(1),
        format!("the header has more than {MAX_COLUMNS} columns"),
    )
}

/// Refuses a header of more than [`MAX_COLUMNS`] cells before the csv
/// crate reads it: that crate keeps every cell's bounds of a record, so a
/// header of a hundred million commas would take about 1 GB first.
/// `csv-core` reads one field at a time into a scratch buffer, so this
/// holds nothing but the count.
fn check_header_width(bytes: &[u8]) -> Result<()> {
    use csv_core::ReadFieldResult;
    let mut reader = csv_core::Reader::new();
    let mut input = bytes;
    let mut scratch = [0u8; 4096];
    let mut cells = 0usize;
    loop {
        let (result, read, _) = reader.read_field(input, &mut scratch);
        input = &input[read..];
        match result {
            ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                cells += 1;
                if cells > MAX_COLUMNS {
                    return Err(too_many_columns());
                }
                if record_end {
                    return Ok(());
                }
            }
            ReadFieldResult::End => return Ok(()),
        }
    }
}

/// [`FastCsv`] into column builders; `None` when it is unsure of the input
/// (see its docs), which the csv crate then reads.
fn read_csv_fast(text: &str, keep: Option<ColumnPicker<'_>>) -> Result<Option<Table>> {
    let Some((mut csv, names, wanted)) = fast_csv_header(text, keep)? else {
        return Ok(None);
    };
    let (rows, col_bytes) = estimate_csv(text.as_bytes(), names.len());
    let mut columns: Vec<(usize, ColumnBuilder)> = col_bytes
        .iter()
        .enumerate()
        .filter(|&(i, _)| wanted[i])
        .map(|(i, &b)| (i, ColumnBuilder::with_capacity(rows, b)))
        .collect();
    let mut count = 0;
    loop {
        match csv.next_record() {
            Ok(true) if csv.len() == names.len() => {}
            Ok(false) => break,
            _ => return Ok(None),
        }
        count += 1;
        for (i, col) in &mut columns {
            col.push(Some(csv.cell(*i)))?;
        }
    }
    let mut built = columns.into_iter().peekable();
    let mut table = Table::default();
    for (i, name) in names.into_iter().enumerate() {
        let cells = match built.next_if(|(j, _)| *j == i) {
            Some((_, col)) => col.finish().into_array(),
            None => StringArray::new_null(count),
        };
        table.push(name, cells.into(), true);
    }
    Ok(Some(table))
}

fn read_csv_general(bytes: &[u8], keep: Option<ColumnPicker<'_>>) -> Result<Table> {
    check_header_width(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let line_of = |e: &csv::Error| e.position().map(|p| p.line());
    let headers = reader
        .byte_headers()
        .map_err(|e| Error::parse("csv", line_of(&e), &e))?
        .clone();
    if headers.is_empty() {
        return Err(Error::parse("csv", Some(1), "no header row"));
    }
    let mut record = csv::ByteRecord::new();
    // One builder per column, sized from a sample so the buffers rarely
    // grow: each cell is copied once into its column, with no allocation
    // of its own.
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let wanted = wanted(&names, keep)?;
    let (rows, col_bytes) = estimate_csv(bytes, headers.len());
    let mut columns: Vec<Option<ColumnBuilder>> = col_bytes
        .iter()
        .zip(&wanted)
        .map(|(&b, &w)| w.then(|| ColumnBuilder::with_capacity(rows, b)))
        .collect();
    let mut count = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Error::parse("csv", line_of(&e), csv_message(&e))),
        }
        count += 1;
        for (col, cell) in columns.iter_mut().zip(record.iter()) {
            let Some(col) = col else { continue };
            col.push(Some(&utf8_lossy(cell)))?;
        }
    }
    let mut table = Table::default();
    for (name, col) in names.into_iter().zip(columns) {
        let cells = match col {
            Some(col) => col.finish().into_array(),
            None => StringArray::new_null(count),
        };
        table.push(name, cells.into(), true);
    }
    Ok(table)
}

fn estimate_csv(bytes: &[u8], columns: usize) -> (usize, Vec<usize>) {
    const SAMPLE: usize = 2_000;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut sizes = vec![0usize; columns];
    let mut rows = 0usize;
    while rows < SAMPLE && matches!(reader.read_byte_record(&mut record), Ok(true)) {
        for (size, cell) in sizes.iter_mut().zip(record.iter()) {
            *size += cell.len();
        }
        rows += 1;
    }
    let read = reader.position().byte() as usize;
    if rows < SAMPLE || read == 0 {
        return (rows, sizes);
    }
    // 5% headroom: later rows are often a little longer than boot-time ones.
    let scale = bytes.len() as f64 / read as f64 * 1.05;
    let grow = |n: usize| (n as f64 * scale) as usize;
    (grow(rows), sizes.into_iter().map(grow).collect())
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields, the header has {expected_len}"),
        _ => e.to_string(),
    }
}

fn read_json(bytes: &[u8]) -> Result<Table> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::parse("json", Some(e.line() as u64), &e))?;
    let mut table = JsonCells::new(bytes.len());
    match value {
        Value::Array(rows) => {
            for (i, row) in rows.into_iter().enumerate() {
                push_json_row(&mut table, i, row, "json", None)?;
            }
        }
        row @ Value::Object(_) => push_json_row(&mut table, 0, row, "json", None)?,
        _ => return Err(Error::parse("json", None, "expected an array of objects")),
    }
    Ok(table.into_table())
}

fn read_ndjson(bytes: &[u8]) -> Result<Table> {
    // An NDJSON row is an object, so a leading `[` is a JSON array (one
    // line or pretty-printed): say so rather than "row 0 is not an object".
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let line = bytes
            .iter()
            .take_while(|&&b| b != b'[')
            .filter(|&&b| b == b'\n')
            .count();
        return Err(Error::parse(
            "ndjson",
            Some(line as u64 + 1),
            "the input is a JSON array, not one JSON object per line; read it as json",
        ));
    }
    let mut table = JsonCells::new(bytes.len());
    let mut row = 0;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line_no = Some(n as u64 + 1);
        let value: Value =
            serde_json::from_slice(line).map_err(|e| Error::parse("ndjson", line_no, &e))?;
        push_json_row(&mut table, row, value, "ndjson", line_no)?;
        row += 1;
    }
    Ok(table.into_table())
}

/// Adds one JSON object as row `row`; keys seen for the first time become
/// columns (earlier rows get nulls), missing keys get nulls.
fn push_json_row(
    table: &mut JsonCells,
    row: usize,
    value: Value,
    format: &str,
    line: Option<u64>,
) -> Result<()> {
    let Value::Object(map) = value else {
        return Err(Error::parse(
            format,
            line,
            format!("row {row} is not an object"),
        ));
    };
    for (key, v) in map {
        let i = table.column_index(&key, row, format)?;
        let cell = match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => {
                table.text[i] = table.text[i] && other.is_array();
                Some(other.to_string())
            }
        };
        table.columns[i].push(cell);
    }
    for col in &mut table.columns {
        col.resize(row + 1, None);
    }
    Ok(())
}

/// Reads an Arrow IPC file (`ARROW1` magic) or stream: its schema and
/// record batches, naming the batch that fails, decoding only the columns
/// in `projection` (the others' buffers are skipped, not copied).
fn read_arrow_projected(
    bytes: &[u8],
    projection: Option<Vec<usize>>,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let bad = |e| Error::parse("arrow", None, e);
    if bytes.starts_with(b"ARROW1") {
        let reader =
            arrow_ipc::reader::FileReader::try_new(Cursor::new(bytes), projection).map_err(bad)?;
        let schema = reader.schema();
        Ok((schema, collect_batches(reader)?))
    } else {
        let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), projection)
            .map_err(bad)?;
        let schema = reader.schema();
        Ok((schema, collect_batches(reader)?))
    }
}

/// The schema of an Arrow file or stream, without decoding a batch.
fn arrow_schema(bytes: &[u8]) -> Result<SchemaRef> {
    let bad = |e| Error::parse("arrow", None, e);
    let schema = if bytes.starts_with(b"ARROW1") {
        arrow_ipc::reader::FileReader::try_new(Cursor::new(bytes), None)
            .map_err(bad)?
            .schema()
    } else {
        arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), None)
            .map_err(bad)?
            .schema()
    };
    for field in schema.fields() {
        if let Some(why) = unbuildable(field.data_type()) {
            let message = format!("column {:?} has the type {why}", field.name());
            return Err(Error::parse("arrow", None, message));
        }
    }
    Ok(schema)
}

/// A type the IPC reader takes from a file's schema but arrow-rs cannot
/// build even an empty column of: a negative fixed width, on which
/// `new_empty_array` panics (found by fuzzing; in wasm that panic would
/// abort the module). Nested types are looked into.
fn unbuildable(data_type: &DataType) -> Option<String> {
    match data_type {
        DataType::FixedSizeBinary(n) if *n < 0 => Some(format!("{data_type}, a negative width")),
        DataType::FixedSizeList(_, n) if *n < 0 => Some(format!("{data_type}, a negative size")),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _)
        | DataType::Map(f, _) => unbuildable(f.data_type()),
        DataType::Struct(fields) => fields.iter().find_map(|f| unbuildable(f.data_type())),
        DataType::Union(fields, _) => fields.iter().find_map(|(_, f)| unbuildable(f.data_type())),
        DataType::Dictionary(_, values) => unbuildable(values),
        DataType::RunEndEncoded(_, values) => unbuildable(values.data_type()),
        _ => None,
    }
}

/// Runs an Arrow read, turning a panic inside arrow-rs into a parse error.
///
/// arrow-rs's IPC readers validate what they build (offsets, bounds, UTF-8,
/// dictionary keys: `ArrayData`'s full validation, which huntkit never
/// turns off), and huntkit's own checks come first ([`check_text`]), but a
/// malformed file can still reach a panic inside the crate (issue #16):
/// [`check_ipc`](super::ipc_check::check_ipc) walks the framing first.
/// Natively the panic is caught here, so a bad file is an error the caller
/// names the file in. In wasm (`panic = "abort"`) nothing can be caught:
/// there the validation and the fuzzed inputs kept under
/// `tests/golden/fuzz/table_arrow/` are the guard, and the host restarts a
/// dead module.
fn guard_arrow<T>(read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        Err(Error::parse(
            "arrow",
            None,
            format!("malformed Arrow IPC data (the reader failed: {why})"),
        ))
    })
}

fn read_arrow(bytes: &[u8], keep: Option<ColumnPicker<'_>>) -> Result<Table> {
    super::ipc_check::check_ipc(bytes).map_err(|e| Error::parse("arrow", None, e))?;
    let schema = arrow_schema(bytes)?;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    // Columns nobody reads are not decoded: they stay as null columns, so
    // names and positions are those of the input.
    let wanted = wanted(&names, keep)?;
    let projection: Vec<usize> = (0..names.len()).filter(|&i| wanted[i]).collect();
    let (_, batches) = read_arrow_projected(bytes, Some(projection.clone()))?;
    let rows = batches.iter().map(|b| b.num_rows()).sum();
    let mut decoded = projection.iter().enumerate().peekable();
    let mut table = Table::default();
    for (i, field) in schema.fields().iter().enumerate() {
        let text = is_text_type(field.data_type());
        let Some((k, _)) = decoded.next_if(|(_, &j)| j == i) else {
            table.push(
                field.name().clone(),
                StringArray::new_null(rows).into(),
                text,
            );
            continue;
        };
        let arrays: Vec<&ArrayRef> = batches.iter().map(|b| b.column(k)).collect();
        let array = match arrays.as_slice() {
            // One batch: shared, not copied.
            [a] => ArrayRef::clone(a),
            // No batch: an empty column of the field's type.
            [] => arrow_array::new_empty_array(field.data_type()),
            // One array per batch (pyarrow's chunked tables), joined
            // buffer by buffer, types kept.
            many => {
                if many.iter().all(|a| a.data_type() == &DataType::Utf8)
                    && many
                        .iter()
                        .map(|a| a.as_string::<i32>().values().len())
                        .sum::<usize>()
                        > i32::MAX as usize
                {
                    return Err(Error::parse(
                        "table",
                        None,
                        "a column holds more than 2 GiB of text",
                    ));
                }
                let parts: Vec<&dyn Array> = many.iter().map(|a| a.as_ref()).collect();
                arrow_select::concat::concat(&parts).map_err(|e| Error::parse("arrow", None, e))?
            }
        };
        table.push(field.name().clone(), Column::from(array), text);
    }
    Ok(table)
}

fn collect_batches<I>(reader: I) -> Result<Vec<RecordBatch>>
where
    I: Iterator<Item = std::result::Result<RecordBatch, arrow_schema::ArrowError>>,
{
    reader
        .enumerate()
        .map(|(i, b)| {
            b.map_err(|e| {
                Error::parse("arrow", Some(i as u64 + 1), format!("batch {}: {e}", i + 1))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::types::Int32Type;
    use arrow_array::{DictionaryArray, Int64Array, StringArray};

    use super::*;

    fn cells(t: &Table, name: &str) -> Vec<Option<String>> {
        let i = t.names().iter().position(|n| n == name).unwrap();
        t.column(i).to_vec()
    }

    #[test]
    fn csv_with_header() {
        let t = read_table(b"a,b\n1,x\n2,\"y,z\"\n", TableFormat::Csv).unwrap();
        assert_eq!(t.names(), ["a", "b"]);
        assert_eq!(cells(&t, "b"), [Some("x".into()), Some("y,z".into())]);
        let err = read_table(b"a,b\n1,2\n3\n", TableFormat::Csv).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read csv input at line 3: row has 1 fields, the header has 2"
        );
    }

    /// The fast splitter and the csv crate read the same table, projected
    /// or not; what the splitter is unsure of still reads.
    #[test]
    fn fast_and_general_csv_agree() {
        let text = "a,b,c\n1,\"x,\"\"y\"\"\",\r\nz,,\"m\nl\"\n";
        let fast = read_csv_fast(text, None).unwrap().unwrap();
        let general = read_csv_general(text.as_bytes(), None).unwrap();
        assert_eq!(fast, general);
        assert_eq!(fast.column(1).get(0), Some("x,\"y\""));
        let keep = |n: &[String]| Ok(n.iter().map(|x| x != "b").collect());
        let fast = read_csv_fast(text, Some(&keep)).unwrap().unwrap();
        assert_eq!(
            fast,
            read_csv_general(text.as_bytes(), Some(&keep)).unwrap()
        );
        assert_eq!(
            (fast.column(1).get(0), fast.column(2).get(1)),
            (None, Some("m\nl"))
        );
        for unsure in ["a,b\n\n1,2\n", "a,b\n1,2,3\n", "\u{feff}a,b\n1,2\n"] {
            assert!(read_csv_fast(unsure, None).unwrap().is_none(), "{unsure:?}");
        }
        assert_eq!(
            read_table(b"a,b\n\n1,2\n", TableFormat::Csv)
                .unwrap()
                .rows(),
            1
        );
    }

    #[test]
    fn json_and_ndjson() {
        let t = read_table(
            br#"[{"a":"x","n":1},{"b":"y","a":null}]"#,
            TableFormat::Json,
        )
        .unwrap();
        assert_eq!(t.names(), ["a", "n", "b"]);
        assert_eq!(t.rows(), 2);
        assert_eq!(cells(&t, "b"), [None, Some("y".into())]);
        assert_eq!(t.select(None).unwrap(), [0, 2], "numbers are not text");
        let t = read_table(b"{\"a\":\"x\"}\n\n{\"a\":\"y\"}\n", TableFormat::Ndjson).unwrap();
        assert_eq!(cells(&t, "a"), [Some("x".into()), Some("y".into())]);
        let err = read_table(b"{\"a\":1}\n{oops\n", TableFormat::Ndjson).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read ndjson input at line 2"),
            "{err}"
        );
    }

    /// `batches` as an Arrow IPC stream.
    fn stream(batches: &[&RecordBatch]) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut w =
            arrow_ipc::writer::StreamWriter::try_new(&mut buf, &batches[0].schema()).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.finish().unwrap();
        drop(w);
        buf
    }

    fn arrow_bytes() -> Vec<u8> {
        let dict: DictionaryArray<Int32Type> =
            vec![Some("p"), None, Some("q")].into_iter().collect();
        let batch = RecordBatch::try_from_iter(vec![
            (
                "s",
                Arc::new(StringArray::from(vec![Some("a"), None, Some("c")])) as ArrayRef,
            ),
            ("d", Arc::new(dict) as ArrayRef),
            ("n", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef),
        ])
        .unwrap();
        stream(&[&batch])
    }

    #[test]
    fn arrow_stream_with_dictionary_strings() {
        let t = read_table(&arrow_bytes(), TableFormat::Arrow).unwrap();
        assert_eq!(t.names(), ["s", "d", "n"]);
        assert_eq!(cells(&t, "d"), [Some("p".into()), None, Some("q".into())]);
        assert_eq!(cells(&t, "n")[2], Some("3".into()));
        assert_eq!(t.select(None).unwrap(), [0, 1]);
    }

    #[test]
    fn arrow_stream_of_several_batches_keeps_every_row_in_order() {
        // pyarrow's read_csv and chunked tables write many batches per column.
        let batch = |s: Vec<Option<&str>>, b: Vec<bool>| {
            RecordBatch::try_from_iter(vec![
                ("s", Arc::new(StringArray::from(s)) as ArrayRef),
                (
                    "b",
                    Arc::new(arrow_array::BooleanArray::from(b)) as ArrayRef,
                ),
            ])
            .unwrap()
        };
        let first = batch(vec![Some("a"), None], vec![true, false]);
        let second = batch(vec![Some("ü"), Some("")], vec![false, true]);
        let buf = stream(&[&first, &second]);
        let t = read_table(&buf, TableFormat::Arrow).unwrap();
        assert_eq!(
            cells(&t, "s"),
            [
                Some("a".into()),
                None,
                Some("ü".into()),
                Some(String::new())
            ]
        );
        assert_eq!(
            cells(&t, "b"),
            ["true", "false", "false", "true"].map(|b| Some(b.to_string()))
        );
    }

    #[test]
    fn arrow_projection_decodes_only_the_picked_columns() {
        let pick = |names: &[String]| Ok(names.iter().map(|n| n != "d").collect());
        let t = read_table_projected(&arrow_bytes(), TableFormat::Arrow, Some(&pick)).unwrap();
        assert_eq!(t.names(), ["s", "d", "n"], "names and positions kept");
        assert_eq!(cells(&t, "d"), [None, None, None]);
        assert_eq!(cells(&t, "s"), [Some("a".into()), None, Some("c".into())]);
        assert_eq!(cells(&t, "n")[2], Some("3".into()));
    }

    #[test]
    fn arrow_timestamps_become_times() {
        use arrow_array::{Date32Array, TimestampNanosecondArray, TimestampSecondArray};
        // 2024-01-01T00:00:01.5Z as pandas writes it (ns, with a zone).
        let ns = TimestampNanosecondArray::from(vec![Some(1_704_067_201_500_000_000), None])
            .with_timezone("UTC");
        let batch = RecordBatch::try_from_iter(vec![
            ("ns", Arc::new(ns) as ArrayRef),
            (
                "s",
                Arc::new(TimestampSecondArray::from(vec![0, 60])) as ArrayRef,
            ),
            ("d", Arc::new(Date32Array::from(vec![1, 2])) as ArrayRef),
        ])
        .unwrap();
        let buf = stream(&[&batch]);
        let t = read_table(&buf, TableFormat::Arrow).unwrap();
        let ns = cells(&t, "ns");
        assert_eq!(
            ns[0].as_deref().and_then(crate::table::parse_time_ms),
            Some(1_704_067_201_500)
        );
        assert_eq!(ns[1], None);
        assert_eq!(
            cells(&t, "s")[1]
                .as_deref()
                .and_then(crate::table::parse_time_ms),
            Some(60_000)
        );
        assert_eq!(
            cells(&t, "d")[0]
                .as_deref()
                .and_then(crate::table::parse_time_ms),
            Some(86_400_000)
        );
    }

    #[test]
    fn arrow_numbers_become_their_decimal_text() {
        use arrow_array::{Float32Array, Float64Array, Int8Array, UInt64Array};
        let batch = RecordBatch::try_from_iter(vec![
            (
                "i8",
                Arc::new(Int8Array::from(vec![Some(-128), None, Some(7)])) as ArrayRef,
            ),
            (
                "i64",
                Arc::new(Int64Array::from(vec![i64::MIN, 0, 4096])) as ArrayRef,
            ),
            (
                "u64",
                Arc::new(UInt64Array::from(vec![u64::MAX, 1, 10])) as ArrayRef,
            ),
            (
                "f64",
                Arc::new(Float64Array::from(vec![Some(1.0), Some(-2.5), None])) as ArrayRef,
            ),
            (
                "f32",
                Arc::new(Float32Array::from(vec![0.1, 1e20, f32::NAN])) as ArrayRef,
            ),
        ])
        .unwrap();
        let buf = stream(&[&batch]);
        let t = read_table(&buf, TableFormat::Arrow).unwrap();
        let text = |name| {
            cells(&t, name)
                .into_iter()
                .map(|c| c.unwrap_or("null".into()))
                .collect::<Vec<_>>()
        };
        assert_eq!(text("i8"), ["-128", "null", "7"]);
        assert_eq!(text("i64"), ["-9223372036854775808", "0", "4096"]);
        assert_eq!(text("u64"), ["18446744073709551615", "1", "10"]);
        assert_eq!(text("f64"), ["1", "-2.5", "null"]);
        assert_eq!(text("f32"), ["0.1", "100000000000000000000", "NaN"]);
    }

    #[test]
    fn truncated_arrow_is_an_error() {
        let bytes = arrow_bytes();
        for cut in [3, 20, bytes.len() / 2, bytes.len() - 9] {
            let err = read_table(&bytes[..cut], TableFormat::Arrow).unwrap_err();
            assert_eq!(err.kind_name(), "parse", "cut at {cut}");
        }
    }

    #[test]
    fn missing_columns_are_named() {
        let t = read_table(b"a,b\n1,2\n", TableFormat::Csv).unwrap();
        let err = t.select(Some(&["Cmd".to_string()])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column \"Cmd\" not in table (columns: a, b)"
        );
    }

    /// Issue #11 (bug 4): a JSON array read as NDJSON says it is a JSON
    /// array and to read it as json, one line or pretty-printed.
    #[test]
    fn issue_11_json_array_read_as_ndjson() {
        for input in [&b"[{\"a\":1},{\"a\":2}]\n"[..], b"\n[\n  {\"a\": 1}\n]\n"] {
            let err = read_table(input, TableFormat::Ndjson).unwrap_err();
            assert!(
                err.to_string().ends_with(
                    "the input is a JSON array, not one JSON object per line; read it as json"
                ),
                "{err}"
            );
        }
        let err = read_table(b"\n[1]", TableFormat::Ndjson).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read ndjson input at line 2:"),
            "{err}"
        );
    }

    /// Issue #11 (bug 4): binary input says what it looks like and never
    /// echoes its bytes.
    #[test]
    fn issue_11_binary_input_is_described() {
        let pickle = b"\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x03cmd\x94\x8c\x06whoami\x94u.";
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
        exe.extend((0..200u8).map(|i| i.wrapping_mul(37)));
        for (bytes, what) in [
            (&pickle[..], "a Python pickle"),
            (&exe[..], "a Windows executable (MZ)"),
            (b"\x00\x01\x02\x03abc\x00", "binary data"),
        ] {
            for format in [TableFormat::Csv, TableFormat::Json, TableFormat::Ndjson] {
                let err = read_table(bytes, format).unwrap_err();
                let msg = err.to_string();
                assert!(msg.contains(&format!("looks like {what}")), "{msg}");
                assert!(
                    msg.chars().all(|c| !c.is_control() && c != '\u{fffd}'),
                    "{msg:?}"
                );
            }
        }
        let err = read_table(pickle, TableFormat::Csv).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read csv input: the input looks like a Python pickle, not csv text; save the DataFrame with to_csv or to_feather"
        );
        // Windows-1252 text is text: read, with U+FFFD for its bytes.
        let t = read_table(b"a\ncaf\xe9\n", TableFormat::Csv).unwrap();
        assert_eq!(t.rows(), 1);
    }
}
