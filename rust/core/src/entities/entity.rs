//! One entity: its kind, its properties (the identifying ones named as
//! Sentinel names them), its times, and the key that merges duplicates.

use serde_json::{Map, Value};

use super::kind::EntityKind;

/// An entity as it enters the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// The source's type name when the kind is [`EntityKind::Unknown`]
    /// (kept so a generic node still says what it was).
    pub source_type: Option<String>,
    /// Properties, scalar JSON values (identifying ones under their
    /// canonical names, see [`EntityKind::identifying`]).
    pub properties: Map<String, Value>,
    /// A display name; derived from the properties when `None`.
    pub name: Option<String>,
    /// A one-line description; derived when `None`.
    pub description: Option<String>,
    /// When the entity was recorded (ms since the epoch, UTC).
    pub time_generated: Option<i64>,
    /// First activity (ms, UTC).
    pub start_time: Option<i64>,
    /// Last activity (ms, UTC).
    pub end_time: Option<i64>,
}

impl Entity {
    /// An entity with no properties yet.
    pub fn new(kind: EntityKind) -> Entity {
        Entity {
            kind,
            source_type: None,
            properties: Map::new(),
            name: None,
            description: None,
            time_generated: None,
            start_time: None,
            end_time: None,
        }
    }

    /// Sets a property, renaming an identifying one (or its alias) to its
    /// canonical name. Nulls and empty strings are skipped: they identify
    /// nothing.
    pub fn set(&mut self, property: &str, value: Value) {
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            return;
        }
        let name = self
            .kind
            .identifying_name(property)
            .unwrap_or(property)
            .to_string();
        self.properties.insert(name, value);
    }

    /// Builder form of [`set`](Self::set).
    pub fn with(mut self, property: &str, value: impl Into<Value>) -> Entity {
        self.set(property, value.into());
        self
    }

    /// The merge key: the kind and its identifying values (lower-cased,
    /// as names, domains and hashes are case-insensitive), or `None` when
    /// the entity has none (notes, unknown kinds, an entity with only
    /// other properties): such an entity is never merged.
    pub fn key(&self) -> Option<String> {
        let mut key = String::from(self.kind.name());
        let mut any = false;
        for p in self.kind.identifying() {
            key.push('\u{1f}');
            if let Some(v) = self.properties.get(*p) {
                any = true;
                key.push_str(&scalar_text(v).to_lowercase());
            }
        }
        any.then_some(key)
    }

    /// The name shown for the node: the given one, else the kind's
    /// identifying values that are there (`DOMAIN\user`, `host.domain`),
    /// else the kind's title.
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        let get = |p: &str| self.properties.get(p).map(scalar_text);
        let joined = match self.kind {
            EntityKind::Account => match (get("NTDomain"), get("Name"), get("UPNSuffix")) {
                (Some(d), Some(n), _) => Some(format!("{d}\\{n}")),
                (None, Some(n), Some(u)) => Some(format!("{n}@{u}")),
                (_, n, _) => n.or_else(|| get("Sid")).or_else(|| get("AadUserId")),
            },
            EntityKind::Host => match (get("HostName"), get("DnsDomain")) {
                (Some(h), Some(d)) => Some(format!("{h}.{d}")),
                (h, _) => h.or_else(|| get("AzureID")),
            },
            EntityKind::File => match (get("Directory"), get("Name")) {
                (Some(d), Some(n)) => Some(format!("{}\\{n}", d.trim_end_matches('\\'))),
                (d, n) => n.or(d),
            },
            EntityKind::FileHash => match (get("Algorithm"), get("Value")) {
                (Some(a), Some(v)) => Some(format!("{a}: {v}")),
                (_, v) => v,
            },
            EntityKind::Process => match (get("CommandLine"), get("ProcessId")) {
                (Some(c), _) => Some(c),
                (None, Some(p)) => Some(format!("pid {p}")),
                _ => None,
            },
            EntityKind::NetworkConnection => Some(format!(
                "{}:{} → {}:{}",
                get("SourceAddress").unwrap_or_default(),
                get("SourcePort").unwrap_or_default(),
                get("DestinationAddress").unwrap_or_default(),
                get("DestinationPort").unwrap_or_default()
            )),
            EntityKind::RegistryKey => match (get("Hive"), get("Key")) {
                (Some(h), Some(k)) => Some(format!("{h}\\{k}")),
                (h, k) => k.or(h),
            },
            k => k.identifying().iter().find_map(|p| get(p)),
        };
        // Other names a source gives an entity, in any case.
        let named = || {
            ["FriendlyName", "DisplayName", "Name"]
                .iter()
                .find_map(|n| {
                    self.properties
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(n))
                        .map(|(_, v)| scalar_text(v))
                })
        };
        joined
            .or_else(named)
            .unwrap_or_else(|| match &self.source_type {
                Some(t) => t.clone(),
                None => self.kind.title().to_string(),
            })
    }

    /// The description shown for the node: the given one, else the kind's
    /// title and the identifying values.
    pub fn display_description(&self) -> String {
        if let Some(d) = &self.description {
            return d.clone();
        }
        let title = match &self.source_type {
            Some(t) if self.kind == EntityKind::Unknown => t.as_str(),
            _ => self.kind.title(),
        };
        let parts: Vec<String> = self
            .kind
            .identifying()
            .iter()
            .filter_map(|p| Some(format!("{p}: {}", scalar_text(self.properties.get(*p)?))))
            .collect();
        if parts.is_empty() {
            title.to_string()
        } else {
            format!("{title} ({})", parts.join(", "))
        }
    }

    /// Takes what `other` (the same entity, seen again) adds: properties
    /// this one lacks, a name or description, and the widest times.
    pub fn absorb(&mut self, other: Entity) {
        for (k, v) in other.properties {
            self.properties.entry(k).or_insert(v);
        }
        self.name = self.name.take().or(other.name);
        self.description = self.description.take().or(other.description);
        self.source_type = self.source_type.take().or(other.source_type);
        self.time_generated = min_time(self.time_generated, other.time_generated);
        self.start_time = min_time(self.start_time, other.start_time);
        self.end_time = match (self.end_time, other.end_time) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

fn min_time(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A property value as text: strings as they are, other JSON as written.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_case_give_one_key() {
        let a = Entity::new(EntityKind::Account)
            .with("accountName", "Alice")
            .with("ntDomain", "CONTOSO");
        let b = Entity::new(EntityKind::Account)
            .with("Name", "alice")
            .with("NTDomain", "contoso")
            .with("IsDomainJoined", true);
        assert_eq!(a.key(), b.key());
        assert!(a.key().is_some());
        assert_eq!(a.display_name(), "CONTOSO\\Alice");
        let c = Entity::new(EntityKind::Account).with("Name", "alice");
        assert_ne!(a.key(), c.key());
    }

    #[test]
    fn blank_values_identify_nothing() {
        let e = Entity::new(EntityKind::Host)
            .with("HostName", " ")
            .with("OSFamily", "Windows");
        assert_eq!(e.key(), None);
        assert_eq!(e.display_name(), "Host");
        assert_eq!(Entity::new(EntityKind::Note).key(), None);
    }

    #[test]
    fn absorb_keeps_first_values_and_widens_times() {
        let mut a = Entity::new(EntityKind::IpAddress).with("Address", "10.0.0.1");
        a.start_time = Some(20);
        a.end_time = Some(30);
        let mut b = Entity::new(EntityKind::IpAddress)
            .with("Address", "10.0.0.1")
            .with("Location", "x");
        b.start_time = Some(10);
        b.end_time = Some(40);
        a.absorb(b);
        assert_eq!((a.start_time, a.end_time), (Some(10), Some(40)));
        assert_eq!(a.properties["Location"], "x");
        assert_eq!(a.display_description(), "IP address (Address: 10.0.0.1)");
    }
}
