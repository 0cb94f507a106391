//! Entities from the JSON analysts export: Microsoft Sentinel incidents and
//! alerts (REST resources with `properties`, and `SecurityAlert` rows whose
//! `Entities` column is a JSON array linked by `$id`/`$ref`), and Defender
//! alerts with their `evidence` (Microsoft Graph `@odata.type` evidence or
//! the Defender API's `entityType`).
//!
//! References are resolved per array (Sentinel numbers `$id`s per alert),
//! forward references included; a reference that points nowhere is
//! reported in the graph's warnings and skipped. References only add links,
//! never walk the JSON again, so reference cycles are harmless.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::entity::{scalar_text, Entity};
use super::graph::EntityGraph;
use super::kind::EntityKind;
use crate::error::{Error, Result};
use crate::table::parse_time_ms;

/// Adds everything `input` holds (an incident, alerts, entity arrays, or
/// a list of them) to `graph`. Parts that are not recognised are reported
/// in the graph's warnings, not fatal; more entities than the graph's
/// `max_nodes` is.
pub fn add_json(graph: &mut EntityGraph, input: &Value) -> Result<()> {
    graph.check_input(count_entities(input))?;
    let mut importer = Importer { graph };
    importer.document(input, None)
}

/// Reads JSON text (an incident or alert export) into `graph`.
pub fn add_json_bytes(graph: &mut EntityGraph, bytes: &[u8]) -> Result<()> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::parse(
            "entity json",
            Some(e.line() as u64),
            format!("{e} (expected a Sentinel incident or alert, or Defender alert JSON)"),
        )
    })?;
    add_json(graph, &value)
}

/// Entity records in the input, counted before any work so a huge export
/// is refused at once. JSON text inside strings (`Entities` cells) is
/// counted when it is read.
fn count_entities(v: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                let is_entity = ["$id", "@odata.type", "entityType"]
                    .iter()
                    .any(|k| map.contains_key(*k))
                    || (map.contains_key("kind") && map.contains_key("properties"));
                count += usize::from(is_entity);
                stack.extend(map.values());
            }
            _ => {}
        }
    }
    count
}

/// `$id`s (or REST resource ids) seen in one array, and the references
/// waiting for them.
#[derive(Default)]
struct Scope {
    ids: HashMap<String, String>,
    /// (node id, reference, label)
    pending: Vec<(String, String, String)>,
}

struct Importer<'g> {
    graph: &'g mut EntityGraph,
}

