/**
 * The Analyze panel (left sidebar): a table file in (picked, dropped, or
 * sent from the file browser), time-series anomalies, anomalous sessions,
 * event clusters and outliers or a process tree out, drawn as a view in the main area. The analysis (and
 * a process tree's build) runs in the engine's Web Worker; the result is
 * drawn by `renderView`, like any view bundle. No kernel, no server call.
 */
import {
  BUNDLE_VERSION,
  renderError,
  renderView,
  VIEWS,
  type ViewKindName
} from '@huntkit/engine/chart';
import { CLUSTER_DEFAULT_FEATURES, copyText } from '@huntkit/engine';
import { Widget } from '@lumino/widgets';
import type { IHuntkitEngine } from '../tokens';
import { shownView } from './shownView';
import { renderClusters } from './clusterResult';

/** The sidebar widget's id. */
export const ANALYZE_PANEL_ID = 'huntkit-analyze';

/** The analyses the panel runs. */
export type Analysis = 'timeseries' | 'sessions' | 'clusters' | 'proctree';

/** A finished analysis, ready to show in the main area. */
export interface AnalysisResult {
  title: string;
  /** Builds the view into `host`. */
  render(host: HTMLElement): { dispose(): void };
}

/** A bundle of one table the panel holds (bytes, not base64). */
function bundleOf(
  kind: ViewKindName,
  label: string,
  bytes: Uint8Array,
  format: 'arrow' | 'auto',
  options: Record<string, unknown>
): unknown {
  return { version: BUNDLE_VERSION, kind, options, data: [{ label, bytes, format }] };
}

const TIME_NAMES = /time|date|timestamp|_min$/i;

function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  const l = document.createElement('label');
  l.className = 'jp-huntkit-analyze-field';
  const span = document.createElement('span');
  span.textContent = label;
  l.append(span, control);
  if (hint) {
    l.title = hint;
  }
  return l;
}

function select(
  option: string,
  values: string[],
  optional: string | null,
  preferred?: string
): HTMLSelectElement {
  const s = document.createElement('select');
  s.dataset.option = option;
  if (optional !== null) {
    const o = document.createElement('option');
    o.value = '';
    o.textContent = optional;
    s.append(o);
  }
  for (const v of values) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = v;
    s.append(o);
  }
  if (preferred !== undefined && values.includes(preferred)) {
    s.value = preferred;
  }
  return s;
}

function input(option: string, value: string, type = 'text'): HTMLInputElement {
  const i = document.createElement('input');
  i.type = type;
  i.value = value;
  i.dataset.option = option;
  if (type === 'number') {
    i.step = 'any';
  }
  return i;
}

/** Adds one labelled control to an analysis's form. */
type AddField = (
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  hint?: string
) => void;

/** What an analysis runs with: the file, the engine, the form's values. */
interface RunContext {
  file: { name: string; bytes: Uint8Array; columns: string[] };
  engine: IHuntkitEngine;
  open: (result: AnalysisResult) => void;
  value(option: string): string;
  number(option: string): number;
}

/** One analysis of the panel: its form and how it runs (resolves to the status line). */
interface AnalysisDefinition {
  label: string;
  form(columns: string[], add: AddField): void;
  run(ctx: RunContext): Promise<string>;
}

/** The process tree analysis is the file drawn as this view, with the view's own pickers. */
const PROCESS_TREE: ViewKindName = 'process_tree';

