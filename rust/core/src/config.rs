//! The provider sections of `msticpyconfig.yaml`, the configuration file
//! hunters already have: `TIProviders.<Name>.Args.{AuthKey, ApiID}` (and
//! `OtherProviders` for IPStack, `DataProviders` for the query providers:
//! Splunk, Kusto, MicrosoftDefender, AzureCLI), each value either literal
//! text or `{EnvironmentVar: NAME}`; and the Microsoft Sentinel workspaces
//! (`AzureSentinel.Workspaces.<name>.{WorkspaceId, TenantId}`). Only hosts read it (the CLI, the Jupyter
//! server): keys never reach a page.
//!
//! [`validate`] checks a whole file (every provider section, Azure
//! Sentinel workspaces, data providers) and reports findings, never values.
//!
//! Also [`loopback_base_urls`], the test-only base URL override that
//! hosts honour for loopback addresses and nothing else.

use std::net::IpAddr;

mod validate;

pub use validate::{
    findings_frame, has_errors, is_guid, validate, Finding, FindingLevel, FINDING_COLUMNS,
};

use crate::error::{Error, ErrorKind, Result};
use crate::providers::siem::{RunDefaults, SiemProvider};
use crate::queries::yaml::{self, Node, Value};

/// A setting's value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigValue {
    /// Literal text (numbers and booleans as written).
    Text(String),
    /// `{EnvironmentVar: NAME}`: read from the host's environment.
    EnvironmentVar(String),
    /// `{KeyVault: …}`: Azure Key Vault, which huntkit does not read; the
    /// message says so when the value is needed.
    KeyVault,
}

/// One provider section (`TIProviders.VirusTotal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Section name as written (`VirusTotal`).
    pub name: String,
    /// `Primary`, when given.
    pub primary: Option<bool>,
    /// `Args`, in file order.
    pub args: Vec<(String, ConfigValue)>,
    /// Line of the section, for messages.
    pub line: u64,
}

impl ProviderConfig {
    /// The value of `Args.<key>` with environment variables resolved by
    /// `env`: `Ok(None)` when the key is absent or empty, an error naming
    /// the section when an environment variable is unset or the value is
    /// a Key Vault reference.
    pub fn secret(
        &self,
        file: &str,
        key: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>> {
        let Some((_, value)) = self.args.iter().find(|(k, _)| k == key) else {
            return Ok(None);
        };
        let err = |message: String| {
            Error::new(ErrorKind::ConfigFile {
                file: file.to_string(),
                line: Some(self.line),
                message,
            })
        };
        match value {
            ConfigValue::Text(t) if t.trim().is_empty() => Ok(None),
            ConfigValue::Text(t) => Ok(Some(t.trim().to_string())),
            ConfigValue::EnvironmentVar(name) => match env(name) {
                Some(v) if !v.trim().is_empty() => Ok(Some(v.trim().to_string())),
                _ => Err(err(format!(
                    "{}.Args.{key} names environment variable {name}, which is not set",
                    self.name
                ))),
            },
            ConfigValue::KeyVault => Err(err(format!(
                "{}.Args.{key} is a KeyVault reference, which huntkit does not read; use a value or EnvironmentVar",
                self.name
            ))),
        }
    }
}

impl MsticpyConfig {
    /// The run defaults of `provider`'s section (`DataProviders.Splunk.
    /// Args.{mode, page_size, job_timeout}`), environment variables
    /// resolved by `env`: all `None` without a section; an error naming the
    /// key (never its value) when one is not what it must be.
    pub fn run_defaults(
        &self,
        provider: &SiemProvider,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<RunDefaults> {
        let mut out = RunDefaults::default();
        let Some(section) = self.provider(provider.def.config_name) else {
            return Ok(out);
        };
        for key in RunDefaults::KEYS {
            if let Some(value) = section.secret(&self.file, key, &env)? {
                out.set(provider, key, &value).map_err(|m| {
                    config_error(
                        &self.file,
                        Some(section.line),
                        format!("{}.Args.{key} {m}", section.name),
                    )
                })?;
            }
        }
        Ok(out)
    }
}

/// One Microsoft Sentinel workspace (`AzureSentinel.Workspaces.<name>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceConfig {
    /// Entry name (`Default`, `Prod`, …).
    pub name: String,
    /// `WorkspaceId`.
    pub workspace_id: Option<String>,
    /// `TenantId`.
    pub tenant_id: Option<String>,
    /// Line of the entry, for messages.
    pub line: u64,
}

/// The provider sections of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MsticpyConfig {
    /// The file name, for messages.
    pub file: String,
    /// `TIProviders`, `OtherProviders` then `DataProviders` sections, in
    /// file order.
    pub providers: Vec<ProviderConfig>,
    /// `AzureSentinel.Workspaces`, in file order.
    pub workspaces: Vec<WorkspaceConfig>,
}

