//! A set of templates loaded from many files: look-up by name, filters by
//! data environment, family and text, and the files that failed.

use serde::{Deserialize, Serialize};

use super::template::{load_file, Template};
use crate::error::{Error, ErrorKind, Result};

/// The canonical name of a data environment. MSTICPy's aliases are one
/// environment each: `MSSentinel` = `LogAnalytics` = `AzureSentinel`;
/// `MDE` = `MDATP` = `M365D` (one schema, as in MSTICPy); `Kusto` =
/// `AzureDataExplorer`. Others keep their spelling.
pub fn canonical_environment(name: &str) -> String {
    let key: String = name
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let canonical = match key.as_str() {
        "mssentinel" | "loganalytics" | "azuresentinel" | "sentinel" | "microsoftsentinel"
        | "mssentinelnew" | "mssentinellegacy" => "MSSentinel",
        "mde" | "mdatp" | "m365d" | "microsoftdefender" | "m365defender" | "defender" => "MDE",
        "kusto" | "azuredataexplorer" | "adx" | "kustonew" => "Kusto",
        "splunk" => "Splunk",
        "localdata" | "local" => "LocalData",
        _ => return name.trim().to_string(),
    };
    canonical.to_string()
}

/// A file (or one template in it) that did not load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// The template, when the problem is in one.
    pub source: Option<String>,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// The whole message (`file line N, template "x": …`).
    pub message: String,
}

impl LoadError {
    fn from_error(file: &str, e: &Error) -> LoadError {
        let (source, line) = match e.kind() {
            ErrorKind::QueryFile { source, line, .. } => (source.clone(), *line),
            _ => (None, None),
        };
        LoadError {
            file: file.to_string(),
            source,
            line,
            message: e.to_string(),
        }
    }
}

/// Which templates to list. Empty fields match everything; text matches
/// are case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueryFilter {
    /// A data environment, any alias (`LogAnalytics` finds `MSSentinel`).
    pub environment: Option<String>,
    /// A data family (`WindowsSecurity`).
    pub family: Option<String>,
    /// Words that must each appear in the name, family, description or a
    /// parameter name.
    pub search: Option<String>,
    /// A parameter the template must take (name or alias).
    pub parameter: Option<String>,
    /// A pivot entity it must take (`host`, `account`, `ip`, …).
    pub entity: Option<String>,
}

/// Loaded templates plus the files that failed.
#[derive(Debug, Clone, Default)]
pub struct QueryStore {
    templates: Vec<Template>,
    errors: Vec<LoadError>,
}

impl QueryStore {
    /// An empty store.
    pub fn new() -> QueryStore {
        QueryStore::default()
    }

    /// Adds the templates of one YAML file (`file` names it in messages);
    /// what fails is recorded in [`errors`](Self::errors), never returned,
    /// so one bad file never stops the rest. Returns how many loaded.
    pub fn add_yaml(&mut self, file: &str, text: &str) -> usize {
        let (templates, errors) = load_file(file, text);
        self.errors
            .extend(errors.iter().map(|e| LoadError::from_error(file, e)));
        let mut added = 0;
        for t in templates {
            let clash = self.templates.iter().find(|o| {
                o.name == t.name && o.environments.iter().any(|e| t.environments.contains(e))
            });
            if let Some(other) = clash {
                self.errors.push(LoadError {
                    file: file.to_string(),
                    source: Some(t.source.clone()),
                    line: Some(t.line),
                    message: format!(
                        "{file} line {}, template {:?}: {} is already defined for {} in {}",
                        t.line,
                        t.source,
                        t.name,
                        other.environments.join(", "),
                        other.file
                    ),
                });
                continue;
            }
            self.templates.push(t);
            added += 1;
        }
        added
    }

