/**
 * Draws huntkit view bundles into notebook outputs with the view code both
 * hosts share (`@huntkit/engine/chart`, one `renderView` for every kind);
 * this file only adapts it to VS Code: styles, where the wasm and the
 * engine's worker are, disposal, and the optional message channel.
 */
import { HuntkitEngine, type WorkerLike } from '@huntkit/engine';
import { renderView, type RenderedView } from '@huntkit/engine/chart';
import css from 'huntkit:css';
import type { OutputItem, RendererContext } from 'vscode-notebook-renderer';
import type { RendererMessage } from '../common/messages';

/** The wasm module, copied next to `out/renderer.js` by build.mjs. */
const WASM_URL = new URL('./huntkit_wasm_bg.wasm', import.meta.url);
/** The engine's worker (`@huntkit/engine/worker`), bundled next to it by build.mjs. */
const WORKER_URL = new URL('./worker.js', import.meta.url);
const STYLE_ID = 'huntkit-view-style';

/**
 * Starts the engine's worker. The webview's document and its resources are
 * on different origins and a worker script must share the document's, so
 * the worker is a one-line module from a blob that imports the real one;
 * its name tells it where the wasm is.
 */
export function startWorker(): WorkerLike {
  const source = `import ${JSON.stringify(WORKER_URL.href)};`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return new Worker(url, {
      type: 'module',
      name: `huntkit-engine ${WASM_URL.href}`
    }) as unknown as WorkerLike;
  } finally {
    // The worker has its URL once constructed; the blob may go.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
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
  /** One engine (one worker) for every output of the renderer. */
  private readonly engine = new HuntkitEngine({ createWorker: startWorker });

  constructor(private readonly ctx: RendererContext<unknown>) {}

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
    const view = await renderView(element, bundle, { engine: this.engine, wasmUrl: WASM_URL });
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
