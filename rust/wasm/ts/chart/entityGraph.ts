/**
 * The entity graph view (`kind: "entity_graph"`): an incident's entities
 * and their links on a canvas, the timed ones on a timeline under it. The
 * tables are read and laid out (seeded ForceAtlas2) in the engine's worker
 * (`RemoteEntityGraph`); the page draws the positions that come back and
 * sends what the user does: drag (the node stays put for the next
 * layout), expand (hidden neighbours shown, laid out incrementally), add a
 * note (a `Note` node linked to the selection). Hover and selection show a
 * node's details; selecting on the graph selects on the timeline and back.
 * Every data string reaches the page through `textContent` or `fillText`.
 */
import type {
  EntityGraphViewOptions,
  GraphNodeDetails,
  GraphSummary
} from '../../pkg/huntkit_wasm.js';
import type { RemoteEntityGraph } from '../engine.js';
import type { GraphState, TableFormat } from '../protocol.js';
import { button, h } from '../views/dom.js';
import type { ViewBundle } from './bundle.js';
import { ChartFrame } from './chartView.js';
import {
  drawGraph,
  fitTransform,
  hitNode,
  nodeRadius,
  zoomAt,
  type Transform
} from './graphDraw.js';
import type { ChartEngine } from './registry.js';
import { readTheme, type ThemeColors } from './theme.js';

/** What the entity graph view needs from the engine (a `HuntkitEngine`). */
export interface GraphEngine {
  openEntityGraph(
    nodes: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    edges: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    formats?: { nodes?: TableFormat; edges?: TableFormat },
    options?: EntityGraphViewOptions
  ): Promise<RemoteEntityGraph>;
}

/** Height of the graph and the timeline under it when the bundle says none (CSS px). */
const DEFAULT_HEIGHT = 520;
const TIMELINE_HEIGHT = 170;
/** Graphs up to this many shown nodes carry their screen positions in `data-screen`. */
const SCREEN_ATTR_LIMIT = 200;

/** The frame's options, from the bundle's. */
export interface EntityGraphFrameOptions {
  title?: string;
  height?: number;
  timeline?: boolean;
  colors?: Record<string, string> | null;
}

/** One entity graph, mounted into a host element. */
export class EntityGraphFrame {
  readonly node: HTMLDivElement;
  /** The first picture drawn, the timeline mounted (or their error). */
  readonly ready: Promise<void>;
  private readonly doc: Document;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private readonly details: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private readonly timelineHost: HTMLDivElement;
  private readonly noteForm: HTMLFormElement;
  private readonly noteInput: HTMLTextAreaElement;
  private readonly summary: GraphSummary;
  private state: GraphState;
  private t: Transform = { scale: 1, x: 0, y: 0 };
  private selected = new Set<number>();
  private hovered = -1;
  private width = 600;
  private height = 400;
  private theme: ThemeColors | null = null;
  private timeline: ChartFrame | null = null;
  private frame = 0;
  private disposed = false;
  private busy = false;
  private hoverSeq = 0;
  private resize: ResizeObserver | null = null;

