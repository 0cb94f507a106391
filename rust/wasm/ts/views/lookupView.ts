/**
 * The Lookup view both hosts show: observables, provider checkboxes, Run,
 * and the results (severity colours, a provider filter, raw JSON on click,
 * CSV copy and download). The engine (worker) checks the observables and
 * plans each call; the view hands each planned request to its host (the
 * Jupyter server's route, or VS Code's extension host over renderer
 * messaging), which adds the key and calls the provider; the engine reads
 * the answers into rows. The view never names a host and never holds a
 * key, and nothing is sent until Run. Every string from data is inserted as
 * text.
 *
 * GeoIP is offline and needs no host: a MaxMind `.mmdb` the analyst picks
 * or drops is read in the page and opened by the core in the engine's
 * worker (kept for the session, never uploaded); Run then adds country,
 * city and ASN columns to the rows, or, with no provider checked, looks the
 * addresses up in the database alone.
 */
import type {
  CallOutcome,
  GeoRow,
  HttpRequest,
  HttpResponse,
  LookupPlan,
  LookupProviderInfo,
  LookupResult
} from '../../pkg/huntkit_wasm.js';
import type { GeoLoaded, LookupPlanned } from '../protocol.js';
import { copyText, downloadText } from './clipboard.js';
import { button, formatBytes, h } from './dom.js';
import { toCsv, type Cell } from './export.js';
import { StatusView } from './status.js';

/** What the view needs from the engine (a `HuntkitEngine`). */
export interface LookupEngine {
  lookupProviders(): Promise<LookupProviderInfo[]>;
  lookupPlan(iocs: string[], providers: string[]): Promise<LookupPlanned>;
  lookupFinish(plan: LookupPlan, outcomes: CallOutcome[]): Promise<{ rows: LookupResult[] }>;
  lookupRetryDelay(attempt: number, response: HttpResponse): Promise<number | null>;
  /** Opens a MaxMind `.mmdb` in the worker (kept for the session). */
  geoLoad(bytes: Uint8Array, name: string): Promise<GeoLoaded>;
  /** GeoIP rows of the observables, from the loaded database. */
  geoLookup(ips: string[]): Promise<{ rows: GeoRow[] }>;
}

/** One provider as the host reports it (never a key). */
export interface LookupHostProvider {
  name: string;
  configured: boolean;
  /** Secrets or configuration keys still missing. */
  missing?: string[];
  note?: string;
}

/** A call the host refused or could not make (its rate limit, no key, unreachable). */
export interface LookupRefusal {
  /** The host's HTTP-like status; absent when the host could not be reached. */
  status?: number;
  message: string;
  retryAfter?: string | null;
}

/** Where the view's calls go: the host that holds the keys. */
export interface LookupHost {
  /** The host's name in messages ("the Jupyter server", "the VS Code extension host"). */
  readonly label: string;
  /** Which providers the host can call, and why none may be called now (`blocked`). */
  providers(): Promise<{ providers: LookupHostProvider[]; blocked?: string | null }>;
  /**
   * Performs one planned call: the provider's answer (any status), or why
   * none (refused, unreachable). Throws only when no later call can succeed
   * either (the host is missing); the run then stops with that message.
   */
  call(request: HttpRequest): Promise<{ response: HttpResponse } | { refused: LookupRefusal }>;
}

