/**
 * The Lookup panel (left sidebar): the shared Lookup view
 * (`@huntkit/engine`'s `LookupView`, also drawn in VS Code notebook
 * outputs) with the Jupyter server as its host. The view plans each call in
 * the engine's worker; this file only sends each planned request to the
 * huntkit server extension (`huntkit/api/providers/call`), which adds the
 * key and calls the provider. The page never names a host and never holds a
 * key, and nothing is sent until Run.
 */
import {
  LookupView,
  type HttpRequest,
  type HttpResponse,
  type LookupHost,
  type LookupRefusal,
  type LookupResult
} from '@huntkit/engine';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';
import { lookupIcon } from '../icons';
import type { IHuntkitEngine } from '../tokens';

export { splitIocs } from '@huntkit/engine';

/** The sidebar widget's id. */
export const LOOKUP_PANEL_ID = 'huntkit-lookup';

/** The server extension's routes, under the server's base URL. */
const API = 'huntkit/api/providers';

/** What the server extension says of one provider (`GET huntkit/api/providers`). */
export interface GatewayProvider {
  name: string;
  configName: string;
  kind: string;
  configured: boolean;
  /** Configuration keys still missing (`TIProviders.VirusTotal.Args.AuthKey`). */
  missing?: string[];
  note?: string;
}

/** An error the run cannot go on after (the server extension is missing). */
class GatewayMissing extends Error {}

/** The Jupyter server as the Lookup view's host. */
export class JupyterLookupHost implements LookupHost {
  readonly label = 'the Jupyter server';

  constructor(private readonly settings: ServerConnection.ISettings) {}

  async providers(): Promise<{ providers: GatewayProvider[]; blocked: string | null }> {
    const response = await ServerConnection.makeRequest(
      this.settings.baseUrl + API,
      { method: 'GET' },
      this.settings
    );
    if (!response.ok) {
      throw new Error(await refusal(response));
    }
    const answer = (await response.json()) as {
      providers?: GatewayProvider[];
      sensitive?: boolean;
    };
    return {
      providers: answer.providers ?? [],
      blocked: answer.sensitive ? 'The sensitive switch is on in this Jupyter server' : null
    };
  }

  async call(
    request: HttpRequest
  ): Promise<{ response: HttpResponse } | { refused: LookupRefusal }> {
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        this.settings.baseUrl + `${API}/call`,
        { method: 'POST', body: JSON.stringify(request) },
        this.settings
      );
    } catch (error) {
      return { refused: { message: `the jupyter server could not be reached: ${String(error)}` } };
    }
    if (response.ok) {
      return { response: (await response.json()) as HttpResponse };
    }
    // Throws when the server extension is missing: the run stops there.
    const message = await refusal(response);
    return {
      refused: {
        status: response.status,
        message,
        retryAfter: response.headers.get('retry-after')
      }
    };
  }
}

/** What an `LookupPanel` needs. */
export interface LookupPanelOptions {
  engine: IHuntkitEngine;
  /** The Jupyter server connection (default: the page's). */
  serverSettings?: ServerConnection.ISettings;
}

/** The Lookup panel. */
export class LookupPanel extends Widget {
  private readonly view: LookupView;

  constructor(options: LookupPanelOptions) {
    super();
    this.id = LOOKUP_PANEL_ID;
    this.addClass('jp-huntkit-LookupPanel');
    this.title.icon = lookupIcon;
    this.title.caption = 'Lookup';
    const settings = options.serverSettings ?? ServerConnection.makeSettings();
    this.view = new LookupView(document, options.engine, new JupyterLookupHost(settings));
    this.node.append(this.view.node);
  }

  /** Puts observables in the text box (from the Extract panel). */
  setIocs(iocs: readonly string[]): void {
    this.view.setIocs(iocs);
  }

  /** The rows of the last run. */
  get results(): readonly LookupResult[] {
    return this.view.results;
  }

  protected override onAfterShow(): void {
    void this.view.loadProviders();
  }

  /** Asks the server extension which providers are configured (once). */
  loadProviders(): Promise<void> {
    return this.view.loadProviders();
  }

  /** Checks exactly the named providers (tests and commands). */
  selectProviders(names: readonly string[]): void {
    this.view.selectProviders(names);
  }

  /** Plans, sends each call through the server extension, and shows the rows. */
  run(): Promise<void> {
    return this.view.run();
  }
}

/** The message of a refused request: the server extension's `{message}`, or what to do. */
async function refusal(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
  if (body && typeof body.message === 'string') {
    return body.message;
  }
  if (response.status === 404) {
    throw new GatewayMissing(
      'the huntkit server extension is not running: install jupyterlab_huntkit in the jupyter server’s environment, enable it (jupyter server extension enable jupyterlab_huntkit) and restart the server'
    );
  }
  return `the jupyter server answered http ${response.status}`;
}
