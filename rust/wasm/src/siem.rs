//! SIEM query runs for JS, sans-IO: the core renders each time chunk,
//! builds each request and reads each answer; the host (the Jupyter
//! server's query route, through the page) performs the calls with its own
//! credentials. Nothing here sends anything.

use huntkit_core::providers::siem::{self, QueryRun, QueryTarget, RunMode, RunOptions};
use huntkit_core::providers::HttpResponse;
use js_sys::{Object, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;
use crate::queries::{clock, now_of, params_of, set, to_js, QueryLibrary, QueryRunOptions};

/// The shapes, kept as a `.d.ts` file.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("siem.d.ts");

/// Rows of a result that `finish` also returns as text.
const PREVIEW_ROWS: usize = 1000;

/// Options of `planSiemRun`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct SiemRunOptions {
    /// Data environment, when several templates share the name.
    environment: Option<String>,
    /// "Now" for relative times.
    now: Option<serde_json::Value>,
    /// Workspace id / database.
    target: QueryTarget,
    /// `split_by` period.
    split_by: Option<String>,
    /// Split chunks over the provider's limits (default true).
    auto_split: Option<bool>,
    /// `export` (default) or `jobs` (Splunk search jobs).
    mode: Option<RunMode>,
    /// Rows per results page in `jobs` mode.
    page_size: Option<u32>,
    /// Seconds a search job may run.
    job_timeout_secs: Option<u64>,
}

/// One template run against a SIEM provider: ask `next()` for a request,
/// have the host perform it, hand the answer to `submit` (or the failure
/// to `fail`); when `next()` answers `undefined`, `finish()`.
#[wasm_bindgen]
pub struct SiemRun(Option<QueryRun>);

