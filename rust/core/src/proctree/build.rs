//! Linking process-creation events to their parents.
//!
//! Every row becomes a small record of integers (interned host, PID and
//! image name, time in ms), the records are sorted once by
//! `(host, pid, [image], time)`, and each child's parent is found by a
//! binary search in its `(host, parent pid, [parent image])` group: the
//! latest process created at or before the child. O(n log n), no strings
//! allocated per row beyond the interners' first sightings.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::inferred::{Inferred, Joined};
use super::intern::{FxHashMap, Interner};
use super::keys::{KeyCache, RowKeys};
use super::pid::Pid;
use super::schema::ProcSchema;
use super::tree::{BuildStats, Cols, Origin, ProcNode, ProcTree, ProcTreeSummary};
use crate::error::{Error, ErrorKind, Result};
use crate::parallel;
use crate::table::cells::{trim_cell, Cells};
use crate::table::{parse_time_ms, Table};

/// No image name (an empty or missing parent name matches any image).
pub(super) const NO_NAME: u32 = u32::MAX;
const NONE: usize = usize::MAX;

/// A process as the matcher sees it.
#[derive(Debug, Clone, Copy)]
struct Proc {
    host: u32,
    pid: Pid,
    /// Lower-cased file name of the image.
    base: u32,
    /// Lower-cased full image path as written.
    full: u32,
    has_dir: bool,
    time: i64,
    row: usize,
    /// Its parent as its row names it (no parent PID: none).
    parent: Option<Ref>,
}

/// A reference to a parent (or grandparent) from a child's columns: PID,
/// image and time all read from one set of columns of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Ref {
    pub(super) host: u32,
    pub(super) pid: Pid,
    /// Lower-cased file name of the image (`NO_NAME`: not given).
    pub(super) base: u32,
    /// Lower-cased image as written.
    pub(super) full: u32,
    pub(super) has_dir: bool,
    /// Its creation time when the data says (MDE).
    pub(super) time: Option<i64>,
}

/// Image names interned as full path and file name.
#[derive(Default)]
struct Images {
    names: Interner,
    /// By full id: its file name's id and whether it has a directory
    /// (`NO_NAME` while unknown), so a path seen before costs one lookup.
    base_of: Vec<(u32, bool)>,
}

impl Images {
    /// Interned image name: (basename id, full id, has a directory).
    fn id(&mut self, name: &str) -> (u32, u32, bool) {
        let name = trim_cell(name);
        // An empty name says nothing, and MSTICPy's "unknown" placeholder
        // neither: both match any image.
        if name.is_empty() || name.eq_ignore_ascii_case("unknown") || name == "-" {
            return (NO_NAME, NO_NAME, false);
        }
        let full = self.names.id(name);
        if let Some(&(base, has_dir)) = self.base_of.get(full as usize) {
            if base != NO_NAME {
                return (base, full, has_dir);
            }
        }
        let base_start = name.rfind(['\\', '/']).map_or(0, |i| i + 1);
        let base = if base_start == 0 {
            full
        } else {
            self.names.id(&name[base_start..])
        };
        let at = full as usize;
        if self.base_of.len() <= at {
            self.base_of.resize(at + 1, (NO_NAME, false));
        }
        self.base_of[at] = (base, base_start > 0);
        (base, full, base_start > 0)
    }
}

/// Same image: equal file names, and equal full paths when both have one
/// (so `C:\Temp\cmd.exe` is not `C:\Windows\System32\cmd.exe`, but MDE's
/// bare `cmd.exe` matches either). MSTICPy compares the whole lower-cased
/// string, which never matches a file name against a path.
fn same_image(r: &Ref, base: u32, full: u32, has_dir: bool) -> bool {
    r.base == NO_NAME || (r.base == base && (!(r.has_dir && has_dir) || r.full == full))
}

fn column(table: &(impl Cells + ?Sized), name: &str) -> Option<usize> {
    table.names().iter().position(|n| n == name)
}

fn resolve_columns(
    table: &(impl Cells + ?Sized),
    schema: &ProcSchema,
) -> Result<(Cols, Vec<String>)> {
    let required = |name: &str| {
        column(table, name).ok_or_else(|| {
            Error::new(ErrorKind::MissingColumn {
                column: name.to_string(),
                available: table.names().to_vec(),
            })
        })
    };
    let mut unused = Vec::new();
    let mut optional = |name: &Option<String>| {
        let name = name.as_deref()?;
        let found = column(table, name);
        if found.is_none() {
            unused.push(name.to_string());
        }
        found
    };
    let mut cols = Cols {
        time: required(&schema.time_stamp)?,
        name: required(&schema.process_name)?,
        pid: required(&schema.process_id)?,
        ppid: required(&schema.parent_id)?,
        pname: optional(&schema.parent_name),
        cmd: optional(&schema.cmd_line),
        logon: optional(&schema.logon_id),
        target_logon: optional(&schema.target_logon_id),
        user: optional(&schema.user_name),
        user_id: optional(&schema.user_id),
        host: optional(&schema.host_name),
        event: optional(&schema.event_id_column),
        ptime: optional(&schema.parent_time),
        gpid: optional(&schema.grandparent_id),
        gpname: optional(&schema.grandparent_name),
        gptime: optional(&schema.grandparent_time),
        initiator: optional(&schema.initiator_id),
        initiator_time: optional(&schema.initiator_time),
    };
    if schema.event_id.is_none() {
        cols.event = None;
    }
    Ok((cols, unused))
}

