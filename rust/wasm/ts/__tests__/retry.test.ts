/**
 * 429s retried after Retry-After within bounds (`withRetryAfter`), as both
 * hosts use it for SIEM queries; waits are recorded, not slept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimitedError, retryAfterSeconds, withRetryAfter } from '../retry.js';

interface Answer {
  status: number;
  headers: Array<[string, string]>;
}

/** Answers (or throws) from a script, one item a call. */
function scripted(items: Array<Answer | Error>): {
  attempt: () => Promise<Answer>;
  calls: () => number;
} {
  let n = 0;
  return {
    attempt: async () => {
      const item = items[Math.min(n++, items.length - 1)];
      if (item instanceof Error) {
        throw item;
      }
      return item;
    },
    calls: () => n
  };
}

const limited = (after: string): Answer => ({ status: 429, headers: [['Retry-After', after]] });
const ok: Answer = { status: 200, headers: [] };

describe('withRetryAfter', () => {
  it('reads delta seconds and http dates, and nothing else', () => {
    assert.equal(retryAfterSeconds('7'), 7);
    assert.equal(retryAfterSeconds('Thu, 01 Jan 1970 00:00:10 GMT', 0), 10);
    assert.equal(retryAfterSeconds('soon'), null);
    assert.equal(retryAfterSeconds(undefined), null);
  });

  it("waits each 429's Retry-After and returns the answer after", async () => {
    const waits: number[] = [];
    const s = scripted([limited('2'), limited('5'), ok]);
    const answer = await withRetryAfter(s.attempt, { sleep: async ms => void waits.push(ms) });
    assert.equal(answer.status, 200);
    assert.deepEqual(waits, [2000, 5000]);
    assert.equal(s.calls(), 3);
  });

  it('gives the 429 back after maxRetries, and at once when Retry-After is too long', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => void waits.push(ms);
    const many = scripted([limited('1')]);
    assert.equal((await withRetryAfter(many.attempt, { sleep, maxRetries: 2 })).status, 429);
    assert.equal(many.calls(), 3);
    const long = scripted([limited('600'), ok]);
    assert.equal((await withRetryAfter(long.attempt, { sleep })).status, 429);
    assert.equal(long.calls(), 1);
    assert.deepEqual(waits, [1000, 1000]);
  });

  it("retries a host's rate-limit refusal, and says why it gave up", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => void waits.push(ms);
    const once = scripted([new RateLimitedError('rate limit reached', '3'), ok]);
    assert.equal((await withRetryAfter(once.attempt, { sleep })).status, 200);
    const always = scripted([new RateLimitedError('rate limit reached', '1')]);
    await assert.rejects(
      withRetryAfter(always.attempt, { sleep, maxRetries: 1 }),
      /rate limit reached \(rate limited: gave up after 1 retries\)/
    );
    const other = scripted([new Error('unreachable'), ok]);
    await assert.rejects(withRetryAfter(other.attempt, { sleep }), /^Error: unreachable$/);
    assert.equal(other.calls(), 1);
    assert.deepEqual(waits, [3000, 1000]);
  });
});
