/**
 * The extension host's side of the SIEM query worker (`siemWorker.ts`):
 * starts it with the wasm file, asks for the catalog, and runs a query,
 * performing each request the worker plans with `send` (the gateway). One
 * worker per command; ended when the command is done.
 */
import { Worker } from 'node:worker_threads';
import { GatewayError, type ProviderResponse } from './gateway';
import type { CatalogProvider, FromWorker, ToWorker } from './siemMessages';
import type { SiemResult } from './siemQuery';

export class SiemWorker {
  private readonly worker: Worker;
  private settle: ((message: FromWorker | Error) => void) | null = null;

  constructor(
    script: string,
    wasmPath: string,
    private readonly send: (request: unknown) => Promise<ProviderResponse> = () =>
      Promise.reject(new GatewayError(500, 'no gateway')),
    private readonly onWait: (ms: number, attempt: number) => void = () => undefined
  ) {
    this.worker = new Worker(script, { workerData: { wasmPath } });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', error => this.settle?.(error));
    this.worker.on('exit', code => this.settle?.(new Error(`the query worker stopped (${code})`)));
  }

  /** The providers and the bundled templates of each. */
  async catalog(): Promise<CatalogProvider[]> {
    const answer = await this.ask({ op: 'catalog' });
    if (answer.op !== 'catalog') {
      throw new Error('the query worker answered something else');
    }
    return answer.providers;
  }

  /** Runs template `name` on `provider` to the end; the result without its Arrow table. */
  async run(
    name: string,
    params: Record<string, unknown>,
    provider: string,
    options: Record<string, unknown>
  ): Promise<Omit<SiemResult, 'table'>> {
    const answer = await this.ask({ op: 'run', name, params, provider, options });
    if (answer.op === 'error') {
      throw new Error(answer.message);
    }
    if (answer.op !== 'done') {
      throw new Error('the query worker answered something else');
    }
    return answer.result;
  }

  dispose(): void {
    this.settle = null;
    void this.worker.terminate();
  }

  private ask(message: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.settle = answer => {
        this.settle = null;
        if (answer instanceof Error) {
          reject(answer);
        } else {
          resolve(answer);
        }
      };
      this.worker.postMessage(message);
    });
  }

  private receive(message: FromWorker): void {
    if (message.op === 'send') {
      void this.send(message.request).then(
        response => this.worker.postMessage({ op: 'sent', callId: message.callId, response }),
        (error: unknown) => {
          const e = error instanceof GatewayError ? error : new GatewayError(500, String(error));
          this.worker.postMessage({
            op: 'sent',
            callId: message.callId,
            failure: { status: e.status, message: e.message, retryAfter: e.retryAfter }
          } satisfies ToWorker);
        }
      );
    } else if (message.op === 'wait') {
      this.onWait(message.ms, message.attempt);
    } else {
      this.settle?.(message);
    }
  }
}
