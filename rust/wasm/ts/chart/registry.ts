/**
 * The view registry: every view kind of the contract (`VIEW_KINDS`) maps to
 * one `ViewDefinition` — its name for people, the options a host's picker
 * offers, and how it mounts (layout, drawing and interactions live in the
 * frame it mounts). `renderView` is the one entry every host and panel
 * calls; none of them branches on a kind.
 *
 * Where the work runs (the threading rule, README "Architecture"): every
 * kind's O(n) work — reading the table, building a process tree, a chart's
 * layout — runs in one of the engine's workers (views, trees), which holds
 * the built object under a handle; the page posts viewports and draws the
 * windows of rows or the marks that come back. No module of this layer
 * loads the wasm.
 */
import { HuntkitEngine, type ChartSource, type RemoteChart } from '../engine.js';
import { PROC_SCHEMAS } from '../contract.js';
import {
  BundleError,
  parseBundle,
  VIEW_KINDS,
  VIEW_TITLES,
  type ViewBundle,
  type ViewKindName
} from './bundle.js';
import { ChartFrame } from './chartView.js';
import { bundleTable, mountProcessTree, procTreeOptions, type ProcTreeFrame } from './procTree.js';
import type { TreeEngine } from './procTree.js';
import { LookupFrame } from './lookupFrame.js';
import { mountEntityGraph, type EntityGraphFrame, type GraphEngine } from './entityGraph.js';
import type { LookupEngine, LookupHost } from '../views/lookupView.js';

/** What chart views need from the engine: a chart built and held in its worker. */
export interface ChartEngine {
  openChart(
    kind: string,
    sources: ChartSource[],
    options?: Record<string, unknown>
  ): Promise<RemoteChart>;
}

/** What views need from the engine (a `HuntkitEngine`: the worker half). */
export type ViewEngine = TreeEngine & ChartEngine & LookupEngine & GraphEngine;

/** What a view is drawn with. */
export interface ViewContext {
  /** The engine whose worker does the O(n) work; default: the shared one (`viewEngine()`). */
  engine?: ViewEngine;
  /**
   * Where a Lookup view's provider calls go (the Jupyter server, VS Code's
   * extension host); without one, the view shows its observables and says
   * lookups need the host.
   */
  lookupHost?: LookupHost | null;
}

/** A frame a view mounted. */
export type ViewFrame = ChartFrame | ProcTreeFrame | LookupFrame | EntityGraphFrame;

/** A mounted view, or its error message. */
export interface RenderedView {
  /** The frame, when the bundle could be drawn. */
  readonly frame: ViewFrame | null;
  /** Why the bundle could not be drawn (also shown in the host), or null. */
  readonly error: string | null;
  dispose(): void;
}

/** One option a host's picker sets ("Open in huntkit"). */
export interface ViewField {
  /** The option's name in the view spec. */
  option: string;
  label: string;
  /** Whether the picker may be left empty. */
  optional: boolean;
  /** Fixed `[value, label]` choices; the table's columns when absent. */
  choices?: ReadonlyArray<readonly [string, string]>;
  /** The option is a list of one column. */
  list?: boolean;
}

/** One view kind. */
export interface ViewDefinition {
  /** The kind's name for people: default titles and pickers. */
  readonly title: string;
  /** The options a picker offers for a plain table. */
  readonly fields: readonly ViewField[];
  /** The kind draws several named tables (entity_graph: `nodes`, `edges`), so a one-table picker leaves it out. */
  readonly multiTable?: boolean;
  /** Mounts a checked bundle of this kind into `host` (throws on bad data or options). */
  mount(
    host: HTMLElement,
    bundle: ViewBundle,
    engine: ViewEngine,
    ctx: ViewContext
  ): Promise<ViewFrame>;
}

/** A checked bundle's data sets as the engine takes them (bytes, or base64 decoded in the worker). */
export function chartSources(bundle: ViewBundle): ChartSource[] {
  return bundle.data.map((set, i) => ({
    label: set.label,
    data: set.bytes ?? {
      base64: set.arrow ?? '',
      what: `data set ${i + 1} (${JSON.stringify(set.label)})`
    },
    format: set.bytes ? (set.format ?? 'auto') : 'arrow',
    ...(set.time_column ? { time_column: set.time_column } : {}),
    ...(set.color ? { color: set.color } : {})
  }));
}

/** A chart kind: the worker's wasm `ChartView` lays out, the `ChartFrame` draws and interacts. */
function chart(kind: ViewKindName, fields: ViewField[]): ViewDefinition {
  return {
    title: VIEW_TITLES[kind],
    fields,
    async mount(host, bundle, engine) {
      const model = await engine.openChart(bundle.kind, chartSources(bundle), bundle.options);
      let frame: ChartFrame;
      try {
        frame = new ChartFrame(host, model);
      } catch (error) {
        model.free();
        throw error;
      }
      await frame.ready;
      return frame;
    }
  };
}

