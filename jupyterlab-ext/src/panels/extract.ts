/**
 * The Extract panel (left sidebar): pasted text or a file in, IoCs and
 * decoded payloads out. Everything runs in the browser through the shared
 * engine; no kernel is involved. Every string from data is inserted as text.
 */
import {
  DecodeView,
  IocTableView,
  StatusView,
  button,
  formatBytes,
  h,
  type EngineInput
} from '@huntkit/engine';
import { Widget } from '@lumino/widgets';
import { extractIcon } from '../icons';
import { decodeOptions, iocOptions, type ExtractSettings } from '../settings';
import type { IHuntkitEngine } from '../tokens';

/** The panel's tabs. */
export type ExtractTab = 'iocs' | 'decode';

/** What the panel analyses: pasted text or a file's bytes. */
export type ExtractSource =
  | { kind: 'text'; text: string }
  | { kind: 'file'; name: string; data: Blob; origin: 'local' | 'server' };

/** What an `ExtractPanel` needs. */
export interface ExtractPanelOptions {
  engine: IHuntkitEngine;
  /** The current settings (read at each run). */
  settings: () => ExtractSettings;
  /** Opens the Lookup panel with these observables (the "Look up" button; absent: no button). */
  lookup?: (iocs: string[]) => void;
}

/** The sidebar widget's id. */
export const EXTRACT_PANEL_ID = 'huntkit-extract';

interface TabParts {
  tab: HTMLButtonElement;
  panel: HTMLDivElement;
  status: StatusView;
  /** The source the shown result (or the run in flight) is for. */
  resultFor: ExtractSource | null;
  /** Increases with each run; a result from an older run is dropped. */
  run: number;
  running: boolean;
}

/** The Extract panel. */
export class ExtractPanel extends Widget {
  private readonly engine: IHuntkitEngine;
  private readonly settings: () => ExtractSettings;

  private readonly textArea: HTMLTextAreaElement;
  private readonly fileInput: HTMLInputElement;
  private readonly sourceLine: HTMLDivElement;
  private readonly extractButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly iocView: IocTableView;
  private readonly decodeView: DecodeView;
  private readonly tabs: Record<ExtractTab, TabParts>;

  private activeTab: ExtractTab = 'iocs';
  /** A loaded file (while set, the text box is not the input). */
  private file: Extract<ExtractSource, { kind: 'file' }> | null = null;
  /** The input of the last Extract (the tabs analyse this one). */
  private current: ExtractSource | null = null;
  private dragDepth = 0;

