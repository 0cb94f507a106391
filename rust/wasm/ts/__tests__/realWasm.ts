/**
 * The real wasm module behind the worker's router, in process: tests that
 * check what the engine answers (not only how it routes) start one here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HuntkitEngine } from '../engine.js';
import { handleRequest, type WasmApi } from '../router.js';
import { FakeWorker } from './fakeWorker.js';

const wasmPath = fileURLToPath(new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url));

/** `describe`'s `skip`: false, or why the built module is missing. */
export const skipWithoutWasm = existsSync(wasmPath)
  ? false
  : 'rust/wasm/pkg is not built (bash scripts/build-wasm.sh)';

/** An engine whose workers run the built wasm module in this process. */
export async function engineOverRealWasm(): Promise<HuntkitEngine> {
  const module = await import('../../pkg/huntkit_wasm.js');
  module.initSync({ module: readFileSync(wasmPath) });
  const api: WasmApi = module;
  return new HuntkitEngine({
    createWorker: () =>
      new FakeWorker((request, worker) =>
        handleRequest(api, request, message => worker.send(message))
      )
  });
}
