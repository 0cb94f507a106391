/**
 * Recovery from a dead wasm module (issue #16): the module is built with
 * `panic = "abort"`, so a panic traps and the instance is unusable. Over
 * the real module (one instance per worker, as in the browser), a real
 * panic (`debugPanic`, armed by a test-only request) must reject the
 * request in flight with a message naming the panic, replace only that
 * lane's worker, leave the other lanes' open views working, and let the
 * next request succeed in a new worker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HuntkitError, type EngineLane, type HuntkitEngine } from '../engine.js';
import type { FakeWorker } from './fakeWorker.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const skip = skipWithoutWasm;

const PROCESSES = [
  'TimeGenerated,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine,SubjectUserName,Computer',
  '2024-01-01T00:00:00Z,C:\\Windows\\explorer.exe,0x10,0x4,,explorer.exe,alice,a',
  '2024-01-01T00:01:00Z,C:\\Windows\\System32\\cmd.exe,0x20,0x10,C:\\Windows\\explorer.exe,cmd /c whoami,alice,a'
].join('\n');

const EVENTS = 'TimeGenerated,Account\n2024-01-01T00:00:00Z,alice\n2024-01-01T01:00:00Z,bob\n';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** An engine over the real module, and the workers it started, by lane. */
async function start(): Promise<{ engine: HuntkitEngine; workers: [EngineLane, FakeWorker][] }> {
  const workers: [EngineLane, FakeWorker][] = [];
  const engine = await engineOverRealWasm({
    instancePerWorker: true,
    onWorker: (lane, worker) => workers.push([lane, worker])
  });
  return { engine, workers };
}

describe('a trapped wasm module', { skip }, () => {
  it('rejects the request with the panic, restarts the jobs lane only, and works again', async () => {
    const { engine, workers } = await start();
    try {
      const chart = await engine.openChart('timeline', [
        { label: 'events', data: bytes(EVENTS), format: 'csv' }
      ]);
      const tree = await engine.openProcessTree(bytes(PROCESSES), 'csv');
      assert.equal((await engine.extractIocs('see 8.8.8.8')).items.length, 1);

      await engine.debugArmPanic('jobs');
      const error = await engine.extractIocs('see 8.8.4.4').then(
        () => assert.fail('the armed request must fail'),
        (e: unknown) => e
      );
      assert.ok(error instanceof HuntkitError);
      assert.equal(error.kind, 'wasm_trap');
      // The panic hook's message reaches the page, not only "unreachable".
      assert.match(
        error.message,
        /^the huntkit engine crashed: panicked at [^\n]*debugPanic: armed by a test, on request ioc/
      );
      assert.match(error.message, /unreachable/);
      assert.equal(engine.busy, false);
      const jobs = workers.filter(([lane]) => lane === 'jobs').map(([, w]) => w);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0].terminated, true, 'the trapped worker is terminated');

      // The other lanes' views were not touched.
      assert.equal((await tree.rows(0, 10)).visible, 3);
      assert.equal(
        (await chart.layout(chart.info.x_domain[0], chart.info.x_domain[1], 400, 100)).marks
          .length > 0,
        true
      );

      // The next job starts a new worker, with a new instance, and works.
      const again = await engine.extractIocs('see 8.8.4.4');
      assert.deepEqual(
        again.items.map(i => i.Observable),
        ['8.8.4.4']
      );
      assert.equal(workers.filter(([lane]) => lane === 'jobs').length, 2);
      assert.equal(engine.laneGeneration('jobs'), 1);
      assert.equal(engine.laneGeneration('views'), 0);
    } finally {
      engine.dispose();
    }
  });

  it('loses the views of a trapped views lane with a clear error, and draws new ones', async () => {
    const { engine, workers } = await start();
    try {
      const sources = [{ label: 'events', data: bytes(EVENTS), format: 'csv' as const }];
      const chart = await engine.openChart('timeline', sources);
      const [x0, x1] = chart.info.x_domain;
      await engine.debugArmPanic('views');
      await assert.rejects(chart.layout(x0, x1, 400, 100), { kind: 'wasm_trap' });
      // Its handle would name another chart in the new worker: refused here.
      await assert.rejects(chart.layout(x0, x1, 400, 100), {
        kind: 'engine_restarted',
        message:
          /restarted after a failure and this chart's data went with it: run the cell or open the file again/
      });
      chart.free();

      const redrawn = await engine.openChart('timeline', sources);
      assert.ok((await redrawn.layout(x0, x1, 400, 100)).marks.length > 0);
      const views = workers.filter(([lane]) => lane === 'views').map(([, w]) => w);
      assert.equal(views.length, 2);
      // The stale chart's `free` sent nothing to the new worker.
      assert.ok(!views[1].requests.some(r => r.op === 'chartClose'));
      // Jobs never ran, trees never started.
      assert.deepEqual(
        workers.map(([lane]) => lane),
        ['views', 'views']
      );
    } finally {
      engine.dispose();
    }
  });

  it('rejects the other requests in flight in that lane, not those of other lanes', async () => {
    const { engine } = await start();
    try {
      await engine.debugArmPanic('jobs');
      const tree = engine.openProcessTree(bytes(PROCESSES), 'csv');
      const trapped = engine.extractIocs('a 8.8.8.8');
      const queued = engine.decode('aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=');
      await assert.rejects(trapped, { kind: 'wasm_trap' });
      await assert.rejects(queued, {
        kind: 'worker_crashed',
        message: /failed on an earlier request/
      });
      assert.equal((await tree).opened.visible, 3);
      assert.ok(
        (await engine.decode('aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=')).rows.length > 0
      );
    } finally {
      engine.dispose();
    }
  });
});
