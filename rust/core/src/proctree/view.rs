//! The tree as an interactive view: expand/collapse state, a time filter
//! and search over one built tree, answered as a flat list of visible rows.
//!
//! A UI that scrolls 100k processes draws only the rows in its viewport, so
//! the view keeps the visible nodes as one `Vec` (rebuilt in O(n) when the
//! state changes) and [`TreeView::rows`] serialises just the window asked
//! for.

use serde::{Deserialize, Serialize};

use super::build::build_tree_owned;
use super::schema::ProcSchema;
use super::text::tree_to_text;
use super::tree::{Field, Origin, ProcTree, ProcTreeSummary};
use super::ProcTreeOptions;
use crate::error::{Error, ErrorKind, Result};
use crate::table::Table;

/// How to build the view: the tree's schema (as [`ProcTreeOptions`]) and
/// the column that colours rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[schemars(rename = "ProcTreeViewOptions")]
pub struct TreeViewOptions {
    /// A built-in schema name; inferred from the columns when absent.
    #[schemars(schema_with = "super::schema_name_schema")]
    pub schema: Option<String>,
    /// The user's own column mapping.
    pub mapping: Option<ProcSchema>,
    /// Colour rows by this column's value (e.g. the account).
    pub legend_col: Option<String>,
}

/// One visible row: what a tree line shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ProcTreeRow")]
pub struct TreeRow {
    /// The node index (stable for the life of the view).
    pub node: usize,
    /// 0 for a root.
    pub depth: usize,
    /// Its children are shown.
    pub expanded: bool,
    /// It has children that pass the time filter.
    pub has_children: bool,
    /// Creation time, ms since the epoch (`None`: unknown, inferred).
    pub time: Option<i64>,
    /// The image (process name or path).
    pub image: String,
    /// The PID as written.
    pub pid: String,
    /// The account.
    pub user: String,
    /// The command line.
    pub cmdline: String,
    /// Its value in the legend column.
    pub legend: Option<String>,
    /// Inferred from a child's parent columns (no event of its own).
    pub inferred: bool,
    /// Matches the current search.
    pub matched: bool,
    /// Its time is inside the time filter (false: shown only as an
    /// ancestor of processes that are).
    pub in_range: bool,
}

/// One column of a process's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ProcTreeCell")]
pub struct DetailCell {
    /// Column name.
    pub name: String,
    /// Its value (`None`: null).
    pub value: Option<String>,
}

/// Everything known about one process, for a details pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ProcTreeDetails")]
pub struct DetailRow {
    /// The node index.
    pub node: usize,
    /// Input columns, then `proc_key, parent_key, depth, child_count,
    /// descendant_count, IsInferred, EffectiveLogonId`.
    pub columns: Vec<DetailCell>,
    /// Its ancestors, root first.
    pub ancestors: Vec<TreeRow>,
}

/// A legend entry: a value of the legend column and its process count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ProcTreeLegendValue")]
pub struct LegendValue {
    /// The value (empty for null).
    pub value: String,
    /// Processes with it.
    pub count: usize,
}

/// A built tree with view state; see the module docs.
#[derive(Debug, Clone)]
pub struct TreeView {
    tree: ProcTree<'static>,
    legend: Option<usize>,
    expanded: Vec<bool>,
    /// Passes the time filter itself or through a descendant.
    included: Vec<bool>,
    range: Option<(i64, i64)>,
    matched: Vec<bool>,
    visible: Vec<usize>,
}

