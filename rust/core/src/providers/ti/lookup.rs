//! A lookup run for hosts that send the requests somewhere else than where
//! they are planned (the JupyterLab page plans in its worker and sends each
//! call through the Jupyter server): [`plan_lookups`] checks every
//! observable and lists the calls to make and the rows that need none;
//! [`finish_lookups`] reads the answers into the result rows, in input
//! order. Both are plain data in and out, so the plan can cross a worker
//! boundary and come back.

use serde::{Deserialize, Serialize};

use super::retry::{ResultCache, RetryDecision, RetryPlan};
use super::{check_observable, providers, ti_provider, LookupResult, LookupStatus, TiProvider};
use crate::error::{Error, ErrorKind};
use crate::providers::{Auth, HttpRequest, HttpResponse, ProviderKind};

/// Most observables one run takes: a paste of a whole log is a mistake,
/// and at VirusTotal's public pace (4 a minute) even this many takes days.
pub const MAX_LOOKUP_OBSERVABLES: usize = 5000;

/// What a lookup picker shows about one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LookupProviderInfo {
    /// Registry name (`virustotal`): what `plan_lookups` takes.
    pub name: String,
    /// The msticpyconfig.yaml section (`TIProviders.<configName>`).
    pub config_name: String,
    /// `ti` (reputation) or `context` (Tor, RDAP, GeoIP).
    pub kind: ProviderKind,
    /// Whether calls need a key from the host's configuration.
    pub needs_key: bool,
    /// The IoC types it looks up (`ipv4`, `dns`, `url`, `md5_hash`, …).
    pub supports: Vec<String>,
}

/// Every lookup provider, in display order.
pub fn lookup_providers() -> Vec<LookupProviderInfo> {
    providers()
        .iter()
        .map(|p| LookupProviderInfo {
            name: p.name().to_string(),
            config_name: p.def.config_name.to_string(),
            kind: p.def.kind,
            needs_key: !matches!(p.def.auth, Auth::None),
            supports: p.supports.iter().map(|t| t.name().to_string()).collect(),
        })
        .collect()
}

/// One call to make: the request for one observable at one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlannedCall {
    /// Its number in the plan; the answer names it.
    pub id: u32,
    /// The observable as given (checked again when the answer is read).
    pub ioc: String,
    /// Registry name of the provider.
    pub provider: String,
    /// What to send (no host, no key: the host adds both).
    pub request: HttpRequest,
}

/// The calls a run makes and the rows it has without any call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LookupPlan {
    /// The distinct observables, in the order given (blank lines dropped).
    pub iocs: Vec<String>,
    /// The calls to make.
    pub requests: Vec<PlannedCall>,
    /// Rows decided offline: observables never sent (private IPs, invalid
    /// values) and types a provider does not look up.
    pub rows: Vec<LookupResult>,
}

/// Why a planned call got no provider answer (the host refused it or could
/// not reach the provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallFailure {
    /// The host's HTTP status, when it answered (429: its rate limit).
    #[serde(default)]
    pub status: Option<u16>,
    /// The host's message, shown in the row's details.
    pub message: String,
}

/// What came back for one planned call: the provider's answer, or why
/// there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallOutcome {
    /// The planned call's `id`.
    pub id: u32,
    /// The provider's answer as the host relayed it.
    #[serde(default)]
    pub response: Option<HttpResponse>,
    /// Set when there is no answer.
    #[serde(default)]
    pub failure: Option<CallFailure>,
}

fn bad_option(name: &str, message: String) -> Error {
    Error::new(ErrorKind::InvalidOption {
        name: name.to_string(),
        message,
    })
}

