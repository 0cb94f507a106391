//! The built tree and its utilities: MSTICPy's `process_tree_utils`
//! (roots, children, descendants, ancestors, siblings, root tree, summary)
//! as index lookups.
//!
//! Nodes are stored in depth-first pre-order (roots by host then time,
//! children by time), so a node's subtree is the contiguous range after it.

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::keys::KeyCache;
use super::schema::ProcSchema;
use crate::table::Table;

/// Where a node's data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
pub enum Origin {
    /// A process-creation event: the input row.
    Event(usize),
    /// A parent with no event of its own, inferred from the parent columns
    /// of this input row (its first child's event).
    Parent(usize),
    /// A grandparent with no event, inferred from the grandparent columns
    /// of this input row (MDE).
    Grandparent(usize),
}

impl Origin {
    /// The input row the node's data is read from.
    pub fn row(self) -> usize {
        match self {
            Origin::Event(r) | Origin::Parent(r) | Origin::Grandparent(r) => r,
        }
    }
}

/// One process of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcNode {
    /// Where its columns come from.
    pub origin: Origin,
    /// The parent's node index, `None` for a root.
    pub parent: Option<usize>,
    /// 0 for a root.
    pub depth: usize,
    /// Direct children.
    pub child_count: usize,
    /// All processes below it.
    pub descendant_count: usize,
    /// Creation time (ms since the epoch); `None` for an inferred process
    /// whose creation time is not in the data.
    pub time_ms: Option<i64>,
}

impl ProcNode {
    /// Inferred from a child's columns rather than read from its own event.
    pub fn is_inferred(&self) -> bool {
        !matches!(self.origin, Origin::Event(_))
    }
}

/// What the build did to the input besides linking it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BuildStats {
    /// Rows in the table.
    pub input_rows: usize,
    /// Rows dropped by the schema's event filter (not process creations).
    pub filtered_rows: usize,
    /// Rows dropped as repeats of a process already seen (same host, PID,
    /// image and time).
    pub duplicate_rows: usize,
    /// Parent and grandparent nodes added for processes whose creation is
    /// not in the data.
    pub inferred_processes: usize,
    /// Parent links dropped because they closed a loop (only possible among
    /// processes with equal times).
    pub cycles_broken: usize,
    /// Optional schema columns the table does not have (so not used).
    pub unused_columns: Vec<String>,
}

/// MSTICPy's `get_summary_info`, with its key names.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "PascalCase")]
pub struct ProcTreeSummary {
    /// All nodes, inferred ones included.
    pub processes: usize,
    /// Nodes without a parent.
    pub root_processes: usize,
    /// Nodes without children.
    pub leaf_processes: usize,
    /// Nodes with a parent and children.
    pub branch_processes: usize,
    /// Roots that are also leaves.
    pub isolated_processes: usize,
    /// Levels of the deepest tree (a lone root is 1).
    pub largest_tree_depth: usize,
}

impl ProcTreeSummary {
    /// The counts of processes given as (is a root, is a leaf, level where
    /// a root is 1).
    pub(crate) fn count(nodes: impl Iterator<Item = (bool, bool, usize)>) -> ProcTreeSummary {
        let mut s = ProcTreeSummary::default();
        for (root, leaf, level) in nodes {
            s.processes += 1;
            s.root_processes += usize::from(root);
            s.leaf_processes += usize::from(leaf);
            s.branch_processes += usize::from(!root && !leaf);
            s.isolated_processes += usize::from(root && leaf);
            s.largest_tree_depth = s.largest_tree_depth.max(level);
        }
        s
    }
}

/// Column indices of the schema in the table (`None`: not present).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cols {
    pub(crate) time: usize,
    pub(crate) name: usize,
    pub(crate) pid: usize,
    pub(crate) ppid: usize,
    pub(crate) pname: Option<usize>,
    pub(crate) cmd: Option<usize>,
    pub(crate) logon: Option<usize>,
    pub(crate) target_logon: Option<usize>,
    pub(crate) user: Option<usize>,
    pub(crate) user_id: Option<usize>,
    pub(crate) host: Option<usize>,
    pub(crate) event: Option<usize>,
    pub(crate) ptime: Option<usize>,
    pub(crate) gpid: Option<usize>,
    pub(crate) gpname: Option<usize>,
    pub(crate) gptime: Option<usize>,
    pub(crate) initiator: Option<usize>,
    pub(crate) initiator_time: Option<usize>,
}

