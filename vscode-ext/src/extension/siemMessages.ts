/**
 * The messages between the extension host and its SIEM query worker
 * (`siemWorker.ts`), defined once for both sides.
 */
import type { ProviderResponse } from './gateway';
import type { SiemResult } from './siemQuery';

/** A provider and its bundled templates, as the quick picks show them. */
export interface CatalogProvider {
  name: string;
  configName: string;
  environment: string;
  /** Whether it can run each chunk as a search job. */
  jobs: boolean;
  templates: Array<{
    name: string;
    description: string;
    parameters: Array<{ name: string; description: string; required: boolean }>;
  }>;
}

/** To the worker. */
export type ToWorker =
  | { op: 'catalog' }
  | {
      op: 'run';
      name: string;
      params: Record<string, unknown>;
      provider: string;
      options: Record<string, unknown>;
    }
  | {
      op: 'sent';
      callId: number;
      response?: ProviderResponse;
      failure?: { status: number; message: string; retryAfter: string | null };
    };

/** From the worker. */
export type FromWorker =
  | { op: 'catalog'; providers: CatalogProvider[] }
  | { op: 'send'; callId: number; request: unknown }
  | { op: 'wait'; ms: number; attempt: number }
  | { op: 'done'; result: Omit<SiemResult, 'table'> }
  | { op: 'error'; message: string };
