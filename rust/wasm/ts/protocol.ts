/**
 * The messages between the loader (`engine.ts`) and the Web Worker
 * (`worker.ts`), defined once for every host.
 *
 * Requests carry an `id` and an `op`; the worker answers each with zero or
 * more `progress` messages and then exactly one `result` or `error` with the
 * same `id`.
 */
import type {
  AnomalyPeriod,
  CallOutcome,
  GeoDbInfo,
  GeoRow,
  LookupPlan,
  LookupProviderInfo,
  LookupResult,
  HttpResponse,
  ChartInfo,
  ChartLayout,
  DecodeOptions,
  DecodeResult,
  IocOptions,
  IocTextResult,
  ProcTreeDetails,
  ProcTreeLegendValue,
  ProcTreeRow,
  ProcTreeSummary,
  ProcTreeViewOptions,
  LocalManifestInfo,
  QueryFilter,
  QueryLoadError,
  QueryRunOptions,
  QueryTemplate,
  RenderedQuery,
  SessionOptions,
  SiemChunkReport,
  SiemPlanned,
  SiemProviderInfo,
  SiemRunOptions,
  TimeSpanResult,
  TimeseriesOptions,
  ClusterOptions,
  EntityGraphOptions,
  EntityGraphViewOptions,
  GraphNodeDetails,
  GraphNodeInfo,
  GraphSummary
} from '../pkg/huntkit_wasm.js';

/** Text, or the raw bytes of a file (UTF-8; invalid bytes become U+FFFD). */
export type EngineInput = string | ArrayBuffer;

/** The table formats `extractIocTable` reads. */
export type TableFormat = 'auto' | 'csv' | 'json' | 'ndjson' | 'arrow';

/** Options for table extraction (`columns` picks the columns to scan). */
export type IocTableOptions = IocOptions;

/** Streaming IoC extraction over text or file bytes. */
export interface IocRequest {
  id: number;
  op: 'ioc';
  input: EngineInput;
  options: IocOptions;
  /** Characters (string input) or bytes (ArrayBuffer input) per push. */
  chunkSize?: number;
}

/** Encoded-data unpacking of one text. */
export interface DecodeRequest {
  id: number;
  op: 'decode';
  input: EngineInput;
  options: DecodeOptions;
}

/** IoC extraction over a table (CSV, JSON, NDJSON or Arrow IPC bytes). */
export interface IocTableRequest {
  id: number;
  op: 'iocTable';
  data: ArrayBuffer;
  format: TableFormat;
  options: IocTableOptions;
}

/** Time-series anomalies over a table (events or a value column per time). */
export interface TimeseriesRequest {
  id: number;
  op: 'timeseries';
  data: ArrayBuffer;
  format: TableFormat;
  options: TimeseriesOptions;
}

/**
 * An investigation's entity graph read from incident/alert JSON (Sentinel
 * REST resources, SecurityAlert rows with `Entities`, Defender alerts with
 * `evidence`), in the worker: what the offline "Open in huntkit" flow draws.
 */
export interface IncidentGraphRequest {
  id: number;
  op: 'incidentGraph';
  data: ArrayBuffer;
  options: EntityGraphOptions;
}

/** The graph's `nodes` and `edges` tables as Arrow IPC (transferred) and what was skipped. */
export interface IncidentGraphAnswer {
  nodes: ArrayBuffer;
  edges: ArrayBuffer;
  nodeCount: number;
  warnings: string[];
}

/** Event clustering (DBSCAN) and isolation-forest outliers over a table. */
export interface ClusterRequest {
  id: number;
  op: 'cluster';
  data: ArrayBuffer;
  format: TableFormat;
  options: ClusterOptions;
}

/**
 * What a cluster request answers: the cluster and outlier rows as Arrow
 * IPC and the per-row arrays, every buffer transferred.
 */
export interface ClusterAnswer {
  clusters: ArrayBuffer;
  outliers: ArrayBuffer;
  labels: Int32Array;
  scores: Float64Array;
  isOutlier: Uint8Array;
  clusterCount: number;
  features: string[];
  points: Float64Array;
}

