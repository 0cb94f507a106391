//! GeoIP for JS, offline: a MaxMind `.mmdb` the user picked, opened from
//! its bytes and held (by the worker) for the session. Nothing is sent.

use huntkit_core::{geo_frame, GeoDb};
use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;

/// The result shape of `GeoDatabase.lookup`, kept as a `.d.ts` file.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("geo.d.ts");

/// The keys of `GeoTable`, as the facade sets them (checked against
/// `geo.d.ts` by a test).
const TABLE_KEYS: [&str; 2] = ["rows", "arrow"];

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(errors::output)
}

/// An opened MaxMind database (GeoLite2/GeoIP2 City, Country or ASN).
#[wasm_bindgen]
pub struct GeoDatabase(GeoDb);

#[wasm_bindgen]
impl GeoDatabase {
    /// Opens the database from the file's bytes; a file that is not a
    /// MaxMind DB, or is cut short, throws an `Error` (kind `parse`)
    /// saying so.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> Result<GeoDatabase, JsValue> {
        GeoDb::from_bytes(bytes)
            .map(GeoDatabase)
            .map_err(|e| errors::to_js(&e))
    }

    /// What the database says of itself (type, build time, IP version, size).
    #[wasm_bindgen(unchecked_return_type = "GeoDbInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(self.0.info())
    }

    /// One row per address (defanged is fine): country, state, city,
    /// coordinates, ASN, or why there is none (`private_ip`, `not_found`,
    /// `invalid`, `error`); as objects and as an Arrow table.
    #[wasm_bindgen(unchecked_return_type = "GeoTable")]
    pub fn lookup(&self, ips: Vec<String>) -> Result<JsValue, JsValue> {
        let rows = self.0.lookup_all(&ips);
        let arrow = geo_frame(&rows)
            .to_arrow_ipc()
            .map_err(|e| errors::to_js(&e))?;
        let out = Object::new();
        let [rows_key, arrow_key] = TABLE_KEYS;
        // Setting a property on a plain new object cannot fail.
        let _ = Reflect::set(&out, &rows_key.into(), &to_js(&rows)?);
        let _ = Reflect::set(
            &out,
            &arrow_key.into(),
            &Uint8Array::from(arrow.as_slice()).into(),
        );
        Ok(out.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ts_drift::ts_fields;

    #[test]
    fn the_table_type_names_the_keys_set() {
        let want: std::collections::BTreeSet<String> =
            TABLE_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(ts_fields(include_str!("geo.d.ts"), "GeoTable"), want);
    }
}
