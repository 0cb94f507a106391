/**
 * The worker's request handling, apart from the worker itself so tests can
 * drive it in Node with the real wasm module (`initSync`).
 *
 * It only routes and converts: every analysis is the wasm module's. It
 * also holds the process trees the page has open (`TreeStore`), so their
 * O(n) build and state stay in the worker and the page asks for windows.
 */
import type {
  CallOutcome,
  GeoDbInfo,
  GeoTable,
  ChartDataSet,
  ChartInfo,
  ChartLayout,
  DecodeOptions,
  DecodeResult,
  IocOptions,
  HttpResponse,
  IocTextResult,
  LookupPlan,
  LookupProviderInfo,
  LookupTable,
  ProcTreeViewOptions,
  LocalManifestInfo,
  LocalRunResult,
  QueryFilter,
  QueryLoadError,
  QueryRunOptions,
  QueryTemplate,
  RenderedQuery,
  SessionOptions,
  SiemPlanned,
  SiemProviderInfo,
  SiemRunOptions,
  SiemRunResult,
  TimeSpanResult,
  TimeseriesOptions,
  TimeseriesResult,
  ClusterOptions,
  EntityGraphOptions,
  ClusterEventsResult
} from '../pkg/huntkit_wasm.js';
import { base64ToBytes } from './chart/bundle.js';
import { callGraph, GraphStore, openGraph, type EntityGraphViewClass } from './graphRouter.js';
import {
  ErrorKind,
  type ChartCall,
  type ChartOpened,
  type ChartResults,
  type ChartSet,
  type EngineInput,
  type EngineRequest,
  type EngineResponse,
  type ErrorMessage,
  type TableData,
  type TreeCall,
  type TreeOpened,
  type TreeResults
} from './protocol.js';

/** The wasm `LookupCache` as the router uses it. */
export interface LookupCacheApi {
  answered(plan: LookupPlan): CallOutcome[];
  remember(plan: LookupPlan, outcomes: CallOutcome[]): void;
  free(): void;
}

/** The worker's session cache of lookup answers (one per worker, made on first use). */
const lookupCaches = new WeakMap<WasmApi, LookupCacheApi>();

function lookupCache(api: WasmApi): LookupCacheApi {
  let cache = lookupCaches.get(api);
  if (!cache) {
    cache = new api.LookupCache();
    lookupCaches.set(api, cache);
  }
  return cache;
}

/** The wasm `GeoDatabase` as the router uses it. */
/** The wasm `EntityGraph` (an investigation graph built from JSON or rows). */
export interface EntityGraphLike {
  nodes(): Uint8Array;
  edges(): Uint8Array;
  warnings(): string[];
  readonly nodeCount: number;
  free(): void;
}

export interface GeoDatabaseApi {
  info(): GeoDbInfo;
  lookup(ips: string[]): GeoTable;
  free(): void;
}

/**
 * The MaxMind database the user loaded, per worker: kept for the session
 * (until another is loaded), never sent anywhere.
 */
const geoDatabases = new WeakMap<WasmApi, { db: GeoDatabaseApi; name: string }>();

/** The wasm `ProcessTreeView` as the router uses it. */
export interface ProcessTreeViewLike {
  visibleCount(): number;
  rows(start: number, count: number): unknown;
  position(node: number): number;
  toggle(node: number): boolean;
  expandAll(): void;
  collapseAll(): void;
  expandTo(node: number): number;
  nodeOfRow(row: number): number;
  search(text: string): Uint32Array | number[];
  setTimeRange(t0: number | undefined, t1: number | undefined): void;
  timeBounds(): unknown;
  details(node: number): unknown;
  subtreeText(node: number): string;
  subtreeCsv(node: number): string;
  summary(): unknown;
  legendValues(): unknown;
  free(): void;
}

/** The wasm `ChartView` as the router uses it. */
export interface ChartViewLike {
  info(): ChartInfo;
  layout(x0: number, x1: number, width: number, height: number): ChartLayout;
  overview(width: number): Uint32Array;
  hit(x: number, y: number, radius: number): number;
  markRows(mark: number, limit: number): { ids: Uint32Array; total: number };
  rowsBetween(t0: number, t1: number, limit: number): { ids: Uint32Array; total: number };
  rowsJson(ids: Uint32Array): Record<string, unknown>[];
  rowsCsv(ids: Uint32Array): string;
  setYMax(yMax: number | undefined): void;
  free(): void;
}

