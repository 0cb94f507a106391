//! The investigation graph: entities as nodes (duplicates merged by their
//! identifying properties), links between them, and the analyst's edits
//! (notes, links added or removed, nodes removed), all bounded by
//! [`GraphOptions::max_nodes`].

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::entity::Entity;
use super::kind::EntityKind;
use crate::error::{Error, ErrorKind, Result};

/// Limits of a graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GraphOptions {
    /// The most nodes a graph may hold; input with more entities is
    /// refused with a message that names the count. A graph view of more
    /// than a few thousand nodes is unreadable anyway: filter first.
    pub max_nodes: usize,
}

/// Default [`GraphOptions::max_nodes`]: well above any incident, well
/// below what would make a layout or a browser tab crawl.
pub const DEFAULT_MAX_NODES: usize = 50_000;

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// A node: an entity and its stable id.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique within the graph, stable for the same input: the kind and
    /// the order it was first seen in (`Host-3`).
    pub id: String,
    /// The entity, merged with every duplicate seen.
    pub entity: Entity,
}

/// A link between two nodes (links are undirected: `source` is the end
/// that was named first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// One end's id.
    pub source: String,
    /// The other end's id.
    pub target: String,
    /// What the link means (`Host`, `ImageFile`, `attached note`), if said.
    pub label: Option<String>,
}

/// Entities and their links.
#[derive(Debug, Clone, Default)]
pub struct EntityGraph {
    options: GraphOptions,
    /// In insertion order; removed nodes leave `None` so indexes hold.
    nodes: Vec<Option<Node>>,
    by_id: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
    /// Keyed by the ordered pair of node indexes (links are undirected).
    links: BTreeMap<(usize, usize), (usize, Option<String>)>,
    link_seq: usize,
    live: usize,
    next_id: usize,
    /// What could not be used (dangling references, unreadable parts).
    pub warnings: Vec<String>,
}

impl EntityGraph {
    /// An empty graph with these limits.
    pub fn new(options: GraphOptions) -> Result<EntityGraph> {
        if options.max_nodes == 0 {
            return Err(Error::option("max_nodes", "must be at least 1"));
        }
        Ok(EntityGraph {
            options,
            ..EntityGraph::default()
        })
    }

    /// The limits in force.
    pub fn options(&self) -> &GraphOptions {
        &self.options
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.live
    }

    /// Number of links.
    pub fn link_count(&self) -> usize {
        self.links.len()
    }

