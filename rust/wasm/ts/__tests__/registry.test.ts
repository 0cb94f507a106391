/**
 * The view registry: one entry per contract kind, one `renderView` entry
 * that dispatches on the kind, process trees built through the engine (the
 * worker half) and never on the page, and no host that decides by kind.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { VIEW_KINDS, VIEW_KINDS_WITHOUT_DATA } from '../contract.js';
import { renderView, VIEWS, type ViewEngine } from '../chart/registry.js';
import { LookupFrame } from '../chart/lookupFrame.js';
import type { LookupHost } from '../views/lookupView.js';
import { HuntkitError, type RemoteChart, type RemoteProcessTree } from '../engine.js';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });

function host(): HTMLElement {
  const div = dom.window.document.createElement('div');
  dom.window.document.body.append(div);
  return div;
}

/** An engine that records what views ask of it and refuses every table. */
function refusingEngine(calls: unknown[]): ViewEngine {
  return {
    openProcessTree(data, format, options): Promise<RemoteProcessTree> {
      calls.push({ data, format, options });
      return Promise.reject(new HuntkitError('column "Account" not in table', 'missing_column'));
    },
    openChart(kind, sources, options): Promise<RemoteChart> {
      calls.push({ kind, sources, options });
      return Promise.reject(new HuntkitError('column "Account" not in table', 'missing_column'));
    },
    lookupProviders() {
      calls.push('lookupProviders');
      return Promise.resolve([
        { name: 'virustotal', kind: 'ti', needsKey: true, supports: ['ipv4'] },
        { name: 'otx', kind: 'ti', needsKey: true, supports: ['ipv4'] }
      ] as Awaited<ReturnType<ViewEngine['lookupProviders']>>);
    },
    lookupPlan(iocs, providers) {
      calls.push({ lookupPlan: [iocs, providers] });
      return Promise.reject(new HuntkitError('no plan in this test', 'invalid_option'));
    },
    lookupFinish() {
      return Promise.reject(new HuntkitError('no finish in this test', 'invalid_option'));
    },
    lookupRetryDelay() {
      return Promise.resolve(null);
    },
    geoLoad() {
      return Promise.reject(new HuntkitError('no geoip database in this test', 'invalid_option'));
    },
    geoLookup() {
      return Promise.reject(new HuntkitError('no geoip database in this test', 'invalid_option'));
    },
    openEntityGraph(nodes, edges, formats, options) {
      calls.push({ nodes, edges, formats, options });
      return Promise.reject(new HuntkitError('column "Id" not in table', 'missing_column'));
    }
  };
}

