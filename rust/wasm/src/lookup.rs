//! Threat-intelligence lookups for JS, sans-IO: the core plans the calls
//! and reads the answers; the host (the Jupyter server, through the page)
//! performs them. Nothing here sends anything.

use huntkit_core::providers::ti::{self, CallOutcome, LookupPlan};
use huntkit_core::providers::HttpResponse;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::queries::to_js;
use crate::rows_table::rows_and_arrow;

/// The result shape of `finishLookups`, kept as a `.d.ts` file.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("lookup.d.ts");

/// Every lookup provider (name, configuration section, kind, whether it
/// needs a key, the IoC types it looks up), in display order.
#[wasm_bindgen(js_name = lookupProviders, unchecked_return_type = "LookupProviderInfo[]")]
pub fn lookup_providers() -> Result<JsValue, JsValue> {
    to_js(&ti::lookup_providers())
}

/// Checks each observable (defanged is fine; blank lines are skipped and
/// repeats looked up once) and plans its calls to each named provider.
/// Observables that must not leave the machine (private IPs, invalid
/// values) and types a provider does not take are rows already; the
/// `requests` are for the host to send.
#[wasm_bindgen(js_name = planLookups, unchecked_return_type = "LookupPlan")]
pub fn plan_lookups(iocs: Vec<String>, providers: Vec<String>) -> Result<JsValue, JsValue> {
    let plan = ti::plan_lookups(&iocs, &providers).map_err(|e| errors::to_js(&e))?;
    to_js(&plan)
}

/// Reads what came back for each planned call (an answer, or why there is
/// none) into the result rows, with the plan's own rows, as objects and as
/// an Arrow table. A planned call with no outcome is an `error` row.
#[wasm_bindgen(js_name = finishLookups, unchecked_return_type = "LookupTable")]
pub fn finish_lookups(
    #[wasm_bindgen(unchecked_param_type = "LookupPlan")] plan: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CallOutcome[]")] outcomes: JsValue,
) -> Result<JsValue, JsValue> {
    let plan: LookupPlan = serde_wasm_bindgen::from_value(plan).map_err(errors::options)?;
    let outcomes: Vec<CallOutcome> =
        serde_wasm_bindgen::from_value(outcomes).map_err(errors::options)?;
    let rows = ti::finish_lookups(&plan, &outcomes);
    rows_and_arrow(&rows, &ti::lookup_frame(&rows))
}

/// Milliseconds to wait before sending a call again after `response`
/// (answer number `attempt`, 1 for the first try): a 429 is retried after
/// its `Retry-After`, at most 3 times and never after more than a minute;
/// `undefined`: use the answer.
#[wasm_bindgen(js_name = lookupRetryDelay)]
pub fn lookup_retry_delay(
    attempt: u32,
    #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
) -> Result<Option<f64>, JsValue> {
    let response: HttpResponse =
        serde_wasm_bindgen::from_value(response).map_err(errors::options)?;
    Ok(ti::retry_delay(attempt, &response, js_sys::Date::now() as i64).map(|ms| ms as f64))
}

/// The answers of this session's lookups, kept 10 minutes, so looking the
/// same observable up again costs no call (only 2xx and 404 answers are
/// kept). The worker holds one.
#[wasm_bindgen]
pub struct LookupCache(ti::LookupCache);

impl Default for LookupCache {
    fn default() -> Self {
        LookupCache::new()
    }
}

#[wasm_bindgen]
impl LookupCache {
    /// An empty cache (answers live 10 minutes).
    #[wasm_bindgen(constructor)]
    pub fn new() -> LookupCache {
        LookupCache(ti::LookupCache::default())
    }

    /// The outcomes of the plan's calls answered before: send only the others.
    #[wasm_bindgen(unchecked_return_type = "CallOutcome[]")]
    pub fn answered(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LookupPlan")] plan: JsValue,
    ) -> Result<JsValue, JsValue> {
        let plan: LookupPlan = serde_wasm_bindgen::from_value(plan).map_err(errors::options)?;
        to_js(&self.0.answered(&plan, now_ms()))
    }

    /// Keeps the answers among `outcomes` worth keeping.
    pub fn remember(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "LookupPlan")] plan: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOutcome[]")] outcomes: JsValue,
    ) -> Result<(), JsValue> {
        let plan: LookupPlan = serde_wasm_bindgen::from_value(plan).map_err(errors::options)?;
        let outcomes: Vec<CallOutcome> =
            serde_wasm_bindgen::from_value(outcomes).map_err(errors::options)?;
        self.0.remember(&plan, &outcomes, now_ms());
        Ok(())
    }
}

/// The browser's clock in ms (`SystemTime` panics in wasm32).
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
