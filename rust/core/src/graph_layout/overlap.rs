//! Overlap removal at rest: FA2 without `adjustSizes` (the `fa2` crate has
//! none) lets nodes touch, so a final pass pushes every pair closer than a
//! node's size apart, on a grid of cells one node wide.

/// How many sweeps to try before spreading the whole set out.
const SWEEPS: usize = 60;
/// How many times the set may be spread (×1.25 about its centre) before
/// giving up; each spread alone cannot make an overlap.
const SPREADS: usize = 40;

fn cell(v: f64, size: f64) -> i64 {
    (v / size).floor() as i64
}

/// The nodes sorted by grid cell, with each node's cell.
fn grid(members: &[u32], xy: &[f64], size: f64) -> Vec<((i64, i64), u32)> {
    let mut cells: Vec<((i64, i64), u32)> = members
        .iter()
        .map(|&n| {
            let n_ = n as usize;
            ((cell(xy[n_ * 2], size), cell(xy[n_ * 2 + 1], size)), n)
        })
        .collect();
    cells.sort_unstable();
    cells
}

/// Calls `f(a, b)` for every pair of members within one cell of each other
/// (each pair once, `a < b` in grid order).
fn near_pairs(cells: &[((i64, i64), u32)], mut f: impl FnMut(u32, u32)) {
    for &((cx, cy), a) in cells {
        for dx in 0..=1i64 {
            for dy in -1..=1i64 {
                if dx == 0 && dy < 0 {
                    continue;
                }
                let key = (cx + dx, cy + dy);
                let from = cells.partition_point(|(k, _)| *k < key);
                for &(k, b) in &cells[from..] {
                    if k != key {
                        break;
                    }
                    if key == (cx, cy) && b <= a {
                        // Same cell: each pair once, by node order.
                        continue;
                    }
                    f(a, b);
                }
            }
        }
    }
}

/// Pairs of `members` whose centres are closer than `size`.
pub fn count_overlaps(members: &[u32], xy: &[f64], size: f64) -> usize {
    let mut count = 0;
    near_pairs(&grid(members, xy, size), |a, b| {
        let (a, b) = (a as usize, b as usize);
        let d = (xy[a * 2] - xy[b * 2]).hypot(xy[a * 2 + 1] - xy[b * 2 + 1]);
        if d < size {
            count += 1;
        }
    });
    count
}

/// Pushes `members` apart until no two centres are closer than `size`:
/// each close pair moves apart by the missing distance, shared; same
/// positions part along a direction fixed by the pair (deterministic).
/// If sweeps alone do not settle a dense knot, the set is spread out.
pub fn remove_overlaps(members: &[u32], xy: &mut [f64], size: f64) {
    if members.len() < 2 {
        return;
    }
    for _ in 0..SPREADS {
        for _ in 0..SWEEPS {
            let cells = grid(members, xy, size);
            let mut moved = false;
            near_pairs(&cells, |a, b| {
                let (a, b) = (a as usize, b as usize);
                let (dx, dy) = (xy[b * 2] - xy[a * 2], xy[b * 2 + 1] - xy[a * 2 + 1]);
                let d = dx.hypot(dy);
                if d >= size {
                    return;
                }
                let (ux, uy) = if d > size * 1e-9 {
                    (dx / d, dy / d)
                } else {
                    let angle =
                        ((a * 7919 + b * 104_729) % 360) as f64 * std::f64::consts::PI / 180.0;
                    (angle.cos(), angle.sin())
                };
                // A hair more than needed, so rounding cannot leave it short.
                let push = (size - d) * 0.5 * 1.001 + size * 1e-9;
                xy[a * 2] -= ux * push;
                xy[a * 2 + 1] -= uy * push;
                xy[b * 2] += ux * push;
                xy[b * 2 + 1] += uy * push;
                moved = true;
            });
            if !moved {
                return;
            }
        }
        if count_overlaps(members, xy, size) == 0 {
            return;
        }
        spread(members, xy, 1.25);
    }
}

/// Scales the members' positions about their centre.
fn spread(members: &[u32], xy: &mut [f64], factor: f64) {
    let k = members.len() as f64;
    let (cx, cy) = members.iter().fold((0.0, 0.0), |(a, b), &n| {
        (a + xy[n as usize * 2], b + xy[n as usize * 2 + 1])
    });
    let (cx, cy) = (cx / k, cy / k);
    for &n in members {
        let n = n as usize;
        xy[n * 2] = cx + (xy[n * 2] - cx) * factor;
        xy[n * 2 + 1] = cy + (xy[n * 2 + 1] - cy) * factor;
    }
}
