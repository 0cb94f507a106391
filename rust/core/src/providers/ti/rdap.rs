//! RDAP (the successor of WHOIS): the registration of an IP network or a
//! domain, from the registry that holds it. Which registry that is comes
//! from IANA's RDAP bootstrap files (RFC 9224), bundled whole
//! ([`rdap_bootstrap`](super::rdap_bootstrap)): no lookup of the bootstrap
//! itself, so nothing leaves the machine but the query to the one
//! registry. No key. An address or TLD the files do not cover (IANA lists
//! no RDAP server for `.de`, for instance) is `not_supported`, naming it
//! and the files' date.
//!
//! Answers (RFC 9083): a domain `{"objectClassName": "domain", "ldhName",
//! "status", "events": [{"eventAction", "eventDate"}], "entities":
//! [{"roles", "vcardArray"}], "nameservers"}`; an IP network
//! `{"objectClassName": "ip network", "handle", "name", "startAddress",
//! "endAddress", "country", "type"}`. Unknown: HTTP 404.
//!
//! Severity is always `information`: registration data is context, not a
//! verdict.

use std::net::IpAddr;

use super::rdap_bootstrap::{self as bootstrap, Server};
use super::{begin, get, segment, text, LookupResult, Observable, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, ListedBases, Method, OperationDef, ProviderDef,
    ProviderKind,
};

/// The registry entry: one of the bootstrap's https servers per request.
pub static RDAP: ProviderDef = ProviderDef {
    name: "rdap",
    config_name: "RDAP",
    kind: ProviderKind::Context,
    base_url: BaseUrl::Listed(ListedBases(bootstrap::bases)),
    auth: Auth::None,
    operations: &[
        OperationDef {
            name: "ip",
            method: Method::Get,
            path_pattern: concat!("^/ip/", ip_pattern!(), "$"),
        },
        OperationDef {
            name: "domain",
            method: Method::Get,
            path_pattern: concat!("^/domain/", domain_pattern!(), "$"),
        },
    ],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &RDAP,
    supports: &[IocType::Ipv4, IocType::Ipv6, IocType::Dns],
    plan,
    parse,
};

/// The RDAP server for an IP address or a (registrable) domain, from the
/// bundled bootstrap; `None` when it names no https server.
pub fn rdap_base_url(value: &str) -> Option<&'static str> {
    match server_for(value)? {
        Server::Https(base) => Some(base),
        Server::HttpOnly => None,
    }
}

/// The bootstrap's entry for an IP address or a domain.
fn server_for(value: &str) -> Option<Server> {
    match value.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => bootstrap::for_ipv4(ip),
        Ok(IpAddr::V6(ip)) => bootstrap::for_ipv6(ip),
        Err(_) => bootstrap::for_domain(value),
    }
}

/// Why `subject` (whose bootstrap entry is `server`) cannot be looked up,
/// naming it and the file's date.
fn unsupported(subject: &str, server: Option<Server>) -> String {
    let [dns, v4, v6] = bootstrap::published();
    let (what, file, published) = match subject.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => (subject.to_string(), "ipv4.json", v4),
        Ok(IpAddr::V6(_)) => (subject.to_string(), "ipv6.json", v6),
        Err(_) => {
            let tld = subject.rsplit('.').next().unwrap_or(subject);
            if server == Some(Server::HttpOnly) {
                return format!(
                    "IANA's RDAP bootstrap lists only a plain-http server for the .{tld} TLD; \
                     huntkit calls https only"
                );
            }
            (format!("the .{tld} TLD"), "dns.json", dns)
        }
    };
    let date = date_of(published);
    format!("no RDAP server for {what} in IANA's bootstrap ({file} of {date})")
}

/// `2026-06-26` of `2026-06-26T18:00:02Z`.
fn date_of(publication: &str) -> &str {
    publication.split('T').next().unwrap_or(publication)
}

fn plan(obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let (op, subject) = match obs.ioc_type {
        IocType::Dns => {
            // RDAP registries know registered domains, not host names.
            let registered = psl::domain(obs.value.as_bytes())
                .and_then(|d| std::str::from_utf8(d.as_bytes()).ok())
                .unwrap_or(&obs.value)
                .to_string();
            ("domain", registered)
        }
        _ => ("ip", obs.value.clone()),
    };
    let server = server_for(&subject);
    let Some(Server::Https(base)) = server else {
        return Err(unsupported(&subject, server));
    };
    let mut req = get(&RDAP, op, format!("/{op}/{}", segment(&subject)));
    req.base_url = Some(base.to_string());
    req.headers = vec![("accept".into(), "application/rdap+json".into())];
    Ok(vec![req])
}

/// The date of the first event with this action.
fn event<'a>(body: &'a serde_json::Value, action: &str) -> Option<&'a serde_json::Value> {
    body.get("events")?
        .as_array()?
        .iter()
        .find(|e| e.get("eventAction").and_then(serde_json::Value::as_str) == Some(action))?
        .get("eventDate")
}