/** What a `LookupView` is made with. */
export interface LookupViewOptions {
  /** The view's title (default "Lookup"). */
  title?: string;
  /** The line under the title. */
  subtitle?: string;
  /** Observables to start with. */
  iocs?: readonly string[];
  /** Providers to check first (default: every configured one that needs a key). */
  providers?: readonly string[];
  /** A host's own controls, shown above the text box (JupyterLab's sensitive switch). */
  controls?: readonly Node[];
  /** A host's own buttons, after Run and Stop (JupyterLab's Check configuration). */
  actions?: readonly Node[];
  /** A host's own output, between the buttons and the status line (configuration findings). */
  below?: readonly Node[];
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

/** Why a provider cannot be checked, or `null`. */
function providerProblem(p: LookupHostProvider | undefined, host: string): string | null {
  if (!p) {
    return `not offered by ${host}`;
  }
  if (p.configured) {
    return null;
  }
  if (p.note) {
    return p.note;
  }
  return p.missing?.length ? `missing ${p.missing.join(', ')}` : 'not configured';
}

/** The Lookup view. */
export class LookupView {
  /** The element to put in the page. */
  readonly node: HTMLDivElement;
  private readonly doc: Document;
  private readonly textArea: HTMLTextAreaElement;
  private readonly providerList: HTMLDivElement;
  private readonly runButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  /** The status line (hosts show their own messages in it too). */
  readonly status: StatusView;
  private readonly filter: HTMLSelectElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly raw: HTMLPreElement;
  private readonly resultBar: HTMLDivElement;
  private readonly checks = new Map<string, HTMLInputElement>();
  private readonly geoInput: HTMLInputElement;
  private readonly geoInfo: HTMLSpanElement;
  private readonly initialProviders: readonly string[] | null;
  private rows: LookupResult[] = [];
  /** GeoIP rows of the last run, by the observable as given. */
  private geo = new Map<string, GeoRow>();
  /** The last run was GeoIP only (no provider checked). */
  private geoOnly = false;
  private geoLoaded = false;
  private providersLoaded: Promise<void> | null = null;
  private stopped = false;
  private running = false;

  constructor(
    doc: Document,
    private readonly engine: LookupEngine,
    private readonly host: LookupHost | null,
    options: LookupViewOptions = {}
  ) {
    this.doc = doc;
    this.initialProviders = options.providers ?? null;
    const where = host?.label ?? 'the host';
    this.textArea = h(doc, 'textarea', {
      className: 'jp-huntkit-input-text jp-huntkit-lookup-input',
      attrs: {
        rows: '6',
        spellcheck: 'false',
        placeholder: 'Paste IPs, domains, URLs or hashes, one a line (defanged is fine)',
        'aria-label': 'Observables to look up'
      }
    });
    this.textArea.value = (options.iocs ?? []).join('\n');
    this.providerList = h(doc, 'div', {
      className: 'jp-huntkit-lookup-providers',
      attrs: { role: 'group', 'aria-label': 'Providers' }
    });
    this.runButton = button(doc, 'Run', () => void this.run(), {
      className: 'jp-huntkit-button jp-huntkit-mod-accept jp-huntkit-lookup-run',
      title: `Look the observables up at the checked providers (through ${where})`
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
        className: 'jp-huntkit-button jp-huntkit-lookup-copy',
        title: 'Copy the rows shown as CSV'
      }),
      button(doc, 'Download CSV', () => downloadText(this.csv(), 'huntkit-lookup.csv'), {
        className: 'jp-huntkit-button jp-huntkit-lookup-download',
        title: 'Save the rows shown as a CSV file'
      })
    ]);
    this.resultBar.hidden = true;

