/** What to extract; every field is optional. */
export interface IocOptions {
  /** Type names to report (default: every built-in type). */
  types?: string[];
  /** Report windows_path and linux_path (default: yes for text, no for tables). */
  include_paths?: boolean;
  /** Public suffixes whose domains are not reported. */
  ignore_tlds?: string[];
  /** Extra patterns, reported under their name. */
  extra_patterns?: ExtraPattern[];
  /** Tables only: the columns to scan (default: every text column). */
  columns?: string[];
}
/** A user-defined pattern (the `regex` crate's syntax). */
export interface ExtraPattern {
  name: string;
  pattern: string;
}
/** One distinct IoC of a text. */
export interface IocSummary {
  IoCType: string;
  /** The first occurrence as written (possibly defanged). */
  Observable: string;
  Refanged: string;
  Count: number;
  /** Byte offset of the first occurrence in the UTF-8 input. */
  FirstOffset: number;
}
/** What a text scan found. */
export interface IocTextResult {
  items: IocSummary[];
  /** Distinct IoCs per type. */
  counts: Record<string, number>;
  bytes: number;
  lines: number;
}
/** Limits and thresholds for decoding; every field is optional. */
export interface DecodeOptions {
  max_depth?: number;
  max_total_bytes?: number;
  max_archive_members?: number;
  min_base64_len?: number;
  min_hex_len?: number;
  decode_hex?: boolean;
}
/** One decoded payload. */
export interface DecodedItem {
  reference: string;
  depth: number;
  parent: string | null;
  original_string: string;
  file_name: string | null;
  file_type: string | null;
  input_bytes: number;
  decoded_string: string;
  encoding_type: string;
  md5: string;
  sha1: string;
  sha256: string;
  printable_bytes: string;
  start: number;
  end: number;
}
/** Everything decoded from one text. */
export interface DecodeResult {
  rows: DecodedItem[];
  /** The input with each decoded run replaced by a `<decoded …>` annotation. */
  annotated: string;
  warnings: string[];
  /** True when a limit stopped decoding. */
  truncated: boolean;
}

/** Options of `timeseriesAnomalies`, named like MSTICPy's parameters. */
export interface TimeseriesOptions {
  /** The time column (default `TimeGenerated`). */
  time_column?: string;
  /** The value column, summed per bin; omitted: rows are events, counted. */
  value_column?: string | null;
  /** Bin size: `1h`, `15min`, `1d` (default `1h`); gaps are filled with 0. */
  bin?: string;
  /** Bins per seasonal cycle (default 24). */
  period?: number;
  /** Seasonal smoother length, odd (default 7). */
  seasonal?: number;
  /** Robust STL (default false). */
  robust?: boolean;
  /** |z| of the residual above which a point is an anomaly (default 3). */
  score_threshold?: number;
  /** Reproduce MSTICPy's `ts_anomalies_stl` exactly (default false). */
  msticpy_compatible?: boolean;
  /** Periods and KQL include low anomalies too (default false). */
  include_negative?: boolean;
}

/** A window around anomalies (RFC 3339, UTC). */
export interface AnomalyPeriod {
  start: string;
  end: string;
}

/** What `timeseriesAnomalies` returns. */
export interface TimeseriesResult {
  /** Arrow IPC: `<time>, <value>, residual, trend, seasonal, weights, baseline, score, anomalies`. */
  table: Uint8Array;
  /** Windows around the anomalies. */
  periods: AnomalyPeriod[];
  /** `| where <time> between (datetime(…) .. datetime(…)) or …`; empty without anomalies. */
  kql: string;
}

/** Options of `scoreSessions` and `SessionModel`. */
export interface SessionOptions {
  /** The column holding each session as a JSON list of commands (default `session`). */
  session_column?: string;
  /** Length of the sliding window for the rarest window (default 3). */
  window_length?: number;
}
/** One data set of a view: Arrow IPC bytes (or CSV/JSON/NDJSON text bytes). */
export interface ChartDataSet {
  label: string;
  data: Uint8Array;
  /** `arrow` (default), `csv`, `json`, `ndjson` or `auto`. */
  format?: string;
  /** Overrides the options' `time_column` for this set. */
  time_column?: string;
  /** A CSS colour for this set. */
  color?: string;
}
/** A lane, series or bar. */
export interface SeriesInfo {
  label: string;
  dataset: number;
  events: number;
}
/** A data set as the legend shows it. */
export interface DataSetInfo {
  label: string;
  rows: number;
  color: string | null;
}
/** What a view is: everything the host needs to frame it. */
export interface ChartInfo {
  kind:
    | 'timeline'
    | 'timeline_values'
    | 'timeline_duration'
    | 'matrix'
    | 'anomalies'
    | 'session_scores';
  title: string | null;
  height: number | null;
  width: number | null;
  /** `time` (milliseconds, UTC) or `category`. */
  x_axis: 'time' | 'category';
  x_domain: [number, number];
  y_domain: [number, number] | null;
  series: SeriesInfo[];
  /** Whether `series` are lanes labelled on the y axis. */
  lanes: boolean;
  datasets: DataSetInfo[];
  /** Mark styles: `point`, `circle`, `line`, `vbar`, `bar`, `cell`, `anomalies`. */
  marks: string[];
  ref_time: number | null;
  ref_label: string | null;
  /** Axis titles (x, y). */
  axis_labels: [string | null, string | null];
  total_events: number;
  /** Columns shown in tooltips and copied. */
  columns: string[];
  /** Rows left out, and why. */
  warnings: string[];
}
/** A labelled axis position. */
export interface Tick {
  px: number;
  value: number;
  label: string;
}
/** What to draw for one window. */
export interface ChartLayout {
  /** `stride` numbers per mark: x, y, w, h, count, row, series. */
  marks: Float64Array;
  stride: number;
  xTicks: Tick[];
  yTicks: Tick[];
  eventsInView: number;
}
/** Global row ids (at most the limit asked for) and how many there are. */
export interface RowIds {
  ids: Uint32Array;
  total: number;
}



/** MSTICPy's `get_summary_info` counts. */
export interface ProcTreeSummary {
  Processes: number;
  RootProcesses: number;
  LeafProcesses: number;
  BranchProcesses: number;
  /** Roots that are also leaves. */
  IsolatedProcesses: number;
  /** Levels of the deepest tree (a lone root is 1). */
  LargestTreeDepth: number;
}


/** One visible row of a `ProcessTreeView`. */
export interface ProcTreeRow {
  /** Node index: pass it to `toggle`, `details`, `subtreeText`… */
  node: number;
  depth: number;
  expanded: boolean;
  /** Has children that pass the time filter. */
  hasChildren: boolean;
  /** Creation time, ms since the epoch; null when unknown (inferred). */
  time: number | null;
  image: string;
  pid: string;
  user: string;
  cmdline: string;
  /** Its value in the legend column. */
  legend: string | null;
  /** No event of its own: inferred from a child's parent columns. */
  inferred: boolean;
  /** Matches the current search. */
  matched: boolean;
  /** Inside the time filter (false: shown as an ancestor only). */
  inRange: boolean;
}

/** One column of a process's row. */
export interface ProcTreeCell {
  name: string;
  value: string | null;
}

/** Everything about one process. */
export interface ProcTreeDetails {
  node: number;
  /** Input columns, then proc_key, parent_key, depth, child_count, descendant_count, IsInferred, EffectiveLogonId. */
  columns: ProcTreeCell[];
  /** Root first. */
  ancestors: ProcTreeRow[];
}

/** A legend column value and how many processes have it. */
export interface ProcTreeLegendValue {
  value: string;
  count: number;
}
