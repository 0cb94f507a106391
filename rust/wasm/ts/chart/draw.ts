/**
 * Drawing: marks onto a canvas (fast enough for every pan frame) and the
 * same marks as SVG elements (for "save as SVG/PNG"). Positions come from
 * the wasm layout; this file only paints them.
 */
import type { ChartInfo, ChartLayout } from '../../pkg/huntkit_wasm.js';
import { MUTED_SERIES_COLOR, PALETTE, seriesColor, type ThemeColors } from './theme.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** How one mark is drawn. */
export interface MarkStyle {
  colors: string[];
  selected: (row: number) => boolean;
  theme: ThemeColors;
}

/** The anomalies view's series: observed, baseline, flagged points. */
const ANOMALY_BASELINE = 1;
const ANOMALY_FLAGS = 2;

/** The colour of each series (lane, line, bar). */
export function seriesColors(info: ChartInfo): string[] {
  if (info.kind === 'anomalies') {
    return [PALETTE[0], PALETTE[4], PALETTE[2]];
  }
  const perDataSet = info.kind === 'timeline' && info.series.length === info.datasets.length;
  // A muted series (noise) is grey and takes no palette colour from the others.
  const muted = info.muted_series ?? -1;
  return info.series.map((s, i) =>
    i === muted
      ? MUTED_SERIES_COLOR
      : seriesColor(
          muted >= 0 && i > muted ? i - 1 : i,
          perDataSet ? info.datasets[s.dataset]?.color : null
        )
  );
}

/** Whether marks are circles of their own diameter (`w`): matrix cells and clusters. */
export function sizedCircles(info: ChartInfo): boolean {
  return info.kind === 'matrix' || info.kind === 'cluster_scatter';
}

function radiusOf(count: number): number {
  return count <= 1 ? 4 : Math.min(7, 4 + Math.log10(count));
}

/** Width of a vertical bar: spread by how many points share the plot. */
function barWidth(layout: ChartLayout, width: number): number {
  const marks = layout.marks.length / layout.stride;
  return Math.max(1, Math.min(10, (width / Math.max(1, marks)) * 0.8));
}

/**
 * A decimated timeline lane as a density band: one pixel column per bucket,
 * as tall as the bucket's circle would be, and neighbouring columns of the
 * same height merged into one rectangle. Rectangles rasterise an order of
 * magnitude faster than as many overlapping circles, which is what keeps a
 * million-event pan near the display's frame rate.
 */
class BandRun {
  private x0 = 0;
  private x1 = -Infinity;
  private y = 0;
  private r = 0;

  constructor(private readonly ctx: CanvasRenderingContext2D | PathSink) {}

  add(x: number, y: number, w: number, r: number): void {
    const left = Math.floor(x);
    const half = Math.round(r);
    if (left <= this.x1 && y === this.y && half === this.r) {
      this.x1 = Math.max(this.x1, left + w);
      return;
    }
    this.flush();
    [this.x0, this.x1, this.y, this.r] = [left, left + w, y, half];
  }

  flush(): void {
    if (this.x1 > this.x0) {
      this.ctx.rect(this.x0, this.y - this.r, this.x1 - this.x0, 2 * this.r);
    }
    this.x1 = -Infinity;
  }
}

/** What a band run draws into: a canvas path or an SVG collector. */
interface PathSink {
  rect(x: number, y: number, w: number, h: number): void;
}