impl MsticpyConfig {
    /// The section named `config_name` (a registry entry's `config_name`),
    /// compared without case as MSTICPy does.
    pub fn provider(&self, config_name: &str) -> Option<&ProviderConfig> {
        self.providers
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(config_name))
    }

    /// The workspace called `name` (any case); without a name, the one
    /// called `Default`, else the only one. An error lists the names there
    /// are.
    pub fn workspace(&self, name: Option<&str>) -> Result<&WorkspaceConfig> {
        let found = match name {
            Some(n) => self
                .workspaces
                .iter()
                .find(|w| w.name.eq_ignore_ascii_case(n.trim())),
            None => self
                .workspaces
                .iter()
                .find(|w| w.name.eq_ignore_ascii_case("Default"))
                .or_else(|| (self.workspaces.len() == 1).then(|| &self.workspaces[0])),
        };
        found.ok_or_else(|| {
            let names: Vec<&str> = self.workspaces.iter().map(|w| w.name.as_str()).collect();
            config_error(
                &self.file,
                None,
                match (name, names.is_empty()) {
                    (_, true) => {
                        "no AzureSentinel.Workspaces entry: add one with WorkspaceId and TenantId"
                            .to_string()
                    }
                    (Some(n), false) => format!(
                        "no workspace {n:?} in AzureSentinel.Workspaces; there are {}",
                        names.join(", ")
                    ),
                    (None, false) => format!(
                        "several workspaces and none called Default: name one of {}",
                        names.join(", ")
                    ),
                },
            )
        })
    }
}

fn config_error(file: &str, line: Option<u64>, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::ConfigFile {
        file: file.to_string(),
        line,
        message: message.into(),
    })
}

/// Reads the provider sections of msticpyconfig.yaml text; `file` names
/// it in errors. Other sections are ignored.
pub fn read_msticpy_config(file: &str, text: &str) -> Result<MsticpyConfig> {
    let root = yaml::parse(file, text).map_err(|e| match e.kind() {
        ErrorKind::QueryFile { line, message, .. } => config_error(file, *line, message.clone()),
        _ => e,
    })?;
    let mut providers = Vec::new();
    if !matches!(root.value, Value::Map(_) | Value::Null) {
        return Err(config_error(
            file,
            Some(root.line),
            "the file is not a mapping of sections",
        ));
    }
    for section in ["TIProviders", "OtherProviders", "DataProviders"] {
        let Some(node) = root.get(section) else {
            continue;
        };
        let entries = match &node.value {
            Value::Map(m) => m,
            Value::Null => continue,
            _ => {
                return Err(config_error(
                    file,
                    Some(node.line),
                    format!("{section} is not a mapping"),
                ))
            }
        };
        for (name, p) in entries {
            providers.push(provider_section(file, section, name, p)?);
        }
    }
    let mut workspaces = Vec::new();
    if let Some(ws) = root.get("AzureSentinel").and_then(|a| a.get("Workspaces")) {
        if let Value::Map(entries) = &ws.value {
            for (name, w) in entries {
                let field = |k: &str| {
                    w.get(k)
                        .and_then(Node::text)
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                };
                workspaces.push(WorkspaceConfig {
                    name: name.clone(),
                    workspace_id: field("WorkspaceId"),
                    tenant_id: field("TenantId"),
                    line: w.line,
                });
            }
        } else if !matches!(ws.value, Value::Null) {
            return Err(config_error(
                file,
                Some(ws.line),
                "AzureSentinel.Workspaces is not a mapping",
            ));
        }
    }
    Ok(MsticpyConfig {
        file: file.to_string(),
        providers,
        workspaces,
    })
}

