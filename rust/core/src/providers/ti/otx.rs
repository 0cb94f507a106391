//! AlienVault OTX (DirectConnect API v1): the `general` section of an
//! indicator (IPv4, IPv6, domain, file hash, URL).
//!
//! Answer: `{"indicator", "type", "reputation", "pulse_info": {"count",
//! "pulses": [{"name", "tags", …}], "references"}, …}`. OTX answers 200 for
//! indicators it has never seen, with `pulse_info.count` 0.
//!
//! Severity, from the number of pulses (threat reports) naming the
//! indicator, as MSTICPy reads it: `high` for 2 or more, `warning` for 1,
//! `information` for none. `Result` is true when at least one pulse names it.

use super::{begin, get, num, segment, LookupResult, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static OTX: ProviderDef = ProviderDef {
    name: "otx",
    config_name: "OTX",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://otx.alienvault.com/api/v1"),
    auth: Auth::Header {
        header: "X-OTX-API-KEY",
        config_key: "AuthKey",
    },
    operations: &[
        OperationDef {
            name: "ip",
            method: Method::Get,
            path_pattern: concat!("^/indicators/IPv[46]/", ip_pattern!(), "/general$"),
        },
        OperationDef {
            name: "domain",
            method: Method::Get,
            path_pattern: concat!("^/indicators/domain/", domain_pattern!(), "/general$"),
        },
        OperationDef {
            name: "file",
            method: Method::Get,
            path_pattern: concat!("^/indicators/file/", hash_pattern!(), "/general$"),
        },
        OperationDef {
            name: "url",
            method: Method::Get,
            path_pattern: concat!("^/indicators/url/", segment_pattern!(), "/general$"),
        },
    ],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &OTX,
    supports: &[
        IocType::Ipv4,
        IocType::Ipv6,
        IocType::Dns,
        IocType::Url,
        IocType::Md5Hash,
        IocType::Sha1Hash,
        IocType::Sha256Hash,
    ],
    plan,
    parse,
};

/// OTX's section name and the GUI's path word for a type.
fn kind(t: IocType) -> (&'static str, &'static str, &'static str) {
    match t {
        IocType::Ipv4 => ("ip", "IPv4", "ip"),
        IocType::Ipv6 => ("ip", "IPv6", "ip"),
        IocType::Dns => ("domain", "domain", "domain"),
        IocType::Url => ("url", "url", "url"),
        _ => ("file", "file", "file"),
    }
}

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let (op, section, _) = kind(obs.ioc_type);
    let path = format!("/indicators/{section}/{}/general", segment(&obs.value));
    Ok(vec![get(&OTX, op, path)])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let reference = format!(
        "https://otx.alienvault.com/indicator/{}/{}",
        kind(obs.ioc_type).2,
        segment(&obs.value)
    );
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference;
            return *row;
        }
    };
    let Some(count) = num(&body, "/pulse_info/count") else {
        super::bad_response(&mut row, "no pulse_info.count");
        return row;
    };
    let count = count as i64;
    row.result = count > 0;
    row.severity = match count {
        0 => Severity::Information,
        1 => Severity::Warning,
        _ => Severity::High,
    };
    let pulses: Vec<&serde_json::Value> = body
        .pointer("/pulse_info/pulses")
        .and_then(serde_json::Value::as_array)
        .map(|p| p.iter().filter_map(|p| p.get("name")).collect())
        .unwrap_or_default();
    row.details = serde_json::json!({
        "pulseCount": count,
        "pulses": pulses,
        "references": body.pointer("/pulse_info/references"),
    });
    row.reference = reference;
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable};

    #[test]
    fn plans_and_reads_pulses() {
        let obs = check_observable("2001:4860:4860::8888", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        assert_eq!(req.path, "/indicators/IPv6/2001:4860:4860::8888/general");
        let sev = |n: usize| {
            let pulses = vec![r#"{"name":"p"}"#; n].join(",");
            let body = format!(r#"{{"pulse_info":{{"count":{n},"pulses":[{pulses}]}}}}"#);
            let row = parse(&obs, req, &answer(200, &body));
            (row.result, row.severity)
        };
        assert_eq!(sev(0), (false, Severity::Information));
        assert_eq!(sev(1), (true, Severity::Warning));
        assert_eq!(sev(3), (true, Severity::High));
        let obs = check_observable("https://evil.example.com/x", None).unwrap();
        assert_eq!(
            plan(&obs).unwrap()[0].path,
            "/indicators/url/https:%2F%2Fevil.example.com%2Fx/general"
        );
    }
}
