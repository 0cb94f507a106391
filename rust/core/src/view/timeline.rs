//! The timeline: one lane per series, one mark per event, and
//! level-of-detail decimation so a million events cost about one mark per
//! pixel column per lane.
//!
//! Decimation never loses an event: a bucket mark carries how many events it
//! stands for, the counts of a layout add up to the events in view, and
//! hovering a bucket lists its rows.

use super::scale::{time_ticks, LinearScale};
use super::series::{pixel_runs, range, Series};
use super::{Layout, MarkRows, Viewport};

/// Below this many events in view a lane draws every event on its own.
const EXACT_LIMIT: usize = 2_000;

/// Lays out lanes top to bottom in `viewport`.
pub(crate) fn layout(series: &[Series], vp: &Viewport) -> Layout {
    let x = LinearScale::new(vp.x0, vp.x1, 0.0, vp.width);
    let lanes = series.len().max(1) as f64;
    let band = vp.height / lanes;
    let mut out = Layout {
        x_ticks: time_ticks(&x, (vp.width / 110.0).max(2.0) as usize),
        ..Layout::default()
    };
    let (lo, hi) = x.domain();
    let columns = vp.width.ceil().max(1.0) as usize;
    for (s, lane) in series.iter().enumerate() {
        let y = band * (s as f64 + 0.5);
        let (start, end) = range(&lane.times, lo, hi);
        out.events_in_view += end - start;
        // `w` is 0 for an event drawn on its own and the pixel column's
        // width for a bucket: the view draws buckets as a density band
        // (cheap rectangles) rather than thousands of overlapping circles.
        let mark = |out: &mut Layout, i: usize, j: usize, w: f64| {
            out.push_mark(
                [
                    x.map(lane.times[i]),
                    y,
                    w,
                    0.0,
                    (j - i) as f64,
                    f64::from(lane.rows[i]),
                    s as f64,
                ],
                MarkRows::Span {
                    series: s as u32,
                    start: i as u32,
                    end: j as u32,
                },
            );
        };
        // Events on their own only while there are fewer than pixel columns:
        // beyond that they overlap anyway, and each costs a circle to draw.
        if end - start <= EXACT_LIMIT.min(columns) {
            for i in start..end {
                mark(&mut out, i, i + 1, 0.0);
            }
        } else {
            pixel_runs(&lane.times, (start, end), &x, columns, |_, i, j| {
                mark(&mut out, i, j, 1.0)
            });
        }
    }
    out
}

/// Events per pixel column over the whole time range, all lanes together:
/// what the range selector under the plot draws.
pub(crate) fn density(series: &[Series], x0: f64, x1: f64, width: usize) -> Vec<u32> {
    let width = width.max(1);
    let x = LinearScale::new(x0, x1, 0.0, width as f64);
    let mut counts = vec![0u32; width];
    for s in series {
        let bounds = range(&s.times, x.domain().0, x.domain().1);
        pixel_runs(&s.times, bounds, &x, width, |c, i, j| {
            counts[c] += (j - i) as u32
        });
    }
    counts
}
