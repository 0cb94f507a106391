//! IBM X-Force Exchange: IP reputation (`/ipr/{ip}`), URL and domain
//! reports (`/url/{url}`), malware by hash (`/malware/{hash}`), with HTTP
//! basic authentication (API key as user, API password as password).
//!
//! Answers: `/ipr` → `{"ip", "score", "cats", "geo", "reason",
//! "reasonDescription", …}`; `/url` → `{"result": {"url", "score",
//! "cats"}}`; `/malware` → `{"malware": {"risk", "family", "type", …}}`;
//! unknown → HTTP 404 `{"error": "Not found."}`.
//!
//! Severity: X-Force's risk score (1 = no risk, 10 = highest) is `high` at
//! 7 or more and `warning` at 4 or more, else `information`; for malware,
//! `risk` `high` is `high`, `medium` is `warning`. `Result` is true when
//! X-Force has a report.

use super::{begin, get, num, segment, text, LookupResult, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static XFORCE: ProviderDef = ProviderDef {
    name: "xforce",
    config_name: "XForce",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://api.xforce.ibmcloud.com"),
    auth: Auth::Basic {
        user_key: "ApiID",
        password_key: "AuthKey",
    },
    operations: &[
        OperationDef {
            name: "ip",
            method: Method::Get,
            path_pattern: concat!("^/ipr/", ip_pattern!(), "$"),
        },
        OperationDef {
            name: "url",
            method: Method::Get,
            path_pattern: concat!("^/url/", segment_pattern!(), "$"),
        },
        OperationDef {
            name: "file",
            method: Method::Get,
            path_pattern: concat!("^/malware/", hash_pattern!(), "$"),
        },
    ],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &XFORCE,
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
    let v = segment(&obs.value);
    let (op, path) = match obs.ioc_type {
        IocType::Ipv4 | IocType::Ipv6 => ("ip", format!("/ipr/{v}")),
        IocType::Dns | IocType::Url => ("url", format!("/url/{v}")),
        _ => ("file", format!("/malware/{v}")),
    };
    Ok(vec![get(&XFORCE, op, path)])
}

fn reference(obs: &Observable) -> String {
    let word = match obs.ioc_type {
        IocType::Ipv4 | IocType::Ipv6 => "ip",
        IocType::Dns | IocType::Url => "url",
        _ => "malware",
    };
    format!(
        "https://exchange.xforce.ibmcloud.com/{word}/{}",
        segment(&obs.value)
    )
}

fn score_severity(score: f64) -> Severity {
    if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Warning
    } else {
        Severity::Information
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
    row.reference = reference(obs);
    match request.operation.as_str() {
        "ip" => {
            let Some(score) = num(&body, "/score") else {
                super::bad_response(&mut row, "no score");
                return row;
            };
            row.severity = score_severity(score);
            row.details = super::pick(
                &body,
                &[
                    "score",
                    "cats",
                    "reason",
                    "reasonDescription",
                    "geo",
                    "tags",
                ],
            );
        }
        "url" => {
            let Some(score) = num(&body, "/result/score") else {
                super::bad_response(&mut row, "no result.score");
                return row;
            };
            row.severity = score_severity(score);
            row.details = super::pick(&body["result"], &["url", "score", "cats"]);
        }
        _ => {
            let Some(risk) = text(&body, "/malware/risk") else {
                super::bad_response(&mut row, "no malware.risk");
                return row;
            };
            row.severity = match risk {
                "high" => Severity::High,
                "medium" => Severity::Warning,
                _ => Severity::Information,
            };
            row.details = super::pick(&body["malware"], &["risk", "family", "type", "created"]);
        }
    }
    row.result = true;
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable, LookupStatus};

    #[test]
    fn reads_each_operation() {
        let ip = check_observable("1.2.3.4", None).unwrap();
        let req = &plan(&ip).unwrap()[0];
        assert_eq!(req.path, "/ipr/1.2.3.4");
        assert_eq!(
            parse(&ip, req, &answer(200, r#"{"ip":"1.2.3.4","score":7.1}"#)).severity,
            Severity::High
        );
        let url = check_observable("https://evil.example.com/a", None).unwrap();
        let req = &plan(&url).unwrap()[0];
        assert_eq!(req.path, "/url/https:%2F%2Fevil.example.com%2Fa");
        assert_eq!(
            parse(&url, req, &answer(200, r#"{"result":{"score":4}}"#)).severity,
            Severity::Warning
        );
        let h = check_observable("44d88612fea8a8f36de82e1278abb02f", None).unwrap();
        let req = &plan(&h).unwrap()[0];
        let r = parse(&h, req, &answer(200, r#"{"malware":{"risk":"high"}}"#));
        assert_eq!((r.result, r.severity), (true, Severity::High));
        assert_eq!(
            parse(&h, req, &answer(200, r#"{"x":1}"#)).status,
            LookupStatus::BadResponse
        );
        assert_eq!(
            parse(&h, req, &answer(404, r#"{"error":"Not found."}"#)).status,
            LookupStatus::NotFound
        );
    }
}
