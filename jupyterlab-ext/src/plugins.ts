/**
 * The extension's plugins: `engine` provides the shared wasm engine,
 * `extract` adds the Extract panel and its commands.
 */
import { HuntkitEngine } from '@huntkit/engine';
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { addCommands } from './commands';
import { ExtractPanel } from './panels/extract';
import { DEFAULT_SETTINGS, readSettings, type ExtractSettings } from './settings';
import { CommandIDs, IHuntkitEngine } from './tokens';

/** Provides the huntkit engine; its worker starts on the first request. */
export const enginePlugin: JupyterFrontEndPlugin<IHuntkitEngine> = {
  id: '@huntkit/jupyterlab:engine',
  description: 'Provides the huntkit wasm engine (IoC extraction, decoding), run in a Web Worker.',
  autoStart: true,
  provides: IHuntkitEngine,
  activate: (): IHuntkitEngine => new HuntkitEngine()
};

/** The Extract panel in the left sidebar, and "Extract IoCs" for files. */
export const extractPlugin: JupyterFrontEndPlugin<void> = {
  id: '@huntkit/jupyterlab:extract',
  description:
    'Adds the Extract panel: IoCs and decoded payloads from pasted text, local files or server files, in the browser.',
  autoStart: true,
  requires: [IHuntkitEngine],
  optional: [ISettingRegistry, IDefaultFileBrowser, ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    engine: IHuntkitEngine,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    let settings: ExtractSettings = { ...DEFAULT_SETTINGS };
    const panel = new ExtractPanel({ engine, settings: () => settings });
    app.shell.add(panel, 'left', { rank: 650, type: 'huntkit Extract' });
    restorer?.add(panel, panel.id);
    addCommands(app, panel, fileBrowser);
    palette?.addItem({ command: CommandIDs.openExtract, category: 'huntkit' });

    if (settingRegistry) {
      settingRegistry
        .load(extractPlugin.id)
        .then(loaded => {
          const update = (): void => {
            settings = readSettings(loaded.composite as Record<string, unknown>);
          };
          update();
          loaded.changed.connect(update);
        })
        .catch(reason => {
          console.warn('huntkit: settings could not be loaded; using the defaults', reason);
        });
    }
  }
};
