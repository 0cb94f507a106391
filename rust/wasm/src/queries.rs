//! Query templates for JS: a library built from YAML files given as bytes;
//! list, render, and run over LocalData files handed over by the host.
//! The host only carries bytes: parsing, validation, rendering and
//! filtering happen in the core.

use chrono::{DateTime, Utc};
use huntkit_core::queries::{self as q, parse_time, LocalData, QueryFilter, QueryStore, TimeSpan};
use huntkit_core::{Error, ErrorKind};
use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

/// The shapes, kept as a `.d.ts` file so editors check its syntax.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("queries.d.ts");

/// huntkit's library (`queries/`), compiled in so a panel has templates
/// with no server; a test below fails when a file is added to the folder
/// and not here.
macro_rules! bundled {
    ($path:literal) => {
        (
            concat!("queries/", $path),
            include_str!(concat!("../../../queries/", $path)),
        )
    };
}

const BUNDLED: &[(&str, &str)] = &[
    bundled!("localdata/demo.yaml"),
    bundled!("mde/alerts.yaml"),
    bundled!("mde/file.yaml"),
    bundled!("mde/logon.yaml"),
    bundled!("mde/network.yaml"),
    bundled!("mde/process.yaml"),
    bundled!("mssentinel/azure_activity.yaml"),
    bundled!("mssentinel/azure_ad.yaml"),
    bundled!("mssentinel/dns.yaml"),
    bundled!("mssentinel/linux.yaml"),
    bundled!("mssentinel/network.yaml"),
    bundled!("mssentinel/office.yaml"),
    bundled!("mssentinel/security_alert.yaml"),
    bundled!("mssentinel/threat_intel.yaml"),
    bundled!("mssentinel/windows_security.yaml"),
    bundled!("splunk/linux.yaml"),
    bundled!("splunk/network.yaml"),
    bundled!("splunk/windows.yaml"),
];

/// The demo's LocalData manifest (`jupyterlab-ext/demo/localdata.yaml`),
/// for the bundled LocalData templates.
const DEMO_MANIFEST: &str = include_str!("../../../jupyterlab-ext/demo/localdata.yaml");

/// Rows of a LocalData result that `runLocal` also returns as text.
const PREVIEW_ROWS: usize = 1000;

/// Options of `render` and `runLocal`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct QueryRunOptions {
    pub(crate) environment: Option<String>,
    pub(crate) now: Option<Value>,
}

pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(errors::output)
}

pub(crate) fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain new object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn option_error(name: &str, message: String) -> JsValue {
    errors::to_js(&Error::new(ErrorKind::InvalidOption {
        name: name.to_string(),
        message,
    }))
}

/// The browser's clock (`SystemTime` panics in wasm32).
pub(crate) fn clock() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// `now` as ISO text or epoch milliseconds; `None` when not given.
pub(crate) fn now_of(options: &QueryRunOptions) -> Result<Option<DateTime<Utc>>, JsValue> {
    match &options.now {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .and_then(|ms| DateTime::from_timestamp_millis(ms as i64))
            .map(Some)
            .ok_or_else(|| option_error("now", format!("{n} is not a time in epoch ms"))),
        Some(Value::String(s)) => parse_time(s, clock())
            .map(Some)
            .map_err(|e| errors::to_js(&e)),
        Some(other) => Err(option_error("now", format!("{other} is not a time"))),
    }
}

pub(crate) fn params_of(params: JsValue) -> Result<Map<String, Value>, JsValue> {
    if params.is_undefined() || params.is_null() {
        return Ok(Map::new());
    }
    let v: Value = serde_wasm_bindgen::from_value(params).map_err(errors::options)?;
    match v {
        Value::Object(m) => Ok(m),
        other => Err(option_error(
            "params",
            format!("parameters must be an object of name: value, not {other}"),
        )),
    }
}

/// Query templates in MSTICPy's YAML format, loaded from files the host
/// reads (the bundled `queries/` folder, files a user drops). A file that
/// does not load is listed by `errors()`; the others still load.
#[wasm_bindgen]
pub struct QueryLibrary {
    pub(crate) store: QueryStore,
}

impl Default for QueryLibrary {
    fn default() -> Self {
        QueryLibrary::new()
    }
}

