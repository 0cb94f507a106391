/**
 * The IoC results: per-type count chips (click to filter), a text filter,
 * a sortable table (Type, Value, Refanged, Count, First offset) drawn a
 * page at a time so 100k rows don't freeze the page, a copy button per row
 * and copy/download of the visible rows as CSV or JSON.
 */
import type { IocSummary, IocTextResult } from '../../pkg/huntkit_wasm.js';
import { copyText, downloadText } from './clipboard.js';
import { button, clear, formatBytes, formatCount, h, type DocumentLike } from './dom.js';
import { iocsToCsv, iocsToJson } from './export.js';
import {
  IOC_TABLE_COLUMNS,
  countTypes,
  nextSort,
  visibleIocs,
  type IocFilter,
  type IocSort,
  type IocSortKey
} from './iocModel.js';

/** Settings of an `IocTableView`. */
export interface IocTableViewOptions {
  /** The document to build in (default: the global one). */
  document?: DocumentLike;
  /** Rows drawn at first and per "Show more" click (default 500). */
  pageSize?: number;
  /** Name of the downloaded CSV (default `iocs.csv`). */
  fileName?: string;
  /** Puts text on the clipboard (default: the browser clipboard). */
  copy?: (text: string) => Promise<boolean>;
  /** Saves text as a file (default: a browser download). */
  download?: (text: string, fileName: string) => void;
  /** Milliseconds to wait after typing in the filter box (default 150). */
  filterDelay?: number;
}

/** How long "Copied" stays on a button. */
const FEEDBACK_MS = 1200;

/** The IoC table view. Call `setResult` with each scan's result. */
export class IocTableView {
  /** The element to put in the page. */
  readonly node: HTMLDivElement;

  private readonly doc: DocumentLike;
  private readonly pageSize: number;
  private readonly fileName: string;
  private readonly copy: (text: string) => Promise<boolean>;
  private readonly download: (text: string, fileName: string) => void;
  private readonly filterDelay: number;

  private result: IocTextResult | null = null;
  private items: IocSummary[] = [];
  private visible: IocSummary[] = [];
  private shown = 0;
  private filter: IocFilter = { type: null, text: '' };
  private sort: IocSort | null = null;
  private filterTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly chips: HTMLDivElement;
  private readonly toolbar: HTMLDivElement;
  private readonly filterBox: HTMLInputElement;
  private readonly summary: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly headerCells = new Map<IocSortKey, HTMLTableCellElement>();
  private readonly body: HTMLTableSectionElement;
  private readonly more: HTMLButtonElement;
  private readonly empty: HTMLDivElement;

  constructor(options: IocTableViewOptions = {}) {
    this.doc = options.document ?? document;
    this.pageSize = Math.max(1, options.pageSize ?? 500);
    this.fileName = options.fileName ?? 'iocs.csv';
    this.copy = options.copy ?? copyText;
    this.download = options.download ?? ((text, name) => downloadText(text, name, 'text/csv'));
    this.filterDelay = options.filterDelay ?? 150;
    const doc = this.doc;

    this.chips = h(doc, 'div', {
      className: 'jp-huntkit-chips',
      attrs: { role: 'toolbar', 'aria-label': 'IoC types' }
    });

    this.filterBox = h(doc, 'input', {
      className: 'jp-huntkit-filter',
      attrs: { type: 'search', placeholder: 'Filter IoCs…', 'aria-label': 'Filter IoCs' }
    });
    this.filterBox.addEventListener('input', () => this.onFilterInput());

    this.toolbar = h(doc, 'div', { className: 'jp-huntkit-toolbar' }, [
      this.filterBox,
      button(doc, 'Copy CSV', event => this.copyAll('csv', event), {
        className: 'jp-huntkit-button jp-huntkit-copy-csv',
        title: 'Copy the rows shown (all pages) as CSV'
      }),
      button(doc, 'Copy JSON', event => this.copyAll('json', event), {
        className: 'jp-huntkit-button jp-huntkit-copy-json',
        title: 'Copy the rows shown (all pages) as JSON'
      }),
      button(doc, 'Download CSV', () => this.download(iocsToCsv(this.visible), this.fileName), {
        className: 'jp-huntkit-button jp-huntkit-download-csv',
        title: 'Download the rows shown (all pages) as a CSV file'
      })
    ]);

    this.summary = h(doc, 'div', {
      className: 'jp-huntkit-summary',
      attrs: { 'aria-live': 'polite' }
    });

    const headerRow = h(doc, 'tr');
    for (const column of IOC_TABLE_COLUMNS) {
      const sortButton = button(doc, column.header, () => this.onSort(column.key), {
        className: 'jp-huntkit-sort',
        title: `Sort by ${column.header}`
      });
      const cell = h(
        doc,
        'th',
        {
          className: `jp-huntkit-col-${columnClass(column.key)}${column.numeric ? ' jp-huntkit-mod-numeric' : ''}`,
          attrs: { scope: 'col', 'aria-sort': 'none' }
        },
        [sortButton]
      );
      this.headerCells.set(column.key, cell);
      headerRow.append(cell);
    }
    headerRow.append(
      h(doc, 'th', { className: 'jp-huntkit-col-actions', attrs: { scope: 'col' } }, [
        h(doc, 'span', { className: 'jp-huntkit-visually-hidden', text: 'Actions' })
      ])
    );
    this.body = h(doc, 'tbody');
    this.body.addEventListener('click', event => this.onBodyClick(event));
    this.table = h(doc, 'table', { className: 'jp-huntkit-table jp-huntkit-ioc-table' }, [
      h(doc, 'thead', {}, [headerRow]),
      this.body
    ]);

    this.more = button(doc, 'Show more', () => this.showMore(), {
      className: 'jp-huntkit-button jp-huntkit-more'
    });
    this.empty = h(doc, 'div', { className: 'jp-huntkit-empty' });

    this.node = h(doc, 'div', { className: 'jp-huntkit-iocs' }, [
      this.chips,
      this.toolbar,
      this.summary,
      h(doc, 'div', { className: 'jp-huntkit-table-wrap' }, [this.table]),
      this.more,
      this.empty
    ]);
    this.setResult(null);
  }