/** An open chart: the wasm view, and how many marks its last layout drew. */
interface ChartEntry {
  view: ChartViewLike;
  marks: number;
}

/** The part of the wasm-bindgen module the worker uses. */
export interface WasmApi {
  ChartView: new (
    kind: string,
    datasets: ChartDataSet[],
    options: Record<string, unknown> | undefined
  ) => ChartViewLike;
  IocScanner: new (options: IocOptions | undefined) => {
    push(chunk: string): void;
    pushBytes(chunk: Uint8Array): void;
    finish(): IocTextResult;
    free(): void;
  };
  unpackText(text: string, options: DecodeOptions | undefined): DecodeResult;
  extractIocTable(data: Uint8Array, format: string, options: IocOptions | undefined): Uint8Array;
  timeseriesAnomalies(
    data: Uint8Array,
    format: string,
    options: TimeseriesOptions | undefined
  ): TimeseriesResult;
  scoreSessions(data: Uint8Array, format: string, options: SessionOptions | undefined): Uint8Array;
  clusterEvents(
    data: Uint8Array,
    format: string,
    options: ClusterOptions | undefined
  ): ClusterEventsResult;
  tableColumns(data: Uint8Array, format: string): string[];
  EntityGraphView: EntityGraphViewClass;
  EntityGraph: {
    fromJson(data: Uint8Array, options: EntityGraphOptions | undefined): EntityGraphLike;
  };
  ProcessTreeView: new (
    data: Uint8Array,
    format: string,
    options: ProcTreeViewOptions | undefined
  ) => ProcessTreeViewLike;
  QueryLibrary: {
    bundled(): QueryLibraryApi;
    demoManifest(): Uint8Array;
  };
  localDataManifest(manifest: Uint8Array): LocalManifestInfo;
  lookupProviders(): LookupProviderInfo[];
  siemProviders(): SiemProviderInfo[];
  planLookups(iocs: string[], providers: string[]): LookupPlan;
  finishLookups(plan: LookupPlan, outcomes: CallOutcome[]): LookupTable;
  lookupRetryDelay(attempt: number, response: HttpResponse): number | undefined;
  LookupCache: new () => LookupCacheApi;
  GeoDatabase: new (bytes: Uint8Array) => GeoDatabaseApi;
  /** Panics on purpose (tests only; see `DebugArmPanicRequest`). */
  debugPanic(message: string): void;
  timeSpan(
    start: string | null | undefined,
    end: string | null | undefined,
    period: string | null | undefined,
    splitBy: string | null | undefined,
    now: string | number | undefined
  ): TimeSpanResult[];
}

/**
 * The process trees a worker holds, by handle: built once in the worker,
 * asked for windows of rows by the page.
 */
export class TreeStore {
  private readonly trees = new Map<number, ProcessTreeViewLike>();
  private next = 1;

  /** Keeps `view`; returns its handle. */
  add(view: ProcessTreeViewLike): number {
    const handle = this.next++;
    this.trees.set(handle, view);
    return handle;
  }

  /** The tree of `handle`; throws when it was closed or never opened. */
  get(handle: number): ProcessTreeViewLike {
    const view = this.trees.get(handle);
    if (!view) {
      throw Object.assign(
        new Error(
          `process tree ${handle} is not open in the huntkit worker (closed, or the worker restarted)`
        ),
        { kind: ErrorKind.closed }
      );
    }
    return view;
  }

  /** Frees the tree of `handle`, if open. */
  close(handle: number): void {
    const view = this.trees.get(handle);
    this.trees.delete(handle);
    view?.free();
  }

  /** How many trees are open. */
  get size(): number {
    return this.trees.size;
  }

  private readonly charts = new Map<number, ChartEntry>();

  /** Keeps a chart; returns its handle (from the same counter as trees). */
  addChart(view: ChartViewLike): number {
    const handle = this.next++;
    this.charts.set(handle, { view, marks: 0 });
    return handle;
  }

