//! Core errors as JS `Error`s: `message` is the core's sentence, `kind` its
//! stable name, so UIs can branch on `kind` and show `message`.

use huntkit_core::Error;
use wasm_bindgen::JsValue;

/// Converts a core error.
pub(crate) fn to_js(err: &Error) -> JsValue {
    js_error(&err.to_string(), err.kind_name())
}

/// Options that do not deserialize are reported as `invalid_option`.
pub(crate) fn options(err: serde_wasm_bindgen::Error) -> JsValue {
    js_error(&format!("invalid options: {err}"), "invalid_option")
}

/// Options that are JSON but not the expected shape (unknown or mistyped
/// fields) are `invalid_option` too.
pub(crate) fn options_json(err: serde_json::Error) -> JsValue {
    js_error(&format!("invalid options: {err}"), "invalid_option")
}

/// Results that do not serialize (should not happen) are `output` errors.
pub(crate) fn output(err: serde_wasm_bindgen::Error) -> JsValue {
    js_error(&format!("cannot return result: {err}"), "output")
}

fn js_error(message: &str, kind: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    error.into()
}
