/**
 * The loader: runs the wasm engine in Web Workers and turns their messages
 * into promises. Hosts create one `HuntkitEngine` and share it.
 *
 * Three lanes, each its own worker and wasm instance, started on first
 * use: `views` holds the open charts (their build, layout, hit-testing)
 * and reads table columns; `trees` holds the open process trees (their
 * build, which takes seconds at 1M processes, and windows of rows);
 * `jobs` runs the analyses, extraction, decoding and queries. A long job
 * or a big tree's build never holds up a chart's next frame, and
 * `cancel()` stops the jobs lane only, so open views survive it.
 */
import type {
  AnomalyPeriod,
  CallOutcome,
  DecodeOptions,
  DecodeResult,
  GeoRow,
  IocOptions,
  IocTextResult,
  ProcTreeViewOptions,
  LocalManifestInfo,
  LocalRunResult,
  HttpRequest,
  HttpResponse,
  SiemChunkReport,
  SiemProviderInfo,
  SiemRunOptions,
  LookupPlan,
  LookupProviderInfo,
  LookupResult,
  QueryFilter,
  QueryRunOptions,
  RenderedQuery,
  SessionOptions,
  TimeSpanResult,
  TimeseriesOptions,
  ClusterOptions,
  EntityGraphOptions,
  EntityGraphViewOptions
} from '../pkg/huntkit_wasm.js';
import {
  ErrorKind,
  type EngineInput,
  type EngineOp,
  type EngineRequest,
  type EngineResponse,
  type EngineResults,
  type ClusterAnswer,
  type ChartCall,
  type ChartOpened,
  type ChartResults,
  type ChartSet,
  type GeoLoaded,
  type GraphCall,
  type GraphOpened,
  type GraphResults,
  type IocTableOptions,
  type LookupPlanned,
  type TableData,
  type TableFormat,
  type TreeCall,
  type TreeOpened,
  type TreeResults,
  type QueryListAnswer
} from './protocol.js';
import {
  DEFAULT_WATCHDOG,
  LaneWatchdog,
  inputSize,
  silenceBudget,
  type WatchdogOptions
} from './watchdog.js';

/**
 * A LocalData run as the engine hands it back: the wasm `runLocal` result
 * itself (the worker only transfers its Arrow bytes).
 */
export type LocalQueryResult = LocalRunResult;

/** GeoIP rows as the engine hands them back, with the same rows as Arrow IPC. */
export interface GeoTableResult {
  rows: GeoRow[];
  /** The rows as an Arrow IPC stream. */
  table: Uint8Array;
}

/**
 * A finished SIEM run as the engine hands it back: every chunk's rows as
 * one typed Arrow table, the first rows as text, and every chunk's report
 * (failed and partial chunks included).
 */
export interface SiemQueryResult {
  provider: string;
  table: Uint8Array;
  rows: number;
  /** `ok`, `partial`, or the first failure's status. */
  status: string;
  chunks: SiemChunkReport[];
  notes: string[];
  columns: string[];
  preview: string[][];
}

/**
 * Performs one planned SIEM request through the host (the Jupyter
 * server's query route): the provider's answer, or a thrown error when
 * the host refused or could not reach it.
 */
export type SiemSend = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * A finished lookup as the engine hands it back: the rows, and the same
 * rows as the core's result table (Arrow IPC).
 */
export interface LookupTableResult {
  rows: LookupResult[];
  table: Uint8Array;
}

/** An error from the engine: `kind` says what went wrong (see `ErrorKind`). */
export class HuntkitError extends Error {
  readonly kind: string;

  constructor(message: string, kind: string) {
    super(message);
    this.name = 'HuntkitError';
    this.kind = kind;
  }
}

/** Called as the worker gets through an input (characters or bytes). */
export type ProgressCallback = (done: number, total: number) => void;

/** What the engine needs from a `Worker` (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: EngineRequest, transfer: Transferable[]): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<EngineResponse>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (event: Event) => void): void;
}

/** A worker of the engine: `views` (charts, columns), `trees` (process trees) or `jobs`. */
export type EngineLane = 'views' | 'trees' | 'jobs';

/** The lanes of the view operations; every other operation is a job. */
const VIEW_LANES: Partial<Record<EngineOp, EngineLane>> = {
  columns: 'views',
  chartOpen: 'views',
  chart: 'views',
  chartClose: 'views',
  treeOpen: 'trees',
  tree: 'trees',
  treeClose: 'trees',
  // Layouts take the time a tree build does: the same lane, never a chart's.
  graphOpen: 'trees',
  graph: 'trees',
  graphClose: 'trees',
  // The loaded GeoIP database lives in the views worker, which `cancel()`
  // leaves alone: it stays for the session.
  geoLoad: 'views',
  geoLookup: 'views'
};

/** The lane an operation runs in (`stage` goes where the request that uses it goes). */
export function laneOf(op: EngineOp): EngineLane {
  return VIEW_LANES[op] ?? 'jobs';
}

/** Engine settings. */
export interface HuntkitEngineOptions {
  /** Starts a lane's worker; the default is the bundled `worker.js`. */
  createWorker?: (lane: EngineLane) => WorkerLike;
  /** How long a lane's worker may stay silent with requests in flight (see `watchdog.ts`). */
  watchdog?: Partial<WatchdogOptions>;
}

