/**
 * 429s retried after `Retry-After`, within bounds: what both hosts do with
 * a SIEM query's rate-limited answer (the JupyterLab Queries panel over the
 * server route, the VS Code extension host over its gateway). A provider's
 * own 429 answer and a host's refusal before sending (its token bucket)
 * are both waited for; past the bounds the last answer goes back (the core
 * reports the chunk `rate_limited` with the provider's message) or the
 * refusal is thrown with why it was given up.
 *
 * No DOM, no worker: imported by the VS Code extension host too
 * (`@huntkit/engine/retry`).
 */

/** Bounds of the retries. */
export interface RetryPolicy {
  /** Retries of one request after a 429 (default 3). */
  maxRetries?: number;
  /** Longest `Retry-After` waited for, in seconds (default 60); a longer one gives up at once. */
  maxWaitSeconds?: number;
  /** How to wait (tests pass a fast one); default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of each wait (a status line, a log). */
  onWait?: (seconds: number, attempt: number) => void;
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

/** Seconds of a `Retry-After` (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterSeconds(
  value: string | null | undefined,
  now: number = Date.now()
): number | null {
  const text = (value ?? '').trim();
  if (!text) {
    return null;
  }
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** An answer as both hosts hand it on (`HttpResponse`). */
interface Answer {
  status: number;
  headers?: Array<[string, string]> | null;
}

/**
 * Calls `attempt` until it answers something other than a 429, waiting
 * each 429's `Retry-After` (1, 2, 4 … s when it has none), at most
 * `maxRetries` times and never longer than `maxWaitSeconds`. `rateLimit`
 * says whether a thrown error is a host's rate-limit refusal (default: a
 * `RateLimitedError`). Other errors are thrown at once.
 */
export async function withRetryAfter<R extends Answer>(
  attempt: () => Promise<R>,
  policy: RetryPolicy = {},
  rateLimit: (error: unknown) => { retryAfter: string | null } | null = e =>
    e instanceof RateLimitedError ? e : null
): Promise<R> {
  const maxRetries = policy.maxRetries ?? 3;
  const maxWait = policy.maxWaitSeconds ?? 60;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  for (let tries = 0; ; tries++) {
    let wait: number | null;
    let last: { answer: R } | { error: Error };
    try {
      const answer = await attempt();
      if (answer.status !== 429) {
        return answer;
      }
      const header = (answer.headers ?? []).find(([n]) => n.toLowerCase() === 'retry-after')?.[1];
      wait = retryAfterSeconds(header);
      last = { answer };
    } catch (error) {
      const limited = rateLimit(error);
      if (!limited) {
        throw error;
      }
      wait = retryAfterSeconds(limited.retryAfter);
      last = { error: error instanceof Error ? error : new Error(String(error)) };
    }
    const why =
      tries >= maxRetries
        ? `rate limited: gave up after ${maxRetries} retries`
        : wait !== null && wait > maxWait
          ? `rate limited: Retry-After ${wait} s is longer than the ${maxWait} s waited for`
          : null;
    if (why) {
      if ('answer' in last) {
        return last.answer;
      }
      throw new Error(`${last.error.message} (${why})`);
    }
    const seconds = wait ?? Math.min(maxWait, 2 ** tries);
    policy.onWait?.(seconds, tries + 1);
    await sleep(seconds * 1000);
  }
}
