/** @huntkit/jupyterlab: the plugins. */
import { enginePlugin, extractPlugin } from './plugins';

export default [enginePlugin, extractPlugin];