describe('the view registry', () => {
  it('has one view, with a title and pickers, for every kind of the contract', () => {
    assert.deepEqual(Object.keys(VIEWS).sort(), [...VIEW_KINDS].sort());
    for (const kind of VIEW_KINDS) {
      assert.ok(VIEWS[kind].title, kind);
      // A kind without a table has no columns to pick.
      const dataless = (VIEW_KINDS_WITHOUT_DATA as readonly string[]).includes(kind);
      // So has one drawing several named tables (nothing to pick from one).
      assert.equal(VIEWS[kind].fields.length > 0, !dataless && !VIEWS[kind].multiTable, kind);
    }
    // The options a picker sets are the kind's own.
    assert.deepEqual(
      VIEWS.process_tree.fields.map(f => f.option),
      ['schema', 'legend_col']
    );
    assert.ok(VIEWS.process_tree.fields[0].choices?.some(([v]) => v === 'sysmon'));
    assert.equal(VIEWS.timeline_duration.fields.find(f => f.option === 'group_by')?.list, true);
  });

  it('sends a process tree bundle to the engine, base64 and all', async () => {
    const calls: unknown[] = [];
    const div = host();
    const shown = await renderView(
      div,
      {
        version: 1,
        kind: 'process_tree',
        options: { schema: 'sysmon', legend_col: 'Account', title: 't' },
        data: [{ label: 'events', arrow: 'QUJD' }]
      },
      { engine: refusingEngine(calls) }
    );
    assert.deepEqual(calls, [
      {
        data: { base64: 'QUJD', what: 'data set 1 ("events")' },
        format: 'arrow',
        options: { schema: 'sysmon', legend_col: 'Account' }
      }
    ]);
    // The engine's refusal is the view's error, shown as text.
    assert.equal(shown.frame, null);
    assert.equal(shown.error, 'column "Account" not in table');
    assert.equal(
      div.querySelector('.jp-huntkit-view-error-message')?.textContent,
      'column "Account" not in table'
    );
  });

  it('takes a bundle of bytes a panel made, with its format', async () => {
    const calls: unknown[] = [];
    const bytes = new TextEncoder().encode('a,b\n');
    await renderView(
      host(),
      {
        version: 1,
        kind: 'process_tree',
        options: {},
        data: [{ label: 'file.csv', bytes, format: 'csv' }]
      },
      { engine: refusingEngine(calls) }
    );
    assert.deepEqual(calls, [{ data: bytes, format: 'csv', options: {} }]);
  });

  it('sends a chart bundle to the engine: its tables are read and laid out in the worker', async () => {
    const calls: unknown[] = [];
    const div = host();
    const bytes = new TextEncoder().encode('t\n1\n');
    const shown = await renderView(
      div,
      {
        version: 1,
        kind: 'timeline',
        options: { group_by: 'Account' },
        data: [
          { label: 'a', arrow: 'QUJD', time_column: 'T', color: 'red' },
          { label: 'b', bytes, format: 'csv' }
        ]
      },
      { engine: refusingEngine(calls) }
    );
    assert.deepEqual(calls, [
      {
        kind: 'timeline',
        sources: [
          {
            label: 'a',
            data: { base64: 'QUJD', what: 'data set 1 ("a")' },
            format: 'arrow',
            time_column: 'T',
            color: 'red'
          },
          { label: 'b', data: bytes, format: 'csv' }
        ],
        options: { group_by: 'Account' }
      }
    ]);
    assert.equal(shown.error, 'column "Account" not in table');
  });

  it('draws a lookup bundle (no data) in the Lookup view, sending nothing until Run', async () => {
    const calls: unknown[] = [];
    const asked: string[] = [];
    const lookupHost: LookupHost = {
      label: 'the test host',
      providers: () => {
        asked.push('providers');
        return Promise.resolve({
          providers: [
            { name: 'virustotal', configured: true },
            { name: 'otx', configured: false, missing: ['otx.AuthKey'] }
          ]
        });
      },
      call: request => {
        asked.push(`call ${request.provider}`);
        return Promise.resolve({ refused: { status: 403, message: 'no' } });
      }
    };
    const div = host();
    const shown = await renderView(
      div,
      {
        version: 1,
        kind: 'lookup',
        options: { iocs: ['185.220.101[.]1', 'evil.example'], providers: ['virustotal'] }
      },
      { engine: refusingEngine(calls), lookupHost }
    );
    assert.equal(shown.error, null);
    assert.ok(shown.frame instanceof LookupFrame);
    await shown.frame.view.loadProviders();
    assert.equal(
      (div.querySelector('.jp-huntkit-lookup-input') as HTMLTextAreaElement).value,
      '185.220.101[.]1\nevil.example'
    );
    const vt = div.querySelector<HTMLInputElement>('input[data-provider="virustotal"]');
    const otx = div.querySelector<HTMLInputElement>('input[data-provider="otx"]');
    assert.deepEqual(
      [vt?.checked, vt?.disabled, otx?.checked, otx?.disabled],
      [true, false, false, true]
    );
    assert.match(div.textContent ?? '', /missing otx\.AuthKey/);
    assert.deepEqual(asked, ['providers']);
    assert.deepEqual(calls, ['lookupProviders']);
    // Run plans in the engine first (here it refuses, so no call goes out).
    await shown.frame.view.run();
    assert.deepEqual(calls.at(-1), {
      lookupPlan: [['185.220.101[.]1', 'evil.example'], ['virustotal']]
    });
    assert.deepEqual(asked, ['providers']);
    assert.match(div.textContent ?? '', /no plan in this test/);
    shown.dispose();
    assert.equal(div.querySelector('.jp-huntkit-lookup'), null);
  });

  it('says a lookup needs its host when there is none, and names bad lookup options', async () => {
    const div = host();
    await renderView(
      div,
      { version: 1, kind: 'lookup', options: { iocs: ['1.2.3.4'] }, data: [] },
      { engine: refusingEngine([]) }
    );
    assert.equal(div.querySelector<HTMLButtonElement>('.jp-huntkit-lookup-run')?.disabled, true);
    assert.match(div.textContent ?? '', /Lookups need the huntkit host/);
    const bad = await renderView(
      host(),
      { version: 1, kind: 'lookup', options: { iocs: [] } },
      { engine: refusingEngine([]) }
    );
    assert.match(bad.error ?? '', /non-empty list of observables/);
    const other = await renderView(
      host(),
      { version: 1, kind: 'lookup', options: { iocs: ['a.example'], url: 'http://x' } },
      { engine: refusingEngine([]) }
    );
    assert.match(other.error ?? '', /unknown option "url"/);
    // Kinds that draw tables still need their data.
    const chart = await renderView(
      host(),
      { version: 1, kind: 'timeline', options: {} },
      { engine: refusingEngine([]) }
    );
    assert.match(chart.error ?? '', /no data sets/);
  });

  it('names a bad bundle before any view runs', async () => {
    const calls: unknown[] = [];
    const div = host();
    const shown = await renderView(
      div,
      { version: 1, kind: 'pie', options: {}, data: [{ label: 'x', arrow: '' }] },
      { engine: refusingEngine(calls) }
    );
    assert.match(shown.error ?? '', /unknown view kind "pie"/);
    assert.deepEqual(calls, []);
  });
});

/** Every TypeScript source of the hosts (the JupyterLab extension, the VS Code renderer). */
function hostSources(): Array<[string, string]> {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const files: Array<[string, string]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== '__tests__' && name !== 'node_modules') {
          walk(path);
        }
      } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
        files.push([path.slice(root.length), readFileSync(path, 'utf8')]);
      }
    }
  };
  walk(join(root, 'jupyterlab-ext', 'src'));
  walk(join(root, 'vscode-ext', 'src'));
  return files;
}

describe('the hosts', () => {
  it('never decide anything by view kind (they call renderView)', () => {
    const sources = hostSources();
    assert.ok(
      sources.some(([path]) => path.endsWith('viewer.ts')),
      'found the host sources'
    );
    const kinds = VIEW_KINDS.join('|');
    const branch = new RegExp(
      `(===|!==|==|!=|case)\\s*['"\`](${kinds})['"\`]|['"\`](${kinds})['"\`]\\s*(===|!==|==|!=)|\\[\\s*['"\`](${kinds})['"\`]\\s*,`
    );
    for (const [path, text] of sources) {
      const hit = branch.exec(text);
      assert.equal(hit, null, `${path} branches on a view kind: ${hit?.[0]}`);
    }
    for (const [path, text] of sources) {
      assert.doesNotMatch(text, /mountProcessTree|new ChartView|new ChartFrame/, path);
    }
  });
});