/** Paints `layout` onto a 2D context whose origin is the plot's corner. */
export function drawMarks(
  ctx: CanvasRenderingContext2D,
  info: ChartInfo,
  layout: ChartLayout,
  style: MarkStyle,
  width: number
): void {
  const { marks, stride } = layout;
  const n = marks.length / stride;
  const kinds = new Set(info.marks);
  const anomalies = info.kind === 'anomalies';
  if (kinds.has('line') || anomalies) {
    ctx.lineWidth = 1.5;
    let current = -1;
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      const s = marks[o + 6];
      if (anomalies && s === ANOMALY_FLAGS) {
        continue;
      }
      if (s !== current) {
        if (current >= 0) {
          ctx.stroke();
        }
        current = s;
        ctx.strokeStyle = style.colors[s] ?? style.theme.accent;
        ctx.setLineDash(anomalies && s === ANOMALY_BASELINE ? [5, 3] : []);
        ctx.beginPath();
        ctx.moveTo(marks[o], marks[o + 1]);
      } else {
        ctx.lineTo(marks[o], marks[o + 1]);
      }
    }
    if (current >= 0) {
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
  const bw = barWidth(layout, width);
  const circles = kinds.has('circle') || kinds.has('point');
  const selected: number[] = [];
  // One path per series, filled once: a fill per mark is what makes a
  // 20,000-mark frame slow on a software canvas.
  ctx.globalAlpha = 0.8;
  let current = -1;
  const band = new BandRun(ctx);
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    const x = marks[o];
    const y = marks[o + 1];
    const w = marks[o + 2];
    const h = marks[o + 3];
    const s = marks[o + 6];
    if (s !== current) {
      band.flush();
      if (current >= 0) {
        ctx.fill();
      }
      current = s;
      ctx.fillStyle = style.colors[s] ?? style.theme.accent;
      ctx.beginPath();
    }
    if (style.selected(marks[o + 5])) {
      selected.push(i);
    }
    if (info.kind === 'timeline_duration') {
      ctx.rect(x, y, w, h);
    } else if (sizedCircles(info)) {
      ctx.moveTo(x + w / 2, y);
      ctx.arc(x, y, w / 2, 0, Math.PI * 2);
    } else if (anomalies) {
      if (s !== ANOMALY_BASELINE) {
        const r = s === ANOMALY_FLAGS ? 6 : 2;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    } else {
      if (kinds.has('vbar')) {
        ctx.rect(x - bw / 2, Math.min(y, y + h), bw, Math.max(1, Math.abs(h)));
      }
      if (info.kind === 'timeline' && w > 0) {
        band.add(x, y, w, radiusOf(marks[o + 4]));
      } else if (circles) {
        const r = info.kind === 'timeline' ? radiusOf(marks[o + 4]) : 3;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    }
  }
  band.flush();
  if (current >= 0) {
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (selected.length > 0) {
    ctx.strokeStyle = style.theme.text;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const i of selected) {
      const o = i * stride;
      const [x, y, w, h, count] = [
        marks[o],
        marks[o + 1],
        marks[o + 2],
        marks[o + 3],
        marks[o + 4]
      ];
      if (info.kind === 'timeline_duration') {
        ctx.rect(x - 1, y - 1, w + 2, h + 2);
      } else {
        const r = sizedCircles(info) ? w / 2 + 2 : radiusOf(count) + 2;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    }
    ctx.stroke();
  }
}

/** The same marks as SVG elements, for export. */
export function marksToSvg(
  doc: Document,
  info: ChartInfo,
  layout: ChartLayout,
  colors: string[],
  width: number
): SVGGElement {
  const g = doc.createElementNS(SVG_NS, 'g');
  const { marks, stride } = layout;
  const n = marks.length / stride;
  const kinds = new Set(info.marks);
  const el = (tag: string, attrs: Record<string, string | number>): SVGElement => {
    const e = doc.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, String(v));
    }
    g.append(e);
    return e;
  };
  const anomalies = info.kind === 'anomalies';
  if (kinds.has('line') || anomalies) {
    const points = new Map<number, string[]>();
    for (let i = 0; i < n; i++) {
      const o = i * stride;
      if (anomalies && marks[o + 6] === ANOMALY_FLAGS) {
        continue;
      }
      const list = points.get(marks[o + 6]) ?? [];
      list.push(`${marks[o].toFixed(1)},${marks[o + 1].toFixed(1)}`);
      points.set(marks[o + 6], list);
    }
    for (const [s, list] of points) {
      el('polyline', {
        points: list.join(' '),
        fill: 'none',
        stroke: colors[s],
        'stroke-width': 1.5
      });
    }
  }
  const bw = barWidth(layout, width);
  let bandFill = '';
  const band = new BandRun({
    rect: (x, y, w, h) =>
      el('rect', { x, y, width: w, height: h, fill: bandFill, 'fill-opacity': 0.8 })
  });
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    if (marks[o + 6] !== marks[o + 6 - stride]) {
      band.flush();
    }
    const [x, y, w, h, count, s] = [
      marks[o],
      marks[o + 1],
      marks[o + 2],
      marks[o + 3],
      marks[o + 4],
      marks[o + 6]
    ];
    const fill = colors[s];
    if (info.kind === 'timeline_duration') {
      el('rect', { x, y, width: w, height: h, fill, 'fill-opacity': 0.8 });
    } else if (sizedCircles(info)) {
      el('circle', { cx: x, cy: y, r: w / 2, fill, 'fill-opacity': 0.8 });
    } else if (anomalies) {
      if (s !== ANOMALY_BASELINE) {
        el('circle', { cx: x, cy: y, r: s === ANOMALY_FLAGS ? 6 : 2, fill });
      }
    } else {
      if (kinds.has('vbar')) {
        el('rect', {
          x: x - bw / 2,
          y: Math.min(y, y + h),
          width: bw,
          height: Math.max(1, Math.abs(h)),
          fill,
          'fill-opacity': 0.8
        });
      }
      if (info.kind === 'timeline' && w > 0) {
        bandFill = fill;
        band.add(x, y, w, radiusOf(count));
      } else if (kinds.has('circle') || kinds.has('point')) {
        const r = info.kind === 'timeline' ? radiusOf(count) : 3;
        el('circle', { cx: x, cy: y, r, fill, 'fill-opacity': 0.8 });
      }
    }
  }
  band.flush();
  return g;
}