/** One lane: its worker (started on first use) and its requests in flight. */
interface Lane {
  worker: WorkerLike | null;
  readonly pending: Map<number, Pending>;
  /** How many times the lane's worker was stopped (trap, crash, silence, cancel). */
  generation: number;
  /** Stops the worker that goes silent with requests in flight. */
  readonly watchdog: LaneWatchdog;
  /** The worker has not said anything yet (it may still be compiling the module). */
  fresh: boolean;
}

interface Pending {
  op: EngineOp;
  /** The input it carries, in characters or bytes (what is left of it, after progress). */
  size: number;
  resolve: (value: never) => void;
  reject: (error: HuntkitError) => void;
  onProgress?: ProgressCallback;
}

function newLane(): Lane {
  return {
    worker: null,
    pending: new Map(),
    generation: 0,
    watchdog: new LaneWatchdog(),
    fresh: true
  };
}

/** `ms` for a message: seconds, one decimal under ten. */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

/** The default worker: bundlers pick up this exact `new Worker(new URL(…))` form. */
function defaultWorker(): WorkerLike {
  return new Worker(new URL('./worker.js', import.meta.url), {
    type: 'module',
    // A literal: webpack names the worker chunk after it
    // (`huntkit-engine.<hash>.js`, which the packaging test looks for); a
    // template string would leave the chunk numbered.
    name: 'huntkit-engine'
  }) as unknown as WorkerLike;
}

/** Copies a view so its buffer can be transferred without detaching the caller's. */
function transferable(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (data instanceof ArrayBuffer) {
    return data;
  }
  // `Uint8Array.prototype.slice` copies (Node's `Buffer#slice` would not).
  return Uint8Array.prototype.slice.call(data).buffer as ArrayBuffer;
}

/**
 * Base64 text longer than this (characters) goes to the worker in pieces of
 * this size, one message per task: copying one piece takes a few
 * milliseconds, copying 180 MB at once over 100 (measured in Chromium).
 */
export const STAGE_CHUNK = 8 << 20;

/** A table for the worker: base64 text goes as it is (the worker decodes it). */
function tableData(data: ArrayBuffer | Uint8Array | { base64: string; what?: string }): {
  data: TableData;
  transfer: Transferable[];
} {
  if (data instanceof ArrayBuffer || data instanceof Uint8Array) {
    const buffer = transferable(data);
    return { data: buffer, transfer: [buffer] };
  }
  return { data, transfer: [] };
}

/** The error of a view whose worker was replaced (its data went with the old worker). */
function lostView(what: string): HuntkitError {
  return new HuntkitError(
    `the huntkit engine restarted after a failure and this ${what}'s data went with it: run the cell or open the file again`,
    ErrorKind.engineRestarted
  );
}

/**
 * A process tree built and held by the engine's worker. The page keeps
 * only this handle and asks for what it draws: windows of rows, one
 * node's details, search matches. Every method is one round trip.
 */
export class RemoteProcessTree {
  private closed = false;
  /** The trees lane's worker this tree lives in (see `HuntkitEngine.laneGeneration`). */
  private readonly generation: number;

  constructor(
    private readonly engine: HuntkitEngine,
    /** What the worker answered on opening: handle, summary, time bounds, legend, rows. */
    readonly opened: TreeOpened
  ) {
    this.generation = engine.laneGeneration('trees');
  }

  /** The worker's handle. */
  get handle(): number {
    return this.opened.handle;
  }

  /** Rows `start..start + count` of the visible tree, with the visible row count. */
  rows(start: number, count: number): Promise<TreeResults['rows']> {
    return this.call({ method: 'rows', start, count });
  }

  /** Where `node` is among the visible rows (-1: hidden). */
  position(node: number): Promise<number> {
    return this.call({ method: 'position', node });
  }

  /** Expands or collapses `node`; resolves to the visible row count. */
  toggle(node: number): Promise<number> {
    return this.call({ method: 'toggle', node });
  }

  /** Expands every process; resolves to the visible row count. */
  expandAll(): Promise<number> {
    return this.call({ method: 'expandAll' });
  }

  /** Shows the roots only; resolves to the visible row count. */
  collapseAll(): Promise<number> {
    return this.call({ method: 'collapseAll' });
  }

  /** Opens `node`'s ancestors: its row and the visible row count. */
  expandTo(node: number): Promise<TreeResults['expandTo']> {
    return this.call({ method: 'expandTo', node });
  }

  /** The node of input row `row` (-1: not a process in the tree). */
  nodeOfRow(row: number): Promise<number> {
    return this.call({ method: 'nodeOfRow', row });
  }

  /** Nodes matching `text` (empty clears), their ancestors opened. */
  search(text: string): Promise<TreeResults['search']> {
    return this.call({ method: 'search', text });
  }

  /** Keeps processes created in `[t0, t1]` (ms, null unbounded) and their ancestors. */
  setTimeRange(t0: number | null, t1: number | null): Promise<number> {
    return this.call({ method: 'setTimeRange', t0, t1 });
  }

  /** All columns of `node` and its ancestors. */
  details(node: number): Promise<TreeResults['details']> {
    return this.call({ method: 'details', node });
  }

  /** `node`'s subtree as indented text. */
  subtreeText(node: number): Promise<string> {
    return this.call({ method: 'subtreeText', node });
  }

