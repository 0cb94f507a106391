/**
 * SIEM runs through the engine: the real wasm module behind the worker's
 * router (an in-process worker), as the Queries panel calls it: the worker
 * plans each time chunk's request, `send` (here a stand-in for the Jupyter
 * server's query route) answers, the rows come back as one typed table with
 * every chunk's report.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { HttpRequest, HttpResponse } from '../../pkg/huntkit_wasm.js';
import type { HuntkitEngine } from '../engine.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const skip = skipWithoutWasm;
const splunk = (name: string): string =>
  readFileSync(
    new URL(`../../../../tests/fixtures/providers/splunk/${name}`, import.meta.url),
    'utf8'
  );
const WORKSPACE = '52b1ab41-869e-4138-9e40-2a4457f09bf0';

function rows(start: string): string {
  return JSON.stringify({
    tables: [
      {
        name: 'PrimaryResult',
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'Computer', type: 'string' },
          { name: 'Count', type: 'long' }
        ],
        rows: [[start, 'WKS-1', 7]]
      }
    ]
  });
}

describe('SIEM runs through the engine', { skip }, () => {
  let engine: HuntkitEngine;

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('lists the providers with their environments', async () => {
    const providers = await engine.siemProviders();
    assert.deepEqual(
      providers.map(p => [p.name, p.environment]),
      [
        ['loganalytics', 'MSSentinel'],
        ['m365d', 'MDE'],
        ['kusto', 'Kusto'],
        ['splunk', 'Splunk']
      ]
    );
    assert.deepEqual(
      providers.filter(p => p.jobs).map(p => p.name),
      ['splunk']
    );
  });

  it('splits by day, sends each chunk, lists the failed one and joins the rest', async () => {
    const sent: HttpRequest[] = [];
    const send = async (request: HttpRequest): Promise<HttpResponse> => {
      sent.push(request);
      const body = JSON.parse(request.body ?? '{}') as { timespan: string };
      const start = body.timespan.split('/')[0];
      if (start.startsWith('2024-05-02')) {
        throw new Error('the workspace is not in AzureSentinel.Workspaces');
      }
      return { status: 200, headers: [], body: rows(start) };
    };
    const result = await engine.runSiemQuery(
      'Dns.list_dns_queries_for_domain',
      { domain: 'evil.example', start: '2024-05-01T00:00:00Z', end: '2024-05-03T23:59:59Z' },
      'loganalytics',
      { splitBy: '1d', target: { workspaceId: WORKSPACE } },
      send
    );
    assert.equal(sent.length, 3);
    assert.equal(sent[0].path, `/v1/workspaces/${WORKSPACE}/query`);
    assert.equal(result.status, 'partial');
    assert.deepEqual(
      result.chunks.map(c => [c.start, c.status, c.rows]),
      [
        ['2024-05-01T00:00:00Z', 'ok', 1],
        ['2024-05-02T00:00:00Z', 'error', 0],
        ['2024-05-03T00:00:00Z', 'ok', 1]
      ]
    );
    assert.match(result.chunks[1].messages[0], /AzureSentinel\.Workspaces/);
    assert.equal(result.rows, 2);
    assert.deepEqual(result.columns, ['TimeGenerated', 'Computer', 'Count']);
    assert.equal(result.preview[1][1], 'WKS-1');
    assert.deepEqual([...result.table.subarray(0, 4)], [255, 255, 255, 255]);
  });

  it('refuses a template of another environment before sending anything', async () => {
    let calls = 0;
    await assert.rejects(
      engine.runSiemQuery('MDE.list_alerts_for_ip', { ip: '1.2.3.4' }, 'splunk', {}, async () => {
        calls++;
        return { status: 200, headers: [], body: '' };
      }),
      { kind: 'invalid_option', message: /is written for MDE, not for splunk/ }
    );
    assert.equal(calls, 0);
  });
  it("runs a splunk search job: create, polls after the core's waits, pages", async () => {
    const sent: Array<[string, number]> = [];
    let last = Date.now();
    let polls = 0;
    const send = async (request: HttpRequest): Promise<HttpResponse> => {
      const now = Date.now();
      sent.push([request.operation, now - last]);
      last = now;
      const q = Object.fromEntries(request.query);
      switch (request.operation) {
        case 'job_create':
          return { status: 201, headers: [], body: splunk('job_created.json') };
        case 'job_status':
          polls++;
          return {
            status: 200,
            headers: [],
            body: splunk(polls < 2 ? 'job_running.json' : 'job_done.json')
          };
        default: {
          const all = JSON.parse(splunk('job_results_all.json')) as { results: unknown[] };
          const at = Number(q.offset);
          all.results = all.results.slice(at, at + Number(q.count));
          return { status: 200, headers: [], body: JSON.stringify(all) };
        }
      }
    };
    const result = await engine.runSiemQuery(
      'Network.list_flows_for_ip',
      { ip: '10.1.2.3' },
      'splunk',
      { mode: 'jobs', pageSize: 2 },
      send
    );
    assert.deepEqual(
      sent.map(([op]) => op),
      ['job_create', 'job_status', 'job_status', 'job_results', 'job_results', 'job_results']
    );
    // The polls waited (0.5 s, then 0.75 s) on a timer, not a busy loop.
    assert.ok(sent[1][1] >= 450 && sent[2][1] >= 700, JSON.stringify(sent));
    assert.equal(result.status, 'ok');
    assert.equal(result.rows, 5);
    assert.deepEqual(result.columns, ['_time', 'host', 'src_ip', 'count', 'tag']);
  });

  it('cancels a splunk job whose poll the host could not send; the chunk keeps that failure', async () => {
    const sent: HttpRequest[] = [];
    const send = async (request: HttpRequest): Promise<HttpResponse> => {
      sent.push(request);
      switch (request.operation) {
        case 'job_create':
          return { status: 201, headers: [], body: splunk('job_created.json') };
        case 'job_status':
          throw new Error('the server route refused the call');
        default:
          return { status: 200, headers: [], body: '{}' };
      }
    };
    const result = await engine.runSiemQuery(
      'Network.list_flows_for_ip',
      { ip: '10.1.2.3' },
      'splunk',
      { mode: 'jobs', autoSplit: false },
      send
    );
    assert.deepEqual(
      sent.map(r => r.operation),
      ['job_create', 'job_status', 'job_control']
    );
    const cancel = sent[2];
    assert.equal(cancel.method, 'POST');
    assert.equal(cancel.path, '/services/search/jobs/1733450000.123/control');
    assert.equal(cancel.body, 'action=cancel');
    assert.equal(result.status, 'error');
    assert.deepEqual(result.chunks[0].messages, [
      'the server route refused the call',
      'splunk job 1733450000.123 was cancelled'
    ]);
  });
});
