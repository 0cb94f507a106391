/**
 * The Queries panel (left sidebar): huntkit's query template library as a
 * tree of environments → families → templates, with search; a template's
 * description and parameters; a form (a time-range picker, absolute or
 * relative like MSTICPy's QueryTime, and typed inputs); the rendered query
 * to copy or insert into a notebook cell; and Run through a provider
 * (LocalData over the bundled demo week, or a live SIEM through the huntkit
 * server extension, which holds the credentials: `siem.ts`).
 *
 * Every template, render, time and run goes through the engine's Web
 * Worker; the page only draws. Every string from a template, a parameter
 * or data is set as text, never as HTML.
 */
import {
  copyText,
  defaultText,
  hasTimeRange,
  parameterValue,
  queryCell,
  queryTree,
  StatusView,
  TIME_RANGE_PARAMETERS,
  type LocalManifestInfo,
  type LocalQueryResult,
  type QueryTemplate,
  type RenderedQuery,
  type SiemChunkReport
} from '@huntkit/engine';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { IHuntkitEngine } from '../tokens';

/** The sidebar widget's id. */
export const QUERIES_PANEL_ID = 'huntkit-queries';

/** Rows the result table shows (the run answers at most 1000 as text). */
const TABLE_ROWS = 200;

/** A run's rows; a live provider adds each time chunk's report. */
export type QueryRunResult = LocalQueryResult & {
  /** Every time chunk (failed and partial ones included). */
  chunks?: SiemChunkReport[];
  /** `ok`, `partial`, or the first failure's status. */
  status?: string;
};

/** Something that runs templates and answers rows. */
export interface QueryProvider {
  id: string;
  label: string;
  /** The data environment whose templates it runs (`LocalData`). */
  environment: string;
  /** Whether it can run a template per time chunk (`split_by`). */
  splits?: boolean;
  /** Whether it can run each chunk as a search job (`mode: 'jobs'`). */
  jobs?: boolean;
  /** Its "now" and the templates it answers (`null`: every template of its environment). */
  describe(): Promise<{ now: string | null; templates: Set<string> | null }>;
  run(
    template: QueryTemplate,
    params: Record<string, unknown>,
    options?: { splitBy?: string; mode?: 'export' | 'jobs' }
  ): Promise<QueryRunResult>;
}

/** The demo week's files, shipped with the extension as assets. */
const DEMO_FILES: Record<string, URL> = {
  'logons.csv': new URL('../../demo/logons.csv', import.meta.url),
  'alerts.csv': new URL('../../demo/alerts.csv', import.meta.url)
};

/**
 * LocalData over the bundled demo week: the manifest compiled into the
 * wasm module (`jupyterlab-ext/demo/localdata.yaml`) and its two CSV files
 * shipped with the extension. Read in the browser; no kernel, no server.
 */
export function demoLocalData(engine: IHuntkitEngine): QueryProvider {
  let files: Promise<Record<string, Uint8Array>> | null = null;
  let manifest: Promise<LocalManifestInfo> | null = null;
  const load = (): Promise<Record<string, Uint8Array>> => {
    files ??= Promise.all(
      Object.entries(DEMO_FILES).map(async ([path, url]) => {
        const response = await fetch(url);
        if (!response.ok) {
          throw new Error(`cannot read the demo file ${path} (HTTP ${response.status})`);
        }
        return [path, new Uint8Array(await response.arrayBuffer())] as const;
      })
    ).then(Object.fromEntries, (error: unknown) => {
      files = null;
      throw error;
    });
    return files;
  };
  return {
    id: 'localdata-demo',
    label: 'LocalData: demo week (bundled)',
    environment: 'LocalData',
    async describe() {
      manifest ??= engine.localManifest(null);
      const info = await manifest;
      return { now: info.now, templates: new Set(info.sources.map(s => s.name)) };
    },
    async run(template, params) {
      return engine.runLocalQuery(template.name, params, null, await load(), {
        environment: 'LocalData'
      });
    }
  };
}

