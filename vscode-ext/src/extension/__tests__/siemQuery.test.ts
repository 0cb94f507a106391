/**
 * SIEM queries in the extension host against real HTTP over loopback: the
 * real wasm module (rust/wasm/pkg, in this process, as the extension loads
 * it) plans each request, the gateway performs it against fixture servers
 * answering Log Analytics', Azure Data Explorer's and Splunk's documented
 * shapes (the core's fixtures in tests/fixtures/providers) only with the
 * right credentials, and the core reads the answers. 429s are retried
 * after Retry-After within bounds. Run by `npm test --workspace=vscode-ext`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as wasmGlue from '../../../../rust/wasm/pkg/huntkit_wasm.js';
import { whyBlocked } from '../blocked';
import {
  Gateway,
  GatewayError,
  missingSecrets,
  type GatewayHost,
  type ProviderDef,
  type RegistryDoc
} from '../gateway';
import {
  coreRetryDelay,
  previewCsv,
  runPlanned,
  type RetryDelay,
  type SiemRunHandle,
  type SiemWasm
} from '../siemQuery';

const root = path.resolve(__dirname, '../..');
const registryPath = path.join(root, 'jupyterlab-ext/jupyterlab_huntkit/server/providers.json');
const wasmPath = path.join(root, 'rust/wasm/pkg/huntkit_wasm_bg.wasm');
const registry = (): RegistryDoc => JSON.parse(readFileSync(registryPath, 'utf8')) as RegistryDoc;
const fixture = (provider: string, name: string): string =>
  readFileSync(path.join(root, 'tests/fixtures/providers', provider, name), 'utf8');

const TOKEN = 'unit-fake-azure-token-5c1e';
const SPLUNK_TOKEN = 'unit-fake-splunk-token-77a0';
const WORKSPACE = '52b1ab41-869e-4138-9e40-2a4457f09bf0';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** Log Analytics answers 429 (Retry-After as given) this many more times before answering. */
let throttle = { times: 0, retryAfter: '1' };
/** Status polls of the Splunk search job so far. */
let jobPolls = 0;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };
      const url = req.url ?? '';
      const auth = req.headers.authorization ?? '';
      if (url === `/la/v1/workspaces/${WORKSPACE}/query` && req.method === 'POST') {
        if (auth !== `Bearer ${TOKEN}`) {
          send(401, fixture('loganalytics', 'unauthorized.json'));
        } else if (throttle.times > 0) {
          throttle.times--;
          send(429, fixture('loganalytics', 'throttled.json'), {
            'retry-after': throttle.retryAfter
          });
        } else if (body.includes('echo.example')) {
          send(400, JSON.stringify({ error: { message: `bad token ${TOKEN}` } }));
        } else {
          send(200, fixture('loganalytics', 'query_ok.json'));
        }
      } else if (url === '/kusto/v2/rest/query' && req.method === 'POST') {
        send(
          auth === `Bearer ${TOKEN}` ? 200 : 401,
          fixture('kusto', auth === `Bearer ${TOKEN}` ? 'query_ok.json' : 'unauthorized.json')
        );
      } else if (url.startsWith('/splunk/services/search/jobs/1733450000.123')) {
        // Splunk search jobs: RUNNING at the first poll, then DONE; results by count/offset.
        const u = new URL(url, 'http://x');
        if (u.pathname.endsWith('/results')) {
          const all = JSON.parse(fixture('splunk', 'job_results_all.json')) as {
            results: unknown[];
          };
          const at = Number(u.searchParams.get('offset'));
          all.results = all.results.slice(at, at + Number(u.searchParams.get('count')));
          send(200, JSON.stringify(all));
        } else {
          jobPolls++;
          send(200, fixture('splunk', jobPolls < 2 ? 'job_running.json' : 'job_done.json'));
        }
      } else if (url === '/splunk/services/search/jobs' && req.method === 'POST') {
        send(201, fixture('splunk', 'job_created.json'));
      } else if (url === '/splunk/services/search/jobs/export' && req.method === 'POST') {
        const basic = `Basic ${Buffer.from('hunter:pw-3e1d').toString('base64')}`;
        const ok = auth === `Bearer ${SPLUNK_TOKEN}` || auth === basic;
        send(ok ? 200 : 401, fixture('splunk', ok ? 'export_ok.json' : 'unauthorized.json'));
      } else {
        send(404, '{}');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>(resolve => server.close(() => resolve())));

/** Secrets as VS Code would hold them; tokens asked for are recorded with their scope. */
function host(secrets: Record<string, string> = {}, scopes: string[] = []): GatewayHost {
  return {
    secret: async (provider, name) => secrets[`${provider}.${name}`],
    token: async (_p: ProviderDef, scope: string) => {
      scopes.push(scope);
      return TOKEN;
    },
    sensitive: () => false
  };
}