impl Importer<'_> {
    /// Any recognised document; `parent` is the node the document's top
    /// entities are linked to (an incident for its alerts, an alert for
    /// its entities).
    fn document(&mut self, v: &Value, parent: Option<(&str, &str)>) -> Result<()> {
        match v {
            Value::Array(items) => {
                if items.iter().any(is_reference_entity) {
                    return self.entity_array(items, parent);
                }
                for item in items {
                    self.document(item, parent)?;
                }
                Ok(())
            }
            Value::Object(_) if is_reference_entity(v) => {
                self.entity_array(std::slice::from_ref(v), parent)
            }
            Value::Object(map) => self.object(map, parent),
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(inner @ (Value::Array(_) | Value::Object(_))) => {
                    self.graph.check_input(count_entities(&inner))?;
                    self.document(&inner, parent)
                }
                _ => {
                    self.graph
                        .warn(format!("text {:?} is not entity JSON: skipped", cut(text)));
                    Ok(())
                }
            },
            Value::Null => Ok(()),
            other => {
                self.graph.warn(format!(
                    "value {} is not entity JSON: skipped",
                    cut(&other.to_string())
                ));
                Ok(())
            }
        }
    }

    fn object(&mut self, map: &Map<String, Value>, parent: Option<(&str, &str)>) -> Result<()> {
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            let kind_name = map
                .get("kind")
                .and_then(Value::as_str)
                .or_else(|| map.get("type").and_then(Value::as_str))
                .unwrap_or_default();
            return match EntityKind::from_source_name(kind_name) {
                EntityKind::Incident => self.rest_incident(map, props, parent),
                EntityKind::Alert => self.rest_alert(map, props, parent),
                // A resource typed only by `type`: an entity of some kind.
                _ => self.entity_array(&[Value::Object(map.clone())], parent),
            };
        }
        if map.contains_key("evidence") {
            return self.defender_alert(map, parent);
        }
        if ["Entities", "SystemAlertId", "AlertName"]
            .iter()
            .any(|k| map.contains_key(*k))
        {
            return self.alert_row(map, parent);
        }
        if map.contains_key("alerts") && !map.contains_key("value") {
            return self.graph_incident(map, parent);
        }
        // List responses: `{"value": [...]}` (alerts, incidents) and
        // `{"entities": [...]}` (an incident's entities).
        let mut listed = false;
        for key in ["value", "entities", "Entities"] {
            if let Some(items) = map.get(key) {
                listed = true;
                self.document(items, parent)?;
            }
        }
        if !listed {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
            self.graph.warn(format!(
                "object with keys {} is not an incident, alert or entity: skipped",
                keys.join(", ")
            ));
        }
        Ok(())
    }

    /// A Sentinel REST incident (`Microsoft.SecurityInsights/Incidents`),
    /// with the alerts and entities an export may carry beside it.
    fn rest_incident(
        &mut self,
        map: &Map<String, Value>,
        props: &Map<String, Value>,
        parent: Option<(&str, &str)>,
    ) -> Result<()> {
        let mut e = Entity::new(EntityKind::Incident);
        let id = map.get("name").or_else(|| map.get("id"));
        if let Some(id) = id {
            e.set("IncidentId", id.clone());
        }
        e.name = text(props, "title").map(|t| match props.get("incidentNumber") {
            Some(n) => format!("Incident {}: {t}", scalar_text(n)),
            None => t,
        });
        e.description = text(props, "description");
        copy_scalars(&mut e, props, &["title", "description"]);
        e.time_generated = time(props, "createdTimeUtc");
        e.start_time = time(props, "firstActivityTimeUtc");
        e.end_time = time(props, "lastActivityTimeUtc");
        let node = self.graph.add_incident(e)?;
        self.link_parent(&node, parent)?;
        self.children(&node, &[map, props])
    }

    /// A Sentinel REST alert (`kind: SecurityAlert`).
    fn rest_alert(
        &mut self,
        map: &Map<String, Value>,
        props: &Map<String, Value>,
        parent: Option<(&str, &str)>,
    ) -> Result<()> {
        let mut e = Entity::new(EntityKind::Alert);
        if let Some(id) = props.get("systemAlertId").or_else(|| map.get("name")) {
            e.set("SystemAlertId", id.clone());
        }
        e.name = text(props, "alertDisplayName").or_else(|| text(props, "friendlyName"));
        e.description = text(props, "description");
        copy_scalars(&mut e, props, &["alertDisplayName", "description"]);
        e.time_generated = time(props, "timeGenerated");
        e.start_time = time(props, "startTimeUtc");
        e.end_time = time(props, "endTimeUtc");
        let node = self.graph.add_alert(e, None)?;
        self.link_parent(&node, parent)?;
        self.children(&node, &[map, props])
    }

    /// A `SecurityAlert` table row: `Entities` is JSON text (or already
    /// an array).
    fn alert_row(&mut self, map: &Map<String, Value>, parent: Option<(&str, &str)>) -> Result<()> {
        let mut e = Entity::new(EntityKind::Alert);
        if let Some(id) = map.get("SystemAlertId").or_else(|| map.get("AlertId")) {
            e.set("SystemAlertId", id.clone());
        }
        e.name = text(map, "DisplayName").or_else(|| text(map, "AlertName"));
        e.description = text(map, "Description");
        copy_scalars(
            &mut e,
            map,
            &[
                "DisplayName",
                "Description",
                "Entities",
                "ExtendedProperties",
            ],
        );
        e.time_generated = time(map, "TimeGenerated");
        e.start_time = time(map, "StartTime").or_else(|| time(map, "StartTimeUtc"));
        e.end_time = time(map, "EndTime").or_else(|| time(map, "EndTimeUtc"));
        let node = self.graph.add_alert(e, None)?;
        self.link_parent(&node, parent)?;
        if let Some(entities) = map.get("Entities") {
            self.document(entities, Some((node.as_str(), "entity")))?;
        }
        Ok(())
    }

    /// A Defender alert (Microsoft Graph `alert` or Defender API) and its
    /// `evidence`.
    fn defender_alert(
        &mut self,
        map: &Map<String, Value>,
        parent: Option<(&str, &str)>,
    ) -> Result<()> {
        let mut e = Entity::new(EntityKind::Alert);
        if let Some(id) = map.get("id").or_else(|| map.get("alertId")) {
            e.set("SystemAlertId", id.clone());
        }
        e.name = text(map, "title");
        e.description = text(map, "description");
        copy_scalars(&mut e, map, &["title", "description"]);
        e.time_generated = time(map, "createdDateTime").or_else(|| time(map, "alertCreationTime"));
        e.start_time = time(map, "firstActivityDateTime").or_else(|| time(map, "firstEventTime"));
        e.end_time = time(map, "lastActivityDateTime").or_else(|| time(map, "lastEventTime"));
        let node = self.graph.add_alert(e, None)?;
        self.link_parent(&node, parent)?;
        if let Some(Value::Array(items)) = map.get("evidence") {
            for item in items {
                match item {
                    Value::Object(ev) => {
                        self.evidence(ev, &node, "evidence")?;
                    }
                    other => self.graph.warn(format!(
                        "evidence item {} is not an object: skipped",
                        cut(&other.to_string())
                    )),
                }
            }
        }
        Ok(())
    }

    /// A Microsoft Graph security incident with its `alerts`.
    fn graph_incident(
        &mut self,
        map: &Map<String, Value>,
        parent: Option<(&str, &str)>,
    ) -> Result<()> {
        let mut e = Entity::new(EntityKind::Incident);
        if let Some(id) = map.get("id").or_else(|| map.get("incidentId")) {
            e.set("IncidentId", id.clone());
        }
        e.name = text(map, "displayName").or_else(|| text(map, "incidentName"));
        e.description = text(map, "description");
        copy_scalars(&mut e, map, &["displayName", "description"]);
        e.time_generated = time(map, "createdDateTime").or_else(|| time(map, "createdTime"));
        e.end_time = time(map, "lastUpdateDateTime").or_else(|| time(map, "lastUpdateTime"));
        let node = self.graph.add_incident(e)?;
        self.link_parent(&node, parent)?;
        self.children(&node, &[map])
    }

    /// The alerts and entities an incident or alert export carries.
    fn children(&mut self, node: &str, maps: &[&Map<String, Value>]) -> Result<()> {
        for map in maps {
            for (key, label) in [
                ("alerts", "alert"),
                ("Alerts", "alert"),
                ("entities", "entity"),
                ("Entities", "entity"),
            ] {
                if let Some(items) = map.get(key) {
                    self.document(items, Some((node, label)))?;
                }
            }
        }
        Ok(())
    }

    /// One Defender evidence item: nested objects of another kind
    /// (`imageFile`, `userAccount` of a process) become linked entities,
    /// those of its own kind (`userAccount` of a user) its properties.
    fn evidence(&mut self, ev: &Map<String, Value>, parent: &str, label: &str) -> Result<String> {
        let type_name = ev
            .get("@odata.type")
            .or_else(|| ev.get("entityType"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = EntityKind::from_source_name(type_name);
        let mut e = Entity::new(kind);
        if kind == EntityKind::Unknown {
            // `#microsoft.graph.security.kubernetesPodEvidence` → its last part.
            let short = type_name.rsplit('.').next().unwrap_or(type_name);
            e.source_type = Some(short.trim_start_matches('#').to_string());
        }
        let mut nested = Vec::new();
        flatten_evidence(&mut e, ev, &mut nested);
        e.time_generated = time(ev, "createdDateTime").or_else(|| time(ev, "evidenceCreationTime"));
        let hashes = file_hashes(&e);
        let node = self.graph.add_entity(e)?;
        self.graph.add_link(parent, &node, Some(label))?;
        for (key, kind, map) in nested {
            let mut child = Entity::new(kind);
            let mut deeper = Vec::new();
            flatten_evidence(&mut child, map, &mut deeper);
            let hashes = file_hashes(&child);
            let id = self.graph.add_entity(child)?;
            self.graph.add_link(&node, &id, Some(key))?;
            self.add_hashes(&id, hashes)?;
        }
        self.add_hashes(&node, hashes)?;
        Ok(node)
    }

    fn add_hashes(&mut self, file: &str, hashes: Vec<Entity>) -> Result<()> {
        for h in hashes {
            let id = self.graph.add_entity(h)?;
            self.graph.add_link(file, &id, Some("hash"))?;
        }
        Ok(())
    }

    /// An array of Sentinel entities in one `$id` scope: `SecurityAlert`'s
    /// `Entities` (`$id`, `$ref`, `Type`) or REST entities (`id`, `kind`,
    /// `properties`, `…EntityId(s)` references).
    fn entity_array(&mut self, items: &[Value], parent: Option<(&str, &str)>) -> Result<()> {
        let mut scope = Scope::default();
        let mut top = Vec::new();
        for item in items {
            match item {
                Value::Object(map) => {
                    if let Some(node) = self.sentinel_entity(map, &mut scope)? {
                        top.push(node);
                    }
                }
                other => self.graph.warn(format!(
                    "entity {} is not an object: skipped",
                    cut(&other.to_string())
                )),
            }
        }
        for (node, reference, label) in std::mem::take(&mut scope.pending) {
            match scope.ids.get(&reference) {
                Some(target) => self.graph.add_link(&node, target, Some(&label))?,
                None => self.graph.warn(format!(
                    "dangling reference {reference:?} ({label} of {node}): no entity has that id, link skipped"
                )),
            }
        }
        if let Some((parent, label)) = parent {
            for node in top {
                self.graph.add_link(parent, &node, Some(label))?;
            }
        }
        Ok(())
    }

    /// One entity of an entity array; `None` for a bare `$ref` (it names
    /// an entity defined elsewhere in the array, linked as a reference).
    fn sentinel_entity(
        &mut self,
        map: &Map<String, Value>,
        scope: &mut Scope,
    ) -> Result<Option<String>> {
        if map.contains_key("$ref") && !map.contains_key("Type") {
            return Ok(None);
        }
        // REST entities keep their properties one level down.
        let (type_name, props) = match map.get("properties").and_then(Value::as_object) {
            Some(props) => (
                map.get("kind").and_then(Value::as_str).unwrap_or_default(),
                props,
            ),
            None => (
                map.get("Type").and_then(Value::as_str).unwrap_or_default(),
                map,
            ),
        };
        let kind = EntityKind::from_source_name(type_name);
        let mut e = Entity::new(kind);
        if kind == EntityKind::Unknown {
            e.source_type = Some(if type_name.is_empty() {
                "untyped".to_string()
            } else {
                type_name.to_string()
            });
        }
        let mut children: Vec<(String, &Map<String, Value>)> = Vec::new();
        let mut refs: Vec<(String, String)> = Vec::new();
        for (key, value) in props {
            if matches!(key.as_str(), "$id" | "Type") {
                continue;
            }
            if let Some(stem) = key.strip_suffix("EntityIds") {
                for r in value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    refs.push((stem.to_string(), r.to_string()));
                }
                continue;
            }
            if let (Some(stem), Some(r)) = (key.strip_suffix("EntityId"), value.as_str()) {
                refs.push((stem.to_string(), r.to_string()));
                continue;
            }
            let linked: Vec<&Map<String, Value>> = match value {
                Value::Object(m) if is_linked(m) => vec![m],
                Value::Array(xs)
                    if !xs.is_empty()
                        && xs.iter().all(|x| x.as_object().is_some_and(is_linked)) =>
                {
                    xs.iter().filter_map(Value::as_object).collect()
                }
                _ => Vec::new(),
            };
            if linked.is_empty() {
                e.set(key, value.clone());
                continue;
            }
            for m in linked {
                match m.get("$ref").and_then(Value::as_str) {
                    Some(r) if !m.contains_key("Type") => refs.push((key.clone(), r.to_string())),
                    _ => children.push((key.clone(), m)),
                }
            }
        }
        if let Some(name) = text(props, "friendlyName").or_else(|| text(props, "FriendlyName")) {
            e.name = Some(name);
        }
        e.time_generated = time(props, "TimeGenerated").or_else(|| time(props, "timeGenerated"));
        e.start_time = time(props, "StartTimeUtc").or_else(|| time(props, "startTimeUtc"));
        e.end_time = time(props, "EndTimeUtc").or_else(|| time(props, "endTimeUtc"));
        let node = self.graph.add_entity(e)?;
        // SecurityAlert's entities are referred to by `$id`, REST ones by
        // their resource `id` (or its last part, `name`).
        let own_ids: &[&str] = if map.contains_key("$id") {
            &["$id"]
        } else {
            &["id", "name"]
        };
        for key in own_ids {
            if let Some(id) = map.get(*key) {
                scope.ids.insert(scalar_text(id), node.clone());
            }
        }
        for (key, child) in children {
            if let Some(id) = self.sentinel_entity(child, scope)? {
                self.graph.add_link(&node, &id, Some(&key))?;
            }
        }
        for (key, r) in refs {
            scope.pending.push((node.clone(), r, key));
        }
        Ok(Some(node))
    }

    fn link_parent(&mut self, node: &str, parent: Option<(&str, &str)>) -> Result<()> {
        if let Some((parent, label)) = parent {
            self.graph.add_link(parent, node, Some(label))?;
        }
        Ok(())
    }
}