  /** `node`'s subtree as CSV. */
  subtreeCsv(node: number): Promise<string> {
    return this.call({ method: 'subtreeCsv', node });
  }

  /** Frees the tree in the worker (once; later calls are rejected with kind `closed`). */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    // A tree of a replaced worker is gone already; its handle may name
    // another tree in the new one.
    if (!this.engine.isDisposed && this.engine.laneGeneration('trees') === this.generation) {
      this.engine.closeProcessTree(this.handle).catch(() => undefined);
    }
  }

  private call<M extends TreeCall['method']>(
    call: Extract<TreeCall, { method: M }>
  ): Promise<TreeResults[M]> {
    if (this.closed) {
      return Promise.reject(new HuntkitError('the process tree was closed', ErrorKind.closed));
    }
    if (this.engine.laneGeneration('trees') !== this.generation) {
      return Promise.reject(lostView('process tree'));
    }
    return this.engine.callTree(this.handle, call);
  }
}

/**
 * An entity graph held by the engine's trees worker: its tables read and
 * laid out there (ForceAtlas2). The page draws the state each call
 * answers; every method is one round trip.
 */
export class RemoteEntityGraph {
  private closed = false;
  private readonly generation: number;

  constructor(
    private readonly engine: HuntkitEngine,
    /** What the worker answered on opening: handle, summary, shown nodes, positions. */
    readonly opened: GraphOpened
  ) {
    this.generation = engine.laneGeneration('trees');
  }

  /** Shows `node`'s hidden neighbours and lays out again. */
  expand(node: number): Promise<GraphResults['expand']> {
    return this.call({ method: 'expand', node });
  }

  /** Adds a note linked to `node` and lays out again. */
  addNote(node: number, text: string): Promise<GraphResults['addNote']> {
    return this.call({ method: 'addNote', node, text });
  }

  /** A node's details. */
  details(node: number): Promise<GraphResults['details']> {
    return this.call({ method: 'details', node });
  }

  /** Keeps a dragged node where it was dropped (the next layout starts there). */
  setPosition(slot: number, x: number, y: number): Promise<null> {
    return this.call({ method: 'setPosition', slot, x, y });
  }

  /** Frees the graph in the worker (once). */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (!this.engine.isDisposed && this.engine.laneGeneration('trees') === this.generation) {
      this.engine.closeEntityGraph(this.opened.handle).catch(() => undefined);
    }
  }

  private call<M extends GraphCall['method']>(
    call: Extract<GraphCall, { method: M }>
  ): Promise<GraphResults[M]> {
    if (this.closed) {
      return Promise.reject(new HuntkitError('the entity graph was closed', ErrorKind.closed));
    }
    if (this.engine.laneGeneration('trees') !== this.generation) {
      return Promise.reject(lostView('entity graph'));
    }
    return this.engine.callEntityGraph(this.opened.handle, call);
  }
}

/**
 * A chart built and held by the engine's views worker (its tables read and
 * its wasm `ChartView` there). The page keeps this handle, the chart's
 * `info`, and posts viewports; every method is one round trip.
 */
export class RemoteChart {
  private closed = false;
  /** The views lane's worker this chart lives in (see `HuntkitEngine.laneGeneration`). */
  private readonly generation: number;

  constructor(
    private readonly engine: HuntkitEngine,
    /** What the worker answered on opening: handle and the chart's info. */
    readonly opened: ChartOpened
  ) {
    this.generation = engine.laneGeneration('views');
  }

  /** The worker's handle. */
  get handle(): number {
    return this.opened.handle;
  }

  /** The chart's kind, domains, series and options. */
  get info(): ChartOpened['info'] {
    return this.opened.info;
  }

  /** Marks and ticks of the window `[x0, x1]` in a `width` × `height` plot. */
  layout(x0: number, x1: number, width: number, height: number): Promise<ChartResults['layout']> {
    return this.call({ method: 'layout', x0, x1, width, height });
  }

  /** Events per pixel column of the whole time range. */
  overview(width: number): Promise<Uint32Array> {
    return this.call({ method: 'overview', width });
  }

  /** The mark under `(x, y)` in the last layout, with its first `limit` rows. */
  hover(x: number, y: number, radius: number, limit: number): Promise<ChartResults['hover']> {
    return this.call({ method: 'hover', x, y, radius, limit });
  }

  /** The mark under `(x, y)` in the last layout, with its first `limit` row ids. */
  pick(x: number, y: number, radius: number, limit: number): Promise<ChartResults['pick']> {
    return this.call({ method: 'pick', x, y, radius, limit });
  }

  /**
   * Rows as CSV or JSON text: `ids`, else those in the time window
   * `[t0, t1]`, else those of every mark in view; at most `limit`.
   */
  rowsText(
    format: 'csv' | 'json',
    ids: Uint32Array | null,
    window: [number, number] | null,
    limit: number
  ): Promise<ChartResults['rowsText']> {
    return this.call({
      method: 'rowsText',
      format,
      ids,
      t0: window?.[0] ?? null,
      t1: window?.[1] ?? null,
      limit
    });
  }

  /** Hides marks above `yMax` (undefined shows all). */
  async setYMax(yMax: number | undefined): Promise<void> {
    await this.call({ method: 'setYMax', yMax: yMax ?? null });
  }

