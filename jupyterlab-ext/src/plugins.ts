/**
 * The extension's plugins: `engine` provides the shared wasm engine,
 * `extract` adds the Extract panel and its commands.
 */
import { HuntkitEngine } from '@huntkit/engine';
import { setViewEngine } from '@huntkit/engine/chart';
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { addCommands, addTableFileCommand } from './commands';
import type { Widget } from '@lumino/widgets';
import { analyzeIcon, lookupIcon, queriesIcon } from './icons';
import { ExtractPanel } from './panels/extract';
import { LookupPanel } from './panels/lookup';
import { isViewableFile, ViewerPanel } from './panels/viewer';
import { AnalysisWidget, AnalyzePanel } from './panels/analyze';
import { demoLocalData, QueriesPanel } from './panels/queries';
import { siemQueryProviders } from './panels/siem';
import { DEFAULT_SETTINGS, readSettings, type ExtractSettings } from './settings';
import { CommandIDs, IHuntkitEngine } from './tokens';

/** Provides the huntkit engine; its worker starts on the first request. */
export const enginePlugin: JupyterFrontEndPlugin<IHuntkitEngine> = {
  id: '@huntkit/jupyterlab:engine',
  description: 'Provides the huntkit wasm engine (IoC extraction, decoding), run in a Web Worker.',
  autoStart: true,
  provides: IHuntkitEngine,
  activate: (app: JupyterFrontEnd): IHuntkitEngine => {
    const engine = new HuntkitEngine();
    // Notebook outputs (the MIME renderer has no plugin to ask) use it too.
    setViewEngine(engine);
    // Harmless outside tests: it only kills one of the engine's own
    // workers, which the engine replaces (see `HuntkitEngine`).
    app.commands.addCommand(CommandIDs.debugArmPanic, {
      label: 'huntkit (tests): make the engine panic on its next request',
      execute: args => {
        const lane = args.lane === 'views' || args.lane === 'trees' ? args.lane : 'jobs';
        return engine.debugArmPanic(lane);
      }
    });
    app.commands.addCommand(CommandIDs.debugArmVanish, {
      label: 'huntkit (tests): make an engine worker stop silently on its next request',
      execute: args => {
        const lane = args.lane === 'views' || args.lane === 'trees' ? args.lane : 'jobs';
        if (typeof args.silenceMs === 'number' && args.silenceMs > 0) {
          engine.setWatchdog({ baseMs: args.silenceMs });
        }
        return engine.debugArmVanish(lane);
      }
    });
    return engine;
  }
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
    const panel = new ExtractPanel({
      engine,
      settings: () => settings,
      lookup: iocs => void app.commands.execute(CommandIDs.lookupIocs, { iocs })
    });
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

/** "Open in huntkit" for table files: a view drawn in the browser. */
export const viewerPlugin: JupyterFrontEndPlugin<void> = {
  id: '@huntkit/jupyterlab:viewer',
  description:
    'Adds "Open in huntkit" for CSV, JSON, NDJSON and Arrow files: timeline, values, duration or matrix views, no kernel needed.',
  autoStart: true,
  requires: [IHuntkitEngine],
  optional: [IDefaultFileBrowser, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    engine: IHuntkitEngine,
    fileBrowser: IDefaultFileBrowser | null,
    palette: ICommandPalette | null
  ): void => {
    addTableFileCommand(app, fileBrowser, palette, {
      id: CommandIDs.openView,
      label: 'Open in huntkit',
      caption:
        'Draw this table as a timeline, values, duration, matrix or process tree view (in the browser)',
      rank: 61,
      accepts: isViewableFile,
      open: (name, bytes) => openViewer(app, engine, name, bytes)
    });
  }
};

let viewCount = 0;

/** Opens table bytes (CSV, JSON, NDJSON, Arrow) in a main-area tab with the view picker. */
async function openViewer(
  app: JupyterFrontEnd,
  engine: IHuntkitEngine,
  name: string,
  bytes: Uint8Array
): Promise<void> {
  const panel = new ViewerPanel(engine, name, bytes);
  const widget = new MainAreaWidget({ content: panel });
  widget.id = `huntkit-view-${Date.now()}-${++viewCount}`;
  widget.title.label = name;
  widget.title.caption = panel.title.caption;
  app.shell.add(widget, 'main');
  app.shell.activateById(widget.id);
  await panel.start();
}

/** The Analyze panel: time-series anomalies and anomalous sessions of a file. */
export const analyzePlugin: JupyterFrontEndPlugin<void> = {
  id: '@huntkit/jupyterlab:analyze',
  description:
    'Adds the Analyze panel: STL time-series anomalies and anomalous-session scores of a table file, drawn as views, in the browser.',
  autoStart: true,
  requires: [IHuntkitEngine],
  optional: [IDefaultFileBrowser, ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    engine: IHuntkitEngine,
    fileBrowser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    let count = 0;
    const panel = new AnalyzePanel(engine, result => {
      const widget = new MainAreaWidget({ content: new AnalysisWidget(result) });
      widget.id = `huntkit-analysis-${++count}`;
      widget.title.label = result.title;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    });
    panel.title.icon = analyzeIcon;
    app.shell.add(panel, 'left', { rank: 651, type: 'huntkit Analyze' });
    restorer?.add(panel, panel.id);
    addTableFileCommand(app, fileBrowser, palette, {
      id: CommandIDs.analyzeFile,
      label: 'Analyze in huntkit',
      caption: 'Time-series anomalies or anomalous sessions of this table, in the browser',
      icon: analyzeIcon,
      rank: 62,
      accepts: isViewableFile,
      open: async (name, bytes) => {
        app.shell.activateById(panel.id);
        await panel.load(name, bytes);
      }
    });
  }
};

/** What the notebook commands return when they create a notebook. */
interface NewNotebook extends Widget {
  context?: { ready: Promise<void> };
  revealed?: Promise<void>;
}

/**
 * Puts `text` into a new code cell below the active one in the current
 * notebook, or into the first cell of a new notebook when none is current.
 * Through JupyterLab's own notebook commands, so no notebook package is
 * bundled here.
 */
async function insertCell(app: JupyterFrontEnd, text: string): Promise<void> {
  const { commands, shell } = app;
  for (const id of ['notebook:insert-cell-below', 'notebook:replace-selection']) {
    if (!commands.hasCommand(id)) {
      throw new Error(`JupyterLab has no ${id} command (is the notebook extension disabled?)`);
    }
  }
  if (shell.currentWidget?.hasClass('jp-NotebookPanel')) {
    shell.activateById(shell.currentWidget.id);
    await commands.execute('notebook:insert-cell-below');
  } else {
    if (!commands.hasCommand('notebook:create-new')) {
      throw new Error('open a notebook first');
    }
    const created = (await commands.execute('notebook:create-new', {
      kernelName: 'python3'
    })) as NewNotebook | undefined;
    await created?.context?.ready;
    await created?.revealed;
    if (created) {
      shell.activateById(created.id);
    }
  }
  await commands.execute('notebook:replace-selection', { text });
}

/** The Queries panel: query templates, rendered and run through a provider. */
export const queriesPlugin: JupyterFrontEndPlugin<void> = {
  id: '@huntkit/jupyterlab:queries',
  description:
    'Adds the Queries panel: browse, render, copy or insert query templates (MSTICPy YAML) and run them over LocalData in the browser, or on a live SIEM through the huntkit server extension (credentials stay on the server).',
  autoStart: true,
  requires: [IHuntkitEngine],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    engine: IHuntkitEngine,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const panel = new QueriesPanel({
      engine,
      providers: [demoLocalData(engine)],
      liveProviders: () => siemQueryProviders(engine),
      insertCell: text => insertCell(app, text),
      openResult: (name, table) => void openViewer(app, engine, name, table)
    });
    panel.title.icon = queriesIcon;
    app.shell.add(panel, 'left', { rank: 652, type: 'huntkit Queries' });
    restorer?.add(panel, panel.id);
    app.commands.addCommand(CommandIDs.openQueries, {
      label: 'Open the huntkit Queries panel',
      caption: 'Browse, render and run query templates, in the browser',
      icon: queriesIcon,
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    palette?.addItem({ command: CommandIDs.openQueries, category: 'huntkit' });
  }
};

/** The Lookup panel: threat-intelligence lookups through the huntkit server extension. */
export const lookupPlugin: JupyterFrontEndPlugin<void> = {
  id: '@huntkit/jupyterlab:lookup',
  description:
    'Adds the Lookup panel: threat-intelligence and context lookups of observables, sent through the huntkit server extension (keys stay on the server).',
  autoStart: true,
  requires: [IHuntkitEngine],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    engine: IHuntkitEngine,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const panel = new LookupPanel({ engine });
    app.shell.add(panel, 'left', { rank: 653, type: 'huntkit Lookup' });
    restorer?.add(panel, panel.id);
    app.commands.addCommand(CommandIDs.lookupIocs, {
      label: 'Open the huntkit Lookup panel',
      caption: 'Threat-intelligence lookups through the Jupyter server; nothing is sent until Run',
      icon: lookupIcon,
      execute: args => {
        const iocs = args['iocs'];
        if (Array.isArray(iocs)) {
          panel.setIocs(iocs.filter((i): i is string => typeof i === 'string'));
        }
        app.shell.activateById(panel.id);
      }
    });
    palette?.addItem({ command: CommandIDs.lookupIocs, category: 'huntkit' });
  }
};
