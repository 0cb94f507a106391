//! IoC extraction for JS: a streaming scanner over text or file bytes, and
//! table extraction returning Arrow IPC.

use huntkit_core::{self as core, IocOptions, IocType};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

fn parse_options(options: JsValue) -> Result<IocOptions, JsValue> {
    options::parse(options)
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let s = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&s).map_err(errors::output)
}

/// Streaming IoC extraction: `push` text or bytes in any pieces, then
/// `finish` for the distinct IoCs with counts and first offsets.
#[wasm_bindgen]
pub struct IocScanner(core::IocScanner);

#[wasm_bindgen]
impl IocScanner {
    /// Checks the options (an `IocOptions` object, or nothing for defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "IocOptions | undefined")] options: JsValue,
    ) -> Result<IocScanner, JsValue> {
        let options = parse_options(options)?;
        let extractor = core::Extractor::new(&options, false).map_err(|e| errors::to_js(&e))?;
        Ok(IocScanner(core::IocScanner::new(extractor)))
    }

    /// Feeds text; any split point works (partial lines are carried).
    pub fn push(&mut self, chunk: &str) {
        self.0.push(chunk);
    }

    /// Feeds raw UTF-8 bytes (invalid sequences read as U+FFFD).
    #[wasm_bindgen(js_name = pushBytes)]
    pub fn push_bytes(&mut self, chunk: &[u8]) {
        self.0.push_bytes(chunk);
    }

    /// Ends the scan. The scanner cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "IocTextResult")]
    pub fn finish(self) -> Result<JsValue, JsValue> {
        to_js(&self.0.finish())
    }
}

/// Extracts IoCs from a table (`format`: `auto`, `csv`, `json`, `ndjson`,
/// `arrow`) and returns an Arrow IPC stream with the columns
/// `IoCType, Observable, SourceIndex, Input, Refanged`.
#[wasm_bindgen(js_name = extractIocTable)]
pub fn extract_ioc_table(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "IocOptions | undefined")] options: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let options = parse_options(options)?;
    let run = || -> core::Result<Vec<u8>> {
        let table = core::Table::read_named(data, format)?;
        core::extract_table(&table, &options)?.to_arrow_ipc()
    };
    run().map_err(|e| errors::to_js(&e))
}

/// The built-in IoC type names, in priority order.
#[wasm_bindgen(js_name = iocTypes)]
pub fn ioc_types() -> Vec<String> {
    IocType::ALL.iter().map(|t| t.name().to_string()).collect()
}
