/**
 * Live SIEM query providers for the Queries panel (Microsoft Sentinel /
 * Log Analytics, Defender, Azure Data Explorer, Splunk): the ones the
 * huntkit server extension has credentials for. The engine's worker plans
 * each time chunk's request and reads each answer; this module only hands
 * each planned request to the server's query route
 * (`huntkit/api/providers/query`), which adds the credentials and calls the
 * provider. The page never sees a key or names a host.
 */
import {
  RateLimitedError,
  withRetryAfter,
  type HttpRequest,
  type HttpResponse,
  type RetryPolicy,
  type SiemProviderInfo
} from '@huntkit/engine';
import { ServerConnection } from '@jupyterlab/services';
import type { IHuntkitEngine } from '../tokens';
import type { QueryProvider } from './queries';

/** The server extension's provider routes, under the server's base URL. */
const API = 'huntkit/api/providers';

/** What the server says of one provider (`GET huntkit/api/providers`). */
interface ServerProvider {
  name: string;
  kind: string;
  configured: boolean;
  missing?: string[];
  /** Log Analytics: the configured workspaces (names and ids; not secret). */
  workspaces?: Array<{ name: string; workspaceId: string }>;
}

/** Why the server refused, from its `{message}` answer. */
async function refusal(response: Response): Promise<string> {
  try {
    const doc = (await response.json()) as { message?: unknown };
    if (typeof doc.message === 'string') {
      return doc.message;
    }
  } catch {
    // not JSON: the status says enough
  }
  return `the jupyter server answered HTTP ${response.status}`;
}

/** Display names of the providers, by registry name (labels only; the list is the core's). */
function label(info: SiemProviderInfo): string {
  return `${info.environment} (${info.name}, live)`;
}

/**
 * The SIEM providers the server can run, one per Sentinel workspace:
 * empty when the server extension is not there or none is configured.
 */
export async function siemQueryProviders(
  engine: IHuntkitEngine,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  retry: RetryPolicy = {}
): Promise<QueryProvider[]> {
  let listed: ServerProvider[];
  try {
    const response = await ServerConnection.makeRequest(
      settings.baseUrl + API,
      { method: 'GET' },
      settings
    );
    if (!response.ok) {
      return [];
    }
    listed = ((await response.json()) as { providers?: ServerProvider[] }).providers ?? [];
  } catch {
    return [];
  }
  const known = await engine.siemProviders();
  const once = async (request: HttpRequest): Promise<HttpResponse> => {
    const response = await ServerConnection.makeRequest(
      settings.baseUrl + `${API}/query`,
      { method: 'POST', body: JSON.stringify(request) },
      settings
    );
    if (response.status === 429) {
      // The server's own rate limit (before anything was sent): wait and retry.
      throw new RateLimitedError(await refusal(response), response.headers.get('Retry-After'));
    }
    if (!response.ok) {
      throw new Error(await refusal(response));
    }
    return (await response.json()) as HttpResponse;
  };
  // A 429 (the provider's or the server's) is retried after its
  // Retry-After by the core's rule; past it the chunk is reported
  // rate_limited.
  const send = (request: HttpRequest): Promise<HttpResponse> =>
    withRetryAfter(
      () => once(request),
      (attempt, answer) =>
        engine.lookupRetryDelay(attempt, {
          ...answer,
          headers: answer.headers ?? [],
          body: answer.body ?? ''
        }),
      retry
    );
  const out: QueryProvider[] = [];
  for (const info of known) {
    const server = listed.find(p => p.name === info.name && p.kind === 'siem');
    if (!server?.configured) {
      continue;
    }
    const targets: Array<{ suffix: string; workspaceId?: string }> =
      info.name === 'loganalytics'
        ? (server.workspaces ?? []).map(w => ({
            suffix: `: ${w.name}`,
            workspaceId: w.workspaceId
          }))
        : [{ suffix: '' }];
    for (const t of targets) {
      out.push({
        id: `siem-${info.name}${t.workspaceId ? `-${t.workspaceId}` : ''}`,
        label: label(info) + t.suffix,
        environment: info.environment,
        splits: true,
        jobs: info.jobs,
        async describe() {
          return { now: null, templates: null };
        },
        async run(template, params, options = {}) {
          const database = template.metadata.database;
          const result = await engine.runSiemQuery(
            template.name,
            params,
            info.name,
            {
              environment: info.environment,
              splitBy: options.splitBy || null,
              mode: options.mode ?? null,
              target: {
                workspaceId: t.workspaceId ?? null,
                database: typeof database === 'string' ? database : null
              }
            },
            send
          );
          return {
            name: template.name,
            file: `${info.name}${t.suffix}`,
            table: result.table,
            rows: result.rows,
            rowsRead: result.rows,
            applied: result.notes,
            columns: result.columns,
            preview: result.preview,
            chunks: result.chunks,
            status: result.status
          };
        }
      });
    }
  }
  return out;
}
