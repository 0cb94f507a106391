//! Checks a whole msticpyconfig.yaml the way a hunter needs before a hunt:
//! every provider section huntkit reads (`TIProviders`, `OtherProviders`,
//! `AzureSentinel.Workspaces`, `DataProviders`) for missing keys, settings
//! that are not what they must be (a workspace or tenant id that is no
//! GUID), `{EnvironmentVar: NAME}` naming an unset variable, and Key Vault
//! references huntkit cannot read.
//!
//! Findings name the section, the key and the line, never a value: the
//! file holds secrets, and the findings go to a page and to logs.

use serde::{Deserialize, Serialize};

use crate::providers::siem::{self, RunDefaults};
use crate::providers::{registry, Auth, BaseUrl};
use crate::queries::yaml::{self, Node, Value};
use crate::{Frame, FrameColumn};

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingLevel {
    /// The setting cannot be used: a lookup or query needing it fails.
    Error,
    /// Probably a mistake, or something huntkit ignores.
    Warning,
}

impl FindingLevel {
    /// The name written in the `Level` column.
    pub fn name(self) -> &'static str {
        match self {
            FindingLevel::Error => "error",
            FindingLevel::Warning => "warning",
        }
    }
}

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// `error` or `warning`.
    pub level: FindingLevel,
    /// The section as a dotted path (`TIProviders.VirusTotal`,
    /// `AzureSentinel.Workspaces.Default`); empty for the file itself.
    pub section: String,
    /// The setting (`Args.AuthKey`, `WorkspaceId`); empty for the section.
    pub key: String,
    /// 1-based line in the file, when known.
    pub line: Option<u64>,
    /// What is wrong and what to do, never the value.
    pub message: String,
}

/// The columns of the findings table, in order.
pub const FINDING_COLUMNS: [&str; 5] = ["Level", "Section", "Key", "Line", "Message"];

/// The findings as the core's result table.
pub fn findings_frame(findings: &[Finding]) -> Frame {
    let text = |f: &dyn Fn(&Finding) -> String| {
        FrameColumn::Utf8(findings.iter().map(|x| Some(f(x))).collect())
    };
    let [level, section, key, line, message] = FINDING_COLUMNS;
    Frame::new(vec![
        (level, text(&|f| f.level.name().to_string())),
        (section, text(&|f| f.section.clone())),
        (key, text(&|f| f.key.clone())),
        (
            line,
            FrameColumn::Int64(findings.iter().map(|f| f.line.map(|l| l as i64)).collect()),
        ),
        (message, text(&|f| f.message.clone())),
    ])
}

/// Whether `s` is a GUID (`8-4-4-4-12` hex digits, braces allowed), the
/// form of every Azure workspace, tenant, subscription and client id.
pub fn is_guid(s: &str) -> bool {
    let s = s.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Keys (any case) whose value must be a GUID wherever they appear.
const GUID_KEYS: [&str; 4] = ["workspaceid", "tenantid", "subscriptionid", "clientid"];

struct Checker<'e> {
    findings: Vec<Finding>,
    env: &'e dyn Fn(&str) -> Option<String>,
}

/// What a setting holds once read.
enum Setting {
    /// Missing or blank.
    Empty,
    /// A value (literal, or from a set environment variable).
    Set(String),
    /// Cannot be read here (an unset variable, Key Vault); already reported.
    Unreadable,
}

