//! Encoded-data unpacking for JS.

use huntkit_core::{self as core, DecodeOptions};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::ioc::to_js;

/// Finds and unpacks base64, hex and PowerShell `-EncodedCommand` payloads
/// in `text`, archives included, within the limits in `options`.
#[wasm_bindgen(js_name = decodeText, unchecked_return_type = "DecodeResult")]
pub fn decode_text(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "DecodeOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options: DecodeOptions = if options.is_undefined() || options.is_null() {
        DecodeOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(errors::options)?
    };
    options.validate().map_err(|e| errors::to_js(&e))?;
    to_js(&core::decode_text(text, &options))
}
