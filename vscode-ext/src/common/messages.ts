/**
 * What the renderer (webview) and the extension (Node) share: the renderer's
 * id and the messages between them, defined once. Messaging is optional
 * (`requiresMessaging: "optional"`): the renderer draws without it, and only
 * asks the extension for what needs the network (provider calls) when a
 * channel exists.
 *
 * A provider call carries the core's planned request (provider, operation,
 * path, query, body: `HttpRequest`), never a URL and never a key; the
 * extension adds the host from the generated provider registry and the key
 * from `SecretStorage`.
 */

/** `contributes.notebookRenderer[0].id` in package.json. */
export const RENDERER_ID = 'huntkit.view';

/** One planned call (`huntkit_core::providers::HttpRequest`, as the engine's `lookupPlan` returns it). */
export interface PlannedCall {
  provider: string;
  operation: string;
  method: string;
  path: string;
  baseUrl?: string | null;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: string | null;
}

/** Messages from the renderer to the extension, keyed on `type`. */
export type RendererMessage =
  /** A bundle could not be drawn; the output shows `message` too. */
  | { type: 'viewError'; outputId: string; message: string }
  /** Which providers have their keys stored, and the sensitive switch. */
  | { type: 'providerStatus'; callId: number }
  /** Perform one planned provider call. */
  | { type: 'providerCall'; callId: number; request: PlannedCall };

/** One provider as the extension reports it: never a key. */
export interface ProviderState {
  name: string;
  configName: string;
  kind: string;
  configured: boolean;
  missing?: string[];
  note?: string;
}

/** Messages from the extension to the renderer, keyed on `type`. */
export type ExtensionMessage =
  | {
      type: 'providerStatusAnswer';
      callId: number;
      /** Why lookups are off (untrusted workspace, sensitive switch), or null. */
      blocked: string | null;
      providers: ProviderState[];
    }
  | {
      type: 'providerAnswer';
      callId: number;
      /** The provider's answer (any HTTP status), when the call was made. */
      response?: { status: number; headers: Array<[string, string]>; body: string };
      /** Why no call was made or none came back (refused, unreachable, rate limited). */
      failure?: { status: number; message: string; retryAfter: string | null };
    };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows what arrives on the channel (it is untyped) to a `RendererMessage`. */
export function isRendererMessage(value: unknown): value is RendererMessage {
  if (!isObject(value)) {
    return false;
  }
  switch (value.type) {
    case 'viewError':
      return typeof value.outputId === 'string' && typeof value.message === 'string';
    case 'providerStatus':
      return typeof value.callId === 'number';
    case 'providerCall':
      return typeof value.callId === 'number' && isObject(value.request);
    default:
      return false;
  }
}

/** Narrows what arrives from the extension to an `ExtensionMessage`. */
export function isExtensionMessage(value: unknown): value is ExtensionMessage {
  return (
    isObject(value) &&
    (value.type === 'providerStatusAnswer' || value.type === 'providerAnswer') &&
    typeof value.callId === 'number'
  );
}
