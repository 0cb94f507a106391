//! The tree as a table: the input columns plus the tree columns, one row
//! per process in depth-first order.

use super::keys::{write_key, RowKeys};
use super::tree::{Field, Origin, ProcTree};
use crate::error::Result;
use crate::table::cells::trim_cell;
use crate::table::text::ColumnBuilder;
use crate::table::{Frame, FrameColumn, TextColumn};

/// The columns the tree adds, in order (an input column of the same name
/// is dropped rather than duplicated).
pub const TREE_COLUMNS: [&str; 13] = [
    "proc_key",
    "parent_key",
    "source_index",
    "parent_index",
    "path",
    "depth",
    "child_count",
    "descendant_count",
    "IsRoot",
    "IsLeaf",
    "IsBranch",
    "IsInferred",
    "EffectiveLogonId",
];

impl ProcTree<'_> {
    /// `host|image|pid|time` (lower-cased, time in RFC 3339): a readable
    /// identity, as MSTICPy's `proc_key` plus the host.
    pub fn proc_key(&self, node: usize) -> String {
        let mut key = String::new();
        self.write_proc_key(node, &mut key);
        key
    }

    /// [`proc_key`](Self::proc_key) appended to `out`.
    fn write_proc_key(&self, node: usize, out: &mut String) {
        let cells = [Field::Host, Field::Name, Field::Pid].map(|f| self.cell(node, f));
        write_key(out, cells, self.nodes.get(node).and_then(|n| n.time_ms));
    }

    /// The logon session the process runs in: the target logon id when
    /// set and not `0x0`, else the logon id (MSTICPy's `EffectiveLogonId`).
    pub fn effective_logon_id(&self, node: usize) -> Option<&str> {
        let n = self.nodes.get(node)?;
        if let (Origin::Event(row), Some(c)) = (n.origin, self.cols.target_logon) {
            let target = self.table.column(c).get(row).map(trim_cell);
            if let Some(t) = target.filter(|t| !t.is_empty() && *t != "0x0") {
                return Some(t);
            }
        }
        self.cell(node, Field::Logon)
    }

    /// `/`-joined node indices from the root down to each node, as
    /// MSTICPy's `path` (which uses source rows; ours are this frame's
    /// rows, so inferred processes have one too). Built in one buffer: in
    /// depth-first order the last node seen one level up is the parent, so
    /// its path is a prefix of the scratch string.
    fn paths(&self) -> Result<TextColumn> {
        let mut out = ColumnBuilder::with_capacity(self.nodes.len(), self.nodes.len() * 16);
        let mut scratch = String::new();
        let mut ends: Vec<usize> = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let keep = if n.depth == 0 {
                0
            } else {
                ends.get(n.depth - 1).copied().unwrap_or(0)
            };
            scratch.truncate(keep);
            if n.depth > 0 {
                scratch.push('/');
            }
            scratch.push_str(itoa::Buffer::new().format(i));
            ends.truncate(n.depth);
            ends.push(scratch.len());
            out.push(Some(&scratch))?;
        }
        Ok(out.finish())
    }

    /// Every node's [`proc_key`](Self::proc_key), into one buffer: the
    /// events' keys as the build wrote them ahead, or else written here in
    /// input-row order (so their host, image and PID cells are read in the
    /// order they are stored: read in tree order, each cell was a cache
    /// miss), then copied out in node order.
    fn proc_keys(&self) -> Result<TextColumn> {
        let n = self.nodes.len();
        let by_row = self.row_keys.take().unwrap_or_else(|| {
            let events = self.node_of_row.iter().enumerate().filter(|&(_, &i)| i < n);
            let rows = events.map(|(row, &i)| (row, self.nodes[i].time_ms));
            RowKeys::write(&*self.table, &self.cols, rows, n)
        });
        let mut scratch = String::new();
        let mut out = ColumnBuilder::with_capacity(n, by_row.bytes() + by_row.bytes() / 16);
        for (i, node) in self.nodes.iter().enumerate() {
            let written = match node.origin {
                Origin::Event(row) => by_row.get(row),
                _ => None,
            };
            if written.is_some() {
                out.push(written)?;
            } else {
                scratch.clear();
                self.write_proc_key(i, &mut scratch); // inferred processes
                out.push(Some(&scratch))?;
            }
        }
        Ok(out.finish())
    }

    /// The input columns plus [`TREE_COLUMNS`] (`EffectiveLogonId` only
    /// when the schema's logon column is present). Inferred processes carry
    /// the host, image, PID, creation time and logon id their child's
    /// columns give, and nulls elsewhere. Text columns are written straight
    /// into Arrow buffers (no `String` per cell), so a million-row tree
    /// fits in a wasm memory.
    pub fn frame(&self) -> Result<Frame> {
        let table = &*self.table;
        let n = &self.nodes;
        let mut out: Vec<(&str, FrameColumn)> = Vec::new();
        for (j, name) in table.names().iter().enumerate() {
            if TREE_COLUMNS.contains(&name.as_str()) {
                continue;
            }
            let cells = table.column(j);
            let field = self.field_of(j);
            let bytes = cells.text_bytes();
            let mut col = ColumnBuilder::with_capacity(n.len(), bytes + bytes / 64);
            for (i, node) in n.iter().enumerate() {
                col.push(match node.origin {
                    Origin::Event(row) => cells.get(row),
                    _ => field.and_then(|f| self.cell(i, f)),
                })?;
            }
            out.push((name, FrameColumn::Text(col.finish())));
        }
        out.extend(self.tree_columns()?);
        Ok(Frame::new(out))
    }

    /// Only [`TREE_COLUMNS`], typed (integers and booleans, not text):
    /// for hosts that hold the input table themselves and take its rows by
    /// `source_index` (keeping the input's own types), then fill the
    /// inferred rows from [`inferred_frame`](Self::inferred_frame). Writing
    /// every input column as text is most of [`frame`](Self::frame)'s time.
    pub fn tree_frame(&self) -> Result<Frame> {
        Ok(Frame::new(self.tree_columns()?))
    }

    /// The first two of [`TREE_COLUMNS`], `proc_key` and `parent_key`: the
    /// text half of [`tree_frame`](Self::tree_frame), as much work as the
    /// rest of it, so a host with threads writes it beside
    /// [`link_frame`](Self::link_frame).
    pub fn key_frame(&self) -> Result<Frame> {
        Ok(Frame::new(self.key_columns()?))
    }

    /// The rest of [`TREE_COLUMNS`] (from `source_index` on): links,
    /// counts, flags and `EffectiveLogonId`.
    pub fn link_frame(&self) -> Result<Frame> {
        Ok(Frame::new(self.link_columns()?))
    }

    /// One row per inferred process: `node` (its row in the tree frames),
    /// then the input's schema columns (time, image, PID, host, logon id;
    /// by their input names, as text) holding what [`frame`](Self::frame)
    /// writes for that process.
    pub fn inferred_frame(&self) -> Result<Frame> {
        let nodes: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_inferred())
            .collect();
        let mut out: Vec<(&str, FrameColumn)> = vec![(
            "node",
            FrameColumn::Int64(nodes.iter().map(|&i| Some(i as i64)).collect()),
        )];
        for (j, name) in self.table.names().iter().enumerate() {
            let Some(field) = self.field_of(j) else {
                continue;
            };
            if TREE_COLUMNS.contains(&name.as_str()) || name == "node" {
                continue;
            }
            let mut col = ColumnBuilder::with_capacity(nodes.len(), nodes.len() * 16);
            for &i in &nodes {
                col.push(self.cell(i, field))?;
            }
            out.push((name, FrameColumn::Text(col.finish())));
        }
        Ok(Frame::new(out))
    }

    /// The schema field input column `col` holds, if any.
    fn field_of(&self, col: usize) -> Option<Field> {
        let c = &self.cols;
        [
            (Some(c.time), Field::Time),
            (Some(c.name), Field::Name),
            (Some(c.pid), Field::Pid),
            (c.host, Field::Host),
            (c.logon, Field::Logon),
        ]
        .into_iter()
        .find(|(k, _)| *k == Some(col))
        .map(|(_, f)| f)
    }

    /// [`TREE_COLUMNS`] as frame columns, in order.
    fn tree_columns(&self) -> Result<Vec<(&'static str, FrameColumn)>> {
        let mut out = self.key_columns()?;
        out.extend(self.link_columns()?);
        Ok(out)
    }

    /// `proc_key` and `parent_key`.
    fn key_columns(&self) -> Result<Vec<(&'static str, FrameColumn)>> {
        let keys = self.proc_keys()?;
        let mut parent_keys =
            ColumnBuilder::with_capacity(self.nodes.len(), keys.array().value_data().len());
        for x in &self.nodes {
            parent_keys.push(x.parent.and_then(|p| keys.get(p)))?;
        }
        Ok(vec![
            ("proc_key", FrameColumn::Text(keys)),
            ("parent_key", FrameColumn::Text(parent_keys.finish())),
        ])
    }

    /// [`TREE_COLUMNS`] from `source_index` on.
    fn link_columns(&self) -> Result<Vec<(&'static str, FrameColumn)>> {
        let n = &self.nodes;
        let mut out: Vec<(&'static str, FrameColumn)> = Vec::new();
        let int =
            |f: &dyn Fn(usize) -> Option<i64>| FrameColumn::Int64((0..n.len()).map(f).collect());
        let flag = |f: &dyn Fn(usize) -> bool| {
            FrameColumn::Bool((0..n.len()).map(|i| Some(f(i))).collect())
        };
        let root = |i: usize| n[i].parent.is_none();
        let leaf = |i: usize| n[i].child_count == 0;
        out.push((
            "source_index",
            int(&|i| match n[i].origin {
                Origin::Event(row) => Some(row as i64),
                _ => None,
            }),
        ));
        out.push(("parent_index", int(&|i| n[i].parent.map(|p| p as i64))));
        out.push(("path", FrameColumn::Text(self.paths()?)));
        out.push(("depth", int(&|i| Some(n[i].depth as i64))));
        out.push(("child_count", int(&|i| Some(n[i].child_count as i64))));
        out.push((
            "descendant_count",
            int(&|i| Some(n[i].descendant_count as i64)),
        ));
        out.push(("IsRoot", flag(&root)));
        out.push(("IsLeaf", flag(&leaf)));
        out.push(("IsBranch", flag(&|i| !root(i) && !leaf(i))));
        out.push(("IsInferred", flag(&|i| n[i].is_inferred())));
        if self.cols.logon.is_some() {
            let mut logons = ColumnBuilder::with_capacity(n.len(), n.len() * 8);
            for i in 0..n.len() {
                logons.push(self.effective_logon_id(i))?;
            }
            out.push(("EffectiveLogonId", FrameColumn::Text(logons.finish())));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{build_tree, ProcSchema};
    use crate::table::{read_table, TableFormat};

    #[test]
    fn input_plus_tree_columns() {
        let t = read_table(
            b"t,host,name,pid,ppid,logon,target,extra\n\
              2024-01-01T00:00:01Z,H,C:\\cmd.exe,0x10,0x4,0x3e7,0x0,x\n\
              2024-01-01T00:00:02Z,H,C:\\ping.exe,0x20,0x10,0x3e7,0x99,y\n",
            TableFormat::Csv,
        )
        .unwrap();
        let schema = ProcSchema {
            host_name: Some("host".into()),
            logon_id: Some("logon".into()),
            target_logon_id: Some("target".into()),
            ..ProcSchema::new("t", "name", "pid", "ppid")
        };
        let tree = build_tree(&t, &schema).unwrap();
        let f = tree.frame().unwrap();
        let mut csv = Vec::new();
        f.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "t,host,name,pid,ppid,logon,target,extra,proc_key,parent_key,source_index,parent_index,path,depth,child_count,descendant_count,IsRoot,IsLeaf,IsBranch,IsInferred,EffectiveLogonId");
        assert_eq!(
            lines[1],
            ",H,,0x4,,0x3e7,,,h||0x4|,,,,0,0,1,2,True,False,False,True,0x3e7"
        );
        assert_eq!(lines[2], "2024-01-01T00:00:01Z,H,C:\\cmd.exe,0x10,0x4,0x3e7,0x0,x,h|c:\\cmd.exe|0x10|2024-01-01T00:00:01Z,h||0x4|,0,0,0/1,1,1,1,False,False,True,False,0x3e7");
        assert_eq!(lines[3], "2024-01-01T00:00:02Z,H,C:\\ping.exe,0x20,0x10,0x3e7,0x99,y,h|c:\\ping.exe|0x20|2024-01-01T00:00:02Z,h|c:\\cmd.exe|0x10|2024-01-01T00:00:01Z,1,1,0/1/2,2,0,0,False,True,False,False,0x99");
    }

    /// The split frames (tree columns; inferred rows' schema cells) hold
    /// what the joined frame holds, so a host can rebuild it from its own
    /// input table.
    #[test]
    fn tree_and_inferred_frames_match_the_joined_frame() {
        let t = read_table(
            b"t,host,name,pid,ppid,extra\n\
              2024-01-01T00:00:01Z,H,C:\\cmd.exe,0x10,0x4,x\n\
              2024-01-01T00:00:02Z,H,C:\\ping.exe,0x20,0x10,y\n",
            TableFormat::Csv,
        )
        .unwrap();
        let schema = ProcSchema {
            host_name: Some("host".into()),
            ..ProcSchema::new("t", "name", "pid", "ppid")
        };
        let tree = build_tree(&t, &schema).unwrap();
        let csv = |f: super::Frame| {
            let mut out = Vec::new();
            f.write_csv(&mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let full = csv(tree.frame().unwrap());
        let only = csv(tree.tree_frame().unwrap());
        for (a, b) in full.lines().zip(only.lines()) {
            assert!(a.ends_with(b), "{a} does not end with {b}");
            assert_eq!(b.split(',').count(), 12, "no logon column: 12 tree columns");
        }
        assert_eq!(
            csv(tree.inferred_frame().unwrap()),
            "node,t,host,name,pid\n0,,H,,0x4\n"
        );
    }
}
