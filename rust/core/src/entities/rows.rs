//! Entities from table rows: each mapped column fills a property of an
//! entity (`Computer=Host`, `Account=Account.Name`, `Domain=Account.NTDomain`),
//! the entities of one row are linked to each other, and the same entity
//! in many rows is one node.

use serde_json::Value;

use super::entity::Entity;
use super::graph::EntityGraph;
use super::kind::EntityKind;
use crate::error::{Error, Result};
use crate::table::Table;

/// One column's role, read from `Column=Kind[.Property]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    /// The table column.
    pub column: String,
    /// The kind of entity it names.
    pub kind: EntityKind,
    /// The property it fills (the kind's first identifying property when
    /// not given: `Host` → `HostName`).
    pub property: String,
}

impl ColumnMapping {
    /// Reads `Column=Kind` or `Column=Kind.Property` (split at the last
    /// `=`, so a column name may hold one).
    pub fn parse(spec: &str) -> Result<ColumnMapping> {
        let bad = |why: String| Error::option("mapping", format!("{spec:?}: {why}"));
        let (column, target) = spec
            .rsplit_once('=')
            .ok_or_else(|| bad("expected Column=Kind or Column=Kind.Property".into()))?;
        let (kind_name, property) = match target.split_once('.') {
            Some((k, p)) => (k.trim(), Some(p.trim())),
            None => (target.trim(), None),
        };
        let kind = EntityKind::by_name(kind_name).ok_or_else(|| {
            let names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.name()).collect();
            bad(format!(
                "unknown entity kind {kind_name:?} (kinds: {})",
                names.join(", ")
            ))
        })?;
        let property = match property {
            Some("") => return Err(bad("the property after the `.` is empty".into())),
            Some(p) => kind.identifying_name(p).unwrap_or(p).to_string(),
            None => kind
                .identifying()
                .first()
                .map(|p| p.to_string())
                .ok_or_else(|| {
                    bad(format!(
                        "kind {} has no identifying property: name one (Column={}.Property)",
                        kind.name(),
                        kind.name()
                    ))
                })?,
        };
        if column.trim().is_empty() {
            return Err(bad("the column name is empty".into()));
        }
        Ok(ColumnMapping {
            column: column.to_string(),
            kind,
            property,
        })
    }
}

