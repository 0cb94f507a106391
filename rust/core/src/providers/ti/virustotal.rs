//! VirusTotal API v3: IP addresses, domains, files (hashes) and URLs.
//!
//! Answer: `{"data": {"id", "type", "attributes": {"last_analysis_stats":
//! {"malicious", "suspicious", "harmless", "undetected", …}, "reputation",
//! "tags", …}}}`; an unknown object is HTTP 404 with `{"error": {"code":
//! "NotFoundError"}}`.
//!
//! Severity, from `last_analysis_stats`: `high` when 5 or more engines say
//! malicious (a handful of engines flag almost anything once); `warning`
//! when at least one says malicious or suspicious; else `information`.
//! `Result` is true when VirusTotal has a report (HTTP 200).

use base64::Engine;
use sha2::Digest;

use super::{begin, get, num, segment, LookupResult, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
    RateLimit,
};

/// The registry entry: public API limit 4 requests a minute.
pub static VIRUSTOTAL: ProviderDef = ProviderDef {
    name: "virustotal",
    config_name: "VirusTotal",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://www.virustotal.com/api/v3"),
    auth: Auth::Header {
        header: "x-apikey",
        config_key: "AuthKey",
    },
    operations: &[
        OperationDef {
            name: "ip",
            method: Method::Get,
            path_pattern: concat!("^/ip_addresses/", ip_pattern!(), "$"),
        },
        OperationDef {
            name: "domain",
            method: Method::Get,
            path_pattern: concat!("^/domains/", domain_pattern!(), "$"),
        },
        OperationDef {
            name: "file",
            method: Method::Get,
            path_pattern: concat!("^/files/", hash_pattern!(), "$"),
        },
        OperationDef {
            name: "url",
            method: Method::Get,
            // The URL identifier: unpadded base64url of the URL.
            path_pattern: r"^/urls/[A-Za-z0-9_-]{4,8192}$",
        },
    ],
    rate_limit: Some(RateLimit {
        requests: 4,
        per_seconds: 60,
    }),
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &VIRUSTOTAL,
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

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let v = &obs.value;
    let (op, path) = match obs.ioc_type {
        IocType::Ipv4 | IocType::Ipv6 => ("ip", format!("/ip_addresses/{}", segment(v))),
        IocType::Dns => ("domain", format!("/domains/{}", segment(v))),
        IocType::Url => ("url", format!("/urls/{}", url_id(v))),
        _ => ("file", format!("/files/{}", segment(v))),
    };
    Ok(vec![get(&VIRUSTOTAL, op, path)])
}

/// VirusTotal's URL identifier.
fn url_id(url: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(url)
}

/// The page for a human.
fn reference(obs: &Observable) -> String {
    let v = &obs.value;
    match obs.ioc_type {
        IocType::Ipv4 | IocType::Ipv6 => format!("https://www.virustotal.com/gui/ip-address/{v}"),
        IocType::Dns => format!("https://www.virustotal.com/gui/domain/{v}"),
        IocType::Url => format!(
            "https://www.virustotal.com/gui/url/{}",
            hex::encode(sha2::Sha256::digest(v.as_bytes()))
        ),
        _ => format!("https://www.virustotal.com/gui/file/{v}"),
    }
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference(obs);
            return *row;
        }
    };
    let Some(stats) = body.pointer("/data/attributes/last_analysis_stats") else {
        super::bad_response(&mut row, "no data.attributes.last_analysis_stats");
        return row;
    };
    let count = |k: &str| num(stats, &format!("/{k}")).unwrap_or(0.0) as i64;
    let (malicious, suspicious) = (count("malicious"), count("suspicious"));
    row.severity = if malicious >= 5 {
        Severity::High
    } else if malicious >= 1 || suspicious >= 1 {
        Severity::Warning
    } else {
        Severity::Information
    };
    row.result = true;
    let attrs = &body["data"]["attributes"];
    row.details = serde_json::json!({
        "malicious": malicious,
        "suspicious": suspicious,
        "harmless": count("harmless"),
        "undetected": count("undetected"),
        "reputation": attrs.get("reputation"),
        "tags": attrs.get("tags"),
    });
    row.reference = reference(obs);
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable, LookupStatus};

    #[test]
    fn plans_each_type() {
        let path = |s: &str| {
            plan(&check_observable(s, None).unwrap()).unwrap()[0]
                .path
                .clone()
        };
        assert_eq!(path("8.8.8.8"), "/ip_addresses/8.8.8.8");
        assert_eq!(path("Example.com"), "/domains/example.com");
        assert_eq!(
            path("http://example.com/a?b=c"),
            "/urls/aHR0cDovL2V4YW1wbGUuY29tL2E"
        );
        assert_eq!(
            path("44d88612fea8a8f36de82e1278abb02f"),
            "/files/44d88612fea8a8f36de82e1278abb02f"
        );
    }

    #[test]
    fn severity_thresholds() {
        let obs = check_observable("8.8.8.8", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        let sev = |m: u32, s: u32| {
            let body = format!(
                r#"{{"data":{{"attributes":{{"last_analysis_stats":{{"malicious":{m},"suspicious":{s},"harmless":60}}}}}}}}"#
            );
            parse(&obs, req, &answer(200, &body)).severity
        };
        assert_eq!(sev(0, 0), Severity::Information);
        assert_eq!(sev(0, 1), Severity::Warning);
        assert_eq!(sev(4, 0), Severity::Warning);
        assert_eq!(sev(5, 0), Severity::High);
        let row = parse(
            &obs,
            req,
            &answer(404, r#"{"error":{"code":"NotFoundError"}}"#),
        );
        assert_eq!(row.status, LookupStatus::NotFound);
        let row = parse(&obs, req, &answer(200, "<html>"));
        assert_eq!(row.status, LookupStatus::BadResponse);
        assert!(row.details["message"]
            .as_str()
            .unwrap()
            .starts_with("bad response from virustotal"));
    }
}
