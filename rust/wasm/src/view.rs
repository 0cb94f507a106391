//! Notebook views for JS: a `ChartView` built once from a bundle's data
//! sets, then asked for layouts as the user pans and zooms, and for rows as
//! they hover, click and copy.
//!
//! Layout returns marks as one `Float64Array` (`MARK_STRIDE` numbers per
//! mark) so a frame costs one copy, not an object per mark.

use huntkit_core as core;
use huntkit_core::view::{Chart, DataSet, ViewSpec, Viewport, MARK_STRIDE};
use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

/// A view ready to draw (see `huntkit_core::view`).
#[wasm_bindgen]
pub struct ChartView {
    chart: Chart,
}

fn field(obj: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(obj, &JsValue::from_str(name))
}

fn text_field(obj: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    let v = field(obj, name)?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| errors::to_js(&invalid(name, "must be a string")))
}

fn invalid(name: &str, message: &str) -> core::Error {
    core::Error::new(core::ErrorKind::InvalidOption {
        name: name.to_string(),
        message: message.to_string(),
    })
}

/// Reads a table for a view: `arrow`, `csv`, `json`, `ndjson` or `auto`.
fn read_view_table(bytes: &[u8], format: &str) -> core::Result<core::Table> {
    core::Table::read_named(bytes, format)
}

/// The column names of a table (`format` as for a data set), for the
/// pickers that build a view's options.
#[wasm_bindgen(js_name = tableColumns)]
pub fn table_columns(data: &[u8], format: &str) -> Result<Vec<String>, JsValue> {
    read_view_table(data, format)
        .map(|t| t.names().to_vec())
        .map_err(|e| errors::to_js(&e))
}

/// Reads one `{label, data, format?, time_column?, color?}` data set.
fn dataset(obj: &JsValue, i: u32) -> Result<DataSet, JsValue> {
    let data = field(obj, "data")?;
    let bytes = data
        .dyn_ref::<Uint8Array>()
        .ok_or_else(|| {
            errors::to_js(&invalid(
                "data",
                &format!("data set {i} has no Uint8Array `data`"),
            ))
        })?
        .to_vec();
    let format = text_field(obj, "format")?.unwrap_or_else(|| "arrow".to_string());
    let table = read_view_table(&bytes, &format).map_err(|e| errors::to_js(&e))?;
    Ok(DataSet {
        label: text_field(obj, "label")?.unwrap_or_else(|| format!("data {}", i + 1)),
        table,
        time_column: text_field(obj, "time_column")?,
        color: text_field(obj, "color")?,
    })
}

fn rows_object(ids: &[u32], total: usize) -> Result<JsValue, JsValue> {
    let obj = Object::new();
    Reflect::set(&obj, &"ids".into(), &Uint32Array::from(ids))?;
    Reflect::set(&obj, &"total".into(), &JsValue::from(total as f64))?;
    Ok(obj.into())
}

#[wasm_bindgen]
impl ChartView {
    /// Builds a chart of `kind` (any view kind but `process_tree`) from data
    /// sets `{label, data: Uint8Array, format?: 'arrow' | 'csv' | 'json' |
    /// 'ndjson' | 'auto', time_column?, color?}` and the bundle's options,
    /// read as the core's `ViewSpec` (unknown or misplaced options are named).
    #[wasm_bindgen(constructor)]
    pub fn new(
        kind: &str,
        #[wasm_bindgen(unchecked_param_type = "ChartDataSet[]")] datasets: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ViewSpec['options'] | undefined")] options: JsValue,
    ) -> Result<ChartView, JsValue> {
        let options: serde_json::Value = options::parse(options)?;
        let spec = ViewSpec::parse(kind, &options).map_err(|e| errors::to_js(&e))?;
        let (kind, o) = spec
            .chart()
            .ok_or_else(|| errors::to_js(&invalid("kind", &format!("{kind} is not a chart"))))?;
        let list = datasets
            .dyn_ref::<Array>()
            .ok_or_else(|| errors::to_js(&invalid("data", "must be an array of data sets")))?;
        let sets = list
            .iter()
            .enumerate()
            .map(|(i, d)| dataset(&d, i as u32))
            .collect::<Result<Vec<_>, _>>()?;
        let chart = Chart::new(kind, sets, &o).map_err(|e| errors::to_js(&e))?;
        Ok(ChartView { chart })
    }

