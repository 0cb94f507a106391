// The graph layout benchmark: ForceAtlas2 ms per iteration, huntkit's wasm
// (the `fa2` crate, single-threaded) against graphology's JS
// (`graphology-layout-forceatlas2`), in Node, on the same seeded graph
// from the same starting positions with the same settings (graphology's
// `inferSettings`: strong gravity 0.05, scaling 10, slow-down 1 + ln n,
// Barnes-Hut θ 0.5 above 2048 nodes... graphology switches above 2000; both
// use it at 10k and 50k, neither at 1k).
//   node scripts/bench-graph.mjs [SIZES...]      (default 1000 10000 50000)
// Prints one line per size and a JSON line with every figure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = path.join(root, 'rust', 'wasm', 'pkg');
const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['1000', '10000', '50000']).map(
  Number
);

/** mulberry32: a small seeded stream, so both sides get the same graph. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An incident-like graph: communities of 20-200 entities around a few hubs
 * (hosts, accounts), each community linked to the previous one; about 2
 * edges per node. Starting positions uniform in a square.
 */
function makeGraph(n, seed = 42) {
  const r = rng(seed);
  const edges = [];
  let start = 0;
  while (start < n) {
    const size = Math.min(n - start, 20 + Math.floor(r() * 180));
    const hubs = Math.max(1, Math.floor(size / 25));
    for (let i = start + hubs; i < start + size; i++) {
      edges.push(start + Math.floor(r() * hubs), i);
      if (r() < 0.9) edges.push(start + Math.floor(r() * size), i);
    }
    if (start > 0) edges.push(start - 1, start);
    start += size;
  }
  const side = Math.sqrt(n) * 8;
  const xy = new Float64Array(n * 2);
  for (let i = 0; i < xy.length; i++) xy[i] = (r() - 0.5) * side;
  return { n, edges: Uint32Array.from(edges), xy };
}

/**
 * Untimed iterations first, on both sides: the JIT warms up, and the first
 * steps from random positions (nodes flung apart, a lopsided Barnes-Hut
 * tree) are not what a layout spends its time on.
 */
const WARM_UP = 5;

function iterationsFor(n) {
  return n <= 1000 ? 50 : n <= 10000 ? 10 : 3;
}

function timeGraphology(g, iterations) {
  const graph = new Graph({ type: 'undirected', multi: true, allowSelfLoops: false });
  for (let i = 0; i < g.n; i++) graph.addNode(i, { x: g.xy[i * 2], y: g.xy[i * 2 + 1] });
  for (let e = 0; e < g.edges.length; e += 2) {
    if (g.edges[e] !== g.edges[e + 1]) graph.addEdge(g.edges[e], g.edges[e + 1]);
  }
  const settings = forceAtlas2.inferSettings(graph);
  settings.barnesHutOptimize = g.n > 2048;
  forceAtlas2.assign(graph, { iterations: WARM_UP, settings }); // JIT, and past the first burst
  const t0 = performance.now();
  forceAtlas2.assign(graph, { iterations, settings });
  return (performance.now() - t0) / iterations;
}

function timeWasm(api, g, iterations) {
  const pairs = [];
  for (let e = 0; e < g.edges.length; e += 2) {
    if (g.edges[e] !== g.edges[e + 1]) pairs.push(g.edges[e], g.edges[e + 1]);
  }
  const run = api.ForceLayoutRun.fromPositions(g.xy, Uint32Array.from(pairs), {
    barnes_hut_above: 2048,
    max_nodes: 1000000
  });
  run.step(WARM_UP); // as for graphology
  const t0 = performance.now();
  run.step(iterations);
  const ms = (performance.now() - t0) / iterations;
  const p = run.positions();
  run.free();
  if (!p.every(Number.isFinite)) throw new Error('wasm layout gave a non-finite position');
  return ms;
}

const api = await import(path.join(pkg, 'huntkit_wasm.js'));
api.initSync({ module: fs.readFileSync(path.join(pkg, 'huntkit_wasm_bg.wasm')) });
const results = [];
for (const n of sizes) {
  const g = makeGraph(n);
  const iterations = iterationsFor(n);
  const js = timeGraphology(g, iterations);
  const wasm = timeWasm(api, g, iterations);
  const row = {
    nodes: n,
    edges: g.edges.length / 2,
    iterations,
    wasm_ms_per_iteration: +wasm.toFixed(2),
    graphology_ms_per_iteration: +js.toFixed(2),
    speedup: +(js / wasm).toFixed(2)
  };
  results.push(row);
  console.log(
    `${String(n).padStart(6)} nodes ${String(row.edges).padStart(6)} edges: wasm fa2 ${row.wasm_ms_per_iteration} ms/iter, graphology ${row.graphology_ms_per_iteration} ms/iter (×${row.speedup})`
  );
}
console.log(JSON.stringify(results));