/// Whether an array item is a Sentinel entity (`$id`/`$ref`/`Type`) or a
/// REST entity (`kind` + `properties`, not an incident or alert).
fn is_reference_entity(v: &Value) -> bool {
    let Some(m) = v.as_object() else {
        return false;
    };
    if m.contains_key("$id") || m.contains_key("$ref") || m.contains_key("Type") {
        return !m.contains_key("Entities") && !m.contains_key("SystemAlertId");
    }
    match (m.get("kind").and_then(Value::as_str), m.get("properties")) {
        (Some(kind), Some(Value::Object(_))) => !matches!(
            EntityKind::from_source_name(kind),
            EntityKind::Incident | EntityKind::Alert
        ),
        _ => false,
    }
}

/// Whether a property's object is another entity (inline `$id` or a
/// `$ref`), not a plain nested value.
fn is_linked(m: &Map<String, Value>) -> bool {
    m.contains_key("$ref") || (m.contains_key("$id") && m.contains_key("Type"))
}

/// The kind a Defender evidence field holds, when it is an entity.
fn nested_kind(key: &str) -> Option<EntityKind> {
    match key {
        "userAccount" => Some(EntityKind::Account),
        "imageFile" | "parentProcessImageFile" | "fileDetails" => Some(EntityKind::File),
        _ => None,
    }
}

