/**
 * "Open in huntkit": a table file (CSV, JSON, NDJSON, Arrow) drawn as a
 * view in the browser, with no kernel. The user picks the view and its
 * options (each kind's pickers come from the view registry); the file's
 * bytes go to `renderView` as they are, like any bundle. A JSON export of
 * incidents or alerts (Sentinel, Defender) is read into an entity graph in
 * the worker and offered, first, as the "Entity graph (incident)" view.
 */
import {
  BUNDLE_VERSION,
  renderError,
  renderView,
  VIEW_KINDS_WITHOUT_DATA,
  VIEWS,
  type RenderedView,
  type ViewKindName
} from '@huntkit/engine/chart';
import { Widget } from '@lumino/widgets';
import type { IHuntkitEngine } from '../tokens';

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

const TIME_NAMES =
  /^(timegenerated|timestamp|time|eventtime|utctime|date|datetime|_time|@timestamp)$|time/i;

/** The kind-picker value of the incident-file entity graph (not a bundle kind of its own). */
const INCIDENT_GRAPH = 'incident_graph';

/** The viewer's content: pickers above, the view below. */
export class ViewerPanel extends Widget {
  private readonly area: HTMLDivElement;
  private readonly kindSelect: HTMLSelectElement;
  private readonly fields: HTMLDivElement;
  private columns: string[] = [];
  private view: RenderedView | null = null;
  /** Increases with every draw; a view that finishes after a newer draw began is dropped. */
  private drawSeq = 0;
  private readonly chosen = new Map<string, string>();
  /** The file's entity graph when it is an incident/alert export. */
  private incident: { nodes: Uint8Array; edges: Uint8Array; warnings: string[] } | null = null;

  constructor(
    private readonly engine: IHuntkitEngine,
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
    // Kinds that draw one table (not the lookup, whose observables are its
    // options, nor the entity graph, which draws two).
    const tableKinds = (Object.keys(VIEWS) as ViewKindName[]).filter(
      kind =>
        !(VIEW_KINDS_WITHOUT_DATA as readonly string[]).includes(kind) && !VIEWS[kind].multiTable
    );
    for (const kind of tableKinds) {
      const o = d.createElement('option');
      o.value = kind;
      o.textContent = VIEWS[kind].title;
      this.kindSelect.append(o);
    }
    this.kindSelect.addEventListener('change', () => {
      this.buildFields();
      void this.draw();
    });
    this.fields = d.createElement('div');
    this.fields.className = 'jp-huntkit-viewer-fields';
    bar.append(this.label('View', this.kindSelect), this.fields);
    this.area = d.createElement('div');
    this.area.className = 'jp-huntkit-viewer-area';
    this.node.append(bar, this.area);
  }

  /** Reads the column names (in the engine's worker) and draws the first view. */
  async start(): Promise<void> {
    await this.readIncident();
    try {
      this.columns = await this.engine.tableColumns(this.bytes, 'auto');
    } catch (error) {
      if (this.incident) {
        // An incident export is not a table: its graph is the view.
        this.buildFields();
        await this.draw();
        return;
      }
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
    await this.draw();
  }

  /**
   * Reads a `.json` file as incidents/alerts in the worker; when it holds
   * entities, "Entity graph (incident)" becomes the first view and is chosen.
   */
  private async readIncident(): Promise<void> {
    if (!this.fileName.toLowerCase().endsWith('.json')) {
      return;
    }
    try {
      const graph = await this.engine.incidentGraph(this.bytes);
      if (graph.nodeCount === 0) {
        return;
      }
      this.incident = graph;
    } catch {
      // Not an incident export (or not JSON at all): the table views say why.
      return;
    }
    const o = document.createElement('option');
    o.value = INCIDENT_GRAPH;
    o.textContent = 'Entity graph (incident)';
    this.kindSelect.prepend(o);
    this.kindSelect.value = INCIDENT_GRAPH;
  }

  /** The options the pickers describe. */
  options(): Record<string, unknown> {
    const kind = this.kindSelect.value as ViewKindName;
    const options: Record<string, unknown> = { title: this.fileName };
    if (this.kindSelect.value === INCIDENT_GRAPH) {
      return options;
    }
    for (const f of VIEWS[kind].fields) {
      const v = this.chosen.get(f.option);
      if (v) {
        options[f.option] = f.list ? [v] : v;
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

  /** One picker per option of the chosen kind (the registry's `fields`). */
  private buildFields(): void {
    const kind = this.kindSelect.value as ViewKindName;
    this.fields.replaceChildren();
    if (this.kindSelect.value === INCIDENT_GRAPH) {
      const note = document.createElement('span');
      note.className = 'jp-huntkit-viewer-note';
      const skipped = this.incident?.warnings.length ?? 0;
      note.textContent = skipped ? `${skipped} part(s) skipped: ${this.incident?.warnings[0]}` : '';
      this.fields.append(note);
      return;
    }
    for (const f of VIEWS[kind].fields) {
      const select = document.createElement('select');
      select.dataset.option = f.option;
      select.setAttribute('aria-label', f.label);
      const choices: Array<readonly [string, string]> = f.choices
        ? [...f.choices]
        : [
            ...(f.optional ? [['', '(none)'] as const] : []),
            ...this.columns.map(c => [c, c] as const)
          ];
      for (const [value, text] of choices) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = text;
        select.append(o);
      }
      const current = this.chosen.get(f.option);
      if (current !== undefined && choices.some(([value]) => value === current)) {
        select.value = current;
      } else if (!f.optional) {
        select.value = choices[0]?.[0] ?? '';
        this.chosen.set(f.option, select.value);
      } else {
        select.value = '';
      }
      select.addEventListener('change', () => {
        this.chosen.set(f.option, select.value);
        void this.draw();
      });
      this.fields.append(this.label(f.label, select));
    }
  }

  /** Draws the chosen view of the file through the one view entry, `renderView`. */
  private async draw(): Promise<void> {
    const seq = ++this.drawSeq;
    this.view?.dispose();
    this.view = null;
    this.area.replaceChildren();
    const incident = this.kindSelect.value === INCIDENT_GRAPH ? this.incident : null;
    const view = await renderView(
      this.area,
      incident
        ? {
            version: BUNDLE_VERSION,
            kind: 'entity_graph',
            options: this.options(),
            data: [
              { label: 'nodes', bytes: incident.nodes, format: 'arrow' },
              { label: 'edges', bytes: incident.edges, format: 'arrow' }
            ]
          }
        : {
            version: BUNDLE_VERSION,
            kind: this.kindSelect.value,
            options: this.options(),
            data: [{ label: this.fileName, bytes: this.bytes, format: 'auto' }]
          },
      { engine: this.engine }
    );
    if (seq !== this.drawSeq || this.isDisposed) {
      view.dispose();
      return;
    }
    this.view = view;
  }

  override dispose(): void {
    this.drawSeq++;
    this.view?.dispose();
    this.view = null;
    super.dispose();
  }
}
