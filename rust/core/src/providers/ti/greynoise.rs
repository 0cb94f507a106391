//! GreyNoise: the Community API (v3, free) and the Enterprise noise
//! context (v2). Both need a key in the header `key`; both read the same
//! `GreyNoise` section of msticpyconfig.yaml.
//!
//! Community answer: `{"ip", "noise", "riot", "classification", "name",
//! "link", "last_seen", "message"}`; an IP GreyNoise has not seen is HTTP
//! 404 with `noise` and `riot` false. Enterprise answer: `{"ip", "seen",
//! "classification", "first_seen", "last_seen", "actor", "tags",
//! "metadata", …}`; an IP not seen is 200 with `seen: false` (reported as
//! `not_found`).
//!
//! Severity, from `classification`: `malicious` is `high`; an IP seen
//! scanning the internet (`noise`, or `seen`) that is not `benign` is
//! `warning` (mass scanning is worth a look, not an alarm); `benign` or
//! RIOT (a known business service) is `information`.

use super::{
    begin, get, segment, text, LookupResult, LookupStatus, Observable, Severity, TiProvider,
};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The Community API entry.
pub static GREYNOISE: ProviderDef = ProviderDef {
    name: "greynoise",
    config_name: "GreyNoise",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://api.greynoise.io"),
    auth: Auth::Header {
        header: "key",
        config_key: "AuthKey",
    },
    operations: &[OperationDef {
        name: "ip",
        method: Method::Get,
        path_pattern: concat!("^/v3/community/", ip_pattern!(), "$"),
    }],
    rate_limit: None,
};

/// The Enterprise API entry.
pub static GREYNOISE_ENTERPRISE: ProviderDef = ProviderDef {
    name: "greynoise_enterprise",
    config_name: "GreyNoise",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://api.greynoise.io"),
    auth: Auth::Header {
        header: "key",
        config_key: "AuthKey",
    },
    operations: &[OperationDef {
        name: "ip",
        method: Method::Get,
        path_pattern: concat!("^/v2/noise/context/", ip_pattern!(), "$"),
    }],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &GREYNOISE,
    supports: &[IocType::Ipv4],
    plan: plan_community,
    parse,
};

pub(super) const PROVIDER_ENTERPRISE: TiProvider = TiProvider {
    def: &GREYNOISE_ENTERPRISE,
    supports: &[IocType::Ipv4],
    plan: plan_enterprise,
    parse,
};

fn plan_community(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let path = format!("/v3/community/{}", segment(&obs.value));
    Ok(vec![get(&GREYNOISE, "ip", path)])
}

fn plan_enterprise(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let path = format!("/v2/noise/context/{}", segment(&obs.value));
    Ok(vec![get(&GREYNOISE_ENTERPRISE, "ip", path)])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let reference = format!("https://viz.greynoise.io/ip/{}", obs.value);
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference;
            return *row;
        }
    };
    row.reference = reference;
    let flag = |k: &str| body.get(k).and_then(serde_json::Value::as_bool);
    let classification = text(&body, "/classification").unwrap_or("unknown");
    let (seen, riot) = match (flag("noise"), flag("seen")) {
        (Some(noise), _) => (
            noise || flag("riot") == Some(true),
            flag("riot") == Some(true),
        ),
        (None, Some(seen)) => (seen, false),
        (None, None) => {
            super::bad_response(&mut row, "neither noise nor seen in the answer");
            return row;
        }
    };
    if !seen {
        row.status = LookupStatus::NotFound;
    }
    row.result = seen;
    row.severity = if classification == "malicious" {
        Severity::High
    } else if seen && !riot && classification != "benign" {
        Severity::Warning
    } else {
        Severity::Information
    };
    row.details = super::pick(
        &body,
        &[
            "classification",
            "noise",
            "riot",
            "seen",
            "name",
            "actor",
            "tags",
            "first_seen",
            "last_seen",
        ],
    );
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable};

    #[test]
    fn classifications() {
        let obs = check_observable("71.6.135.131", None).unwrap();
        let req = &plan_community(&obs).unwrap()[0];
        let row = |body: &str| parse(&obs, req, &answer(200, body));
        let r =
            row(r#"{"ip":"71.6.135.131","noise":true,"riot":false,"classification":"malicious"}"#);
        assert_eq!(
            (r.result, r.severity, r.status),
            (true, Severity::High, LookupStatus::Ok)
        );
        let r = row(r#"{"noise":true,"riot":false,"classification":"unknown"}"#);
        assert_eq!(r.severity, Severity::Warning);
        let r = row(r#"{"noise":false,"riot":true,"classification":"benign"}"#);
        assert_eq!((r.result, r.severity), (true, Severity::Information));
        let r = row(r#"{"ip":"71.6.135.131","seen":false}"#);
        assert_eq!((r.result, r.status), (false, LookupStatus::NotFound));
        assert_eq!(row(r#"{"ip":"x"}"#).status, LookupStatus::BadResponse);
        let req = &plan_enterprise(&obs).unwrap()[0];
        assert_eq!(req.path, "/v2/noise/context/71.6.135.131");
    }
}
