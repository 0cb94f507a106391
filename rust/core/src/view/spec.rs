//! [`ViewSpec`]: what a view bundle's `kind` and `options` may say, one
//! options struct per kind. This is the contract every host shares: the
//! TypeScript types and the JSON Schema the Python helper validates
//! against are generated from these types (`gen_contract`), so a kind, an
//! option or a bound is written here and nowhere else.

use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};

use super::options::{sort_schema, Columns, Pixels, TimeValue, ViewOptions, MIN_LABEL_LEN};
use super::ViewKind;
use crate::error::{Error, Result};
use crate::proctree::{schema_name_schema, ProcSchema, TreeViewOptions};

/// The bundle format version (`version` in the bundle); renderers refuse others.
pub const BUNDLE_VERSION: u32 = 1;

/// The MIME type of a view bundle in a notebook output.
pub const VIEW_MIME_TYPE: &str = "application/vnd.huntkit.view+json";

/// How timeline_values draws its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlotStyle {
    /// A circle per point.
    Circle,
    /// A line through the points.
    Line,
    /// A bar from 0 to each point.
    Vbar,
}

/// One value or a list of them.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "OneOrMany{T}")]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// Several values.
    Many(Vec<T>),
}

/// By hand: serde's untagged enums drop the inner error, and "`bar` is
/// not one of `circle`, `line`, `vbar`" is the message worth keeping.
impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let read = if value.is_array() {
            serde_json::from_value(value).map(OneOrMany::Many)
        } else {
            serde_json::from_value(value).map(OneOrMany::One)
        };
        read.map_err(D::Error::custom)
    }
}