/// Process trees built from a table of process-creation events; keeps the
/// table (borrowed, or owned by a long-lived view: [`build_tree_owned`](super::build_tree_owned))
/// to render rows ([`ProcTree::frame`], [`tree_to_text`](super::tree_to_text)).
#[derive(Debug, Clone)]
pub struct ProcTree<'t> {
    pub(crate) table: Cow<'t, Table>,
    pub(crate) schema: ProcSchema,
    pub(crate) cols: Cols,
    pub(crate) nodes: Vec<ProcNode>,
    pub(crate) roots: Vec<usize>,
    /// `children[child_start[i]..child_start[i + 1]]` are node i's children.
    pub(crate) child_start: Vec<usize>,
    pub(crate) children: Vec<usize>,
    /// Node of each input row (`usize::MAX`: filtered out or duplicate).
    pub(crate) node_of_row: Vec<usize>,
    pub(crate) stats: BuildStats,
    /// `proc_key`s the build wrote ahead, for the first frame.
    pub(crate) row_keys: KeyCache,
}

impl<'t> ProcTree<'t> {
    /// Number of processes (inferred ones included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// No processes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All processes, in depth-first order.
    pub fn nodes(&self) -> &[ProcNode] {
        &self.nodes
    }

    /// The table the tree was built from.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The schema used.
    pub fn schema(&self) -> &ProcSchema {
        &self.schema
    }

    /// What was filtered, deduplicated, inferred or cut.
    pub fn stats(&self) -> &BuildStats {
        &self.stats
    }

    /// The node of input row `row`, if it is a process in the tree.
    pub fn node_of_row(&self, row: usize) -> Option<usize> {
        self.node_of_row
            .get(row)
            .copied()
            .filter(|&n| n != usize::MAX)
    }

    /// Root processes, by host then time.
    pub fn roots(&self) -> &[usize] {
        &self.roots
    }

    /// The parent of `node`.
    pub fn parent(&self, node: usize) -> Option<usize> {
        self.nodes.get(node).and_then(|n| n.parent)
    }

    /// Direct children of `node`, by time (empty for an unknown node).
    pub fn children(&self, node: usize) -> &[usize] {
        match (self.child_start.get(node), self.child_start.get(node + 1)) {
            (Some(&a), Some(&b)) => &self.children[a..b],
            _ => &[],
        }
    }

    /// Processes below `node` in depth-first order, at most `max_levels`
    /// levels down (`None`: all).
    pub fn descendants(&self, node: usize, max_levels: Option<usize>) -> Vec<usize> {
        let Some(n) = self.nodes.get(node) else {
            return Vec::new();
        };
        let limit = max_levels.map_or(usize::MAX, |l| n.depth.saturating_add(l));
        (node + 1..node + 1 + n.descendant_count)
            .filter(|&d| self.nodes[d].depth <= limit)
            .collect()
    }

    /// Processes above `node`, root first.
    pub fn ancestors(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.parent(node);
        // Depth bounds the walk: links were made acyclic during the build.
        while let Some(p) = cur {
            out.push(p);
            cur = self.parent(p);
        }
        out.reverse();
        out
    }

    /// The other children of `node`'s parent (for a root: the other roots).
    pub fn siblings(&self, node: usize) -> Vec<usize> {
        if node >= self.nodes.len() {
            return Vec::new();
        }
        let all = match self.parent(node) {
            Some(p) => self.children(p),
            None => &self.roots,
        };
        all.iter().copied().filter(|&s| s != node).collect()
    }

    /// The root of `node`'s tree.
    pub fn root(&self, node: usize) -> usize {
        self.ancestors(node).first().copied().unwrap_or(node)
    }

    /// The whole tree `node` belongs to: its root and everything below.
    pub fn root_tree(&self, node: usize) -> Range<usize> {
        if node >= self.nodes.len() {
            return 0..0;
        }
        let root = self.root(node);
        root..root + 1 + self.nodes[root].descendant_count
    }

    /// Counts as MSTICPy's `get_summary_info` reports them.
    pub fn summary(&self) -> ProcTreeSummary {
        ProcTreeSummary::count(
            self.nodes
                .iter()
                .map(|n| (n.parent.is_none(), n.child_count == 0, n.depth + 1)),
        )
    }

