/**
 * The process tree view (`kind: "process_tree"`): a collapsible, indented
 * tree over the wasm `ProcessTreeView`, virtualised so 100k processes
 * scroll smoothly — the scroll area is `visibleCount × ROW_HEIGHT` tall and
 * only the rows in the viewport (plus a few) exist in the DOM, fetched from
 * wasm one window at a time. Every data string reaches the page through
 * `textContent` (via `h`), never as HTML.
 */
import {
  ProcessTreeView,
  type ProcSchema,
  type ProcTreeDetails,
  type ProcTreeLegendValue,
  type ProcTreeRow,
  type ProcTreeSummary,
  type ProcTreeViewOptions
} from '../../pkg/huntkit_wasm.js';
import { copyText } from '../views/clipboard.js';
import { h } from '../views/dom.js';
import { base64ToBytes, type ViewBundle } from './bundle.js';
import type { RenderedView } from './index.js';
import { PALETTE } from './theme.js';

/** Fixed row height (px): what makes the window arithmetic exact. */
export const ROW_HEIGHT = 22;
/** Rows drawn above and below the viewport, so fast scrolling shows no gap. */
const OVERSCAN = 8;
/** Pixels of indent per tree level. */
const INDENT = 14;
/** Legend entries shown; the rest share the last colour. */
const LEGEND_MAX = PALETTE.length - 1;

/** What the frame shows besides the tree. */
export interface ProcTreeFrameOptions {
  title?: string;
  /** Height of the scroll area in CSS pixels (default 480). */
  height?: number;
  /** Name of the legend column, for the legend's heading. */
  legendCol?: string;
  /** Initial time filter: ms since the epoch or ISO 8601 text. */
  timeRange?: [unknown, unknown];
}

/** An ISO text or ms as ms (NaN when neither). */
function toMs(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
    return t;
  }
  return NaN;
}

/** `YYYY-MM-DDTHH:MM:SS`, UTC, as a `datetime-local` input wants. */
function toInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** A process time as the rows show it (UTC). */
export function formatProcTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z').replace('T', ' ');
}

