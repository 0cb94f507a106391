// Unit tests (src/extension/__tests__, src/renderer/__tests__): each test
// file is bundled by esbuild into out-tests/ (CommonJS) and run with
// `node --test`. No VS Code is needed: the modules under test take what they
// need (secrets, settings, the renderer's message channel) as arguments.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs = ['src/extension/__tests__', 'src/renderer/__tests__'].map(d => path.join(here, d));
const out = path.join(here, 'out-tests');
const files = [];
for (const dir of dirs) {
  for (const f of await readdir(dir)) {
    if (f.endsWith('.test.ts')) {
      files.push(path.join(dir, f));
    }
  }
}
await rm(out, { recursive: true, force: true });
await esbuild.build({
  // Flat: out-tests/<name>.test.cjs (the tests find the repository from there).
  entryPoints: Object.fromEntries(files.map(f => [path.basename(f, '.ts'), f])),
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode'],
  logLevel: 'warning'
});
const run = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    ...files.map(f => path.join(out, `${path.basename(f, '.ts')}.cjs`))
  ],
  { stdio: 'inherit' }
);
process.exit(run.status ?? 1);
