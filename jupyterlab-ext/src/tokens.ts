/**
 * The services this extension provides to others.
 */
import type { HuntkitEngine } from '@huntkit/engine';
import { Token } from '@lumino/coreutils';

/**
 * The huntkit wasm engine, running in Web Workers shared by every panel
 * and every notebook view: the worker half of every view (table columns,
 * charts, process trees: the views and trees lanes) as well as the
 * analyses (the jobs lane, which `cancel` stops without touching open views). It works in the browser alone:
 * no kernel, no server call, no network.
 */
export interface IHuntkitEngine extends Pick<
  HuntkitEngine,
  | 'extractIocs'
  | 'decode'
  | 'extractIocTable'
  | 'timeseries'
  | 'scoreSessions'
  | 'cluster'
  | 'incidentGraph'
  | 'tableColumns'
  | 'openProcessTree'
  | 'openEntityGraph'
  | 'openChart'
  | 'listQueries'
  | 'renderQuery'
  | 'runLocalQuery'
  | 'localManifest'
  | 'queryTimeRange'
  | 'lookupProviders'
  | 'lookupPlan'
  | 'lookupFinish'
  | 'lookupRetryDelay'
  | 'geoLoad'
  | 'geoLookup'
  | 'siemProviders'
  | 'runSiemQuery'
  | 'cancel'
  | 'busy'
> {}

/** The token of the shared huntkit engine. */
export const IHuntkitEngine = new Token<IHuntkitEngine>(
  '@huntkit/jupyterlab:IHuntkitEngine',
  'The huntkit wasm engine (IoC extraction, decoding) running in a Web Worker.'
);

/** Command ids. */
export const CommandIDs = {
  /** Reads a file from the Jupyter server and shows its IoCs in the Extract panel. */
  extractFile: 'huntkit:extract-file',
  /** Opens the Extract panel in the left sidebar. */
  openExtract: 'huntkit:open-extract',
  /** Sends a table file to the Analyze panel. */
  analyzeFile: 'huntkit:analyze-file',
  /** Opens a table file (CSV, JSON, NDJSON, Arrow) as a huntkit view. */
  openView: 'huntkit:open-view',
  /** Opens the Queries panel in the left sidebar. */
  openQueries: 'huntkit:open-queries',
  /** Opens the Lookup panel, with `iocs` (a string array argument) in its text box when given. */
  lookupIocs: 'huntkit:lookup-iocs',
  /**
   * Tests only, in no menu or palette: the next request in the engine's
   * `lane` (argument; default `jobs`) makes its wasm module panic for real,
   * so the end-to-end tests can check that a trapped module is survived.
   */
  debugArmPanic: 'huntkit:debug-arm-panic',
  /**
   * Tests only, in no menu or palette: the worker of the engine's `lane`
   * stops silently on its next request (no answer, no error event), and
   * the engine waits at most `silenceMs` (argument) for a worker with
   * requests in flight, so the end-to-end tests can check the watchdog.
   */
  debugArmVanish: 'huntkit:debug-arm-vanish'
} as const;