#[wasm_bindgen]
impl QueryLibrary {
    /// An empty library; add files with `addFile`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> QueryLibrary {
        QueryLibrary {
            store: QueryStore::new(),
        }
    }

    /// A library holding huntkit's own templates (`queries/`: Sentinel,
    /// Defender, Splunk, LocalData), compiled into the module; add more
    /// with `addFile`.
    pub fn bundled() -> QueryLibrary {
        let mut store = QueryStore::new();
        for (path, text) in BUNDLED {
            store.add_yaml(path, text);
        }
        QueryLibrary { store }
    }

    /// The demo data's LocalData manifest (YAML bytes), to pass to
    /// `runLocal` with the demo files (`logons.csv`, `alerts.csv`).
    #[wasm_bindgen(js_name = demoManifest)]
    pub fn demo_manifest() -> Vec<u8> {
        DEMO_MANIFEST.as_bytes().to_vec()
    }

    /// Adds the templates of one YAML file (`path` names it in messages).
    /// Returns how many loaded; problems go to `errors()`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: &str, data: &[u8]) -> u32 {
        self.store.add_bytes(path, data) as u32
    }

    /// Number of templates loaded.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.store.templates().len() as u32
    }

    /// Files, or templates in them, that did not load, with file and line.
    #[wasm_bindgen(unchecked_return_type = "QueryLoadError[]")]
    pub fn errors(&self) -> Result<JsValue, JsValue> {
        to_js(self.store.errors())
    }

    /// The templates `filter` selects, sorted by environment then name
    /// (for a tree of environments → families → templates).
    #[wasm_bindgen(unchecked_return_type = "QueryTemplate[]")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QueryFilter | undefined")] filter: JsValue,
    ) -> Result<JsValue, JsValue> {
        let filter: QueryFilter = options::parse(filter)?;
        to_js(&self.store.find(&filter))
    }

    /// One template by name (`family.source`, an alias, or a unique bare
    /// name), in `environment` when several share the name.
    #[wasm_bindgen(unchecked_return_type = "QueryTemplate")]
    pub fn template(&self, name: &str, environment: Option<String>) -> Result<JsValue, JsValue> {
        let t = self
            .store
            .get(name, environment.as_deref())
            .map_err(|e| errors::to_js(&e))?;
        to_js(t)
    }

    /// Renders a template: `params` by name or alias (times as
    /// expressions such as `-1d@d` or ISO; lists as arrays); string
    /// values are escaped for the query language.
    #[wasm_bindgen(unchecked_return_type = "RenderedQuery")]
    pub fn render(
        &self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QueryRunOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o: QueryRunOptions = options::parse(options)?;
        let now = now_of(&o)?.unwrap_or_else(clock);
        let params = params_of(params)?;
        let t = self
            .store
            .get(name, o.environment.as_deref())
            .map_err(|e| errors::to_js(&e))?;
        let r = q::render(t, &params, now).map_err(|e| errors::to_js(&e))?;
        to_js(&r)
    }

    /// Runs a template over LocalData: `manifest` is the manifest's YAML,
    /// `files` gives each file it names, as an object `{path: Uint8Array}`
    /// or a function `path => Uint8Array | undefined`. Returns the rows
    /// kept as Arrow IPC.
    #[wasm_bindgen(js_name = runLocal, unchecked_return_type = "LocalRunResult")]
    pub fn run_local(
        &self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        manifest: &[u8],
        #[wasm_bindgen(
            unchecked_param_type = "Record<string, Uint8Array> | ((path: string) => Uint8Array | undefined)"
        )]
        files: JsValue,
        #[wasm_bindgen(unchecked_param_type = "QueryRunOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o: QueryRunOptions = options::parse(options)?;
        let now = now_of(&o)?;
        let params = params_of(params)?;
        let text = huntkit_core::utf8_lossy(manifest);
        let mut local = LocalData::from_yaml("manifest", &text).map_err(|e| errors::to_js(&e))?;
        if now.is_some() {
            local.set_now(now);
        }
        let t = match o.environment.as_deref() {
            Some(env) => self.store.get(name, Some(env)),
            None => self
                .store
                .get(name, Some("LocalData"))
                .or_else(|_| self.store.get(name, None)),
        }
        .map_err(|e| errors::to_js(&e))?;
        let mut read = |path: &str| -> huntkit_core::Result<Vec<u8>> {
            let got = match files.dyn_ref::<Function>() {
                Some(f) => f.call1(&JsValue::NULL, &JsValue::from_str(path)).ok(),
                None => Reflect::get(&files, &JsValue::from_str(path)).ok(),
            };
            match got.and_then(|v| v.dyn_into::<Uint8Array>().ok()) {
                Some(bytes) => Ok(bytes.to_vec()),
                None => Err(Error::new(ErrorKind::InvalidOption {
                    name: "files".to_string(),
                    message: format!("no bytes for {path:?}, which the manifest names"),
                })),
            }
        };
        let result = local
            .run(t, &params, now.unwrap_or_else(clock), &mut read)
            .map_err(|e| errors::to_js(&e))?;
        let ipc = result.frame.to_arrow_ipc().map_err(|e| errors::to_js(&e))?;
        let out = Object::new();
        set(&out, "name", &result.name.as_str().into());
        set(&out, "file", &result.file.as_str().into());
        set(&out, "table", &Uint8Array::from(ipc.as_slice()).into());
        set(&out, "rows", &(result.frame.rows() as f64).into());
        set(&out, "rowsRead", &(result.rows_read as f64).into());
        set(&out, "applied", &to_js(&result.applied)?);
        // The first rows as text, so a host can show a table without an
        // Arrow reader of its own.
        let frame = &result.frame;
        let preview: Vec<Vec<String>> = (0..frame.rows().min(PREVIEW_ROWS))
            .map(|row| frame.columns().iter().map(|c| c.text(row)).collect())
            .collect();
        set(&out, "columns", &to_js(frame.names())?);
        set(&out, "preview", &to_js(&preview)?);
        Ok(out.into())
    }
}

