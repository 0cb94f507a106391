/**
 * The extension host's gateway against real HTTP over loopback: a fixture
 * provider on 127.0.0.1 answers VirusTotal's documented shapes (the core's
 * fixtures in tests/fixtures/providers/virustotal) only when the key
 * arrives in VirusTotal's header, and the registry is the generated
 * providers.json. Run by `npm test --workspace=vscode-ext`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { whyRefused } from '../addresses';
import { Gateway, GatewayError, type GatewayHost, type RegistryDoc } from '../gateway';

const root = path.resolve(__dirname, '../..');
const registryPath = path.join(root, 'jupyterlab-ext/jupyterlab_huntkit/server/providers.json');
const fixtures = path.join(root, 'tests/fixtures/providers/virustotal');
const registry = (): RegistryDoc => JSON.parse(readFileSync(registryPath, 'utf8')) as RegistryDoc;
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

const KEY = 'unit-fake-vt-key-93b1f0';
const IP = '185.220.101.1';
const HASH = '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f';

let server: Server;
let base: string;
const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const url = req.url ?? '';
    if (req.headers['x-apikey'] !== KEY) {
      send(401, fixture('unauthorized.json'));
    } else if (url === `/api/v3/ip_addresses/${IP}`) {
      send(200, fixture('ip_malicious.json'), { 'x-secret-header': 'dropped' });
    } else if (url === '/api/v3/ip_addresses/8.8.8.8') {
      send(429, fixture('quota.json'), { 'retry-after': '7' });
    } else if (url === `/api/v3/files/${HASH}`) {
      send(200, fixture('malformed.json'));
    } else if (url === '/api/v3/domains/echo.example') {
      // A provider that echoes the key must not hand it to the renderer.
      send(400, JSON.stringify({ error: `bad key ${KEY}` }));
    } else if (url === '/api/v3/domains/redirect.example') {
      send(302, '', { location: 'http://169.254.169.254/latest/meta-data/' });
    } else if (url === '/api/v3/domains/same.example') {
      send(301, '', { location: '/api/v3/domains/other.example' });
    } else {
      send(404, fixture('not_found.json'));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
});

after(() => new Promise<void>(resolve => server.close(() => resolve())));

function host(options: { sensitive?: boolean; key?: string | undefined } = {}): GatewayHost {
  const key = 'key' in options ? options.key : KEY;
  return {
    secret: async (provider, name) =>
      provider === 'virustotal' && name === 'AuthKey' ? key : undefined,
    sensitive: () => options.sensitive ?? false
  };
}

function vt(
  path: string,
  operation = 'ip',
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    provider: 'virustotal',
    operation,
    method: 'GET',
    path,
    query: [],
    headers: [['accept', 'application/json']],
    body: null,
    ...extra
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

describe('gateway against a loopback VirusTotal fixture', () => {
  const gateway = (): Gateway =>
    new Gateway(registry(), host(), { testBaseUrls: { virustotal: base } });

  it('injects the key in the registry header and returns a hit without it', async () => {
    const answer = await gateway().call(vt(`/ip_addresses/${IP}`));
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).data.id, IP);
    assert.equal(seen.at(-1)?.headers['x-apikey'], KEY);
    assert.equal(seen.at(-1)?.headers.accept, 'application/json');
    // Only the registry's response headers pass.
    assert.deepEqual(
      answer.headers.map(([n]) => n),
      ['content-type']
    );
    assert.ok(!JSON.stringify(answer).includes(KEY));
  });

  it('passes a 401 (no key accepted), a 429 with Retry-After and a malformed body on', async () => {
    const wrong = new Gateway(registry(), host({ key: 'wrong-key' }), {
      testBaseUrls: { virustotal: base }
    });
    const unauthorized = await wrong.call(vt(`/ip_addresses/${IP}`));
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.body, /WrongCredentialsError/);

    const limited = await gateway().call(vt('/ip_addresses/8.8.8.8'));
    assert.equal(limited.status, 429);
    assert.deepEqual(
      limited.headers.find(([n]) => n === 'retry-after'),
      ['retry-after', '7']
    );

    const malformed = await gateway().call(vt(`/files/${HASH}`, 'file'));
    assert.equal(malformed.status, 200);
    assert.throws(() => JSON.parse(malformed.body));
  });

  it('refuses a call when no key is stored, and sends nothing', async () => {
    const before = seen.length;
    const none = new Gateway(registry(), host({ key: undefined }), {
      testBaseUrls: { virustotal: base }
    });
    await refused(none.call(vt(`/ip_addresses/${IP}`)), 401, /no AuthKey stored/);
    assert.equal(seen.length, before);
  });

  it('scrubs a key the provider echoes', async () => {
    const answer = await gateway().call(vt('/domains/echo.example', 'domain'));
    assert.equal(answer.status, 400);
    assert.ok(!answer.body.includes(KEY));
    assert.match(answer.body, /\[secret removed\]/);
  });

  it('follows no redirect and refuses one to another host', async () => {
    const before = seen.length;
    await refused(
      gateway().call(vt('/domains/redirect.example', 'domain')),
      502,
      /redirected to another host/
    );
    assert.equal(seen.length, before + 1);
    // A redirect on the same host is handed back, not followed.
    const same = await gateway().call(vt('/domains/same.example', 'domain'));
    assert.equal(same.status, 301);
    assert.equal(seen.length, before + 2);
  });

  it('blocks every call while the sensitive switch is on', async () => {
    const before = seen.length;
    const g = new Gateway(registry(), host({ sensitive: true }), {
      testBaseUrls: { virustotal: base }
    });
    await refused(g.call(vt(`/ip_addresses/${IP}`)), 403, /sensitive switch is on/);
    assert.equal(seen.length, before);
  });

  it('keeps to the provider rate limit before anything leaves', async () => {
    const doc = registry();
    const entry = doc.providers.find(p => p.name === 'virustotal');
    assert.ok(entry);
    entry.rateLimit = { requests: 1, perSeconds: 60 };
    const g = new Gateway(doc, host(), { testBaseUrls: { virustotal: base } });
    await g.call(vt(`/ip_addresses/${IP}`));
    const before = seen.length;
    await assert.rejects(g.call(vt(`/ip_addresses/${IP}`)), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 429);
      assert.ok(Number(error.retryAfter) >= 59, String(error.retryAfter));
      return true;
    });
    assert.equal(seen.length, before);
  });
});

describe('gateway refusals (nothing is sent)', () => {
  const g = (doc = registry(), sensitive = false): Gateway =>
    new Gateway(doc, host({ sensitive }), { testBaseUrls: { virustotal: base } });

  it('takes a provider name and an operation, never a url', async () => {
    await refused(
      g().call({ ...vt(`/ip_addresses/${IP}`), url: 'http://evil/' }),
      400,
      /unknown request field 'url'/
    );
    await refused(
      g().call({ ...vt(`/ip_addresses/${IP}`), provider: 'nope' }),
      404,
      /unknown provider 'nope'/
    );
    await refused(g().call(vt(`/ip_addresses/${IP}`, 'whois')), 404, /has no operation 'whois'/);
    await refused(g().call(vt(`/ip_addresses/${IP}`, 'ip', { method: 'POST' })), 405, /takes GET/);
    await refused(g().call(vt('/users/me')), 403, /not allowed for operation virustotal\.ip/);
    await refused(
      g().call(vt('/ip_addresses/1.2.3.4/../../users')),
      400,
      /dot segment|not allowed/
    );
    await refused(g().call(vt('/ip_addresses/%2e%2e')), 400, /dot segment/);
    await refused(g().call(vt('//evil.example/ip_addresses/1.2.3.4')), 400, /empty segment/);
    await refused(
      g().call(vt(`/ip_addresses/${IP}`, 'ip', { headers: [['x-apikey', 'mine']] })),
      403,
      /header 'x-apikey' may not be sent/
    );
    await refused(
      g().call(vt(`/ip_addresses/${IP}`, 'ip', { headers: [['accept', 'a\r\nx: y']] })),
      400,
      /line break/
    );
  });

  it('refuses a base url that is not on the provider allow-list', async () => {
    await refused(
      g().call({
        provider: 'rdap',
        operation: 'ip',
        method: 'GET',
        path: `/ip/${IP}`,
        baseUrl: 'https://rdap.evil.example'
      }),
      403,
      /not on the allow-list of provider 'rdap'/
    );
    // A listed provider needs one of its hosts.
    await refused(
      g().call({ provider: 'rdap', operation: 'ip', method: 'GET', path: `/ip/${IP}` }),
      400,
      /needs a baseUrl/
    );
    // The query key of a provider is set by the host only.
    await refused(
      new Gateway(registry(), {
        secret: async () => 'k',
        sensitive: () => false
      }).call({
        provider: 'ipstack',
        operation: 'ip',
        method: 'GET',
        path: `/${IP}`,
        query: [['access_key', 'mine']]
      }),
      403,
      /set by the host only/
    );
  });

  it('refuses link-local (169.254.169.254), private and loopback targets', async () => {
    for (const [target, why] of [
      ['https://169.254.169.254/latest', 'link-local'],
      ['https://[::ffff:169.254.169.254]/latest', 'link-local'],
      ['https://10.0.0.5', 'private'],
      ['https://127.0.0.1:9', 'loopback'],
      // A name that resolves to loopback (DNS-rebinding style) is judged by its address.
      ['https://localhost:9', 'loopback']
    ]) {
      const doc = registry();
      const entry = doc.providers.find(p => p.name === 'virustotal');
      assert.ok(entry);
      entry.baseUrl = { type: 'fixed', value: target };
      const plain = new Gateway(doc, host());
      await refused(plain.call(vt(`/ip_addresses/${IP}`)), 403, new RegExp(`${why} address`));
    }
    assert.equal(whyRefused('169.254.169.254'), 'link-local');
    assert.equal(whyRefused('fe80::1%eth0'), 'link-local');
    assert.equal(whyRefused('2002:a9fe:a9fe::1'), 'link-local');
    assert.equal(whyRefused('192.168.1.1'), 'private');
    assert.equal(whyRefused('::1'), 'loopback');
    assert.equal(whyRefused('::1', true), null);
    assert.equal(whyRefused('8.8.8.8'), null);
    assert.equal(whyRefused('2606:4700:4700::1111'), null);
  });

  it('takes test base urls on loopback only, and plain http nowhere else', async () => {
    assert.throws(
      () =>
        new Gateway(registry(), host(), {
          testBaseUrls: { virustotal: 'http://169.254.169.254/api/v3' }
        }),
      /must be a loopback address/
    );
    assert.throws(
      () =>
        new Gateway(registry(), host(), {
          testBaseUrls: { virustotal: 'http://example.com/api/v3' }
        }),
      /must be a loopback address/
    );
    const doc = registry();
    const entry = doc.providers.find(p => p.name === 'virustotal');
    assert.ok(entry);
    entry.baseUrl = { type: 'fixed', value: 'http://www.virustotal.com/api/v3' };
    await refused(new Gateway(doc, host()).call(vt(`/ip_addresses/${IP}`)), 403, /only https/);
  });

  it('reports which providers have their secrets stored, never a key', async () => {
    const status = await g().status();
    const vtState = status.providers.find(p => p.name === 'virustotal');
    assert.deepEqual([vtState?.configured, vtState?.missing], [true, []]);
    const otx = status.providers.find(p => p.name === 'otx');
    assert.deepEqual(otx?.missing, ['otx.AuthKey']);
    assert.equal(status.providers.find(p => p.name === 'tor')?.configured, true);
    assert.ok(!JSON.stringify(status).includes(KEY));
    assert.equal((await g(registry(), true).status()).sensitive, true);
  });

  it('lookup calls reach lookup providers only: siem query providers and token endpoints are refused, nothing sent', async () => {
    const doc = registry();
    const kinds = new Map(doc.providers.map(p => [p.name, p.kind]));
    // The core's registry has them (so this test cannot pass vacuously).
    assert.equal(kinds.get('splunk'), 'siem');
    assert.equal(kinds.get('azuread'), 'auth');
    const everyKey: GatewayHost = { secret: async () => 'k', sensitive: () => false };
    const status = await new Gateway(doc, everyKey).status();
    const offered = status.providers.map(p => p.name);
    assert.ok(offered.includes('virustotal') && offered.includes('rdap'));
    assert.deepEqual(
      offered.filter(n => kinds.get(n) === 'siem' || kinds.get(n) === 'auth'),
      []
    );
    const before = seen.length;
    const siem = doc.providers.find(p => p.name === 'loganalytics');
    assert.ok(siem);
    const op = siem.operations[0];
    await refused(
      new Gateway(doc, everyKey).call({
        provider: 'loganalytics',
        operation: op.name,
        method: op.method,
        path: '/v1/workspaces/x/query',
        query: [],
        headers: [],
        body: '{}'
      }),
      403,
      /siem query provider: run it with "huntkit: Run SIEM query"/
    );
    // And the other way round: a query call names a query provider only.
    await refused(
      new Gateway(doc, everyKey).call(vt(`/ip_addresses/${IP}`), 'query'),
      403,
      /'virustotal' is not a siem query provider/
    );
    const token = doc.providers.find(p => p.name === 'azuread');
    assert.ok(token);
    await refused(
      new Gateway(doc, everyKey).call({
        provider: 'azuread',
        operation: token.operations[0].name,
        method: token.operations[0].method,
        path: '/x/oauth2/v2.0/token',
        query: [],
        headers: [],
        body: ''
      }),
      403,
      /called by the host only/
    );
    assert.equal(new Gateway(doc, everyKey).secretNames('azuread').length, 0);
    assert.equal(seen.length, before);
  });
});