const time = (label = 'Time'): ViewField => ({ option: 'time_column', label, optional: false });
const groupBy = (optional = true): ViewField => ({
  option: 'group_by',
  label: 'Group by',
  optional
});

/** Every view kind, by name. */
export const VIEWS: Readonly<Record<ViewKindName, ViewDefinition>> = {
  timeline: chart('timeline', [time(), groupBy()]),
  timeline_values: chart('timeline_values', [
    time(),
    { option: 'y', label: 'Value', optional: false },
    groupBy()
  ]),
  timeline_duration: chart('timeline_duration', [time(), { ...groupBy(false), list: true }]),
  matrix: chart('matrix', [
    { option: 'x', label: 'X', optional: false },
    { option: 'y', label: 'Y', optional: false },
    { option: 'value_col', label: 'Value', optional: true }
  ]),
  anomalies: chart('anomalies', [
    time(),
    { option: 'y', label: 'Value', optional: false },
    { option: 'baseline_col', label: 'Baseline', optional: false },
    { option: 'anomalies_col', label: 'Anomalies', optional: false }
  ]),
  session_scores: chart('session_scores', [
    time('Session start'),
    { option: 'y', label: 'Likelihood', optional: false },
    groupBy()
  ]),
  cluster_scatter: chart('cluster_scatter', [
    { option: 'x', label: 'X feature', optional: false },
    { option: 'y', label: 'Y feature', optional: false }
  ]),
  lookup: {
    title: VIEW_TITLES.lookup,
    // Its observables are in the options; no table to pick columns from.
    fields: [],
    mount(host, bundle, engine, ctx) {
      return Promise.resolve(new LookupFrame(host, bundle, engine, ctx.lookupHost ?? null));
    }
  },
  process_tree: {
    title: VIEW_TITLES.process_tree,
    fields: [
      {
        option: 'schema',
        label: 'Schema',
        optional: true,
        choices: [['', 'auto'], ...PROC_SCHEMAS.map((s): [string, string] => [s, s])]
      },
      { option: 'legend_col', label: 'Legend', optional: true }
    ],
    async mount(host, bundle, engine) {
      // Parsed, linked and indexed in the worker; the frame asks for windows.
      const { data, format } = bundleTable(bundle);
      return mountProcessTree(host, engine, data, format, procTreeOptions(bundle.options));
    }
  },
  entity_graph: {
    title: VIEW_TITLES.entity_graph,
    // Two tables with fixed columns (nodes, edges): nothing to pick.
    fields: [],
    multiTable: true,
    mount(host, bundle, engine) {
      // Read and laid out in the worker; the frame draws and sends what the user does.
      return mountEntityGraph(host, engine, bundle);
    }
  }
};

// Every kind of the contract has a view (a new kind fails here, at load).
for (const kind of VIEW_KINDS) {
  if (!VIEWS[kind]) {
    throw new Error(`huntkit: no view for kind ${kind}`);
  }
}

let shared: ViewEngine | null = null;

/**
 * The engine views use when the host passes none: the one a host set with
 * `setViewEngine` (JupyterLab's engine plugin sets its own, so panels and
 * notebook outputs share one worker), else one started on first use.
 */
export function viewEngine(): ViewEngine {
  shared ??= new HuntkitEngine();
  return shared;
}

/** Makes `engine` the one views use by default. */
export function setViewEngine(engine: ViewEngine): void {
  shared = engine;
}

/** Shows `message` in `host` as the view's error box. */
export function renderError(host: HTMLElement, message: string): HTMLElement {
  const d = host.ownerDocument;
  const box = d.createElement('div');
  box.className = 'jp-huntkit-view-error';
  box.setAttribute('role', 'alert');
  const head = d.createElement('strong');
  head.textContent = 'huntkit cannot show this view: ';
  const text = d.createElement('span');
  text.className = 'jp-huntkit-view-error-message';
  text.textContent = message;
  box.append(head, text);
  host.append(box);
  return box;
}

/**
 * Draws a view bundle into `host`: a notebook output's bundle (an object or
 * its JSON text, data as base64 Arrow), or one a panel made (data as
 * `bytes` with a `format`). Never throws: a bundle that cannot be drawn
 * (unknown version or kind, missing column, corrupt data…) becomes a
 * `.jp-huntkit-view-error` message naming the problem, and `error` says it.
 */
export async function renderView(
  host: HTMLElement,
  bundle: unknown,
  ctx: ViewContext = {}
): Promise<RenderedView> {
  let frame: ViewFrame;
  try {
    const checked = parseBundle(bundle);
    frame = await VIEWS[checked.kind].mount(host, checked, ctx.engine ?? viewEngine(), ctx);
  } catch (error) {
    const message =
      error instanceof BundleError || error instanceof Error ? error.message : String(error);
    const box = renderError(host, message);
    return { frame: null, error: message, dispose: () => box.remove() };
  }
  return { frame, error: null, dispose: () => frame.dispose() };
}