/// The event filter: equal text, or equal numbers (`4688` = `4688.0`).
fn is_event(cell: Option<&str>, wanted: &str) -> bool {
    let Some(cell) = cell.map(str::trim) else {
        return false;
    };
    cell == wanted
        || matches!((cell.parse::<f64>(), wanted.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
}

/// [`is_event`] on the cells of column `col`: the rows that pass, in
/// order. A typed number column (an Arrow `EventID`) is compared as a
/// number, without formatting it.
fn event_rows(table: &(impl Cells + ?Sized), col: usize, wanted: &str) -> Vec<usize> {
    let rows = 0..table.rows();
    let typed = table.typed(col).filter(|c| c.is_number());
    match (typed, wanted.parse::<f64>()) {
        (Some(c), Ok(w)) => rows.filter(|&row| c.number(row) == Some(w)).collect(),
        _ => rows
            .filter(|&row| is_event(table.get(col, row), wanted))
            .collect(),
    }
}

fn cell<C: Cells + ?Sized>(table: &C, col: usize, row: usize) -> Option<&str> {
    table.get(col, row).filter(|s| !trim_cell(s).is_empty())
}

/// Whether the cell says nothing (null or blank text); a typed cell is
/// checked without formatting it.
fn blank(table: &(impl Cells + ?Sized), col: usize, row: usize) -> bool {
    match table.typed(col) {
        Some(c) => c.is_blank(row),
        None => cell(table, col, row).is_none(),
    }
}

/// The time at `row`: an Arrow timestamp read as milliseconds, text
/// parsed (see [`Column::time_ms`](crate::table::Column::time_ms)).
fn time_at(table: &(impl Cells + ?Sized), schema_col: &str, col: usize, row: usize) -> Result<i64> {
    let ms = match table.typed(col) {
        Some(c) => c.time_ms(row),
        None => table.get(col, row).and_then(parse_time_ms),
    };
    ms.ok_or_else(|| {
        let raw = table.get(col, row).unwrap_or("");
        Error::bad_value(schema_col, row, raw, "a time")
    })
}

fn optional_time(
    table: &(impl Cells + ?Sized),
    name: &Option<String>,
    col: Option<usize>,
    row: usize,
) -> Result<Option<i64>> {
    match (col, name) {
        (Some(c), Some(n)) if !blank(table, c, row) => time_at(table, n, c, row).map(Some),
        _ => Ok(None),
    }
}

/// The process id at `row`: an Arrow integer (or whole float) column's
/// value as it is, never formatted; text (and a negative or fractional
/// number, as its text) through [`Pid::parse`]. `None` for no PID.
fn pid_at(
    table: &(impl Cells + ?Sized),
    col: usize,
    row: usize,
    strings: &mut Interner,
) -> Option<Pid> {
    if let Some(c) = table.typed(col).filter(|c| c.is_number()) {
        if c.is_null(row) {
            return None;
        }
        let n = c.integer(row).and_then(|n| u64::try_from(n).ok());
        if let Some(pid) = n.and_then(Pid::number) {
            return Some(pid);
        }
    }
    cell(table, col, row).and_then(|s| Pid::parse(s, strings))
}

/// The columns in which a row names another process (its parent, or
/// MDE's grandparent).
struct RefColumns<'s> {
    pid: Option<usize>,
    name: Option<usize>,
    time: Option<usize>,
    /// The schema's name of the time column, for errors.
    time_name: &'s Option<String>,
}

impl RefColumns<'_> {
    /// The process `row` names, on `host`; `None` when its PID is empty.
    /// Its image is interned in `names` (without them: `NO_NAME`, for the
    /// caller to fill in).
    fn read(
        &self,
        table: &(impl Cells + ?Sized),
        pids: &mut Interner,
        names: Option<&mut Images>,
        host: u32,
        row: usize,
    ) -> Result<Option<Ref>> {
        let Some(pid) = self.pid.and_then(|c| pid_at(table, c, row, pids)) else {
            return Ok(None);
        };
        let (base, full, has_dir) = match (self.name, names) {
            (Some(c), Some(names)) => names.id(cell(table, c, row).unwrap_or("")),
            _ => (NO_NAME, NO_NAME, false),
        };
        Ok(Some(Ref {
            host,
            pid,
            base,
            full,
            has_dir,
            time: optional_time(table, self.time_name, self.time, row)?,
        }))
    }
}

/// What linking interns after step 1 (grandparents' PIDs and images).
struct Interners {
    names: Images,
    pids: Interner,
}

/// A sort key, stored inline so the binary search reads one contiguous
/// array instead of chasing an index per probe (that indirection was most
/// of the build's time on a million rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    host: u32,
    pid: Pid,
    /// The file name in `by_name`, 0 in `by_pid`.
    base: u32,
    time: i64,
    full: u32,
    idx: usize,
    /// Last, so it never decides the order; inline so a match needs no
    /// look into `procs`.
    has_dir: bool,
}

impl Key {
    fn new(p: &Proc, idx: usize, with_base: bool) -> Key {
        Key {
            host: p.host,
            pid: p.pid,
            base: if with_base { p.base } else { 0 },
            time: p.time,
            full: p.full,
            idx,
            has_dir: p.has_dir,
        }
    }
}

/// A `(host, pid, base)` group of keys.
type Group = (u32, Pid, u32);

/// The keys grouped by `(host, pid, base)` (base 0 when `with_base` is
/// false), each group in `(time, full, idx)` order (what a sort of all
/// keys gives within a group), and where each group is. A counting sort
/// on dense group ids plus a check of each small group, instead of a
/// comparison sort of a million 40-byte keys (the largest cost in wasm):
/// events arrive in time order, so most groups are sorted already. A
/// lookup is then one hash probe and a search within a few keys.
struct Order {
    keys: Vec<Key>,
    ids: FxHashMap<Group, u32>,
    /// `keys[starts[id]..starts[id + 1]]` is group `id`.
    starts: Vec<usize>,
}

impl Order {
    fn new(procs: &[Proc], with_base: bool) -> Order {
        // Sized for one group per process (most are): no rehash on the way.
        let mut ids: FxHashMap<Group, u32> =
            FxHashMap::with_capacity_and_hasher(procs.len(), Default::default());
        let group_of: Vec<usize> = procs
            .iter()
            .map(|p| {
                let next = ids.len() as u32;
                let group = (p.host, p.pid, if with_base { p.base } else { 0 });
                *ids.entry(group).or_insert(next) as usize
            })
            .collect();
        let (starts, slots) = counting_sort(ids.len(), group_of.iter().map(|&g| Some(g)));
        let mut keys: Vec<Key> = slots
            .iter()
            .map(|&i| Key::new(&procs[i], i, with_base))
            .collect();
        for w in starts.windows(2) {
            let group = &mut keys[w[0]..w[1]];
            if !group.is_sorted() {
                group.sort_unstable();
            }
        }
        Order { keys, ids, starts }
    }

