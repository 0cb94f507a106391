/**
 * The `lookup` view kind: a bundle's observables in the shared Lookup view
 * (`views/lookupView.ts`). Drawing it sends nothing: the host's provider
 * list is asked for (which keys it holds, never a key), and calls go out
 * only when the analyst presses Run, through the host the page was given
 * (`ViewContext.lookupHost`); without one the view says lookups need it.
 */
import { LookupView, type LookupEngine, type LookupHost } from '../views/lookupView.js';
import { BundleError, type ViewBundle } from './bundle.js';

/** The options of a `lookup` bundle, checked (the core's `LookupViewOptions`). */
export function lookupOptions(options: Record<string, unknown>): {
  iocs: string[];
  providers?: string[];
  title?: string;
} {
  const known = new Set(['iocs', 'providers', 'title']);
  const unknown = Object.keys(options).find(k => !known.has(k));
  if (unknown !== undefined) {
    throw new BundleError(`unknown option ${JSON.stringify(unknown)} for a lookup view`);
  }
  const strings = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every(v => typeof v === 'string');
  const { iocs, providers, title } = options;
  if (!strings(iocs) || iocs.length === 0) {
    throw new BundleError('a lookup view needs "iocs": a non-empty list of observables');
  }
  if (providers !== undefined && providers !== null && !strings(providers)) {
    throw new BundleError('"providers" must be a list of provider names');
  }
  if (title !== undefined && title !== null && typeof title !== 'string') {
    throw new BundleError('"title" must be text');
  }
  return {
    iocs,
    ...(strings(providers) ? { providers } : {}),
    ...(typeof title === 'string' ? { title } : {})
  };
}

/** A mounted Lookup view. */
export class LookupFrame {
  readonly view: LookupView;

  constructor(
    host: HTMLElement,
    bundle: ViewBundle,
    engine: LookupEngine,
    lookupHost: LookupHost | null
  ) {
    const options = lookupOptions(bundle.options);
    this.view = new LookupView(host.ownerDocument, engine, lookupHost, options);
    host.append(this.view.node);
    // The host's provider list only (which keys it holds); nothing is sent until Run.
    void this.view.loadProviders();
  }

  dispose(): void {
    this.view.node.remove();
  }
}