/** What a time-series request answers: the scored series as Arrow IPC (transferred). */
export interface TimeseriesAnswer {
  table: ArrayBuffer;
  periods: AnomalyPeriod[];
  kql: string;
}

/**
 * Anomalous-session scores of a table's session column (`format` `lines`:
 * one JSON list per line, in a column named `text`).
 */
export interface SessionsRequest {
  id: number;
  op: 'sessions';
  data: ArrayBuffer;
  format: TableFormat | 'lines';
  options: SessionOptions;
}

/**
 * A table's bytes, or the base64 text of an Arrow IPC stream (as a view
 * bundle carries it): decoding it is O(n), so the worker does it.
 */
export type TableData =
  | ArrayBuffer
  | { base64: string; /** Names the data in errors. */ what?: string }
  | {
      /** Base64 text sent before in `stage` pieces under this key. */ staged: number;
      what?: string;
    };

/**
 * A piece of a long base64 text, sent ahead of the request that uses it
 * (`{staged: key}`): posting 180 MB of text at once holds the page for
 * over 100 ms while it is copied; posting it in pieces, one per task, does not.
 */
export interface StageRequest {
  id: number;
  op: 'stage';
  key: number;
  chunk: string;
}

/** The column names of a table (the pickers' choices). */
export interface ColumnsRequest {
  id: number;
  op: 'columns';
  data: TableData;
  format: TableFormat;
}

/**
 * Builds a process tree of a table of process-creation events in the
 * worker and keeps it there under a handle; the page then asks for
 * windows of rows (`tree` requests) and closes it (`treeClose`).
 */
export interface TreeOpenRequest {
  id: number;
  op: 'treeOpen';
  data: TableData;
  format: TableFormat;
  options: ProcTreeViewOptions;
}

/** What opening a process tree answers: its handle and what the frame shows first. */
export interface TreeOpened {
  handle: number;
  summary: ProcTreeSummary;
  timeBounds: [number, number] | null;
  legend: ProcTreeLegendValue[];
  /** Rows shown now (everything expanded). */
  visible: number;
}

/** Rows `start..start + rows.length` of the visible tree, and how many rows it has. */
export interface TreeWindow {
  visible: number;
  rows: ProcTreeRow[];
}

/** One call on an open process tree (the wasm `ProcessTreeView`'s methods). */
export type TreeCall =
  | { method: 'rows'; start: number; count: number }
  | { method: 'position'; node: number }
  | { method: 'toggle'; node: number }
  | { method: 'expandAll' }
  | { method: 'collapseAll' }
  | { method: 'expandTo'; node: number }
  | { method: 'nodeOfRow'; row: number }
  | { method: 'search'; text: string }
  | { method: 'setTimeRange'; t0: number | null; t1: number | null }
  | { method: 'details'; node: number }
  | { method: 'subtreeText'; node: number }
  | { method: 'subtreeCsv'; node: number };

/** What each tree call answers. State changes answer the new visible row count. */
export interface TreeResults {
  rows: TreeWindow;
  /** The node's visible row, -1 when hidden. */
  position: number;
  toggle: number;
  expandAll: number;
  collapseAll: number;
  /** The node's row after opening its ancestors (-1: filtered out), and the row count. */
  expandTo: { position: number; visible: number };
  /** The node of an input row (a cluster or outlier row's `SourceIndex`), -1 when none. */
  nodeOfRow: number;
  /** Matching nodes in row order, and the row count (their ancestors opened). */
  search: { matches: number[]; visible: number };
  setTimeRange: number;
  details: ProcTreeDetails | null;
  subtreeText: string;
  subtreeCsv: string;
}

/** The name of a tree call. */
export type TreeMethod = TreeCall['method'];

/** A call on the open process tree `handle`. */
export interface TreeRequest {
  id: number;
  op: 'tree';
  handle: number;
  call: TreeCall;
}

/** Frees the process tree `handle` (unknown handles are ignored). */
export interface TreeCloseRequest {
  id: number;
  op: 'treeClose';
  handle: number;
}

