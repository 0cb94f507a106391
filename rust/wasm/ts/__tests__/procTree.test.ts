/**
 * The process tree view over the real wasm `ProcessTreeView` in jsdom,
 * held by the engine's router as the worker holds it (an in-process
 * stand-in for the worker, with the real wasm): only a window of rows is
 * in the DOM, toggling, search, details and copying work, data strings
 * stay text, and the page side never touches the tree's wasm itself.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { renderView } from '../chart/index.js';
import {
  mountProcessTree as mountWith,
  ROW_HEIGHT,
  type ProcTreeFrame,
  type ProcTreeMountOptions
} from '../chart/procTree.js';
import { HuntkitEngine } from '../engine.js';
import type { EngineRequest } from '../protocol.js';
import { handleRequest, TreeStore, type WasmApi } from '../router.js';
import type * as WasmModule from '../../pkg/huntkit_wasm.js';
import { FakeWorker } from './fakeWorker.js';

const wasmPath = fileURLToPath(new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url));
const skip = existsSync(wasmPath)
  ? false
  : 'rust/wasm/pkg is not built (bash scripts/build-wasm.sh)';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
const g = globalThis as unknown as Record<string, unknown>;
for (const name of ['HTMLElement', 'Node']) {
  g[name] ??= (dom.window as unknown as Record<string, unknown>)[name];
}
g.document ??= dom.window.document;

function host(): HTMLElement {
  const div = dom.window.document.createElement('div');
  dom.window.document.body.append(div);
  return div;
}

const HEAD =
  'TimeGenerated,NewProcessName,NewProcessId,ProcessId,ParentProcessName,CommandLine,SubjectUserName,Computer';

/** `n` processes on one host: a 4-ary tree under explorer (pid 0x10). */
function bigCsv(n: number): string {
  const lines = [HEAD];
  const pid = (i: number): string => `0x${(i + 16).toString(16)}`;
  const name = (i: number): string =>
    i === 0 ? 'C:\\Windows\\explorer.exe' : `C:\\bin\\p${i}.exe`;
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? -1 : Math.floor((i - 1) / 4);
    const t = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
    lines.push(
      [
        t,
        name(i),
        pid(i),
        parent < 0 ? '0x4' : pid(parent),
        parent < 0 ? '' : name(parent),
        `run ${i}`,
        i % 3 === 0 ? 'alice' : 'bob',
        'ws-01'
      ].join(',')
    );
  }
  return lines.join('\n');
}

/** Two hosts with the same PIDs; a command line that looks like markup. */
const SMALL = [
  HEAD,
  '2024-01-01T00:00:00Z,C:\\Windows\\explorer.exe,0x10,0x4,,explorer.exe,alice,a',
  '2024-01-01T00:01:00Z,C:\\Windows\\System32\\cmd.exe,0x20,0x10,C:\\Windows\\explorer.exe,"cmd /c <img src=x onerror=alert(1)>",alice,a',
  '2024-01-01T00:02:00Z,C:\\Windows\\System32\\whoami.exe,0x30,0x20,C:\\Windows\\System32\\cmd.exe,whoami /all,alice,a',
  '2024-01-01T00:00:30Z,C:\\Windows\\explorer.exe,0x10,0x4,,explorer.exe,bob,b',
  '2024-01-01T00:03:00Z,C:\\Windows\\System32\\cmd.exe,0x20,0x10,C:\\Windows\\explorer.exe,cmd /c net user,bob,b'
].join('\n');

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The trees the stand-in worker holds, and the requests it got. */
const trees = new TreeStore();
const requests: EngineRequest[] = [];
let engine: HuntkitEngine;

/** Mounts a tree of CSV bytes with the shared engine, as the panels do. */
function mountProcessTree(
  host: HTMLElement,
  data: Uint8Array,
  format: 'csv' | 'auto',
  options: ProcTreeMountOptions
): Promise<ProcTreeFrame> {
  return mountWith(host, engine, data, format, options);
}

/** Waits for the next animation frame and then for every answer to be drawn. */
async function nextFrame(frame: ProcTreeFrame): Promise<void> {
  await new Promise(resolve => dom.window.requestAnimationFrame(resolve));
  await frame.settled();
}

