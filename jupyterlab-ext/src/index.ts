/** @huntkit/jupyterlab: the plugins. */
import { enginePlugin, extractPlugin, viewerPlugin } from './plugins';

export default [enginePlugin, extractPlugin, viewerPlugin];