impl<T: Clone> OneOrMany<T> {
    fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// Declares a chart kind's options: its own fields plus the ones every
/// chart takes (tooltip columns, title, size). Unknown fields are refused
/// so a typo, or an option of another kind, shows up at once.
/// Required fields have no default, so serde, the JSON Schema and the
/// TypeScript types all say they must be there.
macro_rules! chart_options {
    (
        $(#[$meta:meta])* $name:ident {
            required { $($(#[$rmeta:meta])* $rfield:ident : $rty:ty,)* }
            $($(#[$fmeta:meta])* $field:ident : $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$rmeta])* pub $rfield: $rty,)*
            $($(#[$fmeta])* #[serde(default)] pub $field: $ty,)*
            /// Columns shown in tooltips and copied with selected rows (default: all).
            #[serde(default)]
            pub source_columns: Option<Vec<String>>,
            /// The title.
            #[serde(default)]
            pub title: Option<String>,
            /// Height in CSS pixels.
            #[serde(default)]
            pub height: Option<Pixels>,
            /// Width in CSS pixels (default: the output's width).
            #[serde(default)]
            pub width: Option<Pixels>,
        }
    };
}

chart_options! {
    /// `timeline`: events along time, one lane per `group_by` value.
    TimelineOptions {
        required {}
        /// The event time column (default `TimeGenerated`).
        time_column: Option<String>,
        /// One lane per value of this column.
        group_by: Option<String>,
        /// A reference marker: ISO 8601 text or epoch milliseconds.
        ref_time: Option<TimeValue>,
        /// The reference marker's label.
        ref_label: Option<String>,
    }
}

chart_options! {
    /// `timeline_values`: a value over time as circles, a line or bars.
    TimelineValuesOptions {
        required {
            /// The value column.
            y: String,
        }
        /// The event time column (default `TimeGenerated`).
        time_column: Option<String>,
        /// One series per value of this column.
        group_by: Option<String>,
        /// A reference marker: ISO 8601 text or epoch milliseconds.
        ref_time: Option<TimeValue>,
        /// The reference marker's label.
        ref_label: Option<String>,
        /// How to draw the points (default `vbar`).
        kind: Option<OneOrMany<PlotStyle>>,
    }
}

chart_options! {
    /// `timeline_duration`: one bar per group from its first to its last event.
    TimelineDurationOptions {
        required {
            /// One bar per combination of these columns' values.
            group_by: Columns,
        }
        /// The event time column (default `TimeGenerated`).
        time_column: Option<String>,
        /// The end of each event (default: the time column).
        end_time_column: Option<String>,
    }
}

chart_options! {
    /// `matrix`: two categorical columns as a grid of sized circles.
    MatrixOptions {
        required {
            /// The horizontal category.
            x: String,
            /// The vertical category.
            y: String,
        }
        /// The value to total per cell (default: count rows).
        value_col: Option<String>,
        /// Count distinct `value_col` values instead of totalling them.
        dist_count: bool,
        /// Log-scaled circle sizes.
        log_size: bool,
        /// Small values drawn large.
        invert: bool,
        /// Both axes' order.
        #[schemars(schema_with = "sort_schema")]
        sort: Option<String>,
        /// The horizontal axis's order (over `sort`).
        #[schemars(schema_with = "sort_schema")]
        sort_x: Option<String>,
        /// The vertical axis's order (over `sort`).
        #[schemars(schema_with = "sort_schema")]
        sort_y: Option<String>,
        /// Category labels longer than this are cut (default 25).
        #[schemars(range(min = MIN_LABEL_LEN))]
        max_label_len: Option<usize>,
    }
}

chart_options! {
    /// `anomalies`: a series with its baseline and flagged points (the
    /// output of `huntkit timeseries` or MSTICPy's `ts_anomalies_stl`).
    AnomaliesOptions {
        required {
            /// The observed value column.
            y: String,
        }
        /// The event time column (default `TimeGenerated`).
        time_column: Option<String>,
        /// The baseline column (default `baseline`).
        baseline_col: Option<String>,
        /// The 0/±1 anomaly flag column (default `anomalies`).
        anomalies_col: Option<String>,
        /// A reference marker: ISO 8601 text or epoch milliseconds.
        ref_time: Option<TimeValue>,
        /// The reference marker's label.
        ref_label: Option<String>,
    }
}

chart_options! {
    /// `session_scores`: session start against rarest-window likelihood.
    SessionScoresOptions {
        required {
            /// The likelihood column (e.g. `rarest_window3_likelihood`).
            y: String,
        }
        /// The session start column (default `TimeGenerated`).
        time_column: Option<String>,
        /// One series per value of this column.
        group_by: Option<String>,
        /// A reference marker: ISO 8601 text or epoch milliseconds.
        ref_time: Option<TimeValue>,
        /// The reference marker's label.
        ref_label: Option<String>,
    }
}

chart_options! {
    /// `cluster_scatter`: clusters (`huntkit cluster`, MSTICPy's
    /// `dbcluster_events`) as a scatter of two numeric feature columns,
    /// circles sized by cluster size and coloured by cluster (noise grey).
    ClusterScatterOptions {
        required {
            /// The horizontal feature (a numeric column, e.g. `pathScore`).
            x: String,
            /// The vertical feature (a numeric column).
            y: String,
        }
        /// The cluster id column, `-1` for noise (default `ClusterId`).
        cluster_column: Option<String>,
        /// The cluster size column (default `ClusterSize`; 1 per row without it).
        size_column: Option<String>,
    }
}

/// `process_tree`: the events' schema (or a mapping), the colouring column
/// and the time range to open filtered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessTreeViewOptions {
    /// A built-in schema (any case, aliases included); inferred when absent.
    #[schemars(schema_with = "schema_name_schema")]
    pub schema: Option<String>,
    /// Your own column mapping, instead of `schema`.
    pub mapping: Option<ProcSchema>,
    /// Colour rows by this column (e.g. the account).
    pub legend_col: Option<String>,
    /// `[start, end]` to open filtered; either may be null.
    pub time_range: Option<[Option<TimeValue>; 2]>,
    /// The title.
    pub title: Option<String>,
    /// Height in CSS pixels.
    pub height: Option<Pixels>,
    /// Width in CSS pixels (default: the output's width).
    pub width: Option<Pixels>,
}

impl ProcessTreeViewOptions {
    /// What the wasm tree view needs to build the tree.
    pub fn tree(&self) -> TreeViewOptions {
        TreeViewOptions {
            schema: self.schema.clone(),
            mapping: self.mapping.clone(),
            legend_col: self.legend_col.clone(),
        }
    }
}

/// `lookup`: observables to look up at threat-intelligence providers, in
/// the Lookup view both hosts share. Nothing is sent when the bundle is
/// drawn: the analyst presses Run, and the host (the Jupyter server, VS
/// Code's extension host) makes the calls with the keys it holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LookupViewOptions {
    /// The observables (IPs, domains, URLs, hashes; defanged is fine), at
    /// most `MAX_LOOKUP_OBSERVABLES`.
    #[schemars(length(min = 1, max = crate::providers::ti::MAX_LOOKUP_OBSERVABLES))]
    pub iocs: Vec<String>,
    /// The providers checked first (registry names such as `virustotal`);
    /// default: every configured one that needs a key.
    #[schemars(schema_with = "provider_names_schema")]
    pub providers: Option<Vec<String>>,
    /// The title.
    pub title: Option<String>,
}

/// The lookup providers' names, so the Python helper names an unknown one
/// before the bundle reaches a renderer.
fn provider_names_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<String> = crate::providers::ti::lookup_providers()
        .into_iter()
        .map(|p| p.name)
        .collect();
    schemars::json_schema!({
        "description": "The providers checked first (registry names); default: every configured one that needs a key.",
        "type": ["array", "null"],
        "items": { "type": "string", "enum": names },
        "default": null
    })
}

impl LookupViewOptions {
    /// Checks the observables' count and the provider names.
    fn check(&self) -> Result<()> {
        use crate::providers::ti::MAX_LOOKUP_OBSERVABLES;
        if self.iocs.is_empty() {
            return Err(Error::option("iocs", "give at least one observable"));
        }
        if self.iocs.len() > MAX_LOOKUP_OBSERVABLES {
            return Err(Error::option(
                "iocs",
                format!(
                    "{} observables; one lookup takes at most {MAX_LOOKUP_OBSERVABLES}",
                    self.iocs.len()
                ),
            ));
        }
        let known = crate::providers::ti::lookup_providers();
        for name in self.providers.iter().flatten() {
            if !known.iter().any(|p| &p.name == name) {
                return Err(Error::option(
                    "providers",
                    format!("unknown lookup provider {name:?}"),
                ));
            }
        }
        Ok(())
    }
}

/// `entity_graph`: an incident's entities and their links, laid out by
/// ForceAtlas2, with the timed entities on a timeline under it. The bundle
/// carries two data sets, `nodes` and `edges` (columns: `graph_view`'s
/// `NODE_COLUMNS` and `EDGE_COLUMNS`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntityGraphViewOptions {
    /// The title.
    pub title: Option<String>,
    /// Height in CSS pixels (graph and timeline).
    pub height: Option<Pixels>,
    /// Width in CSS pixels (default: the output's width).
    pub width: Option<Pixels>,
    /// Layout seed: the same seed and graph give the same picture (default 1).
    pub seed: Option<u64>,
    /// Show the timed entities on a timeline under the graph (default true).
    pub timeline: Option<bool>,
    /// Graphs with more nodes are refused with a message (default
    /// `graph_layout::DEFAULT_MAX_NODES`).
    #[schemars(range(min = 1))]
    pub max_nodes: Option<usize>,
    /// Nodes shown at first, the best linked (default
    /// `graph_view::DEFAULT_VISIBLE_NODES`); expand a node for its neighbours.
    #[schemars(range(min = 1))]
    pub visible_nodes: Option<usize>,
    /// A colour per entity type (`{"Host": "#1f77b4"}`): `#rgb`, `#rrggbb` or a CSS colour name.
    #[schemars(schema_with = "type_colors_schema")]
    pub colors: Option<std::collections::BTreeMap<String, String>>,
}

/// Colours as `#hex` or a plain CSS name, so nothing else reaches a style.
const COLOR_PATTERN: &str = "^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,30})$";

fn type_colors_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "A colour per entity type: #rgb, #rrggbb or a CSS colour name.",
        "type": ["object", "null"],
        "additionalProperties": { "type": "string", "pattern": COLOR_PATTERN },
        "default": null
    })
}

impl EntityGraphViewOptions {
    /// The layout options these options give.
    pub fn layout(&self) -> crate::graph_layout::LayoutOptions {
        let mut o = crate::graph_layout::LayoutOptions::default();
        if let Some(seed) = self.seed {
            o.seed = seed;
        }
        if let Some(max) = self.max_nodes {
            o.max_nodes = max;
        }
        o
    }

