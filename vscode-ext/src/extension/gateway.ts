/**
 * The gateway: performs one provider call for the renderer, after the same
 * checks as the Jupyter server's (`jupyterlab_huntkit/server/registry.py`
 * and `gateway.py`), with the key from VS Code's `SecretStorage`.
 *
 * It is not a proxy. The renderer sends the core's `HttpRequest` (provider,
 * operation, method, path, query, allow-listed headers, body, optional
 * `baseUrl`) and never a URL or a key; the host comes from the provider
 * registry the core generates (`providers.json`, bundled into the
 * extension: no provider, host or header is named here), the key from the
 * host's secrets. The client connects only to public addresses (checked
 * after resolving, and the checked address is the one connected to),
 * follows no redirect, and reads at most `maxResponseBytes`.
 *
 * No `vscode` import: the extension hands in where secrets and settings
 * come from, so this module runs (and is tested) under plain Node.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { isLoopbackLiteral, whyRefused } from './addresses';

/** One call as the core plans it (`huntkit_core::providers::HttpRequest`). */
export interface PlannedRequest {
  provider: string;
  operation: string;
  method: string;
  path: string;
  baseUrl?: string | null;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: string | null;
}

/** What came back (`huntkit_core::providers::HttpResponse`). */
export interface ProviderResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** A refused or failed call: an HTTP-like status and a message (lower case, never a secret). */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter: string | null = null
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** A provider's entry in `providers.json` (as serde writes `ProviderDef`). */
export interface ProviderDef {
  name: string;
  configName: string;
  kind: string;
  baseUrl: { type: string; value: string | string[] };
  auth: { type: string; [key: string]: string };
  operations: Array<{ name: string; method: string; pathPattern: string }>;
  rateLimit: { requests: number; perSeconds: number } | null;
}

/** `providers.json` as `gen_contract` writes it. */
export interface RegistryDoc {
  providers: ProviderDef[];
  requestHeaders: string[];
  responseHeaders: string[];
  httpRequest: {
    properties: Record<string, unknown>;
    required?: string[];
    $defs: { Method: { oneOf: Array<{ const: string }> } };
  };
}

/** What the renderer may know of a provider: never a key. */
export interface ProviderStatus {
  name: string;
  configName: string;
  kind: string;
  auth: string;
  configured: boolean;
  /** The secrets still missing (`virustotal.AuthKey`). */
  missing: string[];
  note?: string;
}

/** Where the gateway gets what it does not hold. */
export interface GatewayHost {
  /** A stored secret of a provider (`AuthKey`, `ApiID`, a configured base URL), or undefined. */
  secret(provider: string, key: string): Promise<string | undefined>;
  /**
   * An Azure access token for `scope` (the provider's, with a Kusto
   * cluster's URL put in), for a provider with bearer authentication;
   * throws a `GatewayError` when there is none.
   */
  token?(provider: ProviderDef, scope: string): Promise<string>;
  /** Whether the sensitive switch is on (read at every call). */
  sensitive(): boolean;
}

/** Limits and test settings; all optional. */
export interface GatewayOptions {
  /** Seconds a call may take in all (default 30). */
  timeoutSeconds?: number;
  /** Largest answer read, in bytes (default 16 MiB). */
  maxResponseBytes?: number;
  /** Seconds a SIEM query may take in all (default 660: Log Analytics stops one at 10 minutes). */
  queryTimeoutSeconds?: number;
  /** Largest SIEM query answer read, in bytes (default 256 MiB). */
  maxQueryResponseBytes?: number;
  /**
   * For end-to-end tests only: base URLs that replace a provider's, by
   * provider name. Each must be a loopback address literal; calls to it may
   * use plain http and reach loopback. Any other value is refused.
   */
  testBaseUrls?: Record<string, string>;
  /** The User-Agent sent (default `huntkit-vscode`). */
  userAgent?: string;
}