  /** The chart of `handle`; throws when it was closed or never opened. */
  getChart(handle: number): ChartEntry {
    const entry = this.charts.get(handle);
    if (!entry) {
      throw Object.assign(
        new Error(
          `chart ${handle} is not open in the huntkit worker (closed, or the worker restarted)`
        ),
        { kind: ErrorKind.closed }
      );
    }
    return entry;
  }

  /** Frees the chart of `handle`, if open. */
  closeChart(handle: number): void {
    const entry = this.charts.get(handle);
    this.charts.delete(handle);
    entry?.view.free();
  }

  /** How many charts are open. */
  get chartCount(): number {
    return this.charts.size;
  }

  private readonly staged = new Map<number, string[]>();

  /** Keeps a piece of a text a later request names by `key`. */
  stage(key: number, chunk: string): void {
    const pieces = this.staged.get(key) ?? [];
    pieces.push(chunk);
    this.staged.set(key, pieces);
  }

  /** The text staged under `key` (forgotten once taken). */
  takeStaged(key: number): string {
    const pieces = this.staged.get(key) ?? [];
    this.staged.delete(key);
    return pieces.join('');
  }
}

/** The store `handleRequest` uses unless given one (one per worker). */
const workerTrees = new TreeStore();

/** The open entity graphs, per tree store (one per worker). */
const graphStores = new WeakMap<TreeStore, GraphStore>();

function graphsOf(trees: TreeStore): GraphStore {
  let store = graphStores.get(trees);
  if (!store) {
    store = new GraphStore();
    graphStores.set(trees, store);
  }
  return store;
}

/** A table's bytes, decoding base64 text here (in the worker). */
export function tableBytes(
  data: TableData,
  store: TreeStore = workerTrees,
  what = 'the table'
): Uint8Array {
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  const text = 'staged' in data ? store.takeStaged(data.staged) : data.base64;
  return base64ToBytes(text, data.what ?? what);
}

