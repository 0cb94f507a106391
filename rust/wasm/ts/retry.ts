/**
 * 429s retried after `Retry-After`: what both hosts do with a SIEM query's
 * rate-limited answer (the JupyterLab Queries panel over the server route,
 * the VS Code extension host over its gateway). The rule (how many
 * retries, the wait when none is said, the longest wait accepted) is the
 * core's `RetryPlan`, asked through `lookupRetryDelay`; this only loops.
 * A provider's own 429 answer and a host's refusal before sending (its
 * token bucket, a 429 with `Retry-After`) are both waited for; when the
 * core says stop, the last answer goes back (the core reports the chunk
 * `rate_limited` with the provider's message) or the refusal is thrown
 * with that it was given up.
 *
 * No DOM, no worker: imported by the VS Code extension host too
 * (`@huntkit/engine/retry`).
 */

/** An answer as both hosts hand it on (`HttpResponse`). */
export interface RetryAnswer {
  status: number;
  headers?: Array<[string, string]> | null;
  body?: string;
}

/**
 * The core's decision after answer number `attempt` (1 for the first
 * try): milliseconds to wait before trying again, or null to stop
 * (`lookupRetryDelay` of the wasm module or the engine).
 */
export type RetryDelay = (
  attempt: number,
  answer: RetryAnswer
) => Promise<number | null> | number | null;

/** How to wait and whom to tell; both optional. */
export interface RetryPolicy {
  /** How to wait (tests pass a fast one); default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of each wait (a status line, a log). */
  onWait?: (ms: number, attempt: number) => void;
}

/** A host's refusal because of a rate limit, with its `Retry-After` (seconds or a date). */
export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfter: string | null
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/**
 * Calls `attempt` until it answers something other than a 429 or the core
 * says stop. `rateLimit` says whether a thrown error is a host's
 * rate-limit refusal (default: a `RateLimitedError`); other errors are
 * thrown at once.
 */
export async function withRetryAfter<R extends RetryAnswer>(
  attempt: () => Promise<R>,
  delay: RetryDelay,
  policy: RetryPolicy = {},
  rateLimit: (error: unknown) => { retryAfter: string | null } | null = e =>
    e instanceof RateLimitedError ? e : null
): Promise<R> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  for (let tries = 1; ; tries++) {
    let last: { answer: R } | { error: Error; seen: RetryAnswer };
    try {
      const answer = await attempt();
      if (answer.status !== 429) {
        return answer;
      }
      last = { answer };
    } catch (error) {
      const limited = rateLimit(error);
      if (!limited) {
        throw error;
      }
      const e = error instanceof Error ? error : new Error(String(error));
      // Read by the core like the provider's own 429.
      const headers: Array<[string, string]> =
        limited.retryAfter !== null ? [['retry-after', limited.retryAfter]] : [];
      last = { error: e, seen: { status: 429, headers, body: e.message } };
    }
    const ms = await delay(tries, 'answer' in last ? last.answer : last.seen);
    if (ms === null) {
      if ('answer' in last) {
        return last.answer;
      }
      throw new Error(`${last.error.message} (rate limited: given up after ${tries} tries)`);
    }
    policy.onWait?.(ms, tries);
    await sleep(ms);
  }
}
