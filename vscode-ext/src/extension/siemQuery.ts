/**
 * A SIEM query run in the extension host: the core (the wasm module, loaded
 * in Node) renders the template, plans each time chunk's request and reads
 * each answer; `send` (the gateway) performs the call. Nothing here names a
 * host or holds a key, and nothing comes from a renderer.
 *
 * A 429 (the provider's, or the gateway's own rate limit) is retried after
 * its `Retry-After`, a bounded number of times and for a bounded wait; when
 * it gives up, the chunk is reported `rate_limited` with why.
 *
 * No `vscode` import: tested under plain Node with the real wasm module.
 */
import { withRetryAfter, type RetryDelay, type RetryPolicy } from '@huntkit/engine/retry';
import type { ProviderResponse } from './gateway';
import { GatewayError } from './gateway';

export type { RetryDelay, RetryPolicy };

/** The core's retry decision from the wasm module, as `withRetryAfter` asks it. */
export const coreRetryDelay =
  (api: SiemWasm): RetryDelay =>
  (attempt, answer) =>
    api.lookupRetryDelay(attempt, {
      status: answer.status,
      headers: answer.headers ?? [],
      body: answer.body ?? ''
    }) ?? null;

/** What the run needs of the wasm module (`rust/wasm`'s `QueryLibrary` / `SiemRun`). */
export interface SiemWasm {
  QueryLibrary: {
    bundled(): SiemLibrary;
  };
  siemProviders(): Array<{
    name: string;
    configName: string;
    environment: string;
    jobs: boolean;
  }>;
  /** The core's 429 rule (`RetryPlan`): ms to wait before trying again, or undefined to stop. */
  lookupRetryDelay(attempt: number, response: ProviderResponse): number | undefined;
}

/** The part of `QueryLibrary` the command uses. */
export interface SiemLibrary {
  list(filter?: { environment?: string | null }): Array<{
    name: string;
    description: string;
    environments: string[];
    parameters: Array<{ name: string; description: string; required: boolean }>;
  }>;
  planSiemRun(
    name: string,
    params: Record<string, unknown> | undefined,
    provider: string,
    options: Record<string, unknown> | undefined
  ): SiemRunHandle;
  free(): void;
}

/** `SiemRun` of the wasm module. */
export interface SiemRunHandle {
  /** The next request; wait `waitMs` before sending it (a search job's poll). */
  next(): { id: number; request: unknown; waitMs: number } | undefined;
  submit(id: number, response: ProviderResponse): void;
  fail(id: number, message: string): void;
  finish(): SiemResult;
  free(): void;
}

/** `SiemRunResult` of the wasm module (the parts read here). */
export interface SiemResult {
  provider: string;
  table: Uint8Array;
  rows: number;
  status: string;
  chunks: Array<{
    chunk: number;
    start: string | null;
    end: string | null;
    status: string;
    rows: number;
    messages: string[];
  }>;
  notes: string[];
  columns: string[];
  preview: string[][];
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/**
 * One request, retried after each 429 (the provider's answer, or the
 * gateway's own rate-limit refusal) as the core decides. Returns
 * the answer to submit, or a failure message.
 */
async function sendWithRetry(
  request: unknown,
  send: (request: unknown) => Promise<ProviderResponse>,
  delay: RetryDelay,
  policy: RetryPolicy
): Promise<{ response: ProviderResponse } | { failure: string }> {
  try {
    const response = await withRetryAfter(
      () => send(request),
      delay,
      policy,
      e => (e instanceof GatewayError && e.status === 429 ? e : null)
    );
    return { response };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Runs a planned SIEM query to the end: every request the core plans
 * (a chunk's query, or a search job's poll or page, after the wait the
 * core asks for) through `send`, its answer (or failure) back to the
 * core, then the core's
 * result (typed Arrow table, chunk reports). The run is freed whatever
 * happens.
 */
export async function runPlanned(
  run: SiemRunHandle,
  send: (request: unknown) => Promise<ProviderResponse>,
  delay: RetryDelay,
  policy: RetryPolicy = {}
): Promise<SiemResult> {
  try {
    for (let planned = run.next(); planned; planned = run.next()) {
      if (planned.waitMs > 0) {
        // A search job's poll interval, on a timer: nothing is blocked.
        await (policy.sleep ?? sleep)(planned.waitMs);
      }
      const outcome = await sendWithRetry(planned.request, send, delay, policy);
      if ('response' in outcome) {
        run.submit(planned.id, outcome.response);
      } else {
        run.fail(planned.id, outcome.failure);
      }
    }
    return run.finish();
  } finally {
    run.free();
  }
}

/** RFC 4180 CSV of the result's columns and preview rows (every cell quoted when it needs it). */
export function previewCsv(result: Pick<SiemResult, 'columns' | 'preview'>): string {
  const cell = (value: string): string =>
    /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return [result.columns, ...result.preview].map(row => row.map(cell).join(',')).join('\r\n');
}

/** The chunk report, one line a chunk, for the output channel. */
export function reportLines(result: Omit<SiemResult, 'table'>): string[] {
  const lines = [
    `${result.provider}: ${result.status}, ${result.rows} rows, ${result.chunks.length} chunk(s)`
  ];
  for (const c of result.chunks) {
    const span = c.start || c.end ? ` ${c.start ?? ''} .. ${c.end ?? ''}` : '';
    lines.push(`  chunk ${c.chunk}${span}: ${c.status}, ${c.rows} rows`);
    for (const m of c.messages) {
      lines.push(`    ${m}`);
    }
  }
  for (const n of result.notes) {
    lines.push(`  note: ${n}`);
  }
  return lines;
}
