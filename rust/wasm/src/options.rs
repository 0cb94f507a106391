//! Options objects from JS.
//!
//! serde-wasm-bindgen reads only the fields a struct declares, so a typo such
//! as `{includePaths: true}` would be silently ignored. Going through
//! `serde_json::Value` lets the core's `deny_unknown_fields` reject it.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::errors;

/// `undefined`/`null` mean the defaults; anything else must match `T` exactly.
pub(crate) fn parse<T: DeserializeOwned + Default>(options: JsValue) -> Result<T, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(T::default());
    }
    let value: serde_json::Value =
        serde_wasm_bindgen::from_value(options).map_err(errors::options)?;
    serde_json::from_value(value).map_err(errors::options_json)
}
