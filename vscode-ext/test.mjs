// Unit tests of the extension's Node side (src/extension/__tests__): each
// test file is bundled by esbuild into out-tests/ (CommonJS, like the
// extension) and run with `node --test`. No VS Code is needed: the modules
// under test take what they need from the extension as arguments.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'src/extension/__tests__');
const out = path.join(here, 'out-tests');
const files = (await readdir(dir)).filter(f => f.endsWith('.test.ts'));
await rm(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files.map(f => path.join(dir, f)),
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
  ['--test', '--test-reporter=spec', ...files.map(f => path.join(out, f.replace(/\.ts$/, '.cjs')))],
  { stdio: 'inherit' }
);
process.exit(run.status ?? 1);