function rowByImage(frame: ProcTreeFrame, image: string, nth = 0): HTMLElement {
  const rows = frame
    .renderedRows()
    .filter(r => r.querySelector('.jp-huntkit-proctree-image')?.textContent?.endsWith(image));
  assert.ok(rows[nth], `no rendered row ${image}`);
  return rows[nth];
}

describe('process tree view', { skip }, () => {
  let wasm: typeof WasmModule;
  const copied: string[] = [];
  before(async () => {
    wasm = await import('../../pkg/huntkit_wasm.js');
    wasm.initSync({ module: readFileSync(wasmPath) });
    engine = new HuntkitEngine({
      createWorker: () =>
        new FakeWorker((request, worker) => {
          requests.push(request);
          handleRequest(
            wasm as unknown as WasmApi,
            request,
            message => worker.send(message),
            undefined,
            trees
          );
        })
    });
    // The browser clipboard is not in jsdom; record what the view writes.
    const clipboard = { writeText: async (text: string) => void copied.push(text) };
    if (globalThis.navigator) {
      Object.defineProperty(globalThis.navigator, 'clipboard', {
        configurable: true,
        value: clipboard
      });
    } else {
      Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { clipboard } });
    }
  });
  after(() => {
    Reflect.deleteProperty(globalThis.navigator, 'clipboard');
    engine.dispose();
  });

  it('renders only a window of rows for 10k processes, fetched from the worker', async () => {
    requests.length = 0;
    const frame = await mountProcessTree(host(), bytes(bigCsv(10_000)), 'csv', { height: 440 });
    // Built in the worker from the bytes; the page asked for one window.
    assert.deepEqual(
      requests.map(r => (r.op === 'tree' ? `tree:${r.call.method}` : r.op)),
      ['treeOpen', 'tree:rows']
    );
    assert.equal(trees.size, 1);
    // 10k events plus the inferred parent of explorer.
    assert.equal(frame.root.getAttribute('data-processes'), '10001');
    assert.equal(frame.root.getAttribute('data-visible'), '10001');
    const spacer = frame.root.querySelector<HTMLElement>('.jp-huntkit-proctree-spacer')!;
    assert.equal(spacer.style.height, `${10_001 * ROW_HEIGHT}px`);
    const rendered = frame.renderedRows().length;
    assert.ok(rendered >= 20 && rendered <= 60, `rendered ${rendered} rows`);

    // Scrolling to the middle swaps the window, still small.
    const scroller = frame.root.querySelector<HTMLElement>('.jp-huntkit-proctree-scroll')!;
    scroller.scrollTop = 5000 * ROW_HEIGHT;
    scroller.dispatchEvent(new dom.window.Event('scroll'));
    await nextFrame(frame);
    const rows = frame.renderedRows();
    assert.ok(rows.length <= 60, `rendered ${rows.length} rows after scrolling`);
    const nodes = rows.map(r => Number(r.getAttribute('data-node')));
    assert.ok(
      nodes.some(n => n >= 4990 && n <= 5010),
      `window ${nodes[0]}…`
    );
    const last = requests.at(-1)!;
    assert.ok(last.op === 'tree' && last.call.method === 'rows', JSON.stringify(last));
    frame.dispose();
    assert.equal(frame.root.isConnected, false);
    // Disposing frees the tree in the worker.
    await new Promise(resolve => setImmediate(resolve));
    assert.equal(trees.size, 0);
  });

  it('draws only the newest window when a newer one was asked for', async () => {
    const frame = await mountProcessTree(host(), bytes(bigCsv(2_000)), 'csv', { height: 440 });
    const scroller = frame.root.querySelector<HTMLElement>('.jp-huntkit-proctree-scroll')!;
    const rowsBox = frame.root.querySelector('.jp-huntkit-proctree-rows')!;
    const drawn: number[] = [];
    const watch = new dom.window.MutationObserver(records => {
      for (const r of records) {
        for (const n of Array.from(r.addedNodes)) {
          drawn.push(Number((n as HTMLElement).getAttribute('data-node')));
        }
      }
    });
    watch.observe(rowsBox, { childList: true });
    // Two scrolls before any answer: the stale window is never drawn.
    scroller.scrollTop = 1000 * ROW_HEIGHT;
    const first = frame.refresh();
    scroller.scrollTop = 10 * ROW_HEIGHT;
    const second = frame.refresh();
    await Promise.all([first, second]);
    await new Promise(resolve => setImmediate(resolve));
    watch.disconnect();
    assert.ok(drawn.includes(10), `drew ${drawn.length} rows`);
    assert.ok(!drawn.includes(1000), 'drew the overtaken window');
    frame.dispose();
  });

  it('collapses, expands, searches and jumps to matches', async () => {
    const frame = await mountProcessTree(host(), bytes(SMALL), 'csv', { schema: '4688' });
    // Per host: inferred 0x4 → explorer → cmd (→ whoami on host a).
    assert.equal(frame.visibleCount, 7);
    const explorerA = rowByImage(frame, 'explorer.exe');
    assert.equal(explorerA.getAttribute('aria-expanded'), 'true');
    explorerA.querySelector<HTMLElement>('[data-action="toggle"]')!.click();
    await frame.settled();
    assert.equal(frame.root.getAttribute('data-visible'), '5');
    assert.equal(rowByImage(frame, 'explorer.exe').getAttribute('aria-expanded'), 'false');

    const matches = await frame.search('WHOAMI');
    assert.equal(matches.length, 1);
    assert.equal(frame.root.getAttribute('data-visible'), '7', 'opened down to the match');
    const hit = frame.renderedRows().filter(r => r.classList.contains('jp-mod-match'));
    assert.deepEqual(
      hit.map(r => r.querySelector('.jp-huntkit-proctree-cmd')!.textContent),
      ['whoami /all']
    );
    assert.ok(hit[0].classList.contains('jp-mod-current'));
    assert.match(
      frame.root.querySelector('.jp-huntkit-proctree-matches')!.textContent!,
      /1 of 1 match/
    );
    assert.equal((await frame.search('0x20')).length, 2, 'PIDs are searched on both hosts');
    assert.equal((await frame.search('nothing-like-this')).length, 0);
    frame.dispose();
  });

  it('moves the selection with the arrow keys', async () => {
    const frame = await mountProcessTree(host(), bytes(SMALL), 'csv', { schema: '4688' });
    const explorer = rowByImage(frame, 'explorer.exe');
    const node = Number(explorer.getAttribute('data-node'));
    await frame.select(node);
    const scroller = frame.root.querySelector<HTMLElement>('.jp-huntkit-proctree-scroll')!;
    const key = async (k: string): Promise<void> => {
      scroller.dispatchEvent(new dom.window.KeyboardEvent('keydown', { key: k }));
      await new Promise(resolve => setImmediate(resolve));
      await frame.settled();
    };
    await key('ArrowLeft');
    assert.equal(frame.root.getAttribute('data-visible'), '5', 'collapsed');
    await key('ArrowRight');
    assert.equal(frame.root.getAttribute('data-visible'), '7', 'expanded');
    await key('ArrowDown');
    const selected = frame.root.querySelector('.jp-mod-selected .jp-huntkit-proctree-name');
    assert.match(selected?.textContent ?? '', /cmd\.exe$/);
    frame.dispose();
  });

  it('shows details with ancestors and copies a subtree', async () => {
    const frame = await mountProcessTree(host(), bytes(SMALL), 'csv', {
      legend_col: 'SubjectUserName'
    });
    rowByImage(frame, 'whoami.exe').querySelector<HTMLElement>('.jp-huntkit-proctree-cmd')!.click();
    await frame.settled();
    const pane = frame.root.querySelector<HTMLElement>('.jp-huntkit-proctree-details')!;
    assert.equal(pane.hidden, false);
    const cells = new Map(
      Array.from(pane.querySelectorAll('tr')).map(tr => [
        tr.querySelector('th')!.textContent,
        tr.querySelector('td')!.textContent
      ])
    );
    assert.equal(cells.get('CommandLine'), 'whoami /all');
    assert.equal(cells.get('Computer'), 'a');
    assert.equal(cells.get('depth'), '3');
    const ancestors = Array.from(pane.querySelectorAll('.jp-huntkit-proctree-ancestor')).map(
      a => a.textContent
    );
    assert.equal(ancestors.length, 3);
    assert.match(ancestors[2]!, /cmd\.exe {2}PID 0x20/);

    const cmdNode = Number(rowByImage(frame, 'cmd.exe').getAttribute('data-node'));
    const text = await frame.copySubtree(cmdNode, 'text');
    assert.match(text!, /^\+ C:\\Windows\\System32\\cmd\.exe {2}PID 0x20/);
    assert.match(text!, /\+-- C:\\Windows\\System32\\whoami\.exe/);
    const csv = await frame.copySubtree(cmdNode, 'csv');
    assert.equal(csv!.trim().split('\n').length, 3, csv!);
    assert.deepEqual(copied.slice(-2), [text, csv]);
    assert.match(frame.root.querySelector('.jp-huntkit-proctree-status')!.textContent!, /copied/);

    // The legend colours rows by account, most frequent first.
    const legend = Array.from(frame.root.querySelectorAll('.jp-huntkit-proctree-legend-item')).map(
      e => e.textContent
    );
    assert.deepEqual(legend, ['alice (3)', '(none) (2)', 'bob (2)']);
    frame.dispose();
  });

  it('keeps markup in data as text', async () => {
    const frame = await mountProcessTree(host(), bytes(SMALL), 'csv', {});
    const cmd = rowByImage(frame, 'cmd.exe').querySelector('.jp-huntkit-proctree-cmd')!;
    assert.equal(cmd.textContent, 'cmd /c <img src=x onerror=alert(1)>');
    assert.equal(frame.root.querySelector('img'), null);
    frame.dispose();
  });

  it('filters by time, keeping ancestors as context', async () => {
    const frame = await mountProcessTree(host(), bytes(SMALL), 'csv', {
      timeRange: ['2024-01-01T00:02:30Z', null]
    });
    // Only host b's cmd (00:03) is in range; its explorer and inferred root stay.
    assert.equal(frame.visibleCount, 3);
    const context = frame.renderedRows().filter(r => r.classList.contains('jp-mod-context'));
    assert.equal(context.length, 2);
    frame.dispose();
  });

  it('shows bad input as a message', async () => {
    const csv = btoa('a,b\n1,2\n');
    // The earlier tests' frames were disposed: their trees are freed by now.
    await new Promise(resolve => setImmediate(resolve));
    const open = trees.size;
    assert.equal(open, 0);
    const div = host();
    // Text is not Arrow: the renderer's error reaches the error box.
    const shown = await renderView(
      div,
      {
        version: 1,
        kind: 'process_tree',
        options: {},
        data: [{ label: 'events', arrow: csv }]
      },
      { engine }
    );
    assert.equal(shown.frame, null);
    assert.ok(shown.error);
    assert.ok(div.querySelector('.jp-huntkit-view-error'), div.innerHTML);
    await assert.rejects(
      mountProcessTree(host(), bytes(SMALL), 'csv', { legend_col: 'Account' }),
      /"Account"/
    );
    await assert.rejects(mountProcessTree(host(), bytes('a,b\n1,2\n'), 'csv', {}), /schema|column/);
    assert.equal(trees.size, open, 'nothing left open in the worker');
  });

  it('draws a notebook bundle of base64 Arrow, decoded in the worker', async () => {
    // The saved output the VS Code test opens (made by the Python helper).
    const notebook = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../../tests/vscode/fixtures/proctree.ipynb', import.meta.url)),
        'utf8'
      )
    ) as { cells: Array<{ outputs: Array<{ data: Record<string, unknown> }> }> };
    const bundle = notebook.cells[0].outputs[0].data['application/vnd.huntkit.view+json'];
    const div = host();
    requests.length = 0;
    const shown = await renderView(div, bundle, { engine });
    assert.equal(shown.error, null, div.textContent ?? '');
    const open = requests[0];
    assert.ok(open.op === 'treeOpen' && !(open.data instanceof ArrayBuffer), 'base64 sent as text');
    assert.equal(div.querySelector('.jp-huntkit-proctree')?.getAttribute('data-processes'), '7');
    assert.equal(div.querySelector('.jp-huntkit-proctree-title')?.textContent, 'Processes');
    const cmds = Array.from(div.querySelectorAll('.jp-huntkit-proctree-cmd')).map(
      c => c.textContent
    );
    assert.ok(cmds.includes('cmd /c <b>not markup</b>'), cmds.join(' | '));
    assert.equal(div.querySelector('.jp-huntkit-proctree-rows b'), null);
    shown.dispose();
  });
});
