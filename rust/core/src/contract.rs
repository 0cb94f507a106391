//! The contract between the core and its hosts, as one JSON Schema: the
//! view bundle's [`ViewSpec`], the process-tree option types, and (under
//! `x-huntkit`) the lists hosts show or check: view kinds, built-in
//! process-tree schemas and their aliases, IoC type names and titles.
//!
//! `examples/gen_contract.rs` writes it into the Python package and turns
//! it into the TypeScript types, so none of these is typed twice. It also
//! turns [`api_schema`], the options and results that cross the wasm
//! boundary, into the rest of the module's TypeScript types.

use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::cluster::{ClusterOptions, DEFAULT_FEATURES, PROCESS_FEATURES};
use crate::config::Finding;
use crate::decode::{DecodeOptions, DecodeResult};
use crate::entities::{EntityGraphOptions, EntityKind, EDGE_COLUMNS, NODE_COLUMNS, TABLE_COLUMNS};
use crate::geo::{GeoDbInfo, GeoRow};
use crate::graph_layout::LayoutOptions;
use crate::graph_view::{GraphNodeDetails, GraphNodeInfo, GraphSummary};
use crate::ioc::{IocOptions, IocTextResult, IocType};
use crate::proctree::{DetailRow, LegendValue, ProcTreeSummary, TreeRow};
use crate::proctree::{ProcSchema, ProcTreeOptions, TreeViewOptions, SCHEMA_ALIASES, SCHEMA_NAMES};
use crate::providers::ti::{CallOutcome, LookupPlan, LookupProviderInfo};
use crate::timeseries::TimeseriesOptions;
use crate::view::{ChartInfo, Tick};
use crate::view::{ViewSpec, BUNDLE_VERSION, VIEW_MIME_TYPE};

/// A title for each IoC type, for pickers and settings. A match, so a new
/// type does not build until it has one.
pub fn ioc_type_title(t: IocType) -> &'static str {
    match t {
        IocType::Url => "URL",
        IocType::Ipv4 => "IPv4 address",
        IocType::Ipv4Cidr => "IPv4 network (CIDR)",
        IocType::Ipv6 => "IPv6 address",
        IocType::Email => "E-mail address",
        IocType::Md5Hash => "MD5 hash",
        IocType::Sha1Hash => "SHA-1 hash",
        IocType::Sha256Hash => "SHA-256 hash",
        IocType::Sha512Hash => "SHA-512 hash",
        IocType::Cve => "CVE id",
        IocType::MitreAttack => "MITRE ATT&CK technique",
        IocType::Dns => "Domain name",
        IocType::WindowsPath => "Windows path",
        IocType::LinuxPath => "Linux path",
    }
}

/// The contract as a JSON Schema (draft 2020-12) of a [`ViewSpec`], with
/// the other shared types in `$defs` and the shared lists in `x-huntkit`.
pub fn contract_schema() -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    // Named so hosts can refer to them; only ViewSpec is the root.
    generator.subschema_for::<ProcSchema>();
    generator.subschema_for::<ProcTreeOptions>();
    generator.subschema_for::<TreeViewOptions>();
    let root = generator.root_schema_for::<ViewSpec>();
    let mut schema = serde_json::to_value(root).unwrap_or(Value::Null);
    let schemas: Map<String, Value> = SCHEMA_NAMES
        .iter()
        .filter_map(|name| {
            let s = ProcSchema::by_name(name).ok()?;
            Some((name.to_string(), serde_json::to_value(s).ok()?))
        })
        .collect();
    let aliases: Map<String, Value> = SCHEMA_ALIASES
        .iter()
        .map(|(alias, name)| (alias.to_string(), json!(name)))
        .collect();
    let ioc_types: Vec<Value> = IocType::ALL
        .iter()
        .map(|t| json!({"name": t.name(), "title": ioc_type_title(*t)}))
        .collect();
    let entity_kinds: Vec<Value> = EntityKind::ALL
        .iter()
        .map(|k| json!({"name": k.name(), "title": k.title(), "identifying": k.identifying()}))
        .collect();
    if let Value::Object(map) = &mut schema {
        map.insert(
            "x-huntkit".into(),
            json!({
                "mime_type": VIEW_MIME_TYPE,
                "bundle_version": BUNDLE_VERSION,
                "view_kinds": ViewSpec::kind_names(),
                "view_kinds_without_data": ViewSpec::kinds_without_data(),
                "proc_schemas": schemas,
                "proc_schema_aliases": aliases,
                "ioc_types": ioc_types,
                "cluster_features": PROCESS_FEATURES,
                "cluster_default_features": DEFAULT_FEATURES,
                "entity_kinds": entity_kinds,
                "entity_node_columns": NODE_COLUMNS,
                "entity_edge_columns": EDGE_COLUMNS,
                "entity_table_columns": TABLE_COLUMNS,
            }),
        );
    }
    schema
}

