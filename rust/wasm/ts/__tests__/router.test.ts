import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineRequest, EngineResponse } from '../protocol.js';
import {
  errorMessage,
  handleRequest,
  stringChunks,
  TreeStore,
  type ProcessTreeViewLike,
  type WasmApi
} from '../router.js';

function kindError(message: string, kind: string): Error {
  return Object.assign(new Error(message), { kind });
}

/** A wasm stand-in that records what it was fed. */
function fakeApi(log: string[]): WasmApi {
  class Scanner {
    private readonly parts: string[] = [];
    constructor(options: { types?: string[] | null } | undefined) {
      if (options?.types?.includes('bogus')) {
        throw kindError('unknown IoC type "bogus"', 'invalid_option');
      }
    }
    push(chunk: string): void {
      log.push(`push:${chunk}`);
      this.parts.push(chunk);
    }
    pushBytes(chunk: Uint8Array): void {
      log.push(`bytes:${chunk.byteLength}`);
      this.parts.push(new TextDecoder().decode(chunk));
    }
    finish() {
      const text = this.parts.join('');
      return { items: [], counts: new Map([['dns', 1]]) as never, bytes: text.length, lines: 1 };
    }
    free(): void {
      log.push('free');
    }
  }
  return {
    IocScanner: Scanner,
    EntityGraphView: class {
      constructor() {
        throw new Error('no entity graph in this test');
      }
    } as unknown as WasmApi['EntityGraphView'],
    EntityGraph: {
      fromJson() {
        throw new Error('no incident graph in this test');
      }
    },
    debugPanic(message) {
      throw new WebAssembly.RuntimeError(`unreachable (${message})`);
    },
    unpackText(text) {
      if (text === 'trap') {
        throw new WebAssembly.RuntimeError('unreachable');
      }
      return { rows: [], annotated: text, warnings: [], truncated: false };
    },
    extractIocTable(data, format) {
      if (format === 'csv' && data.byteLength === 0) {
        throw kindError('empty table', 'parse');
      }
      return new Uint8Array([1, 2, 3]);
    },
    timeseriesAnomalies() {
      return { table: new Uint8Array([4, 5]), periods: [], kql: '' };
    },
    scoreSessions() {
      return new Uint8Array([6]);
    },
    clusterEvents() {
      return {
        clusters: new Uint8Array([7]),
        outliers: new Uint8Array([8]),
        labels: new Int32Array([0, 0, -1]),
        scores: new Float64Array(3),
        pathLengths: new Float64Array(3),
        isOutlier: new Uint8Array(3),
        clusterCount: 1,
        features: ['pathScore'],
        points: new Float64Array(3)
      };
    },
    tableColumns(data, format) {
      log.push(`columns:${format}:${new TextDecoder().decode(data)}`);
      return ['a', 'b'];
    },
    ChartView: class {
      constructor(kind: string, sets: Array<{ label: string; data: Uint8Array; format?: string }>) {
        log.push(
          `chart:${kind}:${sets.map(s => `${s.label}=${s.format}:${new TextDecoder().decode(s.data)}`).join('|')}`
        );
        if (kind === 'matrix') {
          throw kindError('column "x" not in table', 'missing_column');
        }
      }
      info() {
        return { kind: 'timeline', x_domain: [0, 10] } as never;
      }
      layout(x0: number, x1: number, width: number, height: number) {
        log.push(`layout:${x0}:${x1}:${width}:${height}`);
        return { marks: new Float64Array(14), stride: 7, xTicks: [], yTicks: [], eventsInView: 2 };
      }
      overview(width: number) {
        return new Uint32Array(width);
      }
      hit(x: number) {
        return x > 5 ? 1 : -1;
      }
      markRows(mark: number, limit: number) {
        return { ids: Uint32Array.from([mark * 10, mark * 10 + 1].slice(0, limit)), total: 2 };
      }
      rowsBetween(_t0: number, _t1: number, limit: number) {
        return { ids: Uint32Array.from([7, 8, 9].slice(0, limit)), total: 3 };
      }
      rowsJson(ids: Uint32Array) {
        return Array.from(ids, id => ({ id }));
      }
      rowsCsv(ids: Uint32Array) {
        return `id\n${Array.from(ids).join('\n')}\n`;
      }
      setYMax(yMax: number | undefined) {
        log.push(`ymax:${String(yMax)}`);
      }
      free() {
        log.push('chart-free');
      }
    },
    ProcessTreeView: class implements ProcessTreeViewLike {
      private shown = 3;
      constructor(data: Uint8Array, format: string) {
        log.push(`tree:${format}:${new TextDecoder().decode(data)}`);
        if (data.byteLength === 0) {
          throw kindError('no process columns', 'missing_column');
        }
      }
      visibleCount() {
        return this.shown;
      }
      rows(start: number, count: number) {
        log.push(`rows:${start}:${count}`);
        return Array.from({ length: count }, (_, i) => ({ node: start + i }));
      }
      position(node: number) {
        return node;
      }
      toggle() {
        this.shown = 1;
        return false;
      }
      expandAll() {
        this.shown = 3;
      }
      collapseAll() {
        this.shown = 1;
      }
      expandTo(node: number) {
        this.shown = 3;
        return node;
      }
      nodeOfRow(row: number) {
        return row === 7 ? 2 : -1;
      }
      search(text: string) {
        return text ? new Uint32Array([2]) : new Uint32Array();
      }
      setTimeRange(t0: number | undefined, t1: number | undefined) {
        log.push(`range:${t0}:${t1}`);
      }
      timeBounds() {
        return [0, 1];
      }
      details(node: number) {
        return { node, columns: [], ancestors: [] };
      }
      subtreeText() {
        return 'text';
      }
      subtreeCsv() {
        return 'csv';
      }
      summary() {
        return { Processes: 3 };
      }
      legendValues() {
        return [];
      }
      free() {
        log.push('tree-free');
      }
    },
    QueryLibrary: {
      bundled() {
        throw new Error('no query library in this fake');
      },
      demoManifest: () => new Uint8Array()
    },
    localDataManifest: () => ({ now: null, sources: [] }),
    timeSpan: () => [],
    lookupProviders: () => [],
    siemProviders: () => [],
    planLookups: () => {
      throw new Error('no lookups in this fake');
    },
    finishLookups: () => {
      throw new Error('no lookups in this fake');
    },
    lookupRetryDelay: () => undefined,
    LookupCache: class {
      answered() {
        return [];
      }
      remember(): void {}
      free(): void {}
    },
    GeoDatabase: class {
      constructor() {
        throw new Error('no GeoIP in this fake');
      }
      info(): never {
        throw new Error('no GeoIP in this fake');
      }
      lookup(): never {
        throw new Error('no GeoIP in this fake');
      }
      free(): void {}
    }
  };
}

