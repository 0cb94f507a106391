/**
 * The Lookup panel (left sidebar): threat-intelligence and context lookups
 * of pasted observables (or the Extract panel's IoCs). The engine (worker)
 * checks the observables and plans each call; the page sends each planned
 * request to the huntkit server extension (`huntkit/api/providers/call`),
 * which adds the key and calls the provider; the engine reads the answers
 * into rows. The page never names a host and never holds a key, and
 * nothing is sent until Run. Every string from data is inserted as text.
 *
 * GeoIP is offline: a MaxMind `.mmdb` the user picks or drops is read in
 * the browser and kept in the engine's worker for the session; Run then
 * adds country, city and ASN columns to the rows (or, with no provider
 * checked, looks the addresses up in the database alone). The sensitive
 * switch (the server's, shared by every page of this Jupyter server) blocks
 * every external lookup; GeoIP still works, since it sends nothing.
 */
import {
  StatusView,
  button,
  copyText,
  downloadText,
  formatBytes,
  h,
  toCsv,
  type CallOutcome,
  type Cell,
  type Finding,
  type GeoRow,
  type HttpRequest,
  type HttpResponse,
  type LookupResult
} from '@huntkit/engine';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';
import { lookupIcon } from '../icons';
import type { IHuntkitEngine } from '../tokens';

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

/** The columns shown and exported, in order (the core's lookup table). */
const COLUMNS: ReadonlyArray<{ header: keyof LookupResult; value: (r: LookupResult) => Cell }> = [
  { header: 'Ioc', value: r => r.Ioc },
  { header: 'IocType', value: r => r.IocType },
  { header: 'SafeIoc', value: r => r.SafeIoc },
  { header: 'QuerySubtype', value: r => r.QuerySubtype },
  { header: 'Provider', value: r => r.Provider },
  { header: 'Result', value: r => r.Result },
  { header: 'Severity', value: r => r.Severity },
  { header: 'Details', value: r => detailsText(r.Details) },
  { header: 'RawResult', value: r => r.RawResult },
  { header: 'Reference', value: r => r.Reference },
  { header: 'Status', value: r => r.Status }
];

/** The columns of the on-screen table. */
const SHOWN: ReadonlyArray<keyof LookupResult> = [
  'Ioc',
  'Provider',
  'Severity',
  'Status',
  'Details'
];

/** The GeoIP columns of the on-screen table (when a database is loaded). */
const GEO_SHOWN: ReadonlyArray<{ header: string; value: (g: GeoRow) => string }> = [
  { header: 'Country', value: g => g.CountryCode ?? '' },
  { header: 'City', value: g => g.City ?? '' },
  {
    header: 'ASN',
    value: g => (g.Asn === null ? '' : `AS${g.Asn}${g.AsnOrg ? ` ${g.AsnOrg}` : ''}`)
  }
];

/**
 * The GeoIP row's fields that repeat a lookup row's (the address, its
 * status and message): left out when geo columns join lookup rows.
 */
const GEO_REPEATED: ReadonlySet<string> = new Set(['IpAddress', 'Status', 'Message']);

/** The provider name shown on rows of a GeoIP-only run. */
const GEO_PROVIDER = 'geoip';

/** One row of the on-screen table: a lookup row, or a GeoIP-only row. */
interface ShownRow {
  ioc: string;
  provider: string;
  severity: string;
  status: string;
  details: string;
  geo: GeoRow | undefined;
  /** What "raw JSON" shows. */
  source: LookupResult | GeoRow;
}

function detailsText(details: unknown): string {
  if (details === null || details === undefined) {
    return '';
  }
  return typeof details === 'string' ? details : JSON.stringify(details);
}

/** Observables from pasted text: one per line, or separated by spaces, commas or semicolons. */
export function splitIocs(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map(s => s.trim())
    .filter(s => s.length > 0);
}

/** An error the run cannot go on after (the server extension is missing). */
class GatewayMissing extends Error {}