/**
 * Reads an entity graph's `nodes` and `edges` tables and lays out its
 * best linked nodes (ForceAtlas2) in the worker, kept there under a handle;
 * the page draws the positions that come back and asks for details,
 * expansions and notes (`graph` requests), each laid out again there.
 */
export interface GraphOpenRequest {
  id: number;
  op: 'graphOpen';
  nodes: TableData;
  nodesFormat: TableFormat;
  edges: TableData;
  edgesFormat: TableFormat;
  options: EntityGraphViewOptions;
}

/** What the page draws of an entity graph: shown nodes, edges and positions by slot. */
export interface GraphState {
  nodes: GraphNodeInfo[];
  /** Slot pairs `s0, t0, s1, t1, …`. */
  edges: Uint32Array;
  /** `x, y` per slot (layout units). */
  positions: Float64Array;
  /** The shown timed nodes as an Arrow IPC table (`TimeGenerated`, `Name`, `Type`, `Node`). */
  timeline: ArrayBuffer;
  /** The node index of each timeline row. */
  timelineNodes: Uint32Array;
}

/** What opening an entity graph answers. */
export interface GraphOpened extends GraphState {
  handle: number;
  summary: GraphSummary;
}

/** One call on an open entity graph (the wasm `EntityGraphView`'s methods). */
export type GraphCall =
  | { method: 'expand'; node: number }
  | { method: 'addNote'; node: number; text: string }
  | { method: 'details'; node: number }
  | { method: 'setPosition'; slot: number; x: number; y: number };

/** What each graph call answers. */
export interface GraphResults {
  expand: GraphState & { added: number };
  addNote: GraphState & { note: number };
  details: GraphNodeDetails;
  setPosition: null;
}

/** A call on the open entity graph `handle`. */
export interface GraphRequest {
  id: number;
  op: 'graph';
  handle: number;
  call: GraphCall;
}

/** Frees the entity graph `handle` (unknown handles are ignored). */
export interface GraphCloseRequest {
  id: number;
  op: 'graphClose';
  handle: number;
}

/** One data set of a chart: a table (transferred bytes, or base64 Arrow decoded in the worker). */
export interface ChartSet {
  label: string;
  data: TableData;
  format: TableFormat;
  time_column?: string;
  color?: string;
}

/**
 * Reads a chart's tables and builds its wasm `ChartView` in the worker,
 * kept there under a handle; the page then posts viewports (`chart`
 * requests) and draws the layouts that come back, and closes it
 * (`chartClose`). The page never holds the data or the wasm.
 */
export interface ChartOpenRequest {
  id: number;
  op: 'chartOpen';
  /** A chart view kind (`ChartInfo['kind']`). */
  kind: string;
  sets: ChartSet[];
  options: Record<string, unknown>;
}

/** What opening a chart answers: its handle and what the frame is built from. */
export interface ChartOpened {
  handle: number;
  info: ChartInfo;
}

/** Rows of a chart as text for the clipboard, and how many. */
export interface ChartRowsText {
  count: number;
  text: string;
}

/** One call on an open chart (the wasm `ChartView`'s methods, a round trip each). */
export type ChartCall =
  /** The marks and ticks of the window `[x0, x1]` in a `width` × `height` plot. */
  | { method: 'layout'; x0: number; x1: number; width: number; height: number }
  /** Events per pixel column of the whole x domain (the overview strip). */
  | { method: 'overview'; width: number }
  /** The mark under `(x, y)` in the last layout, its row count and its first `limit` rows. */
  | { method: 'hover'; x: number; y: number; radius: number; limit: number }
  /** The mark under `(x, y)` in the last layout and its first `limit` row ids. */
  | { method: 'pick'; x: number; y: number; radius: number; limit: number }
  /**
   * Rows as CSV or JSON text: `ids` when given, else the rows in `[t0, t1]`
   * (time charts), else the rows of every mark of the last layout; at most `limit`.
   */
  | {
      method: 'rowsText';
      format: 'csv' | 'json';
      ids: Uint32Array | null;
      t0: number | null;
      t1: number | null;
      limit: number;
    }
  /** Hides marks above `yMax` (null: none hidden), scored sessions' slider. */
  | { method: 'setYMax'; yMax: number | null };

