/**
 * The worker's `cluster` op through the engine, with the real wasm module
 * behind the router: the golden events in, MSTICPy's DBSCAN labels and the
 * native build's seeded outliers out, buffers transferred as views.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { HuntkitEngine } from '../engine.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const golden = (name: string) => new URL(`../../../../tests/golden/${name}`, import.meta.url);
const events = readFileSync(golden('cluster_events.csv'));
const reference = JSON.parse(readFileSync(golden('cluster_msticpy.json'), 'utf8'));
const seeded = JSON.parse(readFileSync(golden('cluster_seeded.json'), 'utf8'));

describe('cluster through the engine', { skip: skipWithoutWasm }, () => {
  let engine: HuntkitEngine;

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('labels events as scikit-learn and flags the seeded outliers', async () => {
    const notebook = reference.cases.find((c: { name: string }) => c.name === 'msticpy_notebook');
    const result = await engine.cluster(new Uint8Array(events), 'csv', {
      max_cluster_distance: notebook.max_cluster_distance
    });
    assert.deepEqual(Array.from(result.labels), notebook.labels);
    assert.equal(result.clusterCount, 7);
    assert.deepEqual(result.features, ['commandlineTokensFull', 'pathScore', 'isSystemSession']);
    assert.equal(result.points.length, 3 * notebook.labels.length);
    const flagged = Array.from(result.isOutlier.keys()).filter(i => result.isOutlier[i] === 1);
    assert.deepEqual(flagged, seeded.flagged);
    assert.deepEqual(Array.from(result.clusters.subarray(0, 4)), [0xff, 0xff, 0xff, 0xff]);
    assert.ok(result.outliers.byteLength > 0);
  });

  it('names the bad feature column', async () => {
    await assert.rejects(
      engine.cluster(new Uint8Array(events), 'csv', { features: ['Computer'] }),
      (e: Error & { kind?: string }) =>
        e.kind === 'bad_value' && /"Computer".* is not a number/.test(e.message)
    );
  });
});
