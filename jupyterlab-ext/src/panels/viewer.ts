/**
 * "Open in huntkit": a table file (CSV, JSON, NDJSON, Arrow) drawn as a
 * view in the browser, with no kernel. The user picks the view and its
 * columns; the wasm chart reads the file's bytes as they are.
 */
import {
  ChartFrame,
  ChartView,
  loadChartWasm,
  renderError,
  tableColumns,
  mountProcessTree,
  PROC_SCHEMAS,
  type ProcTreeFrame,
  VIEW_TITLES,
  type ViewKindName
} from '@huntkit/engine/chart';
import { Widget } from '@lumino/widgets';

/** Extensions "Open in huntkit" offers itself for. */
export const VIEW_FILE_EXTENSIONS = [
  '.csv',
  '.tsv',
  '.json',
  '.ndjson',
  '.jsonl',
  '.arrow',
  '.feather',
  '.arrows'
];

/** Whether `path` is a table file the viewer reads. */
export function isViewableFile(path: string): boolean {
  const lower = path.toLowerCase();
  return VIEW_FILE_EXTENSIONS.some(ext => lower.endsWith(ext));
}

/** The views the picker offers (every kind a plain table can draw). */
const KIND_LABELS: Record<ViewKindName, string> = VIEW_TITLES;

/** The pickers each kind shows, and what they set in the options. */
const FIELDS: Partial<
  Record<ViewKindName, Array<{ option: string; label: string; optional: boolean }>>
> = {
  timeline: [
    { option: 'time_column', label: 'Time', optional: false },
    { option: 'group_by', label: 'Group by', optional: true }
  ],
  timeline_values: [
    { option: 'time_column', label: 'Time', optional: false },
    { option: 'y', label: 'Value', optional: false },
    { option: 'group_by', label: 'Group by', optional: true }
  ],
  timeline_duration: [
    { option: 'time_column', label: 'Time', optional: false },
    { option: 'group_by', label: 'Group by', optional: false }
  ],
  matrix: [
    { option: 'x', label: 'X', optional: false },
    { option: 'y', label: 'Y', optional: false },
    { option: 'value_col', label: 'Value', optional: true }
  ],
  anomalies: [
    { option: 'time_column', label: 'Time', optional: false },
    { option: 'y', label: 'Value', optional: false },
    { option: 'baseline_col', label: 'Baseline', optional: false },
    { option: 'anomalies_col', label: 'Anomalies', optional: false }
  ],
  session_scores: [
    { option: 'time_column', label: 'Session start', optional: false },
    { option: 'y', label: 'Likelihood', optional: false },
    { option: 'group_by', label: 'Group by', optional: true }
  ]
};

const TIME_NAMES =
  /^(timegenerated|timestamp|time|eventtime|utctime|date|datetime|_time|@timestamp)$|time/i;

/** The viewer's content: pickers above, the chart below. */
export class ViewerPanel extends Widget {
  private readonly area: HTMLDivElement;
  private readonly kindSelect: HTMLSelectElement;
  private readonly fields: HTMLDivElement;
  private columns: string[] = [];
  private frame: ChartFrame | null = null;
  private tree: ProcTreeFrame | null = null;
  private readonly chosen = new Map<string, string>();

  constructor(
    private readonly fileName: string,
    private readonly bytes: Uint8Array
  ) {
    super();
    this.addClass('jp-huntkit-viewer');
    this.title.label = fileName;
    this.title.caption = `${fileName} in huntkit`;
    this.title.closable = true;
    const d = document;
    const bar = d.createElement('div');
    bar.className = 'jp-huntkit-viewer-bar';
    this.kindSelect = d.createElement('select');
    this.kindSelect.className = 'jp-huntkit-viewer-kind';
    this.kindSelect.setAttribute('aria-label', 'View');
    for (const kind of Object.keys(KIND_LABELS) as ViewKindName[]) {
      const o = d.createElement('option');
      o.value = kind;
      o.textContent = KIND_LABELS[kind];
      this.kindSelect.append(o);
    }
    this.kindSelect.addEventListener('change', () => {
      this.buildFields();
      this.draw();
    });
    this.fields = d.createElement('div');
    this.fields.className = 'jp-huntkit-viewer-fields';
    bar.append(this.label('View', this.kindSelect), this.fields);
    this.area = d.createElement('div');
    this.area.className = 'jp-huntkit-viewer-area';
    this.node.append(bar, this.area);
  }