    /// The keys of group `g`, in order.
    fn group(&self, g: &Group) -> &[Key] {
        match self.ids.get(g) {
            Some(&id) => {
                let id = id as usize;
                &self.keys[self.starts[id]..self.starts[id + 1]]
            }
            None => &[],
        }
    }
}

/// The sorted views used to look parents up among the processes of one
/// host (parents are only looked up on the child's
/// host), which start at `offset` in the build's list.
struct Index<'p> {
    procs: &'p [Proc],
    offset: usize,
    /// By (host, pid, base), then time: for parents named in the child's row.
    by_name: Order,
    /// By (host, pid), then time: for parents with no name, built on first
    /// use (4688 and Sysmon always name them, so it is seldom needed).
    by_pid: OnceCell<Order>,
}

impl Index<'_> {
    /// The latest process matching `r` created at or before `before`, other
    /// than `exclude`. When the parent's creation time is known, the
    /// earliest one created in `[time, before]` instead: an event's time
    /// can trail the creation time it reports, and a later process with the
    /// same PID and image is a reuse, not the parent. Indices are the
    /// build's (`offset` added).
    fn find(&self, r: &Ref, before: i64, exclude: usize) -> Option<usize> {
        // Without a parent name (`r.base == NO_NAME`) any image matches.
        let (order, base) = if r.base != NO_NAME {
            (&self.by_name, r.base)
        } else {
            let order = self.by_pid.get_or_init(|| Order::new(self.procs, false));
            (order, 0)
        };
        let group = order.group(&(r.host, r.pid, base));
        let end = group.partition_point(|k| k.time <= before);
        let mut earliest = None;
        for k in group[..end].iter().rev() {
            if r.time.is_some_and(|t| k.time < t) {
                break;
            }
            let idx = self.offset + k.idx;
            if idx != exclude && same_image(r, k.base, k.full, k.has_dir) {
                if r.time.is_none() {
                    return Some(idx);
                }
                earliest = Some(idx);
            }
        }
        earliest
    }
}

/// Builds the process trees of `table` with `schema`.
///
/// Rows not passing the schema's event filter are dropped; repeats of a
/// process (same host, PID, image and time) are dropped after the first;
/// each remaining process is linked to its parent on the same host (see the
/// module docs); parents that are not in the data are added as inferred
/// nodes, one per process however its children name it (same host and
/// PID, compatible image and creation time: see `inferred.rs`); links that
/// would close a loop are dropped and counted.
pub fn build_tree<'t>(table: &'t Table, schema: &ProcSchema) -> Result<ProcTree<'t>> {
    let read = read_events(table, schema, PARALLEL_ROWS)?;
    // The `proc_key`s are written beside the linking, on the thread step 1
    // used and that would idle until the tree's columns are written.
    let beside = parallel::THREADS && read.procs.len() >= PARALLEL_ROWS;
    // Each record's row and time, copied: the linking takes the records.
    let times: Vec<(usize, i64)> = if beside {
        read.procs.iter().map(|p| (p.row, p.time)).collect()
    } else {
        Vec::new()
    };
    let cols = read.cols.clone();
    let (tree, keys) = parallel::join(
        beside,
        || link_events(table, schema, read).map(|links| assemble(table, schema, links)),
        || {
            beside.then(|| {
                let rows = times.iter().map(|&(row, time)| (row, Some(time)));
                RowKeys::write(table, &cols, rows, times.len())
            })
        },
    );
    let mut tree = tree?;
    tree.row_keys = KeyCache::new(keys);
    Ok(tree)
}

/// Every process linked to its parent, in no particular order yet: nodes
/// `0..n` are the kept events, inferred parents follow.
pub(crate) struct Links {
    cols: Cols,
    origin: Vec<Origin>,
    times: Vec<Option<i64>>,
    hosts: Vec<u32>,
    /// Each node's parent node, `NONE` for a root; acyclic.
    parent: Vec<usize>,
    /// Nodes `0..events` are events, the rest inferred.
    events: usize,
    pub(crate) stats: BuildStats,
}

/// Rows from which the build reads image names on a second thread (below
/// this, starting one costs more than it saves).
const PARALLEL_ROWS: usize = 20_000;

/// An interned image name: (file name id, full name id, has a directory).
type ImageId = (u32, u32, bool);

/// Step 1 without the image names: a record per row of `rows`, its image
/// ids left `NO_NAME` for [`read_images`]'s, with the PIDs' interner
/// (grandparents are read with it later).
fn read_procs(
    table: &(impl Cells + ?Sized),
    cols: &Cols,
    schema: &ProcSchema,
    rows: &[usize],
) -> (Result<Vec<Proc>>, Interner) {
    let (mut hosts, mut pids) = (Interner::default(), Interner::default());
    let procs = (|| {
        let mut procs = Vec::with_capacity(rows.len());
        // The parent's columns are read here, in row order, not when
        // linking host by host: jumping between rows there was a quarter
        // of the build once the text outgrew the cache.
        let parent_cols = RefColumns {
            pid: Some(cols.ppid),
            name: None,
            time: cols.ptime,
            time_name: &schema.parent_time,
        };
        for &row in rows {
            let time = time_at(table, &schema.time_stamp, cols.time, row)?;
            let Some(pid) = pid_at(table, cols.pid, row, &mut pids) else {
                return Err(Error::bad_value(
                    &schema.process_id,
                    row,
                    "",
                    "a process id",
                ));
            };
            let host = match cols.host {
                Some(c) => hosts.id_repeated(cell(table, c, row).unwrap_or("")),
                None => 0,
            };
            let parent = parent_cols.read(table, &mut pids, None, host, row)?;
            procs.push(Proc {
                host,
                pid,
                base: NO_NAME,
                full: NO_NAME,
                has_dir: false,
                time,
                row,
                parent,
            });
        }
        Ok(procs)
    })();
    (procs, pids)
}

/// Step 1's image names: per row of `rows`, its image's ids and its parent
/// column's (`NO_NAME` without one).
fn read_images(
    table: &(impl Cells + ?Sized),
    cols: &Cols,
    rows: &[usize],
) -> (Vec<(ImageId, ImageId)>, Images) {
    let mut images = Images::default();
    let names = rows
        .iter()
        .map(|&row| {
            let image = images.id(cell(table, cols.name, row).unwrap_or(""));
            let parent = match cols.pname {
                Some(c) => images.id(cell(table, c, row).unwrap_or("")),
                None => (NO_NAME, NO_NAME, false),
            };
            (image, parent)
        })
        .collect();
    (names, images)
}

