/** An in-process stand-in for the engine's Web Worker. */
import type { WorkerLike } from '../engine.js';
import type { EngineRequest, EngineResponse } from '../protocol.js';

type Listener = (event: never) => void;

/** Answers requests with `respond`, asynchronously, like a worker would. */
export class FakeWorker implements WorkerLike {
  readonly requests: EngineRequest[] = [];
  terminated = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(private readonly respond: (request: EngineRequest, worker: FakeWorker) => void) {}

  postMessage(message: EngineRequest, transfer: Transferable[]): void {
    // Structured clone with transfer, as the real postMessage does.
    const copy = structuredClone(message, { transfer });
    this.requests.push(copy);
    setImmediate(() => {
      if (!this.terminated) {
        this.respond(copy, this);
      }
    });
  }

  terminate(): void {
    this.terminated = true;
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** Sends a message to the engine. */
  send(message: EngineResponse): void {
    if (this.terminated) {
      return;
    }
    for (const listener of this.listeners.get('message') ?? []) {
      listener({ data: message } as never);
    }
  }

  /** Fires an `error` event, as a crashed worker does. */
  crash(message: string): void {
    const event = { message, preventDefault() {} };
    for (const listener of this.listeners.get('error') ?? []) {
      listener(event as never);
    }
  }
}