/** What an `LookupPanel` needs. */
export interface LookupPanelOptions {
  engine: IHuntkitEngine;
  /** The Jupyter server connection (default: the page's). */
  serverSettings?: ServerConnection.ISettings;
}

/** The Lookup panel. */
export class LookupPanel extends Widget {
  private readonly engine: IHuntkitEngine;
  private readonly settings: ServerConnection.ISettings;
  private readonly textArea: HTMLTextAreaElement;
  private readonly providerList: HTMLDivElement;
  private readonly runButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly status: StatusView;
  private readonly filter: HTMLSelectElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly raw: HTMLPreElement;
  private readonly resultBar: HTMLDivElement;
  private readonly checks = new Map<string, HTMLInputElement>();
  private readonly geoInput: HTMLInputElement;
  private readonly geoInfo: HTMLSpanElement;
  private readonly sensitiveCheck: HTMLInputElement;
  private readonly findings: HTMLDivElement;
  private rows: LookupResult[] = [];
  /** GeoIP rows of the last run, by the observable as given. */
  private geo = new Map<string, GeoRow>();
  /** The last run was GeoIP only (no provider checked). */
  private geoOnly = false;
  private geoLoaded = false;
  private providersLoaded: Promise<void> | null = null;
  private stopped = false;
  private running = false;

