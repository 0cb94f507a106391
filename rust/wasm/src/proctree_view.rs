//! The process tree view for JS: the tree is built once, then the view asks
//! for the window of rows it is about to draw as the user scrolls, toggles,
//! searches and filters (see `huntkit_core::TreeView`).

use huntkit_core::{self as core, TreeView, TreeViewOptions};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

/// A process tree with expand/collapse, search and time-filter state.
#[wasm_bindgen]
pub struct ProcessTreeView {
    view: TreeView,
}

/// Plain JS values (`null` for `None`, numbers for times).
fn js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(errors::output)
}

/// A JS time (ms) as the core's: `null`, `undefined` or NaN mean unbounded.
fn time_ms(t: Option<f64>) -> Option<i64> {
    t.filter(|t| t.is_finite()).map(|t| t as i64)
}

#[wasm_bindgen]
impl ProcessTreeView {
    /// Builds the trees of a table of process-creation events (`format`:
    /// `auto`, `csv`, `json`, `ndjson`, `arrow`), everything expanded.
    #[wasm_bindgen(constructor)]
    pub fn new(
        data: &[u8],
        format: &str,
        #[wasm_bindgen(unchecked_param_type = "ProcTreeViewOptions | undefined")] options: JsValue,
    ) -> Result<ProcessTreeView, JsValue> {
        let o: TreeViewOptions = options::parse(options)?;
        // The table and the tree: about twice the input.
        crate::heap::reserve_ahead(data.len().saturating_mul(2));
        let run = || TreeView::new(core::Table::read_named(data, format)?, &o);
        run()
            .map(|view| ProcessTreeView { view })
            .map_err(|e| errors::to_js(&e))
    }

    /// Rows shown now (what the scroll area is tall for).
    #[wasm_bindgen(js_name = visibleCount)]
    pub fn visible_count(&self) -> usize {
        self.view.visible_count()
    }

    /// The visible rows `start..start + count`, only those: a scroll frame
    /// costs one small window, however large the tree.
    #[wasm_bindgen(unchecked_return_type = "ProcTreeRow[]")]
    pub fn rows(&self, start: usize, count: usize) -> Result<JsValue, JsValue> {
        js(&self.view.rows(start, count))
    }

    /// Where `node` is among the visible rows (-1: hidden or unknown).
    pub fn position(&self, node: usize) -> i32 {
        self.view.position(node).map_or(-1, |p| p as i32)
    }

    /// Expands or collapses `node`; returns its new state.
    pub fn toggle(&mut self, node: usize) -> bool {
        self.view.toggle(node)
    }

    /// Expands every process.
    #[wasm_bindgen(js_name = expandAll)]
    pub fn expand_all(&mut self) {
        self.view.expand_all();
    }

    /// Shows the roots only.
    #[wasm_bindgen(js_name = collapseAll)]
    pub fn collapse_all(&mut self) {
        self.view.collapse_all();
    }

    /// The node of input row `row` (the `SourceIndex` of a cluster or
    /// outlier row); -1 when that row is not a process in the tree.
    #[wasm_bindgen(js_name = nodeOfRow)]
    pub fn node_of_row(&self, row: usize) -> i32 {
        self.view.tree().node_of_row(row).map_or(-1, |n| n as i32)
    }

    /// Opens `node`'s ancestors; returns its row (-1: filtered out or unknown).
    #[wasm_bindgen(js_name = expandTo)]
    pub fn expand_to(&mut self, node: usize) -> i32 {
        self.view.expand_to(node).map_or(-1, |p| p as i32)
    }

    /// Nodes whose image, command line, user or PID contains `text`
    /// (ignoring case), in row order; their ancestors are expanded and
    /// their rows come back with `matched`. Empty text clears the search.
    pub fn search(&mut self, text: &str) -> Vec<u32> {
        self.view
            .search(text)
            .into_iter()
            .map(|n| n as u32)
            .collect()
    }

    /// Keeps processes created between `t0` and `t1` (ms since the epoch,
    /// inclusive; `null` is unbounded) and their ancestors.
    #[wasm_bindgen(js_name = setTimeRange)]
    pub fn set_time_range(&mut self, t0: Option<f64>, t1: Option<f64>) {
        self.view.set_time_range(time_ms(t0), time_ms(t1));
    }

    /// The earliest and latest creation times (ms), or `null` when none.
    #[wasm_bindgen(js_name = timeBounds, unchecked_return_type = "[number, number] | null")]
    pub fn time_bounds(&self) -> Result<JsValue, JsValue> {
        js(&self.view.time_bounds())
    }

    /// All columns of `node` and its ancestors (`null` for an unknown node).
    #[wasm_bindgen(unchecked_return_type = "ProcTreeDetails | null")]
    pub fn details(&self, node: usize) -> Result<JsValue, JsValue> {
        js(&self.view.details(node))
    }

    /// `node` and what is below it as indented text (the CLI's `text`).
    #[wasm_bindgen(js_name = subtreeText)]
    pub fn subtree_text(&self, node: usize) -> String {
        self.view.subtree_text(node)
    }

    /// `node` and what is below it as CSV (input and tree columns).
    #[wasm_bindgen(js_name = subtreeCsv)]
    pub fn subtree_csv(&self, node: usize) -> Result<String, JsValue> {
        self.view.subtree_csv(node).map_err(|e| errors::to_js(&e))
    }

    /// MSTICPy's summary counts.
    #[wasm_bindgen(unchecked_return_type = "ProcTreeSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        js(&self.view.summary())
    }

    /// Values of the legend column, most frequent first.
    #[wasm_bindgen(js_name = legendValues, unchecked_return_type = "ProcTreeLegendValue[]")]
    pub fn legend_values(&self) -> Result<JsValue, JsValue> {
        js(&self.view.legend_values())
    }
}
