/**
 * The real wasm module behind the worker's router, in process: tests that
 * check what the engine answers (not only how it routes) start one here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HuntkitEngine, type EngineLane } from '../engine.js';
import { handleRequest, type WasmApi } from '../router.js';
import type * as WasmModule from '../../pkg/huntkit_wasm.js';
import { FakeWorker } from './fakeWorker.js';

const wasmPath = fileURLToPath(new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url));

/** `describe`'s `skip`: false, or why the built module is missing. */
export const skipWithoutWasm = existsSync(wasmPath)
  ? false
  : 'rust/wasm/pkg is not built (bash scripts/build-wasm.sh)';

/** How many module instances `freshInstance` made (each import URL is a new module). */
let instances = 0;

/**
 * A new instance of the built module, as a new worker loads it: the glue
 * is imported under a new URL (Node keeps one module per URL, and the glue
 * keeps one instance per module), so a trapped instance is left behind.
 */
async function freshInstance(): Promise<WasmApi> {
  instances++;
  const url = new URL(`../../pkg/huntkit_wasm.js?instance=${instances}`, import.meta.url).href;
  const module = (await import(url)) as typeof WasmModule;
  module.initSync({ module: readFileSync(wasmPath) });
  return module;
}

/** Settings of `engineOverRealWasm`. */
export interface RealWasmOptions {
  /**
   * Each worker (each lane, and each replacement after a crash) gets its
   * own module instance, as in the browser; by default all share one.
   */
  instancePerWorker?: boolean;
  /** Called with each worker the engine starts (to watch restarts). */
  onWorker?: (lane: EngineLane, worker: FakeWorker) => void;
}

/** An engine whose workers run the built wasm module in this process. */
export async function engineOverRealWasm(options: RealWasmOptions = {}): Promise<HuntkitEngine> {
  const shared = options.instancePerWorker ? null : await freshInstance();
  return new HuntkitEngine({
    createWorker: lane => {
      // Requests wait for the instance in arrival order, as the worker's do.
      const ready = shared ? Promise.resolve(shared) : freshInstance();
      const worker = new FakeWorker((request, self) => {
        void ready.then(api => handleRequest(api, request, message => self.send(message)));
      });
      options.onWorker?.(lane, worker);
      return worker;
    }
  });
}