/** What each chart call answers. */
export interface ChartResults {
  layout: ChartLayout;
  overview: Uint32Array;
  hover: { mark: number; total: number; rows: Record<string, unknown>[] };
  pick: { mark: number; ids: Uint32Array };
  rowsText: ChartRowsText;
  setYMax: null;
}

/** The name of a chart call. */
export type ChartMethod = ChartCall['method'];

/** A call on the open chart `handle`. */
export interface ChartRequest {
  id: number;
  op: 'chart';
  handle: number;
  call: ChartCall;
}

/** Frees the chart `handle` (unknown handles are ignored). */
export interface ChartCloseRequest {
  id: number;
  op: 'chartClose';
  handle: number;
}

/**
 * Query templates: the worker holds one `QueryLibrary` (huntkit's bundled
 * library) for its lifetime; these list it, render a template and run one
 * over LocalData files the host read.
 */
export interface QueryListRequest {
  id: number;
  op: 'queryList';
  filter: QueryFilter;
}

/** The templates a filter selects, and the files or templates that did not load. */
export interface QueryListAnswer {
  templates: QueryTemplate[];
  errors: QueryLoadError[];
}

/** Renders a template (`params` by name or alias; strings escaped for its language). */
export interface QueryRenderRequest {
  id: number;
  op: 'queryRender';
  name: string;
  params: Record<string, unknown>;
  options: QueryRunOptions;
}

/**
 * Runs a template over LocalData: `manifest` is the manifest's YAML
 * (`null`: the bundled demo manifest) and `files` the bytes of the files
 * it names, by their manifest path (transferred).
 */
export interface QueryRunLocalRequest {
  id: number;
  op: 'queryRunLocal';
  name: string;
  params: Record<string, unknown>;
  manifest: ArrayBuffer | null;
  files: Record<string, ArrayBuffer>;
  options: QueryRunOptions;
}

/** What a LocalData run answers: the rows kept as Arrow IPC (transferred). */
export interface QueryRunAnswer {
  name: string;
  /** The manifest's file that answered. */
  file: string;
  table: ArrayBuffer;
  rows: number;
  rowsRead: number;
  /** The filters applied, for display. */
  applied: string[];
  columns: string[];
  /** The first rows as display text (at most 1000). */
  preview: string[][];
}

/** What a LocalData manifest maps (`manifest` `null`: the bundled demo one). */
export interface QueryManifestRequest {
  id: number;
  op: 'queryManifest';
  manifest: ArrayBuffer | null;
}

/**
 * A time range from time expressions (`-7d`, `-1w@d`, ISO, `now`), as
 * MSTICPy's `TimeSpan(start, end | period)`: for a picker's preview.
 */
export interface QueryTimeRequest {
  id: number;
  op: 'queryTime';
  start: string | null;
  end: string | null;
  period: string | null;
  /** "Now" (ISO or epoch ms); default the clock. */
  now: string | number | null;
}

/** The lookup providers (name, kind, whether a key is needed, IoC types taken). */
export interface LookupProvidersRequest {
  id: number;
  op: 'lookupProviders';
}

/**
 * Checks observables and plans their provider calls (nothing is sent: the
 * host sends `requests` and hands back what came back to `lookupFinish`).
 */
export interface LookupPlanRequest {
  id: number;
  op: 'lookupPlan';
  iocs: string[];
  providers: string[];
}

/**
 * A plan, with the outcomes of its calls the worker's session cache
 * answered (answers kept 10 minutes): the host sends only the others.
 */
export type LookupPlanned = LookupPlan & { cached: CallOutcome[] };

/** Reads what came back for a plan's calls into the result rows (and caches the answers). */
export interface LookupFinishRequest {
  id: number;
  op: 'lookupFinish';
  plan: LookupPlan;
  outcomes: CallOutcome[];
}

/**
 * Milliseconds to wait before sending a call again after `response` (answer
 * number `attempt`), by the core's retry rules; `null`: use the answer.
 */
export interface LookupRetryRequest {
  id: number;
  op: 'lookupRetry';
  attempt: number;
  response: HttpResponse;
}

