/**
 * The wasm module on the page's own thread, for the chart kinds only: a
 * chart lays out on every pan and zoom frame, so it calls the module
 * directly. Everything else (analyses, table columns, process trees) runs
 * in the engine's worker.
 */
import init, { ChartView } from '../../pkg/huntkit_wasm.js';

export { ChartView };

let ready: Promise<void> | null = null;

/**
 * Loads the module once. Hosts whose bundler does not ship
 * `new URL(…, import.meta.url)` assets (esbuild) pass the `.wasm` URL.
 */
export function loadChartWasm(wasmUrl?: string | URL): Promise<void> {
  ready ??= init({
    module_or_path: wasmUrl ?? new URL('../../pkg/huntkit_wasm_bg.wasm', import.meta.url)
  }).then(
    () => undefined,
    (error: unknown) => {
      ready = null;
      throw error;
    }
  );
  return ready;
}
