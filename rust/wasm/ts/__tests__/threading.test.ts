/**
 * The threading rule (README "Architecture"), held by the import graph:
 * the modules a page loads (the package's entries other than `./worker`,
 * and the hosts' sources) never load the wasm module; only the worker
 * does. The graph is read from the emitted JavaScript, where type-only
 * imports are gone, so only what really runs counts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** `rust/wasm/lib` (this file runs from `lib/__tests__`). */
const lib = fileURLToPath(new URL('..', import.meta.url));
const wasmDir = resolve(lib, '..');
const root = resolve(wasmDir, '..', '..');

/** Relative module specifiers a JS file loads: static and dynamic imports, re-exports. */
function imports(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      found.push(match[1]);
    }
  }
  return found.filter(spec => spec.startsWith('.'));
}

/** Every module reachable from `entries`, with the path that reached it. */
function reachable(entries: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: Array<[string, string[]]> = entries.map(e => [e, [e]]);
  while (queue.length > 0) {
    const [file, via] = queue.shift() as [string, string[]];
    if (seen.has(file)) {
      continue;
    }
    seen.set(file, via);
    if (!existsSync(file)) {
      continue;
    }
    for (const spec of imports(readFileSync(file, 'utf8'))) {
      const next = resolve(dirname(file), spec);
      queue.push([next, [...via, next]]);
    }
  }
  return seen;
}

const isWasm = (file: string): boolean => /[\\/]pkg[\\/]huntkit_wasm(_bg)?\.(js|wasm)$/.test(file);
const show = (via: string[]): string => via.map(f => relative(wasmDir, f)).join(' → ');

describe('the threading rule', () => {
  const pageEntries = ['index.js', 'chart/index.js', 'views/index.js'].map(f => join(lib, f));

  it('the page-side modules never load the wasm module', () => {
    for (const entry of pageEntries) {
      assert.ok(existsSync(entry), `${entry} is built (npm run build:ts)`);
    }
    const graph = reachable(pageEntries);
    assert.ok(graph.size > 10, 'walked the page graph');
    for (const [file, via] of graph) {
      assert.ok(!isWasm(file), `the page loads the wasm module: ${show(via)}`);
      if (existsSync(file) && !isWasm(file)) {
        assert.doesNotMatch(
          readFileSync(file, 'utf8'),
          /huntkit_wasm_bg\.wasm/,
          `${relative(wasmDir, file)} names the wasm file on the page`
        );
      }
    }
  });

  it('the worker does load it (the check can fail)', () => {
    const graph = reachable([join(lib, 'worker.js')]);
    assert.ok([...graph.keys()].some(isWasm), 'worker.js imports pkg/huntkit_wasm.js');
  });

  it('no host source imports the wasm module, except for its types', () => {
    const sources: Array<[string, string]> = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== 'node_modules' && name !== '__tests__') {
            walk(path);
          }
        } else if (/\.tsx?$/.test(name)) {
          sources.push([relative(root, path), readFileSync(path, 'utf8')]);
        }
      }
    };
    walk(join(root, 'jupyterlab-ext', 'src'));
    walk(join(root, 'vscode-ext', 'src'));
    assert.ok(sources.length > 5, 'found the host sources');
    const valueImport = /\bimport\s+(?!type\b)[^;]*from\s+['"][^'"]*huntkit_wasm(\.js)?['"]/;
    // The VS Code extension host's SIEM query worker is a worker (a Node
    // worker thread), as worker.ts is for the page: it may load the module.
    const workers = new Set([join('vscode-ext', 'src', 'extension', 'siemWorker.ts')]);
    for (const [path, text] of sources) {
      if (workers.has(path)) {
        assert.match(text, /worker_threads/, `${path} runs in a worker thread`);
        continue;
      }
      assert.doesNotMatch(text, valueImport, `${path} imports the wasm module`);
      assert.doesNotMatch(text, /loadChartWasm|initSync|ChartView\b/, path);
    }
  });
});