/** What the panel asks of its host. */
export interface QueriesPanelHost {
  engine: IHuntkitEngine;
  providers: QueryProvider[];
  /** Puts `text` in a new code cell of the current (or a new) notebook. */
  insertCell(text: string): Promise<void>;
  /** Opens a run's rows (Arrow IPC) in huntkit's views: a main-area tab with the view picker. */
  openResult(title: string, table: Uint8Array): void;
  /** Live providers, asked for when the panel is first shown (the server's configured SIEMs). */
  liveProviders?: () => Promise<QueryProvider[]>;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A `<select>` of `[value, label]` choices, the first selected. */
function choices(className: string, options: [string, string][]): HTMLSelectElement {
  const select = el('select', className);
  for (const [value, label] of options) {
    const o = el('option', undefined, label);
    o.value = value;
    select.append(o);
  }
  return select;
}

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', `jp-huntkit-queries-button ${className}`, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function kind(error: unknown): string | undefined {
  const k = (error as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' ? k : undefined;
}

/** `2024-03-04T00:00:00Z` → the `datetime-local` value `2024-03-04T00:00:00` (UTC). */
function isoToLocalInput(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?)/.exec(iso);
  return m ? m[1] : '';
}

/** A `datetime-local` value, read as UTC, as ISO-8601. */
function localInputToIso(value: string): string {
  if (!value) {
    return '';
  }
  return `${value.length === 16 ? `${value}:00` : value}Z`;
}

/** Relative ranges offered as one click, as MSTICPy's QueryTime offers units. */
const PRESETS: Array<[string, string, string]> = [
  ['Last hour', '-1h', 'now'],
  ['Last 24 hours', '-1d', 'now'],
  ['Last 7 days', '-7d', 'now'],
  ['Last 30 days', '-30d', 'now'],
  ['Today', '-0d@d', 'now'],
  ['Yesterday', '-1d@d', '-0d@d']
];

/** The Queries panel. */
export class QueriesPanel extends Widget {
  private readonly providerSelect: HTMLSelectElement;
  private readonly providerNote: HTMLDivElement;
  private readonly search: HTMLInputElement;
  private readonly tree: HTMLDivElement;
  private readonly detail: HTMLDivElement;
  private readonly status = new StatusView();
  private provider: QueryProvider;
  private providerInfo: { now: string | null; templates: Set<string> | null } | null = null;
  private selected: { template: QueryTemplate; environment: string } | null = null;
  private searchTimer = 0;
  private listToken = 0;
  private previewToken = 0;
  private started: Promise<void> | null = null;

