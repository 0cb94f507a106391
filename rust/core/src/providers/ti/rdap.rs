//! RDAP (the successor of WHOIS): the registration of an IP network or a
//! domain, from the registry that holds it. Which registry that is comes
//! from a bundled subset of IANA's RDAP bootstrap files (RFC 9224): no
//! lookup of the bootstrap itself, so nothing leaves the machine but the
//! query to the one registry. No key.
//!
//! - IPv4: IANA's `/8` delegations to AFRINIC, APNIC, LACNIC and the RIPE
//!   NCC are listed; every other `/8` goes to ARIN, which serves the
//!   legacy space and the rest of North America.
//! - IPv6: the RIRs' `/12` blocks and the `2001::/16` sub-blocks.
//! - Domains: `com`, `net` (Verisign), `org` (PIR), `info` (Identity
//!   Digital), `xyz` (CentralNic), Google's `app`, `dev`, `page`. Other
//!   TLDs are `not_supported`, naming the TLD.
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

use super::{begin, get, segment, text, LookupResult, Observable, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

const ARIN: &str = "https://rdap.arin.net/registry";
const RIPE: &str = "https://rdap.db.ripe.net";
const APNIC: &str = "https://rdap.apnic.net";
const LACNIC: &str = "https://rdap.lacnic.net/rdap";
const AFRINIC: &str = "https://rdap.afrinic.net/rdap";
const VERISIGN_COM: &str = "https://rdap.verisign.com/com/v1";
const VERISIGN_NET: &str = "https://rdap.verisign.com/net/v1";
const PIR: &str = "https://rdap.publicinterestregistry.org/rdap";
const IDENTITY_DIGITAL: &str = "https://rdap.identitydigital.services/rdap";
const CENTRALNIC_XYZ: &str = "https://rdap.centralnic.com/xyz";
const GOOGLE: &str = "https://pubapi.registry.google/rdap";

/// The registry entry: one of the bundled RDAP servers per request.
pub static RDAP: ProviderDef = ProviderDef {
    name: "rdap",
    config_name: "RDAP",
    kind: ProviderKind::Context,
    base_url: BaseUrl::Listed(&[
        ARIN,
        RIPE,
        APNIC,
        LACNIC,
        AFRINIC,
        VERISIGN_COM,
        VERISIGN_NET,
        PIR,
        IDENTITY_DIGITAL,
        CENTRALNIC_XYZ,
        GOOGLE,
    ]),
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

/// IANA's `/8`s delegated to each RIR other than ARIN.
const IPV4_RIRS: &[(&str, &[u8])] = &[
    (AFRINIC, &[41, 102, 105, 154, 196, 197]),
    (
        APNIC,
        &[
            1, 14, 27, 36, 39, 42, 43, 49, 58, 59, 60, 61, 101, 103, 106, 110, 111, 112, 113, 114,
            115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 133, 150, 153, 163, 171,
            175, 180, 182, 183, 202, 203, 210, 211, 218, 219, 220, 221, 222, 223,
        ],
    ),
    (LACNIC, &[177, 179, 181, 186, 187, 189, 190, 191, 200, 201]),
    (
        RIPE,
        &[
            2, 5, 25, 31, 37, 46, 51, 53, 57, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88,
            89, 90, 91, 92, 93, 94, 95, 109, 141, 145, 151, 176, 178, 185, 188, 193, 194, 195, 212,
            213, 217,
        ],
    ),
];

/// `2001::/16` sub-blocks (first two segments' prefix, its length in bits
/// beyond the first segment) and their RIR; the rest of `2001::/16` is
/// the RIPE NCC's.
const IPV6_2001: &[(u16, u8, &str)] = &[
    (0x0200, 7, APNIC),
    (0x0400, 7, ARIN),
    (0x0c00, 7, APNIC),
    (0x0e00, 7, APNIC),
    (0x1200, 7, LACNIC),
    (0x1800, 7, ARIN),
    (0x4200, 7, AFRINIC),
    (0x4400, 7, APNIC),
    (0x4800, 7, ARIN),
    (0x8000, 3, APNIC),
    (0xa000, 4, APNIC),
    (0xb000, 4, APNIC),
];

/// TLD → RDAP server, for the bundled TLDs.
const TLDS: &[(&str, &str)] = &[
    ("com", VERISIGN_COM),
    ("net", VERISIGN_NET),
    ("org", PIR),
    ("info", IDENTITY_DIGITAL),
    ("xyz", CENTRALNIC_XYZ),
    ("app", GOOGLE),
    ("dev", GOOGLE),
    ("page", GOOGLE),
];

/// The RDAP server for an IP address or a (registrable) domain, from the
/// bundled bootstrap subset; `None` when it has none.
pub fn rdap_base_url(value: &str) -> Option<&'static str> {
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(match ip {
            IpAddr::V4(v4) => {
                let first = v4.octets()[0];
                IPV4_RIRS
                    .iter()
                    .find(|(_, list)| list.contains(&first))
                    .map_or(ARIN, |(rir, _)| rir)
            }
            IpAddr::V6(v6) => {
                let [a, b, ..] = v6.segments();
                match a & 0xfff0 {
                    0x2400 => APNIC,
                    0x2600 => ARIN,
                    0x2800 => LACNIC,
                    0x2a00 => RIPE,
                    0x2c00 => AFRINIC,
                    _ if a == 0x2001 => IPV6_2001
                        .iter()
                        .find(|(prefix, bits, _)| b >> (16 - bits) == prefix >> (16 - bits))
                        .map_or(RIPE, |(_, _, rir)| rir),
                    _ => return None,
                }
            }
        });
    }
    let tld = value.rsplit('.').next()?;
    TLDS.iter().find(|(t, _)| *t == tld).map(|(_, base)| *base)
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
    let Some(base) = rdap_base_url(&subject) else {
        return Err(format!(
            "no bundled RDAP server for {}",
            if op == "domain" {
                format!("the .{} TLD", subject.rsplit('.').next().unwrap_or(""))
            } else {
                subject.clone()
            }
        ));
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
    fn bootstrap_subset() {
        assert_eq!(rdap_base_url("8.8.8.8"), Some(ARIN));
        assert_eq!(rdap_base_url("193.0.6.139"), Some(RIPE));
        assert_eq!(rdap_base_url("1.1.1.1"), Some(APNIC));
        assert_eq!(rdap_base_url("200.160.2.3"), Some(LACNIC));
        assert_eq!(rdap_base_url("41.0.0.1"), Some(AFRINIC));
        assert_eq!(rdap_base_url("2001:4860:4860::8888"), Some(ARIN));
        assert_eq!(rdap_base_url("2001:67c:2e8::1"), Some(RIPE));
        assert_eq!(rdap_base_url("2a00:1450::1"), Some(RIPE));
        assert_eq!(rdap_base_url("example.com"), Some(VERISIGN_COM));
        assert_eq!(rdap_base_url("example.uk"), None);
        for (base, _) in IPV4_RIRS {
            assert!(RDAP.base_url.admits(base));
        }
    }

    #[test]
    fn plans_registered_domain_and_reads_answers() {
        let obs = check_observable("www.example.com", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        assert_eq!(req.path, "/domain/example.com");
        assert_eq!(req.base_url.as_deref(), Some(VERISIGN_COM));
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
        let e = plan(&check_observable("example.co.uk", None).unwrap()).unwrap_err();
        assert_eq!(e, "no bundled RDAP server for the .uk TLD");
    }
}