    /// Nodes in the order they were added.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.nodes.iter().flatten()
    }

    /// Links in the order they were added.
    pub fn links(&self) -> Vec<Link> {
        let mut links: Vec<(&usize, &(usize, usize), &Option<String>)> = self
            .links
            .iter()
            .map(|(pair, (seq, label))| (seq, pair, label))
            .collect();
        links.sort_by_key(|(seq, _, _)| **seq);
        links
            .into_iter()
            .filter_map(|(_, (a, b), label)| {
                Some(Link {
                    source: self.nodes[*a].as_ref()?.id.clone(),
                    target: self.nodes[*b].as_ref()?.id.clone(),
                    label: label.clone(),
                })
            })
            .collect()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Result<&Node> {
        let i = self.index(id)?;
        self.nodes[i]
            .as_ref()
            .ok_or_else(|| Error::new(ErrorKind::UnknownNode { id: id.to_string() }))
    }

    /// Refuses input of `count` entities when it is over the limit, before
    /// any work (callers that can count their input first).
    pub fn check_input(&self, count: usize) -> Result<()> {
        if count > self.options.max_nodes {
            return Err(Error::new(ErrorKind::TooManyNodes {
                count,
                at_least: false,
                limit: self.options.max_nodes,
            }));
        }
        Ok(())
    }

    /// Adds an entity, or merges it into the node with the same
    /// identifying properties; returns the node's id.
    pub fn add_entity(&mut self, entity: Entity) -> Result<String> {
        let key = entity.key();
        if let Some(i) = key.as_ref().and_then(|k| self.by_key.get(k)).copied() {
            if let Some(node) = self.nodes[i].as_mut() {
                node.entity.absorb(entity);
                return Ok(node.id.clone());
            }
        }
        if self.live >= self.options.max_nodes {
            return Err(Error::new(ErrorKind::TooManyNodes {
                count: self.live + 1,
                at_least: true,
                limit: self.options.max_nodes,
            }));
        }
        self.next_id += 1;
        let id = format!("{}-{}", entity.kind.name(), self.next_id);
        let index = self.nodes.len();
        if let Some(k) = key {
            self.by_key.insert(k, index);
        }
        self.by_id.insert(id.clone(), index);
        self.nodes.push(Some(Node {
            id: id.clone(),
            entity,
        }));
        self.live += 1;
        Ok(id)
    }

    /// Adds an incident (an entity of kind [`EntityKind::Incident`]).
    pub fn add_incident(&mut self, incident: Entity) -> Result<String> {
        expect_kind(&incident, EntityKind::Incident)?;
        self.add_entity(incident)
    }

    /// Adds an alert, linked to `attached_to` (an incident, say) if given.
    pub fn add_alert(&mut self, alert: Entity, attached_to: Option<&str>) -> Result<String> {
        expect_kind(&alert, EntityKind::Alert)?;
        if let Some(target) = attached_to {
            self.index(target)?;
        }
        let id = self.add_entity(alert)?;
        if let Some(target) = attached_to {
            self.add_link(target, &id, Some("alert"))?;
        }
        Ok(id)
    }

    /// Adds an analyst's note (never merged), linked to `attached_to` if
    /// given; `time` is when it was written.
    pub fn add_note(
        &mut self,
        name: &str,
        description: &str,
        attached_to: Option<&str>,
        time: Option<i64>,
    ) -> Result<String> {
        if let Some(target) = attached_to {
            self.index(target)?;
        }
        let mut note = Entity::new(EntityKind::Note);
        note.name = Some(name.to_string());
        note.description = Some(description.to_string());
        note.time_generated = time;
        let id = self.add_entity(note)?;
        if let Some(target) = attached_to {
            self.add_link(&id, target, Some("note"))?;
        }
        Ok(id)
    }

    /// Links two nodes. Linking a pair again only sets a label the link
    /// lacked; a node is not linked to itself.
    pub fn add_link(&mut self, source: &str, target: &str, label: Option<&str>) -> Result<()> {
        let (a, b) = (self.index(source)?, self.index(target)?);
        if a == b {
            return Ok(());
        }
        let seq = self.link_seq;
        let entry = self
            .links
            .entry((a.min(b), a.max(b)))
            .or_insert((seq, None));
        if entry.0 == seq {
            self.link_seq += 1;
        }
        if entry.1.is_none() {
            entry.1 = label.map(str::to_string);
        }
        Ok(())
    }

    /// Removes the link between two nodes (either direction).
    pub fn remove_link(&mut self, source: &str, target: &str) -> Result<()> {
        let (a, b) = (self.index(source)?, self.index(target)?);
        self.links
            .remove(&(a.min(b), a.max(b)))
            .map(|_| ())
            .ok_or_else(|| {
                Error::new(ErrorKind::UnknownLink {
                    source: source.to_string(),
                    target: target.to_string(),
                })
            })
    }

    /// Removes a node and its links.
    pub fn remove_node(&mut self, id: &str) -> Result<()> {
        let i = self.index(id)?;
        if let Some(node) = self.nodes[i].take() {
            self.by_id.remove(&node.id);
            if let Some(k) = node.entity.key() {
                self.by_key.remove(&k);
            }
            self.live -= 1;
        }
        self.links.retain(|(a, b), _| *a != i && *b != i);
        Ok(())
    }

    /// Records something the input held that could not be used.
    pub(crate) fn warn(&mut self, message: String) {
        // Bounded: a broken export must not grow the warnings without end.
        const MAX_WARNINGS: usize = 100;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(message);
        } else if self.warnings.len() == MAX_WARNINGS {
            self.warnings.push("more problems were not listed".into());
        }
    }

    fn index(&self, id: &str) -> Result<usize> {
        self.by_id
            .get(id)
            .copied()
            .ok_or_else(|| Error::new(ErrorKind::UnknownNode { id: id.to_string() }))
    }
}

