/**
 * The process tree view (`kind: "process_tree"`): a collapsible, indented
 * tree over a `RemoteProcessTree`, the wasm `ProcessTreeView` held by the
 * engine's worker. The tree is parsed, linked and indexed in the worker;
 * the page asks for windows of rows as the user scrolls, toggles, searches
 * and filters, and only draws them — the scroll area is
 * `visibleCount × ROW_HEIGHT` tall and only the rows in the viewport (plus
 * a few) exist in the DOM. Every data string reaches the page through
 * `textContent` (via `h`), never as HTML.
 */
import type {
  ProcSchema,
  ProcTreeDetails,
  ProcTreeLegendValue,
  ProcTreeRow,
  ProcTreeViewOptions
} from '../../pkg/huntkit_wasm.js';
import type { RemoteProcessTree } from '../engine.js';
import type { TableFormat } from '../protocol.js';
import { copyText } from '../views/clipboard.js';
import { h } from '../views/dom.js';
import type { ViewBundle } from './bundle.js';
import { PALETTE } from './theme.js';

/** What the process tree view needs from the engine (a `HuntkitEngine`). */
export interface TreeEngine {
  openProcessTree(
    data: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    format?: TableFormat,
    options?: ProcTreeViewOptions
  ): Promise<RemoteProcessTree>;
}

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
  /** Visible rows, as the worker last answered. */
  private visible: number;
  /** The drawn window: its first row and its rows. */
  private window: { first: number; rows: ProcTreeRow[] } = { first: 0, rows: [] };
  /** Increases with every render request; an older answer is not drawn. */
  private renderSeq = 0;
  /** Requests to the worker in flight, and who waits for none. */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** Resolves when the first window is drawn. */
  readonly ready: Promise<void>;

  constructor(
    host: HTMLElement,
    private readonly view: RemoteProcessTree,
    options: ProcTreeFrameOptions = {}
  ) {
    const doc = host.ownerDocument;
    this.doc = doc;
    this.height = options.height && options.height > 0 ? options.height : 480;
    const { summary, timeBounds, legend: legendValues, visible } = view.opened;
    this.visible = visible;

    this.searchBox = h(doc, 'input', {
      className: 'jp-huntkit-proctree-search',
      attrs: {
        type: 'search',
        placeholder: 'Search image, command line, user, PID',
        'aria-label': 'Search processes'
      }
    });
    this.matchInfo = h(doc, 'span', { className: 'jp-huntkit-proctree-matches' });
    const bounds = timeBounds;
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
        void this.change(() => view.expandAll());
      }),
      button('Collapse all', 'Show the root processes only', () => {
        void this.change(() => view.collapseAll());
      }),
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'From' }),
      this.fromInput,
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'to' }),
      this.toInput,
      h(doc, 'span', { className: 'jp-huntkit-proctree-label', text: 'UTC' }),
      button('All times', 'Remove the time filter', () => void this.clearTimeRange(bounds))
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
    const legend = this.buildLegend(legendValues, options.legendCol);
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
      this.searchTimer = setTimeout(() => void this.runSearch(false), 200);
    });
    this.searchBox.addEventListener('keydown', e => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(this.searchTimer);
        void this.runSearch(true);
      } else if (e.key === 'Escape') {
        this.searchBox.value = '';
        void this.runSearch(false);
      }
    });
    const onTime = (): void => void this.applyTimeRange();
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
      this.ready = this.applyTimeRange();
    } else {
      this.ready = this.refresh();
    }
  }

  /** Rows currently in the tree (expanded and in the time filter), as last answered. */
  get visibleCount(): number {
    return this.visible;
  }

  /** Resolves when no request to the worker is in flight (every answer drawn). */
  settled(): Promise<void> {
    if (this.inFlight === 0) {
      return Promise.resolve();
    }
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  /** The row elements in the DOM now (the rendered window). */
  renderedRows(): HTMLElement[] {
    return Array.from(this.rowsBox.children) as HTMLElement[];
  }

  /** Scrolls so visible row `index` is in view, and draws. */
  scrollToRow(index: number): Promise<void> {
    const top = index * ROW_HEIGHT;
    const h = this.viewportHeight();
    if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + h) {
      this.scroller.scrollTop = Math.max(0, top - h / 2);
    }
    return this.render();
  }

  /** Expands or collapses `node`. */
  toggle(node: number): Promise<void> {
    return this.change(() => this.view.toggle(node));
  }

  /** Searches now (as typing does after a pause); `jump` goes to the next match. */
  async search(text: string, jump = true): Promise<number[]> {
    this.searchBox.value = text;
    await this.runSearch(jump);
    return this.matches;
  }

  /** Shows `node`'s columns and ancestors in the details pane. */
  select(node: number): Promise<void> {
    return this.track(async () => {
      let details: ProcTreeDetails | null;
      try {
        details = await this.view.details(node);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (!details || this.disposed) {
        return;
      }
      this.selected = node;
      this.showDetails(details);
      await this.render();
    });
  }

  /**
   * Opens the tree down to the process of input row `row` (a cluster or
   * outlier row's `SourceIndex`), scrolls to it and selects it; resolves
   * to false when that row is not a process in the tree.
   */
  async revealRow(row: number): Promise<boolean> {
    const node = await this.track(this.view.nodeOfRow(row));
    if (node < 0) {
      this.setStatus(`event ${row} is not a process in this tree`);
      return false;
    }
    await this.reveal(node);
    return true;
  }

  /** Copies `node`'s subtree; resolves to the text copied (null when the clipboard refused). */
  async copySubtree(node: number, format: 'text' | 'csv'): Promise<string | null> {
    let text: string;
    try {
      text = await this.track(
        format === 'csv' ? this.view.subtreeCsv(node) : this.view.subtreeText(node)
      );
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
  refresh(): Promise<void> {
    this.spacer.style.height = `${this.visible * ROW_HEIGHT}px`;
    this.root.setAttribute('data-visible', String(this.visible));
    return this.render();
  }

  /** Runs a state change in the worker (it answers the row count), then redraws. */
  private change(run: () => Promise<number>): Promise<void> {
    return this.track(async () => {
      try {
        this.visible = await run();
      } catch (error) {
        this.fail(error);
        return;
      }
      await this.refresh();
    });
  }

  /**
   * Counts `work` (a request, or a whole operation of several) as in flight
   * until it settles; `settled()` waits for the count to reach zero.
   */
  private async track<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    this.inFlight++;
    try {
      return await (typeof work === 'function' ? work() : work);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) {
          resolve();
        }
      }
    }
  }

  /** Shows a failed request in the status line (the worker may have restarted). */
  private fail(error: unknown): void {
    if (!this.disposed) {
      this.setStatus(`huntkit: ${error instanceof Error ? error.message : String(error)}`);
    }
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
    this.view.close();
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
        void this.render();
      });
    }
  }

  /**
   * Asks the worker for the rows in (and just around) the viewport and
   * draws them, only those. An answer that a later render overtook is
   * dropped; the window keeps its place until the new rows arrive.
   */
  private render(): Promise<void> {
    return this.track(() => this.renderWindow());
  }

  private async renderWindow(): Promise<void> {
    if (this.disposed) {
      return;
    }
    const seq = ++this.renderSeq;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil(this.viewportHeight() / ROW_HEIGHT) + 2 * OVERSCAN;
    let answer: { visible: number; rows: ProcTreeRow[] };
    try {
      answer =
        first < this.visible
          ? await this.view.rows(first, count)
          : { visible: this.visible, rows: [] };
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.disposed || seq !== this.renderSeq) {
      return;
    }
    if (answer.visible !== this.visible) {
      this.visible = answer.visible;
      this.spacer.style.height = `${this.visible * ROW_HEIGHT}px`;
      this.root.setAttribute('data-visible', String(this.visible));
    }
    this.window = { first, rows: answer.rows };
    this.draw();
  }

  /** Draws the window held (no request). */
  private draw(): void {
    const { first, rows } = this.window;
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
      void this.toggle(node);
    } else {
      void this.select(node);
    }
  }

  /** The visible row of `node`: from the drawn window, else from the worker. */
  private async rowOf(node: number): Promise<{ pos: number; row: ProcTreeRow | undefined }> {
    const i = this.window.rows.findIndex(r => r.node === node);
    if (i >= 0) {
      return { pos: this.window.first + i, row: this.window.rows[i] };
    }
    const pos = await this.track(this.view.position(node));
    const row = pos >= 0 ? (await this.track(this.view.rows(pos, 1))).rows[0] : undefined;
    return { pos, row };
  }

  private onKey(event: KeyboardEvent): void {
    const selected = this.selected;
    if (selected === null) {
      return;
    }
    const key = event.key;
    if (!['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].includes(key)) {
      return;
    }
    event.preventDefault();
    void this.track(() => this.onArrow(selected, key)).catch(error => this.fail(error));
  }

  private async onArrow(selected: number, key: string): Promise<void> {
    const { pos, row } = await this.rowOf(selected);
    if (key === 'ArrowRight' || key === 'ArrowLeft') {
      if (row?.hasChildren && row.expanded === (key === 'ArrowLeft')) {
        await this.toggle(row.node);
      }
      return;
    }
    const next = key === 'ArrowDown' ? pos + 1 : pos - 1;
    if (pos < 0 || next < 0) {
      return;
    }
    const target = (await this.track(this.view.rows(next, 1))).rows;
    if (target.length) {
      await this.select(target[0].node);
      await this.scrollToRow(next);
    }
  }

  private runSearch(jump: boolean): Promise<void> {
    return this.track(() => this.searchNow(jump));
  }

  private async searchNow(jump: boolean): Promise<void> {
    const text = this.searchBox.value.trim();
    try {
      if (text !== this.searched) {
        this.searched = text;
        const found = await this.track(this.view.search(text));
        this.matches = found.matches;
        this.visible = found.visible;
        this.matchIndex = -1;
        await this.refresh();
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
        const { position, visible } = await this.track(this.view.expandTo(node));
        this.visible = visible;
        if (position >= 0) {
          const top = position * ROW_HEIGHT;
          const h = this.viewportHeight();
          if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + h) {
            this.scroller.scrollTop = Math.max(0, top - h / 2);
          }
        }
        await this.refresh();
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    const at = this.matchIndex >= 0 ? `${this.matchIndex + 1} of ` : '';
    this.matchInfo.textContent = `${at}${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}`;
  }

  private applyTimeRange(): Promise<void> {
    const read = (input: HTMLInputElement): number | null => {
      const t = input.value ? toMs(input.value) : NaN;
      return Number.isNaN(t) ? null : t;
    };
    const t0 = read(this.fromInput);
    // The inputs have second precision: include the whole last second.
    const t1 = read(this.toInput);
    return this.setRange(t0, t1 === null ? null : t1 + 999);
  }

  private async clearTimeRange(bounds: [number, number] | null): Promise<void> {
    this.fromInput.value = bounds ? toInput(bounds[0]) : '';
    this.toInput.value = bounds ? toInput(bounds[1]) : '';
    await this.setRange(null, null);
  }

  /** Filters by time in the worker, then searches again (the matches change) and redraws. */
  private setRange(t0: number | null, t1: number | null): Promise<void> {
    return this.track(async () => {
      try {
        this.visible = await this.view.setTimeRange(t0, t1);
      } catch (error) {
        this.fail(error);
        return;
      }
      this.searched = '';
      await this.runSearch(false);
      await this.refresh();
    });
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
      link.addEventListener('click', () => void this.reveal(a.node));
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
          this.draw();
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
  private reveal(node: number): Promise<void> {
    return this.track(() => this.revealNow(node));
  }

  private async revealNow(node: number): Promise<void> {
    try {
      const { position, visible } = await this.view.expandTo(node);
      this.visible = visible;
      await this.refresh();
      if (position >= 0) {
        await this.scrollToRow(position);
      }
      await this.select(node);
    } catch (error) {
      this.fail(error);
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }
}

/** The built-in process tree schemas, for pickers (the core's list). */
export { PROC_SCHEMAS } from '../contract.js';

/** The frame's options and the tree's (schema, mapping, legend column). */
export type ProcTreeMountOptions = ProcTreeViewOptions & ProcTreeFrameOptions;

/**
 * Has the engine's worker build the tree of a table (bytes, or base64 text
 * of Arrow) and mounts the frame once its first window is drawn. Rejects
 * (nothing mounted) when the worker refuses the table or options.
 */
export async function mountProcessTree(
  host: HTMLElement,
  engine: TreeEngine,
  data: ArrayBuffer | Uint8Array | { base64: string; what?: string },
  format: TableFormat,
  options: ProcTreeMountOptions
): Promise<ProcTreeFrame> {
  const viewOptions: ProcTreeViewOptions = {};
  if (options.schema) viewOptions.schema = options.schema;
  if (options.mapping) viewOptions.mapping = options.mapping;
  if (options.legend_col) viewOptions.legend_col = options.legend_col;
  const tree = await engine.openProcessTree(data, format, viewOptions);
  let frame: ProcTreeFrame;
  try {
    frame = new ProcTreeFrame(host, tree, {
      title: options.title,
      height: options.height,
      legendCol: options.legend_col ?? undefined,
      timeRange: options.timeRange
    });
  } catch (error) {
    tree.close();
    throw error;
  }
  await frame.ready;
  return frame;
}

/** The tree's and frame's options from a `process_tree` bundle's options. */
export function procTreeOptions(o: Record<string, unknown>): ProcTreeMountOptions {
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const range = Array.isArray(o.time_range) ? (o.time_range as [unknown, unknown]) : undefined;
  return {
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
  };
}

/** The events of a bundle's first data set, as the worker takes them. */
export function bundleTable(bundle: ViewBundle): {
  data: Uint8Array | { base64: string; what: string };
  format: TableFormat;
} {
  const set = bundle.data[0];
  if (set.bytes) {
    return { data: set.bytes, format: set.format ?? 'auto' };
  }
  return {
    data: { base64: set.arrow ?? '', what: `data set 1 (${JSON.stringify(set.label)})` },
    format: 'arrow'
  };
}
