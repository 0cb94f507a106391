//! AbuseIPDB API v2: `GET /check?ipAddress=…&maxAgeInDays=90`.
//!
//! Answer: `{"data": {"ipAddress", "isPublic", "abuseConfidenceScore",
//! "countryCode", "usageType", "isp", "domain", "isTor", "totalReports",
//! "numDistinctUsers", "lastReportedAt", …}}`; errors are `{"errors":
//! [{"detail", "status"}]}` with the HTTP status.
//!
//! Severity, from `abuseConfidenceScore` (0–100, AbuseIPDB's own
//! confidence that the IP is abusive): `high` at 75 or more, `warning` at
//! 25 or more, else `information`. `Result` is true when the IP has any
//! report in the last 90 days.

use super::{begin, get, num, LookupResult, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
    RateLimit,
};

/// The registry entry: the free plan allows 1000 checks a day.
pub static ABUSEIPDB: ProviderDef = ProviderDef {
    name: "abuseipdb",
    config_name: "AbuseIPDB",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://api.abuseipdb.com/api/v2"),
    auth: Auth::Header {
        header: "Key",
        config_key: "AuthKey",
    },
    operations: &[OperationDef {
        name: "ip",
        method: Method::Get,
        path_pattern: r"^/check$",
    }],
    rate_limit: Some(RateLimit {
        requests: 1000,
        per_seconds: 86_400,
    }),
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &ABUSEIPDB,
    supports: &[IocType::Ipv4, IocType::Ipv6],
    plan,
    parse,
};

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let mut req = get(&ABUSEIPDB, "ip", "/check".into());
    req.query = vec![
        ("ipAddress".into(), obs.value.clone()),
        ("maxAgeInDays".into(), "90".into()),
    ];
    Ok(vec![req])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let reference = format!("https://www.abuseipdb.com/check/{}", obs.value);
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference;
            return *row;
        }
    };
    row.reference = reference;
    let Some(score) = num(&body, "/data/abuseConfidenceScore") else {
        super::bad_response(&mut row, "no data.abuseConfidenceScore");
        return row;
    };
    row.severity = if score >= 75.0 {
        Severity::High
    } else if score >= 25.0 {
        Severity::Warning
    } else {
        Severity::Information
    };
    row.result = num(&body, "/data/totalReports").unwrap_or(0.0) > 0.0;
    row.details = super::pick(
        &body["data"],
        &[
            "abuseConfidenceScore",
            "totalReports",
            "numDistinctUsers",
            "lastReportedAt",
            "countryCode",
            "usageType",
            "isp",
            "domain",
            "isTor",
            "isWhitelisted",
        ],
    );
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable, LookupStatus};

    #[test]
    fn scores() {
        let obs = check_observable("118.25.6.39", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        assert_eq!(req.query[0], ("ipAddress".into(), "118.25.6.39".into()));
        let row = |s: u32, n: u32| {
            let body = format!(r#"{{"data":{{"abuseConfidenceScore":{s},"totalReports":{n}}}}}"#);
            let r = parse(&obs, req, &answer(200, &body));
            (r.result, r.severity)
        };
        assert_eq!(row(0, 0), (false, Severity::Information));
        assert_eq!(row(25, 2), (true, Severity::Warning));
        assert_eq!(row(100, 9), (true, Severity::High));
        let r = parse(
            &obs,
            req,
            &answer(
                401,
                r#"{"errors":[{"detail":"Authentication failed","status":401}]}"#,
            ),
        );
        assert_eq!(r.status, LookupStatus::Unauthorized);
    }
}
