//! Anomalous-session scoring for JS: a whole table scored at once, or a
//! model fitted once and scored many times.

use huntkit_core::{self as core, ScoredSessions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::heap::Headroom;
use crate::options;

/// Options of `scoreSessions` and `SessionModel`, named like MSTICPy's.
#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SessionOptions {
    pub(crate) session_column: String,
    pub(crate) window_length: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            session_column: "session".to_string(),
            window_length: 3,
        }
    }
}

/// `lines` reads one session per line (a column named `text`), as the CLI
/// does for JSON-list files; the other formats are tables.
fn read(data: &[u8], format: &str) -> core::Result<core::Table> {
    if format == "lines" {
        return Ok(core::Table::from_lines(&core::utf8_lossy(data)));
    }
    core::Table::read_named(data, format)
}

/// Fits MSTICPy's model on the table's `session_column` (`format`: `lines`
/// for one JSON list per line, or a table format; each cell a JSON
/// list of commands, `{name, params: [..]}` or `{name, params: {k: v}}`)
/// and returns the table as Arrow IPC with `rarest_window{n}_likelihood`,
/// `rarest_window{n}`, `likelihood` and `geomean_likelihood` added.
#[wasm_bindgen(js_name = scoreSessions)]
pub fn score_sessions(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | undefined")] options: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let o: SessionOptions = options::parse(options)?;
    let run = || {
        let _heap = Headroom::new();
        core::score_sessions(&read(data, format)?, &o.session_column, o.window_length)?
            .to_arrow_ipc()
    };
    run().map_err(|e| errors::to_js(&e))
}

/// A model fitted once on a table's sessions, to score them (again) cheaply:
/// what a likelihood slider re-runs. The sessions are kept encoded as ids.
#[wasm_bindgen]
pub struct SessionModel {
    scored: ScoredSessions,
}

#[wasm_bindgen]
impl SessionModel {
    /// Reads the table's `session_column` and fits the model on it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        data: &[u8],
        format: &str,
        #[wasm_bindgen(unchecked_param_type = "SessionOptions | undefined")] options: JsValue,
    ) -> Result<SessionModel, JsValue> {
        let o: SessionOptions = options::parse(options)?;
        let run = || -> core::Result<SessionModel> {
            let mut heap = Headroom::new();
            let mut parse = |(row, cell): (usize, Option<&str>)| {
                heap.check();
                core::parse_session(cell.unwrap_or("[]"), &o.session_column, row)
            };
            let sessions = if format == "lines" && o.session_column == "text" {
                // One session per line, parsed in place (no copy of each line).
                core::utf8_lossy(data)
                    .lines()
                    .map(Some)
                    .enumerate()
                    .map(&mut parse)
                    .collect::<core::Result<Vec<_>>>()?
            } else {
                let table = read(data, format)?;
                let col = table.select(Some(std::slice::from_ref(&o.session_column)))?[0];
                table
                    .column(col)
                    .iter()
                    .enumerate()
                    .map(&mut parse)
                    .collect::<core::Result<Vec<_>>>()?
            };
            heap.check();
            Ok(SessionModel {
                scored: ScoredSessions::fit(&sessions)?,
            })
        };
        run().map_err(|e| errors::to_js(&e))
    }

    /// Number of sessions.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.scored.len()
    }

    /// The rarest-window likelihood of every session (windows of
    /// `window_length`, start and end tokens used; NaN for empty sessions).
    #[wasm_bindgen(js_name = rarestWindowLikelihoods)]
    pub fn rarest_window_likelihoods(&self, window_length: usize) -> Vec<f64> {
        self.scored
            .rarest_window_likelihoods(window_length.max(1), false, true)
    }
}