const gateway = (h: GatewayHost = host()): Gateway =>
  new Gateway(registry(), h, {
    testBaseUrls: {
      loganalytics: `${base}/la`,
      kusto: `${base}/kusto`,
      splunk: `${base}/splunk`
    }
  });

function query(provider: string, p: string, body: string): Record<string, unknown> {
  return {
    provider,
    operation: 'query',
    method: 'POST',
    path: p,
    query: [],
    headers: [['content-type', 'application/json']],
    body
  };
}

async function refused(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof GatewayError, `not a GatewayError: ${String(error)}`);
    assert.equal(error.status, status, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('siem query calls through the gateway', () => {
  it('signs log analytics in with a token for its own scope, scrubbed from the answer', async () => {
    const scopes: string[] = [];
    const g = gateway(host({}, scopes));
    const ok = await g.call(
      query('loganalytics', `/v1/workspaces/${WORKSPACE}/query`, '{"query":"T"}'),
      'query'
    );
    assert.equal(ok.status, 200);
    assert.match(ok.body, /PrimaryResult/);
    assert.deepEqual(scopes, ['https://api.loganalytics.io/.default']);
    const echo = await g.call(
      query('loganalytics', `/v1/workspaces/${WORKSPACE}/query`, '{"query":"echo.example"}'),
      'query'
    );
    assert.equal(echo.status, 400);
    assert.ok(!echo.body.includes(TOKEN), echo.body);
    assert.match(echo.body, /\[secret removed\]/);
  });

  it("asks kusto's token for the cluster's own url", async () => {
    const scopes: string[] = [];
    const answer = await gateway(host({}, scopes)).call(
      query('kusto', '/v2/rest/query', '{"db":"d","csl":"T"}'),
      'query'
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(scopes, [`${base}/kusto/.default`]);
  });

  it('sends splunk a stored token, else the user name and password, else nothing', async () => {
    const before = seen.length;
    const token = await gateway(host({ 'splunk.bearer_token': SPLUNK_TOKEN })).call(
      query('splunk', '/services/search/jobs/export', 'search=x'),
      'query'
    );
    assert.equal(token.status, 200);
    const basic = await gateway(
      host({ 'splunk.username': 'hunter', 'splunk.password': 'pw-3e1d' })
    ).call(query('splunk', '/services/search/jobs/export', 'search=x'), 'query');
    assert.equal(basic.status, 200);
    assert.equal(seen.length, before + 2);
    await refused(
      gateway(host({ 'splunk.username': 'hunter' })).call(
        query('splunk', '/services/search/jobs/export', 'search=x'),
        'query'
      ),
      401,
      /neither bearer_token nor username and password stored/
    );
    assert.equal(seen.length, before + 2);
  });

  it('needs a stored host for splunk and a cluster for kusto outside tests', async () => {
    const plain = new Gateway(registry(), host());
    await refused(
      plain.call(query('splunk', '/services/search/jobs/export', 'search=x'), 'query'),
      401,
      /no host stored/
    );
    await refused(
      plain.call(query('kusto', '/v2/rest/query', '{}'), 'query'),
      401,
      /no Cluster stored/
    );
  });

  it('reports what splunk misses: a token or both user name and password', () => {
    const splunk = registry().providers.find(p => p.name === 'splunk');
    assert.ok(splunk);
    assert.deepEqual(missingSecrets(splunk, new Set(['host'])), [
      'bearer_token',
      'username',
      'password'
    ]);
    assert.deepEqual(missingSecrets(splunk, new Set(['host', 'bearer_token'])), []);
    assert.deepEqual(missingSecrets(splunk, new Set(['host', 'username', 'password'])), []);
    assert.deepEqual(missingSecrets(splunk, new Set(['bearer_token'])), ['host']);
  });
});

const skip = existsSync(wasmPath)
  ? false
  : 'rust/wasm/pkg is not built (bash scripts/build-wasm.sh)';

describe(
  'a siem query run: the core in the extension host, the gateway over loopback',
  { skip },
  () => {
    let api: SiemWasm;

    before(() => {
      wasmGlue.initSync({ module: readFileSync(wasmPath) });
      api = wasmGlue as unknown as SiemWasm;
    });

    const delay = (): RetryDelay => coreRetryDelay(api);

    const plan = (): SiemRunHandle => {
      const library = api.QueryLibrary.bundled();
      try {
        return library.planSiemRun(
          'Dns.list_dns_queries_for_domain',
          { domain: 'evil.example', start: '2024-05-01T00:00:00Z', end: '2024-05-02T00:00:00Z' },
          'loganalytics',
          { target: { workspaceId: WORKSPACE } }
        );
      } finally {
        library.free();
      }
    };

    it('renders the template, sends it with the token and reads typed rows', async () => {
      const g = gateway();
      const before = seen.length;
      const result = await runPlanned(plan(), request => g.call(request, 'query'), delay());
      assert.equal(result.status, 'ok');
      assert.equal(result.rows, 3);
      assert.equal(result.columns[0], 'TimeGenerated');
      const sent = seen.slice(before);
      assert.equal(sent.length, 1);
      const body = JSON.parse(sent[0].body) as { query: string; timespan: string };
      assert.match(body.query, /Name =~ 'evil\.example'/);
      assert.equal(body.timespan, '2024-05-01T00:00:00Z/2024-05-02T00:00:00Z');
      assert.match(previewCsv(result), /^TimeGenerated,Computer,/);
    });

    it('runs a splunk search job through the gateway: polls after the waits, reads pages', async () => {
      const g = gateway(host({ 'splunk.bearer_token': SPLUNK_TOKEN }));
      const library = api.QueryLibrary.bundled();
      let run: SiemRunHandle;
      try {
        run = library.planSiemRun('Network.list_flows_for_ip', { ip: '10.1.2.3' }, 'splunk', {
          mode: 'jobs',
          pageSize: 2
        });
      } finally {
        library.free();
      }
      const before = seen.length;
      const waits: number[] = [];
      jobPolls = 0;
      const result = await runPlanned(run, request => g.call(request, 'query'), delay(), {
        sleep: async ms => {
          waits.push(ms);
        }
      });
      assert.equal(result.status, 'ok', JSON.stringify(result.chunks));
      assert.equal(result.rows, 5);
      assert.deepEqual(waits, [500, 750]);
      assert.deepEqual(
        seen.slice(before).map(s => s.path),
        [
          '/splunk/services/search/jobs',
          '/splunk/services/search/jobs/1733450000.123?output_mode=json',
          '/splunk/services/search/jobs/1733450000.123?output_mode=json',
          '/splunk/services/search/jobs/1733450000.123/results?output_mode=json&count=2&offset=0',
          '/splunk/services/search/jobs/1733450000.123/results?output_mode=json&count=2&offset=2',
          '/splunk/services/search/jobs/1733450000.123/results?output_mode=json&count=2&offset=4'
        ]
      );
      assert.ok(
        seen.slice(before).every(s => s.headers.authorization === `Bearer ${SPLUNK_TOKEN}`)
      );
    });

    it("retries a 429 after its Retry-After, by the core's rule", async () => {
      const g = gateway();
      const waits: number[] = [];
      throttle = { times: 2, retryAfter: '2' };
      const result = await runPlanned(plan(), request => g.call(request, 'query'), delay(), {
        sleep: async ms => {
          waits.push(ms);
        }
      });
      assert.equal(result.status, 'ok');
      assert.equal(result.rows, 3);
      assert.deepEqual(waits, [2000, 2000]);
    });

    it('gives up on a Retry-After longer than the core waits for, and after its retries: rate_limited', async () => {
      const g = gateway();
      const waits: number[] = [];
      const sleep = async (ms: number): Promise<void> => {
        waits.push(ms);
      };
      throttle = { times: 1, retryAfter: '600' };
      const long = await runPlanned(plan(), request => g.call(request, 'query'), delay(), {
        sleep
      });
      assert.equal(long.status, 'rate_limited');
      assert.equal(long.chunks[0].status, 'rate_limited');
      assert.match(long.chunks[0].messages.join(' '), /Too many requests/);
      assert.deepEqual(waits, []);
      throttle = { times: 5, retryAfter: '1' };
      // The core's RetryPlan: 3 retries, then the 429 is the answer.
      const many = await runPlanned(plan(), request => g.call(request, 'query'), delay(), {
        sleep
      });
      assert.equal(many.status, 'rate_limited');
      assert.deepEqual(waits, [1000, 1000, 1000]);
      assert.equal(throttle.times, 1, 'four tries reached the provider');
      throttle = { times: 0, retryAfter: '1' };
    });
  }
);

describe('when the extension host calls nothing', () => {
  it('refuses lookups and queries in an untrusted workspace, before anything else', () => {
    const untrusted = whyBlocked({ trusted: false, gatewayError: 'bad setting', sensitive: true });
    assert.match(untrusted ?? '', /disabled in an untrusted workspace/);
    assert.equal(
      whyBlocked({ trusted: true, gatewayError: 'bad setting', sensitive: true }),
      'bad setting'
    );
    assert.match(
      whyBlocked({ trusted: true, gatewayError: null, sensitive: true }) ?? '',
      /sensitive switch/
    );
    assert.equal(whyBlocked({ trusted: true, gatewayError: null, sensitive: false }), null);
  });
});
