/**
 * `@huntkit/engine`: the huntkit wasm module for browsers.
 *
 * - `HuntkitEngine` runs the wasm in Web Workers (`worker.ts`; a views lane
 *   and a jobs lane) and answers with promises; the messages are in
 *   `protocol.ts`. The page never loads the wasm module itself.
 * - `views/` holds the DOM views both hosts (JupyterLab, VS Code) share.
 *
 * ```ts
 * const engine = new HuntkitEngine();
 * const result = await engine.extractIocs('see hxxp://evil[.]com', {}, (done, total) => {});
 * new IocTableView().setResult(result);
 * ```
 */
export type {
  AnomalyPeriod,
  CallFailure,
  CallOutcome,
  DecodeOptions,
  DecodeResult,
  DecodedItem,
  ExtraPattern,
  Finding,
  FindingLevel,
  GeoDbInfo,
  GeoRow,
  GeoStatus,
  IocOptions,
  IocSummary,
  IocTextResult,
  LocalManifestInfo,
  LookupPlan,
  LookupProviderInfo,
  LookupResult,
  LookupStatus,
  PlannedCall,
  HttpRequest,
  HttpResponse,
  Severity,
  QueryFilter,
  QueryLoadError,
  QueryParameter,
  QueryRunOptions,
  QueryTemplate,
  RenderedQuery,
  SessionOptions,
  SiemChunkReport,
  SiemProviderInfo,
  SiemRunOptions,
  TimeSpanResult,
  TimeseriesOptions,
  TimeseriesResult,
  ClusterOptions,
  ClusterEventsResult
} from '../pkg/huntkit_wasm.js';
export {
  HuntkitEngine,
  HuntkitError,
  laneOf,
  RemoteChart,
  RemoteEntityGraph,
  RemoteProcessTree,
  type ChartSource,
  type EngineLane,
  type HuntkitEngineOptions,
  type GeoTableResult,
  type LocalQueryResult,
  type LookupTableResult,
  type ProgressCallback,
  type SiemQueryResult,
  type SiemSend,
  type WorkerLike
} from './engine.js';
export { DEFAULT_WATCHDOG, type WatchdogOptions } from './watchdog.js';
export {
  ErrorKind,
  type ChartCall,
  type ChartOpened,
  type ChartResults,
  type DecodeRequest,
  type EngineInput,
  type EngineOp,
  type EngineRequest,
  type EngineResponse,
  type EngineResults,
  type ErrorMessage,
  type GeoLoaded,
  type GeoLoadRequest,
  type GeoLookupAnswer,
  type GeoLookupRequest,
  type IocRequest,
  type IocTableOptions,
  type IocTableRequest,
  type LookupFinishAnswer,
  type LookupFinishRequest,
  type LookupPlanned,
  type LookupPlanRequest,
  type LookupProvidersRequest,
  type LookupRetryRequest,
  type ProgressMessage,
  type QueryListAnswer,
  type QueryListRequest,
  type QueryManifestRequest,
  type QueryRenderRequest,
  type QueryRunAnswer,
  type QueryRunLocalRequest,
  type QueryTimeRequest,
  type ResultMessage,
  type SessionsRequest,
  type SiemAnswerRequest,
  type SiemFinishAnswer,
  type SiemFinishRequest,
  type SiemProvidersRequest,
  type SiemStartRequest,
  type SiemStep,
  type TableFormat,
  type TimeseriesAnswer,
  type TimeseriesRequest,
  type ClusterAnswer,
  type ClusterRequest,
  type DebugArmPanicRequest,
  type DebugArmVanishRequest
} from './protocol.js';
export { CLUSTER_DEFAULT_FEATURES, CLUSTER_FEATURES } from './contract.js';
export {
  RateLimitedError,
  withRetryAfter,
  type RetryAnswer,
  type RetryDelay,
  type RetryPolicy
} from './retry.js';
export * from './views/index.js';