/** The analyses, in the order the picker lists them. */
const ANALYSES: Record<Analysis, AnalysisDefinition> = {
  timeseries: {
    label: 'Time-series anomalies (STL)',
    form(cols, add) {
      add(
        'Time',
        select(
          'time_column',
          cols,
          null,
          cols.find(c => TIME_NAMES.test(c))
        )
      );
      add(
        'Value',
        select('value_column', cols, '(count events)'),
        'Summed per bin; or count the rows'
      );
      add('Bin', input('bin', '1h'), 'Bin size: 1h, 15min, 1d…');
      add('Period', input('period', '24', 'number'), 'Bins per seasonal cycle');
      add(
        'Threshold',
        input('score_threshold', '3', 'number'),
        '|z| above which a bin is an anomaly'
      );
    },
    async run({ file, engine, open, value, number }) {
      const options = {
        time_column: value('time_column'),
        ...(value('value_column') ? { value_column: value('value_column') } : {}),
        bin: value('bin'),
        period: number('period'),
        score_threshold: number('score_threshold')
      };
      const answer = await engine.timeseries(file.bytes.slice(), 'auto', options);
      const y = options.value_column ?? 'Total';
      open({
        title: `${file.name}: anomalies`,
        render: host => {
          const chart = document.createElement('div');
          host.append(chart);
          const shown = shownView(
            chart,
            bundleOf('anomalies', file.name, answer.table, 'arrow', {
              time_column: options.time_column,
              y,
              title: `${file.name}: ${y} per ${options.bin}`
            }),
            engine
          );
          const periods = document.createElement('div');
          periods.className = 'jp-huntkit-analyze-periods';
          const heading = document.createElement('strong');
          heading.textContent = `${answer.periods.length} anomaly period${answer.periods.length === 1 ? '' : 's'}`;
          const kql = document.createElement('pre');
          kql.className = 'jp-huntkit-analyze-kql';
          kql.textContent = answer.kql;
          const copy = document.createElement('button');
          copy.type = 'button';
          copy.textContent = 'Copy KQL filter';
          copy.addEventListener('click', () => void copyText(answer.kql));
          periods.append(heading, copy, kql);
          host.append(periods);
          return shown;
        }
      });
      return `${answer.periods.length} anomaly periods`;
    }
  },
  sessions: {
    label: 'Anomalous sessions',
    form(cols, add) {
      add(
        'Sessions',
        select(
          'session_column',
          cols,
          null,
          cols.find(c => /session|cmd|command/i.test(c))
        ),
        'Each cell a JSON list of commands'
      );
      add(
        'Start time',
        select(
          'time_column',
          cols,
          null,
          cols.find(c => /_min$/.test(c)) ?? cols.find(c => TIME_NAMES.test(c))
        )
      );
      add('Window', input('window_length', '3', 'number'), 'Rarest-window length');
    },
    async run({ file, engine, open, value, number }) {
      const scored = await engine.scoreSessions(file.bytes.slice(), 'auto', {
        session_column: value('session_column'),
        window_length: number('window_length')
      });
      const n = Math.max(1, Math.trunc(number('window_length')));
      open({
        title: `${file.name}: sessions`,
        render: host =>
          shownView(
            host,
            bundleOf('session_scores', file.name, scored, 'arrow', {
              time_column: value('time_column'),
              y: `rarest_window${n}_likelihood`,
              title: `${file.name}: rarest-window likelihood`
            }),
            engine
          )
      });
      return 'sessions scored';
    }
  },
  clusters: {
    label: 'Event clusters and outliers',
    form(cols, add) {
      add(
        'Time',
        select(
          'time_column',
          cols,
          null,
          cols.find(c => TIME_NAMES.test(c))
        )
      );
      add(
        'Features',
        input('features', CLUSTER_DEFAULT_FEATURES.join(',')),
        'Comma-separated: process features (pathScore, commandlineTokensFull, …) or numeric columns'
      );
      add(
        'Max distance',
        input('max_cluster_distance', '0.01', 'number'),
        'DBSCAN eps on row-normalised features'
      );
      add(
        'Min samples',
        input('min_cluster_samples', '2', 'number'),
        'Events a core event needs within the distance'
      );
      add(
        'Contamination',
        input('contamination', '0.05', 'number'),
        'Expected share of outliers (isolation forest)'
      );
      add('Seed', input('seed', '42', 'number'), 'The same seed flags the same events');
    },
    async run({ file, engine, open, value, number }) {
      const time = value('time_column');
      // Features, DBSCAN and the forest run in the worker; the page only
      // draws the two small result tables as views.
      const result = await engine.cluster(file.bytes.slice(), 'auto', {
        time_column: time,
        features: value('features')
          .split(',')
          .map(s => s.trim())
          .filter(s => s),
        max_cluster_distance: number('max_cluster_distance'),
        min_cluster_samples: Math.trunc(number('min_cluster_samples')),
        outliers: { contamination: number('contamination'), seed: Math.trunc(number('seed')) }
      });
      let noise = 0;
      let outliers = 0;
      for (let i = 0; i < result.labels.length; i++) {
        noise += result.labels[i] < 0 ? 1 : 0;
        outliers += result.isOutlier[i];
      }
      const summary = `${result.clusterCount} clusters, ${noise} noise events, ${outliers} outliers`;
      open({
        title: `${file.name}: clusters`,
        render: host =>
          renderClusters(
            host,
            {
              file,
              time,
              features: result.features,
              clusters: result.clusters,
              outliers: result.outliers,
              outlierCount: outliers,
              summary: `${result.labels.length} events, ${summary}`
            },
            engine,
            open
          )
      });
      return summary;
    }
  },
  proctree: {
    label: VIEWS[PROCESS_TREE].title,
    // The view's own pickers (the registry's fields), with the panel's hints.
    form(cols, add) {
      for (const f of VIEWS[PROCESS_TREE].fields) {
        const control = f.choices
          ? choiceSelect(f.option, f.choices)
          : select(
              f.option,
              cols,
              f.optional ? '(none)' : null,
              cols.find(c => /^(SubjectUserName|AccountName|User|acct|username)$/i.test(c))
            );
        add(FIELD_LABELS[f.option] ?? f.label, control, FIELD_HINTS[f.option]);
      }
    },
    async run({ file, engine, open, value }) {
      const options: Record<string, unknown> = { title: `${file.name}: process tree` };
      for (const f of VIEWS[PROCESS_TREE].fields) {
        if (value(f.option)) {
          options[f.option] = value(f.option);
        }
      }
      // Built (in the worker) before a tab opens, so a bad schema or
      // column is named in the panel; the tab then adopts the built view.
      const box = document.createElement('div');
      const tree = await renderView(
        box,
        bundleOf(PROCESS_TREE, file.name, file.bytes, 'auto', options),
        { engine }
      );
      if (tree.error !== null) {
        throw new Error(tree.error);
      }
      open({
        title: options.title as string,
        render: host => {
          host.append(box);
          return tree;
        }
      });
      return 'process tree built';
    }
  }
};

