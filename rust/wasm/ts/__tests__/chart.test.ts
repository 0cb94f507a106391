/**
 * Notebook views: bundle checks (pure), and the chart frame over the real
 * wasm `ChartView` in jsdom (layout numbers, lane labels, escaping, errors).
 * Drawing pixels is checked in real Chromium by the Galata tests.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { base64ToBytes, BundleError, parseBundle, VIEW_MIME_TYPE } from '../chart/bundle.js';
import { ChartFrame, formatTime } from '../chart/chartView.js';
import { renderView } from '../chart/index.js';
import type * as WasmModule from '../../pkg/huntkit_wasm.js';

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

describe('the chart frame over the real wasm', { skip }, () => {
  let wasm: typeof WasmModule;
  before(async () => {
    wasm = await import('../../pkg/huntkit_wasm.js');
    wasm.initSync({ module: readFileSync(wasmPath) });
  });

  function chart(
    options: Record<string, unknown>,
    kind = 'timeline'
  ): InstanceType<typeof wasm.ChartView> {
    return new wasm.ChartView(
      kind,
      [{ label: 'events', data: new TextEncoder().encode(CSV), format: 'csv' }],
      options
    );
  }

  it('lays out lanes with escaped labels and counts', () => {
    const el = host();
    const frame = new ChartFrame(
      el,
      chart({ group_by: 'Computer', title: '<i>T</i>', width: 600 })
    );
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
    (frame as unknown as { render(): void }).render();
    assert.equal(node.dataset.eventsInView, '2');
    const svg = frame.toSvg();
    assert.match(svg, /&lt;b onmouseover=alert\(1\)&gt;x&lt;\/b&gt;/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    frame.dispose();
    assert.equal(el.querySelector('.jp-huntkit-chart'), null);
  });

  it('copies rows as CSV and JSON with the source columns', () => {
    const view = chart({ source_columns: ['Computer', 'Cmd'] });
    const [x0, x1] = view.info().x_domain;
    view.layout(x0, x1, 400, 100);
    const { ids, total } = view.rowsBetween(x0, x1, 10);
    assert.equal(total, 4);
    assert.equal(view.rowsCsv(ids.subarray(0, 1)), 'Computer,Cmd\nweb-01,whoami\n');
    assert.deepEqual(view.rowsJson(ids.subarray(3)), [{ Computer: 'dc-01', Cmd: 'ntdsutil' }]);
    view.free();
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
    assert.throws(
      () => chart({ time_column: 'Cmd' }),
      /row 0 of column "Cmd": "whoami" is not a time/
    );
    assert.throws(() => chart({ group_by: 'Host' }), /column "Host" not in table/);
    assert.throws(() => chart({ colour: 'red' }), /unknown field `colour`/);
  });
});