  /** Frees the chart in the worker (once; later calls are rejected with kind `closed`). */
  free(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (!this.engine.isDisposed && this.engine.laneGeneration('views') === this.generation) {
      this.engine.closeChart(this.handle).catch(() => undefined);
    }
  }

  private call<M extends ChartCall['method']>(
    call: Extract<ChartCall, { method: M }>
  ): Promise<ChartResults[M]> {
    if (this.closed) {
      return Promise.reject(new HuntkitError('the chart was closed', ErrorKind.closed));
    }
    if (this.engine.laneGeneration('views') !== this.generation) {
      return Promise.reject(lostView('chart'));
    }
    return this.engine.callChart(this.handle, call);
  }
}

/** One data set of a chart as the page holds it: table bytes, or base64 Arrow text. */
export interface ChartSource {
  label: string;
  data: ArrayBuffer | Uint8Array | { base64: string; what?: string };
  format: TableFormat;
  time_column?: string;
  color?: string;
}

/**
 * The huntkit wasm engine in Web Workers (see the lanes above).
 *
 * The worker starts on the first request and is reused. If it dies (a wasm
 * trap — a panic, with `panic = "abort"` — or out of memory, or the worker
 * script failing), the lane's requests in flight are rejected with kind
 * `wasm_trap` (the one that trapped, its panic message in the error) or
 * `worker_crashed` (the others), the worker is terminated and the next
 * request starts a new one; the other lanes, and the page, go on. A worker
 * that goes silent with requests in flight (killed, hung, gone without an
 * `error` event) is replaced the same way once its silence outlasts what
 * its input allows (`watchdog.ts`): kind `worker_unresponsive`. Charts and
 * trees opened in the dead worker answer kind `engine_restarted`.
 */
export class HuntkitEngine {
  private readonly createWorker: (lane: EngineLane) => WorkerLike;
  private readonly lanes: Record<EngineLane, Lane> = {
    views: newLane(),
    trees: newLane(),
    jobs: newLane()
  };
  private watchdogOptions: WatchdogOptions;
  /** The length of each staged text not yet used by a request, by key. */
  private readonly stagedSizes = new Map<number, number>();
  private nextId = 1;
  private nextStage = 1;
  private disposed = false;

  constructor(options: HuntkitEngineOptions = {}) {
    this.createWorker = options.createWorker ?? defaultWorker;
    this.watchdogOptions = { ...DEFAULT_WATCHDOG, ...options.watchdog };
  }

  /**
   * Changes how long a lane's worker may stay silent with requests in
   * flight (from the next message or request on); for tests, and hosts
   * that know their machine is slower.
   */
  setWatchdog(options: Partial<WatchdogOptions>): void {
    this.watchdogOptions = { ...this.watchdogOptions, ...options };
  }

  /** Whether `dispose` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * How many times `lane`'s worker was replaced: views opened under an
   * older generation lived in a worker that is gone.
   */
  laneGeneration(lane: EngineLane): number {
    return this.lanes[lane].generation;
  }

  /**
   * For tests only: the next request in `lane` makes its wasm module panic
   * for real (see `DebugArmPanicRequest`), to check the recovery end to end.
   */
  async debugArmPanic(lane: EngineLane): Promise<void> {
    await this.request({ id: 0, op: 'debugArmPanic' }, [], undefined, lane);
  }

  /**
   * For tests only: `lane`'s worker stops silently on its next request (see
   * `DebugArmVanishRequest`), to check the watchdog end to end.
   */
  async debugArmVanish(lane: EngineLane): Promise<void> {
    await this.request({ id: 0, op: 'debugArmVanish' }, [], undefined, lane);
  }

  /** Whether a request is in flight (in any lane). */
  get busy(): boolean {
    return Object.values(this.lanes).some(lane => lane.pending.size > 0);
  }

  /**
   * Distinct IoCs in `input` with counts and first offsets. An `ArrayBuffer`
   * is transferred to the worker (it is detached afterwards: pass a copy to
   * keep it).
   */
  extractIocs(
    input: EngineInput,
    options: IocOptions = {},
    onProgress?: ProgressCallback
  ): Promise<IocTextResult> {
    const transfer = input instanceof ArrayBuffer ? [input] : [];
    return this.request({ id: 0, op: 'ioc', input, options }, transfer, onProgress);
  }

  /**
   * Base64, hex and PowerShell `-EncodedCommand` payloads in `input`, unpacked.
   * An `ArrayBuffer` is read as UTF-8 and transferred.
   */
  decode(input: EngineInput, options: DecodeOptions = {}): Promise<DecodeResult> {
    const transfer = input instanceof ArrayBuffer ? [input] : [];
    return this.request({ id: 0, op: 'decode', input, options }, transfer);
  }

  /**
   * IoCs in a table (CSV, JSON, NDJSON or Arrow IPC bytes), as an Arrow IPC
   * stream with one row per (row, column, IoC). An `ArrayBuffer` is
   * transferred; a `Uint8Array` is copied.
   */
  async extractIocTable(
    data: ArrayBuffer | Uint8Array,
    format: TableFormat = 'auto',
    options: IocTableOptions = {}
  ): Promise<Uint8Array> {
    const buffer = transferable(data);
    const result = await this.request({ id: 0, op: 'iocTable', data: buffer, format, options }, [
      buffer
    ]);
    return new Uint8Array(result);
  }