  constructor(options: LookupPanelOptions) {
    super();
    this.engine = options.engine;
    this.settings = options.serverSettings ?? ServerConnection.makeSettings();
    this.id = LOOKUP_PANEL_ID;
    this.addClass('jp-huntkit-LookupPanel');
    this.title.icon = lookupIcon;
    this.title.caption = 'Lookup';
    const doc = document;

    this.textArea = h(doc, 'textarea', {
      className: 'jp-huntkit-input-text jp-huntkit-lookup-input',
      attrs: {
        rows: '6',
        spellcheck: 'false',
        placeholder: 'Paste IPs, domains, URLs or hashes, one a line (defanged is fine)',
        'aria-label': 'Observables to look up'
      }
    });
    this.providerList = h(doc, 'div', {
      className: 'jp-huntkit-lookup-providers',
      attrs: { role: 'group', 'aria-label': 'Providers' }
    });
    this.runButton = button(doc, 'Run', () => void this.run(), {
      className: 'jp-huntkit-button jp-huntkit-mod-accept jp-huntkit-lookup-run',
      title: 'Look the observables up at the checked providers (through the Jupyter server)'
    });
    this.stopButton = button(doc, 'Stop', () => (this.stopped = true), {
      className: 'jp-huntkit-button jp-huntkit-lookup-stop',
      title: 'Send no more requests; show what came back'
    });
    this.stopButton.hidden = true;
    this.status = new StatusView(doc);

    this.geoInput = h(doc, 'input', {
      className: 'jp-huntkit-lookup-geo-file',
      attrs: {
        type: 'file',
        accept: '.mmdb',
        'aria-label': 'MaxMind GeoIP database (.mmdb)'
      }
    });
    this.geoInput.addEventListener('change', () => {
      const f = this.geoInput.files?.[0];
      if (f) {
        void f.arrayBuffer().then(b => this.loadGeo(f.name, new Uint8Array(b)));
      }
    });
    this.geoInfo = h(doc, 'span', {
      className: 'jp-huntkit-lookup-geo-info',
      text: 'No GeoIP database: pick or drop a MaxMind .mmdb (read in the browser, never uploaded).'
    });
    this.node.addEventListener('dragover', event => event.preventDefault());
    this.node.addEventListener('drop', event => {
      const f = event.dataTransfer?.files[0];
      if (f && f.name.toLowerCase().endsWith('.mmdb')) {
        event.preventDefault();
        void f.arrayBuffer().then(b => this.loadGeo(f.name, new Uint8Array(b)));
      }
    });
    this.sensitiveCheck = h(doc, 'input', {
      className: 'jp-huntkit-lookup-sensitive',
      attrs: { type: 'checkbox' }
    });
    this.findings = h(doc, 'div', {
      className: 'jp-huntkit-lookup-findings',
      attrs: { 'aria-live': 'polite', 'aria-label': 'Configuration findings' }
    });
    this.findings.hidden = true;
    this.sensitiveCheck.addEventListener(
      'change',
      () => void this.setSensitive(this.sensitiveCheck.checked)
    );

    this.filter = h(doc, 'select', {
      className: 'jp-huntkit-lookup-filter',
      attrs: { 'aria-label': 'Show the rows of one provider' }
    });
    this.filter.addEventListener('change', () => this.draw());
    this.tbody = h(doc, 'tbody');
    this.thead = h(doc, 'thead', {}, [
      h(
        doc,
        'tr',
        {},
        SHOWN.map(c => h(doc, 'th', { text: c, attrs: { scope: 'col' } }))
      )
    ]);
    const table = h(doc, 'table', { className: 'jp-huntkit-table jp-huntkit-lookup-table' }, [
      this.thead,
      this.tbody
    ]);
    this.raw = h(doc, 'pre', {
      className: 'jp-huntkit-lookup-raw',
      attrs: { 'aria-label': 'The selected row as JSON' }
    });
    this.raw.hidden = true;
    this.resultBar = h(doc, 'div', { className: 'jp-huntkit-actions jp-huntkit-lookup-bar' }, [
      this.filter,
      button(doc, 'Copy CSV', () => void copyText(this.csv()), {
        className: 'jp-huntkit-button',
        title: 'Copy the rows shown as CSV'
      }),
      button(doc, 'Download CSV', () => downloadText(this.csv(), 'huntkit-lookup.csv'), {
        className: 'jp-huntkit-button',
        title: 'Save the rows shown as a CSV file'
      })
    ]);
    this.resultBar.hidden = true;

    this.node.append(
      h(doc, 'div', { className: 'jp-huntkit-header' }, [
        h(doc, 'h2', { className: 'jp-huntkit-title', text: 'Lookup' }),
        h(doc, 'p', {
          className: 'jp-huntkit-subtitle',
          text: 'Threat intelligence through the Jupyter server, with the keys it holds. Nothing is sent until Run; private addresses never are.'
        })
      ]),
      h(
        doc,
        'label',
        {
          className: 'jp-huntkit-lookup-sensitive-label',
          title:
            'The Jupyter server refuses every external lookup while this is on (for every page of this server); GeoIP still works'
        },
        [this.sensitiveCheck, ' Sensitive: block external lookups']
      ),
      this.textArea,
      this.providerList,
      h(doc, 'div', { className: 'jp-huntkit-lookup-geo' }, [
        h(doc, 'span', { className: 'jp-huntkit-lookup-geo-title', text: 'GeoIP ' }),
        this.geoInput,
        this.geoInfo
      ]),
      h(doc, 'div', { className: 'jp-huntkit-actions' }, [
        this.runButton,
        this.stopButton,
        button(doc, 'Check configuration', () => void this.checkConfig(), {
          className: 'jp-huntkit-button jp-huntkit-lookup-check',
          title:
            'Check the Jupyter server’s msticpyconfig.yaml: missing keys, unset environment variables, workspace and tenant ids that are no GUID (values are never shown)'
        })
      ]),
      this.findings,
      this.status.node,
      this.resultBar,
      h(doc, 'div', { className: 'jp-huntkit-table-wrap' }, [table]),
      this.raw
    );
  }

  /** Puts observables in the text box (from the Extract panel). */
  setIocs(iocs: readonly string[]): void {
    this.textArea.value = iocs.join('\n');
  }

  /** The rows of the last run. */
  get results(): readonly LookupResult[] {
    return this.rows;
  }

  /** The GeoIP rows of the last run, in input order. */
  get geoResults(): readonly GeoRow[] {
    return [...this.geo.values()];
  }

