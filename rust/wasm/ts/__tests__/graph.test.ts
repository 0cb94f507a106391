/**
 * The entity graph (issue #17): the drawing's pure parts (colours and
 * glyphs per kind, fit, zoom, hit-testing), and the worker's graph over the
 * real wasm module (open, expand, notes, details, the refusal above
 * max_nodes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { ENTITY_KINDS } from '../contract.js';
import { parseBundle } from '../chart/bundle.js';
import { mountEntityGraph } from '../chart/entityGraph.js';
import {
  colorOf,
  fitTransform,
  glyphOf,
  GENERIC_GLYPH,
  hitNode,
  KIND_GLYPHS,
  shortLabel,
  zoomAt
} from '../chart/graphDraw.js';
import { PALETTE } from '../chart/theme.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const theme = { text: '#000', muted: '#777', grid: '#ddd', background: '#fff', accent: '#00f' };

describe('entity graph drawing', () => {
  it('gives every kind of the contract a glyph and a palette colour, others a generic one', () => {
    for (const [i, kind] of ENTITY_KINDS.entries()) {
      assert.ok(KIND_GLYPHS[kind], kind);
      const want = kind === 'Unknown' ? '#777' : PALETTE[i % PALETTE.length];
      assert.equal(colorOf(kind, null, theme), want, kind);
    }
    assert.equal(glyphOf('SomethingNew'), GENERIC_GLYPH);
    assert.equal(colorOf('SomethingNew', null, theme), '#777');
    assert.equal(colorOf('Host', { Host: ' teal ' }, theme), 'teal');
    // A colour from the bundle that is not a plain colour is ignored.
    assert.equal(
      colorOf('Host', { Host: 'url(//x.invalid/a)' }, theme),
      PALETTE[ENTITY_KINDS.indexOf('Host')]
    );
  });

  it('fits positions in the box and zooms about the pointer', () => {
    // 180 px for 10 units wide, 80 px for 5 tall: the height decides.
    assert.deepEqual(fitTransform([0, 0, 10, 0, 10, 5], 200, 100, 10), { scale: 16, x: 20, y: 10 });
    assert.deepEqual(fitTransform([], 200, 100), { scale: 1, x: 100, y: 50 });
  });

  it('hit-tests the nearest node within its radius', () => {
    const t = { scale: 2, x: 0, y: 0 };
    const xy = [0, 0, 10, 0];
    assert.equal(hitNode(xy, t, 5, 19, 1), 1);
    assert.equal(hitNode(xy, t, 5, 10, 0), -1);
    const z = zoomAt(t, 2, 20, 0);
    assert.deepEqual(z, { scale: 4, x: -20, y: 0 });
    assert.equal(hitNode(xy, z, 5, 20, 0), 1, 'the node under the pointer stays under it');
  });

  it('cuts long labels', () => {
    assert.equal(shortLabel('short'), 'short');
    assert.equal(shortLabel('x'.repeat(30), 10), `${'x'.repeat(9)}…`);
  });
});

const NODES = [
  'Id,Name,Type,Description,TimeGenerated',
  'h1,web01,Host,,2024-01-01T10:00:00Z',
  'a1,alice,Account,admin,',
  'ip1,10.0.0.5,IpAddress,,',
  'al1,<b>Alert</b>,Alert,sus,2024-01-01T11:00:00Z',
  'f1,evil.exe,File,,'
].join('\n');
const EDGES = ['Source,Target,Label', 'h1,a1,logon', 'h1,ip1,', 'al1,h1,on', 'al1,f1,drops'].join(
  '\n'
);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('entity graph in the worker (real wasm)', { skip: skipWithoutWasm }, () => {
  it('opens, expands, adds a note and refuses a graph above max_nodes', async () => {
    const engine = await engineOverRealWasm();
    try {
      const graph = await engine.openEntityGraph(
        bytes(NODES),
        bytes(EDGES),
        { nodes: 'csv', edges: 'csv' },
        { visible_nodes: 2, seed: 3 }
      );
      const o = graph.opened;
      assert.equal(o.summary.node_count, 5);
      assert.deepEqual(
        o.nodes.map(n => n.name),
        ['web01', '<b>Alert</b>']
      );
      assert.equal(o.positions.length, 4);
      assert.equal(o.timelineNodes.length, 2);
      const expanded = await graph.expand(0);
      assert.equal(expanded.added, 2);
      assert.equal(expanded.nodes.length, 4);
      const noted = await graph.addNote(1, 'asked the owner');
      assert.equal(noted.nodes.at(-1)?.kind, 'Note');
      const d = await graph.details(noted.note);
      assert.deepEqual(d.links, ['note → alice']);
      graph.close();
      const big = ['Id', ...Array.from({ length: 120 }, (_, i) => `n${i}`)].join('\n');
      await assert.rejects(
        engine.openEntityGraph(bytes(big), bytes('Source,Target\n'), {}, { max_nodes: 100 }),
        /120 nodes, more than max_nodes \(100\)/
      );
    } finally {
      engine.dispose();
    }
  });
});

describe('entity graph frame (real wasm, jsdom)', { skip: skipWithoutWasm }, () => {
  it('selects on the graph what is selected on the timeline', async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
    const g = globalThis as unknown as Record<string, unknown>;
    for (const name of ['XMLSerializer', 'HTMLElement', 'Node']) {
      g[name] ??= (dom.window as unknown as Record<string, unknown>)[name];
    }
    // jsdom has no canvas: the frames build their DOM and skip painting.
    dom.window.HTMLCanvasElement.prototype.getContext = (() => null) as never;
    const el = dom.window.document.createElement('div');
    dom.window.document.body.append(el);
    const engine = await engineOverRealWasm();
    try {
      const bundle = parseBundle({
        version: 1,
        kind: 'entity_graph',
        options: { seed: 3 },
        data: [
          { label: 'nodes', bytes: bytes(NODES), format: 'csv' },
          { label: 'edges', bytes: bytes(EDGES), format: 'csv' }
        ]
      });
      const frame = await mountEntityGraph(el, engine, bundle);
      const timeline = frame.timelineFrame;
      assert.ok(timeline, 'the timed nodes have a timeline');
      // Timeline rows by time: web01 (10:00), then the alert (11:00), slot 3.
      assert.deepEqual([...frame.shown.timelineNodes], [0, 3]);
      timeline.onSelect?.([1]);
      assert.deepEqual(frame.selection, [3]);
      assert.equal(frame.node.dataset.selected, '1');
      timeline.onSelect?.([]);
      assert.deepEqual(frame.selection, []);
      frame.dispose();
    } finally {
      engine.dispose();
    }
  });
});
