// Bundles the extension with esbuild: the renderer (webview, ESM, with the
// views' CSS inlined as text), the engine's worker (ESM) and the extension
// (Node, CommonJS), and copies
// the wasm module next to the renderer, where it loads it from
// (`new URL('./huntkit_wasm_bg.wasm', import.meta.url)`).
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'out');
const engine = path.dirname(createRequire(import.meta.url).resolve('@huntkit/engine/package.json'));

/** Every stylesheet of the shared views (rust/wasm/style/*.css), bundled into one string. */
async function viewsCss() {
  const dir = path.join(engine, 'style');
  const sheets = (await readdir(dir)).filter(f => f.endsWith('.css')).sort();
  const result = await esbuild.build({
    stdin: {
      contents: sheets.map(f => `@import ${JSON.stringify(`./${f}`)};`).join('\n'),
      loader: 'css',
      resolveDir: dir
    },
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'warning'
  });
  return result.outputFiles[0].text;
}

/** Serves `import css from 'huntkit:css'`. */
const cssModule = css => ({
  name: 'huntkit-css',
  setup(build) {
    build.onResolve({ filter: /^huntkit:css$/ }, args => ({
      path: args.path,
      namespace: 'huntkit-css'
    }));
    build.onLoad({ filter: /.*/, namespace: 'huntkit-css' }, () => ({
      contents: `export default ${JSON.stringify(css)};`,
      loader: 'js'
    }));
  }
});

await mkdir(out, { recursive: true });
await copyFile(
  path.join(engine, 'pkg', 'huntkit_wasm_bg.wasm'),
  path.join(out, 'huntkit_wasm_bg.wasm')
);

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: here
};
const builds = [
  {
    ...common,
    entryPoints: { renderer: 'src/renderer/index.ts' },
    outdir: out,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    plugins: [cssModule(await viewsCss())]
  },
  {
    // The engine's Web Worker; the renderer starts it with the wasm's URL.
    ...common,
    entryPoints: { worker: path.join(engine, 'lib', 'worker.js') },
    outdir: out,
    format: 'esm',
    platform: 'browser',
    target: 'es2022'
  },
  {
    ...common,
    entryPoints: {
      extension: 'src/extension/extension.ts',
      siemWorker: 'src/extension/siemWorker.ts'
    },
    outdir: out,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    // The wasm glue's default loader (a URL next to the module) is never
    // used here: the extension hands the bytes to `initSync`.
    define: { 'import.meta.url': 'undefined' }
  }
];
await Promise.all(builds.map(options => esbuild.build(options)));
