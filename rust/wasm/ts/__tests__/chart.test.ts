/**
 * Notebook views: bundle checks (pure), and the chart frame in jsdom over
 * the real wasm `ChartView` held by the engine's router, as the views
 * worker holds it (an in-process stand-in for the worker): layout numbers,
 * lane labels, escaping, copying, errors, and the page never holding the
 * chart's wasm. Drawing pixels is checked in real Chromium by Galata.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { base64ToBytes, BundleError, parseBundle, VIEW_MIME_TYPE } from '../chart/bundle.js';
import { ChartFrame, formatTime } from '../chart/chartView.js';
import { renderView, setViewEngine } from '../chart/index.js';
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
for (const name of ['XMLSerializer', 'HTMLElement', 'Node']) {
  g[name] ??= (dom.window as unknown as Record<string, unknown>)[name];
}
// jsdom has no canvas: the frame must still build its DOM (and skip paint).
dom.window.HTMLCanvasElement.prototype.getContext = (() => null) as never;

function host(): HTMLElement {
  const div = dom.window.document.createElement('div');
  dom.window.document.body.append(div);
  return div;
}

const CSV = [
  'TimeGenerated,Computer,Cmd',
  '2024-03-07T00:00:00Z,web-01,whoami',
  '2024-03-07T01:00:00Z,web-01,net user',
  '2024-03-07T02:00:00Z,<b onmouseover=alert(1)>x</b>,ipconfig',
  '2024-03-07T03:00:00Z,dc-01,ntdsutil'
].join('\n');

describe('view bundles', () => {
  const good = { version: 1, kind: 'timeline', options: {}, data: [{ label: 'a', arrow: 'QUJD' }] };

  it('accepts a bundle as an object or as JSON text', () => {
    assert.equal(parseBundle(good).kind, 'timeline');
    assert.equal(parseBundle(JSON.stringify(good)).data[0].label, 'a');
    assert.equal(VIEW_MIME_TYPE, 'application/vnd.huntkit.view+json');
  });

  it('names what is wrong', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ ...good, version: 2 }, /unknown view bundle version 2/],
      [{ ...good, version: undefined }, /version undefined/],
      [{ ...good, kind: 'pie' }, /unknown view kind "pie"/],
      [{ ...good, data: [] }, /no data sets/],
      [{ ...good, data: [{ label: 'x' }] }, /data set 1 has no "arrow"/],
      [{ ...good, options: [] }, /"options" is not an object/],
      ['{not json', /not JSON/],
      [42, /not an object/]
    ];
    for (const [value, message] of bad) {
      assert.throws(
        () => parseBundle(value),
        (e: unknown) => e instanceof BundleError && message.test(e.message)
      );
    }
  });

  it('decodes base64 and refuses what is not', () => {
    assert.deepEqual(Array.from(base64ToBytes('QUJD', 'x')), [65, 66, 67]);
    assert.throws(() => base64ToBytes('!!!', 'data set 1'), /data set 1 is not valid base64/);
  });

  it('formats times as ISO 8601 UTC', () => {
    assert.equal(formatTime(Date.parse('2024-03-07T00:00:00Z')), '2024-03-07T00:00:00Z');
    assert.equal(formatTime(Date.parse('2024-03-07T00:00:00.250Z')), '2024-03-07T00:00:00.250Z');
  });
});

describe('the chart frame over the real wasm, in the worker', { skip }, () => {
  let wasm: typeof WasmModule;
  let engine: HuntkitEngine;
  const store = new TreeStore();
  const requests: EngineRequest[] = [];
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
            store
          );
        })
    });
    setViewEngine(engine);
    const clipboard = { writeText: async (text: string) => void copied.push(text) };
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { clipboard } });
  });
  after(() => engine.dispose());

  const csv = (options: Record<string, unknown>, kind = 'timeline'): unknown => ({
    version: 1,
    kind,
    options,
    data: [{ label: 'events', bytes: new TextEncoder().encode(CSV), format: 'csv' }]
  });

  async function mount(options: Record<string, unknown>): Promise<[HTMLElement, ChartFrame]> {
    const el = host();
    const shown = await renderView(el, csv(options));
    assert.equal(shown.error, null, shown.error ?? '');
    assert.ok(shown.frame instanceof ChartFrame);
    return [el, shown.frame];
  }

  it('lays out lanes in the worker and draws escaped labels and counts', async () => {
    requests.length = 0;
    const [el, frame] = await mount({ group_by: 'Computer', title: '<i>T</i>', width: 600 });
    // The table went to the worker as a transferred buffer; layouts came back.
    const open = requests.find(r => r.op === 'chartOpen');
    assert.ok(open && open.op === 'chartOpen');
    assert.ok(open.sets[0].data instanceof ArrayBuffer);
    assert.ok(requests.some(r => r.op === 'chart' && r.call.method === 'layout'));
    const node = el.querySelector('.jp-huntkit-chart') as HTMLElement;
    assert.equal(node.dataset.kind, 'timeline');
    assert.equal(node.dataset.eventsInView, '4');
    assert.equal(node.dataset.marks, '4');
    const lanes = Array.from(el.querySelectorAll('text.jp-huntkit-lane-label')).map(
      t => t.childNodes[0].textContent
    );
    assert.deepEqual(lanes, ['<b onmouseover=alert(1)>x</b>', 'dc-01', 'web-01']);
    assert.equal(el.querySelector('b'), null, 'no element was made from data');
    assert.equal(el.querySelector('.jp-huntkit-chart-title')?.textContent, '<i>T</i>');
    assert.match(
      el.querySelector('.jp-huntkit-chart-status')?.textContent ?? '',
      /^4 of 4 events in view/
    );
    // Zooming to the first two hours leaves two events in view.
    frame.setDomain([Date.parse('2024-03-07T00:00:00Z') - 1, Date.parse('2024-03-07T01:30:00Z')]);
    await new Promise(resolve => dom.window.requestAnimationFrame(resolve));
    await frame.settled();
    assert.equal(node.dataset.eventsInView, '2');
    const svg = frame.toSvg();
    assert.match(svg, /&lt;b onmouseover=alert\(1\)&gt;x&lt;\/b&gt;/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    assert.equal(store.chartCount, 1);
    frame.dispose();
    assert.equal(el.querySelector('.jp-huntkit-chart'), null);
    // Disposing frees the chart in the worker.
    await new Promise(resolve => setTimeout(resolve, 10));
    assert.equal(store.chartCount, 0);
  });

  it('copies rows as CSV and JSON with the source columns, made in the worker', async () => {
    const [el, frame] = await mount({ source_columns: ['Computer', 'Cmd'] });
    const button = (name: string): HTMLButtonElement =>
      el.querySelector(`button[data-action="${name}"]`) as HTMLButtonElement;
    copied.length = 0;
    button('copy-csv').click();
    await new Promise(resolve => setTimeout(resolve, 10));
    assert.equal(
      copied[0],
      'Computer,Cmd\nweb-01,whoami\nweb-01,net user\n<b onmouseover=alert(1)>x</b>,ipconfig\ndc-01,ntdsutil\n'
    );
    button('copy-json').click();
    await new Promise(resolve => setTimeout(resolve, 10));
    assert.deepEqual((JSON.parse(copied[1]) as unknown[]).at(-1), {
      Computer: 'dc-01',
      Cmd: 'ntdsutil'
    });
    assert.match(el.querySelector('.jp-huntkit-chart-status')?.textContent ?? '', /copied 4 rows/);
    frame.dispose();
  });

  it('shows core errors in the host, never throws', async () => {
    const el = host();
    const bundle = {
      version: 1,
      kind: 'timeline',
      options: {},
      data: [{ label: 'x', arrow: 'QUJDRA==' }]
    };
    const shown = await renderView(el, bundle);
    assert.equal(shown.frame, null);
    assert.match(
      el.querySelector('.jp-huntkit-view-error')?.textContent ?? '',
      /cannot read arrow input/
    );
    const el2 = host();
    await renderView(el2, { ...bundle, version: 7 });
    assert.match(el2.textContent ?? '', /unknown view bundle version 7/);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ time_column: 'Cmd' }, /row 0 of column "Cmd": "whoami" is not a time/],
      [{ group_by: 'Host' }, /column "Host" not in table/],
      [{ colour: 'red' }, /unknown field `colour`/]
    ];
    for (const [options, message] of cases) {
      const box = host();
      const bad = await renderView(box, csv(options));
      assert.equal(bad.frame, null);
      assert.match(bad.error ?? '', message);
    }
    assert.equal(store.chartCount, 0, 'a chart that failed to build holds nothing');
  });
});
