/**
 * The Lookup panel (left sidebar): the shared Lookup view
 * (`@huntkit/engine`'s `LookupView`, also drawn in VS Code notebook
 * outputs) with the Jupyter server as its host. The view plans each call in
 * the engine's worker; this file only sends each planned request to the
 * huntkit server extension (`huntkit/api/providers/call`), which adds the
 * key and calls the provider. The page never names a host and never holds a
 * key, and nothing is sent until Run.
 *
 * GeoIP (a `.mmdb` read in the browser, kept in the engine's worker) is the
 * view's own and needs no server. Around the view this panel adds what only
 * the Jupyter server has: its sensitive switch as a checkbox (shared by
 * every page of this server; it blocks every external lookup, GeoIP still
 * works) and "Check configuration" (the core's findings for the server's
 * msticpyconfig.yaml, never a value).
 */
import {
  LookupView,
  button,
  h,
  type Finding,
  type GeoRow,
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

/** What `GET huntkit/api/msticpyconfig/validate` answers: the core's findings, never a value. */
export interface ConfigCheck {
  file: string;
  found: boolean;
  findings: Finding[];
  errors: number;
  warnings: number;
}

/** An error the run cannot go on after (the server extension is missing). */
class GatewayMissing extends Error {}

/** The Jupyter server as the Lookup view's host. */
export class JupyterLookupHost implements LookupHost {
  readonly label = 'the Jupyter server';

  /**
   * @param onSensitive told the server's sensitive switch each time the
   *   provider list is read (the panel's checkbox follows it)
   */
  constructor(
    private readonly settings: ServerConnection.ISettings,
    private readonly onSensitive?: (on: boolean) => void
  ) {}

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
    this.onSensitive?.(answer.sensitive === true);
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
  private readonly settings: ServerConnection.ISettings;
  private readonly sensitiveCheck: HTMLInputElement;
  private readonly findings: HTMLDivElement;

  constructor(options: LookupPanelOptions) {
    super();
    this.id = LOOKUP_PANEL_ID;
    this.addClass('jp-huntkit-LookupPanel');
    this.title.icon = lookupIcon;
    this.title.caption = 'Lookup';
    const doc = document;
    const settings = options.serverSettings ?? ServerConnection.makeSettings();
    this.settings = settings;
    this.sensitiveCheck = h(doc, 'input', {
      className: 'jp-huntkit-lookup-sensitive',
      attrs: { type: 'checkbox' }
    });
    this.sensitiveCheck.addEventListener(
      'change',
      () => void this.setSensitive(this.sensitiveCheck.checked)
    );
    this.findings = h(doc, 'div', {
      className: 'jp-huntkit-lookup-findings',
      attrs: { 'aria-live': 'polite', 'aria-label': 'Configuration findings' }
    });
    this.findings.hidden = true;
    const host = new JupyterLookupHost(settings, on => (this.sensitiveCheck.checked = on));
    this.view = new LookupView(doc, options.engine, host, {
      controls: [
        h(
          doc,
          'label',
          {
            className: 'jp-huntkit-lookup-sensitive-label',
            title:
              'The Jupyter server refuses every external lookup while this is on (for every page of this server); GeoIP still works'
          },
          [this.sensitiveCheck, ' Sensitive: block external lookups']
        )
      ],
      actions: [
        button(doc, 'Check configuration', () => void this.checkConfig(), {
          className: 'jp-huntkit-button jp-huntkit-lookup-check',
          title:
            'Check the Jupyter server’s msticpyconfig.yaml: missing keys, unset environment variables, workspace and tenant ids that are no GUID (values are never shown)'
        })
      ],
      below: [this.findings]
    });
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

  /** The GeoIP rows of the last run, in input order. */
  get geoResults(): readonly GeoRow[] {
    return this.view.geoResults;
  }

  /** Opens a MaxMind `.mmdb` in the engine's worker (kept for the session). */
  loadGeo(name: string, bytes: Uint8Array): Promise<void> {
    return this.view.loadGeo(name, bytes);
  }

  /**
   * Asks the server extension to check its msticpyconfig.yaml and lists
   * the findings (section, key, line, what is wrong; never a value).
   */
  async checkConfig(): Promise<ConfigCheck | null> {
    const doc = document;
    let check: ConfigCheck;
    try {
      check = (await this.gateway('GET', 'huntkit/api/msticpyconfig/validate')) as ConfigCheck;
    } catch (error) {
      this.view.status.showError(String(error instanceof Error ? error.message : error));
      return null;
    }
    this.findings.hidden = false;
    if (!check.found) {
      this.findings.replaceChildren(
        h(doc, 'p', {
          text: `No configuration file: ${check.file}. Set MSTICPYCONFIG for the Jupyter server, or c.HuntkitGateway.config_file.`
        })
      );
      return check;
    }
    const summary =
      check.findings.length === 0
        ? `${check.file}: no problems found.`
        : `${check.file}: ${check.errors} errors, ${check.warnings} warnings.`;
    this.findings.replaceChildren(
      h(doc, 'p', { className: 'jp-huntkit-lookup-findings-summary', text: summary }),
      h(
        doc,
        'ul',
        {},
        check.findings.map(f =>
          h(doc, 'li', {
            className: `jp-huntkit-lookup-finding jp-huntkit-lookup-finding-${f.level}`,
            attrs: { 'data-level': f.level },
            text: `${f.level}: ${[f.section, f.key].filter(Boolean).join(' ')}${f.line === null ? '' : ` (line ${f.line})`}: ${f.message}`
          })
        )
      )
    );
    return check;
  }

  /** Turns the Jupyter server's sensitive switch on or off. */
  async setSensitive(on: boolean): Promise<void> {
    try {
      const answer = (await this.gateway('PUT', `${API}/sensitive`, { on })) as { on?: boolean };
      this.sensitiveCheck.checked = answer.on === true;
      this.view.status.showMessage(
        answer.on
          ? 'Sensitive switch on: the Jupyter server refuses every external lookup.'
          : 'Sensitive switch off: lookups are sent when you Run.'
      );
    } catch (error) {
      this.sensitiveCheck.checked = !on;
      this.view.status.showError(String(error instanceof Error ? error.message : error));
    }
  }

  /** A request to the server extension; its JSON answer, or an error saying what is wrong. */
  private async gateway(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await ServerConnection.makeRequest(
      this.settings.baseUrl + path,
      body === undefined ? { method } : { method, body: JSON.stringify(body) },
      this.settings
    );
    if (!response.ok) {
      throw new Error(await refusal(response));
    }
    return response.json();
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