  constructor(private readonly host: QueriesPanelHost) {
    super();
    if (host.providers.length === 0) {
      throw new Error('the Queries panel needs at least one provider');
    }
    this.provider = host.providers[0];
    this.id = QUERIES_PANEL_ID;
    this.addClass('jp-huntkit-queries');
    this.title.caption = 'huntkit Queries: query templates, rendered and run in the browser';

    const head = el('div', 'jp-huntkit-title', 'Queries');
    this.providerSelect = el('select', 'jp-huntkit-queries-provider');
    this.providerSelect.setAttribute('aria-label', 'Provider');
    for (const p of host.providers) {
      const o = el('option', undefined, p.label);
      o.value = p.id;
      this.providerSelect.append(o);
    }
    this.providerSelect.addEventListener('change', () => {
      this.provider = host.providers.find(p => p.id === this.providerSelect.value) ?? this.provider;
      void this.loadProvider();
    });
    const providerRow = el('label', 'jp-huntkit-queries-field');
    providerRow.append(el('span', undefined, 'Run with'), this.providerSelect);
    this.providerNote = el('div', 'jp-huntkit-queries-note');
    this.search = el('input', 'jp-huntkit-queries-search');
    this.search.type = 'search';
    this.search.placeholder = 'Search templates (name, description, parameter)';
    this.search.setAttribute('aria-label', 'Search templates');
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.refresh(), 150);
    });
    this.tree = el('div', 'jp-huntkit-queries-tree');
    this.tree.setAttribute('role', 'tree');
    this.tree.setAttribute('aria-label', 'Query templates');
    this.detail = el('div', 'jp-huntkit-queries-detail');
    this.node.append(
      head,
      providerRow,
      this.providerNote,
      this.search,
      this.tree,
      this.status.node,
      this.detail
    );
  }

  /** Loads the provider and the template tree (on first show; again is a no-op). */
  start(): Promise<void> {
    this.started ??= Promise.all([
      this.loadProvider(),
      this.refresh(),
      this.loadLiveProviders()
    ]).then(() => undefined);
    return this.started;
  }

  /** Adds the host's live providers to the list (none when the server has none). */
  private async loadLiveProviders(): Promise<void> {
    let live: QueryProvider[];
    try {
      live = (await this.host.liveProviders?.()) ?? [];
    } catch {
      return;
    }
    for (const p of live) {
      if (this.host.providers.some(q => q.id === p.id)) {
        continue;
      }
      this.host.providers.push(p);
      const o = el('option', undefined, p.label);
      o.value = p.id;
      this.providerSelect.append(o);
    }
  }

  /** The library loads in the worker the first time the panel is shown. */
  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.start();
  }

  private async loadProvider(): Promise<void> {
    const provider = this.provider;
    this.providerInfo = null;
    try {
      const info = await provider.describe();
      if (provider !== this.provider) {
        return;
      }
      this.providerInfo = info;
      const count = info.templates ? `${info.templates.size} templates` : 'its templates';
      this.providerNote.textContent =
        `Runs ${count} of ${provider.environment}` +
        (info.now ? `; relative times count from the data set's now, ${info.now}` : '');
    } catch (error) {
      this.providerNote.textContent = `${provider.label} is not available: ${message(error)}`;
    }
    if (this.selected) {
      this.showTemplate(this.selected.template, this.selected.environment);
    }
  }

  /** Lists the templates matching the search and redraws the tree. */
  async refresh(): Promise<void> {
    const token = ++this.listToken;
    const words = this.search.value.trim();
    let answer: Awaited<ReturnType<IHuntkitEngine['listQueries']>>;
    try {
      answer = await this.host.engine.listQueries(words ? { search: words } : {});
    } catch (error) {
      if (token === this.listToken) {
        this.status.showError(`Cannot list the templates: ${message(error)}`, kind(error));
      }
      return;
    }
    if (token !== this.listToken) {
      return;
    }
    this.status.clear();
    if (answer.errors.length) {
      this.status.showError(
        `${answer.errors.length} template file(s) did not load: ${answer.errors.map(e => e.message).join('; ')}`,
        'query_file'
      );
    }
    this.drawTree(answer.templates, words !== '');
  }

  private drawTree(templates: QueryTemplate[], expand: boolean): void {
    const nodes = queryTree(templates);
    this.tree.replaceChildren();
    if (nodes.length === 0) {
      this.tree.append(el('div', 'jp-huntkit-queries-empty', 'No template matches the search.'));
      return;
    }
    for (const env of nodes) {
      const envNode = el('details', 'jp-huntkit-queries-env');
      envNode.open = expand || env.environment === this.provider.environment;
      envNode.dataset.environment = env.environment;
      envNode.append(el('summary', undefined, `${env.environment} (${env.count})`));
      for (const family of env.families) {
        const famNode = el('details', 'jp-huntkit-queries-family');
        famNode.open = expand;
        famNode.dataset.family = family.family;
        famNode.append(el('summary', undefined, `${family.family} (${family.templates.length})`));
        for (const template of family.templates) {
          const item = el('button', 'jp-huntkit-queries-item', template.source);
          item.type = 'button';
          item.setAttribute('role', 'treeitem');
          item.dataset.name = template.name;
          item.dataset.environment = env.environment;
          item.title = template.description;
          if (
            this.selected?.template.name === template.name &&
            this.selected.environment === env.environment
          ) {
            item.classList.add('jp-mod-selected');
          }
          item.addEventListener('click', () => {
            for (const other of this.tree.querySelectorAll('.jp-huntkit-queries-item')) {
              other.classList.remove('jp-mod-selected');
            }
            item.classList.add('jp-mod-selected');
            this.showTemplate(template, env.environment);
          });
          famNode.append(item);
        }
        envNode.append(famNode);
      }
      this.tree.append(envNode);
    }
  }

  /** Whether the current provider runs `template` in `environment`. */
  private runnable(template: QueryTemplate, environment: string): string | null {
    const provider = this.provider;
    if (environment !== provider.environment) {
      return `${provider.label} runs ${provider.environment} templates; this one is for ${environment}. Copy the query to run it where its data is.`;
    }
    const known = this.providerInfo?.templates;
    if (known && !known.has(template.name) && !template.aliases.some(a => known.has(a))) {
      return `${provider.label} has no data for ${template.name}.`;
    }
    return null;
  }

  private showTemplate(template: QueryTemplate, environment: string): void {
    this.selected = { template, environment };
    const d = this.detail;
    d.replaceChildren();
    d.dataset.name = template.name;
    d.append(el('h3', 'jp-huntkit-queries-name', template.name));
    const facts = [environment, template.families.join(', '), template.language.toUpperCase()];
    if (template.entities.length) {
      facts.push(`entities: ${template.entities.join(', ')}`);
    }
    d.append(el('div', 'jp-huntkit-queries-facts', facts.join(' · ')));
    d.append(el('p', 'jp-huntkit-queries-description', template.description));

    // The parameters, as the template defines them.
    const table = el('table', 'jp-huntkit-queries-params');
    const headRow = el('tr');
    for (const h of ['Parameter', 'Type', 'Default', 'Description']) {
      headRow.append(el('th', undefined, h));
    }
    table.append(el('thead'));
    table.tHead?.append(headRow);
    const body = el('tbody');
    for (const p of template.parameters) {
      const row = el('tr');
      row.append(
        el('td', undefined, p.required ? `${p.name} *` : p.name),
        el('td', undefined, p.type),
        el('td', undefined, p.required ? '(required)' : defaultText(p.default)),
        el(
          'td',
          undefined,
          p.aliases.length ? `${p.description} (also: ${p.aliases.join(', ')})` : p.description
        )
      );
      body.append(row);
    }
    table.append(body);
    d.append(table);

    // The form.
    const form = el('div', 'jp-huntkit-queries-form');
    const inputs = new Map<string, () => string>();
    const timeRange = hasTimeRange(template);
    if (timeRange) {
      form.append(this.timePicker(template, inputs));
    }
    for (const p of template.parameters) {
      if (timeRange && (TIME_RANGE_PARAMETERS as readonly string[]).includes(p.name)) {
        continue;
      }
      if (p.name === 'add_query_items' && environment === 'LocalData') {
        continue;
      }
      const input = el('input', 'jp-huntkit-queries-input');
      input.dataset.param = p.name;
      input.placeholder = p.required ? 'required' : defaultText(p.default);
      switch (p.type) {
        case 'int':
          input.type = 'number';
          input.step = '1';
          break;
        case 'float':
          input.type = 'number';
          input.step = 'any';
          break;
        case 'list':
          input.type = 'text';
          input.title = 'Comma-separated values, or a JSON array';
          break;
        case 'datetime':
          input.type = 'text';
          input.title = 'ISO-8601, or relative: -1d, -2h@h, -1w@d, now';
          break;
        default:
          input.type = 'text';
      }
      const label = el('label', 'jp-huntkit-queries-field');
      label.append(el('span', undefined, p.required ? `${p.name} *` : p.name), input);
      label.title = `${p.description} (${p.type})`;
      form.append(label);
      inputs.set(p.name, () => input.value);
    }
    d.append(form);

    const params = (): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const p of template.parameters) {
        const read = inputs.get(p.name);
        const value = read ? parameterValue(p, read()) : undefined;
        if (value !== undefined) {
          out[p.name] = value;
        }
      }
      return out;
    };

    const rendered = el('pre', 'jp-huntkit-queries-rendered');
    rendered.hidden = true;
    const renderedBox = el('div', 'jp-huntkit-queries-output');
    let last: RenderedQuery | null = null;
    const copy = button('Copy', 'jp-huntkit-queries-copy', () => {
      if (last) {
        void copyText(last.query).then(ok => {
          if (ok) {
            this.status.showMessage('Query copied to the clipboard.');
          } else {
            this.status.showError('The browser refused to copy; select the text instead.');
          }
        });
      }
    });
    const insert = button('Insert into a new notebook cell', 'jp-huntkit-queries-insert', () => {
      if (last) {
        const text = queryCell(last.query, {
          name: last.name,
          environment,
          language: last.language
        });
        this.host.insertCell(text).then(
          () => this.status.showMessage('Query inserted into a new notebook cell.'),
          (error: unknown) =>
            this.status.showError(`Cannot insert the cell: ${message(error)}`, kind(error))
        );
      }
    });
    copy.disabled = insert.disabled = true;
    const outputButtons = el('div', 'jp-huntkit-queries-buttons');
    outputButtons.append(copy, insert);
    renderedBox.append(rendered, outputButtons);

    const results = el('div', 'jp-huntkit-queries-results');
    const renderButton = button('Render', 'jp-huntkit-queries-render', () => void doRender());
    const runButton = button('Run', 'jp-huntkit-queries-run', () => void doRun());
    const why = this.runnable(template, environment);
    runButton.disabled = why !== null;
    runButton.title = why ?? `Run with ${this.provider.label}`;
    const actions = el('div', 'jp-huntkit-queries-buttons');
    actions.append(renderButton, runButton);
    // Live providers run a long range as one query per chunk (split_by).
    const splitBy = el('input', 'jp-huntkit-queries-input jp-huntkit-queries-split');
    splitBy.type = 'text';
    splitBy.placeholder = 'e.g. 1d';
    splitBy.title =
      'Run the template once per chunk of this period (1d, 6H, 30min) and join the rows';
    if (this.provider.splits) {
      const splitRow = el('label', 'jp-huntkit-queries-field');
      splitRow.append(el('span', undefined, 'Split by'), splitBy);
      d.append(splitRow);
    }
    // Search jobs suit long searches an export's connection would not survive.
    const mode = choices('jp-huntkit-queries-input jp-huntkit-queries-mode', [
      ['export', 'Export (one request)'],
      ['jobs', 'Search job (polled, read in pages)']
    ]);
    mode.title = 'How each chunk runs: one export request, or a search job polled until done';
    if (this.provider.jobs) {
      const modeRow = el('label', 'jp-huntkit-queries-field');
      modeRow.append(el('span', undefined, 'Run as'), mode);
      d.append(modeRow);
    }
    d.append(actions);
    if (why) {
      d.append(el('div', 'jp-huntkit-queries-note jp-huntkit-queries-norun', why));
    }
    d.append(renderedBox, results);

    const doRender = async (): Promise<void> => {
      this.status.showProgress('Rendering…');
      try {
        last = await this.host.engine.renderQuery(template.name, params(), {
          environment,
          ...(this.providerInfo?.now && environment === this.provider.environment
            ? { now: this.providerInfo.now }
            : {})
        });
      } catch (error) {
        last = null;
        rendered.hidden = true;
        copy.disabled = insert.disabled = true;
        this.status.showError(message(error), kind(error));
        return;
      }
      rendered.textContent = last.query;
      rendered.hidden = false;
      copy.disabled = insert.disabled = false;
      const notes = [`Rendered ${last.name} (${last.language.toUpperCase()}).`];
      if (last.ignored.length) {
        notes.push(`Ignored: ${last.ignored.join(', ')}.`);
      }
      this.status.showMessage(notes.join(' '));
    };

    const doRun = async (): Promise<void> => {
      this.status.showProgress(`Running ${template.name}…`);
      results.replaceChildren();
      let result: QueryRunResult;
      try {
        result = await this.provider.run(template, params(), {
          splitBy: splitBy.value.trim() || undefined,
          ...(this.provider.jobs && mode.value === 'jobs' ? { mode: 'jobs' as const } : {})
        });
      } catch (error) {
        this.status.showError(message(error), kind(error));
        return;
      }
      if (result.chunks) {
        const failed = result.chunks.filter(c => c.status !== 'ok');
        const text = `${result.rows} rows from ${result.file} in ${result.chunks.length} chunk${result.chunks.length === 1 ? '' : 's'}.`;
        if (failed.length) {
          this.status.showError(
            `${text} ${failed.length} chunk(s) failed or are partial: ${failed
              .map(c => `${c.status}: ${c.messages.join('; ')}`)
              .join(' | ')}`,
            result.status
          );
        } else {
          this.status.showMessage(text);
        }
        this.drawChunks(results, result.chunks);
      } else {
        this.status.showMessage(`${result.rows} of ${result.rowsRead} rows from ${result.file}.`);
      }
      this.drawResult(results, template, result);
    };
  }

  /** Start and end as relative expressions or absolute UTC times, previewed. */
  private timePicker(template: QueryTemplate, inputs: Map<string, () => string>): HTMLElement {
    const box = el('fieldset', 'jp-huntkit-queries-time');
    box.append(el('legend', undefined, 'Time range'));
    const mode = choices('jp-huntkit-queries-time-mode', [
      ['relative', 'Relative'],
      ['absolute', 'Absolute (UTC)']
    ]);
    mode.setAttribute('aria-label', 'Time range mode');
    const param = (name: string) => template.parameters.find(p => p.name === name);
    const relStart = el('input', 'jp-huntkit-queries-input');
    relStart.dataset.param = 'start';
    relStart.value = defaultText(param('start')?.default) || '-1d';
    const relEnd = el('input', 'jp-huntkit-queries-input');
    relEnd.dataset.param = 'end';
    relEnd.value = defaultText(param('end')?.default) || 'now';
    for (const i of [relStart, relEnd]) {
      i.type = 'text';
      i.title = 'ISO-8601, or relative: -1d, -2h@h, -1w@d (midnight a week ago), now';
    }
    const absStart = el('input', 'jp-huntkit-queries-input');
    absStart.dataset.param = 'start-absolute';
    const absEnd = el('input', 'jp-huntkit-queries-input');
    absEnd.dataset.param = 'end-absolute';
    for (const i of [absStart, absEnd]) {
      i.type = 'datetime-local';
      i.step = '1';
    }
    const row = (label: string, input: HTMLElement): HTMLLabelElement => {
      const l = el('label', 'jp-huntkit-queries-field');
      l.append(el('span', undefined, label), input);
      return l;
    };
    const relative = el('div', 'jp-huntkit-queries-time-relative');
    const presets = el('div', 'jp-huntkit-queries-presets');
    for (const [label, start, end] of PRESETS) {
      presets.append(
        button(label, 'jp-huntkit-queries-preset', () => {
          relStart.value = start;
          relEnd.value = end;
          void preview();
        })
      );
    }
    relative.append(row('Start', relStart), row('End', relEnd), presets);
    const absolute = el('div', 'jp-huntkit-queries-time-absolute');
    absolute.append(row('Start', absStart), row('End', absEnd));
    absolute.hidden = true;
    const shown = el('div', 'jp-huntkit-queries-time-preview');
    shown.setAttribute('aria-live', 'polite');

    const value = (which: 'start' | 'end', as: string = mode.value): string => {
      if (as === 'absolute') {
        return localInputToIso((which === 'start' ? absStart : absEnd).value);
      }
      return (which === 'start' ? relStart : relEnd).value;
    };
    inputs.set('start', () => value('start'));
    inputs.set('end', () => value('end'));

    const preview = async (
      as: string = mode.value
    ): Promise<{ start: string; end: string } | null> => {
      const token = ++this.previewToken;
      const now = this.providerInfo?.now ?? null;
      try {
        const span = await this.host.engine.queryTimeRange(
          value('start', as) || null,
          value('end', as) || null,
          null,
          now
        );
        if (token === this.previewToken) {
          shown.classList.remove('jp-huntkit-queries-bad');
          shown.textContent = `${span.start} → ${span.end}${now ? ` (now = ${now})` : ''}`;
        }
        return span;
      } catch (error) {
        if (token === this.previewToken) {
          shown.classList.add('jp-huntkit-queries-bad');
          shown.textContent = message(error);
        }
        return null;
      }
    };
    mode.addEventListener('change', () => {
      const toAbsolute = mode.value === 'absolute';
      // Carry the range over: relative → the times it names now.
      if (toAbsolute) {
        void preview('relative').then(span => {
          if (span) {
            absStart.value = isoToLocalInput(span.start);
            absEnd.value = isoToLocalInput(span.end);
          }
          relative.hidden = true;
          absolute.hidden = false;
          void preview();
        });
      } else {
        relative.hidden = false;
        absolute.hidden = true;
        void preview();
      }
    });
    for (const i of [relStart, relEnd, absStart, absEnd]) {
      i.addEventListener('input', () => void preview());
    }
    box.append(row('Mode', mode), relative, absolute, shown);
    void preview();
    return box;
  }

  /** Every time chunk of a live run: range, status, rows, messages (as text). */
  private drawChunks(host: HTMLElement, chunks: SiemChunkReport[]): void {
    if (chunks.length === 1 && chunks[0].status === 'ok') {
      return;
    }
    const list = el('ul', 'jp-huntkit-queries-chunks');
    list.setAttribute('aria-label', 'Time chunks');
    for (const c of chunks) {
      const item = el(
        'li',
        `jp-huntkit-queries-chunk jp-huntkit-queries-chunk-${c.status === 'ok' ? 'ok' : 'failed'}`,
        `${c.start ?? ''} .. ${c.end ?? ''}: ${c.status}, ${c.rows} rows` +
          (c.messages.length ? ` (${c.messages.join('; ')})` : '')
      );
      item.dataset.status = c.status;
      list.append(item);
    }
    host.append(list);
  }

  private drawResult(host: HTMLElement, template: QueryTemplate, result: LocalQueryResult): void {
    const head = el('div', 'jp-huntkit-queries-result-head');
    head.append(
      el(
        'span',
        'jp-huntkit-queries-result-count',
        `${result.rows} row${result.rows === 1 ? '' : 's'}`
      )
    );
    if (result.applied.length) {
      head.append(el('span', 'jp-huntkit-queries-note', ` (${result.applied.join('; ')})`));
    }
    host.append(head);
    if (result.rows === 0) {
      return;
    }
    host.append(
      button('Open in a view (timeline, matrix, …)', 'jp-huntkit-queries-open', () =>
        this.host.openResult(`${template.name}.arrow`, result.table)
      )
    );
    const wrap = el('div', 'jp-huntkit-queries-table-wrap');
    const table = el('table', 'jp-huntkit-queries-table');
    const headRow = el('tr');
    for (const c of result.columns) {
      headRow.append(el('th', undefined, c));
    }
    table.append(el('thead'));
    table.tHead?.append(headRow);
    const body = el('tbody');
    for (const cells of result.preview.slice(0, TABLE_ROWS)) {
      const row = el('tr');
      for (const cell of cells) {
        row.append(el('td', undefined, cell));
      }
      body.append(row);
    }
    table.append(body);
    wrap.append(table);
    host.append(wrap);
    if (result.rows > TABLE_ROWS) {
      host.append(
        el(
          'div',
          'jp-huntkit-queries-note',
          `First ${TABLE_ROWS} of ${result.rows} rows; open in a view for all of them.`
        )
      );
    }
  }
}