  /** Reads the column names and draws the first view. */
  async start(): Promise<void> {
    try {
      await loadChartWasm();
      this.columns = tableColumns(this.bytes, 'auto');
    } catch (error) {
      renderError(
        this.area,
        `${this.fileName}: ${error instanceof Error ? error.message : String(error)}`
      );
      return;
    }
    const time = this.columns.find(c => TIME_NAMES.test(c));
    if (time) {
      this.chosen.set('time_column', time);
    }
    // The names huntkit's and MSTICPy's analyses write.
    for (const [option, name] of [
      ['baseline_col', 'baseline'],
      ['anomalies_col', 'anomalies']
    ]) {
      if (this.columns.includes(name)) {
        this.chosen.set(option, name);
      }
    }
    this.buildFields();
    this.draw();
  }

  /** The options the pickers describe. */
  options(): Record<string, unknown> {
    const kind = this.kindSelect.value as ViewKindName;
    const options: Record<string, unknown> = { title: this.fileName };
    for (const f of FIELDS[kind] ?? []) {
      const v = this.chosen.get(f.option);
      if (v) {
        options[f.option] = f.option === 'group_by' && kind === 'timeline_duration' ? [v] : v;
      }
    }
    return options;
  }

  private label(text: string, control: HTMLElement): HTMLLabelElement {
    const l = document.createElement('label');
    const span = document.createElement('span');
    span.textContent = text;
    l.append(span, control);
    return l;
  }

  private buildFields(): void {
    const kind = this.kindSelect.value as ViewKindName;
    this.fields.replaceChildren();
    if (kind === 'process_tree') {
      this.buildTreeFields();
      return;
    }
    for (const f of FIELDS[kind] ?? []) {
      const select = document.createElement('select');
      select.dataset.option = f.option;
      select.setAttribute('aria-label', f.label);
      if (f.optional) {
        const none = document.createElement('option');
        none.value = '';
        none.textContent = '(none)';
        select.append(none);
      }
      for (const c of this.columns) {
        const o = document.createElement('option');
        o.value = c;
        o.textContent = c;
        select.append(o);
      }
      const current = this.chosen.get(f.option);
      if (current !== undefined && this.columns.includes(current)) {
        select.value = current;
      } else if (!f.optional) {
        select.value = this.columns[0] ?? '';
        this.chosen.set(f.option, select.value);
      }
      select.addEventListener('change', () => {
        this.chosen.set(f.option, select.value);
        this.draw();
      });
      this.fields.append(this.label(f.label, select));
    }
  }

  private draw(): void {
    this.frame?.dispose();
    this.frame = null;
    this.tree?.dispose();
    this.tree = null;
    this.area.replaceChildren();
    const kind = this.kindSelect.value as ViewKindName;
    if (kind === 'process_tree') {
      this.drawTree();
      return;
    }
    try {
      const view = new ChartView(
        kind,
        [{ label: this.fileName, data: this.bytes, format: 'auto' }],
        this.options()
      );
      this.frame = new ChartFrame(this.area, view);
    } catch (error) {
      renderError(this.area, error instanceof Error ? error.message : String(error));
    }
  }

  /** Schema (auto or a built-in name) and legend column pickers. */
  private buildTreeFields(): void {
    const pick = (option: string, label: string, choices: Array<[string, string]>): void => {
      const select = document.createElement('select');
      select.dataset.option = option;
      select.setAttribute('aria-label', label);
      for (const [value, text] of choices) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = text;
        select.append(o);
      }
      select.value = this.chosen.get(option) ?? '';
      select.addEventListener('change', () => {
        this.chosen.set(option, select.value);
        this.draw();
      });
      this.fields.append(this.label(label, select));
    };
    pick('schema', 'Schema', [['', 'auto'], ...PROC_SCHEMAS.map((s): [string, string] => [s, s])]);
    pick('legend_col', 'Legend', [
      ['', '(none)'],
      ...this.columns.map((c): [string, string] => [c, c])
    ]);
  }

  /** The process tree of the file's events (built in wasm, no kernel). */
  private drawTree(): void {
    try {
      this.tree = mountProcessTree(this.area, this.bytes, 'auto', {
        title: this.fileName,
        schema: this.chosen.get('schema') || undefined,
        legend_col: this.chosen.get('legend_col') || undefined
      });
    } catch (error) {
      renderError(this.area, error instanceof Error ? error.message : String(error));
    }
  }

  override dispose(): void {
    this.tree?.dispose();
    this.tree = null;
    this.frame?.dispose();
    this.frame = null;
    super.dispose();
  }
}
