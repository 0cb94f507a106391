/**
 * The view bundle (`application/vnd.huntkit.view+json`, README "The view
 * bundle"): checked here before any wasm runs, so a bad bundle is named
 * precisely instead of failing somewhere inside the chart.
 */

/** The MIME type both hosts render. */
export const VIEW_MIME_TYPE = 'application/vnd.huntkit.view+json';

/** The bundle versions this code draws. */
export const BUNDLE_VERSION = 1;

/** The view kinds. */
export const VIEW_KINDS = [
  'timeline',
  'timeline_values',
  'timeline_duration',
  'matrix',
  'anomalies',
  'session_scores',
  'process_tree'
] as const;

/** One of `VIEW_KINDS`. */
export type ViewKindName = (typeof VIEW_KINDS)[number];

/** Each kind's name for people: default titles and the hosts' pickers. */
export const VIEW_TITLES: Record<ViewKindName, string> = {
  timeline: 'Timeline',
  timeline_values: 'Timeline values',
  timeline_duration: 'Timeline duration',
  matrix: 'Matrix',
  anomalies: 'Time-series anomalies',
  session_scores: 'Scored sessions',
  process_tree: 'Process tree'
};

/** One data set as the bundle carries it. */
export interface BundleDataSet {
  label: string;
  /** Base64 of an Arrow IPC stream. */
  arrow: string;
  rows?: number;
  time_column?: string;
  color?: string;
}

/** A checked bundle. */
export interface ViewBundle {
  version: number;
  kind: ViewKindName;
  options: Record<string, unknown>;
  data: BundleDataSet[];
}

/** A bundle that cannot be drawn; the message says why. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a bundle (an object, or its JSON text). */
export function parseBundle(value: unknown): ViewBundle {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw new BundleError(`the view bundle is not JSON: ${String(error)}`);
    }
  }
  if (!isObject(value)) {
    throw new BundleError('the view bundle is not an object');
  }
  const { version, kind, options, data } = value;
  if (version !== BUNDLE_VERSION) {
    throw new BundleError(
      `unknown view bundle version ${JSON.stringify(version) ?? 'undefined'}: this huntkit draws version ${BUNDLE_VERSION}; update huntkit or the tool that made the bundle`
    );
  }
  if (typeof kind !== 'string' || !(VIEW_KINDS as readonly string[]).includes(kind)) {
    throw new BundleError(
      `unknown view kind ${JSON.stringify(kind) ?? 'undefined'} (expected one of ${VIEW_KINDS.join(', ')})`
    );
  }
  if (options !== undefined && options !== null && !isObject(options)) {
    throw new BundleError('the bundle\'s "options" is not an object');
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new BundleError('the bundle has no data sets ("data" must be a non-empty list)');
  }
  const sets = data.map((entry: unknown, i): BundleDataSet => {
    if (!isObject(entry) || typeof entry.arrow !== 'string') {
      throw new BundleError(
        `data set ${i + 1} has no "arrow" text (base64 of an Arrow IPC stream)`
      );
    }
    const set: BundleDataSet = {
      label: typeof entry.label === 'string' ? entry.label : `data ${i + 1}`,
      arrow: entry.arrow
    };
    if (typeof entry.rows === 'number') {
      set.rows = entry.rows;
    }
    if (typeof entry.time_column === 'string') {
      set.time_column = entry.time_column;
    }
    if (typeof entry.color === 'string') {
      set.color = entry.color;
    }
    return set;
  });
  return {
    version,
    kind: kind as ViewKindName,
    options: (options as Record<string, unknown> | undefined) ?? {},
    data: sets
  };
}

/** Decodes base64, naming the data set when it is not base64. */
export function base64ToBytes(text: string, what: string): Uint8Array {
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array })
    .fromBase64;
  try {
    if (fromBase64) {
      return fromBase64(text.replace(/\s+/g, ''));
    }
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  } catch {
    throw new BundleError(`${what} is not valid base64`);
  }
}