/** The panel's labels and hints for a view's options, where they differ from the registry's. */
const FIELD_LABELS: Record<string, string> = { legend_col: 'Colour by' };
const FIELD_HINTS: Record<string, string> = { schema: 'Inferred from the columns when auto' };

/** A select of fixed `[value, label]` choices. */
function choiceSelect(
  option: string,
  choices: ReadonlyArray<readonly [string, string]>
): HTMLSelectElement {
  const s = document.createElement('select');
  s.dataset.option = option;
  for (const [value, label] of choices) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    s.append(o);
  }
  return s;
}

/** The Analyze panel. */
export class AnalyzePanel extends Widget {
  private readonly fileInput: HTMLInputElement;
  private readonly source: HTMLDivElement;
  private readonly form: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private file: { name: string; bytes: Uint8Array; columns: string[] } | null = null;

  constructor(
    private readonly engine: IHuntkitEngine,
    private readonly open: (result: AnalysisResult) => void
  ) {
    super();
    this.id = ANALYZE_PANEL_ID;
    this.addClass('jp-huntkit-analyze');
    this.title.caption =
      'huntkit Analyze: time-series anomalies, anomalous sessions and process trees, in the browser';
    const d = document;
    const head = d.createElement('div');
    head.className = 'jp-huntkit-title';
    head.textContent = 'Analyze';
    this.fileInput = d.createElement('input');
    this.fileInput.type = 'file';
    this.fileInput.accept = '.csv,.tsv,.json,.ndjson,.jsonl,.arrow,.feather';
    this.fileInput.addEventListener('change', () => {
      const f = this.fileInput.files?.[0];
      if (f) {
        void f.arrayBuffer().then(b => this.load(f.name, new Uint8Array(b)));
      }
    });
    this.source = d.createElement('div');
    this.source.className = 'jp-huntkit-analyze-source';
    this.source.textContent =
      'Pick or drop a CSV, JSON, NDJSON or Arrow file, or use "Analyze in huntkit" in the file browser.';
    this.form = d.createElement('div');
    this.form.className = 'jp-huntkit-analyze-form';
    this.status = d.createElement('div');
    this.status.className = 'jp-huntkit-analyze-status';
    this.status.setAttribute('aria-live', 'polite');
    this.node.append(head, this.fileInput, this.source, this.form, this.status);
    this.node.addEventListener('dragover', event => {
      event.preventDefault();
    });
    this.node.addEventListener('drop', event => {
      event.preventDefault();
      const f = event.dataTransfer?.files[0];
      if (f) {
        void f.arrayBuffer().then(b => this.load(f.name, new Uint8Array(b)));
      }
    });
  }

