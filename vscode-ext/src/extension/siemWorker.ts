/**
 * The SIEM query worker: a Node worker thread of the extension host that
 * holds the wasm module, as the engine's Web Worker does for the page, so
 * reading a large answer (up to 256 MiB) never blocks the extension host
 * (which other extensions share). It lists the providers and templates,
 * plans each request and reads each answer; every call goes back to the
 * extension host (`op: 'send'`), which performs it through the gateway.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as wasmGlue from '../../../rust/wasm/pkg/huntkit_wasm.js';
import { GatewayError, type ProviderResponse } from './gateway';
import { coreRetryDelay, runPlanned, type SiemWasm } from './siemQuery';
import type { ToWorker, FromWorker } from './siemMessages';

const port = parentPort;
if (!port) {
  throw new Error('siemWorker runs in a worker thread');
}
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

wasmGlue.initSync({ module: readFileSync((workerData as { wasmPath: string }).wasmPath) });
const api = wasmGlue as unknown as SiemWasm;

let nextCall = 1;
const pending = new Map<number, (message: ToWorker & { op: 'sent' }) => void>();

/** One planned request, performed by the extension host. */
function send(request: unknown): Promise<ProviderResponse> {
  const callId = nextCall++;
  return new Promise((resolve, reject) => {
    pending.set(callId, answer => {
      if (answer.response) {
        resolve(answer.response);
      } else {
        const f = answer.failure ?? { status: 500, message: 'no answer', retryAfter: null };
        reject(new GatewayError(f.status, f.message, f.retryAfter));
      }
    });
    post({ op: 'send', callId, request });
  });
}

port.on('message', (message: ToWorker) => {
  switch (message.op) {
    case 'catalog': {
      const library = api.QueryLibrary.bundled();
      try {
        const providers = api.siemProviders().map(p => ({
          ...p,
          templates: library.list({ environment: p.environment }).map(t => ({
            name: t.name,
            description: t.description,
            parameters: t.parameters
          }))
        }));
        post({ op: 'catalog', providers });
      } finally {
        library.free();
      }
      break;
    }
    case 'run': {
      void (async () => {
        const library = api.QueryLibrary.bundled();
        try {
          const run = library.planSiemRun(
            message.name,
            message.params,
            message.provider,
            message.options
          );
          const result = await runPlanned(run, send, coreRetryDelay(api), {
            onWait: (ms, attempt) => post({ op: 'wait', ms, attempt })
          });
          // Only what the host shows: the Arrow stream stays here.
          const { table: _table, ...shown } = result;
          void _table;
          post({ op: 'done', result: shown });
        } catch (error) {
          post({ op: 'error', message: error instanceof Error ? error.message : String(error) });
        } finally {
          library.free();
        }
      })();
      break;
    }
    case 'sent':
      pending.get(message.callId)?.(message);
      pending.delete(message.callId);
      break;
  }
});
