/**
 * The MIME renderer for huntkit views (`application/vnd.huntkit.view+json`)
 * in notebooks and output views. Drawing is the shared `@huntkit/engine`
 * chart; this module only adapts it to JupyterLab's renderer interface.
 *
 * `safe: true`: the renderer never turns data into HTML, so outputs render
 * in untrusted notebooks too (a notebook re-opened from disk is untrusted).
 */
import { renderView, VIEW_MIME_TYPE, type RenderedView } from '@huntkit/engine/chart';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';
import { JupyterLookupHost } from './panels/lookup';

/** The class of the output's root node. */
export const VIEW_CLASS = 'jp-huntkit-view';

/** Renders one view bundle. */
export class HuntkitViewRenderer extends Widget implements IRenderMime.IRenderer {
  private view: RenderedView | null = null;

  constructor(private readonly options: IRenderMime.IRendererOptions) {
    super();
    this.addClass(VIEW_CLASS);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.view?.dispose();
    this.node.replaceChildren();
    // The engine plugin's engine (`setViewEngine`): one worker for panels and
    // outputs. A lookup output's calls go through the Jupyter server, on Run only.
    this.view = await renderView(this.node, model.data[this.options.mimeType], {
      lookupHost: new JupyterLookupHost(ServerConnection.makeSettings())
    });
  }

  override dispose(): void {
    this.view?.dispose();
    this.view = null;
    super.dispose();
  }
}

/** Creates renderers for the view MIME type. */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [VIEW_MIME_TYPE],
  defaultRank: 50,
  createRenderer: options => new HuntkitViewRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: '@huntkit/jupyterlab:view',
  description:
    'Renders every huntkit notebook view (the kinds of the view contract: timelines, matrix, anomalies, scored sessions, lookups, process trees).',
  rendererFactory,
  rank: 50,
  dataType: 'json'
};

export default extension;