  /** Takes a file's bytes and shows the analysis form for its columns. */
  async load(name: string, bytes: Uint8Array): Promise<void> {
    this.form.replaceChildren();
    this.status.textContent = '';
    try {
      this.file = { name, bytes, columns: await this.engine.tableColumns(bytes, 'auto') };
    } catch (error) {
      this.file = null;
      this.source.textContent = name;
      renderError(this.form, `${name}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.source.textContent = `${name}: ${this.file.columns.length} columns`;
    this.buildForm();
  }

  private buildForm(): void {
    const file = this.file;
    if (!file) {
      return;
    }
    const d = document;
    const analysis = d.createElement('select');
    analysis.dataset.option = 'analysis';
    for (const [value, def] of Object.entries(ANALYSES)) {
      const o = d.createElement('option');
      o.value = value;
      o.textContent = def.label;
      analysis.append(o);
    }
    const fields = d.createElement('div');
    const run = d.createElement('button');
    run.type = 'button';
    run.className = 'jp-huntkit-analyze-run';
    run.textContent = 'Run';
    const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();
    const show = (): void => {
      controls.clear();
      fields.replaceChildren();
      ANALYSES[analysis.value as Analysis].form(file.columns, (label, control, hint) => {
        controls.set(control.dataset.option ?? label, control);
        fields.append(field(label, control, hint));
      });
    };
    analysis.addEventListener('change', show);
    run.addEventListener('click', () => void this.run(analysis.value as Analysis, controls));
    this.form.append(field('Analysis', analysis), fields, run);
    show();
  }

  private async run(
    analysis: Analysis,
    controls: Map<string, HTMLInputElement | HTMLSelectElement>
  ): Promise<void> {
    const file = this.file;
    if (!file) {
      return;
    }
    this.status.textContent = 'running…';
    this.status.classList.remove('jp-huntkit-analyze-error');
    try {
      this.status.textContent = await ANALYSES[analysis].run({
        file,
        engine: this.engine,
        open: this.open,
        value: k => controls.get(k)?.value ?? '',
        number: k => Number(controls.get(k)?.value ?? '')
      });
    } catch (error) {
      this.status.classList.add('jp-huntkit-analyze-error');
      this.status.textContent = error instanceof Error ? error.message : String(error);
    }
  }
}

/** The main-area widget that shows one analysis. */
export class AnalysisWidget extends Widget {
  private shown: { dispose(): void } | null = null;

  constructor(result: AnalysisResult) {
    super();
    this.addClass('jp-huntkit-analysis');
    this.title.label = result.title;
    this.title.closable = true;
    try {
      this.shown = result.render(this.node);
    } catch (error) {
      renderError(this.node, error instanceof Error ? error.message : String(error));
    }
  }

  override dispose(): void {
    this.shown?.dispose();
    this.shown = null;
    super.dispose();
  }
}
