/**
 * The chart frame both hosts show: title, toolbar, axes (SVG), marks
 * (canvas), range selector, legend, tooltip and status line, and the pan,
 * zoom, hover, select, copy and save interactions. Every number it draws
 * comes from the wasm `ChartView`, which lives in the engine's worker: the
 * frame posts viewports and draws the layouts that come back (one request
 * in flight; a newer viewport waits for it). Every string from the data
 * goes in as text (`textContent`, SVG text nodes), never as HTML.
 */
import type { ChartInfo, ChartLayout, Tick } from '../../pkg/huntkit_wasm.js';
import { copyText, downloadText } from '../views/clipboard.js';
import { formatCount } from '../views/dom.js';
import { VIEW_TITLES } from './bundle.js';
import { drawMarks, marksToSvg, seriesColors } from './draw.js';
import { readTheme, type ThemeColors } from './theme.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** What the frame needs from a chart held by the worker (a `RemoteChart`). */
export interface ChartModel {
  readonly info: ChartInfo;
  layout(x0: number, x1: number, width: number, height: number): Promise<ChartLayout>;
  overview(width: number): Promise<Uint32Array>;
  hover(
    x: number,
    y: number,
    radius: number,
    limit: number
  ): Promise<{ mark: number; total: number; rows: Record<string, unknown>[] }>;
  pick(
    x: number,
    y: number,
    radius: number,
    limit: number
  ): Promise<{ mark: number; ids: Uint32Array }>;
  rowsText(
    format: 'csv' | 'json',
    ids: Uint32Array | null,
    window: [number, number] | null,
    limit: number
  ): Promise<{ count: number; text: string }>;
  setYMax(yMax: number | undefined): Promise<void>;
  free(): void;
}

/** Orders of magnitude the likelihood slider spans below the largest value. */
const SLIDER_DECADES = 12;
const SLIDER_STEPS = 1200;

/** Rows shown in a tooltip; the rest are counted. */
const TOOLTIP_ROWS = 5;
/** Rows copied at most (the clipboard is not a file). */
const COPY_LIMIT = 100_000;
const MARGIN = { top: 10, right: 16, bottom: 30 };
const OVERVIEW_HEIGHT = 36;

interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string
): SVGElementTagNameMap[K] {
  const e = doc.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** A time for people: ISO 8601 UTC, milliseconds when there are any. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '';
  }
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** One chart, mounted into a host element. */
export class ChartFrame {
  readonly node: HTMLDivElement;
  private readonly doc: Document;
  private readonly info: ChartInfo;
  private readonly colors: string[];
  private readonly axes: SVGSVGElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly overviewCanvas: HTMLCanvasElement | null = null;
  private readonly brush: HTMLDivElement | null = null;
  private readonly body: HTMLDivElement;
  private domain: [number, number];
  private plot: Plot = { left: 0, top: 0, width: 0, height: 0 };
  private last: ChartLayout | null = null;
  private selected = new Set<number>();
  private frame = 0;
  private frames = 0;
  private resize: ResizeObserver | null = null;
  private disposed = false;
  private theme: ThemeColors | null = null;
  /** A layout request is in flight; `dirty`: the view changed meanwhile. */
  private drawing: Promise<void> | null = null;
  private dirty = false;
  /** The overview strip's width being fetched or drawn. */
  private overviewWidth = -1;
  /** The latest hover request, so an older answer is dropped. */
  private hoverSeq = 0;
  /** The first frame drawn (or its error). */
  readonly ready: Promise<void>;
  /** Called with the selected row ids after a click changes the selection (the entity graph listens). */
  onSelect: ((rows: number[]) => void) | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly model: ChartModel
  ) {
    this.doc = host.ownerDocument;
    this.info = model.info;
    this.colors = seriesColors(this.info);
    this.domain = [this.info.x_domain[0], this.info.x_domain[1]];
    const d = this.doc;
    this.node = d.createElement('div');
    this.node.className = 'jp-huntkit-chart';
    this.node.dataset.kind = this.info.kind;
    this.node.dataset.total = String(this.info.total_events);
    this.node.tabIndex = 0;

    const header = d.createElement('div');
    header.className = 'jp-huntkit-chart-header';
    const title = d.createElement('div');
    title.className = 'jp-huntkit-chart-title';
    title.textContent = this.info.title ?? this.defaultTitle();
    const toolbar = d.createElement('div');
    toolbar.className = 'jp-huntkit-chart-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    const tool = (label: string, name: string, run: () => void, tip: string): void => {
      const b = d.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = tip;
      b.dataset.action = name;
      b.addEventListener('click', run);
      toolbar.append(b);
    };
    if (this.info.x_axis === 'time') {
      tool(
        'Reset',
        'reset',
        () => this.setDomain([this.info.x_domain[0], this.info.x_domain[1]]),
        'Show the whole time range (double-click the plot)'
      );
    }
    tool(
      'Copy CSV',
      'copy-csv',
      () => void this.copy('csv'),
      'Copy the selected rows (or the rows in view) as CSV'
    );
    tool(
      'Copy JSON',
      'copy-json',
      () => void this.copy('json'),
      'Copy the selected rows (or the rows in view) as JSON'
    );
    tool('PNG', 'save-png', () => void this.savePng(), 'Save the chart as a PNG image');
    tool('SVG', 'save-svg', () => this.saveSvg(), 'Save the chart as an SVG image');
    header.append(title, toolbar);
    this.node.append(header);

    if (this.info.kind === 'session_scores') {
      this.node.append(this.slider());
    }

    if (this.info.warnings.length > 0) {
      const warn = d.createElement('div');
      warn.className = 'jp-huntkit-chart-warnings';
      warn.textContent = this.info.warnings.join('; ');
      this.node.append(warn);
    }

    this.body = d.createElement('div');
    this.body.className = 'jp-huntkit-chart-body';
    this.axes = svg(d, 'svg', { class: 'jp-huntkit-chart-axes' });
    this.canvas = d.createElement('canvas');
    this.canvas.className = 'jp-huntkit-chart-marks';
    this.tooltip = d.createElement('div');
    this.tooltip.className = 'jp-huntkit-chart-tooltip';
    this.tooltip.hidden = true;
    this.body.append(this.axes, this.canvas, this.tooltip);
    this.node.append(this.body);

    if (this.info.x_axis === 'time' && this.info.kind !== 'timeline_duration') {
      const strip = d.createElement('div');
      strip.className = 'jp-huntkit-chart-overview';
      strip.title = 'Drag to move the window; click to centre it';
      this.overviewCanvas = d.createElement('canvas');
      this.brush = d.createElement('div');
      this.brush.className = 'jp-huntkit-chart-brush';
      strip.append(this.overviewCanvas, this.brush);
      this.node.append(strip);
      this.bindOverview(strip);
    }

    this.node.append(this.legend());
    this.status = d.createElement('div');
    this.status.className = 'jp-huntkit-chart-status';
    this.status.setAttribute('aria-live', 'polite');
    this.node.append(this.status);

    host.append(this.node);
    this.bindPlot();
    const View = this.doc.defaultView as (Window & typeof globalThis) | null;
    if (View?.ResizeObserver && this.info.width === null) {
      this.resize = new View.ResizeObserver(() => this.schedule());
      this.resize.observe(host);
    }
    this.ready = this.render();
  }

  /** Resolves when every frame asked for so far is drawn. */
  async settled(): Promise<void> {
    while (this.drawing || this.frame) {
      if (this.drawing) {
        await this.drawing;
      } else {
        await new Promise<void>(resolve => setTimeout(resolve, 0));
      }
    }
  }

  /** Frames drawn so far (the benchmark's frame counter). */
  get framesDrawn(): number {
    return this.frames;
  }

  /** The visible x window. */
  get window(): [number, number] {
    return [this.domain[0], this.domain[1]];
  }

  /** Moves the visible window (time views) and redraws on the next frame. */
  setDomain(domain: [number, number]): void {
    if (this.info.x_axis !== 'time') {
      return;
    }
    let [a, b] = domain;
    const [lo, hi] = this.info.x_domain;
    const full = hi - lo;
    const span = Math.max(1, Math.min(full, b - a));
    a = Math.min(Math.max(a, lo), hi - span);
    b = a + span;
    this.domain = [a, b];
    this.schedule();
  }

  /** Selects these row ids (a linked view's selection) and redraws; no `onSelect` call. */
  select(rows: Iterable<number>): void {
    this.selected = new Set(rows);
    this.node.dataset.selected = String(this.selected.size);
    this.schedule();
  }

  /** Stops observing and frees the wasm chart. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.resize?.disconnect();
    if (this.frame) {
      this.doc.defaultView?.cancelAnimationFrame(this.frame);
    }
    this.node.remove();
    this.model.free();
  }

  /**
   * The likelihood bound of scored sessions, on a log scale: rare sessions
   * sit many orders of magnitude below common ones.
   */
  private slider(): HTMLElement {
    const d = this.doc;
    const box = d.createElement('label');
    box.className = 'jp-huntkit-chart-slider';
    const name = d.createElement('span');
    name.textContent = `${this.info.axis_labels[1] ?? 'likelihood'} ≤`;
    const input = d.createElement('input');
    input.type = 'range';
    input.min = '0';
    input.max = String(SLIDER_STEPS);
    input.value = String(SLIDER_STEPS);
    input.setAttribute('aria-label', 'upper bound');
    const value = d.createElement('span');
    value.className = 'jp-huntkit-chart-slider-value';
    const top = this.info.y_domain?.[1] ?? 1;
    const update = (): void => {
      const step = Number(input.value);
      const bound =
        step >= SLIDER_STEPS
          ? undefined
          : top * 10 ** (-((SLIDER_STEPS - step) / SLIDER_STEPS) * SLIDER_DECADES);
      value.textContent = bound === undefined ? 'all' : bound.toExponential(2);
      this.node.dataset.yMax = bound === undefined ? '' : String(bound);
      // The worker answers in order: the next layout sees the new bound.
      void this.model.setYMax(bound).catch((error: unknown) => this.fail(error));
      this.schedule();
    };
    input.addEventListener('input', update);
    value.textContent = 'all';
    box.append(name, input, value);
    return box;
  }

  private defaultTitle(): string {
    return VIEW_TITLES[this.info.kind];
  }

  private schedule(): void {
    if (this.frame || this.disposed) {
      return;
    }
    const run = (): void => {
      this.frame = 0;
      void this.render();
    };
    this.frame = this.doc.defaultView?.requestAnimationFrame(run) ?? 0;
    if (!this.frame) {
      run();
    }
  }

  private size(): { width: number; height: number } {
    const width = this.info.width ?? Math.max(300, this.host.clientWidth || 800);
    const lanes = this.info.lanes ? this.info.series.length : 0;
    const matrixRows = this.info.kind === 'matrix' ? (this.info.y_domain?.[1] ?? 1) : 0;
    const height =
      this.info.height ??
      (lanes
        ? Math.min(640, Math.max(140, lanes * 28 + 50))
        : matrixRows
          ? Math.min(720, Math.max(220, matrixRows * 26 + 120))
          : 320);
    return { width, height };
  }

  private leftMargin(ticks: Tick[]): number {
    const labels = this.info.lanes ? this.info.series.map(s => s.label) : ticks.map(t => t.label);
    const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
    return Math.min(240, Math.max(48, longest * 7 + 16));
  }

  /**
   * Lays out the current window in the worker and draws it. One layout is
   * in flight at a time; a change meanwhile draws again once it is back.
   */
  private render(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    if (this.drawing) {
      this.dirty = true;
      return this.drawing;
    }
    this.drawing = this.draw().finally(() => {
      this.drawing = null;
      if (this.dirty && !this.disposed) {
        this.dirty = false;
        this.schedule();
      }
    });
    return this.drawing;
  }

  private async draw(): Promise<void> {
    const { width, height } = this.size();
    const bottom = this.info.kind === 'matrix' ? this.matrixBottom() : MARGIN.bottom;
    const domain: [number, number] = [this.domain[0], this.domain[1]];
    // A first layout for the y ticks, whose labels set the left margin.
    const provisional = this.plot.width > 0 ? this.plot.left : 60;
    let plot: Plot = {
      left: provisional,
      top: MARGIN.top,
      width: Math.max(50, width - provisional - MARGIN.right),
      height: Math.max(40, height - MARGIN.top - bottom)
    };
    let layout: ChartLayout;
    try {
      layout = await this.model.layout(domain[0], domain[1], plot.width, plot.height);
      const left = this.leftMargin(layout.yTicks);
      if (left !== plot.left) {
        plot = { ...plot, left, width: Math.max(50, width - left - MARGIN.right) };
        layout = await this.model.layout(domain[0], domain[1], plot.width, plot.height);
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.disposed) {
      return;
    }
    this.plot = plot;
    this.last = layout;
    this.body.style.width = `${width}px`;
    this.body.style.height = `${height}px`;
    this.drawAxes(width, height, layout, domain);
    this.drawCanvas(layout);
    this.drawOverview();
    this.node.dataset.marks = String(layout.marks.length / layout.stride);
    this.node.dataset.eventsInView = String(layout.eventsInView);
    this.node.dataset.window = `${domain[0]},${domain[1]}`;
    this.frames++;
    this.node.dataset.frames = String(this.frames);
    this.updateStatus(domain);
  }

  /** Shows a failed request in the status line (the chart stays as drawn). */
  private fail(error: unknown): void {
    if (this.disposed) {
      return;
    }
    this.status.textContent = `huntkit: ${error instanceof Error ? error.message : String(error)}`;
    this.node.dataset.error = this.status.textContent;
  }

  private matrixBottom(): number {
    const longest =
      (this.last?.xTicks ?? []).reduce((m, t) => Math.max(m, t.label.length), 0) || 12;
    return Math.min(160, Math.max(40, longest * 5 + 20));
  }

  private drawAxes(
    width: number,
    height: number,
    layout: ChartLayout,
    domain: [number, number]
  ): void {
    const d = this.doc;
    const { left, top, width: pw, height: ph } = this.plot;
    const a = this.axes;
    a.setAttribute('width', String(width));
    a.setAttribute('height', String(height));
    a.setAttribute('viewBox', `0 0 ${width} ${height}`);
    a.replaceChildren();
    const g = svg(d, 'g', { transform: `translate(${left},${top})` });
    a.append(g);
    g.append(
      svg(d, 'rect', { class: 'jp-huntkit-chart-frame', x: 0, y: 0, width: pw, height: ph })
    );
    const matrix = this.info.kind === 'matrix';
    for (const t of layout.xTicks) {
      g.append(
        svg(d, 'line', { class: 'jp-huntkit-chart-grid', x1: t.px, x2: t.px, y1: 0, y2: ph })
      );
      const label = svg(
        d,
        'text',
        matrix
          ? {
              class: 'jp-huntkit-tick-label',
              transform: `translate(${t.px},${ph + 8}) rotate(-45)`,
              'text-anchor': 'end'
            }
          : { class: 'jp-huntkit-tick-label', x: t.px, y: ph + 18, 'text-anchor': 'middle' },
        t.label
      );
      g.append(label);
    }
    if (this.info.lanes) {
      const band = ph / Math.max(1, this.info.series.length);
      this.info.series.forEach((s, i) => {
        const y = band * (i + 0.5);
        if (i > 0) {
          g.append(
            svg(d, 'line', {
              class: 'jp-huntkit-chart-grid',
              x1: 0,
              x2: pw,
              y1: band * i,
              y2: band * i
            })
          );
        }
        const text = svg(
          d,
          'text',
          { class: 'jp-huntkit-lane-label', x: -8, y: y + 4, 'text-anchor': 'end' },
          s.label
        );
        text.append(svg(d, 'title', {}, `${s.label}: ${formatCount(s.events)} events`));
        g.append(text);
      });
    } else {
      for (const t of layout.yTicks) {
        g.append(
          svg(d, 'line', { class: 'jp-huntkit-chart-grid', x1: 0, x2: pw, y1: t.px, y2: t.px })
        );
        g.append(
          svg(
            d,
            'text',
            { class: 'jp-huntkit-tick-label', x: -8, y: t.px + 4, 'text-anchor': 'end' },
            t.label
          )
        );
      }
    }
    const [yLabel] = [this.info.axis_labels[1]];
    if (yLabel && !this.info.lanes && !matrix) {
      g.append(svg(d, 'text', { class: 'jp-huntkit-axis-label', x: 4, y: 12 }, yLabel));
    }
    const xLabel = this.info.x_axis === 'number' ? this.info.axis_labels[0] : null;
    if (xLabel) {
      g.append(
        svg(
          d,
          'text',
          { class: 'jp-huntkit-axis-label', x: pw - 4, y: ph - 6, 'text-anchor': 'end' },
          xLabel
        )
      );
    }
    if (this.info.ref_time !== null && this.info.x_axis === 'time') {
      const [x0, x1] = domain;
      const x = ((this.info.ref_time - x0) / (x1 - x0)) * pw;
      if (x >= 0 && x <= pw) {
        g.append(svg(d, 'line', { class: 'jp-huntkit-ref-line', x1: x, x2: x, y1: 0, y2: ph }));
        g.append(
          svg(
            d,
            'text',
            { class: 'jp-huntkit-ref-label', x: x + 4, y: 12 },
            this.info.ref_label ?? formatTime(this.info.ref_time)
          )
        );
      }
    }
  }

  /**
   * The theme, read once per size change: reading computed style forces a
   * style recalculation, too slow for every pan frame.
   */
  private themeColors(): ThemeColors {
    this.theme ??= readTheme(this.node);
    return this.theme;
  }

  private drawCanvas(layout: ChartLayout): void {
    const { left, top, width, height } = this.plot;
    const ratio = this.doc.defaultView?.devicePixelRatio ?? 1;
    const c = this.canvas;
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    // Resizing a canvas reallocates it: only when the plot's size changed.
    if (c.width !== w || c.height !== h) {
      c.style.left = `${left}px`;
      c.style.top = `${top}px`;
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
      c.width = w;
      c.height = h;
      this.theme = null;
    }
    const ctx = c.getContext('2d');
    if (!ctx) {
      return;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    drawMarks(
      ctx,
      this.info,
      layout,
      { colors: this.colors, theme: this.themeColors(), selected: r => this.selected.has(r) },
      width
    );
  }

  private drawOverview(): void {
    const c = this.overviewCanvas;
    if (!c || !this.brush) {
      return;
    }
    const { left, width: pw } = this.plot;
    const px = Math.round(pw);
    c.style.marginLeft = `${left}px`;
    c.style.width = `${pw}px`;
    c.style.height = `${OVERVIEW_HEIGHT}px`;
    const [lo, hi] = this.info.x_domain;
    const [a, b] = this.domain;
    this.brush.style.left = `${left + ((a - lo) / (hi - lo)) * pw}px`;
    this.brush.style.width = `${Math.max(4, ((b - a) / (hi - lo)) * pw)}px`;
    this.brush.style.height = `${OVERVIEW_HEIGHT}px`;
    // The density only changes with the width, not with the window.
    if (this.overviewWidth === px) {
      return;
    }
    this.overviewWidth = px;
    void this.model.overview(px).then(
      bins => {
        if (this.disposed || this.overviewWidth !== px) {
          return;
        }
        // Assigning a canvas's size clears it, even to the same value: only
        // here, when new bins are drawn.
        c.width = px;
        c.height = OVERVIEW_HEIGHT;
        c.dataset.width = String(px);
        const ctx = c.getContext('2d');
        if (!ctx) {
          return;
        }
        const max = bins.reduce((m, v) => Math.max(m, v), 1);
        ctx.fillStyle = readTheme(this.node).muted;
        for (let i = 0; i < bins.length; i++) {
          if (bins[i] > 0) {
            const h = Math.max(1, (Math.log1p(bins[i]) / Math.log1p(max)) * (OVERVIEW_HEIGHT - 2));
            ctx.fillRect(i, OVERVIEW_HEIGHT - h, 1, h);
          }
        }
      },
      (error: unknown) => this.fail(error)
    );
  }

  private legend(): HTMLElement {
    const d = this.doc;
    const box = d.createElement('div');
    box.className = 'jp-huntkit-chart-legend';
    if (
      this.info.kind === 'matrix' ||
      (this.info.series.length <= 1 && this.info.datasets.length <= 1)
    ) {
      return box;
    }
    const max = 40;
    this.info.series.slice(0, max).forEach((s, i) => {
      const item = d.createElement('span');
      item.className = 'jp-huntkit-legend-item';
      const swatch = d.createElement('span');
      swatch.className = 'jp-huntkit-legend-swatch';
      swatch.style.backgroundColor = this.colors[i];
      const label = d.createElement('span');
      label.textContent = `${s.label} (${formatCount(s.events)})`;
      item.append(swatch, label);
      box.append(item);
    });
    if (this.info.series.length > max) {
      const more = d.createElement('span');
      more.textContent = `+${this.info.series.length - max} more`;
      box.append(more);
    }
    return box;
  }

  private updateStatus(domain: [number, number] = this.domain): void {
    const parts = [
      `${formatCount(this.last?.eventsInView ?? 0)} of ${formatCount(this.info.total_events)} events in view`
    ];
    if (this.selected.size > 0) {
      parts.push(`${formatCount(this.selected.size)} selected`);
    }
    if (this.info.x_axis === 'time') {
      parts.push(`${formatTime(domain[0])} – ${formatTime(domain[1])}`);
    }
    this.status.textContent = parts.join(' · ');
  }

  private local(event: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  }

  private bindPlot(): void {
    const c = this.canvas;
    const time = this.info.x_axis === 'time';
    let drag: { x: number; domain: [number, number]; moved: boolean } | null = null;
    c.addEventListener(
      'wheel',
      event => {
        if (!time) {
          return;
        }
        event.preventDefault();
        const { x } = this.local(event);
        const [a, b] = this.domain;
        const at = a + (x / this.plot.width) * (b - a);
        const k = Math.exp(Math.max(-1, Math.min(1, event.deltaY * 0.002)));
        this.setDomain([at - (at - a) * k, at + (b - at) * k]);
      },
      { passive: false }
    );
    c.addEventListener('mousedown', event => {
      drag = { x: event.clientX, domain: [this.domain[0], this.domain[1]], moved: false };
    });
    const move = (event: MouseEvent): void => {
      if (!drag) {
        return;
      }
      const dx = event.clientX - drag.x;
      if (Math.abs(dx) > 2) {
        drag.moved = true;
      }
      if (time && drag.moved) {
        const [a, b] = drag.domain;
        const shift = (-dx / this.plot.width) * (b - a);
        this.setDomain([a + shift, b + shift]);
      }
    };
    const up = (event: MouseEvent): void => {
      if (drag && !drag.moved && event.target === c) {
        void this.click(event);
      }
      drag = null;
    };
    this.doc.addEventListener('mousemove', move);
    this.doc.addEventListener('mouseup', up);
    c.addEventListener('dblclick', () =>
      this.setDomain([this.info.x_domain[0], this.info.x_domain[1]])
    );
    c.addEventListener('mousemove', event => {
      if (!drag?.moved) {
        void this.hover(event);
      }
    });
    c.addEventListener('mouseleave', () => {
      this.hoverSeq++;
      this.tooltip.hidden = true;
    });
    this.node.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        this.selected.clear();
        this.schedule();
      }
    });
  }

  private bindOverview(strip: HTMLElement): void {
    let dragging = false;
    const centre = (event: MouseEvent): void => {
      const r = strip.getBoundingClientRect();
      const x = event.clientX - r.left - this.plot.left;
      const [lo, hi] = this.info.x_domain;
      const at = lo + (x / this.plot.width) * (hi - lo);
      const [a, b] = this.domain;
      this.setDomain([at - (b - a) / 2, at + (b - a) / 2]);
    };
    strip.addEventListener('mousedown', event => {
      dragging = true;
      centre(event);
      event.preventDefault();
    });
    this.doc.addEventListener('mousemove', event => {
      if (dragging) {
        centre(event);
      }
    });
    this.doc.addEventListener('mouseup', () => {
      dragging = false;
    });
  }

  private async hover(event: MouseEvent): Promise<void> {
    const { x, y } = this.local(event);
    const seq = ++this.hoverSeq;
    let answer: { mark: number; total: number; rows: Record<string, unknown>[] };
    try {
      answer = await this.model.hover(x, y, 6, TOOLTIP_ROWS);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (seq !== this.hoverSeq || this.disposed) {
      return;
    }
    const { mark, total, rows } = answer;
    if (mark < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const d = this.doc;
    const box = this.tooltip;
    box.replaceChildren();
    const layout = this.last;
    const o = mark * (layout?.stride ?? 7);
    const series = layout ? this.info.series[layout.marks[o + 6]] : undefined;
    const head = d.createElement('div');
    head.className = 'jp-huntkit-tooltip-head';
    const what =
      this.info.kind === 'matrix'
        ? `${this.info.axis_labels[0] ?? 'x'}: ${layout?.xTicks[Math.floor((layout.marks[o] / this.plot.width) * layout.xTicks.length)]?.label ?? ''} · value ${layout?.marks[o + 4] ?? ''}`
        : (series?.label ?? '');
    // A cluster's circle is one row standing for its cluster's events.
    const events =
      this.info.kind === 'cluster_scatter' && layout ? (layout.marks[o + 4] ?? total) : total;
    head.textContent = `${what}${what ? ' · ' : ''}${formatCount(events)} event${events === 1 ? '' : 's'}`;
    box.append(head);
    for (const row of rows) {
      const table = d.createElement('table');
      for (const [k, v] of Object.entries(row)) {
        const tr = d.createElement('tr');
        const th = d.createElement('th');
        th.textContent = k;
        const td = d.createElement('td');
        const text = v === null ? '' : String(v);
        td.textContent = text.length > 200 ? `${text.slice(0, 200)}…` : text;
        tr.append(th, td);
        table.append(tr);
      }
      box.append(table);
    }
    if (total > rows.length) {
      const more = d.createElement('div');
      more.textContent = `… and ${formatCount(total - rows.length)} more (click to select them all)`;
      box.append(more);
    }
    box.hidden = false;
    const px = this.plot.left + x + 14;
    const py = this.plot.top + y + 14;
    box.style.left = `${Math.min(px, Math.max(0, this.plot.left + this.plot.width - 260))}px`;
    box.style.top = `${py}px`;
  }

  private async click(event: MouseEvent): Promise<void> {
    const { x, y } = this.local(event);
    const additive = event.shiftKey || event.ctrlKey || event.metaKey;
    let picked: { mark: number; ids: Uint32Array };
    try {
      picked = await this.model.pick(x, y, 6, COPY_LIMIT);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!additive) {
      this.selected.clear();
    }
    const { mark, ids } = picked;
    if (mark >= 0) {
      const all = ids.every(id => this.selected.has(id));
      for (const id of ids) {
        if (all && additive) {
          this.selected.delete(id);
        } else if (this.selected.size < COPY_LIMIT) {
          this.selected.add(id);
        }
      }
    }
    this.node.dataset.selected = String(this.selected.size);
    this.schedule();
    this.onSelect?.([...this.selected]);
  }

  /** Copies the selected rows, or else the rows in view (up to the copy limit; text made in the worker). */
  private async copy(format: 'csv' | 'json'): Promise<void> {
    const ids =
      this.selected.size > 0 ? Uint32Array.from([...this.selected].sort((a, b) => a - b)) : null;
    const window: [number, number] | null =
      ids === null && this.info.x_axis === 'time' ? [this.domain[0], this.domain[1]] : null;
    let answer: { count: number; text: string };
    try {
      answer = await this.model.rowsText(format, ids, window, COPY_LIMIT);
    } catch (error) {
      this.fail(error);
      return;
    }
    const { count, text } = answer;
    const ok = await copyText(text);
    this.node.dataset.copied = text;
    this.status.textContent = ok
      ? `copied ${formatCount(count)} rows as ${format.toUpperCase()}`
      : `could not reach the clipboard; ${formatCount(count)} rows are in the download instead`;
    if (!ok) {
      downloadText(
        text,
        `huntkit-rows.${format}`,
        format === 'csv' ? 'text/csv' : 'application/json'
      );
    }
  }

  /** The chart as a standalone SVG document (axes, marks, title). */
  toSvg(): string {
    const d = this.doc;
    const { width, height } = this.size();
    const theme = readTheme(this.node);
    const root = svg(d, 'svg', {
      xmlns: SVG_NS,
      width,
      height: height + 24,
      viewBox: `0 0 ${width} ${height + 24}`
    });
    root.append(svg(d, 'rect', { x: 0, y: 0, width, height: height + 24, fill: theme.background }));
    root.append(
      svg(
        d,
        'text',
        { x: 8, y: 16, fill: theme.text, 'font-family': 'sans-serif', 'font-size': 13 },
        this.info.title ?? this.defaultTitle()
      )
    );
    const body = svg(d, 'g', {
      transform: 'translate(0,24)',
      'font-family': 'sans-serif',
      'font-size': 11,
      fill: theme.text
    });
    const axes = this.axes.cloneNode(true) as SVGSVGElement;
    for (const e of Array.from(axes.querySelectorAll('line, rect'))) {
      e.setAttribute('stroke', theme.grid);
      e.setAttribute('fill', 'none');
    }
    body.append(...Array.from(axes.childNodes));
    if (this.last) {
      const marks = marksToSvg(d, this.info, this.last, this.colors, this.plot.width);
      marks.setAttribute('transform', `translate(${this.plot.left},${this.plot.top})`);
      body.append(marks);
    }
    root.append(body);
    return new XMLSerializer().serializeToString(root);
  }

  private saveSvg(): void {
    downloadText(this.toSvg(), `${this.fileName()}.svg`, 'image/svg+xml');
  }

  private fileName(): string {
    return (this.info.title ?? this.info.kind).replace(/[^\w.-]+/g, '_').slice(0, 60) || 'huntkit';
  }

  private async savePng(): Promise<void> {
    const text = this.toSvg();
    const image = new Image();
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    try {
      await new Promise<void>((resolve, reject) => {
        image.onload = () => resolve();
        image.onerror = () => reject(new Error('the SVG could not be rasterised'));
        image.src = url;
      });
      const ratio = this.doc.defaultView?.devicePixelRatio ?? 1;
      const canvas = this.doc.createElement('canvas');
      canvas.width = Math.round(image.width * ratio);
      canvas.height = Math.round(image.height * ratio);
      const ctx = canvas.getContext('2d');
      ctx?.scale(ratio, ratio);
      ctx?.drawImage(image, 0, 0);
      const link = this.doc.createElement('a');
      link.href = canvas.toDataURL('image/png');
      link.download = `${this.fileName()}.png`;
      link.click();
    } catch (error) {
      this.status.textContent = `cannot save PNG: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}
