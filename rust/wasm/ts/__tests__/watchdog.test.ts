/**
 * A worker that goes silent (killed, out of memory, hung, closed with no
 * `error` event) must not leave a request waiting forever: the lane's
 * watchdog replaces it once its silence outlasts what the input in flight
 * allows, rejects what it held with a clear error, and the next request
 * gets a new worker. The clock is node:test's mock timers, so no test
 * waits on real time.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { HuntkitEngine, HuntkitError, STAGE_CHUNK, type EngineLane } from '../engine.js';
import type { EngineRequest } from '../protocol.js';
import { inputSize, type WatchdogOptions } from '../watchdog.js';
import { FakeWorker } from './fakeWorker.js';

const MIB = 1 << 20;

/** Lets the fake workers' `setImmediate` answers run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setImmediate(resolve));
  }
}

/** Watches a promise without awaiting it. */
function track<T>(promise: Promise<T>): {
  state: 'pending' | 'resolved' | 'rejected';
  error?: unknown;
} {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = {
    state: 'pending'
  };
  promise.then(
    () => (seen.state = 'resolved'),
    (error: unknown) => {
      seen.state = 'rejected';
      seen.error = error;
    }
  );
  return seen;
}

/** Answers an `ioc` request with an empty result. */
function answerIoc(request: EngineRequest, worker: FakeWorker): void {
  worker.send({
    id: request.id,
    type: 'result',
    op: 'ioc',
    result: { items: [], counts: {}, bytes: 0, lines: 1 }
  });
}

/**
 * An engine whose workers answer with `respond` (by lane, and by how many
 * workers that lane had before), and the workers it started.
 */
function engineWith(
  watchdog: Partial<WatchdogOptions>,
  respond: (lane: EngineLane, nth: number, request: EngineRequest, worker: FakeWorker) => void
): { engine: HuntkitEngine; workers: [EngineLane, FakeWorker][] } {
  const workers: [EngineLane, FakeWorker][] = [];
  const engine = new HuntkitEngine({
    watchdog,
    createWorker: lane => {
      const nth = workers.filter(([l]) => l === lane).length;
      const worker = new FakeWorker((request, self) => respond(lane, nth, request, self));
      workers.push([lane, worker]);
      return worker;
    }
  });
  return { engine, workers };
}

const NO_SLACK = { perRequestMs: 0, msPerMiB: 0, initMs: 0 };

