use super::*;

fn opts() -> LayoutOptions {
    LayoutOptions::default()
}

/// A ring of `n` nodes starting at `first`, with a chord every 5 nodes.
fn ring(first: u32, n: u32) -> Vec<(u32, u32)> {
    let mut e: Vec<(u32, u32)> = (0..n).map(|i| (first + i, first + (i + 1) % n)).collect();
    e.extend(
        (0..n)
            .step_by(5)
            .map(|i| (first + i, first + (i + n / 2) % n)),
    );
    e
}

/// A star: node `first` linked to the `n - 1` after it.
fn star(first: u32, n: u32) -> Vec<(u32, u32)> {
    (1..n).map(|i| (first, first + i)).collect()
}

fn min_distance(xy: &[f64]) -> f64 {
    let n = xy.len() / 2;
    let mut best = f64::INFINITY;
    for a in 0..n {
        for b in a + 1..n {
            best = best.min((xy[a * 2] - xy[b * 2]).hypot(xy[a * 2 + 1] - xy[b * 2 + 1]));
        }
    }
    best
}

fn bbox(nodes: impl Iterator<Item = usize>, xy: &[f64]) -> (f64, f64, f64, f64) {
    nodes.fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), n| {
            let (x, y) = (xy[n * 2], xy[n * 2 + 1]);
            (a.min(x), b.min(y), c.max(x), d.max(y))
        },
    )
}

#[test]
fn the_same_seed_gives_the_same_layout_and_another_seed_another() {
    let edges = ring(0, 40);
    let a = layout_graph(40, &edges, &[], &opts()).unwrap();
    let b = layout_graph(40, &edges, &[], &opts()).unwrap();
    assert_eq!(a, b);
    let c = layout_graph(40, &edges, &[], &LayoutOptions { seed: 2, ..opts() }).unwrap();
    assert_ne!(a, c);
}

#[test]
fn no_two_nodes_overlap_at_rest() {
    // A star packs its leaves around the hub: the case FA2 alone leaves touching.
    let mut edges = star(0, 200);
    edges.extend(ring(200, 60));
    let o = LayoutOptions {
        node_size: 5.0,
        ..opts()
    };
    let xy = layout_graph(260, &edges, &[], &o).unwrap();
    assert!(
        min_distance(&xy) >= 5.0 * (1.0 - 1e-9),
        "{}",
        min_distance(&xy)
    );
    assert!(xy.iter().all(|v| v.is_finite()));
}

#[test]
fn overlap_removal_parts_nodes_on_the_same_point() {
    let mut xy = vec![0.0; 50 * 2];
    let all: Vec<u32> = (0..50).collect();
    assert!(count_overlaps(&all, &xy, 1.0) > 0);
    remove_overlaps(&all, &mut xy, 1.0);
    assert_eq!(count_overlaps(&all, &xy, 1.0), 0);
    assert!(min_distance(&xy) >= 1.0 - 1e-9);
}

#[test]
fn components_are_laid_out_apart() {
    // Three components of different shapes and some lone nodes.
    let mut edges = ring(0, 30);
    edges.extend(star(30, 25));
    edges.extend(ring(55, 12));
    let n = 70;
    let xy = layout_graph(n, &edges, &[], &opts()).unwrap();
    let comps = components(n, &edges);
    assert_eq!(comps.len(), 3 + 3);
    let boxes: Vec<_> = comps
        .iter()
        .map(|c| bbox(c.iter().map(|&n| n as usize), &xy))
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.2 < b.0 || b.2 < a.0 || a.3 < b.1 || b.3 < a.1;
            assert!(apart, "boxes {a:?} and {b:?} meet");
        }
    }
}

#[test]
fn linked_nodes_end_closer_than_unlinked_ones() {
    // Two rings joined by one edge: an edge is shorter than the mean distance.
    let mut edges = ring(0, 30);
    edges.extend(ring(30, 30));
    edges.push((0, 30));
    let xy = layout_graph(60, &edges, &[], &opts()).unwrap();
    let d = |a: usize, b: usize| (xy[a * 2] - xy[b * 2]).hypot(xy[a * 2 + 1] - xy[b * 2 + 1]);
    let edge_mean = edges
        .iter()
        .map(|&(s, t)| d(s as usize, t as usize))
        .sum::<f64>()
        / edges.len() as f64;
    let mut all = 0.0;
    for a in 0..60 {
        for b in a + 1..60 {
            all += d(a, b);
        }
    }
    let all_mean = all / (60.0 * 59.0 / 2.0);
    assert!(edge_mean * 2.0 < all_mean, "{edge_mean} vs {all_mean}");
}

