/**
 * 429s retried after Retry-After by the core's rule (`withRetryAfter` with
 * the real wasm module's `lookupRetryDelay`: the core's `RetryPlan`), as
 * both hosts use it for SIEM queries; waits are recorded, not slept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import * as wasm from '../../pkg/huntkit_wasm.js';
import { RateLimitedError, withRetryAfter, type RetryAnswer, type RetryDelay } from '../retry.js';
import { skipWithoutWasm } from './realWasm.js';

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

const limited = (after: string): Answer => ({ status: 429, headers: [['retry-after', after]] });
const ok: Answer = { status: 200, headers: [] };

describe('withRetryAfter with the core rule', { skip: skipWithoutWasm }, () => {
  let delay: RetryDelay;
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => void waits.push(ms);

  before(() => {
    wasm.initSync({
      module: readFileSync(
        fileURLToPath(new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url))
      )
    });
    delay = (attempt: number, answer: RetryAnswer) =>
      wasm.lookupRetryDelay(attempt, {
        status: answer.status,
        headers: answer.headers ?? [],
        body: answer.body ?? ''
      }) ?? null;
  });

  it("waits each 429's Retry-After and returns the answer after", async () => {
    waits.length = 0;
    const s = scripted([limited('2'), limited('5'), ok]);
    const answer = await withRetryAfter(s.attempt, delay, { sleep });
    assert.equal(answer.status, 200);
    assert.deepEqual(waits, [2000, 5000]);
    assert.equal(s.calls(), 3);
  });

  it('gives the 429 back after 3 retries, and at once when Retry-After is over a minute', async () => {
    waits.length = 0;
    const many = scripted([limited('1')]);
    assert.equal((await withRetryAfter(many.attempt, delay, { sleep })).status, 429);
    assert.equal(many.calls(), 4);
    const long = scripted([limited('600'), ok]);
    assert.equal((await withRetryAfter(long.attempt, delay, { sleep })).status, 429);
    assert.equal(long.calls(), 1);
    assert.deepEqual(waits, [1000, 1000, 1000]);
  });

  it("retries a host's rate-limit refusal, and says when it gave up", async () => {
    waits.length = 0;
    const once = scripted([new RateLimitedError('rate limit reached', '3'), ok]);
    assert.equal((await withRetryAfter(once.attempt, delay, { sleep })).status, 200);
    const always = scripted([new RateLimitedError('rate limit reached', '1')]);
    await assert.rejects(
      withRetryAfter(always.attempt, delay, { sleep }),
      /rate limit reached \(rate limited: given up after 4 tries\)/
    );
    const other = scripted([new Error('unreachable'), ok]);
    await assert.rejects(withRetryAfter(other.attempt, delay, { sleep }), /^Error: unreachable$/);
    assert.equal(other.calls(), 1);
    assert.deepEqual(waits, [3000, 1000, 1000, 1000]);
  });
});