    /// The text of column `col` for `node`'s row, as the node shows it
    /// (an inferred node shows its child's parent columns).
    pub(crate) fn cell(&self, node: usize, field: Field) -> Option<&str> {
        let n = self.nodes.get(node)?;
        let c = &self.cols;
        let col = match (n.origin, field) {
            (Origin::Event(_), Field::Time) => Some(c.time),
            (Origin::Event(_), Field::Name) => Some(c.name),
            (Origin::Event(_), Field::Pid) => Some(c.pid),
            (Origin::Event(_), Field::Cmd) => c.cmd,
            (Origin::Event(_), Field::User) => c.user,
            (Origin::Event(_), Field::UserId) => c.user_id,
            (Origin::Event(_), Field::Logon) => c.logon,
            (Origin::Parent(_), Field::Time) => c.ptime,
            (Origin::Parent(_), Field::Name) => c.pname,
            (Origin::Parent(_), Field::Pid) => Some(c.ppid),
            // The creator's logon session is the parent's (MSTICPy does
            // the same for its inferred parents).
            (Origin::Parent(_), Field::Logon) => c.logon,
            (Origin::Grandparent(_), Field::Time) => c.gptime,
            (Origin::Grandparent(_), Field::Name) => c.gpname,
            (Origin::Grandparent(_), Field::Pid) => c.gpid,
            (_, Field::Host) => c.host,
            _ => None,
        }?;
        self.table.column(col).get(n.origin.row())
    }
}

/// The node fields renderers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Time,
    Name,
    Pid,
    Cmd,
    User,
    UserId,
    Logon,
    Host,
}

#[cfg(test)]
mod tests {
    use super::super::{build_tree, ProcSchema};
    use crate::table::{read_table, TableFormat};

    /// root(1) -> a(2) -> {b(3) -> d(5), c(4)}; e(7) whose parent 6 is missing.
    const CSV: &str = "t,name,pid,ppid\n\
        2024-01-01 00:00:00,root,1,0\n\
        2024-01-01 00:00:01,a,2,1\n\
        2024-01-01 00:00:02,b,3,2\n\
        2024-01-01 00:00:03,c,4,2\n\
        2024-01-01 00:00:04,d,5,3\n\
        2024-01-01 00:00:05,e,7,6\n";

    #[test]
    fn navigation() {
        let t = read_table(CSV.as_bytes(), TableFormat::Csv).unwrap();
        let tree = build_tree(&t, &ProcSchema::new("t", "name", "pid", "ppid")).unwrap();
        let node = |row| tree.node_of_row(row).unwrap();
        let rows = |nodes: Vec<usize>| -> Vec<usize> {
            nodes
                .iter()
                .map(|&n| tree.nodes()[n].origin.row())
                .collect()
        };
        // Two inferred roots: pid 0 (parent of root) and pid 6.
        assert_eq!(tree.len(), 8);
        assert_eq!(tree.roots().len(), 2);
        assert_eq!(rows(tree.children(node(1)).to_vec()), [2, 3]);
        assert_eq!(rows(tree.descendants(node(1), None)), [2, 4, 3]);
        assert_eq!(rows(tree.descendants(node(1), Some(1))), [2, 3]);
        assert_eq!(
            rows(tree.ancestors(node(4))),
            [0, 0, 1, 2],
            "inferred pid 0 is row 0's parent"
        );
        assert!(tree.nodes()[tree.ancestors(node(4))[0]].is_inferred());
        assert_eq!(rows(tree.siblings(node(2))), [3]);
        assert_eq!(tree.root_tree(node(4)).len(), 6);
        assert_eq!(tree.root_tree(node(5)).len(), 2);
        assert!(tree.children(99).is_empty() && tree.descendants(99, None).is_empty());
        let s = tree.summary();
        assert_eq!(
            (
                s.processes,
                s.root_processes,
                s.leaf_processes,
                s.branch_processes
            ),
            (8, 2, 3, 3)
        );
        assert_eq!((s.isolated_processes, s.largest_tree_depth), (0, 5));
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            json.starts_with(r#"{"Processes":8,"RootProcesses":2,"#),
            "{json}"
        );
    }
}
