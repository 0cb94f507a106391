//! Encoded-data unpacking for JS.

use huntkit_core::{self as core, DecodeOptions};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::ioc::to_js;
use crate::options;

/// Finds and unpacks base64, hex and PowerShell `-EncodedCommand` payloads
/// in `text`, archives included, within the limits in `options`.
///
/// Exported as `unpackText`, not `decodeText`: wasm-bindgen's JS glue has a
/// private helper of that name and a clash breaks module loading.
#[wasm_bindgen(js_name = unpackText, unchecked_return_type = "DecodeResult")]
pub fn decode_text(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "DecodeOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options: DecodeOptions = options::parse(options)?;
    options.validate().map_err(|e| errors::to_js(&e))?;
    to_js(&core::decode_text(text, &options))
}
