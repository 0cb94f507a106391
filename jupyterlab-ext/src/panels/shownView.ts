/**
 * A view drawn into a panel's box with `renderView`, which a panel can drop
 * at any time: disposing also drops a view that is still loading.
 */
import { renderView, type RenderedView } from '@huntkit/engine/chart';
import type { IHuntkitEngine } from '../tokens';

/** Draws `bundle` into `host`; the result's `dispose` drops it, loaded or not. */
export function shownView(
  host: HTMLElement,
  bundle: unknown,
  engine: IHuntkitEngine
): { dispose(): void } {
  let disposed = false;
  let view: RenderedView | null = null;
  void renderView(host, bundle, { engine }).then(v => {
    view = v;
    if (disposed) {
      v.dispose();
    }
  });
  return {
    dispose: () => {
      disposed = true;
      view?.dispose();
    }
  };
}