    /// Title, axes, series, data sets, warnings: see `ChartInfo`.
    #[wasm_bindgen(unchecked_return_type = "ChartInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        self.chart
            .info()
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(errors::output)
    }

    /// Lays out the window `[x0, x1]` in a plot area of `width` × `height`
    /// CSS pixels: `{marks: Float64Array, stride, xTicks, yTicks,
    /// eventsInView}`.
    #[wasm_bindgen(unchecked_return_type = "ChartLayout")]
    pub fn layout(
        &mut self,
        x0: f64,
        x1: f64,
        width: f64,
        height: f64,
    ) -> Result<JsValue, JsValue> {
        let layout = self.chart.layout(Viewport {
            x0,
            x1,
            width,
            height,
        });
        let obj = Object::new();
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        Reflect::set(
            &obj,
            &"marks".into(),
            &Float64Array::from(layout.marks.as_slice()),
        )?;
        Reflect::set(&obj, &"stride".into(), &JsValue::from(MARK_STRIDE as u32))?;
        Reflect::set(
            &obj,
            &"xTicks".into(),
            &layout.x_ticks.serialize(&ser).map_err(errors::output)?,
        )?;
        Reflect::set(
            &obj,
            &"yTicks".into(),
            &layout.y_ticks.serialize(&ser).map_err(errors::output)?,
        )?;
        Reflect::set(
            &obj,
            &"eventsInView".into(),
            &JsValue::from(layout.events_in_view as f64),
        )?;
        Ok(obj.into())
    }

    /// Hides points above `y_max` (session scores); `undefined` shows all.
    #[wasm_bindgen(js_name = setYMax)]
    pub fn set_y_max(&mut self, y_max: Option<f64>) {
        self.chart.set_y_max(y_max);
    }

    /// Events per pixel column over the whole time range (the range
    /// selector); empty for a matrix.
    pub fn overview(&self, width: usize) -> Vec<u32> {
        self.chart.overview(width)
    }

    /// The mark of the last layout nearest to `(x, y)` within `radius`
    /// pixels, or -1.
    pub fn hit(&self, x: f64, y: f64, radius: f64) -> i32 {
        self.chart.hit(x, y, radius).map_or(-1, |i| i as i32)
    }

    /// The rows a mark stands for: `{ids: Uint32Array (at most limit),
    /// total}`.
    #[wasm_bindgen(js_name = markRows, unchecked_return_type = "RowIds")]
    pub fn mark_rows(&self, mark: usize, limit: usize) -> Result<JsValue, JsValue> {
        let (ids, total) = self.chart.mark_rows(mark, limit);
        rows_object(&ids, total)
    }

    /// The rows whose time is in `[t0, t1]` (a brushed range).
    #[wasm_bindgen(js_name = rowsBetween, unchecked_return_type = "RowIds")]
    pub fn rows_between(&self, t0: f64, t1: f64, limit: usize) -> Result<JsValue, JsValue> {
        let (ids, total) = self.chart.rows_between(t0, t1, limit);
        rows_object(&ids, total)
    }

    /// Rows as objects of their tooltip columns.
    #[wasm_bindgen(js_name = rowsJson, unchecked_return_type = "Record<string, unknown>[]")]
    pub fn rows_json(&self, ids: &[u32]) -> Result<JsValue, JsValue> {
        self.chart
            .rows_json(ids)
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(errors::output)
    }

    /// Rows as CSV with a header.
    #[wasm_bindgen(js_name = rowsCsv)]
    pub fn rows_csv(&self, ids: &[u32]) -> String {
        self.chart.rows_csv(ids)
    }
}
