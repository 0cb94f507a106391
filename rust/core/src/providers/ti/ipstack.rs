//! IPStack: geolocation of an IP (`GET /{ip}?access_key=…`). The key is a
//! query parameter (IPStack's only way); msticpyconfig.yaml keeps it in
//! `OtherProviders.IPStack`.
//!
//! Answer: `{"ip", "type", "continent_code", "country_code",
//! "country_name", "region_name", "city", "latitude", "longitude", …}`.
//! IPStack reports errors with HTTP 200 and `{"success": false, "error":
//! {"code", "type", "info"}}`: codes 101 (bad key) → `unauthorized`, 104
//! (monthly quota) → `rate_limited`, 105 (not on this plan) → `forbidden`,
//! others → `error`.
//!
//! The base is HTTPS, so the key never crosses the network in clear; on
//! IPStack's free plan, which serves HTTP only, that answer is error 105,
//! reported as `forbidden`.
//!
//! Severity is always `information` (location is context).

use super::{begin, get, segment, LookupResult, LookupStatus, Observable, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static IPSTACK: ProviderDef = ProviderDef {
    name: "ipstack",
    config_name: "IPStack",
    kind: ProviderKind::Context,
    base_url: BaseUrl::Fixed("https://api.ipstack.com"),
    auth: Auth::Query {
        param: "access_key",
        config_key: "AuthKey",
    },
    operations: &[OperationDef {
        name: "ip",
        method: Method::Get,
        path_pattern: concat!("^/", ip_pattern!(), "$"),
    }],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &IPSTACK,
    supports: &[IocType::Ipv4, IocType::Ipv6],
    plan,
    parse,
};

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    Ok(vec![get(
        &IPSTACK,
        "ip",
        format!("/{}", segment(&obs.value)),
    )])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(row) => return *row,
    };
    if body.get("success").and_then(serde_json::Value::as_bool) == Some(false) {
        let code = body
            .pointer("/error/code")
            .and_then(serde_json::Value::as_i64);
        row.status = match code {
            Some(101) => LookupStatus::Unauthorized,
            Some(104) => LookupStatus::RateLimited,
            Some(105) => LookupStatus::Forbidden,
            _ => LookupStatus::Error,
        };
        row.details = serde_json::json!({
            "message": format!(
                "ipstack error {}: {}",
                code.unwrap_or(0),
                body.pointer("/error/info").and_then(serde_json::Value::as_str).unwrap_or("no detail")
            )
        });
        return row;
    }
    if body.get("country_code").is_none() && body.get("latitude").is_none() {
        super::bad_response(&mut row, "no country_code or latitude");
        return row;
    }
    row.result = true;
    row.details = super::pick(
        &body,
        &[
            "country_code",
            "country_name",
            "region_name",
            "city",
            "zip",
            "latitude",
            "longitude",
            "continent_code",
        ],
    );
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable};

    #[test]
    fn errors_in_the_body() {
        let obs = check_observable("134.201.250.155", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        assert_eq!(req.path, "/134.201.250.155");
        let r = parse(
            &obs,
            req,
            &answer(
                200,
                r#"{"success":false,"error":{"code":101,"type":"invalid_access_key","info":"You have not supplied a valid API Access Key."}}"#,
            ),
        );
        assert_eq!(r.status, LookupStatus::Unauthorized);
        let r = parse(
            &obs,
            req,
            &answer(
                200,
                r#"{"ip":"134.201.250.155","country_code":"US","city":"Los Angeles"}"#,
            ),
        );
        assert_eq!((r.result, r.status), (true, LookupStatus::Ok));
        assert_eq!(r.details["city"], "Los Angeles");
    }
}
