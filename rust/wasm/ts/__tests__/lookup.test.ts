/**
 * Lookups through the engine: the real wasm module behind the worker's
 * router (an in-process worker), as the Lookup panel calls it: plan, the
 * host's answers (or refusals) handed back, rows and an Arrow table out.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { CallOutcome } from '../../pkg/huntkit_wasm.js';
import { JSDOM } from 'jsdom';
import type { HuntkitEngine } from '../engine.js';
import { LookupView, type LookupHost } from '../views/lookupView.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const skip = skipWithoutWasm;

const HASH = '44d88612fea8a8f36de82e1278abb02f';

describe('lookups through the engine', { skip }, () => {
  let engine: HuntkitEngine;

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('lists the providers with the types they take', async () => {
    const providers = await engine.lookupProviders();
    const vt = providers.find(p => p.name === 'virustotal');
    assert.ok(vt?.needsKey);
    assert.ok(vt.supports.includes('md5_hash'));
    const tor = providers.find(p => p.name === 'tor');
    assert.equal(tor?.needsKey, false);
  });

  it('plans calls for public observables only', async () => {
    const plan = await engine.lookupPlan(
      ['8.8.8[.]8', '10.0.0.5', '', HASH, '8.8.8[.]8'],
      ['virustotal', 'abuseipdb']
    );
    assert.deepEqual(plan.iocs, ['8.8.8[.]8', '10.0.0.5', HASH]);
    assert.deepEqual(
      plan.requests.map(c => [c.ioc, c.provider, c.request.path]),
      [
        ['8.8.8[.]8', 'virustotal', '/ip_addresses/8.8.8.8'],
        ['8.8.8[.]8', 'abuseipdb', '/check'],
        [HASH, 'virustotal', `/files/${HASH}`]
      ]
    );
    assert.deepEqual(
      plan.rows.map(r => [r.Ioc, r.Provider, r.Status]),
      [
        ['10.0.0.5', 'virustotal', 'private_ip'],
        ['10.0.0.5', 'abuseipdb', 'private_ip'],
        [HASH, 'abuseipdb', 'not_supported']
      ]
    );
  });

  it('reads answers and refusals into rows in input order, with an Arrow table', async () => {
    const plan = await engine.lookupPlan([HASH, '8.8.8.8', '192.168.0.1'], ['virustotal']);
    const [hashCall, ipCall] = plan.requests;
    const outcomes: CallOutcome[] = [
      {
        id: ipCall.id,
        failure: { status: 429, message: "rate limit of provider 'virustotal' reached" }
      },
      {
        id: hashCall.id,
        response: {
          status: 200,
          headers: [['content-type', 'application/json']],
          body: JSON.stringify({
            data: { attributes: { last_analysis_stats: { malicious: 12, suspicious: 1 } } }
          })
        }
      }
    ];
    const { rows, table } = await engine.lookupFinish(plan, outcomes);
    assert.deepEqual(
      rows.map(r => [r.Ioc, r.Status, r.Severity]),
      [
        [HASH, 'ok', 'high'],
        ['8.8.8.8', 'rate_limited', 'information'],
        ['192.168.0.1', 'private_ip', 'information']
      ]
    );
    assert.deepEqual(rows[1].Details, {
      message: "rate limit of provider 'virustotal' reached"
    });
    assert.deepEqual([...table.subarray(0, 4)], [255, 255, 255, 255]);
  });

  it('waits out a 429 by the core rules, a bounded number of times', async () => {
    const answer = (status: number, after: string) => ({
      status,
      headers: [['retry-after', after]] as Array<[string, string]>,
      body: ''
    });
    assert.equal(await engine.lookupRetryDelay(1, answer(429, '2')), 2000);
    assert.equal(await engine.lookupRetryDelay(4, answer(429, '2')), null);
    assert.equal(await engine.lookupRetryDelay(1, answer(429, '3600')), null);
    assert.equal(await engine.lookupRetryDelay(1, answer(200, '2')), null);
  });

  it('answers a repeated lookup from the session cache, not a failed one', async () => {
    const first = await engine.lookupPlan(['9.9.9.9', '1.0.0.1'], ['virustotal']);
    assert.deepEqual(first.cached, []);
    const [ok, failed] = first.requests;
    await engine.lookupFinish(first, [
      { id: ok.id, response: { status: 200, headers: [], body: '{"data":{}}' } },
      { id: failed.id, failure: { status: 403, message: 'blocked' } }
    ]);
    const again = await engine.lookupPlan(['1.0.0.1', '9.9.9.9'], ['virustotal']);
    assert.deepEqual(
      again.cached.map(o => again.requests[o.id].ioc),
      ['9.9.9.9']
    );
    assert.equal(again.cached[0].response?.body, '{"data":{}}');
  });

  it('names an unknown provider', async () => {
    await assert.rejects(engine.lookupPlan(['8.8.8.8'], ['shodan']), {
      kind: 'invalid_option',
      message: /unknown provider "shodan"/
    });
  });
});

describe('GeoIP through the engine', { skip }, () => {
  let engine: HuntkitEngine;

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('keeps a loaded .mmdb in the worker and answers rows with an Arrow table', async () => {
    await assert.rejects(engine.geoLookup(['81.2.69.142']), /no GeoIP database is loaded/);
    const bytes = new Uint8Array(
      readFileSync(new URL('../../../../tests/fixtures/geo/city.mmdb', import.meta.url))
    );
    await assert.rejects(engine.geoLoad(bytes.slice(0, 100), 'cut.mmdb'), (e: Error) => {
      assert.match(e.message, /cut short/);
      return true;
    });
    const info = await engine.geoLoad(bytes, 'city.mmdb');
    assert.equal(info.databaseType, 'GeoIP2-City');
    assert.equal(info.name, 'city.mmdb');
    // Cancelling jobs leaves the database (it lives in the views worker).
    engine.cancel();
    const { rows, table } = await engine.geoLookup(['81[.]2[.]69[.]142', '10.0.0.1', 'nope']);
    assert.deepEqual(
      rows.map(r => [r.IpAddress, r.CountryCode, r.City, r.Status]),
      [
        ['81[.]2[.]69[.]142', 'GB', 'London', 'ok'],
        ['10.0.0.1', null, null, 'private_ip'],
        ['nope', null, null, 'invalid']
      ]
    );
    assert.ok(table.byteLength > 100);
  });
});

describe('the shared Lookup view with GeoIP (JupyterLab and VS Code alike)', { skip }, () => {
  let engine: HuntkitEngine;
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const doc = dom.window.document;
  const cells = (view: LookupView, column: string): string[] =>
    [...view.node.querySelectorAll(`.jp-huntkit-lookup-row .jp-huntkit-lookup-${column}`)].map(
      td => td.textContent ?? ''
    );
  const bytes = (): Uint8Array =>
    new Uint8Array(
      readFileSync(new URL('../../../../tests/fixtures/geo/city.mmdb', import.meta.url))
    );

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('looks addresses up in a loaded .mmdb alone, with no host and no call', async () => {
    const view = new LookupView(doc, engine, null, { iocs: ['81.2.69.142', '10.0.0.7'] });
    const run = view.node.querySelector<HTMLButtonElement>('.jp-huntkit-lookup-run');
    assert.equal(run?.disabled, true);
    await view.loadGeo('notes.mmdb', new TextEncoder().encode('ip,country\n1.2.3.4,DE\n'));
    assert.match(view.node.textContent ?? '', /notes\.mmdb: .*not a MaxMind DB file/);
    assert.equal(run.disabled, true);
    await view.loadGeo('city.mmdb', bytes());
    assert.match(
      view.node.querySelector('.jp-huntkit-lookup-geo-info')?.textContent ?? '',
      /^city\.mmdb: GeoIP2-City, built /
    );
    assert.equal(run.disabled, false);
    await view.run();
    assert.deepEqual(cells(view, 'Provider'), ['geoip', 'geoip']);
    assert.deepEqual(cells(view, 'Country'), ['GB', '']);
    assert.deepEqual(cells(view, 'City'), ['London', '']);
    assert.deepEqual(cells(view, 'Status'), ['ok', 'private_ip']);
    const csv = view.csv().split('\r\n');
    assert.equal(csv[0].split(',')[0], 'IpAddress');
    assert.ok(csv[0].includes('CountryCode') && csv[0].includes('Asn'));
    assert.ok(csv[1].startsWith('81.2.69.142,Public,GB,United Kingdom,England,London,'));
  });

  it('joins the geo columns to the rows of a provider run', async () => {
    // A hash no other test asked (the session cache is the module's).
    const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
    const asked: string[] = [];
    const host: LookupHost = {
      label: 'a test host',
      providers: () => Promise.resolve({ providers: [{ name: 'virustotal', configured: true }] }),
      call: request => {
        asked.push(request.path);
        return Promise.resolve({ refused: { status: 403, message: 'blocked by the test host' } });
      }
    };
    const view = new LookupView(doc, engine, host, {
      iocs: ['81.2.69.142', SHA1],
      providers: ['virustotal']
    });
    await view.loadGeo('city.mmdb', bytes());
    await view.run();
    assert.equal(asked.length, 2);
    assert.deepEqual(cells(view, 'Ioc'), ['81.2.69.142', SHA1]);
    assert.deepEqual(cells(view, 'Country'), ['GB', '']);
    assert.deepEqual(cells(view, 'Status'), ['error', 'error']);
    const header = view.csv().split('\r\n')[0].split(',');
    // The lookup columns, then the GeoIP ones that do not repeat them.
    assert.equal(header[0], 'Ioc');
    assert.ok(header.includes('CountryCode') && !header.includes('IpAddress'));
  });
});