function run(
  api: WasmApi,
  request: Parameters<typeof handleRequest>[1],
  chunkSize?: number,
  trees?: TreeStore
) {
  const messages: EngineResponse[] = [];
  const transfers: Transferable[][] = [];
  handleRequest(
    api,
    request,
    (message, transfer) => {
      messages.push(message);
      transfers.push(transfer ?? []);
    },
    chunkSize,
    trees
  );
  return { messages, transfers };
}

describe('stringChunks', () => {
  it('covers the text in pieces of the given size', () => {
    assert.deepEqual(stringChunks('abcdefg', 3), [
      [0, 3],
      [3, 6],
      [6, 7]
    ]);
    assert.deepEqual(stringChunks('', 3), []);
  });

  it('never splits a surrogate pair', () => {
    const text = 'ab😀cd😀😀e';
    for (let size = 1; size <= 6; size++) {
      const ranges = stringChunks(text, size);
      assert.equal(ranges.map(([s, e]) => text.slice(s, e)).join(''), text);
      for (const [, end] of ranges.slice(0, -1)) {
        const code = text.charCodeAt(end - 1);
        assert.ok(!(code >= 0xd800 && code <= 0xdbff), `size ${size} split a pair at ${end}`);
      }
    }
  });
});

describe('handleRequest', () => {
  it('feeds text in chunks with progress after each, then the result', () => {
    const log: string[] = [];
    const { messages } = run(fakeApi(log), { id: 7, op: 'ioc', input: 'abcdefgh', options: {} }, 3);
    assert.deepEqual(log, ['push:abc', 'push:def', 'push:gh']);
    assert.deepEqual(
      messages.slice(0, 3),
      [3, 6, 8].map(done => ({ id: 7, type: 'progress', done, total: 8 }))
    );
    const last = messages[3];
    assert.equal(last.type, 'result');
    assert.equal(last.id, 7);
    // A Map of counts comes back as a plain object.
    assert.deepEqual(last.type === 'result' && last.op === 'ioc' && last.result.counts, { dns: 1 });
  });

  it('feeds file bytes with pushBytes', () => {
    const log: string[] = [];
    const input = new TextEncoder().encode('0123456789').buffer;
    const { messages } = run(fakeApi(log), { id: 1, op: 'ioc', input, options: {}, chunkSize: 4 });
    assert.deepEqual(log, ['bytes:4', 'bytes:4', 'bytes:2']);
    assert.equal(messages.at(-1)?.type, 'result');
  });

  it('turns a thrown wasm error into an error message with its kind', () => {
    const { messages } = run(fakeApi([]), {
      id: 2,
      op: 'ioc',
      input: 'x',
      options: { types: ['bogus'] }
    });
    assert.deepEqual(messages, [
      {
        id: 2,
        type: 'error',
        message: 'unknown IoC type "bogus"',
        kind: 'invalid_option',
        fatal: false
      }
    ]);
  });

  it('marks a wasm trap as fatal', () => {
    const { messages } = run(fakeApi([]), { id: 3, op: 'decode', input: 'trap', options: {} });
    assert.equal(messages.length, 1);
    const [message] = messages;
    assert.equal(message.type, 'error');
    assert.equal(message.type === 'error' && message.kind, 'wasm_trap');
    assert.equal(message.type === 'error' && message.fatal, true);
  });

  it('decodes file bytes as UTF-8 before decoding', () => {
    const input = new TextEncoder().encode('héllo').buffer;
    const { messages } = run(fakeApi([]), { id: 4, op: 'decode', input, options: {} });
    const [message] = messages;
    assert.equal(
      message.type === 'result' && message.op === 'decode' && message.result.annotated,
      'héllo'
    );
  });

  it('transfers the Arrow result of a table scan', () => {
    const { messages, transfers } = run(fakeApi([]), {
      id: 5,
      op: 'iocTable',
      data: new Uint8Array([9]).buffer,
      format: 'auto',
      options: {}
    });
    const [message] = messages;
    assert.ok(message.type === 'result' && message.op === 'iocTable');
    assert.deepEqual([...new Uint8Array(message.result)], [1, 2, 3]);
    assert.equal(transfers[0][0], message.result);
  });

  it('reports a table parse error', () => {
    const { messages } = run(fakeApi([]), {
      id: 6,
      op: 'iocTable',
      data: new ArrayBuffer(0),
      format: 'csv',
      options: {}
    });
    assert.deepEqual(messages, [
      { id: 6, type: 'error', message: 'empty table', kind: 'parse', fatal: false }
    ]);
  });

  it('reads table columns from bytes or base64 text in the worker', () => {
    const log: string[] = [];
    const bytes = new TextEncoder().encode('a,b\n').buffer;
    const first = run(fakeApi(log), { id: 9, op: 'columns', data: bytes, format: 'csv' });
    assert.deepEqual(first.messages, [
      { id: 9, type: 'result', op: 'columns', result: ['a', 'b'] }
    ]);
    run(fakeApi(log), { id: 10, op: 'columns', data: { base64: btoa('x,y\n') }, format: 'auto' });
    assert.deepEqual(log, ['columns:csv:a,b\n', 'columns:auto:x,y\n']);
    const bad = run(fakeApi(log), {
      id: 11,
      op: 'columns',
      data: { base64: '*not base64*', what: 'data set 1' },
      format: 'arrow'
    });
    assert.match(bad.messages[0].type === 'error' ? bad.messages[0].message : '', /data set 1/);
  });

  it('joins base64 text staged in pieces before decoding it', () => {
    const log: string[] = [];
    const trees = new TreeStore();
    const text = btoa('p,q\n');
    run(fakeApi(log), { id: 1, op: 'stage', key: 4, chunk: text.slice(0, 3) }, 0, trees);
    run(fakeApi(log), { id: 2, op: 'stage', key: 4, chunk: text.slice(3) }, 0, trees);
    const { messages } = run(
      fakeApi(log),
      { id: 3, op: 'columns', data: { staged: 4 }, format: 'csv' },
      0,
      trees
    );
    assert.equal(messages[0].type, 'result');
    assert.deepEqual(log, ['columns:csv:p,q\n']);
    // Taken once: the pieces are not kept.
    assert.equal(trees.takeStaged(4), '');
  });

  it('holds process trees by handle and answers calls on them', () => {
    const log: string[] = [];
    const api = fakeApi(log);
    const trees = new TreeStore();
    const data = new TextEncoder().encode('events').buffer;
    const opened = run(api, { id: 1, op: 'treeOpen', data, format: 'csv', options: {} }, 0, trees)
      .messages[0];
    assert.ok(opened.type === 'result' && opened.op === 'treeOpen', JSON.stringify(opened));
    const { handle } = opened.result;
    assert.deepEqual(opened.result, {
      handle,
      summary: { Processes: 3 },
      timeBounds: [0, 1],
      legend: [],
      visible: 3
    });
    const call = (c: EngineRequest): EngineResponse => run(api, c, 0, trees).messages[0];
    // A window past the end is clipped to the rows there are.
    const rows = call({ id: 2, op: 'tree', handle, call: { method: 'rows', start: 1, count: 10 } });
    assert.deepEqual(rows.type === 'result' && rows.result, {
      visible: 3,
      rows: [{ node: 1 }, { node: 2 }]
    });
    const toggled = call({ id: 3, op: 'tree', handle, call: { method: 'toggle', node: 0 } });
    assert.equal(toggled.type === 'result' && toggled.result, 1, 'answers the new row count');
    const found = call({ id: 4, op: 'tree', handle, call: { method: 'search', text: 'x' } });
    assert.deepEqual(found.type === 'result' && found.result, { matches: [2], visible: 1 });
    const node = call({ id: 4, op: 'tree', handle, call: { method: 'nodeOfRow', row: 7 } });
    assert.equal(node.type === 'result' && node.result, 2, 'routes an input row to its node');
    call({ id: 5, op: 'tree', handle, call: { method: 'setTimeRange', t0: 5, t1: null } });
    assert.ok(log.includes('range:5:undefined'), log.join());
    call({ id: 6, op: 'treeClose', handle });
    assert.equal(trees.size, 0);
    assert.ok(log.includes('tree-free'));
    const gone = call({ id: 7, op: 'tree', handle, call: { method: 'rows', start: 0, count: 1 } });
    assert.equal(gone.type === 'error' && gone.kind, 'closed');
    // A table the tree cannot be built from: an error, nothing kept.
    const bad = run(
      api,
      { id: 8, op: 'treeOpen', data: new ArrayBuffer(0), format: 'csv', options: {} },
      0,
      trees
    ).messages[0];
    assert.equal(bad.type === 'error' && bad.kind, 'missing_column');
    assert.equal(trees.size, 0);
  });

  it('holds charts by handle: builds, lays out, hit-tests and exports rows in the worker', () => {
    const log: string[] = [];
    const api = fakeApi(log);
    const store = new TreeStore();
    const bytes = new TextEncoder().encode('t,x').buffer;
    const opened = run(
      api,
      {
        id: 1,
        op: 'chartOpen',
        kind: 'timeline',
        sets: [
          { label: 'a', data: bytes, format: 'csv' },
          { label: 'b', data: { base64: btoa('y') }, format: 'arrow' }
        ],
        options: {}
      },
      0,
      store
    ).messages[0];
    assert.ok(opened.type === 'result' && opened.op === 'chartOpen', JSON.stringify(opened));
    const { handle } = opened.result;
    assert.deepEqual(opened.result.info, { kind: 'timeline', x_domain: [0, 10] });
    assert.deepEqual(log, ['chart:timeline:a=csv:t,x|b=arrow:y']);
    const call = (c: EngineRequest) => run(api, c, 0, store);
    const result = (c: EngineRequest): unknown => {
      const m = call(c).messages[0];
      assert.equal(m.type, 'result', JSON.stringify(m));
      return m.type === 'result' ? m.result : null;
    };
    // The layout's marks are handed over, not copied.
    const laid = call({
      id: 2,
      op: 'chart',
      handle,
      call: { method: 'layout', x0: 0, x1: 10, width: 300, height: 100 }
    });
    assert.equal(laid.transfers[0].length, 1);
    assert.ok(log.includes('layout:0:10:300:100'));
    assert.deepEqual(
      result({
        id: 3,
        op: 'chart',
        handle,
        call: { method: 'hover', x: 1, y: 1, radius: 6, limit: 5 }
      }),
      { mark: -1, total: 0, rows: [] }
    );
    assert.deepEqual(
      result({
        id: 4,
        op: 'chart',
        handle,
        call: { method: 'hover', x: 9, y: 1, radius: 6, limit: 5 }
      }),
      { mark: 1, total: 2, rows: [{ id: 10 }, { id: 11 }] }
    );
    const picked = result({
      id: 5,
      op: 'chart',
      handle,
      call: { method: 'pick', x: 9, y: 1, radius: 6, limit: 1 }
    }) as { mark: number; ids: Uint32Array };
    assert.deepEqual([picked.mark, Array.from(picked.ids)], [1, [10]]);
    const text = (ids: Uint32Array | null, t0: number | null, format: 'csv' | 'json' = 'csv') =>
      result({
        id: 6,
        op: 'chart',
        handle,
        call: { method: 'rowsText', format, ids, t0, t1: t0 === null ? null : 5, limit: 100 }
      });
    assert.deepEqual(text(Uint32Array.from([3]), null), { count: 1, text: 'id\n3\n' });
    assert.deepEqual(text(null, 0), { count: 3, text: 'id\n7\n8\n9\n' });
    // No ids and no window: the rows of every mark of the last layout (2 marks).
    assert.deepEqual(text(null, null, 'json'), {
      count: 4,
      text: JSON.stringify([{ id: 0 }, { id: 1 }, { id: 10 }, { id: 11 }], null, 1)
    });
    result({ id: 7, op: 'chart', handle, call: { method: 'setYMax', yMax: null } });
    assert.ok(log.includes('ymax:undefined'));
    assert.equal(store.chartCount, 1);
    result({ id: 8, op: 'chartClose', handle });
    assert.equal(store.chartCount, 0);
    assert.ok(log.includes('chart-free'));
    const gone = call({
      id: 9,
      op: 'chart',
      handle,
      call: { method: 'overview', width: 3 }
    }).messages[0];
    assert.equal(gone.type === 'error' && gone.kind, 'closed');
    const bad = call({
      id: 10,
      op: 'chartOpen',
      kind: 'matrix',
      sets: [{ label: 'a', data: { base64: '*' }, format: 'arrow' }],
      options: {}
    }).messages[0];
    assert.match(bad.type === 'error' ? bad.message : '', /data set 1 \("a"\) is not valid base64/);
    assert.equal(store.chartCount, 0);
  });

  it('answers an unknown operation with an error', () => {
    const { messages } = run(fakeApi([]), { id: 8, op: 'nope' } as never);
    assert.equal(messages[0].type, 'error');
  });
});

describe('errorMessage', () => {
  it('keeps a string kind and falls back to internal', () => {
    assert.equal(errorMessage(1, kindError('x', 'missing_column')).kind, 'missing_column');
    assert.equal(errorMessage(1, new TypeError('x')).kind, 'internal');
    assert.equal(errorMessage(1, 'plain string').message, 'plain string');
  });
});
