//! The Tor Project's exit list in TorDNSEL format (`/exit-addresses`):
//! one record per relay, `ExitNode <fingerprint>`, `Published`,
//! `LastStatus`, then one `ExitAddress <ip> <time>` line per address. No
//! key. The list is one answer for every IP, so hosts cache it (the cache
//! is keyed by request path, [`retry::ResultCache`](super::retry::ResultCache)).
//!
//! Severity: an IP on the list is `warning` (traffic from Tor hides its
//! origin; not malicious by itself); `Result` is true. An IP not on the
//! list is `not_found`. A body with no `ExitNode` record is `bad_response`.

use super::{get, http_failure, LookupResult, LookupStatus, Observable, Severity, TiProvider};
use crate::ioc::IocType;
use crate::providers::{
    Auth, BaseUrl, HttpRequest, HttpResponse, Method, OperationDef, ProviderDef, ProviderKind,
};

/// The registry entry.
pub static TOR: ProviderDef = ProviderDef {
    name: "tor",
    config_name: "Tor",
    kind: ProviderKind::Ti,
    base_url: BaseUrl::Fixed("https://check.torproject.org"),
    auth: Auth::None,
    operations: &[OperationDef {
        name: "exit_list",
        method: Method::Get,
        path_pattern: r"^/exit-addresses$",
    }],
    rate_limit: None,
};

pub(super) const PROVIDER: TiProvider = TiProvider {
    def: &TOR,
    supports: &[IocType::Ipv4, IocType::Ipv6],
    plan,
    parse,
};

fn plan(_obs: &Observable) -> Result<Vec<HttpRequest>, String> {
    let mut req = get(&TOR, "exit_list", "/exit-addresses".into());
    req.headers = vec![("accept".into(), "text/plain".into())];
    Ok(vec![req])
}

fn parse(obs: &Observable, request: &HttpRequest, resp: &HttpResponse) -> LookupResult {
    let mut row = LookupResult::new(obs, &request.provider, &request.operation);
    row.reference = format!(
        "https://metrics.torproject.org/rs.html#search/{}",
        obs.value
    );
    if http_failure(&mut row, resp) {
        return row;
    }
    let mut node: Option<(&str, &str, &str)> = None; // fingerprint, published, last status
    let mut records = 0;
    for line in resp.body.lines() {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "ExitNode" => {
                records += 1;
                node = Some((rest.trim(), "", ""));
            }
            "Published" => node = node.map(|(f, _, l)| (f, rest.trim(), l)),
            "LastStatus" => node = node.map(|(f, p, _)| (f, p, rest.trim())),
            "ExitAddress" => {
                let (ip, seen) = rest.split_once(' ').unwrap_or((rest, ""));
                let same = ip
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|a| a.to_string() == obs.value);
                if same {
                    let (fingerprint, published, last) = node.unwrap_or_default();
                    row.status = LookupStatus::Ok;
                    row.result = true;
                    row.severity = Severity::Warning;
                    row.details = serde_json::json!({
                        "ExitNode": fingerprint,
                        "Published": published,
                        "LastStatus": last,
                        "ExitAddress": ip,
                        "Seen": seen.trim(),
                    });
                    row.raw_result = line.to_string();
                    return row;
                }
            }
            _ => {}
        }
    }
    if records == 0 {
        super::bad_response(&mut row, "no ExitNode record in the exit list");
    } else {
        row.status = LookupStatus::NotFound;
        row.details = serde_json::json!({ "message": format!("not among {records} exit relays") });
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ti::{answer, check_observable};

    const LIST: &str = "ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nPublished 2024-01-01 10:00:00\nLastStatus 2024-01-01 11:00:00\nExitAddress 162.247.74.201 2024-01-01 11:05:00\n";

    #[test]
    fn finds_exit_addresses() {
        let obs = check_observable("162.247.74.201", None).unwrap();
        let req = &plan(&obs).unwrap()[0];
        let r = parse(&obs, req, &answer(200, LIST));
        assert_eq!(
            (r.result, r.severity, r.status),
            (true, Severity::Warning, LookupStatus::Ok)
        );
        assert_eq!(
            r.details["ExitNode"],
            "0011BD2485AD45D984EC4159C88FC066E5E3300E"
        );
        let other = check_observable("8.8.8.8", None).unwrap();
        assert_eq!(
            parse(&other, req, &answer(200, LIST)).status,
            LookupStatus::NotFound
        );
        assert_eq!(
            parse(&other, req, &answer(200, "<html>")).status,
            LookupStatus::BadResponse
        );
    }
}