/** The SIEM query providers and the data environment of each. */
export interface SiemProvidersRequest {
  id: number;
  op: 'siemProviders';
}

/**
 * Plans a template run on a SIEM provider (nothing is sent: the host
 * performs each planned request through its query route and hands the
 * answer to `siemAnswer`). Answers the run's handle and its first request.
 */
export interface SiemStartRequest {
  id: number;
  op: 'siemStart';
  name: string;
  params: Record<string, unknown>;
  provider: string;
  options: SiemRunOptions;
}

/** The answer to a run's request (`response`), or why there is none (`error`). */
export interface SiemAnswerRequest {
  id: number;
  op: 'siemAnswer';
  run: number;
  request: number;
  response?: HttpResponse | null;
  error?: string | null;
}

/** Ends a run: every chunk's rows as one typed table, and the chunk report. */
export interface SiemFinishRequest {
  id: number;
  op: 'siemFinish';
  run: number;
}

/** A run's handle and its next request (`null`: all sent, finish it). */
export interface SiemStep {
  run: number;
  next: SiemPlanned | null;
}

/** What `siemFinish` answers (the table transferred). */
export interface SiemFinishAnswer {
  provider: string;
  table: ArrayBuffer;
  rows: number;
  status: string;
  chunks: SiemChunkReport[];
  notes: string[];
  columns: string[];
  preview: string[][];
}

/** What `lookupFinish` answers: the rows, and the same rows as Arrow IPC (transferred). */
export interface LookupFinishAnswer {
  rows: LookupResult[];
  table: ArrayBuffer;
}

/**
 * Opens a MaxMind `.mmdb` (the bytes of a file the user picked; transferred)
 * and keeps it in the worker for the session, replacing any other; a file
 * that is not one is an error (kind `parse`) saying what was wrong.
 */
export interface GeoLoadRequest {
  id: number;
  op: 'geoLoad';
  bytes: ArrayBuffer;
  /** The file's name, for messages. */
  name: string;
}

/** GeoIP rows for addresses (defanged is fine) from the loaded database. */
export interface GeoLookupRequest {
  id: number;
  op: 'geoLookup';
  ips: string[];
}

/** What `geoLoad` answers: what the database says of itself, and the file's name. */
export type GeoLoaded = GeoDbInfo & { name: string };

/** What `geoLookup` answers: the rows, and the same rows as Arrow IPC (transferred). */
export interface GeoLookupAnswer {
  rows: GeoRow[];
  table: ArrayBuffer;
}

/**
 * For tests only: the next request this worker handles makes the wasm
 * module panic for real (its `debugPanic` export) instead of doing its
 * work, so recovery from a trapped module can be checked end to end (the
 * request is rejected with kind `wasm_trap`, the lane's worker replaced).
 * Answers `null`. Nothing in data can send it.
 */
export interface DebugArmPanicRequest {
  id: number;
  op: 'debugArmPanic';
}

/**
 * For tests only: the worker script (`worker.ts`) answers `null`, then
 * stops silently on the next request it gets (`close()`: no answer, no
 * `error` event), as a worker killed from outside would, so the loader's
 * watchdog can be checked end to end. The router alone cannot stop a
 * worker: it answers an `internal` error. Nothing in data can send it.
 */
export interface DebugArmVanishRequest {
  id: number;
  op: 'debugArmVanish';
}

/** Every request the worker understands. */
export type EngineRequest =
  | IocRequest
  | DecodeRequest
  | IocTableRequest
  | TimeseriesRequest
  | ClusterRequest
  | IncidentGraphRequest
  | SessionsRequest
  | ColumnsRequest
  | TreeOpenRequest
  | TreeRequest
  | TreeCloseRequest
  | GraphOpenRequest
  | GraphRequest
  | GraphCloseRequest
  | ChartOpenRequest
  | ChartRequest
  | ChartCloseRequest
  | StageRequest
  | QueryListRequest
  | QueryRenderRequest
  | QueryRunLocalRequest
  | QueryManifestRequest
  | QueryTimeRequest
  | LookupProvidersRequest
  | LookupPlanRequest
  | LookupFinishRequest
  | LookupRetryRequest
  | GeoLoadRequest
  | GeoLookupRequest
  | SiemProvidersRequest
  | SiemStartRequest
  | SiemAnswerRequest
  | SiemFinishRequest
  | DebugArmPanicRequest
  | DebugArmVanishRequest;