    fn check(&self) -> Result<()> {
        ViewOptions {
            height: self.height.map(|p| p.0),
            width: self.width.map(|p| p.0),
            ..ViewOptions::default()
        }
        .check()?;
        for (name, value) in [
            ("max_nodes", self.max_nodes),
            ("visible_nodes", self.visible_nodes),
        ] {
            if value == Some(0) {
                return Err(Error::option(name, "must be at least 1"));
            }
        }
        let re = regex::Regex::new(COLOR_PATTERN).map_err(|e| Error::option("colors", e))?;
        for (kind, color) in self.colors.iter().flatten() {
            if !re.is_match(color) {
                return Err(Error::option(
                    "colors",
                    format!("{color:?} (for {kind:?}) is not #rgb, #rrggbb or a colour name"),
                ));
            }
        }
        Ok(())
    }
}

/// A view: its kind and that kind's options, as the bundle's `kind` and
/// `options` carry them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "options", rename_all = "snake_case")]
// One spec per view, read once: its size does not matter, a `Box` would
// only make the generated schema and every match noisier.
#[allow(clippy::large_enum_variant)]
pub enum ViewSpec {
    /// Events along time, one lane per group.
    Timeline(TimelineOptions),
    /// A value over time: circles, a line, bars.
    TimelineValues(TimelineValuesOptions),
    /// One bar per group from first to last event.
    TimelineDuration(TimelineDurationOptions),
    /// Two categorical columns as a grid of sized circles.
    Matrix(MatrixOptions),
    /// A time series with its baseline and flagged anomalies.
    Anomalies(AnomaliesOptions),
    /// Scored sessions with a likelihood slider.
    SessionScores(SessionScoresOptions),
    /// Event clusters as a scatter of two features, sized by cluster size.
    ClusterScatter(ClusterScatterOptions),
    /// Observables to look up at threat-intelligence providers (no data
    /// set: the observables are in the options).
    Lookup(LookupViewOptions),
    /// Process trees of process-creation events, built in the browser.
    ProcessTree(ProcessTreeViewOptions),
    /// Entities and their links as a graph, timed ones on a timeline.
    EntityGraph(EntityGraphViewOptions),
}

impl ViewSpec {
    /// Reads a bundle's `kind` and `options` (`null` means none), naming
    /// an unknown kind or option.
    pub fn parse(kind: &str, options: &serde_json::Value) -> Result<ViewSpec> {
        let options = if options.is_null() {
            serde_json::Value::Object(Default::default())
        } else {
            options.clone()
        };
        // The kind first, so its message is not mixed up with an option's.
        let tag = serde_json::json!({ "kind": kind, "options": {} });
        if let Err(e) = serde_json::from_value::<ViewSpec>(tag) {
            if e.to_string().contains("unknown variant") {
                return Err(Error::option("kind", e));
            }
        }
        let spec = serde_json::json!({ "kind": kind, "options": options });
        let spec: ViewSpec =
            serde_json::from_value(spec).map_err(|e| Error::option("options", e))?;
        spec.check()?;
        Ok(spec)
    }

