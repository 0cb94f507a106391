/**
 * Notebook views, shared by the JupyterLab MIME renderer and the VS Code
 * notebook renderer: `renderViewBundle(host, bundle)` checks the bundle,
 * builds the wasm chart and mounts the frame, and shows any problem as a
 * message in `host` instead of throwing.
 */
import {
  base64ToBytes,
  BundleError,
  parseBundle,
  type ViewBundle,
  type ViewKindName
} from './bundle.js';
import { ChartFrame } from './chartView.js';
import { ChartView, loadChartWasm } from './wasm.js';
import { renderProcTreeBundle } from './procTree.js';

export {
  BUNDLE_VERSION,
  BundleError,
  VIEW_KINDS,
  VIEW_MIME_TYPE,
  VIEW_TITLES,
  base64ToBytes,
  parseBundle,
  type BundleDataSet,
  type ViewBundle,
  type ViewKindName
} from './bundle.js';
export { ChartFrame, formatTime, type ChartModel } from './chartView.js';
export { PALETTE, readTheme, type ThemeColors } from './theme.js';
export { ChartView, loadChartWasm, tableColumns } from './wasm.js';
export { mountProcessTree, PROC_SCHEMAS, ProcTreeFrame, ROW_HEIGHT } from './procTree.js';

/** Where the host's wasm file is, when its bundler does not ship it itself. */
export interface RenderOptions {
  wasmUrl?: string | URL;
}

/** A mounted view (or error message). */
export interface RenderedView {
  /** The frame, when the bundle could be drawn. */
  readonly frame: ChartFrame | null;
  dispose(): void;
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

/** Builds the wasm chart for a checked bundle (the wasm must be loaded). */
export function chartFromBundle(bundle: ViewBundle): ChartView {
  const sets = bundle.data.map((set, i) => ({
    label: set.label,
    data: base64ToBytes(set.arrow, `data set ${i + 1} (${JSON.stringify(set.label)})`),
    format: 'arrow',
    ...(set.time_column ? { time_column: set.time_column } : {}),
    ...(set.color ? { color: set.color } : {})
  }));
  return new ChartView(bundle.kind, sets, bundle.options);
}

/** Draws a checked bundle of one kind; the wasm module is loaded. */
export type ViewRenderer = (host: HTMLElement, bundle: ViewBundle) => RenderedView;

/** Kinds drawn by something other than the chart frame (the process tree). */
const RENDERERS = new Map<string, ViewRenderer>([['process_tree', renderProcTreeBundle]]);

/** Lets a view module draw its own kind of bundle. */
export function registerViewRenderer(kind: ViewKindName, render: ViewRenderer): void {
  RENDERERS.set(kind, render);
}

/**
 * Draws a view bundle into `host`. Never throws: a bundle that cannot be
 * drawn (unknown version, missing column, corrupt Arrow…) becomes a
 * `.jp-huntkit-view-error` message naming the problem.
 */
export async function renderViewBundle(
  host: HTMLElement,
  bundle: unknown,
  options: RenderOptions = {}
): Promise<RenderedView> {
  let frame: ChartFrame;
  try {
    const checked = parseBundle(bundle);
    await loadChartWasm(options.wasmUrl);
    const own = RENDERERS.get(checked.kind);
    if (own) {
      return own(host, checked);
    }
    frame = new ChartFrame(host, chartFromBundle(checked));
  } catch (error) {
    const message =
      error instanceof BundleError || error instanceof Error ? error.message : String(error);
    const box = renderError(host, message);
    return { frame: null, dispose: () => box.remove() };
  }
  return { frame, dispose: () => frame.dispose() };
}
