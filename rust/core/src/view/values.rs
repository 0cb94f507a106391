//! timeline_values: a value over time, per series, as circles, a line or
//! vertical bars. Dense stretches keep each pixel column's lowest and
//! highest point (in time order), which keeps a line's shape and every
//! spike while drawing a bounded number of marks.

use super::scale::{nice_domain, number_ticks, time_ticks, LinearScale};
use super::series::{pixel_runs, range, Series};
use super::{Layout, MarkRows, Viewport};

/// Below this many points in view a series draws every point.
const EXACT_LIMIT: usize = 4_000;

/// The y domain over every series, widened to nice ticks and to include 0
/// (bars grow from 0).
pub(crate) fn y_domain(series: &[Series]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, f64::NEG_INFINITY);
    for v in series.iter().flat_map(|s| &s.values) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !hi.is_finite() {
        hi = 1.0;
    }
    nice_domain(lo, hi, 5)
}

/// Lays out every series in `viewport` against `y_domain`.
pub(crate) fn layout(series: &[Series], y_domain: (f64, f64), vp: &Viewport) -> Layout {
    let x = LinearScale::new(vp.x0, vp.x1, 0.0, vp.width);
    let y = LinearScale::new(y_domain.0, y_domain.1, vp.height, 0.0);
    let base = y.map(0.0f64.clamp(y_domain.0, y_domain.1));
    let mut out = Layout {
        x_ticks: time_ticks(&x, (vp.width / 110.0).max(2.0) as usize),
        y_ticks: number_ticks(&y, (vp.height / 40.0).max(2.0) as usize),
        ..Layout::default()
    };
    let (lo, hi) = x.domain();
    for (s, ser) in series.iter().enumerate() {
        let (start, end) = range(&ser.times, lo, hi);
        out.events_in_view += end - start;
        let mark = |out: &mut Layout, i: usize, count: usize, a: usize, b: usize| {
            let py = y.map(ser.values[i]);
            out.push_mark(
                [
                    x.map(ser.times[i]),
                    py,
                    0.0,
                    base - py,
                    count as f64,
                    f64::from(ser.rows[i]),
                    s as f64,
                ],
                MarkRows::Span {
                    series: s as u32,
                    start: a as u32,
                    end: b as u32,
                },
            );
        };
        if end - start <= EXACT_LIMIT {
            for i in start..end {
                mark(&mut out, i, 1, i, i + 1);
            }
            continue;
        }
        let columns = vp.width.ceil().max(1.0) as usize;
        pixel_runs(&ser.times, (start, end), &x, columns, |_, i, j| {
            let (mut min, mut max) = (i, i);
            for k in i..j {
                if ser.values[k] < ser.values[min] {
                    min = k;
                }
                if ser.values[k] > ser.values[max] {
                    max = k;
                }
            }
            if min == max {
                mark(&mut out, min, j - i, i, j);
            } else {
                // The column's events are split between its two marks
                // (by time), so the counts still add up.
                let (first, second) = if min < max { (min, max) } else { (max, min) };
                let mid = first + 1;
                mark(&mut out, first, mid - i, i, mid);
                mark(&mut out, second, j - mid, mid, j);
            }
        });
    }
    out
}
