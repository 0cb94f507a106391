//! Threat-intelligence and context lookups, sans-IO: each provider module
//! holds its registry definition, builds its requests (`plan`) and reads
//! its answers (`parse`) into one result row shape, [`LookupResult`].
//!
//! A host checks the observable ([`check_observable`]), asks each
//! provider's `plan` for requests, performs them (respecting
//! [`retry`]'s token bucket and 429 plan), and hands each answer to
//! `parse`. Observables that must not leave the machine (private IPs,
//! malformed values) become rows too, so nothing is dropped silently.

/// An IP address as it appears in a path: a dotted quad, or IPv6 text
/// (which has a colon), never `.` or `..` alone.
macro_rules! ip_pattern {
    () => {
        r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-fA-F.]*:[0-9a-fA-F:.]*)"
    };
}

/// A cleaned (lower-case) domain name.
macro_rules! domain_pattern {
    () => {
        r"[a-z0-9][a-z0-9.-]{0,252}"
    };
}

/// An MD5, SHA-1 or SHA-256 in lower-case hex.
macro_rules! hash_pattern {
    () => {
        r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})"
    };
}

/// One percent-encoded path segment ([`segment`]'s output), not `.`/`..`.
macro_rules! segment_pattern {
    () => {
        r"[A-Za-z0-9%:_~-][A-Za-z0-9%:._~-]*"
    };
}

mod abuseipdb;
mod crowdsec;
mod greynoise;
mod ipstack;
mod lookup;
mod observable;
mod otx;
mod rdap;
mod rdap_bootstrap;
mod result;
pub mod retry;
mod tor;
mod virustotal;
mod xforce;

pub use abuseipdb::ABUSEIPDB;
pub use crowdsec::CROWDSEC;
pub use greynoise::{GREYNOISE, GREYNOISE_ENTERPRISE};
pub use ipstack::IPSTACK;
pub use lookup::{
    finish_lookups, lookup_providers, plan_lookups, retry_delay, CallFailure, CallOutcome,
    LookupCache, LookupPlan, LookupProviderInfo, PlannedCall, MAX_LOOKUP_OBSERVABLES,
};
pub use observable::{check_observable, IpType, Observable, Rejected};
pub use otx::OTX;
pub use rdap::{rdap_base_url, RDAP};
pub use result::{lookup_frame, LookupResult, LookupStatus, Severity, LOOKUP_COLUMNS};
pub use tor::TOR;
pub use virustotal::VIRUSTOTAL;
pub use xforce::XFORCE;

use super::{HttpRequest, HttpResponse, ProviderDef};
use crate::ioc::IocType;

/// A provider's code: its definition, the observable types it takes, and
/// its request builder and response reader.
#[derive(Debug, Clone, Copy)]
pub struct TiProvider {
    /// The registry entry.
    pub def: &'static ProviderDef,
    /// The observable types it can look up; others get `not_supported`.
    pub supports: &'static [IocType],
    /// The requests for one (checked) observable, usually one; or why
    /// there can be none (RDAP: no bundled registry serves it).
    pub plan: fn(&Observable) -> Result<Vec<HttpRequest>, String>,
    /// One row from the answer to a planned request.
    pub parse: fn(&Observable, &HttpRequest, &HttpResponse) -> LookupResult,
}

impl TiProvider {
    /// Registry name.
    pub fn name(&self) -> &'static str {
        self.def.name
    }

    /// Whether this provider looks up observables of type `t`.
    pub fn supports(&self, t: IocType) -> bool {
        self.supports.contains(&t)
    }

    /// The requests for `obs`, or the row saying why there are none (the
    /// provider does not take this type).
    pub fn plan(&self, obs: &Observable) -> Result<Vec<HttpRequest>, Box<LookupResult>> {
        let unsupported = |message: String| {
            Box::new(LookupResult::failed(
                obs,
                self.def.name,
                "",
                LookupStatus::NotSupported,
                &message,
            ))
        };
        if !self.supports(obs.ioc_type) {
            return Err(unsupported(format!(
                "{} does not look up {}",
                self.def.name,
                obs.ioc_type.name()
            )));
        }
        (self.plan)(obs).map_err(unsupported)
    }

    /// The row for the answer to `request` (one of [`TiProvider::plan`]'s).
    pub fn parse(
        &self,
        obs: &Observable,
        request: &HttpRequest,
        resp: &HttpResponse,
    ) -> LookupResult {
        (self.parse)(obs, request, resp)
    }
}

/// Every threat-intelligence and context provider, in display order: the
/// one list of them ([`registry`](super::registry) is built from it).
pub fn providers() -> &'static [TiProvider] {
    &[
        virustotal::PROVIDER,
        otx::PROVIDER,
        greynoise::PROVIDER,
        greynoise::PROVIDER_ENTERPRISE,
        abuseipdb::PROVIDER,
        xforce::PROVIDER,
        crowdsec::PROVIDER,
        tor::PROVIDER,
        rdap::PROVIDER,
        ipstack::PROVIDER,
    ]
}

/// The provider with this registry name (any case).
pub fn ti_provider(name: &str) -> Option<&'static TiProvider> {
    let name = name.trim().to_ascii_lowercase();
    providers().iter().find(|p| p.def.name == name)
}

