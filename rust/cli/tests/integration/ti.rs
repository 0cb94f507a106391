//! `huntkit ti` end to end over loopback: a real HTTP server on 127.0.0.1
//! (a thread in this test) answers as the providers do, from the files in
//! `tests/fixtures/providers/`, and checks the key arrived the way each
//! provider expects it; the built binary is pointed at it with
//! `HUNTKIT_PROVIDER_BASE_URLS`.

use crate::fixture_server::{self, fixture, huntkit, serve, Seen};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;
use std::time::Instant;

type Answer = (u16, Vec<(&'static str, String)>, String);

/// The providers as this test's server plays them.
fn providers(seen: &Seen, count: usize) -> Answer {
    let header = |k: &str| seen.headers.get(k).map(String::as_str);
    let json = |code: u16, file: &str| (code, vec![], fixture(file));
    match seen.target.as_str() {
        t if t.starts_with("/vt/") && header("x-apikey") != Some("vt-test-key") => {
            json(401, "virustotal/unauthorized.json")
        }
        "/vt/ip_addresses/185.220.101.1" => json(200, "virustotal/ip_malicious.json"),
        "/vt/ip_addresses/8.8.4.4" => json(404, "virustotal/not_found.json"),
        "/vt/domains/example.com" if count == 0 => (
            429,
            vec![("retry-after", "1".into())],
            fixture("virustotal/quota.json"),
        ),
        "/vt/domains/example.com" => json(200, "virustotal/domain_clean.json"),
        t if t.starts_with("/abuse/check?ipAddress=9.9.9.9") => (
            429,
            vec![("retry-after", "0".into())],
            fixture("abuseipdb/rate_limited.json"),
        ),
        "/rdap/domain/example.com" => json(200, "rdap/domain.json"),
        "/tor/exit-addresses" => (200, vec![], fixture("tor/exit-addresses.txt")),
        t if t.starts_with("/abuse/check?") && header("key") == Some("good-key") => {
            json(200, "abuseipdb/check_high.json")
        }
        t if t.starts_with("/abuse/") => json(401, "abuseipdb/unauthorized.json"),
        // X-Force: basic auth, "xf-id:xf-secret".
        t if t.starts_with("/xf/")
            && header("authorization") != Some("Basic eGYtaWQ6eGYtc2VjcmV0") =>
        {
            json(401, "xforce/not_found.json")
        }
        "/xf/ipr/185.220.101.1" => json(200, "xforce/ipr.json"),
        _ => json(404, "xforce/not_found.json"),
    }
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    fixture_server::temp_file("ti", name, text)
}

const CONFIG: &str = "\
TIProviders:
  VirusTotal:
    Args:
      AuthKey:
        EnvironmentVar: HK_TEST_VT_KEY
  AbuseIPDB:
    Args:
      AuthKey: wrong-key
  XForce:
    Args:
      ApiID: xf-id
      AuthKey: xf-secret
";

/// Rows of NDJSON output keyed by (provider, Ioc).
fn rows(out: &Output) -> HashMap<(String, String), serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                (
                    v["Provider"].as_str().unwrap().to_string(),
                    v["Ioc"].as_str().unwrap().to_string(),
                ),
                v,
            )
        })
        .collect()
}

#[test]
fn lookup_against_fixture_server() {
    let (port, log) = serve(providers);
    let config = temp_file("msticpyconfig.yaml", CONFIG);
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = huntkit(
        &[
            "ti",
            "lookup",
            "185[.]220[.]101[.]1",
            "8.8.4.4",
            "example.com",
            "10.0.0.1",
            "185.220.101.1",
            "--provider",
            "virustotal,abuseipdb,xforce",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &[
            ("HK_TEST_VT_KEY", "vt-test-key".into()),
            (
                "HUNTKIT_PROVIDER_BASE_URLS",
                format!("virustotal={base}/vt,abuseipdb={base}/abuse,xforce={base}/xf"),
            ),
        ],
    );
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 15, "{stdout}");
    for secret in ["vt-test-key", "wrong-key", "xf-secret"] {
        assert!(!stdout.contains(secret), "a key in the output");
    }
    let rows = rows(&out);
    let row = |p: &str, ioc: &str| {
        rows.get(&(p.to_string(), ioc.to_string()))
            .unwrap_or_else(|| panic!("{p} {ioc}"))
    };
    let status = |p: &str, ioc: &str| row(p, ioc)["Status"].as_str().unwrap().to_string();

    // A hit, with the key in the header VirusTotal reads.
    let hit = row("virustotal", "185[.]220[.]101[.]1");
    assert_eq!(
        (hit["Status"].as_str(), hit["Severity"].as_str()),
        (Some("ok"), Some("high"))
    );
    assert_eq!(hit["Result"], true);
    assert_eq!(hit["SafeIoc"], "185.220.101.1");
    assert_eq!(
        hit["Reference"],
        "https://www.virustotal.com/gui/ip-address/185.220.101.1"
    );
    let details: serde_json::Value =
        serde_json::from_str(hit["Details"].as_str().unwrap()).unwrap();
    assert_eq!(details["malicious"], 12);
    // 404, and a 429 with Retry-After: 1 then 200.
    assert_eq!(status("virustotal", "8.8.4.4"), "not_found");
    assert_eq!(status("virustotal", "example.com"), "ok");
    assert!(elapsed.as_millis() >= 1000, "the retry waited {elapsed:?}");
    // 401 with a wrong key; a type the provider does not take.
    assert_eq!(status("abuseipdb", "8.8.4.4"), "unauthorized");
    assert_eq!(status("abuseipdb", "example.com"), "not_supported");
    // Basic authentication.
    assert_eq!(status("xforce", "185.220.101.1"), "ok");
    assert_eq!(status("xforce", "example.com"), "not_found");
    // Private addresses are reported, never sent.
    for p in ["virustotal", "abuseipdb", "xforce"] {
        assert_eq!(status(p, "10.0.0.1"), "private_ip");
    }

    let log = log.lock().unwrap();
    let targets: Vec<&str> = log.iter().map(|s| s.target.as_str()).collect();
    assert!(
        !targets.iter().any(|t| t.contains("10.0.0.1")),
        "{targets:?}"
    );
    // The same observable twice (defanged and not): one call, from the cache after.
    assert_eq!(
        targets
            .iter()
            .filter(|t| **t == "/vt/ip_addresses/185.220.101.1")
            .count(),
        1
    );
    assert_eq!(
        targets
            .iter()
            .filter(|t| **t == "/vt/domains/example.com")
            .count(),
        2
    );
    let vt = log.iter().find(|s| s.target.starts_with("/vt/")).unwrap();
    assert_eq!(
        vt.headers.get("x-apikey").map(String::as_str),
        Some("vt-test-key")
    );
    let abuse = log
        .iter()
        .find(|s| s.target.starts_with("/abuse/"))
        .unwrap();
    assert_eq!(
        abuse.headers.get("key").map(String::as_str),
        Some("wrong-key")
    );
    assert!(
        abuse.target.contains("ipAddress=8.8.4.4")
            || abuse.target.contains("ipAddress=185.220.101.1")
    );
}

