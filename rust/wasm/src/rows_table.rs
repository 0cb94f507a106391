//! The `{rows, arrow}` answer of the GeoIP and lookup facades: the rows as
//! plain JS objects for the page, and the same rows as the core's result
//! table (Arrow IPC) for export and for a notebook.

use huntkit_core::Frame;
use js_sys::{Object, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::queries::{set, to_js};

/// The keys of `GeoTable` and `LookupTable`, as set here (checked against
/// `geo.d.ts` and `lookup.d.ts` by a test).
const TABLE_KEYS: [&str; 2] = ["rows", "arrow"];

/// `rows` as JSON-compatible objects (`Details` holds JSON objects, not JS
/// Maps) beside `frame`, the same rows as a table.
pub(crate) fn rows_and_arrow<T: Serialize>(rows: &[T], frame: &Frame) -> Result<JsValue, JsValue> {
    let arrow = frame.to_arrow_ipc().map_err(|e| errors::to_js(&e))?;
    let out = Object::new();
    let [rows_key, arrow_key] = TABLE_KEYS;
    set(&out, rows_key, &to_js(rows)?);
    set(&out, arrow_key, &Uint8Array::from(arrow.as_slice()).into());
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ts_drift::ts_fields;

    #[test]
    fn the_table_types_name_the_keys_set() {
        let want: std::collections::BTreeSet<String> =
            TABLE_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(ts_fields(include_str!("geo.d.ts"), "GeoTable"), want);
        assert_eq!(ts_fields(include_str!("lookup.d.ts"), "LookupTable"), want);
    }
}
