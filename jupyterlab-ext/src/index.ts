/** @huntkit/jupyterlab: the plugins. */
import { analyzePlugin, enginePlugin, extractPlugin, viewerPlugin } from './plugins';

export default [enginePlugin, extractPlugin, viewerPlugin, analyzePlugin];
