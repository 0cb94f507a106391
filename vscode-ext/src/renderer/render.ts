/**
 * Draws huntkit view bundles into notebook outputs with the view code both
 * hosts share (`@huntkit/engine/chart`, one `renderView` for every kind);
 * this file only adapts it to VS Code: styles, where the wasm and the
 * engine's worker are, disposal, and the optional message channel (the
 * Lookup view's provider calls go through it to the extension host).
 */
import {
  HuntkitEngine,
  type EngineRequest,
  type LookupHost,
  type WorkerLike
} from '@huntkit/engine';
import type { WasmInit } from '@huntkit/engine/worker';
import { renderView, type RenderedView } from '@huntkit/engine/chart';
import css from 'huntkit:css';
import type { OutputItem, RendererContext } from 'vscode-notebook-renderer';
import type { RendererMessage } from '../common/messages';
import { extensionLookupHost } from './lookupHost';

/** The wasm module, copied next to `out/renderer.js` by build.mjs. */
const WASM_URL = new URL('./huntkit_wasm_bg.wasm', import.meta.url);
/** The engine's worker (`@huntkit/engine/worker`), bundled next to it by build.mjs. */
const WORKER_URL = new URL('./worker.js', import.meta.url);
const STYLE_ID = 'huntkit-view-style';

type Listener = (event: never) => void;

let assets: Promise<[string, ArrayBuffer]> | null = null;

/** The worker's script and the wasm bytes, fetched once per renderer. */
function workerAssets(scriptUrl: URL, wasmUrl: URL): Promise<[string, ArrayBuffer]> {
  const get = async (url: URL): Promise<Response> => {
    const r = await fetch(url);
    if (!r.ok) {
      throw new Error(`${url.href}: HTTP ${r.status}`);
    }
    return r;
  };
  assets ??= Promise.all([
    get(scriptUrl).then(r => r.text()),
    get(wasmUrl).then(r => r.arrayBuffer())
  ]);
  // A failed fetch is tried again by the next worker.
  void assets.catch(() => {
    assets = null;
  });
  return assets;
}

/**
 * The engine's worker, started from a blob of its script: a webview's
 * document and its resources are on different origins, and a worker's
 * script must be the document's. The script and the wasm are fetched
 * first, so requests made meanwhile wait in a queue. A failure to fetch or
 * start is reported as the worker's `error`.
 */
export class BlobWorker implements WorkerLike {
  private worker: Worker | null = null;
  private queue: Array<[EngineRequest, Transferable[]]> = [];
  private readonly listeners: Array<[string, Listener]> = [];
  private terminated = false;

  constructor(scriptUrl: URL, wasmUrl: URL) {
    // The webview's resources load only through its document (a worker's
    // own fetch of them fails), so the page fetches both, once for the
    // engine's workers, and hands each a copy of the wasm bytes; the
    // worker compiles and runs them.
    void workerAssets(scriptUrl, wasmUrl)
      .then(([source, bytes]) => {
        const wasm = bytes.slice(0);
        if (this.terminated) {
          return;
        }
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const worker = new Worker(url, { type: 'module', name: 'huntkit-engine' });
        for (const [type, listener] of this.listeners) {
          worker.addEventListener(type, listener as EventListener);
        }
        const init: WasmInit = { op: 'wasm', module: wasm };
        worker.postMessage(init, [wasm]);
        this.worker = worker;
        for (const [message, transfer] of this.queue) {
          worker.postMessage(message, transfer);
        }
        this.queue = [];
      })
      .catch((error: unknown) => {
        const message = `cannot start the huntkit worker: ${error instanceof Error ? error.message : String(error)}`;
        for (const [type, listener] of this.listeners) {
          if (type === 'error') {
            listener({ message, preventDefault() {} } as never);
          }
        }
      });
  }

  postMessage(message: EngineRequest, transfer: Transferable[]): void {
    if (this.worker) {
      this.worker.postMessage(message, transfer);
    } else {
      this.queue.push([message, transfer]);
    }
  }

  terminate(): void {
    this.terminated = true;
    this.worker?.terminate();
    this.queue = [];
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.push([type, listener]);
    this.worker?.addEventListener(type, listener as EventListener);
  }
}

/** Adds the views' stylesheet to the document (or shadow root) holding `element`, once. */
export function injectStyle(element: HTMLElement): void {
  const root = element.getRootNode();
  const parent = root instanceof ShadowRoot ? root : element.ownerDocument.head;
  if (parent.querySelector(`style#${STYLE_ID}`)) {
    return;
  }
  const style = element.ownerDocument.createElement('style');
  style.id = STYLE_ID;
  style.textContent = css;
  parent.append(style);
}

/** The outputs drawn so far, by output id, so each can be disposed. */
export class OutputViews {
  private readonly views = new Map<string, RenderedView>();
  /** The latest render of each output; an older one still loading is dropped when it ends. */
  private readonly latest = new Map<string, symbol>();
  /** One engine (its workers) for every output of the renderer. */
  private readonly engine = new HuntkitEngine({
    createWorker: () => new BlobWorker(WORKER_URL, WASM_URL)
  });

  /** Where Lookup views send provider calls: the extension host, when there is a channel. */
  private readonly lookupHost: LookupHost | null;

  constructor(private readonly ctx: RendererContext<unknown>) {
    this.lookupHost = extensionLookupHost(ctx);
  }

  async render(item: OutputItem, element: HTMLElement, signal: AbortSignal): Promise<void> {
    this.dispose(item.id);
    const token = Symbol(item.id);
    this.latest.set(item.id, token);
    injectStyle(element);
    element.replaceChildren();
    let bundle: unknown;
    try {
      bundle = item.json();
    } catch {
      // Not JSON at all: the shared code reports it like any other bad bundle.
      bundle = item.text();
    }
    const view = await renderView(element, bundle, {
      engine: this.engine,
      lookupHost: this.lookupHost
    });
    if (signal.aborted || this.latest.get(item.id) !== token) {
      view.dispose();
      return;
    }
    this.views.set(item.id, view);
    const error = element.querySelector('.jp-huntkit-view-error');
    if (error) {
      this.post({ type: 'viewError', outputId: item.id, message: error.textContent ?? '' });
    }
  }

  /** Disposes one output's view, or every view when `id` is undefined. */
  dispose(id?: string): void {
    const ids = id === undefined ? [...this.views.keys()] : [id];
    for (const key of ids) {
      this.views.get(key)?.dispose();
      this.views.delete(key);
      this.latest.delete(key);
    }
  }

  private post(message: RendererMessage): void {
    // Absent when the extension host cannot be reached (messaging is optional).
    void this.ctx.postMessage?.(message);
  }
}