/** Characters a path may hold as the core writes it (RFC 3986 pchar, `/`, escapes). */
const PATH_CHARS = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

interface Origin {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  prefix: string;
}

/** Reads `https://host[:port][/prefix]`; names `what` when it is not one. */
function parseOrigin(url: string, what: string): Origin {
  let text = url.trim();
  if (!text.includes('://')) {
    text = `https://${text}`;
  }
  let parts: URL;
  try {
    parts = new URL(text);
  } catch {
    throw new GatewayError(400, `${what} is not a valid url`);
  }
  const scheme = parts.protocol.slice(0, -1);
  if ((scheme !== 'https' && scheme !== 'http') || !parts.hostname) {
    throw new GatewayError(400, `${what} is not an http(s) url`);
  }
  if (parts.username || parts.password || parts.search || parts.hash) {
    throw new GatewayError(400, `${what} must not hold credentials, a query or a fragment`);
  }
  return {
    scheme,
    host: parts.hostname.toLowerCase().replace(/^\[|\]$/g, ''),
    port: parts.port ? Number(parts.port) : scheme === 'https' ? 443 : 80,
    prefix: parts.pathname.replace(/\/+$/, '')
  };
}

const sameOrigin = (a: Origin, b: Origin): boolean =>
  a.scheme === b.scheme && a.host === b.host && a.port === b.port && a.prefix === b.prefix;