/// The options and results hosts pass to and get from the core, as JSON
/// Schema `$defs` (draft 2020-12): options as they are read (a field with a
/// default may be left out), results as they are written (every field is
/// there, `null` when absent). The TypeScript interfaces are generated from
/// it, so a field added, renamed or dropped here changes them too.
pub fn api_schema() -> Value {
    let mut options = SchemaSettings::draft2020_12().into_generator();
    options.subschema_for::<IocOptions>();
    options.subschema_for::<DecodeOptions>();
    options.subschema_for::<TimeseriesOptions>();
    options.subschema_for::<ClusterOptions>();
    options.subschema_for::<LayoutOptions>();
    options.subschema_for::<EntityGraphOptions>();
    // Read back from the host: the plan it was given and what came back.
    options.subschema_for::<CallOutcome>();
    let mut results = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    results.subschema_for::<IocTextResult>();
    results.subschema_for::<DecodeResult>();
    results.subschema_for::<ChartInfo>();
    results.subschema_for::<Tick>();
    results.subschema_for::<ProcTreeSummary>();
    results.subschema_for::<TreeRow>();
    results.subschema_for::<DetailRow>();
    results.subschema_for::<LegendValue>();
    results.subschema_for::<LookupProviderInfo>();
    results.subschema_for::<LookupPlan>();
    results.subschema_for::<GeoRow>();
    results.subschema_for::<GeoDbInfo>();
    results.subschema_for::<Finding>();
    results.subschema_for::<GraphSummary>();
    results.subschema_for::<GraphNodeInfo>();
    results.subschema_for::<GraphNodeDetails>();
    let mut defs = Map::new();
    for generator in [options, results] {
        for (name, schema) in generator.definitions() {
            defs.insert(name.clone(), schema.clone());
        }
    }
    json!({ "$defs": defs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_every_kind_and_schema() {
        let s = contract_schema();
        let x = &s["x-huntkit"];
        assert_eq!(x["view_kinds"].as_array().unwrap().len(), 10);
        assert!(x["view_kinds"]
            .as_array()
            .unwrap()
            .contains(&json!("cluster_scatter")));
        assert_eq!(x["view_kinds_without_data"], json!(["lookup"]));
        assert_eq!(
            x["proc_schemas"].as_object().unwrap().len(),
            SCHEMA_NAMES.len()
        );
        assert_eq!(x["ioc_types"].as_array().unwrap().len(), IocType::ALL.len());
        assert_eq!(
            x["entity_kinds"].as_array().unwrap().len(),
            EntityKind::ALL.len()
        );
        assert_eq!(x["entity_kinds"][0]["identifying"][0], "Name");
        assert_eq!(x["entity_node_columns"][0], "Id");
        for def in [
            "ProcSchema",
            "TimelineOptions",
            "ProcessTreeViewOptions",
            "LookupViewOptions",
            "Pixels",
        ] {
            assert!(s["$defs"][def].is_object(), "{def} missing");
        }
        assert_eq!(
            s["$defs"]["Pixels"]["minimum"],
            json!(crate::view::MIN_PIXELS)
        );
    }
}
