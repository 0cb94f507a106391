//! View options as the bundle carries them, with MSTICPy's parameter names.
//! Unknown fields are refused so a typo shows up instead of being ignored.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::table::parse_time_ms;

/// The smallest `height`/`width` a view takes, in CSS pixels: below it no
/// axis and label fit. The JSON Schema and the check read this one value.
pub const MIN_PIXELS: f64 = 50.0;
/// The largest `height`/`width`: a canvas far past the screen only costs memory.
pub const MAX_PIXELS: f64 = 20_000.0;

/// A view size in CSS pixels, between [`MIN_PIXELS`] and [`MAX_PIXELS`]
/// (checked by [`ViewOptions::check`]; the JSON Schema carries the bounds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pixels(pub f64);

impl JsonSchema for Pixels {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pixels".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A size in CSS pixels.",
            "type": "number",
            "minimum": MIN_PIXELS,
            "maximum": MAX_PIXELS,
        })
    }
}

/// The words a matrix `sort` takes, in any case, and what each means.
pub const SORT_WORDS: [(&str, SortOrder); 6] = [
    ("asc", SortOrder::Asc),
    ("ascending", SortOrder::Asc),
    ("desc", SortOrder::Desc),
    ("descending", SortOrder::Desc),
    ("none", SortOrder::None),
    ("", SortOrder::None),
];

/// A regex matching any of `words` in any case (`sort`, process-tree
/// schema names): JSON Schema has no case-insensitive `enum`, and the
/// core compares case-insensitively.
pub fn any_case_pattern<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let alternatives: Vec<String> = words
        .into_iter()
        .map(|w| {
            w.chars()
                .map(|c| {
                    let (l, u) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
                    if l == u {
                        regex_syntax_escape(c)
                    } else {
                        format!("[{l}{u}]")
                    }
                })
                .collect()
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn regex_syntax_escape(c: char) -> String {
    if c.is_ascii_alphanumeric() || c == '_' {
        c.to_string()
    } else {
        format!("\\{c}")
    }
}

/// The schema of a nullable text option matched by [`any_case_pattern`];
/// `x-any-case` lists the words for error messages.
pub fn any_case_schema(words: &[&str], description: &str) -> Schema {
    json_schema!({
        "description": description,
        "type": ["string", "null"],
        "pattern": any_case_pattern(words.iter().copied()),
        "x-any-case": words,
    })
}

/// The JSON Schema of a matrix sort option.
pub(crate) fn sort_schema(_: &mut SchemaGenerator) -> Schema {
    let words: Vec<&str> = SORT_WORDS.iter().map(|(w, _)| *w).collect();
    any_case_schema(
        &words,
        "`asc` or `desc` by total (any case); null, `none` or empty: first appearance.",
    )
}

/// A column name or a list of them (`group_by` takes either).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Columns {
    /// One column.
    One(String),
    /// Several columns.
    Many(Vec<String>),
}

impl Columns {
    /// The names, in order.
    pub fn names(&self) -> Vec<String> {
        match self {
            Columns::One(c) => vec![c.clone()],
            Columns::Many(v) => v.clone(),
        }
    }
}

/// A time given as ISO 8601 text or epoch milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TimeValue {
    /// Milliseconds since the epoch.
    Millis(f64),
    /// Text in a form `parse_time_ms` reads.
    Text(String),
}

/// The options of every view kind; each kind reads the ones it knows (see
/// the README's bundle table).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewOptions {
    /// The event time column (default `TimeGenerated`).
    pub time_column: Option<String>,
    /// Lanes (timeline), series (timeline_values) or bars (timeline_duration).
    pub group_by: Option<Columns>,
    /// Columns shown in tooltips and copied with selected rows.
    pub source_columns: Option<Vec<String>>,
    /// A reference marker.
    pub ref_time: Option<TimeValue>,
    /// The reference marker's label.
    pub ref_label: Option<String>,
    /// timeline_values: the value column; matrix: the vertical category.
    pub y: Option<String>,
    /// timeline_values: `circle`, `line`, `vbar`, one or several.
    pub kind: Option<Columns>,
    /// timeline_duration: the end time of each event.
    pub end_time_column: Option<String>,
    /// matrix: the horizontal category.
    pub x: Option<String>,
    /// anomalies: the baseline column (default `baseline`).
    pub baseline_col: Option<String>,
    /// anomalies: the 0/±1 anomaly flag column (default `anomalies`).
    pub anomalies_col: Option<String>,
    /// matrix: the value to total per cell (default: count rows).
    pub value_col: Option<String>,
    /// matrix: count distinct `value_col` values.
    pub dist_count: bool,
    /// matrix: log-scaled circle sizes.
    pub log_size: bool,
    /// matrix: small values drawn large.
    pub invert: bool,
    /// matrix: `asc` or `desc` by total for both axes.
    pub sort: Option<String>,
    /// matrix: the horizontal axis's order.
    pub sort_x: Option<String>,
    /// matrix: the vertical axis's order.
    pub sort_y: Option<String>,
    /// matrix: labels longer than this are cut (default 25).
    pub max_label_len: Option<usize>,
    /// cluster_scatter: the cluster id column (default `ClusterId`).
    pub cluster_column: Option<String>,
    /// cluster_scatter: the cluster size column (default `ClusterSize`).
    pub size_column: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// Height in CSS pixels.
    pub height: Option<f64>,
    /// Width in CSS pixels.
    pub width: Option<f64>,
}