/** A mounted process tree view. */
export class ProcTreeFrame {
  readonly root: HTMLElement;
  private readonly doc: Document;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsBox: HTMLElement;
  private readonly details: HTMLElement;
  private readonly status: HTMLElement;
  private readonly searchBox: HTMLInputElement;
  private readonly matchInfo: HTMLElement;
  private readonly fromInput: HTMLInputElement;
  private readonly toInput: HTMLInputElement;
  private readonly height: number;
  private readonly colors = new Map<string, string>();
  private matches: number[] = [];
  private matchIndex = -1;
  private searched = '';
  private selected: number | null = null;
  private frameRequest = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    host: HTMLElement,
    private readonly view: ProcessTreeView,
    options: ProcTreeFrameOptions = {}
  ) {
    const doc = host.ownerDocument;
    this.doc = doc;
    this.height = options.height && options.height > 0 ? options.height : 480;
    const summary = view.summary() as ProcTreeSummary;

    this.searchBox = h(doc, 'input', {
      className: 'jp-huntkit-proctree-search',
      attrs: {
        type: 'search',
        placeholder: 'Search image, command line, user, PID',
        'aria-label': 'Search processes'
      }
    });
    this.matchInfo = h(doc, 'span', { className: 'jp-huntkit-proctree-matches' });
    const bounds = view.timeBounds() as [number, number] | null;
    const timeInput = (label: string): HTMLInputElement =>
      h(doc, 'input', {
        className: 'jp-huntkit-proctree-time',
        attrs: { type: 'datetime-local', step: '1', 'aria-label': label }
      });
    this.fromInput = timeInput('Created from (UTC)');
    this.toInput = timeInput('Created until (UTC)');
    if (bounds) {
      this.fromInput.value = toInput(bounds[0]);
      this.toInput.value = toInput(bounds[1]);
    }
    const button = (text: string, title: string, action: () => void): HTMLButtonElement => {
      const b = h(doc, 'button', { text, title, attrs: { type: 'button' } });
      b.addEventListener('click', action);
      return b;
    };
    const toolbar = h(doc, 'div', { className: 'jp-huntkit-proctree-toolbar' }, [
      this.searchBox,
      this.matchInfo,
      button('Expand all', 'Show every process', () => {
        view.expandAll();
        this.refresh();
      }),
      button('Collapse all', 'Show the root processes only', () => {
        view.collapseAll();
        this.refresh();
      }),
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'From' }),
      this.fromInput,
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'to' }),
      this.toInput,
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'UTC' }),
      button('All times', 'Remove the time filter', () => this.clearTimeRange(bounds))
    ]);
    const header = h(doc, 'div', { className: 'jp-huntkit-proctree-header' }, [
      h(doc, 'span', {
        className: 'jp-huntkit-proctree-title',
        text: options.title ?? 'Process tree'
      }),
      h(doc, 'span', {
        className: 'jp-huntkit-proctree-summary',
        text: `${summary.Processes.toLocaleString('en-US')} processes, ${summary.RootProcesses.toLocaleString('en-US')} trees, deepest ${summary.LargestTreeDepth}`
      })
    ]);
    const legend = this.buildLegend(
      view.legendValues() as ProcTreeLegendValue[],
      options.legendCol
    );
    const columns = h(
      doc,
      'div',
      { className: 'jp-huntkit-proctree-row jp-huntkit-proctree-head' },
      [
        h(doc, 'span', { text: 'Time (UTC)' }),
        h(doc, 'span', { text: 'Image' }),
        h(doc, 'span', { text: 'PID' }),
        h(doc, 'span', { text: 'User' }),
        h(doc, 'span', { text: 'Command line' })
      ]
    );
    this.spacer = h(doc, 'div', { className: 'jp-huntkit-proctree-spacer' });
    this.rowsBox = h(doc, 'div', {
      className: 'jp-huntkit-proctree-rows',
      attrs: { role: 'tree' }
    });
    this.scroller = h(
      doc,
      'div',
      {
        className: 'jp-huntkit-proctree-scroll',
        attrs: { tabindex: '0', 'aria-label': 'Processes' }
      },
      [this.spacer, this.rowsBox]
    );
    this.scroller.style.height = `${this.height}px`;
    this.details = h(doc, 'aside', {
      className: 'jp-huntkit-proctree-details',
      attrs: { 'aria-label': 'Process details' }
    });
    this.details.hidden = true;
    this.status = h(doc, 'div', {
      className: 'jp-huntkit-proctree-status',
      attrs: { role: 'status' }
    });
    const body = h(doc, 'div', { className: 'jp-huntkit-proctree-body' }, [
      h(doc, 'div', { className: 'jp-huntkit-proctree-main' }, [columns, this.scroller]),
      this.details
    ]);
    this.root = h(
      doc,
      'div',
      {
        className: 'jp-huntkit-proctree',
        attrs: { 'data-kind': 'process_tree', 'data-processes': String(summary.Processes) }
      },
      [header, toolbar, legend, body, this.status]
    );

    this.scroller.addEventListener('scroll', () => this.schedule());
    this.rowsBox.addEventListener('click', e => this.onRowClick(e));
    this.scroller.addEventListener('keydown', e => this.onKey(e));
    this.searchBox.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.runSearch(false), 200);
    });
    this.searchBox.addEventListener('keydown', e => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(this.searchTimer);
        this.runSearch(true);
      } else if (e.key === 'Escape') {
        this.searchBox.value = '';
        this.runSearch(false);
      }
    });
    const onTime = (): void => this.applyTimeRange();
    this.fromInput.addEventListener('change', onTime);
    this.toInput.addEventListener('change', onTime);

    host.append(this.root);
    const [t0, t1] = options.timeRange ?? [null, null];
    if (t0 != null || t1 != null) {
      const a = toMs(t0);
      const b = toMs(t1);
      if (!Number.isNaN(a)) {
        this.fromInput.value = toInput(a);
      }
      if (!Number.isNaN(b)) {
        this.toInput.value = toInput(b);
      }
      this.applyTimeRange();
    } else {
      this.refresh();
    }
  }

  /** Rows currently in the tree (expanded and in the time filter). */
  get visibleCount(): number {
    return this.view.visibleCount();
  }

  /** The row elements in the DOM now (the rendered window). */
  renderedRows(): HTMLElement[] {
    return Array.from(this.rowsBox.children) as HTMLElement[];
  }

  /** Scrolls so visible row `index` is in view, and draws. */
  scrollToRow(index: number): void {
    const top = index * ROW_HEIGHT;
    const h = this.viewportHeight();
    if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + h) {
      this.scroller.scrollTop = Math.max(0, top - h / 2);
    }
    this.render();
  }

  /** Expands or collapses `node`. */
  toggle(node: number): void {
    this.view.toggle(node);
    this.refresh();
  }

  /** Searches now (as typing does after a pause); `jump` goes to the next match. */
  search(text: string, jump = true): number[] {
    this.searchBox.value = text;
    this.runSearch(jump);
    return this.matches;
  }

  /** Shows `node`'s columns and ancestors in the details pane. */
  select(node: number): void {
    const details = this.view.details(node) as ProcTreeDetails | null;
    if (!details) {
      return;
    }
    this.selected = node;
    this.showDetails(details);
    this.render();
  }

  /** Copies `node`'s subtree; resolves to the text copied (null when the clipboard refused). */
  async copySubtree(node: number, format: 'text' | 'csv'): Promise<string | null> {
    let text: string;
    try {
      text = format === 'csv' ? this.view.subtreeCsv(node) : this.view.subtreeText(node);
    } catch (error) {
      this.setStatus(`cannot copy: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    const ok = await copyText(text);
    const lines = text.split('\n').filter(Boolean).length;
    this.setStatus(
      ok
        ? `copied the subtree as ${format === 'csv' ? 'CSV' : 'text'} (${lines} lines)`
        : 'could not reach the clipboard'
    );
    return ok ? text : null;
  }

  /** Redraws after a state change: spacer height, then the window. */
  refresh(): void {
    const count = this.view.visibleCount();
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    this.root.setAttribute('data-visible', String(count));
    this.render();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    clearTimeout(this.searchTimer);
    const cancel = this.doc.defaultView?.cancelAnimationFrame;
    if (this.frameRequest && cancel) {
      cancel(this.frameRequest);
    }
    this.root.remove();
    this.view.free();
  }

  private viewportHeight(): number {
    // jsdom (tests) has no layout: fall back to the configured height.
    return this.scroller.clientHeight || this.height;
  }

  private schedule(): void {
    const win = this.doc.defaultView;
    if (!win?.requestAnimationFrame) {
      this.render();
      return;
    }
    if (!this.frameRequest) {
      this.frameRequest = win.requestAnimationFrame(() => {
        this.frameRequest = 0;
        this.render();
      });
    }
  }

  /** Draws the rows in (and just around) the viewport, only those. */
  private render(): void {
    if (this.disposed) {
      return;
    }
    const total = this.view.visibleCount();
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(
      total - first,
      Math.ceil(this.viewportHeight() / ROW_HEIGHT) + 2 * OVERSCAN
    );
    const rows = count > 0 ? (this.view.rows(first, count) as ProcTreeRow[]) : [];
    this.rowsBox.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const current = this.matchIndex >= 0 ? this.matches[this.matchIndex] : -1;
    this.rowsBox.replaceChildren(...rows.map(row => this.rowElement(row, current)));
  }

  private rowElement(row: ProcTreeRow, current: number): HTMLElement {
    const doc = this.doc;
    const twisty = h(doc, 'span', {
      className: 'jp-huntkit-proctree-twisty',
      text: row.hasChildren ? (row.expanded ? '▾' : '▸') : '',
      attrs: row.hasChildren ? { 'data-action': 'toggle' } : {}
    });
    const swatch = h(doc, 'span', { className: 'jp-huntkit-proctree-swatch' });
    if (row.legend !== null || this.colors.size > 0) {
      swatch.style.background = this.colorOf(row.legend ?? '');
    }
    const image = h(doc, 'span', { className: 'jp-huntkit-proctree-image', title: row.image }, [
      twisty,
      swatch,
      h(doc, 'span', { className: 'jp-huntkit-proctree-name', text: row.image || '(unknown)' })
    ]);
    image.style.paddingLeft = `${row.depth * INDENT}px`;
    const classes = ['jp-huntkit-proctree-row'];
    if (row.matched) classes.push('jp-mod-match');
    if (row.node === current) classes.push('jp-mod-current');
    if (row.inferred) classes.push('jp-mod-inferred');
    if (!row.inRange) classes.push('jp-mod-context');
    if (row.node === this.selected) classes.push('jp-mod-selected');
    const attrs: Record<string, string> = {
      role: 'treeitem',
      'data-node': String(row.node),
      'aria-level': String(row.depth + 1)
    };
    if (row.hasChildren) {
      attrs['aria-expanded'] = String(row.expanded);
    }
    return h(doc, 'div', { className: classes.join(' '), attrs }, [
      h(doc, 'span', { className: 'jp-huntkit-proctree-when', text: formatProcTime(row.time) }),
      image,
      h(doc, 'span', { className: 'jp-huntkit-proctree-pid', text: row.pid }),
      h(doc, 'span', { className: 'jp-huntkit-proctree-user', text: row.user, title: row.user }),
      h(doc, 'span', {
        className: 'jp-huntkit-proctree-cmd',
        text: row.cmdline,
        title: row.cmdline
      })
    ]);
  }

  private colorOf(value: string): string {
    return this.colors.get(value) ?? PALETTE[PALETTE.length - 1];
  }

  private buildLegend(values: ProcTreeLegendValue[], column?: string): HTMLElement {
    const box = h(this.doc, 'div', { className: 'jp-huntkit-proctree-legend' });
    if (values.length === 0) {
      box.hidden = true;
      return box;
    }
    box.append(
      h(this.doc, 'span', { className: 'jp-huntkit-proctree-label', text: column ?? 'legend' })
    );
    values.slice(0, LEGEND_MAX).forEach((v, i) => {
      this.colors.set(v.value, PALETTE[i]);
      const swatch = h(this.doc, 'span', { className: 'jp-huntkit-proctree-swatch' });
      swatch.style.background = PALETTE[i];
      box.append(
        h(this.doc, 'span', { className: 'jp-huntkit-proctree-legend-item' }, [
          swatch,
          `${v.value || '(none)'} (${v.count})`
        ])
      );
    });
    const rest = values.length - LEGEND_MAX;
    if (rest > 0) {
      const swatch = h(this.doc, 'span', { className: 'jp-huntkit-proctree-swatch' });
      swatch.style.background = PALETTE[PALETTE.length - 1];
      box.append(
        h(this.doc, 'span', { className: 'jp-huntkit-proctree-legend-item' }, [
          swatch,
          `${rest} more`
        ])
      );
    }
    return box;
  }

  private onRowClick(event: Event): void {
    const target = event.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('[data-node]');
    if (!rowEl) {
      return;
    }
    const node = Number(rowEl.getAttribute('data-node'));
    if (target.closest('[data-action="toggle"]')) {
      this.toggle(node);
    } else {
      this.select(node);
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (this.selected === null) {
      return;
    }
    const pos = this.view.position(this.selected);
    const row = pos >= 0 ? (this.view.rows(pos, 1) as ProcTreeRow[])[0] : undefined;
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && row?.hasChildren) {
      if (row.expanded === (event.key === 'ArrowLeft')) {
        this.toggle(row.node);
      }
      event.preventDefault();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }
    const next = event.key === 'ArrowDown' ? pos + 1 : pos - 1;
    event.preventDefault();
    const target = this.view.rows(Math.max(0, next), 1) as ProcTreeRow[];
    if (next >= 0 && target.length) {
      this.select(target[0].node);
      this.scrollToRow(next);
    }
  }

  private runSearch(jump: boolean): void {
    const text = this.searchBox.value.trim();
    if (text !== this.searched) {
      this.searched = text;
      this.matches = Array.from(this.view.search(text));
      this.matchIndex = -1;
      this.refresh();
    }
    if (!text) {
      this.matchInfo.textContent = '';
      return;
    }
    if (this.matches.length === 0) {
      this.matchInfo.textContent = 'no matches';
      return;
    }
    if (jump) {
      this.matchIndex = (this.matchIndex + 1) % this.matches.length;
      const node = this.matches[this.matchIndex];
      const pos = this.view.expandTo(node);
      this.refresh();
      if (pos >= 0) {
        this.scrollToRow(pos);
      }
    }
    const at = this.matchIndex >= 0 ? `${this.matchIndex + 1} of ` : '';
    this.matchInfo.textContent = `${at}${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}`;
  }

  private applyTimeRange(): void {
    const read = (input: HTMLInputElement): number | undefined => {
      const t = input.value ? toMs(input.value) : NaN;
      return Number.isNaN(t) ? undefined : t;
    };
    const t0 = read(this.fromInput);
    // The inputs have second precision: include the whole last second.
    const t1 = read(this.toInput);
    this.view.setTimeRange(t0, t1 === undefined ? undefined : t1 + 999);
    this.searched = '';
    this.runSearch(false);
    this.refresh();
  }

  private clearTimeRange(bounds: [number, number] | null): void {
    this.fromInput.value = bounds ? toInput(bounds[0]) : '';
    this.toInput.value = bounds ? toInput(bounds[1]) : '';
    this.view.setTimeRange(undefined, undefined);
    this.searched = '';
    this.runSearch(false);
    this.refresh();
  }

  private showDetails(details: ProcTreeDetails): void {
    const doc = this.doc;
    const node = details.node;
    const button = (text: string, action: () => void): HTMLButtonElement => {
      const b = h(doc, 'button', { text, attrs: { type: 'button' } });
      b.addEventListener('click', action);
      return b;
    };
    const ancestors = h(doc, 'ol', { className: 'jp-huntkit-proctree-ancestors' });
    for (const a of details.ancestors) {
      const link = h(doc, 'button', {
        className: 'jp-huntkit-proctree-ancestor',
        text: `${a.image || '(unknown)'}  PID ${a.pid}`,
        attrs: { type: 'button', 'data-node': String(a.node) }
      });
      link.addEventListener('click', () => this.reveal(a.node));
      ancestors.append(h(doc, 'li', {}, [link]));
    }
    const table = h(doc, 'table', {}, [
      h(
        doc,
        'tbody',
        {},
        details.columns.map(c =>
          h(doc, 'tr', {}, [h(doc, 'th', { text: c.name }), h(doc, 'td', { text: c.value ?? '' })])
        )
      )
    ]);
    this.details.replaceChildren(
      h(doc, 'div', { className: 'jp-huntkit-proctree-details-head' }, [
        h(doc, 'strong', { text: 'Process' }),
        button('Copy subtree as text', () => void this.copySubtree(node, 'text')),
        button('Copy subtree as CSV', () => void this.copySubtree(node, 'csv')),
        button('×', () => {
          this.details.hidden = true;
          this.selected = null;
          this.render();
        })
      ]),
      h(doc, 'div', {
        className: 'jp-huntkit-proctree-label',
        text: `Ancestors (${details.ancestors.length})`
      }),
      ancestors,
      table
    );
    this.details.hidden = false;
  }

  /** Opens the tree down to `node`, scrolls to it and selects it. */
  private reveal(node: number): void {
    const pos = this.view.expandTo(node);
    this.refresh();
    if (pos >= 0) {
      this.scrollToRow(pos);
    }
    this.select(node);
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }
}

/** The built-in process tree schemas, for pickers (the core's list). */
export { PROC_SCHEMAS } from '../contract.js';

/** Builds the wasm view for table bytes and mounts the frame (throws on bad input). */
export function mountProcessTree(
  host: HTMLElement,
  data: Uint8Array,
  format: string,
  options: ProcTreeViewOptions & ProcTreeFrameOptions
): ProcTreeFrame {
  const viewOptions: ProcTreeViewOptions = {};
  if (options.schema) viewOptions.schema = options.schema;
  if (options.mapping) viewOptions.mapping = options.mapping;
  if (options.legend_col) viewOptions.legend_col = options.legend_col;
  const view = new ProcessTreeView(data, format, viewOptions);
  try {
    return new ProcTreeFrame(host, view, {
      title: options.title,
      height: options.height,
      legendCol: options.legend_col ?? undefined,
      timeRange: options.timeRange
    });
  } catch (error) {
    view.free();
    throw error;
  }
}

/** Draws a `process_tree` bundle: its first data set holds the events. */
export function renderProcTreeBundle(host: HTMLElement, bundle: ViewBundle): RenderedView {
  const set = bundle.data[0];
  const o = bundle.options;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const range = Array.isArray(o.time_range) ? (o.time_range as [unknown, unknown]) : undefined;
  const frame = mountProcessTree(
    host,
    base64ToBytes(set.arrow, `data set 1 (${JSON.stringify(set.label)})`),
    'arrow',
    {
      schema: text(o.schema),
      // Checked by the wasm side, which names a bad field or column.
      mapping:
        o.mapping && typeof o.mapping === 'object' && !Array.isArray(o.mapping)
          ? (o.mapping as ProcSchema)
          : undefined,
      legend_col: text(o.legend_col),
      title: text(o.title),
      height: typeof o.height === 'number' ? o.height : undefined,
      timeRange: range
    }
  );
  return { frame: null, dispose: () => frame.dispose() };
}