#[test]
fn persistent_429_is_rate_limited_after_bounded_retries_and_keyless_providers_work() {
    let (port, log) = serve(providers);
    let config = temp_file(
        "good.yaml",
        "TIProviders:\n  AbuseIPDB:\n    Args:\n      AuthKey: good-key\n",
    );
    let base = format!("http://127.0.0.1:{port}");
    let out = huntkit(
        &[
            "ti",
            "lookup",
            "9.9.9.9",
            "www.example.com",
            "162.247.74.201",
            "118.25.6.39",
            "--provider",
            "abuseipdb,rdap,tor",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &[(
            "HUNTKIT_PROVIDER_BASE_URLS",
            format!("abuseipdb={base}/abuse,rdap={base}/rdap,tor={base}/tor"),
        )],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = rows(&out);
    let status = |p: &str, ioc: &str| {
        rows[&(p.to_string(), ioc.to_string())]["Status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("abuseipdb", "9.9.9.9"), "rate_limited");
    assert_eq!(status("abuseipdb", "118.25.6.39"), "ok");
    assert_eq!(status("rdap", "www.example.com"), "ok");
    assert_eq!(status("tor", "162.247.74.201"), "ok");
    assert_eq!(status("tor", "118.25.6.39"), "not_found");
    let log = log.lock().unwrap();
    let count = |prefix: &str| log.iter().filter(|s| s.target.starts_with(prefix)).count();
    // The first try and three retries, then the 429 is reported.
    assert_eq!(count("/abuse/check?ipAddress=9.9.9.9"), 4);
    // One exit list for every IP.
    assert_eq!(count("/tor/"), 1);
    assert_eq!(count("/rdap/domain/example.com"), 1);
}

#[test]
fn a_missing_key_is_reported_and_nothing_is_sent() {
    let (port, log) = serve(providers);
    let config = temp_file("empty.yaml", "TIProviders:\n");
    let out = huntkit(
        &[
            "ti",
            "lookup",
            "185.220.101.1",
            "--provider",
            "virustotal",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "ndjson",
        ],
        &[(
            "HUNTKIT_PROVIDER_BASE_URLS",
            format!("virustotal=http://127.0.0.1:{port}/vt"),
        )],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = rows(&out);
    assert_eq!(
        rows[&("virustotal".to_string(), "185.220.101.1".to_string())]["Status"],
        "not_configured"
    );
    assert!(log.lock().unwrap().is_empty());
}

#[test]
fn overrides_must_be_loopback() {
    let out = huntkit(
        &["ti", "lookup", "185.220.101.1", "--provider", "tor"],
        &[(
            "HUNTKIT_PROVIDER_BASE_URLS",
            "tor=http://192.0.2.1:80".into(),
        )],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a loopback address"), "{stderr}");
    let out = huntkit(
        &["ti", "lookup", "185.220.101.1", "--provider", "tor"],
        &[(
            "HUNTKIT_PROVIDER_BASE_URLS",
            "torr=http://127.0.0.1:9".into(),
        )],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("names unknown provider \"torr\""),
        "{stderr}"
    );
    let out = huntkit(&["ti", "lookup", "1.2.3.4", "--provider", "nope"], &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown provider \"nope\""));
}

#[test]
fn providers_lists_the_registry() {
    let out = huntkit(&["ti", "providers", "--format", "csv"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "virustotal",
            "otx",
            "greynoise",
            "greynoise_enterprise",
            "abuseipdb",
            "xforce",
            "crowdsec",
            "tor",
            "rdap",
            "ipstack",
            "loganalytics",
            "m365d",
            "kusto",
            "splunk",
            "azuread"
        ]
    );
}