/// The providers named (any case), or an error naming the unknown one.
fn named_providers(names: &[String]) -> Result<Vec<&'static TiProvider>, Error> {
    names
        .iter()
        .map(|n| {
            ti_provider(n).ok_or_else(|| {
                let all: Vec<&str> = providers().iter().map(|p| p.name()).collect();
                bad_option(
                    "providers",
                    format!(
                        "unknown provider {n:?}; the providers are {}",
                        all.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// Checks each observable (blank ones skipped, repeats looked up once) and
/// plans its calls to each named provider.
pub fn plan_lookups(iocs: &[String], provider_names: &[String]) -> Result<LookupPlan, Error> {
    let chosen = named_providers(provider_names)?;
    let mut distinct: Vec<String> = Vec::new();
    for ioc in iocs {
        let ioc = ioc.trim();
        if !ioc.is_empty() && !distinct.iter().any(|d| d == ioc) {
            distinct.push(ioc.to_string());
        }
    }
    if distinct.len() > MAX_LOOKUP_OBSERVABLES {
        return Err(bad_option(
            "iocs",
            format!(
                "{} observables; one lookup takes at most {MAX_LOOKUP_OBSERVABLES}",
                distinct.len()
            ),
        ));
    }
    let mut plan = LookupPlan {
        iocs: distinct,
        requests: Vec::new(),
        rows: Vec::new(),
    };
    for ioc in &plan.iocs {
        let checked = check_observable(ioc, None);
        for p in &chosen {
            let obs = match &checked {
                Ok(obs) => obs,
                Err(rejected) => {
                    plan.rows.push(LookupResult::rejected(rejected, p.name()));
                    continue;
                }
            };
            match p.plan(obs) {
                Ok(requests) => {
                    for request in requests {
                        plan.requests.push(PlannedCall {
                            id: plan.requests.len() as u32,
                            ioc: ioc.clone(),
                            provider: p.name().to_string(),
                            request,
                        });
                    }
                }
                Err(row) => plan.rows.push(*row),
            }
        }
    }
    Ok(plan)
}

/// The row for one planned call and what came back for it. The call is
/// checked against a fresh plan of its observable, so a request changed on
/// its way back is reported, never parsed as if it were planned.
fn finish_call(call: &PlannedCall, outcome: Option<&CallOutcome>) -> LookupResult {
    let Some(p) = ti_provider(&call.provider) else {
        return unplanned(call, format!("unknown provider {:?}", call.provider));
    };
    let obs = match check_observable(&call.ioc, None) {
        Ok(obs) => obs,
        Err(rejected) => return LookupResult::rejected(&rejected, p.name()),
    };
    if !p
        .plan(&obs)
        .is_ok_and(|planned| planned.contains(&call.request))
    {
        return unplanned(
            call,
            format!(
                "request {} {} is not one planned for {:?} at {}",
                call.request.operation,
                call.request.path,
                call.ioc,
                p.name()
            ),
        );
    }
    let failed = |status, message: &str| {
        LookupResult::failed(&obs, p.name(), &call.request.operation, status, message)
    };
    match outcome {
        Some(CallOutcome {
            response: Some(response),
            ..
        }) => p.parse(&obs, &call.request, response),
        Some(CallOutcome {
            failure: Some(f), ..
        }) => failed(
            match f.status {
                Some(429) => LookupStatus::RateLimited,
                _ => LookupStatus::Error,
            },
            &f.message,
        ),
        _ => failed(LookupStatus::Error, "no answer came back for this request"),
    }
}

/// An `error` row for a call that is not in its observable's plan.
fn unplanned(call: &PlannedCall, message: String) -> LookupResult {
    LookupResult {
        ioc: call.ioc.clone(),
        ioc_type: String::new(),
        safe_ioc: String::new(),
        query_subtype: call.request.operation.clone(),
        provider: call.provider.clone(),
        result: false,
        severity: super::Severity::Information,
        details: serde_json::json!({ "message": message }),
        raw_result: String::new(),
        reference: String::new(),
        status: LookupStatus::Error,
    }
}

/// Every row of the run: the plan's offline rows and one per planned call
/// (an `error` row for a call with no outcome), ordered by observable as
/// given, then provider in display order.
pub fn finish_lookups(plan: &LookupPlan, outcomes: &[CallOutcome]) -> Vec<LookupResult> {
    let mut rows: Vec<LookupResult> = plan.rows.clone();
    for call in &plan.requests {
        rows.push(finish_call(call, outcomes.iter().find(|o| o.id == call.id)));
    }
    let ioc_rank = |r: &LookupResult| plan.iocs.iter().position(|i| *i == r.ioc.trim());
    let provider_rank = |r: &LookupResult| providers().iter().position(|p| p.name() == r.provider);
    rows.sort_by_key(|r| (ioc_rank(r), provider_rank(r)));
    rows
}

/// How long to wait before sending a call again after `response`, answer
/// number `attempt` (1 for the first try), by the default [`RetryPlan`]
/// (a 429 is retried after its `Retry-After`, at most 3 times, never after
/// more than a minute); `None`: use the answer. `now_unix_ms` is the wall
/// clock, for a `Retry-After` given as a date.
pub fn retry_delay(attempt: u32, response: &HttpResponse, now_unix_ms: i64) -> Option<u64> {
    match RetryPlan::default().decide(attempt, response, now_unix_ms) {
        RetryDecision::RetryAfter(ms) => Some(ms),
        RetryDecision::Done => None,
    }
}

/// The answers of a session's lookups, kept for the cache's TTL (default
/// 10 minutes), so looking the same observable up again costs no call.
/// Only answers that say something about the observable are kept (2xx and
/// 404), never a refusal, a 401 or a 429.
#[derive(Debug, Clone, Default)]
pub struct LookupCache(ResultCache<HttpResponse>);

impl LookupCache {
    /// An empty cache whose answers live `ttl_ms`.
    pub fn new(ttl_ms: u64) -> LookupCache {
        LookupCache(ResultCache::new(ttl_ms))
    }

    /// The cache key's subject: where the request goes and what it asks.
    fn subject(request: &HttpRequest) -> String {
        let query: Vec<String> = request
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!(
            "{}{}?{}",
            request.base_url.as_deref().unwrap_or(""),
            request.path,
            query.join("&")
        )
    }

    /// The outcomes of `plan`'s calls answered before (at `now`, ms): the
    /// host sends only the others.
    pub fn answered(&self, plan: &LookupPlan, now: u64) -> Vec<CallOutcome> {
        plan.requests
            .iter()
            .filter_map(|call| {
                let r = &call.request;
                let hit = self
                    .0
                    .get(&r.provider, &r.operation, &Self::subject(r), now)?;
                Some(CallOutcome {
                    id: call.id,
                    response: Some(hit),
                    failure: None,
                })
            })
            .collect()
    }

    /// Keeps the answers among `outcomes` worth keeping, as of `now`.
    pub fn remember(&mut self, plan: &LookupPlan, outcomes: &[CallOutcome], now: u64) {
        for outcome in outcomes {
            let (Some(call), Some(response)) = (
                plan.requests.iter().find(|c| c.id == outcome.id),
                &outcome.response,
            ) else {
                continue;
            };
            if (200..300).contains(&response.status) || response.status == 404 {
                let r = &call.request;
                self.0.insert(
                    &r.provider,
                    &r.operation,
                    &Self::subject(r),
                    response.clone(),
                    now,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::Severity;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn providers_list_their_types() {
        let infos = lookup_providers();
        assert_eq!(infos.len(), providers().len());
        let vt = &infos[0];
        assert_eq!(vt.name, "virustotal");
        assert!(vt.needs_key);
        assert!(vt.supports.contains(&"sha256_hash".to_string()));
        let rdap = infos.iter().find(|i| i.name == "rdap").unwrap();
        assert!(!rdap.needs_key);
        assert_eq!(rdap.kind, ProviderKind::Context);
    }

    #[test]
    fn plan_sends_public_observables_only() {
        let plan = plan_lookups(
            &strings(&["8.8.8.8", "10.0.0.1", "", "8.8.8.8", "nodot"]),
            &strings(&["VirusTotal", "abuseipdb"]),
        )
        .unwrap();
        assert_eq!(plan.iocs, ["8.8.8.8", "10.0.0.1", "nodot"]);
        let sent: Vec<(&str, &str)> = plan
            .requests
            .iter()
            .map(|c| (c.ioc.as_str(), c.provider.as_str()))
            .collect();
        assert_eq!(sent, [("8.8.8.8", "virustotal"), ("8.8.8.8", "abuseipdb")]);
        let offline: Vec<&str> = plan.rows.iter().map(|r| r.status.name()).collect();
        assert_eq!(offline, ["private_ip", "private_ip", "invalid", "invalid"]);
        // AbuseIPDB takes no hashes: a not_supported row, no call.
        let plan = plan_lookups(
            &strings(&["44d88612fea8a8f36de82e1278abb02f"]),
            &strings(&["abuseipdb"]),
        )
        .unwrap();
        assert!(plan.requests.is_empty());
        assert_eq!(plan.rows[0].status, LookupStatus::NotSupported);
    }

    #[test]
    fn plan_refuses_unknown_providers_and_floods() {
        let err = plan_lookups(&strings(&["8.8.8.8"]), &strings(&["nope"])).unwrap_err();
        assert!(
            err.to_string().contains("unknown provider \"nope\""),
            "{err}"
        );
        let many: Vec<String> = (0..=MAX_LOOKUP_OBSERVABLES)
            .map(|i| format!("h{i}.example.com"))
            .collect();
        let err = plan_lookups(&many, &strings(&["tor"])).unwrap_err();
        assert!(err.to_string().contains("at most 5000"), "{err}");
    }

    #[test]
    fn finish_reads_answers_in_input_order() {
        let hash = "44d88612fea8a8f36de82e1278abb02f";
        let plan = plan_lookups(
            &strings(&[hash, "10.1.1.1", "8.8.8.8"]),
            &strings(&["virustotal"]),
        )
        .unwrap();
        assert_eq!(plan.requests.len(), 2);
        let body = r#"{"data":{"attributes":{"last_analysis_stats":{"malicious":40,"suspicious":0,"undetected":5,"harmless":0}}}}"#;
        let outcomes = [
            CallOutcome {
                id: plan.requests[0].id,
                response: Some(HttpResponse {
                    status: 200,
                    headers: vec![],
                    body: body.into(),
                }),
                failure: None,
            },
            CallOutcome {
                id: plan.requests[1].id,
                response: None,
                failure: Some(CallFailure {
                    status: Some(429),
                    message: "rate limit reached".into(),
                }),
            },
        ];
        let rows = finish_lookups(&plan, &outcomes);
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.ioc.as_str(), r.status.name()))
            .collect();
        assert_eq!(
            got,
            [
                (hash, "ok"),
                ("10.1.1.1", "private_ip"),
                ("8.8.8.8", "rate_limited")
            ]
        );
        assert_eq!(rows[0].severity, Severity::High);
        // No outcome at all: an error row, not a dropped one.
        let rows = finish_lookups(&plan, &[]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].status, LookupStatus::Error);
    }

    #[test]
    fn cache_answers_repeats_within_its_ttl() {
        let plan =
            plan_lookups(&strings(&["8.8.8.8", "1.1.1.1"]), &strings(&["virustotal"])).unwrap();
        let answer = |status| HttpResponse {
            status,
            headers: vec![],
            body: "{}".into(),
        };
        let outcomes = [
            CallOutcome {
                id: 0,
                response: Some(answer(200)),
                failure: None,
            },
            CallOutcome {
                id: 1,
                response: Some(answer(429)),
                failure: None,
            },
        ];
        let mut cache = LookupCache::new(1000);
        cache.remember(&plan, &outcomes, 0);
        // Planned again: the 200 is answered, the 429 is not kept.
        let again =
            plan_lookups(&strings(&["1.1.1.1", "8.8.8.8"]), &strings(&["virustotal"])).unwrap();
        let hits = cache.answered(&again, 500);
        assert_eq!(hits.len(), 1);
        assert_eq!(again.requests[hits[0].id as usize].ioc, "8.8.8.8");
        assert!(cache.answered(&again, 1000).is_empty(), "expired");
    }

    #[test]
    fn retries_follow_the_default_plan() {
        let resp = |status, after: &str| HttpResponse {
            status,
            headers: vec![("retry-after".into(), after.into())],
            body: String::new(),
        };
        assert_eq!(retry_delay(1, &resp(429, "2"), 0), Some(2000));
        assert_eq!(retry_delay(4, &resp(429, "2"), 0), None);
        assert_eq!(retry_delay(1, &resp(429, "600"), 0), None);
        assert_eq!(retry_delay(1, &resp(200, "2"), 0), None);
    }

    #[test]
    fn finish_refuses_requests_changed_on_the_way() {
        let mut plan = plan_lookups(&strings(&["8.8.8.8"]), &strings(&["virustotal"])).unwrap();
        plan.requests[0].request.path = "/ip_addresses/9.9.9.9".into();
        let outcome = CallOutcome {
            id: 0,
            response: Some(HttpResponse {
                status: 200,
                headers: vec![],
                body: "{}".into(),
            }),
            failure: None,
        };
        let rows = finish_lookups(&plan, &[outcome]);
        assert_eq!(rows[0].status, LookupStatus::Error);
        assert!(rows[0].details["message"]
            .as_str()
            .unwrap()
            .contains("is not one planned"));
    }
}
