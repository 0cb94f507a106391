/**
 * The notebook renderer's entry point (`contributes.notebookRenderer`): it
 * only wires VS Code's renderer API to `OutputViews`, which draws each
 * `application/vnd.huntkit.view+json` output with the shared view code.
 */
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { OutputViews } from './render';

export const activate: ActivationFunction = ctx => {
  const views = new OutputViews(ctx);
  return {
    renderOutputItem: (outputItem, element, signal) => views.render(outputItem, element, signal),
    disposeOutputItem: id => views.dispose(id)
  };
};