/// The build's linking half (see [`build_tree`]), over any cells: a
/// summary needs nothing more, so it can read a CSV without copying it.
pub(crate) fn link(table: &(impl Cells + Sync + ?Sized), schema: &ProcSchema) -> Result<Links> {
    link_with(table, schema, PARALLEL_ROWS)
}

/// [`link`], reading image names on a second thread from `parallel_rows`
/// kept rows.
fn link_with(
    table: &(impl Cells + Sync + ?Sized),
    schema: &ProcSchema,
    parallel_rows: usize,
) -> Result<Links> {
    link_events(table, schema, read_events(table, schema, parallel_rows)?)
}

/// Step 1 of linking: the process-creation rows read into records.
struct Read {
    cols: Cols,
    /// One per kept row, in row order.
    procs: Vec<Proc>,
    ints: Interners,
    stats: BuildStats,
}

/// Step 1 (see [`link_with`]).
fn read_events(
    table: &(impl Cells + Sync + ?Sized),
    schema: &ProcSchema,
    parallel_rows: usize,
) -> Result<Read> {
    let (cols, unused) = resolve_columns(table, schema)?;
    let mut stats = BuildStats {
        input_rows: table.rows(),
        unused_columns: unused,
        ..BuildStats::default()
    };
    let rows: Vec<usize> = match (cols.event, schema.event_id.as_deref()) {
        (Some(c), Some(wanted)) => event_rows(table, c, wanted),
        _ => (0..table.rows()).collect(),
    };
    stats.filtered_rows = table.rows() - rows.len();

    // 1. One record per process-creation row, its image names read beside
    //    the rest (interning paths was a third of the build).
    let ((procs, pids), (names, images)) = parallel::join(
        rows.len() >= parallel_rows,
        || read_procs(table, &cols, schema, &rows),
        || read_images(table, &cols, &rows),
    );
    let mut procs = procs?;
    for (p, (image, parent_image)) in procs.iter_mut().zip(names) {
        (p.base, p.full, p.has_dir) = image;
        if let Some(r) = &mut p.parent {
            (r.base, r.full, r.has_dir) = parent_image;
        }
    }
    let ints = Interners {
        names: images,
        pids,
    };
    Ok(Read {
        cols,
        procs,
        ints,
        stats,
    })
}

/// Steps 2 to 4 of linking (see [`link_with`]).
fn link_events(
    table: &(impl Cells + Sync + ?Sized),
    schema: &ProcSchema,
    read: Read,
) -> Result<Links> {
    let Read {
        cols,
        procs,
        mut ints,
        mut stats,
    } = read;

    // 2. Host by host from here: a parent is only looked up on its child's
    //    host, and one host's lookup tables stay in cache where all hosts'
    //    did not (their misses were a third of a million-row build).
    let mut procs = by_host(procs);

    // 3. Drop repeats: grouped by (host, pid, base) and ordered by (time,
    //    full), a repeat (equal host, pid, time and full image, hence
    //    base) follows its original; the earliest row is kept. A host's
    //    order is kept for linking when it had none.
    let mut alive = vec![true; procs.len()];
    let mut orders: Vec<Option<Order>> = Vec::new();
    for range in host_ranges(&procs) {
        let order = Order::new(&procs[range.clone()], true);
        let mut repeats = false;
        for w in order.keys.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if (a.pid, a.time, a.full) == (b.pid, b.time, b.full) {
                alive[range.start + b.idx] = false;
                repeats = true;
            }
        }
        orders.push((!repeats).then_some(order));
    }
    if alive.iter().any(|a| !a) {
        let mut keep = alive.iter();
        procs.retain(|_| keep.next().copied().unwrap_or(false));
        stats.duplicate_rows = alive.len() - procs.len();
    }

    // 4. Link each process to its parent, inferring missing ones. Nodes
    //    0..n are the events (in `procs` order), inferred ones follow.
    let n = procs.len();
    let mut nodes = Nodes {
        origin: procs.iter().map(|p| Origin::Event(p.row)).collect(),
        times: procs.iter().map(|p| Some(p.time)).collect(),
        hosts: procs.iter().map(|p| p.host).collect(),
        parent: vec![NONE; n],
    };
    let mut inferred = Inferred::default();
    // Its own parent, when the row names the grandparent (MDE).
    let grandparent = RefColumns {
        pid: cols.gpid,
        name: cols.gpname,
        time: cols.gptime,
        time_name: &schema.grandparent_time,
    };
    for (range, order) in host_ranges(&procs).into_iter().zip(orders) {
        let part = &procs[range.clone()];
        let index = Index {
            procs: part,
            offset: range.start,
            by_name: order.unwrap_or_else(|| Order::new(part, true)),
            by_pid: OnceCell::new(),
        };
        for i in range {
            let p = procs[i];
            let Some(r) = p.parent else {
                continue;
            };
            if let Some(found) = index.find(&r, p.time, i) {
                nodes.parent[i] = found;
                continue;
            }
            let node = nodes.inferred(&mut inferred, &r, p.time, Origin::Parent(p.row));
            nodes.parent[i] = node;
            // An inferred parent without a parent yet takes the first
            // grandparent its children's rows give.
            if grandparent.pid.is_none() || nodes.parent[node] != NONE {
                continue;
            }
            if !creator_is(table, &cols, schema, &mut ints, &r, p.row)? {
                continue;
            }
            let Some(g) =
                grandparent.read(table, &mut ints.pids, Some(&mut ints.names), p.host, p.row)?
            else {
                continue;
            };
            let before = r.time.unwrap_or(p.time);
            let gnode = match index.find(&g, before, NONE) {
                Some(found) => found,
                None => nodes.inferred(&mut inferred, &g, before, Origin::Grandparent(p.row)),
            };
            if gnode != node {
                nodes.parent[node] = gnode;
            }
        }
    }
    let Nodes {
        origin,
        times,
        hosts,
        mut parent,
    } = nodes;
    stats.inferred_processes = origin.len() - n;
    stats.cycles_broken = break_cycles(&mut parent);

    Ok(Links {
        cols,
        origin,
        times,
        hosts,
        parent,
        events: n,
        stats,
    })
}

