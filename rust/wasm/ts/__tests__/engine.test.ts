import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HuntkitEngine, HuntkitError, laneOf, STAGE_CHUNK, type EngineLane } from '../engine.js';
import type { EngineRequest } from '../protocol.js';
import { FakeWorker } from './fakeWorker.js';

function echoWorker(request: EngineRequest, worker: FakeWorker): void {
  if (request.op === 'ioc') {
    const total =
      typeof request.input === 'string' ? request.input.length : request.input.byteLength;
    worker.send({ id: request.id, type: 'progress', done: total / 2, total });
    worker.send({ id: request.id, type: 'progress', done: total, total });
    worker.send({
      id: request.id,
      type: 'result',
      op: 'ioc',
      result: { items: [], counts: {}, bytes: total, lines: 1 }
    });
  } else if (request.op === 'decode') {
    worker.send({
      id: request.id,
      type: 'error',
      message: 'options: max_depth must be a number',
      kind: 'invalid_option'
    });
  } else {
    worker.send({
      id: request.id,
      type: 'result',
      op: 'iocTable',
      result: new Uint8Array([4, 2]).buffer
    });
  }
}

describe('HuntkitEngine', () => {
  it('starts one worker, numbers requests and reports progress', async () => {
    const workers: FakeWorker[] = [];
    const engine = new HuntkitEngine({
      createWorker: () => {
        const worker = new FakeWorker(echoWorker);
        workers.push(worker);
        return worker;
      }
    });
    const progress: Array<[number, number]> = [];
    const [a, b] = await Promise.all([
      engine.extractIocs('abcd', {}, (done, total) => progress.push([done, total])),
      engine.extractIocs('xy')
    ]);
    assert.equal(a.bytes, 4);
    assert.equal(b.bytes, 2);
    assert.deepEqual(progress, [
      [2, 4],
      [4, 4]
    ]);
    assert.equal(workers.length, 1);
    assert.deepEqual(
      workers[0].requests.map(r => r.id),
      [1, 2]
    );
    assert.equal(engine.busy, false);
    engine.dispose();
    assert.ok(workers[0].terminated);
  });

  it('transfers ArrayBuffer input', async () => {
    const engine = new HuntkitEngine({ createWorker: () => new FakeWorker(echoWorker) });
    const buffer = new TextEncoder().encode('hello').buffer;
    const result = await engine.extractIocs(buffer);
    assert.equal(result.bytes, 5);
    assert.equal(buffer.byteLength, 0, 'the buffer was transferred');
    engine.dispose();
  });

  it('copies a Uint8Array for table extraction and returns bytes', async () => {
    const engine = new HuntkitEngine({ createWorker: () => new FakeWorker(echoWorker) });
    const data = new Uint8Array([1, 2, 3]);
    const arrow = await engine.extractIocTable(data, 'csv');
    assert.deepEqual([...arrow], [4, 2]);
    assert.equal(data.byteLength, 3, "the caller's bytes are untouched");
    engine.dispose();
  });

  it('rejects with the error kind', async () => {
    const engine = new HuntkitEngine({ createWorker: () => new FakeWorker(echoWorker) });
    await assert.rejects(engine.decode('x', { max_depth: 1 }), (error: unknown) => {
      assert.ok(error instanceof HuntkitError);
      assert.ok(error instanceof Error);
      assert.equal(error.kind, 'invalid_option');
      assert.match(error.message, /max_depth/);
      return true;
    });
    engine.dispose();
  });

  it('rejects pending requests when the worker crashes, then starts a new one', async () => {
    const workers: FakeWorker[] = [];
    let crash = true;
    const engine = new HuntkitEngine({
      createWorker: () => {
        const worker = new FakeWorker((request, self) => {
          if (crash) {
            self.crash('RuntimeError: unreachable');
          } else {
            echoWorker(request, self);
          }
        });
        workers.push(worker);
        return worker;
      }
    });
    await assert.rejects(engine.extractIocs('boom'), (error: unknown) => {
      assert.ok(error instanceof HuntkitError);
      assert.equal(error.kind, 'worker_crashed');
      assert.match(error.message, /stopped.*unreachable.*next request starts a new one/);
      return true;
    });
    assert.ok(workers[0].terminated);
    crash = false;
    const result = await engine.extractIocs('fine');
    assert.equal(result.bytes, 4);
    assert.equal(workers.length, 2);
    engine.dispose();
  });

  it('replaces the worker after a fatal error', async () => {
    const workers: FakeWorker[] = [];
    const engine = new HuntkitEngine({
      createWorker: () => {
        const worker = new FakeWorker((request, self) =>
          self.send({
            id: request.id,
            type: 'error',
            message: 'the wasm engine failed: unreachable',
            kind: 'wasm_trap',
            fatal: true
          })
        );
        workers.push(worker);
        return worker;
      }
    });
    await assert.rejects(engine.extractIocs('x'), { kind: 'wasm_trap' });
    assert.ok(workers[0].terminated);
    await assert.rejects(engine.extractIocs('y'), { kind: 'wasm_trap' });
    assert.equal(workers.length, 2);
    engine.dispose();
  });

  it('cancels work in flight', async () => {
    const engine = new HuntkitEngine({ createWorker: () => new FakeWorker(() => {}) });
    const pending = engine.extractIocs('never answered');
    engine.cancel();
    await assert.rejects(pending, { kind: 'cancelled' });
    engine.dispose();
  });

  it('rejects requests after dispose', async () => {
    const engine = new HuntkitEngine({ createWorker: () => new FakeWorker(echoWorker) });
    const pending = engine.extractIocs('slow');
    engine.dispose();
    await assert.rejects(pending, { kind: 'disposed' });
    await assert.rejects(engine.extractIocs('late'), { kind: 'disposed' });
    assert.ok(engine.isDisposed);
  });

  it('reports a worker that cannot start', async () => {
    const engine = new HuntkitEngine({
      createWorker: () => {
        throw new Error('Worker is not defined');
      }
    });
    await assert.rejects(engine.extractIocs('x'), {
      kind: 'init',
      message: /Worker is not defined/
    });
  });

  it('puts views and jobs in separate workers: a long job holds up no view, cancel spares views', async () => {
    const workers: Array<[EngineLane, FakeWorker]> = [];
    const engine = new HuntkitEngine({
      createWorker: lane => {
        // The jobs worker is busy for good; the views worker answers.
        const worker = new FakeWorker((request, w) => {
          if (lane === 'views') {
            w.send({ id: request.id, type: 'result', op: 'columns', result: ['a', 'b'] });
          }
        });
        workers.push([lane, worker]);
        return worker;
      }
    });
    const job = engine.extractIocs('a long extraction');
    const columns = await engine.tableColumns(new TextEncoder().encode('a,b\n1,2'), 'csv');
    assert.deepEqual(columns, ['a', 'b']);
    assert.deepEqual(
      workers.map(([lane]) => lane),
      ['jobs', 'views']
    );
    assert.equal(engine.busy, true);
    engine.cancel();
    await assert.rejects(job, { kind: 'cancelled' });
    const views = workers.find(([lane]) => lane === 'views')?.[1];
    const jobs = workers.find(([lane]) => lane === 'jobs')?.[1];
    assert.ok(jobs?.terminated, 'cancel stops the jobs worker');
    assert.equal(views?.terminated, false, 'cancel leaves the views worker (open views) alone');
    assert.deepEqual(await engine.tableColumns(new Uint8Array([1]), 'csv'), ['a', 'b']);
    engine.dispose();
    assert.ok(views?.terminated);
  });

  it('routes charts and columns to views, process trees to trees, and the rest to jobs', () => {
    for (const op of ['columns', 'chartOpen', 'chart', 'chartClose'] as const) {
      assert.equal(laneOf(op), 'views', op);
    }
    for (const op of ['treeOpen', 'tree', 'treeClose'] as const) {
      assert.equal(laneOf(op), 'trees', op);
    }
    for (const op of [
      'ioc',
      'decode',
      'iocTable',
      'timeseries',
      'sessions',
      'queryList'
    ] as const) {
      assert.equal(laneOf(op), 'jobs', op);
    }
  });

  it('a big process tree being built holds up no chart; staged text goes to its consumer', async () => {
    const seen: Array<[EngineLane, string]> = [];
    const engine = new HuntkitEngine({
      createWorker: lane =>
        new FakeWorker((request, w) => {
          seen.push([lane, request.op]);
          if (request.op === 'stage') {
            w.send({ id: request.id, type: 'result', op: 'stage', result: null });
          } else if (request.op === 'chartOpen') {
            const info = { kind: 'timeline', x_domain: [0, 1] } as never;
            w.send({
              id: request.id,
              type: 'result',
              op: 'chartOpen',
              result: { handle: 1, info }
            });
          }
          // The trees worker never answers: a build that takes forever.
        })
    });
    const tree = engine.openProcessTree({ base64: 'x'.repeat(STAGE_CHUNK + 1) }, 'arrow');
    const chart = await engine.openChart('timeline', [
      { label: 'a', data: { base64: 'y'.repeat(STAGE_CHUNK + 1) }, format: 'arrow' }
    ]);
    assert.equal(chart.info.kind, 'timeline');
    const ops = (lane: EngineLane): string[] =>
      seen.filter(([l]) => l === lane).map(([, op]) => op);
    // Each long text is staged in the worker that reads it.
    assert.deepEqual(ops('trees'), ['stage', 'stage', 'treeOpen']);
    assert.deepEqual(ops('views'), ['stage', 'stage', 'chartOpen']);
    assert.deepEqual(ops('jobs'), []);
    engine.dispose();
    await assert.rejects(tree, { kind: 'disposed' });
  });
});