  /** The rows that pass the filter, in display order (every page). */
  get rows(): readonly IocSummary[] {
    return this.visible;
  }

  /** The current filter. */
  get currentFilter(): Readonly<IocFilter> {
    return this.filter;
  }

  /** The current sort (`null`: the engine's order). */
  get currentSort(): Readonly<IocSort> | null {
    return this.sort;
  }

  /** Shows a scan's result (`null`: nothing yet). Keeps the sort, resets filters. */
  setResult(result: IocTextResult | null): void {
    this.result = result;
    this.items = result ? [...result.items] : [];
    this.filter = { type: null, text: '' };
    this.filterBox.value = '';
    this.renderChips();
    this.refresh();
  }

  /** Filters to one IoC type (`null`: every type). */
  setTypeFilter(type: string | null): void {
    this.filter = { ...this.filter, type };
    this.renderChips();
    this.refresh();
  }

  /** Filters by text, at once (the filter box waits for typing to pause). */
  setTextFilter(text: string): void {
    this.cancelFilterTimer();
    this.filterBox.value = text;
    this.filter = { ...this.filter, text };
    this.refresh();
  }

  /** Sorts by `key` as a header click would (toggling direction). */
  sortBy(key: IocSortKey): void {
    this.onSort(key);
  }

  /** Draws the next page of rows. */
  showMore(): void {
    this.appendRows(this.shown + this.pageSize);
  }

  /** Stops timers. */
  dispose(): void {
    this.cancelFilterTimer();
  }

  private onFilterInput(): void {
    this.cancelFilterTimer();
    const apply = (): void => {
      this.filterTimer = null;
      this.filter = { ...this.filter, text: this.filterBox.value };
      this.refresh();
    };
    if (this.filterDelay <= 0) {
      apply();
    } else {
      this.filterTimer = setTimeout(apply, this.filterDelay);
    }
  }

  private cancelFilterTimer(): void {
    if (this.filterTimer !== null) {
      clearTimeout(this.filterTimer);
      this.filterTimer = null;
    }
  }

  private onSort(key: IocSortKey): void {
    this.sort = nextSort(this.sort, key);
    this.refresh();
  }

  private renderChips(): void {
    const doc = this.doc;
    clear(this.chips);
    if (!this.items.length) {
      this.chips.hidden = true;
      return;
    }
    this.chips.hidden = false;
    const chip = (label: string, count: number, type: string | null): HTMLButtonElement => {
      const pressed = this.filter.type === type;
      const element = button(
        doc,
        '',
        () => this.setTypeFilter(type === null || pressed ? null : type),
        {
          className: `jp-huntkit-chip${pressed ? ' jp-huntkit-mod-active' : ''}`,
          title: type === null ? 'Show every type' : `Show only ${label}`,
          attrs: { 'aria-pressed': String(pressed) }
        }
      );
      element.append(
        h(doc, 'span', { className: 'jp-huntkit-chip-label', text: label }),
        h(doc, 'span', { className: 'jp-huntkit-chip-count', text: formatCount(count) })
      );
      if (type !== null) {
        element.dataset.type = type;
      }
      return element;
    };
    this.chips.append(chip('All', this.items.length, null));
    for (const [type, count] of countTypes(this.items)) {
      this.chips.append(chip(type, count, type));
    }
  }