fn flatten_evidence<'a>(
    e: &mut Entity,
    ev: &'a Map<String, Value>,
    nested: &mut Vec<(&'a str, EntityKind, &'a Map<String, Value>)>,
) {
    for (key, value) in ev {
        if matches!(key.as_str(), "@odata.type" | "entityType") {
            continue;
        }
        match (value, nested_kind(key)) {
            (Value::Object(m), Some(kind)) if kind == e.kind => {
                let mut ignored = Vec::new();
                flatten_evidence(e, m, &mut ignored);
            }
            (Value::Object(m), Some(kind)) => nested.push((key, kind, m)),
            _ => e.set(key, value.clone()),
        }
    }
}

/// FileHash entities for the hashes a file's properties carry.
fn file_hashes(e: &Entity) -> Vec<Entity> {
    if e.kind != EntityKind::File {
        return Vec::new();
    }
    ["sha256", "sha1", "md5"]
        .iter()
        .filter_map(|alg| {
            let v = e.properties.get(*alg)?.as_str()?;
            Some(
                Entity::new(EntityKind::FileHash)
                    .with("Algorithm", alg.to_uppercase())
                    .with("Value", v),
            )
        })
        .collect()
}

/// Copies a map's scalar properties (times and names included, so the
/// node's properties keep them), skipping `skip`.
fn copy_scalars(e: &mut Entity, map: &Map<String, Value>, skip: &[&str]) {
    for (k, v) in map {
        if skip.contains(&k.as_str()) || matches!(v, Value::Array(_) | Value::Object(_)) {
            continue;
        }
        e.set(k, v.clone());
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn time(map: &Map<String, Value>, key: &str) -> Option<i64> {
    parse_time_ms(map.get(key)?.as_str()?)
}

/// Input quoted in a warning, cut to 80 characters.
fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::graph::GraphOptions;

    const INCIDENT: &str =
        include_str!("../../../../tests/fixtures/entities/sentinel_incident.json");
    const ALERTS: &str = include_str!("../../../../tests/fixtures/entities/security_alerts.json");
    const BROKEN: &str = include_str!("../../../../tests/fixtures/entities/broken_refs.json");
    const DEFENDER: &str = include_str!("../../../../tests/fixtures/entities/defender_alerts.json");

    fn graph(text: &str) -> EntityGraph {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        add_json_bytes(&mut g, text.as_bytes()).unwrap();
        g
    }

    fn kinds(g: &EntityGraph) -> Vec<&'static str> {
        g.nodes().map(|n| n.entity.kind.name()).collect()
    }

    fn find(g: &EntityGraph, kind: EntityKind) -> Vec<&crate::entities::Node> {
        g.nodes().filter(|n| n.entity.kind == kind).collect()
    }

    fn linked(g: &EntityGraph, a: &str, b: &str) -> Option<String> {
        g.links()
            .into_iter()
            .find(|l| (l.source == a && l.target == b) || (l.source == b && l.target == a))
            .map(|l| l.label.unwrap_or_default())
    }

    #[test]
    fn rest_incident_with_alerts_and_entities() {
        let g = graph(INCIDENT);
        assert_eq!(
            kinds(&g),
            [
                "Incident",
                "Alert",
                "Alert",
                "Account",
                "Host",
                "IpAddress",
                "Process",
                "Unknown"
            ]
        );
        let inc = &find(&g, EntityKind::Incident)[0];
        assert_eq!(
            inc.entity.display_name(),
            "Incident 3177: Multi-stage attack involving credential theft"
        );
        assert_eq!(inc.entity.start_time, parse_time_ms("2024-03-01T09:30:00Z"));
        assert_eq!(inc.entity.properties["severity"], "High");
        let process = &find(&g, EntityKind::Process)[0];
        let host = &find(&g, EntityKind::Host)[0];
        let account = &find(&g, EntityKind::Account)[0];
        assert_eq!(account.entity.display_name(), "alice", "friendlyName wins");
        assert_eq!(account.entity.properties["NTDomain"], "CONTOSO");
        // `hostEntityId` / `accountEntityId` references became links
        assert_eq!(linked(&g, &process.id, &host.id).as_deref(), Some("host"));
        assert_eq!(
            linked(&g, &process.id, &account.id).as_deref(),
            Some("account")
        );
        assert_eq!(linked(&g, &inc.id, &host.id).as_deref(), Some("entity"));
        for alert in find(&g, EntityKind::Alert) {
            assert_eq!(linked(&g, &inc.id, &alert.id).as_deref(), Some("alert"));
        }
        let malware = &find(&g, EntityKind::Unknown)[0];
        assert_eq!(malware.entity.source_type.as_deref(), Some("Malware"));
        assert_eq!(malware.entity.display_name(), "Mimikatz");
        assert_eq!(g.link_count(), 9);
        assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    }

    #[test]
    fn security_alert_entities_with_ids_and_refs() {
        let g = graph(ALERTS);
        // the second alert's host and IP are the first's (case differs)
        assert_eq!(g.node_count(), 12);
        assert_eq!(find(&g, EntityKind::Host).len(), 1);
        assert_eq!(find(&g, EntityKind::IpAddress).len(), 1);
        let process = find(&g, EntityKind::Process);
        assert_eq!(process.len(), 2);
        let file = &find(&g, EntityKind::File)[0];
        assert_eq!(
            file.entity.display_name(),
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
        );
        let hash = &find(&g, EntityKind::FileHash)[0];
        assert_eq!(
            linked(&g, &process[0].id, &file.id).as_deref(),
            Some("ImageFile")
        );
        assert_eq!(
            linked(&g, &file.id, &hash.id).as_deref(),
            Some("FileHashes")
        );
        // a forward reference ($ref "7" before "$id": "7")
        assert_eq!(
            linked(&g, &process[0].id, &process[1].id).as_deref(),
            Some("ParentProcess")
        );
        let alerts = find(&g, EntityKind::Alert);
        assert_eq!(
            alerts[0].entity.display_name(),
            "Encoded PowerShell on a domain controller"
        );
        assert_eq!(
            alerts[1].entity.end_time,
            parse_time_ms("2024-03-01T10:02:30Z")
        );
        let host = &find(&g, EntityKind::Host)[0];
        assert_eq!(
            linked(&g, &alerts[1].id, &host.id).as_deref(),
            Some("entity")
        );
        assert_eq!(g.link_count(), 19);
        assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    }

    #[test]
    fn dangling_refs_cycles_and_unknown_kinds_are_safe() {
        let g = graph(BROKEN);
        assert_eq!(
            kinds(&g),
            ["Alert", "Process", "Process", "Account", "Unknown", "Unknown", "Unknown"]
        );
        // the two processes are each other's parent: one link
        assert_eq!(g.link_count(), 7);
        assert_eq!(g.warnings.len(), 2, "{:?}", g.warnings);
        assert!(g
            .warnings
            .iter()
            .any(|w| w.contains("entity 42 is not an object")));
        assert!(g
            .warnings
            .iter()
            .any(|w| w.contains("dangling reference \"99\"") && w.contains("Host of Account-4")));
        let types: Vec<Option<&str>> = find(&g, EntityKind::Unknown)
            .iter()
            .map(|n| n.entity.source_type.as_deref())
            .collect();
        assert_eq!(
            types,
            [Some("submission-mail"), Some("iotdevice"), Some("untyped")]
        );
    }

    #[test]
    fn defender_evidence_of_both_apis() {
        let g = graph(DEFENDER);
        assert_eq!(find(&g, EntityKind::Alert).len(), 2);
        // Graph's userEvidence, the process's userAccount and the Defender
        // API's User evidence are one account
        let accounts = find(&g, EntityKind::Account);
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].entity.display_name(), "CONTOSO\\bob");
        assert_eq!(find(&g, EntityKind::IpAddress).len(), 1);
        assert_eq!(find(&g, EntityKind::Process).len(), 2);
        assert_eq!(find(&g, EntityKind::FileHash).len(), 2);
        let host = &find(&g, EntityKind::Host)[0];
        assert_eq!(host.entity.properties["HostName"], "ws042.contoso.com");
        let file = &find(&g, EntityKind::File)[0];
        assert_eq!(file.entity.properties["Name"], "hidden.exe");
        let process = &find(&g, EntityKind::Process)[0];
        assert_eq!(
            linked(&g, &process.id, &file.id).as_deref(),
            Some("imageFile")
        );
        assert_eq!(
            linked(&g, &process.id, &accounts[0].id).as_deref(),
            Some("userAccount")
        );
        let reg = &find(&g, EntityKind::RegistryValue)[0];
        assert_eq!(reg.entity.properties["Name"], "updater");
        assert_eq!(find(&g, EntityKind::Mailbox).len(), 1);
        assert_eq!(find(&g, EntityKind::Url).len(), 1);
        let unknown = &find(&g, EntityKind::Unknown)[0];
        assert_eq!(
            unknown.entity.source_type.as_deref(),
            Some("kubernetesPodEvidence")
        );
        assert_eq!(unknown.entity.display_name(), "web-7f9c");
        assert_eq!(g.node_count(), 14);
        assert_eq!(g.link_count(), 15);
    }

    #[test]
    fn huge_input_is_refused_before_work() {
        let items: Vec<Value> = (0..100_000)
            .map(|i| serde_json::json!({"$id": i.to_string(), "Address": format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), "Type": "ip"}))
            .collect();
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let e = add_json(&mut g, &Value::Array(items)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the input has 100000 entities, more than max_nodes (50000); raise max_nodes or filter the input"
        );
        assert_eq!(g.node_count(), 0);
        // the same in an `Entities` cell (JSON text)
        let cell: Vec<Value> = (0..20)
            .map(|i| serde_json::json!({"$id": i.to_string(), "Address": format!("10.0.0.{i}"), "Type": "ip"}))
            .collect();
        let row =
            serde_json::json!({"SystemAlertId": "x", "Entities": Value::Array(cell).to_string()});
        let mut g = EntityGraph::new(GraphOptions { max_nodes: 10 }).unwrap();
        assert_eq!(
            add_json(&mut g, &row).unwrap_err().kind_name(),
            "too_many_nodes"
        );
    }

    #[test]
    fn bad_json_is_a_parse_error() {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let e = add_json_bytes(&mut g, b"{\"a\": ").unwrap_err();
        assert_eq!(e.kind_name(), "parse");
        assert!(e.to_string().contains("entity json"), "{e}");
        // nesting deeper than serde_json's limit fails, not overflows
        let deep = "[".repeat(100_000);
        assert!(add_json_bytes(&mut g, deep.as_bytes()).is_err());
        // recognised nothing: a warning, not an error
        add_json_bytes(&mut g, br#"{"hello": 1}"#).unwrap();
        assert!(g.warnings[0].contains("keys hello"), "{:?}", g.warnings);
    }
}