impl TreeView {
    /// Builds the tree of `table`, everything expanded.
    pub fn new(table: Table, options: &TreeViewOptions) -> Result<TreeView> {
        let tree_options = ProcTreeOptions {
            schema: options.schema.clone(),
            mapping: options.mapping.clone(),
        };
        let (_, schema) = tree_options.resolve(&table)?;
        let legend = match &options.legend_col {
            Some(name) => Some(
                table
                    .names()
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| Error::missing_column(name, table.names()))?,
            ),
            None => None,
        };
        let tree = build_tree_owned(table, &schema)?;
        let n = tree.len();
        let mut view = TreeView {
            tree,
            legend,
            expanded: vec![true; n],
            included: vec![true; n],
            range: None,
            matched: vec![false; n],
            visible: Vec::with_capacity(n),
        };
        view.refresh();
        Ok(view)
    }

    /// The built tree.
    pub fn tree(&self) -> &ProcTree<'static> {
        &self.tree
    }

    /// Rows currently shown (expanded and passing the filter).
    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }

    /// The visible rows `start..start + count` (clamped).
    pub fn rows(&self, start: usize, count: usize) -> Vec<TreeRow> {
        let start = start.min(self.visible.len());
        let end = start.saturating_add(count).min(self.visible.len());
        self.visible[start..end]
            .iter()
            .map(|&n| self.row(n))
            .collect()
    }

    /// Where `node` is among the visible rows.
    pub fn position(&self, node: usize) -> Option<usize> {
        // Visible rows keep depth-first (node) order.
        self.visible.binary_search(&node).ok()
    }

    /// Expands or collapses `node`; returns its new state (false for an
    /// unknown node).
    pub fn toggle(&mut self, node: usize) -> bool {
        let Some(e) = self.expanded.get_mut(node) else {
            return false;
        };
        *e = !*e;
        let state = *e;
        self.refresh();
        state
    }

    /// Shows every process that passes the filter.
    pub fn expand_all(&mut self) {
        self.expanded.fill(true);
        self.refresh();
    }

    /// Shows the roots only.
    pub fn collapse_all(&mut self) {
        self.expanded.fill(false);
        self.refresh();
    }

    /// Expands `node`'s ancestors; returns its visible position (`None`
    /// when unknown or filtered out).
    pub fn expand_to(&mut self, node: usize) -> Option<usize> {
        for a in self.tree.ancestors(node) {
            self.expanded[a] = true;
        }
        self.refresh();
        self.position(node)
    }

    /// Marks processes whose image, command line, user or PID contains
    /// `text` (ignoring case), expands their ancestors and returns them in
    /// row order. Empty text clears the search.
    pub fn search(&mut self, text: &str) -> Vec<usize> {
        self.matched.fill(false);
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for n in 0..self.tree.len() {
            if !self.included[n] {
                continue;
            }
            let hit = [Field::Name, Field::Cmd, Field::User, Field::Pid]
                .into_iter()
                .filter_map(|f| self.tree.cell(n, f))
                .any(|s| s.to_lowercase().contains(&needle));
            if hit {
                self.matched[n] = true;
                found.push(n);
            }
        }
        for &n in &found {
            let mut p = self.tree.parent(n);
            // Stop at an ancestor already opened by an earlier match.
            while let Some(a) = p {
                if self.expanded[a] && self.matched[a] {
                    break;
                }
                self.expanded[a] = true;
                p = self.tree.parent(a);
            }
        }
        self.refresh();
        found
    }

    /// Keeps processes created in `t0..=t1` (ms; `None`: unbounded) and
    /// their ancestors; both `None` removes the filter.
    pub fn set_time_range(&mut self, t0: Option<i64>, t1: Option<i64>) {
        self.range = match (t0, t1) {
            (None, None) => None,
            (a, b) => Some((a.unwrap_or(i64::MIN), b.unwrap_or(i64::MAX))),
        };
        let nodes = self.tree.nodes();
        for (i, n) in nodes.iter().enumerate() {
            self.included[i] = self.in_range(n.time_ms);
        }
        // Children follow their parents in depth-first order, so one pass
        // from the end carries inclusion up to every ancestor.
        for i in (0..nodes.len()).rev() {
            if let (true, Some(p)) = (self.included[i], nodes[i].parent) {
                self.included[p] = true;
            }
        }
        self.refresh();
    }

    /// The earliest and latest creation times (ms), for a range picker.
    pub fn time_bounds(&self) -> Option<(i64, i64)> {
        let mut times = self.tree.nodes().iter().filter_map(|n| n.time_ms);
        let first = times.next()?;
        Some(times.fold((first, first), |(a, b), t| (a.min(t), b.max(t))))
    }

    /// All columns of `node` and its ancestors.
    pub fn details(&self, node: usize) -> Option<DetailRow> {
        let n = self.tree.nodes().get(node)?;
        let table = self.tree.table();
        let mut columns: Vec<DetailCell> = (0..table.names().len())
            .map(|j| DetailCell {
                name: table.names()[j].clone(),
                value: self.input_cell(node, j).map(str::to_string),
            })
            .collect();
        let parent_key = n.parent.map(|p| self.tree.proc_key(p));
        let tree_cells = [
            ("proc_key", Some(self.tree.proc_key(node))),
            ("parent_key", parent_key),
            ("depth", Some(n.depth.to_string())),
            ("child_count", Some(n.child_count.to_string())),
            ("descendant_count", Some(n.descendant_count.to_string())),
            ("IsInferred", Some(n.is_inferred().to_string())),
            (
                "EffectiveLogonId",
                self.tree.effective_logon_id(node).map(str::to_string),
            ),
        ];
        columns.extend(tree_cells.into_iter().map(|(name, value)| DetailCell {
            name: name.to_string(),
            value,
        }));
        let ancestors = self
            .tree
            .ancestors(node)
            .into_iter()
            .map(|a| self.row(a))
            .collect();
        Some(DetailRow {
            node,
            columns,
            ancestors,
        })
    }

    /// `node` and the processes below it that pass the filter, as
    /// [`tree_to_text`] renders them (empty for an unknown node).
    pub fn subtree_text(&self, node: usize) -> String {
        tree_to_text(&self.tree, self.subtree(node))
    }

    /// The same processes as CSV: the input columns plus `proc_key,
    /// parent_key, depth, IsInferred`.
    pub fn subtree_csv(&self, node: usize) -> Result<String> {
        let out = |e: csv::Error| Error::new(ErrorKind::Output(e.to_string()));
        let table = self.tree.table();
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = table.names().iter().map(String::as_str).chain([
            "proc_key",
            "parent_key",
            "depth",
            "IsInferred",
        ]);
        w.write_record(header).map_err(out)?;
        for n in self.subtree(node) {
            let info = &self.tree.nodes()[n];
            let mut record: Vec<String> = (0..table.names().len())
                .map(|j| self.input_cell(n, j).unwrap_or("").to_string())
                .collect();
            record.push(self.tree.proc_key(n));
            record.push(
                info.parent
                    .map(|p| self.tree.proc_key(p))
                    .unwrap_or_default(),
            );
            record.push(info.depth.to_string());
            record.push(info.is_inferred().to_string());
            w.write_record(&record).map_err(out)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::new(ErrorKind::Output(e.to_string())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// MSTICPy's summary counts of the whole tree.
    pub fn summary(&self) -> ProcTreeSummary {
        self.tree.summary()
    }

    /// Values of the legend column, most frequent first (ties by value);
    /// empty without a legend column.
    pub fn legend_values(&self) -> Vec<LegendValue> {
        let Some(_) = self.legend else {
            return Vec::new();
        };
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for n in 0..self.tree.len() {
            *counts.entry(self.legend_cell(n).unwrap_or("")).or_default() += 1;
        }
        let mut out: Vec<LegendValue> = counts
            .into_iter()
            .map(|(value, count)| LegendValue {
                value: value.to_string(),
                count,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }

    fn in_range(&self, time: Option<i64>) -> bool {
        match (self.range, time) {
            (None, _) => true,
            (Some((a, b)), Some(t)) => a <= t && t <= b,
            (Some(_), None) => false,
        }
    }

    /// `node`'s subtree, filtered; the subtree is the contiguous range
    /// after it in depth-first order.
    fn subtree(&self, node: usize) -> Vec<usize> {
        let Some(n) = self.tree.nodes().get(node) else {
            return Vec::new();
        };
        (node..=node + n.descendant_count)
            .filter(|&d| self.included[d])
            .collect()
    }

    /// Input column `col` of `node`; an inferred node has only the columns
    /// its child's parent columns give (as the tree's frame).
    fn input_cell(&self, node: usize, col: usize) -> Option<&str> {
        let n = &self.tree.nodes()[node];
        if let Origin::Event(row) = n.origin {
            return self.tree.table().column(col).get(row);
        }
        let c = &self.tree.cols;
        let field = [
            (Some(c.time), Field::Time),
            (Some(c.name), Field::Name),
            (Some(c.pid), Field::Pid),
            (c.host, Field::Host),
            (c.logon, Field::Logon),
        ]
        .into_iter()
        .find(|(k, _)| *k == Some(col))?
        .1;
        self.tree.cell(node, field)
    }

    fn legend_cell(&self, node: usize) -> Option<&str> {
        self.input_cell(node, self.legend?)
    }

    fn row(&self, node: usize) -> TreeRow {
        let n = &self.tree.nodes()[node];
        let text = |f| self.tree.cell(node, f).unwrap_or("").to_string();
        TreeRow {
            node,
            depth: n.depth,
            expanded: self.expanded[node],
            has_children: self.tree.children(node).iter().any(|&c| self.included[c]),
            time: n.time_ms,
            image: text(Field::Name),
            pid: text(Field::Pid),
            user: text(Field::User),
            cmdline: text(Field::Cmd),
            legend: self.legend_cell(node).map(str::to_string),
            inferred: n.is_inferred(),
            matched: self.matched[node],
            in_range: self.in_range(n.time_ms),
        }
    }

    /// Rebuilds the visible list: pre-order, skipping filtered-out nodes
    /// and the subtrees of collapsed ones.
    fn refresh(&mut self) {
        self.visible.clear();
        let nodes = self.tree.nodes();
        let mut i = 0;
        while i < nodes.len() {
            let skip = 1 + nodes[i].descendant_count;
            // A filtered-out node has no included descendants either.
            if !self.included[i] {
                i += skip;
                continue;
            }
            self.visible.push(i);
            i += if self.expanded[i] { 1 } else { skip };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    /// Two hosts with the same PIDs: on each, explorer(0x10) → cmd(0x20) →
    /// whoami(0x30); host b's cmd has no event, so it is an inferred root
    /// (4688 does not say who its parent was).
    const CSV: &str = "TimeGenerated,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine,SubjectUserName,Computer\n\
        2024-01-01T00:00:00Z,C:\\Windows\\explorer.exe,0x10,0x4,,explorer.exe,alice,a\n\
        2024-01-01T00:01:00Z,C:\\Windows\\System32\\cmd.exe,0x20,0x10,C:\\Windows\\explorer.exe,cmd /c whoami,alice,a\n\
        2024-01-01T00:02:00Z,C:\\Windows\\System32\\whoami.exe,0x30,0x20,C:\\Windows\\System32\\cmd.exe,whoami /all,alice,a\n\
        2024-01-01T00:00:30Z,C:\\Windows\\explorer.exe,0x10,0x4,,explorer.exe,bob,b\n\
        2024-01-01T00:03:00Z,C:\\Windows\\System32\\whoami.exe,0x30,0x20,C:\\Windows\\System32\\cmd.exe,whoami,bob,b\n";

    fn view(legend: Option<&str>) -> TreeView {
        let t = read_table(CSV.as_bytes(), TableFormat::Csv).unwrap();
        let options = TreeViewOptions {
            schema: Some("4688".into()),
            legend_col: legend.map(str::to_string),
            ..TreeViewOptions::default()
        };
        TreeView::new(t, &options).unwrap()
    }

    fn images(rows: &[TreeRow]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                format!(
                    "{}{}",
                    " ".repeat(r.depth),
                    r.image.rsplit('\\').next().unwrap()
                )
            })
            .collect()
    }

    #[test]
    fn visible_rows_follow_expand_and_collapse() {
        let mut v = view(None);
        // Host a: inferred 0x4 → explorer → cmd → whoami; host b: inferred
        // 0x4 → explorer, and inferred cmd → whoami.
        assert_eq!(v.visible_count(), 8);
        let all = v.rows(0, 100);
        assert_eq!(
            images(&all),
            [
                "",
                " explorer.exe",
                "  cmd.exe",
                "   whoami.exe",
                "",
                " explorer.exe",
                "cmd.exe",
                " whoami.exe"
            ]
        );
        assert!(
            all[6].inferred && !all[5].inferred,
            "host b's cmd has no event"
        );
        assert_eq!(v.rows(6, 100).len(), 2, "the window is clamped");
        assert!(v.rows(99, 5).is_empty());

        let cmd_a = all[2].node;
        assert!(!v.toggle(cmd_a));
        assert_eq!(v.visible_count(), 7);
        assert!(!v.rows(2, 1)[0].expanded && v.rows(2, 1)[0].has_children);
        assert!(v.toggle(cmd_a));
        assert_eq!(v.visible_count(), 8);
        assert!(!v.toggle(999), "unknown nodes are ignored");

        v.collapse_all();
        assert_eq!(v.visible_count(), 3, "roots only");
        let whoami_b = all[7].node;
        assert_eq!(v.expand_to(whoami_b), Some(3));
        assert_eq!(v.visible_count(), 4);
        v.expand_all();
        assert_eq!(v.visible_count(), 8);
    }

    #[test]
    fn search_marks_and_expands_to_matches() {
        let mut v = view(None);
        v.collapse_all();
        let found = v.search("WHOAMI /ALL");
        assert_eq!(found.len(), 1);
        let rows = v.rows(0, 100);
        assert_eq!(
            rows.len(),
            6,
            "host a opened down to the match: {:?}",
            images(&rows)
        );
        assert!(rows[3].matched && rows[3].cmdline == "whoami /all");
        // PID and user are searched too, case-insensitively.
        assert_eq!(v.search("0x30").len(), 2);
        assert_eq!(v.search("BOB").len(), 2);
        assert!(v.search("").is_empty());
        assert!(v.rows(0, 100).iter().all(|r| !r.matched));
    }

    #[test]
    fn time_filter_keeps_ancestors_for_context() {
        let mut v = view(None);
        let t = |s| crate::table::parse_time_ms(s).unwrap();
        assert_eq!(
            v.time_bounds(),
            Some((t("2024-01-01T00:00:00Z"), t("2024-01-01T00:03:00Z")))
        );
        v.set_time_range(Some(t("2024-01-01T00:02:30Z")), None);
        let rows = v.rows(0, 100);
        // Only host b's whoami is in range; its inferred parent stays.
        assert_eq!(images(&rows), ["cmd.exe", " whoami.exe"]);
        assert!(!rows[0].in_range && rows[0].has_children && rows[1].in_range);
        assert_eq!(v.search("alice"), Vec::<usize>::new(), "filtered out");
        v.set_time_range(None, None);
        assert_eq!(v.visible_count(), 8);
    }

    #[test]
    fn details_copy_and_legend() {
        let v = view(Some("SubjectUserName"));
        let rows = v.rows(0, 100);
        let whoami = rows[3].node;
        let d = v.details(whoami).unwrap();
        let get = |name: &str| {
            d.columns
                .iter()
                .find(|c| c.name == name)
                .and_then(|c| c.value.clone())
        };
        assert_eq!(get("CommandLine").as_deref(), Some("whoami /all"));
        assert_eq!(get("Computer").as_deref(), Some("a"));
        assert_eq!(get("depth").as_deref(), Some("3"));
        assert_eq!(get("IsInferred").as_deref(), Some("false"));
        assert_eq!(d.ancestors.len(), 3);
        assert!(d.ancestors[0].inferred && d.ancestors[2].image.ends_with("cmd.exe"));
        assert!(v.details(999).is_none());

        let text = v.subtree_text(rows[2].node);
        assert!(
            text.starts_with("+ C:\\Windows\\System32\\cmd.exe  PID 0x20"),
            "{text}"
        );
        assert!(
            text.contains("+-- C:\\Windows\\System32\\whoami.exe"),
            "{text}"
        );
        let csv = v.subtree_csv(rows[1].node).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "{csv}");
        assert!(lines[0].ends_with("Computer,proc_key,parent_key,depth,IsInferred"));
        assert!(lines[2].contains("cmd /c whoami"));
        assert_eq!(v.subtree_text(999), "");

        assert_eq!(rows[3].legend.as_deref(), Some("alice"));
        assert_eq!(rows[0].legend, None, "inferred nodes have no account");
        let legend = v.legend_values();
        assert_eq!(
            legend
                .iter()
                .map(|l| (l.value.as_str(), l.count))
                .collect::<Vec<_>>(),
            [("", 3), ("alice", 3), ("bob", 2)]
        );
    }

    #[test]
    fn a_missing_legend_column_is_named() {
        let t = read_table(CSV.as_bytes(), TableFormat::Csv).unwrap();
        let options = TreeViewOptions {
            legend_col: Some("Account".into()),
            ..TreeViewOptions::default()
        };
        let err = TreeView::new(t, &options).unwrap_err();
        assert!(err.to_string().contains("\"Account\""), "{err}");
    }
}
