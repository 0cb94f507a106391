/**
 * What the Analyze panel shows for event clusters: the clusters as a
 * scatter of two chosen features (the `cluster_scatter` view), the
 * outliers along time, and the most isolated outliers as a list whose
 * "Show in process tree" opens the file's process tree at that process.
 * The outlier rows are read in the worker (the page draws at most
 * `OUTLIER_ROWS` of them); the tree is built in the worker once, on the
 * first click.
 */
import {
  BUNDLE_VERSION,
  renderView,
  type ProcTreeFrame,
  type ViewKindName
} from '@huntkit/engine/chart';
import type { IHuntkitEngine } from '../tokens';
import { shownView } from './shownView';

/** Outliers listed (most isolated first); the timeline shows them all. */
export const OUTLIER_ROWS = 50;

/** Columns the outlier list shows when the file has them (after the score). */
const LIST_COLUMNS = [
  'NewProcessName',
  'processName',
  'CommandLine',
  'Computer',
  'SubjectUserName'
];

/** A finished analysis, ready to show in the main area (the panel's `AnalysisResult`). */
export interface ShownResult {
  title: string;
  render(host: HTMLElement): { dispose(): void };
}

/** The file and the cluster run the result came from. */
export interface ClusterRun {
  file: { name: string; bytes: Uint8Array };
  time: string;
  features: string[];
  clusters: Uint8Array;
  outliers: Uint8Array;
  outlierCount: number;
  summary: string;
}

/** A bundle of one Arrow table the panel holds. */
function bundleOf(
  kind: ViewKindName,
  label: string,
  bytes: Uint8Array,
  options: Record<string, unknown>
): unknown {
  return { version: BUNDLE_VERSION, kind, options, data: [{ label, bytes, format: 'arrow' }] };
}

function featureSelect(option: string, features: string[], value: string): HTMLSelectElement {
  const s = document.createElement('select');
  s.dataset.option = option;
  for (const f of features) {
    const o = document.createElement('option');
    o.value = f;
    o.textContent = f;
    s.append(o);
  }
  s.value = value;
  return s;
}

/**
 * The most isolated outlier rows as JSON objects, read in the worker: the
 * outlier table opened as a chart (its rows are sorted by score) and the
 * first rows exported.
 */
async function outlierRows(
  engine: IHuntkitEngine,
  outliers: Uint8Array,
  count: number
): Promise<Record<string, unknown>[]> {
  const n = Math.min(count, OUTLIER_ROWS);
  if (n === 0) {
    return [];
  }
  const chart = await engine.openChart(
    'cluster_scatter',
    [{ label: 'outliers', data: outliers.slice(), format: 'arrow' }],
    { x: 'OutlierScore', y: 'OutlierScore' }
  );
  try {
    const ids = Uint32Array.from({ length: n }, (_, i) => i);
    const { text } = await chart.rowsText('json', ids, null, n);
    return JSON.parse(text) as Record<string, unknown>[];
  } finally {
    chart.free();
  }
}