  /**
   * STL anomalies of a table's time series (events counted per bin, or a
   * value column summed per bin): the scored series as Arrow IPC, the
   * anomaly periods and their KQL filter. An `ArrayBuffer` is transferred.
   */
  async timeseries(
    data: ArrayBuffer | Uint8Array,
    format: TableFormat = 'auto',
    options: TimeseriesOptions = {}
  ): Promise<{ table: Uint8Array; periods: AnomalyPeriod[]; kql: string }> {
    const buffer = transferable(data);
    const result = await this.request({ id: 0, op: 'timeseries', data: buffer, format, options }, [
      buffer
    ]);
    return { ...result, table: new Uint8Array(result.table) };
  }

  /**
   * Reads an incident/alert JSON export (Sentinel, Defender) into an
   * entity graph's `nodes` and `edges` tables (Arrow IPC), in the worker;
   * `warnings` lists the parts that could not be used (a dangling `$ref`).
   */
  async incidentGraph(
    data: ArrayBuffer | Uint8Array,
    options: EntityGraphOptions = {}
  ): Promise<{ nodes: Uint8Array; edges: Uint8Array; nodeCount: number; warnings: string[] }> {
    const buffer = transferable(data);
    const result = await this.request({ id: 0, op: 'incidentGraph', data: buffer, options }, [
      buffer
    ]);
    return {
      nodes: new Uint8Array(result.nodes),
      edges: new Uint8Array(result.edges),
      nodeCount: result.nodeCount,
      warnings: result.warnings
    };
  }

  /**
   * Clusters a table's process events (MSTICPy's features, DBSCAN on
   * row-normalised features) and flags isolation-forest outliers, all in
   * the worker: the cluster and outlier rows as Arrow IPC, per-row labels,
   * scores, flags and feature points. An `ArrayBuffer` is transferred.
   */
  async cluster(
    data: ArrayBuffer | Uint8Array,
    format: TableFormat = 'auto',
    options: ClusterOptions = {}
  ): Promise<
    Omit<ClusterAnswer, 'clusters' | 'outliers'> & { clusters: Uint8Array; outliers: Uint8Array }
  > {
    const buffer = transferable(data);
    const result = await this.request({ id: 0, op: 'cluster', data: buffer, format, options }, [
      buffer
    ]);
    return {
      ...result,
      clusters: new Uint8Array(result.clusters),
      outliers: new Uint8Array(result.outliers)
    };
  }

  /**
   * Fits MSTICPy's anomalous-sequence model on a table's session column
   * (or one JSON list per line with `format` `lines`) and returns the table
   * with likelihood and rarest-window columns, as Arrow IPC.
   */
  async scoreSessions(
    data: ArrayBuffer | Uint8Array,
    format: TableFormat | 'lines' = 'auto',
    options: SessionOptions = {}
  ): Promise<Uint8Array> {
    const buffer = transferable(data);
    const result = await this.request({ id: 0, op: 'sessions', data: buffer, format, options }, [
      buffer
    ]);
    return new Uint8Array(result);
  }

  /**
   * The column names of a table (CSV, JSON, NDJSON or Arrow bytes), read in
   * the worker. A `Uint8Array` is copied; an `ArrayBuffer` is transferred.
   */
  tableColumns(data: ArrayBuffer | Uint8Array, format: TableFormat = 'auto'): Promise<string[]> {
    const { data: table, transfer } = tableData(data);
    return this.request({ id: 0, op: 'columns', data: table, format }, transfer);
  }

  /**
   * Builds the process trees of a table of process-creation events in the
   * worker (parsing, linking and the view's indexes are all O(n) and stay
   * there). `data` is bytes, or `{base64}` text of an Arrow IPC stream as a
   * view bundle holds it (decoded in the worker).
   */
  async openProcessTree(
    data: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    format: TableFormat = 'auto',
    options: ProcTreeViewOptions = {}
  ): Promise<RemoteProcessTree> {
    const given = tableData(data);
    const transfer = given.transfer;
    let table = given.data;
    if ('base64' in table && table.base64.length > STAGE_CHUNK) {
      table = { staged: await this.stage(table.base64, 'trees'), what: table.what };
    }
    const opened = await this.request(
      { id: 0, op: 'treeOpen', data: table, format, options },
      transfer
    );
    return new RemoteProcessTree(this, opened);
  }

  /**
   * Builds a chart of `kind` in the views worker from its data sets (read
   * there: byte buffers are transferred, never copied on the page; long
   * base64 text goes in pieces). The page only posts viewports after this.
   */
  async openChart(
    kind: string,
    sources: ChartSource[],
    options: Record<string, unknown> = {}
  ): Promise<RemoteChart> {
    const sets: ChartSet[] = [];
    const transfer: Transferable[] = [];
    for (const source of sources) {
      const given = tableData(source.data);
      let data = given.data;
      if ('base64' in data && data.base64.length > STAGE_CHUNK) {
        data = { staged: await this.stage(data.base64, 'views'), what: data.what };
      }
      transfer.push(...given.transfer);
      sets.push({
        label: source.label,
        data,
        format: source.format,
        ...(source.time_column ? { time_column: source.time_column } : {}),
        ...(source.color ? { color: source.color } : {})
      });
    }
    const opened = await this.request({ id: 0, op: 'chartOpen', kind, sets, options }, transfer);
    return new RemoteChart(this, opened);
  }