/// Adds the entities of every row of `table` to `graph`. `time_column`,
/// if given, dates each entity (its earliest and latest rows become its
/// start and end).
pub fn add_rows(
    graph: &mut EntityGraph,
    table: &Table,
    mapping: &[ColumnMapping],
    time_column: Option<&str>,
) -> Result<()> {
    if mapping.is_empty() {
        return Err(Error::option(
            "mapping",
            "give at least one Column=Kind[.Property] mapping",
        ));
    }
    let time = time_column.map(|c| table.column_index(c)).transpose()?;
    // Columns grouped into entities: a mapping joins the last entity of
    // its kind unless that one already has its property (two IpAddress
    // columns are two addresses; Account.Name + Account.NTDomain one
    // account).
    let mut groups: Vec<(EntityKind, Vec<(usize, &str)>)> = Vec::new();
    for m in mapping {
        let col = table.column_index(&m.column)?;
        let joins = groups
            .iter()
            .rposition(|(k, _)| *k == m.kind)
            .filter(|&i| !groups[i].1.iter().any(|(_, p)| *p == m.property));
        match joins {
            Some(i) => groups[i].1.push((col, m.property.as_str())),
            None => groups.push((m.kind, vec![(col, m.property.as_str())])),
        }
    }
    let mut ids = Vec::with_capacity(groups.len());
    for row in 0..table.rows() {
        ids.clear();
        let at = time.and_then(|c| table.column(c).time_ms(row));
        for (kind, cols) in &groups {
            let mut e = Entity::new(*kind);
            for (col, property) in cols {
                let column = table.column(*col);
                if column.is_blank(row) {
                    continue;
                }
                if let Some(cell) = column.get(row) {
                    e.set(property, Value::String(cell.trim().to_string()));
                }
            }
            let usable = if kind.identifying().is_empty() {
                !e.properties.is_empty()
            } else {
                e.key().is_some()
            };
            if !usable {
                continue;
            }
            e.time_generated = at;
            e.start_time = at;
            e.end_time = at;
            ids.push(graph.add_entity(e)?);
        }
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                graph.add_link(a, b, None)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::graph::GraphOptions;
    use crate::table::TableFormat;

    fn maps(specs: &[&str]) -> Vec<ColumnMapping> {
        specs
            .iter()
            .map(|s| ColumnMapping::parse(s).unwrap())
            .collect()
    }

    #[test]
    fn mappings_parse_with_clear_errors() {
        let m = ColumnMapping::parse("Computer=host").unwrap();
        assert_eq!(
            (m.kind, m.property.as_str()),
            (EntityKind::Host, "HostName")
        );
        let m = ColumnMapping::parse("a=b=Account.ntdomain").unwrap();
        assert_eq!(
            (m.column.as_str(), m.property.as_str()),
            ("a=b", "NTDomain")
        );
        let e = ColumnMapping::parse("X=Malware").unwrap_err();
        assert!(
            e.to_string().contains("unknown entity kind \"Malware\""),
            "{e}"
        );
        assert!(ColumnMapping::parse("X").is_err());
        assert!(ColumnMapping::parse("X=Note").is_err());
        assert!(ColumnMapping::parse("X=Note.Text").is_ok());
        assert!(ColumnMapping::parse("=Host").is_err());
    }

    #[test]
    fn rows_give_merged_linked_entities() {
        let csv = "Time,Computer,User,Domain,Src,Dst\n\
            2024-01-01T00:00:00Z,DC1,alice,CONTOSO,10.0.0.1,10.0.0.2\n\
            2024-01-02T00:00:00Z,dc1,Alice,contoso,10.0.0.1,\n\
            2024-01-03T00:00:00Z,,,,,\n";
        let t = Table::read(csv.as_bytes(), TableFormat::Csv).unwrap();
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let m = maps(&[
            "Computer=Host",
            "User=Account.Name",
            "Domain=Account.NTDomain",
            "Src=IpAddress",
            "Dst=IpAddress",
        ]);
        add_rows(&mut g, &t, &m, Some("Time")).unwrap();
        let kinds: Vec<&str> = g.nodes().map(|n| n.entity.kind.name()).collect();
        assert_eq!(kinds, ["Host", "Account", "IpAddress", "IpAddress"]);
        // 4 entities in row 1: 6 pairs; row 2 adds none new
        assert_eq!(g.link_count(), 6);
        let host = g.nodes().next().unwrap();
        assert_eq!(host.entity.start_time, Some(1_704_067_200_000));
        assert_eq!(host.entity.end_time, Some(1_704_153_600_000));
        assert_eq!(
            g.nodes().nth(1).unwrap().entity.display_name(),
            "CONTOSO\\alice"
        );

        let e = add_rows(&mut g, &t, &maps(&["Nope=Host"]), None).unwrap_err();
        assert_eq!(e.kind_name(), "missing_column");
        assert!(add_rows(&mut g, &t, &[], None).is_err());
    }

    #[test]
    fn too_many_distinct_rows_are_refused() {
        let mut csv = String::from("Ip\n");
        for i in 0..1000 {
            csv.push_str(&format!("10.0.{}.{}\n", i / 256, i % 256));
        }
        let t = Table::read(csv.as_bytes(), TableFormat::Csv).unwrap();
        let mut g = EntityGraph::new(GraphOptions { max_nodes: 100 }).unwrap();
        let e = add_rows(&mut g, &t, &maps(&["Ip=IpAddress"]), None).unwrap_err();
        assert_eq!(e.kind_name(), "too_many_nodes");
        assert!(e.to_string().contains("max_nodes (100)"), "{e}");
    }
}