/// A GET request for `provider`'s `operation`.
pub(crate) fn get(provider: &ProviderDef, operation: &str, path: String) -> HttpRequest {
    HttpRequest {
        provider: provider.name.to_string(),
        operation: operation.to_string(),
        method: super::Method::Get,
        base_url: None,
        path,
        query: Vec::new(),
        headers: vec![("accept".into(), "application/json".into())],
        body: None,
    }
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved
/// characters and `:`, which IPv6 addresses need), so an observable can
/// never add a segment or a query.
pub(crate) fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The row for a non-success HTTP status, or `None` for 2xx. 401, 403,
/// 404 and 429 have their own statuses; anything else is `error` with the
/// code in the details.
pub(crate) fn http_failure(row: &mut LookupResult, resp: &HttpResponse) -> bool {
    let status = match resp.status {
        200..=299 => return false,
        401 => LookupStatus::Unauthorized,
        403 => LookupStatus::Forbidden,
        404 => LookupStatus::NotFound,
        429 => LookupStatus::RateLimited,
        _ => LookupStatus::Error,
    };
    row.status = status;
    row.raw_result = resp.body.clone();
    row.details = serde_json::json!({
        "message": format!("{} answered http {}", row.provider, resp.status),
        "httpStatus": resp.status,
    });
    true
}

/// The row for `request`'s answer when it is a JSON object with a 2xx
/// status: `Err(row)` with the right status otherwise. The row starts as
/// `ok` with `Result` false; the provider fills in the rest.
pub(crate) fn begin(
    obs: &Observable,
    request: &HttpRequest,
    resp: &HttpResponse,
) -> Result<(LookupResult, serde_json::Value), Box<LookupResult>> {
    let mut row = LookupResult::new(obs, &request.provider, &request.operation);
    if http_failure(&mut row, resp) {
        return Err(Box::new(row));
    }
    let Some(body) = json_body(&mut row, resp) else {
        return Err(Box::new(row));
    };
    row.status = LookupStatus::Ok;
    Ok((row, body))
}

/// `value` at `pointer` as a number (integers and floats alike).
pub(crate) fn num(value: &serde_json::Value, pointer: &str) -> Option<f64> {
    value.pointer(pointer).and_then(serde_json::Value::as_f64)
}

/// `value` at `pointer` as text.
pub(crate) fn text<'a>(value: &'a serde_json::Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(serde_json::Value::as_str)
}

/// A copy of the fields of `value` named in `keys` (absent ones skipped).
pub(crate) fn pick(value: &serde_json::Value, keys: &[&str]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for k in keys {
        if let Some(v) = value.get(*k) {
            out.insert((*k).to_string(), v.clone());
        }
    }
    serde_json::Value::Object(out)
}

/// The body as JSON, or marks the row `bad_response` naming the provider.
pub(crate) fn json_body(row: &mut LookupResult, resp: &HttpResponse) -> Option<serde_json::Value> {
    row.raw_result = resp.body.clone();
    match serde_json::from_str::<serde_json::Value>(&resp.body) {
        Ok(v) if v.is_object() => Some(v),
        Ok(_) => {
            bad_response(row, "the answer is not a JSON object");
            None
        }
        Err(e) => {
            bad_response(row, &format!("the answer is not JSON ({e})"));
            None
        }
    }
}

/// Marks the row `bad_response` with a message naming the provider.
pub(crate) fn bad_response(row: &mut LookupResult, why: &str) {
    row.status = LookupStatus::BadResponse;
    row.result = false;
    row.details = serde_json::json!({
        "message": format!("bad response from {}: {why}", row.provider)
    });
}

/// A response for unit tests.
#[cfg(test)]
pub(crate) fn answer(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::registry;
    use regex::Regex;

    #[test]
    fn registry_lists_every_provider_once() {
        let names: Vec<&str> = registry().iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "virustotal",
                "otx",
                "greynoise",
                "greynoise_enterprise",
                "abuseipdb",
                "xforce",
                "crowdsec",
                "tor",
                "rdap",
                "ipstack",
                "loganalytics",
                "m365d",
                "kusto",
                "splunk",
                "azuread"
            ]
        );
        assert!(ti_provider("VirusTotal").is_some());
        assert!(ti_provider("nope").is_none());
    }

    /// Every path pattern is anchored and compiles, and every planned
    /// request for a sample observable matches its operation's pattern.
    #[test]
    fn planned_paths_match_their_patterns() {
        let samples = [
            "8.8.8.8",
            "2001:4860:4860::8888",
            "example.com",
            "https://evil.example.com/a/b.php",
            "44d88612fea8a8f36de82e1278abb02f",
            "3395856ce81f2b7382dee72602f798b642f14140",
            "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
        ];
        for p in providers() {
            for op in p.def.operations {
                assert!(op.path_pattern.starts_with('^') && op.path_pattern.ends_with('$'));
                Regex::new(op.path_pattern).unwrap();
            }
            for s in samples {
                let obs = check_observable(s, None).unwrap();
                let Ok(requests) = p.plan(&obs) else { continue };
                assert!(!requests.is_empty(), "{} {s}", p.name());
                for r in requests {
                    let op = p.def.operation(&r.operation).unwrap();
                    let re = Regex::new(op.path_pattern).unwrap();
                    assert!(re.is_match(&r.path), "{} {} {}", p.name(), op.name, r.path);
                    if let Some(base) = &r.base_url {
                        assert!(p.def.base_url.admits(base), "{base}");
                    }
                }
            }
        }
    }

    #[test]
    fn patterns_refuse_other_paths() {
        for p in providers() {
            for op in p.def.operations {
                let re = Regex::new(op.path_pattern).unwrap();
                for bad in [
                    "/",
                    "/../admin",
                    "/ip_addresses/1.2.3.4/../../x",
                    "//evil.com/x",
                ] {
                    assert!(!re.is_match(bad), "{} {} {bad}", p.name(), op.name);
                }
            }
        }
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(segment("::1"), "::1");
        assert_eq!(segment("example.com"), "example.com");
    }
}