    this.node = h(doc, 'div', { className: 'jp-huntkit-lookup' }, [
      h(doc, 'div', { className: 'jp-huntkit-header' }, [
        h(doc, 'h2', { className: 'jp-huntkit-title', text: options.title ?? 'Lookup' }),
        h(doc, 'p', {
          className: 'jp-huntkit-subtitle',
          text:
            options.subtitle ??
            `Threat intelligence through ${where}, with the keys it holds. Nothing is sent until Run; private addresses never are.`
        })
      ]),
      ...(options.controls ?? []),
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
        ...(options.actions ?? [])
      ]),
      ...(options.below ?? []),
      this.status.node,
      this.resultBar,
      h(doc, 'div', { className: 'jp-huntkit-table-wrap' }, [table]),
      this.raw
    ]);
    this.node.addEventListener('dragover', event => event.preventDefault());
    this.node.addEventListener('drop', event => {
      const f = event.dataTransfer?.files[0];
      if (f && f.name.toLowerCase().endsWith('.mmdb')) {
        event.preventDefault();
        void f.arrayBuffer().then(b => this.loadGeo(f.name, new Uint8Array(b)));
      }
    });
    if (!host) {
      this.runButton.disabled = true;
      this.status.showMessage(
        'Lookups need the huntkit host (the Jupyter server extension, or the VS Code extension); it is not reachable here. GeoIP from a .mmdb works without it.'
      );
    }
  }

  /** Puts observables in the text box. */
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
      // GeoIP alone needs no host.
      this.runButton.disabled = this.running;
      this.geoInfo.textContent = `${name}: ${info.databaseType}, built ${built}, ${formatBytes(info.bytes)} (kept in this page)`;
      this.status.showMessage(
        `GeoIP database ${name} loaded: Run adds country, city and ASN to IP rows.`
      );
    } catch (error) {
      const e = error as { message?: string; kind?: string };
      this.status.showError(`${name}: ${e.message ?? String(error)}`, e.kind);
    }
  }

  /** Asks the engine and the host which providers there are and which can be called (once). */
  loadProviders(): Promise<void> {
    if (!this.host) {
      return Promise.resolve();
    }
    this.providersLoaded ??= this.fetchProviders().catch(error => {
      this.providersLoaded = null;
      this.status.showError(String(error instanceof Error ? error.message : error));
    });
    return this.providersLoaded;
  }

  private async fetchProviders(): Promise<void> {
    const host = this.host;
    if (!host) {
      return;
    }
    const [core, answer] = await Promise.all([this.engine.lookupProviders(), host.providers()]);
    const byName = new Map(answer.providers.map(p => [p.name, p]));
    const doc = this.doc;
    this.providerList.replaceChildren();
    this.checks.clear();
    for (const info of core) {
      const why = providerProblem(byName.get(info.name), host.label);
      const check = h(doc, 'input', {
        attrs: { type: 'checkbox', 'data-provider': info.name }
      });
      check.checked =
        why === null &&
        (this.initialProviders ? this.initialProviders.includes(info.name) : info.needsKey);
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
    if (answer.blocked) {
      this.status.showMessage(`${answer.blocked}: every lookup will be refused.`);
    }
  }

  /** Checks exactly the named providers (tests and commands). */
  selectProviders(names: readonly string[]): void {
    for (const [name, check] of this.checks) {
      check.checked = !check.disabled && names.includes(name);
    }
  }

  /** Plans, sends each call through the host, and shows the rows. */
  async run(): Promise<void> {
    if (this.running || (!this.host && !this.geoLoaded)) {
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
      // GeoIP alone needs no host: a missing one only matters when a
      // provider is asked.
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
      this.runButton.disabled = !this.host && !this.geoLoaded;
      this.stopButton.hidden = true;
    }
  }

  /** GeoIP rows of the observables that are IP addresses (others are left out). */
  private async runGeo(iocs: string[]): Promise<void> {
    const { rows } = await this.engine.geoLookup(iocs);
    this.geo = new Map(rows.filter(r => r.Status !== 'invalid').map(r => [r.IpAddress, r]));
  }

  /** One planned request through the host: its answer, or why none (waits out rate limits the core allows). */
  private async send(request: HttpRequest): Promise<Omit<CallOutcome, 'id'>> {
    const host = this.host as LookupHost;
    for (let attempt = 1; ; attempt++) {
      const result = await host.call(request);
      // A provider's own 429 is in its answer; the host's is its rate
      // limit, refused before anything left. The core decides both waits.
      const answer: HttpResponse =
        'response' in result
          ? result.response
          : {
              status: result.refused.status ?? 0,
              headers: [['retry-after', result.refused.retryAfter ?? '']],
              body: ''
            };
      const wait = await this.engine.lookupRetryDelay(attempt, answer);
      if (wait !== null && !this.stopped) {
        this.status.showMessage(
          `${request.provider}: rate limited; waiting ${Math.ceil(wait / 1000)} s…`
        );
        await new Promise(resolve => setTimeout(resolve, wait));
        continue;
      }
      return 'response' in result
        ? { response: result.response }
        : {
            failure: {
              ...(result.refused.status === undefined ? {} : { status: result.refused.status }),
              message: result.refused.message
            }
          };
    }
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
    const doc = this.doc;
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
    const doc = this.doc;
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
  csv(): string {
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
