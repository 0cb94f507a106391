/** @huntkit/jupyterlab: the plugins. */
import {
  analyzePlugin,
  enginePlugin,
  extractPlugin,
  lookupPlugin,
  queriesPlugin,
  viewerPlugin
} from './plugins';

export default [
  enginePlugin,
  extractPlugin,
  viewerPlugin,
  analyzePlugin,
  queriesPlugin,
  lookupPlugin
];
