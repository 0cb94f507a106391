//! ForceAtlas2 over one component, through the `fa2` crate: seeded starting
//! positions (the crate takes positions, not a seed), graphology's
//! `inferSettings` (strong gravity, slow-down `1 + ln n`, Barnes-Hut above
//! a threshold), run single-threaded (no threads in a wasm worker).

use fa2::{FA2Data, FA2Layout, FA2Settings};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::overlap::remove_overlaps;
use super::{check_edges, LayoutOptions};
use crate::error::Result;

/// A uniform draw in [-0.5, 0.5) from the top 53 bits.
fn centred(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64) - 0.5
}

/// The random stream of one component: the seed mixed with its index, so
/// components do not share starting shapes.
fn stream(seed: u64, salt: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The side of the square random starting positions are drawn in: wide
/// enough that FA2's first steps spread rather than explode.
fn start_side(n: usize, options: &LayoutOptions) -> f64 {
    (n as f64).sqrt() * options.node_size * 4.0
}

fn settings(n: usize, options: &LayoutOptions) -> FA2Settings<f32> {
    let s = FA2Settings::<f32>::default()
        .strong_gravity_mode(true)
        .gravity(options.gravity as f32)
        .scaling_ratio(options.scaling as f32)
        .slow_down(1.0 + (n.max(1) as f32).ln());
    if n > options.barnes_hut_above {
        s.with_barnes_hut()
    } else {
        s.with_pairwise_repulsion()
    }
}

fn build(xy: &[f64], edges: &[(u32, u32)], options: &LayoutOptions) -> FA2Layout<f32> {
    let n = xy.len() / 2;
    let mut data = FA2Data::<f32>::with_capacity(n, edges.len());
    for p in xy.chunks_exact(2) {
        data.add_node_with_position(p[0] as f32, p[1] as f32);
    }
    for &(s, t) in edges.iter().filter(|(s, t)| s != t) {
        data.add_edge(s as usize, t as usize);
    }
    settings(n, options).build(data)
}

fn read(layout: &FA2Layout<f32>, out: &mut [f64]) {
    for (p, (x, y)) in out.chunks_exact_mut(2).zip(layout.data().positions()) {
        p[0] = f64::from(x);
        p[1] = f64::from(y);
    }
}

/// Lays out one component (`edges` in its own indices). `start` holds the
/// previous position of each node, if it had one: old nodes start there,
/// new ones next to their placed neighbours, and a quarter of the
/// iterations run. Returns `x, y` pairs, overlaps removed.
pub(super) fn layout_component(
    start: &[Option<(f64, f64)>],
    edges: &[(u32, u32)],
    options: &LayoutOptions,
    salt: u64,
) -> Vec<f64> {
    let n = start.len();
    let mut rng = stream(options.seed, salt);
    let mut xy = vec![0.0; n * 2];
    let old = start.iter().flatten().count();
    if n == 1 {
        let (x, y) = start[0].unwrap_or((0.0, 0.0));
        return vec![x, y];
    }
    let centre = if old > 0 {
        let (sx, sy) = start
            .iter()
            .flatten()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        (sx / old as f64, sy / old as f64)
    } else {
        (0.0, 0.0)
    };
    if old == 0 {
        let side = start_side(n, options);
        for v in &mut xy {
            *v = centred(&mut rng) * side;
        }
    } else {
        place_new_nodes(start, edges, centre, options, &mut rng, &mut xy);
    }
    let iterations = options.iterations_for(n, old > 0);
    if old == 0 {
        let mut layout = build(&xy, edges, options);
        layout.run(iterations);
        read(&layout, &mut xy);
    } else {
        run_pinned(&mut xy, start, edges, options, iterations);
    }
    // A degenerate step (never seen, but the page must not get NaN) starts over from the seed.
    if xy.iter().any(|v| !v.is_finite()) {
        let side = start_side(n, options);
        for v in &mut xy {
            *v = centred(&mut rng) * side;
        }
    }
    let all: Vec<u32> = (0..n as u32).collect();
    remove_overlaps(&all, &mut xy, options.node_size);
    if old > 0 {
        for p in xy.chunks_exact_mut(2) {
            p[0] += centre.0;
            p[1] += centre.1;
        }
    }
    xy
}

/// Runs FA2 with the old nodes pinned where they are (the crate has no
/// pinning: they are put back after each step, the layout rebuilt around
/// the same data, convergence kept), so an incremental layout moves only
/// what was added and a node the user dragged stays put.
fn run_pinned(
    xy: &mut [f64],
    start: &[Option<(f64, f64)>],
    edges: &[(u32, u32)],
    options: &LayoutOptions,
    iterations: usize,
) {
    let pinned: Vec<(usize, f64, f64)> = start
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_some())
        .map(|(i, _)| (i, xy[i * 2], xy[i * 2 + 1]))
        .collect();
    let settings = settings(start.len(), options);
    let mut layout = build(xy, edges, options);
    for _ in 0..iterations {
        layout.epoch();
        let mut data = layout.into_data();
        for &(i, x, y) in &pinned {
            data.set_node_position(i, x as f32, y as f32);
        }
        layout = settings.clone().build(data);
    }
    read(&layout, xy);
    // Exactly where they were, not rounded through f32.
    for &(i, x, y) in &pinned {
        xy[i * 2] = x;
        xy[i * 2 + 1] = y;
    }
}

