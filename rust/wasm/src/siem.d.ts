/** A SIEM query provider, as `siemProviders` lists it. */
export interface SiemProviderInfo {
  /** Registry name (`loganalytics`, `m365d`, `kusto`, `splunk`). */
  name: string;
  /** Its msticpyconfig.yaml section. */
  configName: string;
  /** The canonical data environment of its templates (`MSSentinel`, `MDE`, `Kusto`, `Splunk`). */
  environment: string;
  /** Whether it can run each chunk as a search job (`mode: 'jobs'`). */
  jobs: boolean;
}

/** Options of `QueryLibrary.planSiemRun`. */
export interface SiemRunOptions {
  /** Data environment, when several templates share the name (default: the provider's). */
  environment?: string | null;
  /** "Now" for relative times: ISO-8601 or epoch ms. Default: the browser's clock. */
  now?: string | number | null;
  /** Where the query runs: `workspaceId` (Log Analytics), `database` (Kusto). */
  target?: { workspaceId?: string | null; database?: string | null };
  /** Run the template once per chunk of this period (`1d`, `6H`) and join the rows. */
  splitBy?: string | null;
  /** Split a chunk over the provider's limits in two and run the halves (default true). */
  autoSplit?: boolean | null;
  /** `export` (default: one request per chunk) or `jobs` (Splunk search jobs: create, poll, read pages). */
  mode?: 'export' | 'jobs' | null;
  /** Rows per results page in `jobs` mode (default 10000, at most 50000). */
  pageSize?: number | null;
  /** Seconds a search job may run before its chunk is `timeout` (default 600). */
  jobTimeoutSecs?: number | null;
}

/** One request of a run, for the host to perform. */
export interface SiemPlanned {
  /** What to pass to `submit` / `fail` with the answer. */
  id: number;
  request: HttpRequest;
  /** Milliseconds to wait before sending it (a search job's poll interval; 0 for most). */
  waitMs: number;
}

/** How one time chunk of a run went. */
export interface SiemChunkReport {
  /** Chunk number in time order, from 1. */
  chunk: number;
  start: string | null;
  end: string | null;
  /** `ok`, `partial`, `limit_exceeded`, `timeout`, `unauthorized`, `forbidden`, `not_found`, `rate_limited`, `query_error`, `bad_response` or `error`. */
  status: string;
  /** Rows it added. */
  rows: number;
  /** The provider's messages and what to do. */
  messages: string[];
}

/** What `SiemRun.finish` returns. */
export interface SiemRunResult {
  provider: string;
  /** Every chunk's rows, typed, as an Arrow IPC stream. */
  table: Uint8Array;
  rows: number;
  /** `ok`, `partial`, or the first failure's status. */
  status: string;
  chunks: SiemChunkReport[];
  /** Notes on the table (cells not of their column's type). */
  notes: string[];
  columns: string[];
  /** The first rows as text. */
  preview: string[][];
}
