import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineResponse } from '../protocol.js';
import { errorMessage, handleRequest, stringChunks, type WasmApi } from '../router.js';

function kindError(message: string, kind: string): Error {
  return Object.assign(new Error(message), { kind });
}

/** A wasm stand-in that records what it was fed. */
function fakeApi(log: string[]): WasmApi {
  class Scanner {
    private readonly parts: string[] = [];
    constructor(options: { types?: string[] } | undefined) {
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
    QueryLibrary: {
      bundled() {
        throw new Error('no query library in this fake');
      },
      demoManifest: () => new Uint8Array()
    },
    localDataManifest: () => ({ now: null, sources: [] }),
    timeSpan: () => []
  };
}

function run(api: WasmApi, request: Parameters<typeof handleRequest>[1], chunkSize?: number) {
  const messages: EngineResponse[] = [];
  const transfers: Transferable[][] = [];
  handleRequest(
    api,
    request,
    (message, transfer) => {
      messages.push(message);
      transfers.push(transfer ?? []);
    },
    chunkSize
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