    /// [`add_yaml`](Self::add_yaml) for bytes that should be UTF-8.
    pub fn add_bytes(&mut self, file: &str, bytes: &[u8]) -> usize {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.add_yaml(file, text.strip_prefix('\u{feff}').unwrap_or(text)),
            Err(e) => {
                self.errors.push(LoadError {
                    file: file.to_string(),
                    source: None,
                    line: None,
                    message: format!("{file}: not UTF-8 text (byte {})", e.valid_up_to()),
                });
                0
            }
        }
    }

    /// Loads every `.yaml`/`.yml` file under `dir`, recursively, in name
    /// order (so the result does not depend on the file system).
    pub fn load_dir(&mut self, dir: &std::path::Path) -> std::io::Result<usize> {
        let mut files = Vec::new();
        collect_yaml(dir, &mut files)?;
        files.sort();
        let mut added = 0;
        for path in files {
            let name = path.display().to_string();
            match std::fs::read(&path) {
                Ok(bytes) => added += self.add_bytes(&name, &bytes),
                Err(e) => self.errors.push(LoadError {
                    file: name.clone(),
                    source: None,
                    line: None,
                    message: format!("{name}: cannot read: {e}"),
                }),
            }
        }
        Ok(added)
    }

    /// Every template, in load order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// What failed to load.
    pub fn errors(&self) -> &[LoadError] {
        &self.errors
    }

    /// The templates `filter` selects, sorted by environment then name.
    pub fn find(&self, filter: &QueryFilter) -> Vec<&Template> {
        let env = filter.environment.as_deref().map(canonical_environment);
        let lower = |s: &str| s.to_lowercase();
        let words: Vec<String> = filter
            .search
            .as_deref()
            .map(|s| s.split_whitespace().map(lower).collect())
            .unwrap_or_default();
        let mut out: Vec<&Template> = self
            .templates
            .iter()
            .filter(|t| env.as_ref().is_none_or(|e| t.environments.contains(e)))
            .filter(|t| {
                filter
                    .family
                    .as_deref()
                    .is_none_or(|f| t.families.iter().any(|x| x.eq_ignore_ascii_case(f)))
            })
            .filter(|t| {
                filter
                    .parameter
                    .as_deref()
                    .is_none_or(|p| t.parameter(p).is_some())
            })
            .filter(|t| {
                filter
                    .entity
                    .as_deref()
                    .is_none_or(|e| t.entities.iter().any(|x| x.eq_ignore_ascii_case(e)))
            })
            .filter(|t| {
                if words.is_empty() {
                    return true;
                }
                let hay = lower(&format!(
                    "{} {} {} {} {}",
                    t.name,
                    t.aliases.join(" "),
                    t.description,
                    t.parameters
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    t.entities.join(" ")
                ));
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect();
        out.sort_by(|a, b| (&a.environments, &a.name).cmp(&(&b.environments, &b.name)));
        out
    }

    /// The template called `name` (`family.source`, an alias, or the bare
    /// source name when only one template has it), in `environment` when
    /// given. Several matches without an environment is an error that
    /// lists them.
    pub fn get(&self, name: &str, environment: Option<&str>) -> Result<&Template> {
        let env = environment.map(canonical_environment);
        let in_env = |t: &&Template| env.as_ref().is_none_or(|e| t.environments.contains(e));
        let exact: Vec<&Template> = self
            .templates
            .iter()
            .filter(in_env)
            .filter(|t| t.name == name || t.aliases.iter().any(|a| a == name))
            .collect();
        let found = if exact.is_empty() {
            self.templates
                .iter()
                .filter(in_env)
                .filter(|t| t.source == name || t.name.eq_ignore_ascii_case(name))
                .collect()
        } else {
            exact
        };
        match found.as_slice() {
            [one] => Ok(one),
            [] => {
                let near: Vec<&str> = self
                    .templates
                    .iter()
                    .filter(in_env)
                    .filter(|t| {
                        let n = name.to_lowercase();
                        let s = t.source.to_lowercase();
                        s.contains(&n) || n.contains(&s)
                    })
                    .map(|t| t.name.as_str())
                    .take(5)
                    .collect();
                let mut hint = match &env {
                    Some(e) => format!(" for {e}"),
                    None => String::new(),
                };
                if !near.is_empty() {
                    hint.push_str(&format!(" (did you mean {}?)", near.join(", ")));
                }
                Err(Error::new(ErrorKind::UnknownTemplate {
                    name: name.to_string(),
                    hint,
                }))
            }
            many => {
                let list: Vec<String> = many
                    .iter()
                    .map(|t| format!("{} ({})", t.name, t.environments.join(", ")))
                    .collect();
                Err(Error::new(ErrorKind::UnknownTemplate {
                    name: name.to_string(),
                    hint: format!(": several match, name the environment: {}", list.join("; ")),
                }))
            }
        }
    }
}

fn collect_yaml(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(env: &str, family: &str, names: &[&str]) -> String {
        let mut s = format!(
            "metadata:\n  data_environments: [{env}]\n  data_families: [{family}]\nsources:\n"
        );
        for n in names {
            s.push_str(&format!(
                "  {n}:\n    description: finds {n}\n    metadata:\n      pivot: {{entities: [host]}}\n    args:\n      query: 'T | where H == \"{{host_name}}\"'\n    parameters:\n      host_name: {{description: h, type: str}}\n"
            ));
        }
        s
    }

    #[test]
    fn environments_have_their_aliases() {
        for (a, b) in [
            ("LogAnalytics", "MSSentinel"),
            ("AzureSentinel", "MSSentinel"),
            ("MDATP", "MDE"),
            ("M365D", "MDE"),
            ("AzureDataExplorer", "Kusto"),
            ("splunk", "Splunk"),
            ("Elastic", "Elastic"),
        ] {
            assert_eq!(canonical_environment(a), b);
        }
    }

    #[test]
    fn a_bad_file_is_listed_and_the_rest_load() {
        let mut store = QueryStore::new();
        store.add_yaml(
            "a.yaml",
            &file("LogAnalytics", "Net", &["dns_lookups", "flows"]),
        );
        store.add_yaml("bad.yaml", "metadata: [\n");
        store.add_yaml("b.yaml", &file("Splunk", "Net", &["flows"]));
        store.add_bytes("c.yaml", b"\xff\xfe");
        store.add_yaml("dup.yaml", &file("MSSentinel", "Net", &["flows"]));
        assert_eq!(store.templates().len(), 3);
        let errs: Vec<&str> = store.errors().iter().map(|e| e.file.as_str()).collect();
        assert_eq!(errs, ["bad.yaml", "c.yaml", "dup.yaml"]);
        assert!(store.errors()[2]
            .message
            .contains("already defined for MSSentinel in a.yaml"));
    }

    #[test]
    fn find_and_get() {
        let mut store = QueryStore::new();
        store.add_yaml(
            "a.yaml",
            &file("LogAnalytics", "Net", &["dns_lookups", "flows"]),
        );
        store.add_yaml("b.yaml", &file("Splunk", "Net", &["flows"]));
        let names = |f: QueryFilter| -> Vec<String> {
            store.find(&f).iter().map(|t| t.name.clone()).collect()
        };
        assert_eq!(
            names(QueryFilter {
                environment: Some("AzureSentinel".into()),
                ..Default::default()
            }),
            ["Net.dns_lookups", "Net.flows"]
        );
        assert_eq!(
            names(QueryFilter {
                search: Some("FINDS dns".into()),
                ..Default::default()
            }),
            ["Net.dns_lookups"]
        );
        assert_eq!(
            names(QueryFilter {
                parameter: Some("host_name".into()),
                entity: Some("HOST".into()),
                family: Some("net".into()),
                ..Default::default()
            })
            .len(),
            3
        );
        assert!(names(QueryFilter {
            parameter: Some("account".into()),
            ..Default::default()
        })
        .is_empty());
        assert_eq!(
            store.get("dns_lookups", None).unwrap().name,
            "Net.dns_lookups"
        );
        assert_eq!(
            store.get("Net.flows", Some("splunk")).unwrap().environments,
            ["Splunk"]
        );
        let e = store.get("Net.flows", None).unwrap_err().to_string();
        assert!(e.contains("several match") && e.contains("(Splunk)"), "{e}");
        let e = store.get("dns", None).unwrap_err().to_string();
        assert_eq!(
            e,
            "no query template named \"dns\" (did you mean Net.dns_lookups?)"
        );
    }
}
