// Shapes the wasm facade itself makes (typed arrays, handles); the core's
// options and results are generated into api.d.ts (`gen_contract`).
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

/** What `clusterEvents` returns; per-row arrays are in input row order. */
export interface ClusterEventsResult {
  /** Arrow IPC: one row per cluster (its first event) and per noise event, as MSTICPy's `dbcluster_events`: `Clustered, ClusterId, ClusterSize, FirstEventTime, LastEventTime, SourceIndex`, the event's columns, the process features. */
  clusters: Uint8Array;
  /** Arrow IPC: the outlier events, most isolated first: `SourceIndex, OutlierScore, ClusterId`, the event's columns, the process features. */
  outliers: Uint8Array;
  /** Each row's cluster id (`-1`: noise). */
  labels: Int32Array;
  /** Each row's isolation-forest score in (0, 1]; higher is more isolated. */
  scores: Float64Array;
  /** Each row's mean path length over the trees (what the flags are decided on). */
  pathLengths: Float64Array;
  /** 1 where the row is an outlier. */
  isOutlier: Uint8Array;
  /** Number of clusters (noise excluded). */
  clusterCount: number;
  /** The feature names, in `points` column order. */
  features: string[];
  /** The (unnormalised) features, row-major: `features.length` values per row. */
  points: Float64Array;
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