impl Checker<'_> {
    fn add(&mut self, level: FindingLevel, section: &str, key: &str, line: u64, message: String) {
        self.findings.push(Finding {
            level,
            section: section.to_string(),
            key: key.to_string(),
            line: Some(line),
            message,
        });
    }

    /// The entries of a mapping; `None` for an empty node, or for anything
    /// else, reported as not a mapping.
    fn entries<'n>(
        &mut self,
        section: &str,
        key: &str,
        node: &'n Node,
    ) -> Option<&'n [(String, Node)]> {
        match &node.value {
            Value::Map(m) => Some(m),
            Value::Null => None,
            _ => {
                self.not_a_mapping(section, key, node);
                None
            }
        }
    }

    /// Whether a section's body is a mapping (or empty, with `empty_ok`);
    /// anything else is reported.
    fn is_section(&mut self, section: &str, node: &Node, empty_ok: bool) -> bool {
        let ok = match node.value {
            Value::Map(_) => true,
            Value::Null => empty_ok,
            _ => false,
        };
        if !ok {
            self.not_a_mapping(section, "", node);
        }
        ok
    }

    fn not_a_mapping(&mut self, section: &str, key: &str, node: &Node) {
        self.add(
            FindingLevel::Error,
            section,
            key,
            node.line,
            "is not a mapping".into(),
        );
    }

    /// Reads one setting, reporting an unset environment variable, a Key
    /// Vault reference or a malformed mapping.
    fn setting(&mut self, section: &str, key: &str, node: &Node) -> Setting {
        match &node.value {
            Value::Null => Setting::Empty,
            Value::Map(_) => {
                if let Some(var) = node.get("EnvironmentVar") {
                    let Some(name) = var.text().filter(|n| !n.trim().is_empty()) else {
                        self.add(
                            FindingLevel::Error,
                            section,
                            key,
                            var.line,
                            "EnvironmentVar names no variable".into(),
                        );
                        return Setting::Unreadable;
                    };
                    match (self.env)(name.trim()) {
                        Some(v) if !v.trim().is_empty() => Setting::Set(v.trim().to_string()),
                        _ => {
                            self.add(
                                FindingLevel::Error,
                                section,
                                key,
                                var.line,
                                format!(
                                    "environment variable {} is not set (in the environment of the process that reads the file)",
                                    name.trim()
                                ),
                            );
                            Setting::Unreadable
                        }
                    }
                } else if node.get("KeyVault").is_some() {
                    self.add(
                        FindingLevel::Warning,
                        section,
                        key,
                        node.line,
                        "a KeyVault reference, which huntkit does not read; use a value or {EnvironmentVar: NAME}".into(),
                    );
                    Setting::Unreadable
                } else {
                    self.add(
                        FindingLevel::Error,
                        section,
                        key,
                        node.line,
                        "a mapping without EnvironmentVar or KeyVault".into(),
                    );
                    Setting::Unreadable
                }
            }
            Value::Seq(_) => {
                self.add(
                    FindingLevel::Error,
                    section,
                    key,
                    node.line,
                    "a list where a value is expected".into(),
                );
                Setting::Unreadable
            }
            _ => match node.text() {
                Some(t) if !t.trim().is_empty() => Setting::Set(t.trim().to_string()),
                _ => Setting::Empty,
            },
        }
    }

    /// Checks every setting of an `Args`-like mapping; returns the keys
    /// that hold a usable value.
    fn args(&mut self, section: &str, prefix: &str, node: &Node) -> Vec<String> {
        let Some(entries) = self.entries(section, prefix.trim_end_matches('.'), node) else {
            return Vec::new();
        };
        let mut set = Vec::new();
        for (key, value) in entries {
            let name = format!("{prefix}{key}");
            match self.setting(section, &name, value) {
                Setting::Set(v) => {
                    if GUID_KEYS.contains(&key.to_ascii_lowercase().as_str()) && !is_guid(&v) {
                        self.add(
                            FindingLevel::Error,
                            section,
                            &name,
                            value.line,
                            "is not a GUID (8-4-4-4-12 hex digits)".into(),
                        );
                    } else {
                        set.push(key.clone());
                    }
                }
                Setting::Empty | Setting::Unreadable => {}
            }
        }
        set
    }

    fn provider_sections(&mut self, root: &Node, name: &str) {
        let Some(node) = root.get(name) else { return };
        let Some(entries) = self.entries(name, "", node) else {
            return;
        };
        for (provider, body) in entries {
            let section = format!("{name}.{provider}");
            let def = registry()
                .iter()
                .find(|d| d.config_name.eq_ignore_ascii_case(provider));
            if !self.is_section(&section, body, true) {
                continue;
            }
            if let Some(p) = body.get("Primary") {
                if !matches!(p.value, Value::Bool(_)) {
                    self.add(
                        FindingLevel::Warning,
                        &section,
                        "Primary",
                        p.line,
                        "is not True or False".into(),
                    );
                }
            }
            let set = match body.get("Args") {
                Some(args) => self.args(&section, "Args.", args),
                None => Vec::new(),
            };
            let Some(def) = def else {
                if name == "TIProviders" {
                    self.add(
                        FindingLevel::Warning,
                        &section,
                        "",
                        body.line,
                        format!("huntkit has no provider named {provider}; it is ignored (see huntkit ti providers)"),
                    );
                }
                continue;
            };
            let mut needed: Vec<&str> = match &def.auth {
                Auth::Header { config_key, .. } | Auth::Query { config_key, .. } => {
                    vec![config_key]
                }
                Auth::Basic {
                    user_key,
                    password_key,
                } => vec![user_key, password_key],
                // A token alone is enough; without one, user and password.
                Auth::BasicOrToken {
                    user_key,
                    password_key,
                    token_key,
                } => {
                    if set.iter().any(|k| k == token_key) {
                        vec![]
                    } else {
                        vec![user_key, password_key]
                    }
                }
                Auth::None | Auth::Bearer { .. } => vec![],
            };
            if let BaseUrl::FromConfig(k) = &def.base_url {
                needed.push(k);
            }
            for key in needed {
                if !set.iter().any(|k| k == key) && !self.reported(&section, &format!("Args.{key}"))
                {
                    self.add(
                        FindingLevel::Error,
                        &section,
                        &format!("Args.{key}"),
                        body.line,
                        format!("missing: {} needs Args.{key}", def.name),
                    );
                }
            }
        }
    }

    /// Whether something was already said about this key.
    fn reported(&self, section: &str, key: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.section == section && f.key == key)
    }

    fn workspaces(&mut self, root: &Node) {
        let Some(sentinel) = root.get("AzureSentinel") else {
            return;
        };
        let Some(node) = sentinel.get("Workspaces") else {
            if !matches!(sentinel.value, Value::Null) {
                self.add(
                    FindingLevel::Warning,
                    "AzureSentinel",
                    "Workspaces",
                    sentinel.line,
                    "no Workspaces: queries have no workspace to run in".into(),
                );
            }
            return;
        };
        let Some(entries) = self.entries("AzureSentinel.Workspaces", "", node) else {
            return;
        };
        for (name, ws) in entries {
            let section = format!("AzureSentinel.Workspaces.{name}");
            if !self.is_section(&section, ws, false) {
                continue;
            }
            let set = self.args(&section, "", ws);
            for key in ["WorkspaceId", "TenantId"] {
                if !set.iter().any(|k| k == key) && !self.reported(&section, key) {
                    self.add(
                        FindingLevel::Error,
                        &section,
                        key,
                        ws.line,
                        format!("missing: a workspace needs {key}"),
                    );
                }
            }
        }
    }

    fn data_providers(&mut self, root: &Node) {
        let Some(node) = root.get("DataProviders") else {
            return;
        };
        let Some(entries) = self.entries("DataProviders", "", node) else {
            return;
        };
        for (name, body) in entries {
            let section = format!("DataProviders.{name}");
            if !self.is_section(&section, body, true) {
                continue;
            }
            if let Some(args) = body.get("Args") {
                self.args(&section, "Args.", args);
                self.run_defaults(&section, name, args);
            }
        }
    }

    /// Checks a SIEM provider's run settings (`Args.mode`, …) as the
    /// runs read them; a setting already reported (unset variable, Key
    /// Vault) is not read again.
    fn run_defaults(&mut self, section: &str, name: &str, args: &Node) {
        let Some(provider) = siem::providers()
            .iter()
            .find(|p| p.def.config_name.eq_ignore_ascii_case(name))
        else {
            return;
        };
        for key in RunDefaults::KEYS {
            let full = format!("Args.{key}");
            let Some(node) = args.get(key) else { continue };
            if self.reported(section, &full) {
                continue;
            }
            if let Setting::Set(v) = self.setting(section, &full, node) {
                if let Err(m) = RunDefaults::default().set(provider, key, &v) {
                    self.add(FindingLevel::Error, section, &full, node.line, m);
                }
            }
        }
    }
}