  /** One call on an open chart (what `RemoteChart` sends). */
  callChart<M extends ChartCall['method']>(
    handle: number,
    call: Extract<ChartCall, { method: M }>
  ): Promise<ChartResults[M]> {
    const c = call as ChartCall;
    // Row ids the page sends are its own copy: hand the buffer over.
    const transfer = c.method === 'rowsText' && c.ids ? [c.ids.buffer] : [];
    return this.request({ id: 0, op: 'chart', handle, call: c }, transfer) as Promise<
      ChartResults[M]
    >;
  }

  /** Frees an open chart in the worker. */
  async closeChart(handle: number): Promise<void> {
    await this.request({ id: 0, op: 'chartClose', handle }, []);
  }

  /**
   * Sends a long text to the worker in `STAGE_CHUNK` pieces, each after the
   * last was received, so the page is never held by one big copy; resolves
   * to the key a request names it by (`{staged: key}`).
   */
  private async stage(text: string, lane: EngineLane): Promise<number> {
    const key = this.nextStage++;
    this.stagedSizes.set(key, text.length);
    for (let start = 0; start < text.length; start += STAGE_CHUNK) {
      const chunk = text.slice(start, start + STAGE_CHUNK);
      await this.request({ id: 0, op: 'stage', key, chunk }, [], undefined, lane);
    }
    return key;
  }

  /**
   * Reads an entity graph's `nodes` and `edges` tables in the trees worker
   * and lays out its best linked nodes there (ForceAtlas2); a graph above
   * `options.max_nodes` is refused with a message, before any layout.
   */
  async openEntityGraph(
    nodes: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    edges: ArrayBuffer | Uint8Array | { base64: string; what?: string },
    formats: { nodes?: TableFormat; edges?: TableFormat } = {},
    options: EntityGraphViewOptions = {}
  ): Promise<RemoteEntityGraph> {
    const transfer: Transferable[] = [];
    const prepare = async (given: ReturnType<typeof tableData>): Promise<TableData> => {
      transfer.push(...given.transfer);
      const data = given.data;
      if ('base64' in data && data.base64.length > STAGE_CHUNK) {
        return { staged: await this.stage(data.base64, 'trees'), what: data.what };
      }
      return data;
    };
    const nodesData = await prepare(tableData(nodes));
    const edgesData = await prepare(tableData(edges));
    const opened = await this.request(
      {
        id: 0,
        op: 'graphOpen',
        nodes: nodesData,
        nodesFormat: formats.nodes ?? 'auto',
        edges: edgesData,
        edgesFormat: formats.edges ?? 'auto',
        options
      },
      transfer
    );
    return new RemoteEntityGraph(this, opened);
  }

  /** One call on an open entity graph (what `RemoteEntityGraph` sends). */
  callEntityGraph<M extends GraphCall['method']>(
    handle: number,
    call: Extract<GraphCall, { method: M }>
  ): Promise<GraphResults[M]> {
    return this.request({ id: 0, op: 'graph', handle, call }, []) as Promise<GraphResults[M]>;
  }

  /** Frees an open entity graph in the worker. */
  async closeEntityGraph(handle: number): Promise<void> {
    await this.request({ id: 0, op: 'graphClose', handle }, []);
  }

  /** One call on an open process tree (what `RemoteProcessTree` sends). */
  callTree<M extends TreeCall['method']>(
    handle: number,
    call: Extract<TreeCall, { method: M }>
  ): Promise<TreeResults[M]> {
    return this.request({ id: 0, op: 'tree', handle, call }, []) as Promise<TreeResults[M]>;
  }

  /** Frees an open process tree in the worker. */
  async closeProcessTree(handle: number): Promise<void> {
    await this.request({ id: 0, op: 'treeClose', handle }, []);
  }

  /**
   * The query templates of huntkit's bundled library that `filter` selects
   * (sorted by environment, then name), with any load errors.
   */
  listQueries(filter: QueryFilter = {}): Promise<QueryListAnswer> {
    return this.request({ id: 0, op: 'queryList', filter }, []);
  }

  /**
   * Renders template `name` with `params` (by name or alias; times as
   * expressions or ISO; lists as arrays or comma text). String values are
   * escaped for the template's language.
   */
  renderQuery(
    name: string,
    params: Record<string, unknown> = {},
    options: QueryRunOptions = {}
  ): Promise<RenderedQuery> {
    return this.request({ id: 0, op: 'queryRender', name, params, options }, []);
  }

  /**
   * Runs template `name` over LocalData: `manifest` is the manifest's YAML
   * bytes (`null`: the bundled demo manifest) and `files` the bytes of the
   * files it names, by manifest path (copied, so the caller keeps them).
   */
  async runLocalQuery(
    name: string,
    params: Record<string, unknown>,
    manifest: Uint8Array | null,
    files: Record<string, Uint8Array>,
    options: QueryRunOptions = {}
  ): Promise<LocalQueryResult> {
    const buffers: Record<string, ArrayBuffer> = {};
    for (const [path, bytes] of Object.entries(files)) {
      buffers[path] = transferable(bytes);
    }
    const manifestBuffer = manifest === null ? null : transferable(manifest);
    const result = await this.request(
      {
        id: 0,
        op: 'queryRunLocal',
        name,
        params,
        manifest: manifestBuffer,
        files: buffers,
        options
      },
      [...Object.values(buffers), ...(manifestBuffer ? [manifestBuffer] : [])]
    );
    return { ...result, table: new Uint8Array(result.table) };
  }

