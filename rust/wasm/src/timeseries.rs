//! Time-series anomalies for JS: a table in, the scored series (Arrow IPC),
//! its anomaly periods and their KQL filter out.

use huntkit_core::{self as core, TimeseriesOptions};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain new object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Bins the table (`format`: `auto`, `csv`, `json`, `ndjson`, `arrow`) by
/// `time_column`, decomposes it with STL (statsmodels' defaults) and scores
/// the residuals. Returns `{table, periods, kql}`: `table` an Arrow IPC
/// stream with `<time>, <value>, residual, trend, seasonal, weights,
/// baseline, score, anomalies`; `periods` `[{start, end}]` (RFC 3339);
/// `kql` a `| where … between (…)` clause.
#[wasm_bindgen(js_name = timeseriesAnomalies, unchecked_return_type = "TimeseriesResult")]
pub fn timeseries_anomalies(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "TimeseriesOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options: TimeseriesOptions = options::parse(options)?;
    let run = || -> core::Result<(Vec<u8>, core::TimeseriesResult)> {
        let result = core::timeseries_table(&core::Table::read_named(data, format)?, &options)?;
        Ok((result.frame.to_arrow_ipc()?, result))
    };
    let (ipc, result) = run().map_err(|e| errors::to_js(&e))?;
    let out = Object::new();
    set(&out, "table", &Uint8Array::from(ipc.as_slice()).into());
    let periods: Array = result
        .periods
        .iter()
        .map(|p| {
            let o = Object::new();
            set(&o, "start", &core::format_time_ms(p.start_ms).into());
            set(&o, "end", &core::format_time_ms(p.end_ms).into());
            JsValue::from(o)
        })
        .collect();
    set(&out, "periods", &periods.into());
    set(&out, "kql", &result.kql.into());
    Ok(out.into())
}