  constructor(options: ExtractPanelOptions) {
    super();
    this.engine = options.engine;
    this.settings = options.settings;
    this.id = EXTRACT_PANEL_ID;
    this.addClass('jp-huntkit-ExtractPanel');
    this.title.icon = extractIcon;
    this.title.caption = 'Extract';

    const doc = document;
    this.textArea = h(doc, 'textarea', {
      className: 'jp-huntkit-input-text',
      attrs: {
        rows: '6',
        spellcheck: 'false',
        placeholder: 'Paste text (logs, alerts, e-mails, command lines)… or drop a file here',
        'aria-label': 'Text to analyse'
      }
    });
    this.textArea.addEventListener('input', () => {
      if (this.file && this.textArea.value) {
        this.setFile(null);
      }
    });
    this.textArea.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.extract();
      }
    });

    this.fileInput = h(doc, 'input', {
      className: 'jp-huntkit-file-input',
      attrs: { type: 'file', 'aria-label': 'Open a local file', tabindex: '-1' }
    });
    this.fileInput.hidden = true;
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file) {
        this.loadFile(file.name, file, 'local');
      }
      this.fileInput.value = '';
    });

    this.sourceLine = h(doc, 'div', { className: 'jp-huntkit-source' });
    this.sourceLine.hidden = true;

    this.extractButton = button(doc, 'Extract', () => void this.extract(), {
      className: 'jp-huntkit-button jp-huntkit-mod-accept jp-huntkit-extract-button',
      title: 'Analyse the text or file (Ctrl+Enter)'
    });
    const openButton = button(doc, 'Open file…', () => this.fileInput.click(), {
      className: 'jp-huntkit-button jp-huntkit-open-button',
      title: 'Analyse a file from this computer; it is read in the browser and never uploaded'
    });
    this.cancelButton = button(doc, 'Cancel', () => this.engine.cancel(), {
      className: 'jp-huntkit-button jp-huntkit-cancel-button',
      title: 'Stop the analysis in progress'
    });
    this.cancelButton.hidden = true;

    this.iocView = new IocTableView({ document: doc, pageSize: this.settings().pageSize });
    this.decodeView = new DecodeView({ document: doc });

    const makeTab = (tab: ExtractTab, label: string, view: HTMLElement): TabParts => {
      const status = new StatusView(doc);
      const tabButton = h(doc, 'button', {
        className: 'jp-huntkit-tab',
        text: label,
        attrs: {
          type: 'button',
          role: 'tab',
          id: `${EXTRACT_PANEL_ID}-tab-${tab}`,
          'aria-controls': `${EXTRACT_PANEL_ID}-panel-${tab}`
        }
      });
      tabButton.addEventListener('click', () => this.selectTab(tab));
      const panel = h(
        doc,
        'div',
        {
          className: `jp-huntkit-tabpanel jp-huntkit-tabpanel-${tab}`,
          attrs: {
            role: 'tabpanel',
            id: `${EXTRACT_PANEL_ID}-panel-${tab}`,
            'aria-labelledby': `${EXTRACT_PANEL_ID}-tab-${tab}`
          }
        },
        [status.node, view]
      );
      return { tab: tabButton, panel, status, resultFor: null, run: 0, running: false };
    };
    this.tabs = {
      iocs: makeTab('iocs', 'IoCs', this.iocView.node),
      decode: makeTab('decode', 'Decode', this.decodeView.node)
    };

    this.node.append(
      h(doc, 'div', { className: 'jp-huntkit-header' }, [
        h(doc, 'h2', { className: 'jp-huntkit-title', text: 'Extract' }),
        h(doc, 'p', {
          className: 'jp-huntkit-subtitle',
          text: 'IoCs and encoded payloads, found in your browser: no kernel, nothing is sent anywhere.'
        })
      ]),
      h(doc, 'div', { className: 'jp-huntkit-input' }, [
        this.textArea,
        this.sourceLine,
        h(doc, 'div', { className: 'jp-huntkit-actions' }, [
          this.extractButton,
          openButton,
          options.lookup
            ? button(doc, 'Look up', () => options.lookup?.(this.shownIocs()), {
                className: 'jp-huntkit-button jp-huntkit-lookup-button',
                title:
                  'Look the IoCs shown (as filtered) up in the Lookup panel; nothing is sent until you press Run there'
              })
            : null,
          this.cancelButton,
          this.fileInput
        ])
      ]),
      h(
        doc,
        'div',
        { className: 'jp-huntkit-tabs', attrs: { role: 'tablist', 'aria-label': 'Results' } },
        [this.tabs.iocs.tab, this.tabs.decode.tab]
      ),
      h(doc, 'div', { className: 'jp-huntkit-results' }, [
        this.tabs.iocs.panel,
        this.tabs.decode.panel
      ])
    );

    this.node.addEventListener('dragenter', this.onDrag);
    this.node.addEventListener('dragover', this.onDrag);
    this.node.addEventListener('dragleave', this.onDragLeave);
    this.node.addEventListener('drop', this.onDrop);
    this.selectTab('iocs', false);
  }

  /** The tab shown. */
  get tab(): ExtractTab {
    return this.activeTab;
  }

  /** Shows `tab`; analyses the current input there if it has not been yet. */
  selectTab(tab: ExtractTab, run = true): void {
    this.activeTab = tab;
    for (const [name, parts] of Object.entries(this.tabs) as Array<[ExtractTab, TabParts]>) {
      const selected = name === tab;
      parts.tab.setAttribute('aria-selected', String(selected));
      parts.tab.tabIndex = selected ? 0 : -1;
      parts.tab.classList.toggle('jp-huntkit-mod-selected', selected);
      parts.panel.hidden = !selected;
    }
    const parts = this.tabs[tab];
    if (run && this.current && parts.resultFor !== this.current) {
      void this.runTab(tab, this.current);
    }
  }

  /** The refanged IoCs the table shows (its filters applied), distinct. */
  shownIocs(): string[] {
    return [...new Set(this.iocView.rows.map(r => r.Refanged))];
  }

  /** Puts `text` in the text box (replacing a loaded file). */
  setText(text: string): void {
    this.setFile(null);
    this.textArea.value = text;
  }

  /** Loads a file and analyses it in the tab shown. */
  loadFile(name: string, data: Blob, origin: 'local' | 'server'): Promise<void> {
    this.setFile({ kind: 'file', name, data, origin });
    return this.extract();
  }

  /** Shows an error in the tab shown (e.g. a file that could not be read). */
  showError(message: string, kind?: string): void {
    this.tabs[this.activeTab].status.showError(message, kind);
  }

  /** Analyses the text box or the loaded file in the tab shown. */
  async extract(): Promise<void> {
    const source: ExtractSource | null =
      this.file ?? (this.textArea.value ? { kind: 'text', text: this.textArea.value } : null);
    if (!source) {
      this.tabs[this.activeTab].status.showMessage('Paste some text or open a file first.');
      return;
    }
    this.current = source;
    // The other tab's result is now for an older input: it reruns when shown.
    for (const parts of Object.values(this.tabs)) {
      if (parts.resultFor !== source) {
        parts.resultFor = null;
      }
    }
    await this.runTab(this.activeTab, source);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.iocView.dispose();
    super.dispose();
  }

  private setFile(file: Extract<ExtractSource, { kind: 'file' }> | null): void {
    this.file = file;
    this.sourceLine.replaceChildren();
    this.sourceLine.hidden = !file;
    if (!file) {
      this.textArea.placeholder =
        'Paste text (logs, alerts, e-mails, command lines)… or drop a file here';
      return;
    }
    this.textArea.value = '';
    this.textArea.placeholder = 'Type or paste here to analyse text instead of the file';
    const doc = document;
    this.sourceLine.append(
      h(doc, 'span', { className: 'jp-huntkit-source-label', text: 'File' }),
      h(doc, 'span', { className: 'jp-huntkit-source-name', text: file.name, title: file.name }),
      h(doc, 'span', {
        className: 'jp-huntkit-source-meta',
        text: `${formatBytes(file.data.size)} · ${file.origin === 'server' ? 'from the Jupyter server' : 'read in the browser'}`
      }),
      button(doc, 'Clear', () => this.setFile(null), {
        className: 'jp-huntkit-button jp-huntkit-source-clear',
        title: 'Forget this file and analyse the text box instead'
      })
    );
  }

  private async runTab(tab: ExtractTab, source: ExtractSource): Promise<void> {
    const parts = this.tabs[tab];
    const run = ++parts.run;
    parts.resultFor = source;
    parts.running = true;
    this.updateRunning();
    const isCurrent = () => parts.run === run && !this.isDisposed;
    const size = source.kind === 'text' ? source.text.length : source.data.size;
    const unit = source.kind === 'text' ? 'characters' : 'bytes';
    try {
      const input: EngineInput =
        source.kind === 'text' ? source.text : await source.data.arrayBuffer();
      if (tab === 'iocs') {
        parts.status.showProgress('Extracting IoCs', 0, size, unit);
        const result = await this.engine.extractIocs(
          input,
          iocOptions(this.settings()),
          (done, total) => {
            if (isCurrent()) {
              // Once the last chunk is in, the scanner sorts and counts.
              const label = done >= total ? 'Collecting the results' : 'Extracting IoCs';
              parts.status.showProgress(label, done, total, unit);
            }
          }
        );
        if (isCurrent()) {
          parts.status.clear();
          this.iocView.setResult(result);
        }
      } else {
        parts.status.showProgress('Decoding');
        const result = await this.engine.decode(input, decodeOptions(this.settings()));
        if (isCurrent()) {
          parts.status.clear();
          this.decodeView.setResult(result);
        }
      }
    } catch (error) {
      if (!isCurrent()) {
        return;
      }
      parts.resultFor = null;
      const kind = (error as { kind?: unknown } | null)?.kind;
      const message = error instanceof Error ? error.message : String(error);
      if (tab === 'iocs') {
        this.iocView.setResult(null);
      } else {
        this.decodeView.setResult(null);
      }
      if (kind === 'cancelled') {
        parts.status.showMessage('Cancelled.');
      } else {
        const what = tab === 'iocs' ? 'IoC extraction failed' : 'Decoding failed';
        parts.status.showError(`${what}: ${message}`, typeof kind === 'string' ? kind : 'error');
      }
    } finally {
      if (parts.run === run) {
        parts.running = false;
        this.updateRunning();
      }
    }
  }

  private updateRunning(): void {
    const running = Object.values(this.tabs).some(parts => parts.running);
    this.cancelButton.hidden = !running;
    this.node.classList.toggle('jp-huntkit-mod-running', running);
  }

  private readonly onDrag = (event: DragEvent): void => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes('Files')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = 'copy';
    if (event.type === 'dragenter') {
      this.dragDepth++;
    }
    this.node.classList.add('jp-huntkit-mod-dropTarget');
  };

  private readonly onDragLeave = (): void => {
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) {
      this.node.classList.remove('jp-huntkit-mod-dropTarget');
    }
  };

  private readonly onDrop = (event: DragEvent): void => {
    const file = event.dataTransfer?.files?.[0];
    this.dragDepth = 0;
    this.node.classList.remove('jp-huntkit-mod-dropTarget');
    if (!file) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    void this.loadFile(file.name, file, 'local');
  };
}