#[test]
fn an_incremental_layout_keeps_old_nodes_near_and_puts_new_ones_by_their_neighbours() {
    let edges = ring(0, 50);
    let before = layout_graph(50, &edges, &[], &opts()).unwrap();
    // A note linked to node 7, and a new separate pair.
    let mut more = edges.clone();
    more.push((7, 50));
    more.push((51, 52));
    let after = layout_graph(53, &more, &before, &opts()).unwrap();
    let (x0, y0, x1, y1) = bbox(0..50, &before);
    let extent = (x1 - x0).max(y1 - y0);
    let moved = (0..50)
        .map(|n| (after[n * 2] - before[n * 2]).hypot(after[n * 2 + 1] - before[n * 2 + 1]))
        .fold(0.0, f64::max);
    assert!(
        moved < extent * 0.25,
        "an old node moved {moved} (extent {extent})"
    );
    let note = (after[100] - after[14]).hypot(after[101] - after[15]);
    assert!(
        note < extent * 0.5,
        "the note is {note} from its node (extent {extent})"
    );
    // The new pair is packed below the old component.
    assert!(after[51 * 2 + 1].min(after[52 * 2 + 1]) > y1);
}

#[test]
fn barnes_hut_runs_above_its_threshold() {
    let edges = ring(0, 300);
    let o = LayoutOptions {
        barnes_hut_above: 100,
        iterations: Some(50),
        ..opts()
    };
    let xy = layout_graph(300, &edges, &[], &o).unwrap();
    assert!(xy.iter().all(|v| v.is_finite()));
    assert_eq!(
        count_overlaps(&(0..300).collect::<Vec<_>>(), &xy, o.node_size),
        0
    );
}

#[test]
fn more_nodes_than_max_nodes_is_refused_with_the_bound() {
    let o = LayoutOptions {
        max_nodes: 1000,
        ..opts()
    };
    let e = layout_graph(100_000, &[], &[], &o).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("100000 nodes") && text.contains("max_nodes (1000)"),
        "{text}"
    );
    assert!(ForceLayout::new(100_000, &[], &o).is_err());
}

#[test]
fn bad_input_is_named() {
    let e = layout_graph(3, &[(0, 5)], &[], &opts()).unwrap_err();
    assert!(e.to_string().contains("edge 0 (0 → 5)"), "{e}");
    let e = layout_graph(3, &[], &[1.0], &opts()).unwrap_err();
    assert!(e.to_string().contains("previous"), "{e}");
    let e = layout_graph(3, &[], &[f64::NAN, 0.0], &opts()).unwrap_err();
    assert!(e.to_string().contains("finite"), "{e}");
    let e = layout_graph(
        3,
        &[],
        &[],
        &LayoutOptions {
            node_size: 0.0,
            ..opts()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("node_size"), "{e}");
}

#[test]
fn empty_and_tiny_graphs_lay_out() {
    assert!(layout_graph(0, &[], &[], &opts()).unwrap().is_empty());
    assert_eq!(layout_graph(1, &[], &[], &opts()).unwrap().len(), 2);
    let xy = layout_graph(2, &[(0, 0), (0, 1), (0, 1)], &[], &opts()).unwrap();
    assert!(min_distance(&xy) >= 2.0 * (1.0 - 1e-9));
    let mut f = ForceLayout::new(0, &[], &opts()).unwrap();
    f.step(3);
    assert!(f.positions().is_empty());
}

#[test]
fn the_stepped_run_is_seeded() {
    let edges = ring(0, 100);
    let mut a = ForceLayout::new(100, &edges, &opts()).unwrap();
    let mut b = ForceLayout::new(100, &edges, &opts()).unwrap();
    a.step(20);
    b.step(20);
    assert_eq!(a.positions(), b.positions());
}