    /// The kinds whose bundles carry no data set (everything they show is
    /// in their options).
    pub fn kinds_without_data() -> Vec<String> {
        vec![ViewSpec::Lookup(LookupViewOptions::default()).kind_name()]
    }

    /// Every view kind's name, in declaration order.
    pub fn kind_names() -> Vec<String> {
        let schema = schemars::schema_for!(ViewSpec);
        schema
            .get("oneOf")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.pointer("/properties/kind/const")?.as_str())
            .map(str::to_string)
            .collect()
    }

    /// The kind's name as the bundle writes it.
    pub fn kind_name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(v) => v["kind"].as_str().unwrap_or_default().to_string(),
            Err(_) => String::new(),
        }
    }

    /// Checks what serde cannot: bounds, and a process tree's schema name,
    /// mapping and time range.
    pub fn check(&self) -> Result<()> {
        match self {
            ViewSpec::ProcessTree(o) => {
                ViewOptions {
                    height: o.height.map(|p| p.0),
                    width: o.width.map(|p| p.0),
                    ..ViewOptions::default()
                }
                .check()?;
                if o.schema.is_some() && o.mapping.is_some() {
                    return Err(Error::option(
                        "schema",
                        "give a schema name or a mapping, not both",
                    ));
                }
                if let Some(name) = &o.schema {
                    ProcSchema::by_name(name)?;
                }
                for t in o.time_range.iter().flatten().flatten() {
                    ViewOptions {
                        ref_time: Some(t.clone()),
                        ..ViewOptions::default()
                    }
                    .ref_time_ms()
                    .map_err(|e| Error::option("time_range", e))?;
                }
                Ok(())
            }
            ViewSpec::Lookup(o) => o.check(),
            ViewSpec::EntityGraph(o) => o.check(),
            chart => chart.chart().map_or(Ok(()), |(_, o)| o.check()),
        }
    }

    /// The chart kind and the options the chart reads; `None` for a
    /// process tree or a lookup, which are not charts.
    pub fn chart(&self) -> Option<(ViewKind, ViewOptions)> {
        fn frame(
            source_columns: &Option<Vec<String>>,
            title: &Option<String>,
            height: Option<Pixels>,
            width: Option<Pixels>,
        ) -> ViewOptions {
            ViewOptions {
                source_columns: source_columns.clone(),
                title: title.clone(),
                height: height.map(|p| p.0),
                width: width.map(|p| p.0),
                ..ViewOptions::default()
            }
        }
        let one = |c: &Option<String>| c.clone().map(Columns::One);
        Some(match self {
            ViewSpec::Timeline(o) => (
                ViewKind::Timeline,
                ViewOptions {
                    time_column: o.time_column.clone(),
                    group_by: one(&o.group_by),
                    ref_time: o.ref_time.clone(),
                    ref_label: o.ref_label.clone(),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::TimelineValues(o) => (
                ViewKind::TimelineValues,
                ViewOptions {
                    time_column: o.time_column.clone(),
                    group_by: one(&o.group_by),
                    ref_time: o.ref_time.clone(),
                    ref_label: o.ref_label.clone(),
                    y: Some(o.y.clone()),
                    kind: o
                        .kind
                        .as_ref()
                        .map(|k| Columns::Many(k.to_vec().iter().map(PlotStyle::name).collect())),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::TimelineDuration(o) => (
                ViewKind::TimelineDuration,
                ViewOptions {
                    time_column: o.time_column.clone(),
                    group_by: Some(o.group_by.clone()),
                    end_time_column: o.end_time_column.clone(),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::Matrix(o) => (
                ViewKind::Matrix,
                ViewOptions {
                    x: Some(o.x.clone()),
                    y: Some(o.y.clone()),
                    value_col: o.value_col.clone(),
                    dist_count: o.dist_count,
                    log_size: o.log_size,
                    invert: o.invert,
                    sort: o.sort.clone(),
                    sort_x: o.sort_x.clone(),
                    sort_y: o.sort_y.clone(),
                    max_label_len: o.max_label_len,
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::Anomalies(o) => (
                ViewKind::Anomalies,
                ViewOptions {
                    time_column: o.time_column.clone(),
                    y: Some(o.y.clone()),
                    baseline_col: o.baseline_col.clone(),
                    anomalies_col: o.anomalies_col.clone(),
                    ref_time: o.ref_time.clone(),
                    ref_label: o.ref_label.clone(),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::SessionScores(o) => (
                ViewKind::SessionScores,
                ViewOptions {
                    time_column: o.time_column.clone(),
                    y: Some(o.y.clone()),
                    group_by: one(&o.group_by),
                    ref_time: o.ref_time.clone(),
                    ref_label: o.ref_label.clone(),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::ClusterScatter(o) => (
                ViewKind::ClusterScatter,
                ViewOptions {
                    x: Some(o.x.clone()),
                    y: Some(o.y.clone()),
                    cluster_column: o.cluster_column.clone(),
                    size_column: o.size_column.clone(),
                    ..frame(&o.source_columns, &o.title, o.height, o.width)
                },
            ),
            ViewSpec::ProcessTree(_) | ViewSpec::Lookup(_) | ViewSpec::EntityGraph(_) => {
                return None
            }
        })
    }
}

impl PlotStyle {
    /// The style's name as options write it.
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Reads a style name, naming the ones there are when it is not one.
    pub fn parse(name: &str) -> Result<PlotStyle> {
        serde_json::from_value(serde_json::Value::String(name.to_string()))
            .map_err(|e| Error::option("kind", e))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_lookup_names_its_observables_and_providers() {
        let spec = ViewSpec::parse(
            "lookup",
            &json!({"iocs": ["185.220.101[.]1"], "providers": ["virustotal"]}),
        )
        .unwrap();
        assert_eq!(spec.kind_name(), "lookup");
        assert!(spec.chart().is_none());
        let err = |o| ViewSpec::parse("lookup", &o).unwrap_err().to_string();
        assert!(err(json!({})).contains("at least one observable"));
        assert!(err(json!({"iocs": ["1.2.3.4"], "providers": ["nope"]}))
            .contains("unknown lookup provider \"nope\""));
        let many: Vec<String> = (0..=crate::providers::ti::MAX_LOOKUP_OBSERVABLES)
            .map(|i| format!("h{i}.example"))
            .collect();
        assert!(err(json!({ "iocs": many })).contains("at most"));
        assert!(err(json!({"iocs": ["a.example"], "url": "x"})).contains("url"));
        assert_eq!(ViewSpec::kinds_without_data(), vec!["lookup".to_string()]);
    }

    #[test]
    fn every_kind_round_trips_and_the_names_come_from_the_enum() {
        let names = ViewSpec::kind_names();
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(names.contains(&"cluster_scatter".to_string()));
        assert!(names.contains(&"entity_graph".to_string()));
        assert!(names.contains(&"process_tree".to_string()));
        let spec = ViewSpec::parse("timeline", &json!(null)).unwrap();
        assert_eq!(spec.kind_name(), "timeline");
        assert!(spec.chart().is_some());
        let spec = ViewSpec::parse("process_tree", &json!(null)).unwrap();
        assert!(spec.chart().is_none());
        // Required options are named.
        let e = ViewSpec::parse("matrix", &json!({"x": "a"})).unwrap_err();
        assert!(e.to_string().contains("missing field `y`"), "{e}");
    }

    #[test]
    fn options_of_another_kind_are_refused() {
        // issue #13: `x` on a timeline used to pass the core and fail Python.
        let e = ViewSpec::parse("timeline", &json!({"x": "Computer"})).unwrap_err();
        assert!(e.to_string().contains("unknown field `x`"), "{e}");
        assert!(ViewSpec::parse("matrix", &json!({"x": "a", "y": "b"})).is_ok());
        let e = ViewSpec::parse("timelines", &json!({})).unwrap_err();
        assert!(e.to_string().contains("timeline_values"), "{e}");
    }

    #[test]
    fn bounds_and_names_are_checked() {
        let e = ViewSpec::parse("timeline", &json!({"height": 10})).unwrap_err();
        assert!(e.to_string().contains("height"), "{e}");
        assert!(ViewSpec::parse("timeline", &json!({"height": 50})).is_ok());
        let e = ViewSpec::parse("process_tree", &json!({"width": 20001})).unwrap_err();
        assert!(e.to_string().contains("width"), "{e}");
        for schema in ["windows", "Sysmon", "HX"] {
            assert!(ViewSpec::parse("process_tree", &json!({ "schema": schema })).is_ok());
        }
        assert!(ViewSpec::parse("process_tree", &json!({"schema": "winlog"})).is_err());
        let e = ViewSpec::parse("process_tree", &json!({"time_range": ["soon", null]}));
        assert!(e.unwrap_err().to_string().contains("time_range"));
        let e = ViewSpec::parse("timeline_values", &json!({"y": "v", "kind": ["bar"]}));
        assert!(e.unwrap_err().to_string().contains("vbar"));
        let e = ViewSpec::parse("matrix", &json!({"x": "a", "y": "b", "max_label_len": 0}));
        let e = e.unwrap_err();
        assert!(e.to_string().contains("max_label_len"), "{e}");
    }

    #[test]
    fn an_entity_graph_checks_its_bounds_and_colours() {
        let spec = ViewSpec::parse(
            "entity_graph",
            &json!({"seed": 7, "max_nodes": 100, "colors": {"Host": "#336699", "Note": "gold"}}),
        )
        .unwrap();
        assert!(spec.chart().is_none());
        let ViewSpec::EntityGraph(o) = spec else {
            panic!()
        };
        assert_eq!((o.layout().seed, o.layout().max_nodes), (7, 100));
        let err = |o| ViewSpec::parse("entity_graph", &o).unwrap_err().to_string();
        assert!(err(json!({"max_nodes": 0})).contains("max_nodes"));
        assert!(err(json!({"colors": {"Host": "red;background:url(x)"}})).contains("Host"));
        assert!(err(json!({"layout": "circle"})).contains("layout"));
    }

    /// The cases the Python helper checks too (`tests/golden/view_options.json`):
    /// both sides accept and refuse the same options (issue #13).
    #[test]
    fn golden_cases_match_the_python_helper() {
        let text = include_str!("../../../../tests/golden/view_options.json");
        let golden: serde_json::Value = serde_json::from_str(text).unwrap();
        for case in golden["cases"].as_array().unwrap() {
            let kind = case["kind"].as_str().unwrap();
            let got = ViewSpec::parse(kind, &case["options"]);
            assert_eq!(got.is_ok(), case["ok"] == json!(true), "{case}: {got:?}");
        }
    }
}