/// Old nodes at their place (relative to `centre`); new nodes, in
/// breadth-first order from the old, at the mean of their placed
/// neighbours plus a seeded nudge of a node's size.
fn place_new_nodes(
    start: &[Option<(f64, f64)>],
    edges: &[(u32, u32)],
    centre: (f64, f64),
    options: &LayoutOptions,
    rng: &mut Xoshiro256PlusPlus,
    xy: &mut [f64],
) {
    let n = start.len();
    let mut adjacency = vec![Vec::new(); n];
    for &(s, t) in edges {
        adjacency[s as usize].push(t);
        adjacency[t as usize].push(s);
    }
    let mut placed = vec![false; n];
    let mut queue = std::collections::VecDeque::new();
    for (i, p) in start.iter().enumerate() {
        if let Some((x, y)) = p {
            xy[i * 2] = x - centre.0;
            xy[i * 2 + 1] = y - centre.1;
            placed[i] = true;
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        for &j in &adjacency[i] {
            let j = j as usize;
            if placed[j] {
                continue;
            }
            let (mut sx, mut sy, mut k) = (0.0, 0.0, 0.0);
            for &m in &adjacency[j] {
                if placed[m as usize] {
                    sx += xy[m as usize * 2];
                    sy += xy[m as usize * 2 + 1];
                    k += 1.0;
                }
            }
            let nudge = options.node_size * 2.0;
            xy[j * 2] = sx / k + centred(rng) * nudge;
            xy[j * 2 + 1] = sy / k + centred(rng) * nudge;
            placed[j] = true;
            queue.push_back(j);
        }
    }
}

/// One ForceAtlas2 run over a whole graph, stepped by the caller: what the
/// benchmark times against graphology's `forceAtlas2` on the same graph and
/// starting positions.
pub struct ForceLayout {
    layout: FA2Layout<f32>,
}

impl ForceLayout {
    /// Seeded random starting positions (a square of side `4·√n·node_size`),
    /// graphology's inferred settings for `node_count` nodes.
    pub fn new(node_count: usize, edges: &[(u32, u32)], options: &LayoutOptions) -> Result<Self> {
        options.check()?;
        options.check_size(node_count)?;
        check_edges(node_count, edges)?;
        let mut rng = stream(options.seed, 0);
        let side = start_side(node_count, options);
        let xy: Vec<f64> = (0..node_count * 2)
            .map(|_| centred(&mut rng) * side)
            .collect();
        Ok(ForceLayout::from_positions(&xy, edges, options))
    }

    /// Starts from the given `x, y` pairs (edges must be in range).
    pub fn from_positions(xy: &[f64], edges: &[(u32, u32)], options: &LayoutOptions) -> Self {
        ForceLayout {
            layout: build(xy, edges, options),
        }
    }

    /// Runs `iterations` steps.
    pub fn step(&mut self, iterations: usize) {
        if self.layout.data().order() > 0 {
            self.layout.run(iterations);
        }
    }

    /// The positions as `x, y` pairs.
    pub fn positions(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.layout.data().order() * 2];
        read(&self.layout, &mut out);
        out
    }
}
