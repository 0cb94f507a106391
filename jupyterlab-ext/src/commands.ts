/**
 * Commands: open the Extract panel, and extract IoCs from a file on the
 * Jupyter server (the file browser's context menu).
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { Contents } from '@jupyterlab/services';
import { extractIcon } from './icons';
import type { ExtractPanel } from './panels/extract';
import { CommandIDs } from './tokens';

/** The file browser's file items (not folders). */
const FILE_ITEM_SELECTOR = '.jp-DirListing-item[data-isdir="false"]';

/** A contents-API model's content as bytes, whatever its format. */
export function contentsToBlob(model: Contents.IModel): Blob {
  const { content, format } = model;
  if (format === 'base64' && typeof content === 'string') {
    const binary = atob(content.replace(/\s/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return new Blob([bytes]);
  }
  if (typeof content === 'string') {
    return new Blob([content], { type: 'text/plain' });
  }
  // Notebooks and other JSON documents: their JSON text.
  return new Blob([JSON.stringify(content ?? '', null, 1)], { type: 'application/json' });
}

/** Adds the commands and the file browser's "Extract IoCs" menu item. */
export function addCommands(
  app: JupyterFrontEnd,
  panel: ExtractPanel,
  fileBrowser: IDefaultFileBrowser | null
): void {
  const { commands, shell, serviceManager } = app;

  const selectedFile = (): Contents.IModel | null => {
    if (!fileBrowser) {
      return null;
    }
    for (const item of fileBrowser.selectedItems()) {
      return item.type === 'directory' ? null : item;
    }
    return null;
  };

  commands.addCommand(CommandIDs.openExtract, {
    label: 'Open the huntkit Extract panel',
    caption: 'Extract IoCs and decode payloads from text or files, in the browser',
    icon: extractIcon,
    execute: () => {
      shell.activateById(panel.id);
    }
  });

  commands.addCommand(CommandIDs.extractFile, {
    label: 'Extract IoCs',
    caption: 'Find the IoCs in this file, in the browser (no kernel needed)',
    icon: extractIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: 'The file, relative to the server root (default: the selected file)'
          }
        }
      }
    },
    isVisible: args => typeof args.path === 'string' || selectedFile() !== null,
    execute: async args => {
      const path = typeof args.path === 'string' ? args.path : selectedFile()?.path;
      shell.activateById(panel.id);
      if (!path) {
        panel.showError('Select a file in the file browser first.', 'no_file');
        return;
      }
      let model: Contents.IModel;
      try {
        model = await serviceManager.contents.get(path, { content: true });
      } catch (error) {
        panel.showError(
          `Cannot read ${path} from the Jupyter server: ${error instanceof Error ? error.message : String(error)}`,
          'contents'
        );
        return;
      }
      if (model.type === 'directory') {
        panel.showError(`${path} is a folder; choose a file.`, 'contents');
        return;
      }
      panel.selectTab('iocs', false);
      await panel.loadFile(model.name, contentsToBlob(model), 'server');
    }
  });

  app.contextMenu.addItem({
    command: CommandIDs.extractFile,
    selector: FILE_ITEM_SELECTOR,
    rank: 60
  });
}

/** A command that opens a table file from the server in the browser. */
export interface TableFileCommand {
  id: string;
  label: string;
  caption: string;
  icon?: LabIcon;
  /** Position in the file browser's context menu. */
  rank: number;
  /** Whether a path is a file this command takes. */
  accepts: (path: string) => boolean;
  /** Called with the file's name and bytes. */
  open: (name: string, bytes: Uint8Array) => Promise<void> | void;
}

/**
 * Adds a file command (`path` argument, default: the file selected in the
 * file browser), its context-menu item and its palette entry. The file is
 * read through the contents API as base64, so binary files (Arrow) arrive
 * intact.
 */
export function addTableFileCommand(
  app: JupyterFrontEnd,
  fileBrowser: IDefaultFileBrowser | null,
  palette: ICommandPalette | null,
  command: TableFileCommand
): void {
  const selected = (): string | null => {
    for (const item of fileBrowser?.selectedItems() ?? []) {
      return item.type === 'directory' ? null : item.path;
    }
    return null;
  };
  const target = (args: ReadonlyPartialJSONObject): string | null =>
    typeof args.path === 'string' ? args.path : selected();
  app.commands.addCommand(command.id, {
    label: command.label,
    caption: command.caption,
    icon: command.icon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: 'The file, relative to the server root (default: the selected file)'
          }
        }
      }
    },
    isVisible: args => {
      const path = target(args);
      return path !== null && command.accepts(path);
    },
    execute: async args => {
      const path = target(args);
      if (!path) {
        return;
      }
      const model = await app.serviceManager.contents.get(path, {
        content: true,
        type: 'file',
        format: 'base64'
      });
      await command.open(model.name, new Uint8Array(await contentsToBlob(model).arrayBuffer()));
    }
  });
  app.contextMenu.addItem({
    command: command.id,
    selector: FILE_ITEM_SELECTOR,
    rank: command.rank
  });
  palette?.addItem({ command: command.id, category: 'huntkit' });
}
