/**
 * Query templates through the engine: the real wasm module behind the
 * worker's router (an in-process worker), as the Queries panel calls it,
 * and the panel's model (tree, form values, the notebook cell).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueryParameter, QueryTemplate } from '../../pkg/huntkit_wasm.js';
import type { HuntkitEngine } from '../engine.js';
import {
  hasTimeRange,
  parameterValue,
  pythonTripleQuoted,
  queryCell,
  queryTree
} from '../views/queryModel.js';
import { engineOverRealWasm, skipWithoutWasm } from './realWasm.js';

const demo = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../../../jupyterlab-ext/demo/${name}`, import.meta.url)));
const skip = skipWithoutWasm;

describe('query templates through the engine', { skip }, () => {
  let engine: HuntkitEngine;

  before(async () => {
    engine = await engineOverRealWasm();
  });

  after(() => engine.dispose());

  it('lists the bundled library, filtered, with no load errors', async () => {
    const all = await engine.listQueries();
    assert.deepEqual(all.errors, []);
    assert.ok(all.templates.length >= 60, String(all.templates.length));
    const found = await engine.listQueries({ environment: 'LocalData', search: 'logon_failures' });
    assert.deepEqual(
      found.templates.map(t => t.name),
      ['WindowsSecurity.list_host_logon_failures']
    );
    const tree = queryTree(all.templates);
    const environments = tree.map(node => node.environment);
    for (const env of ['LocalData', 'MDE', 'MSSentinel', 'Splunk']) {
      assert.ok(environments.includes(env), `${env} in ${environments.join(', ')}`);
    }
  });

  it('renders a hostile value escaped, as one KQL string', async () => {
    const { templates } = await engine.listQueries({
      environment: 'MSSentinel',
      parameter: 'host_name'
    });
    const template = templates.find(t => t.language === 'kql');
    assert.ok(template, 'a Sentinel template taking host_name');
    const rendered = await engine.renderQuery(
      template.name,
      { host_name: "x' or 1==1 | union *" },
      { environment: 'MSSentinel', now: '2024-03-11T00:00:00Z' }
    );
    assert.ok(!rendered.query.includes("x' or"), rendered.query);
    assert.ok(rendered.query.includes("x\\' or 1==1 | union *"), rendered.query);
    assert.equal(rendered.parameters.end, '2024-03-11T00:00:00Z');
  });

  it('names missing parameters and bad values with their kind', async () => {
    await assert.rejects(
      engine.renderQuery('WindowsSecurity.list_host_logons', {}, { environment: 'MSSentinel' }),
      (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'missing_parameters');
        assert.match(error.message, /host_name/);
        return true;
      }
    );
    await assert.rejects(engine.renderQuery('No.such_template'), { kind: 'unknown_template' });
    await assert.rejects(engine.queryTimeRange('yesterday-ish', 'now'), {
      kind: 'time_expression'
    });
  });

  it('previews a relative time range against a given now', async () => {
    assert.deepEqual(await engine.queryTimeRange('-1w@d', 'now', null, '2024-03-11T10:30:00Z'), {
      start: '2024-03-04T00:00:00Z',
      end: '2024-03-11T10:30:00Z'
    });
    assert.deepEqual(await engine.queryTimeRange('-2h', null, null, '2024-03-11T10:30:00Z'), {
      start: '2024-03-11T08:30:00Z',
      end: '2024-03-11T10:30:00Z'
    });
  });

  it('reads the demo manifest and runs a template over the demo files', async () => {
    const manifest = await engine.localManifest(null);
    assert.equal(manifest.now, '2024-03-11T00:00:00Z');
    const failures = manifest.sources.find(
      s => s.name === 'WindowsSecurity.list_host_logon_failures'
    );
    assert.equal(failures?.file, 'logons.csv');
    const logons = demo('logons.csv');
    const result = await engine.runLocalQuery(
      'WindowsSecurity.list_host_logon_failures',
      { host: 'web-01', start: '2024-03-07T02:00:00Z', end: '2024-03-07T03:00:00Z' },
      null,
      { 'logons.csv': logons, 'alerts.csv': demo('alerts.csv') }
    );
    assert.ok(result.rows > 10, `${result.rows} rows`);
    assert.ok(result.rowsRead > result.rows);
    assert.deepEqual([...result.table.subarray(0, 4)], [255, 255, 255, 255]);
    assert.ok(
      result.applied.some(a => /WEB-01|web-01/i.test(a)),
      result.applied.join('; ')
    );
    assert.deepEqual(result.columns.slice(0, 2), ['TimeGenerated', 'Computer']);
    assert.equal(result.preview.length, result.rows);
    assert.ok(result.preview.every(row => row[1].toUpperCase() === 'WEB-01' && row[4] === '4625'));
    // The caller's bytes were copied, not detached.
    assert.ok(logons.byteLength > 0);
    await assert.rejects(
      engine.runLocalQuery('WindowsSecurity.list_host_logons', { host: 'x' }, null, {}),
      (error: Error) => /logons\.csv/.test(error.message)
    );
  });
});

function template(parameters: Array<Partial<QueryParameter> & { name: string }>): QueryTemplate {
  return {
    name: 'F.q',
    source: 'q',
    family: 'F',
    families: ['F'],
    environments: ['MSSentinel'],
    language: 'kql',
    description: '',
    query: '',
    uri: null,
    parameters: parameters.map(p => ({
      description: '',
      type: 'str',
      default: null,
      aliases: [],
      required: false,
      ...p
    })),
    entities: [],
    tags: [],
    aliases: [],
    metadata: {},
    file: 'f.yaml',
    line: 1
  };
}

describe('the query browser model', () => {
  it('groups templates by environment, then family, sorted; once per environment', () => {
    const a = { ...template([]), name: 'Zeta.b', family: 'Zeta', environments: ['Splunk'] };
    const b = {
      ...template([]),
      name: 'Alpha.c',
      family: 'Alpha',
      environments: ['MSSentinel', 'LocalData']
    };
    const c = { ...template([]), name: 'Alpha.a', family: 'Alpha', environments: ['MSSentinel'] };
    const tree = queryTree([a, b, c]);
    assert.deepEqual(
      tree.map(e => [
        e.environment,
        e.count,
        e.families.map(f => [f.family, f.templates.map(t => t.name)])
      ]),
      [
        ['LocalData', 1, [['Alpha', ['Alpha.c']]]],
        ['MSSentinel', 2, [['Alpha', ['Alpha.a', 'Alpha.c']]]],
        ['Splunk', 1, [['Zeta', ['Zeta.b']]]]
      ]
    );
  });

  it('knows a time range when start and end are datetimes', () => {
    assert.ok(
      hasTimeRange(
        template([
          { name: 'start', type: 'datetime' },
          { name: 'end', type: 'datetime' }
        ])
      )
    );
    assert.ok(
      !hasTimeRange(
        template([
          { name: 'start', type: 'datetime' },
          { name: 'end', type: 'str' }
        ])
      )
    );
  });

  it('turns form text into parameter values', () => {
    const p = (type: QueryParameter['type']): QueryParameter =>
      template([{ name: 'x', type }]).parameters[0];
    assert.equal(parameterValue(p('str'), '  '), undefined);
    assert.equal(parameterValue(p('str'), " a'b "), " a'b ");
    assert.equal(parameterValue(p('int'), '42'), 42);
    assert.equal(parameterValue(p('int'), '4.2'), '4.2');
    assert.equal(parameterValue(p('int'), '99999999999999999999'), '99999999999999999999');
    assert.equal(parameterValue(p('float'), '-1.5e3'), -1500);
    assert.equal(parameterValue(p('float'), 'abc'), 'abc');
    assert.deepEqual(parameterValue(p('list'), '[22, "ssh"]'), [22, 'ssh']);
    assert.equal(parameterValue(p('list'), '4624, 4625'), '4624, 4625');
    assert.equal(parameterValue(p('list'), '[not json'), '[not json');
    assert.equal(parameterValue(p('datetime'), '-1d@d'), '-1d@d');
  });

  it('writes a Python literal that evaluates to the query exactly', t => {
    const samples = [
      'SecurityEvent\n| where Computer has "WEB-01"',
      'a """ b "" c "',
      'ends with a backslash \\',
      "x\\' or 1==1 | union *",
      '"',
      ''
    ];
    for (const text of samples) {
      const literal = pythonTripleQuoted(text);
      const inner = literal.slice(3, -3);
      assert.ok(!inner.includes('"""'), literal);
    }
    const python = spawnSync('python3', ['--version']);
    if (python.status !== 0) {
      t.skip('python3 is not installed');
      return;
    }
    const program = [
      'import json',
      ...samples.map(s => `print(json.dumps(${pythonTripleQuoted(s)}))`)
    ];
    const out = spawnSync('python3', ['-c', program.join('\n')]);
    assert.equal(out.status, 0, String(out.stderr));
    assert.deepEqual(
      String(out.stdout)
        .trim()
        .split('\n')
        .map(line => JSON.parse(line) as string),
      samples
    );
  });

  it('makes a code cell naming the template', () => {
    const cell = queryCell('T | where A == "x"', {
      name: 'F.q',
      environment: 'MSSentinel',
      language: 'kql'
    });
    assert.equal(
      cell,
      '# F.q (MSSentinel, KQL), rendered by huntkit\nquery = """\\\nT | where A == "x"\\\n"""\n'
    );
  });
});
