/**
 * Notebook views, shared by the JupyterLab panels and MIME renderer and the
 * VS Code notebook renderer: `renderView(host, bundle, ctx)` checks the
 * bundle, looks its kind up in the view registry (`VIEWS`) and mounts the
 * kind's frame, and shows any problem as a message in `host` instead of
 * throwing.
 */
export {
  BUNDLE_VERSION,
  BundleError,
  VIEW_KINDS,
  VIEW_KINDS_WITHOUT_DATA,
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
export {
  mountProcessTree,
  PROC_SCHEMAS,
  ProcTreeFrame,
  ROW_HEIGHT,
  type ProcTreeMountOptions,
  type TreeEngine
} from './procTree.js';
export {
  chartSources,
  renderError,
  renderView,
  setViewEngine,
  viewEngine,
  VIEWS,
  type RenderedView,
  type ChartEngine,
  type ViewContext,
  type ViewDefinition,
  type ViewEngine,
  type ViewField,
  type ViewFrame
} from './registry.js';
export { LookupFrame, lookupOptions } from './lookupFrame.js';
export {
  EntityGraphFrame,
  entityGraphOptions,
  mountEntityGraph,
  type GraphEngine
} from './entityGraph.js';
