/**
 * Notices a lane's worker that went silent: killed, out of memory, hung in
 * a loop, or gone without an `error` event (a worker that called `close()`
 * fires none). A ping cannot tell such a worker from a busy one — a worker
 * runs one synchronous wasm call at a time and answers nothing meanwhile —
 * so the wait is sized by the work: while requests are in flight, the
 * worker must say something (a progress message or an answer) within a
 * budget that grows with the input in flight, and each message starts the
 * wait again.
 */

/** How long a lane's worker may stay silent while it has requests in flight. */
export interface WatchdogOptions {
  /** Silence allowed whatever the input (ms). */
  baseMs: number;
  /** Added per request in flight (ms). */
  perRequestMs: number;
  /** Added per MiB of input in flight (ms): 4,000 allows 0.25 MiB/s. */
  msPerMiB: number;
  /** Added while a new worker loads and compiles the wasm module (ms). */
  initMs: number;
}

/**
 * The defaults: 30 s plus 4 s per MiB (a quarter of the slowest wasm path
 * measured, on a loaded machine), plus 30 s for a new worker's module.
 */
export const DEFAULT_WATCHDOG: WatchdogOptions = {
  baseMs: 30_000,
  perRequestMs: 1_000,
  msPerMiB: 4_000,
  initMs: 30_000
};

const MIB = 1 << 20;

/** How deep `inputSize` looks into a request (requests nest their data shallowly). */
const MAX_DEPTH = 5;

/**
 * The size of the input a request carries (characters of text, bytes of
 * buffers, summed through its fields but its `op`); `{staged: key}` counts
 * as the text `staged` says was sent under `key`.
 */
export function inputSize(value: unknown, staged: (key: number) => number, depth = 0): number {
  if (typeof value === 'string') {
    return value.length;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return value.byteLength;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) {
    return 0;
  }
  let size = 0;
  for (const [key, field] of Object.entries(value)) {
    if (key === 'op') {
      continue;
    }
    size +=
      key === 'staged' && typeof field === 'number'
        ? staged(field)
        : inputSize(field, staged, depth + 1);
  }
  return size;
}

/** The silence allowed for requests of `sizes` (input units each). */
export function silenceBudget(
  options: WatchdogOptions,
  sizes: Iterable<number>,
  newWorker: boolean
): number {
  let budget = options.baseMs + (newWorker ? options.initMs : 0);
  for (const size of sizes) {
    budget += options.perRequestMs + (size / MIB) * options.msPerMiB;
  }
  return Math.ceil(budget);
}

/** One lane's timer: started again on every message, stopped when nothing is in flight. */
export class LaneWatchdog {
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Calls `onSilent(budget)` unless `restart` or `stop` comes within `budget` ms. */
  restart(budget: number, onSilent: (budget: number) => void): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      onSilent(budget);
    }, budget);
    // In Node (tests, scripts) a pending timer must not keep the process up.
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