/** Shows a cluster run: scatter, outlier timeline, outlier list. */
export function renderClusters(
  host: HTMLElement,
  run: ClusterRun,
  engine: IHuntkitEngine,
  open: (result: ShownResult) => void
): { dispose(): void } {
  const d = document;
  const views: Array<{ dispose(): void }> = [];
  const heading = d.createElement('strong');
  heading.className = 'jp-huntkit-analyze-summary';
  heading.textContent = `${run.file.name}: ${run.summary}`;

  // The scatter, with the two features it plots picked here.
  const pickers = d.createElement('div');
  pickers.className = 'jp-huntkit-analyze-axes';
  const features = run.features.length > 0 ? run.features : ['ClusterSize'];
  const axes = features.length > 1 ? features : [...features, 'ClusterSize'];
  const xs = featureSelect('x', axes, axes[0]);
  const ys = featureSelect('y', axes, axes[1]);
  const label = (text: string, control: HTMLElement): HTMLLabelElement => {
    const l = d.createElement('label');
    l.append(text, control);
    return l;
  };
  pickers.append(label('X ', xs), label(' Y ', ys));
  const scatterBox = d.createElement('div');
  scatterBox.className = 'jp-huntkit-analyze-scatter';
  let scatter: { dispose(): void } | null = null;
  const drawScatter = (): void => {
    scatter?.dispose();
    scatterBox.replaceChildren();
    scatter = shownView(
      scatterBox,
      bundleOf('cluster_scatter', 'clusters', run.clusters, {
        x: xs.value,
        y: ys.value,
        title: 'Clusters (one circle per cluster, sized by its events; noise grey)'
      }),
      engine
    );
  };
  xs.addEventListener('change', drawScatter);
  ys.addEventListener('change', drawScatter);
  drawScatter();

  // The outliers along time, one lane per process.
  const timeline = d.createElement('div');
  views.push(
    shownView(
      timeline,
      bundleOf('timeline', 'outliers', run.outliers, {
        time_column: run.time,
        group_by: 'processName',
        title: `Isolation-forest outliers (${run.outlierCount})`
      }),
      engine
    )
  );

  const list = d.createElement('div');
  list.className = 'jp-huntkit-analyze-outliers';
  host.append(heading, pickers, scatterBox, timeline, list);

  // The process tree, built on the first "Show in process tree".
  let tree: Promise<ProcTreeFrame> | null = null;
  const openTree = (): Promise<ProcTreeFrame> => {
    tree ??= new Promise<ProcTreeFrame>((resolve, reject) => {
      const box = d.createElement('div');
      // Through `renderView`, like every view: the file's bytes as they are.
      const bundle = {
        version: BUNDLE_VERSION,
        kind: 'process_tree',
        options: { title: `${run.file.name}: process tree` },
        data: [{ label: run.file.name, bytes: run.file.bytes, format: 'auto' }]
      };
      renderView(box, bundle, { engine }).then(view => {
        if (view.error !== null) {
          view.dispose();
          reject(new Error(view.error));
          return;
        }
        const frame = view.frame as ProcTreeFrame;
        open({
          title: `${run.file.name}: process tree`,
          render: h => {
            h.append(box);
            return {
              dispose: () => {
                view.dispose();
                tree = null;
              }
            };
          }
        });
        resolve(frame);
      }, reject);
    });
    tree.catch(() => {
      tree = null;
    });
    return tree;
  };
  const status = d.createElement('div');
  status.className = 'jp-huntkit-analyze-status';
  status.setAttribute('aria-live', 'polite');
  const showInTree = async (row: number): Promise<void> => {
    status.textContent = 'building the process tree…';
    try {
      const frame = await openTree();
      const found = await frame.revealRow(row);
      frame.root.scrollIntoView?.({ block: 'nearest' });
      status.textContent = found
        ? `event ${row} selected in the process tree`
        : `event ${row} is not a process in the tree`;
    } catch (error) {
      status.textContent = `cannot build the process tree: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  void outlierRows(engine, run.outliers, run.outlierCount).then(
    rows => list.append(outlierTable(rows, showInTree, run.outlierCount), status),
    (error: unknown) => {
      status.textContent = `cannot list the outliers: ${error instanceof Error ? error.message : String(error)}`;
      list.append(status);
    }
  );

  return {
    dispose: () => {
      scatter?.dispose();
      for (const v of views) {
        v.dispose();
      }
    }
  };
}

/** The outlier list: score, the event's columns, and the tree link (text only, never HTML). */
function outlierTable(
  rows: Record<string, unknown>[],
  showInTree: (row: number) => Promise<void>,
  total: number
): HTMLElement {
  const d = document;
  const box = d.createElement('div');
  const head = d.createElement('strong');
  head.textContent =
    total > rows.length
      ? `The ${rows.length} most isolated of ${total} outliers`
      : `${rows.length} outlier${rows.length === 1 ? '' : 's'}`;
  box.append(head);
  if (rows.length === 0) {
    return box;
  }
  const present = LIST_COLUMNS.filter(c => c in rows[0]);
  const columns = ['OutlierScore', 'ClusterId', ...present];
  const table = d.createElement('table');
  table.className = 'jp-huntkit-analyze-outlier-table';
  const tr = d.createElement('tr');
  for (const c of [...columns, '']) {
    const th = d.createElement('th');
    th.textContent = c;
    tr.append(th);
  }
  table.append(tr);
  for (const row of rows) {
    const line = d.createElement('tr');
    const source = Number(row.SourceIndex);
    line.dataset.sourceIndex = String(source);
    for (const c of columns) {
      const td = d.createElement('td');
      const v = row[c];
      const text = typeof v === 'number' && c === 'OutlierScore' ? v.toFixed(3) : String(v ?? '');
      td.textContent = text.length > 120 ? `${text.slice(0, 120)}…` : text;
      td.title = text;
      line.append(td);
    }
    const td = d.createElement('td');
    const b = d.createElement('button');
    b.type = 'button';
    b.className = 'jp-huntkit-analyze-show-tree';
    b.textContent = 'Show in process tree';
    b.disabled = !Number.isInteger(source);
    b.addEventListener('click', () => void showInTree(source));
    td.append(b);
    line.append(td);
    table.append(line);
  }
  box.append(table);
  return box;
}