/** The buffer of `array` when it owns all of it (never a view on wasm memory), to transfer. */
function ownedBuffer(array: ArrayBufferView): Transferable[] {
  const buffer = array.buffer;
  return buffer instanceof ArrayBuffer &&
    array.byteOffset === 0 &&
    array.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

/** Runs one call on an open process tree. */
export function callTree(
  view: ProcessTreeViewLike,
  call: TreeCall
): TreeResults[TreeCall['method']] {
  switch (call.method) {
    case 'rows': {
      const visible = view.visibleCount();
      const count = Math.max(0, Math.min(call.count, visible - call.start));
      const rows = count > 0 ? (view.rows(call.start, count) as TreeResults['rows']['rows']) : [];
      return { visible, rows };
    }
    case 'position':
      return view.position(call.node);
    case 'toggle':
      view.toggle(call.node);
      return view.visibleCount();
    case 'expandAll':
      view.expandAll();
      return view.visibleCount();
    case 'collapseAll':
      view.collapseAll();
      return view.visibleCount();
    case 'expandTo': {
      const position = view.expandTo(call.node);
      return { position, visible: view.visibleCount() };
    }
    case 'nodeOfRow':
      return view.nodeOfRow(call.row);
    case 'search': {
      const matches = Array.from(view.search(call.text));
      return { matches, visible: view.visibleCount() };
    }
    case 'setTimeRange':
      view.setTimeRange(call.t0 ?? undefined, call.t1 ?? undefined);
      return view.visibleCount();
    case 'details':
      return view.details(call.node) as TreeResults['details'];
    case 'subtreeText':
      return view.subtreeText(call.node);
    case 'subtreeCsv':
      return view.subtreeCsv(call.node);
    default: {
      const method = (call as { method?: unknown }).method;
      throw new Error(`unknown process tree call ${JSON.stringify(method)}`);
    }
  }
}

function openTree(
  api: WasmApi,
  trees: TreeStore,
  data: TableData,
  format: string,
  options: ProcTreeViewOptions
): TreeOpened {
  const view = new api.ProcessTreeView(tableBytes(data, trees), format, options);
  try {
    const opened = {
      summary: view.summary() as TreeOpened['summary'],
      timeBounds: view.timeBounds() as TreeOpened['timeBounds'],
      legend: view.legendValues() as TreeOpened['legend'],
      visible: view.visibleCount()
    };
    return { handle: trees.add(view), ...opened };
  } catch (error) {
    view.free();
    throw error;
  }
}

/** Builds a chart's wasm view from its data sets (every table read here, in the worker). */
function openChart(
  api: WasmApi,
  store: TreeStore,
  kind: string,
  sets: ChartSet[],
  options: Record<string, unknown>
): ChartOpened {
  const datasets: ChartDataSet[] = sets.map((set, i) => ({
    label: set.label,
    data: tableBytes(set.data, store, `data set ${i + 1} (${JSON.stringify(set.label)})`),
    format: set.format,
    ...(set.time_column ? { time_column: set.time_column } : {}),
    ...(set.color ? { color: set.color } : {})
  }));
  const view = new api.ChartView(kind, datasets, options);
  try {
    return { handle: store.addChart(view), info: view.info() };
  } catch (error) {
    view.free();
    throw error;
  }
}

/** Runs one call on an open chart; `transfer` lists the buffers the answer can hand over. */
export function callChart(
  entry: ChartEntry,
  call: ChartCall
): { result: ChartResults[ChartCall['method']]; transfer: Transferable[] } {
  const view = entry.view;
  switch (call.method) {
    case 'layout': {
      const layout = view.layout(call.x0, call.x1, call.width, call.height);
      entry.marks = layout.marks.length / Math.max(1, layout.stride);
      return { result: layout, transfer: ownedBuffer(layout.marks) };
    }
    case 'overview': {
      const bins = view.overview(call.width);
      return { result: bins, transfer: ownedBuffer(bins) };
    }
    case 'hover': {
      const mark = view.hit(call.x, call.y, call.radius);
      if (mark < 0) {
        return { result: { mark, total: 0, rows: [] }, transfer: [] };
      }
      const { ids, total } = view.markRows(mark, call.limit);
      return { result: { mark, total, rows: view.rowsJson(ids) }, transfer: [] };
    }
    case 'pick': {
      const mark = view.hit(call.x, call.y, call.radius);
      const ids = mark < 0 ? new Uint32Array(0) : view.markRows(mark, call.limit).ids;
      return { result: { mark, ids }, transfer: ownedBuffer(ids) };
    }
    case 'rowsText': {
      const ids = chartRowIds(entry, call);
      const text =
        call.format === 'csv' ? view.rowsCsv(ids) : JSON.stringify(view.rowsJson(ids), null, 1);
      return { result: { count: ids.length, text }, transfer: [] };
    }
    case 'setYMax':
      view.setYMax(call.yMax ?? undefined);
      return { result: null, transfer: [] };
    default: {
      const method = (call as { method?: unknown }).method;
      throw new Error(`unknown chart call ${JSON.stringify(method)}`);
    }
  }
}

/** The rows a `rowsText` call names: the ids given, the time window, or every mark in view. */
function chartRowIds(
  entry: ChartEntry,
  call: Extract<ChartCall, { method: 'rowsText' }>
): Uint32Array {
  if (call.ids) {
    return call.ids.length > call.limit ? call.ids.subarray(0, call.limit) : call.ids;
  }
  if (call.t0 !== null && call.t1 !== null) {
    return entry.view.rowsBetween(call.t0, call.t1, call.limit).ids;
  }
  const out: number[] = [];
  for (let i = 0; i < entry.marks && out.length < call.limit; i++) {
    for (const id of entry.view.markRows(i, call.limit - out.length).ids) {
      out.push(id);
    }
  }
  return Uint32Array.from(out);
}

/** The part of the wasm `QueryLibrary` the worker uses. */
export interface QueryLibraryApi {
  list(filter: QueryFilter | undefined): QueryTemplate[];
  errors(): QueryLoadError[];
  render(
    name: string,
    params: Record<string, unknown> | undefined,
    options: QueryRunOptions | undefined
  ): RenderedQuery;
  runLocal(
    name: string,
    params: Record<string, unknown> | undefined,
    manifest: Uint8Array,
    files: Record<string, Uint8Array>,
    options: QueryRunOptions | undefined
  ): LocalRunResult;
  planSiemRun(
    name: string,
    params: Record<string, unknown> | undefined,
    provider: string,
    options: SiemRunOptions | undefined
  ): SiemRunApi;
}

/** The wasm `SiemRun` as the router uses it. */
export interface SiemRunApi {
  next(): SiemPlanned | undefined;
  submit(id: number, response: HttpResponse): void;
  fail(id: number, message: string): void;
  finish(): SiemRunResult;
  free(): void;
}

/** The SIEM runs a worker holds, by handle, between the host's calls. */
const siemRuns = new Map<number, SiemRunApi>();
let nextSiemRun = 1;

function siemRun(handle: number): SiemRunApi {
  const run = siemRuns.get(handle);
  if (!run) {
    throw new Error(`no query run ${handle} in this worker`);
  }
  return run;
}

/** One query library per wasm instance, built on first use and kept. */
const libraries = new WeakMap<WasmApi, QueryLibraryApi>();

function queryLibrary(api: WasmApi): QueryLibraryApi {
  let library = libraries.get(api);
  if (!library) {
    library = api.QueryLibrary.bundled();
    libraries.set(api, library);
  }
  return library;
}

function manifestBytes(api: WasmApi, manifest: ArrayBuffer | null): Uint8Array {
  return manifest === null ? api.QueryLibrary.demoManifest() : new Uint8Array(manifest);
}

/** Sends one message to the loader, transferring `transfer`. */
export type Post = (message: EngineResponse, transfer?: Transferable[]) => void;

/** Input is fed to the scanner in pieces of about this size (1 MiB). */
export const CHUNK_SIZE = 1 << 20;

/**
 * Splits `[0, text.length)` into ranges of about `size` UTF-16 units,
 * never between the two halves of a surrogate pair.
 */
export function stringChunks(text: string, size: number): Array<[number, number]> {
  const step = Math.max(1, Math.floor(size));
  const ranges: Array<[number, number]> = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + step, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) {
      end = end - 1 > start ? end - 1 : Math.min(end + 1, text.length);
    }
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Reads file bytes as UTF-8 text, replacing invalid sequences. */
export function inputText(input: EngineInput): string {
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}

/** The global the wasm panic hook writes the panic's message to (`rust/wasm/src/panic.rs`). */
const PANIC_PROPERTY = '__huntkitPanic';

/** The message of the panic that just trapped the module, if its hook recorded one (taken once). */
function takePanicMessage(): string | null {
  const scope = globalThis as Record<string, unknown>;
  const message = scope[PANIC_PROPERTY];
  delete scope[PANIC_PROPERTY];
  // `panicked at file:line:\nmessage`: one line for the status bar.
  return typeof message === 'string' && message ? message.replace(/\s*\n\s*/g, ' ') : null;
}

/** Turns anything thrown into an error message for request `id`. */
export function errorMessage(id: number, error: unknown): ErrorMessage {
  if (error instanceof WebAssembly.RuntimeError) {
    // A panic ends in an `unreachable` trap: its hook left the real reason.
    const panic = takePanicMessage();
    const detail = panic ? `${panic} (${error.message})` : error.message;
    return {
      id,
      type: 'error',
      message: `the huntkit engine crashed: ${detail}; its worker was restarted, the next request runs in a new one`,
      kind: ErrorKind.wasmTrap,
      fatal: true
    };
  }
  if (error instanceof Error) {
    const kind = (error as Error & { kind?: unknown }).kind;
    return {
      id,
      type: 'error',
      message: error.message || String(error),
      kind: typeof kind === 'string' && kind ? kind : ErrorKind.internal,
      // Out of memory inside wasm leaves the instance unusable too.
      fatal: error instanceof RangeError && /memory/i.test(error.message)
    };
  }
  return { id, type: 'error', message: String(error), kind: ErrorKind.internal };
}

/**
 * The wasm instances whose next request panics on purpose (a
 * `debugArmPanic` request, tests only): one flag per instance, so the
 * in-process tests' lanes (one instance each) stay apart.
 */
const armedPanics = new WeakSet<WasmApi>();

/** Answers one request through `post`; never throws. */
export function handleRequest(
  api: WasmApi,
  request: EngineRequest,
  post: Post,
  chunkSize: number = CHUNK_SIZE,
  trees: TreeStore = workerTrees
): void {
  try {
    if (armedPanics.delete(api)) {
      api.debugPanic(`armed by a test, on request ${request.op}`);
    }
    switch (request.op) {
      case 'debugArmPanic': {
        armedPanics.add(api);
        post({ id: request.id, type: 'result', op: 'debugArmPanic', result: null });
        break;
      }
      case 'debugArmVanish': {
        post({
          id: request.id,
          type: 'error',
          message:
            'debugArmVanish is handled by the worker script, which alone can stop the worker',
          kind: ErrorKind.internal
        });
        break;
      }
      case 'columns': {
        const result = api.tableColumns(tableBytes(request.data, trees), request.format);
        post({ id: request.id, type: 'result', op: 'columns', result });
        break;
      }
      case 'treeOpen': {
        const result = openTree(api, trees, request.data, request.format, request.options);
        post({ id: request.id, type: 'result', op: 'treeOpen', result });
        break;
      }
      case 'tree': {
        const result = callTree(trees.get(request.handle), request.call);
        post({ id: request.id, type: 'result', op: 'tree', result });
        break;
      }
      case 'graphOpen': {
        const { result, transfer } = openGraph(
          api.EntityGraphView,
          graphsOf(trees),
          tableBytes(request.nodes, trees, 'the nodes table'),
          request.nodesFormat,
          tableBytes(request.edges, trees, 'the edges table'),
          request.edgesFormat,
          request.options
        );
        post({ id: request.id, type: 'result', op: 'graphOpen', result }, transfer);
        break;
      }
      case 'graph': {
        const { result, transfer } = callGraph(graphsOf(trees).get(request.handle), request.call);
        post({ id: request.id, type: 'result', op: 'graph', result }, transfer);
        break;
      }
      case 'graphClose': {
        graphsOf(trees).close(request.handle);
        post({ id: request.id, type: 'result', op: 'graphClose', result: null });
        break;
      }
      case 'chartOpen': {
        const result = openChart(api, trees, request.kind, request.sets, request.options);
        post({ id: request.id, type: 'result', op: 'chartOpen', result });
        break;
      }
      case 'chart': {
        const { result, transfer } = callChart(trees.getChart(request.handle), request.call);
        post({ id: request.id, type: 'result', op: 'chart', result }, transfer);
        break;
      }
      case 'chartClose': {
        trees.closeChart(request.handle);
        post({ id: request.id, type: 'result', op: 'chartClose', result: null });
        break;
      }
      case 'stage': {
        trees.stage(request.key, request.chunk);
        post({ id: request.id, type: 'result', op: 'stage', result: null });
        break;
      }
      case 'treeClose': {
        trees.close(request.handle);
        post({ id: request.id, type: 'result', op: 'treeClose', result: null });
        break;
      }
      case 'ioc': {
        const result = scanIocs(api, request.input, request.options, request.id, post, {
          chunkSize: request.chunkSize ?? chunkSize
        });
        post({ id: request.id, type: 'result', op: 'ioc', result });
        break;
      }
      case 'decode': {
        const result = api.unpackText(inputText(request.input), request.options);
        post({ id: request.id, type: 'result', op: 'decode', result });
        break;
      }
      case 'iocTable': {
        const bytes = api.extractIocTable(
          new Uint8Array(request.data),
          request.format,
          request.options
        );
        const buffer = ownBuffer(bytes);
        post({ id: request.id, type: 'result', op: 'iocTable', result: buffer }, [buffer]);
        break;
      }
      case 'timeseries': {
        const answer = api.timeseriesAnomalies(
          new Uint8Array(request.data),
          request.format,
          request.options
        );
        const table = ownBuffer(answer.table);
        post(
          {
            id: request.id,
            type: 'result',
            op: 'timeseries',
            result: { table, periods: answer.periods, kql: answer.kql }
          },
          [table]
        );
        break;
      }
      case 'incidentGraph': {
        // Parsing and merging entities is O(n): here, never on the page.
        const graph = api.EntityGraph.fromJson(new Uint8Array(request.data), request.options);
        try {
          const nodes = ownBuffer(graph.nodes());
          const edges = ownBuffer(graph.edges());
          const result = { nodes, edges, nodeCount: graph.nodeCount, warnings: graph.warnings() };
          post({ id: request.id, type: 'result', op: 'incidentGraph', result }, [nodes, edges]);
        } finally {
          graph.free();
        }
        break;
      }
      case 'cluster': {
        // Features, DBSCAN and the forest are O(n) and more: here, never
        // on the page; every buffer goes back transferred.
        const answer = api.clusterEvents(
          new Uint8Array(request.data),
          request.format,
          request.options
        );
        const clusters = ownBuffer(answer.clusters);
        const outliers = ownBuffer(answer.outliers);
        const result = {
          clusters,
          outliers,
          labels: answer.labels,
          scores: answer.scores,
          isOutlier: answer.isOutlier,
          clusterCount: answer.clusterCount,
          features: answer.features,
          points: answer.points
        };
        post({ id: request.id, type: 'result', op: 'cluster', result }, [
          clusters,
          outliers,
          answer.labels.buffer,
          answer.scores.buffer,
          answer.isOutlier.buffer,
          answer.points.buffer
        ]);
        break;
      }
      case 'sessions': {
        const bytes = api.scoreSessions(
          new Uint8Array(request.data),
          request.format,
          request.options
        );
        const buffer = ownBuffer(bytes);
        post({ id: request.id, type: 'result', op: 'sessions', result: buffer }, [buffer]);
        break;
      }
      case 'queryList': {
        const library = queryLibrary(api);
        const result = { templates: library.list(request.filter), errors: library.errors() };
        post({ id: request.id, type: 'result', op: 'queryList', result });
        break;
      }
      case 'queryRender': {
        const result = queryLibrary(api).render(request.name, request.params, request.options);
        post({ id: request.id, type: 'result', op: 'queryRender', result });
        break;
      }
      case 'queryRunLocal': {
        const files: Record<string, Uint8Array> = {};
        for (const [path, data] of Object.entries(request.files)) {
          files[path] = new Uint8Array(data);
        }
        const answer = queryLibrary(api).runLocal(
          request.name,
          request.params,
          manifestBytes(api, request.manifest),
          files,
          request.options
        );
        const table = ownBuffer(answer.table);
        post(
          {
            id: request.id,
            type: 'result',
            op: 'queryRunLocal',
            result: {
              name: answer.name,
              file: answer.file,
              table,
              rows: answer.rows,
              rowsRead: answer.rowsRead,
              applied: answer.applied,
              columns: answer.columns,
              preview: answer.preview
            }
          },
          [table]
        );
        break;
      }
      case 'queryManifest': {
        const result = api.localDataManifest(manifestBytes(api, request.manifest));
        post({ id: request.id, type: 'result', op: 'queryManifest', result });
        break;
      }
      case 'queryTime': {
        const [result] = api.timeSpan(
          request.start || null,
          request.end || null,
          request.period || null,
          null,
          request.now ?? undefined
        );
        post({ id: request.id, type: 'result', op: 'queryTime', result });
        break;
      }
      case 'siemProviders': {
        const result = api.siemProviders();
        post({ id: request.id, type: 'result', op: 'siemProviders', result });
        break;
      }
      case 'siemStart': {
        const run = queryLibrary(api).planSiemRun(
          request.name,
          request.params,
          request.provider,
          request.options
        );
        const handle = nextSiemRun++;
        siemRuns.set(handle, run);
        const result = { run: handle, next: run.next() ?? null };
        post({ id: request.id, type: 'result', op: 'siemStart', result });
        break;
      }
      case 'siemAnswer': {
        const run = siemRun(request.run);
        if (request.response) {
          run.submit(request.request, request.response);
        } else {
          run.fail(request.request, request.error ?? 'no answer');
        }
        const result = { run: request.run, next: run.next() ?? null };
        post({ id: request.id, type: 'result', op: 'siemAnswer', result });
        break;
      }
      case 'siemFinish': {
        const run = siemRun(request.run);
        siemRuns.delete(request.run);
        let answer: SiemRunResult;
        try {
          answer = run.finish();
        } finally {
          run.free();
        }
        const table = ownBuffer(answer.table);
        post(
          {
            id: request.id,
            type: 'result',
            op: 'siemFinish',
            result: { ...answer, table }
          },
          [table]
        );
        break;
      }
      case 'lookupProviders': {
        const result = api.lookupProviders();
        post({ id: request.id, type: 'result', op: 'lookupProviders', result });
        break;
      }
      case 'lookupPlan': {
        const plan = api.planLookups(request.iocs, request.providers);
        const result = { ...plan, cached: lookupCache(api).answered(plan) };
        post({ id: request.id, type: 'result', op: 'lookupPlan', result });
        break;
      }
      case 'lookupFinish': {
        const answer = api.finishLookups(request.plan, request.outcomes);
        // Answers the cache gave are not stored again (their age stays).
        const cached = new Set(
          ((request.plan as { cached?: CallOutcome[] }).cached ?? []).map(o => o.id)
        );
        lookupCache(api).remember(
          request.plan,
          request.outcomes.filter(o => !cached.has(o.id))
        );
        const table = ownBuffer(answer.arrow);
        post(
          {
            id: request.id,
            type: 'result',
            op: 'lookupFinish',
            result: { rows: answer.rows, table }
          },
          [table]
        );
        break;
      }
      case 'lookupRetry': {
        const result = api.lookupRetryDelay(request.attempt, request.response) ?? null;
        post({ id: request.id, type: 'result', op: 'lookupRetry', result });
        break;
      }
      case 'geoLoad': {
        // A bad file throws here and the database loaded before stays.
        const db = new api.GeoDatabase(new Uint8Array(request.bytes));
        geoDatabases.get(api)?.db.free();
        geoDatabases.set(api, { db, name: request.name });
        const result = { ...db.info(), name: request.name };
        post({ id: request.id, type: 'result', op: 'geoLoad', result });
        break;
      }
      case 'geoLookup': {
        const loaded = geoDatabases.get(api);
        if (!loaded) {
          post({
            id: request.id,
            type: 'error',
            message: 'no GeoIP database is loaded: pick a MaxMind .mmdb file first',
            kind: 'invalid_option'
          });
          break;
        }
        const answer = loaded.db.lookup(request.ips);
        const table = ownBuffer(answer.arrow);
        post(
          { id: request.id, type: 'result', op: 'geoLookup', result: { rows: answer.rows, table } },
          [table]
        );
        break;
      }
      default: {
        const op = (request as { op?: unknown }).op;
        post({
          id: (request as { id: number }).id,
          type: 'error',
          message: `unknown operation ${JSON.stringify(op)}`,
          kind: ErrorKind.internal
        });
      }
    }
  } catch (error) {
    post(errorMessage(request.id, error));
  }
}

function scanIocs(
  api: WasmApi,
  input: EngineInput,
  options: IocOptions,
  id: number,
  post: Post,
  { chunkSize }: { chunkSize: number }
): IocTextResult {
  const scanner = new api.IocScanner(options);
  let finished = false;
  try {
    if (typeof input === 'string') {
      const total = input.length;
      for (const [start, end] of stringChunks(input, chunkSize)) {
        scanner.push(input.slice(start, end));
        post({ id, type: 'progress', done: end, total });
      }
    } else {
      const total = input.byteLength;
      const step = Math.max(1, Math.floor(chunkSize));
      for (let start = 0; start < total; start += step) {
        const end = Math.min(start + step, total);
        scanner.pushBytes(new Uint8Array(input, start, end - start));
        post({ id, type: 'progress', done: end, total });
      }
    }
    finished = true;
    return plainCounts(scanner.finish());
  } finally {
    // `finish` consumes the scanner; free it only when we never got there.
    if (!finished) {
      try {
        scanner.free();
      } catch {
        // The instance may be poisoned after a trap; nothing left to free.
      }
    }
  }
}

/** `counts` as a plain object, whichever way the bindings built it. */
function plainCounts(result: IocTextResult): IocTextResult {
  const counts: unknown = result.counts;
  if (counts instanceof Map) {
    return { ...result, counts: Object.fromEntries(counts) as Record<string, number> };
  }
  return result;
}

/** An ArrayBuffer holding exactly `bytes`, so it can be transferred. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
