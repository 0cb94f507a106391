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
import { VIEW_KINDS } from '../contract.js';
import { renderView, VIEWS, type ViewEngine } from '../chart/registry.js';
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
    }
  };
}

describe('the view registry', () => {
  it('has one view, with a title and pickers, for every kind of the contract', () => {
    assert.deepEqual(Object.keys(VIEWS).sort(), [...VIEW_KINDS].sort());
    for (const kind of VIEW_KINDS) {
      assert.ok(VIEWS[kind].title, kind);
      assert.ok(VIEWS[kind].fields.length > 0, kind);
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