/** Refuses paths a server could read differently from the pattern check. */
export function checkPath(path: string): void {
  if (!PATH_CHARS.test(path)) {
    throw new GatewayError(
      400,
      `path ${JSON.stringify(path)} must start with / and hold only url path characters`
    );
  }
  if (path.includes('//')) {
    throw new GatewayError(400, `path ${JSON.stringify(path)} has an empty segment`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new GatewayError(400, `path ${JSON.stringify(path)} has a bad percent escape`);
  }
  for (const segment of decoded.replace(/\\/g, '/').split('/')) {
    if (segment === '.' || segment === '..') {
      throw new GatewayError(400, `path ${JSON.stringify(path)} has a dot segment`);
    }
  }
}

function text(request: Record<string, unknown>, key: string): string {
  const value = request[key];
  if (typeof value !== 'string') {
    throw new GatewayError(400, `'${key}' must be a string`);
  }
  return value;
}

function pairs(request: Record<string, unknown>, key: string): Array<[string, string]> {
  const value = request[key] ?? [];
  const ok =
    Array.isArray(value) &&
    value.every(p => Array.isArray(p) && p.length === 2 && p.every(s => typeof s === 'string'));
  if (!ok) {
    throw new GatewayError(400, `'${key}' must be a list of [name, value] string pairs`);
  }
  const list = value as Array<[string, string]>;
  if (list.some(([n, v]) => /[\r\n\0]/.test(n + v))) {
    throw new GatewayError(400, `'${key}' holds a line break or nul character`);
  }
  return list.map(([n, v]) => [n, v]);
}

/** A request that passed every registry check. */
interface Call {
  provider: ProviderDef;
  operation: string;
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: Array<[string, string]>;
  body: string | null;
  baseUrl: string | null;
}

/**
 * What a call is for: an `output` (a notebook output's Lookup view, over
 * the renderer's channel: the core's `ti` and `context` kinds) or a `query`
 * ("huntkit: Run SIEM query", run by the extension host itself: the `siem`
 * kind).
 */
export type Purpose = 'output' | 'query';

/**
 * Why the extension host does not make this call, or `null` when it does.
 * The renderer's channel carries lookups only; SIEM queries are planned by
 * the core in the extension host ("huntkit: Run SIEM query"); token
 * endpoints (`auth`, Azure AD) are never a caller's to name.
 */
export function notCalledHere(p: ProviderDef, purpose: Purpose = 'output'): string | null {
  if (p.kind === 'auth') {
    return `provider '${p.name}' is called by the host only`;
  }
  if (p.kind === 'siem' && purpose === 'output') {
    return `provider '${p.name}' is a siem query provider: run it with "huntkit: Run SIEM query", not from an output`;
  }
  if (p.kind !== 'siem' && purpose === 'query') {
    return `provider '${p.name}' is not a siem query provider`;
  }
  return null;
}

/** Splunk's management port, when `port` is not stored (as MSTICPy's driver). */
export const SPLUNK_PORT = '8089';

/**
 * The secret names a provider's calls read (its key names, a configured
 * base URL; Splunk's `port`, optional). For `basic_or_token` the token
 * comes first: either it or the user name and password is needed.
 */
export function secretKeys(p: ProviderDef): string[] {
  const a = p.auth;
  const keys =
    a.type === 'header' || a.type === 'query'
      ? [a.config_key]
      : a.type === 'basic'
        ? [a.user_key, a.password_key]
        : a.type === 'basic_or_token'
          ? [a.token_key, a.user_key, a.password_key]
          : [];
  if (p.baseUrl.type === 'from_config') {
    keys.push(String(p.baseUrl.value));
    if (p.baseUrl.value === 'host') {
      keys.push('port');
    }
  }
  return keys;
}

/** The secrets still missing for a provider's calls (by name), from what is stored. */
export function missingSecrets(p: ProviderDef, stored: ReadonlySet<string>): string[] {
  const a = p.auth;
  let missing = secretKeys(p).filter(k => !stored.has(k) && k !== 'port');
  if (a.type === 'basic_or_token') {
    const login = [a.user_key, a.password_key];
    missing = stored.has(a.token_key)
      ? missing.filter(k => k !== a.token_key && !login.includes(k))
      : login.every(k => stored.has(k))
        ? missing.filter(k => k !== a.token_key)
        : missing;
  }
  return missing;
}

/** The text with every secret replaced, so an echoed key never reaches the renderer. */
function scrub(value: string, secrets: readonly string[]): string {
  let out = value;
  for (const secret of secrets) {
    if (secret) {
      out = out.split(secret).join('[secret removed]');
    }
  }
  return out;
}

/** The provider calls of the extension host. */
export class Gateway {
  private readonly providers = new Map<string, ProviderDef>();
  private readonly patterns = new Map<string, RegExp>();
  private readonly requestHeaders: ReadonlySet<string>;
  private readonly responseHeaders: ReadonlySet<string>;
  private readonly fields: ReadonlySet<string>;
  private readonly required: readonly string[];
  private readonly methods: ReadonlySet<string>;
  /** Per provider: tokens left and the time of the last refill (ms). */
  private readonly buckets = new Map<string, [number, number]>();
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly queryTimeoutMs: number;
  private readonly maxQueryBytes: number;
  private readonly testOrigins = new Map<string, Origin>();
  private readonly userAgent: string;

  constructor(
    doc: RegistryDoc,
    private readonly host: GatewayHost,
    options: GatewayOptions = {}
  ) {
    for (const p of doc.providers) {
      this.providers.set(p.name, p);
      for (const op of p.operations) {
        // Anchored as a whole, like Python's `fullmatch`.
        this.patterns.set(`${p.name}\0${op.name}`, new RegExp(`^(?:${op.pathPattern})$`));
      }
    }
    this.requestHeaders = new Set(doc.requestHeaders.map(h => h.toLowerCase()));
    this.responseHeaders = new Set(doc.responseHeaders.map(h => h.toLowerCase()));
    this.fields = new Set([...Object.keys(doc.httpRequest.properties), 'baseUrl']);
    this.required = doc.httpRequest.required ?? [];
    this.methods = new Set(doc.httpRequest.$defs.Method.oneOf.map(m => m.const));
    this.timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
    this.maxBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.queryTimeoutMs = (options.queryTimeoutSeconds ?? 660) * 1000;
    this.maxQueryBytes = options.maxQueryResponseBytes ?? 256 * 1024 * 1024;
    this.userAgent = options.userAgent ?? 'huntkit-vscode';
    for (const [name, url] of Object.entries(options.testBaseUrls ?? {})) {
      const origin = parseOrigin(url, `the test base url of provider '${name}'`);
      if (!isLoopbackLiteral(origin.host)) {
        throw new GatewayError(
          400,
          `the test base url of provider '${name}' must be a loopback address (127.0.0.1), not '${origin.host}'`
        );
      }
      this.testOrigins.set(name, origin);
    }
  }

  /** Every provider called for `purpose`, whether its secrets are stored (and which are missing); never a key. */
  async status(
    purpose: Purpose = 'output'
  ): Promise<{ sensitive: boolean; providers: ProviderStatus[] }> {
    const providers: ProviderStatus[] = [];
    for (const p of this.providers.values()) {
      if (notCalledHere(p, purpose)) {
        continue;
      }
      const item: ProviderStatus = {
        name: p.name,
        configName: p.configName,
        kind: p.kind,
        auth: p.auth.type,
        configured: true,
        missing: []
      };
      if (p.auth.type === 'bearer') {
        item.note = 'sign in to azure (huntkit: Sign in to Azure)';
      }
      const stored = new Set<string>();
      for (const key of secretKeys(p)) {
        if (await this.host.secret(p.name, key)) {
          stored.add(key);
        }
      }
      item.missing = missingSecrets(p, stored).map(key => `${p.name}.${key}`);
      item.configured = item.missing.length === 0;
      providers.push(item);
    }
    return { sensitive: this.host.sensitive(), providers };
  }

  /** The names of the stored secrets a provider needs (for "Set API key"). */
  secretNames(provider: string): string[] {
    const p = this.providers.get(provider);
    return p && p.kind !== 'auth' ? secretKeys(p) : [];
  }

  /** Checks a core-built request against the registry (throws `GatewayError`). */
  check(value: unknown, purpose: Purpose = 'output'): Call {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new GatewayError(400, 'the request must be a json object');
    }
    const request = value as Record<string, unknown>;
    const unknown = Object.keys(request)
      .filter(k => !this.fields.has(k))
      .sort();
    if (unknown.length) {
      throw new GatewayError(400, `unknown request field '${unknown[0]}'`);
    }
    const missing = this.required.filter(k => !(k in request));
    if (missing.length) {
      throw new GatewayError(400, `the request has no '${missing[0]}'`);
    }
    const name = text(request, 'provider');
    const provider = this.providers.get(name);
    if (!provider) {
      throw new GatewayError(404, `unknown provider '${name}'`);
    }
    const elsewhere = notCalledHere(provider, purpose);
    if (elsewhere) {
      throw new GatewayError(403, elsewhere);
    }
    const operation = text(request, 'operation');
    const op = provider.operations.find(o => o.name === operation);
    if (!op) {
      throw new GatewayError(404, `provider '${name}' has no operation '${operation}'`);
    }
    const method = text(request, 'method');
    if (!this.methods.has(method)) {
      throw new GatewayError(400, `unknown method '${method}'`);
    }
    if (method !== op.method) {
      throw new GatewayError(
        405,
        `operation ${name}.${operation} takes ${op.method}, not ${method}`
      );
    }
    const path = text(request, 'path');
    checkPath(path);
    if (!this.patterns.get(`${name}\0${operation}`)?.test(path)) {
      throw new GatewayError(
        403,
        `path ${JSON.stringify(path)} is not allowed for operation ${name}.${operation}`
      );
    }
    const query = pairs(request, 'query');
    const headers = pairs(request, 'headers');
    for (const [header] of headers) {
      if (!this.requestHeaders.has(header.toLowerCase())) {
        throw new GatewayError(403, `header '${header}' may not be sent from the renderer`);
      }
    }
    const body = request.body ?? null;
    if (body !== null && typeof body !== 'string') {
      throw new GatewayError(400, "'body' must be a string or null");
    }
    const baseUrl = request.baseUrl ?? null;
    if (baseUrl !== null && typeof baseUrl !== 'string') {
      throw new GatewayError(400, "'baseUrl' must be a string or null");
    }
    return { provider, operation, method, path, query, headers, body, baseUrl };
  }

  /**
   * Checks and performs one planned request; the provider's answer (any
   * status) with allow-listed headers and secrets scrubbed. Throws
   * `GatewayError` when refused or when the provider cannot be reached.
   */
  async call(request: unknown, purpose: Purpose = 'output'): Promise<ProviderResponse> {
    if (this.host.sensitive()) {
      throw new GatewayError(403, 'external lookups are blocked: the sensitive switch is on');
    }
    const call = this.check(request, purpose);
    const p = call.provider;
    const origin = await this.origin(call);
    const query = [...call.query];
    const headers: Record<string, string> = {};
    for (const [name, value] of call.headers) {
      headers[name.toLowerCase()] = value;
    }
    const secrets: string[] = [];
    const need = async (key: string): Promise<string> => {
      const value = await this.host.secret(p.name, key);
      if (!value) {
        throw new GatewayError(
          401,
          `provider '${p.name}' has no ${key} stored: run "huntkit: Set API key"`
        );
      }
      secrets.push(value);
      return value;
    };
    const auth = p.auth;
    if (auth.type === 'header') {
      headers[auth.header.toLowerCase()] = await need(auth.config_key);
    } else if (auth.type === 'query') {
      if (query.some(([n]) => n === auth.param)) {
        throw new GatewayError(403, `query parameter '${auth.param}' is set by the host only`);
      }
      query.push([auth.param, await need(auth.config_key)]);
    } else if (auth.type === 'basic') {
      const user = await need(auth.user_key);
      const password = await need(auth.password_key);
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      secrets.push(headers.authorization.slice(6));
    } else if (auth.type === 'basic_or_token') {
      const token = await this.host.secret(p.name, auth.token_key);
      if (token) {
        secrets.push(token);
        headers.authorization = `Bearer ${token}`;
      } else {
        const user = await this.host.secret(p.name, auth.user_key);
        const password = await this.host.secret(p.name, auth.password_key);
        if (!user || !password) {
          throw new GatewayError(
            401,
            `provider '${p.name}' has neither ${auth.token_key} nor ${auth.user_key} and ${auth.password_key} stored: run "huntkit: Set API key"`
          );
        }
        secrets.push(user, password);
        headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
        secrets.push(headers.authorization.slice(6));
      }
    } else if (auth.type === 'bearer') {
      if (!this.host.token) {
        throw new GatewayError(501, `provider '${p.name}' needs an azure token`);
      }
      // A Kusto cluster's scope is its own URL.
      const scope = (auth.scope ?? '').split('{base_url}').join(originText(origin));
      const token = await this.host.token(p, scope);
      secrets.push(token);
      headers.authorization = `Bearer ${token}`;
    } else if (auth.type !== 'none') {
      throw new GatewayError(
        501,
        `provider '${p.name}' uses '${auth.type}' authentication, not supported yet`
      );
    }
    if (call.method === 'GET' && call.body !== null) {
      throw new GatewayError(
        400,
        `operation ${p.name}.${call.operation} is a GET and takes no body`
      );
    }
    const search = query.length ? `?${new URLSearchParams(query).toString()}` : '';
    const target = `${origin.prefix}${call.path}${search}`;
    this.takeToken(p);
    const siem = p.kind === 'siem';
    const response = await this.send(p.name, origin, call.method, target, headers, call.body, {
      timeoutMs: siem ? this.queryTimeoutMs : this.timeoutMs,
      maxBytes: siem ? this.maxQueryBytes : this.maxBytes
    });
    if (response.status >= 300 && response.status < 400) {
      // Never followed; one to another host is refused outright (its URL
      // may carry what the provider echoed, and is not passed on).
      const location = response.headers.find(([n]) => n === 'location')?.[1];
      if (location !== undefined) {
        let other: boolean;
        try {
          const to = new URL(location, `${origin.scheme}://${hostPart(origin)}:${origin.port}/`);
          other =
            to.protocol !== `${origin.scheme}:` ||
            to.hostname.replace(/^\[|\]$/g, '').toLowerCase() !== origin.host ||
            Number(to.port || (to.protocol === 'https:' ? 443 : 80)) !== origin.port;
        } catch {
          other = true;
        }
        if (other) {
          throw new GatewayError(
            502,
            `provider '${p.name}' redirected to another host, which is not followed`
          );
        }
      }
    }
    return {
      status: response.status,
      headers: response.headers
        .filter(([n]) => this.responseHeaders.has(n))
        .map(([n, v]): [string, string] => [n, scrub(v, secrets)]),
      body: scrub(response.body, secrets)
    };
  }

  /** The base to call: the registry's (or the test setting's) one, or `baseUrl` only when it is one of the listed. */
  private async origin(call: Call): Promise<Origin> {
    const p = call.provider;
    const test = this.testOrigins.get(p.name);
    if (test) {
      return test;
    }
    const base = p.baseUrl;
    let allowed: Origin[];
    if (base.type === 'fixed') {
      allowed = [parseOrigin(String(base.value), `the base url of provider '${p.name}'`)];
    } else if (base.type === 'listed' && Array.isArray(base.value)) {
      allowed = base.value.map(u => parseOrigin(u, `a base url of provider '${p.name}'`));
    } else if (base.type === 'from_config') {
      const value = await this.host.secret(p.name, String(base.value));
      if (!value) {
        throw new GatewayError(
          401,
          `provider '${p.name}' has no ${String(base.value)} stored: run "huntkit: Set API key"`
        );
      }
      let url = value.trim();
      if (base.value === 'host' && !url.includes('://')) {
        // Splunk's host and port (its management port by default), as in msticpyconfig.
        const port = (await this.host.secret(p.name, 'port'))?.trim() || SPLUNK_PORT;
        url = `https://${url}:${port}`;
      }
      allowed = [parseOrigin(url, `${p.name}.${String(base.value)}`)];
    } else {
      throw new GatewayError(
        501,
        `provider '${p.name}' has a base url of unknown type '${base.type}'`
      );
    }
    let origin: Origin;
    if (call.baseUrl === null) {
      if (allowed.length !== 1) {
        throw new GatewayError(
          400,
          `provider '${p.name}' needs a baseUrl, one of its listed hosts`
        );
      }
      origin = allowed[0];
    } else {
      origin = parseOrigin(call.baseUrl, 'baseUrl');
      if (!allowed.some(a => sameOrigin(a, origin))) {
        throw new GatewayError(
          403,
          `host '${origin.host}' is not on the allow-list of provider '${p.name}'`
        );
      }
    }
    if (origin.scheme !== 'https') {
      throw new GatewayError(403, `provider '${p.name}': only https hosts are reached`);
    }
    return origin;
  }

  /** One request from the provider's token bucket; a 429 with Retry-After before anything leaves when empty. */
  private takeToken(p: ProviderDef): void {
    const limit = p.rateLimit;
    if (!limit || !limit.requests || !limit.perSeconds) {
      return;
    }
    const capacity = limit.requests;
    const rate = capacity / (limit.perSeconds * 1000);
    const now = Date.now();
    const [left, last] = this.buckets.get(p.name) ?? [capacity, now];
    const tokens = Math.min(capacity, left + (now - last) * rate);
    if (tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - tokens) / rate / 1000));
      this.buckets.set(p.name, [tokens, now]);
      throw new GatewayError(
        429,
        `rate limit of provider '${p.name}' reached (${limit.requests} per ${limit.perSeconds} s): retry in ${wait} s`,
        String(wait)
      );
    }
    this.buckets.set(p.name, [tokens - 1, now]);
  }

  /** Resolves, checks every address, connects to the checked one and reads a bounded answer. */
  private async send(
    name: string,
    origin: Origin,
    method: string,
    target: string,
    headers: Record<string, string>,
    body: string | null,
    limits: { timeoutMs: number; maxBytes: number }
  ): Promise<ProviderResponse> {
    const { timeoutMs, maxBytes } = limits;
    const test = this.testOrigins.has(name);
    let addresses: Array<{ address: string; family: number }>;
    if (isIP(origin.host)) {
      addresses = [{ address: origin.host, family: isIP(origin.host) }];
    } else {
      try {
        addresses = await dnsLookup(origin.host, { all: true, verbatim: true });
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'lookup failed';
        throw new GatewayError(502, `provider '${name}' could not be reached: ${code}`);
      }
    }
    for (const { address } of addresses) {
      const why = whyRefused(address, test);
      if (why) {
        throw new GatewayError(
          403,
          `provider '${name}': host '${origin.host}' resolves to ${why} address ${address}, which is refused`
        );
      }
    }
    const [first] = addresses;
    // The socket connects to the address checked above, never a new answer.
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) {
        (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
          first
        ]);
      } else {
        callback(null, first.address, first.family);
      }
    };
    const payload =
      body !== null ? Buffer.from(body, 'utf8') : method === 'POST' ? Buffer.alloc(0) : null;
    const options: https.RequestOptions = {
      host: origin.host,
      servername: isIP(origin.host) ? undefined : origin.host,
      port: origin.port,
      method,
      path: target,
      headers: {
        ...headers,
        'user-agent': this.userAgent,
        ...(payload ? { 'content-length': String(payload.length) } : {})
      },
      lookup: pinned,
      timeout: timeoutMs,
      agent: false
    };
    const module = origin.scheme === 'https' ? https : http;
    return new Promise<ProviderResponse>((resolve, reject) => {
      const deadline = setTimeout(() => {
        req.destroy(
          new GatewayError(504, `provider '${name}' did not answer within ${timeoutMs / 1000} s`)
        );
      }, timeoutMs);
      const fail = (error: unknown): void => {
        clearTimeout(deadline);
        if (error instanceof GatewayError) {
          reject(error);
        } else {
          const code = (error as { code?: string }).code ?? (error as Error).name;
          reject(new GatewayError(502, `provider '${name}' could not be reached: ${code}`));
        }
      };
      const req = module.request(options, res => {
        const declared = Number(res.headers['content-length'] ?? '0');
        if (declared > maxBytes) {
          res.destroy();
          fail(
            new GatewayError(
              502,
              `the answer of provider '${name}' is larger than ${maxBytes} bytes`
            )
          );
          return;
        }
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxBytes) {
            res.destroy();
            fail(
              new GatewayError(
                502,
                `the answer of provider '${name}' is larger than ${maxBytes} bytes`
              )
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(deadline);
          const list: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            list.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: list,
            body: Buffer.concat(chunks).toString('utf8')
          });
        });
      });
      req.on('timeout', () =>
        req.destroy(
          new GatewayError(504, `provider '${name}' did not answer within ${timeoutMs / 1000} s`)
        )
      );
      req.on('error', fail);
      req.end(payload ?? undefined);
    });
  }
}

function hostPart(origin: Origin): string {
  return origin.host.includes(':') ? `[${origin.host}]` : origin.host;
}

/** An origin as its URL is written (default port left out): a Kusto cluster's token scope is its URL. */
function originText(origin: Origin): string {
  const port = origin.port === (origin.scheme === 'https' ? 443 : 80) ? '' : `:${origin.port}`;
  return `${origin.scheme}://${hostPart(origin)}${port}${origin.prefix}`;
}