  /**
   * What a LocalData manifest maps (its "now", and each template's file);
   * `null` reads the bundled demo manifest.
   */
  localManifest(manifest: Uint8Array | null = null): Promise<LocalManifestInfo> {
    const buffer = manifest === null ? null : transferable(manifest);
    return this.request({ id: 0, op: 'queryManifest', manifest: buffer }, buffer ? [buffer] : []);
  }

  /** The SIEM query providers and the data environment of each. */
  siemProviders(): Promise<SiemProviderInfo[]> {
    return this.request({ id: 0, op: 'siemProviders' }, []);
  }

  /**
   * Runs template `name` on SIEM `provider`: the worker renders each time
   * chunk and plans its request, `send` performs it through the host, the
   * worker reads each answer (and splits a chunk over the provider's
   * limits again); the rows of every chunk come back as one typed table.
   */
  async runSiemQuery(
    name: string,
    params: Record<string, unknown>,
    provider: string,
    options: SiemRunOptions,
    send: SiemSend
  ): Promise<SiemQueryResult> {
    let step = await this.request({ id: 0, op: 'siemStart', name, params, provider, options }, []);
    const run = step.run;
    while (step.next) {
      const planned = step.next;
      if (planned.waitMs > 0) {
        // A search job's poll interval: an async timer, the page stays free.
        await new Promise(resolve => setTimeout(resolve, planned.waitMs));
      }
      let response: HttpResponse | null = null;
      let error: string | null = null;
      try {
        response = await send(planned.request);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      step = await this.request(
        { id: 0, op: 'siemAnswer', run, request: planned.id, response, error },
        []
      );
    }
    const result = await this.request({ id: 0, op: 'siemFinish', run }, []);
    return { ...result, table: new Uint8Array(result.table) };
  }

  /**
   * The range that time expressions name (`start`, and `end` or `period`),
   * as ISO-8601 UTC, counted from `now` (default the clock).
   */
  queryTimeRange(
    start: string | null,
    end: string | null,
    period: string | null = null,
    now: string | number | null = null
  ): Promise<TimeSpanResult> {
    return this.request({ id: 0, op: 'queryTime', start, end, period, now }, []);
  }

  /** The lookup providers (name, kind, whether a key is needed, the IoC types each takes). */
  lookupProviders(): Promise<LookupProviderInfo[]> {
    return this.request({ id: 0, op: 'lookupProviders' }, []);
  }

  /**
   * Checks observables (defanged is fine) and plans their calls to each
   * named provider. Nothing is sent: the host sends `plan.requests` and
   * hands what came back to `lookupFinish`; `plan.rows` are the rows that
   * need no call (private IPs, invalid values, types a provider does not take)
   * and `plan.cached` the calls this session's cache answered (send the others).
   */
  lookupPlan(iocs: string[], providers: string[]): Promise<LookupPlanned> {
    return this.request({ id: 0, op: 'lookupPlan', iocs, providers }, []);
  }

  /**
   * Reads what came back for each of `plan`'s calls (the provider's answer,
   * or the host's refusal) into the result rows, in the order the
   * observables were given; a call with no outcome is an `error` row.
   */
  async lookupFinish(plan: LookupPlan, outcomes: CallOutcome[]): Promise<LookupTableResult> {
    const answer = await this.request({ id: 0, op: 'lookupFinish', plan, outcomes }, []);
    return { rows: answer.rows, table: new Uint8Array(answer.table) };
  }

  /**
   * Milliseconds to wait before sending a call again after `response`
   * (answer number `attempt`, 1 for the first try), by the core's retry
   * rules (a 429 after its `Retry-After`, at most 3 times, at most a
   * minute); `null`: use the answer.
   */
  lookupRetryDelay(attempt: number, response: HttpResponse): Promise<number | null> {
    return this.request({ id: 0, op: 'lookupRetry', attempt, response }, []);
  }

  /**
   * Opens a MaxMind `.mmdb` (GeoLite2/GeoIP2 City, Country or ASN) from the
   * bytes of a file the user picked, and keeps it in the worker for the
   * session (replacing any other). Nothing is sent anywhere. A file that is
   * not a MaxMind DB, or is cut short, is rejected (kind `parse`).
   */
  geoLoad(bytes: Uint8Array, name: string): Promise<GeoLoaded> {
    const copy = bytes.slice().buffer;
    return this.request({ id: 0, op: 'geoLoad', bytes: copy, name }, [copy]);
  }

  /**
   * Country, state, city, coordinates and ASN of each address (defanged is
   * fine) from the loaded database, or why there are none (`private_ip`,
   * `not_found`, `invalid`); rejected (kind `invalid_option`) when no
   * database is loaded.
   */
  async geoLookup(ips: string[]): Promise<GeoTableResult> {
    const answer = await this.request({ id: 0, op: 'geoLookup', ips }, []);
    return { rows: answer.rows, table: new Uint8Array(answer.table) };
  }

  /**
   * Stops the jobs in flight (rejected with kind `cancelled`): the jobs
   * lane's worker is replaced; open views (the views lane) are untouched.
   */
  cancel(): void {
    this.stopWorker('jobs', 'the request was cancelled', ErrorKind.cancelled);
  }

  /** Stops both workers; later requests are rejected with kind `disposed`. */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    for (const lane of Object.keys(this.lanes) as EngineLane[]) {
      this.stopWorker(lane, 'the huntkit engine was disposed', ErrorKind.disposed);
    }
    this.disposed = true;
  }