/// The shortest matrix `max_label_len`: a label cut to nothing says nothing.
pub const MIN_LABEL_LEN: usize = 1;

/// How a matrix axis is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Order of first appearance.
    None,
    /// Smallest total first.
    Asc,
    /// Largest total first.
    Desc,
}

impl ViewOptions {
    /// Parses options from JSON, naming the option that is wrong.
    pub fn from_json(value: &serde_json::Value) -> Result<ViewOptions> {
        if value.is_null() {
            return Ok(ViewOptions::default());
        }
        serde_json::from_value(value.clone()).map_err(|e| Error::option("options", e))
    }

    /// The time column, defaulting as MSTICPy does.
    pub fn time_column(&self) -> &str {
        self.time_column.as_deref().unwrap_or("TimeGenerated")
    }

    /// The reference time in milliseconds, if one is set.
    pub fn ref_time_ms(&self) -> Result<Option<f64>> {
        match &self.ref_time {
            None => Ok(None),
            Some(TimeValue::Millis(ms)) if ms.is_finite() => Ok(Some(*ms)),
            Some(TimeValue::Millis(ms)) => {
                Err(Error::option("ref_time", format!("{ms} is not a time")))
            }
            Some(TimeValue::Text(s)) => parse_time_ms(s)
                .map(|ms| Some(ms as f64))
                .ok_or_else(|| Error::option("ref_time", format!("{s:?} is not a time"))),
        }
    }

    /// The order of one matrix axis (`sort_x`/`sort_y` over `sort`).
    pub fn sort_order(&self, axis: &str) -> Result<SortOrder> {
        let (name, value) = match (axis, &self.sort_x, &self.sort_y) {
            ("x", Some(v), _) => ("sort_x", Some(v)),
            ("y", _, Some(v)) => ("sort_y", Some(v)),
            _ => ("sort", self.sort.as_ref()),
        };
        let Some(s) = value.map(|s| s.to_ascii_lowercase()) else {
            return Ok(SortOrder::None);
        };
        SORT_WORDS
            .iter()
            .find(|(w, _)| *w == s)
            .map(|(_, order)| *order)
            .ok_or_else(|| Error::option(name, format!("{s:?} is not \"asc\" or \"desc\"")))
    }

    /// Checks sizes, which reach the page as pixel counts.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [("height", self.height), ("width", self.width)] {
            if let Some(v) = v {
                if !(v.is_finite() && (MIN_PIXELS..=MAX_PIXELS).contains(&v)) {
                    return Err(Error::option(
                        name,
                        format!("{v} is not between {MIN_PIXELS} and {MAX_PIXELS} pixels"),
                    ));
                }
            }
        }
        // Every sort word, not only the ones an axis ends up reading.
        for (name, value) in [
            ("sort", &self.sort),
            ("sort_x", &self.sort_x),
            ("sort_y", &self.sort_y),
        ] {
            let lower = value.as_deref().map(str::to_ascii_lowercase);
            if let Some(s) = lower.filter(|s| !SORT_WORDS.iter().any(|(w, _)| w == s)) {
                return Err(Error::option(
                    name,
                    format!("{s:?} is not \"asc\" or \"desc\""),
                ));
            }
        }
        if self.max_label_len.is_some_and(|n| n < MIN_LABEL_LEN) {
            return Err(Error::option(
                "max_label_len",
                format!("must be at least {MIN_LABEL_LEN}"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_fields_are_named() {
        let e = ViewOptions::from_json(&json!({"time_colum": "t"})).unwrap_err();
        assert!(e.to_string().contains("time_colum"), "{e}");
    }

    #[test]
    fn group_by_and_ref_time_take_either_form() {
        let o = ViewOptions::from_json(
            &json!({"group_by": ["a", "b"], "ref_time": "2024-01-01T00:00:00Z"}),
        )
        .unwrap();
        assert_eq!(o.group_by.clone().unwrap().names(), ["a", "b"]);
        assert_eq!(o.ref_time_ms().unwrap(), Some(1_704_067_200_000.0));
        let o = ViewOptions::from_json(&json!({"group_by": "a", "ref_time": 5})).unwrap();
        assert_eq!(o.group_by.clone().unwrap().names(), ["a"]);
        assert_eq!(o.ref_time_ms().unwrap(), Some(5.0));
        let o = ViewOptions::from_json(&json!({"ref_time": "soon"})).unwrap();
        assert!(o.ref_time_ms().unwrap_err().to_string().contains("soon"));
    }

    #[test]
    fn sorting_and_sizes_are_checked() {
        let o = ViewOptions::from_json(&json!({"sort": "desc", "sort_y": "asc"})).unwrap();
        assert_eq!(o.sort_order("x").unwrap(), SortOrder::Desc);
        assert_eq!(o.sort_order("y").unwrap(), SortOrder::Asc);
        let o = ViewOptions::from_json(&json!({"sort": "up"})).unwrap();
        assert!(o.sort_order("x").is_err());
        let o = ViewOptions::from_json(&json!({"height": 5})).unwrap();
        assert!(o.check().unwrap_err().to_string().contains("height"));
    }
}