/// What a LocalData manifest maps, without reading any file: its own
/// "now" (ISO-8601 UTC, or null) and each template it answers with the
/// file (relative to the manifest) that holds its rows. A host reads those
/// files before `runLocal`, and a panel marks the templates it can run.
#[wasm_bindgen(js_name = localDataManifest, unchecked_return_type = "LocalManifestInfo")]
pub fn local_data_manifest(manifest: &[u8]) -> Result<JsValue, JsValue> {
    let text = huntkit_core::utf8_lossy(manifest);
    let local = LocalData::from_yaml("manifest", &text).map_err(|e| errors::to_js(&e))?;
    let out = Object::new();
    let now = local.now().map(q::format_time);
    set(&out, "now", &to_js(&now)?);
    let sources: Vec<Value> = local
        .sources()
        .iter()
        .map(|s| serde_json::json!({"name": s.name, "file": s.file}))
        .collect();
    set(&out, "sources", &to_js(&sources)?);
    Ok(out.into())
}

/// Reads a time expression (`-1d`, `-1w@d`, `now-2h@h`, ISO, a number of
/// days) against `now` (ISO or epoch ms; default the clock) and returns it
/// as ISO-8601 UTC: for a form that shows what a relative time means.
#[wasm_bindgen(js_name = parseTimeExpression)]
pub fn parse_time_expression(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "string | number | undefined")] now: JsValue,
) -> Result<String, JsValue> {
    let o = QueryRunOptions {
        environment: None,
        now: serde_wasm_bindgen::from_value(now).map_err(errors::options)?,
    };
    let now = now_of(&o)?.unwrap_or_else(clock);
    parse_time(text, now)
        .map(q::format_time)
        .map_err(|e| errors::to_js(&e))
}

/// MSTICPy's `TimeSpan(start, end | period)` as a time-range picker needs
/// it: `start`/`end` time expressions, or a `period` (`1d`, `2h`); with
/// `splitBy` (`1H`) the consecutive ranges, 1 ns apart, that cover it.
#[wasm_bindgen(js_name = timeSpan, unchecked_return_type = "TimeSpanResult[]")]
pub fn time_span(
    start: Option<String>,
    end: Option<String>,
    period: Option<String>,
    split_by: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "string | number | undefined")] now: JsValue,
) -> Result<JsValue, JsValue> {
    let o = QueryRunOptions {
        environment: None,
        now: serde_wasm_bindgen::from_value(now).map_err(errors::options)?,
    };
    let now = now_of(&o)?.unwrap_or_else(clock);
    let span = TimeSpan::new(start.as_deref(), end.as_deref(), period.as_deref(), now)
        .map_err(|e| errors::to_js(&e))?;
    let spans = match split_by.as_deref() {
        Some(p) if !p.is_empty() => span.split_by(p).map_err(|e| errors::to_js(&e))?,
        _ => vec![span],
    };
    to_js(&spans)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::ts_drift::keys;
    use huntkit_core::queries::{render, QueryStore};

    const TS: &str = include_str!("queries.d.ts");

    fn ts_fields(name: &str) -> BTreeSet<String> {
        crate::ts_drift::ts_fields(TS, name)
    }

    #[test]
    fn every_library_file_is_bundled_and_loads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../queries");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    let rel = p
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    on_disk.push(format!("queries/{rel}"));
                }
            }
        }
        on_disk.sort();
        let bundled: Vec<String> = super::BUNDLED.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(bundled, on_disk, "add new files in queries/ to BUNDLED");
        let lib = super::QueryLibrary::bundled();
        assert!(lib.store.errors().is_empty(), "{:?}", lib.store.errors());
        assert!(lib.store.templates().len() >= 60);
        huntkit_core::queries::LocalData::from_yaml("demo", super::DEMO_MANIFEST).unwrap();
    }

    #[test]
    fn query_types_match_the_core() {
        let mut store = QueryStore::new();
        store.add_yaml(
            "t.yaml",
            "metadata: {data_environments: [LocalData], data_families: [F]}\nsources:\n  q:\n    description: d\n    args: {query: 'T | where A == \"{a}\"'}\n    parameters: {a: {description: a, type: str}}\n",
        );
        store.add_yaml("bad.yaml", "metadata: [");
        let t = &store.templates()[0];
        assert_eq!(ts_fields("QueryTemplate"), keys(t));
        assert_eq!(ts_fields("QueryParameter"), keys(&t.parameters[0]));
        assert_eq!(ts_fields("QueryLoadError"), keys(&store.errors()[0]));
        let params = serde_json::json!({"a": "x"});
        let r = render(t, params.as_object().unwrap(), chrono::DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(ts_fields("RenderedQuery"), keys(&r));
        assert_eq!(
            ts_fields("QueryFilter"),
            keys(&huntkit_core::queries::QueryFilter::default())
        );
        assert_eq!(
            ts_fields("QueryRunOptions"),
            keys(&super::QueryRunOptions::default())
        );
        let span = huntkit_core::queries::TimeSpan::new(
            Some("-1d"),
            None,
            None,
            chrono::DateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(ts_fields("TimeSpanResult"), keys(&span));
    }
}