/// The `fn` (full name) of the first entity with this role.
fn entity_name(body: &serde_json::Value, role: &str) -> Option<String> {
    let entities = body.get("entities")?.as_array()?;
    let entity = entities.iter().find(|e| {
        e.get("roles")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|r| r.iter().any(|x| x == role))
    })?;
    let props = entity.pointer("/vcardArray/1")?.as_array()?;
    props
        .iter()
        .find(|p| p.get(0).and_then(serde_json::Value::as_str) == Some("fn"))
        .and_then(|p| p.get(3))
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let reference = format!(
        "https://lookup.icann.org/en/lookup?name={}",
        segment(&obs.value)
    );
    let (mut row, body) = match begin(obs, request, resp) {
        Ok(x) => x,
        Err(mut row) => {
            row.reference = reference;
            return *row;
        }
    };
    row.reference = reference;
    match text(&body, "/objectClassName") {
        Some("domain") => {
            let nameservers: Vec<&serde_json::Value> = body
                .get("nameservers")
                .and_then(serde_json::Value::as_array)
                .map(|n| n.iter().filter_map(|n| n.get("ldhName")).collect())
                .unwrap_or_default();
            row.details = serde_json::json!({
                "ldhName": body.get("ldhName"),
                "status": body.get("status"),
                "registration": event(&body, "registration"),
                "expiration": event(&body, "expiration"),
                "lastChanged": event(&body, "last changed"),
                "registrar": entity_name(&body, "registrar"),
                "nameservers": nameservers,
            });
        }
        Some("ip network") => {
            let mut d = super::pick(
                &body,
                &[
                    "handle",
                    "name",
                    "startAddress",
                    "endAddress",
                    "ipVersion",
                    "type",
                    "country",
                    "parentHandle",
                ],
            );
            d["registrant"] = entity_name(&body, "registrant").into();
            row.details = d;
        }
        _ => {
            super::bad_response(&mut row, "objectClassName is neither domain nor ip network");
            return row;
        }
    }
    row.result = true;
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable, LookupStatus, Severity};

    #[test]
    fn every_routed_server_is_on_the_allow_list() {
        for v in [
            "8.8.8.8",
            "41.0.0.1",
            "2001:67c:2e8::1",
            "example.com",
            "nic.br",
            "a.shop",
        ] {
            assert!(RDAP.base_url.admits(rdap_base_url(v).unwrap()), "{v}");
        }
        assert!(RDAP.base_url.admits("https://rdap.nominet.uk/uk"));
        assert!(!RDAP.base_url.admits("https://rdap.example.net"));
        assert!(!RDAP.base_url.admits("http://rdap.cctld.kg"));
    }

    #[test]
    fn what_the_bootstrap_does_not_cover_is_named() {
        let err = |v: &str| plan(&check_observable(v, None).unwrap()).unwrap_err();
        assert_eq!(
            err("www.example.de"),
            "no RDAP server for the .de TLD in IANA's bootstrap (dns.json of 2026-06-26)"
        );
        assert_eq!(
            err("example.kg"),
            "IANA's RDAP bootstrap lists only a plain-http server for the .kg TLD; huntkit calls https only"
        );
        // APNIC's 2410::/12 came after the bundled ipv6.json (see README).
        assert_eq!(
            err("2410::1"),
            "no RDAP server for 2410::1 in IANA's bootstrap (ipv6.json of 2019-11-06)"
        );
    }

    #[test]
    fn plans_registered_domain_and_reads_answers() {
        let obs = check_observable("www.example.com", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        assert_eq!(req.path, "/domain/example.com");
        assert_eq!(
            req.base_url.as_deref(),
            Some("https://rdap.verisign.com/com/v1")
        );
        let body = r#"{"objectClassName":"domain","ldhName":"EXAMPLE.COM","events":[{"eventAction":"registration","eventDate":"1995-08-14T04:00:00Z"}],"entities":[{"roles":["registrar"],"vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","RESERVED-Internet Assigned Numbers Authority"]]]}]}"#;
        let r = parse(&obs, req, &answer(200, body));
        assert_eq!(
            (r.result, r.severity, r.status),
            (true, Severity::Information, LookupStatus::Ok)
        );
        assert_eq!(r.details["registration"], "1995-08-14T04:00:00Z");
        assert_eq!(
            r.details["registrar"],
            "RESERVED-Internet Assigned Numbers Authority"
        );
        let uk = &plan(&check_observable("example.co.uk", None).unwrap()).unwrap()[0];
        assert_eq!(uk.path, "/domain/example.co.uk");
        assert_eq!(uk.base_url.as_deref(), Some("https://rdap.nominet.uk/uk"));
    }
}