  private refresh(): void {
    this.visible = visibleIocs(this.items, this.filter, this.sort);
    for (const [key, cell] of this.headerCells) {
      const direction = this.sort?.key === key ? this.sort.direction : null;
      cell.setAttribute(
        'aria-sort',
        direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'
      );
      cell.classList.toggle('jp-huntkit-mod-sorted', direction !== null);
    }
    clear(this.body);
    this.shown = 0;
    this.appendRows(this.pageSize);

    const hasItems = this.items.length > 0;
    this.toolbar.hidden = !hasItems;
    this.table.hidden = !this.visible.length;
    this.summary.textContent = this.summaryText();
    this.empty.hidden = this.visible.length > 0 || this.result === null;
    this.empty.textContent = hasItems ? 'No IoCs match the filter.' : 'No IoCs found.';
  }

  private summaryText(): string {
    if (!this.result) {
      return '';
    }
    const total = this.items.length;
    const scanned = `in ${formatCount(this.result.lines)} line${this.result.lines === 1 ? '' : 's'} (${formatBytes(this.result.bytes)})`;
    if (this.visible.length === total) {
      return `${formatCount(total)} distinct IoC${total === 1 ? '' : 's'} ${scanned}`;
    }
    return `${formatCount(this.visible.length)} of ${formatCount(total)} distinct IoCs match ${scanned}`;
  }

  private appendRows(limit: number): void {
    const end = Math.min(limit, this.visible.length);
    if (end > this.shown) {
      const fragment = this.doc.createDocumentFragment();
      for (let index = this.shown; index < end; index++) {
        fragment.append(this.renderRow(this.visible[index], index));
      }
      this.body.append(fragment);
      this.shown = end;
    }
    const left = this.visible.length - this.shown;
    this.more.hidden = left <= 0;
    this.more.textContent = `Show ${formatCount(Math.min(left, this.pageSize))} more (${formatCount(left)} not shown)`;
  }

  private renderRow(item: IocSummary, index: number): HTMLTableRowElement {
    const doc = this.doc;
    const row = h(doc, 'tr', { className: 'jp-huntkit-ioc-row' }, [
      h(doc, 'td', { className: 'jp-huntkit-col-type', text: item.IoCType }),
      h(doc, 'td', {
        className: 'jp-huntkit-col-value',
        text: item.Observable,
        title: item.Observable
      }),
      h(doc, 'td', {
        className: 'jp-huntkit-col-refanged',
        text: item.Refanged,
        title: item.Refanged
      }),
      h(doc, 'td', {
        className: 'jp-huntkit-col-count jp-huntkit-mod-numeric',
        text: formatCount(item.Count)
      }),
      h(doc, 'td', {
        className: 'jp-huntkit-col-offset jp-huntkit-mod-numeric',
        text: String(item.FirstOffset)
      }),
      h(doc, 'td', { className: 'jp-huntkit-col-actions' }, [
        h(doc, 'button', {
          className: 'jp-huntkit-button jp-huntkit-copy-row',
          text: 'Copy',
          title: 'Copy the refanged value',
          attrs: { type: 'button', 'data-row': String(index) }
        })
      ])
    ]);
    return row;
  }

  private onBodyClick(event: Event): void {
    const target = event.target as Element | null;
    const copyButton = target?.closest?.('button.jp-huntkit-copy-row') as HTMLButtonElement | null;
    if (!copyButton) {
      return;
    }
    const item = this.visible[Number(copyButton.dataset.row)];
    if (item) {
      void this.copyWithFeedback(copyButton, item.Refanged);
    }
  }

  private copyAll(format: 'csv' | 'json', event: MouseEvent): void {
    const text = format === 'csv' ? iocsToCsv(this.visible) : iocsToJson(this.visible);
    void this.copyWithFeedback(event.currentTarget as HTMLButtonElement, text);
  }

  private async copyWithFeedback(target: HTMLButtonElement, text: string): Promise<void> {
    const label = target.dataset.label ?? target.textContent ?? '';
    target.dataset.label = label;
    const ok = await this.copy(text);
    target.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => {
      target.textContent = label;
    }, FEEDBACK_MS);
  }
}

function columnClass(key: IocSortKey): string {
  switch (key) {
    case 'IoCType':
      return 'type';
    case 'Observable':
      return 'value';
    case 'Refanged':
      return 'refanged';
    case 'Count':
      return 'count';
    case 'FirstOffset':
      return 'offset';
  }
}
