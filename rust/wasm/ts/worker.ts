/**
 * The Web Worker: loads the wasm module once and answers `{id, op}`
 * requests (see `protocol.ts`). All the work is in `router.ts`.
 *
 * Bundlers (webpack 5, esbuild) see the `new URL(…, import.meta.url)` below
 * and ship the `.wasm` file as an asset next to the worker chunk.
 */
import init, * as wasm from '../pkg/huntkit_wasm.js';
import { ErrorKind, type EngineRequest, type EngineResponse } from './protocol.js';
import { handleRequest } from './router.js';

/** The bits of `DedicatedWorkerGlobalScope` used here (the DOM lib lacks it). */
interface WorkerScope {
  /** The worker's name: `huntkit-engine`, or `huntkit-engine <wasm URL>`. */
  readonly name?: string;
  /** Stops the worker: no answer, no `error` event (see `debugArmVanish`). */
  close(): void;
  postMessage(message: EngineResponse, transfer: Transferable[]): void;
  addEventListener(
    type: 'message',
    listener: (event: MessageEvent<EngineRequest | WasmInit>) => void
  ): void;
}

/**
 * Sent first by a host whose worker cannot fetch the wasm itself (VS Code:
 * its resources load only through the webview document): the module's
 * bytes, or the compiled module.
 */
export interface WasmInit {
  op: 'wasm';
  module: ArrayBuffer | WebAssembly.Module;
}

const scope = self as unknown as WorkerScope;

let ready: Promise<unknown> | null = null;

/** Set by `debugArmVanish` (tests only): the next request stops the worker unanswered. */
let vanishArmed = false;

/** The wasm file: next to this module, unless the name says where (a worker started from a blob, VS Code). */
function wasmUrl(): URL {
  const named = /^huntkit-engine (.+)$/.exec(scope.name ?? '')?.[1];
  return named ? new URL(named) : new URL('../pkg/huntkit_wasm_bg.wasm', import.meta.url);
}

function loadWasm(): Promise<unknown> {
  ready ??= init({ module_or_path: wasmUrl() });
  return ready;
}

function post(message: EngineResponse, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

// Requests are handled in arrival order: each waits on the same `ready`.
scope.addEventListener('message', event => {
  const data = event.data;
  if (data.op === 'wasm') {
    ready ??= init({ module_or_path: data.module });
    return;
  }
  const request = data;
  if (vanishArmed) {
    scope.close();
    return;
  }
  if (request.op === 'debugArmVanish') {
    vanishArmed = true;
    post({ id: request.id, type: 'result', op: 'debugArmVanish', result: null });
    return;
  }
  loadWasm().then(
    () => handleRequest(wasm, request, post),
    (error: unknown) =>
      post({
        id: request.id,
        type: 'error',
        message: `cannot load the huntkit wasm module: ${error instanceof Error ? error.message : String(error)}`,
        kind: ErrorKind.init,
        fatal: true
      })
  );
});
