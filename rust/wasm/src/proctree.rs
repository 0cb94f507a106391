//! Process trees for JS: process events in, the tree as Arrow IPC (or its
//! summary counts) out.

use huntkit_core::{self as core, ProcTreeOptions};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::heap::reserve_ahead;
use crate::options;

fn read(data: &[u8], format: &str) -> core::Result<core::Table> {
    core::Table::read_named(data, format)
}

/// Builds the process trees of a table of process-creation events
/// (`format`: `auto`, `csv`, `json`, `ndjson`, `arrow`) and returns them
/// as an Arrow IPC stream: the input columns plus `proc_key, parent_key,
/// source_index, parent_index, path, depth, child_count, descendant_count,
/// IsRoot, IsLeaf, IsBranch, IsInferred` (and `EffectiveLogonId`), one row
/// per process in depth-first order. Parents are matched per host.
#[wasm_bindgen(js_name = buildProcessTree)]
pub fn build_process_tree(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "ProcTreeOptions | undefined")] options: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let o: ProcTreeOptions = options::parse(options)?;
    // The table, the output frame and its IPC encoding: each about the
    // input's size, alive one or two at a time.
    reserve_ahead(data.len().saturating_mul(2));
    let run = || {
        // The frame owns its cells: drop the table and tree before encoding,
        // so a million rows need one copy of the text at a time, not three.
        let frame = {
            let table = read(data, format)?;
            core::build_process_tree(&table, &o)?.frame()?
        };
        frame.to_arrow_ipc()
    };
    run().map_err(|e| errors::to_js(&e))
}

/// MSTICPy's summary counts of the process trees of a table (same inputs
/// as `buildProcessTree`).
#[wasm_bindgen(js_name = processTreeSummary, unchecked_return_type = "ProcTreeSummary")]
pub fn process_tree_summary(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "ProcTreeOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o: ProcTreeOptions = options::parse(options)?;
    // Only the linking columns are read: under the input's size.
    reserve_ahead(data.len());
    let run = || {
        core::summarize_process_tree(data, core::TableFormat::named(format, data)?, &o).map(|r| r.0)
    };
    let summary = run().map_err(|e: core::Error| errors::to_js(&e))?;
    serde_wasm_bindgen::to_value(&summary).map_err(errors::output)
}
