//! CrowdSec CTI: the smoke endpoint `GET /v2/smoke/{ip}`, key in the
//! `x-api-key` header.
//!
//! Answer: `{"ip", "ip_range", "as_name", "reputation", "confidence",
//! "behaviors": [{"name", "label"}], "classifications", "scores":
//! {"overall": {"aggressiveness", "threat", "trust", "anomaly", "total"}},
//! "background_noise_score", "attack_details", …}`; an IP CrowdSec has no
//! signal for is HTTP 404 `{"message": "IP address information not found"}`.
//!
//! Severity, from `reputation`: `malicious` is `high`, `suspicious` is
//! `warning`, anything else (`known`, `safe`, `benign`, `unknown`) is
//! `information`.

use super::{begin, get, segment, text, LookupResult, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
    RateLimit,
};

/// The registry entry: a community key allows 50 lookups a day.
pub static CROWDSEC: ProviderDef = ProviderDef {
    name: "crowdsec",
    config_name: "CrowdSec",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://cti.api.crowdsec.net"),
    auth: Auth::Header {
        header: "x-api-key",
        config_key: "AuthKey",
    },
    operations: &[OperationDef {
        name: "ip",
        method: Method::Get,
        path_pattern: concat!("^/v2/smoke/", ip_pattern!(), "$"),
    }],
    rate_limit: Some(RateLimit {
        requests: 50,
        per_seconds: 86_400,
    }),
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &CROWDSEC,
    supports: &[IocType::Ipv4, IocType::Ipv6],
    plan,
    parse,
};

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    Ok(vec![get(
        &CROWDSEC,
        "ip",
        format!("/v2/smoke/{}", segment(&obs.value)),
    )])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let reference = format!("https://app.crowdsec.net/cti/{}", obs.value);
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference;
            return *row;
        }
    };
    row.reference = reference;
    let Some(reputation) = text(&body, "/reputation") else {
        super::bad_response(&mut row, "no reputation");
        return row;
    };
    row.severity = match reputation {
        "malicious" => Severity::High,
        "suspicious" => Severity::Warning,
        _ => Severity::Information,
    };
    row.result = true;
    let behaviors: Vec<&serde_json::Value> = body
        .get("behaviors")
        .and_then(serde_json::Value::as_array)
        .map(|b| b.iter().filter_map(|b| b.get("name")).collect())
        .unwrap_or_default();
    row.details = serde_json::json!({
        "reputation": reputation,
        "confidence": body.get("confidence"),
        "behaviors": behaviors,
        "asName": body.get("as_name"),
        "backgroundNoiseScore": body.get("background_noise_score"),
        "overall": body.pointer("/scores/overall"),
    });
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable, LookupStatus};

    #[test]
    fn reputations() {
        let obs = check_observable("185.7.214.104", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        let sev = |r: &str| {
            parse(
                &obs,
                req,
                &answer(200, &format!(r#"{{"reputation":"{r}"}}"#)),
            )
            .severity
        };
        assert_eq!(sev("malicious"), Severity::High);
        assert_eq!(sev("suspicious"), Severity::Warning);
        assert_eq!(sev("safe"), Severity::Information);
        let r = parse(
            &obs,
            req,
            &answer(404, r#"{"message":"IP address information not found"}"#),
        );
        assert_eq!(r.status, LookupStatus::NotFound);
    }
}