impl Links {
    /// MSTICPy's summary counts, straight from the parent links (no
    /// depth-first ordering needed): the same as [`ProcTree::summary`].
    pub(crate) fn summary(&self) -> ProcTreeSummary {
        let parent = &self.parent;
        let mut children = vec![0u32; parent.len()];
        for &p in parent {
            if p != NONE {
                children[p] += 1;
            }
        }
        // Levels (a root is 1), each node's found once: walk up to a node
        // whose level is known, then number the way back down.
        let mut level = vec![0usize; parent.len()];
        let mut path = Vec::new();
        for i in 0..parent.len() {
            let mut x = i;
            while level[x] == 0 {
                path.push(x);
                if parent[x] == NONE {
                    break;
                }
                x = parent[x];
            }
            let mut l = level[x];
            while let Some(y) = path.pop() {
                l += 1;
                level[y] = l;
            }
        }
        ProcTreeSummary::count(
            (0..parent.len()).map(|i| (parent[i] == NONE, children[i] == 0, level[i])),
        )
    }
}

/// `procs` grouped by host (a counting sort on the dense host ids, so each
/// host's processes keep their order).
fn by_host(procs: Vec<Proc>) -> Vec<Proc> {
    if procs.is_sorted_by_key(|p| p.host) {
        return procs;
    }
    let hosts = procs.iter().map(|p| p.host as usize + 1).max().unwrap_or(0);
    let (_, order) = counting_sort(hosts, procs.iter().map(|p| Some(p.host as usize)));
    order.iter().map(|&i| procs[i]).collect()
}

/// Indices of `keys` grouped by key, each group in index order (a counting
/// sort: O(n + buckets), stable): `order[starts[k]..starts[k + 1]]` hold
/// the indices with key `k` (below `buckets`); `None` keys are left out.
fn counting_sort(
    buckets: usize,
    keys: impl Iterator<Item = Option<usize>> + Clone,
) -> (Vec<usize>, Vec<usize>) {
    let mut starts = vec![0usize; buckets + 1];
    for k in keys.clone().flatten() {
        starts[k + 1] += 1;
    }
    for k in 0..buckets {
        starts[k + 1] += starts[k];
    }
    let mut fill = starts.clone();
    let mut order = vec![0; starts[buckets]];
    for (i, k) in keys.enumerate() {
        if let Some(k) = k {
            order[fill[k]] = i;
            fill[k] += 1;
        }
    }
    (starts, order)
}

/// The ranges of `procs` (grouped by host) holding each host.
fn host_ranges(procs: &[Proc]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, w) in procs.windows(2).enumerate() {
        if w[0].host != w[1].host {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < procs.len() {
        out.push(start..procs.len());
    }
    out
}

/// The link step's nodes: `0..n` the events, inferred processes after.
struct Nodes {
    origin: Vec<Origin>,
    times: Vec<Option<i64>>,
    hosts: Vec<u32>,
    /// Each node's parent node, `NONE` for a root.
    parent: Vec<usize>,
}

impl Nodes {
    /// The inferred node for `r` (named by a child created at `before`)
    /// from `origin`'s columns: a new node, or the one it already is, then
    /// shown from `origin` when that describes it better.
    fn inferred(&mut self, reg: &mut Inferred, r: &Ref, before: i64, origin: Origin) -> usize {
        let (node, joined) = reg.node(r, before, self.origin.len());
        match joined {
            Joined::New => {
                self.origin.push(origin);
                self.times.push(r.time);
                self.hosts.push(r.host);
                self.parent.push(NONE);
            }
            // Better never drops a time (a time outranks the rest) and a
            // known time is only joined by an equal one.
            Joined::Better => {
                self.origin[node] = origin;
                self.times[node] = r.time;
            }
            Joined::Same => {}
        }
        node
    }
}

/// Whether the grandparent columns of `row` name `r`'s parent. They do,
/// unless the schema names the creating process apart from the parent
/// (MDE internal's `InitiatingProcess*`): then they name the creator's
/// parent, which is `r`'s only where the creator is `r` (same PID, and
/// same creation time when both are known). Otherwise a re-parented
/// process would give its parent the creator's parent (issue #12).
fn creator_is(
    table: &(impl Cells + ?Sized),
    cols: &Cols,
    schema: &ProcSchema,
    ints: &mut Interners,
    r: &Ref,
    row: usize,
) -> Result<bool> {
    let Some(c) = cols.initiator else {
        return Ok(true);
    };
    let pid = pid_at(table, c, row, &mut ints.pids);
    if pid != Some(r.pid) {
        return Ok(false);
    }
    let time = optional_time(table, &schema.initiator_time, cols.initiator_time, row)?;
    Ok(match (time, r.time) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    })
}

/// Drops links that would close a loop (union-find: a child still heads
/// its own tree when its link is added, so a parent already in that tree
/// is its descendant). Returns how many were dropped.
fn break_cycles(parent: &mut [usize]) -> usize {
    let mut set: Vec<usize> = (0..parent.len()).collect();
    fn find(set: &mut [usize], mut x: usize) -> usize {
        while set[x] != x {
            set[x] = set[set[x]];
            x = set[x];
        }
        x
    }
    let mut broken = 0;
    for (child, p) in parent.iter_mut().enumerate() {
        if *p == NONE {
            continue;
        }
        let (a, b) = (find(&mut set, child), find(&mut set, *p));
        if a == b {
            *p = NONE;
            broken += 1;
        } else {
            set[a] = b;
        }
    }
    broken
}

/// [`build_tree`] keeping the table, for a view that outlives the caller's
/// borrow (the wasm `ProcessTreeView` holds its tree across calls).
pub fn build_tree_owned(table: Table, schema: &ProcSchema) -> Result<ProcTree<'static>> {
    // Take the links out of the borrowing tree, then let it own the table.
    let ProcTree {
        table: _,
        schema,
        cols,
        nodes,
        roots,
        child_start,
        children,
        node_of_row,
        stats,
        row_keys,
    } = build_tree(&table, schema)?;
    Ok(ProcTree {
        table: Cow::Owned(table),
        schema,
        cols,
        nodes,
        roots,
        child_start,
        children,
        node_of_row,
        stats,
        row_keys,
    })
}