describe('the engine watchdog', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('replaces a silent worker, rejects what it held with a clear error, and starts a new one', async () => {
    const { engine, workers } = engineWith(
      { baseMs: 1000, ...NO_SLACK },
      (lane, nth, request, self) => {
        if (lane === 'views') {
          self.send({ id: request.id, type: 'result', op: 'columns', result: ['a'] });
        } else if (nth > 0) {
          answerIoc(request, self);
        }
        // The first jobs worker never answers.
      }
    );
    try {
      const first = track(engine.extractIocs('see 8.8.8.8'));
      const queued = track(engine.extractIocs('see 8.8.4.4'));
      assert.deepEqual(await engine.tableColumns(new Uint8Array([97])), ['a']);
      await flush();
      mock.timers.tick(999);
      await flush();
      assert.equal(first.state, 'pending', 'within the budget the worker may be busy');
      mock.timers.tick(1);
      await flush();
      for (const request of [first, queued]) {
        assert.equal(request.state, 'rejected');
        assert.ok(request.error instanceof HuntkitError);
        assert.equal(request.error.kind, 'worker_unresponsive');
        assert.equal(
          request.error.message,
          'the analysis engine stopped responding (its jobs worker said nothing for 1.0 s); it was restarted: run this again'
        );
      }
      assert.equal(engine.busy, false);
      const jobs = workers.filter(([lane]) => lane === 'jobs').map(([, w]) => w);
      assert.equal(jobs[0].terminated, true, 'the silent worker is terminated');
      assert.equal(engine.laneGeneration('jobs'), 1);
      // The views lane was not touched.
      assert.equal(engine.laneGeneration('views'), 0);
      assert.equal(workers.find(([lane]) => lane === 'views')?.[1].terminated, false);

      // The next request gets a new worker, which answers.
      assert.equal((await engine.extractIocs('again')).lines, 1);
      assert.equal(workers.filter(([lane]) => lane === 'jobs').length, 2);
    } finally {
      engine.dispose();
    }
  });

  it('allows more silence for more input, and counts progress as life', async () => {
    let held: { request: EngineRequest; worker: FakeWorker } | null = null;
    const { engine } = engineWith(
      { baseMs: 1000, perRequestMs: 0, msPerMiB: 1000, initMs: 0 },
      (_lane, _nth, request, worker) => {
        held = { request, worker };
      }
    );
    try {
      // 2 MiB of text: 1 s + 2 s.
      const big = track(engine.extractIocs('x'.repeat(2 * MIB)));
      await flush();
      mock.timers.tick(2500);
      await flush();
      assert.equal(big.state, 'pending');
      // Half done: the wait starts again, sized by what is left (1 s + 1 s).
      const { request, worker } = held!;
      worker.send({ id: request.id, type: 'progress', done: MIB, total: 2 * MIB });
      mock.timers.tick(1999);
      await flush();
      assert.equal(big.state, 'pending');
      answerIoc(request, worker);
      await flush();
      assert.equal(big.state, 'resolved');
      // Nothing in flight: no timer stops the idle worker.
      mock.timers.tick(600_000);
      assert.equal(worker.terminated, false);

      const silent = track(engine.extractIocs('x'.repeat(2 * MIB)));
      await flush();
      mock.timers.tick(3000);
      await flush();
      assert.equal(silent.state, 'rejected');
      assert.match(String(silent.error), /said nothing for 3\.0 s/);
    } finally {
      engine.dispose();
    }
  });

  it('gives a new worker time to load its module, until it first speaks', async () => {
    let answer = true;
    const { engine } = engineWith(
      { baseMs: 1000, ...NO_SLACK, initMs: 5000 },
      (_l, _n, request, self) => {
        if (answer) {
          answerIoc(request, self);
        }
      }
    );
    try {
      answer = false;
      const first = track(engine.extractIocs('a'));
      await flush();
      mock.timers.tick(5999);
      await flush();
      assert.equal(first.state, 'pending');
      mock.timers.tick(1);
      await flush();
      assert.equal(first.state, 'rejected');

      // A new worker answers once; after that, only the base budget.
      answer = true;
      await engine.extractIocs('b');
      answer = false;
      const later = track(engine.extractIocs('c'));
      await flush();
      mock.timers.tick(1000);
      await flush();
      assert.equal(later.state, 'rejected');
    } finally {
      engine.dispose();
    }
  });

  it('counts text staged in pieces as the input of the request that uses it', async () => {
    const { engine } = engineWith(
      { baseMs: 1000, perRequestMs: 0, msPerMiB: 1000, initMs: 0 },
      (_lane, _nth, request, self) => {
        if (request.op === 'stage') {
          self.send({ id: request.id, type: 'result', op: 'stage', result: null });
        }
      }
    );
    try {
      const base64 = 'A'.repeat(STAGE_CHUNK + 4);
      const tree = track(engine.openProcessTree({ base64 }, 'arrow'));
      // The two pieces go one after the other; then the silent treeOpen.
      await flush();
      await flush();
      const budget = 1000 + Math.ceil(((STAGE_CHUNK + 4) / MIB) * 1000);
      mock.timers.tick(budget - 1);
      await flush();
      assert.equal(tree.state, 'pending');
      mock.timers.tick(1);
      await flush();
      assert.equal(tree.state, 'rejected');
      assert.equal((tree.error as HuntkitError).kind, 'worker_unresponsive');
    } finally {
      engine.dispose();
    }
  });

  it('sizes a request by the text and bytes it carries, staged text included', () => {
    const request = {
      id: 1,
      op: 'chartOpen',
      kind: 'timeline',
      sets: [
        { label: 'ab', data: new ArrayBuffer(10), format: 'csv' },
        { label: 'c', data: { staged: 7 }, format: 'arrow' }
      ]
    };
    const staged = (key: number): number => (key === 7 ? 1000 : 0);
    // 'timeline' 8, 'ab' 2, 10 bytes, 'csv' 3, 'c' 1, 1000 staged, 'arrow' 5; not the op.
    assert.equal(inputSize(request, staged), 1029);
    assert.equal(inputSize(new Uint8Array(7), staged), 7);
  });
});
