//! Graph layout: ForceAtlas2 (the `fa2` crate, graphology's Rust port) per
//! connected component, components packed apart, overlaps removed at rest.
//!
//! - [`layout_graph`]: positions for a node count and an edge list, seeded,
//!   optionally incremental (previous positions kept, new nodes started
//!   next to their placed neighbours).
//! - [`ForceLayout`]: one ForceAtlas2 run stepped by hand (the benchmark's
//!   ms per iteration, on the same graph graphology lays out).
//! - [`LayoutOptions`]: gravity, scaling, Barnes-Hut threshold, node size,
//!   the `max_nodes` bound.
//!
//! Why components are laid out one by one: FA2's gravity pulls every
//! component to the centre, where they interleave; laying each out alone
//! and packing them on shelves keeps them apart by construction, and makes
//! small components cheap.

mod force;
mod overlap;
mod pack;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use force::ForceLayout;
pub use overlap::{count_overlaps, remove_overlaps};
pub use pack::{components, pack_components};

/// The most nodes [`layout_graph`] takes unless told otherwise: a view
/// above it is refused with a message rather than a frozen page.
pub const DEFAULT_MAX_NODES: usize = 50_000;

/// Graphology's threshold for Barnes-Hut repulsion (`inferSettings`).
pub const DEFAULT_BARNES_HUT_ABOVE: usize = 2048;

/// How a graph is laid out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LayoutOptions {
    /// Seed of the starting positions: the same seed and graph give the same layout.
    pub seed: u64,
    /// ForceAtlas2 iterations (default: by component size, 300 for a few
    /// nodes down to 60 above 10,000; a quarter of it when incremental).
    pub iterations: Option<u32>,
    /// ForceAtlas2 gravity (strong gravity mode), pulling a component together.
    #[schemars(range(min = 0.0))]
    pub gravity: f64,
    /// ForceAtlas2 scaling ratio: repulsion against attraction.
    #[schemars(range(min = 0.0))]
    pub scaling: f64,
    /// Components with more nodes than this use Barnes-Hut repulsion
    /// (O(n log n)) instead of all pairs (O(n²)).
    pub barnes_hut_above: usize,
    /// The distance between two node centres at rest is at least this
    /// (layout units; the view draws nodes this wide).
    #[schemars(range(min = 0.0))]
    pub node_size: f64,
    /// More nodes than this are refused with an error naming the bound.
    #[schemars(range(min = 1))]
    pub max_nodes: usize,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            seed: 1,
            iterations: None,
            gravity: 0.05,
            scaling: 10.0,
            barnes_hut_above: DEFAULT_BARNES_HUT_ABOVE,
            node_size: 2.0,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

impl LayoutOptions {
    /// Refuses options no layout can use, naming the option.
    pub fn check(&self) -> Result<()> {
        for (name, value) in [("gravity", self.gravity), ("scaling", self.scaling)] {
            if !value.is_finite() || value < 0.0 {
                return Err(Error::option(name, format!("{value} is not a number ≥ 0")));
            }
        }
        if !self.node_size.is_finite() || self.node_size <= 0.0 {
            return Err(Error::option(
                "node_size",
                format!("{} is not a number > 0", self.node_size),
            ));
        }
        if self.max_nodes == 0 {
            return Err(Error::option("max_nodes", "must be at least 1"));
        }
        if self.iterations == Some(0) {
            return Err(Error::option("iterations", "must be at least 1"));
        }
        Ok(())
    }

    /// Refuses a graph above `max_nodes`, saying how to get it drawn.
    pub fn check_size(&self, node_count: usize) -> Result<()> {
        if node_count > self.max_nodes {
            return Err(Error::option(
                "max_nodes",
                format!(
                    "the graph has {node_count} nodes, more than max_nodes ({}): filter the entities first, or raise max_nodes if this machine can lay out that many",
                    self.max_nodes
                ),
            ));
        }
        Ok(())
    }

    /// Iterations for a component of `n` nodes.
    fn iterations_for(&self, n: usize, incremental: bool) -> usize {
        let auto = match n {
            0..=100 => 300,
            101..=1000 => 200,
            1001..=10_000 => 100,
            _ => 60,
        };
        let base = self.iterations.map_or(auto, |i| i as usize);
        if incremental {
            (base / 4).max(10)
        } else {
            base
        }
    }
}

