/** Which templates `QueryLibrary.list` returns; empty fields match all. */
export interface QueryFilter {
  /** A data environment, any alias (`LogAnalytics` finds `MSSentinel`). */
  environment?: string | null;
  /** A data family (`WindowsSecurity`). */
  family?: string | null;
  /** Words that must each appear in the name, description or parameters. */
  search?: string | null;
  /** A parameter the template must take (name or alias). */
  parameter?: string | null;
  /** A pivot entity it must take (`host`, `account`, `ip`, `process`, `url`, `file_hash`). */
  entity?: string | null;
}

/** One parameter of a template. */
export interface QueryParameter {
  name: string;
  description: string;
  /** `str`, `datetime`, `int`, `float` or `list`: pick the form input. */
  type: "str" | "datetime" | "int" | "float" | "list";
  /** The YAML default (a time expression such as `-1d` for datetimes). */
  default: unknown | null;
  /** Other names the template accepts for it. */
  aliases: string[];
  /** No default: the form must ask for it. */
  required: boolean;
}

/** A query template. */
export interface QueryTemplate {
  /** `family.source`: what `render` and `runLocal` take. */
  name: string;
  source: string;
  family: string;
  families: string[];
  /** Canonical data environments (`MSSentinel`, `MDE`, `Splunk`, `LocalData`, …). */
  environments: string[];
  /** The query language. */
  language: "kql" | "spl";
  description: string;
  /** The query with `{param}` placeholders. */
  query: string;
  uri: string | null;
  parameters: QueryParameter[];
  /** Pivot entities it takes. */
  entities: string[];
  tags: string[];
  aliases: string[];
  metadata: Record<string, unknown>;
  /** The file it came from and the line of its entry. */
  file: string;
  line: number;
}

/** A file, or one template in it, that did not load. */
export interface QueryLoadError {
  file: string;
  source: string | null;
  line: number | null;
  /** The whole message, to show as is. */
  message: string;
}

/** A rendered query. */
export interface RenderedQuery {
  name: string;
  language: "kql" | "spl";
  /** The query text, ready to copy. */
  query: string;
  /** Every parameter's value as used (times as ISO-8601 UTC). */
  parameters: Record<string, unknown>;
  /** Parameters passed that the template does not take. */
  ignored: string[];
}

/** Options of `render` and `runLocal`. */
export interface QueryRunOptions {
  /** Data environment, when several templates share the name. */
  environment?: string | null;
  /** "Now" for relative times: ISO-8601 or epoch ms. Default: the browser's clock (`runLocal`: the manifest's `now` first). */
  now?: string | number | null;
}

/** What `runLocal` returns. */
export interface LocalRunResult {
  name: string;
  /** The manifest file that answered. */
  file: string;
  /** Arrow IPC stream of the rows kept (every column text). */
  table: Uint8Array;
  rows: number;
  rowsRead: number;
  /** The filters applied, for display. */
  applied: string[];
  /** The column names. */
  columns: string[];
  /** The first rows (at most 1000) as display text, for a table. */
  preview: string[][];
}

/** A time range (ISO-8601 UTC, both ends included). */
export interface TimeSpanResult {
  start: string;
  end: string;
}

/** What `localDataManifest` reads from a LocalData manifest. */
export interface LocalManifestInfo {
  /** The manifest's own "now" (ISO-8601 UTC), for a frozen data set. */
  now: string | null;
  /** Each template it answers, and the file (relative to the manifest) holding its rows. */
  sources: Array<{ name: string; file: string }>;
}