  constructor(
    host: HTMLElement,
    private readonly graph: RemoteEntityGraph,
    private readonly charts: ChartEngine,
    private readonly options: EntityGraphFrameOptions
  ) {
    this.doc = host.ownerDocument;
    const d = this.doc;
    this.summary = graph.opened.summary;
    this.state = graph.opened;
    this.node = h(d, 'div', { className: 'jp-huntkit-chart jp-huntkit-graph' });
    this.node.tabIndex = 0;
    this.node.dataset.kind = 'entity_graph';
    const title = h(d, 'div', {
      className: 'jp-huntkit-chart-title',
      text: options.title ?? 'Entity graph'
    });
    const toolbar = h(d, 'div', { className: 'jp-huntkit-chart-toolbar' }, [
      button(d, 'Fit', () => this.fit(), { title: 'Fit the graph in view' }),
      button(d, 'Expand', () => void this.expandSelected(), {
        title: 'Show the hidden entities linked to the selected one (or double-click it)'
      }),
      button(d, 'Add note', () => this.openNote(), {
        title: 'Add a note linked to the selected entity'
      })
    ]);
    const header = h(d, 'div', { className: 'jp-huntkit-chart-header' }, [title, toolbar]);
    this.canvas = h(d, 'canvas', { className: 'jp-huntkit-graph-canvas' });
    this.canvas.setAttribute('aria-label', 'entity graph');
    this.tooltip = h(d, 'div', { className: 'jp-huntkit-chart-tooltip jp-huntkit-graph-tooltip' });
    this.tooltip.hidden = true;
    const plot = h(d, 'div', { className: 'jp-huntkit-graph-plot' }, [this.canvas, this.tooltip]);
    this.details = h(d, 'div', { className: 'jp-huntkit-graph-details' });
    this.details.hidden = true;
    this.noteInput = h(d, 'textarea', { className: 'jp-huntkit-graph-note-text' });
    this.noteInput.rows = 2;
    this.noteInput.placeholder = 'Note on the selected entity';
    this.noteForm = h(d, 'form', { className: 'jp-huntkit-graph-note' }, [
      this.noteInput,
      h(d, 'button', { text: 'Add', attrs: { type: 'submit' } })
    ]);
    this.noteForm.hidden = true;
    this.noteForm.addEventListener('submit', event => {
      event.preventDefault();
      void this.addNote(this.noteInput.value);
    });
    this.status = h(d, 'div', { className: 'jp-huntkit-chart-status', attrs: { role: 'status' } });
    this.timelineHost = h(d, 'div', { className: 'jp-huntkit-graph-timeline' });
    const body = h(d, 'div', { className: 'jp-huntkit-graph-body' }, [plot, this.details]);
    this.node.append(header, body, this.noteForm, this.status, this.timelineHost);
    host.append(this.node);
    const total = options.height ?? DEFAULT_HEIGHT;
    const showTimeline = options.timeline !== false && this.summary.timed > 0;
    this.height = Math.max(160, total - (showTimeline ? TIMELINE_HEIGHT : 0) - 40);
    this.interact();
    this.measure();
    this.t = fitTransform(this.state.positions, this.width, this.height);
    this.update();
    this.ready = showTimeline ? this.mountTimeline() : Promise.resolve();
    if (typeof ResizeObserver !== 'undefined') {
      this.resize = new ResizeObserver(() => {
        this.measure();
        this.schedule();
      });
      this.resize.observe(plot);
    }
  }

  /** What the page shows now (tests and hosts read it). */
  get shown(): GraphState {
    return this.state;
  }

  /** The selected node slots. */
  get selection(): number[] {
    return [...this.selected];
  }

  /** The timeline under the graph, once mounted. */
  get timelineFrame(): ChartFrame | null {
    return this.timeline;
  }

  /** Frees the graph and the timeline in the worker. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.resize?.disconnect();
    if (this.frame) {
      this.doc.defaultView?.cancelAnimationFrame(this.frame);
    }
    this.timeline?.dispose();
    this.node.remove();
    this.graph.close();
  }

  private measure(): void {
    const w = this.canvas.parentElement?.clientWidth ?? 0;
    this.width = Math.max(200, w || 600);
    const ratio = this.doc.defaultView?.devicePixelRatio ?? 1;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
  }

  private schedule(): void {
    if (this.frame || this.disposed) {
      return;
    }
    const view = this.doc.defaultView;
    if (!view) {
      this.draw();
      return;
    }
    this.frame = view.requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    this.theme ??= readTheme(this.node);
    const ratio = this.doc.defaultView?.devicePixelRatio ?? 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const s = this.state;
    drawGraph(
      ctx,
      {
        positions: s.positions,
        edges: s.edges,
        kinds: s.nodes.map(n => n.kind),
        names: s.nodes.map(n => n.name),
        hidden: s.nodes.map(n => n.hidden),
        selected: this.selected,
        hovered: this.hovered,
        colors: this.options.colors ?? null,
        nodeSize: this.summary.node_size
      },
      this.t,
      this.theme,
      this.width,
      this.height
    );
    this.node.dataset.scale = String(this.t.scale);
    if (s.nodes.length <= SCREEN_ATTR_LIMIT) {
      // Where each node is on screen, for tests and automation (small graphs only).
      const screen: number[] = [];
      for (let i = 0; i < s.nodes.length; i++) {
        screen.push(
          Math.round(s.positions[i * 2] * this.t.scale + this.t.x),
          Math.round(s.positions[i * 2 + 1] * this.t.scale + this.t.y)
        );
      }
      this.node.dataset.screen = screen.join(',');
    }
  }

  /** A new state from the worker: redraw, status, timeline. */
  private update(): void {
    const s = this.state;
    this.node.dataset.nodes = String(s.nodes.length);
    this.node.dataset.edges = String(s.edges.length / 2);
    const parts = [
      `${s.nodes.length} of ${this.summary.node_count} entities shown`,
      `${this.summary.edge_count} links`
    ];
    if (this.summary.skipped_edges > 0) {
      parts.push(
        `${this.summary.skipped_edges} links left out (an end is not a node Id, e.g. ${this.summary.first_skipped ?? ''})`
      );
    }
    this.status.textContent = parts.join(' · ');
    this.schedule();
  }