impl ProcTree<'_> {
    /// This tree over `table`: the same rows as the table it was built
    /// from, with more columns. A host whose table comes in chunks builds
    /// from the joined [`link_columns`](ProcSchema::link_columns) while it
    /// joins the others, then hands the whole table over here. Errors if
    /// the row count differs or a column the tree was built from is
    /// missing; the cells of those columns must be the same.
    pub fn with_table(self, table: Table) -> Result<ProcTree<'static>> {
        if table.rows() != self.table.rows() {
            return Err(Error::option(
                "table",
                format!(
                    "the tree was built from {} rows, not {}",
                    self.table.rows(),
                    table.rows()
                ),
            ));
        }
        let (cols, unused_columns) = resolve_columns(&table, &self.schema)?;
        Ok(ProcTree {
            table: Cow::Owned(table),
            cols,
            stats: BuildStats {
                unused_columns,
                ..self.stats
            },
            schema: self.schema,
            nodes: self.nodes,
            roots: self.roots,
            child_start: self.child_start,
            children: self.children,
            node_of_row: self.node_of_row,
            row_keys: self.row_keys,
        })
    }
}

/// Orders the linked nodes depth-first (roots by host then time, children
/// by time) and computes depths and counts.
fn assemble<'t>(table: &'t Table, schema: &ProcSchema, links: Links) -> ProcTree<'t> {
    let Links {
        cols,
        origin,
        times,
        hosts,
        parent,
        events,
        stats,
    } = links;
    let parent = &parent[..];
    let total = origin.len();
    // Inferred nodes without a known time sort by their earliest child.
    // One pass in node order passes the events' times up; an inferred node
    // can be the parent of one inferred before or after it (a later row
    // named it as a grandparent), so the inferred nodes pass theirs on
    // until nothing changes (times only fall, and links are acyclic).
    let mut sort_time: Vec<i64> = times.iter().map(|t| t.unwrap_or(i64::MAX)).collect();
    let mut pass_up = |from: std::ops::Range<usize>| {
        let mut changed = false;
        for child in from {
            let p = parent[child];
            if p != NONE && times[p].is_none() && sort_time[child] < sort_time[p] {
                sort_time[p] = sort_time[child];
                changed = true;
            }
        }
        changed
    };
    pass_up(0..total);
    while pass_up(events..total) {}
    // Children of every node, grouped by parent (a counting sort, in node
    // order) and ordered by time: events come in time order, so a
    // parent's children seldom need sorting (a sort of all links by
    // `(parent, time)` was a tenth of a million-row build in wasm).
    let (start, mut linked) =
        counting_sort(total, parent.iter().map(|&p| (p != NONE).then_some(p)));
    for w in start.windows(2) {
        let kids = &mut linked[w[0]..w[1]];
        if !kids.is_sorted_by_key(|&c| sort_time[c]) {
            kids.sort_by_key(|&c| sort_time[c]); // stable: ties stay in node order
        }
    }
    let mut roots: Vec<usize> = (0..total).filter(|&c| parent[c] == NONE).collect();
    roots.sort_unstable_by_key(|&c| (hosts[c], sort_time[c], c));

    // Depth-first pre-order.
    let mut order = Vec::with_capacity(total);
    let mut new_index = vec![NONE; total];
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(node) = stack.pop() {
        new_index[node] = order.len();
        order.push(node);
        stack.extend(linked[start[node]..start[node + 1]].iter().rev());
    }
    debug_assert_eq!(
        order.len(),
        total,
        "every node is reachable once loops are cut"
    );

    let mut nodes: Vec<ProcNode> = order
        .iter()
        .map(|&old| ProcNode {
            origin: origin[old],
            parent: (parent[old] != NONE).then(|| new_index[parent[old]]),
            depth: 0,
            child_count: start[old + 1] - start[old],
            descendant_count: 0,
            time_ms: times[old],
        })
        .collect();
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[i].depth = nodes[p].depth + 1;
        }
    }
    for i in (0..nodes.len()).rev() {
        if let Some(p) = nodes[i].parent {
            nodes[p].descendant_count += nodes[i].descendant_count + 1;
        }
    }
    let mut child_start = Vec::with_capacity(nodes.len() + 1);
    let mut children = Vec::with_capacity(linked.len());
    for &old in &order {
        child_start.push(children.len());
        children.extend(
            linked[start[old]..start[old + 1]]
                .iter()
                .map(|&c| new_index[c]),
        );
    }
    child_start.push(children.len());
    let mut node_of_row = vec![NONE; table.rows()];
    for (i, n) in nodes.iter().enumerate() {
        if let Origin::Event(row) = n.origin {
            node_of_row[row] = i;
        }
    }
    ProcTree {
        table: Cow::Borrowed(table),
        schema: schema.clone(),
        cols,
        nodes,
        roots: roots.iter().map(|&r| new_index[r]).collect(),
        child_start,
        children,
        node_of_row,
        stats,
        row_keys: KeyCache::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{read_table, TableFormat};

    fn csv(text: &str) -> Table {
        read_table(text.as_bytes(), TableFormat::Csv).unwrap()
    }

    fn schema() -> ProcSchema {
        ProcSchema {
            parent_name: Some("pname".into()),
            host_name: Some("host".into()),
            ..ProcSchema::new("t", "name", "pid", "ppid")
        }
    }

    /// Parent input row of each input row (None: root or inferred parent).
    fn parent_rows(tree: &ProcTree) -> Vec<Option<usize>> {
        (0..tree.table().rows())
            .map(|row| {
                let n = tree.node_of_row(row)?;
                let p = tree.parent(n)?;
                match tree.nodes()[p].origin {
                    Origin::Event(r) => Some(r),
                    _ => None,
                }
            })
            .collect()
    }

    /// The same events as CSV text and as a notebook's typed Arrow columns
    /// (a zoned ns timestamp, integer PIDs of two widths, an integer event
    /// id, dictionary and large strings) link the same, and the typed
    /// time, PID and event columns are read without being formatted.
    #[test]
    fn typed_arrow_columns_link_as_text_and_are_never_formatted() {
        use std::sync::Arc;

        use arrow_array::types::Int32Type;
        use arrow_array::{
            ArrayRef, DictionaryArray, Int64Array, LargeStringArray, RecordBatch, StringArray,
            TimestampNanosecondArray, UInt32Array,
        };
        let text = csv("t,name,pid,ppid,pname,host,ev\n\
             2024-01-01T00:00:00Z,a.exe,0x10,0x1,x.exe,h,4688\n\
             2024-01-01T00:00:01Z,b.exe,17,16,a.exe,h,4688\n\
             2024-01-01T00:00:01.5Z,c.exe,18,17,b.exe,h,1\n\
             2024-01-01T00:00:02Z,c.exe,18,17,b.exe,h,4688\n");
        let s = 1_704_067_200_000_000_000i64;
        let ns = |ms: i64| s + ms * 1_000_000;
        let names: DictionaryArray<Int32Type> =
            ["a.exe", "b.exe", "c.exe", "c.exe"].into_iter().collect();
        let batch = RecordBatch::try_from_iter(vec![
            (
                "t",
                Arc::new(
                    TimestampNanosecondArray::from(vec![ns(0), ns(1000), ns(1500), ns(2000)])
                        .with_timezone("UTC"),
                ) as ArrayRef,
            ),
            ("name", Arc::new(names) as ArrayRef),
            (
                "pid",
                Arc::new(Int64Array::from(vec![16, 17, 18, 18])) as ArrayRef,
            ),
            (
                "ppid",
                Arc::new(UInt32Array::from(vec![1, 16, 17, 17])) as ArrayRef,
            ),
            (
                "pname",
                Arc::new(StringArray::from(vec!["x.exe", "a.exe", "b.exe", "b.exe"])) as ArrayRef,
            ),
            (
                "host",
                Arc::new(LargeStringArray::from(vec!["h"; 4])) as ArrayRef,
            ),
            (
                "ev",
                Arc::new(Int64Array::from(vec![4688, 4688, 1, 4688])) as ArrayRef,
            ),
        ])
        .unwrap();
        let typed = Table::from_record_batch(&batch);
        let schema = ProcSchema {
            event_id_column: Some("ev".into()),
            event_id: Some("4688".into()),
            ..schema()
        };
        let from_text = build_tree(&text, &schema).unwrap();
        let from_arrow = build_tree(&typed, &schema).unwrap();
        assert_eq!(parent_rows(&from_arrow), parent_rows(&from_text));
        assert_eq!(parent_rows(&from_arrow), [None, Some(0), None, Some(1)]);
        assert_eq!(from_arrow.summary(), from_text.summary());
        assert_eq!(from_arrow.stats().filtered_rows, 1);
        for c in [0, 2, 3, 6] {
            assert!(!typed.column(c).formatted(), "column {c} formatted");
        }
    }

    /// A seeded xorshift: `next(n)` is a number below `n`.
    fn xorshift() -> impl FnMut(u64) -> u64 {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    /// The summary counted from the links equals the ordered tree's, on
    /// random forests with PID reuse, two hosts and missing parents.
    #[test]
    fn summary_from_links_equals_tree_summary() {
        let mut next = xorshift();
        for _ in 0..50 {
            let mut text = String::from("t,host,name,pid,ppid,pname\n");
            for i in 0..next(60) {
                let (pid, ppid) = (next(12), next(12));
                let host = ["a", "b"][next(2) as usize];
                let name = ["cmd.exe", "x.exe"][next(2) as usize];
                let pname = ["cmd.exe", "x.exe", ""][next(3) as usize];
                let s = i / 2; // equal times in pairs
                text.push_str(&format!(
                    "2024-01-01 00:00:{s:02},{host},{name},{pid},{ppid},{pname}\n"
                ));
            }
            let t = csv(&text);
            let tree = build_tree(&t, &schema()).unwrap();
            let links = link(&t, &schema()).unwrap();
            assert_eq!(links.summary(), tree.summary(), "{text}");
        }
    }

    /// The `proc_key`s the build writes beside the linking (a table past
    /// `PARALLEL_ROWS`) are the keys a frame writes itself: for events,
    /// repeats, inferred parents, blank cells and non-ASCII names. They
    /// are taken once; a clone and a second frame write their own.
    #[test]
    fn keys_written_ahead_equal_keys_written_later() {
        let mut next = xorshift();
        let mut text = String::from("t,host,name,pid,ppid,pname\n");
        let rows = PARALLEL_ROWS + 500;
        for i in 0..rows {
            let host = ["WS-01", "ws-02 ", "Ünïcode-ß", ""][next(4) as usize];
            let name = ["C:\\W\\CMD.exe", "x.EXE", "Straße.exe"][next(3) as usize];
            let (pid, ppid) = (next(400), next(400));
            let s = i / 3; // repeats: equal rows in threes now and then
            text.push_str(&format!(
                "2024-01-01T00:{:02}:{:02}.{:03}Z,{host},{name},{pid},{ppid},x.exe\n",
                s / 60_000 % 60,
                s / 1000 % 60,
                s % 1000
            ));
        }
        let t = csv(&text);
        let tree = build_tree(&t, &schema()).unwrap();
        assert!(tree.nodes().iter().any(ProcNode::is_inferred));
        assert_eq!(tree.row_keys.is_full(), parallel::THREADS);
        let keys = |f: crate::Frame| match &f.columns()[0] {
            crate::FrameColumn::Text(c) => c.to_vec(),
            other => panic!("proc_key is text, not {other:?}"),
        };
        let ahead = keys(tree.key_frame().unwrap());
        let again = keys(tree.key_frame().unwrap());
        let cloned = keys(tree.clone().key_frame().unwrap());
        assert_eq!(ahead, again);
        assert_eq!(ahead, cloned);
        for (i, key) in ahead.iter().enumerate() {
            assert_eq!(key.as_deref(), Some(tree.proc_key(i).as_str()), "node {i}");
        }
        assert!(ahead
            .iter()
            .flatten()
            .any(|k| k.starts_with("ünïcode-ß|straße.exe|")));
    }

    #[test]
    fn latest_earlier_same_host_same_name() {
        let t = csv("t,host,name,pid,ppid,pname\n\
            2024-01-01 00:00:00,a,C:\\w\\cmd.exe,0x10,0x4,x.exe\n\
            2024-01-01 00:00:01,b,C:\\w\\cmd.exe,16,4,x.exe\n\
            2024-01-01 00:00:02,a,C:\\w\\ping.exe,0x20,0x10,C:\\w\\cmd.exe\n\
            2024-01-01 00:00:03,a,C:\\w\\cmd.exe,0x10,0x4,x.exe\n\
            2024-01-01 00:00:04,a,C:\\w\\ping.exe,0x21,16,C:\\W\\CMD.EXE\n\
            2024-01-01 00:00:05,b,C:\\w\\ping.exe,0x21,0x10,cmd.exe\n\
            2024-01-01 00:00:06,a,C:\\w\\ping.exe,0x22,0x10,C:\\other\\cmd.exe\n");
        let tree = build_tree(&t, &schema()).unwrap();
        assert_eq!(
            parent_rows(&tree),
            [None, None, Some(0), None, Some(3), Some(1), None]
        );
        // x.exe on a, x.exe on b, and C:\other\cmd.exe on a are inferred.
        assert_eq!(tree.stats().inferred_processes, 3);
    }

    /// Each group of the counting sort holds exactly the keys a full sort
    /// puts there, in the same order, on shuffled times and names.
    #[test]
    fn grouped_order_equals_a_full_sort() {
        let mut next = xorshift();
        let procs: Vec<Proc> = (0..2_000)
            .map(|row| Proc {
                host: next(3) as u32,
                pid: Pid::parse(&next(40).to_string(), &mut Interner::default()).unwrap(),
                base: next(4) as u32,
                full: next(6) as u32,
                has_dir: next(2) == 1,
                time: next(50) as i64,
                row,
                parent: None,
            })
            .collect();
        for with_base in [true, false] {
            let order = Order::new(&procs, with_base);
            let mut all: Vec<Key> = procs
                .iter()
                .enumerate()
                .map(|(i, p)| Key::new(p, i, with_base))
                .collect();
            all.sort_unstable();
            for k in &all {
                let group = order.group(&(k.host, k.pid, k.base));
                let expected: Vec<Key> = all
                    .iter()
                    .filter(|o| (o.host, o.pid, o.base) == (k.host, k.pid, k.base))
                    .copied()
                    .collect();
                assert_eq!(group, expected.as_slice());
            }
            assert_eq!(order.keys.len(), all.len());
        }
    }

    /// Image names read on a second thread link exactly as on one: events
    /// mixed with filtered rows, names in several spellings, parents on
    /// other hosts and missing ones.
    #[test]
    fn names_read_beside_link_as_read_inline() {
        let mut next = xorshift();
        let images = [
            "C:\\W\\cmd.exe",
            "c:\\w\\CMD.EXE",
            "C:\\W\\ps.exe",
            "ps.exe",
            "",
            "-",
        ];
        let mut text = String::from("t,host,name,pid,ppid,pname,event\n");
        for row in 0..3_000 {
            let (pid, ppid) = (next(60), next(60));
            text.push_str(&format!(
                "2024-01-01T00:{:02}:{:02}Z,H{},{},0x{pid:x},0x{ppid:x},{},{}\n",
                row / 60 % 60,
                row % 60,
                next(3),
                images[next(6) as usize],
                images[next(6) as usize],
                if next(5) == 0 { 4689 } else { 4688 },
            ));
        }
        let table = csv(&text);
        let schema = ProcSchema {
            event_id_column: Some("event".into()),
            event_id: Some("4688".into()),
            ..schema()
        };
        let inline = link_with(&table, &schema, usize::MAX).unwrap();
        let beside = link_with(&table, &schema, 0).unwrap();
        assert!(inline.stats.filtered_rows > 300 && inline.stats.inferred_processes > 10);
        assert_eq!(inline.parent, beside.parent);
        assert_eq!(inline.origin, beside.origin);
        assert_eq!(inline.times, beside.times);
        assert_eq!(inline.stats.duplicate_rows, beside.stats.duplicate_rows);
    }

    /// An inferred node without a time sorts by its earliest descendant,
    /// also when that arrives through an inferred child linked under it
    /// after it passed its time on (issue #12 lets a later row's
    /// grandparent columns join an earlier inferred node).
    #[test]
    fn untimed_inferred_roots_sort_by_their_earliest_descendant() {
        let t = csv("t,name,pid,ppid,gpid\n\
            2024-01-01 00:00:10,a,1,50,60\n\
            2024-01-01 00:00:05,b,2,70,50\n\
            2024-01-01 00:00:07,c,3,80,\n");
        let schema = ProcSchema {
            grandparent_id: Some("gpid".into()),
            ..ProcSchema::new("t", "name", "pid", "ppid")
        };
        let tree = build_tree(&t, &schema).unwrap();
        // 60 > 50 > {a, 70 > b}: 60's earliest descendant is b (0:05),
        // before 80's c (0:07).
        let root_pids: Vec<&str> = tree
            .roots()
            .iter()
            .map(|&r| match tree.nodes()[r].origin {
                Origin::Grandparent(row) => t.column(4).get(row).unwrap(),
                Origin::Parent(row) => t.column(3).get(row).unwrap(),
                Origin::Event(_) => "event",
            })
            .collect();
        assert_eq!(root_pids, ["60", "80"]);
        assert_eq!(tree.stats().inferred_processes, 4);
    }

    #[test]
    fn loops_are_cut_not_followed() {
        let t = csv("t,name,pid,ppid\n2024-01-01,a,1,2\n2024-01-01,b,2,1\n2024-01-01,c,3,3\n");
        let tree = build_tree(&t, &ProcSchema::new("t", "name", "pid", "ppid")).unwrap();
        assert_eq!(tree.stats().cycles_broken, 1);
        assert_eq!(tree.len(), 4, "c's parent 3 is not itself: inferred");
        let s = tree.summary();
        assert_eq!(s.root_processes, 2);
    }

    #[test]
    fn bad_cells_are_named() {
        let t = csv("t,name,pid,ppid\n2024-01-01,a,1,2\nsoon,b,2,1\n");
        let e = build_tree(&t, &ProcSchema::new("t", "name", "pid", "ppid")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1 of column \"t\": \"soon\" is not a time"
        );
        let e = build_tree(&t, &ProcSchema::new("t", "name", "Pid", "ppid")).unwrap_err();
        assert!(
            e.to_string().starts_with("column \"Pid\" not in table"),
            "{e}"
        );
    }
}
