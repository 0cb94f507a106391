/**
 * The process tree view over the real wasm `ProcessTreeView` in jsdom:
 * only a window of rows is in the DOM, toggling, search, details and
 * copying work, and data strings stay text.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { renderViewBundle } from '../chart/index.js';
import { mountProcessTree, ROW_HEIGHT, type ProcTreeFrame } from '../chart/procTree.js';
import type * as WasmModule from '../../pkg/huntkit_wasm.js';

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
  });

  it('renders only a window of rows for 10k processes', () => {
    const frame = mountProcessTree(host(), bytes(bigCsv(10_000)), 'csv', { height: 440 });
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
    return new Promise<void>(resolve => {
      dom.window.requestAnimationFrame(() => {
        const rows = frame.renderedRows();
        assert.ok(rows.length <= 60, `rendered ${rows.length} rows after scrolling`);
        const nodes = rows.map(r => Number(r.getAttribute('data-node')));
        assert.ok(
          nodes.some(n => n >= 4990 && n <= 5010),
          `window ${nodes[0]}…`
        );
        frame.dispose();
        assert.equal(frame.root.isConnected, false);
        resolve();
      });
    });
  });

  it('collapses, expands, searches and jumps to matches', () => {
    const frame = mountProcessTree(host(), bytes(SMALL), 'csv', { schema: '4688' });
    // Per host: inferred 0x4 → explorer → cmd (→ whoami on host a).
    assert.equal(frame.visibleCount, 7);
    const explorerA = rowByImage(frame, 'explorer.exe');
    assert.equal(explorerA.getAttribute('aria-expanded'), 'true');
    explorerA.querySelector<HTMLElement>('[data-action="toggle"]')!.click();
    assert.equal(frame.root.getAttribute('data-visible'), '5');
    assert.equal(rowByImage(frame, 'explorer.exe').getAttribute('aria-expanded'), 'false');

    const matches = frame.search('WHOAMI');
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
    assert.equal(frame.search('0x20').length, 2, 'PIDs are searched on both hosts');
    assert.equal(frame.search('nothing-like-this').length, 0);
    frame.dispose();
  });

  it('shows details with ancestors and copies a subtree', async () => {
    const frame = mountProcessTree(host(), bytes(SMALL), 'csv', { legend_col: 'SubjectUserName' });
    rowByImage(frame, 'whoami.exe').querySelector<HTMLElement>('.jp-huntkit-proctree-cmd')!.click();
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

  it('keeps markup in data as text', () => {
    const frame = mountProcessTree(host(), bytes(SMALL), 'csv', {});
    const cmd = rowByImage(frame, 'cmd.exe').querySelector('.jp-huntkit-proctree-cmd')!;
    assert.equal(cmd.textContent, 'cmd /c <img src=x onerror=alert(1)>');
    assert.equal(frame.root.querySelector('img'), null);
    frame.dispose();
  });

  it('filters by time, keeping ancestors as context', () => {
    const frame = mountProcessTree(host(), bytes(SMALL), 'csv', {
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
    const div = host();
    // Text is not Arrow: the renderer's error reaches the error box.
    const shown = await renderViewBundle(div, {
      version: 1,
      kind: 'process_tree',
      options: {},
      data: [{ label: 'events', arrow: csv }]
    });
    assert.equal(shown.frame, null);
    assert.ok(div.querySelector('.jp-huntkit-view-error'), div.innerHTML);
    assert.throws(
      () => mountProcessTree(host(), bytes(SMALL), 'csv', { legend_col: 'Account' }),
      /"Account"/
    );
    assert.throws(() => mountProcessTree(host(), bytes('a,b\n1,2\n'), 'csv', {}), /schema|column/);
  });
});