fn expect_kind(entity: &Entity, kind: EntityKind) -> Result<()> {
    if entity.kind != kind {
        return Err(Error::option(
            "kind",
            format!(
                "expected an entity of kind {}, got {}",
                kind.name(),
                entity.kind.name()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str) -> Entity {
        Entity::new(EntityKind::Host).with("HostName", name)
    }

    #[test]
    fn duplicates_merge_and_ids_are_stable() {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let a = g.add_entity(host("dc1")).unwrap();
        let b = g
            .add_entity(host("DC1").with("OSFamily", "Windows"))
            .unwrap();
        let c = g.add_entity(host("web")).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.as_str(), c.as_str()), ("Host-1", "Host-2"));
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.node(&a).unwrap().entity.properties["OSFamily"], "Windows");
    }

    #[test]
    fn links_notes_and_removal() {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let h = g.add_entity(host("dc1")).unwrap();
        let ip = g
            .add_entity(Entity::new(EntityKind::IpAddress).with("Address", "10.0.0.1"))
            .unwrap();
        g.add_link(&h, &ip, Some("ip")).unwrap();
        g.add_link(&ip, &h, Some("again")).unwrap();
        assert_eq!(g.links().len(), 1);
        assert_eq!(g.links()[0].label.as_deref(), Some("ip"));
        let note = g
            .add_note("triage", "looked at it", Some(&h), Some(5))
            .unwrap();
        assert_eq!(g.link_count(), 2);
        assert_eq!(g.node(&note).unwrap().entity.time_generated, Some(5));

        // errors name what is missing
        let e = g.add_link(&h, "Host-99", None).unwrap_err();
        assert_eq!(e.to_string(), "no node \"Host-99\" in the entity graph");
        assert_eq!(e.kind_name(), "unknown_node");
        assert!(g.add_note("n", "d", Some("nope"), None).is_err());
        assert_eq!(g.node_count(), 3, "a failed note adds nothing");

        g.remove_link(&ip, &h).unwrap();
        let e = g.remove_link(&h, &ip).unwrap_err();
        assert_eq!(e.kind_name(), "unknown_link");
        assert!(e.to_string().contains("no link between"));

        g.remove_node(&h).unwrap();
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.link_count(), 0, "the note's link went with the host");
        assert_eq!(g.remove_node(&h).unwrap_err().kind_name(), "unknown_node");
        // the host can come back, under a new id
        let h2 = g.add_entity(host("dc1")).unwrap();
        assert_ne!(h2, h);
    }

    #[test]
    fn alerts_and_incidents_check_their_kind() {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let inc = g
            .add_incident(Entity::new(EntityKind::Incident).with("IncidentId", "1"))
            .unwrap();
        let alert = Entity::new(EntityKind::Alert).with("SystemAlertId", "a");
        let a = g.add_alert(alert, Some(&inc)).unwrap();
        assert_eq!(g.links()[0].target, a);
        assert_eq!(g.links()[0].label.as_deref(), Some("alert"));
        let e = g.add_incident(host("x")).unwrap_err();
        assert!(e
            .to_string()
            .contains("expected an entity of kind Incident"));
    }

    #[test]
    fn the_node_limit_is_a_clear_error() {
        let mut g = EntityGraph::new(GraphOptions { max_nodes: 2 }).unwrap();
        g.add_entity(host("a")).unwrap();
        g.add_entity(host("b")).unwrap();
        g.add_entity(host("a")).unwrap(); // merged: no new node
        let e = g.add_entity(host("c")).unwrap_err();
        assert_eq!(e.kind_name(), "too_many_nodes");
        assert_eq!(
            e.to_string(),
            "the input has at least 3 entities, more than max_nodes (2); raise max_nodes or filter the input"
        );
        assert!(EntityGraph::new(GraphOptions { max_nodes: 0 }).is_err());
        assert!(g.check_input(3).is_err());
        assert!(g.check_input(2).is_ok());
    }
}
