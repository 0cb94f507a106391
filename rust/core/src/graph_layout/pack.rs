//! Connected components, and packing them on shelves with a gap between
//! bounding boxes (the largest first, rows about as wide as the total is
//! tall), so no two components interleave.

/// The connected components of a graph: each a sorted list of nodes, the
/// components ordered by their smallest node (deterministic).
pub fn components(node_count: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut parent: Vec<u32> = (0..node_count as u32).collect();
    fn root(parent: &mut [u32], mut n: u32) -> u32 {
        while parent[n as usize] != n {
            let up = parent[parent[n as usize] as usize];
            parent[n as usize] = up;
            n = up;
        }
        n
    }
    for &(s, t) in edges {
        let (a, b) = (root(&mut parent, s), root(&mut parent, t));
        if a != b {
            // The smaller root wins, so labels do not depend on edge order.
            let (lo, hi) = (a.min(b), a.max(b));
            parent[hi as usize] = lo;
        }
    }
    let mut index = vec![u32::MAX; node_count];
    let mut comps: Vec<Vec<u32>> = Vec::new();
    for n in 0..node_count as u32 {
        let r = root(&mut parent, n) as usize;
        if index[r] == u32::MAX {
            index[r] = comps.len() as u32;
            comps.push(Vec::new());
        }
        comps[index[r] as usize].push(n);
    }
    comps
}

/// Bounding box of some nodes: `(min_x, min_y, max_x, max_y)`.
fn bounds(members: &[u32], xy: &[f64]) -> (f64, f64, f64, f64) {
    members.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &n| {
            let (x, y) = (xy[n as usize * 2], xy[n as usize * 2 + 1]);
            (a.min(x), b.min(y), c.max(x), d.max(y))
        },
    )
}

/// Moves each component (already laid out on its own) onto shelves, with
/// `2·node_size` between boxes, from `origin` (default `(0, 0)`) rightwards
/// and down.
pub fn pack_components(
    comps: &[&[u32]],
    xy: &mut [f64],
    node_size: f64,
    origin: Option<(f64, f64)>,
) {
    if comps.is_empty() {
        return;
    }
    let gap = node_size * 2.0;
    let boxes: Vec<_> = comps.iter().map(|c| bounds(c, xy)).collect();
    let mut order: Vec<usize> = (0..comps.len()).collect();
    // Largest first; ties keep component order (stable sort).
    order.sort_by(|&a, &b| comps[b].len().cmp(&comps[a].len()));
    let area: f64 = boxes
        .iter()
        .map(|b| (b.2 - b.0 + gap) * (b.3 - b.1 + gap))
        .sum();
    let widest = boxes.iter().map(|b| b.2 - b.0 + gap).fold(0.0, f64::max);
    let row_width = (area.sqrt() * 1.2).max(widest);
    let (x0, y0) = origin.unwrap_or((0.0, 0.0));
    let (mut x, mut y, mut row_height) = (x0, y0, 0.0f64);
    for c in order {
        let b = boxes[c];
        let (w, h) = (b.2 - b.0, b.3 - b.1);
        if x > x0 && x + w > x0 + row_width {
            x = x0;
            y += row_height + gap;
            row_height = 0.0;
        }
        let (dx, dy) = (x - b.0, y - b.1);
        for &n in comps[c] {
            xy[n as usize * 2] += dx;
            xy[n as usize * 2 + 1] += dy;
        }
        x += w + gap;
        row_height = row_height.max(h);
    }
}