  private request<O extends EngineOp>(
    message: Extract<EngineRequest, { op: O }>,
    transfer: Transferable[],
    onProgress?: ProgressCallback,
    lane: EngineLane = laneOf(message.op)
  ): Promise<EngineResults[O]> {
    if (this.disposed) {
      return Promise.reject(
        new HuntkitError('the huntkit engine was disposed', ErrorKind.disposed)
      );
    }
    const id = this.nextId++;
    return new Promise<EngineResults[O]>((resolve, reject) => {
      let worker: WorkerLike;
      try {
        worker = this.ensureWorker(lane);
      } catch (error) {
        reject(
          new HuntkitError(
            `cannot start the huntkit worker: ${error instanceof Error ? error.message : String(error)}`,
            ErrorKind.init
          )
        );
        return;
      }
      const pending = this.lanes[lane].pending;
      pending.set(id, {
        op: message.op,
        size: inputSize(message, key => this.takeStaged(key)),
        resolve: resolve as (value: never) => void,
        reject,
        onProgress
      });
      try {
        worker.postMessage({ ...message, id }, transfer);
        this.watch(lane);
      } catch (error) {
        pending.delete(id);
        reject(
          new HuntkitError(
            `cannot send the request to the huntkit worker: ${error instanceof Error ? error.message : String(error)}`,
            ErrorKind.internal
          )
        );
      }
    });
  }

  private ensureWorker(name: EngineLane): WorkerLike {
    const lane = this.lanes[name];
    if (lane.worker) {
      return lane.worker;
    }
    const worker = this.createWorker(name);
    worker.addEventListener('message', event => {
      if (lane.worker === worker) {
        lane.fresh = false;
        this.onMessage(lane, event.data);
        if (lane.worker === worker) {
          this.watch(name);
        }
      }
    });
    worker.addEventListener('error', event => {
      event.preventDefault?.();
      if (lane.worker === worker) {
        const detail = (event as ErrorEvent).message || 'the worker script failed';
        this.stopWorker(
          name,
          `the huntkit worker stopped (${detail}); the next request starts a new one`,
          ErrorKind.workerCrashed
        );
      }
    });
    worker.addEventListener('messageerror', () => {
      if (lane.worker === worker) {
        this.stopWorker(
          name,
          'a message from the huntkit worker could not be read',
          ErrorKind.internal
        );
      }
    });
    lane.worker = worker;
    lane.fresh = true;
    return worker;
  }

  /** The length of staged text `key` (used once: a stage feeds one request). */
  private takeStaged(key: number): number {
    const size = this.stagedSizes.get(key) ?? 0;
    this.stagedSizes.delete(key);
    return size;
  }

  /**
   * Starts `name`'s silence timer again (after a request was sent or a
   * message came), or stops it when nothing is in flight. A worker silent
   * past the budget of what it holds is replaced, its requests rejected.
   */
  private watch(name: EngineLane): void {
    const lane = this.lanes[name];
    if (lane.pending.size === 0 || !lane.worker) {
      lane.watchdog.stop();
      return;
    }
    const sizes = [...lane.pending.values()].map(p => p.size);
    const budget = silenceBudget(this.watchdogOptions, sizes, lane.fresh);
    lane.watchdog.restart(budget, () =>
      this.stopWorker(
        name,
        `the analysis engine stopped responding (its ${name} worker said nothing for ${seconds(budget)}); it was restarted: run this again`,
        ErrorKind.workerUnresponsive
      )
    );
  }

  private onMessage(lane: Lane, message: EngineResponse): void {
    const pending = lane.pending.get(message.id);
    if (!pending) {
      return;
    }
    switch (message.type) {
      case 'progress':
        pending.size = Math.max(0, message.total - message.done);
        try {
          pending.onProgress?.(message.done, message.total);
        } catch (error) {
          console.error('huntkit: progress callback failed', error);
        }
        break;
      case 'result':
        lane.pending.delete(message.id);
        pending.resolve(message.result as never);
        break;
      case 'error':
        lane.pending.delete(message.id);
        pending.reject(new HuntkitError(message.message, message.kind));
        if (message.fatal) {
          this.stopWorker(
            this.laneName(lane),
            `the huntkit engine failed on an earlier request (${message.message}); the next request starts a new one`,
            ErrorKind.workerCrashed
          );
        }
        break;
    }
  }

  private laneName(lane: Lane): EngineLane {
    return (Object.keys(this.lanes) as EngineLane[]).find(k => this.lanes[k] === lane) ?? 'jobs';
  }

  /** Terminates a lane's worker and rejects everything in flight there. */
  private stopWorker(name: EngineLane, message: string, kind: string): void {
    const lane = this.lanes[name];
    const worker = lane.worker;
    lane.worker = null;
    lane.watchdog.stop();
    if (worker) {
      lane.generation++;
      worker.terminate();
    }
    const pending = [...lane.pending.values()];
    lane.pending.clear();
    for (const request of pending) {
      request.reject(new HuntkitError(message, kind));
    }
  }
}