  private fit(): void {
    this.t = fitTransform(this.state.positions, this.width, this.height);
    this.schedule();
  }

  private local(event: MouseEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private hit(x: number, y: number): number {
    return hitNode(this.state.positions, this.t, nodeRadius(this.t, this.summary.node_size), x, y);
  }

  private interact(): void {
    const c = this.canvas;
    c.addEventListener(
      'wheel',
      event => {
        event.preventDefault();
        const { x, y } = this.local(event);
        this.t = zoomAt(this.t, Math.exp(-event.deltaY * 0.0015), x, y);
        this.schedule();
      },
      { passive: false }
    );
    c.addEventListener('mousedown', event => {
      const start = this.local(event);
      const slot = this.hit(start.x, start.y);
      const t0 = { ...this.t };
      let moved = false;
      const move = (e: MouseEvent): void => {
        const p = this.local(e);
        const dx = p.x - start.x;
        const dy = p.y - start.y;
        moved ||= Math.abs(dx) + Math.abs(dy) > 3;
        if (!moved) {
          return;
        }
        if (slot >= 0) {
          // A copy, so a state the worker sends meanwhile is not written into.
          const positions = Float64Array.from(this.state.positions);
          positions[slot * 2] = (p.x - this.t.x) / this.t.scale;
          positions[slot * 2 + 1] = (p.y - this.t.y) / this.t.scale;
          this.state = { ...this.state, positions };
        } else {
          this.t = { scale: t0.scale, x: t0.x + dx, y: t0.y + dy };
        }
        this.schedule();
      };
      const up = (): void => {
        this.doc.removeEventListener('mousemove', move);
        this.doc.removeEventListener('mouseup', up);
        if (!moved) {
          this.click(slot, event.shiftKey || event.ctrlKey || event.metaKey);
        } else if (slot >= 0) {
          const p = this.state.positions;
          this.graph
            .setPosition(slot, p[slot * 2], p[slot * 2 + 1])
            .catch(error => this.fail(error));
          this.node.dataset.dragged = String(slot);
        }
      };
      this.doc.addEventListener('mousemove', move);
      this.doc.addEventListener('mouseup', up);
    });
    c.addEventListener('dblclick', event => {
      const { x, y } = this.local(event);
      const slot = this.hit(x, y);
      if (slot >= 0) {
        this.selected = new Set([slot]);
        void this.expandSelected();
      }
    });
    c.addEventListener('mousemove', event => {
      const { x, y } = this.local(event);
      const slot = this.hit(x, y);
      if (slot !== this.hovered) {
        this.hovered = slot;
        this.schedule();
        void this.showTooltip(slot, x, y);
      }
    });
    c.addEventListener('mouseleave', () => {
      this.hovered = -1;
      this.tooltip.hidden = true;
      this.schedule();
    });
    this.node.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        this.select([], true);
      }
    });
  }

  /** A shown node's details from the worker; `null` after a failure, which the status shows. */
  private async detailsOf(slot: number): Promise<GraphNodeDetails | null> {
    try {
      return await this.graph.details(this.state.nodes[slot].node);
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  private async showTooltip(slot: number, x: number, y: number): Promise<void> {
    const seq = ++this.hoverSeq;
    if (slot < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const d = await this.detailsOf(slot);
    if (!d || seq !== this.hoverSeq || this.disposed) {
      return;
    }
    const doc = this.doc;
    const rows: Array<[string, string]> = [
      ['Type', d.kind || '(none)'],
      ['Id', d.id]
    ];
    if (d.description) rows.push(['Description', d.description]);
    if (d.time) rows.push(['Time', d.time]);
    rows.push(['Links', `${d.degree}${d.hidden ? ` (${d.hidden} hidden)` : ''}`]);
    this.tooltip.replaceChildren(
      h(doc, 'div', { className: 'jp-huntkit-graph-tooltip-name', text: d.name }),
      ...rows.map(([k, v]) =>
        h(doc, 'div', {}, [
          h(doc, 'span', { className: 'jp-huntkit-graph-key', text: `${k}: ` }),
          v
        ])
      )
    );
    this.tooltip.style.left = `${Math.min(x + 14, Math.max(0, this.width - 260))}px`;
    this.tooltip.style.top = `${y + 14}px`;
    this.tooltip.hidden = false;
  }

  private click(slot: number, additive: boolean): void {
    if (slot < 0) {
      if (!additive) this.select([], true);
      return;
    }
    const next = additive ? new Set(this.selected) : new Set<number>();
    if (additive && next.has(slot)) {
      next.delete(slot);
    } else {
      next.add(slot);
    }
    this.select([...next], true);
  }

  /** Selects node slots; `fromGraph`: tell the timeline too. */
  private select(slots: number[], fromGraph: boolean): void {
    this.selected = new Set(slots);
    this.node.dataset.selected = String(this.selected.size);
    this.schedule();
    if (fromGraph && this.timeline) {
      const nodes = new Set(slots.map(s => this.state.nodes[s]?.node));
      const rows: number[] = [];
      this.state.timelineNodes.forEach((node, row) => {
        if (nodes.has(node)) rows.push(row);
      });
      this.timeline.select(rows);
    }
    void this.showDetails();
  }

  /** The selected node's details in the side panel (textContent only). */
  private async showDetails(): Promise<void> {
    const [slot] = this.selected;
    if (slot === undefined || this.selected.size !== 1) {
      this.details.hidden = true;
      return;
    }
    const d = await this.detailsOf(slot);
    if (!d) {
      return;
    }
    const doc = this.doc;
    const dl = h(doc, 'dl');
    const add = (k: string, v: string | null | undefined): void => {
      if (v) dl.append(h(doc, 'dt', { text: k }), h(doc, 'dd', { text: v }));
    };
    add('Name', d.name);
    add('Type', d.kind);
    add('Id', d.id);
    add('Description', d.description);
    add('Time', d.time);
    add('End', d.end_time);
    add('Properties', prettyJson(d.properties));
    add('Links', d.links.join('\n'));
    this.details.replaceChildren(dl);
    this.details.hidden = false;
  }

  private async expandSelected(): Promise<void> {
    const [slot] = this.selected;
    if (slot === undefined) {
      this.status.textContent = 'Select an entity to expand first.';
      return;
    }
    await this.run(async () => {
      const next = await this.graph.expand(this.state.nodes[slot].node);
      this.state = next;
      // The new neighbours may lie outside the view.
      this.t = fitTransform(this.state.positions, this.width, this.height);
      this.update();
      await this.remountTimeline();
    });
  }

  private openNote(): void {
    if (this.selected.size !== 1) {
      this.status.textContent = 'Select one entity to add a note to.';
      return;
    }
    this.noteForm.hidden = false;
    this.noteInput.focus();
  }

  private async addNote(text: string): Promise<void> {
    const [slot] = this.selected;
    if (slot === undefined || !text.trim()) {
      return;
    }
    await this.run(async () => {
      const next = await this.graph.addNote(this.state.nodes[slot].node, text);
      this.state = next;
      this.noteInput.value = '';
      this.noteForm.hidden = true;
      const noteSlot = next.nodes.findIndex(n => n.node === next.note);
      this.update();
      this.select(noteSlot >= 0 ? [noteSlot] : [], true);
    });
  }

  /** One worker round trip at a time; errors go to the status line. */
  private async run(work: () => Promise<void>): Promise<void> {
    if (this.busy) {
      return;
    }
    this.busy = true;
    this.node.dataset.busy = 'true';
    try {
      await work();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
      delete this.node.dataset.busy;
    }
  }

  private fail(error: unknown): void {
    this.status.textContent = error instanceof Error ? error.message : String(error);
    this.status.classList.add('jp-huntkit-chart-error');
  }

  private async mountTimeline(): Promise<void> {
    if (this.state.timelineNodes.length === 0 || this.disposed) {
      return;
    }
    const model = await this.charts.openChart(
      'timeline',
      [{ label: 'entities', data: new Uint8Array(this.state.timeline), format: 'arrow' }],
      {
        title: 'Timed entities',
        time_column: 'TimeGenerated',
        group_by: 'Type',
        source_columns: ['Name', 'Type', 'TimeGenerated'],
        height: TIMELINE_HEIGHT
      }
    );
    if (this.disposed) {
      model.free();
      return;
    }
    const frame = new ChartFrame(this.timelineHost, model);
    this.timeline = frame;
    frame.onSelect = rows => {
      const nodes = new Set(rows.map(r => this.state.timelineNodes[r]));
      const slots: number[] = [];
      this.state.nodes.forEach((n, slot) => {
        if (nodes.has(n.node)) slots.push(slot);
      });
      this.select(slots, false);
    };
    await frame.ready;
  }

  private async remountTimeline(): Promise<void> {
    if (!this.timeline && (this.options.timeline === false || this.summary.timed === 0)) {
      return;
    }
    this.timeline?.dispose();
    this.timeline = null;
    await this.mountTimeline();
  }
}

/** Properties JSON indented for reading; other text as it is. */
function prettyJson(text: string): string {
  if (!text) {
    return '';
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The frame's and the worker's options from an `entity_graph` bundle's options. */
export function entityGraphOptions(o: Record<string, unknown>): {
  frame: EntityGraphFrameOptions;
  view: EntityGraphViewOptions;
} {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const colors =
    o.colors && typeof o.colors === 'object' && !Array.isArray(o.colors)
      ? (o.colors as Record<string, string>)
      : null;
  return {
    frame: {
      title: text(o.title),
      height: typeof o.height === 'number' ? o.height : undefined,
      timeline: o.timeline !== false,
      colors
    },
    // Checked in the worker, which names a bad option.
    view: o as EntityGraphViewOptions
  };
}

/** A bundle's `nodes` and `edges` data sets, as the worker takes them. */
export function graphTables(bundle: ViewBundle): {
  nodes: Uint8Array | { base64: string; what: string };
  edges: Uint8Array | { base64: string; what: string };
  formats: { nodes: TableFormat; edges: TableFormat };
} {
  const find = (label: string): ViewBundle['data'][number] => {
    const set = bundle.data.find(s => s.label === label);
    if (!set) {
      throw new Error(
        `the entity graph bundle has no "${label}" data set (it needs "nodes" and "edges")`
      );
    }
    return set;
  };
  const one = (label: string) => {
    const set = find(label);
    return set.bytes
      ? { data: set.bytes, format: set.format ?? ('auto' as TableFormat) }
      : {
          data: { base64: set.arrow ?? '', what: `the ${label} data set` },
          format: 'arrow' as TableFormat
        };
  };
  const nodes = one('nodes');
  const edges = one('edges');
  return {
    nodes: nodes.data,
    edges: edges.data,
    formats: { nodes: nodes.format, edges: edges.format }
  };
}

/** Has the worker read and lay out the graph, then mounts the frame. */
export async function mountEntityGraph(
  host: HTMLElement,
  engine: GraphEngine & ChartEngine,
  bundle: ViewBundle
): Promise<EntityGraphFrame> {
  const { frame: frameOptions, view } = entityGraphOptions(bundle.options);
  const { nodes, edges, formats } = graphTables(bundle);
  const graph = await engine.openEntityGraph(nodes, edges, formats, view);
  let frame: EntityGraphFrame;
  try {
    frame = new EntityGraphFrame(host, graph, engine, frameOptions);
  } catch (error) {
    graph.close();
    throw error;
  }
  await frame.ready;
  return frame;
}