fn provider_section(file: &str, section: &str, name: &str, node: &Node) -> Result<ProviderConfig> {
    if !matches!(node.value, Value::Map(_) | Value::Null) {
        return Err(config_error(
            file,
            Some(node.line),
            format!("{section}.{name} is not a mapping"),
        ));
    }
    let primary = node.get("Primary").and_then(|p| match p.value {
        Value::Bool(b) => Some(b),
        _ => None,
    });
    let mut args = Vec::new();
    if let Some(a) = node.get("Args") {
        let entries = match &a.value {
            Value::Map(m) => m.as_slice(),
            Value::Null => &[],
            _ => {
                return Err(config_error(
                    file,
                    Some(a.line),
                    format!("{section}.{name}.Args is not a mapping"),
                ))
            }
        };
        for (key, v) in entries {
            let value = match &v.value {
                Value::Map(_) => {
                    if let Some(var) = v.get("EnvironmentVar") {
                        ConfigValue::EnvironmentVar(var.text().ok_or_else(|| {
                            config_error(
                                file,
                                Some(var.line),
                                format!("{section}.{name}.Args.{key}.EnvironmentVar is not a name"),
                            )
                        })?)
                    } else if v.get("KeyVault").is_some() {
                        ConfigValue::KeyVault
                    } else {
                        return Err(config_error(
                            file,
                            Some(v.line),
                            format!("{section}.{name}.Args.{key} is a mapping without EnvironmentVar or KeyVault"),
                        ));
                    }
                }
                Value::Null => ConfigValue::Text(String::new()),
                _ => ConfigValue::Text(v.text().ok_or_else(|| {
                    config_error(
                        file,
                        Some(v.line),
                        format!("{section}.{name}.Args.{key} is not a value"),
                    )
                })?),
            };
            args.push((key.clone(), value));
        }
    }
    Ok(ProviderConfig {
        name: name.to_string(),
        primary,
        args,
        line: node.line,
    })
}

