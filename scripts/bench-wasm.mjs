// Times the wasm IocScanner over a file, in Node or in headless Chromium,
// or the wasm process-tree build in Node.
//   node scripts/bench-wasm.mjs node|browser FILE
//   node scripts/bench-wasm.mjs proctree FILE [REPEAT] [ARROW_OUT]
//   node scripts/bench-wasm.mjs cluster FILE [REPEAT] [OPTIONS_JSON] [LABELS_OUT]
// Prints one JSON line: {"seconds", "peak_mb", "items"}, or for proctree
// {"summary_s", "build_s", "peak_mb", "wasm_mb", "processes", "arrow_bytes"}:
// best of REPEAT (default 3) of `processTreeSummary` and of
// `buildProcessTree` (full Arrow output) on the file's bytes, read before
// timing, after an untimed warm-up on its first rows; ARROW_OUT gets the
// last Arrow stream, for checking parent links. For cluster:
// {"seconds", "peak_mb", "clusters", "noise", "outliers"}, best of REPEAT
// `clusterEvents` on the file's bytes (after an untimed warm-up on its
// first rows); LABELS_OUT gets each event's cluster, one per line.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = path.join(root, 'rust', 'wasm', 'pkg');
const [mode, file, ...rest] = process.argv.slice(2);
const CHUNK = 1 << 20;

async function inNode() {
  const { initSync, IocScanner } = await import(path.join(pkg, 'huntkit_wasm.js'));
  const wasm = initSync({ module: fs.readFileSync(path.join(pkg, 'huntkit_wasm_bg.wasm')) });
  let peak = 0;
  const t0 = performance.now();
  const scanner = new IocScanner(undefined);
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(CHUNK);
  for (;;) {
    const n = fs.readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    scanner.pushBytes(buf.subarray(0, n));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const result = scanner.finish();
  const seconds = (performance.now() - t0) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss, wasm.memory.buffer.byteLength);
  return { seconds, peak_mb: peak / 1e6, items: result.items.length };
}

async function procTree() {
  const [repeat = '3', arrowOut] = rest;
  const { initSync, processTreeSummary, buildProcessTree } = await import(path.join(pkg, 'huntkit_wasm.js'));
  const wasm = initSync({ module: fs.readFileSync(path.join(pkg, 'huntkit_wasm_bg.wasm')) });
  const bytes = fs.readFileSync(file);
  // An Arrow stream is what a notebook's process_tree bundle carries.
  const format = /\.arrows?$/.test(file) ? 'arrow' : 'csv';
  // Warm-up on the first 2,000 rows, untimed: V8 first runs wasm from its
  // baseline compiler and tiers up while it runs. (An Arrow stream cannot
  // be cut by lines: its first timed run is the warm-up.)
  if (format === 'csv') {
    let cut = 0;
    for (let i = 0; i < 2001 && cut >= 0; i++) cut = bytes.indexOf(10, cut + 1);
    const head = cut > 0 ? bytes.subarray(0, cut + 1) : bytes;
    processTreeSummary(head, 'csv', undefined);
    buildProcessTree(head, 'csv', undefined);
  }
  let summaryS = Infinity;
  let buildS = Infinity;
  let summary = null;
  let arrow = null;
  let peak = 0;
  for (let i = 0; i < Number(repeat); i++) {
    let t = performance.now();
    summary = processTreeSummary(bytes, format, undefined);
    summaryS = Math.min(summaryS, (performance.now() - t) / 1000);
    arrow = null; // let the previous output go before the next build
    t = performance.now();
    arrow = buildProcessTree(bytes, format, undefined);
    buildS = Math.min(buildS, (performance.now() - t) / 1000);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  if (arrowOut) fs.writeFileSync(arrowOut, arrow);
  return {
    summary_s: summaryS,
    build_s: buildS,
    // wasm memory only grows, so its size now is its peak.
    peak_mb: Math.max(peak, process.memoryUsage().rss) / 1e6,
    wasm_mb: wasm.memory.buffer.byteLength / 1e6,
    processes: summary.Processes,
    arrow_bytes: arrow.length
  };
}

async function cluster() {
  const [repeat = '3', optionsJson = '{}', labelsOut] = rest;
  const { initSync, clusterEvents } = await import(path.join(pkg, 'huntkit_wasm.js'));
  const wasm = initSync({ module: fs.readFileSync(path.join(pkg, 'huntkit_wasm_bg.wasm')) });
  const bytes = fs.readFileSync(file);
  const options = JSON.parse(optionsJson);
  let cut = 0;
  for (let i = 0; i < 2001 && cut >= 0; i++) cut = bytes.indexOf(10, cut + 1);
  clusterEvents(cut > 0 ? bytes.subarray(0, cut + 1) : bytes, 'csv', options);
  let seconds = Infinity;
  let result = null;
  for (let i = 0; i < Number(repeat); i++) {
    result = null;
    const t = performance.now();
    result = clusterEvents(bytes, 'csv', options);
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  if (labelsOut) fs.writeFileSync(labelsOut, Array.from(result.labels).join('\n') + '\n');
  return {
    seconds,
    peak_mb: Math.max(process.memoryUsage().rss, wasm.memory.buffer.byteLength) / 1e6,
    clusters: result.clusterCount,
    noise: result.labels.filter((l) => l < 0).length,
    outliers: result.isOutlier.reduce((a, b) => a + b, 0)
  };
}

async function inBrowser() {
  const { chromium } = await import('playwright-core');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>bench</title>');
    } else if (url.pathname === '/data') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      fs.createReadStream(file).pipe(res);
    } else {
      const f = path.join(pkg, path.basename(url.pathname));
      if (!fs.existsSync(f)) {
        res.writeHead(404);
        res.end();
        return;
      }
      const type = f.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { 'content-type': type });
      fs.createReadStream(f).pipe(res);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(base + '/');
    return await page.evaluate(async (chunk) => {
      const mod = await import('/pkg/huntkit_wasm.js');
      const wasm = await mod.default({ module_or_path: '/pkg/huntkit_wasm_bg.wasm' });
      const t0 = performance.now();
      const scanner = new mod.IocScanner(undefined);
      const reader = (await fetch('/data')).body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (let i = 0; i < value.length; i += chunk) scanner.pushBytes(value.subarray(i, i + chunk));
      }
      const result = scanner.finish();
      const seconds = (performance.now() - t0) / 1000;
      const heap = performance.memory ? performance.memory.usedJSHeapSize : 0;
      return { seconds, peak_mb: (heap + wasm.memory.buffer.byteLength) / 1e6, items: result.items.length };
    }, CHUNK);
  } finally {
    await browser.close();
    server.close();
  }
}

const modes = { browser: inBrowser, proctree: procTree, cluster, node: inNode };
const result = await (modes[mode] ?? inNode)();
console.log(JSON.stringify(result));