  /**
   * Opens a MaxMind `.mmdb` in the engine's worker (kept for the session);
   * a file that is not one is refused with what was wrong.
   */
  async loadGeo(name: string, bytes: Uint8Array): Promise<void> {
    try {
      const info = await this.engine.geoLoad(bytes, name);
      const built = new Date(info.buildEpoch * 1000).toISOString().slice(0, 10);
      this.geoLoaded = true;
      this.geoInfo.textContent = `${name}: ${info.databaseType}, built ${built}, ${formatBytes(info.bytes)} (kept in this browser tab)`;
      this.status.showMessage(
        `GeoIP database ${name} loaded: Run adds country, city and ASN to IP rows.`
      );
    } catch (error) {
      const e = error as { message?: string; kind?: string };
      this.status.showError(`${name}: ${e.message ?? String(error)}`, e.kind);
    }
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
      this.status.showError(String(error instanceof Error ? error.message : error));
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
      this.status.showMessage(
        answer.on
          ? 'Sensitive switch on: the Jupyter server refuses every external lookup.'
          : 'Sensitive switch off: lookups are sent when you Run.'
      );
    } catch (error) {
      this.sensitiveCheck.checked = !on;
      this.status.showError(String(error instanceof Error ? error.message : error));
    }
  }

  protected override onAfterShow(): void {
    void this.loadProviders();
  }

  /** Asks the server extension which providers are configured (once). */
  loadProviders(): Promise<void> {
    this.providersLoaded ??= this.fetchProviders().catch(error => {
      this.providersLoaded = null;
      this.status.showError(String(error instanceof Error ? error.message : error));
    });
    return this.providersLoaded;
  }

  private async fetchProviders(): Promise<void> {
    const [core, answer] = await Promise.all([
      this.engine.lookupProviders(),
      this.gateway('GET', API)
    ]);
    const listed = (answer as { providers?: GatewayProvider[] }).providers ?? [];
    const byName = new Map(listed.map(p => [p.name, p]));
    const doc = document;
    this.providerList.replaceChildren();
    this.checks.clear();
    for (const info of core) {
      const p = byName.get(info.name);
      const why = providerProblem(p);
      const check = h(doc, 'input', {
        attrs: { type: 'checkbox', 'data-provider': info.name }
      });
      check.checked = why === null && info.needsKey;
      check.disabled = why !== null;
      this.checks.set(info.name, check);
      this.providerList.append(
        h(
          doc,
          'label',
          {
            className: `jp-huntkit-lookup-provider${why ? ' jp-huntkit-mod-disabled' : ''}`,
            title: why ?? `Looks up ${info.supports.join(', ')}`
          },
          [
            check,
            ` ${info.name}`,
            why ? h(doc, 'span', { className: 'jp-huntkit-lookup-why', text: ` (${why})` }) : null
          ]
        )
      );
    }
    this.sensitiveCheck.checked = (answer as { sensitive?: boolean }).sensitive === true;
    if ((answer as { sensitive?: boolean }).sensitive) {
      this.status.showMessage(
        'The sensitive switch is on in this Jupyter server: every lookup will be refused.'
      );
    }
  }

  /** Checks exactly the named providers (tests and commands). */
  selectProviders(names: readonly string[]): void {
    for (const [name, check] of this.checks) {
      check.checked = !check.disabled && names.includes(name);
    }
  }

  /** Plans, sends each call through the server extension, and shows the rows. */
  async run(): Promise<void> {
    if (this.running) {
      return;
    }
    const iocs = splitIocs(this.textArea.value);
    if (iocs.length === 0) {
      this.status.showError('paste at least one observable');
      return;
    }
    this.running = true;
    this.stopped = false;
    this.runButton.disabled = true;
    this.stopButton.hidden = false;
    try {
      // GeoIP alone needs no server: a missing extension only matters
      // when a provider is asked.
      await this.loadProviders();
      const chosen = [...this.checks].filter(([, c]) => c.checked).map(([name]) => name);
      if (chosen.length === 0 && this.geoLoaded) {
        await this.runGeo(iocs);
        this.rows = [];
        this.geoOnly = true;
        this.status.showMessage(
          `${this.geo.size} addresses looked up in the GeoIP database (no provider checked).`
        );
        this.showRows();
        return;
      }
      if (chosen.length === 0) {
        this.status.showError('check at least one configured provider, or load a GeoIP database');
        return;
      }
      const plan = await this.engine.lookupPlan(iocs, chosen);
      // Answers this session already has (kept 10 minutes) are not asked again.
      const outcomes: CallOutcome[] = [...plan.cached];
      const known = new Set(plan.cached.map(o => o.id));
      const total = plan.requests.length;
      for (const call of plan.requests) {
        if (this.stopped) {
          break;
        }
        if (known.has(call.id)) {
          continue;
        }
        this.status.showMessage(
          `Looking up ${plan.iocs.length} observables: call ${outcomes.length + 1} of ${total} (${call.provider})…`
        );
        outcomes.push({ id: call.id, ...(await this.send(call.request)) });
      }
      const { rows } = await this.engine.lookupFinish(plan, outcomes);
      this.rows = rows;
      this.geoOnly = false;
      this.geo.clear();
      if (this.geoLoaded) {
        await this.runGeo(iocs);
      }
      this.status.showMessage(
        `${rows.length} rows: ${plan.iocs.length} observables, ${outcomes.length - plan.cached.length} calls made, ${plan.cached.length} answered from this session's cache, of ${total}${this.stopped ? ' (stopped)' : ''}.`
      );
      this.showRows();
    } catch (error) {
      const e = error as { message?: string; kind?: string };
      this.status.showError(e.message ?? String(error), e.kind);
    } finally {
      this.running = false;
      this.runButton.disabled = false;
      this.stopButton.hidden = true;
    }
  }

  /** GeoIP rows of the observables that are IP addresses (others are left out). */
  private async runGeo(iocs: string[]): Promise<void> {
    const { rows } = await this.engine.geoLookup(iocs);
    this.geo = new Map(rows.filter(r => r.Status !== 'invalid').map(r => [r.IpAddress, r]));
  }

  /** One planned request through the server extension: its answer, or why none. */
  private async send(request: HttpRequest): Promise<Omit<CallOutcome, 'id'>> {
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await ServerConnection.makeRequest(
          this.settings.baseUrl + `${API}/call`,
          { method: 'POST', body: JSON.stringify(request) },
          this.settings
        );
      } catch (error) {
        return {
          failure: { message: `the jupyter server could not be reached: ${String(error)}` }
        };
      }
      // A provider's own 429 is in its answer; the server's is its rate
      // limit, refused before anything left. The core decides both waits.
      let answer: HttpResponse;
      let message = '';
      if (response.ok) {
        answer = (await response.json()) as HttpResponse;
      } else {
        message = await refusal(response);
        answer = {
          status: response.status,
          headers: [['retry-after', response.headers.get('retry-after') ?? '']],
          body: ''
        };
      }
      const wait = await this.engine.lookupRetryDelay(attempt, answer);
      if (wait !== null && !this.stopped) {
        this.status.showMessage(
          `${request.provider}: rate limited; waiting ${Math.ceil(wait / 1000)} s…`
        );
        await new Promise(resolve => setTimeout(resolve, wait));
        continue;
      }
      return response.ok ? { response: answer } : { failure: { status: response.status, message } };
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

  /** The rows of the last run as the table shows them. */
  private shown(): ShownRow[] {
    if (this.geoOnly) {
      return [...this.geo.values()].map(g => ({
        ioc: g.IpAddress,
        provider: GEO_PROVIDER,
        severity: 'information',
        status: g.Status,
        details: g.Message,
        geo: g,
        source: g
      }));
    }
    return this.rows.map(r => ({
      ioc: r.Ioc,
      provider: r.Provider,
      severity: r.Severity,
      status: r.Status,
      details: detailsText(r.Details),
      geo: this.geo.get(r.Ioc),
      source: r
    }));
  }

  private showRows(): void {
    const doc = document;
    const shown = this.shown();
    const providers = [...new Set(shown.map(r => r.provider))];
    this.filter.replaceChildren(
      h(doc, 'option', { text: 'all providers', attrs: { value: '' } }),
      ...providers.map(p => h(doc, 'option', { text: p, attrs: { value: p } }))
    );
    this.resultBar.hidden = shown.length === 0;
    this.raw.hidden = true;
    const headers = [...SHOWN, ...(this.geo.size > 0 ? GEO_SHOWN.map(c => c.header) : [])];
    this.thead.replaceChildren(
      h(
        doc,
        'tr',
        {},
        headers.map(c => h(doc, 'th', { text: c, attrs: { scope: 'col' } }))
      )
    );
    this.draw();
  }

  private visible(): ShownRow[] {
    const provider = this.filter.value;
    const shown = this.shown();
    return provider ? shown.filter(r => r.provider === provider) : shown;
  }

  private draw(): void {
    const doc = document;
    const withGeo = this.geo.size > 0;
    this.tbody.replaceChildren(
      ...this.visible().map(row => {
        const cells: Array<[string, string]> = [
          ['Ioc', row.ioc],
          ['Provider', row.provider],
          ['Severity', row.severity],
          ['Status', row.status],
          ['Details', row.details]
        ];
        if (withGeo) {
          for (const c of GEO_SHOWN) {
            cells.push([c.header, row.geo ? c.value(row.geo) : '']);
          }
        }
        const tr = h(
          doc,
          'tr',
          {
            className: `jp-huntkit-lookup-row jp-huntkit-sev-${row.severity}`,
            attrs: { tabindex: '0', 'data-status': row.status }
          },
          cells.map(([c, text]) => h(doc, 'td', { className: `jp-huntkit-lookup-${c}`, text }))
        );
        const show = (): void => {
          this.raw.textContent = JSON.stringify(
            row.geo && row.source !== row.geo ? { ...row.source, GeoIP: row.geo } : row.source,
            null,
            2
          );
          this.raw.hidden = false;
        };
        tr.addEventListener('click', show);
        tr.addEventListener('keydown', event => {
          if (event.key === 'Enter') {
            show();
          }
        });
        return tr;
      })
    );
  }

  /**
   * The rows shown as CSV: the core's lookup columns, then (with a GeoIP
   * database) the core's GeoIP columns that do not repeat them; a
   * GeoIP-only run has the GeoIP columns alone.
   */
  private csv(): string {
    const rows = this.visible();
    const sample = rows.find(r => r.geo)?.geo;
    const geoKeys = sample
      ? (Object.keys(sample) as Array<keyof GeoRow>).filter(
          k => this.geoOnly || !GEO_REPEATED.has(k)
        )
      : [];
    const geoColumns = geoKeys.map(k => ({
      header: k,
      value: (r: ShownRow): Cell => r.geo?.[k] ?? null
    }));
    if (this.geoOnly) {
      return toCsv(rows, geoColumns);
    }
    const lookupColumns = COLUMNS.map(c => ({
      header: c.header,
      value: (r: ShownRow): Cell => c.value(r.source as LookupResult)
    }));
    return toCsv(rows, [...lookupColumns, ...geoColumns]);
  }
}

/** Why a provider cannot be checked, or `null`. */
function providerProblem(p: GatewayProvider | undefined): string | null {
  if (!p) {
    return 'not offered by the jupyter server';
  }
  if (p.configured) {
    return null;
  }
  if (p.note) {
    return p.note;
  }
  return p.missing?.length ? `missing ${p.missing.join(', ')}` : 'not configured';
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
