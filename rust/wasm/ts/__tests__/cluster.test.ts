/**
 * The worker's `cluster` op through the engine, with the real wasm module
 * behind the router: the golden events in, MSTICPy's DBSCAN labels and the
 * native build's seeded outliers out, buffers transferred as views.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { seriesColors } from '../chart/draw.js';
import { MUTED_SERIES_COLOR } from '../chart/theme.js';
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

  it('draws the clusters as a cluster_scatter, noise muted, in the worker', async () => {
    const result = await engine.cluster(new Uint8Array(events), 'csv', {
      max_cluster_distance: 0.0001
    });
    const chart = await engine.openChart(
      'cluster_scatter',
      [{ label: 'clusters', data: result.clusters, format: 'arrow' }],
      { x: 'pathScore', y: 'commandlineTokensFull' }
    );
    try {
      const info = chart.info;
      assert.equal(info.x_axis, 'number');
      assert.equal(info.muted_series, 0);
      assert.deepEqual(
        info.series.map(s => [s.label, s.events]),
        [['noise', 7], ...Array.from({ length: 7 }, (_, i) => [`cluster ${i}`, 1])]
      );
      assert.equal(info.total_events, 368);
      const colors = seriesColors(info);
      assert.equal(colors[0], MUTED_SERIES_COLOR);
      assert.equal(new Set(colors.slice(1)).size, 7, 'each cluster its own colour');
      const layout = await chart.layout(info.x_domain[0], info.x_domain[1], 600, 300);
      assert.equal(layout.marks.length / layout.stride, 14);
      assert.equal(layout.eventsInView, 368);
    } finally {
      chart.free();
    }
  });

  it("finds an outlier's process in the tree by its SourceIndex", async () => {
    // The golden events plus a creator PID: a 4688 tree per host.
    const lines = events.toString('utf8').trim().split(/\r?\n/); // CRLF line ends
    const csv = lines.map((l, i) => `${i === 0 ? 'ProcessId' : '0x4'},${l}`).join('\n');
    const tree = await engine.openProcessTree(new TextEncoder().encode(csv), 'csv', {
      schema: '4688'
    });
    try {
      for (const row of seeded.flagged as number[]) {
        const node = await tree.nodeOfRow(row);
        assert.ok(node >= 0, `row ${row} is a process`);
        const details = await tree.details(node);
        const pid = details?.columns.find(c => c.name === 'NewProcessId')?.value;
        assert.equal(pid, lines[row + 1].split(',')[4]);
      }
      assert.equal(await tree.nodeOfRow(10_000), -1);
    } finally {
      tree.close();
    }
  });

  it('names the bad feature column', async () => {
    await assert.rejects(
      engine.cluster(new Uint8Array(events), 'csv', { features: ['Computer'] }),
      (e: Error & { kind?: string }) =>
        e.kind === 'bad_value' && /"Computer".* is not a number/.test(e.message)
    );
  });
});