/// Parses a base URL override list, `provider=http://127.0.0.1:PORT,…`
/// (the `HUNTKIT_PROVIDER_BASE_URLS` variable tests set), and refuses any
/// URL whose host is not a loopback IP literal: the override exists to
/// point a host at a fixture server on this machine, and must never turn
/// into a way to send keys elsewhere. No names (`localhost` may resolve
/// anywhere), no other addresses.
pub fn loopback_base_urls(text: &str) -> Result<Vec<(String, String)>> {
    let bad = |entry: &str, why: &str| {
        Error::new(ErrorKind::InvalidOption {
            name: "HUNTKIT_PROVIDER_BASE_URLS".into(),
            message: format!("{entry:?} {why}"),
        })
    };
    let mut out = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((name, url)) = entry.split_once('=') else {
            return Err(bad(entry, "is not provider=url"));
        };
        let url = url.trim().trim_end_matches('/');
        let Some(rest) = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
        else {
            return Err(bad(entry, "is not an http(s) URL"));
        };
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            return Err(bad(entry, "has user information"));
        }
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or("")
        } else {
            authority.rsplit_once(':').map_or(authority, |(h, _)| h)
        };
        match host.parse::<IpAddr>() {
            Ok(ip) if ip.is_loopback() => {}
            _ => {
                return Err(bad(
                    entry,
                    "is not a loopback address (only 127.0.0.0/8 and [::1] may be overridden)",
                ))
            }
        }
        out.push((name.trim().to_ascii_lowercase(), url.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
QueryDefaults:
  x: 1
TIProviders:
  VirusTotal:
    Args:
      AuthKey: vt-literal
    Primary: True
    Provider: VirusTotal
  XForce:
    Args:
      ApiID: id-1
      AuthKey:
        EnvironmentVar: XF_KEY
  OTX:
    Args:
      AuthKey:
        KeyVault:
OtherProviders:
  IPStack:
    Args:
      AuthKey: 12345
";

    fn env(name: &str) -> Option<String> {
        (name == "XF_KEY").then(|| "xf-secret".to_string())
    }

    #[test]
    fn reads_literals_and_environment_variables() {
        let c = read_msticpy_config("msticpyconfig.yaml", CONFIG).unwrap();
        let names: Vec<&str> = c.providers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["VirusTotal", "XForce", "OTX", "IPStack"]);
        let vt = c.provider("virustotal").unwrap();
        assert_eq!(vt.primary, Some(true));
        assert_eq!(
            vt.secret(&c.file, "AuthKey", env).unwrap().as_deref(),
            Some("vt-literal")
        );
        assert_eq!(vt.secret(&c.file, "ApiID", env).unwrap(), None);
        let xf = c.provider("XForce").unwrap();
        assert_eq!(
            xf.secret(&c.file, "AuthKey", env).unwrap().as_deref(),
            Some("xf-secret")
        );
        let e = xf.secret(&c.file, "AuthKey", |_| None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "msticpyconfig.yaml line 9: XForce.Args.AuthKey names environment variable XF_KEY, which is not set"
        );
        let e = c
            .provider("OTX")
            .unwrap()
            .secret(&c.file, "AuthKey", env)
            .unwrap_err();
        assert!(e.to_string().contains("KeyVault"), "{e}");
        assert_eq!(
            c.provider("IPStack")
                .unwrap()
                .secret(&c.file, "AuthKey", env)
                .unwrap()
                .as_deref(),
            Some("12345")
        );
    }

    #[test]
    fn reads_workspaces_and_data_providers() {
        let text = "\
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: 52b1ab41-869e-4138-9e40-2a4457f09bf0
      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
    Prod:
      WorkspaceId: 11111111-2222-3333-4444-555555555555
DataProviders:
  Splunk:
    Args:
      host: splunk.example.com
      password:
        EnvironmentVar: SPLUNK_PW
";
        let c = read_msticpy_config("m.yaml", text).unwrap();
        assert_eq!(c.workspaces.len(), 2);
        let d = c.workspace(None).unwrap();
        assert_eq!(d.name, "Default");
        assert_eq!(
            d.tenant_id.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(c.workspace(Some("prod")).unwrap().tenant_id, None);
        let e = c.workspace(Some("dev")).unwrap_err();
        assert!(e.to_string().contains("there are Default, Prod"), "{e}");
        let s = c.provider("Splunk").unwrap();
        assert_eq!(
            s.secret(&c.file, "host", |_| None).unwrap().as_deref(),
            Some("splunk.example.com")
        );
        assert!(MsticpyConfig::default().workspace(None).is_err());
    }

    #[test]
    fn run_defaults_come_from_the_provider_section() {
        let splunk = crate::providers::siem::siem_provider("splunk").unwrap();
        let text = "DataProviders:\n  Splunk:\n    Args:\n      host: s\n      mode: jobs\n      job_timeout:\n        EnvironmentVar: HK_JT\n";
        let c = read_msticpy_config("m.yaml", text).unwrap();
        let env = |n: &str| (n == "HK_JT").then(|| "120".to_string());
        let d = c.run_defaults(splunk, env).unwrap();
        assert_eq!(
            d,
            RunDefaults {
                mode: Some(crate::providers::siem::RunMode::Jobs),
                page_size: None,
                job_timeout_secs: Some(120),
            }
        );
        assert_eq!(
            MsticpyConfig::default().run_defaults(splunk, env).unwrap(),
            RunDefaults::default()
        );
        let c = read_msticpy_config("m.yaml", &text.replace("mode: jobs", "mode: bulk")).unwrap();
        let e = c.run_defaults(splunk, env).unwrap_err().to_string();
        assert_eq!(
            e,
            "m.yaml line 2: Splunk.Args.mode is not a run mode: use one of export, jobs"
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = read_msticpy_config("c.yaml", "TIProviders:\n  VirusTotal:\n    Args: [1, 2]\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.yaml line 3: TIProviders.VirusTotal.Args is not a mapping"
        );
        let e = read_msticpy_config("c.yaml", "TIProviders: [\n").unwrap_err();
        assert!(e.to_string().starts_with("c.yaml"), "{e}");
        assert_eq!(
            read_msticpy_config("c.yaml", "").unwrap().providers.len(),
            0
        );
    }

    #[test]
    fn overrides_only_loopback() {
        let o = loopback_base_urls("virustotal=http://127.0.0.1:8080/, OTX=http://[::1]:9/api")
            .unwrap();
        assert_eq!(
            o,
            [
                (
                    "virustotal".to_string(),
                    "http://127.0.0.1:8080".to_string()
                ),
                ("otx".to_string(), "http://[::1]:9/api".to_string())
            ]
        );
        for bad in [
            "virustotal=http://10.0.0.1:80",
            "virustotal=http://localhost:80",
            "virustotal=http://169.254.169.254",
            "virustotal=http://127.0.0.1.evil.com",
            "virustotal=http://127.0.0.1@evil.com",
            "virustotal=ftp://127.0.0.1",
            "virustotal",
        ] {
            assert!(loopback_base_urls(bad).is_err(), "{bad}");
        }
    }
}