/** The name of an operation. */
export type EngineOp = EngineRequest['op'];

/** What each operation answers with. */
export interface EngineResults {
  ioc: IocTextResult;
  decode: DecodeResult;
  /** An Arrow IPC stream (transferred). */
  iocTable: ArrayBuffer;
  timeseries: TimeseriesAnswer;
  cluster: ClusterAnswer;
  incidentGraph: IncidentGraphAnswer;
  /** The scored table as an Arrow IPC stream (transferred). */
  sessions: ArrayBuffer;
  columns: string[];
  treeOpen: TreeOpened;
  /** A `TreeResults` entry, by the call's method. */
  tree: TreeResults[TreeMethod];
  treeClose: null;
  graphOpen: GraphOpened;
  /** A `GraphResults` entry, by the call's method. */
  graph: GraphResults[GraphCall['method']];
  graphClose: null;
  chartOpen: ChartOpened;
  /** A `ChartResults` entry, by the call's method. */
  chart: ChartResults[ChartMethod];
  chartClose: null;
  stage: null;
  queryList: QueryListAnswer;
  queryRender: RenderedQuery;
  queryRunLocal: QueryRunAnswer;
  queryManifest: LocalManifestInfo;
  queryTime: TimeSpanResult;
  lookupProviders: LookupProviderInfo[];
  lookupPlan: LookupPlanned;
  lookupFinish: LookupFinishAnswer;
  lookupRetry: number | null;
  geoLoad: GeoLoaded;
  geoLookup: GeoLookupAnswer;
  siemProviders: SiemProviderInfo[];
  siemStart: SiemStep;
  siemAnswer: SiemStep;
  siemFinish: SiemFinishAnswer;
  debugArmPanic: null;
  debugArmVanish: null;
}

/** Work done so far on a request, in the input's units (characters or bytes). */
export interface ProgressMessage {
  id: number;
  type: 'progress';
  done: number;
  total: number;
}

/** The answer to one request. */
export type ResultMessage = {
  [O in EngineOp]: { id: number; type: 'result'; op: O; result: EngineResults[O] };
}[EngineOp];

/**
 * A request failed. `kind` is the wasm error's `kind` (`parse`,
 * `missing_column`, `invalid_option`, …) or one of the loader's own
 * (`init`, `wasm_trap`, `internal`). `fatal` means the worker's wasm
 * instance can't be trusted any more: the loader replaces the worker.
 */
export interface ErrorMessage {
  id: number;
  type: 'error';
  message: string;
  kind: string;
  fatal?: boolean;
}

/** Every message the worker sends. */
export type EngineResponse = ProgressMessage | ResultMessage | ErrorMessage;

/** Error kinds raised by the loader and the worker themselves. */
export const ErrorKind = {
  /** The wasm module could not be loaded or instantiated. */
  init: 'init',
  /** The wasm code trapped (a bug or out of memory); the worker is replaced. */
  wasmTrap: 'wasm_trap',
  /** The worker stopped unexpectedly; the next request starts a new one. */
  workerCrashed: 'worker_crashed',
  /**
   * The worker said nothing for longer than its input allows (killed,
   * out of memory, hung): it was replaced; the next request starts a new one.
   */
  workerUnresponsive: 'worker_unresponsive',
  /** `cancel()` stopped the request. */
  cancelled: 'cancelled',
  /** The engine was disposed. */
  disposed: 'disposed',
  /** A process tree or chart handle that is no longer open in the worker. */
  closed: 'closed',
  /**
   * A process tree or chart opened in a worker that has since been
   * replaced (after a trap or crash): its data went with the old worker.
   */
  engineRestarted: 'engine_restarted',
  /** Anything else thrown in the worker. */
  internal: 'internal'
} as const;
