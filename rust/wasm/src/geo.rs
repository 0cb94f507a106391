//! GeoIP for JS, offline: a MaxMind `.mmdb` the user picked, opened from
//! its bytes and held (by the worker) for the session. Nothing is sent.

use huntkit_core::{geo_frame, GeoDb};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::queries::to_js;
use crate::rows_table::rows_and_arrow;

/// The result shape of `GeoDatabase.lookup`, kept as a `.d.ts` file.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("geo.d.ts");

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
        rows_and_arrow(&rows, &geo_frame(&rows))
    }
}