/// Checks an edge list against the node count.
fn check_edges(node_count: usize, edges: &[(u32, u32)]) -> Result<()> {
    if let Some((i, &(s, t))) = edges
        .iter()
        .enumerate()
        .find(|(_, &(s, t))| s as usize >= node_count || t as usize >= node_count)
    {
        return Err(Error::option(
            "edges",
            format!("edge {i} ({s} → {t}) names a node past the last one ({node_count} nodes)"),
        ));
    }
    Ok(())
}

/// Lays out `node_count` nodes linked by `edges` (node indices) and returns
/// their positions as `x0, y0, x1, y1, …`.
///
/// `previous` holds positions (`x, y` pairs) of the first nodes from an
/// earlier layout: those components start where they were and move little
/// (a quarter of the iterations); new nodes start next to their placed
/// neighbours; components with no previous node are packed below.
///
/// ```
/// use huntkit_core::graph_layout::{layout_graph, LayoutOptions};
///
/// let xy = layout_graph(3, &[(0, 1), (1, 2)], &[], &LayoutOptions::default())?;
/// assert_eq!(xy.len(), 6);
/// # Ok::<(), huntkit_core::Error>(())
/// ```
pub fn layout_graph(
    node_count: usize,
    edges: &[(u32, u32)],
    previous: &[f64],
    options: &LayoutOptions,
) -> Result<Vec<f64>> {
    options.check()?;
    options.check_size(node_count)?;
    check_edges(node_count, edges)?;
    if previous.len() % 2 != 0 || previous.len() / 2 > node_count {
        return Err(Error::option(
            "previous",
            format!(
                "{} numbers are not x, y pairs for at most {node_count} nodes",
                previous.len()
            ),
        ));
    }
    if previous.iter().any(|v| !v.is_finite()) {
        return Err(Error::option(
            "previous",
            "a position is not a finite number",
        ));
    }
    let placed = previous.len() / 2;
    let mut xy = vec![0.0; node_count * 2];
    xy[..previous.len()].copy_from_slice(previous);
    let comps = components(node_count, edges);
    // Each node's component and index in it; each component's edges.
    let mut comp_of = vec![0u32; node_count];
    let mut local = vec![0u32; node_count];
    for (c, members) in comps.iter().enumerate() {
        for (k, &n) in members.iter().enumerate() {
            comp_of[n as usize] = c as u32;
            local[n as usize] = k as u32;
        }
    }
    let mut comp_edges: Vec<Vec<(u32, u32)>> = vec![Vec::new(); comps.len()];
    for &(s, t) in edges {
        if s != t {
            comp_edges[comp_of[s as usize] as usize].push((local[s as usize], local[t as usize]));
        }
    }
    let mut fresh = Vec::new();
    let mut is_fresh = vec![false; comps.len()];
    for (c, members) in comps.iter().enumerate() {
        let start: Vec<Option<(f64, f64)>> = members
            .iter()
            .map(|&n| {
                let n = n as usize;
                (n < placed).then(|| (xy[n * 2], xy[n * 2 + 1]))
            })
            .collect();
        let laid = force::layout_component(&start, &comp_edges[c], options, c as u64);
        for (k, &n) in members.iter().enumerate() {
            xy[n as usize * 2] = laid[k * 2];
            xy[n as usize * 2 + 1] = laid[k * 2 + 1];
        }
        if start.iter().all(Option::is_none) {
            fresh.push(c);
            is_fresh[c] = true;
        }
    }
    // Components with no old node go on shelves below what was there.
    let below = if placed > 0 {
        let (mut left, mut bottom) = (f64::INFINITY, f64::NEG_INFINITY);
        for n in (0..node_count).filter(|&n| !is_fresh[comp_of[n] as usize]) {
            left = left.min(xy[n * 2]);
            bottom = bottom.max(xy[n * 2 + 1]);
        }
        (left.is_finite() && bottom.is_finite()).then_some((left, bottom + 2.0 * options.node_size))
    } else {
        None
    };
    let fresh_members: Vec<&[u32]> = fresh.iter().map(|&c| comps[c].as_slice()).collect();
    pack_components(&fresh_members, &mut xy, options.node_size, below);
    if placed > 0 {
        // Grown components may now reach a neighbour.
        let all: Vec<u32> = (0..node_count as u32).collect();
        remove_overlaps(&all, &mut xy, options.node_size);
    }
    Ok(xy)
}

#[cfg(test)]
mod tests;