#[wasm_bindgen]
impl QueryLibrary {
    /// Plans a run of template `name` on `provider` (`loganalytics`,
    /// `m365d`, `kusto`, `splunk`): every chunk is rendered now, so a bad
    /// parameter fails before anything is sent. The time range is the
    /// template's `start`/`end` (from `params` or its defaults).
    #[wasm_bindgen(js_name = planSiemRun)]
    pub fn plan_siem_run(
        &self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")]
        params: JsValue,
        provider: &str,
        #[wasm_bindgen(unchecked_param_type = "SiemRunOptions | undefined")] options: JsValue,
    ) -> Result<SiemRun, JsValue> {
        let o: SiemRunOptions = options::parse(options)?;
        let now = now_of(&QueryRunOptions {
            environment: None,
            now: o.now.clone(),
        })?
        .unwrap_or_else(clock);
        let params = params_of(params)?;
        let env = o
            .environment
            .clone()
            .or_else(|| siem::siem_provider(provider).map(|p| p.environment.to_string()));
        let t = self
            .store
            .get(name, env.as_deref())
            .or_else(|_| self.store.get(name, None))
            .map_err(|e| errors::to_js(&e))?;
        let span = siem::template_span(t, &params, now).map_err(|e| errors::to_js(&e))?;
        let run_options = RunOptions {
            split_by: o.split_by.clone(),
            auto_split: o.auto_split.unwrap_or(true),
            mode: o.mode.unwrap_or_default(),
            page_size: o.page_size,
            job_timeout_secs: o.job_timeout_secs,
            ..RunOptions::default()
        };
        let run = QueryRun::new(provider, t, &params, span, o.target, run_options, now)
            .map_err(|e| errors::to_js(&e))?;
        Ok(SiemRun(Some(run)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SiemProviderInfo {
    name: &'static str,
    config_name: &'static str,
    environment: &'static str,
    jobs: bool,
}

/// Every SIEM query provider: registry name, configuration section, the
/// data environment of its templates and whether it runs search jobs, in
/// display order.
#[wasm_bindgen(js_name = siemProviders, unchecked_return_type = "SiemProviderInfo[]")]
pub fn siem_providers() -> Result<JsValue, JsValue> {
    let list: Vec<SiemProviderInfo> = siem::providers()
        .iter()
        .map(|p| SiemProviderInfo {
            name: p.name(),
            config_name: p.def.config_name,
            environment: p.environment,
            jobs: p.jobs.is_some(),
        })
        .collect();
    to_js(&list)
}

#[wasm_bindgen]
impl SiemRun {
    fn run(&mut self) -> Result<&mut QueryRun, JsValue> {
        self.0
            .as_mut()
            .ok_or_else(|| JsValue::from_str("the run is finished"))
    }

    /// The next request to send (`{id, request, waitMs}`: wait `waitMs`
    /// first), or `undefined` when nothing is left to send.
    #[wasm_bindgen(js_name = next, unchecked_return_type = "SiemPlanned | undefined")]
    pub fn next_request(&mut self) -> Result<JsValue, JsValue> {
        match self.run()?.next_request().map_err(|e| errors::to_js(&e))? {
            Some(planned) => to_js(&planned),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The host's answer to request `id`.
    pub fn submit(
        &mut self,
        id: usize,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
    ) -> Result<(), JsValue> {
        let response: HttpResponse =
            serde_wasm_bindgen::from_value(response).map_err(errors::options)?;
        self.run()?
            .submit(id, &response)
            .map_err(|e| errors::to_js(&e))
    }

    /// Request `id` could not be performed (refused by the server,
    /// unreachable): `message` says why.
    pub fn fail(&mut self, id: usize, message: &str) -> Result<(), JsValue> {
        self.run()?
            .fail(id, siem::ChunkStatus::Error, message)
            .map_err(|e| errors::to_js(&e))
    }

    /// Every chunk's rows as one typed Arrow table, the first rows as text,
    /// and the report of every chunk.
    #[wasm_bindgen(unchecked_return_type = "SiemRunResult")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let run = self
            .0
            .take()
            .ok_or_else(|| JsValue::from_str("the run is finished"))?;
        let provider = run.provider().name();
        let outcome = run.finish().map_err(|e| errors::to_js(&e))?;
        let ipc = outcome.arrow_ipc().map_err(|e| errors::to_js(&e))?;
        let t = &outcome.table;
        let out = Object::new();
        set(&out, "provider", &provider.into());
        set(&out, "table", &Uint8Array::from(ipc.as_slice()).into());
        set(&out, "rows", &(t.rows() as f64).into());
        set(&out, "status", &outcome.status.name().into());
        set(&out, "chunks", &to_js(&outcome.chunks)?);
        set(&out, "notes", &to_js(&outcome.notes)?);
        set(&out, "columns", &to_js(t.names())?);
        let preview: Vec<Vec<String>> = (0..t.rows().min(PREVIEW_ROWS))
            .map(|row| {
                (0..t.names().len())
                    .map(|c| t.column(c).get(row).unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        set(&out, "preview", &to_js(&preview)?);
        Ok(out.into())
    }
}

#[cfg(test)]
mod tests {
    use crate::ts_drift::{keys, ts_fields};
    use huntkit_core::providers::siem;

    const TS: &str = include_str!("siem.d.ts");

    /// The `.d.ts` shapes name the fields the facade sends and takes.
    #[test]
    fn shapes_match_the_declarations() {
        assert_eq!(
            ts_fields(TS, "SiemRunOptions"),
            keys(&super::SiemRunOptions::default())
        );
        let p = &siem::providers()[0];
        let info = super::SiemProviderInfo {
            name: p.name(),
            config_name: p.def.config_name,
            environment: p.environment,
            jobs: p.jobs.is_some(),
        };
        assert_eq!(ts_fields(TS, "SiemProviderInfo"), keys(&info));
        let planned = siem::Planned {
            id: 1,
            request: huntkit_core::providers::HttpRequest {
                provider: "splunk".into(),
                operation: "query".into(),
                method: huntkit_core::providers::Method::Get,
                base_url: None,
                path: "/".into(),
                query: vec![],
                headers: vec![],
                body: None,
            },
            wait_ms: 0,
        };
        assert_eq!(ts_fields(TS, "SiemPlanned"), keys(&planned));
    }
}