/// Every finding in msticpyconfig.yaml text (`file` names it), with
/// environment variables resolved by `env`; an empty list means the
/// provider sections are usable. A file that is not YAML is one finding.
pub fn validate(file: &str, text: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<Finding> {
    let mut c = Checker {
        findings: Vec::new(),
        env,
    };
    let root = match yaml::parse(file, text) {
        Ok(root) => root,
        Err(e) => {
            let line = match e.kind() {
                crate::ErrorKind::QueryFile { line, .. } => *line,
                _ => None,
            };
            return vec![Finding {
                level: FindingLevel::Error,
                section: String::new(),
                key: String::new(),
                line,
                message: format!("the file is not valid YAML: {e}"),
            }];
        }
    };
    match root.value {
        Value::Map(_) => {}
        Value::Null => {
            return vec![Finding {
                level: FindingLevel::Warning,
                section: String::new(),
                key: String::new(),
                line: None,
                message: "the file is empty".into(),
            }]
        }
        _ => {
            return vec![Finding {
                level: FindingLevel::Error,
                section: String::new(),
                key: String::new(),
                line: Some(root.line),
                message: "the file is not a mapping of sections".into(),
            }]
        }
    }
    c.provider_sections(&root, "TIProviders");
    c.provider_sections(&root, "OtherProviders");
    c.workspaces(&root);
    c.data_providers(&root);
    c.findings
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == FindingLevel::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-value-never-shown";

    fn env(name: &str) -> Option<String> {
        (name == "VT_KEY").then(|| SECRET.to_string())
    }

    fn found(findings: &[Finding]) -> Vec<(String, String, String)> {
        findings
            .iter()
            .map(|f| {
                (
                    f.level.name().to_string(),
                    format!("{}:{}", f.section, f.key),
                    f.message.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn reports_each_section() {
        let text = format!(
            "\
TIProviders:
  VirusTotal:
    Args:
      AuthKey:
        EnvironmentVar: VT_KEY
    Primary: True
  OTX:
    Args:
      AuthKey:
        EnvironmentVar: OTX_KEY
  XForce:
    Args:
      AuthKey: {SECRET}
  AbuseIPDB:
    Args:
      AuthKey:
        KeyVault:
  Nonesuch:
    Primary: maybe
OtherProviders:
  IPStack:
    Args:
      AuthKey: ''
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: 52b1ab41-869e-4138-9e40-2a4457f09bf0
      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
    Bad:
      WorkspaceId: {SECRET}
DataProviders:
  AzureCLI:
    Args:
      clientId: not-a-guid
      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
      clientSecret:
        EnvironmentVar: CLIENT_SECRET
"
        );
        let findings = validate("m.yaml", &text, &env);
        let got = found(&findings);
        let want = [
            ("error", "TIProviders.OTX:Args.AuthKey", "environment variable OTX_KEY is not set (in the environment of the process that reads the file)"),
            ("error", "TIProviders.XForce:Args.ApiID", "missing: xforce needs Args.ApiID"),
            ("warning", "TIProviders.AbuseIPDB:Args.AuthKey", "a KeyVault reference, which huntkit does not read; use a value or {EnvironmentVar: NAME}"),
            ("warning", "TIProviders.Nonesuch:Primary", "is not True or False"),
            ("warning", "TIProviders.Nonesuch:", "huntkit has no provider named Nonesuch; it is ignored (see huntkit ti providers)"),
            ("error", "OtherProviders.IPStack:Args.AuthKey", "missing: ipstack needs Args.AuthKey"),
            ("error", "AzureSentinel.Workspaces.Bad:WorkspaceId", "is not a GUID (8-4-4-4-12 hex digits)"),
            ("error", "AzureSentinel.Workspaces.Bad:TenantId", "missing: a workspace needs TenantId"),
            ("error", "DataProviders.AzureCLI:Args.clientId", "is not a GUID (8-4-4-4-12 hex digits)"),
            ("error", "DataProviders.AzureCLI:Args.clientSecret", "environment variable CLIENT_SECRET is not set (in the environment of the process that reads the file)"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(has_errors(&findings));
        // No finding carries a value from the file or the environment.
        let all = serde_json::to_string(&findings).unwrap();
        assert!(!all.contains(SECRET), "{all}");
        assert_eq!(findings[0].line, Some(10));
        let frame = findings_frame(&findings);
        assert_eq!(frame.names(), FINDING_COLUMNS);
        assert_eq!(frame.rows(), findings.len());
    }

    #[test]
    fn a_section_that_is_not_a_mapping_is_named() {
        // (file, section:key of the one finding)
        let cases = [
            ("TIProviders: [1]\n", "TIProviders:"),
            ("OtherProviders:\n  IPStack: 3\n", "OtherProviders.IPStack:"),
            (
                "DataProviders:\n  AzureCLI:\n    Args: [a]\n",
                "DataProviders.AzureCLI:Args",
            ),
            (
                "AzureSentinel:\n  Workspaces: 3\n",
                "AzureSentinel.Workspaces:",
            ),
            (
                "AzureSentinel:\n  Workspaces:\n    Default:\n",
                "AzureSentinel.Workspaces.Default:",
            ),
            ("DataProviders: x\n", "DataProviders:"),
            (
                "DataProviders:\n  AzureCLI: [1]\n",
                "DataProviders.AzureCLI:",
            ),
        ];
        for (text, at) in cases {
            let got = found(&validate("m.yaml", text, &env));
            let want = (
                "error".to_string(),
                at.to_string(),
                "is not a mapping".to_string(),
            );
            assert_eq!(got, [want], "{text}");
        }
        // Empty provider and DataProviders sections are fine.
        let empty = "TIProviders:\nOtherProviders:\nDataProviders:\n  AzureCLI:\n";
        assert_eq!(validate("m.yaml", empty, &env), vec![]);
    }

    #[test]
    fn run_settings_are_checked_by_name_never_echoing_the_value() {
        let good = "DataProviders:\n  Splunk:\n    Args:\n      host: s\n      mode: Jobs\n      page_size: 5000\n      job_timeout: 900\n";
        assert_eq!(validate("m.yaml", good, &env), vec![]);
        let bad = "\
DataProviders:
  Splunk:
    Args:
      mode: stream-it-all
      page_size: 0
      job_timeout: soon
  Kusto:
    Args:
      mode: jobs
";
        let got = found(&validate("m.yaml", bad, &env));
        let want = [
            (
                "error",
                "DataProviders.Splunk:Args.mode",
                "is not a run mode: use one of export, jobs",
            ),
            (
                "error",
                "DataProviders.Splunk:Args.page_size",
                "page size 0 is not between 1 and 50000",
            ),
            (
                "error",
                "DataProviders.Splunk:Args.job_timeout",
                "is not a whole number of seconds",
            ),
            (
                "error",
                "DataProviders.Kusto:Args.mode",
                "is jobs, but kusto has no search jobs: use export",
            ),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(!format!("{got:?}").contains("stream-it-all"));
    }

    #[test]
    fn a_good_file_has_no_findings_and_a_bad_one_one() {
        let good = "TIProviders:\n  VirusTotal:\n    Args:\n      AuthKey:\n        EnvironmentVar: VT_KEY\n";
        assert_eq!(validate("m.yaml", good, &env), vec![]);
        let bad = validate("m.yaml", "TIProviders: [\n", &env);
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].message.starts_with("the file is not valid YAML"),
            "{:?}",
            bad[0]
        );
        assert_eq!(validate("m.yaml", "", &env)[0].level, FindingLevel::Warning);
        assert!(is_guid("{52B1AB41-869E-4138-9E40-2A4457F09BF0}"));
        assert!(!is_guid("52b1ab41-869e-4138-9e40-2a4457f09bf"));
    }
}
